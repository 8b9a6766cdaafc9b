package risk_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var checkNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// checkOrder is an order of one line per (sku, quantity, unit price) triple on the payment terms p,
// ordered at checkNow for delivery 5 days later.
func checkOrder(p b2bkit.PaymentTerms, lines ...string) b2bkit.Order {
	o := b2bkit.Order{
		ID: "PO-1", Buyer: "golden-wok", Seller: "rice-mill", Currency: "CNY", PlacedAt: checkNow, Channel: b2bkit.SemiAuto,
		Terms: b2bkit.Terms{Payment: p, OrderedAt: checkNow, DeliverBy: checkNow.AddDate(0, 0, 5)},
	}
	for i := 0; i+2 < len(lines); i += 3 {
		o.Lines = append(o.Lines, b2bkit.OrderLine{
			SKU: b2bkit.SKU(lines[i]), Quantity: dectest.Dec(lines[i+1]), UnitPrice: dectest.Dec(lines[i+2]),
		})
	}
	return o
}

// checkInput is an order check of o against a limit and an exposure in CNY.
func checkInput(o b2bkit.Order, limit, exposure string) risk.OrderCheck {
	return risk.OrderCheck{
		Order:    o,
		Limit:    risk.Limit{Company: o.Buyer, Grade: "B", Amount: dectest.Dec(limit), Currency: "CNY"},
		Exposure: risk.Exposure{Company: o.Buyer, Currency: "CNY", Total: dectest.Dec(exposure)},
	}
}

// checkTerms builds payment terms from (share, due, days) triples: "0.3", "order", "0".
func checkTerms(t testing.TB, parts ...any) b2bkit.PaymentTerms {
	t.Helper()
	var p b2bkit.PaymentTerms
	for i := 0; i+2 < len(parts); i += 3 {
		due := b2bkit.OnOrder
		if parts[i+1].(string) == "delivery" {
			due = b2bkit.OnDelivery
		}
		p.Installments = append(p.Installments, b2bkit.Installment{
			Share: dectest.Dec(parts[i].(string)), Due: due, Days: parts[i+2].(int),
		})
	}
	require.NoError(t, p.Validate())
	return p
}

func TestR16_CreditOnlyFromAfterDeliveryShares(t *testing.T) {
	for _, tc := range []struct {
		name  string
		terms b2bkit.PaymentTerms
		want  string
	}{
		{"prepaid adds none", b2bkit.Prepaid(), "0"},
		{"cash on delivery adds none", b2bkit.CashOnDelivery(), "0"},
		{"net 30 adds all", b2bkit.Net(30), "100.01"},
		// deposit 30% of 100.01 = 30.003 -> 30.00; the balance 70.01 is credit
		{"deposit and balance", b2bkit.DepositBalance(dectest.Dec("0.3"), 60), "70.01"},
		// The order is delivered 5 days after it is placed: 30 days after the order is 25 after delivery.
		{"on order, due after delivery, is credit", checkTerms(t, "1", "order", 30), "100.01"},
		{"on order, due before delivery, is not credit", checkTerms(t, "1", "order", 3), "0"},
		{"on order, due on the delivery day, is not credit", checkTerms(t, "1", "order", 5), "0"},
		{"deposit on order, the rest 6 days after the order", checkTerms(t, "0.4", "order", 0, "0.6", "order", 6), "60.01"},
		// 50% on delivery (50.005 -> 50.01 by the running total), the rest 30 days after
		{"half on delivery, half net 30", checkTerms(t, "0.5", "delivery", 0, "0.5", "delivery", 30), "50.00"},
		// running totals: 20.002 -> 20.00, 70.007 -> 70.01; credit = 50.01 + 30.00
		{"three parts", checkTerms(t, "0.2", "order", 0, "0.5", "delivery", 10, "0.3", "delivery", 40), "80.01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := checkOrder(tc.terms, "rice", "1", "60.01", "oil", "2", "20")
			got, err := risk.CreditAdded(o, 2)
			require.NoError(t, err)
			dectest.RequireEqual(t, dectest.Dec(tc.want), got)
			// the credit is exactly the credit installments of the order's own schedule
			dues, err := o.Schedule(2)
			require.NoError(t, err)
			sum := decimal.Zero
			for _, d := range dues {
				if d.Date.After(o.Terms.DeliverBy) {
					sum = sum.Add(d.Amount)
				}
			}
			dectest.RequireEqual(t, sum, got)
			assert.Equal(t, got.Sign() > 0, o.Terms.IsCredit(), "credit iff the terms are credit (R16)")
		})
	}
}

func TestR16_CashAgainstGoodsApprovedWithoutLimit(t *testing.T) {
	for _, p := range []b2bkit.PaymentTerms{b2bkit.Prepaid(), b2bkit.CashOnDelivery()} {
		d, err := risk.CheckOrder(context.Background(), checkInput(checkOrder(p, "rice", "10", "100"), "0", "0"), nil)
		require.NoError(t, err)
		assert.Equal(t, risk.Approve, d.Outcome, p.String())
		dectest.RequireEqual(t, decimal.Zero, d.Credit)
		assert.Empty(t, d.Proposals)
	}
}

func TestCheckOrder_Outcomes(t *testing.T) {
	// 10 x 100 = 1000.00 CNY, net 60: 1000.00 of credit; the limit is 5000.00.
	for _, tc := range []struct {
		name     string
		exposure string
		want     risk.Outcome
		headroom string
		deposits []string // proposal deposits, "cod" for cash on delivery
		credits  []string
	}{
		{"fits exactly", "4000", risk.Approve, "1000", nil, nil},
		{"fits", "1000", risk.Approve, "4000", nil, nil},
		// 1000 - 1000 x d <= 500: d = 50%
		{"half down", "4500", risk.Hold, "500", []string{"0.5", "cod"}, []string{"500", "0"}},
		// 1000 - 1000 x d <= 50: d = 95%, the last step
		{"last step", "4950", risk.Hold, "50", []string{"0.95", "cod"}, []string{"50", "0"}},
		// 1000 - 1000 x d <= 49.99: d would be 95.001%, not a step below 100%
		{"nothing short of cash", "4950.01", risk.Reject, "49.99", []string{"cod"}, []string{"0"}},
		{"over the limit", "6000", risk.Reject, "0", []string{"cod"}, []string{"0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := risk.CheckOrder(context.Background(), checkInput(checkOrder(b2bkit.Net(60), "rice", "10", "100"), "5000", tc.exposure), nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, d.Outcome, d.Reason)
			dectest.RequireEqual(t, dectest.Dec("1000"), d.Credit)
			dectest.RequireEqual(t, dectest.Dec(tc.headroom), d.Headroom)
			dectest.RequireEqual(t, dectest.Dec("5000"), d.Limit)
			dectest.RequireEqual(t, dectest.Dec(tc.exposure), d.Exposure)
			assert.Equal(t, "CNY", d.Currency)
			assert.Equal(t, 60, d.BalanceDays)
			require.Len(t, d.Proposals, len(tc.deposits))
			for i, want := range tc.deposits {
				p := d.Proposals[i]
				if want == "cod" {
					assert.True(t, p.Payment.Equal(b2bkit.CashOnDelivery()), p.Payment.String())
					dectest.RequireEqual(t, decimal.Zero, p.Deposit)
				} else {
					dectest.RequireEqual(t, dectest.Dec(want), p.Deposit)
					assert.True(t, p.Payment.Equal(b2bkit.DepositBalance(dectest.Dec(want), 60)), p.Payment.String())
				}
				dectest.RequireEqual(t, dectest.Dec(tc.credits[i]), p.Credit)
				assert.False(t, p.Priced)
				assert.Nil(t, p.Order)
			}
		})
	}
}

func TestCheckOrder_ZeroLimitRejects(t *testing.T) {
	d, err := risk.CheckOrder(context.Background(), checkInput(checkOrder(b2bkit.Net(30), "rice", "1", "0.01"), "0", "0"), nil)
	require.NoError(t, err)
	assert.Equal(t, risk.Reject, d.Outcome)
	assert.Contains(t, d.Reason, "no credit limit")
	require.Len(t, d.Proposals, 1)
	assert.True(t, d.Proposals[0].Payment.Equal(b2bkit.CashOnDelivery()))
}

func TestCheckOrder_ProposalDepositsHandChecked(t *testing.T) {
	for _, tc := range []struct {
		name             string
		terms            b2bkit.PaymentTerms
		total, headroom  string
		deposit, credit  string
		balanceDays      int
		step             string
		asPlacedDeposit  string
		asPlacedCredit   string
		wantReasonSubstr string
	}{
		// 35%: 116.6655 -> 116.67 down, 216.66 left > 200; 40%: 133.332 -> 133.33, 200.00 left.
		{"boundary at 40%", b2bkit.Net(45), "333.33", "200", "0.4", "200.00", 45, "", "0", "333.33", "a 40% deposit brings it to 200.00 CNY"},
		// credit days kept: (0.5 x 30 + 0.5 x 60) / 1 = 45; credit 1000, fits 300 at 70%.
		{"two credit parts", checkTerms(t, "0.5", "delivery", 30, "0.5", "delivery", 60), "1000", "300", "0.7", "300.00", 45, "", "0", "1000", ""},
		// weighted over the credit parts only: (0.2 x 10 + 0.3 x 21) / 0.5 = 16.6 -> 17; credit 500.
		{"cash part left out of the days", checkTerms(t, "0.5", "delivery", 0, "0.2", "delivery", 10, "0.3", "delivery", 21), "1000", "450", "0.55", "450.00", 17, "", "0", "500", ""},
		// a 30% deposit already: credit 700; 1% steps: 1000 - 1000 x 0.35 = 650 <= 650, 0.34 leaves 660
		{"fine steps", b2bkit.DepositBalance(dectest.Dec("0.3"), 90), "1000", "650", "0.35", "650.00", 90, "0.01", "0.3", "700", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := checkOrder(tc.terms, "rice", "1", tc.total)
			c := checkInput(o, "10000", "0")
			c.Exposure.Total = dectest.Dec("10000").Sub(dectest.Dec(tc.headroom))
			opts := &risk.CheckOptions{}
			if tc.step != "" {
				opts.DepositStep = dectest.Dec(tc.step)
			}
			d, err := risk.CheckOrder(context.Background(), c, opts)
			require.NoError(t, err)
			require.Equal(t, risk.Hold, d.Outcome, d.Reason)
			assert.Equal(t, tc.balanceDays, d.BalanceDays)
			dectest.RequireEqual(t, dectest.Dec(tc.asPlacedDeposit), d.AsPlaced.Deposit)
			dectest.RequireEqual(t, dectest.Dec(tc.asPlacedCredit), d.AsPlaced.Credit)
			require.Len(t, d.Proposals, 2)
			p := d.Proposals[0]
			dectest.RequireEqual(t, dectest.Dec(tc.deposit), p.Deposit)
			dectest.RequireEqual(t, dectest.Dec(tc.credit), p.Credit)
			assert.True(t, p.Payment.Equal(b2bkit.DepositBalance(dectest.Dec(tc.deposit), tc.balanceDays)), p.Payment.String())
			// the proposal's credit is what CreditAdded says of the order on the proposed terms
			o.Terms.Payment = p.Payment
			got, err := risk.CreditAdded(o, 2)
			require.NoError(t, err)
			dectest.RequireEqual(t, p.Credit, got)
			if tc.wantReasonSubstr != "" {
				assert.Contains(t, d.Reason, tc.wantReasonSubstr)
			}
		})
	}
}

func TestCheckOrder_Errors(t *testing.T) {
	base := func() risk.OrderCheck {
		return checkInput(checkOrder(b2bkit.Net(30), "rice", "10", "100"), "5000", "100")
	}
	for _, tc := range []struct {
		name   string
		change func(c *risk.OrderCheck)
		opts   *risk.CheckOptions
		fields []string
	}{
		{"limit currency", func(c *risk.OrderCheck) { c.Limit.Currency = "USD" }, nil, []string{"limit.currency"}},
		{"exposure currency", func(c *risk.OrderCheck) { c.Exposure.Currency = "" }, nil, []string{"exposure.currency"}},
		{"invalid order", func(c *risk.OrderCheck) { c.Order.ID = ""; c.Order.Lines[0].Quantity = decimal.Zero },
			nil, []string{"order.id", "order.lines[0].quantity"}},
		{"invalid terms", func(c *risk.OrderCheck) { c.Order.Terms.Payment.Installments[0].Share = dectest.Dec("0.9") },
			nil, []string{"order.terms.payment.installments"}},
		{"negative limit", func(c *risk.OrderCheck) { c.Limit.Amount = dectest.Dec("-1") }, nil, []string{"limit.amount"}},
		{"negative exposure", func(c *risk.OrderCheck) { c.Exposure.Total = dectest.Dec("-0.01") }, nil, []string{"exposure.total"}},
		{"limit finer than the scale", func(c *risk.OrderCheck) { c.Limit.Amount = dectest.Dec("1.001") }, nil, []string{"limit.amount"}},
		{"other buyer's limit", func(c *risk.OrderCheck) { c.Limit.Company = "someone-else" }, nil, []string{"limit.company"}},
		{"other buyer's exposure", func(c *risk.OrderCheck) { c.Exposure.Company = "someone-else" }, nil, []string{"exposure.company"}},
		{"step of 1", nil, &risk.CheckOptions{DepositStep: dectest.Dec("1")}, []string{"options.deposit_step"}},
		{"negative step", nil, &risk.CheckOptions{DepositStep: dectest.Dec("-0.05")}, []string{"options.deposit_step"}},
		{"step too fine", nil, &risk.CheckOptions{DepositStep: dectest.Dec("0.00001")}, []string{"options.deposit_step"}},
		{"scale", nil, &risk.CheckOptions{Scale: -1}, []string{"options.scale"}},
		{"everything at once", func(c *risk.OrderCheck) { c.Limit.Currency = "USD"; c.Exposure.Total = dectest.Dec("-1") },
			nil, []string{"limit.currency", "exposure.total"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			if tc.change != nil {
				tc.change(&c)
			}
			_, err := risk.CheckOrder(context.Background(), c, tc.opts)
			require.Error(t, err)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.True(t, strings.HasPrefix(err.Error(), "risk: "), err.Error())
			for _, f := range tc.fields {
				assert.Contains(t, err.Error(), f+":")
			}
		})
	}
	_, err := risk.CreditAdded(checkOrder(b2bkit.Net(30)), 2)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Contains(t, err.Error(), "order.lines:")
	_, err = risk.CreditAdded(checkOrder(b2bkit.Net(30), "rice", "1", "1"), 19)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

// checkOutcomeOf checks an order of total on a deposit of dep (in hundredths) with 45 days for the
// balance, against a headroom.
func checkOutcomeOf(t *testing.T, lines []string, dep int, headroom string) risk.Decision {
	t.Helper()
	o := checkOrder(b2bkit.DepositBalance(decimal.New(int64(dep), -2), 45), lines...)
	d, err := risk.CheckOrder(context.Background(), checkInput(o, headroom, "0"), nil)
	require.NoError(t, err)
	return d
}

func TestCheckOrder_LargerDepositNeverLowersTheDecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 5))
	seen := map[risk.Outcome]int{}
	for range 400 {
		var lines []string
		for j := range 1 + rng.IntN(4) {
			lines = append(lines, "sku-"+string(rune('a'+j)),
				decimal.New(int64(1+rng.IntN(500)), -int32(rng.IntN(2))).String(),
				decimal.New(int64(rng.IntN(100_000)), -int32(rng.IntN(3))).String())
		}
		d1 := rng.IntN(100)
		d2 := d1 + 1 + rng.IntN(100-d1)
		headroom := decimal.New(int64(rng.IntN(2_000_000)), -2).String()
		a := checkOutcomeOf(t, lines, d1, headroom)
		b := checkOutcomeOf(t, lines, d2, headroom)
		require.GreaterOrEqual(t, b.Outcome, a.Outcome, "deposit %d%% gave %s, %d%% gave %s (headroom %s, lines %v)",
			d1, a.Outcome, d2, b.Outcome, headroom, lines)
		require.True(t, b.Credit.LessThanOrEqual(a.Credit))
		seen[a.Outcome]++
		seen[b.Outcome]++
		// every deposit proposal fits and is the smallest step that does
		for _, d := range []risk.Decision{a, b} {
			if d.Outcome != risk.Hold {
				continue
			}
			p := d.Proposals[0]
			require.True(t, p.Credit.LessThanOrEqual(d.Headroom))
			prev := p.Deposit.Sub(dectest.Dec("0.05"))
			if prev.Sign() > 0 {
				smaller := checkOutcomeOf(t, lines, int(prev.Shift(2).IntPart()), headroom)
				require.True(t, smaller.Credit.GreaterThan(d.Headroom), "a %s deposit would have fit", prev)
			}
		}
	}
	t.Logf("outcomes seen: %v", seen)
	require.Len(t, seen, 3, "the random cases must reach every outcome")
}

func TestOutcome_Text(t *testing.T) {
	for _, o := range []risk.Outcome{risk.Approve, risk.Hold, risk.Reject} {
		b, err := o.MarshalText()
		require.NoError(t, err)
		var back risk.Outcome
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, o, back)
		assert.Equal(t, string(b), o.String())
	}
	assert.Equal(t, "approve", risk.Approve.String())
	var o risk.Outcome
	require.ErrorIs(t, o.UnmarshalText([]byte("maybe")), b2bkit.ErrInvalid)
	_, err := risk.Outcome(7).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Equal(t, "Outcome(7)", risk.Outcome(7).String())
}

// checkEngine is a pricing engine whose payment step charges 12% a year for credit days and 18% to
// grade C buyers.
func checkEngine(t testing.TB) *pricing.Engine {
	t.Helper()
	policy, err := pricing.LoadPolicy(strings.NewReader(`{
	  "name": "check", "currency": "CNY", "valid_days": 3,
	  "steps": [
	    {"kind": "base", "rules": []},
	    {"kind": "payment", "rules": [
	      {"id": "money", "annual_percent": "12"},
	      {"id": "money-c", "grade": "C", "annual_percent": "18"}]},
	    {"kind": "tier", "rules": [{"id": "gold", "tier": "gold", "percent": "-2"}]},
	    {"kind": "rounding", "rules": [{"id": "fen", "scale": 2}]}
	  ]}`))
	require.NoError(t, err)
	prices, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "rice", Price: dectest.Dec("100"), Currency: "CNY"},
		pricing.ListPrice{SKU: "oil", Price: dectest.Dec("20"), Currency: "CNY"},
	)
	require.NoError(t, err)
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return checkNow }})
	require.NoError(t, err)
	return e
}

func TestCheckOrder_Priced(t *testing.T) {
	e := checkEngine(t)
	ctx := context.Background()
	o := checkOrder(b2bkit.Net(60), "rice", "10", "100", "oil", "5", "20")
	c := checkInput(o, "5000", "4500") // credit 1100, headroom 500: 55% down
	d, err := risk.CheckOrder(ctx, c, &risk.CheckOptions{Pricing: e})
	require.NoError(t, err)
	require.Equal(t, risk.Hold, d.Outcome)
	require.True(t, d.AsPlaced.Priced)
	require.Len(t, d.AsPlaced.Quotes, 2)
	// the total is the order quote's; the line quotes are its lines', each quoted on the terms
	// priced, and sum to its subtotal (here, with no order steps or VAT, to the total too)
	for _, p := range append([]risk.Proposal{d.AsPlaced}, d.Proposals...) {
		require.True(t, p.Priced)
		require.NotNil(t, p.Order)
		dectest.RequireEqual(t, p.Order.Total, p.Total)
		assert.True(t, p.Order.Request.Terms.Payment.Equal(p.Payment))
		sum := decimal.Zero
		for _, q := range p.Quotes {
			sum = sum.Add(q.Total)
			assert.True(t, q.Request.Terms.Payment.Equal(p.Payment))
			assert.Equal(t, "B", q.Request.Grade)
		}
		dectest.RequireEqual(t, p.Order.Subtotal, sum)
		dectest.RequireEqual(t, sum, p.Total)
	}
	// less credit costs less: cash on delivery < 55% down < net 60
	dectest.RequireLess(t, d.Proposals[0].Total, d.AsPlaced.Total)
	dectest.RequireLess(t, d.Proposals[1].Total, d.Proposals[0].Total)
	// and the same as quoting the line alone
	q, err := e.Quote(ctx, pricing.Request{Buyer: o.Buyer, SKU: "rice", Quantity: dectest.Dec("10"), Terms: o.Terms, Grade: "B"})
	require.NoError(t, err)
	dectest.RequireEqual(t, q.Total, d.AsPlaced.Quotes[0].Total)

	// the grade and the tier reach the engine
	c.Limit.Grade = "C"
	dc, err := risk.CheckOrder(ctx, c, &risk.CheckOptions{Pricing: e})
	require.NoError(t, err)
	dectest.RequireLess(t, d.AsPlaced.Total, dc.AsPlaced.Total)
	c.Tier = "gold"
	dg, err := risk.CheckOrder(ctx, c, &risk.CheckOptions{Pricing: e})
	require.NoError(t, err)
	dectest.RequireLess(t, dg.AsPlaced.Total, dc.AsPlaced.Total)

	// an approved order is priced as placed only
	da, err := risk.CheckOrder(ctx, checkInput(o, "5000", "0"), &risk.CheckOptions{Pricing: e})
	require.NoError(t, err)
	assert.Equal(t, risk.Approve, da.Outcome)
	assert.True(t, da.AsPlaced.Priced)
	assert.Empty(t, da.Proposals)

	// a SKU the price list lacks is the engine's error
	_, err = risk.CheckOrder(ctx, checkInput(checkOrder(b2bkit.Net(60), "rice", "1", "1", "caviar", "1", "1"), "5000", "0"), &risk.CheckOptions{Pricing: e})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.True(t, strings.HasPrefix(err.Error(), "risk: pricing 100% 60 days after delivery: "), err.Error())
	assert.Contains(t, err.Error(), "order.lines[1]")

}

// CheckOrder rejects exactly the orders Order.Validate rejects, with its field names under "order.".
func TestCheckOrder_ValidatesAsOrderValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(o *b2bkit.Order)
	}{
		{"valid", func(o *b2bkit.Order) {}},
		{"id", func(o *b2bkit.Order) { o.ID = "" }},
		{"buyer", func(o *b2bkit.Order) { o.Buyer = "" }},
		{"seller", func(o *b2bkit.Order) { o.Seller = "" }},
		{"buyer is seller", func(o *b2bkit.Order) { o.Seller = o.Buyer }},
		{"no lines", func(o *b2bkit.Order) { o.Lines = nil }},
		{"sku", func(o *b2bkit.Order) { o.Lines[1].SKU = "" }},
		{"quantity", func(o *b2bkit.Order) { o.Lines[1].Quantity = dectest.Dec("-1") }},
		{"free goods are fine", func(o *b2bkit.Order) { o.Lines[1].UnitPrice = decimal.Zero }},
		{"price", func(o *b2bkit.Order) { o.Lines[0].UnitPrice = dectest.Dec("-0.01") }},
		{"currency", func(o *b2bkit.Order) { o.Currency = "cny" }},
		{"channel", func(o *b2bkit.Order) { o.Channel = 0 }},
		{"placed", func(o *b2bkit.Order) { o.PlacedAt = time.Time{} }},
		{"delivery before order", func(o *b2bkit.Order) { o.Terms.DeliverBy = o.Terms.OrderedAt.AddDate(0, 0, -1) }},
		{"days", func(o *b2bkit.Order) { o.Terms.Payment = b2bkit.Net(-3) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := checkInput(checkOrder(b2bkit.Net(30), "rice", "10", "100", "oil", "2", "20"), "5000", "0")
			tc.change(&c.Order)
			c.Limit.Currency, c.Exposure.Currency = c.Order.Currency, c.Order.Currency
			c.Limit.Company, c.Exposure.Company = "", ""
			want := c.Order.Validate()
			_, err := risk.CheckOrder(context.Background(), c, nil)
			_, cerr := risk.CreditAdded(c.Order, 2)
			if want == nil {
				require.NoError(t, err)
				require.NoError(t, cerr)
				return
			}
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorIs(t, cerr, b2bkit.ErrInvalid)
			assert.Equal(t, "risk: "+b2bkit.InField("order", want).Error(), err.Error())
			assert.Equal(t, err.Error(), cerr.Error())
		})
	}
}

// CreditAdded rounds and splits the total as the order's own schedule does, at any scale.
func TestR16_CreditAddedIsTheScheduledCredit(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	terms := []b2bkit.PaymentTerms{
		b2bkit.Net(30), b2bkit.Prepaid(), b2bkit.CashOnDelivery(),
		b2bkit.DepositBalance(dectest.Dec("0.333"), 45),
		checkTerms(t, "0.1", "order", 0, "0.2", "delivery", 0, "0.3", "delivery", 30, "0.4", "delivery", 60),
		checkTerms(t, "0.5", "order", 10, "0.123456789", "delivery", 7, "0.376543211", "delivery", 90),
		// shares of more than 12 places take the decimal path
		checkTerms(t, "0.1234567890123", "order", 0, "0.8765432109877", "delivery", 30),
	}
	for range 500 {
		var lines []string
		for range 1 + rng.IntN(5) {
			lines = append(lines, "sku", decimal.New(int64(1+rng.IntN(100_000)), -int32(rng.IntN(4))).String(),
				decimal.New(int64(rng.IntN(1_000_000)), -int32(rng.IntN(5))).String())
		}
		o := checkOrder(terms[rng.IntN(len(terms))], lines...)
		scale := int32(rng.IntN(5))
		got, err := risk.CreditAdded(o, scale)
		require.NoError(t, err)
		dues, err := o.Schedule(scale)
		require.NoError(t, err)
		want := decimal.Zero
		for _, d := range dues {
			if d.Date.After(o.Terms.DeliverBy) { // 50% 10 days after the order is credit: delivery is in 5
				want = want.Add(d.Amount)
			}
		}
		dectest.RequireEqual(t, want, got, "order %v at scale %d", lines, scale)
		// and CheckOrder at that scale reports the same credit (its scale 0 means 2)
		if scale > 0 {
			d, err := risk.CheckOrder(context.Background(), checkInput(o, "0", "0"), &risk.CheckOptions{Scale: scale})
			require.NoError(t, err)
			dectest.RequireEqual(t, want, d.Credit)
		}
	}
}

// checkDeskEngine is a sales desk's engine with everything a policy prices at the order's level: a
// mixed-case break over the rice SKUs (20 bags or more of any rice, 5% off), an order discount (2%
// from 1,000), freight by weight (0.40 a kilogram), and VAT added per line at each SKU's rate; its
// payment step charges 12% a year for credit days.
func checkDeskEngine(t testing.TB, contracts ...pricing.ContractPrice) *pricing.Engine {
	t.Helper()
	policy, err := pricing.LoadPolicy(strings.NewReader(`{
	  "name": "desk", "currency": "CNY", "valid_days": 3,
	  "tax": {"per": "line"},
	  "steps": [
	    {"kind": "base", "rules": [{"id": "contracts", "formula": "contract"}]},
	    {"kind": "quantity", "precedence": ["sku", "category"], "rules": [{"id": "rice-mixed-case", "attributes": {"category": "rice"}, "mix": true, "bands": [
	      {"from": "0", "to": "20", "percent": "0"}, {"from": "20", "percent": "-5"}]}]},
	    {"kind": "payment", "rules": [{"id": "money", "annual_percent": "12"}]},
	    {"kind": "rounding", "rules": [{"id": "fen", "scale": 2}]}
	  ],
	  "order": [
	    {"kind": "order_discount", "rules": [{"id": "big-order", "bands": [
	      {"from": "0", "to": "1000", "percent": "0"}, {"from": "1000", "percent": "-2"}]}]},
	    {"kind": "freight", "rules": [{"id": "by-weight", "per": "weight", "bands": [{"from": "0", "amount": "0.40"}]}]}
	  ]}`))
	require.NoError(t, err)
	rice := map[string]string{"category": "rice"}
	prices, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "jasmine", Price: dectest.Dec("100"), Currency: "CNY", Attributes: rice,
			TaxPercent: dectest.Dec("9"), Weight: dectest.Dec("25")},
		pricing.ListPrice{SKU: "glutinous", Price: dectest.Dec("90"), Currency: "CNY", Attributes: rice,
			TaxPercent: dectest.Dec("9"), Weight: dectest.Dec("25")},
		pricing.ListPrice{SKU: "oil", Price: dectest.Dec("20"), Currency: "CNY", Attributes: map[string]string{"category": "oil"},
			TaxPercent: dectest.Dec("13"), Weight: dectest.Dec("5")},
	)
	require.NoError(t, err)
	require.NoError(t, prices.SetContracts(contracts...))
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return checkNow }})
	require.NoError(t, err)
	return e
}

// R16: a proposal's price is what the sales desk quotes for the same order on the proposed terms —
// Engine.QuoteOrder's Total, to the cent, with the order-level steps (mixed-case breaks, order
// discounts, freight, VAT) that pricing the lines one by one leaves out.
// The buyer's group reaches the engine: a chain's contract price is what its restaurant pays
// under every proposal, as the desk quotes it for that group.
func TestR16_CheckOrderPricesProposalsWithTheBuyersGroupContract(t *testing.T) {
	e := checkDeskEngine(t, pricing.ContractPrice{ID: "K-CHAIN", SKU: "oil", Group: "wok-chain", Price: dectest.Dec("15")})
	ctx := context.Background()
	o := checkOrder(b2bkit.Net(60), "jasmine", "12", "100", "oil", "50", "20")
	c := checkInput(o, "5000", "4000")
	c.Group = "wok-chain"
	d, err := risk.CheckOrder(ctx, c, &risk.CheckOptions{Pricing: e})
	require.NoError(t, err)
	require.NotEmpty(t, d.Proposals)
	for _, p := range append([]risk.Proposal{d.AsPlaced}, d.Proposals...) {
		require.True(t, p.Priced, "%s", p.Payment)
		terms := o.Terms
		terms.Payment = p.Payment
		req := pricing.OrderRequest{Buyer: o.Buyer, Currency: "CNY", Grade: "B", Terms: terms, Lines: []pricing.OrderLine{
			{SKU: "jasmine", Quantity: dectest.Dec("12")}, {SKU: "oil", Quantity: dectest.Dec("50")}}}
		alone, err := e.QuoteOrder(ctx, req)
		require.NoError(t, err)
		req.Group = "wok-chain"
		desk, err := e.QuoteOrder(ctx, req)
		require.NoError(t, err)
		require.True(t, desk.Total.LessThan(alone.Total), "%s: the contract price must lower the total", p.Payment)
		dectest.RequireEqual(t, desk.Total, p.Total, "%s", p.Payment)
		dectest.RequireEqual(t, desk.Lines[1].Quote.UnitPrice, p.Quotes[1].UnitPrice, "%s", p.Payment)
	}
}

func TestR16_CheckOrderPricesProposalsAsTheDeskQuotesTheOrder(t *testing.T) {
	e := checkDeskEngine(t)
	ctx := context.Background()
	o := checkOrder(b2bkit.Net(60), "jasmine", "12", "100", "glutinous", "10", "90", "oil", "5", "20")
	c := checkInput(o, "5000", "4000") // credit 2200, headroom 1000: 55% down
	c.Tier = "gold"
	d, err := risk.CheckOrder(ctx, c, &risk.CheckOptions{Pricing: e})
	require.NoError(t, err)
	require.Equal(t, risk.Hold, d.Outcome)
	require.Len(t, d.Proposals, 2)
	for _, p := range append([]risk.Proposal{d.AsPlaced}, d.Proposals...) {
		require.True(t, p.Priced, "%s", p.Payment)
		terms := o.Terms
		terms.Payment = p.Payment
		req := pricing.OrderRequest{Buyer: o.Buyer, Tier: "gold", Grade: "B", Currency: "CNY", Terms: terms}
		lines := make([]pricing.Request, len(o.Lines))
		for i, l := range o.Lines {
			req.Lines = append(req.Lines, pricing.OrderLine{SKU: l.SKU, Quantity: l.Quantity})
			lines[i] = pricing.Request{Buyer: o.Buyer, SKU: l.SKU, Quantity: l.Quantity, Terms: terms, Tier: "gold", Grade: "B", Currency: "CNY"}
		}
		desk, err := e.QuoteOrder(ctx, req)
		require.NoError(t, err)
		dectest.RequireEqual(t, desk.Total, p.Total, "%s", p.Payment)
		require.NotNil(t, p.Order)
		dectest.RequireEqual(t, desk.Total, p.Order.Total)
		dectest.RequireEqual(t, desk.Freight, p.Order.Freight)
		dectest.RequireEqual(t, desk.Tax, p.Order.Tax)
		require.NotZero(t, desk.Freight.Sign())
		require.NotZero(t, desk.Tax.Sign())
		require.Equal(t, -1, desk.Discount.Sign())
		// the line quotes are the order quote's, in line order
		require.Len(t, p.Quotes, len(o.Lines))
		for i := range p.Quotes {
			dectest.RequireEqual(t, desk.Lines[i].Quote.Total, p.Quotes[i].Total, "%s line %d", p.Payment, i)
		}
		// and the order's own steps matter here: the lines quoted one by one sum to another figure
		quotes, err := e.QuoteMany(ctx, lines)
		require.NoError(t, err)
		sum := decimal.Zero
		for _, q := range quotes {
			sum = sum.Add(q.Total)
		}
		assert.False(t, sum.Equal(desk.Total), "%s: line sum %s equals the desk's total", p.Payment, sum)
	}
}

// R16: a priced proposal fits the headroom as the buyer would owe it. The desk's quote adds
// freight and VAT to the order's lines, so the balance of a deposit priced by the desk is more than
// that share of the order's own total; the deposit proposed is the smallest whose priced schedule
// leaves a credit within the headroom, and the proposal's Credit is that schedule's credit.
func TestR16_PricedProposalFitsTheHeadroomAsPriced(t *testing.T) {
	e := checkDeskEngine(t)
	ctx := context.Background()
	step := dectest.Dec("0.05")
	o := checkOrder(b2bkit.Net(60), "jasmine", "12", "100", "glutinous", "10", "90", "oil", "5", "20")
	for _, exposure := range []string{"4000", "3000", "4500", "4900", "2850"} {
		c := checkInput(o, "5000", exposure) // credit 2200 on the order's own total
		headroom := dectest.Dec("5000").Sub(dectest.Dec(exposure))
		d, err := risk.CheckOrder(ctx, c, &risk.CheckOptions{Pricing: e})
		require.NoError(t, err)
		require.NotEqual(t, risk.Approve, d.Outcome, "exposure %s", exposure)
		priced := func(p risk.Proposal) decimal.Decimal {
			require.True(t, p.Priced)
			credit := decimal.Zero
			for _, due := range p.Order.Schedule {
				if due.Installment.Due == b2bkit.OnDelivery && due.Installment.Days > 0 {
					credit = credit.Add(due.Amount)
				}
			}
			return credit
		}
		if d.Outcome == risk.Reject {
			require.Len(t, d.Proposals, 1)
			// no deposit below 100% fits as priced
			for k := 1; k < 20; k++ {
				dep := step.Mul(decimal.NewFromInt(int64(k)))
				dc, err := risk.CheckOrder(ctx, checkInput(checkOrderTerms(o, b2bkit.DepositBalance(dep, 60)), "5000", exposure), &risk.CheckOptions{Pricing: e})
				require.NoError(t, err)
				dectest.RequireLess(t, headroom, priced(dc.AsPlaced), "exposure %s, %s down", exposure, dep)
			}
			continue
		}
		require.Equal(t, risk.Hold, d.Outcome, "exposure %s", exposure)
		p := d.Proposals[0]
		credit := priced(p)
		dectest.RequireEqual(t, credit, p.Credit, "exposure %s", exposure)
		require.True(t, credit.LessThanOrEqual(headroom), "exposure %s: %s down leaves %s on credit, headroom %s", exposure, p.Deposit, credit, headroom)
		assert.Contains(t, d.Reason, "brings it to "+credit.StringFixed(2)+" CNY as priced")
		// and one step less does not fit as priced
		if less := p.Deposit.Sub(step); less.Sign() > 0 {
			dc, err := risk.CheckOrder(ctx, checkInput(checkOrderTerms(o, b2bkit.DepositBalance(less, 60)), "5000", exposure), &risk.CheckOptions{Pricing: e})
			require.NoError(t, err)
			dectest.RequireLess(t, headroom, priced(dc.AsPlaced), "exposure %s, %s down", exposure, less)
		}
	}
}

// checkOrderTerms is o on other payment terms.
func checkOrderTerms(o b2bkit.Order, p b2bkit.PaymentTerms) b2bkit.Order {
	o.Terms.Payment = p
	return o
}

// R16, priced: a larger deposit on the order never lowers the decision, and a Hold's deposit
// proposal fits the headroom as priced, the step below it not — on random orders of the desk's
// goods (freight, VAT, mixed-case breaks and order discounts all move the priced total).
func TestR16_PricedLargerDepositNeverLowersTheDecision(t *testing.T) {
	e := checkDeskEngine(t)
	ctx := context.Background()
	opts := &risk.CheckOptions{Pricing: e}
	rng := rand.New(rand.NewPCG(16, 21))
	seen := map[risk.Outcome]int{}
	priced := func(p risk.Proposal) decimal.Decimal {
		credit := decimal.Zero
		for _, due := range p.Order.Schedule {
			if due.Installment.Due == b2bkit.OnDelivery && due.Installment.Days > 0 {
				credit = credit.Add(due.Amount)
			}
		}
		return credit
	}
	check := func(lines []string, deposit int, headroom string) risk.Decision {
		terms := b2bkit.Net(60)
		if deposit > 0 {
			terms = b2bkit.DepositBalance(decimal.New(int64(deposit), -2), 60)
		}
		d, err := risk.CheckOrder(ctx, checkInput(checkOrder(terms, lines...), "100000", dectest.Dec("100000").Sub(dectest.Dec(headroom)).String()), opts)
		require.NoError(t, err)
		return d
	}
	for range 150 {
		var lines []string
		for _, sku := range []string{"jasmine", "glutinous", "oil"} {
			if rng.IntN(3) > 0 {
				lines = append(lines, sku, strconv.Itoa(1+rng.IntN(40)), decimal.New(int64(1000+rng.IntN(12000)), -2).String())
			}
		}
		if len(lines) == 0 {
			lines = []string{"oil", "3", "20"}
		}
		d1 := rng.IntN(95)
		d2 := d1 + 1 + rng.IntN(95-d1)
		headroom := decimal.New(int64(rng.IntN(600_000)), -2).String()
		a, b := check(lines, d1, headroom), check(lines, d2, headroom)
		require.GreaterOrEqual(t, b.Outcome, a.Outcome, "deposit %d%% gave %s, %d%% gave %s (headroom %s, lines %v)", d1, a.Outcome, d2, b.Outcome, headroom, lines)
		for _, d := range []risk.Decision{a, b} {
			seen[d.Outcome]++
			if d.Outcome != risk.Hold {
				continue
			}
			p := d.Proposals[0]
			require.True(t, priced(p).LessThanOrEqual(d.Headroom), "%s leaves %s, headroom %s", p.Payment, priced(p), d.Headroom)
			dectest.RequireEqual(t, priced(p), p.Credit)
			if prev := p.Deposit.Sub(dectest.Dec("0.05")); prev.Sign() > 0 {
				smaller := check(lines, int(prev.Shift(2).IntPart()), headroom)
				require.True(t, priced(smaller.AsPlaced).GreaterThan(d.Headroom), "a %s deposit would have fit as priced", prev)
			}
		}
	}
	t.Logf("outcomes seen: %v", seen)
	require.Len(t, seen, 3, "the random cases must reach every outcome")
}

// TestR16_CheckOrderCountsCreditCountedFromTheOrder: 100% due 30 days after the order, for goods
// delivered in 5, is 25 days of credit: the check holds the order for a deposit that fits, and the
// proposals keep the balance 25 days after delivery. Counting only installments due on delivery, it
// approved the order as adding no credit.
func TestR16_CheckOrderCountsCreditCountedFromTheOrder(t *testing.T) {
	o := checkOrder(checkTerms(t, "1", "order", 30), "rice", "1", "60.01", "oil", "2", "20")
	d, err := risk.CheckOrder(context.Background(), checkInput(o, "50", "0"), nil)
	require.NoError(t, err)
	assert.Equal(t, risk.Hold, d.Outcome, d.Reason)
	dectest.RequireEqual(t, dectest.Dec("100.01"), d.Credit)
	dectest.RequireEqual(t, decimal.Zero, d.AsPlaced.Deposit, "nothing is paid before delivery")
	assert.Equal(t, 25, d.BalanceDays)
	require.NotEmpty(t, d.Proposals)
	dectest.RequireEqual(t, dectest.Dec("0.5"), d.Proposals[0].Deposit, "the smallest 5-point deposit leaving at most 50.00")
	assert.True(t, o.Terms.IsCredit())
}
