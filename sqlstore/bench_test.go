package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
)

// The benchmarks compare each store with the in-memory default on the same work, at the sizes a
// platform has: sub-benchmarks memory, sqlite and postgres (the last needs B2BKIT_POSTGRES_DSN).

// stores are the three back ends a benchmark runs on; open returns nil for memory.
var stores = []struct {
	name string
	open func(testing.TB) *sqlstore.DB
}{{"memory", nil}, {"sqlite", openSQLite}, {"postgres", openPostgres}}

// BenchmarkImport1M loads 1,000,000 matches, not in time order, into an empty log with Import.
// Targets: 20 s on PostgreSQL, 30 s on SQLite. (The in-memory log has no bulk path; its Append is
// measured by BenchmarkAppend.)
func BenchmarkImport1M(b *testing.B) {
	ms := history(1_000_000)
	for _, s := range stores[1:] {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				l := s.open(b).Matches()
				b.StartTimer()
				if err := importAll(l, ms); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func importAll(l matching.Log, ms []matching.Match) error {
	if sl, ok := l.(*sqlstore.MatchLog); ok {
		_, err := sl.Import(context.Background(), b2bkit.Stream(ms))
		return err
	}
	for _, m := range ms {
		if err := l.Append(context.Background(), m); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkAppend appends one new match at a time, in time order, as a platform records each deal.
func BenchmarkAppend(b *testing.B) {
	ms := history(200_000)
	slices.SortStableFunc(ms, func(x, y matching.Match) int { return x.At.Compare(y.At) })
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			var l matching.Log = matching.NewMemoryLog()
			if s.open != nil {
				l = s.open(b).Matches()
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				if err := l.Append(context.Background(), ms[i%len(ms)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// A million-match log per back end, loaded once per test binary (with Import on the SQL ones,
// Append on the in-memory one) and removed by TestMain.
var (
	bigMu   sync.Mutex
	bigLogs = map[string]matching.Log{}
	bigDone []func()
)

// millionLog returns the back end's log holding history(1_000_000), loading it the first time.
func millionLog(b *testing.B, store string) matching.Log {
	bigMu.Lock()
	defer bigMu.Unlock()
	if l, ok := bigLogs[store]; ok {
		return l
	}
	ms := history(1_000_000)
	var l matching.Log
	switch store {
	case "memory":
		l = matching.NewMemoryLog()
	case "sqlite":
		dir, err := os.MkdirTemp("", "b2bkit-bench")
		if err != nil {
			b.Fatal(err)
		}
		db, err := sqlstore.OpenSQLite(filepath.Join(dir, "big.db"))
		if err != nil {
			b.Fatal(err)
		}
		bigDone = append(bigDone, func() { db.Close(); os.RemoveAll(dir) })
		l = db.Matches()
	case "postgres":
		dsn := os.Getenv(envPostgres)
		if dsn == "" {
			b.Skipf("PostgreSQL benchmarks skipped: set %s", envPostgres)
		}
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := admin.Exec("CREATE SCHEMA bench_big"); err != nil {
			b.Fatal(err)
		}
		db, err := sqlstore.OpenPostgres(withSearchPath(dsn, "bench_big"))
		if err != nil {
			b.Fatal(err)
		}
		bigDone = append(bigDone, func() {
			db.Close()
			_, _ = admin.Exec("DROP SCHEMA bench_big CASCADE")
			admin.Close()
		})
		l = db.Matches()
	}
	if err := importAll(l, ms); err != nil {
		b.Fatal(err)
	}
	bigLogs[store] = l
	return l
}

// TestMain removes the benchmarks' million-match logs after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, done := range bigDone {
		done()
	}
	os.Exit(code)
}

// BenchmarkProjection1M builds a matching.Book's projection from a million-match log — reading
// every entry with Since, as a server does when it starts — over each back end: the one cost of a
// SQL log the in-memory one does not have, after which the Book answers from memory.
func BenchmarkProjection1M(b *testing.B) {
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			l := millionLog(b, s.name)
			now := func() time.Time { return epoch.AddDate(2, 0, 0) }
			b.ReportAllocs()
			for b.Loop() {
				if err := matching.NewBook(l, nil, &matching.Options{Now: now}).Refresh(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReferencePrice90Days1M asks a Book over each back end for a SKU's reference price over
// 90 days among a million matches (about 60 of them, a third fulfilled), as a quote desk does: the
// Book answers from its projection, so every log answers alike.
func BenchmarkReferencePrice90Days1M(b *testing.B) {
	engine := restaurantEngine(b, time.Date(2026, 3, 2, 9, 0, 0, 0, cst))
	end := epoch.AddDate(2, 0, 0)
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			book := matching.NewBook(millionLog(b, s.name), engine, &matching.Options{Now: func() time.Time { return end }})
			if err := book.Refresh(context.Background()); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(9, 0))
			trades := 0
			b.ReportAllocs()
			for b.Loop() {
				sku := b2bkit.SKU(fmt.Sprintf("SKU-%04d", rng.IntN(2000)))
				r := pricing.Request{Buyer: "B-0001", SKU: sku, Quantity: decimal.NewFromInt(100),
					Terms: b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: end, DeliverBy: end.AddDate(0, 0, 7)}}
				ref, err := book.ReferencePrice(context.Background(), sku, r, 90*24*time.Hour)
				if err != nil && !errors.Is(err, b2bkit.ErrNotFound) {
					b.Fatal(err)
				}
				trades += ref.Count
			}
			b.ReportMetric(float64(trades)/float64(b.N), "trades/op")
		})
	}
}

// restaurantEngine is pricing's seven-step restaurant policy over an empty price list, its clock
// at now.
func restaurantEngine(b *testing.B, now time.Time) *pricing.Engine {
	f, err := os.Open("../pricing/testdata/restaurant.json")
	if err != nil {
		b.Fatal(err)
	}
	policy, err := pricing.LoadPolicy(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	e, err := pricing.NewEngine(policy, &pricing.PriceList{}, &pricing.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkCommittee50Spells reads the buying committee of an account with 50 spells, past and
// current, as a rep's app does on every account view (crm's own benchmark, over each store).
func BenchmarkCommittee50Spells(b *testing.B) {
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			var st crm.Store = crm.NewMemoryStore()
			if s.open != nil {
				st = s.open(b).CRM()
			}
			day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
			c := crm.New(st, &crm.Options{Now: func() time.Time { return day(2026, 1, 1) }})
			ctx := context.Background()
			if _, err := c.AddCompany(ctx, crm.Company{ID: "A", Name: "A", Stage: crm.Repurchasing}); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(50, 1))
			for i := range 50 {
				id := b2bkit.PersonID(fmt.Sprintf("p%02d", i))
				if _, err := c.AddPerson(ctx, crm.Person{ID: id, Name: "Person"}); err != nil {
					b.Fatal(err)
				}
				start := day(2015, 1, 1).AddDate(0, 0, rng.IntN(3000))
				end := time.Time{}
				if i%2 == 0 {
					end = start.AddDate(0, 0, 1+rng.IntN(900))
				}
				if _, err := c.StartJob(ctx, crm.Job{Person: id, Company: "A", Title: "staff", Roles: []crm.Role{crm.Role(i % 4)}, Start: start, End: end}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				com, err := c.Committee(ctx, "A", day(2026, 1, 1))
				if err != nil || len(com.Seats) != 4 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQuoteCatalog10k quotes one buyer's whole 10,000-SKU catalog through pricing's seven-step
// restaurant policy; over the SQL price list QuoteMany asks ListPrices a block at a time.
func BenchmarkQuoteCatalog10k(b *testing.B) {
	f, err := os.Open("../pricing/testdata/restaurant.json")
	if err != nil {
		b.Fatal(err)
	}
	policy, err := pricing.LoadPolicy(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	order := time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
	prices := make([]pricing.ListPrice, 10_000)
	reqs := make([]pricing.Request, len(prices))
	for i := range prices {
		sku := b2bkit.SKU(fmt.Sprintf("SKU-%05d", i))
		prices[i] = pricing.ListPrice{SKU: sku, Price: decimal.RequireFromString(fmt.Sprintf("%d.%02d", 10+i%500, i%100)),
			Currency: "CNY", Cost: decimal.NewFromInt(int64(8 + i%500))}
		reqs[i] = pricing.Request{Buyer: "golden-dragon", SKU: sku, Quantity: decimal.NewFromInt(int64(1 + i%2000)), Tier: "gold",
			Terms: b2bkit.Terms{Payment: b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60), OrderedAt: order, DeliverBy: order.AddDate(0, 0, 10)}}
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			var src pricing.PriceSource
			if s.open == nil {
				l, err := pricing.NewPriceList(prices...)
				if err != nil {
					b.Fatal(err)
				}
				src = l
			} else {
				l := s.open(b).Prices()
				if err := l.Set(context.Background(), prices...); err != nil {
					b.Fatal(err)
				}
				src = l
			}
			e, err := pricing.NewEngine(policy, src, &pricing.Options{Now: func() time.Time { return order }})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.QuoteMany(context.Background(), reqs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
