package funnel_test

import (
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
)

func ExampleEvaluate() {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, loc) }
	c := funnel.Campaign{Territory: "Hangzhou", Start: time.Date(2026, 3, 1, 0, 0, 0, 0, loc), TimeZone: "Asia/Shanghai",
		Targets: []b2bkit.CompanyID{"noodle-bar", "hotpot", "canteen", "bakery"}}
	touches := []funnel.Touch{
		{Company: "noodle-bar", Rep: "li", Territory: "Hangzhou", At: day(3, 2), Kind: funnel.Visit},
		{Company: "hotpot", Rep: "li", Territory: "Hangzhou", At: day(3, 3), Kind: funnel.Visit},
		{Company: "canteen", Rep: "wang", Territory: "Hangzhou", At: day(3, 4), Kind: funnel.Onboarding},
	}
	purchase := func(c b2bkit.CompanyID, at time.Time, amount string, ch b2bkit.Channel) funnel.Purchase {
		return funnel.Purchase{Company: c, At: at, Amount: decimal.RequireFromString(amount), Channel: ch}
	}
	purchases := []funnel.Purchase{
		purchase("noodle-bar", day(4, 6), "800", b2bkit.Manual),
		purchase("hotpot", day(4, 9), "1200", b2bkit.Manual),
		purchase("noodle-bar", day(5, 6), "900", b2bkit.SemiAuto),
		purchase("canteen", day(5, 20), "500", b2bkit.Manual), // late: not a month-2 conversion
	}
	r, err := funnel.Evaluate(c, b2bkit.Stream(touches), b2bkit.Stream(purchases), nil, day(6, 15))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("coverage:  ", r.Coverage)
	fmt.Println("conversion:", r.Conversion)
	fmt.Println("repurchase:", r.Repurchase)
	fmt.Println("chase now: ", r.Phase)
	for _, h := range r.HandOff {
		fmt.Println("hand off:  ", h.Company, h.Stage, h.Rep)
	}
	// Output:
	// coverage:   3/4 = 75.00%
	// conversion: 2/3 = 66.67%
	// repurchase: 1/2 = 50.00%
	// chase now:  penetration
	// hand off:   noodle-bar repurchasing li
	// hand off:   canteen converted wang
	// hand off:   hotpot converted li
}

func ExampleEvaluateAll() {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, loc) }
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	campaigns := []funnel.Campaign{
		{Territory: "Hangzhou", Start: start, TimeZone: "Asia/Shanghai", Targets: []b2bkit.CompanyID{"noodle-bar", "hotpot"}},
		{Territory: "Ningbo", Start: start, TimeZone: "Asia/Shanghai", Targets: []b2bkit.CompanyID{"seafood", "canteen", "bakery"}},
	}
	// One stream of touches and one of purchases for both cities. Each city's team is the reps who
	// worked it: li in Hangzhou (who also crossed over once), wang and li in Ningbo.
	touches := []funnel.Touch{
		{Company: "noodle-bar", Rep: "li", Territory: "Hangzhou", At: day(3, 2)},
		{Company: "hotpot", Rep: "li", Territory: "Hangzhou", At: day(3, 3)},
		{Company: "seafood", Rep: "wang", Territory: "Ningbo", At: day(3, 4)},
		{Company: "canteen", Rep: "li", Territory: "Ningbo", At: day(3, 5)}, // li crossed over
	}
	purchases := []funnel.Purchase{
		{Company: "noodle-bar", At: day(4, 6), Amount: decimal.NewFromInt(800), Channel: b2bkit.Manual},
		{Company: "seafood", At: day(4, 7), Amount: decimal.NewFromInt(300), Channel: b2bkit.Manual},
		{Company: "canteen", At: day(4, 8), Amount: decimal.NewFromInt(500), Channel: b2bkit.SemiAuto},
	}
	reports, err := funnel.EvaluateAll(campaigns, b2bkit.Stream(touches), b2bkit.Stream(purchases), nil, day(5, 15))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range reports {
		fmt.Printf("%-8s coverage %s, conversion %s, team in territory %d of %d touches\n",
			r.Territory, r.Coverage, r.Conversion, r.Concentration.InTerritory, r.Concentration.Touches)
	}
	// Output:
	// Hangzhou coverage 2/2 = 100.00%, conversion 1/2 = 50.00%, team in territory 2 of 3 touches
	// Ningbo   coverage 2/3 = 66.67%, conversion 2/2 = 100.00%, team in territory 2 of 4 touches
}

func ExampleCampaigns_Evaluate() {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, loc) }
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	// Prepared once; measured every morning.
	set, err := funnel.NewCampaigns([]funnel.Campaign{
		{Territory: "Hangzhou", Start: start, TimeZone: "Asia/Shanghai", Targets: []b2bkit.CompanyID{"noodle-bar", "hotpot", "canteen"}},
		{Territory: "Ningbo", Start: start, TimeZone: "Asia/Shanghai", Targets: []b2bkit.CompanyID{"seafood", "bakery"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	touches := []funnel.Touch{
		{Company: "noodle-bar", Rep: "li", At: day(3, 2)}, {Company: "hotpot", Rep: "li", At: day(3, 3)},
		{Company: "seafood", Rep: "wang", At: day(3, 4)}, {Company: "bakery", Rep: "wang", At: day(3, 9)},
	}
	// Amounts in minor units (MinorScale places: 800.00 is 8_000_000), as integers come from the
	// database, in two parts the host can read at the same time: two cursors, two months.
	april := []funnel.MinorPurchase{
		{Company: "noodle-bar", At: day(4, 6), Amount: 8_000_000, Channel: b2bkit.Manual},
		{Company: "seafood", At: day(4, 7), Amount: 3_000_000, Channel: b2bkit.Manual},
	}
	may := []funnel.MinorPurchase{
		{Company: "noodle-bar", At: day(5, 6), Amount: 9_000_000, Channel: b2bkit.SemiAuto},
		{Company: "bakery", At: day(5, 8), Amount: 5_000_000, Channel: b2bkit.Manual},
	}
	reports, err := set.Evaluate(funnel.Input{
		Touches:        b2bkit.Stream(touches),
		MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{b2bkit.Stream(april), b2bkit.Stream(may)},
		Concurrent:     true, // slices in memory: the touches can be read beside the purchases too
	}, day(6, 15), nil) // nil options: the rates and totals, no per-company lists
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range reports {
		fmt.Printf("%-8s coverage %s, conversion %s, repurchase %s, hand-off ready %t, listed %d\n",
			r.Territory, r.Coverage, r.Conversion, r.Repurchase, r.HandOffReady, len(r.HandOff))
	}
	// Output:
	// Hangzhou coverage 2/3 = 66.67%, conversion 1/2 = 50.00%, repurchase 1/1 = 100.00%, hand-off ready true, listed 0
	// Ningbo   coverage 2/2 = 100.00%, conversion 1/2 = 50.00%, repurchase 0/1 = 0.00%, hand-off ready true, listed 0
}

func ExampleBand() {
	for _, s := range []string{"0.08", "0.1", "0.3333", "0.3334", "0.5", "0.8"} {
		fmt.Println(s, funnel.Band(decimal.RequireFromString(s)))
	}
	// One third exactly is safe; decide on the fraction, not on a rounded share.
	fmt.Println("1000/3000", funnel.BandOf(decimal.NewFromInt(1000), decimal.NewFromInt(3000)))
	// Output:
	// 0.08 replaceable
	// 0.1 marginal
	// 0.3333 marginal
	// 0.3334 safe
	// 0.5 safe
	// 0.8 strong
	// 1000/3000 safe
}

func ExamplePlan() {
	cities := []funnel.City{{Name: "Hangzhou", Targets: 18_000}, {Name: "Ningbo", Targets: 9_000}, {Name: "Wenzhou", Targets: 12_000}}
	d, err := funnel.Plan(90, cities, 10, 22)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range d.Steps {
		fmt.Printf("%-8s month %d, %2d workdays | spread: %d reps, %d months, %s%% in month 1\n",
			s.City, s.Month, s.Workdays, s.SpreadReps, s.SpreadMonths, s.SpreadMonth1.Shift(2).StringFixed(1))
	}
	fmt.Println("concentrated:", d.ConcentratedMonths, "months; spread:", d.SpreadMonths, "months")
	// Output:
	// Hangzhou month 1, 20 workdays | spread: 30 reps, 3 months, 36.7% in month 1
	// Ningbo   month 2, 10 workdays | spread: 30 reps, 2 months, 73.3% in month 1
	// Wenzhou  month 3, 14 workdays | spread: 30 reps, 2 months, 55.0% in month 1
	// concentrated: 3 months; spread: 3 months
}

func ExampleCohorts() {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	run := func(territory string, month time.Month, reached int) funnel.Report {
		c := funnel.Campaign{Territory: territory, Start: time.Date(2026, month, 1, 0, 0, 0, 0, loc),
			TimeZone: "Asia/Shanghai", Targets: []b2bkit.CompanyID{"a", "b", "c", "d"}}
		var ts []funnel.Touch
		for _, id := range c.Targets[:reached] {
			ts = append(ts, funnel.Touch{Company: id, Rep: "r", Territory: territory, At: c.Start.Add(time.Hour), Kind: funnel.Visit})
		}
		r, _ := funnel.Evaluate(c, b2bkit.Stream(ts), nil, nil, time.Date(2026, 6, 1, 0, 0, 0, 0, loc))
		return r
	}
	t, _ := funnel.Cohorts(run("Ningbo", 4, 2), run("Hangzhou", 3, 4))
	t.WriteTo(os.Stdout)
	// Output:
	// territory  start    month  targets  coverage  conversion  repurchase  penetration
	// Hangzhou   2026-03  4      4        100.00%   0.00%       0.00%       0.00%
	// Ningbo     2026-04  3      4        50.00%    0.00%       0.00%*      0.00%
}
