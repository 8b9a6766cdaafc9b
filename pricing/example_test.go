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
func exampleEngine() (*pricing.Engine, time.Time) {
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
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }})
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
