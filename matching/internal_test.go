package matching

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRestateRefusesMidpoints(t *testing.T) {
	// ratio exactly 5 (c = 5e18); 0.00000000001 x 5 = 0.00000000005: a midpoint at 10 places.
	u, ok := restate(decimal.New(1, -11), 5_000_000_000_000_000_000)
	assert.False(t, ok, "got %d", u)
	// Far from a midpoint the integer path answers: 118.00 x 1.03 = 121.54.
	u, ok = restate(decimal.RequireFromString("118.00"), 1_030_000_000_000_000_000)
	require.True(t, ok)
	assert.Equal(t, int64(1_215_400_000_000), u)
	// Too many places for the integer path.
	_, ok = restate(decimal.New(1, -12), 1_000_000_000_000_000_000)
	assert.False(t, ok)
}

// TestScanBySKUReadsOnlyThatSKU proves the index: scanning one SKU among many reads only that SKU's
// records, and a period reads only the records of the period.
func TestScanBySKUReadsOnlyThatSKU(t *testing.T) {
	ctx := context.Background()
	l := NewMemoryLog()
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	mk := func(i int, sku b2bkit.SKU, at time.Time) Match {
		return Match{ID: fmt.Sprint("M-", i), Buyer: "B", Seller: "S", SKU: sku, Quantity: decimal.NewFromInt(1),
			UnitPrice: decimal.NewFromInt(10), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at},
			At:    at, Status: Fulfilled, Channel: b2bkit.Manual}
	}
	for i := range 5000 {
		sku := b2bkit.SKU("BIG")
		if i%100 == 0 {
			sku = "SMALL"
		}
		require.NoError(t, l.Append(ctx, mk(i, sku, base.Add(time.Duration(i)*time.Minute))))
	}
	reads := 0
	l.visit = func() { reads++ }
	n := 0
	for _, err := range l.Scan(ctx, Filter{SKU: "SMALL"}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 50, n)
	assert.Equal(t, 50, reads, "only SMALL's records are read")

	reads, n = 0, 0
	for _, err := range l.Scan(ctx, Filter{SKU: "BIG", From: base.Add(1000 * time.Minute), To: base.Add(1100 * time.Minute)}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 99, n)
	assert.Equal(t, 99, reads, "only the period's records are read")
}

func TestSelectRanksMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		n := 1 + rng.IntN(300)
		x := make([]int64, n)
		for i := range x {
			x[i] = rng.Int64N(int64(1 + rng.IntN(50))) // many repeats
		}
		if rng.IntN(4) == 0 {
			slices.Sort(x) // sorted input
		}
		want := slices.Sorted(slices.Values(x))
		ks := []int{0, nearestRank(25, n), nearestRank(50, n), nearestRank(75, n), n - 1}
		selectRanks(x, ks...)
		for _, k := range ks {
			require.Equal(t, want[k], x[k], "n=%d k=%d", n, k)
		}
	}
}

// TestIDHashCollisions: IDs whose hashes collide are still told apart, found, and idempotent.
func TestIDHashCollisions(t *testing.T) {
	ctx := context.Background()
	l := NewMemoryLog()
	l.testHash = func(id string) uint64 { return uint64(len(id)) } // "M-1" and "M-2" collide
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	mk := func(id string, qty int64) Match {
		return Match{ID: id, Buyer: "B", Seller: "S", SKU: "RICE", Quantity: decimal.NewFromInt(qty),
			UnitPrice: decimal.NewFromInt(10), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at},
			At:    at, Channel: b2bkit.Manual}
	}
	for i, id := range []string{"M-1", "M-2", "M-3", "M-10"} {
		require.NoError(t, l.Append(ctx, mk(id, int64(i+1))))
	}
	for i, id := range []string{"M-1", "M-2", "M-3", "M-10"} {
		m, err := l.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, id, m.ID)
		assert.True(t, m.Quantity.Equal(decimal.NewFromInt(int64(i+1))))
		require.NoError(t, l.Append(ctx, mk(id, int64(i+1))), "idempotent")
		require.ErrorIs(t, l.Append(ctx, mk(id, 99)), b2bkit.ErrConflict)
	}
	require.NoError(t, l.SetStatus(ctx, "M-3", Accepted))
	_, err := l.Get(ctx, "M-4")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.Equal(t, 4, l.Len())
}

// TestScanAllAfterLateMatch: a log appended in time order keeps no list of all records; the first
// match that comes late makes one, and every scan, before and after, is in time order (equal
// times in append order), including times before 1970.
func TestScanAllAfterLateMatch(t *testing.T) {
	ctx := context.Background()
	for _, base := range []time.Time{time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), time.Date(1960, 3, 1, 10, 0, 0, 0, time.UTC)} {
		l := NewMemoryLog()
		rng := rand.New(rand.NewPCG(13, 14))
		var want []Match
		check := func() {
			t.Helper()
			sorted := slices.Clone(want)
			slices.SortStableFunc(sorted, func(a, b Match) int { return a.At.Compare(b.At) })
			var got []string
			for m, err := range l.Scan(ctx, Filter{}) {
				require.NoError(t, err)
				got = append(got, m.ID)
			}
			var ids []string
			for _, m := range sorted {
				ids = append(ids, m.ID)
			}
			require.Equal(t, ids, got)
		}
		at := base
		for i := range 3000 {
			if i < 1000 || rng.IntN(4) > 0 {
				at = at.Add(time.Duration(rng.IntN(3)) * time.Minute) // in order, some equal
			} else {
				at = base.Add(time.Duration(rng.IntN(3000)) * time.Minute) // late, or early
			}
			m := Match{ID: fmt.Sprint("M-", i), Buyer: "B", Seller: "S", SKU: "RICE", Quantity: decimal.NewFromInt(1),
				UnitPrice: decimal.NewFromInt(10), Currency: "CNY",
				Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at},
				At:    at, Channel: b2bkit.Manual}
			require.NoError(t, l.Append(ctx, m))
			want = append(want, m)
			if i == 999 {
				check()
				assert.False(t, l.allMade, "in order: no list of all records")
			}
		}
		check()
		assert.True(t, l.allMade)
	}
}

// TestRecordIsACacheLine: a stored match is 64 bytes, so each touches one cache line.
func TestRecordIsACacheLine(t *testing.T) {
	assert.Equal(t, uintptr(64), reflect.TypeFor[record]().Size())
}

// TestIDTableManyCollisions: thousands of IDs on three hashes, across the batched slot writes and
// the table's growth, are each found, idempotent and refused with other content.
func TestIDTableManyCollisions(t *testing.T) {
	ctx := context.Background()
	l := NewMemoryLog()
	l.testHash = func(id string) uint64 { return uint64(len(id)%3) << 62 }
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	mk := func(i int, qty int64) Match {
		return Match{ID: fmt.Sprint("M-", i), Buyer: "B", Seller: "S", SKU: "RICE", Quantity: decimal.NewFromInt(qty),
			UnitPrice: decimal.NewFromInt(10), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at},
			At:    at, Channel: b2bkit.Manual}
	}
	const n = 1500
	for i := range n {
		require.NoError(t, l.Append(ctx, mk(i, int64(i+1))))
		if i%97 == 0 { // a retry and a conflict while slot writes are pending
			require.NoError(t, l.Append(ctx, mk(i/2, int64(i/2+1))))
			require.ErrorIs(t, l.Append(ctx, mk(i/2, 99999)), b2bkit.ErrConflict)
		}
	}
	for i := range n {
		m, err := l.Get(ctx, fmt.Sprint("M-", i))
		require.NoError(t, err)
		require.True(t, m.Quantity.Equal(decimal.NewFromInt(int64(i+1))), "M-%d", i)
	}
	_, err := l.Get(ctx, "M-x")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.Equal(t, n, l.Len())
}

// TestZonesParsedAgainAndAgain: times parsed from text with an offset that is not a whole hour
// (India, +05:30) each come with a zone of their own; the log stores such equal zones once, so
// they neither fill it nor change how a stored time reads.
func TestZonesParsedAgainAndAgain(t *testing.T) {
	ctx := context.Background()
	l := NewMemoryLog()
	const text = "2026-03-01T10:00:00+05:30"
	var first Match
	for i := range 70_000 {
		at, err := time.Parse(time.RFC3339, text)
		require.NoError(t, err)
		at = at.Add(time.Duration(i) * time.Minute)
		m := Match{ID: fmt.Sprint("M-", i), Buyer: "B", Seller: "S", SKU: "RICE", Quantity: decimal.NewFromInt(1),
			UnitPrice: decimal.NewFromInt(10), Currency: "INR",
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at.AddDate(0, 0, 3)},
			At:    at, Channel: b2bkit.Manual}
		if i == 0 {
			first = m
		}
		require.NoError(t, l.Append(ctx, m), "match %d", i)
	}
	assert.Len(t, l.locs.vals, 1)
	got, err := l.Get(ctx, "M-0")
	require.NoError(t, err)
	assert.True(t, got.Equal(first))
	assert.Equal(t, text, got.At.Format(time.RFC3339))
	assert.Equal(t, "2026-03-04T10:00:00+05:30", got.Terms.DeliverBy.Format(time.RFC3339))
}

// TestScanSeesWaitingMatches: matches appended in time order wait to be indexed; a scan running
// beside the appends sees at least every match appended before it began, in time order.
func TestScanSeesWaitingMatches(t *testing.T) {
	ctx := context.Background()
	l := NewMemoryLog()
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	const n = 5 * indexEvery
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			at := base.Add(time.Duration(i) * time.Second)
			m := Match{ID: fmt.Sprint("M-", i), Buyer: b2bkit.CompanyID(fmt.Sprint("B-", i%3)), Seller: "S", SKU: "RICE",
				Quantity: decimal.NewFromInt(1), UnitPrice: decimal.NewFromInt(10), Currency: "CNY",
				Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at},
				At:    at, Channel: b2bkit.Manual}
			assert.NoError(t, l.Append(ctx, m))
		}
	}()
	for scans := 0; ; scans++ {
		finished := false
		select {
		case <-done:
			finished = true
		default:
		}
		before := l.Len()
		got, last := 0, time.Time{}
		for m, err := range l.Scan(ctx, Filter{Buyer: "B-1"}) {
			require.NoError(t, err)
			require.False(t, m.At.Before(last))
			last = m.At
			got++
		}
		require.GreaterOrEqual(t, got, (before+1)/3, "scan %d", scans)
		if finished {
			require.Equal(t, n/3, got)
			return
		}
	}
}

// The seller index is built on the first scan by seller and kept from then on: scans by seller give
// the seller's matches in time order before and after, across late matches, and once it is built
// they read only that seller's records.
func TestSellerIndexIsBuiltOnFirstUseAndKept(t *testing.T) {
	ctx := context.Background()
	l := NewMemoryLog()
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(31, 32))
	var all []Match
	add := func(i int, late bool) {
		t.Helper()
		at := base.Add(time.Duration(i) * time.Minute)
		if late {
			at = base.Add(time.Duration(rng.IntN(i+1)) * time.Minute)
		}
		seller := b2bkit.CompanyID(fmt.Sprint("S-", rng.IntN(4)))
		m := Match{ID: fmt.Sprint("M-", i), Buyer: "B", Seller: seller, SKU: "RICE", Quantity: decimal.NewFromInt(1),
			UnitPrice: decimal.NewFromInt(10), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at}, At: at, Channel: b2bkit.Manual}
		require.NoError(t, l.Append(ctx, m))
		all = append(all, m)
	}
	check := func(seller b2bkit.CompanyID) {
		t.Helper()
		want := slices.DeleteFunc(slices.Clone(all), func(m Match) bool { return m.Seller != seller })
		slices.SortStableFunc(want, func(a, b Match) int { return a.At.Compare(b.At) })
		reads := 0
		l.visit = func() { reads++ }
		var got, ids []string
		for m, err := range l.Scan(ctx, Filter{Seller: seller}) {
			require.NoError(t, err)
			got = append(got, m.ID)
		}
		l.visit = nil
		for _, m := range want {
			ids = append(ids, m.ID)
		}
		require.Equal(t, ids, got)
		assert.Equal(t, len(want), reads, "only %s's records are read", seller)
	}
	for i := range 1500 {
		add(i, false)
	}
	assert.False(t, l.sellersIndexed, "no scan by seller yet")
	for _, m := range l.Scan(ctx, Filter{SKU: "RICE"}) {
		_ = m
	}
	assert.False(t, l.sellersIndexed, "a scan by SKU does not build it")
	check("S-1")
	assert.True(t, l.sellersIndexed)
	for i := 1500; i < 4000; i++ {
		add(i, i%7 == 0) // in order, and late
	}
	for _, s := range []b2bkit.CompanyID{"S-0", "S-1", "S-2", "S-3"} {
		check(s)
	}

	// Built after late matches made the list of all records, it follows that list's time order.
	l2 := NewMemoryLog()
	l, all = l2, nil
	for i := range 2000 {
		add(i, i%5 == 0)
	}
	require.True(t, l.allMade)
	check("S-2")
}
