package risk

import (
	"math"
	"time"
)

// A dayClock numbers calendar days in one location as b2bkit.CalendarDay(t.In(loc)) does, and
// remembers the zone period (the stretch between two changes of UTC offset) of the last instant it
// looked up: the records of one history or one trade fall mostly in a few such periods, so most days
// cost an addition and a division instead of a time zone lookup. The zero dayClock is not ready: use
// newDayClock.
type dayClock struct {
	loc *time.Location
	// offset is the UTC offset, in seconds, of the instants in [start, end), Unix seconds; an empty
	// range before the first lookup.
	offset, start, end int64
}

func newDayClock(loc *time.Location) dayClock {
	return dayClock{loc: loc, start: math.MaxInt64, end: math.MinInt64}
}

// day is b2bkit.CalendarDay(t.In(c.loc)).
func (c *dayClock) day(t time.Time) int {
	return c.dayAt(t, t.Unix())
}

// dayAt is day(t) for a caller that has t's Unix seconds u at hand already.
func (c *dayClock) dayAt(t time.Time, u int64) int {
	if u < c.start || u >= c.end {
		c.lookup(t)
	}
	return c.dayOf(u)
}

// dayOf is the day of Unix second u, which must fall in [c.start, c.end).
func (c *dayClock) dayOf(u int64) int {
	secs := u + c.offset // as CalendarDay: seconds since the epoch on the local wall clock
	day := secs / 86400
	if secs%86400 < 0 {
		day-- // floor, for dates before 1970
	}
	return int(day)
}

// between is b2bkit.DaysBetween(a, b): the calendar days from a's date to b's, both read in a's
// location, which the clock takes on when it is another than its own.
func (c *dayClock) between(a, b time.Time) int {
	if loc := a.Location(); loc != c.loc {
		*c = newDayClock(loc)
	}
	return c.dayAt(b, b.Unix()) - c.dayAt(a, a.Unix())
}

// lookup finds the offset of t in c.loc and the period it holds for.
func (c *dayClock) lookup(t time.Time) {
	lt := t.In(c.loc)
	_, off := lt.Zone()
	from, to := lt.ZoneBounds()
	c.offset, c.start, c.end = int64(off), math.MinInt64, math.MaxInt64
	if !from.IsZero() { // zero: the zone began at the beginning of time
		c.start = from.Unix()
	}
	if !to.IsZero() { // zero: the zone goes on for ever
		c.end = to.Unix()
	}
}
