package pricing_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// Session 11 audit: the defects tried on edge cases the earlier tests do not reach.

// packedGraduatedEngine prices RICE (120.00, cost 100, sold in cases of 12) with graduated breaks
// (the first 100 units at the list price, the next 900 at 3% off, the rest at 6% off), rounding a
// quantity up to whole cases.
func packedGraduatedEngine(t testing.TB) *pricing.Engine {
	t.Helper()
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "RICE", Price: dec("120.00"), Currency: "CNY", Cost: dec("100"), PackSize: dec("12")})
	require.NoError(t, err)
	p := basePolicy(pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "grad", Mode: pricing.Graduated,
		Bands: bands("0", "100", "0", "100", "1000", "-3", "1000", "", "-6")}}})
	p.Units = pricing.Units{Pack: pricing.RoundUp}
	e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	return e
}

// R11: a graduated line whose quantity is rounded up to whole packs across a band bound is priced
// band by band on the quantity priced, and its explanation divides the total by that quantity, not
// by the one asked for.
func TestR11_GraduatedBandsCutThePackRoundedQuantity(t *testing.T) {
	cases := []struct {
		asked, priced, total, unit, explain string
		bands                               int
	}{
		// 100 -> 108: 100 x 120.00 + 8 x 116.40 = 12931.20, / 108 = 119.7333...
		{"100", "108", "12931.20", "119.73", "Total 12931.20 CNY; unit price 119.73 CNY (total / 108)", 2},
		// 995 -> 996: 100 x 120.00 + 896 x 116.40 = 116294.40, / 996 = 116.7614...
		{"995", "996", "116294.40", "116.76", "Total 116294.40 CNY; unit price 116.76 CNY (total / 996)", 2},
		// 1000 -> 1008: 100 x 120 + 900 x 116.40 + 8 x 112.80 = 117662.40, / 1008 = 116.7286...
		{"1000", "1008", "117662.40", "116.73", "Total 117662.40 CNY; unit price 116.73 CNY (total / 1008)", 3},
	}
	e := packedGraduatedEngine(t)
	for _, c := range cases {
		t.Run(c.asked, func(t *testing.T) {
			q := quote(t, e, request("RICE", c.asked))
			requireDecEqual(t, dec(c.priced), q.Quantity)
			requireDecEqual(t, dec(c.total), q.Total)
			requireDecEqual(t, dec(c.unit), q.UnitPrice)
			require.Len(t, q.Bands, c.bands)
			sum := dec("0")
			for _, b := range q.Bands {
				sum = sum.Add(b.Amount)
			}
			requireDecEqual(t, q.Total, sum, "the bands add up to the total")
			requireDecEqual(t, q.Quantity, q.Bands[len(q.Bands)-1].To, "the last band ends at the quantity priced")
			require.Contains(t, q.Explain(), c.explain)
			many, err := e.QuoteMany(ctx, []pricing.Request{request("RICE", c.asked)})
			require.NoError(t, err)
			requireDecEqual(t, q.Total, many[0].Total)
		})
	}
}
