package pricing_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
)

// A host reuses its request values and edits them in place between quotes, in loops. A quote it
// keeps must not move with them: its Request is the request as priced, and agrees with its
// Schedule, whatever the host does to the request afterwards (and the other way round).

// editInPlace rewrites the installments of p where they are, as a host reusing its terms does:
// half on order, spread over all but the last installment, and the rest ninety days after
// delivery (all of it, for one installment).
func editInPlace(p b2bkit.PaymentTerms) {
	ins, rest := p.Installments, dec("1")
	for i := range ins[:len(ins)-1] {
		ins[i] = b2bkit.Installment{Share: dec("0.5").DivRound(dec(fmt.Sprint(len(ins)-1)), 4), Due: b2bkit.OnOrder}
		rest = rest.Sub(ins[i].Share)
	}
	ins[len(ins)-1] = b2bkit.Installment{Share: rest, Due: b2bkit.OnDelivery, Days: 90}
}

// requireOwnTerms checks that q's request still has the installments want and that its schedule
// is still what those terms make of what the buyer pays; name says which quote it is.
func requireOwnTerms(t *testing.T, q pricing.Quote, want b2bkit.PaymentTerms, name string) {
	t.Helper()
	require.True(t, q.Request.Terms.Payment.Equal(want), "%s: request's payment is now %s, was %s", name, q.Request.Terms.Payment, want)
	pays := q.Total
	if q.Tax != nil {
		pays = q.Tax.Gross
	}
	dues, err := q.Request.Terms.Schedule(pays, q.Scale)
	require.NoError(t, err, name)
	require.Len(t, q.Schedule, len(dues), name)
	for i := range dues {
		require.True(t, dues[i].Equal(q.Schedule[i]), "%s: schedule[%d] %v, its terms make %v", name, i, q.Schedule[i], dues[i])
	}
}

// sharesNothing checks that no installment of the quote's request is one of the caller's.
func sharesNothing(t *testing.T, got, callers []b2bkit.Installment, name string) {
	t.Helper()
	for i := range got {
		for j := range callers {
			require.False(t, &got[i] == &callers[j], "%s: installment %d is the caller's %d", name, i, j)
		}
	}
}

func TestQuote_KeepsNoneOfTheCallersInstallments(t *testing.T) {
	three := b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dec("0.2"), Due: b2bkit.OnOrder},
		{Share: dec("0.5"), Due: b2bkit.OnDelivery}, {Share: dec("0.3"), Due: b2bkit.OnDelivery, Days: 60}}}
	for _, pricesOnly := range []bool{false, true} {
		for _, payment := range []b2bkit.PaymentTerms{b2bkit.DepositBalance(dec("0.3"), 60), three} {
			name := fmt.Sprintf("prices only %t, %s", pricesOnly, payment)
			e, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), catalogSource(t), &pricing.Options{Now: fixedNow, PricesOnly: pricesOnly})
			require.NoError(t, err)
			r := request("RICE-25KG", "200")
			r.Tier = "gold"
			r.Terms.Payment = b2bkit.PaymentTerms{Installments: slices.Clone(payment.Installments)}
			want := payment
			q := quote(t, e, r)
			sharesNothing(t, q.Request.Terms.Payment.Installments, r.Terms.Payment.Installments, name)

			editInPlace(r.Terms.Payment) // the host's next request
			requireOwnTerms(t, q, want, name)
			next := quote(t, e, r)
			requireOwnTerms(t, q, want, name+", after the next")
			requireOwnTerms(t, next, r.Terms.Payment, name+", the next")

			// And the other way: a host editing the quote it kept changes neither its request
			// nor another quote.
			before := slices.Clone(r.Terms.Payment.Installments)
			editInPlace(q.Request.Terms.Payment)
			require.True(t, r.Terms.Payment.Equal(b2bkit.PaymentTerms{Installments: before}), name)
			requireOwnTerms(t, next, r.Terms.Payment, name+", the next after editing the first")
		}
	}
}

func TestQuoteMany_KeepsNoneOfTheCallersInstallments(t *testing.T) {
	shared := b2bkit.DepositBalance(dec("0.3"), 60) // one backing array for most of the batch
	skus := []b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG"}
	var reqs []pricing.Request
	for i := range 600 { // past MinRunPerWorker, so several runs on a multi-core machine
		r := request(skus[i%3], fmt.Sprint(1+i%50))
		r.Terms.Payment = shared
		if i%97 == 5 {
			r.Terms.Payment = b2bkit.Net(30) // a request of its own now and then
		}
		reqs = append(reqs, r)
	}
	want := make([]b2bkit.PaymentTerms, len(reqs))
	for i, r := range reqs {
		want[i] = b2bkit.PaymentTerms{Installments: slices.Clone(r.Terms.Payment.Installments)}
	}
	for _, workers := range []int{1, 4} {
		e, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), catalogSource(t), &pricing.Options{Now: fixedNow, Workers: workers})
		require.NoError(t, err)
		qs, err := e.QuoteMany(ctx, reqs)
		require.NoError(t, err)
		for i := range reqs {
			sharesNothing(t, qs[i].Request.Terms.Payment.Installments, reqs[i].Terms.Payment.Installments, fmt.Sprintf("workers %d, quote %d", workers, i))
		}
		// The host's next batch, on other terms, in the same values.
		for i := range reqs {
			editInPlace(reqs[i].Terms.Payment)
		}
		for i := range qs {
			requireOwnTerms(t, qs[i], want[i], fmt.Sprintf("workers %d, quote %d", workers, i))
		}
		for i := range reqs { // as they were, for the next round
			copy(reqs[i].Terms.Payment.Installments, want[i].Installments)
		}
	}
}

func TestQuoteOrder_KeepsNoneOfTheCallersLinesOrInstallments(t *testing.T) {
	e := restaurantEngine(t)
	o := pricing.OrderRequest{Buyer: "lucky-noodle", Tier: "gold", Terms: request("X", "1").Terms, Lines: []pricing.OrderLine{
		{SKU: "RICE-25KG", Quantity: dec("200")}, {SKU: "OIL-20L", Quantity: dec("10")}, {SKU: "SALT-1KG", Quantity: dec("50")}}}
	o.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	want := b2bkit.PaymentTerms{Installments: slices.Clone(o.Terms.Payment.Installments)}
	wantLines := slices.Clone(o.Lines)
	oq, err := e.QuoteOrder(ctx, o)
	require.NoError(t, err)
	sharesNothing(t, oq.Request.Terms.Payment.Installments, o.Terms.Payment.Installments, "order")
	for i, l := range oq.Lines {
		sharesNothing(t, l.Quote.Request.Terms.Payment.Installments, o.Terms.Payment.Installments, fmt.Sprintf("line %d", i))
	}
	require.Len(t, oq.Request.Lines, len(o.Lines))
	require.False(t, &oq.Request.Lines[0] == &o.Lines[0], "the order quote's lines are the caller's")

	// The host's next order, in the same value.
	editInPlace(o.Terms.Payment)
	for i := range o.Lines {
		o.Lines[i] = pricing.OrderLine{SKU: "SALT-1KG", Quantity: dec("1")}
	}
	require.True(t, oq.Request.Terms.Payment.Equal(want), "order's payment is now %s", oq.Request.Terms.Payment)
	dues, err := oq.Request.Terms.Schedule(oq.Total, oq.Scale)
	require.NoError(t, err)
	require.Len(t, oq.Schedule, len(dues))
	for i := range dues {
		require.True(t, dues[i].Equal(oq.Schedule[i]), "order schedule[%d] %v, its terms make %v", i, oq.Schedule[i], dues[i])
	}
	for i, l := range oq.Lines {
		require.True(t, l.Quote.Request.Terms.Payment.Equal(want), "line %d's payment is now %s", i, l.Quote.Request.Terms.Payment)
		require.Equal(t, wantLines[i].SKU, oq.Request.Lines[i].SKU, "line %d", i)
		requireDecEqual(t, wantLines[i].Quantity, oq.Request.Lines[i].Quantity, "line %d", i)
	}
}

func TestCompare_KeepsNoneOfTheCallersInstallments(t *testing.T) {
	e := restaurantEngine(t)
	r := request("RICE-25KG", "200")
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	deposit := b2bkit.DepositBalance(dec("0.5"), 30)
	alts := []pricing.Alternative{{Label: "more", Quantity: dec("500")}, {Label: "half down", Payment: &deposit}}
	wantBase := b2bkit.PaymentTerms{Installments: slices.Clone(r.Terms.Payment.Installments)}
	wantAlt := b2bkit.PaymentTerms{Installments: slices.Clone(deposit.Installments)}
	c, err := e.Compare(ctx, r, alts)
	require.NoError(t, err)
	require.Len(t, c.Rows, 2)
	sharesNothing(t, c.Base.Request.Terms.Payment.Installments, r.Terms.Payment.Installments, "base")
	sharesNothing(t, c.Rows[0].Quote.Request.Terms.Payment.Installments, r.Terms.Payment.Installments, "row 0")
	sharesNothing(t, c.Rows[1].Quote.Request.Terms.Payment.Installments, deposit.Installments, "row 1")

	editInPlace(r.Terms.Payment)
	editInPlace(deposit)
	requireOwnTerms(t, c.Base, wantBase, "base")
	requireOwnTerms(t, c.Rows[0].Quote, wantBase, "row 0")
	requireOwnTerms(t, c.Rows[1].Quote, wantAlt, "row 1")
}
