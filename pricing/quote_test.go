package pricing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// engineFor builds an engine over p with a one-SKU list: SKU-1 at 100.00, cost 80.00.
func engineFor(t testing.TB, p pricing.Policy) *pricing.Engine {
	t.Helper()
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "SKU-1", Price: dec("100.00"), Currency: "CNY", Cost: dec("80.00")})
	require.NoError(t, err)
	e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	return e
}

func stepLine(t testing.TB, q pricing.Quote, kind pricing.StepKind) pricing.Adjustment {
	t.Helper()
	for _, a := range q.Steps {
		if a.Kind == kind {
			return a
		}
	}
	t.Fatalf("no %s line in %+v", kind, q.Steps)
	return pricing.Adjustment{}
}

func TestBase_ContractPriceOverridesListPrice(t *testing.T) {
	e := restaurantEngine(t)
	r := request("RICE-25KG", "10")
	list := quote(t, e, r)
	requireDecEqual(t, dec("120"), list.BaseUnitPrice)
	require.Equal(t, "list price", stepLine(t, list, pricing.Base).Reason())

	r.Buyer = "golden-dragon"
	contract := quote(t, e, r)
	requireDecEqual(t, dec("118"), contract.BaseUnitPrice)
	requireDecEqual(t, dec("120"), contract.ListPrice)
	base := stepLine(t, contract, pricing.Base)
	require.Equal(t, "contract-golden-dragon-rice", base.RuleID)
	requireDecEqual(t, dec("-2"), base.Amount())
}

func TestQuantity_VolumeAndGraduatedBreaks(t *testing.T) {
	qty := func(mode pricing.BreakMode) pricing.Policy {
		return basePolicy(pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "q", Mode: mode,
			Bands: bands("0", "100", "0", "100", "1000", "-10", "1000", "", "-20")}}})
	}
	cases := []struct {
		mode      pricing.BreakMode
		qty, unit string
	}{
		{pricing.Volume, "50", "100.00"},
		{pricing.Volume, "100", "90.00"},
		{pricing.Volume, "2000", "80.00"},
		// 100 units at 0%, 900 at -10%, 1000 at -20%: (0 + 900*10 + 1000*20)/2000 = 14.5% off.
		{pricing.Graduated, "2000", "85.50"},
		// 100 at 0%, 100 at -10%: 5% off.
		{pricing.Graduated, "200", "95.00"},
		{pricing.Graduated, "100", "100.00"},
	}
	for _, c := range cases {
		e := engineFor(t, qty(c.mode))
		q := quote(t, e, request("SKU-1", c.qty))
		requireDecEqual(t, dec(c.unit), q.UnitPrice, c.mode, c.qty)
	}
}

func TestPayment_TimeValueOfTheSchedule(t *testing.T) {
	p := basePolicy(pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("12")}}})
	e := engineFor(t, p)
	r := request("SKU-1", "1")
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	q := quote(t, e, r)
	// Credit days 0.3*(-10) + 0.7*60 = 39; 100 * 0.12 * 39 / 365 = 1.28219178082...
	line := stepLine(t, q, pricing.Payment)
	require.NotNil(t, line.Payment)
	requireDecEqual(t, dec("39"), line.Payment.CreditDays)
	requireDecEqual(t, dec("0"), line.Payment.ReferenceCreditDays)
	requireDecEqual(t, dec("12"), line.Payment.AnnualPercent)
	requireDecEqual(t, dec("1.2821917808"), line.Amount())
	requireDecEqual(t, dec("101.28"), q.UnitPrice)

	// A reference of net 30 makes net 30 neutral and cash on delivery a discount.
	net30 := b2bkit.Net(30)
	p.Steps[1].Reference = &net30
	e = engineFor(t, p)
	r.Terms.Payment = b2bkit.Net(30)
	requireDecEqual(t, dec("100.00"), quote(t, e, r).UnitPrice)
	r.Terms.Payment = b2bkit.CashOnDelivery()
	requireDecEqual(t, dec("99.01"), quote(t, e, r).UnitPrice) // 100 - 100*0.12*30/365 = 99.0137
}

func TestPayment_RatePerGradeMostSpecificWins(t *testing.T) {
	p := basePolicy(pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{
		{ID: "all", AnnualPercent: dec("10")},
		{ID: "grade-c", Grade: "C", AnnualPercent: dec("20")},
		{ID: "buyer", Buyer: "trusted", AnnualPercent: dec("5")},
	}})
	e := engineFor(t, p)
	r := request("SKU-1", "1")
	r.Terms.Payment = b2bkit.Net(73)
	cases := []struct {
		buyer b2bkit.CompanyID
		grade string
		rule  string
		unit  string
	}{
		{"x", "", "all", "102.00"},      // 100 * 0.10 * 73/365 = 2
		{"x", "C", "grade-c", "104.00"}, // 0.20 -> 4
		{"trusted", "C", "buyer", "101.00"},
	}
	for _, c := range cases {
		r.Buyer, r.Grade = c.buyer, c.grade
		q := quote(t, e, r)
		require.Equal(t, c.rule, stepLine(t, q, pricing.Payment).RuleID)
		requireDecEqual(t, dec(c.unit), q.UnitPrice, c.rule)
	}
}

func TestPayment_EarlyPaymentAlternative(t *testing.T) {
	ep := pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 10, NetDays: 30}
	// d/(1-d) * 365/(N-D) = 0.02/0.98 * 365/20 = 0.372448979...
	requireDecEqual(t, dec("37.2449"), ep.AnnualPercent())

	p := basePolicy(pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("24"), EarlyPayment: &ep}}})
	e := engineFor(t, p)
	r := request("SKU-1", "10")
	r.Terms.Payment = b2bkit.Net(30)
	q := quote(t, e, r)
	require.NotNil(t, q.EarlyPayment)
	// Net 30 at 24% a year: 101.97 a unit, 1019.70 less 2% is 999.31; paying on day 10 on
	// schedule costs 100.66 a unit, 1006.60, and the offer cannot be cheaper than that.
	requireDecEqual(t, dec("1019.70"), q.Total)
	requireDecEqual(t, dec("1006.60"), q.EarlyPayment.Amount)
	require.True(t, q.EarlyPayment.PayBy.Equal(r.Terms.DeliverBy.AddDate(0, 0, 10)))
	require.Contains(t, q.Explain(), "Early payment 2/10 net 30: pay 1006.60 CNY")

	r.Terms.Payment = b2bkit.CashOnDelivery()
	require.Nil(t, quote(t, e, r).EarlyPayment, "no credit, nothing to pay early")
}

func TestTier_PercentAndFixedPrivileges(t *testing.T) {
	p := basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
		{ID: "gold", Tier: "gold", Percent: dec("-5")},
		{ID: "silver", Tier: "silver", Amount: dec("-1.50")},
	}})
	e := engineFor(t, p)
	r := request("SKU-1", "1")
	for tier, want := range map[string]string{"gold": "95.00", "silver": "98.50", "": "100.00", "bronze": "100.00"} {
		r.Tier = tier
		requireDecEqual(t, dec(want), quote(t, e, r).UnitPrice, tier)
	}
}

func TestGuardrail_ClampOrApprove(t *testing.T) {
	policy := func(on pricing.OnBreach) pricing.Policy {
		return basePolicy(
			pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "deep", Percent: dec("-25")}}},
			pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("5"),
				MaxDiscountPercent: dec("10"), OnBreach: on}}},
		)
	}
	clamp := quote(t, engineFor(t, policy(pricing.Clamp)), request("SKU-1", "1"))
	// Floor 80 * 1.05 = 84; most discount allowed 100 * 0.9 = 90: clamp to the higher, 90.
	requireDecEqual(t, dec("90.00"), clamp.UnitPrice)
	require.False(t, clamp.NeedsApproval)
	g := stepLine(t, clamp, pricing.Guardrail)
	require.True(t, g.Clamped)
	require.Len(t, g.Breaches, 2)

	approve := quote(t, engineFor(t, policy(pricing.Approve)), request("SKU-1", "1"))
	requireDecEqual(t, dec("75.00"), approve.UnitPrice)
	require.True(t, approve.NeedsApproval)
	require.Len(t, approve.Breaches, 2)
	require.Equal(t, pricing.BelowFloor, approve.Breaches[0].Kind)
	requireDecEqual(t, dec("84"), approve.Breaches[0].Limit)
	require.Equal(t, pricing.OverMaxDiscount, approve.Breaches[1].Kind)
	require.Contains(t, approve.Explain(), "Needs approval:")
}

func TestRounding_ScaleModeAndIncrement(t *testing.T) {
	cases := []struct {
		rule pricing.Rule
		qty  string
		unit string
		tot  string
	}{
		{pricing.Rule{ID: "r", Scale: 2}, "3", "96.67", "290.01"},
		{pricing.Rule{ID: "r", Scale: 2, RoundingMode: b2bkit.Down}, "3", "96.66", "289.98"},
		{pricing.Rule{ID: "r", Scale: 2, Increment: dec("0.05")}, "3", "96.65", "289.95"},
		{pricing.Rule{ID: "r", Scale: 0, Increment: dec("10"), RoundingMode: b2bkit.Up}, "3", "100", "300"},
		{pricing.Rule{ID: "r", Scale: 4}, "1.5", "96.6667", "145.0001"},
	}
	for _, c := range cases {
		p := basePolicy(
			pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: dec("-3.33333")}}},
			pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{c.rule}},
		)
		q := quote(t, engineFor(t, p), request("SKU-1", c.qty))
		requireDecEqual(t, dec(c.unit), q.UnitPrice, c.rule)
		requireDecEqual(t, dec(c.tot), q.Total, c.rule)
		require.Equal(t, c.rule.Scale, q.Scale)
	}
}

func TestCombine_BestForBuyerAddCompound(t *testing.T) {
	rules := []pricing.Rule{
		{ID: "a", Percent: dec("-10")},
		{ID: "b", Tier: "gold", Percent: dec("-20")},
		{ID: "c", SKU: "SKU-1", Percent: dec("-5")},
	}
	cases := []struct {
		combine pricing.Combine
		unit    string
		lines   int
	}{
		{pricing.MostSpecific, "80.00", 1}, // tier beats SKU beats everything
		{pricing.BestForBuyer, "80.00", 1},
		{pricing.Add, "65.00", 3},      // 100 - 10 - 20 - 5
		{pricing.Compound, "68.40", 3}, // 100 * 0.9 * 0.8 * 0.95
	}
	for _, c := range cases {
		p := basePolicy(pricing.Step{Kind: pricing.Tier, Combine: c.combine, Rules: rules})
		r := request("SKU-1", "1")
		r.Tier = "gold"
		q := quote(t, engineFor(t, p), r)
		requireDecEqual(t, dec(c.unit), q.UnitPrice, c.combine)
		n := 0
		for _, a := range q.Steps {
			if a.Kind == pricing.Tier {
				n++
			}
		}
		require.Equal(t, c.lines, n, c.combine)
	}
}

func TestRules_ValidityDatesBoundTheOrderDateWhereTheRuleSaysSo(t *testing.T) {
	p := basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
		{ID: "promo", Percent: dec("-10"), ValidFrom: orderDay.AddDate(0, 0, -1), ValidUntil: orderDay.AddDate(0, 0, 1), ByOrderDate: true},
	}})
	e := engineFor(t, p)
	r := request("SKU-1", "1")
	requireDecEqual(t, dec("90.00"), quote(t, e, r).UnitPrice)
	r.Terms.OrderedAt, r.Terms.DeliverBy = orderDay.AddDate(0, 0, 1), orderDay.AddDate(0, 0, 5)
	requireDecEqual(t, dec("100.00"), quote(t, e, r).UnitPrice, "valid_until is exclusive")
}

func TestQuote_CarriesVersionValidityAndSchedule(t *testing.T) {
	e := restaurantEngine(t)
	r := request("OIL-20L", "7")
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	q := quote(t, e, r)
	require.Equal(t, e.Version(), q.PolicyVersion)
	require.True(t, q.QuotedAt.Equal(orderDay))
	require.True(t, q.ValidUntil.Equal(time.Date(2026, 3, 9, 23, 59, 59, 999_999_999, shanghai)))
	require.Equal(t, "CNY", q.Currency)
	require.Len(t, q.Schedule, 2)
	require.True(t, q.Schedule[0].Date.Equal(orderDay))
	require.True(t, q.Schedule[1].Date.Equal(r.Terms.DeliverBy.AddDate(0, 0, 60)))
	requireDecEqual(t, q.Total, q.Schedule[0].Amount.Add(q.Schedule[1].Amount))
	require.Equal(t, r.SKU, q.Request.SKU)
}

func TestQuote_BadInputNamesTheField(t *testing.T) {
	e := restaurantEngine(t)
	cases := []struct {
		name     string
		mutate   func(r *pricing.Request)
		sentinel error
		want     string
	}{
		{"zero quantity", func(r *pricing.Request) { r.Quantity = dec("0") }, b2bkit.ErrInvalid, "request.quantity: must be > 0"},
		{"negative quantity", func(r *pricing.Request) { r.Quantity = dec("-5") }, b2bkit.ErrInvalid, "request.quantity"},
		{"absurd quantity", func(r *pricing.Request) { r.Quantity = dec("1e999") }, b2bkit.ErrInvalid, "request.quantity"},
		{"no sku", func(r *pricing.Request) { r.SKU = "" }, b2bkit.ErrInvalid, "request.sku"},
		{"unknown sku", func(r *pricing.Request) { r.SKU = "CAVIAR" }, b2bkit.ErrNotFound, "sku CAVIAR"},
		{"delivery before order", func(r *pricing.Request) { r.Terms.DeliverBy = orderDay.AddDate(0, 0, -1) },
			b2bkit.ErrInvalid, "request.terms.deliver_by"},
		{"invalid schedule", func(r *pricing.Request) {
			r.Terms.Payment = b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dec("0.5"), Due: b2bkit.OnDelivery}}}
		}, b2bkit.ErrInvalid, "request.terms.payment.installments"},
		{"no dates", func(r *pricing.Request) { r.Terms.OrderedAt = time.Time{} }, b2bkit.ErrInvalid, "request.terms.ordered_at"},
		{"other currency", func(r *pricing.Request) { r.Currency = "USD" }, b2bkit.ErrInvalid, "request.currency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := request("RICE-25KG", "10")
			c.mutate(&r)
			_, err := e.Quote(ctx, r)
			require.ErrorIs(t, err, c.sentinel)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestRequest_ValidateReportsEveryProblem(t *testing.T) {
	r := pricing.Request{Quantity: dec("0")}
	err := r.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, w := range []string{"sku", "quantity", "terms.ordered_at", "terms.deliver_by", "terms.payment.installments"} {
		require.ErrorContains(t, err, w)
	}
}

func TestQuote_PolicyThatPricesBelowZeroIsAnError(t *testing.T) {
	p := basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Amount: dec("-150")}}})
	_, err := engineFor(t, p).Quote(ctx, request("SKU-1", "1"))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

type failingSource struct{ err error }

func (f failingSource) ListPrice(context.Context, pricing.PriceQuery) (pricing.ListPrice, error) {
	return pricing.ListPrice{}, f.err
}

func TestQuote_PassesSourceErrorsThrough(t *testing.T) {
	boom := errors.New("catalog down")
	e, err := pricing.NewEngine(basePolicy(), failingSource{boom}, nil)
	require.NoError(t, err)
	_, err = e.Quote(ctx, request("SKU-1", "1"))
	require.ErrorIs(t, err, boom)
}

func TestQuoteMany_EqualsQuoteLineByLine(t *testing.T) {
	e := restaurantEngine(t)
	var reqs []pricing.Request
	for i, sku := range []b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG", "RICE-25KG"} {
		r := request(sku, []string{"10", "150", "2000", "12000"}[i])
		r.Buyer, r.Tier = "golden-dragon", "gold"
		if i == 3 {
			r.Terms.Payment = b2bkit.Net(45)
		}
		reqs = append(reqs, r)
	}
	many, err := e.QuoteMany(ctx, reqs)
	require.NoError(t, err)
	require.Len(t, many, len(reqs))
	for i, r := range reqs {
		one := quote(t, e, r)
		require.Equal(t, one.Explain(), many[i].Explain(), i)
		requireDecEqual(t, one.Total, many[i].Total)
	}

	reqs[2].Quantity = dec("0")
	_, err = e.QuoteMany(ctx, reqs)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "requests[2].quantity")

	reqs[2].Quantity = dec("1")
	reqs[1].SKU = "NOPE"
	_, err = e.QuoteMany(ctx, reqs)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	require.ErrorContains(t, err, "requests[1]")
}

// countingSource counts the calls a PriceSource gets; it is a BatchPriceSource when batch is set.
type countingSource struct {
	*pricing.PriceList
	singles, blocks int
}

func (c *countingSource) ListPrice(ctx context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	c.singles++
	return c.PriceList.ListPrice(ctx, q)
}

func (c *countingSource) ListPrices(ctx context.Context, qs []pricing.PriceQuery, prices []pricing.ListPrice, found []bool) error {
	c.blocks++
	return listEach(ctx, c.PriceList, qs, prices, found)
}

// singleSource hides ListPrices, so that QuoteMany asks line by line.
type singleSource struct{ s pricing.PriceSource }

func (s singleSource) ListPrice(ctx context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	return s.s.ListPrice(ctx, q)
}

// A catalog source that answers many SKUs at once gets one call per block of lines, not one per line,
// and the quotes are the same.
func TestQuoteMany_AsksABatchSourceABlockAtATime(t *testing.T) {
	src := &countingSource{PriceList: catalogSource(t)}
	p := loadPolicy(t, "testdata/restaurant.json")
	batched, err := pricing.NewEngine(p, src, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	single, err := pricing.NewEngine(p, singleSource{catalogSource(t)}, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	skus := []b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG"}
	reqs := make([]pricing.Request, 600)
	for i := range reqs {
		reqs[i] = request(skus[i%3], fmt.Sprint(1+i))
	}
	got, err := batched.QuoteMany(ctx, reqs)
	require.NoError(t, err)
	require.Equal(t, 3, src.blocks, "600 lines in blocks of 256")
	require.Zero(t, src.singles)
	want, err := single.QuoteMany(ctx, reqs)
	require.NoError(t, err)
	for i := range want {
		require.Equal(t, want[i].Explain(), got[i].Explain(), i)
	}

	// A SKU the block lacks is asked for alone, and the error is the source's, naming the line;
	// the other lines are priced.
	reqs[300].SKU = "NOPE"
	src.blocks, src.singles = 0, 0
	got, err = batched.QuoteMany(ctx, reqs)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	require.ErrorContains(t, err, "requests[300]")
	require.ErrorContains(t, err, "NOPE")
	require.Equal(t, 3, src.blocks)
	require.Equal(t, 1, src.singles)
	require.Equal(t, want[599].Explain(), got[599].Explain())

	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err = batched.QuoteMany(c, reqs)
	require.ErrorIs(t, err, context.Canceled)
}

func TestCompare_ShowsWhatOtherTermsAreWorth(t *testing.T) {
	e := restaurantEngine(t)
	r := request("OIL-20L", "50")
	deposit := b2bkit.DepositBalance(dec("0.3"), 60)
	prepaid := b2bkit.Prepaid()
	c, err := e.Compare(ctx, r, []pricing.Alternative{
		{Label: "bigger order", Quantity: dec("500")},
		{Label: "30/70 net 60", Payment: &deposit},
		{Label: "prepaid, booked ahead", Payment: &prepaid, DeliverBy: orderDay.AddDate(0, 0, 60)},
	})
	require.NoError(t, err)
	require.Len(t, c.Rows, 3)
	require.True(t, c.Rows[0].UnitDiff.Sign() < 0, "a bigger order is cheaper per unit")
	require.True(t, c.Rows[1].UnitDiff.Sign() > 0, "credit costs money")
	require.True(t, c.Rows[2].UnitDiff.Sign() < 0, "prepaying and booking ahead saves")
	requireDecEqual(t, c.Rows[1].Quote.Total.Sub(c.Base.Total), c.Rows[1].TotalDiff)
	table := c.String()
	require.Contains(t, table, "as asked")
	require.Contains(t, table, "prepaid, booked ahead")
	require.Contains(t, table, "30% on order, 70% 60 days after delivery")
	require.Equal(t, 5, strings.Count(table, "\n"), table)

	_, err = e.Compare(ctx, r, []pricing.Alternative{{Label: "bad", DeliverBy: orderDay.AddDate(0, 0, -3)}})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "alternatives[0]")
}

func TestEngine_SafeForConcurrentQuotes(t *testing.T) {
	e := restaurantEngine(t)
	want := quote(t, e, request("OIL-20L", "77")).Explain()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for range 200 {
				q, err := e.Quote(ctx, request("OIL-20L", "77"))
				if err == nil && q.Explain() != want {
					err = errors.New("explanation differs under concurrency")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
}

// Catalog quotes read the price list a block at a time while the list is being changed: every
// quote is priced from one consistent list price, and the race detector sees no race.
// surcharged is a host's source that changes the list's prices: 10% on every price.
type surcharged struct{ *pricing.PriceList }

func (s surcharged) ListPrice(ctx context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	p, err := s.PriceList.ListPrice(ctx, q)
	p.Price = p.Price.Mul(dec("1.1"))
	return p, err
}

// A source that embeds the in-memory list and changes its ListPrice is asked through that
// ListPrice by Quote and QuoteMany alike.
func TestQuoteMany_UsesAWrappersListPrice(t *testing.T) {
	e, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), surcharged{catalogSource(t)}, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	r := request("OIL-20L", "10")
	one := quote(t, e, r)
	requireDecEqual(t, dec("231"), one.ListPrice)
	many, err := e.QuoteMany(ctx, []pricing.Request{r, r})
	require.NoError(t, err)
	requireDecEqual(t, one.ListPrice, many[0].ListPrice)
	requireDecEqual(t, one.Total, many[1].Total)
}

func TestQuoteMany_WhileThePriceListChanges(t *testing.T) {
	l := catalogSource(t)
	e, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	reqs := make([]pricing.Request, 600)
	for i := range reqs {
		reqs[i] = request([]b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG"}[i%3], "10")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			price := dec(fmt.Sprintf("%d.00", 100+i%7))
			if err := l.Set(pricing.ListPrice{SKU: "RICE-25KG", Price: price, Currency: "CNY", Cost: dec("90")}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 20 {
		qs, err := e.QuoteMany(ctx, reqs)
		require.NoError(t, err)
		for i, q := range qs {
			if reqs[i].SKU == "RICE-25KG" {
				require.True(t, q.ListPrice.Equal(q.Steps[0].Before), "line %d", i)
				require.Contains(t, []string{"100", "101", "102", "103", "104", "105", "106", "120"}, q.ListPrice.String())
			}
		}
	}
	<-done
}

func TestQuoteMany_StopsOnCanceledContext(t *testing.T) {
	e := restaurantEngine(t)
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := e.QuoteMany(c, []pricing.Request{request("OIL-20L", "1")})
	require.ErrorIs(t, err, context.Canceled)
}

func TestEngine_PolicyIsACopy(t *testing.T) {
	p := loadPolicy(t, "testdata/restaurant.json")
	e, err := pricing.NewEngine(p, catalogSource(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	before := quote(t, e, request("OIL-20L", "150")).UnitPrice
	p.Steps[1].Rules[0].Bands[1].Percent = dec("-50")                            // the caller's copy changes...
	requireDecEqual(t, before, quote(t, e, request("OIL-20L", "150")).UnitPrice) // ...the engine's does not
	got := e.Policy()
	requireDecEqual(t, dec("-3"), got.Steps[1].Rules[0].Bands[1].Percent)
	v, _ := got.Version()
	require.Equal(t, e.Version(), v)
}
