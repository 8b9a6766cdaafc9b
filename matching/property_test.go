package matching_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR13_RegularBuyersHaveTheirRhythm: a buyer who orders every k days is found to order every k
// days, with the next order k days after the last, and is expected to order as often as k allows
// in a horizon — for a few thousand random buyers.
func TestR13_RegularBuyersHaveTheirRhythm(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	b, _ := newBook(t)
	type buyer struct {
		id                  b2bkit.CompanyID
		every, orders, last int
	}
	var buyers []buyer
	n := 0
	for i := range 2000 {
		by := buyer{id: b2bkit.CompanyID(fmt.Sprintf("B-%04d", i)), every: 1 + rng.IntN(30), orders: matching.MinRhythmOrders + rng.IntN(7)}
		by.last = 1 + rng.IntN(by.every) // due today at the latest
		buyers = append(buyers, by)
		for k := range by.orders {
			n++
			record(t, b, match(id("M", n), by.last+by.every*(by.orders-1-k), by.id, "S-1", "RICE-25KG", "10", "118"))
		}
	}
	horizon := 60
	d, err := b.Demand(ctx, "RICE-25KG", time.Duration(horizon)*24*time.Hour)
	require.NoError(t, err)
	expected := map[b2bkit.CompanyID]int{}
	for _, bd := range d.Buyers {
		expected[bd.Buyer] = bd.Orders
	}
	total := 0
	for _, by := range buyers {
		r, err := b.Rhythm(ctx, by.id, "RICE-25KG")
		require.NoError(t, err)
		require.Equal(t, by.orders, r.Orders)
		require.InDelta(t, float64(by.every), r.MedianIntervalDays, 1e-9, by.id)
		require.True(t, r.NextExpected.Equal(daysAgo(by.last).AddDate(0, 0, by.every)), by.id)
		require.False(t, r.Overdue, by.id)
		// Next order in every-last days (today if 0), then every `every` days, within the horizon.
		first := by.every - by.last
		want := 0
		if first < horizon {
			want = (horizon-1-first)/by.every + 1
		}
		assert.Equal(t, want, expected[by.id], by.id)
		total += want
	}
	assert.Equal(t, total, d.Orders)
	assert.Zero(t, d.Irregular)
}
