package risk_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// verifyBigTrade is an order of 5 SKUs delivered in 10 shipments, billed by 10 invoices and paid by
// 10 payments: a long-running supply contract.
func verifyBigTrade() risk.Trade {
	tr := verifyCleanTrade()
	tr.Order.Lines = nil
	for k := range 5 {
		tr.Order.Lines = append(tr.Order.Lines, b2bkit.OrderLine{SKU: b2bkit.SKU(fmt.Sprint("SKU-", k)),
			Quantity: decimal.NewFromInt(1000), UnitPrice: decimal.RequireFromString("12.35")})
	}
	tr.Shipments, tr.Invoices, tr.Payments = nil, nil, nil
	for i := range 10 {
		s := b2bkit.Shipment{ID: b2bkit.ShipmentID(fmt.Sprint("S-", i)), Order: "O-1", Seller: "S-1", Buyer: "B-1",
			ShippedAt: verifyDay(1 + 2*i), ReceivedAt: verifyDay(2 + 2*i)}
		for k := range 5 {
			s.Lines = append(s.Lines, b2bkit.ShipmentLine{SKU: b2bkit.SKU(fmt.Sprint("SKU-", k)),
				Shipped: decimal.NewFromInt(100), Received: decimal.NewFromInt(100)})
		}
		tr.Shipments = append(tr.Shipments, s)
		n := b2bkit.InvoiceNumber(fmt.Sprint("INV-", i))
		tr.Invoices = append(tr.Invoices, verifyInvoice(n, "6175.00", 2+2*i))
		tr.Payments = append(tr.Payments, verifyPayment(b2bkit.PaymentID(fmt.Sprint("P-", i)), n, "6175.00", 30+2*i))
	}
	return tr
}

func BenchmarkVerifyTrade(b *testing.B) {
	tr := verifyBigTrade()
	if v := risk.VerifyTrade(tr, risk.Tolerances{}); v.Status != risk.Consistent {
		b.Fatalf("%v %v %+v", v.Status, v.Err, v.Exceptions)
	}
	b.ReportAllocs()
	for b.Loop() {
		if v := risk.VerifyTrade(tr, risk.Tolerances{}); v.Status != risk.Consistent {
			b.Fatal(v.Status)
		}
	}
}

func BenchmarkGoodsEligibilityOverBook(b *testing.B) {
	book := eligibilityBook(b, eligibilityNow)
	g := eligibilityGoods()
	g.Quantity = decimal.NewFromInt(20)
	opts := eligibilityOpts()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		d, err := risk.GoodsEligibility(ctx, book, g, risk.DefaultHaircutSchedule(), opts)
		if err != nil || !d.Eligible {
			b.Fatal(err, d.Reason)
		}
	}
}
