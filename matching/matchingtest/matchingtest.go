// Package matchingtest is the conformance suite for matching.Log implementations, in the spirit of
// testing/fstest: a host that keeps its match log in its own database runs Run against its adapter,
// as MemoryLog's tests do. It checks the durability contract documented on matching.Log as far as a
// test can: sequence numbers, exact resumption of a cursor, idempotent retries, atomic batches,
// dated status changes that replay to a past date, dates judged against no clock (a match or a
// change dated years ahead is stored as given), amounts read as values (trailing zeros beyond 18
// places change nothing), and all of it under concurrent writers and readers.
package matchingtest

import (
	"context"
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Run checks that the logs newLog returns behave as matching.Log documents. newLog must return a
// new, empty log each time.
func Run(t *testing.T, newLog func(t *testing.T) matching.Log) {
	t.Run("Append", func(t *testing.T) { runAppend(t, newLog) })
	t.Run("Status", func(t *testing.T) { runStatus(t, newLog) })
	t.Run("Batch", func(t *testing.T) { runBatch(t, newLog) })
	t.Run("Sequence", func(t *testing.T) { runSequence(t, newLog) })
	t.Run("Concurrency", func(t *testing.T) { runConcurrency(t, newLog) })
}

var ctx = context.Background()

func runAppend(t *testing.T, newLog func(t *testing.T) matching.Log) {
	t.Run("AppendGet", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.True(t, got.Equal(m), "got %+v", got)
	})
	t.Run("AppendReadsTheValueNotItsTrailingZeros", func(t *testing.T) {
		// What Match.Validate accepts, the log stores: a match whose amounts and shares carry
		// trailing zeros beyond 18 places (read from numeric(38,20) columns) is the same match, and
		// appending it written short after it is a retry, not a conflict.
		l := newLog(t)
		m := Sample("M-1", day(1))
		padded := m
		padded.Quantity, padded.UnitPrice, padded.Subsidy = pad(m.Quantity), pad(m.UnitPrice), pad(m.Subsidy)
		padded.Terms.Payment.Installments = append([]b2bkit.Installment(nil), m.Terms.Payment.Installments...)
		for i := range padded.Terms.Payment.Installments {
			padded.Terms.Payment.Installments[i].Share = pad(padded.Terms.Payment.Installments[i].Share)
		}
		require.NoError(t, padded.Validate())
		require.NoError(t, l.Append(ctx, padded))
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.True(t, got.Equal(m), "got %+v", got)
		require.NoError(t, l.Append(ctx, m), "the short form is a retry")
		require.NoError(t, l.Append(ctx, padded), "and so is the padded one again")
		assert.Len(t, Entries(t, l, 0), 1, "the retries commit no entry")
	})
	t.Run("AppendRetryWrittenOtherwiseIsARetry", func(t *testing.T) {
		// A retry compares amounts by value: 118.00 sent again as 118 or 118.0000, 100 as 1E2,
		// 0.3 as 0.30, is the same match. A store that compares them as written (by exponent or
		// text) reports a conflict for a retry, or, worse, for the match a host re-reads and sends.
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		for _, form := range []struct {
			name  string
			write func(decimal.Decimal) decimal.Decimal
		}{{"trailing zeros added", func(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, 2) }}, {"trailing zeros dropped", dectest.TrimZeros}} {
			again := m
			again.Quantity, again.UnitPrice, again.Subsidy = form.write(m.Quantity), form.write(m.UnitPrice), form.write(m.Subsidy)
			again.Terms.Payment.Installments = append([]b2bkit.Installment(nil), m.Terms.Payment.Installments...)
			for i := range again.Terms.Payment.Installments {
				again.Terms.Payment.Installments[i].Share = form.write(again.Terms.Payment.Installments[i].Share)
			}
			require.NoError(t, l.Append(ctx, again), "%s: a retry", form.name)
			require.NoError(t, l.Append(ctx, m, again), "%s: a batch of retries", form.name)
		}
		assert.Len(t, Entries(t, l, 0), 1, "the retries commit no entry")
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
		assert.ErrorContains(t, err, "match.quantity")
		_, err = l.Get(ctx, "M-1")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		assert.Empty(t, Entries(t, l, 0), "a refused append commits no entry")
	})
	t.Run("AppendAbsurdExponentsStoresNothing", func(t *testing.T) {
		// A number written with an exponent near ±2^30 is refused naming its field, at once: compared
		// with a stored match's or summed as written it would be scaled by a billion digits.
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		for _, d := range []decimal.Decimal{decimal.New(1, 1<<30), decimal.New(1, -1<<30)} {
			for field, set := range map[string]func(*matching.Match){
				"quantity":   func(m *matching.Match) { m.Quantity = d },
				"unit_price": func(m *matching.Match) { m.UnitPrice = d },
				"subsidy":    func(m *matching.Match) { m.Subsidy = d },
				"share": func(m *matching.Match) {
					m.Terms.Payment = b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: d, Due: b2bkit.OnOrder}}}
				},
			} {
				for _, id := range []string{"M-1", "M-2"} { // a retry of a stored match, and a new one
					m := Sample(id, day(1))
					set(&m)
					err := l.Append(ctx, Sample("M-3", day(1)), m)
					require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s %s", id, field)
					assert.ErrorContains(t, err, field)
				}
			}
		}
		assert.Len(t, Entries(t, l, 0), 1, "a refused append commits no entry")
	})
	t.Run("AppendSameContentIsNoOp", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		require.NoError(t, l.SetStatus(ctx, change("M-1", matching.Accepted, day(2))))
		require.NoError(t, l.Append(ctx, m), "a retry after the status moved on is still the same match")
		assert.Len(t, Entries(t, l, 0), 2, "the retry commits no entry")
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
		assert.Len(t, Entries(t, l, 0), 1)
	})
	t.Run("AppendWithAStatusAheadOfTheStoredOneConflicts", func(t *testing.T) {
		// Appending again with a status the stored match has not reached is not a retry: it would
		// report success and store nothing.
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		m.Status = matching.Fulfilled
		err := l.Append(ctx, m)
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, "M-1")
		got, gerr := l.Get(ctx, "M-1")
		require.NoError(t, gerr)
		assert.Equal(t, matching.Proposed, got.Status)
	})
	t.Run("AppendJudgesNoDateAgainstAClock", func(t *testing.T) {
		// Promise 6: a match dated years ahead of any clock is stored and replayed as given;
		// refusing it is the Book's job, and every store must decide alike.
		l := newLog(t)
		ahead := Sample("M-1", time.Date(2199, 6, 1, 10, 0, 0, 0, shanghai))
		require.NoError(t, l.Append(ctx, ahead))
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.True(t, got.Equal(ahead), "got %+v", got)
		es := Entries(t, l, 0)
		require.Len(t, es, 1)
		assert.True(t, es[0].Match.Equal(ahead))
	})
	t.Run("GetUnknown", func(t *testing.T) {
		_, err := newLog(t).Get(ctx, "nope")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		assert.ErrorContains(t, err, "nope")
	})
	t.Run("ReturnedMatchesAreCopies", func(t *testing.T) {
		// A caller that edits what it read changes nothing stored.
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		got.Terms.Payment.Installments[0].Days = 99
		for e, err := range l.Since(ctx, 0) {
			require.NoError(t, err)
			e.Match.Terms.Payment.Installments[0].Days = 98
		}
		again, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.True(t, again.Equal(Sample("M-1", day(1))))
		assert.True(t, Entries(t, l, 0)[0].Match.Equal(Sample("M-1", day(1))))
	})
	t.Run("AppendKeepsNotTheCallersSchedule", func(t *testing.T) {
		l := newLog(t)
		m := Sample("M-1", day(1))
		require.NoError(t, l.Append(ctx, m))
		m.Terms.Payment.Installments[0].Days = 77
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.True(t, got.Equal(Sample("M-1", day(1))))
	})
}

func runStatus(t *testing.T, newLog func(t *testing.T) matching.Log) {
	all := []matching.Status{matching.Proposed, matching.Accepted, matching.Fulfilled, matching.Cancelled}
	legal := map[[2]matching.Status]bool{
		{matching.Proposed, matching.Accepted}: true, {matching.Accepted, matching.Fulfilled}: true,
		{matching.Proposed, matching.Cancelled}: true, {matching.Accepted, matching.Cancelled}: true,
	}
	for _, from := range all {
		for _, to := range all {
			t.Run("Change_"+from.String()+"_to_"+to.String(), func(t *testing.T) {
				l := newLog(t)
				m := Sample("M-1", day(1))
				m.Status = from
				require.NoError(t, l.Append(ctx, m))
				err := l.SetStatus(ctx, change("M-1", to, day(2)))
				got, gerr := l.Get(ctx, "M-1")
				require.NoError(t, gerr)
				if legal[[2]matching.Status{from, to}] {
					require.NoError(t, err)
					assert.Equal(t, to, got.Status)
					es := Entries(t, l, 0)
					require.Len(t, es, 2)
					assert.Equal(t, matching.StatusChanged, es[1].Kind)
					assert.True(t, es[1].Change.Equal(change("M-1", to, day(2))), "%+v", es[1].Change)
					assert.Equal(t, es[0].Seq, es[1].MatchSeq, "a change names the entry that appended its match")
					return
				}
				// Back, out of a final status, skipping acceptance, or to the status the match was
				// appended with (no change set it): the stored status forbids it.
				require.ErrorIs(t, err, b2bkit.ErrConflict, "the stored status forbids it")
				require.NotErrorIs(t, err, b2bkit.ErrInvalid)
				assert.ErrorContains(t, err, "M-1")
				assert.ErrorContains(t, err, from.String())
				assert.Equal(t, from, got.Status, "a refused change stores nothing")
				assert.Len(t, Entries(t, l, 0), 1)
			})
		}
	}
	t.Run("RetryIsNoOp", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		c := change("M-1", matching.Accepted, day(2))
		require.NoError(t, l.SetStatus(ctx, c))
		require.NoError(t, l.SetStatus(ctx, c), "the same change again is a retry")
		assert.Len(t, Entries(t, l, 0), 2, "a retry commits no entry")
	})
	t.Run("SameStatusOtherChangeConflicts", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		require.NoError(t, l.SetStatus(ctx, change("M-1", matching.Accepted, day(2))))
		for _, c := range []matching.StatusChange{change("M-1", matching.Accepted, day(3)), {ID: "M-1", Status: matching.Accepted, At: day(2), By: "someone-else"}} {
			err := l.SetStatus(ctx, c)
			require.ErrorIs(t, err, b2bkit.ErrConflict, "%+v", c)
			assert.ErrorContains(t, err, "M-1")
		}
		assert.Len(t, Entries(t, l, 0), 2)
	})
	t.Run("RetriedSetStatusBehindTheStoredOneConflicts", func(t *testing.T) {
		// The host accepted the match, then it was fulfilled; the accept is retried late.
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		require.NoError(t, l.SetStatus(ctx, change("M-1", matching.Accepted, day(2))))
		require.NoError(t, l.SetStatus(ctx, change("M-1", matching.Fulfilled, day(3))))
		for _, s := range []matching.Status{matching.Accepted, matching.Proposed} {
			err := l.SetStatus(ctx, change("M-1", s, day(2)))
			require.ErrorIs(t, err, b2bkit.ErrConflict, "a retry to %s must not report success", s)
			assert.ErrorContains(t, err, "fulfilled")
		}
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.Equal(t, matching.Fulfilled, got.Status)
	})
	t.Run("ChangeDatedBeforeTheMatchOrItsLastChangeConflicts", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(5))))
		err := l.SetStatus(ctx, change("M-1", matching.Accepted, day(4)))
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, "M-1")
		require.NoError(t, l.SetStatus(ctx, change("M-1", matching.Accepted, day(7))))
		err = l.SetStatus(ctx, change("M-1", matching.Fulfilled, day(6)))
		require.ErrorIs(t, err, b2bkit.ErrConflict, "delivered before it was accepted")
		require.NoError(t, l.SetStatus(ctx, change("M-1", matching.Fulfilled, day(7))), "the same instant is not before")
	})
	t.Run("InvalidChange", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		for field, c := range map[string]matching.StatusChange{
			"change.status": {ID: "M-1", Status: 9, At: day(2), By: "ops"},
			"change.at":     {ID: "M-1", Status: matching.Accepted, By: "ops"},
			"change.by":     {ID: "M-1", Status: matching.Accepted, At: day(2)},
			"change.id":     {Status: matching.Accepted, At: day(2), By: "ops"},
		} {
			err := l.SetStatus(ctx, c)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, field)
			assert.ErrorContains(t, err, field)
		}
		assert.Len(t, Entries(t, l, 0), 1)
	})
	t.Run("ChangeJudgesNoDateAgainstAClock", func(t *testing.T) {
		// Promise 6: a change dated years ahead of any clock is stored as given.
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		c := change("M-1", matching.Accepted, time.Date(2199, 6, 1, 10, 0, 0, 0, shanghai))
		require.NoError(t, l.SetStatus(ctx, c))
		es := Entries(t, l, 0)
		require.Len(t, es, 2)
		assert.True(t, es[1].Change.Equal(c), "%+v", es[1].Change)
	})
	t.Run("SetStatusUnknown", func(t *testing.T) {
		err := newLog(t).SetStatus(ctx, change("nope", matching.Accepted, day(2)))
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
	})
	t.Run("ChangesReplayAsOfAPastDate", func(t *testing.T) {
		// Proposed on day 1, accepted on day 2 by sales, delivered on day 5 by the driver's app;
		// another match cancelled on day 3. Replaying the entries up to a date gives each match's
		// status that day.
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1)), Sample("M-2", day(1))))
		require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, At: day(2), By: "sales"}))
		require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "M-2", Status: matching.Cancelled, At: day(3), By: "buyer-portal"}))
		require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Fulfilled, At: day(5), By: "driver-app"}))
		es := Entries(t, l, 0)
		for _, c := range []struct {
			asOf   time.Time
			m1, m2 matching.Status
		}{
			{day(1), matching.Proposed, matching.Proposed},
			{day(2), matching.Accepted, matching.Proposed},
			{day(4), matching.Accepted, matching.Cancelled},
			{day(6), matching.Fulfilled, matching.Cancelled},
		} {
			st := StatusesAsOf(es, c.asOf)
			assert.Equal(t, c.m1, st["M-1"], "M-1 on %s", c.asOf)
			assert.Equal(t, c.m2, st["M-2"], "M-2 on %s", c.asOf)
		}
		var by []string
		for _, e := range es {
			if e.Kind == matching.StatusChanged {
				by = append(by, e.Change.By)
			}
		}
		assert.Equal(t, []string{"sales", "buyer-portal", "driver-app"}, by, "who recorded each change")
	})
}

func runBatch(t *testing.T, newLog func(t *testing.T) matching.Log) {
	t.Run("BatchCommitsInOrder", func(t *testing.T) {
		l := newLog(t)
		var ms []matching.Match
		for i := range 50 {
			ms = append(ms, Sample(fmt.Sprintf("M-%02d", i), day(28-i%27))) // backdated on purpose
		}
		require.NoError(t, l.Append(ctx, ms...))
		es := Entries(t, l, 0)
		require.Len(t, es, len(ms))
		for i, e := range es {
			assert.Equal(t, matching.MatchAppended, e.Kind)
			assert.True(t, e.Match.Equal(ms[i]), "entry %d is the batch's match %d", i, i)
		}
	})
	t.Run("BatchIsAtomic", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-0", day(1))))
		bad := Sample("M-3", day(1))
		bad.UnitPrice = decimal.NewFromInt(-1)
		err := l.Append(ctx, Sample("M-1", day(1)), Sample("M-2", day(1)), bad)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "matches[2].unit_price")
		clash := Sample("M-0", day(1))
		clash.Quantity = decimal.NewFromInt(7)
		err = l.Append(ctx, Sample("M-1", day(1)), clash)
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, "M-0")
		twice := Sample("M-1", day(1))
		twice.Quantity = decimal.NewFromInt(7)
		err = l.Append(ctx, Sample("M-1", day(1)), twice)
		require.ErrorIs(t, err, b2bkit.ErrConflict, "one ID twice in a batch with other content")
		assert.Len(t, Entries(t, l, 0), 1, "no failed batch stored anything")
		_, err = l.Get(ctx, "M-1")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
	})
	t.Run("BatchSkipsRetries", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-0", day(1))))
		require.NoError(t, l.Append(ctx, Sample("M-0", day(1)), Sample("M-1", day(2)), Sample("M-1", day(2)), Sample("M-2", day(3))))
		var ids []string
		for _, e := range Entries(t, l, 0) {
			ids = append(ids, e.Match.ID)
		}
		assert.Equal(t, []string{"M-0", "M-1", "M-2"}, ids)
	})
	t.Run("BatchCopiesOfAStoredMatchAreRetriesOfIt", func(t *testing.T) {
		// Each copy is compared with the match as stored, not with the batch's first copy:
		// proposed and accepted copies of a match since cancelled are both retries.
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-0", day(1))))
		require.NoError(t, l.SetStatus(ctx, change("M-0", matching.Cancelled, day(2))))
		accepted, fulfilled := Sample("M-0", day(1)), Sample("M-0", day(1))
		accepted.Status, fulfilled.Status = matching.Accepted, matching.Fulfilled
		require.NoError(t, l.Append(ctx, Sample("M-0", day(1)), accepted))
		err := l.Append(ctx, Sample("M-0", day(1)), fulfilled)
		require.ErrorIs(t, err, b2bkit.ErrConflict, "a cancelled match was never fulfilled")
		assert.Len(t, Entries(t, l, 0), 2, "the retries commit no entry")
	})
	t.Run("EmptyBatch", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx))
		assert.Empty(t, Entries(t, l, 0))
	})
}

func runSequence(t *testing.T, newLog func(t *testing.T) matching.Log) {
	// story appends and changes a few matches and returns what it did, in order.
	story := func(t *testing.T, l matching.Log, from int) []matching.Entry {
		var want []matching.Entry
		for i := from; i < from+6; i++ {
			m := Sample(fmt.Sprintf("M-%d", i), day(1+i%20))
			require.NoError(t, l.Append(ctx, m))
			want = append(want, matching.Entry{Kind: matching.MatchAppended, Match: m})
			if i%2 == 0 {
				c := change(m.ID, matching.Accepted, m.At.Add(time.Hour))
				require.NoError(t, l.SetStatus(ctx, c))
				want = append(want, matching.Entry{Kind: matching.StatusChanged, Change: c})
			}
		}
		return want
	}
	t.Run("NumbersIncrease", func(t *testing.T) {
		l := newLog(t)
		want := story(t, l, 0)
		got := Entries(t, l, 0)
		require.Len(t, got, len(want))
		appended := map[string]uint64{}
		var last uint64
		for i, e := range got {
			assert.Greater(t, e.Seq, last, "entry %d: numbers above 0 and increasing", i)
			last = e.Seq
			require.Equal(t, want[i].Kind, e.Kind, "entry %d", i)
			switch e.Kind {
			case matching.MatchAppended:
				assert.True(t, e.Match.Equal(want[i].Match), "entry %d is the match as appended", i)
				appended[e.Match.ID] = e.Seq
			case matching.StatusChanged:
				assert.True(t, e.Change.Equal(want[i].Change), "entry %d is the change", i)
				assert.Equal(t, appended[e.Change.ID], e.MatchSeq, "entry %d names its match's entry", i)
			}
		}
	})
	t.Run("CursorResumesExactly", func(t *testing.T) {
		l := newLog(t)
		story(t, l, 0)
		all := Entries(t, l, 0)
		for k := range all {
			rest := Entries(t, l, all[k].Seq)
			require.Equal(t, seqs(all[k+1:]), seqs(rest), "from entry %d", all[k].Seq)
		}
		last := all[len(all)-1].Seq
		assert.Empty(t, Entries(t, l, last), "nothing after the last")
		assert.Empty(t, Entries(t, l, last+1000), "nothing after a number not reached")
		more := story(t, l, 100)
		next := Entries(t, l, last)
		require.Len(t, next, len(more), "resuming from the last number seen yields just what came since")
		again := Entries(t, l, 0)
		require.Equal(t, seqs(all), seqs(again[:len(all)]), "numbers never change")
		for i := range all {
			assert.True(t, sameEntry(all[i], again[i]), "entry %d never changes", all[i].Seq)
		}
	})
	t.Run("ReadYourWrites", func(t *testing.T) {
		l := newLog(t)
		var last uint64
		for i := range 20 {
			require.NoError(t, l.Append(ctx, Sample(fmt.Sprintf("M-%d", i), day(1))))
			es := Entries(t, l, last)
			require.Len(t, es, 1, "a nil from Append means the next Since yields it")
			last = es[0].Seq
		}
	})
	t.Run("SinceStopsEarly", func(t *testing.T) {
		l := newLog(t)
		for i := range 600 {
			require.NoError(t, l.Append(ctx, Sample(fmt.Sprintf("M-%d", i), day(1).Add(time.Duration(i)*time.Minute))))
		}
		n := 0
		for _, err := range l.Since(ctx, 0) {
			require.NoError(t, err)
			n++
			if n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)
		assert.Len(t, Entries(t, l, 0), 600)
	})
	t.Run("SinceCancelled", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		var errs int
		for _, err := range l.Since(cctx, 0) {
			if err != nil {
				errs++
				require.ErrorIs(t, err, context.Canceled)
			}
		}
		assert.Equal(t, 1, errs)
	})
}

func runConcurrency(t *testing.T, newLog func(t *testing.T) matching.Log) {
	t.Run("SameIDStoredOnce", func(t *testing.T) {
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
		assert.Len(t, Entries(t, l, 0), 1)
	})
	t.Run("OneOfDifferentContentsWins", func(t *testing.T) {
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
		assert.Len(t, Entries(t, l, 0), 1)
	})
	t.Run("OneOfRacingChangesWins", func(t *testing.T) {
		l := newLog(t)
		require.NoError(t, l.Append(ctx, Sample("M-1", day(1))))
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			c := matching.StatusChange{ID: "M-1", Status: matching.Accepted, At: day(2), By: fmt.Sprint("clerk-", i)}
			if i%2 == 1 {
				c.Status = matching.Cancelled
			}
			wg.Go(func() { errs[i] = l.SetStatus(ctx, c) })
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
		assert.GreaterOrEqual(t, ok, 1, "one change wins")
		assert.LessOrEqual(t, ok, 2, "accepted then cancelled at most")
		es := Entries(t, l, 0)
		assert.Len(t, es, 1+ok, "one entry per change that won")
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.Equal(t, es[len(es)-1].Change.Status, got.Status)
	})
	t.Run("FollowersMissNothing", func(t *testing.T) {
		// Four writers append and change matches while three readers follow the log, each
		// resuming from the last number it saw: every reader must see every entry, once, in
		// order — an adapter whose numbers become visible out of order fails here.
		l := newLog(t)
		const writers, per = 4, 150
		var wg sync.WaitGroup
		for g := range writers {
			wg.Go(func() {
				for i := range per {
					id := fmt.Sprintf("M-%d-%d", g, i)
					m := Sample(id, day(1+i%25))
					if !assert.NoError(t, l.Append(ctx, m)) {
						return
					}
					if i%3 == 0 {
						assert.NoError(t, l.SetStatus(ctx, change(id, matching.Accepted, m.At.Add(time.Minute))))
					}
				}
			})
		}
		total := writers * (per + (per+2)/3)
		seen := make([][]uint64, 3)
		var written atomic.Bool
		var rg sync.WaitGroup
		for k := range seen {
			rg.Go(func() {
				var last uint64
				for {
					done := written.Load() // read before the pass: a pass after the last write
					n := 0
					for e, err := range l.Since(ctx, last) {
						if !assert.NoError(t, err) {
							return
						}
						seen[k] = append(seen[k], e.Seq)
						last = e.Seq
						n++
					}
					if done && n == 0 {
						return
					}
					if n == 0 {
						runtime.Gosched()
					}
				}
			})
		}
		wg.Wait()
		written.Store(true)
		rg.Wait()
		all := seqs(Entries(t, l, 0))
		require.Len(t, all, total)
		for k := range seen {
			assert.Equal(t, all, seen[k], "reader %d", k)
		}
	})
}

// Entries reads every entry of l numbered above seq, failing the test on an error.
func Entries(t testing.TB, l matching.Log, seq uint64) []matching.Entry {
	t.Helper()
	var out []matching.Entry
	for e, err := range l.Since(ctx, seq) {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// StatusesAsOf replays entries and returns each match's status as it stood at asOf: the status it
// was appended with, moved on by the changes dated at or before asOf. Matches made after asOf are
// left out.
func StatusesAsOf(entries []matching.Entry, asOf time.Time) map[string]matching.Status {
	out := map[string]matching.Status{}
	for _, e := range entries {
		switch e.Kind {
		case matching.MatchAppended:
			if !e.Match.At.After(asOf) {
				out[e.Match.ID] = e.Match.Status
			}
		case matching.StatusChanged:
			if _, ok := out[e.Change.ID]; ok && !e.Change.At.After(asOf) {
				out[e.Change.ID] = e.Change.Status
			}
		}
	}
	return out
}

func seqs(es []matching.Entry) []uint64 {
	out := make([]uint64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

func sameEntry(a, b matching.Entry) bool {
	return a.Seq == b.Seq && a.Kind == b.Kind && a.MatchSeq == b.MatchSeq &&
		(a.Kind != matching.MatchAppended || a.Match.Equal(b.Match)) &&
		(a.Kind != matching.StatusChanged || a.Change.Equal(b.Change))
}

func change(id string, s matching.Status, at time.Time) matching.StatusChange {
	return matching.StatusChange{ID: id, Status: s, At: at, By: "ops"}
}

var shanghai = time.FixedZone("CST", 8*3600)

func day(n int) time.Time { return time.Date(2026, 3, n, 10, 0, 0, 0, shanghai) }

// pad is d written with 30 decimal places: the same value, as a numeric(38,30) column returns it.
func pad(d decimal.Decimal) decimal.Decimal {
	c := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(30+d.Exponent())), nil))
	return decimal.NewFromBigInt(c, -30)
}

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
