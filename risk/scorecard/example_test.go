package scorecard_test

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/shopspring/decimal"
)

// Thirty buyers' worst days past due over the last year, two of them new (no invoice yet, so
// missing), and whether each went 90 days past due in the half year after.
func ExampleBinColumn() {
	worst := scorecard.Column{
		Feature: "worst_days_past_due_12m",
		Numbers: []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 5, 5, 8, 12, 14, 20, 25, 31, 33, 40, 45, 60, 62, 75, 90, 0, 0},
		Missing: make([]bool, 30),
	}
	worst.Missing[28], worst.Missing[29] = true, true
	bad := make([]bool, 30)
	for _, i := range []int{3, 15, 19, 21, 23, 24, 25, 26, 27, 29} {
		bad[i] = true
	}
	b, err := scorecard.BinColumn(worst, bad, &scorecard.BinOptions{Method: scorecard.EqualFrequency, MaxBins: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := b.WriteTable(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// worst_days_past_due_12m  good  bad  share  bad rate      woe      iv
	//                 [-inf, 1)    11    1  0.400     0.083  -1.7047  0.7671
	//                   [1, 21)     6    1  0.233     0.143  -1.0986  0.2197
	//                [21, +inf)     2    7  0.300     0.778   1.9459  1.1675
	//                   missing     1    1  0.067     0.500   0.6931  0.0347
	//                     total    20   10  1.000     0.333           2.1891
}

// A small card from 2,000 buyers: on-time payment rate and the buyer's trade. The sample is
// synthetic (a seeded generator), so the card is the same on every run.
func ExampleBuild() {
	rng := rand.New(rand.NewPCG(2026, 6))
	n := 2000
	onTime := scorecard.Column{Feature: "on_time_rate", Numbers: make([]float64, n)}
	trade := scorecard.Column{Feature: "trade", Categories: make([]string, n)}
	bad := make([]bool, n)
	for i := range n {
		rate := float64(rng.IntN(101)) / 100
		kind := []string{"restaurant", "canteen", "hotel"}[rng.IntN(3)]
		p := 0.35 - 0.3*rate // the chance of going bad
		if kind == "restaurant" {
			p += 0.1
		}
		onTime.Numbers[i], trade.Categories[i], bad[i] = rate, kind, rng.Float64() < p
	}
	m, err := scorecard.Build(scorecard.Data{Columns: []scorecard.Column{onTime, trade}, Bad: bad},
		&scorecard.Options{Name: "trade-credit", Binning: scorecard.BinOptions{MaxBins: 4}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("base %g\n", m.Card.Base)
	for _, v := range m.Variables {
		for k, s := range v.Binning.Bins {
			fmt.Printf("%-14s %-22s %4g\n", v.Binning.Feature, s.Label(v.Binning.Closed), v.Points[k])
		}
	}
	for _, g := range m.Card.Grades {
		fmt.Printf("grade %s from %g\n", g.Grade, g.MinScore)
	}
	fmt.Printf("KS %.3f, AUC %.3f\n", m.Train.KS, m.Train.AUC)

	// The card is a risk.Scorecard: risk scores a buyer's features with it.
	r, err := m.Card.Score(risk.FeatureSet{Company: "golden-wok", Values: risk.ValuesOf(map[risk.Feature]risk.Value{
		"on_time_rate": {Number: decimal.RequireFromString("0.80")},
		"trade":        {Category: "restaurant"},
	})})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("golden-wok: score %g, grade %s, reason %s\n", r.Score, r.Grade, r.Reasons()[0].Code)
	// Output:
	// base 478
	// on_time_rate   [-inf, 0.24)            -42
	// on_time_rate   [0.24, 0.43)            -19
	// on_time_rate   [0.43, 0.75)             12
	// on_time_rate   [0.75, +inf)             54
	// trade          canteen, hotel           19
	// trade          restaurant              -33
	// grade A from 509
	// grade B from 499
	// grade C from 478
	// grade D from 455
	// grade E from 403
	// KS 0.238, AUC 0.662
	// golden-wok: score 499, grade B, reason R_TRADE
}
