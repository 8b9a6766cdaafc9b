package matching_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/cputime"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
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
	// benchPrices are 110.00 to 125.99: prices repeat, as catalogue prices do.
	benchPrices = func() []decimal.Decimal {
		out := make([]decimal.Decimal, 1600)
		for i := range out {
			out[i] = decimal.New(11_000+int64(i), -2)
		}
		return out
	}()
	benchBuyers  = names("B-", 20_000)
	benchSellers = names("S-", 500)
	benchSKUs    = names("SKU-", 2_000)
)

// loop runs op in b.Loop and reports its CPU time per operation as cpu-ns/op.
func loop(b *testing.B, op func() error) {
	b.Helper()
	b.ReportAllocs()
	start := cputime.Used()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Used()-start)/float64(b.N), "cpu-ns/op")
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

// benchMatch is a realistic fulfilled match: one of 20,000 buyers and 500 sellers, a catalogue
// quantity, one of five payment schedules, delivery within two weeks, a price around 118, one in
// ten subsidised.
func benchMatch(rng *rand.Rand, id string, at time.Time, sku b2bkit.SKU) matching.Match {
	m := matching.Match{
		ID: id, Buyer: b2bkit.CompanyID(benchBuyers[rng.IntN(len(benchBuyers))]),
		Seller: b2bkit.CompanyID(benchSellers[rng.IntN(len(benchSellers))]), SKU: sku,
		Quantity: benchQtys[rng.IntN(len(benchQtys))], UnitPrice: benchPrices[rng.IntN(len(benchPrices))],
		Currency: "CNY",
		Terms:    b2bkit.Terms{Payment: benchPays[rng.IntN(len(benchPays))], OrderedAt: at, DeliverBy: at.AddDate(0, 0, 1+rng.IntN(14))},
		At:       at, Status: matching.Fulfilled, Subsidy: decimal.Zero, Channel: b2bkit.SemiAuto,
	}
	if rng.IntN(10) == 0 {
		m.Subsidy = decimal.New(500, -2)
	}
	return m
}

// BenchmarkAppend appends new matches, in time order, to a log that already holds 100,000. The IDs
// are made before the clock starts: a host's IDs arrive as strings.
func BenchmarkAppend(b *testing.B) {
	benchAppend(b, time.Second)
}

// BenchmarkAppendBackdated appends each match dated a minute before every match stored: the
// history of a platform imported newest first. The log is in commit order, so it costs the same.
func BenchmarkAppendBackdated(b *testing.B) {
	benchAppend(b, -time.Minute)
}

func benchAppend(b *testing.B, step time.Duration) {
	rng := rand.New(rand.NewPCG(1, 2))
	l := matching.NewMemoryLog()
	start := today.AddDate(0, -6, 0)
	sku := func() b2bkit.SKU { return b2bkit.SKU(benchSKUs[rng.IntN(len(benchSKUs))]) }
	for i := range 100_000 {
		if err := l.Append(ctx, benchMatch(rng, "M-"+strconv.Itoa(i), start.Add(time.Duration(i)*time.Minute), sku())); err != nil {
			b.Fatal(err)
		}
	}
	pool := make([]matching.Match, 1<<12)
	for i := range pool {
		pool[i] = benchMatch(rng, "", start, sku())
	}
	// The IDs are made before the clock starts, as a host's IDs arrive made, but kept as one text
	// with the offset each ends at: 2M strings, one allocation each, would be live heap that no
	// host keeps, which every collection during the loop would mark again. A substring is not a
	// copy, and each ID the log keeps keeps the text alive, as a host's would keep its own. Making
	// each ID in the loop instead would time a formatting and an allocation that are the host's.
	var text strings.Builder
	ends := make([]int32, 1<<21)
	for k := range ends {
		text.WriteString("N-")
		text.WriteString(strconv.Itoa(k))
		ends[k] = int32(text.Len())
	}
	idText := text.String()
	i, from := 0, 0
	at := start.Add(100_000 * time.Minute)
	if step < 0 {
		at = start
	}
	loop(b, func() error {
		if i == len(ends) {
			b.Fatal("more appends than IDs made")
		}
		m := pool[i&(len(pool)-1)]
		m.ID, from = idText[from:ends[i]], int(ends[i])
		i++
		at = at.Add(step)
		m.At, m.Terms.OrderedAt = at, at
		m.Terms.DeliverBy = at.Add(3 * 24 * time.Hour) // three days on: today's zone has no daylight saving
		return l.Append(ctx, m)
	})
}

// BenchmarkAppendBatch imports history 1,000 matches a call; ns/match is the cost of one.
func BenchmarkAppendBatch(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 3))
	l := matching.NewMemoryLog()
	start := today.AddDate(-1, 0, 0)
	batch := make([]matching.Match, 1000)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for k := range batch {
			batch[k] = benchMatch(rng, "M-"+strconv.Itoa(n), start.Add(time.Duration(n)*time.Second), b2bkit.SKU(benchSKUs[rng.IntN(len(benchSKUs))]))
			n++
		}
		b.StartTimer()
		if err := l.Append(ctx, batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/match")
}

// The million-match log the big benchmarks share: one year of matching ending today, a match every
// 31.5 seconds, over 2,000 SKUs and the busy HOT (one match in twelve, about 20,000 in 90 days,
// from 100 sellers); one in ten matches is appended as proposed and then accepted and delivered
// with dated status changes, a third of those late. Built once per test binary.
const (
	bigMatches = 1_000_000
	hotEvery   = 12
)

var (
	bigOnce    sync.Once
	bigLog     *matching.MemoryLog
	bigEntries int
	booksOnce  sync.Once
	bigBooks   map[string]*matching.Book // by log kind, built over the big log
)

func millionLog(b testing.TB) *matching.MemoryLog {
	bigOnce.Do(func() {
		rng := rand.New(rand.NewPCG(5, 6))
		l := matching.NewMemoryLog()
		start := today.AddDate(-1, 0, 0)
		step := 365 * 24 * time.Hour / bigMatches
		hotSellers := benchSellers[:100]
		batch := make([]matching.Match, 0, 1000)
		var changes []matching.StatusChange
		flush := func() {
			if err := l.Append(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			for _, c := range changes {
				if err := l.SetStatus(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
			batch, changes = batch[:0], changes[:0]
		}
		for i := range bigMatches {
			at := start.Add(time.Duration(i) * step)
			sku := b2bkit.SKU(benchSKUs[rng.IntN(len(benchSKUs))])
			if i%hotEvery == 0 {
				sku = "HOT"
			}
			m := benchMatch(rng, "M-"+strconv.Itoa(i), at, sku)
			if sku == "HOT" {
				m.Seller = b2bkit.CompanyID(hotSellers[rng.IntN(len(hotSellers))])
			}
			if i%10 == 3 && at.Before(today.AddDate(0, 0, -20)) {
				m.Status = matching.Proposed
				delivered := m.Terms.DeliverBy.Add(time.Duration(rng.IntN(3)-1) * 24 * time.Hour) // a day early, on time, or late
				if delivered.Before(at.Add(2 * time.Hour)) {
					delivered = at.Add(2 * time.Hour)
				}
				changes = append(changes,
					matching.StatusChange{ID: m.ID, Status: matching.Accepted, At: at.Add(time.Hour), By: "sales"},
					matching.StatusChange{ID: m.ID, Status: matching.Fulfilled, At: delivered, By: "driver-app"})
			}
			batch = append(batch, m)
			if len(batch) == cap(batch) {
				flush()
			}
		}
		flush()
		bigLog = l
		for _, err := range l.Since(ctx, 0) {
			if err != nil {
				b.Fatal(err)
			}
			bigEntries++
		}
	})
	return bigLog
}

// bigLogOf is the big log itself ("memory") or behind a wrapper that hides its type ("other"), as
// a host's own Log would be.
func bigLogOf(b *testing.B, kind string) matching.Log {
	l := millionLog(b)
	if kind == "other" {
		return plainLog{l}
	}
	return l
}

// bigBook is a book over the big log, its projection built. The books of every kind are built
// together the first time one is asked for, each from a collected heap and collected after, so
// every kind's benchmark starts from the same state: none runs on the garbage of building the log
// or a book, and none is built in a heap the others are not.
func bigBook(b *testing.B, kind string) *matching.Book {
	booksOnce.Do(func() {
		books := make(map[string]*matching.Book, len(logKinds))
		for _, k := range logKinds {
			l := bigLogOf(b, k)
			runtime.GC()
			book := matching.NewBook(l, engine(b), &matching.Options{Now: func() time.Time { return today }})
			if err := book.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
			books[k] = book
		}
		runtime.GC()
		bigBooks = books
	})
	book := bigBooks[kind]
	if book == nil {
		b.Fatalf("no book over the big log of kind %q", kind)
	}
	return book
}

var logKinds = []string{"memory", "other"}

// BenchmarkProjection1M builds a book's projection from the million-match log (about 1.1 million
// entries with the status changes), over MemoryLog and over a Log that is not one. heap-B/match is
// the live heap the projection adds, measured after a collection; heap-B/match-with-lists the same
// once the buyer and seller lists a first Rhythm and Rank build are there too.
func BenchmarkProjection1M(b *testing.B) {
	for _, kind := range logKinds {
		b.Run(kind, func(b *testing.B) {
			l := bigLogOf(b, kind)
			e := engine(b)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			kept := matching.NewBook(l, e, &matching.Options{Now: func() time.Time { return today }})
			if err := kept.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := float64(after.HeapAlloc-before.HeapAlloc) / bigMatches
			// With the buyer and seller lists too, as after the first Rhythm and Rank.
			if _, err := kept.Rhythm(ctx, "B-1", "HOT"); err != nil && !errors.Is(err, b2bkit.ErrNotFound) {
				b.Fatal(err)
			}
			if _, err := kept.Rank(ctx, matching.RFQ{Request: request("HOT", "100", b2bkit.Net(30))}, nil); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			heapLists := float64(after.HeapAlloc-before.HeapAlloc) / bigMatches
			runtime.KeepAlive(kept)
			kept = nil
			loop(b, func() error {
				return matching.NewBook(l, e, &matching.Options{Now: func() time.Time { return today }}).Refresh(ctx)
			})
			b.ReportMetric(heap, "heap-B/match")
			b.ReportMetric(heapLists, "heap-B/match-with-lists")
			b.ReportMetric(float64(bigEntries), "entries")
		})
	}
}

// BenchmarkReferencePriceBusySKU: the reference price of HOT over the last 90 days — about 20,000
// fulfilled trades on catalogue quantities, five payment schedules and 1-14 days booking time, each
// restated to the request's terms — among a million matches, with the book's default rules and
// with all three rules (subsidised out, IQR outliers, a buyer cap of 5%).
func BenchmarkReferencePriceBusySKU(b *testing.B) {
	r := request("HOT", "100", b2bkit.Net(30))
	all := matching.ReferenceRules{ExcludeSubsidised: true, Outliers: matching.IQR, MaxBuyerShare: dec("0.05")}
	for _, kind := range logKinds {
		for _, rules := range []struct {
			name  string
			rules matching.ReferenceRules
		}{{"plain", matching.ReferenceRules{}}, {"rules", all}} {
			b.Run(kind+"/"+rules.name, func(b *testing.B) {
				book := bigBook(b, kind)
				ref, err := book.ReferencePriceWith(ctx, "HOT", r, 90*24*time.Hour, rules.rules)
				if err != nil || ref.Count < 15_000 {
					b.Fatal(ref.Count, err)
				}
				loop(b, func() error {
					_, err := book.ReferencePriceWith(ctx, "HOT", r, 90*24*time.Hour, rules.rules)
					return err
				})
				b.ReportMetric(float64(ref.Count+ref.Excluded.Subsidised+ref.Excluded.Outliers), "trades")
			})
		}
	}
}

// BenchmarkHealth30d1M: Health over the last 30 days of the million-match log (about 82,000
// matches and the first orders of every buyer in them).
func BenchmarkHealth30d1M(b *testing.B) {
	for _, kind := range logKinds {
		b.Run(kind, func(b *testing.B) {
			book := bigBook(b, kind)
			h, err := book.Health(ctx, month)
			if err != nil || h.Matches < 80_000 {
				b.Fatal(h.Matches, err)
			}
			loop(b, func() error {
				_, err := book.Health(ctx, month)
				return err
			})
			b.ReportMetric(float64(h.Matches), "matches")
		})
	}
}

// BenchmarkRank100Sellers ranks the 100 sellers of HOT on a request with a price focus, over 180
// days of the million-match log: each seller's HOT trades restated to the request, and each
// seller's range and cancellations over all its matches of the window.
func BenchmarkRank100Sellers(b *testing.B) {
	rfq := matching.RFQ{Request: request("HOT", "100", b2bkit.Net(30))}
	focus := []matching.Need{matching.Price, matching.Speed}
	for _, kind := range logKinds {
		b.Run(kind, func(b *testing.B) {
			book := bigBook(b, kind)
			cs, err := book.Rank(ctx, rfq, focus)
			if err != nil || len(cs) != 100 {
				b.Fatal(len(cs), err)
			}
			loop(b, func() error {
				_, err := book.Rank(ctx, rfq, focus)
				return err
			})
		})
	}
}

// BenchmarkSnapshot1M writes the million-match projection and loads it back: a restart reads this
// instead of the whole log. The load reports the snapshot read per second (MB/s) and the bytes
// allocated per byte of it (alloc-B/B), the projection it rebuilds included.
func BenchmarkSnapshot1M(b *testing.B) {
	book := bigBook(b, "memory")
	var buf bytes.Buffer
	if err := book.SaveSnapshot(&buf); err != nil {
		b.Fatal(err)
	}
	size := buf.Len()
	b.Run("save", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out bytes.Buffer
			out.Grow(size)
			if err := book.SaveSnapshot(&out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(size)/bigMatches, "B/match")
	})
	b.Run("load", func(b *testing.B) {
		e := engine(b)
		b.SetBytes(int64(size))
		b.ReportAllocs()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			fresh := matching.NewBook(book.Log(), e, &matching.Options{Now: func() time.Time { return today }})
			if err := fresh.LoadSnapshot(ctx, bytes.NewReader(buf.Bytes())); err != nil {
				b.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(size), "alloc-B/B")
	})
}

// BenchmarkNormalizeEach20k is the reference price's work done naively, for comparison: the engine
// asked to normalise each of 20,000 prices, without the memo.
func BenchmarkNormalizeEach20k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	ms := make([]matching.Match, 20_000)
	for i := range ms {
		ms[i] = benchMatch(rng, "M", today.AddDate(0, 0, -1-i%80), "HOT")
	}
	e := engine(b)
	r := request("HOT", "100", b2bkit.Net(30))
	loop(b, func() error {
		for _, m := range ms {
			from := pricing.Request{Buyer: m.Buyer, SKU: m.SKU, Quantity: m.Quantity, Terms: m.Terms, Currency: m.Currency}
			if _, err := e.Normalize(m.UnitPrice, from, r); err != nil {
				return err
			}
		}
		return nil
	})
}
