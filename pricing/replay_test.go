package pricing_test

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
)

// replayPolicy draws a policy whose steps after the payment step the early-payment offer can
// replay: payment, lead time and tier steps combined first, most specific or compounded, tiers by
// percent or amount, a guardrail that clamps or asks for approval (with floors and most discounts
// that the prices cross), a rounding to a scale or an increment with any mode, or none.
func replayPolicy(rng *rand.Rand) pricing.Policy {
	combines := []pricing.Combine{pricing.First, pricing.MostSpecific, pricing.Compound}
	pick := func() pricing.Combine { return combines[rng.IntN(len(combines))] }
	pct := func(lo, hi int) decimal.Decimal { return decimal.New(int64(lo+rng.IntN(hi-lo+1)), -1) }
	steps := []pricing.Step{
		{Kind: pricing.Base, Rules: []pricing.Rule{{ID: "c", Buyer: "golden-dragon", SKU: "RICE-25KG", Price: dec("118.00")}}},
		{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "vol", Bands: bands("0", "100", "0", "100", "1000", "-3", "1000", "", "-6")}}},
		{Kind: pricing.Payment, Combine: pick(), Rules: []pricing.Rule{
			{ID: "p", AnnualPercent: pct(10, 250), EarlyPayment: &pricing.EarlyPayment{DiscountPercent: pct(5, 40), WithinDays: 5 + rng.IntN(10), NetDays: 30}},
			{ID: "p-c", Grade: "C", AnnualPercent: pct(0, 300)},
		}},
		{Kind: pricing.LeadTime, Combine: pick(), Rules: []pricing.Rule{
			{ID: "l", Bands: bands("0", "2", "5", "2", "30", "0", "30", "", "-1.5")},
			{ID: "l-s", Tier: "silver", Bands: bands("0", "10", "2", "10", "", "-2")},
		}},
		{Kind: pricing.Tier, Combine: pick(), Rules: []pricing.Rule{
			{ID: "gold", Tier: "gold", Percent: pct(-90, -5)},
			{ID: "silver", Tier: "silver", Amount: decimal.New(-int64(1+rng.IntN(900)), -2)},
		}},
	}
	g := pricing.Rule{ID: "g", FloorMarginPercent: pct(0, 400), OnBreach: pricing.OnBreach(rng.IntN(2))}
	if rng.IntN(2) == 0 {
		g.MaxDiscountPercent = pct(10, 150)
	}
	steps = append(steps, pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{g}})
	switch rng.IntN(3) {
	case 0:
		steps = append(steps, pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: int32(rng.IntN(3)),
			RoundingMode: b2bkit.RoundingMode(rng.IntN(4))}}})
	case 1:
		steps = append(steps, pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2,
			RoundingMode: b2bkit.RoundingMode(rng.IntN(4)), Increment: []decimal.Decimal{dec("0.05"), dec("0.5"), dec("1")}[rng.IntN(3)]}}})
	}
	return pricing.Policy{Name: "replay", Currency: "CNY", ValidDays: 3, Steps: steps}
}

// TestEarlyPayment_ReplayedTotalIsTheWalkedOne checks that the total on an early-payment offer's
// terms worked out by replaying the quote's lines is, to the exponent, the one walking the policy
// again gives, wherever replay answers; and that it answers for most such quotes.
func TestEarlyPayment_ReplayedTotalIsTheWalkedOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 29))
	var offers, replayed int
	for i := range 3000 {
		p := replayPolicy(rng)
		if i%10 == 0 {
			p = loadPolicy(t, "testdata/restaurant.json")
		}
		require.NoError(t, p.Validate(), i)
		e, err := pricing.NewEngine(p, catalogSource(t), &pricing.Options{Now: fixedNow})
		require.NoError(t, err)
		r := randomRequest(rng)
		if rng.IntN(2) == 0 {
			r.Terms.Payment = b2bkit.DepositBalance(decimal.New(int64(rng.IntN(60)), -2), 20+rng.IntN(100))
		}
		offered, ok, agree, err := pricing.ReplayAgrees(e, r)
		if err != nil {
			continue // the request or its price is refused; Quote reports it the same way
		}
		require.True(t, agree, "%d: %+v under %+v", i, r, p)
		if offered {
			offers++
			if ok {
				replayed++
			}
		}
	}
	t.Logf("offers %d replayed %d", offers, replayed)
	require.Greater(t, offers, 300)
	require.Greater(t, replayed, offers*9/10)
}
