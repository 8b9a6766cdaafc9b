package matching_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/stretchr/testify/require"
)

// Trials of session 15: the library as a host meets it — zero values and nil receivers, done
// contexts, decoding into used values, zones, aliasing — one test per defect found.

// R24: a nil *Book — a field a host forgot to set — answers every method with an error matching
// b2bkit.ErrInvalid that says so, as the zero Book does, instead of panicking; Log and Seq answer
// nil and 0.
func TestR24_ANilBookSaysSo(t *testing.T) {
	var b *matching.Book
	m := match("M-1", 10, "lucky-noodle", "golden-rice", "RICE-25KG", "10", "120")
	req := request("RICE-25KG", "10", b2bkit.CashOnDelivery())
	calls := map[string]func() error{
		"Record": func() error { return b.Record(ctx, m) },
		"SetStatus": func() error {
			return b.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Cancelled, By: "ops"})
		},
		"Refresh": func() error { return b.Refresh(ctx) },
		"ReferencePrice": func() error {
			_, err := b.ReferencePrice(ctx, "RICE-25KG", req, month)
			return err
		},
		"ReferencePriceWith": func() error {
			_, err := b.ReferencePriceWith(ctx, "RICE-25KG", req, month, matching.ReferenceRules{})
			return err
		},
		"Rhythm":       func() error { _, err := b.Rhythm(ctx, "lucky-noodle", "RICE-25KG"); return err },
		"Demand":       func() error { _, err := b.Demand(ctx, "RICE-25KG", month); return err },
		"Health":       func() error { _, err := b.Health(ctx, month); return err },
		"Rank":         func() error { _, err := b.Rank(ctx, matching.RFQ{Request: req}, nil); return err },
		"SaveSnapshot": func() error { return b.SaveSnapshot(&bytes.Buffer{}) },
		"LoadSnapshot": func() error { return b.LoadSnapshot(ctx, &bytes.Buffer{}) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			require.NotPanics(t, func() {
				err := call()
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "book: nil")
			})
		})
	}
	require.NotPanics(t, func() {
		require.Nil(t, b.Log())
		require.Zero(t, b.Seq())
	})
}

// R24: SaveSnapshot to a nil writer and LoadSnapshot from a nil reader are errors matching
// b2bkit.ErrInvalid, on a book made by NewBook and on the zero Book alike, not panics; the book
// keeps its projection.
func TestR24_ASnapshotToOrFromNothingSaysSo(t *testing.T) {
	made, _ := newBook(t)
	record(t, made, match("M-1", 10, "lucky-noodle", "golden-rice", "RICE-25KG", "10", "120"))
	require.NoError(t, made.Refresh(ctx))
	for name, b := range map[string]*matching.Book{"made": made, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			seq := b.Seq()
			require.NotPanics(t, func() {
				err := b.SaveSnapshot(nil)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "snapshot: writer must not be nil")
			})
			if b.Log() == nil {
				return // the zero Book has no log to load over
			}
			require.NotPanics(t, func() {
				err := b.LoadSnapshot(ctx, nil)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "snapshot: reader must not be nil")
			})
			require.Equal(t, seq, b.Seq())
		})
	}
}

// R24: a nil *MemoryLog holds nothing: Len is 0, and Append, SetStatus, Get and Since answer an
// error matching b2bkit.ErrInvalid that says so, instead of panicking.
func TestR24_ANilMemoryLogSaysSo(t *testing.T) {
	var l *matching.MemoryLog
	calls := map[string]func() error{
		"Append": func() error {
			return l.Append(ctx, match("M-1", 10, "lucky-noodle", "golden-rice", "RICE-25KG", "10", "120"))
		},
		"SetStatus": func() error {
			return l.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Cancelled, At: today, By: "ops"})
		},
		"Get": func() error { _, err := l.Get(ctx, "M-1"); return err },
		"Since": func() error {
			for _, err := range l.Since(ctx, 0) {
				return err
			}
			return nil
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			require.NotPanics(t, func() {
				err := call()
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "log: nil")
			})
		})
	}
	require.NotPanics(t, func() { require.Zero(t, l.Len()) })
}

// A LoadSnapshot with a done context returns ctx.Err() and keeps the book's projection: an
// empty snapshot (taken before the first match) is not swapped in only for the catch-up to stop.
func TestR13_ALoadSnapshotWithADoneContextChangesNothing(t *testing.T) {
	l := matching.NewMemoryLog()
	opts := &matching.Options{Now: func() time.Time { return today }, ManualRefresh: true}
	early := matching.NewBook(l, engine(t), opts)
	var snap bytes.Buffer
	require.NoError(t, early.SaveSnapshot(&snap)) // nothing in it yet
	b := matching.NewBook(l, engine(t), opts)
	record(t, b, match("M-1", 10, "lucky-noodle", "golden-rice", "RICE-25KG", "10", "120"))
	require.NoError(t, b.Refresh(ctx))
	seq := b.Seq()
	require.NotZero(t, seq)

	done, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, b.LoadSnapshot(done, bytes.NewReader(snap.Bytes())), context.Canceled)
	require.Equal(t, seq, b.Seq(), "the book lost its projection")
}

// deafLog is a Log that ignores the context of its writes, as a host's adapter may, and counts
// them.
type deafLog struct {
	*matching.MemoryLog
	writes int
}

func (l *deafLog) Append(_ context.Context, ms ...matching.Match) error {
	l.writes++
	return l.MemoryLog.Append(context.Background(), ms...)
}

func (l *deafLog) SetStatus(_ context.Context, c matching.StatusChange) error {
	l.writes++
	return l.MemoryLog.SetStatus(context.Background(), c)
}

// A done context stops every Book method that takes one before its work, with an error matching
// context.Canceled: Record and SetStatus write nothing whether or not the log heeds the context,
// and a question on a book refreshed by hand (Options.ManualRefresh, which reads no log first)
// does not answer.
func TestR13_ADoneContextStopsEveryBookCall(t *testing.T) {
	l := &deafLog{MemoryLog: matching.NewMemoryLog()}
	b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }, ManualRefresh: true})
	for i := range 4 {
		record(t, b, match(id("M", i), 40-10*i, "lucky-noodle", "golden-rice", "RICE-25KG", "10", "120"))
	}
	require.NoError(t, b.Refresh(ctx))
	done, cancel := context.WithCancel(ctx)
	cancel()
	req := request("RICE-25KG", "10", b2bkit.CashOnDelivery())
	calls := map[string]func() error{
		"Record": func() error {
			return b.Record(done, match("M-new", 1, "lucky-noodle", "golden-rice", "RICE-25KG", "10", "120"))
		},
		"SetStatus": func() error {
			return b.SetStatus(done, matching.StatusChange{ID: id("M", 3), Status: matching.Cancelled, By: "ops"})
		},
		"ReferencePrice": func() error { _, err := b.ReferencePrice(done, "RICE-25KG", req, month); return err },
		"Rhythm":         func() error { _, err := b.Rhythm(done, "lucky-noodle", "RICE-25KG"); return err },
		"Demand":         func() error { _, err := b.Demand(done, "RICE-25KG", month); return err },
		"Health":         func() error { _, err := b.Health(done, month); return err },
		"Rank":           func() error { _, err := b.Rank(done, matching.RFQ{Request: req}, nil); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			writes := l.writes
			require.ErrorIs(t, call(), context.Canceled)
			require.Equal(t, writes, l.writes, "the log was written")
		})
	}
	require.Equal(t, 4, l.Len())
}

// R24: a reference price asked for no SKU says the SKU must be set, and only that: the request's
// own SKU is not then reported as differing from an empty one ("must be  or empty").
func TestR24_AReferencePriceForNoSKUSaysOnlyThat(t *testing.T) {
	b, _ := newBook(t)
	req := request("RICE-25KG", "10", b2bkit.CashOnDelivery())
	req.SKU = "RICE-25KG"
	_, err := b.ReferencePrice(ctx, "", req, month)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.EqualError(t, err, "matching: sku: must be set")
}
