package funnel_test

import (
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	may20 = at(5, 20) // month 3, still open
	jul10 = at(7, 10) // month 5: months 1-4 closed
)

func TestR6_CoverageCountsTargetsTouchedInMonth1(t *testing.T) {
	r := evaluateCity(t, may20)
	// C01-C15 were touched in March; C16 only in April, C17 only in Shanghai, C18 before the start.
	requireRate(t, 15, 20, "0.75", true, r.Coverage, "coverage")
	require.True(t, r.Coverage.From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)))
	require.True(t, r.Coverage.To.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai)))
}

func TestR6_ConversionCountsOnlyMonth2OrdersOfCoveredCompanies(t *testing.T) {
	r := evaluateCity(t, may20)
	// C01-C10 ordered in April (C10 at 00:00 on 1 April). Not counted: C08, which had ordered in
	// February and so was a customer already (in neither numerator nor denominator); C11 (late, May),
	// C12 and C13 (March, C13 one second before midnight), C16 and C17 (ordered in April but not
	// covered in March).
	requireRate(t, 9, 14, "0.6429", true, r.Conversion, "conversion")
	require.Equal(t, 1, r.Existing)
}

func TestR6_RepurchaseIncompleteUntilMonth3Closes(t *testing.T) {
	r := evaluateCity(t, may20)
	// By 20 May C01-C06 ordered again; C07's order of 25 May is after asOf and not counted.
	requireRate(t, 6, 9, "0.6667", false, r.Repurchase, "repurchase")
	require.Equal(t, 3, r.Month)
	require.Equal(t, funnel.RepurchasePhase, r.Phase)

	r = evaluateCity(t, jul10)
	requireRate(t, 7, 9, "0.7778", true, r.Repurchase, "repurchase")
	requireRate(t, 15, 20, "0.75", true, r.Coverage, "coverage")
	requireRate(t, 9, 14, "0.6429", true, r.Conversion, "conversion")
	require.Equal(t, 5, r.Month)
	require.Equal(t, funnel.PenetrationPhase, r.Phase)
}

func TestR6_NothingAfterAsOfIsCounted(t *testing.T) {
	r := evaluateCity(t, may20)
	ex := r.Excluded.Purchases
	// C07 25 May, C01 and C05 in June, C01 in July.
	require.Equal(t, 4, ex.AfterAsOf)
	require.Equal(t, 1, ex.BeforeStart)
	require.Equal(t, 1, ex.NotTarget)
	require.Equal(t, []b2bkit.CompanyID{"X99"}, ex.Unknown)
	require.Equal(t, 1, r.Excluded.Touches.OutsideTerritory)
	require.Equal(t, 1, r.Excluded.Touches.NotTarget)
	require.Equal(t, 1, r.Excluded.Touches.BeforeStart)
	require.Len(t, r.Channels, 3)
	require.False(t, r.Channels[2].Complete)
	require.Equal(t, 7, r.Channels[2].Orders()) // May orders up to the 20th
}

func TestR6_PhaseFollowsTheCalendarMonth(t *testing.T) {
	cases := []struct {
		asOf  time.Time
		month int
		phase funnel.Phase
	}{
		{time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), 1, funnel.CoveragePhase},
		{time.Date(2026, 3, 31, 23, 59, 59, 0, shanghai), 1, funnel.CoveragePhase},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai), 2, funnel.ConversionPhase},
		{at(5, 1), 3, funnel.RepurchasePhase},
		{at(6, 1), 4, funnel.PenetrationPhase},
		{time.Date(2028, 1, 1, 0, 0, 0, 0, shanghai), 23, funnel.PenetrationPhase},
	}
	for _, c := range cases {
		r := evaluateCity(t, c.asOf)
		assert.Equal(t, c.month, r.Month, c.asOf.String())
		assert.Equal(t, c.phase, r.Phase, c.asOf.String())
		assert.Equal(t, c.phase.String(), r.Phase.String())
	}
}

func TestR6_WindowsAreCalendarMonthsInTheCampaignZone(t *testing.T) {
	// A campaign starting on 31 January: month 2 begins on 28 February, month 3 on 31 March.
	c := funnel.Campaign{Territory: "T", Start: time.Date(2027, 1, 31, 0, 0, 0, 0, shanghai), TimeZone: "Asia/Shanghai",
		Targets: []b2bkit.CompanyID{"A"}}
	r, err := funnel.Evaluate(c, nil, nil, nil, time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.True(t, r.Conversion.From.Equal(time.Date(2027, 2, 28, 0, 0, 0, 0, shanghai)), r.Conversion.From.String())
	require.True(t, r.Repurchase.From.Equal(time.Date(2027, 3, 31, 0, 0, 0, 0, shanghai)), r.Repurchase.From.String())
	require.True(t, r.Repurchase.To.Equal(time.Date(2027, 4, 30, 0, 0, 0, 0, shanghai)), r.Repurchase.To.String())
}

// TestR6_StartIsACalendarDateInTheCampaignZone: month 1 starts at midnight of the start's date in the
// campaign's zone, whatever location the start was given in. Midnight of a date in any location (in
// JSON, "2026-03-01T00:00:00Z") is that date; any other instant must fall on the same date where it
// was given and in the campaign's zone, or it is refused as ambiguous rather than shifted a day.
func TestR6_StartIsACalendarDateInTheCampaignZone(t *testing.T) {
	newYork, chicago := mustLoc("America/New_York"), mustLoc("America/Chicago")
	cases := []struct {
		name  string
		zone  string
		start time.Time
		want  time.Time // zero: refused
	}{
		{"UTC midnight, western zone", "America/New_York", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, newYork)},
		{"UTC midnight, eastern zone", "Asia/Shanghai", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)},
		{"midnight in another zone", "America/Chicago", time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), time.Date(2026, 3, 1, 0, 0, 0, 0, chicago)},
		{"midnight in the zone, given in UTC", "Asia/Shanghai", time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)},
		{"midnight in the zone, given in UTC, western", "America/New_York", time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, newYork)},
		{"same date both ways", "Asia/Shanghai", time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)},
		{"local time in the zone", "America/New_York", time.Date(2026, 3, 1, 21, 0, 0, 0, newYork), time.Date(2026, 3, 1, 0, 0, 0, 0, newYork)},
		{"empty zone is UTC", "", time.Date(2026, 3, 1, 0, 0, 0, 0, newYork), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"UTC evening is the next day in Shanghai", "Asia/Shanghai", time.Date(2027, 1, 31, 16, 30, 0, 0, time.UTC), time.Time{}},
		{"UTC morning is the day before in New York", "America/New_York", time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC), time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			camp := funnel.Campaign{Territory: "T", Start: c.start, TimeZone: c.zone, Targets: []b2bkit.CompanyID{"A"}}
			r, err := funnel.Evaluate(camp, nil, nil, nil, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
			if c.want.IsZero() {
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "start: ")
				require.ErrorContains(t, camp.Validate(), "start: ")
				return
			}
			require.NoError(t, err)
			require.NoError(t, camp.Validate())
			require.True(t, r.Start.Equal(c.want), "start %s, want %s", r.Start, c.want)
			require.True(t, r.Coverage.From.Equal(c.want))
		})
	}
}

func TestR7_PenetrationPerCustomerAndWeighted(t *testing.T) {
	r := evaluateCity(t, jul10)
	p := r.Penetration
	// Window: months 2-4 (April to June), three months.
	require.Equal(t, 3, p.Months)
	require.True(t, p.From.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai)))
	require.True(t, p.To.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, shanghai)))
	want := []struct {
		company      b2bkit.CompanyID
		spend, share string
		band         funnel.PenetrationBand
	}{
		{"C01", "1000", "0.3333", funnel.Safe},       // exactly 1/3
		{"C02", "200", "0.0667", funnel.Replaceable}, // 9000 estimate is dated after asOf
		{"C03", "300", "0.1", funnel.Marginal},       // exactly 1/10; the newer 1000 estimate wins
		{"C04", "1500", "0.5", funnel.Safe},          // exactly 1/2 is not strong
		{"C05", "3001", "0.5002", funnel.Strong},     // 3001/6000
	}
	require.Len(t, p.Companies, len(want))
	for i, w := range want {
		got := p.Companies[i]
		require.Equal(t, w.company, got.Company)
		requireDecEqual(t, w.spend, got.Spend, w.company)
		requireDecEqual(t, w.share, got.Share, w.company)
		require.Equal(t, w.band, got.Band, w.company)
		require.Equal(t, "seats x avg spend", got.Method)
	}
	requireDecEqual(t, "3000", p.Companies[0].Wallet)
	requireDecEqual(t, "6001", p.Spend)
	requireDecEqual(t, "18000", p.Wallet)
	requireDecEqual(t, "0.3334", p.Share)
	require.Equal(t, funnel.Safe, p.Band)
	require.Equal(t, funnel.BandCounts{Replaceable: 1, Marginal: 1, Safe: 2, Strong: 1}, p.Bands)
	// Customers: C01-C13, C16, C17 = 15. Zero wallet: C06. No wallet: C07-C13, C16, C17 = 9.
	require.Equal(t, 15, r.Customers)
	require.Equal(t, 1, p.ZeroWallet)
	require.Equal(t, 9, p.NoWallet)
	require.Equal(t, 0, p.OverWallet)
	require.Equal(t, 1, r.Excluded.Wallets.AfterAsOf)
	require.Equal(t, 1, r.Excluded.Wallets.NotTarget)
}

func TestR7_NoPenetrationBeforeMonth1Closes(t *testing.T) {
	r := evaluateCity(t, at(3, 25))
	require.Equal(t, 0, r.Penetration.Months)
	require.Empty(t, r.Penetration.Companies)
	require.False(t, r.Penetration.Band.Valid())
	requireDecEqual(t, "0", r.Penetration.Share)
}

func TestR8_ConcentrationWarnsWhenTeamIsSpreadThin(t *testing.T) {
	r := evaluateCity(t, jul10)
	con := r.Concentration
	// R1: 9 touches, all in Hangzhou (X99 too); R2: 8 of 9 (C17 in Shanghai). C18 was before the start.
	require.Equal(t, 17, con.InTerritory)
	require.Equal(t, 18, con.Touches)
	requireDecEqual(t, "0.9444", con.Share)
	require.False(t, con.SpreadThin)
	require.Empty(t, con.Warning)
	require.Len(t, con.Reps, 2)
	require.Equal(t, b2bkit.PersonID("R2"), con.Reps[1].Rep)
	require.Equal(t, 8, con.Reps[1].InTerritory)

	// Three reps each spending half their touches in other cities: spread thin.
	var ts []funnel.Touch
	for _, rep := range []string{"A", "B", "C"} {
		for i := range 4 {
			terr := "Hangzhou"
			if i%2 == 1 {
				terr = "Ningbo"
			}
			ts = append(ts, touch("C01", rep, terr, at(3, 2+i)))
		}
	}
	// Exactly four in five is not thin: rep D makes 4 of 5 touches at home.
	for i := range 5 {
		terr := "Hangzhou"
		if i == 0 {
			terr = "Ningbo"
		}
		ts = append(ts, touch("C02", "D", terr, at(3, 2+i)))
	}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), nil, nil, jul10)
	require.NoError(t, err)
	require.True(t, r.Concentration.SpreadThin)
	require.Contains(t, r.Concentration.Warning, "A, B, C")
	require.NotContains(t, r.Concentration.Warning, "D")
}

func TestR9_HandOffAfterMonth3(t *testing.T) {
	require.False(t, evaluateCity(t, may20).HandOffReady)
	require.Empty(t, evaluateCity(t, may20).HandOff)

	r := evaluateCity(t, jul10)
	require.True(t, r.HandOffReady)
	stages := map[funnel.AccountStage][]b2bkit.CompanyID{}
	for _, h := range r.HandOff {
		stages[h.Stage] = append(stages[h.Stage], h.Company)
	}
	require.Equal(t, []b2bkit.CompanyID{"C01", "C02", "C03", "C04", "C05", "C06", "C07"}, stages[funnel.Repurchasing])
	require.Equal(t, []b2bkit.CompanyID{"C08", "C09", "C10", "C11", "C12", "C13", "C16", "C17"}, stages[funnel.Converted])
	require.Equal(t, []b2bkit.CompanyID{"C14", "C15"}, stages[funnel.Opened])
	require.Len(t, r.HandOff, 17)
	first := r.HandOff[0]
	require.Equal(t, b2bkit.CompanyID("C01"), first.Company)
	require.Equal(t, b2bkit.PersonID("R1"), first.Rep)
	require.Equal(t, 3, first.Orders) // the July order is after asOf
	requireDecEqual(t, "1000", first.Spend)
	for _, h := range r.HandOff {
		if h.Company == "C17" {
			require.Empty(t, h.Rep, "C17 was only touched outside the territory")
		}
		require.Equal(t, h.Company == "C08", h.Existing, "C08 had ordered before the start")
		if h.Company == "C08" {
			require.Empty(t, h.Rep, "an existing customer was acquired by nobody")
		}
	}
}

func TestR10_ChannelMixAndShift(t *testing.T) {
	r := evaluateCity(t, jul10)
	require.Len(t, r.Channels, 5)
	want := [][3]int{{2, 0, 0}, {10, 2, 0}, {3, 3, 2}, {0, 0, 2}, {0, 0, 0}}
	for i, m := range r.Channels {
		got := [3]int{m.Manual.Orders, m.SemiAuto.Orders, m.FullAuto.Orders}
		require.Equal(t, want[i], got, "month %d", i+1)
		require.Equal(t, i+1, m.Month)
		require.Equal(t, i < 4, m.Complete)
	}
	requireDecEqual(t, "2500", r.Channels[1].Manual.Amount) // 300+100+100+500+1000+3*100 + C16 + C17
	requireDecEqual(t, "2000", r.Channels[2].FullAuto.Amount)
	requireDecEqual(t, "0.375", r.Channels[2].Share(b2bkit.SemiAuto))
	// Month 1 was all manual, month 4 (the last complete month with orders) all automatic.
	require.Equal(t, 1, r.Shift.From)
	require.Equal(t, 4, r.Shift.To)
	requireDecEqual(t, "-1", r.Shift.Manual)
	requireDecEqual(t, "0", r.Shift.SemiAuto)
	requireDecEqual(t, "1", r.Shift.FullAuto)
}

func TestR10_RepsAreCreditedWithTheLifetimeProfitOfTheirCustomers(t *testing.T) {
	r := evaluateCity(t, jul10)
	require.Len(t, r.Reps, 2)
	r1, r2 := r.Reps[0], r.Reps[1]
	require.Equal(t, b2bkit.PersonID("R1"), r1.Rep)
	require.Equal(t, 7, r1.Customers) // C01-C07; C08 was a customer before the start
	require.Equal(t, 16, r1.Orders)
	requireDecEqual(t, "6401", r1.Amount)
	requireDecEqual(t, "640.1", r1.GrossProfit)
	require.Equal(t, b2bkit.PersonID("R2"), r2.Rep)
	require.Equal(t, 6, r2.Customers) // C09-C13 and C16
	require.Equal(t, 6, r2.Orders)
	requireDecEqual(t, "600", r2.Amount)
	requireDecEqual(t, "60", r2.GrossProfit)
	// C17 was reached only outside the territory, C08 had ordered before the start: nobody acquired them.
	require.Equal(t, 2, r.Unattributed.Customers)
	requireDecEqual(t, "200", r.Unattributed.Amount)
}

func TestR10_ACustomerThatOrderedBeforeAnyTouchIsUnattributed(t *testing.T) {
	ps := []funnel.Purchase{buy("C01", at(3, 3), "100", b2bkit.Manual)}
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 4)), touch("C02", "R9", "Hangzhou", at(3, 4)),
		touch("C02", "R1", "Hangzhou", at(3, 4))}
	ps = append(ps, buy("C02", at(3, 4), "50", b2bkit.Manual))
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), nil, jul10)
	require.NoError(t, err)
	require.Equal(t, 1, r.Unattributed.Customers)
	// C02: two reps touched it at the same instant as its order; the smaller rep id wins, deterministically.
	require.Len(t, r.Reps, 1)
	require.Equal(t, b2bkit.PersonID("R1"), r.Reps[0].Rep)
	requireDecEqual(t, "50", r.Reps[0].Amount)
}

func TestRateString(t *testing.T) {
	r := evaluateCity(t, may20)
	require.Equal(t, "15/20 = 75.00%", r.Coverage.String())
	require.Equal(t, "6/9 = 66.67% (so far)", r.Repurchase.String())
}
