package risk_test

import (
	"context"
	"math/rand/v2"
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

// monScores are n scores of a scorecard's range with about one buyer in ten bad, bad buyers
// scoring lower on average.
func monScores(n int) ([]float64, []bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	scores := make([]float64, n)
	bad := make([]bool, n)
	for i := range scores {
		bad[i] = rng.IntN(10) == 0
		scores[i] = float64(500 + rng.IntN(300))
		if bad[i] {
			scores[i] -= float64(rng.IntN(150))
		}
	}
	return scores, bad
}

// BenchmarkAUC100k is the AUC of a portfolio of 100,000 scored buyers, a month's monitoring run.
func BenchmarkAUC100k(b *testing.B) {
	scores, bad := monScores(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.AUC(scores, bad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPSI100k is the PSI of this month's 100,000 scores against the build sample's deciles.
func BenchmarkPSI100k(b *testing.B) {
	expected, _ := monScores(100_000)
	actual, _ := monScores(100_000)
	for i := range actual {
		actual[i] += 10
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.PSI(expected, actual, nil); err != nil {
			b.Fatal(err)
		}
	}
}
