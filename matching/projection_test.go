package matching_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A play is what a platform did to its log: matches recorded and status changes, in order.
type play struct {
	matches []matching.Match // recorded in batches of batch
	changes map[int][]matching.StatusChange
	batch   int
}

// randomPlay is a year of a small market: 40 buyers, 8 sellers, 6 SKUs, five payment schedules,
// statuses moved by dated changes (accepted, delivered early or late, cancelled), some matches
// appended already fulfilled, some subsidised, some self-operated.
func randomPlay(seed uint64, n int) play {
	rng := rand.New(rand.NewPCG(seed, 7))
	pays := []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Prepaid(), b2bkit.Net(30), b2bkit.Net(60),
		b2bkit.DepositBalance(dec("0.3"), 30)}
	pl := play{changes: map[int][]matching.StatusChange{}, batch: 1 + rng.IntN(20)}
	for i := range n {
		at := daysAgo(1 + rng.IntN(365)).Add(time.Duration(rng.IntN(600)) * time.Minute)
		m := match(id("M", i), 0, b2bkit.CompanyID(id("B", rng.IntN(40))), b2bkit.CompanyID(id("S", rng.IntN(8))),
			b2bkit.SKU(id("SKU", rng.IntN(6))), fmt.Sprint([]int{5, 10, 50, 100, 500, 1200}[rng.IntN(6)]), fmt.Sprintf("%d.%02d", 90+rng.IntN(40), rng.IntN(100)))
		m.At, m.Terms.OrderedAt = at, at
		m.Terms.DeliverBy = at.AddDate(0, 0, 1+rng.IntN(20))
		m.Terms.Payment = pays[rng.IntN(len(pays))]
		if rng.IntN(8) == 0 {
			m.Subsidy = dec("12.50")
		}
		if rng.IntN(5) == 0 {
			m.Mode = matching.SelfOperated
		}
		switch rng.IntN(4) {
		case 0: // appended as it ended
			m.Status = []matching.Status{matching.Fulfilled, matching.Cancelled, matching.Accepted}[rng.IntN(3)]
		default:
			m.Status = matching.Proposed
			acc := at.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
			if acc.After(today) {
				break
			}
			cs := []matching.StatusChange{{ID: m.ID, Status: matching.Accepted, At: acc, By: "sales"}}
			end := m.Terms.DeliverBy.AddDate(0, 0, rng.IntN(5)-2)
			if end.Before(acc) {
				end = acc
			}
			if !end.After(today) {
				switch rng.IntN(5) {
				case 0:
					cs = append(cs, matching.StatusChange{ID: m.ID, Status: matching.Cancelled, At: end, By: "buyer"})
				case 1, 2, 3:
					cs = append(cs, matching.StatusChange{ID: m.ID, Status: matching.Fulfilled, At: end, By: "driver-app"})
				}
			}
			pl.changes[i] = cs
		}
		pl.matches = append(pl.matches, m)
	}
	return pl
}

// apply records the play through the book, each batch and then its matches' changes.
func (pl play) apply(t testing.TB, b *matching.Book) {
	t.Helper()
	for i := 0; i < len(pl.matches); i += pl.batch {
		j := min(i+pl.batch, len(pl.matches))
		require.NoError(t, b.Record(ctx, pl.matches[i:j]...))
		for k := i; k < j; k++ {
			for _, c := range pl.changes[k] {
				require.NoError(t, b.SetStatus(ctx, c), "%+v", c)
			}
		}
	}
}

// answers asks a book every question, in several ways, and returns the answers as JSON, where
// decimals are their canonical text and times RFC 3339: two books agree when the texts do.
func answers(t testing.TB, b *matching.Book) map[string]string {
	t.Helper()
	out := map[string]string{}
	put := func(key string, v any, err error) {
		t.Helper()
		if errors.Is(err, b2bkit.ErrNotFound) {
			out[key] = `"not found"`
			return
		}
		require.NoError(t, err, key)
		js, err := json.Marshal(v)
		require.NoError(t, err, key)
		out[key] = string(js)
	}
	rules := []matching.ReferenceRules{{}, {ExcludeSubsidised: true, Outliers: matching.IQR, MaxBuyerShare: dec("0.1")},
		{Outliers: matching.MAD, MaxBuyerShare: dec("0.3")}}
	for s := range 6 {
		sku := b2bkit.SKU(id("SKU", s))
		for i, pay := range []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Net(45)} {
			req := request(sku, []string{"20", "700"}[i], pay)
			for k, r := range rules {
				ref, err := b.ReferencePriceWith(ctx, sku, req, 180*24*time.Hour, r)
				put(fmt.Sprintf("reference %s %d %d", sku, i, k), ref, err)
			}
			for _, focus := range [][]matching.Need{nil, {matching.Price}, {matching.Speed, matching.Quality}, {matching.Selection}} {
				cs, err := b.Rank(ctx, matching.RFQ{Request: req}, focus)
				put(fmt.Sprintf("rank %s %d %v", sku, i, focus), cs, err)
			}
		}
		d, err := b.Demand(ctx, sku, 30*24*time.Hour)
		put("demand "+string(sku), d, err)
		for by := range 40 {
			r, err := b.Rhythm(ctx, b2bkit.CompanyID(id("B", by)), sku)
			put(fmt.Sprintf("rhythm %d %s", by, sku), r, err)
		}
	}
	for _, w := range []int{7, 30, 90, 400} {
		h, err := b.Health(ctx, time.Duration(w)*24*time.Hour)
		put(fmt.Sprint("health ", w), h, err)
	}
	return out
}

// TestBookAnswersTheSameOverAnyLog: the same year of matching recorded through three logs — the
// in-memory one, the same behind a wrapper that hides its type, and tableLog, written as a SQL
// adapter would be (sequence numbers with gaps, every value decoded afresh) — gives the same answer
// to every question, today and as of a past date: the book reads nothing but Since.
func TestBookAnswersTheSameOverAnyLog(t *testing.T) {
	pl := randomPlay(21, 1500)
	logs := map[string]matching.Log{"memory": matching.NewMemoryLog(), "wrapped": plainLog{matching.NewMemoryLog()}, "table": newTableLog()}
	books := map[string]*matching.Book{}
	for name, l := range logs {
		books[name] = matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
		pl.apply(t, books[name])
	}
	for _, clock := range []time.Time{today, today.AddDate(0, 0, -40)} {
		want := map[string]string(nil)
		for _, name := range []string{"memory", "wrapped", "table"} {
			b := matching.NewBook(logs[name], engine(t), &matching.Options{Now: func() time.Time { return clock }})
			got := answers(t, b)
			if want == nil {
				want = got
				continue
			}
			require.Len(t, got, len(want))
			for k := range want {
				require.JSONEq(t, want[k], got[k], "%s over %s as of %s", k, name, clock.Format(time.DateOnly))
			}
		}
	}
}

// TestBookFollowsTheLog: a book reads what was committed since its last question, however it was
// committed; with ManualRefresh it answers from what it has until Refresh.
func TestBookFollowsTheLog(t *testing.T) {
	l := matching.NewMemoryLog()
	auto := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
	manual := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }, ManualRefresh: true})
	req := request("RICE-25KG", "50", b2bkit.CashOnDelivery())
	count := func(b *matching.Book) int {
		ref, err := b.ReferencePrice(ctx, "RICE-25KG", req, month)
		require.NoError(t, err)
		return ref.Count
	}
	record(t, auto, match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118"))
	require.NoError(t, l.Append(ctx, match("M-2", 4, "B-2", "S-1", "RICE-25KG", "50", "120"))) // behind the books' backs
	assert.Equal(t, 2, count(auto))
	assert.Equal(t, uint64(2), auto.Seq())
	assert.Equal(t, 0, count(manual), "nothing read yet")
	require.NoError(t, manual.Refresh(ctx))
	assert.Equal(t, 2, count(manual))
	m3 := match("M-3", 5, "B-3", "S-1", "RICE-25KG", "50", "119")
	m3.Status = matching.Accepted
	require.NoError(t, l.Append(ctx, m3))
	assert.Equal(t, 2, count(auto), "accepted is no trade yet")
	require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "M-3", Status: matching.Fulfilled, At: daysAgo(1), By: "ops"}))
	assert.Equal(t, 3, count(auto), "delivered: a trade")
	assert.Equal(t, 2, count(manual))
	require.NoError(t, manual.Refresh(ctx))
	assert.Equal(t, 3, count(manual))
	assert.Equal(t, uint64(4), manual.Seq())
}

// TestR12_HealthAsOfAPastDate: status changes are dated, so a book whose clock is set in the past
// reports the matching as it stood then — what was accepted but not yet delivered, which buyers
// had not yet come back — and today's report from the same log differs as it should.
func TestR12_HealthAsOfAPastDate(t *testing.T) {
	l := matching.NewMemoryLog()
	b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
	first := match("M-1", 40, "coupon-buyer", "S-1", "RICE-25KG", "10", "100")
	first.Status, first.Subsidy = matching.Proposed, dec("20")
	record(t, b, first)
	require.NoError(t, b.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, At: daysAgo(39), By: "sales"}))
	require.NoError(t, b.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Fulfilled, At: daysAgo(30), By: "driver-app"}))
	record(t, b, match("M-2", 10, "coupon-buyer", "S-1", "RICE-25KG", "10", "100")) // came back, unsubsidised

	at := func(daysBack int) matching.Health {
		now := today.AddDate(0, 0, -daysBack)
		h, err := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return now }}).Health(ctx, 90*24*time.Hour)
		require.NoError(t, err)
		return h
	}
	before := at(35) // accepted, not yet delivered
	assert.Equal(t, 1, before.Matches)
	assert.Equal(t, 0, before.Fulfilled)
	assert.Equal(t, 1, before.SubsidisedBuyers.Buyers)
	assert.Equal(t, []b2bkit.CompanyID{"coupon-buyer"}, before.NeverReturned, "not back yet")
	delivered := at(20)
	assert.Equal(t, 1, delivered.Fulfilled)
	assert.Equal(t, []b2bkit.CompanyID{"coupon-buyer"}, delivered.NeverReturned)
	now := at(0)
	assert.Equal(t, 2, now.Matches)
	assert.Equal(t, 2, now.Fulfilled)
	assert.Equal(t, 1, now.SubsidisedBuyers.Returned)
	assert.Empty(t, now.NeverReturned)
	proposed := at(39).Matches
	assert.Equal(t, 1, proposed)
	assert.Equal(t, 0, at(39).SubsidisedBuyers.Buyers, "accepted an hour after this clock, the match is only proposed: no order yet")
}

// TestBookRecordsABatch: Record takes a batch, all or nothing.
func TestBookRecordsABatch(t *testing.T) {
	b, l := newBook(t)
	good, other := match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118"), match("M-2", 3, "B-1", "S-1", "RICE-25KG", "50", "118")
	other.Currency = "USD"
	err := b.Record(ctx, good, other)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "matches[1].currency")
	assert.Zero(t, l.Len())
	future := match("M-3", -1, "B-1", "S-1", "RICE-25KG", "50", "118")
	err = b.Record(ctx, good, future)
	assert.ErrorContains(t, err, "matches[1].at")
	assert.Zero(t, l.Len())
	require.NoError(t, b.Record(ctx, good, match("M-2", 3, "B-1", "S-1", "RICE-25KG", "50", "118")))
	assert.Equal(t, 2, l.Len())
}

// TestBookSetStatusIsDated: a change without a date happened now; one dated after the clock by
// more than the skew is refused; one without who recorded it is invalid.
func TestBookSetStatusIsDated(t *testing.T) {
	b, l := newBook(t)
	m := match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118")
	m.Status = matching.Proposed
	record(t, b, m)
	err := b.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, At: today.Add(time.Hour), By: "sales"})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "change.at")
	err = b.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "change.by")
	require.NoError(t, b.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, By: "sales"}))
	es := matchingtest.Entries(t, l, 1)
	require.Len(t, es, 1)
	assert.True(t, es[0].Change.At.Equal(today), "dated by the book's clock")
}

// TestBookSnapshot: a projection written and loaded back answers as the one it was taken from, and
// catches up with what the log committed since; a snapshot from another log, or a damaged one, is
// refused and the book keeps its own.
func TestBookSnapshot(t *testing.T) {
	pl := randomPlay(5, 800)
	l := matching.NewMemoryLog()
	b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
	half := play{matches: pl.matches[:400], changes: pl.changes, batch: pl.batch}
	half.apply(t, b)
	var buf bytes.Buffer
	require.NoError(t, b.Refresh(ctx))
	require.NoError(t, b.SaveSnapshot(&buf))
	snap := buf.Bytes()

	loaded := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }, ManualRefresh: true})
	require.NoError(t, loaded.LoadSnapshot(ctx, bytes.NewReader(snap)))
	assert.Equal(t, b.Seq(), loaded.Seq())
	want, got := answers(t, b), answers(t, loaded)
	for k := range want {
		require.JSONEq(t, want[k], got[k], k)
	}

	rest := play{matches: pl.matches[400:], changes: map[int][]matching.StatusChange{}, batch: pl.batch}
	for i, cs := range pl.changes {
		if i >= 400 {
			rest.changes[i-400] = cs
		}
	}
	rest.apply(t, b)
	require.NoError(t, b.Refresh(ctx))
	again := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
	require.NoError(t, again.LoadSnapshot(ctx, bytes.NewReader(snap)))
	assert.Equal(t, b.Seq(), again.Seq(), "caught up from the snapshot's sequence")
	want, got = answers(t, matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})), answers(t, again)
	for k := range want {
		require.JSONEq(t, want[k], got[k], k)
	}

	// Another log: its entry at the snapshot's number is not the one the snapshot ends with.
	other := matching.NewMemoryLog()
	otherPlay := randomPlay(6, 500)
	ob := matching.NewBook(other, engine(t), &matching.Options{Now: func() time.Time { return today }})
	otherPlay.apply(t, ob)
	before := ob.Seq()
	err := ob.LoadSnapshot(ctx, bytes.NewReader(snap))
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	assert.ErrorContains(t, err, "snapshot")
	assert.Equal(t, before, ob.Seq(), "the book keeps its projection")
	err = matching.NewBook(matching.NewMemoryLog(), engine(t), nil).LoadSnapshot(ctx, bytes.NewReader(snap))
	require.ErrorIs(t, err, b2bkit.ErrConflict, "a log without the entry")

	// Damaged files.
	for name, data := range map[string][]byte{
		"empty":     nil,
		"truncated": snap[:len(snap)/2],
		"flipped":   flip(snap, len(snap)/3),
		"foreign":   []byte(`{"not":"a snapshot"}`),
	} {
		err := again.LoadSnapshot(ctx, bytes.NewReader(data))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		assert.Equal(t, b.Seq(), again.Seq(), "%s: the book keeps its projection", name)
	}

	// An empty book's snapshot is an empty book.
	buf.Reset()
	empty := matching.NewBook(matching.NewMemoryLog(), engine(t), nil)
	require.NoError(t, empty.SaveSnapshot(&buf))
	require.NoError(t, matching.NewBook(l, engine(t), nil).LoadSnapshot(ctx, bytes.NewReader(buf.Bytes())), "seq 0 fits any log")
}

// TestBookSnapshotRefusesTrailingBytesAndTruncation: a snapshot followed by more bytes is damaged
// or not ours, and a snapshot cut anywhere is truncated: each is refused with an error matching
// ErrInvalid that says so, without a panic, and the book keeps its projection.
func TestBookSnapshotRefusesTrailingBytesAndTruncation(t *testing.T) {
	l := matching.NewMemoryLog()
	b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
	randomPlay(7, 40).apply(t, b)
	require.NoError(t, b.Refresh(ctx))
	var buf bytes.Buffer
	require.NoError(t, b.SaveSnapshot(&buf))
	snap := buf.Bytes()
	loaded := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }, ManualRefresh: true})
	for name, tail := range map[string][]byte{"one byte": {0}, "a second snapshot": snap, "text": []byte("\n")} {
		err := loaded.LoadSnapshot(ctx, io.MultiReader(bytes.NewReader(snap), bytes.NewReader(tail)))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		assert.ErrorContains(t, err, "after the snapshot", name)
		assert.Zero(t, loaded.Seq(), "%s: the book keeps its projection", name)
	}
	for n := range len(snap) {
		err := loaded.LoadSnapshot(ctx, bytes.NewReader(snap[:n]))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "cut at %d", n)
		if n >= len("b2bkit matching projection\n") {
			assert.ErrorContains(t, err, "truncated", "cut at %d", n)
		}
	}
	require.NoError(t, loaded.LoadSnapshot(ctx, bytes.NewReader(snap)))
	assert.Equal(t, b.Seq(), loaded.Seq())
}

func flip(b []byte, i int) []byte {
	out := bytes.Clone(b)
	out[i] ^= 0x40
	return out
}

// FuzzLoadSnapshot: loading any bytes never panics and never half-loads: either the book answers
// as before, or it answers from what was loaded.
func FuzzLoadSnapshot(f *testing.F) {
	l := matching.NewMemoryLog()
	pl := randomPlay(9, 30)
	b := matching.NewBook(l, engine(f), &matching.Options{Now: func() time.Time { return today }})
	pl.apply(f, b)
	var buf bytes.Buffer
	require.NoError(f, b.Refresh(ctx))
	require.NoError(f, b.SaveSnapshot(&buf))
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:40])
	f.Add(append(bytes.Clone(buf.Bytes()), 0)) // trailing bytes
	f.Add([]byte("b2bkit matching projection\n\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fresh := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
		if err := fresh.LoadSnapshot(ctx, bytes.NewReader(data)); err != nil {
			require.True(t, errors.Is(err, b2bkit.ErrInvalid) || errors.Is(err, b2bkit.ErrConflict), "%v", err)
			return
		}
		_, err := fresh.Health(ctx, 400*24*time.Hour)
		require.NoError(t, err)
		_, err = fresh.ReferencePrice(ctx, "SKU-00001", request("SKU-00001", "50", b2bkit.CashOnDelivery()), 400*24*time.Hour)
		require.NoError(t, err)
	})
}

// scriptedLog is a broken adapter: Since yields the entries it is given, whatever they say.
type scriptedLog struct {
	matching.Log
	entries []matching.Entry
	fail    error // yielded after the entries, if set
}

func (s scriptedLog) Since(_ context.Context, seq uint64) iter.Seq2[matching.Entry, error] {
	return func(yield func(matching.Entry, error) bool) {
		for _, e := range s.entries {
			if e.Seq > seq && !yield(e, nil) {
				return
			}
		}
		if s.fail != nil {
			yield(matching.Entry{}, s.fail)
		}
	}
}

// TestBookRefusesABrokenLog: an entry no log keeping the contract could yield stops the book with
// an error naming the entry, and the entries before it stay applied; a failing cursor fails the
// question instead of answering from part of the log.
func TestBookRefusesABrokenLog(t *testing.T) {
	m1 := matchingtest.Sample("M-1", daysAgo(3))
	m2 := matchingtest.Sample("M-2", daysAgo(2))
	bad := matchingtest.Sample("M-3", daysAgo(2))
	bad.Quantity = dec("0")
	change := func(seq, of uint64, s matching.Status) matching.Entry {
		return matching.Entry{Seq: seq, Kind: matching.StatusChanged, MatchSeq: of,
			Change: matching.StatusChange{ID: "M-1", Status: s, At: daysAgo(1), By: "ops"}}
	}
	appended := func(seq uint64, m matching.Match) matching.Entry {
		return matching.Entry{Seq: seq, Kind: matching.MatchAppended, Match: m}
	}
	cursor := errors.New("connection reset")
	for _, c := range []struct {
		name    string
		log     scriptedLog
		field   string
		applied uint64
	}{
		{"number repeated", scriptedLog{entries: []matching.Entry{appended(5, m1), appended(5, m2)}}, "entry.seq", 5},
		{"number going back", scriptedLog{entries: []matching.Entry{appended(5, m1), appended(7, m2), appended(6, m2)}}, "entry.seq", 7},
		{"change of no match", scriptedLog{entries: []matching.Entry{appended(1, m1), change(2, 9, matching.Accepted)}}, "entry.match_seq", 1},
		{"change the status forbids", scriptedLog{entries: []matching.Entry{appended(1, m1), change(2, 1, matching.Fulfilled)}}, "entry.change.status", 1},
		{"invalid match", scriptedLog{entries: []matching.Entry{appended(1, m1), appended(2, bad)}}, "entry.match.quantity", 1},
		{"unknown kind", scriptedLog{entries: []matching.Entry{{Seq: 1}}}, "entry.kind", 0},
		{"failing cursor", scriptedLog{entries: []matching.Entry{appended(1, m1)}, fail: cursor}, "", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := matching.NewBook(c.log, engine(t), &matching.Options{Now: func() time.Time { return today }})
			_, err := b.Health(ctx, month)
			if c.field == "" {
				require.ErrorIs(t, err, cursor)
			} else {
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				assert.ErrorContains(t, err, c.field)
				assert.ErrorContains(t, err, "log entry")
			}
			assert.Equal(t, c.applied, b.Seq(), "what came before stays")
		})
	}
}

// TestBookUnderConcurrentUse: writers recording and changing statuses, readers asking every
// question and a refresher, all at once (run with -race); at the end the book answers as a new
// book over the same log.
func TestBookUnderConcurrentUse(t *testing.T) {
	pl := randomPlay(11, 600)
	l := matching.NewMemoryLog()
	b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
	var wg sync.WaitGroup
	for w := range 3 {
		part := play{changes: map[int][]matching.StatusChange{}, batch: pl.batch}
		for i := w; i < len(pl.matches); i += 3 {
			part.changes[len(part.matches)] = pl.changes[i]
			part.matches = append(part.matches, pl.matches[i])
		}
		wg.Go(func() { part.apply(t, b) })
	}
	req := request("SKU-00001", "50", b2bkit.CashOnDelivery())
	for range 2 {
		wg.Go(func() {
			for range 20 {
				_, err := b.ReferencePriceWith(ctx, "SKU-00001", req, 400*24*time.Hour, matching.ReferenceRules{Outliers: matching.IQR, MaxBuyerShare: dec("0.2")})
				assert.NoError(t, err)
				_, err = b.Rank(ctx, matching.RFQ{Request: req}, []matching.Need{matching.Price})
				assert.NoError(t, err)
				_, err = b.Health(ctx, 90*24*time.Hour)
				assert.NoError(t, err)
				_, err = b.Demand(ctx, "SKU-00001", month)
				assert.NoError(t, err)
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			assert.NoError(t, b.Refresh(ctx))
			var buf bytes.Buffer
			assert.NoError(t, b.SaveSnapshot(&buf))
		}
	})
	wg.Wait()
	want, got := answers(t, matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})), answers(t, b)
	for k := range want {
		require.JSONEq(t, want[k], got[k], k)
	}
}

// plainLogIsNotMemoryLog documents why plainLog exists: a Log the book cannot tell is a MemoryLog.
var _ matching.Log = plainLog{}

// TestBookCatchesUpWithALongLog: a catch-up long enough to apply batches while the next are read
// applies every entry, and stops at a bad entry or a failing cursor deep in it with what came
// before applied.
func TestBookCatchesUpWithALongLog(t *testing.T) {
	const n = 60_000
	entries := make([]matching.Entry, n)
	for i := range entries {
		m := matchingtest.Sample(id("M", i), daysAgo(1+i%300))
		m.Status = matching.Fulfilled
		entries[i] = matching.Entry{Seq: uint64(i + 1), Kind: matching.MatchAppended, Match: m}
	}
	h := func(l matching.Log) (matching.Health, uint64, error) {
		b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
		hh, err := b.Health(ctx, 400*24*time.Hour)
		return hh, b.Seq(), err
	}
	got, seq, err := h(scriptedLog{entries: entries})
	require.NoError(t, err)
	assert.Equal(t, uint64(n), seq)
	assert.Equal(t, n, got.Matches)

	bad := slices.Clone(entries)
	bad[45_000].Match.Quantity = dec("-1")
	_, seq, err = h(scriptedLog{entries: bad})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "log entry 45001")
	assert.Equal(t, uint64(45_000), seq, "everything before the bad entry is applied")

	cursor := errors.New("connection reset")
	_, seq, err = h(scriptedLog{entries: entries[:50_000], fail: cursor})
	require.ErrorIs(t, err, cursor)
	assert.Equal(t, uint64(50_000), seq)

	back := slices.Clone(entries)
	back[30_000].Seq = 10 // a number going back, applied in a batch of its own goroutine
	_, seq, err = h(scriptedLog{entries: back})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "entry.seq")
	assert.Equal(t, uint64(30_000), seq)
}

// TestR14_RankFollowsTheLogAfterItsFirstQuestion: a book ranks sellers from lists it builds at the
// first Rank and keeps current (each row's SKU and status beside it). Asked after every part of a
// play — the matches first, backdated among themselves, then their status changes, each part after
// the lists were built — it ends answering every question as a book built afresh from the same log,
// today and as of a past date, and counting each seller's SKUs and cancellations as the play does.
func TestR14_RankFollowsTheLogAfterItsFirstQuestion(t *testing.T) {
	pl := randomPlay(33, 1200)
	l := matching.NewMemoryLog()
	clock := today
	b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return clock }})
	req := request("SKU-00002", "50", b2bkit.Net(30))
	rank := func() {
		t.Helper()
		_, err := b.Rank(ctx, matching.RFQ{Request: req}, []matching.Need{matching.Quality})
		require.NoError(t, err)
	}
	const parts = 6
	for part := range parts {
		require.NoError(t, b.Record(ctx, pl.matches[part*len(pl.matches)/parts:(part+1)*len(pl.matches)/parts]...))
		rank()
	}
	for part := range parts {
		for i := part * len(pl.matches) / parts; i < (part+1)*len(pl.matches)/parts; i++ {
			for _, c := range pl.changes[i] {
				require.NoError(t, b.SetStatus(ctx, c), "%+v", c)
			}
		}
		rank()
	}
	for _, c := range []time.Time{today, today.AddDate(0, 0, -40)} {
		clock = c
		// Each seller's SKUs and decided and cancelled matches in the window, counted from the play.
		type counts struct {
			skus               map[b2bkit.SKU]bool
			decided, cancelled int
		}
		by := map[b2bkit.CompanyID]*counts{}
		for i, m := range pl.matches {
			if m.At.Before(c.Add(-180*24*time.Hour)) || m.At.After(c) {
				continue
			}
			st := m.Status
			for _, ch := range pl.changes[i] {
				if !ch.At.After(c) {
					st = ch.Status
				}
			}
			n := by[m.Seller]
			if n == nil {
				n = &counts{skus: map[b2bkit.SKU]bool{}}
				by[m.Seller] = n
			}
			n.skus[m.SKU] = true
			if st != matching.Proposed {
				n.decided++
			}
			if st == matching.Cancelled {
				n.cancelled++
			}
		}
		cs, err := b.Rank(ctx, matching.RFQ{Request: req}, nil)
		require.NoError(t, err)
		require.NotEmpty(t, cs)
		for _, cand := range cs {
			n := by[cand.Seller]
			require.NotNil(t, n, cand.Seller)
			assert.Equal(t, len(n.skus), cand.SKUs, "%s as of %s", cand.Seller, c.Format(time.DateOnly))
			assert.Equal(t, fmt.Sprintf("quality: %d of %d decided matches cancelled", n.cancelled, n.decided), cand.Reasons[matching.Quality],
				"%s as of %s", cand.Seller, c.Format(time.DateOnly))
		}
		want := answers(t, matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return c }}))
		got := answers(t, b)
		require.Len(t, got, len(want))
		for k := range want {
			require.JSONEq(t, want[k], got[k], "%s as of %s", k, c.Format(time.DateOnly))
		}
	}
}
