package pricing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// An Alternative is one set of terms a sales rep puts beside the buyer's request: a bigger
// quantity, another payment schedule, an earlier booking. Zero fields keep the request's.
type Alternative struct {
	// Label names the alternative for the buyer: "30% deposit", "book 60 days ahead".
	Label string
	// Quantity, if > 0, replaces the request's quantity.
	Quantity decimal.Decimal
	// Payment, if set, replaces the request's payment schedule.
	Payment *b2bkit.PaymentTerms
	// DeliverBy, if set, replaces the request's delivery date.
	DeliverBy time.Time
	// OrderedAt, if set, replaces the request's order date.
	OrderedAt time.Time
}

// Apply returns the request with the alternative's terms in place of its own.
func (a Alternative) Apply(r Request) Request {
	if a.Quantity.Sign() > 0 {
		r.Quantity = a.Quantity
	}
	if a.Payment != nil {
		r.Terms.Payment = *a.Payment
	}
	if !a.OrderedAt.IsZero() {
		r.Terms.OrderedAt = a.OrderedAt
	}
	if !a.DeliverBy.IsZero() {
		r.Terms.DeliverBy = a.DeliverBy
	}
	return r
}

// A Comparison is the request's quote beside the quotes of its alternatives.
type Comparison struct {
	Base Quote
	Rows []ComparisonRow
}

// A ComparisonRow is one alternative's quote and what it changes against the base: per unit and
// in total (negative saves the buyer money).
type ComparisonRow struct {
	Label     string
	Quote     Quote
	UnitDiff  decimal.Decimal
	TotalDiff decimal.Decimal
}

// Compare quotes the request and each alternative, so a rep can show the buyer what a bigger
// deposit, a larger order or an earlier booking is worth. An alternative that makes a bad request
// is an error naming it ("alternatives[2].terms.deliver_by").
func (e *Engine) Compare(ctx context.Context, r Request, alts []Alternative) (Comparison, error) {
	base, err := e.Quote(ctx, r)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Base: base, Rows: make([]ComparisonRow, 0, len(alts))}
	for i, a := range alts {
		q, err := e.Quote(ctx, a.Apply(r))
		if err != nil {
			return Comparison{}, fmt.Errorf("alternatives[%d]: %w", i, err)
		}
		c.Rows = append(c.Rows, ComparisonRow{Label: a.Label, Quote: q, UnitDiff: q.UnitPrice.Sub(base.UnitPrice),
			TotalDiff: q.Total.Sub(base.Total)})
	}
	return c, nil
}

// String renders the comparison as a table, one row per alternative after the request's own.
func (c Comparison) String() string {
	var b strings.Builder
	row := func(label string, q Quote, du, dt string) {
		line := fmt.Sprintf("%-22s %8s %-42s %5d %10s %12s %9s %11s", label, q.Request.Quantity, q.Request.Terms.Payment,
			q.Request.Terms.LeadDays(), q.UnitPrice.StringFixed(q.Scale), q.Total.StringFixed(q.Scale), du, dt)
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%-22s %8s %-42s %5s %10s %12s %9s %11s\n", "terms", "quantity", "payment", "lead", "unit", "total",
		"Δunit", "Δtotal")
	row("as asked", c.Base, "", "")
	for _, r := range c.Rows {
		row(r.Label, r.Quote, signedFixed(r.UnitDiff, r.Quote.Scale), signedFixed(r.TotalDiff, r.Quote.Scale))
	}
	return b.String()
}
