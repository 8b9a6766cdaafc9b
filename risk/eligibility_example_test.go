package risk_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

func ExampleGoodsEligibility() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	d := decimal.RequireFromString

	// The platform's match book: a month of rice trades, 60 bags at a time.
	policy, _ := pricing.LoadPolicy(strings.NewReader(`{"currency": "CNY", "steps": [{"kind": "base", "rules": []}]}`))
	prices, _ := pricing.NewPriceList(pricing.ListPrice{SKU: "RICE-25KG", Price: d("120"), Currency: "CNY"})
	engine, _ := pricing.NewEngine(policy, prices, nil)
	book := matching.NewBook(matching.NewMemoryLog(), engine, &matching.Options{Now: func() time.Time { return now }})
	for i, p := range []string{"118", "121", "117.50", "119", "120", "116", "122", "118.50", "119.50", "118"} {
		at := now.AddDate(0, 0, -2*(i+1))
		err := book.Record(ctx, matching.Match{ID: fmt.Sprint("M-", i), Buyer: "lucky-noodle", Seller: "golden-grain",
			SKU: "RICE-25KG", Quantity: d("60"), UnitPrice: d(p), Currency: "CNY", At: at, Status: matching.Fulfilled,
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at.AddDate(0, 0, 3)}, Channel: b2bkit.SemiAuto})
		if err != nil {
			fmt.Println(err)
			return
		}
	}

	// A distributor asks for an advance on 150 bags in a bonded warehouse.
	goods := risk.GoodsRequest{
		Borrower: "golden-grain", SKU: "RICE-25KG", Quantity: d("150"), Window: 30 * 24 * time.Hour,
		Request: pricing.Request{Quantity: d("60"), Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 3)}},
		Custody: risk.Custody{Kind: risk.CustodyWarehouseReceipt, Holder: "north-port-warehouse", Receipt: "WR-0042", Verified: true,
			Until: now.AddDate(0, 6, 0)},
	}
	opts := &risk.GoodsOptions{Now: func() time.Time { return now }}
	dec, err := risk.GoodsEligibility(ctx, book, goods, risk.DefaultHaircutSchedule(), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dec.Eligible, dec.Code)
	for _, l := range dec.Log {
		fmt.Printf("  %s = %s (%s)\n", l.What, l.Figure, l.Source)
	}

	// The same goods in the distributor's own shed: custody fails, liquidity is never looked at.
	goods.Custody = risk.Custody{Kind: risk.CustodyPledge, Holder: "golden-grain", Verified: true}
	dec, _ = risk.GoodsEligibility(ctx, book, goods, risk.DefaultHaircutSchedule(), opts)
	fmt.Println(dec.Eligible, dec.Failed, dec.Code, dec.DaysToSell)
	// Output:
	// true goods_eligible
	//   trades in window = 10 (fulfilled matches of RICE-25KG over 30 days)
	//   unit value = 118.5 CNY (lower of median 118.5 and mean 118.95)
	//   value = 17775 CNY (unit value x quantity 150)
	//   custody = warehouse_receipt (held by north-port-warehouse, verified)
	//   days to sell = 8 (quantity / (volume 600 / 30 days), rounded up)
	//   haircut = 0.2 (haircut schedule)
	//   advance = 14220.00 CNY (value x (1 - haircut), rounded down)
	// false custody custody_held_by_borrower 0
}
