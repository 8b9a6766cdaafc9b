package matching_test

import (
	"bytes"
	"testing"

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
