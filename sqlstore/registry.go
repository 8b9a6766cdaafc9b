package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
)

// Registry is risk.Registry over the database: the receivables registry (应收账款登记, R19). Put is a
// conditional UPDATE on the stored version inside a transaction, so of two servers writing the same
// version one wins and the other gets b2bkit.ErrConflict; and the table of transitions allows one
// financing per receivable by a unique index, whatever a caller writes. Safe for concurrent use, and
// across processes sharing the database.
type Registry struct {
	db *DB
}

var _ risk.Registry = (*Registry)(nil)

// Registry returns the receivables registry kept in db.
func (db *DB) Registry() *Registry { return &Registry{db: db} }

// receivablesPage is how many receivables Receivables reads per query.
const receivablesPage = 256

// ordersBlock is how many of an invoice's orders, or of a receivable's transitions, one INSERT
// writes.
const ordersBlock = 1000

// Get implements risk.Registry.
func (g *Registry) Get(ctx context.Context, fp risk.Fingerprint) (_ risk.Receivable, err error) {
	if err = g.ready("Registry.Get"); err != nil {
		return
	}
	defer g.db.done("Registry.Get", &err)
	var out []risk.Receivable
	err = g.db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = g.load(ctx, tx, []string{fp.String()})
		return err
	})
	if err != nil {
		return risk.Receivable{}, err
	}
	if len(out) == 0 {
		return risk.Receivable{}, fmt.Errorf("sqlstore: %w", b2bkit.NotFound("receivable", fp.String()))
	}
	return out[0], nil
}

// Put implements risk.Registry.
func (g *Registry) Put(ctx context.Context, r risk.Receivable) (_ risk.Receivable, err error) {
	if err = g.ready("Registry.Put"); err != nil {
		return
	}
	defer g.db.done("Registry.Put", &err)
	if err := ctx.Err(); err != nil {
		return risk.Receivable{}, fmt.Errorf("sqlstore: %w", err)
	}
	if err := r.Validate(); err != nil {
		return risk.Receivable{}, fmt.Errorf("sqlstore: %w", b2bkit.InField("receivable", err))
	}
	if err := checkReceivable(&r); err != nil {
		return risk.Receivable{}, fmt.Errorf("sqlstore: %w", b2bkit.InField("receivable", err))
	}
	db, fp := g.db, r.Fingerprint.String()
	err = db.write(ctx, func(tx *sql.Tx) error {
		inv := &r.Invoice
		issuedNS, issuedOff := timeArgs(inv.IssuedAt)
		dueNS, dueOff := timeArgs(inv.DueAt)
		var res sql.Result
		var err error
		if r.Version == 0 {
			res, err = tx.ExecContext(ctx, db.q(`INSERT INTO receivables (fingerprint, number, seller, debtor, amount, currency,
	issued_at, issued_off, due_at, due_off, state, lender, financed, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (fingerprint) DO NOTHING`),
				fp, string(inv.Number), string(inv.Seller), string(inv.Buyer), decArg(inv.Amount), inv.Currency,
				issuedNS, issuedOff, dueNS, dueOff, int(r.State), string(r.Lender), decArg(r.Financed))
		} else {
			res, err = tx.ExecContext(ctx, db.q(`UPDATE receivables SET number = ?, seller = ?, debtor = ?, amount = ?,
	currency = ?, issued_at = ?, issued_off = ?, due_at = ?, due_off = ?, state = ?, lender = ?, financed = ?,
	version = version + 1
WHERE fingerprint = ? AND version = ?`),
				string(inv.Number), string(inv.Seller), string(inv.Buyer), decArg(inv.Amount), inv.Currency,
				issuedNS, issuedOff, dueNS, dueOff, int(r.State), string(r.Lender), decArg(r.Financed), fp, r.Version)
		}
		if err != nil {
			return db.fail(ctx, err, "receivable", fp)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return db.fail(ctx, err, "receivable", fp)
			}
			return g.versionConflict(ctx, tx, fp, r.Version)
		}
		if r.Version > 0 {
			for _, table := range []string{"receivable_orders", "receivable_history"} {
				if _, err := tx.ExecContext(ctx, db.q("DELETE FROM "+table+" WHERE fingerprint = ?"), fp); err != nil {
					return db.fail(ctx, err, "receivable", fp)
				}
			}
		}
		// The orders go a block of rows per statement: an invoice over many orders must not pass
		// the number of arguments one statement may carry (32,766 in SQLite).
		args := make([]any, 0, 3*min(len(inv.Orders), ordersBlock))
		for start := 0; start < len(inv.Orders); start += ordersBlock {
			part := inv.Orders[start:min(start+ordersBlock, len(inv.Orders))]
			args = args[:0]
			for i, o := range part {
				args = append(args, fp, start+i, string(o))
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO receivable_orders (fingerprint, pos, order_id) VALUES `+tuples(3, len(part))), args...); err != nil {
				return db.fail(ctx, err, "receivable", fp)
			}
		}
		// The history goes in blocks too: a receivable offered again and again has no bound on it.
		args = make([]any, 0, 8*min(len(r.History), ordersBlock))
		for start := 0; start < len(r.History); start += ordersBlock {
			part := r.History[start:min(start+ordersBlock, len(r.History))]
			args = args[:0]
			for i, t := range part {
				ns, off := timeArgs(t.At)
				args = append(args, fp, start+i, int(t.To), ns, off, t.By, string(t.Lender), decArg(t.Amount))
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO receivable_history (fingerprint, pos, state, at, at_off, by_whom, lender, amount) VALUES `+tuples(8, len(part))), args...); err != nil {
				if db.isUnique(err) {
					return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("receivable", fp, "financed once already (R19)"))
				}
				return db.fail(ctx, err, "receivable", fp)
			}
		}
		return nil
	})
	if err != nil {
		return risk.Receivable{}, err
	}
	out := r.Clone()
	out.Version++
	return out, nil
}

// versionConflict explains why a write at version have changed no row.
func (g *Registry) versionConflict(ctx context.Context, tx *sql.Tx, fp string, have int64) error {
	var stored int64
	err := tx.QueryRowContext(ctx, g.db.q(`SELECT version FROM receivables WHERE fingerprint = ?`), fp).Scan(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return g.db.fail(ctx, err, "receivable", fp)
	}
	return fmt.Errorf("sqlstore: %w", staleVersion("receivable", fp, have, stored))
}

// Receivables implements risk.Registry. It reads a page of receivables at a time, each page from
// one snapshot; a receivable written while the stream runs may or may not be seen.
func (g *Registry) Receivables(ctx context.Context, company b2bkit.CompanyID) iter.Seq2[risk.Receivable, error] {
	if err := g.ready("Registry.Receivables"); err != nil {
		return failedSeq[risk.Receivable](err)
	}
	return closedSeq(g.db, "Registry.Receivables", func(yield func(risk.Receivable, error) bool) {
		if !checkText(string(company)) {
			if err := ctx.Err(); err != nil {
				yield(risk.Receivable{}, fmt.Errorf("sqlstore: %w", err))
			}
			return // no receivable names a company by text that cannot be stored
		}
		after := ""
		for {
			var page []risk.Receivable
			err := g.db.read(ctx, func(tx *sql.Tx) error {
				rows, err := tx.QueryContext(ctx, g.db.q(receivablesPageQuery), receivablesPageArgs(string(company), after)...)
				if err != nil {
					return g.db.fail(ctx, err, "", "")
				}
				fps, err := scanStrings(rows)
				if err != nil {
					return g.db.fail(ctx, err, "", "")
				}
				page, err = g.load(ctx, tx, fps)
				return err
			})
			if err != nil {
				yield(risk.Receivable{}, err)
				return
			}
			for _, r := range page {
				if !yield(r, nil) {
					return
				}
			}
			if len(page) < receivablesPage {
				return
			}
			after = page[len(page)-1].Fingerprint.String()
		}
	})
}

// receivablesPageQuery reads the fingerprints of a page of a company's receivables — those it sells
// and those it owes — after a fingerprint, in fingerprint order (its arguments: receivablesPageArgs).
// Each side reads at most a page from its own index, (seller, fingerprint) or (debtor, fingerprint),
// in order from the fingerprint on, so a page costs the same however many receivables the company
// has; only the two pages' fingerprints are merged and sorted. (One condition "seller = ? OR debtor
// = ?" would gather all of the company's receivables and sort them for every page.)
const receivablesPageQuery = `SELECT fingerprint FROM (
	SELECT fingerprint FROM (SELECT fingerprint FROM receivables WHERE seller = ? AND fingerprint > ? ORDER BY fingerprint LIMIT ?) s
	UNION
	SELECT fingerprint FROM (SELECT fingerprint FROM receivables WHERE debtor = ? AND fingerprint > ? ORDER BY fingerprint LIMIT ?) d
) u ORDER BY fingerprint LIMIT ?`

// receivablesPageArgs are the arguments of receivablesPageQuery: the company's page after the
// fingerprint after ("" for the first).
func receivablesPageArgs(company, after string) []any {
	return []any{company, after, receivablesPage, company, after, receivablesPage, receivablesPage}
}

// receivableQueries returns the queries load runs for n fingerprints (its arguments): the
// receivables, their orders and their transitions, each over its table's primary key.
func receivableQueries(n int) (receivables, orders, history string) {
	in := "(" + placeholders(n) + ")"
	return `SELECT fingerprint, number, seller, debtor, amount, currency, issued_at, issued_off,
	due_at, due_off, state, lender, financed, version
FROM receivables WHERE fingerprint IN ` + in + ` ORDER BY fingerprint`,
		`SELECT fingerprint, order_id FROM receivable_orders WHERE fingerprint IN ` + in + ` ORDER BY fingerprint, pos`,
		`SELECT fingerprint, state, at, at_off, by_whom, lender, amount FROM receivable_history
WHERE fingerprint IN ` + in + ` ORDER BY fingerprint, pos`
}

// load reads the receivables with the given fingerprints, in ascending fingerprint order; absent
// ones are left out.
func (g *Registry) load(ctx context.Context, tx *sql.Tx, fps []string) ([]risk.Receivable, error) {
	if len(fps) == 0 {
		return nil, nil
	}
	db := g.db
	args := make([]any, len(fps))
	for i, fp := range fps {
		args[i] = fp
	}
	receivablesQuery, ordersQuery, historyQuery := receivableQueries(len(fps))
	rows, err := tx.QueryContext(ctx, db.q(receivablesQuery), args...)
	if err != nil {
		return nil, db.fail(ctx, err, "", "")
	}
	var (
		out   []risk.Receivable
		index = make(map[string]int, len(fps))
		z     zones
	)
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var (
				fp, amount, financed string
				issued, due          stamp
				state                int
				r                    risk.Receivable
			)
			inv := &r.Invoice
			if err := rows.Scan(&fp, &inv.Number, &inv.Seller, &inv.Buyer, &amount, &inv.Currency, &issued.ns, &issued.off,
				&due.ns, &due.off, &state, &r.Lender, &financed, &r.Version); err != nil {
				return err
			}
			var err error
			if r.Fingerprint, err = risk.ParseFingerprint(fp); err != nil {
				return corrupt("receivable", fp, "fingerprint", err)
			}
			if inv.Amount, err = readDec("receivable", fp, "amount", amount); err != nil {
				return err
			}
			if r.Financed, err = readDec("receivable", fp, "financed", financed); err != nil {
				return err
			}
			inv.IssuedAt, inv.DueAt, r.State = z.time(issued), z.time(due), risk.ReceivableState(state)
			index[fp] = len(out)
			out = append(out, r)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, db.fail(ctx, err, "", "")
	}
	if len(out) == 0 {
		return nil, nil
	}
	rows, err = tx.QueryContext(ctx, db.q(ordersQuery), args...)
	if err != nil {
		return nil, db.fail(ctx, err, "", "")
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var fp, id string
			if err := rows.Scan(&fp, &id); err != nil {
				return err
			}
			r := &out[index[fp]]
			r.Invoice.Orders = append(r.Invoice.Orders, b2bkit.OrderID(id))
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, db.fail(ctx, err, "", "")
	}
	rows, err = tx.QueryContext(ctx, db.q(historyQuery), args...)
	if err != nil {
		return nil, db.fail(ctx, err, "", "")
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var (
				fp, amount string
				state      int
				at         stamp
				t          risk.Transition
			)
			if err := rows.Scan(&fp, &state, &at.ns, &at.off, &t.By, &t.Lender, &amount); err != nil {
				return err
			}
			var err error
			if t.Amount, err = readDec("receivable", fp, "receivable_history.amount", amount); err != nil {
				return err
			}
			t.To, t.At = risk.ReceivableState(state), z.time(at)
			r := &out[index[fp]]
			r.History = append(r.History, t)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, db.fail(ctx, err, "", "")
	}
	return out, nil
}

// checkReceivable checks what Validate does not: that every value can be stored as it is.
func checkReceivable(r *risk.Receivable) error {
	var c checker
	inv := &r.Invoice
	c.text("invoice.number", string(inv.Number))
	c.text("invoice.seller", string(inv.Seller))
	c.text("invoice.buyer", string(inv.Buyer))
	c.text("invoice.currency", inv.Currency)
	c.dec("invoice.amount", inv.Amount)
	c.when("invoice.issued_at", inv.IssuedAt)
	c.when("invoice.due_at", inv.DueAt)
	for i, o := range inv.Orders {
		c.text(fmt.Sprintf("invoice.orders[%d]", i), string(o))
	}
	c.text("lender", string(r.Lender))
	c.dec("financed", r.Financed)
	for i, t := range r.History {
		if checkText(t.By) && checkText(string(t.Lender)) && decFits(t.Amount) && timeFits(t.At) {
			continue
		}
		f := fmt.Sprintf("history[%d]", i)
		c.text(f+".by", t.By)
		c.text(f+".lender", string(t.Lender))
		c.dec(f+".amount", t.Amount)
		c.when(f+".at", t.At)
	}
	return c.err()
}

// staleVersion is the conflict of a write at version have over a record stored at version stored
// (0: none).
func staleVersion(kind, id string, have, stored int64) error {
	switch {
	case stored == 0:
		return b2bkit.Conflict(kind, id, fmt.Sprintf("version %d given but no such record is stored", have))
	case have == 0:
		return b2bkit.Conflict(kind, id, "already exists")
	}
	return b2bkit.Conflict(kind, id, fmt.Sprintf("stale version %d, stored is %d", have, stored))
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// tuples returns n parenthesised groups of width placeholders: "(?, ?), (?, ?)".
func tuples(width, n int) string {
	one := "(" + placeholders(width) + ")"
	var b strings.Builder
	b.Grow(n * (len(one) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// scanStrings reads a one-column result of text and closes it.
func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
