package risk_test

import (
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

func ExampleVerifyTrade() {
	placed := time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return placed.AddDate(0, 0, n) }
	d := decimal.RequireFromString
	order := b2bkit.Order{
		ID: "PO-881", Buyer: "lucky-noodle", Seller: "golden-grain", Currency: "CNY", Channel: b2bkit.SemiAuto, PlacedAt: placed,
		Lines: []b2bkit.OrderLine{{SKU: "RICE-25KG", Quantity: d("200"), UnitPrice: d("118.50")}}, // 23700.00
		Terms: b2bkit.Terms{Payment: b2bkit.Net(60), OrderedAt: placed, DeliverBy: day(7)},
	}
	ship := func(id b2bkit.ShipmentID, qty string, at int) b2bkit.Shipment {
		return b2bkit.Shipment{ID: id, Order: "PO-881", Seller: "golden-grain", Buyer: "lucky-noodle",
			Lines: []b2bkit.ShipmentLine{{SKU: "RICE-25KG", Shipped: d(qty), Received: d(qty)}}, ShippedAt: day(at), ReceivedAt: day(at + 1)}
	}
	trade := risk.Trade{
		Order:     order,
		Shipments: []b2bkit.Shipment{ship("DN-1", "120", 2), ship("DN-2", "80", 5)}, // 60% and 40%
		Invoices: []b2bkit.Invoice{{Number: "FP-3301", Seller: "golden-grain", Buyer: "lucky-noodle", Orders: []b2bkit.OrderID{"PO-881"},
			Amount: d("23700.00"), Currency: "CNY", IssuedAt: day(6), DueAt: day(66)}},
		Payments: []b2bkit.Payment{{ID: "PAY-1", Payer: "lucky-noodle", Payee: "golden-grain", Invoice: "FP-3301",
			Amount: d("5000.00"), Currency: "CNY", PaidAt: day(30)}},
	}
	v := risk.VerifyTrade(trade, risk.Tolerances{})
	fmt.Println(v.Status, "- finance up to", v.Financeable.Amount.StringFixed(2))

	// The same order, but the second delivery never happened, the invoice went out before the
	// goods, and a stranger paid part of it.
	trade.Shipments = trade.Shipments[:1]
	trade.Invoices[0].IssuedAt = day(1)
	trade.Payments[0].Payer = "shell-co-7"
	v = risk.VerifyTrade(trade, risk.Tolerances{})
	fmt.Println(v.Status, "- finance up to", v.Financeable.Amount.StringFixed(2))
	for _, e := range v.Exceptions {
		fmt.Printf("  %s on %s: want %s, got %s\n", e.Code, e.Record, e.Want, e.Got)
	}
	// Output:
	// consistent - finance up to 18700.00
	// exceptions - finance up to 0.00
	//   invoiced_before_shipment on invoice FP-3301: want first shipped 2026-08-05, got issued 2026-08-04
	//   payer_not_buyer on payment PAY-1: want payer lucky-noodle, got payer shell-co-7
	//   received_less_than_invoiced on order PO-881: want received 14220, got invoiced 23700
}
