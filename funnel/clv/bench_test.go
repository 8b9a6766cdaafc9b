package clv_test

import (
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/b2bkit/b2bkit/internal/cdnow"
)

// BenchmarkFitBGNBD_CDNOW fits BG/NBD to the 2,357 CDNOW customers from all four starts. Target:
// 300 ms.
func BenchmarkFitBGNBD_CDNOW(b *testing.B) {
	s := cdnowPublished(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := clv.FitBGNBD(s, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitGammaGamma_CDNOW fits the spend model to CDNOW's 946 repeat customers.
func BenchmarkFitGammaGamma_CDNOW(b *testing.B) {
	s := cdnowSummary(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := clv.FitGammaGamma(s, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredict1M predicts P(alive) and the next year's purchases for 1,000,000 customers of a
// platform, histories in days up to two years, frequencies up to 300. Target: 1 s.
func BenchmarkPredict1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	hs := make([]clv.History, 1_000_000)
	for i := range hs {
		hs[i] = randomHistory(rng)
	}
	m := clv.BGNBD{R: 0.8, Alpha: 25, A: 0.7, B: 3.5, Unit: clv.Days}
	b.ReportAllocs()
	for b.Loop() {
		sum := 0.0
		for _, h := range hs {
			p, err := m.Predict(h, 365)
			if err != nil {
				b.Fatal(err)
			}
			sum += p.Purchases
		}
		if !(sum > 0) {
			b.Fatal("no purchases expected")
		}
	}
}

// BenchmarkSummarize_CDNOWSample summarises the 6,919 lines of the CDNOW sample, read from disk.
func BenchmarkSummarize_CDNOWSample(b *testing.B) {
	path := testdata(b, "CDNOW_sample.txt")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := clv.Summarize(cdnow.Sample(path), clv.Calibration{End: cdnowEnd, CountFree: true}); err != nil {
			b.Fatal(err)
		}
	}
}
