package risk

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

// Two fingerprints with the same first 8 bytes are two records (R19): the one stored second goes to
// the clashes, and each reads back as itself, is updated as itself and is listed once. SHA-256 gives
// no such pair to hand, so the test marks the prefix of the second as taken by the first.
func TestR19_MemoryRegistryKeepsFingerprintsThatShareAPrefix(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	inv := func(number string) b2bkit.Invoice {
		return b2bkit.Invoice{Number: b2bkit.InvoiceNumber(number), Seller: "S", Buyer: "D", Orders: []b2bkit.OrderID{"PO-1"}, Amount: decimal.New(100, 0),
			Currency: "CNY", IssuedAt: day, DueAt: day.AddDate(0, 1, 0)}
	}
	offer := func(i b2bkit.Invoice) Receivable {
		fp, err := FingerprintOf(i)
		require.NoError(t, err)
		return Receivable{Fingerprint: fp, Invoice: i, State: StateOffered, Lender: "BANK",
			History: []Transition{{To: StateOffered, At: day, By: "clerk", Lender: "BANK"}}}
	}
	m := NewMemoryRegistry()
	a, b := offer(inv("A-1")), offer(inv("B-2"))
	storedA, err := m.Put(ctx, a)
	require.NoError(t, err)
	m.slots[regShort(b.Fingerprint)] = m.slots[regShort(a.Fingerprint)] // b's prefix is taken, by a
	_, err = m.Get(ctx, b.Fingerprint)
	require.ErrorIs(t, err, b2bkit.ErrNotFound, "a record whose prefix matches is not the record")

	storedB, err := m.Put(ctx, b)
	require.NoError(t, err)
	require.Len(t, m.clashes, 1)
	for _, want := range []Receivable{storedA, storedB} {
		got, err := m.Get(ctx, want.Fingerprint)
		require.NoError(t, err)
		require.True(t, want.Equal(got), "%s reads back as itself", want.Invoice.Number)
	}

	storedB.History = append(storedB.History, Transition{To: StateConfirmed, At: day.Add(time.Hour), By: "debtor", Lender: "BANK"})
	storedB.State = StateConfirmed
	_, err = m.Put(ctx, storedB)
	require.NoError(t, err)
	_, err = m.Put(ctx, b)
	require.ErrorIs(t, err, b2bkit.ErrConflict, "the clash is found again: version 0 is stale")
	gotB, err := m.Get(ctx, b.Fingerprint)
	require.NoError(t, err)
	require.Equal(t, StateConfirmed, gotB.State)
	require.Equal(t, int64(2), gotB.Version)
	gotA, err := m.Get(ctx, a.Fingerprint)
	require.NoError(t, err)
	require.Equal(t, StateOffered, gotA.State, "updating b leaves a alone")

	var listed []string
	for r, err := range m.Receivables(ctx, "S") {
		require.NoError(t, err)
		listed = append(listed, string(r.Invoice.Number))
	}
	require.ElementsMatch(t, []string{"A-1", "B-2"}, listed)
}
