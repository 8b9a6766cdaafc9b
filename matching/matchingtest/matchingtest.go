// Package matchingtest is the conformance suite for matching.Log implementations, in the spirit of
// testing/fstest: a host that keeps its match log in its own database runs Run against its adapter,
// as MemoryLog's tests do.
package matchingtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Run checks that the logs newLog returns behave as matching.Log documents: validation, idempotent
// appends, conflicts, status changes, lookups, filtered scans in time order, and concurrent appends
// of the same match storing it once. newLog must return a new, empty log each time.
func Run(t *testing.T, newLog func(t *testing.T) matching.Log) {
	ctx := context.Background()
	t.Run("AppendGet", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.True(t, got.Equal(m), "got %+v", got)
	})
	t.Run("AppendInvalidStoresNothing", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		m.Quantity = decimal.Zero
		err := l.Append(ctx, m)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "quantity")
		_, err = l.Get(ctx, "M-1")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
	})
	t.Run("AppendSameContentIsNoOp", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		require.NoError(t, l.SetStatus(ctx, "M-1", matching.Accepted))
		require.NoError(t, l.Append(ctx, m), "a retry after the status moved on is still the same match")
		assert.Equal(t, 1, count(t, l, matching.Filter{}))
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.Equal(t, matching.Accepted, got.Status, "the retry must not reset the status")
	})
	t.Run("AppendOtherContentConflicts", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		m.UnitPrice = m.UnitPrice.Add(decimal.NewFromInt(1))
		err := l.Append(ctx, m)
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, "M-1")
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.True(t, got.UnitPrice.Equal(Sample("M-1", day(1)).UnitPrice))
	})
	t.Run("GetUnknown", func(t *testing.T) {
		_, err := newLog(t).Get(ctx, "nope")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		assert.ErrorContains(t, err, "nope")
	})
	t.Run("StatusChanges", func(t *testing.T) {
		all := []matching.Status{matching.Proposed, matching.Accepted, matching.Fulfilled, matching.Cancelled}
		legal := map[[2]matching.Status]bool{
			{matching.Proposed, matching.Accepted}: true, {matching.Accepted, matching.Fulfilled}: true,
			{matching.Proposed, matching.Cancelled}: true, {matching.Accepted, matching.Cancelled}: true,
		}
		for _, from := range all {
			for _, to := range all {
				t.Run(from.String()+"_to_"+to.String(), func(t *testing.T) {
					l := newLog(t)
					m := Sample("M-1", day(1))
					m.Status = from
					require.NoError(t, l.Append(ctx, m))
					err := l.SetStatus(ctx, "M-1", to)
					got, gerr := l.Get(ctx, "M-1")
					require.NoError(t, gerr)
					switch {
					case from == to:
						require.NoError(t, err)
					case legal[[2]matching.Status{from, to}]:
						require.NoError(t, err)
						assert.Equal(t, to, got.Status)
					default:
						require.ErrorIs(t, err, b2bkit.ErrConflict, "the stored status forbids it")
						require.NotErrorIs(t, err, b2bkit.ErrInvalid)
						assert.ErrorContains(t, err, "M-1")
						assert.ErrorContains(t, err, from.String())
						assert.Equal(t, from, got.Status, "a refused change stores nothing")
					}
				})
			}
		}
	})
	t.Run("RetriedSetStatusBehindTheStoredOneConflicts", func(t *testing.T) {
		// The host accepted the match, then it was fulfilled; the accept is retried late.
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		require.NoError(t, l.SetStatus(ctx, "M-1", matching.Accepted))
		require.NoError(t, l.SetStatus(ctx, "M-1", matching.Fulfilled))
		for _, s := range []matching.Status{matching.Accepted, matching.Proposed} {
			err := l.SetStatus(ctx, "M-1", s)
			require.ErrorIs(t, err, b2bkit.ErrConflict, "a retry to %s must not report success", s)
			assert.ErrorContains(t, err, "fulfilled")
		}
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.Equal(t, matching.Fulfilled, got.Status)
	})
	t.Run("SetStatusUnknownValueIsInvalid", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		err := l.SetStatus(ctx, "M-1", matching.Status(9))
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "status")
	})
	t.Run("AppendWithAStatusAheadOfTheStoredOneConflicts", func(t *testing.T) {
		// Appending again with a status the stored match has not reached is not a retry: it would
		// report success and store nothing.
		l := newLog(t)
		m := Sample("M-1", day(1))
		m.Status = matching.Proposed
		require.NoError(t, l.Append(ctx, m))
		m.Status = matching.Fulfilled
		err := l.Append(ctx, m)
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, "M-1")
		got, gerr := l.Get(ctx, "M-1")
		require.NoError(t, gerr)
		assert.Equal(t, matching.Proposed, got.Status)
	})
	t.Run("SetStatusUnknown", func(t *testing.T) {
		err := newLog(t).SetStatus(ctx, "nope", matching.Accepted)
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
	})
	t.Run("ScanTimeOrderAndFilters", func(t *testing.T) {
		l := newLog(t)
		// Appended out of time order on purpose.
		specs := []struct {
			id     string
			day    int
			sku    b2bkit.SKU
			buyer  b2bkit.CompanyID
			seller b2bkit.CompanyID
			status matching.Status
		}{
			{"M-5", 5, "RICE", "B1", "S1", matching.Fulfilled},
			{"M-1", 1, "RICE", "B2", "S1", matching.Proposed},
			{"M-3", 3, "OIL", "B1", "S2", matching.Cancelled},
			{"M-2", 2, "RICE", "B1", "S2", matching.Fulfilled},
			{"M-4", 4, "OIL", "B2", "S1", matching.Accepted},
			{"M-2b", 2, "RICE", "B2", "S2", matching.Fulfilled},
		}
		for _, s := range specs {
			m := Sample(s.id, day(s.day))
			m.SKU, m.Buyer, m.Seller, m.Status = s.sku, s.buyer, s.seller, s.status
			require.NoError(t, l.Append(ctx, m))
		}
		for _, c := range []struct {
			name string
			f    matching.Filter
			want []string
		}{
			{"all", matching.Filter{}, []string{"M-1", "M-2", "M-2b", "M-3", "M-4", "M-5"}},
			{"sku", matching.Filter{SKU: "RICE"}, []string{"M-1", "M-2", "M-2b", "M-5"}},
			{"buyer", matching.Filter{Buyer: "B1"}, []string{"M-2", "M-3", "M-5"}},
			{"seller", matching.Filter{Seller: "S2"}, []string{"M-2", "M-2b", "M-3"}},
			{"sku and buyer", matching.Filter{SKU: "RICE", Buyer: "B2"}, []string{"M-1", "M-2b"}},
			{"period", matching.Filter{From: day(2), To: day(4)}, []string{"M-2", "M-2b", "M-3"}},
			{"status", matching.Filter{Statuses: []matching.Status{matching.Fulfilled}}, []string{"M-2", "M-2b", "M-5"}},
			{"unknown sku", matching.Filter{SKU: "SUGAR"}, nil},
			{"everything", matching.Filter{SKU: "RICE", Buyer: "B1", Seller: "S2", From: day(1), To: day(3),
				Statuses: []matching.Status{matching.Fulfilled}}, []string{"M-2"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				var got []string
				for m, err := range l.Scan(ctx, c.f) {
					require.NoError(t, err)
					assert.True(t, c.f.Keep(m), "%s does not pass the filter", m.ID)
					got = append(got, m.ID)
				}
				assert.Equal(t, c.want, got)
			})
		}
	})
	t.Run("ScanRandomLog", func(t *testing.T) {
		// 600 matches appended in random time order, some at equal times; every filter's scan is
		// the filtered log in time order.
		l := newLog(t)
		rng := rand.New(rand.NewPCG(6, 13))
		var all []matching.Match
		for i := range 600 {
			m := Sample(fmt.Sprintf("R-%03d", i), day(1).Add(time.Duration(rng.IntN(300))*time.Hour))
			m.SKU = b2bkit.SKU(fmt.Sprint("SKU-", rng.IntN(5)))
			m.Buyer = b2bkit.CompanyID(fmt.Sprint("B-", rng.IntN(7)))
			m.Seller = b2bkit.CompanyID(fmt.Sprint("S-", rng.IntN(3)))
			m.Status = matching.Status(rng.IntN(4))
			require.NoError(t, l.Append(ctx, m))
			all = append(all, m)
		}
		for range 200 {
			var f matching.Filter
			if rng.IntN(2) == 0 {
				f.SKU = b2bkit.SKU(fmt.Sprint("SKU-", rng.IntN(6)))
			}
			if rng.IntN(2) == 0 {
				f.Buyer = b2bkit.CompanyID(fmt.Sprint("B-", rng.IntN(8)))
			}
			if rng.IntN(3) == 0 {
				f.Seller = b2bkit.CompanyID(fmt.Sprint("S-", rng.IntN(3)))
			}
			if rng.IntN(2) == 0 {
				f.From = day(1).Add(time.Duration(rng.IntN(300)) * time.Hour)
				f.To = f.From.Add(time.Duration(rng.IntN(100)) * time.Hour)
			}
			if rng.IntN(3) == 0 {
				f.Statuses = []matching.Status{matching.Status(rng.IntN(4)), matching.Status(rng.IntN(4))}
			}
			want := map[string]bool{}
			for _, m := range all {
				if f.Keep(m) {
					want[m.ID] = true
				}
			}
			got := map[string]bool{}
			var last time.Time
			for m, err := range l.Scan(ctx, f) {
				require.NoError(t, err)
				require.False(t, m.At.Before(last), "time order")
				last = m.At
				require.False(t, got[m.ID], "%s yielded twice", m.ID)
				got[m.ID] = true
			}
			require.Equal(t, want, got, "%+v", f)
		}
	})
	t.Run("ScanBadFilter", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		var errs int
		for _, err := range l.Scan(ctx, matching.Filter{From: day(3), To: day(1)}) {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			errs++
		}
		assert.Equal(t, 1, errs)
	})
	t.Run("ScanStopsEarly", func(t *testing.T) {
		l := newLog(t)
		for i := range 600 {
			require.NoError(t, l.Append(ctx, Sample(fmt.Sprintf("M-%d", i), day(1).Add(time.Duration(i)*time.Minute))))
		}
		n := 0
		for _, err := range l.Scan(ctx, matching.Filter{}) {
			require.NoError(t, err)
			n++
			if n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)
		assert.Equal(t, 600, count(t, l, matching.Filter{}), "every match is read across batches")
	})
	t.Run("ScanCancelled", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		var sawErr bool
		for _, err := range l.Scan(cctx, matching.Filter{}) {
			if err != nil {
				sawErr = true
				require.ErrorIs(t, err, context.Canceled)
			}
		}
		assert.True(t, sawErr)
	})
	t.Run("ConcurrentAppendSameID", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		var wg sync.WaitGroup
		errs := make([]error, 32)
		for i := range errs {
			wg.Go(func() { errs[i] = l.Append(ctx, m) })
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, 1, count(t, l, matching.Filter{}))
	})
	t.Run("ConcurrentAppendConflict", func(t *testing.T) {
		l := newLog(t)
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			m := Sample("M-1", day(1))
			m.Quantity = decimal.NewFromInt(int64(i + 1))
			wg.Go(func() { errs[i] = l.Append(ctx, m) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, b2bkit.ErrConflict)
			}
		}
		assert.Equal(t, 1, ok, "exactly one of the different contents wins")
		assert.Equal(t, 1, count(t, l, matching.Filter{}))
	})
	t.Run("ConcurrentAppendScan", func(t *testing.T) {
		l := newLog(t)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 100 {
					m := Sample(fmt.Sprintf("M-%d-%d", g, i), day(1+i%20))
					assert.NoError(t, l.Append(ctx, m))
				}
			})
		}
		wg.Go(func() {
			for range 10 {
				var last time.Time
				for m, err := range l.Scan(ctx, matching.Filter{SKU: "RICE-25KG"}) {
					assert.NoError(t, err)
					assert.False(t, m.At.Before(last), "time order")
					last = m.At
				}
			}
		})
		wg.Wait()
		assert.Equal(t, 400, count(t, l, matching.Filter{}))
	})
}

func count(t *testing.T, l matching.Log, f matching.Filter) int {
	t.Helper()
	n := 0
	for _, err := range l.Scan(context.Background(), f) {
		require.NoError(t, err)
		n++
	}
	return n
}

var shanghai = time.FixedZone("CST", 8*3600)

func day(n int) time.Time { return time.Date(2026, 3, n, 10, 0, 0, 0, shanghai) }

// Sample returns a valid proposed match made at at: 100 bags of RICE-25KG from S-1 to B-1 at 118.00
// CNY, 30% deposit and the rest 30 days after delivery a week later, with a 50.00 subsidy.
func Sample(id string, at time.Time) matching.Match {
	return matching.Match{
		ID: id, Buyer: "B-1", Seller: "S-1", SKU: "RICE-25KG",
		Quantity: decimal.NewFromInt(100), UnitPrice: decimal.RequireFromString("118.00"), Currency: "CNY",
		Terms: b2bkit.Terms{
			Payment:   b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 30),
			OrderedAt: at, DeliverBy: at.AddDate(0, 0, 7),
		},
		At: at, Subsidy: decimal.RequireFromString("50.00"), Mode: matching.Platform, Channel: b2bkit.SemiAuto,
	}
}
