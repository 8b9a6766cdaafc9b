package pricing_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// randomRequest draws a request for one of the restaurant catalog's SKUs with random quantity,
// buyer, tier, grade, payment schedule and lead time.
func randomRequest(rng *rand.Rand) pricing.Request {
	skus := []b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG"}
	r := request(skus[rng.IntN(len(skus))], randomQuantity(rng))
	r.Buyer = []b2bkit.CompanyID{"golden-dragon", "lucky-noodle"}[rng.IntN(2)]
	r.Tier = []string{"", "gold", "silver"}[rng.IntN(3)]
	r.Grade = []string{"", "A", "C"}[rng.IntN(3)]
	r.Terms.Payment = randomPayment(rng)
	r.Terms.DeliverBy = orderDay.AddDate(0, 0, rng.IntN(120))
	return r
}

func randomQuantity(rng *rand.Rand) string {
	if rng.IntN(4) == 0 {
		return fmt.Sprintf("%d.%03d", rng.IntN(500), 1+rng.IntN(999))
	}
	return fmt.Sprintf("%d", 1+rng.IntN(20000))
}

func randomPayment(rng *rand.Rand) b2bkit.PaymentTerms {
	switch rng.IntN(4) {
	case 0:
		return b2bkit.CashOnDelivery()
	case 1:
		return b2bkit.Prepaid()
	case 2:
		return b2bkit.Net(rng.IntN(120))
	}
	return b2bkit.DepositBalance(decimal.New(int64(1+rng.IntN(99)), -2), rng.IntN(90))
}

func TestProperty_ScheduleSumsExactlyToTotal_TotalIsRoundedUnitTimesQuantity(t *testing.T) {
	e := restaurantEngine(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		r := randomRequest(rng)
		q := quote(t, e, r)
		sum := decimal.Zero
		for _, d := range q.Schedule {
			sum = sum.Add(d.Amount)
		}
		requireDecEqual(t, q.Total, sum, i, r.Terms.Payment.String())
		requireDecEqual(t, b2bkit.Round(q.UnitPrice.Mul(r.Quantity), q.Scale, b2bkit.HalfUp), q.Total, i)
		requireDecEqual(t, q.UnitPrice, q.UnitPrice.Round(q.Scale), "unit price carries the policy's scale")
		// The lines chain: each starts where the previous ended, and the last ends at the unit price.
		prev := q.ListPrice
		for _, a := range q.Steps {
			requireDecEqual(t, prev, a.Before, i, a.Step)
			requireDecEqual(t, a.Before.Add(a.Amount()), a.After, i, a.Step)
			prev = a.After
		}
		requireDecEqual(t, prev, q.UnitPrice, i)
	}
}

// surchargeOnlyPolicy has lead-time bands whose surcharges, all >= 0, shrink as the lead grows, and
// a payment step (which makes early payment on a shorter lead cost more, never less).
func surchargeOnlyPolicy(rng *rand.Rand) pricing.Policy {
	var bs []pricing.Band
	from, pct := 0, 5+rng.IntN(20)
	for from < 90 {
		to := from + 1 + rng.IntN(20)
		bs = append(bs, pricing.Band{From: decimal.NewFromInt(int64(from)), To: decimal.NewFromInt(int64(to)),
			Percent: decimal.New(int64(pct), -1)})
		from = to
		pct = rng.IntN(pct + 1)
	}
	bs = append(bs, pricing.Band{From: decimal.NewFromInt(int64(from)), Percent: decimal.Zero})
	return basePolicy(
		pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: decimal.NewFromInt(int64(rng.IntN(20)))}}},
		pricing.Step{Kind: pricing.LeadTime, Rules: []pricing.Rule{{ID: "l", Bands: bs}}},
	)
}

func TestProperty_SurchargeOnlyPriceNeverFallsAsLeadTimeShortens(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 100 {
		e := engineFor(t, surchargeOnlyPolicy(rng))
		r := request("SKU-1", randomQuantity(rng))
		r.Terms.Payment = randomPayment(rng)
		prev := decimal.Zero
		for lead := 120; lead >= 0; lead -= 1 + rng.IntN(5) {
			r.Terms.DeliverBy = orderDay.AddDate(0, 0, lead)
			q := quote(t, e, r)
			require.Truef(t, q.UnitPrice.GreaterThanOrEqual(prev), "case %d lead %d: %s < %s", i, lead, q.UnitPrice, prev)
			prev = q.UnitPrice
		}
	}
}

func TestProperty_SameInputSameQuote(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	e1, e2 := restaurantEngine(t), restaurantEngine(t)
	for range 500 {
		r := randomRequest(rng)
		a, b := quote(t, e1, r), quote(t, e2, r)
		require.Equal(t, a.Explain(), b.Explain())
		require.Equal(t, a.Explain(), quote(t, e1, r).Explain())
		requireDecEqual(t, a.Total, b.Total)
	}
}

func TestProperty_NormalizeRoundTripsAndAgreesWithQuote(t *testing.T) {
	// A policy of only the steps Normalize restates, without the final rounding, so the unrounded
	// unit price of a quote is comparable.
	p := loadPolicy(t, "testdata/restaurant.json")
	p.Steps = []pricing.Step{p.Steps[0], p.Steps[1], p.Steps[2], p.Steps[3]}
	e, err := pricing.NewEngine(p, catalogSource(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	tol := dec("0.000001")
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 2000 {
		a, b := randomRequest(rng), randomRequest(rng)
		b.SKU, b.Buyer, b.Tier, b.Grade = a.SKU, a.Buyer, a.Tier, a.Grade
		qa, qb := quote(t, e, a), quote(t, e, b)
		pa := qa.Steps[len(qa.Steps)-1].Before // before the default rounding
		pb := qb.Steps[len(qb.Steps)-1].Before

		got, err := e.Normalize(pa, a, b)
		require.NoError(t, err)
		require.Truef(t, got.Sub(pb).Abs().LessThan(tol), "case %d: normalize %s -> %s, quote says %s", i, pa, got, pb)

		back, err := e.Normalize(got, b, a)
		require.NoError(t, err)
		require.Truef(t, back.Sub(pa).Abs().LessThan(tol), "case %d: round trip %s -> %s", i, pa, back)

		same, err := e.Normalize(pa, a, a)
		require.NoError(t, err)
		requireDecEqual(t, pa.Round(pricing.AmountScale), same)
	}
}
