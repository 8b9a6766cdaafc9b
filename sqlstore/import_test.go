package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	cst   = time.FixedZone("CST", 8*3600)
	epoch = time.Date(2024, 1, 1, 8, 0, 0, 0, cst)
)

// history returns n matches of a platform over two years: 2,000 SKUs, 5,000 buyers, 300 sellers,
// deterministic in i, not in time order (as an export from another system may be).
func history(n int) []matching.Match {
	out := make([]matching.Match, n)
	payments := []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Net(30), b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60)}
	for i := range out {
		h := uint64(i)*0x9E3779B97F4A7C15 + 1
		at := epoch.Add(time.Duration(h%(730*24*3600)) * time.Second)
		out[i] = matching.Match{
			ID: fmt.Sprintf("M-%08d", i), Buyer: b2bkit.CompanyID(fmt.Sprintf("B-%04d", h>>8%5000)),
			Seller: b2bkit.CompanyID(fmt.Sprintf("S-%03d", h>>24%300)), SKU: b2bkit.SKU(fmt.Sprintf("SKU-%04d", h>>36%2000)),
			Quantity: decimal.NewFromInt(int64(1 + h>>12%500)), UnitPrice: decimal.New(int64(1000+h>>20%90000), -2),
			Currency: "CNY", Subsidy: decimal.New(int64(h>>40%3)*500, -2),
			Terms: b2bkit.Terms{Payment: payments[h>>44%3], OrderedAt: at, DeliverBy: at.AddDate(0, 0, int(1+h>>48%14))},
			At:    at, Status: matching.Status(h >> 52 % 3), Mode: matching.Mode(h >> 56 % 2), Channel: b2bkit.Channel(1 + h>>58%3),
		}
	}
	return out
}

// appended returns the matches of l's appended entries in the order of their numbers, checking the
// numbers increase.
func appended(t testing.TB, l matching.Log) []matching.Match {
	t.Helper()
	var (
		out  []matching.Match
		last uint64
	)
	for e, err := range l.Since(context.Background(), 0) {
		require.NoError(t, err)
		require.Greater(t, e.Seq, last, "numbers increase")
		last = e.Seq
		if e.Kind == matching.MatchAppended {
			out = append(out, e.Match)
		}
	}
	return out
}

func count(t testing.TB, l matching.Log) int { return len(appended(t, l)) }

// TestR13_ImportIsIdempotent: an import stores every match once, exactly as given; run again, it
// adds nothing; a match given twice in one import is stored once.
func TestR13_ImportIsIdempotent(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Matches()
		ms := history(2_500)
		in := append(append([]matching.Match(nil), ms...), ms[7], ms[2_000])
		res, err := l.Import(ctx, b2bkit.Stream(in))
		require.NoError(t, err)
		assert.Equal(t, sqlstore.ImportResult{Added: 2_500, Existing: 2}, res)
		got := appended(t, l)
		require.Len(t, got, 2_500)
		for i := range got {
			require.True(t, got[i].Equal(ms[i]), "entry %d is the match given %d-th", i, i)
		}
		for _, i := range []int{0, 7, 1_234, 2_499} {
			got, err := l.Get(ctx, ms[i].ID)
			require.NoError(t, err)
			assert.True(t, got.Equal(ms[i]), "%s comes back as given:\n%+v\n%+v", ms[i].ID, ms[i], got)
			_, off := got.At.Zone()
			assert.Equal(t, 8*3600, off, "in the offset it was given in")
		}
		res, err = l.Import(ctx, b2bkit.Stream(ms))
		require.NoError(t, err)
		assert.Equal(t, sqlstore.ImportResult{Existing: 2_500}, res, "run again, it adds nothing")
		assert.Equal(t, 2_500, count(t, l))
		// A status moved on since is still the same match: the import is a retry.
		require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: ms[0].ID, Status: matching.Cancelled, At: ms[0].At, By: "ops"}))
		res, err = l.Import(ctx, b2bkit.Stream(ms[:10]))
		require.NoError(t, err)
		assert.Equal(t, sqlstore.ImportResult{Existing: 10}, res)
	})
}

// TestR13_ImportConflictStoresNothing: a match stored with other content fails the import naming it,
// and nothing of the import is stored; invalid matches and failing streams fail too.
func TestR13_ImportConflictStoresNothing(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Matches()
		ms := history(300)
		other := ms[150]
		other.Quantity = other.Quantity.Add(decimal.NewFromInt(1))
		require.NoError(t, l.Append(ctx, other))

		_, err := l.Import(ctx, b2bkit.Stream(ms))
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, ms[150].ID)
		assert.Equal(t, 1, count(t, l), "nothing of the import is stored")

		bad := append([]matching.Match(nil), ms[:10]...)
		bad[3].UnitPrice = decimal.New(1, -19)
		_, err = l.Import(ctx, b2bkit.Stream(bad))
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "match 3")
		assert.ErrorContains(t, err, "unit_price")
		assert.Equal(t, 1, count(t, l))

		boom := errors.New("cursor failed")
		var failing iter.Seq2[matching.Match, error] = func(yield func(matching.Match, error) bool) {
			for i, m := range ms[:5] {
				if !yield(m, nil) || i == 3 && !yield(matching.Match{}, boom) {
					return
				}
			}
		}
		_, err = l.Import(ctx, failing)
		require.ErrorIs(t, err, boom)
		assert.Equal(t, 1, count(t, l), "a failing stream stores nothing")
	})
}

// TestR13_ImportAcrossBlocks: an import longer than a block numbers its matches in the order given
// across blocks, stores a match given again in a later block once, and a later import with other
// content under a stored id conflicts.
func TestR13_ImportAcrossBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 20,000 matches")
	}
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		ms := history(20_003)
		in := append(ms[:20_000:20_000], ms[1], ms[19_999], ms[20_000])
		res, err := db.Matches().Import(ctx, b2bkit.Stream(in))
		require.NoError(t, err)
		assert.Equal(t, sqlstore.ImportResult{Added: 20_001, Existing: 2}, res)
		got := appended(t, db.Matches())
		require.Len(t, got, 20_001)
		for i, m := range got {
			require.Equal(t, ms[i].ID, m.ID, "numbered in the order given, across blocks")
		}
		other := ms[5]
		other.Subsidy = decimal.NewFromInt(7)
		_, err = db.Matches().Import(ctx, b2bkit.Stream([]matching.Match{other}))
		require.ErrorIs(t, err, b2bkit.ErrConflict)
	})
}

// TestR13_ImportFailingHalfWayLeavesTheLogAsItWas: an import that fails after whole blocks were
// written — a conflict, an invalid match or a failing stream in its second block, or its context
// cancelled there — leaves the log exactly as it was: the same entries under the same numbers, and
// the next append numbered after them.
func TestR13_ImportFailingHalfWayLeavesTheLogAsItWas(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 20,000 matches per case")
	}
	ms := history(20_010)
	boom := errors.New("cursor failed")
	for _, c := range []struct {
		name   string
		break_ func(i int, m matching.Match, cancel func()) (matching.Match, error)
		is     error
	}{
		{"conflict", func(i int, m matching.Match, _ func()) (matching.Match, error) {
			if i == 20_005 {
				m = ms[3] // before: stored with other content
			}
			return m, nil
		}, b2bkit.ErrConflict},
		{"invalid", func(i int, m matching.Match, _ func()) (matching.Match, error) {
			if i == 20_005 {
				m.Quantity = decimal.Zero
			}
			return m, nil
		}, b2bkit.ErrInvalid},
		{"stream", func(i int, m matching.Match, _ func()) (matching.Match, error) {
			if i == 20_005 {
				return matching.Match{}, boom
			}
			return m, nil
		}, boom},
		{"cancelled", func(i int, m matching.Match, cancel func()) (matching.Match, error) {
			if i == 20_005 {
				cancel()
			}
			return m, nil
		}, context.Canceled},
	} {
		t.Run(c.name, func(t *testing.T) {
			forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
				l := open(t).Matches()
				before := append([]matching.Match(nil), ms[:5]...)
				before[3].Subsidy = before[3].Subsidy.Add(decimal.NewFromInt(1))
				require.NoError(t, l.Append(context.Background(), before...))
				require.NoError(t, l.SetStatus(context.Background(), matching.StatusChange{ID: before[0].ID, Status: matching.Cancelled, At: before[0].At, By: "ops"}))
				entries := func() []matching.Entry {
					var out []matching.Entry
					for e, err := range l.Since(context.Background(), 0) {
						require.NoError(t, err)
						out = append(out, e)
					}
					return out
				}
				was := entries()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				stream := func(yield func(matching.Match, error) bool) {
					for i, m := range ms[5:] {
						m, err := c.break_(i+5, m, cancel)
						if !yield(m, err) || err != nil {
							return
						}
					}
				}
				res, err := l.Import(ctx, stream)
				require.ErrorIs(t, err, c.is)
				assert.Zero(t, res, "nothing was added")
				now := entries()
				require.Len(t, now, len(was), "the log is as it was")
				for i := range was {
					assert.Equal(t, was[i].Seq, now[i].Seq)
					assert.Equal(t, was[i].Kind, now[i].Kind)
					assert.True(t, was[i].Match.Equal(now[i].Match), "entry %d", i)
				}
				_, err = l.Get(context.Background(), ms[10].ID)
				require.ErrorIs(t, err, b2bkit.ErrNotFound)
				require.NoError(t, l.Append(context.Background(), ms[10]))
				after := entries()
				require.Len(t, after, len(was)+1)
				assert.Greater(t, after[len(was)].Seq, was[len(was)-1].Seq)
			})
		})
	}
}

// TestR13_ImportWhoseStreamPanicsLeavesTheLogWritable: a stream that panics half-way (a host's
// cursor, the panic recovered by its server) rolls the import back like any failing stream: the log
// is as it was and the next writers get on with it, on every connection of the pool. Before, the
// connection went back to the pool inside the import's open transaction on SQLite: the next Append
// drawing it failed ("cannot start a transaction within a transaction") and every other writer
// waited for a write lock that was never let go.
func TestR13_ImportWhoseStreamPanicsLeavesTheLogWritable(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		l := open(t).Matches()
		ms := history(10)
		require.PanicsWithValue(t, "cursor broke", func() {
			_, _ = l.Import(context.Background(), func(yield func(matching.Match, error) bool) {
				for i, m := range ms[:5] {
					if i == 3 {
						panic("cursor broke")
					}
					if !yield(m, nil) {
						return
					}
				}
			})
		})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, m := range ms[5:] {
			require.NoError(t, l.Append(ctx, m))
		}
		got := appended(t, l)
		require.Len(t, got, 5, "nothing of the import, every append")
		for i, m := range got {
			assert.Equal(t, ms[5+i].ID, m.ID)
		}
	})
}
