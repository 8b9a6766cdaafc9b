package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
)

// A platform is the state the walk-through keeps: the two CRMs, the match log and the receivables
// registry. It lives in memory unless -db names a SQLite file.
type platform struct {
	crm      crm.Store
	log      matching.Log
	registry risk.Registry
}

func memoryPlatform() platform {
	return platform{crm: crm.NewMemoryStore(), log: matching.NewMemoryLog(), registry: risk.NewMemoryRegistry()}
}

// runDB keeps the platform in the SQLite file at path: the first run walks through the story and
// stores it there; a later run finds it and reads it back instead.
func runDB(w io.Writer, path string) error {
	db, err := sqlstore.OpenSQLite(path)
	if err != nil {
		return err
	}
	defer db.Close()
	p := platform{crm: db.CRM(), log: db.Matches(), registry: db.Registry()}
	_, err = p.crm.Company(context.Background(), "golden-wok-restaurant")
	switch {
	case err == nil:
		return readBack(w, p, path)
	case !errors.Is(err, b2bkit.ErrNotFound):
		return err
	}
	if err := run(w, p); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nthe platform is kept in %s (SQLite): run again with -db %s to read it back\n", path, path)
	return nil
}

// readBack shows what an earlier run stored in the database: the CRM, the match log and the
// receivables registry, read through the same interfaces the walk-through wrote them with.
func readBack(w io.Writer, p platform, path string) error {
	ctx := context.Background()
	fmt.Fprintf(w, "== The platform, read back from %s ==\n", path)
	fmt.Fprintln(w, "an earlier run stored it; nothing is written this time")
	fmt.Fprint(w, "companies:")
	for c, err := range p.crm.Companies(ctx) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, " %s (%s, version %d)", c.ID, c.Stage, c.Version)
	}
	fmt.Fprintln(w)
	for j, err := range p.crm.JobChanges(ctx, time.Time{}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "job change %s: %s left %s for %s; uncovered %v\n", j.At.Format(time.DateOnly), j.Person, j.From, j.To, j.Uncovered)
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	com, err := crm.New(p.crm, nil).Committee(ctx, "golden-wok-restaurant", at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "committee of golden-wok-restaurant on %s: complete %s, missing %v\n", at.Format(time.DateOnly), com.Completeness.StringFixed(2), com.Missing)

	// The log is read from its first entry, as a server reading it into a Book does.
	var (
		n, entries int
		lastSeq    uint64
		qty, value = decimal.Zero, decimal.Zero
		first      time.Time
		last       time.Time
	)
	for e, err := range p.log.Since(ctx, 0) {
		if err != nil {
			return err
		}
		entries, lastSeq = entries+1, e.Seq
		if m := e.Match; e.Kind == matching.MatchAppended && m.SKU == "rice-25kg" {
			if n == 0 || m.At.Before(first) {
				first = m.At
			}
			if m.At.After(last) {
				last = m.At
			}
			n, qty, value = n+1, qty.Add(m.Quantity), value.Add(m.Value())
		}
	}
	fmt.Fprintf(w, "match log: %d entries, the last numbered %d; %d matches of rice-25kg from %s to %s, %s bags, %s CNY\n",
		entries, lastSeq, n, first.Format(time.DateOnly), last.Format(time.DateOnly), qty, value.StringFixed(2))
	book, now, err := matchingBook(p.log)
	if err != nil {
		return err
	}
	ref, err := book.ReferencePrice(ctx, "rice-25kg", riceAsk(now), 90*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "a book rebuilt from the log: reference for 40 bags, cash on delivery, median %s %s (%d trades)\n",
		ref.Median.StringFixed(2), ref.Currency, ref.Count)
	for r, err := range p.registry.Receivables(ctx, "steel-mill-2") {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "receivable %s of %s on %s: %s by %s, %s of %s, %d steps\n", r.Invoice.Number, r.Invoice.Seller,
			r.Invoice.Buyer, r.State, r.Lender, r.Financed, r.Invoice.Amount, len(r.History))
	}
	return nil
}
