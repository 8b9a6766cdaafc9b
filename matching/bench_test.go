package matching_test

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

var (
	benchPays = []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Prepaid(), b2bkit.Net(30), b2bkit.Net(60),
		b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 30)}
	benchQtys = func() []decimal.Decimal {
		var out []decimal.Decimal
		for _, q := range []int64{5, 10, 20, 25, 40, 50, 80, 100, 150, 200, 300, 500, 800, 1000, 2000, 5000} {
			out = append(out, decimal.NewFromInt(q))
		}
		return out
	}()
)

// benchMatch is a realistic match: a catalogue quantity, one of five payment schedules, delivery
// within two weeks, a price around 118 in fen, some subsidised, made at minute i after start.
func benchMatch(rng *rand.Rand, i int, start time.Time, sku b2bkit.SKU) matching.Match {
	at := start.Add(time.Duration(i) * time.Minute / 4)
	m := matching.Match{
		ID: "M-" + strconv.Itoa(i), Buyer: b2bkit.CompanyID("B-" + strconv.Itoa(rng.IntN(20_000))),
		Seller: b2bkit.CompanyID("S-" + strconv.Itoa(rng.IntN(500))), SKU: sku,
		Quantity: benchQtys[rng.IntN(len(benchQtys))], UnitPrice: decimal.New(11_000+rng.Int64N(1_600), -2),
		Currency: "CNY",
		Terms: b2bkit.Terms{Payment: benchPays[rng.IntN(len(benchPays))], OrderedAt: at,
			DeliverBy: at.AddDate(0, 0, 1+rng.IntN(14))},
		At: at, Status: matching.Fulfilled, Subsidy: decimal.Zero, Channel: b2bkit.SemiAuto,
	}
	if rng.IntN(10) == 0 {
		m.Subsidy = decimal.New(500, -2)
	}
	return m
}

// BenchmarkAppend appends new matches, in time order, to a log that already holds 100,000: each
// from one of 20,000 buyers and 500 sellers, of one of 2,000 SKUs, on one of five schedules. The
// match IDs are made in batches with the timer stopped: a host's IDs arrive as strings, and making
// one ("M-" + strconv.Itoa(i), two allocations) is the caller's cost, about 60 ns here.
func BenchmarkAppend(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	l := matching.NewMemoryLog()
	start := today.AddDate(0, -6, 0)
	sku := func() b2bkit.SKU { return b2bkit.SKU("SKU-" + strconv.Itoa(rng.IntN(2_000))) }
	for i := range 100_000 {
		if err := l.Append(ctx, benchMatch(rng, i, start, sku())); err != nil {
			b.Fatal(err)
		}
	}
	pool := make([]matching.Match, 1<<12)
	for i := range pool {
		pool[i] = benchMatch(rng, 100_000, start, sku())
	}
	i := 100_000
	at := pool[0].At
	ids := make([]string, 1<<14)
	b.ReportAllocs()
	for b.Loop() {
		i++
		if i&(len(ids)-1) == 0 || i == 100_001 {
			b.StopTimer()
			for k := range ids {
				ids[k] = "M-" + strconv.Itoa(i&^(len(ids)-1)+k)
			}
			b.StartTimer()
		}
		m := pool[i&(len(pool)-1)]
		m.ID = ids[i&(len(ids)-1)]
		at = at.Add(time.Second)
		m.At = at
		if err := l.Append(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendRetry appends a match that is already stored: the idempotent no-op.
func BenchmarkAppendRetry(b *testing.B) {
	l := matching.NewMemoryLog()
	m := benchMatch(rand.New(rand.NewPCG(1, 2)), 1, today.AddDate(0, -1, 0), "RICE-25KG")
	if err := l.Append(ctx, m); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Append(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// referenceMarket is a book over 100,000 fulfilled matches of RICE-25KG in six months, on catalogue
// quantities, five payment schedules and 1-14 days booking time.
func referenceMarket(b *testing.B) (*matching.Book, []matching.Match) {
	book, l := newBook(b)
	rng := rand.New(rand.NewPCG(3, 4))
	start := today.AddDate(0, -6, 0)
	ms := make([]matching.Match, 0, 100_000)
	for i := range 100_000 {
		m := benchMatch(rng, i, start, "RICE-25KG")
		m.At = start.Add(time.Duration(i) * 150 * time.Second) // spread over ~six months
		m.Terms.OrderedAt, m.Terms.DeliverBy = m.At, m.At.AddDate(0, 0, 1+rng.IntN(14))
		if err := l.Append(ctx, m); err != nil {
			b.Fatal(err)
		}
		ms = append(ms, m)
	}
	return book, ms
}

// BenchmarkNormalizeEach100k is the reference price's work done naively, for comparison: the engine
// asked to normalise each of the 100,000 prices, without the memo.
func BenchmarkNormalizeEach100k(b *testing.B) {
	_, ms := referenceMarket(b)
	e := engine(b)
	r := request("RICE-25KG", "100", b2bkit.Net(30))
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range ms {
			from := pricing.Request{Buyer: m.Buyer, SKU: m.SKU, Quantity: m.Quantity, Terms: m.Terms, Currency: m.Currency}
			if _, err := e.Normalize(m.UnitPrice, from, r); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReferencePrice100k: the reference price of a SKU with 100,000 fulfilled matches in six
// months, on catalogue quantities, five payment schedules and 1-14 days booking time.
func BenchmarkReferencePrice100k(b *testing.B) {
	book, _ := referenceMarket(b)
	r := request("RICE-25KG", "100", b2bkit.Net(30))
	ref, err := book.ReferencePrice(ctx, "RICE-25KG", r, 200*24*time.Hour)
	if err != nil || ref.Count != 100_000 {
		b.Fatal(ref.Count, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := book.ReferencePrice(ctx, "RICE-25KG", r, 200*24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	bigLogOnce  sync.Once
	bigLog      *matching.MemoryLog
	bigLogBytes float64 // live heap per match after building the log
)

// fiveMillion builds, once, a log of 5,000,000 matches over 2,000 SKUs, in which HOT has 50,000
// matches and RARE 500.
func fiveMillion(b *testing.B) *matching.MemoryLog {
	bigLogOnce.Do(func() {
		rng := rand.New(rand.NewPCG(5, 6))
		l := matching.NewMemoryLog()
		start := today.AddDate(-2, 0, 0)
		for i := range 5_000_000 {
			sku := b2bkit.SKU("SKU-" + strconv.Itoa(rng.IntN(2_000)))
			switch {
			case i%100 == 0:
				sku = "HOT"
			case i%10_000 == 1:
				sku = "RARE"
			}
			if err := l.Append(ctx, benchMatch(rng, i, start, sku)); err != nil {
				b.Fatal(err)
			}
		}
		bigLog = l
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		bigLogBytes = float64(ms.HeapAlloc) / 5_000_000
	})
	return bigLog
}

// BenchmarkScanSKU5M scans one SKU among 5,000,000 matches: the time and allocations follow the
// SKU's own matches (RARE 500, HOT 50,000), not the size of the log.
func BenchmarkScanSKU5M(b *testing.B) {
	l := fiveMillion(b)
	for _, c := range []struct {
		sku  b2bkit.SKU
		want int
	}{{"RARE", 500}, {"HOT", 50_000}} {
		b.Run(string(c.sku), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range l.Scan(ctx, matching.Filter{SKU: c.sku}) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != c.want {
					b.Fatal(n)
				}
			}
			b.ReportMetric(bigLogBytes, "heap-B/match")
		})
	}
}
