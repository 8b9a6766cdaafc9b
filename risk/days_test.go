package risk

import (
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, wherever the tests run

	"github.com/b2bkit/b2bkit"
	"github.com/stretchr/testify/require"
)

// TestDayClockCountsAsCalendarDay: whatever the zone — UTC, fixed offsets, zones with daylight
// saving time (half-hour ones too), dates before 1970, around changes of offset — and in whatever
// order the instants come, a dayClock numbers the day as b2bkit.CalendarDay does.
func TestDayClockCountsAsCalendarDay(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("NST", -(3*3600 + 1800))}
	for _, name := range []string{"America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Shanghai", "America/Sao_Paulo", "Pacific/Apia"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		zones = append(zones, loc)
	}
	rng := rand.New(rand.NewPCG(5, 8))
	for _, loc := range zones {
		c := newDayClock(loc)
		// Runs of nearby instants (as a history's records come), jumps far away, and every hour
		// around the changes of offset of 2026 and of 1950.
		var ts []time.Time
		for _, year := range []int{1950, 2026} {
			for h := range 366 * 24 {
				ts = append(ts, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(h)*time.Hour-time.Second))
			}
		}
		for range 3000 {
			ts = append(ts, time.Unix(rng.Int64N(4_000_000_000)-2_000_000_000, rng.Int64N(1e9)))
		}
		for _, tm := range ts {
			require.Equal(t, b2bkit.CalendarDay(tm.In(loc)), c.day(tm), "%s in %s", tm.Format(time.RFC3339Nano), loc)
			// The same instant read in another location counts in the clock's.
			require.Equal(t, b2bkit.CalendarDay(tm.In(loc)), c.day(tm.In(time.FixedZone("X", 3600))), "%s in %s", tm, loc)
		}
	}
}

// TestDayClockBetweenIsDaysBetween: one clock, asked for the days between instants of orders in
// changing zones (mostly one, as a buyer's orders are), counts them as b2bkit.DaysBetween does.
func TestDayClockBetweenIsDaysBetween(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("NST", -(3*3600 + 1800))}
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "Asia/Shanghai"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		zones = append(zones, loc)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	c := newDayClock(time.UTC)
	loc := zones[0]
	for range 100_000 {
		if rng.IntN(50) == 0 {
			loc = zones[rng.IntN(len(zones))]
		}
		a := time.Unix(rng.Int64N(4_000_000_000)-2_000_000_000, rng.Int64N(1e9)).In(loc)
		if rng.IntN(3) > 0 { // runs of nearby orders
			a = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(300*86400)) * time.Second).In(loc)
		}
		b := a.Add(time.Duration(rng.Int64N(40*86400)-86400) * time.Second).In(zones[rng.IntN(len(zones))])
		require.Equal(t, b2bkit.DaysBetween(a, b), c.between(a, b), "%s to %s", a, b)
	}
}
