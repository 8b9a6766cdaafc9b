package risk

import "github.com/shopspring/decimal"

// DefaultScorecard is a scorecard for trade credit (赊销) to buyers in CNY, built from the platform's
// own trades (R17): base 600, points in the usual spread (roughly 20 points per step of risk), grades
// A (680 and up), B (640), C (600), D (560) and E (below 560).
//
// It is a starting point, not a validated model: its bins and points are judgement, not fitted to
// any default data. Its money bins (avg_monthly_value_12m) assume CNY. Fit a card to the platform's
// own repayment history (risk/scorecard builds one) before lending real money on it.
//
// The attributes, each with the points of a missing value:
//   - tenure_months: <3 -30, 3-6 -15, 6-12 0, 12-24 15, 24+ 25; missing -30 (no orders yet).
//   - avg_monthly_value_12m (CNY): <10k -20, 10k-50k 0, 50k-200k 10, 200k-1m 20, 1m+ 25; missing -20.
//   - trend_3m_vs_9m: <0.5 -30, 0.5-0.8 -15, 0.8-1.2 0, 1.2+ 10; missing -5 (the 12 months not yet covered by the buyer's orders).
//   - on_time_rate: <0.70 -45, 0.70-0.85 -20, 0.85-0.95 0, 0.95+ 20; missing -10 (nothing due yet).
//   - days_past_due: 0 10, 1-14 -10, 15-29 -30, 30-59 -60, 60+ -100; missing 0.
//   - worst_days_past_due_12m: 0 15, 1-29 0, 30-59 -25, 60-89 -50, 90+ -80; missing 0.
//   - dispute_rate: <0.01 10, 0.01-0.03 0, 0.03-0.08 -20, 0.08+ -40; missing 0.
//   - seller_concentration: <0.3 5, 0.3-0.6 0, 0.6-0.9 -5, 0.9+ -10; missing -5.
//   - key_person_lost: 0 5, 1 -35; missing 0 (the host has no person CRM).
//   - penetration: <0.1 -15 (replaceable), 0.1-1/3 0, 1/3-0.5 10 (safe), 0.5+ 20 (strong); missing -5.
//     The bin edge 0.3333 is 1/3 at RatioScale places, as the feature is rounded.
//
// Every range is [low, high): "0.85-0.95" includes 0.85 and excludes 0.95. The edges are written at
// the features' scale (ratios at RatioScale places, money at 2), which Score compares fastest.
func DefaultScorecard() Scorecard {
	return Scorecard{
		Name:     "b2bkit-trade-credit",
		Version:  "2026-11",
		Currency: "CNY",
		Base:     600,
		Attributes: []Attribute{
			defRanges(TenureMonths, "R_TENURE", -30, []string{"3", "6", "12", "24"}, -30, -15, 0, 15, 25),
			defRanges(AvgMonthlyValue12, "R_VOLUME", -20, []string{"10000.00", "50000.00", "200000.00", "1000000.00"}, -20, 0, 10, 20, 25),
			defRanges(Trend, "R_TREND", -5, []string{"0.5000", "0.8000", "1.2000"}, -30, -15, 0, 10),
			defRanges(OnTimeRate, "R_ON_TIME", -10, []string{"0.7000", "0.8500", "0.9500"}, -45, -20, 0, 20),
			defRanges(DaysPastDue, "R_PAST_DUE", 0, []string{"1", "15", "30", "60"}, 10, -10, -30, -60, -100),
			defRanges(WorstDaysPastDue12, "R_WORST_PAST_DUE", 0, []string{"1", "30", "60", "90"}, 15, 0, -25, -50, -80),
			defRanges(DisputeRate, "R_DISPUTES", 0, []string{"0.0100", "0.0300", "0.0800"}, 10, 0, -20, -40),
			defRanges(SellerConcentration, "R_CONCENTRATION", -5, []string{"0.3000", "0.6000", "0.9000"}, 5, 0, -5, -10),
			defRanges(KeyPersonLost, "R_KEY_PERSON", 0, []string{"1"}, 5, -35),
			defRanges(Penetration, "R_PENETRATION", -5, []string{"0.1000", "0.3333", "0.5000"}, -15, 0, 10, 20),
		},
		Grades: []GradeBand{{"A", 680}, {"B", 640}, {"C", 600}, {"D", 560}, {"E", 0}},
	}
}

// DefaultLimitPolicy is a credit-limit policy (授信政策) for DefaultScorecard's grades, in CNY: the
// limit is the grade's multiple of what the buyer owes at steady state on its usual terms (monthly
// volume x credit months), capped, rounded down to 1,000, reviewed every 90 days.
//
//	grade  multiple  cap
//	A      2         2,000,000
//	B      1.5       1,000,000
//	C      1         500,000
//	D      0.5       100,000
//	E      0         0          (no credit)
//
// Like the card, it is a starting point to be set by the platform's own risk appetite.
func DefaultLimitPolicy() LimitPolicy {
	return LimitPolicy{
		Currency:   "CNY",
		Step:       decimal.New(1000, 0),
		ReviewDays: 90,
		Grades: []GradeLimit{
			{Grade: "A", Multiple: decimal.New(2, 0), Cap: decimal.New(2_000_000, 0)},
			{Grade: "B", Multiple: decimal.New(15, -1), Cap: decimal.New(1_000_000, 0)},
			{Grade: "C", Multiple: decimal.New(1, 0), Cap: decimal.New(500_000, 0)},
			{Grade: "D", Multiple: decimal.New(5, -1), Cap: decimal.New(100_000, 0)},
			{Grade: "E", Multiple: decimal.Zero, Cap: decimal.Zero},
		},
	}
}

// defRanges builds a numeric attribute with bins cut at edges (increasing), the first open below and
// the last open above, and points[i] for bin i (len(edges)+1 of them).
func defRanges(f Feature, code string, missing float64, edges []string, points ...float64) Attribute {
	bins := make([]Bin, len(points))
	for i := range bins {
		bins[i].Points = points[i]
		if i > 0 {
			bins[i].Min = bins[i-1].Max // one edge, shared: see scoreShareBounds
		}
		if i < len(edges) {
			hi := decimal.RequireFromString(edges[i])
			bins[i].Max = &hi
		}
	}
	return Attribute{Feature: f, Code: code, Bins: bins, MissingPoints: &missing}
}
