package matching_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/stretchr/testify/require"
)

// The concurrency tests use a book as a service does: one per process, asked and written from many
// request goroutines at once. Run with -race.

var (
	stressBuyers  = []b2bkit.CompanyID{"B1", "B2", "B3", "B4"}
	stressSellers = []b2bkit.CompanyID{"S1", "S2", "S3"}
	stressSKUs    = []b2bkit.SKU{"RICE-25KG", "OIL-20L"}
)

// stressMatch is match number i of goroutine g: its own ID, a buyer, seller and SKU of a few, and a
// price that moves with i; proposed when i is odd (the goroutine moves it on with SetStatus).
func stressMatch(g, i int) matching.Match {
	m := match(fmt.Sprintf("g%d-%03d", g, i), 1+(g*31+i*7)%150, stressBuyers[(g+i)%len(stressBuyers)],
		stressSellers[(g*3+i)%len(stressSellers)], stressSKUs[i%len(stressSKUs)], fmt.Sprint(1+i%9), fmt.Sprintf("%d.%02d", 100+i%17, g))
	if i%2 == 1 {
		m.Status = matching.Proposed
	}
	return m
}

// stressAnswers are a book's answers to every kind of question, as text: equal books answer alike.
func stressAnswers(t *testing.T, b *matching.Book) string {
	t.Helper()
	var out []any
	for _, sku := range stressSKUs {
		ref, err := b.ReferencePrice(ctx, sku, request(sku, "5", b2bkit.CashOnDelivery()), 365*24*time.Hour)
		require.NoError(t, err)
		ranked, err := b.Rank(ctx, matching.RFQ{Request: request(sku, "5", b2bkit.CashOnDelivery())}, []matching.Need{matching.Price})
		require.NoError(t, err)
		d, err := b.Demand(ctx, sku, 30*24*time.Hour)
		require.NoError(t, err)
		out = append(out, ref, ranked, d)
		for _, buyer := range stressBuyers {
			r, err := b.Rhythm(ctx, buyer, sku)
			require.NoError(t, err)
			out = append(out, r)
		}
	}
	h, err := b.Health(ctx, 365*24*time.Hour)
	require.NoError(t, err)
	out = append(out, h)
	j, err := json.Marshal(out)
	require.NoError(t, err)
	return string(j)
}

// A keptAnswer is an answer and its JSON when it was given.
type keptAnswer struct {
	v    any
	json string
}

func keep(v any) keptAnswer {
	j, err := json.Marshal(v)
	if err != nil {
		return keptAnswer{v: v, json: err.Error()}
	}
	return keptAnswer{v: v, json: string(j)}
}

// TestConcurrentBookUse: goroutines record matches (their own, and one every goroutine records,
// a retry for all but the first), move them on with SetStatus, refresh, ask every question, save
// snapshots and load them back into the book, all at once. After, the log numbers its entries 1..n
// with each match appended once and each change once; the book answers as a book built afresh from
// the log; and every snapshot taken during the writes loads into a new book that answers alike.
func TestConcurrentBookUse(t *testing.T) {
	b, log := newBook(t)
	const goroutines, ops = 6, 40
	errs := make([]error, goroutines)
	snaps := make([][][]byte, goroutines)
	kept := make([][]keptAnswer, goroutines) // answers, to read again after every other call
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			fail := func(op string, i int, err error) bool {
				if err != nil && errs[g] == nil {
					errs[g] = fmt.Errorf("goroutine %d, %s %d: %w", g, op, i, err)
				}
				return err != nil
			}
			for i := range ops {
				m := stressMatch(g, i)
				if fail("record", i, b.Record(ctx, m)) {
					return
				}
				if i%5 == 0 { // the same match from every goroutine: a retry but for the first
					if fail("record shared", i, b.Record(ctx, stressMatch(99, i))) {
						return
					}
				}
				if i%2 == 1 {
					for k, s := range []matching.Status{matching.Accepted, matching.Fulfilled} {
						c := matching.StatusChange{ID: m.ID, Status: s, At: m.At.Add(time.Duration(k+1) * time.Hour), By: "erp"}
						if fail("set status", i, b.SetStatus(ctx, c)) {
							return
						}
					}
				}
				var err error
				sku := stressSKUs[(g+i)%len(stressSKUs)]
				switch i % 8 {
				case 0:
					err = b.Refresh(ctx)
				case 1:
					var ref matching.Reference
					if ref, err = b.ReferencePrice(ctx, sku, request(sku, "5", b2bkit.CashOnDelivery()), 90*24*time.Hour); err == nil {
						kept[g] = append(kept[g], keep(ref))
					}
				case 2:
					// Whether this buyer has ordered the SKU yet depends on how the goroutines
					// interleave, so "no orders" is an answer here, not a failure.
					if _, err = b.Rhythm(ctx, stressBuyers[i%len(stressBuyers)], sku); errors.Is(err, b2bkit.ErrNotFound) {
						err = nil
					}
				case 3:
					var cs []matching.Candidate
					if cs, err = b.Rank(ctx, matching.RFQ{Request: request(sku, "5", b2bkit.Net(30))}, []matching.Need{matching.Speed}); err == nil {
						kept[g] = append(kept[g], keep(cs))
					}
				case 4:
					_, err = b.Health(ctx, 90*24*time.Hour)
				case 5:
					_, err = b.Demand(ctx, sku, 14*24*time.Hour)
				case 6:
					var buf bytes.Buffer
					if err = b.SaveSnapshot(&buf); err == nil {
						snaps[g] = append(snaps[g], buf.Bytes())
					}
				case 7:
					if n := len(snaps[g]); n > 0 {
						err = b.LoadSnapshot(ctx, bytes.NewReader(snaps[g][n-1]))
					}
				}
				if fail("question", i, err) {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	for g := range goroutines { // an answer shares no memory the book uses again
		for k, a := range kept[g] {
			j, err := json.Marshal(a.v)
			require.NoError(t, err)
			require.Equal(t, a.json, string(j), "goroutine %d, answer %d", g, k)
		}
	}

	// The log: numbers 1..n without a gap, each match appended once, each change once.
	appended, changed := map[string]int{}, map[string]int{}
	var seq uint64
	for e, err := range log.Since(ctx, 0) {
		require.NoError(t, err)
		seq++
		require.Equal(t, seq, e.Seq, "entries are numbered without a gap")
		switch e.Kind {
		case matching.MatchAppended:
			appended[e.Match.ID]++
		case matching.StatusChanged:
			changed[fmt.Sprintf("%s %s", e.Change.ID, e.Change.Status)]++
		}
	}
	want := goroutines*ops + (ops+4)/5
	require.Len(t, appended, want)
	require.Equal(t, want, log.Len())
	for id, n := range appended {
		require.Equal(t, 1, n, id)
	}
	require.Len(t, changed, goroutines*ops)
	for c, n := range changed {
		require.Equal(t, 1, n, c)
	}

	// The book answers as one built afresh from the log, and so does every snapshot.
	require.NoError(t, b.Refresh(ctx))
	require.Equal(t, seq, b.Seq())
	fresh := matching.NewBook(log, engine(t), &matching.Options{Now: func() time.Time { return today }})
	wantAnswers := stressAnswers(t, fresh)
	require.Equal(t, wantAnswers, stressAnswers(t, b), "the book used at once")
	loaded := 0
	for g := range goroutines {
		for k, snap := range snaps[g] {
			nb := matching.NewBook(log, engine(t), &matching.Options{Now: func() time.Time { return today }})
			require.NoError(t, nb.LoadSnapshot(ctx, bytes.NewReader(snap)), "goroutine %d, snapshot %d", g, k)
			require.Equal(t, wantAnswers, stressAnswers(t, nb), "goroutine %d, snapshot %d", g, k)
			loaded++
		}
	}
	require.Positive(t, loaded)
}

// TestConcurrentMemoryLogUse: goroutines append (alone and in batches, some IDs by several of them),
// move statuses on, get and read the log from where they last stopped, all at once. Every read
// yields entries numbered one after another from where it started, and a reader resuming from the
// last number it saw misses nothing (promises 2-4); every append that returned nil is there once.
func TestConcurrentMemoryLogUse(t *testing.T) {
	log := matching.NewMemoryLog()
	const goroutines, ops = 6, 60
	errs := make([]error, goroutines)
	seen := make([]map[string]int, goroutines) // by reader: how many times each match was read
	reads := make([]func() bool, goroutines)   // by reader: read on from where it stopped
	var wg sync.WaitGroup
	for g := range goroutines {
		seen[g] = map[string]int{}
		fail := func(err error) bool {
			if err != nil && errs[g] == nil {
				errs[g] = fmt.Errorf("goroutine %d: %w", g, err)
			}
			return err != nil
		}
		var last uint64
		reads[g] = func() bool {
			next := last + 1
			for e, err := range log.Since(ctx, last) {
				if fail(err) {
					return false
				}
				if e.Seq != next {
					return fail(fmt.Errorf("read entry %d after %d", e.Seq, next-1))
				}
				next++
				if e.Kind == matching.MatchAppended {
					seen[g][e.Match.ID]++
				}
			}
			last = next - 1
			return true
		}
		read := reads[g]
		wg.Go(func() {
			for i := range ops {
				var err error
				switch {
				case i%6 == 5: // a batch: two of its own and one every goroutine appends
					err = log.Append(ctx, stressMatch(g, i), stressMatch(g, 1000+i), stressMatch(99, i))
				default:
					err = log.Append(ctx, stressMatch(g, i))
				}
				if fail(err) {
					return
				}
				m := stressMatch(g, i)
				if i%2 == 1 {
					if fail(log.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Accepted, At: m.At.Add(time.Hour), By: "erp"})) {
						return
					}
				}
				got, err := log.Get(ctx, m.ID)
				if fail(err) {
					return
				}
				if !got.Quantity.Equal(m.Quantity) || !got.UnitPrice.Equal(m.UnitPrice) || got.Buyer != m.Buyer {
					fail(fmt.Errorf("get %s: %+v", m.ID, got))
					return
				}
				if !read() {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, read := range reads {
		read() // the rest, now that every append has returned
	}
	for _, err := range errs {
		require.NoError(t, err)
	}
	want := goroutines*(ops+ops/6) + ops/6
	require.Equal(t, want, log.Len())
	for g := range goroutines {
		require.Len(t, seen[g], want, "reader %d saw every match", g)
		for id, n := range seen[g] {
			require.Equal(t, 1, n, "reader %d read %s once", g, id)
		}
	}
}

// TestConcurrentLoadSnapshotKeepsWhatWasRecorded: a question asked after Record returned counts
// the match, even while another goroutine restores the book from an older snapshot: the book
// never answers from a projection behind a write that returned.
func TestConcurrentLoadSnapshotKeepsWhatWasRecorded(t *testing.T) {
	b, _ := newBook(t)
	record(t, b, match("old", 3, "B1", "S1", "RICE-25KG", "10", "100.00"))
	require.NoError(t, b.Refresh(ctx))
	var old bytes.Buffer
	require.NoError(t, b.SaveSnapshot(&old))
	stop := make(chan struct{})
	loadErr := make(chan error, 1)
	go func() {
		var err error
		for err == nil {
			select {
			case <-stop:
				loadErr <- nil
				return
			default:
			}
			err = b.LoadSnapshot(ctx, bytes.NewReader(old.Bytes()))
		}
		loadErr <- err
	}()
	r := request("RICE-25KG", "10", b2bkit.CashOnDelivery())
	var err error
	for i := range 200 {
		if err = b.Record(ctx, match(id("new", i), 2, "B1", "S1", "RICE-25KG", "10", "100.00")); err != nil {
			break
		}
		var ref matching.Reference
		if ref, err = b.ReferencePrice(ctx, "RICE-25KG", r, 30*24*time.Hour); err != nil {
			break
		}
		if ref.Count != i+2 {
			err = fmt.Errorf("after %d matches recorded, the reference price counts %d", i+2, ref.Count)
			break
		}
	}
	close(stop)
	require.NoError(t, <-loadErr)
	require.NoError(t, err)
}

// TestConcurrentStatusChangesOfOneMatch: goroutines moving one match at once — the same change
// (a retry of one another) and changes by different hands — leave one entry per move: the same
// change from everyone is nil for all, and of different changes to one status exactly one wins.
func TestConcurrentStatusChangesOfOneMatch(t *testing.T) {
	for round := range 20 {
		b, log := newBook(t)
		m := match(id("m", round), 5, "B1", "S1", "RICE-25KG", "10", "100.00")
		m.Status = matching.Proposed
		record(t, b, m)
		const callers = 6
		race := func(change func(k int) matching.StatusChange) (won int) {
			errs := make([]error, callers)
			var wg sync.WaitGroup
			for k := range callers {
				wg.Go(func() { errs[k] = b.SetStatus(ctx, change(k)) })
			}
			wg.Wait()
			for _, err := range errs {
				if err == nil {
					won++
					continue
				}
				require.ErrorIs(t, err, b2bkit.ErrConflict)
			}
			return won
		}
		accepted := matching.StatusChange{ID: m.ID, Status: matching.Accepted, At: m.At.Add(time.Hour), By: "erp"}
		require.Equal(t, callers, race(func(int) matching.StatusChange { return accepted }), "round %d: the same change is a retry", round)
		require.Equal(t, 1, race(func(k int) matching.StatusChange {
			return matching.StatusChange{ID: m.ID, Status: matching.Fulfilled, At: m.At.Add(2 * time.Hour), By: fmt.Sprintf("driver-%d", k)}
		}), "round %d: one delivery", round)
		n := 0
		for _, err := range log.Since(ctx, 0) {
			require.NoError(t, err)
			n++
		}
		require.Equal(t, 3, n, "round %d: the match and two changes", round)
		got, err := log.Get(ctx, m.ID)
		require.NoError(t, err)
		require.Equal(t, matching.Fulfilled, got.Status)
	}
}
