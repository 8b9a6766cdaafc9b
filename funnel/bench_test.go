package funnel_test

import (
	"fmt"
	"iter"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/internal/cputime"
)

// bigCity is a campaign of n targets with streams generated on the fly, so the benchmark measures
// Evaluate and not slices of inputs: touches (one per target), purchases spread over five months,
// wallets (one per target).
func bigCity(n, purchases int) (funnel.Campaign, iter.Seq2[funnel.Touch, error], iter.Seq2[funnel.Purchase, error], iter.Seq2[funnel.Wallet, error], time.Time) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)
	targets := make([]b2bkit.CompanyID, n)
	for i := range targets {
		targets[i] = b2bkit.CompanyID(fmt.Sprintf("company-%07d", i))
	}
	amounts := make([]decimal.Decimal, 97)
	profits := make([]decimal.Decimal, len(amounts))
	for i := range amounts {
		amounts[i] = decimal.New(int64(5_000+i*731), -2)
		profits[i] = decimal.New(int64(500+i*73), -2)
	}
	span := 150 * 24 * time.Hour
	c := funnel.Campaign{Territory: "Hangzhou", Start: start, TimeZone: "Asia/Shanghai", Targets: targets}
	reps := make([]b2bkit.PersonID, 100)
	for i := range reps {
		reps[i] = b2bkit.PersonID(fmt.Sprint("rep-", i))
	}
	touches := func(yield func(funnel.Touch, error) bool) {
		for i, id := range targets {
			t := funnel.Touch{Company: id, Rep: reps[i%len(reps)], Territory: "Hangzhou",
				At: start.Add(time.Duration(i%28) * 24 * time.Hour), Kind: funnel.Visit}
			if !yield(t, nil) {
				return
			}
		}
	}
	buys := func(yield func(funnel.Purchase, error) bool) {
		step := span / time.Duration(purchases)
		for i := range purchases {
			p := funnel.Purchase{Company: targets[(i*7919)%n], At: start.Add(time.Duration(i) * step),
				Amount: amounts[i%len(amounts)], Channel: b2bkit.Channel(1 + i%3), GrossProfit: profits[i%len(profits)]}
			if !yield(p, nil) {
				return
			}
		}
	}
	monthly := decimal.NewFromInt(20_000)
	wallets := func(yield func(funnel.Wallet, error) bool) {
		for _, id := range targets {
			if !yield(funnel.Wallet{Company: id, Monthly: monthly, Method: "survey", AsOf: start, Confidence: 0.5}, nil) {
				return
			}
		}
	}
	return c, touches, buys, wallets, start.Add(span)
}

func BenchmarkEvaluate100kTargets2MPurchases(b *testing.B) {
	c, ts, ps, ws, asOf := bigCity(100_000, 2_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := funnel.Evaluate(c, ts, ps, ws, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate100kTargets200kPurchases shows that memory does not grow with purchases:
// B/op is close to the 2M benchmark's.
func BenchmarkEvaluate100kTargets200kPurchases(b *testing.B) {
	c, ts, ps, ws, asOf := bigCity(100_000, 200_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := funnel.Evaluate(c, ts, ps, ws, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBand(b *testing.B) {
	shares := []decimal.Decimal{dec("0.05"), dec("0.3333"), dec("0.3334"), dec("0.5"), dec("0.81234567")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if !funnel.Band(shares[i%len(shares)]).Valid() {
			b.Fatal("no band")
		}
		i++
	}
}

// BenchmarkEvaluateAll10Territories100kTargets2MPurchases measures ten campaigns of 10k targets each
// in one pass over 2M purchases of all of them.
func BenchmarkEvaluateAll10Territories100kTargets2MPurchases(b *testing.B) {
	c, ts, ps, ws, asOf := bigCity(100_000, 2_000_000)
	cs := make([]funnel.Campaign, 10)
	for k := range cs {
		cs[k] = c
		cs[k].Territory = fmt.Sprint("territory-", k)
		cs[k].Targets = c.Targets[k*10_000 : (k+1)*10_000]
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := funnel.EvaluateAll(cs, ts, ps, ws, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// The SQL peers' campaign (../shared/peers/funnel): 10 territories, 100k targets, 2M purchases, 77k
// touches and 100k wallets, generated here as gen.go generates it. Each benchmark checks every
// territory against what funnel.sql answers on the same records in DuckDB and PostgreSQL, and
// reports the processor time per evaluation beside the time on the clock.

// peersAnswer is what funnel.sql answers at the peers' default size.
const peersAnswer = `T00,10000,7038,4191,4170,6000,0.1196,2285,3010,419,286
T01,10000,7046,4200,4188,6000,0.1193,2324,3013,407,256
T02,10000,6928,4161,4144,6000,0.119,2324,3017,404,255
T03,10000,6977,4152,4144,6000,0.1199,2314,2976,430,280
T04,10000,6973,4165,4152,6000,0.1194,2291,3025,406,278
T05,10000,6963,4155,4148,6000,0.1192,2330,2984,408,278
T06,10000,7027,4193,4186,6000,0.1177,2365,2954,444,237
T07,10000,7018,4182,4171,6000,0.1181,2358,2957,396,289
T08,10000,6983,4134,4117,6000,0.1183,2377,2962,383,278
T09,10000,6917,4146,4128,6000,0.1192,2278,3049,413,260`

// tenTerritories is the peers' campaign, made once for all the benchmarks.
var tenTerritories = sync.OnceValue(func() *territories { return newTerritories(10, 100_000, 2_000_000) })

// measure runs evaluate as the benchmark's loop, checks its reports against want (when given) and
// reports the processor time per evaluation.
func measure(b *testing.B, want string, evaluate func() ([]funnel.Report, error)) {
	b.Helper()
	b.ReportAllocs()
	cpu0 := cputime.Used()
	n := 0
	for b.Loop() {
		rs, err := evaluate()
		if err != nil {
			b.Fatal(err)
		}
		if n++; want != "" && n == 1 {
			lines := make([]string, len(rs))
			for k, r := range rs {
				lines[k] = peerLine(r)
			}
			if got := strings.Join(lines, "\n"); got != want {
				b.Fatalf("not the peers' answer:\n%s", got)
			}
		}
	}
	if cpu1 := cputime.Used(); cpu0 > 0 && n > 0 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
	}
}

// BenchmarkTenTerritories2M is the peers' campaign as a platform runs it every morning: the
// campaigns prepared, the purchases read in minor units in one part per processor, the touches and
// wallets read at the same time as the purchases, the rates and totals without the per-company
// lists.
func BenchmarkTenTerritories2M(b *testing.B) { benchmarkTenTerritories(b, true) }

// BenchmarkTenTerritories2MInTurn reads the touches before the purchases and the wallets after
// them, as an input that does not promise Concurrent is read.
func BenchmarkTenTerritories2MInTurn(b *testing.B) { benchmarkTenTerritories(b, false) }

// benchmarkTenTerritories is BenchmarkTenTerritories2M with the touches and wallets read beside the
// purchases or in turn.
func benchmarkTenTerritories(b *testing.B, concurrent bool) {
	w := tenTerritories()
	parts := runtime.GOMAXPROCS(0)
	measure(b, peersAnswer, func() ([]funnel.Report, error) {
		set, err := funnel.NewCampaigns(w.campaigns)
		if err != nil {
			return nil, err
		}
		return set.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: w.parts(parts),
			MinorWallets: w.minorWallets(), Concurrent: concurrent}, w.asOf, nil)
	})
}

// BenchmarkTenTerritories2MOnePart reads the purchases as one stream, on one goroutine.
func BenchmarkTenTerritories2MOnePart(b *testing.B) {
	w := tenTerritories()
	measure(b, peersAnswer, func() ([]funnel.Report, error) {
		set, err := funnel.NewCampaigns(w.campaigns)
		if err != nil {
			return nil, err
		}
		return set.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: w.parts(1),
			MinorWallets: w.minorWallets()}, w.asOf, nil)
	})
}

// BenchmarkTenTerritories2MDetails also builds the hand-off lists and every customer's share.
func BenchmarkTenTerritories2MDetails(b *testing.B) {
	w := tenTerritories()
	parts := runtime.GOMAXPROCS(0)
	measure(b, peersAnswer, func() ([]funnel.Report, error) {
		set, err := funnel.NewCampaigns(w.campaigns)
		if err != nil {
			return nil, err
		}
		return set.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: w.parts(parts),
			MinorWallets: w.minorWallets()}, w.asOf, &funnel.Options{HandOff: true, Companies: true})
	})
}

// BenchmarkTenTerritories2MPrepared measures the same campaigns again, as each morning does: the set
// is prepared once, outside the loop; the streams are read as in BenchmarkTenTerritories2M.
func BenchmarkTenTerritories2MPrepared(b *testing.B) {
	w := tenTerritories()
	parts := runtime.GOMAXPROCS(0)
	set, err := funnel.NewCampaigns(w.campaigns)
	if err != nil {
		b.Fatal(err)
	}
	measure(b, peersAnswer, func() ([]funnel.Report, error) {
		return set.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: w.parts(parts),
			MinorWallets: w.minorWallets(), Concurrent: true}, w.asOf, nil)
	})
}

// BenchmarkTenTerritories2MDecimal is the reference path: EvaluateAll over one stream of purchases
// whose amounts are decimals made per row, as a driver reading numerics makes them, and every detail.
func BenchmarkTenTerritories2MDecimal(b *testing.B) {
	w := tenTerritories()
	measure(b, peersAnswer, func() ([]funnel.Report, error) {
		return funnel.EvaluateAll(w.campaigns, b2bkit.Stream(w.touches), w.purchases(), w.wallets(), w.asOf)
	})
}

// BenchmarkTenTerritories200k has a tenth of the purchases: the memory it takes is
// BenchmarkTenTerritories2M's, which grows with the targets, not the purchases.
func BenchmarkTenTerritories200k(b *testing.B) {
	w := newTerritories(10, 100_000, 200_000)
	parts := runtime.GOMAXPROCS(0)
	measure(b, "", func() ([]funnel.Report, error) {
		set, err := funnel.NewCampaigns(w.campaigns)
		if err != nil {
			return nil, err
		}
		return set.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: w.parts(parts),
			MinorWallets: w.minorWallets()}, w.asOf, nil)
	})
}

// BenchmarkNewCampaigns100k prepares the peers' ten campaigns of 10k targets each: the part of
// BenchmarkTenTerritories2M that BenchmarkTenTerritories2MPrepared leaves out.
func BenchmarkNewCampaigns100k(b *testing.B) {
	w := tenTerritories()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := funnel.NewCampaigns(w.campaigns); err != nil {
			b.Fatal(err)
		}
	}
}
