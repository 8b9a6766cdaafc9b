package matching

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

func memoryMatch(id string) Match {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	return Match{ID: id, Buyer: "B-1", Seller: "S-1", SKU: "RICE-25KG", Quantity: decimal.NewFromInt(2),
		UnitPrice: decimal.RequireFromString("110.30"), Currency: "CNY",
		Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at.AddDate(0, 0, 3)},
		At:    at, Status: Accepted, Subsidy: decimal.Zero, Mode: Platform, Channel: b2bkit.FullAuto}
}

// TestMemoryLogIDsWhoseHashesClash: the log finds a match by a 64-bit hash of its ID and checks the
// ID stored there. Two IDs with one hash cannot be made on purpose, so the test makes the index
// believe it: each new ID's hash is mapped to a stored match of another ID before it is appended.
// Each must still be a new match, found by its own ID, and a retry of either must be a retry.
func TestMemoryLogIDsWhoseHashesClash(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			l := NewMemoryLog()
			require.NoError(t, l.Append(ctx, memoryMatch("M-0")))
			var clashing []Match
			for i := 1; i <= 3; i++ {
				id := fmt.Sprint("M-", i)
				l.ids.byHash[l.ids.hash(id)] = 0 // M-0's position
				m := memoryMatch(id)
				m.Quantity = decimal.NewFromInt(int64(2 + i))
				clashing = append(clashing, m)
			}
			if batch {
				require.NoError(t, l.Append(ctx, clashing...))
			} else {
				for _, m := range clashing {
					require.NoError(t, l.Append(ctx, m))
				}
			}
			assert.Equal(t, 4, l.Len())
			for i, m := range append([]Match{memoryMatch("M-0")}, clashing...) {
				got, err := l.Get(ctx, m.ID)
				require.NoError(t, err, m.ID)
				assert.True(t, got.Equal(m), "%d: got %+v", i, got)
				require.NoError(t, l.Append(ctx, m), "%s again is a retry", m.ID)
				m.Quantity = decimal.NewFromInt(99)
				require.ErrorIs(t, l.Append(ctx, m), b2bkit.ErrConflict, "%s with other content", m.ID)
			}
			require.NoError(t, l.SetStatus(ctx, StatusChange{ID: "M-2", Status: Fulfilled, At: clashing[1].At.Add(time.Hour), By: "ops"}))
			got, err := l.Get(ctx, "M-2")
			require.NoError(t, err)
			assert.Equal(t, Fulfilled, got.Status)
			got, err = l.Get(ctx, "M-0")
			require.NoError(t, err)
			assert.Equal(t, Accepted, got.Status, "the change moved M-2, not the match its hash points to")
			assert.Len(t, l.ids.clashes, 3)

			// A failed batch takes back the clashing IDs it mapped, and only those.
			bad := memoryMatch("M-1")
			bad.Quantity = decimal.NewFromInt(1)
			fresh := memoryMatch("M-9")
			l.ids.byHash[l.ids.hash("M-9")] = 0
			require.ErrorIs(t, l.Append(ctx, fresh, bad), b2bkit.ErrConflict)
			_, err = l.Get(ctx, "M-9")
			require.ErrorIs(t, err, b2bkit.ErrNotFound)
			_, err = l.Get(ctx, "M-1")
			require.NoError(t, err)
			assert.Equal(t, 4, l.Len())
		})
	}
}

// TestMemoryLogFullIsNotAConflict: a log that holds all it can refuses a new match as invalid
// (nothing collided; no retry can succeed), maps nothing, and still takes a retry.
func TestMemoryLogFullIsNotAConflict(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			l := NewMemoryLog()
			first := memoryMatch("M-0")
			require.NoError(t, l.Append(ctx, first))
			n := l.matches.n
			l.matches.n = maxStored // as if full; nothing past n is read
			var err error
			if batch {
				err = l.Append(ctx, first, memoryMatch("M-1"))
			} else {
				err = l.Append(ctx, memoryMatch("M-1"))
			}
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.NotErrorIs(t, err, b2bkit.ErrConflict)
			assert.ErrorContains(t, err, "2^30")
			l.matches.n = n
			_, err = l.Get(ctx, "M-1")
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "a refused match is not mapped")
			require.NoError(t, l.Append(ctx, first), "a retry needs no room")
			require.NoError(t, l.Append(ctx, memoryMatch("M-1")), "and there is room again")
		})
	}
}

// TestMemoryLogKeepsIDsOfOneHashApart finds, under the log's own seed, two IDs whose 32-bit hashes
// are equal (among a few hundred thousand IDs there are some), and appends both: two matches.
func TestMemoryLogKeepsIDsOfOneHashApart(t *testing.T) {
	l := NewMemoryLog()
	require.NoError(t, l.Append(ctx, memoryMatch("seed")))
	seen := make(map[uint32]string)
	var a, b string
	for i := 0; a == ""; i++ {
		require.Less(t, i, 4_000_000, "no two IDs of one hash")
		id := fmt.Sprint("ORDER-", i)
		h := l.ids.hash(id)
		if other, ok := seen[h]; ok {
			a, b = other, id
		}
		seen[h] = id
	}
	ma, mb := memoryMatch(a), memoryMatch(b)
	mb.Quantity = decimal.NewFromInt(7)
	require.NoError(t, l.Append(ctx, ma))
	require.NoError(t, l.Append(ctx, mb), "%s is not a retry of %s", b, a)
	for _, m := range []Match{ma, mb} {
		got, err := l.Get(ctx, m.ID)
		require.NoError(t, err)
		assert.True(t, got.Equal(m), "got %+v", got)
	}
	assert.Equal(t, 3, l.Len())
	assert.Equal(t, map[string]uint32{b: 2}, l.ids.clashes)
}
