package scorecard_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit/risk/scorecard"
)

// million is one variable over 1,000,000 buyers and their outcomes: continuous, an average monthly
// order value in yuan with two places (log-normal, hundreds of thousands of distinct values), or
// whole days late (0 to 120); bad is likelier with lower value and more days late. 2% are missing.
func million(continuous bool) (scorecard.Column, []bool) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 1_000_000))
	c := scorecard.Column{Feature: "avg_monthly_value_12m", Numbers: make([]float64, n), Missing: make([]bool, n)}
	if !continuous {
		c.Feature = "days_late_3m"
	}
	bad := make([]bool, n)
	for i := range n {
		var x, p float64
		if continuous {
			x = math.Round(math.Exp(9+1.2*rng.NormFloat64())*100) / 100
			p = 0.3 / (1 + x/5000)
		} else {
			x = float64(min(120, int(rng.ExpFloat64()*15)))
			p = 0.03 + x/200
		}
		c.Numbers[i], c.Missing[i], bad[i] = x, rng.IntN(50) == 0, rng.Float64() < p
	}
	return c, bad
}

func benchBin(b *testing.B, continuous bool, opts *scorecard.BinOptions) {
	c, bad := million(continuous)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scorecard.BinColumn(c, bad, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// WoE and IV of one variable over a million rows (issue target: at most 200 ms), binned by each
// method from the raw values.
func BenchmarkWoEIV1MAmountChiMerge(b *testing.B) { benchBin(b, true, nil) }
func BenchmarkWoEIV1MAmountTree(b *testing.B) {
	benchBin(b, true, &scorecard.BinOptions{Method: scorecard.Tree, Monotonic: true})
}
func BenchmarkWoEIV1MAmountBreaks(b *testing.B) {
	benchBin(b, true, &scorecard.BinOptions{Breaks: []float64{1000, 3000, 8000, 20000, 50000}})
}
func BenchmarkWoEIV1MDaysLateChiMerge(b *testing.B) { benchBin(b, false, nil) }

// A whole card from German credit, 1,000 rows and 20 variables: binning, filter, regression,
// scaling, validation (issue target: at most 100 ms).
func BenchmarkBuildGermanCredit(b *testing.B) {
	d := germanCredit(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scorecard.Build(d, nil); err != nil {
			b.Fatal(err)
		}
	}
}
