// Command quickstart is the first thing a new user of b2bkit runs: it walks through one B2B trade —
// its terms, its payment schedule — and then through each package's part of the story.
//
//	go run ./examples/quickstart
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

func main() {
	db := flag.String("db", "", "keep the platform (CRM, match log, receivables) in this SQLite `file`; a second run reads it back")
	flag.Parse()
	var err error
	if *db != "" {
		err = runDB(os.Stdout, *db)
	} else {
		err = run(os.Stdout, memoryPlatform())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run walks through the story, keeping the platform's state in p.
func run(w io.Writer, p platform) error {
	with := func(show func(io.Writer, platform) error) func(io.Writer) error {
		return func(w io.Writer) error { return show(w, p) }
	}
	steps := []struct {
		title string
		show  func(io.Writer) error
	}{
		{"A worked trade (b2bkit)", showTrade},
		{"Two CRMs: a key person changes jobs (crm)", with(showCRM)},
		{"A ground-sales campaign (funnel)", showFunnel},
		{"Priced by its terms (pricing)", showPricing},
		{"The match log prepares the next trade (matching)", with(showMatching)},
		{"Credit from the platform's own trades (risk)", showCredit},
		{"Trade finance: real trades, financed once (risk)", with(showTradeFinance)},
	}
	for i, s := range steps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s ==\n", s.title)
		if err := s.show(w); err != nil {
			return fmt.Errorf("%s: %w", s.title, err)
		}
	}
	return nil
}

// showTrade prints one restaurant's order of rice and oil: its terms, lead time, credit period and
// the payment schedule that follows from them.
func showTrade(w io.Writer) error {
	cst := time.FixedZone("CST", 8*3600)
	ordered := time.Date(2026, 3, 1, 10, 0, 0, 0, cst)
	o := b2bkit.Order{
		ID: "PO-2026-0301", Buyer: "golden-wok-restaurant", Seller: "east-grain-supply", Currency: "CNY",
		Lines: []b2bkit.OrderLine{
			{SKU: "rice-25kg", Quantity: decimal.NewFromInt(40), UnitPrice: decimal.RequireFromString("112.50")},
			{SKU: "peanut-oil-5l", Quantity: decimal.NewFromInt(12), UnitPrice: decimal.RequireFromString("68.30")},
		},
		Terms: b2bkit.Terms{
			Payment:   b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60),
			OrderedAt: ordered,
			DeliverBy: ordered.AddDate(0, 0, 10),
		},
		Channel:  b2bkit.Manual,
		PlacedAt: ordered,
	}
	if err := o.Validate(); err != nil {
		return err
	}
	fmt.Fprintf(w, "order %s: %s buys from %s via %s\n", o.ID, o.Buyer, o.Seller, o.Channel)
	for _, l := range o.Lines {
		fmt.Fprintf(w, "  %-14s %4s x %7s = %9s\n", l.SKU, l.Quantity, l.UnitPrice.StringFixed(2), l.Amount().StringFixed(2))
	}
	total := b2bkit.Round(o.Total(), 2, b2bkit.HalfUp)
	fmt.Fprintf(w, "  total %s %s\n", total.StringFixed(2), o.Currency)
	fmt.Fprintf(w, "terms: %s\n", o.Terms.Payment)
	fmt.Fprintf(w, "lead days: %d (ordered %s, wanted %s)\n", o.Terms.LeadDays(),
		o.Terms.OrderedAt.Format("2006-01-02"), o.Terms.DeliverBy.Format("2006-01-02"))
	fmt.Fprintf(w, "credit days: %s (share-weighted days from delivery to payment)\n", o.Terms.CreditDays())
	fmt.Fprintf(w, "credit trade (a candidate for finance): %v\n", o.Terms.IsCredit())
	dues, err := o.Schedule(2)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "payment schedule:")
	for _, d := range dues {
		fmt.Fprintf(w, "  %s  %9s  (%s%% %s)\n", d.Date.Format("2006-01-02"), d.Amount.StringFixed(2),
			d.Installment.Share.Shift(2), describeDue(d.Installment))
	}
	return nil
}

func describeDue(in b2bkit.Installment) string {
	event := "on order"
	if in.Due == b2bkit.OnDelivery {
		event = "on delivery"
	}
	if in.Days == 0 {
		return event
	}
	return fmt.Sprintf("%d days after %s", in.Days, event[3:])
}
