package pricing_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// exampleEngine is a small food-supply policy: volume breaks, 12% a year for money, a rush
// surcharge, a gold-tier privilege and rounding to the fen.
func exampleEngine() (*pricing.Engine, time.Time) { return newExampleEngine(false) }

// newExampleEngine is exampleEngine, with Options.PricesOnly set to pricesOnly.
func newExampleEngine(pricesOnly bool) (*pricing.Engine, time.Time) {
	policy, err := pricing.LoadPolicy(strings.NewReader(`{
	  "name": "restaurants",
	  "currency": "CNY",
	  "valid_days": 3,
	  "steps": [
	    {"kind": "base", "rules": []},
	    {"kind": "quantity", "rules": [{"id": "breaks", "bands": [
	      {"from": "0", "to": "100", "percent": "0"}, {"from": "100", "percent": "-5"}]}]},
	    {"kind": "payment", "rules": [{"id": "money", "annual_percent": "12"}]},
	    {"kind": "lead_time", "rules": [{"id": "rush", "bands": [
	      {"from": "0", "to": "2", "percent": "8"}, {"from": "2", "percent": "0"}]}]},
	    {"kind": "tier", "rules": [{"id": "gold", "tier": "gold", "percent": "-2"}]},
	    {"kind": "rounding", "rules": [{"id": "fen", "scale": 2}]}
	  ]}`))
	if err != nil {
		panic(err)
	}
	prices, err := pricing.NewPriceList(pricing.ListPrice{SKU: "rice-25kg", Price: decimal.RequireFromString("120"), Currency: "CNY"})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }, PricesOnly: pricesOnly})
	if err != nil {
		panic(err)
	}
	return e, now
}

func ExampleEngine_Quote() {
	e, now := exampleEngine()
	q, err := e.Quote(context.Background(), pricing.Request{
		Buyer: "golden-wok", SKU: "rice-25kg", Quantity: decimal.NewFromInt(200), Tier: "gold",
		Terms: b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 1)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("unit price:", q.UnitPrice, q.Currency)
	fmt.Println("total:", q.Total.StringFixed(2))
	for _, a := range q.Steps {
		fmt.Printf("%-9s %s\n", a.Step, a.Reason())
	}
	// Output:
	// unit price: 121.85 CNY
	// total: 24370.00
	// base      list price
	// quantity  volume break for this quantity: -5%
	// payment   payment terms: paid on average 30 days after delivery (reference terms: on delivery), at 12% a year
	// lead_time lead time 1 day: +8%
	// tier      tier gold privilege: -2%
	// rounding  rounded half_up to 2 places
}

func ExampleQuote_Explain() {
	e, now := exampleEngine()
	q, err := e.Quote(context.Background(), pricing.Request{
		Buyer: "golden-wok", SKU: "rice-25kg", Quantity: decimal.NewFromInt(50),
		Terms: b2bkit.Terms{Payment: b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60), OrderedAt: now,
			DeliverBy: now.AddDate(0, 0, 10)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(q.Explain())
	// Output:
	// Quote for golden-wok: rice-25kg x 50
	// Terms: 30% on order, 70% 60 days after delivery; ordered 2026-03-02, deliver by 2026-03-12 (lead 10 days)
	// Policy "restaurants" version 7964fd940f7e; quoted 2026-03-02, valid until 2026-03-05
	//   base       -                              0 -> 120              list price
	//   quantity   breaks                         0 -> 120              volume break for this quantity: 0%
	//   payment    money               +1.538630137 -> 121.538630137    payment terms: paid on average 39 days after delivery (reference terms: on delivery), at 12% a year
	//   lead_time  rush                           0 -> 121.538630137    lead time 10 days: 0%
	//   rounding   fen                 +0.001369863 -> 121.54           rounded half_up to 2 places
	// Unit price 121.54 CNY x 50 = total 6077.00 CNY
	// Schedule:
	//   2026-03-02         1823.10 CNY  30% on order
	//   2026-05-11         4253.90 CNY  70% 60 days after delivery
}

func ExampleEngine_Compare() {
	e, now := exampleEngine()
	req := pricing.Request{
		Buyer: "golden-wok", SKU: "rice-25kg", Quantity: decimal.NewFromInt(50),
		Terms: b2bkit.Terms{Payment: b2bkit.Net(60), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 1)},
	}
	cod := b2bkit.CashOnDelivery()
	c, err := e.Compare(context.Background(), req, []pricing.Alternative{
		{Label: "order 100", Quantity: decimal.NewFromInt(100)},
		{Label: "cash on delivery", Payment: &cod},
		{Label: "deliver in a week", DeliverBy: now.AddDate(0, 0, 7)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range c.Rows {
		fmt.Printf("%-18s unit %s (%s)\n", r.Label, r.Quote.UnitPrice.StringFixed(2), r.UnitDiff)
	}
	// Output:
	// order 100          unit 125.55 (-6.61)
	// cash on delivery   unit 129.60 (-2.56)
	// deliver in a week  unit 122.37 (-9.79)
}

func ExampleEngine_Normalize() {
	e, now := exampleEngine()
	// A trade agreed at 131.91 a unit for 50 units, net 60, delivered next day...
	from := pricing.Request{SKU: "rice-25kg", Quantity: decimal.NewFromInt(50),
		Terms: b2bkit.Terms{Payment: b2bkit.Net(60), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 1)}}
	// ...restated for 100 units, cash on delivery, in a week.
	to := from
	to.Quantity = decimal.NewFromInt(100)
	to.Terms = b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 7)}
	p, err := e.Normalize(decimal.RequireFromString("131.91"), from, to)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.StringFixed(4))
	// Output:
	// 113.7874
}

// A category rule: a brand's volume breaks beat the category's for that brand's rice, as the
// step's precedence declares; the price source says which SKU is of which category and brand.
func ExampleEngine_Quote_category() {
	policy, err := pricing.LoadPolicy(strings.NewReader(`{
	  "currency": "CNY",
	  "steps": [
	    {"kind": "base", "rules": []},
	    {"kind": "quantity", "precedence": ["sku", "brand", "category"], "rules": [
	      {"id": "rice", "attributes": {"category": "rice"}, "bands": [
	        {"from": "0", "to": "50", "percent": "0"}, {"from": "50", "percent": "-4"}]},
	      {"id": "wuchang", "attributes": {"brand": "wuchang"}, "bands": [
	        {"from": "0", "to": "20", "percent": "0"}, {"from": "20", "percent": "-2"}]}]},
	    {"kind": "rounding", "rules": [{"id": "fen", "scale": 2}]}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	prices, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "thai-jasmine-25kg", Price: decimal.RequireFromString("96"), Currency: "CNY",
			Attributes: map[string]string{"category": "rice", "brand": "golden-phoenix"}},
		pricing.ListPrice{SKU: "wuchang-25kg", Price: decimal.RequireFromString("128"), Currency: "CNY",
			Attributes: map[string]string{"category": "rice", "brand": "wuchang"}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, sku := range []b2bkit.SKU{"thai-jasmine-25kg", "wuchang-25kg"} {
		q, err := e.Quote(context.Background(), pricing.Request{Buyer: "golden-wok", SKU: sku, Quantity: decimal.NewFromInt(60),
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 3)}})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-18s %s (%s: %s)\n", sku, q.UnitPrice, q.Steps[1].RuleID, q.Steps[1].Reason())
	}
	// Output:
	// thai-jasmine-25kg  92.16 (rice: volume break for this quantity: -4%)
	// wuchang-25kg       125.44 (wuchang: volume break for this quantity: -2%)
}

// A contract price from the host's database that takes no volume or tier discount: the contract
// rule excludes those steps, and the quote says they were skipped and why.
func ExampleEngine_Quote_contract() {
	policy, err := pricing.LoadPolicy(strings.NewReader(`{
	  "currency": "CNY",
	  "steps": [
	    {"kind": "base", "combine": "first", "rules": [
	      {"id": "contracts", "formula": "contract", "excludes": ["quantity", "tier"]}]},
	    {"kind": "quantity", "rules": [{"id": "breaks", "bands": [
	      {"from": "0", "to": "50", "percent": "0"}, {"from": "50", "percent": "-4"}]}]},
	    {"kind": "tier", "rules": [{"id": "gold", "tier": "gold", "percent": "-3"}]},
	    {"kind": "rounding", "rules": [{"id": "fen", "scale": 2}]}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	prices, err := pricing.NewPriceList(pricing.ListPrice{SKU: "peanut-oil-5l", Price: decimal.RequireFromString("69.80"), Currency: "CNY"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The chain's contract price, as the host's contract table holds it.
	err = prices.SetContracts(pricing.ContractPrice{ID: "HT-2026-017", SKU: "peanut-oil-5l", Group: "golden-wok-chain",
		Price: decimal.RequireFromString("63.50")})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }})
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := e.Quote(context.Background(), pricing.Request{Buyer: "golden-wok-pudong", Group: "golden-wok-chain", Tier: "gold",
		SKU: "peanut-oil-5l", Quantity: decimal.NewFromInt(80),
		Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 3)}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range q.Steps {
		fmt.Printf("%-9s %-10s %s\n", a.Step, a.RuleID, a.Reason())
	}
	fmt.Println("unit price:", q.UnitPrice.StringFixed(q.Scale))
	// Output:
	// base      contracts  contract price 63.5 (group golden-wok-chain's contract HT-2026-017, from the price source), replaces list price 69.8
	// quantity  breaks     quantity skipped: contract price (rule contracts of base) excludes it
	// tier      gold       tier skipped: contract price (rule contracts of base) excludes it
	// rounding  fen        rounded half_up to 2 places
	// unit price: 63.50
}

// A whole order: lines priced through the steps, freight by weight allocated to the lines by
// weight, VAT at each SKU's rate added per invoice, and the lines adding up to the order.
func ExampleEngine_QuoteOrder() {
	policy, err := pricing.LoadPolicy(strings.NewReader(`{
	  "currency": "CNY",
	  "tax": {"per": "invoice"},
	  "steps": [
	    {"kind": "base", "rules": []},
	    {"kind": "rounding", "rules": [{"id": "fen", "scale": 2}]}
	  ],
	  "order": [
	    {"kind": "freight", "rules": [{"id": "by-weight", "per": "weight", "free_from": "20000", "bands": [
	      {"from": "0", "to": "500", "amount": "0.40"}, {"from": "500", "amount": "0.30"}]}]}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	prices, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "rice-25kg", Price: decimal.RequireFromString("118.00"), Currency: "CNY",
			TaxPercent: decimal.NewFromInt(9), Weight: decimal.NewFromInt(25)},
		pricing.ListPrice{SKU: "soy-sauce-1.9l", Price: decimal.RequireFromString("21.50"), Currency: "CNY",
			TaxPercent: decimal.NewFromInt(13), Weight: decimal.RequireFromString("2.2")},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }})
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := e.QuoteOrder(context.Background(), pricing.OrderRequest{
		Buyer: "golden-wok",
		Terms: b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 2)},
		Lines: []pricing.OrderLine{
			{SKU: "rice-25kg", Quantity: decimal.NewFromInt(20)},
			{SKU: "soy-sauce-1.9l", Quantity: decimal.NewFromInt(24)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := q.Adjustments[0]
	fmt.Printf("freight: %s kg x %s = %s\n", f.Basis, f.Rate, f.Amount)
	fix := func(d decimal.Decimal) string { return d.StringFixed(q.Scale) }
	for _, l := range q.Lines {
		fmt.Printf("%-15s %8s + freight %6s = %8s + VAT %s%% %6s = %8s\n", l.Quote.Request.SKU, fix(l.Quote.Total), fix(l.Freight),
			fix(l.Amount), l.TaxPercent, fix(l.Tax), fix(l.Gross))
	}
	fmt.Printf("order: %s + freight %s + VAT %s = %s, due %s\n", fix(q.Subtotal), fix(q.Freight), fix(q.Tax), fix(q.Total),
		q.Schedule[0].Date.Format("2006-01-02"))
	// Output:
	// freight: 552.8 kg x 0.3 = 165.84
	// rice-25kg        2360.00 + freight 150.00 =  2510.00 + VAT 9% 225.90 =  2735.90
	// soy-sauce-1.9l    516.00 + freight  15.84 =   531.84 + VAT 13%  69.14 =   600.98
	// order: 2876.00 + freight 165.84 + VAT 295.04 = 3336.88, due 2026-04-03
}

// A host that publishes a price list needs the prices, not the explanation: with
// Options.PricesOnly the quotes carry no lines, and everything else is as it would be.
func ExampleOptions_pricesOnly() {
	e, now := newExampleEngine(true)
	terms := b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 1)}
	qs, err := e.QuoteMany(context.Background(), []pricing.Request{
		{Buyer: "golden-wok", SKU: "rice-25kg", Quantity: decimal.NewFromInt(20), Tier: "gold", Terms: terms},
		{Buyer: "golden-wok", SKU: "rice-25kg", Quantity: decimal.NewFromInt(200), Tier: "gold", Terms: terms},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, q := range qs {
		fmt.Println(q.Request.Quantity, "x", q.UnitPrice, q.Currency, "=", q.Total.StringFixed(2), "lines:", len(q.Steps))
	}
	// Output:
	// 20 x 128.26 CNY = 2565.20 lines: 0
	// 200 x 121.85 CNY = 24370.00 lines: 0
}
