package clv_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/b2bkit/b2bkit/internal/cdnow"
	"github.com/b2bkit/b2bkit/internal/memtest"
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

// BenchmarkReadCSV400k reads the summaries of 400,000 customers with their repeat spend (about
// 12 MB), as a platform exports them from its warehouse: MB/s is the file read per second, and
// alloc-B/B the bytes allocated per byte of it.
func BenchmarkReadCSV400k(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("id,frequency,recency,t,repeat_spend\n")
	for i := range 400_000 {
		fmt.Fprintf(&buf, "C%07d,%d,%d.5,%d.25,%d.40\n", i, 1+i%20, 10+i%300, 400+i%100, 30+i%100)
	}
	doc := buf.Bytes()
	memtest.BenchRead(b, doc, func() error {
		_, err := clv.ReadCSV(bytes.NewReader(doc), clv.Days)
		return err
	})
}
