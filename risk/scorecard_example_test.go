package risk_test

import (
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// exampleBuyer is what a year of trades says of a restaurant chain buying on net 45: on time mostly,
// one invoice 20 days late now, a flat trend, and no wallet estimate, so no penetration.
func exampleBuyer() risk.FeatureSet {
	num := func(s string) risk.Value { return risk.Value{Number: decimal.RequireFromString(s)} }
	return risk.FeatureSet{
		Company:  "golden-dragon",
		AsOf:     time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
		Currency: "CNY",
		Scale:    2,
		Values: risk.ValuesOf(map[risk.Feature]risk.Value{
			risk.TenureMonths:        num("30"),
			risk.AvgMonthlyValue12:   num("84000.00"),
			risk.Trend:               num("1.05"),
			risk.OnTimeRate:          num("0.8"),
			risk.DaysPastDue:         num("20"),
			risk.WorstDaysPastDue12:  num("20"),
			risk.DisputeRate:         num("0.004"),
			risk.SellerConcentration: num("0.45"),
			risk.KeyPersonLost:       num("0"),
			risk.Penetration:         {Missing: true},
			risk.UsualCreditDays:     num("45"),
		}),
	}
}

// A platform compiles its card once and keeps the compiled card for every order check.
func ExampleCompiledScorecard_Score() {
	cc, err := risk.DefaultScorecard().Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := cc.Score(exampleBuyer())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("score %g, grade %s\n", r.Score, r.Grade)
	for _, rs := range r.Reasons() {
		fmt.Printf("%-17s %-24s lost %3g (got %g of %g)\n", rs.Code, rs.Feature, rs.Lost, rs.Points, rs.Best)
	}
	// Output:
	// score 595, grade D
	// R_ON_TIME         on_time_rate             lost  40 (got -20 of 20)
	// R_PAST_DUE        days_past_due            lost  40 (got -30 of 10)
	// R_PENETRATION     penetration              lost  25 (got -5 of 20)
	// R_VOLUME          avg_monthly_value_12m    lost  15 (got 10 of 25)
	// R_WORST_PAST_DUE  worst_days_past_due_12m  lost  15 (got 0 of 15)
	// R_TREND           trend_3m_vs_9m           lost  10 (got 0 of 10)
	// R_CONCENTRATION   seller_concentration     lost   5 (got 0 of 5)
}

// The card itself scores exactly as its compiled form, without compiling: for one buyer now and
// then. A platform scoring every order compiles it (see CompiledScorecard.Score).
func ExampleScorecard_Score() {
	card := risk.DefaultScorecard()
	r, err := card.Score(exampleBuyer())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("score %g, grade %s, worst reason %s\n", r.Score, r.Grade, r.Reasons()[0].Code)
	// Output:
	// score 595, grade D, worst reason R_ON_TIME
}

func ExampleLimitPolicy_Limit() {
	card, policy := risk.DefaultScorecard(), risk.DefaultLimitPolicy()
	if err := policy.ValidateFor(card); err != nil {
		fmt.Println(err)
		return
	}
	fs := exampleBuyer()
	r, err := card.Score(fs)
	if err != nil {
		fmt.Println(err)
		return
	}
	l, err := policy.Limit(fs, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("limit %s %s for %s, grade %s, review %s\n", l.Amount.StringFixed(2), l.Currency, l.Company, l.Grade,
		l.ReviewAt.Format("2006-01-02"))
	for _, line := range l.Log {
		fmt.Printf("%-28s %-16s %s\n", line.What, line.Figure, line.Source)
	}
	// Output:
	// limit 63000.00 CNY for golden-dragon, grade D, review 2027-02-25
	// grade                        D                scorecard result, score 595
	// multiple                     0.5              limit policy, grade D
	// average monthly volume (12m) 84000.00         feature avg_monthly_value_12m
	// usual credit days            45               feature usual_credit_days
	// credit months                1.5000           usual credit days / 30, rounded half up to 4 places
	// raw limit                    63000            multiple x average monthly volume x credit months
	// cap                          100000           limit policy, grade D
	// limit                        63000.00 CNY     min(raw limit, cap) = 63000, rounded down to a multiple of 1000
	// review date                  2027-02-25       as of 2026-11-27 + 90 days
}
