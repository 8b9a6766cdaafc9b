package matching_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR13_ReportAsOfAPastDateIgnoresWhatCameLater: a book whose clock is set to a past date answers
// every question exactly as a book over the log as it stood that day — only the matches made by
// then, each moved only by the changes dated by then — whatever was appended or changed after.
func TestR13_ReportAsOfAPastDateIgnoresWhatCameLater(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { reportAsOfAPastDate(t, seed) })
	}
}

func reportAsOfAPastDate(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(11, 27+seed))
	e := engine(t)
	full := matching.NewMemoryLog()
	buyers := []b2bkit.CompanyID{"B-1", "B-2", "B-3", "B-4", "B-5", "B-6", "B-7", "B-8", "B-9", "B-10", "B-11", "B-12"}
	sellers := []b2bkit.CompanyID{"S-1", "S-2", "S-3"}
	skus := []b2bkit.SKU{"RICE-25KG", "OIL-20L"}
	// 400 matches over the last 200 days, appended out of time order in batches (a history
	// import), about two thirds proposed and moved on later by dated changes, some into the future
	// of the past clocks below.
	var ms []matching.Match
	for i := range 400 {
		m := match(id("M", i), rng.IntN(200), buyers[rng.IntN(len(buyers))], sellers[rng.IntN(len(sellers))],
			skus[rng.IntN(len(skus))], fmt.Sprint(1+rng.IntN(80)), fmt.Sprintf("%d.%02d", 95+rng.IntN(40), rng.IntN(100)))
		if rng.IntN(3) == 0 {
			m.Subsidy = dec("12.50")
		}
		if rng.IntN(3) > 0 {
			m.Status = matching.Proposed
		}
		ms = append(ms, m)
	}
	for k := 0; k < len(ms); k += 50 {
		require.NoError(t, full.Append(ctx, ms[k:k+50]...))
	}
	for _, m := range ms {
		if m.Status != matching.Proposed {
			continue
		}
		at := m.At.Add(time.Duration(1+rng.IntN(10*24)) * time.Hour)
		switch rng.IntN(5) {
		case 0: // stays proposed
		case 1:
			require.NoError(t, full.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Cancelled, At: at, By: "buyer"}))
		case 2: // an order that fell through: a buyer's first order as of one date, not of a later one
			require.NoError(t, full.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Accepted, At: at, By: "sales"}))
			require.NoError(t, full.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Cancelled, At: at.Add(time.Duration(1+rng.IntN(20*24)) * time.Hour), By: "seller"}))
		default:
			require.NoError(t, full.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Accepted, At: at, By: "sales"}))
			require.NoError(t, full.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Fulfilled, At: at.Add(time.Duration(1+rng.IntN(9*24)) * time.Hour), By: "driver"}))
		}
	}
	all := matchingtest.Entries(t, full, 0)

	for _, back := range []int{150, 120, 90, 75, 60, 45, 31, 20, 7, 3, 0} {
		asOf := today.AddDate(0, 0, -back)
		t.Run(fmt.Sprintf("%d days ago", back), func(t *testing.T) {
			// The log as it stood: matches made by asOf, changes dated by asOf.
			then := matching.NewMemoryLog()
			for _, en := range all {
				switch en.Kind {
				case matching.MatchAppended:
					if !en.Match.At.After(asOf) {
						require.NoError(t, then.Append(ctx, en.Match))
					}
				case matching.StatusChanged:
					if !en.Change.At.After(asOf) {
						require.NoError(t, then.SetStatus(ctx, en.Change))
					}
				}
			}
			opts := &matching.Options{Now: func() time.Time { return asOf }, Reference: matching.ReferenceRules{ExcludeSubsidised: true, Outliers: matching.IQR}}
			past, now := matching.NewBook(full, e, opts), matching.NewBook(then, e, opts)
			same := func(what string, ask func(b *matching.Book) (any, error)) {
				t.Helper()
				a, aerr := ask(past)
				b, berr := ask(now)
				if aerr != nil || berr != nil {
					require.Equal(t, fmt.Sprint(berr), fmt.Sprint(aerr), what)
					return
				}
				ja, err := json.Marshal(a)
				require.NoError(t, err)
				jb, err := json.Marshal(b)
				require.NoError(t, err)
				require.JSONEq(t, string(jb), string(ja), what)
			}
			for _, sku := range skus {
				req := request(sku, "40", b2bkit.Net(30))
				req.Terms.OrderedAt, req.Terms.DeliverBy = asOf, asOf.AddDate(0, 0, 7)
				same("reference "+string(sku), func(b *matching.Book) (any, error) {
					return b.ReferencePrice(ctx, sku, req, 60*24*time.Hour)
				})
				same("rank "+string(sku), func(b *matching.Book) (any, error) {
					return b.Rank(ctx, matching.RFQ{Request: req, Window: 90 * 24 * time.Hour}, []matching.Need{matching.Price})
				})
				same("demand "+string(sku), func(b *matching.Book) (any, error) {
					return b.Demand(ctx, sku, 30*24*time.Hour)
				})
				for _, by := range buyers {
					same("rhythm "+string(by)+" "+string(sku), func(b *matching.Book) (any, error) {
						return b.Rhythm(ctx, by, sku)
					})
				}
			}
			// Not a vacuous comparison: the market had trades then, and the log holds entries dated
			// after the clock that the past book must leave out.
			ref, err := past.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "40", b2bkit.Net(30)), 60*24*time.Hour)
			require.NoError(t, err)
			require.Positive(t, ref.Count)
			later := 0
			for _, en := range all {
				if en.Kind == matching.MatchAppended && en.Match.At.After(asOf) || en.Kind == matching.StatusChanged && en.Change.At.After(asOf) {
					later++
				}
			}
			require.True(t, back < 7 || later > 0, "entries after the clock")
			for _, w := range []int{7, 30, 90} {
				same(fmt.Sprint("health ", w), func(b *matching.Book) (any, error) {
					return b.Health(ctx, time.Duration(w)*24*time.Hour)
				})
			}
		})
	}
}

// TestR13_AMatchDatedAheadOfTheBookWaitsForItsTime: the log has no clock and stores a match dated
// tomorrow that a host appended directly; the book, which refuses to record one, leaves it out of
// its answers until its clock reaches the match's time.
func TestR13_AMatchDatedAheadOfTheBookWaitsForItsTime(t *testing.T) {
	l := matching.NewMemoryLog()
	now := today
	b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return now }})
	ahead := match("M-ahead", 0, "B-1", "S-1", "RICE-25KG", "50", "118")
	ahead.At = today.Add(24 * time.Hour)
	ahead.Terms.OrderedAt, ahead.Terms.DeliverBy = ahead.At, ahead.At.AddDate(0, 0, 7)
	require.ErrorIs(t, b.Record(ctx, ahead), b2bkit.ErrInvalid, "the book refuses it")
	require.NoError(t, l.Append(ctx, ahead), "the log stores it")
	record(t, b, match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "100"))
	req := request("RICE-25KG", "50", b2bkit.CashOnDelivery())
	ask := func() (matching.Reference, matching.Health) {
		ref, err := b.ReferencePrice(ctx, "RICE-25KG", req, month)
		require.NoError(t, err)
		h, err := b.Health(ctx, month)
		require.NoError(t, err)
		return ref, h
	}
	ref, h := ask()
	require.Equal(t, 1, ref.Count)
	requireDecEqual(t, dec("100"), ref.Median)
	require.Equal(t, 1, h.Matches)
	now = today.Add(25 * time.Hour)
	ref, h = ask()
	require.Equal(t, 2, ref.Count, "its time has come")
	require.Equal(t, 2, h.Matches)
}

// TestMemoryLogBatchesAreSeenWholeUnderConcurrentUse: writers import backdated batches, retry them,
// send batches that fail half-way and move matches on, while readers follow the log; every pass of
// a reader sees each batch whole or not at all, a failed batch never, and each retry adds nothing.
func TestMemoryLogBatchesAreSeenWholeUnderConcurrentUse(t *testing.T) {
	l := matching.NewMemoryLog()
	const writers, batches, size = 4, 40, 25
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for k := range batches {
				ms := make([]matching.Match, size)
				for i := range ms {
					ms[i] = matchingtest.Sample(fmt.Sprintf("W%d-B%02d-%02d", g, k, i), today.AddDate(0, 0, -1-(k*size+i)%300))
				}
				if !assert.NoError(t, l.Append(ctx, ms...)) {
					return
				}
				assert.NoError(t, l.Append(ctx, ms...), "a retried batch")
				bad := slices.Clone(ms)
				for i := range bad {
					bad[i].ID += "-bad"
				}
				bad[size-1].Quantity = dec("-1")
				assert.ErrorIs(t, l.Append(ctx, bad...), b2bkit.ErrInvalid)
				clash := slices.Clone(bad[:size-1])
				clash = append(clash, ms[0])
				clash[len(clash)-1].UnitPrice = dec("1")
				assert.ErrorIs(t, l.Append(ctx, clash...), b2bkit.ErrConflict)
				c := matching.StatusChange{ID: ms[0].ID, Status: matching.Accepted, At: ms[0].At.Add(time.Hour), By: "sales"}
				assert.NoError(t, l.SetStatus(ctx, c))
				assert.NoError(t, l.SetStatus(ctx, c), "a retried change")
				assert.ErrorIs(t, l.SetStatus(ctx, matching.StatusChange{ID: ms[0].ID, Status: matching.Proposed, At: c.At, By: "late"}), b2bkit.ErrConflict, "a change back")
			}
		})
	}
	var done atomic.Bool
	var rg sync.WaitGroup
	for range 2 {
		rg.Go(func() {
			for {
				last := done.Load()
				seen := map[string]int{} // batch -> matches seen in this pass
				var prev uint64
				for e, err := range l.Since(ctx, 0) {
					if !assert.NoError(t, err) {
						return
					}
					assert.Greater(t, e.Seq, prev)
					prev = e.Seq
					if e.Kind == matching.MatchAppended {
						assert.NotContains(t, e.Match.ID, "-bad", "a failed batch stored nothing")
						seen[e.Match.ID[:len("W0-B00")]]++
					}
				}
				for b, n := range seen {
					assert.Equal(t, size, n, "batch %s seen whole", b)
				}
				if last {
					assert.Len(t, seen, writers*batches)
					return
				}
			}
		})
	}
	wg.Wait()
	done.Store(true)
	rg.Wait()
	assert.Equal(t, writers*batches*size, l.Len())
	assert.Len(t, matchingtest.Entries(t, l, 0), writers*batches*(size+1), "one entry per match and per change, none per retry")
}
