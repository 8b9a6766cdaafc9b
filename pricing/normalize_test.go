package pricing_test

import (
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

func TestNormalize_TakesOutAndPutsInTheTermsSteps(t *testing.T) {
	p := basePolicy(
		pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "q", Bands: bands("0", "100", "0", "100", "", "-10")}}},
		pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("36.5")}}},
		pricing.Step{Kind: pricing.LeadTime, Rules: []pricing.Rule{{ID: "l", Bands: bands("0", "2", "10", "2", "", "0")}}},
		pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: dec("-50")}}},
	)
	e := engineFor(t, p)
	from := request("SKU-1", "10") // cash on delivery, 10 days: factor 1
	to := request("SKU-1", "500")
	to.Terms.Payment = b2bkit.Net(10)              // 36.5% a year for 10 days: +1%
	to.Terms.DeliverBy = orderDay.AddDate(0, 0, 1) // rush: +10%
	got, err := e.Normalize(dec("100"), from, to)  // 100 * 0.9 * 1.01 * 1.1
	require.NoError(t, err)
	requireDecEqual(t, dec("99.99"), got)
	back, err := e.Normalize(got, to, from)
	require.NoError(t, err)
	requireDecEqual(t, dec("100"), back)
}

func TestNormalize_BadInput(t *testing.T) {
	e := restaurantEngine(t)
	good := request("RICE-25KG", "10")
	cases := []struct {
		name     string
		price    string
		from, to func(r *pricing.Request)
		want     string
	}{
		{"zero price", "0", nil, nil, "price"},
		{"negative price", "-1", nil, nil, "price"},
		{"zero quantity", "10", func(r *pricing.Request) { r.Quantity = dec("0") }, nil, "from.quantity"},
		{"delivery before order", "10", nil, func(r *pricing.Request) { r.Terms.DeliverBy = orderDay.AddDate(0, 0, -2) }, "to.terms.deliver_by"},
		{"no payment", "10", func(r *pricing.Request) { r.Terms.Payment = b2bkit.PaymentTerms{} }, nil, "from.terms.payment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			from, to := good, good
			if c.from != nil {
				c.from(&from)
			}
			if c.to != nil {
				c.to(&to)
			}
			_, err := e.Normalize(dec(c.price), from, to)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestNormalize_AgreesWithQuoteUnderEveryCombination(t *testing.T) {
	p := basePolicy(
		pricing.Step{Kind: pricing.Quantity, Combine: pricing.Add, Rules: []pricing.Rule{
			{ID: "q1", Bands: bands("0", "100", "0", "100", "", "-4")},
			{ID: "q2", SKU: "SKU-1", Mode: pricing.Graduated, Bands: bands("10", "500", "-1", "500", "", "-3")}}},
		pricing.Step{Kind: pricing.Payment, Combine: pricing.BestForBuyer, Rules: []pricing.Rule{
			{ID: "p1", AnnualPercent: dec("12")}, {ID: "p2", Tier: "gold", AnnualPercent: dec("8")}}},
		pricing.Step{Kind: pricing.LeadTime, Combine: pricing.Compound, Rules: []pricing.Rule{
			{ID: "l1", Bands: bands("0", "3", "6", "3", "", "0")}, {ID: "l2", Bands: bands("0", "30", "0", "30", "", "-2")}}},
	)
	e := engineFor(t, p)
	rng := rand.New(rand.NewPCG(21, 22))
	tol := dec("0.000001")
	for i := range 1000 {
		a, b := request("SKU-1", randomQuantity(rng)), request("SKU-1", randomQuantity(rng))
		a.Tier, b.Tier = "gold", "gold"
		a.Terms.Payment, b.Terms.Payment = randomPayment(rng), randomPayment(rng)
		a.Terms.DeliverBy, b.Terms.DeliverBy = orderDay.AddDate(0, 0, rng.IntN(60)), orderDay.AddDate(0, 0, rng.IntN(60))
		qa, qb := quote(t, e, a), quote(t, e, b)
		pa, pb := qa.Steps[len(qa.Steps)-1].Before, qb.Steps[len(qb.Steps)-1].Before
		got, err := e.Normalize(pa, a, b)
		require.NoError(t, err)
		require.Truef(t, got.Sub(pb).Abs().LessThan(tol), "case %d: %s -> %s, quote says %s", i, pa, got, pb)
	}
}
