package risk_test

import (
	"context"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
)

// BenchmarkCheckOrder checks an order of four lines on 60 days' credit that needs a 45% deposit:
// the path of every order a platform holds for a deposit, without pricing.
func BenchmarkCheckOrder(b *testing.B) {
	o := checkOrder(b2bkit.Net(60), "rice", "10", "122.37", "oil", "4", "69.34", "flour", "20", "35.50", "salt", "50", "3.20")
	c := checkInput(o, "20000", "19000") // credit 2647.46, headroom 1000
	ctx := context.Background()
	d, err := risk.CheckOrder(ctx, c, nil)
	if err != nil || d.Outcome != risk.Hold {
		b.Fatal(d.Outcome, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.CheckOrder(ctx, c, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckOrderPriced is BenchmarkCheckOrder with the order and its two proposals priced.
func BenchmarkCheckOrderPriced(b *testing.B) {
	o := checkOrder(b2bkit.Net(60), "rice", "10", "122.37", "oil", "4", "69.34")
	c := checkInput(o, "20000", "19500")
	opts := &risk.CheckOptions{Pricing: checkEngine(b)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.CheckOrder(ctx, c, opts); err != nil {
			b.Fatal(err)
		}
	}
}
