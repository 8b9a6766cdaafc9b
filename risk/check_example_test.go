package risk_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// checkExampleEngine is a restaurant-supply policy whose payment step charges 12% a year for the
// days the seller waits after delivery, and whose prices round to the fen.
func checkExampleEngine(now time.Time) *pricing.Engine {
	policy, err := pricing.LoadPolicy(strings.NewReader(`{
	  "name": "restaurants", "currency": "CNY", "valid_days": 3,
	  "steps": [
	    {"kind": "base", "rules": []},
	    {"kind": "payment", "rules": [{"id": "money", "annual_percent": "12"}]},
	    {"kind": "rounding", "rules": [{"id": "fen", "scale": 2}]}
	  ]}`))
	if err != nil {
		panic(err)
	}
	prices, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "rice-25kg", Price: decimal.RequireFromString("120"), Currency: "CNY"},
		pricing.ListPrice{SKU: "oil-5l", Price: decimal.RequireFromString("68"), Currency: "CNY"})
	if err != nil {
		panic(err)
	}
	e, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	return e
}

func ExampleCheckOrder() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	engine := checkExampleEngine(now)
	order := b2bkit.Order{
		ID: "PO-7", Buyer: "golden-wok", Seller: "rice-mill", Currency: "CNY", Channel: b2bkit.SemiAuto, PlacedAt: now,
		Lines: []b2bkit.OrderLine{
			{SKU: "rice-25kg", Quantity: decimal.NewFromInt(10), UnitPrice: decimal.RequireFromString("122.37")},
			{SKU: "oil-5l", Quantity: decimal.NewFromInt(4), UnitPrice: decimal.RequireFromString("69.34")},
		},
		Terms: b2bkit.Terms{Payment: b2bkit.Net(60), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 3)},
	}
	d, err := risk.CheckOrder(context.Background(), risk.OrderCheck{
		Order:    order,
		Limit:    risk.Limit{Company: "golden-wok", Grade: "B", Amount: decimal.NewFromInt(20000), Currency: "CNY"},
		Exposure: risk.Exposure{Company: "golden-wok", Currency: "CNY", Total: decimal.NewFromInt(19050)},
	}, &risk.CheckOptions{Pricing: engine})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %s\n", d.Outcome, d.Reason)
	for _, p := range d.Proposals {
		fmt.Printf("  %-45s credit %7s  price %s\n", p.Payment, p.Credit.StringFixed(2), p.Total.StringFixed(2))
	}
	down := d.Proposals[0]
	fmt.Printf("with %s%% down it is %s instead of %s\n", down.Deposit.Shift(2), down.Total.StringFixed(2), d.AsPlaced.Total.StringFixed(2))
	// Output:
	// hold: credit 1501.06 CNY exceeds headroom 950.00 CNY; a 40% deposit brings it to 893.29 CNY as priced
	//   40% on order, 60% 60 days after delivery      credit  893.29  price 1488.82
	//   100% on delivery                              credit    0.00  price 1472.00
	// with 40% down it is 1488.82 instead of 1501.06
}

func ExampleWarnings() {
	features := risk.FeatureSet{
		Company: "golden-wok", AsOf: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Currency: "CNY", Scale: 2,
		Values: risk.ValuesOf(map[risk.Feature]risk.Value{
			risk.Trend:            {Number: decimal.RequireFromString("0.64")},
			risk.DaysLate3:        {Number: decimal.RequireFromString("11")},
			risk.DaysLatePrior9:   {Number: decimal.RequireFromString("2")},
			risk.Penetration:      {Number: decimal.RequireFromString("0.36")},
			risk.PenetrationPrior: {Number: decimal.RequireFromString("0.40")},
			risk.KeyPersonLost:    {Missing: true}, // the host has no person CRM
			risk.Overdue90Plus:    {Number: decimal.Zero},
		}),
	}
	warnings, err := risk.Warnings(features, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range warnings {
		fmt.Printf("%-5s %-17s %-6s %s\n", w.Severity, w.Code, w.Action, w.Message)
	}
	// Output:
	// watch payments_slipping review days late rose from 2 to 11 in the last 3 months (by more than 5)
	// watch volume_falling    review order volume of the last 3 months is 0.64 of the 9 before (below 0.7)
}
