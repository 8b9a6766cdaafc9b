package funnel_test

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
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
