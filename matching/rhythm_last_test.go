package matching_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// R13: Last is the last order, the instant "silent since the last order" is measured from, not the
// first order of the last order day; First stays the first order of the first day. Before, a buyer
// who ordered at 10:00 and again at 15:00 on its last day had Last at 10:00.
func TestR13_RhythmLastIsTheLastOrderOfTheLastDay(t *testing.T) {
	b, _ := newBook(t)
	weekly(t, b, "two-a-day", 3, 7, "50")
	morning := match("M-first", 21, "two-a-day", "S-1", "RICE-25KG", "5", "118")
	morning.At = morning.At.Add(-2 * time.Hour) // 08:00, before the weekly 10:00 order that day
	afternoon := match("M-late", 7, "two-a-day", "S-2", "RICE-25KG", "5", "118")
	afternoon.At = afternoon.At.Add(5 * time.Hour) // 15:00 on the last order day
	afternoon.Terms.OrderedAt = afternoon.At
	record(t, b, morning, afternoon)
	r, err := b.Rhythm(ctx, "two-a-day", "RICE-25KG")
	require.NoError(t, err)
	assert.Equal(t, 3, r.Orders)
	assert.True(t, r.First.Equal(morning.At), "first %s", r.First)
	assert.True(t, r.Last.Equal(afternoon.At), "last %s, want %s", r.Last, afternoon.At)
	assert.Equal(t, 7, r.SilentDays)
	assert.True(t, r.NextExpected.Equal(afternoon.At.AddDate(0, 0, 7)), "%s", r.NextExpected)
}
