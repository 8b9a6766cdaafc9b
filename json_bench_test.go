package b2bkit_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/memtest"
)

// benchOrders are n orders of 1 to 10 lines on four kinds of terms, as a host's order feed holds
// them.
func benchOrders(n int) []b2bkit.Order {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	terms := []b2bkit.PaymentTerms{b2bkit.Net(30), b2bkit.Net(60), b2bkit.CashOnDelivery(),
		b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 45)}
	os := make([]b2bkit.Order, n)
	for i := range os {
		placed := at.Add(time.Duration(i) * time.Minute)
		o := b2bkit.Order{ID: b2bkit.OrderID(fmt.Sprintf("PO-%07d", i)), Buyer: b2bkit.CompanyID(fmt.Sprintf("rest-%04d", i%5000)),
			Seller: b2bkit.CompanyID(fmt.Sprintf("supplier-%03d", i%300)), Currency: "CNY", Channel: b2bkit.Channel(1 + i%3),
			Terms:    b2bkit.Terms{Payment: terms[i%len(terms)], OrderedAt: placed, DeliverBy: placed.AddDate(0, 0, 1+i%7)},
			PlacedAt: placed}
		for l := range 1 + i%10 {
			o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: b2bkit.SKU(fmt.Sprintf("SKU-%05d", (i+l*7919)%20000)),
				Quantity: decimal.New(int64(1+(i*l)%500), 0), UnitPrice: decimal.New(int64(100+(i*31+l)%100000), -2)})
		}
		os[i] = o
	}
	return os
}

func mustJSON(b *testing.B, v any) []byte {
	b.Helper()
	doc, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkReadOrders10k reads 10,000 orders of 1 to 10 lines (about 5 MB), as a host loading its
// order feed for risk.Features or a report does.
func BenchmarkReadOrders10k(b *testing.B) {
	doc := mustJSON(b, benchOrders(10_000))
	memtest.BenchRead(b, doc, func() error {
		var os []b2bkit.Order
		return json.Unmarshal(doc, &os)
	})
}

// BenchmarkReadOrder10kLines reads one order of b2bkit.MaxLines lines (about 0.8 MB), the most an order
// may carry: a wholesale catalogue order.
func BenchmarkReadOrder10kLines(b *testing.B) {
	o := benchOrders(1)[0]
	for l := range b2bkit.MaxLines - 1 {
		o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: b2bkit.SKU(fmt.Sprintf("SKU-%05d", l)),
			Quantity: decimal.New(int64(1+l%500), 0), UnitPrice: decimal.New(int64(100+l%100000), -2)})
	}
	doc := mustJSON(b, o)
	memtest.BenchRead(b, doc, func() error {
		var o b2bkit.Order
		return json.Unmarshal(doc, &o)
	})
}

// BenchmarkReadShipments10k reads the 10,000 orders' shipments, one line shipped per order line.
func BenchmarkReadShipments10k(b *testing.B) {
	os := benchOrders(10_000)
	ss := make([]b2bkit.Shipment, len(os))
	for i, o := range os {
		s := b2bkit.Shipment{ID: b2bkit.ShipmentID(fmt.Sprintf("SH-%07d", i)), Order: o.ID, Seller: o.Seller, Buyer: o.Buyer,
			ShippedAt: o.PlacedAt.Add(time.Hour), ReceivedAt: o.Terms.DeliverBy}
		for _, l := range o.Lines {
			s.Lines = append(s.Lines, b2bkit.ShipmentLine{SKU: l.SKU, Shipped: l.Quantity, Received: l.Quantity})
		}
		ss[i] = s
	}
	doc := mustJSON(b, ss)
	memtest.BenchRead(b, doc, func() error {
		var ss []b2bkit.Shipment
		return json.Unmarshal(doc, &ss)
	})
}

// BenchmarkReadInvoicesAndPayments10k reads an invoice and a payment for each of the 10,000 orders.
func BenchmarkReadInvoicesAndPayments10k(b *testing.B) {
	os := benchOrders(10_000)
	var feed struct {
		Invoices []b2bkit.Invoice `json:"invoices"`
		Payments []b2bkit.Payment `json:"payments"`
	}
	for i, o := range os {
		n := b2bkit.InvoiceNumber(fmt.Sprintf("INV-%07d", i))
		total := b2bkit.Round(o.Total(), 2, b2bkit.HalfUp)
		feed.Invoices = append(feed.Invoices, b2bkit.Invoice{Number: n, Seller: o.Seller, Buyer: o.Buyer, Orders: []b2bkit.OrderID{o.ID},
			Amount: total, Currency: "CNY", IssuedAt: o.Terms.DeliverBy, DueAt: o.Terms.DeliverBy.AddDate(0, 0, 30)})
		feed.Payments = append(feed.Payments, b2bkit.Payment{ID: b2bkit.PaymentID(fmt.Sprintf("PAY-%07d", i)), Payer: o.Buyer,
			Payee: o.Seller, Invoice: n, Amount: total, Currency: "CNY", PaidAt: o.Terms.DeliverBy.AddDate(0, 0, 28)})
	}
	doc := mustJSON(b, feed)
	memtest.BenchRead(b, doc, func() error {
		var back struct {
			Invoices []b2bkit.Invoice `json:"invoices"`
			Payments []b2bkit.Payment `json:"payments"`
		}
		return json.Unmarshal(doc, &back)
	})
}
