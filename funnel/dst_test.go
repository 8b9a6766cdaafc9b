package funnel_test

import (
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

// A month that holds a change to summer time is an hour short, and asOf exactly at a month's end
// closes it.
func TestR6_MonthsAcrossADSTChange(t *testing.T) {
	berlin := mustLoc("Europe/Berlin")
	c := funnel.Campaign{Territory: "Berlin-Mitte", TimeZone: "Europe/Berlin", Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Targets: ids("B", 1, 3)}
	ts := []funnel.Touch{touch("B01", "R1", "", time.Date(2026, 3, 31, 23, 30, 0, 0, berlin)), // after the change, still month 1
		touch("B02", "R1", "", time.Date(2026, 4, 1, 0, 0, 0, 0, berlin))} // month 2
	ps := []funnel.Purchase{buy("B01", time.Date(2026, 4, 1, 0, 0, 0, 0, berlin), "10", b2bkit.Manual)}
	asOf := time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)
	r, err := funnel.Evaluate(c, b2bkit.Stream(ts), b2bkit.Stream(ps), nil, asOf)
	require.NoError(t, err)
	require.Equal(t, 2, r.Month)
	requireRate(t, 1, 3, "0.3333", true, r.Coverage, "coverage")
	requireRate(t, 1, 1, "1", false, r.Conversion, "conversion")
	require.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, berlin), r.Coverage.From)
	require.Equal(t, 30*24*time.Hour+23*time.Hour, r.Coverage.To.Sub(r.Coverage.From))
}

// Where the clocks jump forward at midnight (Santiago, Havana, São Paulo until 2019) a day begins
// at 01:00: a month that begins that day begins then, not in the last hour of the day before.
func TestR6_ADayWhoseMidnightIsSkippedBeginsWhenTheClocksJump(t *testing.T) {
	// São Paulo, 4 November 2018: 00:00 -03 became 01:00 -02.
	sp := mustLoc("America/Sao_Paulo")
	c := funnel.Campaign{Territory: "SP", TimeZone: "America/Sao_Paulo", Start: time.Date(2018, 11, 4, 0, 0, 0, 0, time.UTC),
		Targets: ids("S", 1, 2)}
	dayStart := time.Date(2018, 11, 4, 1, 0, 0, 0, sp)
	ts := []funnel.Touch{touch("S01", "R1", "", dayStart), touch("S02", "R1", "", dayStart.Add(-time.Second))}
	r, err := funnel.Evaluate(c, b2bkit.Stream(ts), nil, nil, time.Date(2018, 12, 4, 1, 0, 0, 0, sp))
	require.NoError(t, err)
	require.True(t, r.Start.Equal(dayStart), "start %s", r.Start)
	requireRate(t, 1, 2, "0.5", true, r.Coverage, "coverage")
	require.Equal(t, 1, r.Excluded.Touches.BeforeStart)

	// Santiago, 6 September 2026: month 2 of a campaign from 6 August begins at 01:00 -03; an order
	// at 23:30 on 5 September is still month 1 and converts nobody.
	stgo := mustLoc("America/Santiago")
	c = funnel.Campaign{Territory: "Santiago-Centro", TimeZone: "America/Santiago", Start: time.Date(2026, 8, 6, 0, 0, 0, 0, time.UTC),
		Targets: ids("T", 1, 2)}
	ts = []funnel.Touch{touch("T01", "R1", "", time.Date(2026, 8, 10, 10, 0, 0, 0, stgo)),
		touch("T02", "R1", "", time.Date(2026, 8, 10, 10, 0, 0, 0, stgo))}
	ps := []funnel.Purchase{buy("T01", time.Date(2026, 9, 5, 23, 30, 0, 0, stgo), "10", b2bkit.Manual),
		buy("T02", time.Date(2026, 9, 6, 1, 0, 0, 0, stgo), "10", b2bkit.Manual)}
	r, err = funnel.Evaluate(c, b2bkit.Stream(ts), b2bkit.Stream(ps), nil, time.Date(2026, 10, 6, 0, 0, 0, 0, stgo))
	require.NoError(t, err)
	require.True(t, r.Conversion.From.Equal(time.Date(2026, 9, 6, 1, 0, 0, 0, stgo)), "month 2 from %s", r.Conversion.From)
	requireRate(t, 1, 2, "0.5", true, r.Conversion, "conversion")
	require.Equal(t, 1, r.Channels[0].Manual.Orders)
	require.Equal(t, 1, r.Channels[1].Manual.Orders)
}

// Samoa skipped 30 December 2011 whole, moving across the date line: a month due to begin that day
// begins when 31 December did, and 29 December stays in the month before.
func TestR6_ADaySkippedWholeBeginsWithTheNextDay(t *testing.T) {
	apia := mustLoc("Pacific/Apia")
	c := funnel.Campaign{Territory: "Apia", TimeZone: "Pacific/Apia", Start: time.Date(2011, 11, 30, 0, 0, 0, 0, time.UTC),
		Targets: ids("A", 1, 2)}
	ts := []funnel.Touch{touch("A01", "R1", "", time.Date(2011, 12, 29, 12, 0, 0, 0, apia)), // month 1
		touch("A02", "R1", "", time.Date(2011, 12, 31, 0, 0, 0, 0, apia))} // month 2
	r, err := funnel.Evaluate(c, b2bkit.Stream(ts), nil, nil, time.Date(2012, 1, 15, 0, 0, 0, 0, apia))
	require.NoError(t, err)
	require.True(t, r.Conversion.From.Equal(time.Date(2011, 12, 31, 0, 0, 0, 0, apia)), "month 2 from %s", r.Conversion.From)
	requireRate(t, 1, 2, "0.5", true, r.Coverage, "coverage")

	c.Start = time.Date(2011, 12, 30, 0, 0, 0, 0, time.UTC) // a start on the missing day
	r, err = funnel.Evaluate(c, b2bkit.Stream(ts), nil, nil, time.Date(2012, 1, 15, 0, 0, 0, 0, apia))
	require.NoError(t, err)
	require.True(t, r.Start.Equal(time.Date(2011, 12, 31, 0, 0, 0, 0, apia)), "start %s", r.Start)
	require.Equal(t, 1, r.Excluded.Touches.BeforeStart)
}
