package b2bkit_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
)

// A year's rebate split over 12 monthly parts by volume.
func BenchmarkAllocate12(b *testing.B) {
	weights := make([]decimal.Decimal, 12)
	for i := range weights {
		weights[i] = decimal.NewFromInt(int64(1000 + 137*i))
	}
	total := decimal.RequireFromString("98765.43")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := b2bkit.Allocate(total, weights, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// Deposit, a payment on delivery and a balance after 60 days.
func BenchmarkSchedule3(b *testing.B) {
	t := b2bkit.Terms{
		Payment: b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
			{Share: decimal.RequireFromString("0.2"), Due: b2bkit.OnOrder},
			{Share: decimal.RequireFromString("0.5"), Due: b2bkit.OnDelivery},
			{Share: decimal.RequireFromString("0.3"), Due: b2bkit.OnDelivery, Days: 60},
		}},
		OrderedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		DeliverBy: time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC),
	}
	total := decimal.RequireFromString("12345.67")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.Schedule(total, 2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDecimal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := b2bkit.ParseDecimal("123456.78"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToMinor(b *testing.B) {
	d := decimal.RequireFromString("123456.78")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := b2bkit.ToMinor(d, 2); err != nil {
			b.Fatal(err)
		}
	}
}
