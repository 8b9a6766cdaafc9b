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
	"github.com/shopspring/decimal"
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

// TestR13_ReferenceRulesAtAnyScale: the same market priced in units, in tens of millions and in
// trillions a unit (capital goods in VND or IDR, past the integer path's 900 million) leaves out the
// same trades by each rule, caps the same buyer, and scales its fences, median and mean exactly.
func TestR13_ReferenceRulesAtAnyScale(t *testing.T) {
	market := func(scale decimal.Decimal) *matching.Book {
		b, _ := newBook(t)
		price := func(p int64) string { return decimal.NewFromInt(p).Mul(scale).String() }
		for i := range 10 {
			record(t, b, match(id("M", i), 10+i, b2bkit.CompanyID(id("B", i)), "S-1", "RICE-25KG", "50", price(100+int64(i))))
		}
		record(t, b, match("M-odd", 5, "B-odd", "S-1", "RICE-25KG", "50", price(500)))
		record(t, b, match("M-whale", 5, "B-whale", "S-1", "RICE-25KG", "50", price(104)), match("M-whale-2", 4, "B-whale", "S-1", "RICE-25KG", "2000", price(104)))
		for i := range 2 {
			m := match(id("M-sub", i), 6+i, "B-sub", "S-1", "RICE-25KG", "50", price(80))
			m.Subsidy = dec("300")
			record(t, b, m)
		}
		return b
	}
	req := request("RICE-25KG", "50", b2bkit.CashOnDelivery())
	rules := []matching.ReferenceRules{
		{ExcludeSubsidised: true, Outliers: matching.IQR, MaxBuyerShare: dec("0.2")},
		{Outliers: matching.MAD, MaxBuyerShare: dec("0.1")},
		{ExcludeSubsidised: true, Outliers: matching.MAD, K: dec("1")},
	}
	base := market(decimal.NewFromInt(1))
	for _, scale := range []string{"10000000", "1000000000000"} {
		s := dec(scale)
		big := market(s)
		for i, r := range rules {
			want, err := base.ReferencePriceWith(ctx, "RICE-25KG", req, 3*month, r)
			require.NoError(t, err)
			got, err := big.ReferencePriceWith(ctx, "RICE-25KG", req, 3*month, r)
			require.NoError(t, err)
			msg := fmt.Sprintf("scale %s, rules %d", scale, i)
			require.Positive(t, want.Excluded.Outliers, msg)
			require.Equal(t, want.Count, got.Count, msg)
			require.Equal(t, want.Excluded.Subsidised, got.Excluded.Subsidised, msg)
			require.Equal(t, want.Excluded.Outliers, got.Excluded.Outliers, msg)
			require.Equal(t, want.Excluded.CappedBuyers, got.Excluded.CappedBuyers, msg)
			require.Equal(t, want.Excluded.CappedTrades, got.Excluded.CappedTrades, msg)
			requireDecEqual(t, want.Excluded.TopBuyerShare, got.Excluded.TopBuyerShare, msg)
			// Normalised prices are kept to 10 places, means rounded to 4: scaled, the base's figures
			// show more of their digits, so they agree to the base's rounding times the scale.
			near := func(what string, w, g decimal.Decimal, places int32) {
				t.Helper()
				tol := decimal.New(5, -places-1).Mul(s)
				require.True(t, g.Sub(w.Mul(s)).Abs().LessThanOrEqual(tol), "%s %s: %s against %s x %s", msg, what, g, w, scale)
			}
			near("outlier low", want.Excluded.OutlierLow, got.Excluded.OutlierLow, 10)
			near("outlier high", want.Excluded.OutlierHigh, got.Excluded.OutlierHigh, 10)
			near("median", want.Median, got.Median, 10)
			near("low", want.Low, got.Low, 10)
			near("high", want.High, got.High, 10)
			near("mean", want.Mean, got.Mean, 4)
			requireDecEqual(t, want.Volume, got.Volume, msg)
		}
	}
}
