package funnel_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

func TestR8_ConcentratedTeamCoversEachCityWithinAMonth(t *testing.T) {
	cities := make([]funnel.City, 30)
	for i := range cities {
		cities[i] = funnel.City{Name: fmt.Sprintf("city-%02d", i+1), Targets: 20_000}
	}
	d, err := funnel.Plan(100, cities, 10, 22)
	require.NoError(t, err)
	require.Equal(t, 22_000, d.Capacity)
	require.Len(t, d.Steps, 30)
	for i, s := range d.Steps {
		require.Equal(t, i+1, s.Month, s.City)
		require.Equal(t, 1, s.Months)
		require.Equal(t, 20, s.Workdays) // 20000 visits / 1000 a day
		require.True(t, s.FitsInMonth)
		// Spread: 100 reps over 30 cities is 3 each, the 10 left over to the first (equal) cities.
		if i < 10 {
			require.Equal(t, 4, s.SpreadReps)
			require.Equal(t, 23, s.SpreadMonths) // 20000 / 880 a month
			requireDecEqual(t, "0.044", s.SpreadMonth1)
		} else {
			require.Equal(t, 3, s.SpreadReps)
			require.Equal(t, 31, s.SpreadMonths) // 20000 / 660 a month
			requireDecEqual(t, "0.033", s.SpreadMonth1)
		}
	}
	require.Equal(t, 30, d.ConcentratedMonths)
	require.Equal(t, 31, d.SpreadMonths)
}

func TestR8_ACityTooBigForTheTeamIsFlagged(t *testing.T) {
	d, err := funnel.Plan(10, []funnel.City{{Name: "small", Targets: 500}, {Name: "big", Targets: 5000}, {Name: "last", Targets: 1}}, 10, 22)
	require.NoError(t, err)
	big := d.Steps[1]
	require.Equal(t, 2, big.Month)
	require.Equal(t, 50, big.Workdays)
	require.Equal(t, 3, big.Months)
	require.False(t, big.FitsInMonth)
	require.Equal(t, 5, d.Steps[2].Month)
	require.Equal(t, 5, d.ConcentratedMonths)
	// Spread: 3 reps each, the leftover one to the biggest city.
	require.Equal(t, []int{3, 4, 3}, []int{d.Steps[0].SpreadReps, d.Steps[1].SpreadReps, d.Steps[2].SpreadReps})
	requireDecEqual(t, "1", d.Steps[0].SpreadMonth1)
}

func TestR8_SpreadTooThinNeverCoversSomeCities(t *testing.T) {
	d, err := funnel.Plan(2, []funnel.City{{Name: "a", Targets: 10}, {Name: "b", Targets: 30}, {Name: "c", Targets: 20}}, 5, 20)
	require.NoError(t, err)
	require.Equal(t, 0, d.Steps[0].SpreadReps)
	require.Equal(t, 0, d.Steps[0].SpreadMonths)
	requireDecEqual(t, "0", d.Steps[0].SpreadMonth1)
	require.Equal(t, 0, d.SpreadMonths, "some city is never covered")
	require.Equal(t, 3, d.ConcentratedMonths)
}

func TestR8_PlanRejectsBadInput(t *testing.T) {
	_, err := funnel.Plan(0, []funnel.City{{Name: "", Targets: 0}, {Name: "x", Targets: 1}, {Name: "x", Targets: 1}}, 0, 40)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, want := range []string{"reps", "visits_per_rep_per_day", "workdays_per_month", "cities[0].name", "cities[0].targets", "cities[2].name: repeats"} {
		require.ErrorContains(t, err, want)
	}
	_, err = funnel.Plan(1, nil, 1, 1)
	require.ErrorContains(t, err, "cities: must list")
}

func TestR6_CohortsCompareCitiesOnTheFourRates(t *testing.T) {
	hz := evaluateCity(t, jul10)
	nb := city()
	nb.ID, nb.Territory, nb.Start = "nb-2026-04", "Ningbo", time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai)
	ts := []funnel.Touch{touch("C01", "R3", "Ningbo", at(4, 3)), touch("C02", "R3", "Ningbo", at(4, 3))}
	ps := []funnel.Purchase{buy("C01", at(5, 3), "10", b2bkit.Manual)}
	nbr, err := funnel.Evaluate(nb, b2bkit.Stream(ts), b2bkit.Stream(ps), nil, at(6, 10))
	require.NoError(t, err)

	table, err := funnel.Cohorts(nbr, hz)
	require.NoError(t, err)
	require.Len(t, table.Rows, 2)
	require.Equal(t, "Hangzhou", table.Rows[0].Territory, "earlier start first")
	require.Equal(t, "Ningbo", table.Rows[1].Territory)
	requireRate(t, 2, 20, "0.1", true, table.Rows[1].Coverage, "ningbo coverage")
	requireRate(t, 1, 2, "0.5", true, table.Rows[1].Conversion, "ningbo conversion")
	requireDecEqual(t, "0.3334", table.Rows[0].Penetration)

	var b strings.Builder
	n, err := table.WriteTo(&b)
	require.NoError(t, err)
	require.Equal(t, int64(b.Len()), n)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 3)
	require.Contains(t, lines[1], "Hangzhou")
	require.Contains(t, lines[1], "75.00%")
	require.Contains(t, lines[2], "0.00%*", "Ningbo's repurchase window is still open")

	_, err = funnel.Cohorts(hz, hz)
	require.ErrorIs(t, err, b2bkit.ErrConflict)
}

// The largest team Plan accepts makes 3.1e10 visits a month: on a 32-bit platform that is refused,
// not wrapped into a wrong capacity (GOARCH=386 go test ./funnel -run Plan).
func TestR8_PlanRefusesACapacityItCannotHold(t *testing.T) {
	d, err := funnel.Plan(1_000_000, []funnel.City{{Name: "A", Targets: funnel.MaxTargets}}, 1000, 31)
	if strconv.IntSize == 32 {
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "reps")
		return
	}
	require.NoError(t, err)
	require.Equal(t, int64(31_000_000_000), int64(d.Capacity))
	require.Equal(t, 1, d.Steps[0].Months)
	require.Equal(t, 1, d.Steps[0].Workdays)
	require.Equal(t, 1, d.SpreadMonths)
}
