package pricing_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// randomCatalogue is n SKUs of a few categories and brands with random prices, costs, weights (some
// without), VAT rates, packs and other price lists.
func randomCatalogue(t testing.TB, rng *rand.Rand, n int) (*pricing.PriceList, []b2bkit.SKU) {
	t.Helper()
	var prices []pricing.ListPrice
	var skus []b2bkit.SKU
	rates := []string{"0", "6", "9", "13"}
	for i := range n {
		sku := b2bkit.SKU(fmt.Sprintf("SKU-%03d", i))
		price := decimal.New(int64(50+rng.IntN(500_000)), -int32(rng.IntN(3)))
		lp := pricing.ListPrice{SKU: sku, Price: price, Currency: "CNY", TaxPercent: dec(rates[rng.IntN(len(rates))]),
			Attributes: map[string]string{"category": []string{"rice", "oil", "noodles"}[rng.IntN(3)], "brand": fmt.Sprintf("b%d", rng.IntN(4))}}
		if rng.IntN(4) > 0 {
			lp.Cost = price.Mul(decimal.New(int64(50+rng.IntN(45)), -2)).Round(2)
		}
		if rng.IntN(3) > 0 {
			lp.Weight = decimal.New(int64(1+rng.IntN(30_000)), -3)
		}
		if rng.IntN(4) == 0 {
			lp.PackSize = decimal.NewFromInt(int64(2 + rng.IntN(11)))
		}
		if rng.IntN(3) == 0 {
			lp.Prices = map[string]decimal.Decimal{"distributor": price.Mul(dec("0.9")).Round(2)}
		}
		prices = append(prices, lp)
		skus = append(skus, sku)
	}
	l, err := pricing.NewPriceList(prices...)
	require.NoError(t, err)
	for i, sku := range skus {
		if rng.IntN(5) == 0 {
			require.NoError(t, l.SetContracts(pricing.ContractPrice{ID: fmt.Sprintf("C-%d", i), SKU: sku, Group: "chain",
				Price: prices[i].Price.Mul(dec("0.93")).Round(2)}))
		}
	}
	return l, skus
}

// randomEngine draws a catalogue of n SKUs and a policy over it (randomCatalogue, then
// randomCataloguePolicy), checks that the policy is valid and returns an engine on them at
// fixedNow, with the policy and the catalogue to make another. i names the draw in a failure.
func randomEngine(t testing.TB, rng *rand.Rand, n, i int) (*pricing.Engine, pricing.Policy, *pricing.PriceList, []b2bkit.SKU) {
	t.Helper()
	l, skus := randomCatalogue(t, rng, n)
	p := randomCataloguePolicy(rng)
	require.NoError(t, p.Validate(), i)
	e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err, i)
	return e, p, l, skus
}

// randomCataloguePolicy draws a policy with formulas, a contract that excludes steps, category and
// brand rules, mixed cases, a guardrail, rounding to a random scale, and order steps and tax.
func randomCataloguePolicy(rng *rand.Rand) pricing.Policy {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	pctBands := func(sign int64) []pricing.Band {
		var bs []pricing.Band
		from, pct := int64(0), int64(0)
		for range 1 + rng.IntN(3) {
			to := from + 1 + rng.Int64N(20_000)
			bs = append(bs, pricing.Band{From: decimal.NewFromInt(from), To: decimal.NewFromInt(to), Percent: decimal.New(pct, -1)})
			from, pct = to, pct+sign*rng.Int64N(40)
		}
		return append(bs, pricing.Band{From: decimal.NewFromInt(from), Percent: decimal.New(pct, -1)})
	}
	modes := []b2bkit.RoundingMode{b2bkit.HalfUp, b2bkit.HalfEven, b2bkit.Down, b2bkit.Up}
	p := pricing.Policy{Currency: "CNY", Units: pricing.Units{Pack: pricing.RoundUp}, Steps: []pricing.Step{
		{Kind: pricing.Base, Combine: pricing.First, Rules: []pricing.Rule{
			{ID: "contract", Formula: "contract", Excludes: []string{"volume", "privilege"}},
			{ID: "dist", Attributes: map[string]string{"brand": "b1"}, Formula: "list:distributor", Percent: decimal.New(-rng.Int64N(100), -1)},
			{ID: "cost-plus", Attributes: map[string]string{"category": "oil"}, Formula: "cost", Percent: decimal.New(100+rng.Int64N(400), -1)},
		}},
		{Kind: pricing.Quantity, Name: "volume", Precedence: []string{"brand", "category"}, Rules: []pricing.Rule{
			{ID: "rice-mix", Attributes: map[string]string{"category": "rice"}, Mix: true, Bands: pctBands(-1)},
			{ID: "b2", Attributes: map[string]string{"brand": "b2"}, Mode: pricing.BreakMode(rng.IntN(2)), Bands: pctBands(-1)},
		}},
		{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "money", AnnualPercent: decimal.NewFromInt(int64(rng.IntN(20)))}}},
		{Kind: pricing.Tier, Name: "privilege", Rules: []pricing.Rule{{ID: "gold", Tier: "gold", Percent: decimal.New(-1-rng.Int64N(80), -1)}}},
		{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "floor", FloorMarginPercent: decimal.New(rng.Int64N(100), -1),
			OnBreach: pricing.OnBreach(rng.IntN(2))}}},
		{Kind: pricing.Rounding, Rules: []pricing.Rule{
			{ID: "r", Scale: int32(rng.IntN(4)), RoundingMode: modes[rng.IntN(4)]},
			{ID: "oil-r", Attributes: map[string]string{"category": "oil"}, Scale: int32(rng.IntN(4)), RoundingMode: modes[rng.IntN(4)]},
		}, Precedence: []string{"category"}},
	}}
	p.Order = []pricing.Step{
		{Kind: pricing.OrderDiscount, Combine: pricing.Combine([]int{0, 1, 2, 3, 4}[rng.IntN(5)]), Rules: []pricing.Rule{
			{ID: "value", Bands: pctBands(-1)},
			{ID: "rice", Attributes: map[string]string{"category": "rice"}, Bands: pctBands(-1)},
			{ID: "small-order", Group: "chain", Bands: []pricing.Band{{From: dec("0"), To: dec("100"), Percent: dec("5")}, {From: dec("100"), Percent: dec("0")}}},
		}, Precedence: []string{"group", "category"}},
		{Kind: pricing.Freight, Combine: pricing.Add, Rules: []pricing.Rule{
			{ID: "weight", Per: "weight", Bands: []pricing.Band{{From: dec("0"), To: dec("100"), Amount: dec(pick("0.5", "1.25", "0.333"))},
				{From: dec("100"), Amount: dec(pick("0.3", "0.05"))}}, FreeFrom: dec(pick("0", "50000", "1000000"))},
			{ID: "handling", Per: "value", Amount: dec(pick("0", "12.5", "3"))},
		}},
		{Kind: pricing.FreeGoods, Combine: pricing.Add, Rules: []pricing.Rule{
			{ID: "gift", Attributes: map[string]string{"category": "rice"}, Every: dec("20"), Free: dec("1"), FreeSKU: "GIFT"}}},
	}
	if p.Order[1].Rules[1].Amount.IsZero() {
		p.Order[1].Rules = p.Order[1].Rules[:1]
	}
	if rng.IntN(4) > 0 {
		p.Tax = &pricing.Tax{Included: rng.IntN(2) == 0, Per: pricing.TaxRounding(rng.IntN(2)), Mode: modes[rng.IntN(4)]}
	}
	return p
}

// Property: whatever the policy and the order, the lines add up to the order exactly — subtotal,
// discounts, freight, net, tax and total — each line's amount is its total plus its shares, its
// gross its net plus its tax, and the schedule sums to the total.
func TestProperty_OrderLinesAlwaysReconcileWithTheOrderTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	priced := 0
	for i := range 300 {
		e, p, _, skus := randomEngine(t, rng, 20, i)
		o := pricing.OrderRequest{Buyer: "b", Terms: request("X", "1").Terms}
		if rng.IntN(2) == 0 {
			o.Group = "chain"
		}
		if rng.IntN(2) == 0 {
			o.Tier = "gold"
		}
		o.Terms.Payment = randomPayment(rng)
		for range 1 + rng.IntN(12) {
			o.Lines = append(o.Lines, pricing.OrderLine{SKU: skus[rng.IntN(len(skus))], Quantity: dec(randomQuantity(rng))})
		}
		q, err := e.QuoteOrder(ctx, o)
		if err != nil {
			// A small-order surcharge cannot take a line to zero; nothing else here may fail.
			t.Fatalf("%d: %v", i, err)
		}
		priced++
		requireReconciled(t, q, p.Tax)
		scale := int32(0)
		for _, line := range q.Lines {
			scale = max(scale, line.Quote.Scale)
		}
		require.Equal(t, scale, q.Scale, i)
	}
	require.Equal(t, 300, priced)
}

// Property: under formulas, contracts that exclude discounts, category rules and mixed cases, no
// final price is below the guardrail's floor unless the quote asks for approval, alone or in an
// order.
func TestProperty_NoFinalPriceBelowAFloorUnderCatalogueRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	for i := range 200 {
		l, skus := randomCatalogue(t, rng, 10)
		p := randomCataloguePolicy(rng)
		e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
		require.NoError(t, err)
		margin := p.Steps[4].Rules[0].FloorMarginPercent
		check := func(q pricing.Quote) {
			lp, err := l.ListPrice(ctx, pricing.PriceQuery{SKU: q.Request.SKU})
			require.NoError(t, err)
			if lp.Cost.IsZero() {
				return
			}
			floor := lp.Cost.Mul(decimal.NewFromInt(1).Add(margin.Shift(-2)))
			if !q.UnitPrice.LessThan(floor) {
				return
			}
			require.True(t, q.NeedsApproval, "%d: %s at %s, below the floor %s without approval:\n%s", i, q.Request.SKU, q.UnitPrice, floor, q.Explain())
			require.Equal(t, pricing.Approve, p.Steps[4].Rules[0].OnBreach, "%d: a clamping guardrail let %s below %s", i, q.UnitPrice, floor)
		}
		o := pricing.OrderRequest{Buyer: "b", Group: "chain", Tier: "gold", Terms: request("X", "1").Terms}
		for _, sku := range skus {
			r := request(sku, randomQuantity(rng))
			r.Group, r.Tier = o.Group, o.Tier
			check(quote(t, e, r))
			o.Lines = append(o.Lines, pricing.OrderLine{SKU: sku, Quantity: r.Quantity})
		}
		for _, line := range quoteOrder(t, e, o).Lines {
			check(line.Quote)
		}
	}
}

// Property: more quantity never costs more per unit: adding units to one line of an order never
// raises the unit price of any line, mixed cases and packs rounded up included, when no band
// declares it may (Rising).
func TestProperty_MoreQuantityNeverCostsMorePerUnitInAnOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	for i := range 150 {
		l, skus := randomCatalogue(t, rng, 8)
		p := randomCataloguePolicy(rng)
		p.Steps[4].Rules[0].FloorMarginPercent = decimal.Zero // a clamped floor is a price of its own
		e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
		require.NoError(t, err)
		o := pricing.OrderRequest{Buyer: "b", Terms: request("X", "1").Terms}
		for range 2 + rng.IntN(4) {
			o.Lines = append(o.Lines, pricing.OrderLine{SKU: skus[rng.IntN(len(skus))], Quantity: decimal.NewFromInt(int64(1 + rng.IntN(40)))})
		}
		prev := quoteOrder(t, e, o)
		k := rng.IntN(len(o.Lines))
		for range 8 {
			o.Lines[k].Quantity = o.Lines[k].Quantity.Add(decimal.NewFromInt(int64(1 + rng.IntN(30))))
			next := quoteOrder(t, e, o)
			for j := range o.Lines {
				require.False(t, next.Lines[j].Quote.UnitPrice.GreaterThan(prev.Lines[j].Quote.UnitPrice),
					"%d: line %d costs %s a unit after line %d grew, %s before:\n%s", i, j, next.Lines[j].Quote.UnitPrice, k,
					prev.Lines[j].Quote.UnitPrice, next.Explain())
			}
			prev = next
		}
	}
}

// FuzzQuoteOrder: any order either prices and reconciles exactly, or fails with one of the
// sentinels naming the order; it never panics.
func FuzzQuoteOrder(f *testing.F) {
	e := catalogueEngine(f)
	skus := []b2bkit.SKU{"RICE-WC", "RICE-TH", "RICE-JP", "OIL-5L", "SALT-1KG", "NOPE", ""}
	f.Add(uint64(1), uint64(2), 3, true)
	f.Add(uint64(9), uint64(4), 40, false)
	f.Fuzz(func(t *testing.T, s1, s2 uint64, n int, group bool) {
		rng := rand.New(rand.NewPCG(s1, s2))
		o := order()
		if !group {
			o.Group = ""
		}
		o.Terms.Payment = randomPayment(rng)
		o.Terms.DeliverBy = orderDay.AddDate(0, 0, rng.IntN(120))
		for range min(max(n, 0), 64) {
			q := decimal.New(rng.Int64N(1_000_000)-1000, -int32(rng.IntN(4)))
			o.Lines = append(o.Lines, pricing.OrderLine{SKU: skus[rng.IntN(len(skus))], Quantity: q})
		}
		q, err := e.QuoteOrder(ctx, o)
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) && !errors.Is(err, b2bkit.ErrNotFound) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		requireReconciled(t, q, e.Policy().Tax)
	})
}

// FuzzListPriceJSON: any document either reads into a list price that writes back to the same
// list price, or fails with ErrInvalid; it never panics.
func FuzzListPriceJSON(f *testing.F) {
	f.Add([]byte(`{"sku":"RICE","price":"12.5","contract":{"id":"C-1","price":"11"},"prices":{"retail":"15"},"attributes":{"brand":"x"},"tax_percent":"9","pack_size":"4","min_quantity":"8","weight":"25"}`))
	f.Add([]byte(`{"sku":"RICE","price":1e9}`))
	f.Add([]byte(`{"sku":"RICE","price":"1","Prices":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var lp pricing.ListPrice
		if err := lp.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		out, err := lp.MarshalJSON()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back pricing.ListPrice
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("re-read of %s: %v", out, err)
		}
		again, err := back.MarshalJSON()
		if err != nil || string(again) != string(out) {
			t.Fatalf("round trip changed %s into %s (%v)", out, again, err)
		}
	})
}
