package pricing_test

import (
	"encoding/json"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// graduatedEngine prices RICE-25KG (120.00) with graduated breaks: the first 100 units at the list
// price, the next 900 at 3% off, the rest at 6% off, then the given steps.
func graduatedEngine(t testing.TB, more ...pricing.Step) *pricing.Engine {
	t.Helper()
	steps := append([]pricing.Step{{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "grad", Mode: pricing.Graduated,
		Bands: bands("0", "100", "0", "100", "1000", "-3", "1000", "", "-6")}}}}, more...)
	e, err := pricing.NewEngine(basePolicy(steps...), catalogSource(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	return e
}

func TestR11_GraduatedTotalIsTheSumOfItsBands(t *testing.T) {
	payment := pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("12")}}}
	net30 := func(r pricing.Request) pricing.Request { r.Terms.Payment = b2bkit.Net(30); return r }
	cod := func(r pricing.Request) pricing.Request { return r }
	cases := []struct {
		name        string
		steps       []pricing.Step
		terms       func(pricing.Request) pricing.Request
		qty         string
		total, unit string
	}{
		// 100 x 120.00 + 233 x 116.40; round(117.48 x 333) would be 39120.84.
		{"two bands", nil, cod, "333", "39121.20", "117.48"},
		{"first band only", nil, cod, "40", "4800.00", "120.00"},
		// 100 x 120.00 + 900 x 116.40 + 500 x 112.80
		{"three bands", nil, cod, "1500", "173160.00", "115.44"},
		// Net 30 at 12% a year adds 0.98630137%: 100 x 121.18 + 233 x 117.55, each band's price
		// carried through the later steps and rounded.
		{"later steps apply per band", []pricing.Step{payment}, net30, "333", "39507.15", "118.64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := graduatedEngine(t, c.steps...)
			r := c.terms(request("RICE-25KG", c.qty))
			q := quote(t, e, r)
			requireDecEqual(t, dec(c.total), q.Total)
			requireDecEqual(t, dec(c.unit), q.UnitPrice)
			sum := dec("0")
			for _, d := range q.Schedule {
				sum = sum.Add(d.Amount)
			}
			requireDecEqual(t, q.Total, sum, "the schedule splits the band total")
			many, err := e.QuoteMany(ctx, []pricing.Request{r, r})
			require.NoError(t, err)
			for _, m := range many {
				requireDecEqual(t, q.Total, m.Total)
				requireDecEqual(t, q.UnitPrice, m.UnitPrice)
			}
		})
	}
}

func TestR11_GraduatedUnitPriceIsTheTotalOverTheQuantityRoundedByTheMode(t *testing.T) {
	// 100 x 120.00 + 2 x 116.40 = 12232.80 over 102 units is 119.929411...
	cases := []struct {
		mode b2bkit.RoundingMode
		unit string
	}{{b2bkit.HalfUp, "119.93"}, {b2bkit.HalfEven, "119.93"}, {b2bkit.Down, "119.92"}, {b2bkit.Up, "119.93"}}
	for _, c := range cases {
		e := graduatedEngine(t, pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2, RoundingMode: c.mode}}})
		q := quote(t, e, request("RICE-25KG", "102"))
		requireDecEqual(t, dec("12232.80"), q.Total, c.mode)
		requireDecEqual(t, dec(c.unit), q.UnitPrice, c.mode)
		require.Len(t, q.Bands, 2)
		requireDecEqual(t, dec("232.80"), q.Bands[1].Amount)
	}
	// 100 x 120.00 + 50 x 116.40 = 17820 over 150 units is 118.80 exactly; 100 x 120 + 1 x 116.40
	// over 101 is 119.9643..., which rounds half-up to 119.96.
	q := quote(t, graduatedEngine(t), request("RICE-25KG", "101"))
	requireDecEqual(t, dec("12116.40"), q.Total)
	requireDecEqual(t, dec("119.96"), q.UnitPrice)
}

func TestR11_GraduatedQuoteExplainsItsBandsAndRoundTripsThroughJSON(t *testing.T) {
	q := quote(t, graduatedEngine(t), request("RICE-25KG", "333"))
	require.Contains(t, q.Explain(), "units 100 to 333: 233 x 116.40 CNY = 27121.2 CNY")
	require.Contains(t, q.Explain(), "Total 39121.20 CNY; unit price 117.48 CNY (total / 333)")
	js, err := json.Marshal(q)
	require.NoError(t, err)
	var back pricing.Quote
	require.NoError(t, json.Unmarshal(js, &back))
	require.Equal(t, q.Explain(), back.Explain())
}
