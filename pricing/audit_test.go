package pricing_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
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

// R11: a floor that falls exactly on a rounding midpoint (cost 80 + 5.00625% = 84.005): a price
// clamped to it rounds up, stays, or is raised to the next cent by the mode, and never ends below it;
// a floor on the grid (84.00) is not raised past.
func TestR11_AFloorOnARoundingMidpointHolds(t *testing.T) {
	cases := []struct {
		name           string
		margin, tier   string
		on             pricing.OnBreach
		mode           b2bkit.RoundingMode
		unit           string
		raised, review bool
	}{
		{"clamped, half up", "5.00625", "-20", pricing.Clamp, b2bkit.HalfUp, "84.01", false, false},
		{"clamped, half even rounds to 84.00", "5.00625", "-20", pricing.Clamp, b2bkit.HalfEven, "84.01", true, false},
		{"clamped, down", "5.00625", "-20", pricing.Clamp, b2bkit.Down, "84.01", true, false},
		{"clamped, up", "5.00625", "-20", pricing.Clamp, b2bkit.Up, "84.01", false, false},
		// The price is the floor itself: no breach before the rounding, one after it where the
		// mode takes it to 84.00.
		{"at the floor, half up", "5.00625", "-15.995", pricing.Approve, b2bkit.HalfUp, "84.01", false, false},
		{"at the floor, half even", "5.00625", "-15.995", pricing.Approve, b2bkit.HalfEven, "84.00", false, true},
		{"at the floor, half even, clamp", "5.00625", "-15.995", pricing.Clamp, b2bkit.HalfEven, "84.01", true, false},
		// A floor on the grid: clamped to 84.00 exactly, which every mode keeps.
		{"floor on the grid, down", "5", "-20", pricing.Clamp, b2bkit.Down, "84.00", false, false},
		{"floor on the grid, up", "5", "-20", pricing.Clamp, b2bkit.Up, "84.00", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := basePolicy(
				pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: dec(c.tier)}}},
				pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec(c.margin), OnBreach: c.on}}},
				pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2, RoundingMode: c.mode}}},
			)
			e := engineFor(t, p)
			q := quote(t, e, request("SKU-1", "7"))
			requireDecEqual(t, dec(c.unit), q.UnitPrice)
			requireDecEqual(t, q.UnitPrice.Mul(dec("7")), q.Total)
			require.Equal(t, c.review, q.NeedsApproval, q.Explain())
			floor := dec("80").Mul(dec("1").Add(dec(c.margin).Shift(-2)))
			if !c.review {
				require.False(t, q.UnitPrice.LessThan(floor), q.Explain())
				require.Empty(t, q.Breaches, q.Explain())
			} else {
				require.Len(t, q.Breaches, 1)
				requireDecEqual(t, floor, q.Breaches[0].Limit)
				requireDecEqual(t, q.UnitPrice, q.Breaches[0].Price)
			}
			last := q.Steps[len(q.Steps)-1]
			require.Equal(t, c.raised, last.Clamped, q.Explain())
			requireDecEqual(t, q.UnitPrice, last.After)
			// The lines add up: each starts where the one before ended.
			for i := 1; i < len(q.Steps); i++ {
				requireDecEqual(t, q.Steps[i-1].After, q.Steps[i].Before, i)
			}
			requireDecEqual(t, dec("100.00"), q.Steps[0].After)
		})
	}
}

// R11: on a deposit, delivery and balance schedule, the early-payment offer replaces only what is
// still owed after the discount days — never the deposit nor the payment on delivery — and never
// costs less than paying it on the last discount day under the policy's own price for that.
func TestR11_EarlyPaymentOnAPartlyPaidSchedule(t *testing.T) {
	in := func(share string, due b2bkit.DueEvent, days int) b2bkit.Installment {
		return b2bkit.Installment{Share: dec(share), Due: due, Days: days}
	}
	cases := []struct {
		name             string
		discount         string
		terms            []b2bkit.Installment
		total            string
		replaces, amount string
		annual           string
		boundBy          []b2bkit.Installment // the same schedule with the replaced installments due on day 10
		paidAsScheduled  string
		boundIsTheOffer  bool
	}{
		{
			// 21 days on average: 100.69 a unit. 1% off the 402.76 balance is 398.73, above the
			// 1000.30 - 604.14 = 396.16 paying it on day 10 would cost.
			name: "deposit, delivery, balance", discount: "1",
			terms: []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.3", b2bkit.OnDelivery, 0), in("0.4", b2bkit.OnDelivery, 60)},
			total: "1006.90", replaces: "402.76", amount: "398.73", annual: "7.3782",
			boundBy:         []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.3", b2bkit.OnDelivery, 0), in("0.4", b2bkit.OnDelivery, 10)},
			paidAsScheduled: "604.14",
		},
		{
			// 3% off would be 390.68: below the 396.16 of paying on day 10, so the offer is that.
			name: "discount larger than the credit charge", discount: "3",
			terms: []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.3", b2bkit.OnDelivery, 0), in("0.4", b2bkit.OnDelivery, 60)},
			total: "1006.90", replaces: "402.76", amount: "396.16", annual: "12.1618",
			boundBy:         []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.3", b2bkit.OnDelivery, 0), in("0.4", b2bkit.OnDelivery, 10)},
			paidAsScheduled: "604.14", boundIsTheOffer: true,
		},
		{
			// Two later installments (302.67 at 20 days, 403.56 at 60) are replaced; 1% off their
			// 706.23 is 699.17. Their share-weighted days are 30/0.7 = 42.857, 32.857 after day 10.
			name: "deposit and two later installments", discount: "1",
			terms: []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.3", b2bkit.OnDelivery, 20), in("0.4", b2bkit.OnDelivery, 60)},
			total: "1008.90", replaces: "706.23", amount: "699.17", annual: "11.2172",
			boundBy:         []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.3", b2bkit.OnDelivery, 10), in("0.4", b2bkit.OnDelivery, 10)},
			paidAsScheduled: "302.67",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := engineFor(t, earlyPolicy("12", c.discount))
			r := request("SKU-1", "10")
			r.Terms.Payment = b2bkit.PaymentTerms{Installments: c.terms}
			q := quote(t, e, r)
			requireDecEqual(t, dec(c.total), q.Total)
			require.NotNil(t, q.EarlyPayment)
			ep := q.EarlyPayment
			requireDecEqual(t, dec(c.replaces), ep.Replaces)
			requireDecEqual(t, dec(c.amount), ep.Amount)
			requireDecEqual(t, dec(c.annual), ep.AnnualPercent)
			require.True(t, ep.PayBy.Equal(r.Terms.DeliverBy.AddDate(0, 0, 10)))
			// What is replaced is exactly the installments due after the discount days.
			later := dec("0")
			for _, d := range q.Schedule {
				if d.Date.After(ep.PayBy) {
					later = later.Add(d.Amount)
				}
			}
			requireDecEqual(t, later, ep.Replaces)
			requireDecEqual(t, q.Total.Sub(ep.Replaces), dec(c.paidAsScheduled))
			// Paying early never beats paying on the last discount day on schedule.
			b := r
			b.Terms.Payment = b2bkit.PaymentTerms{Installments: c.boundBy}
			bound := quote(t, e, b).Total.Sub(dec(c.paidAsScheduled))
			require.False(t, ep.Amount.LessThan(bound), "offer %s below %s", ep.Amount, bound)
			if c.boundIsTheOffer {
				requireDecEqual(t, bound, ep.Amount)
			}
			require.Contains(t, q.Explain(), "pay "+c.amount+" CNY by 2026-03-22 instead of the "+c.replaces+" CNY due later (worth "+c.annual+"% a year on these terms)")
		})
	}
}

// R11, R26: VAT over an order of many small lines at three rates, with and without VAT in the
// prices and rounded per line or per invoice: per invoice, each rate's tax is the tax of the
// rate's whole amount rounded once, split among its lines to the cent; per line, each line's is
// its own, rounded. Either way the lines reconcile with the order exactly.
func TestR11_VATOverManyLinesReconcilesToTheCent(t *testing.T) {
	rates := []string{"13", "9", "6", "0"}
	var prices []pricing.ListPrice
	var lines []string
	for i := range 97 {
		sku := fmt.Sprintf("S%03d", i)
		// Prices from 0.01 to 9.97, quantities 1 to 7: many tax amounts end in a half cent or less.
		prices = append(prices, pricing.ListPrice{SKU: b2bkit.SKU(sku), Price: decimal.New(int64(i*37%997+1), -2),
			Currency: "CNY", TaxPercent: dec(rates[i%len(rates)])})
		lines = append(lines, sku, fmt.Sprint(i%7+1))
	}
	l, err := pricing.NewPriceList(prices...)
	require.NoError(t, err)
	hundred := dec("100")
	for _, tax := range []pricing.Tax{{Per: pricing.PerLine}, {Per: pricing.PerInvoice}, {Included: true}, {Included: true, Per: pricing.PerInvoice}} {
		t.Run(fmt.Sprintf("included=%v per=%v", tax.Included, tax.Per), func(t *testing.T) {
			p := basePolicy()
			p.Tax = &tax
			e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
			require.NoError(t, err)
			q := quoteOrder(t, e, order(lines...))
			requireReconciled(t, q, p.Tax)
			require.Len(t, q.Lines, 97)
			// The tax worked out independently: per line, or per rate over the rate's lines.
			want := dec("0")
			byRate := map[string]decimal.Decimal{}
			for _, lq := range q.Lines {
				rate := lq.TaxPercent
				if tax.Per == pricing.PerLine {
					var lineTax decimal.Decimal
					if tax.Included {
						lineTax = lq.Amount.Sub(lq.Amount.Mul(hundred).DivRound(hundred.Add(rate), 20).Round(2))
					} else {
						lineTax = lq.Amount.Mul(rate).Shift(-2).Round(2)
					}
					requireDecEqual(t, lineTax, lq.Tax, lq.Quote.Request.SKU)
					want = want.Add(lineTax)
					continue
				}
				byRate[rate.String()] = byRate[rate.String()].Add(lq.Amount)
			}
			rateTax := map[string]decimal.Decimal{}
			for r, amount := range byRate {
				var rt decimal.Decimal
				if tax.Included {
					rt = amount.Sub(amount.Mul(hundred).DivRound(hundred.Add(dec(r)), 20).Round(2))
				} else {
					rt = amount.Mul(dec(r)).Shift(-2).Round(2)
				}
				rateTax[r] = rt
				want = want.Add(rt)
			}
			requireDecEqual(t, want, q.Tax)
			if tax.Per == pricing.PerInvoice {
				// Each rate's lines carry exactly that rate's tax, no line more than a cent off its own.
				got := map[string]decimal.Decimal{}
				for _, lq := range q.Lines {
					got[lq.TaxPercent.String()] = got[lq.TaxPercent.String()].Add(lq.Tax)
					var exact decimal.Decimal
					if tax.Included {
						exact = lq.Amount.Sub(lq.Amount.Mul(hundred).DivRound(hundred.Add(lq.TaxPercent), 20))
					} else {
						exact = lq.Amount.Mul(lq.TaxPercent).Shift(-2)
					}
					require.True(t, lq.Tax.Sub(exact).Abs().LessThan(dec("0.01")), "%s: tax %s, exactly %s", lq.Quote.Request.SKU, lq.Tax, exact)
				}
				for r, rt := range rateTax {
					requireDecEqual(t, rt, got[r], "rate", r)
				}
			}
		})
	}
}

// R11: free goods, an order-total discount and freight by weight in one order, with a contract
// line, a cost-plus line rounded up to packs and VAT per invoice: every figure worked out by hand,
// and the lines reconcile with the order.
func TestR11_FreeGoodsDiscountAndFreightInOneOrder(t *testing.T) {
	e := catalogueEngine(t)
	q := quoteOrder(t, e, order("RICE-WC", "30", "RICE-TH", "40", "OIL-5L", "6", "SALT-1KG", "10"))
	requireReconciled(t, q, e.Policy().Tax)
	lines := []struct {
		qty, unit, total, discount, freight, tax string
	}{
		{"30", "108.37", "3251.10", "-65.02", "225.00", "307.00"}, // 120 -5% = 114, -2%, -3%: 108.3684
		{"40", "90.00", "3600.00", "-72.00", "300.00", "344.52"},  // the group's contract price, nothing off
		{"8", "63.05", "504.40", "-10.09", "11.04", "45.48"},      // 52 +25% = 65, -3%; 6 rounded up to 2 packs of 4
		{"10", "3.10", "31.00", "-0.62", "3.00", "4.34"},          // 3.20 -3% = 3.104
	}
	for i, w := range lines {
		lq := q.Lines[i]
		requireDecEqual(t, dec(w.qty), lq.Quote.Quantity, i)
		requireDecEqual(t, dec(w.unit), lq.Quote.UnitPrice, i)
		requireDecEqual(t, dec(w.total), lq.Quote.Total, i)
		requireDecEqual(t, dec(w.discount), lq.Discount, i)
		requireDecEqual(t, dec(w.freight), lq.Freight, i)
		requireDecEqual(t, dec(w.tax), lq.Tax, i)
	}
	requireDecEqual(t, dec("7386.50"), q.Subtotal)
	requireDecEqual(t, dec("-147.73"), q.Discount) // 2% of 7386.50 = 147.73
	// 750 + 1000 + 36.8 + 10 kg, all at the 0.30 of the band the 1796.8 kg fall in.
	requireDecEqual(t, dec("539.04"), q.Freight)
	// 9% of 7744.43 is 696.9987 -> 697.00; 13% of 33.38 is 4.3394 -> 4.34.
	requireDecEqual(t, dec("701.34"), q.Tax)
	requireDecEqual(t, dec("7777.81"), q.Net)
	requireDecEqual(t, dec("8479.15"), q.Total)
	require.Len(t, q.Adjustments, 3)
	require.Equal(t, []int{0, 1, 2, 3}, q.Adjustments[0].Lines)
	requireDecEqual(t, dec("1796.8"), q.Adjustments[1].Basis)
	require.Len(t, q.FreeGoods, 1)
	require.Equal(t, b2bkit.SKU("SALT-1KG"), q.FreeGoods[0].SKU)
	requireDecEqual(t, dec("1"), q.FreeGoods[0].Quantity) // 70 bags of rice: one 50
	require.Equal(t, []int{0, 1}, q.FreeGoods[0].Lines)
	ex := q.Explain()
	for _, s := range []string{
		"value 7386.50 at -2% = -147.73 CNY over lines 1, 2, 3, 4",
		"1796.8 kg x 0.3/kg = +539.04 CNY over lines 1, 2, 3, 4",
		"Free: SALT-1KG x 1 (rule salt-with-rice, for lines 1, 2)",
		"Subtotal 7386.50 CNY; discount -147.73; freight +539.04; net 7777.81; VAT 701.34; total 8479.15 CNY",
		"quantity skipped: contract price (rule contracts of base) excludes it",
	} {
		require.Contains(t, ex, s)
	}
}

// R11: a contract price that excludes the volume and promotion steps, beside a category rule of
// higher declared priority: where the category rule wins the base (listed first in a "first" step,
// or more specific by the step's precedence), the contract's exclusion does not apply and the line
// takes its discounts; where the contract wins, the skipped lines name the rule that would have
// applied (the tier's, or the category's promotion) and the contract that excluded them.
func TestR11_AContractsExclusionFollowsTheRuleThatWonTheBase(t *testing.T) {
	l := catalogueList(t)
	require.NoError(t, l.SetContracts(pricing.ContractPrice{ID: "C-9", SKU: "OIL-5L", Buyer: "golden-wok", Price: dec("60")}))
	policy := func(c pricing.Combine, prec []string, rules ...pricing.Rule) pricing.Policy {
		return pricing.Policy{Currency: "CNY", Steps: []pricing.Step{
			{Kind: pricing.Base, Combine: c, Precedence: prec, Rules: rules},
			{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "vol", Bands: bands("0", "50", "0", "50", "", "-4")}}},
			{Kind: pricing.Tier, Name: "promo", Precedence: []string{"tier", "category"}, Rules: []pricing.Rule{
				{ID: "rice-promo", Attributes: map[string]string{"category": "rice"}, Percent: dec("-5")},
				{ID: "gold", Tier: "gold", Percent: dec("-3")}}},
			{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "fen", Scale: 2}}},
		}}
	}
	contract := pricing.Rule{ID: "contracts", Formula: "contract", Excludes: []string{"quantity", "promo"}}
	riceList := pricing.Rule{ID: "rice-list", Attributes: map[string]string{"category": "rice"}, Formula: "list"}
	cases := []struct {
		name             string
		policy           pricing.Policy
		sku, tier        string
		base, unit       string
		baseRule, skipTo string // skipTo: the promo rule a skipped promo line names; "" when it applied
	}{
		// The category rule comes first: the rice's group contract (90) is not used, and the
		// rice takes 4% and 3% off its list price 96: 89.3952.
		{"first: category before contract", policy(pricing.First, nil, riceList, contract), "RICE-TH", "gold", "96", "89.40", "rice-list", ""},
		{"first: contract for goods outside the category", policy(pricing.First, nil, riceList, contract), "OIL-5L", "gold", "60", "60.00", "contracts", "gold"},
		{"first: contract before category", policy(pricing.First, nil, contract, riceList), "RICE-TH", "gold", "90", "90.00", "contracts", "gold"},
		{"first: contract, no tier: the category's promotion is skipped", policy(pricing.First, nil, contract, riceList), "RICE-TH", "", "90", "90.00", "contracts", "rice-promo"},
		// By precedence the category rule is more specific than the unscoped contract rule.
		{"most specific: category beats contract", policy(pricing.MostSpecific, []string{"category"}, contract, riceList), "RICE-TH", "", "96", "87.55", "rice-list", ""},
		{"most specific: contract elsewhere", policy(pricing.MostSpecific, []string{"category"}, contract, riceList), "OIL-5L", "", "60", "60.00", "contracts", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := pricing.NewEngine(c.policy, l, &pricing.Options{Now: fixedNow})
			require.NoError(t, err)
			r := request(b2bkit.SKU(c.sku), "60")
			r.Buyer, r.Group, r.Tier = "golden-wok", "wok-chain", c.tier
			q := quote(t, e, r)
			requireDecEqual(t, dec(c.base), q.BaseUnitPrice)
			requireDecEqual(t, dec(c.unit), q.UnitPrice)
			require.Equal(t, c.baseRule, lineOf(t, q, "base").RuleID)
			qty := lineOf(t, q, "quantity")
			if c.baseRule == "contracts" {
				require.NotNil(t, qty.Excluded, q.Explain())
				requireDecEqual(t, qty.Before, qty.After)
				require.Equal(t, "vol", qty.RuleID)
				if c.skipTo == "" {
					// No promotion would have applied (no tier, not rice): no promo line at all.
					require.False(t, hasLine(q, "promo"), q.Explain())
				} else {
					promo := lineOf(t, q, "promo")
					require.NotNil(t, promo.Excluded, q.Explain())
					require.Equal(t, c.skipTo, promo.RuleID)
					require.Equal(t, "promo skipped: contract price (rule contracts of base) excludes it", promo.Reason())
				}
			} else {
				require.Nil(t, qty.Excluded, q.Explain())
				requireDecEqual(t, dec("-4"), qty.Percent)
				require.Nil(t, lineOf(t, q, "promo").Excluded)
			}
			for i := 1; i < len(q.Steps); i++ {
				requireDecEqual(t, q.Steps[i-1].After, q.Steps[i].Before, i)
			}
		})
	}
}

// R24, R25: a value of the wrong type or an unknown word anywhere in a policy, a request, a list
// price or a quote names its field by its path, as the exponent error does: encoding/json said
// "policy: unknown rounding mode" or "cannot unmarshal string into Go struct field ruleJSON.scale",
// which does not say which of 10,000 rules is wrong.
func TestR25_AValueOfTheWrongTypeNamesItsField(t *testing.T) {
	good, err := os.ReadFile("testdata/restaurant.json")
	require.NoError(t, err)
	doc := string(good)
	cases := []struct {
		name, old, new, want string
	}{
		{"unknown step kind", `"kind": "tier"`, `"kind": "privilege"`, `policy.steps[4].kind: unknown step kind "privilege"`},
		{"unknown rounding mode", `"rounding_mode": "half_up"`, `"rounding_mode": "nearest"`, `policy.steps[6].rules[0].rounding_mode: unknown rounding mode`},
		{"scale as a string", `"scale": 2`, `"scale": "2"`, `policy.steps[6].rules[0].scale: cannot unmarshal string`},
		{"scale too large", `"scale": 2`, `"scale": 99999999999`, `policy.steps[6].rules[0].scale: cannot unmarshal number 99999999999`},
		{"valid days as a fraction", `"valid_days": 7`, `"valid_days": 7.5`, `policy.valid_days: cannot unmarshal number 7.5`},
		{"a date that is not RFC 3339", `{"id": "gold", "tier": "gold", "percent": "-3"}`,
			`{"id": "gold", "tier": "gold", "percent": "-3", "valid_from": "2026-03-01"}`, `policy.steps[4].rules[0].valid_from: parsing time "2026-03-01"`},
		{"a tier that is a number", `{"id": "gold", "tier": "gold", "percent": "-3"}`, `{"id": "gold", "tier": 1, "percent": "-3"}`,
			`policy.steps[4].rules[0].tier: cannot unmarshal number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(doc, c.old, c.new, 1)
			require.NotEqual(t, doc, bad, "the case changes the document")
			_, err := pricing.LoadPolicy(strings.NewReader(bad))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.want)
		})
	}
	_, err = pricing.LoadPolicy(strings.NewReader(`{"currency":"CNY","steps":{"kind":"base"}}`))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "policy.steps: must be a list")
	var r pricing.Request
	err = json.Unmarshal([]byte(`{"sku":"A","quantity":"1","tier":7}`), &r)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "tier: cannot unmarshal number")
	var lp pricing.ListPrice
	err = json.Unmarshal([]byte(`{"sku":"A","price":"1","attributes":{"brand":"x","category":2}}`), &lp)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "attributes.category: cannot unmarshal number")
	var q pricing.Quote
	err = json.Unmarshal([]byte(`{"steps":[{"step":"base","kind":"bogus"}]}`), &q)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, `steps[0].kind: unknown step kind "bogus"`)
}

// R24: an Engine not made by NewEngine — the zero value, or a nil *Engine — says so with an error
// matching b2bkit.ErrInvalid instead of panicking (Quote, QuoteMany, QuoteOrder, Compare) or
// restating a price as if nothing applied (Normalize).
func TestR24_AnEngineNotMadeByNewEngineSaysSo(t *testing.T) {
	for name, e := range map[string]*pricing.Engine{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			_, err := e.Quote(ctx, request("RICE-25KG", "1"))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, "engine: not made by NewEngine")
			_, err = e.QuoteMany(ctx, []pricing.Request{request("RICE-25KG", "1")})
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			_, err = e.QuoteOrder(ctx, order("RICE-25KG", "1"))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			_, err = e.Compare(ctx, request("RICE-25KG", "1"), nil)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			_, err = e.Normalize(dec("100"), request("RICE-25KG", "1"), request("RICE-25KG", "100"))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
		})
	}
}

// R26: an order in VND of a trillion dong a line reconciles to the dong; one past what 64-bit minor
// units hold is an error naming the line, as QuoteOrder's doc says, not a wrong figure.
func TestR26_HugeOrdersReconcileOrSayTheyDoNotFit(t *testing.T) {
	l, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "STEEL", Price: dec("1500000000"), Currency: "VND", Cost: dec("1400000000"), TaxPercent: dec("10")},
		pricing.ListPrice{SKU: "BOLT", Price: dec("2500.5"), Currency: "VND", TaxPercent: dec("8")},
	)
	require.NoError(t, err)
	p := pricing.Policy{Currency: "VND", Tax: &pricing.Tax{Per: pricing.PerInvoice}, Steps: []pricing.Step{
		{Kind: pricing.Base},
		{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "q", Mode: pricing.Graduated, Bands: bands("0", "1000", "0", "1000", "", "-1.5")}}},
		{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("1")}}},
		{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 0}}},
	}, Order: []pricing.Step{
		{Kind: pricing.OrderDiscount, Rules: []pricing.Rule{{ID: "d", Bands: bands("0", "1000000", "0", "1000000", "", "-0.5")}}},
		{Kind: pricing.Freight, Rules: []pricing.Rule{{ID: "f", Per: "value", Bands: bands("0", "", "0.3")}}},
	}}
	e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q := quoteOrder(t, e, order("STEEL", "1000000", "BOLT", "3"))
	requireReconciled(t, q, p.Tax)
	// 1000 x 1,500,000,000 + 999,000 x 1,477,500,000
	requireDecEqual(t, dec("1477522500000000"), q.Lines[0].Quote.Total)
	requireDecEqual(t, dec("7503"), q.Lines[1].Quote.Total) // 2500.5 rounds to 2501
	requireDecEqual(t, dec("-7387612500038"), q.Discount)   // 0.5% of 1,477,522,500,007,503
	requireDecEqual(t, dec("4410404662522"), q.Freight)     // 0.3% of the value after the discount
	requireDecEqual(t, dec("147454529216849"), q.Tax)       // 10% of 1,474,545,292,162,500 and 8% of 7,487
	requireDecEqual(t, dec("1621999821386836"), q.Total)

	_, err = e.QuoteOrder(ctx, order("STEEL", "1000000000000", "BOLT", "3"))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "order.lines[0]")
	require.ErrorContains(t, err, "does not fit")
}

// R11: under graduated breaks a guardrail that raises one band's price shows in the quote — the
// band says it was raised — and the explanation lines still end at the unit price: 100 x 121.18 +
// 233 x 117.60 (116.40 on net 30 is 117.55, below the floor of cost 100 + 17.6%) = 39518.80, over
// 333 units 118.68, where the lines at the effective rate came to 118.64.
func TestR11_GraduatedLinesEndAtTheUnitPriceWhenABandIsClamped(t *testing.T) {
	payment := pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("12")}}}
	floor := pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("17.6")}}}
	e := graduatedEngine(t, payment, floor)
	r := request("RICE-25KG", "333")
	r.Terms.Payment = b2bkit.Net(30)
	q := quote(t, e, r)
	requireDecEqual(t, dec("39518.80"), q.Total)
	requireDecEqual(t, dec("118.68"), q.UnitPrice)
	require.Len(t, q.Bands, 2)
	require.False(t, q.Bands[0].Clamped)
	require.True(t, q.Bands[1].Clamped)
	requireDecEqual(t, dec("117.60"), q.Bands[1].UnitPrice)
	for i := 1; i < len(q.Steps); i++ {
		requireDecEqual(t, q.Steps[i-1].After, q.Steps[i].Before, i)
	}
	last := q.Steps[len(q.Steps)-1]
	requireDecEqual(t, q.UnitPrice, last.After, "the lines end at the unit price")
	require.True(t, last.Rounding.Bands)
	ex := q.Explain()
	require.Contains(t, ex, "the bands' total over the quantity, rounded half_up to 2 places")
	require.Contains(t, ex, "233 x 117.60 CNY (raised to a guardrail's limit) = 27400.8 CNY")
	js, err := json.Marshal(q)
	require.NoError(t, err)
	var back pricing.Quote
	require.NoError(t, json.Unmarshal(js, &back))
	require.Equal(t, ex, back.Explain())

	// Without the floor the lines at the effective rate and the bands agree: the line says it rounded.
	q = quote(t, graduatedEngine(t, payment), r)
	requireDecEqual(t, dec("118.64"), q.UnitPrice)
	last = q.Steps[len(q.Steps)-1]
	requireDecEqual(t, q.UnitPrice, last.After)
	require.False(t, last.Rounding.Bands)
}

// R11: on many drawn graduated lines, with later steps, a floor and rounding, the explanation lines
// chain and end at the unit price, and the bands add up to the total.
func TestProperty_GraduatedExplanationAddsUp(t *testing.T) {
	payment := pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("12")}}}
	for _, margin := range []string{"0", "15", "16.9", "17.6", "19"} {
		floor := pricing.Step{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec(margin)}}}
		for _, mode := range []b2bkit.RoundingMode{b2bkit.HalfUp, b2bkit.Down, b2bkit.Up} {
			e := graduatedEngine(t, payment, floor, pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2, RoundingMode: mode}}})
			for qty := 1; qty < 1600; qty += 37 {
				r := request("RICE-25KG", fmt.Sprint(qty))
				r.Terms.Payment = b2bkit.Net(qty % 90)
				q := quote(t, e, r)
				for i := 1; i < len(q.Steps); i++ {
					requireDecEqual(t, q.Steps[i-1].After, q.Steps[i].Before, margin, mode, qty, i)
				}
				requireDecEqual(t, q.UnitPrice, q.Steps[len(q.Steps)-1].After, margin, mode, qty)
				sum := dec("0")
				for _, b := range q.Bands {
					sum = sum.Add(b.Amount)
				}
				if len(q.Bands) > 0 {
					requireDecEqual(t, q.Total, sum.Round(2), margin, mode, qty)
				}
			}
		}
	}
}

// R24: a quantity the SKU is not sold in, or a list price in another currency, names the line's
// field in QuoteMany and QuoteOrder ("requests[1].quantity", "order.lines[1].quantity"), as their
// docs and the request's own checks do, not "requests[1]: pricing: request.quantity".
func TestR24_ALineThatCannotBePricedNamesItsField(t *testing.T) {
	l, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "A", Price: dec("10"), Currency: "CNY", PackSize: dec("4"), MinQuantity: dec("8")},
		pricing.ListPrice{SKU: "B", Price: dec("10"), Currency: "CNY"},
	)
	require.NoError(t, err)
	e, err := pricing.NewEngine(basePolicy(), l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	_, err = e.Quote(ctx, request("A", "3"))
	require.EqualError(t, err, `pricing: request.quantity: sku "A": 3 is below the minimum order quantity 8`)

	_, err = e.QuoteMany(ctx, []pricing.Request{request("B", "1"), request("A", "3"), request("A", "9"), request("NOPE", "1")})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	var le pricing.LineErrors
	require.ErrorAs(t, err, &le)
	require.NoError(t, le[0])
	require.EqualError(t, le[1], `pricing: requests[1].quantity: sku "A": 3 is below the minimum order quantity 8`)
	require.EqualError(t, le[2], `pricing: requests[2].quantity: sku "A": 9 is not a whole number of packs of 4`)
	require.ErrorIs(t, le[3], b2bkit.ErrNotFound)
	require.ErrorContains(t, le[3], "requests[3]")
	var fe *b2bkit.FieldError
	require.ErrorAs(t, le[1], &fe)
	require.Equal(t, "requests[1].quantity", fe.Field)

	_, err = e.QuoteOrder(ctx, order("B", "1", "A", "9"))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.EqualError(t, err, `pricing: order.lines[1].quantity: sku "A": 9 is not a whole number of packs of 4`)
	r := request("B", "1")
	r.Currency = "USD"
	_, err = e.QuoteMany(ctx, []pricing.Request{r})
	require.ErrorContains(t, err, "pricing: requests[0].currency: must be CNY")
}

// R11: money owed after the discount days is owed whether its days count from delivery or from
// the order: "100% 60 days after order" on goods delivered in 10 is 50 days of credit, charged as
// such, and takes the same early-payment offer as "100% 50 days after delivery" — it took none,
// since only days counted from delivery were taken for credit. An installment due from the order
// but within the discount days of delivery is paid as scheduled.
func TestR11_EarlyPaymentOnTermsCountedFromTheOrder(t *testing.T) {
	e := engineFor(t, earlyPolicy("12", "1"))
	in := func(share string, due b2bkit.DueEvent, days int) b2bkit.Installment {
		return b2bkit.Installment{Share: dec(share), Due: due, Days: days}
	}
	cases := []struct {
		name              string
		fromOrder, fromDe []b2bkit.Installment
	}{
		{"net 60 from the order", []b2bkit.Installment{in("1", b2bkit.OnOrder, 60)}, []b2bkit.Installment{in("1", b2bkit.OnDelivery, 50)}},
		{"deposit, then 70 days from the order", []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.7", b2bkit.OnOrder, 70)},
			[]b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.7", b2bkit.OnDelivery, 60)}},
		{"15 days from the order is within the discount days", []b2bkit.Installment{in("0.5", b2bkit.OnOrder, 15), in("0.5", b2bkit.OnDelivery, 40)},
			[]b2bkit.Installment{in("0.5", b2bkit.OnDelivery, 5), in("0.5", b2bkit.OnDelivery, 40)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := request("SKU-1", "10"), request("SKU-1", "10") // ordered 10 days before delivery
			a.Terms.Payment = b2bkit.PaymentTerms{Installments: c.fromOrder}
			b.Terms.Payment = b2bkit.PaymentTerms{Installments: c.fromDe}
			qa, qb := quote(t, e, a), quote(t, e, b)
			requireDecEqual(t, qb.Total, qa.Total)
			require.NotNil(t, qb.EarlyPayment)
			require.NotNil(t, qa.EarlyPayment, qa.Explain())
			requireDecEqual(t, qb.EarlyPayment.Replaces, qa.EarlyPayment.Replaces)
			requireDecEqual(t, qb.EarlyPayment.Amount, qa.EarlyPayment.Amount)
			requireDecEqual(t, qb.EarlyPayment.AnnualPercent, qa.EarlyPayment.AnnualPercent)
			require.True(t, qa.EarlyPayment.PayBy.Equal(qb.EarlyPayment.PayBy))
			later := dec("0")
			for _, d := range qa.Schedule {
				if d.Date.After(qa.EarlyPayment.PayBy) {
					later = later.Add(d.Amount)
				}
			}
			requireDecEqual(t, later, qa.EarlyPayment.Replaces)
		})
	}
	// Due from the order before delivery: a deposit, no credit, no offer.
	r := request("SKU-1", "10")
	r.Terms.Payment = b2bkit.PaymentTerms{Installments: []b2bkit.Installment{in("1", b2bkit.OnOrder, 5)}}
	require.Nil(t, quote(t, e, r).EarlyPayment)
}
