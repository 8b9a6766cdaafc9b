package risk

import (
	"context"
	"fmt"
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

// What Get returns owns its slices (R19): regSlices gives every shape the lengths and capacity
// asked for, an order list and a history that share no element — filling and appending to one
// never changes the other — and the common shape, one order and a short history, in one
// allocation.
func TestR19_RegSlicesShareNothing(t *testing.T) {
	for nOrders := range 4 {
		for nSteps := range 7 {
			for room := range 2 {
				name := fmt.Sprintf("%d orders, %d transitions, room for %d", nOrders, nSteps, room)
				orders, history := regSlices(nOrders, nSteps, nSteps+room)
				require.Len(t, orders, nOrders, name)
				require.Len(t, history, nSteps, name)
				require.Equal(t, nSteps+room, cap(history), name)
				for k := range orders {
					orders[k] = b2bkit.OrderID(fmt.Sprintf("PO-%d", k))
				}
				for i := range history {
					history[i] = Transition{To: StateOffered, By: fmt.Sprintf("clerk-%d", i), Lender: "BANK", Amount: decimal.New(int64(i), 0)}
				}
				history = append(history, Transition{To: StateRejected, By: "job", Lender: "BANK"}, Transition{To: StateOffered, By: "job"})
				orders = append(orders, "PO-late", "PO-later")
				for k := range nOrders {
					require.Equal(t, b2bkit.OrderID(fmt.Sprintf("PO-%d", k)), orders[k], name)
				}
				for i := range nSteps {
					require.Equal(t, fmt.Sprintf("clerk-%d", i), history[i].By, name)
					require.True(t, history[i].Amount.Equal(decimal.New(int64(i), 0)), name)
				}
				require.Equal(t, "job", history[nSteps].By, name)
				require.Equal(t, b2bkit.OrderID("PO-late"), orders[nOrders], name)
			}
		}
	}
	for capacity := 1; capacity <= 5; capacity++ {
		allocs := testing.AllocsPerRun(100, func() { regSlices(1, capacity-1, capacity) })
		require.Equal(t, 1.0, allocs, "one order, capacity %d: one allocation", capacity)
	}
}
