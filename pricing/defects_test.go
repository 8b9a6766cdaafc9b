package pricing_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
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

// floorPolicy takes SKU-1 (100.00, cost 80.00) by tierPercent, keeps it above a floor of cost +
// 5.005% (84.004) as on says, and rounds it with rounding.
func floorPolicy(tierPercent string, on pricing.OnBreach, rounding pricing.Rule) pricing.Policy {
	return basePolicy(
		pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: dec(tierPercent)}}},
		pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("5.005"), OnBreach: on}}},
		pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{rounding}},
	)
}

func TestR11_NoFinalPriceBreaksAFloor(t *testing.T) {
	fen := pricing.Rule{ID: "r", Scale: 2}
	nickelDown := pricing.Rule{ID: "r", Scale: 2, Increment: dec("0.05"), RoundingMode: b2bkit.Down}
	cases := []struct {
		name     string
		percent  string
		rounding pricing.Rule
		unit     string
	}{
		// Clamped to 84.004, which rounds half-up to 84.00: below the floor.
		{"clamped price rounds back below", "-20", fen, "84.01"},
		// 84.0045 is above the floor, but rounds half-up to 84.00.
		{"a hair above rounds below", "-15.9955", fen, "84.01"},
		// 84.004 rounds down to the nickel 84.00.
		{"increment rounds below", "-20", nickelDown, "84.05"},
		// Above the floor after rounding: left alone.
		{"above stays", "-15", fen, "85.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := quote(t, engineFor(t, floorPolicy(c.percent, pricing.Clamp, c.rounding)), request("SKU-1", "3"))
			requireDecEqual(t, dec(c.unit), q.UnitPrice)
			require.False(t, q.UnitPrice.LessThan(dec("84.004")), "final price %s below the floor", q.UnitPrice)
			requireDecEqual(t, q.UnitPrice.Mul(dec("3")), q.Total)
			require.False(t, q.NeedsApproval)
			last := q.Steps[len(q.Steps)-1]
			requireDecEqual(t, q.UnitPrice, last.After, "the lines end at the unit price")
			if c.unit != "85.00" {
				require.True(t, last.Clamped, "the rounding line says it raised the price")
				require.Contains(t, last.Reason(), "raised to "+c.unit)
			}
		})
	}
}

func TestR11_APriceThatRoundsBelowAFloorNeedsApproval(t *testing.T) {
	q := quote(t, engineFor(t, floorPolicy("-15.9955", pricing.Approve, pricing.Rule{ID: "r", Scale: 2})), request("SKU-1", "1"))
	requireDecEqual(t, dec("84.00"), q.UnitPrice)
	require.True(t, q.NeedsApproval)
	require.Len(t, q.Breaches, 1)
	require.Equal(t, pricing.BelowFloor, q.Breaches[0].Kind)
	requireDecEqual(t, dec("84.00"), q.Breaches[0].Price)
	require.Contains(t, q.Explain(), "Needs approval:")

	// Clamped to the floor before rounding and rounded back below it: one breach, not two.
	q = quote(t, engineFor(t, floorPolicy("-20", pricing.Approve, pricing.Rule{ID: "r", Scale: 2})), request("SKU-1", "1"))
	require.True(t, q.NeedsApproval)
	require.Len(t, q.Breaches, 1)
}

func TestR11_MaxDiscountHoldsAfterRounding(t *testing.T) {
	p := basePolicy(
		pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: dec("-14.996")}}},
		pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", MaxDiscountPercent: dec("15")}}},
		pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Increment: dec("10"), RoundingMode: b2bkit.Down}}},
	)
	// 85.004 rounds down to 80, more than 15% off 100: raised to the next 10 above 85.
	q := quote(t, engineFor(t, p), request("SKU-1", "1"))
	requireDecEqual(t, dec("90"), q.UnitPrice)
}

func TestProperty_NoFinalPriceBelowAFloorUnlessApprovalIsAsked(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	modes := []b2bkit.RoundingMode{b2bkit.HalfUp, b2bkit.HalfEven, b2bkit.Down, b2bkit.Up}
	incs := []string{"", "", "0.05", "0.1", "1", "5"}
	for i := range 2000 {
		on := pricing.OnBreach(rng.IntN(2))
		margin := decimal.New(int64(rng.IntN(200_000)), -4) // 0 to 20%, 4 places
		rounding := pricing.Rule{ID: "r", Scale: int32(rng.IntN(4)), RoundingMode: modes[rng.IntN(4)]}
		if inc := incs[rng.IntN(len(incs))]; inc != "" && dec(inc).Exponent() >= -rounding.Scale {
			rounding.Increment = dec(inc)
		}
		p := basePolicy(
			pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: decimal.New(-int64(rng.IntN(400_000)), -4)}}},
			pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: margin, OnBreach: on}}},
			pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{rounding}},
		)
		q := quote(t, engineFor(t, p), request("SKU-1", "1"))
		floor := dec("80").Mul(decimal.NewFromInt(1).Add(margin.Shift(-2)))
		if on == pricing.Clamp {
			require.False(t, q.UnitPrice.LessThan(floor), "%d: %s below the floor %s", i, q.UnitPrice, floor)
		} else if q.UnitPrice.LessThan(floor) {
			require.True(t, q.NeedsApproval, "%d: %s below the floor %s without approval", i, q.UnitPrice, floor)
		}
	}
}

func earlyPolicy(annual, discount string) pricing.Policy {
	ep := pricing.EarlyPayment{DiscountPercent: dec(discount), WithinDays: 10, NetDays: 30}
	return basePolicy(pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec(annual), EarlyPayment: &ep}}})
}

func TestR11_EarlyPaymentNeverCostsLessThanPayingThatDayOnSchedule(t *testing.T) {
	// At 12% a year, net 60 carries 1.97% of finance charge: 2% off that price would make paying
	// within 10 days cheaper than cash on delivery. The offer cannot beat the quote for paying 10
	// days after delivery.
	e := engineFor(t, earlyPolicy("12", "2"))
	cod := quote(t, e, request("SKU-1", "10"))
	r := request("SKU-1", "10")
	r.Terms.Payment = b2bkit.Net(60)
	q := quote(t, e, r)
	require.NotNil(t, q.EarlyPayment)
	net10 := request("SKU-1", "10")
	net10.Terms.Payment = b2bkit.Net(10)
	requireDecEqual(t, quote(t, e, net10).Total, q.EarlyPayment.Amount)
	require.False(t, q.EarlyPayment.Amount.LessThan(cod.Total), "pay %s early, %s cash on delivery", q.EarlyPayment.Amount, cod.Total)
	requireDecEqual(t, q.Total, q.EarlyPayment.Replaces)
	// (1019.70 - 1003.30) / 1003.30 x 365/50: the 12% a year of the credit given back.
	requireDecEqual(t, dec("11.9326"), q.EarlyPayment.AnnualPercent)

	// Where credit costs nothing, paying early is worth nothing either: no offer.
	e = engineFor(t, earlyPolicy("0", "2"))
	require.Nil(t, quote(t, e, r).EarlyPayment)
}

func TestR11_EarlyPaymentDiscountsOnlyWhatIsStillOwed(t *testing.T) {
	e := engineFor(t, earlyPolicy("12", "1"))
	r := request("SKU-1", "10")
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	q := quote(t, e, r)
	// 39 days of credit on average: 101.28 a unit.
	requireDecEqual(t, dec("1012.80"), q.Total)
	require.NotNil(t, q.EarlyPayment)
	// The 303.84 deposit is paid on order; the offer is for the 708.96 balance, 1% off.
	requireDecEqual(t, dec("708.96"), q.EarlyPayment.Replaces)
	requireDecEqual(t, dec("701.87"), q.EarlyPayment.Amount)
	require.Contains(t, q.Explain(), "pay 701.87 CNY by 2026-03-22 instead of the 708.96 CNY due later")
	// 1%, about, for 50 days earlier than the balance's own due date.
	requireDecEqual(t, dec("7.3742"), q.EarlyPayment.AnnualPercent)
}

func TestR11_EarlyPaymentRateIsWorkedOutOnTheBuyersOwnSchedule(t *testing.T) {
	e := engineFor(t, earlyPolicy("12", "1"))
	r := request("SKU-1", "10")
	r.Terms.Payment = b2bkit.Net(60)
	q := quote(t, e, r)
	require.NotNil(t, q.EarlyPayment)
	// 1019.70 less 1%: 1009.50, paid 50 days early, not the 20 of "1/10 net 30".
	requireDecEqual(t, dec("1009.50"), q.EarlyPayment.Amount)
	requireDecEqual(t, dec("7.3759"), q.EarlyPayment.AnnualPercent)
	require.False(t, q.EarlyPayment.AnnualPercent.Equal(q.EarlyPayment.Terms.AnnualPercent()))

	// Due within the discount days anyway: nothing to gain, no offer.
	r.Terms.Payment = b2bkit.Net(7)
	require.Nil(t, quote(t, e, r).EarlyPayment)
}

func TestR11_ValidateRejectsPoliciesThatCannotDoWhatTheySay(t *testing.T) {
	tier := func(pct string) pricing.Step {
		return pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Tier: "gold", Percent: dec(pct)}}}
	}
	guard := pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("5")}}}
	qty := func(r pricing.Rule) pricing.Step {
		return pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{r}}
	}
	cases := []struct {
		name   string
		policy pricing.Policy
		want   []string
	}{
		{"guardrail before a discount", basePolicy(guard, tier("-10")),
			[]string{"steps[2]: a tier step after the guardrail in steps[1] can take the price below it"}},
		{"guardrail before a payment step", basePolicy(guard, pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("12")}}}),
			[]string{"steps[2]: a payment step after the guardrail in steps[1]"}},
		{"closed last quantity band", basePolicy(qty(pricing.Rule{ID: "q", Bands: bands("0", "100", "0", "100", "1000", "-5")})),
			[]string{"steps[1].rules[0].bands[1].to: the last quantity band must be open"}},
		{"more quantity costs more per unit", basePolicy(qty(pricing.Rule{ID: "q", Bands: bands("0", "100", "-5", "100", "", "-2")})),
			[]string{"steps[1].rules[0].bands[1].percent: -2 is above bands[0]'s -5"}},
		{"graduated surcharge", basePolicy(qty(pricing.Rule{ID: "q", Mode: pricing.Graduated, Bands: bands("10", "", "3")})),
			[]string{"steps[1].rules[0].bands[0].percent: 3 is above the 0 below the first band"}},
		{"duplicate rules in an additive step", basePolicy(pricing.Step{Kind: pricing.Tier, Combine: pricing.Add, Rules: []pricing.Rule{
			{ID: "a", Tier: "gold", Percent: dec("-5")}, {ID: "b", Tier: "silver", Percent: dec("-5")}, {ID: "c", Tier: "gold", Percent: dec("-5.0")}}}),
			[]string{"steps[1].rules[2]: duplicates rules[0] (\"a\"): add would apply it twice"}},
		{"duplicate rules in a compound step", basePolicy(pricing.Step{Kind: pricing.Quantity, Combine: pricing.Compound, Rules: []pricing.Rule{
			{ID: "a", Bands: bands("0", "", "-1")}, {ID: "b", Bands: bands("0", "", "-1")}}}),
			[]string{"steps[1].rules[1]: duplicates rules[0] (\"a\"): compound would apply it twice"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.policy.Validate()
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			for _, w := range c.want {
				require.ErrorContains(t, err, w)
			}
		})
	}
}

func TestR11_ValidateLetsThroughWhatIsDeclaredOrHarmless(t *testing.T) {
	guard := pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("5")}}}
	ok := []pricing.Policy{
		// A surcharge after the guardrail cannot take the price below it.
		basePolicy(guard, pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: dec("2")}}},
			pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2}}}),
		// A handling surcharge on large batches, declared.
		basePolicy(pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "q", Rising: true,
			Bands: bands("0", "100", "-5", "100", "", "-2")}}}),
		// The same percent for different scopes, or in a most_specific step at different specificity.
		basePolicy(pricing.Step{Kind: pricing.Tier, Combine: pricing.Add, Rules: []pricing.Rule{
			{ID: "a", Tier: "gold", Percent: dec("-5")}, {ID: "b", Tier: "silver", Percent: dec("-5")}}}),
		// Rules alike in disjoint validity.
		basePolicy(pricing.Step{Kind: pricing.Tier, Combine: pricing.Add, Rules: []pricing.Rule{
			{ID: "a", Percent: dec("-5"), ValidUntil: orderDay}, {ID: "b", Percent: dec("-5"), ValidFrom: orderDay}}}),
	}
	for i, p := range ok {
		require.NoError(t, p.Validate(), i)
	}
	// The declaration travels through JSON.
	js, err := json.Marshal(ok[1])
	require.NoError(t, err)
	require.Contains(t, string(js), `"rising":true`)
	p, err := pricing.LoadPolicy(strings.NewReader(string(js)))
	require.NoError(t, err)
	require.True(t, p.Steps[1].Rules[0].Rising)
}

func TestR11_ExplainSaysOneDayNotOneDays(t *testing.T) {
	e := engineFor(t, basePolicy(pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("12")}}}))
	r := request("SKU-1", "1")
	r.Terms.DeliverBy = orderDay.AddDate(0, 0, 1)
	r.Terms.Payment = b2bkit.Net(1)
	x := quote(t, e, r).Explain()
	require.Contains(t, x, "(lead 1 day)")
	require.Contains(t, x, "paid on average 1 day after delivery")
	require.NotContains(t, x, " 1 days")
	r.Terms.Payment = b2bkit.Prepaid()
	require.Contains(t, quote(t, e, r).Explain(), "paid on average 1 day before delivery")
}

func TestR11_AQuoteStaysValidThroughItsLastCalendarDay(t *testing.T) {
	for _, days := range []int{0, 1, 7} {
		p := basePolicy()
		p.ValidDays = days
		q := quote(t, engineFor(t, p), request("SKU-1", "1"))
		last := orderDay.AddDate(0, 0, days)
		require.True(t, q.ValidUntil.After(q.QuotedAt), "valid_days %d: expires the instant it is made", days)
		require.Equal(t, last.Format("2006-01-02"), q.ValidUntil.Format("2006-01-02"), days)
		require.True(t, q.ValidUntil.Equal(time.Date(last.Year(), last.Month(), last.Day(), 23, 59, 59, 999_999_999, shanghai)), days)
		require.Equal(t, q.QuotedAt.Location(), q.ValidUntil.Location())
	}
}

func TestR11_RulesOfAStepApplyInPolicyOrder(t *testing.T) {
	// 100 less 10.00 for SKU-1, then 10% off: 81.00. In the other order it would be 80.00.
	p := basePolicy(pricing.Step{Kind: pricing.Tier, Combine: pricing.Compound, Rules: []pricing.Rule{
		{ID: "sku-amount", SKU: "SKU-1", Amount: dec("-10")},
		{ID: "all-percent", Percent: dec("-10")},
		{ID: "sku-last", SKU: "SKU-1", Amount: dec("-1")},
	}})
	e := engineFor(t, p)
	r := request("SKU-1", "1")
	q := quote(t, e, r)
	requireDecEqual(t, dec("80.00"), q.UnitPrice)
	var ids []string
	for _, a := range q.Steps {
		if a.Kind == pricing.Tier {
			ids = append(ids, a.RuleID)
		}
	}
	require.Equal(t, []string{"sku-amount", "all-percent", "sku-last"}, ids)
	many, err := e.QuoteMany(ctx, []pricing.Request{r, r})
	require.NoError(t, err)
	for _, m := range many {
		require.Equal(t, q.Explain(), m.Explain())
	}
}

func TestR11_BackdatingTheOrderDoesNotReviveAnExpiredPromotion(t *testing.T) {
	expired := pricing.Rule{ID: "promo", Percent: dec("-10"), ValidFrom: orderDay.AddDate(0, 0, -30), ValidUntil: orderDay.AddDate(0, 0, -1)}
	backdated := request("SKU-1", "1")
	backdated.Terms.OrderedAt = orderDay.AddDate(0, 0, -10)

	e := engineFor(t, basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{expired}}))
	requireDecEqual(t, dec("100.00"), quote(t, e, backdated).UnitPrice, "the quote is made today, after the promotion")
	many, err := e.QuoteMany(ctx, []pricing.Request{backdated})
	require.NoError(t, err)
	requireDecEqual(t, dec("100.00"), many[0].UnitPrice)

	// A rule that says it follows the order date does.
	byOrder := expired
	byOrder.ByOrderDate = true
	e = engineFor(t, basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{byOrder}}))
	requireDecEqual(t, dec("90.00"), quote(t, e, backdated).UnitPrice)

	// A promotion starting tomorrow does not apply today, whatever the order date says.
	future := pricing.Rule{ID: "promo", Percent: dec("-10"), ValidFrom: orderDay.AddDate(0, 0, 1)}
	e = engineFor(t, basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{future}}))
	ahead := request("SKU-1", "1")
	ahead.Terms.OrderedAt, ahead.Terms.DeliverBy = orderDay.AddDate(0, 0, 2), orderDay.AddDate(0, 0, 10)
	requireDecEqual(t, dec("100.00"), quote(t, e, ahead).UnitPrice)

	require.ErrorContains(t, basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
		{ID: "t", Percent: dec("-1"), ByOrderDate: true}}}).Validate(), "steps[1].rules[0].by_order_date")
}

func TestR11_QuoteManyPricesEveryLineItCanAndSaysWhichItCannot(t *testing.T) {
	e := restaurantEngine(t)
	reqs := []pricing.Request{request("RICE-25KG", "10"), request("NOPE", "5"), request("OIL-20L", "0"), request("SALT-1KG", "7")}
	many, err := e.QuoteMany(ctx, reqs)
	require.Error(t, err)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	var lines pricing.LineErrors
	require.ErrorAs(t, err, &lines)
	require.Len(t, lines, len(reqs))
	require.NoError(t, lines[0])
	require.ErrorIs(t, lines[1], b2bkit.ErrNotFound)
	require.ErrorContains(t, lines[1], "requests[1]")
	require.ErrorIs(t, lines[2], b2bkit.ErrInvalid)
	require.ErrorContains(t, lines[2], "requests[2].quantity")
	require.NoError(t, lines[3])
	require.Len(t, many, len(reqs))
	for _, i := range []int{0, 3} {
		require.Equal(t, quote(t, e, reqs[i]).Explain(), many[i].Explain(), i)
	}
	require.True(t, many[1].Total.IsZero())
	require.Empty(t, many[1].Steps)

	// The same through a source that answers a block of SKUs at once.
	src := &countingSource{PriceList: catalogSource(t)}
	batched, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), src, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	got, err := batched.QuoteMany(ctx, reqs)
	require.ErrorAs(t, err, &lines)
	require.ErrorIs(t, lines[1], b2bkit.ErrNotFound)
	require.Equal(t, many[3].Explain(), got[3].Explain())
}

func TestR11_QuoteManyStopsWhenTheSourceFails(t *testing.T) {
	boom := errors.New("catalog down")
	e, err := pricing.NewEngine(basePolicy(), failingSource{boom}, nil)
	require.NoError(t, err)
	many, err := e.QuoteMany(ctx, []pricing.Request{request("SKU-1", "1"), request("SKU-2", "1")})
	require.ErrorIs(t, err, boom)
	var lines pricing.LineErrors
	require.False(t, errors.As(err, &lines), "a failing source is not one line's problem")
	require.Nil(t, many)
}

func TestR25_PolicyJSONIsStrictAndNamesTheField(t *testing.T) {
	good, err := os.ReadFile("testdata/restaurant.json")
	require.NoError(t, err)
	doc := string(good)
	cases := []struct {
		name, doc, want string
	}{
		{"key in another case", strings.Replace(doc, `"valid_days": 7`, `"Valid_Days": 7`, 1), `policy.Valid_Days: unknown field`},
		{"key in another case in a rule", strings.Replace(doc, `{"id": "gold", "tier": "gold", "percent": "-3"}`,
			`{"id": "gold", "TIER": "gold", "percent": "-3"}`, 1), `policy.steps[4].rules[0].TIER: unknown field`},
		{"key folded by unicode", strings.Replace(doc, `"valid_days": 7`, `"valid_dayſ": 7`, 1), "unknown field"},
		{"key spelled with an escape", strings.Replace(doc, `"valid_days": 7`, `"valid_d\u0061ys": 7, "valid_days": 7`, 1), `policy.valid_days: duplicate key`},
		{"duplicate key", strings.Replace(doc, `"valid_days": 7`, `"valid_days": 7, "valid_days": 0`, 1), `policy.valid_days: duplicate key`},
		{"duplicate key in a band", strings.Replace(doc, `{"from": "60", "percent": "-2"}`, `{"from": "60", "percent": "-2", "percent": "5"}`, 1),
			`policy.steps[3].rules[0].bands[3].percent: duplicate key`},
		{"null band", strings.Replace(doc, `{"from": "60", "percent": "-2"}`, `null`, 1), `policy.steps[3].rules[0].bands[3]: null`},
		{"null rule", strings.Replace(doc, `{"id": "fen", "scale": 2, "rounding_mode": "half_up"}`, `null`, 1), `policy.steps[6].rules[0]: null`},
		{"exponent names its field", strings.Replace(doc, `{"from": "60", "percent": "-2"}`, `{"from": "60", "percent": "1e999999"}`, 1),
			`policy.steps[3].rules[0].bands[3].percent: number "1e999999": exponents are not accepted`},
		{"bare exponent names its field", strings.Replace(doc, `"price": "118.00"`, `"price": 1E5`, 1),
			`policy.steps[0].rules[0].price: number "1E5": exponents are not accepted`},
		// A null currency read as "", the price source's currency: a meaning the document did not give.
		{"null currency", strings.Replace(doc, `"currency": "CNY"`, `"currency": null`, 1), `policy.currency: must be a string, not null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NotEqual(t, doc, c.doc, "the case changes the document")
			_, err := pricing.LoadPolicy(strings.NewReader(c.doc))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestR25_EveryPricingDocumentIsStrict(t *testing.T) {
	var r pricing.Request
	require.ErrorIs(t, json.Unmarshal([]byte(`{"SKU":"A","quantity":"1"}`), &r), b2bkit.ErrInvalid)
	require.ErrorIs(t, json.Unmarshal([]byte(`{"sku":"A","sku":"B","quantity":"1"}`), &r), b2bkit.ErrInvalid)
	err := json.Unmarshal([]byte(`{"sku":"A","quantity":"1e3"}`), &r)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "quantity")
	var b pricing.Band
	require.ErrorIs(t, json.Unmarshal([]byte(`null`), &b), b2bkit.ErrInvalid)
	var rule pricing.Rule
	require.ErrorIs(t, json.Unmarshal([]byte(`{"id":"a","Percent":"1"}`), &rule), b2bkit.ErrInvalid)
	var lp pricing.ListPrice
	require.ErrorIs(t, json.Unmarshal([]byte(`{"sku":"A","price":"1","Price":"2"}`), &lp), b2bkit.ErrInvalid)
	// A SKU that looks like a number with an exponent is a SKU.
	require.NoError(t, json.Unmarshal([]byte(`{"sku":"1E5","quantity":"1"}`), &r))
}

func TestR11_EarlyPaymentWithADepositCostsWhatPayingThatDayOnScheduleCosts(t *testing.T) {
	// 2% is more than the 12% a year of the credit given back: the buyer pays in all what the
	// quote for 30% on order and 70% ten days after delivery comes to.
	e := engineFor(t, earlyPolicy("12", "2"))
	r := request("SKU-1", "10")
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	q := quote(t, e, r)
	require.NotNil(t, q.EarlyPayment)
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 10)
	onTime := quote(t, e, r)
	requireDecEqual(t, onTime.Total, q.Schedule[0].Amount.Add(q.EarlyPayment.Amount))
}

func TestProperty_MoreQuantityNeverCostsMorePerUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for i := range 300 {
		var bs []pricing.Band
		from, pct := int64(rng.IntN(3)), int64(0)
		for range 1 + rng.IntN(5) {
			to := from + 1 + rng.Int64N(500)
			bs = append(bs, pricing.Band{From: decimal.NewFromInt(from), To: decimal.NewFromInt(to), Percent: decimal.New(pct, -1)})
			from, pct = to, pct-rng.Int64N(80)
		}
		bs = append(bs, pricing.Band{From: decimal.NewFromInt(from), Percent: decimal.New(pct, -1)})
		p := basePolicy(
			pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "q", Mode: pricing.BreakMode(rng.IntN(2)), Bands: bs}}},
			pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("12")}}},
			pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("3")}}},
			pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2}}},
		)
		require.NoError(t, p.Validate(), i)
		e := engineFor(t, p)
		terms := request("SKU-1", "1").Terms
		terms.Payment = b2bkit.Net(rng.IntN(90))
		prev := decimal.Zero
		for q := int64(1); q < from+200; q += 1 + rng.Int64N(40) {
			r := request("SKU-1", "1")
			r.Quantity, r.Terms = decimal.NewFromInt(q), terms
			unit := quote(t, e, r).UnitPrice
			if q > 1 {
				require.False(t, unit.GreaterThan(prev), "%d: %s units cost %s each, fewer %s", i, r.Quantity, unit, prev)
			}
			prev = unit
		}
	}
}

// A quote's validity and its schedule keep their calendar days where the clocks jump over
// midnight: São Paulo went from 00:00 to 01:00 on 4 November 2018, so 3 November ended at 00:59:59
// on the wall clock of the 4th's offset — 23:59:59.999999999 on the 3rd at -03:00. Reading the 4th's
// midnight with time.Date gives 23:00 on the 3rd, which ended the quote an hour early; a due date
// 31 days after a delivery at 00:00 on 4 October fell on the 3rd.
func TestR27_AQuoteMadeWhereClocksJumpAtMidnightKeepsItsDays(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "SKU-1", Price: dec("100.00"), Currency: "CNY"})
	require.NoError(t, err)
	p := basePolicy()
	p.ValidDays = 1
	now := time.Date(2018, 11, 2, 15, 0, 0, 0, sp)
	e, err := pricing.NewEngine(p, l, &pricing.Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	r := request("SKU-1", "1")
	r.Terms = b2bkit.Terms{Payment: b2bkit.Net(31), OrderedAt: time.Date(2018, 10, 1, 0, 0, 0, 0, sp),
		DeliverBy: time.Date(2018, 10, 4, 0, 0, 0, 0, sp)}
	for range 2 { // worked out, then from the engine's memory of the day
		q, err := e.Quote(ctx, r)
		require.NoError(t, err)
		require.Equal(t, "2018-11-03T23:59:59.999999999-03:00", q.ValidUntil.Format(time.RFC3339Nano))
		require.Len(t, q.Schedule, 1)
		require.Equal(t, "2018-11-04", q.Schedule[0].Date.Format(time.DateOnly), "net 31 from 4 October")
	}
}
