package risk_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// featBenchHistory is two years of a busy buyer: 700 orders of 1-3 lines from 8 sellers on four
// kinds of terms, an invoice for each of the first 650 and one payment in full for each invoice,
// some late, and a wallet estimate — 2,000 trade records.
func featBenchHistory() featRecords {
	rng := rand.New(rand.NewPCG(7, 11))
	start := featAsOf.AddDate(-2, 0, 0)
	terms := []b2bkit.PaymentTerms{b2bkit.Net(30), b2bkit.Net(60), b2bkit.CashOnDelivery(),
		b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 45)}
	var r featRecords
	span := featAsOf.Sub(start)
	for k := range 700 {
		placed := start.Add(span / 700 * time.Duration(k))
		o := featOrder(b2bkit.OrderID(fmt.Sprint("O", k)), b2bkit.CompanyID(fmt.Sprint("seller-", rng.IntN(8))),
			placed, "0", terms[rng.IntN(len(terms))])
		o.Terms.DeliverBy = placed.AddDate(0, 0, rng.IntN(7))
		o.Lines = o.Lines[:0]
		for l := range 1 + rng.IntN(3) {
			o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: b2bkit.SKU(fmt.Sprint("SKU-", l)),
				Quantity:  decimal.New(int64(1+rng.IntN(500)), -int32(rng.IntN(2))),
				UnitPrice: decimal.New(int64(100+rng.IntN(100000)), -2)})
		}
		r.orders = append(r.orders, o)
	}
	for k := range 650 {
		o := r.orders[k]
		total := b2bkit.Round(o.Total(), 2, b2bkit.HalfUp)
		inv := featInvoice(b2bkit.InvoiceNumber(fmt.Sprint("I", k)), o.ID, "1", o.PlacedAt, o.PlacedAt.AddDate(0, 0, 30))
		inv.Amount = total
		r.invoices = append(r.invoices, inv)
		paid := inv.DueAt.AddDate(0, 0, rng.IntN(50)-20)
		p := featPayment(b2bkit.PaymentID(fmt.Sprint("P", k)), inv.Number, "1", paid)
		p.Amount = total
		r.payments = append(r.payments, p)
	}
	r.wallets = []risk.Wallet{{Company: featBuyer, Monthly: decimal.New(500_000_000, -2), AsOf: featAsOf.AddDate(0, -3, 0)}}
	r.people = featChanges{{Person: "li-na", At: featAsOf.AddDate(0, 0, -30), From: featBuyer, LostRoles: []crm.Role{crm.Payer}}}
	return r
}

// BenchmarkFeatures computes every feature of a buyer with two years of history (2,000 records),
// as a credit check does at each order.
func BenchmarkFeatures(b *testing.B) {
	r := featBenchHistory()
	h := r.history()
	fs, err := risk.Features(featBuyer, h, featAsOf)
	if err != nil {
		b.Fatal(err)
	}
	if v, _ := fs.Get(risk.AvgMonthlyValue12); v.Missing || v.Number.Sign() <= 0 {
		b.Fatalf("the history has no volume: %+v", v)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.Features(featBuyer, h, featAsOf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExposureAt works out the exposure of the same buyer.
func BenchmarkExposureAt(b *testing.B) {
	h := featBenchHistory().history()
	financed := decimal.New(1_000_000, -2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.ExposureAt(featBuyer, h, financed, featAsOf, nil); err != nil {
			b.Fatal(err)
		}
	}
}
