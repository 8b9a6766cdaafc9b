package risk_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/risk"
)

// BenchmarkScore scores one buyer with the default card (10 attributes) compiled once, as a platform
// does on every order check, with values made as Features makes them: budget 500 ns/op and 5
// allocs/op.
func BenchmarkScore(b *testing.B) {
	scBenchCompiled(b, scReadOnce(scBenchFeatures()), false)
}

// BenchmarkScoreWithReasons is BenchmarkScore with the reasons read as well, as a platform reads
// them to explain a decision: the compiled card's Result builds them only when asked, so this is the
// cost of a score that is explained.
func BenchmarkScoreWithReasons(b *testing.B) {
	scBenchCompiled(b, scReadOnce(scBenchFeatures()), true)
}

// BenchmarkScoreHostValues is BenchmarkScore with values a host built as Value{Number: d} (or read
// from JSON), whose decimals the card reads on every score.
func BenchmarkScoreHostValues(b *testing.B) {
	scBenchCompiled(b, scBenchFeatures(), false)
}

// scBenchCompiled scores fs with the default card compiled, and with explain reads the reasons of
// every score: the seven attributes scBenchFeatures loses points on.
func scBenchCompiled(b *testing.B, fs risk.FeatureSet, explain bool) {
	cc, err := risk.DefaultScorecard().Compile()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cc.Score(fs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	if explain {
		for b.Loop() {
			r, err := cc.Score(fs)
			if err != nil {
				b.Fatal(err)
			}
			if len(r.Reasons()) != 7 {
				b.Fatal("not the seven attributes that lose points")
			}
		}
		return
	}
	for b.Loop() {
		if _, err := cc.Score(fs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScoreCard scores the same buyer with the card itself, not compiled: exact decimal
// comparisons and the full lists of points and reasons on every call.
func BenchmarkScoreCard(b *testing.B) {
	card := risk.DefaultScorecard()
	fs := scBenchFeatures()
	if _, err := card.Score(fs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := card.Score(fs); err != nil {
			b.Fatal(err)
		}
	}
}

// scBenchFeatures is a buyer as Features computes it: ratios at RatioScale places, money at the
// scale, days whole; seven attributes lose points.
func scBenchFeatures() risk.FeatureSet {
	return scFeatures(map[risk.Feature]string{
		risk.TenureMonths:        "30",
		risk.AvgMonthlyValue12:   "84000.00",
		risk.Trend:               "-",
		risk.OnTimeRate:          "0.8000",
		risk.DaysPastDue:         "20",
		risk.WorstDaysPastDue12:  "20",
		risk.DisputeRate:         "0.0040",
		risk.SellerConcentration: "0.4500",
		risk.KeyPersonLost:       "0",
		risk.Penetration:         "0.4000",
		risk.UsualCreditDays:     "45",
	})
}

// BenchmarkScoreOtherScales scores values written at other scales than the card's edges ("0.8"
// against "0.8500"), which take the rescaling comparison.
func BenchmarkScoreOtherScales(b *testing.B) {
	card := risk.DefaultScorecard()
	values := scGoodBuyer()
	values[risk.OnTimeRate] = "0.8"
	values[risk.DaysPastDue] = "20"
	values[risk.Trend] = "-"
	fs := scFeatures(values)
	if _, err := card.Score(fs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := card.Score(fs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLimit works out one buyer's credit line with the default policy, log included.
func BenchmarkLimit(b *testing.B) {
	p := risk.DefaultLimitPolicy()
	fs := lmFeatures("123456.78", "45")
	r := risk.Result{Grade: "B", Score: 655}
	if _, err := p.Limit(fs, r); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Limit(fs, r); err != nil {
			b.Fatal(err)
		}
	}
}
