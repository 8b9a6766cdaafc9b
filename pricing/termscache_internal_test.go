package pricing

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

// Property: the terms cache finds its last entry for terms, compared as they stand (isLast),
// exactly when the terms' key is the entry's — terms that differ only in a share's places
// (0.3 and 0.30), a date's location or monotonic reading, an installment's event or days, or
// the number of installments are other terms.
func TestProperty_TermsCacheLastEntryIsTheKeysEntry(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 14))
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	locs := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("UTC", 0)}
	shares := []string{"1", "1.0", "0.3", "0.30", "0.7", "0.70", "0.5", "0.25", "0.250", "123456789012345678"}
	draw := func() b2bkit.Terms {
		t := b2bkit.Terms{OrderedAt: day.In(locs[rng.IntN(len(locs))]), DeliverBy: day.AddDate(0, 0, rng.IntN(3))}
		if rng.IntN(4) == 0 {
			t.DeliverBy = time.Now() // a monotonic reading
		}
		for range 1 + rng.IntN(keyShares+1) {
			t.Payment.Installments = append(t.Payment.Installments, b2bkit.Installment{
				Share: decimal.RequireFromString(shares[rng.IntN(len(shares))]),
				Due:   b2bkit.DueEvent(rng.IntN(2)), Days: rng.IntN(3) * 30})
		}
		return t
	}
	pool := make([]b2bkit.Terms, 40)
	for i := range pool {
		pool[i] = draw()
	}
	var same, other int
	for range 20_000 {
		a, b := &pool[rng.IntN(len(pool))], &pool[rng.IntN(len(pool))]
		ka, ok := keyOf(a)
		if !ok {
			continue
		}
		var c termsCache
		c.put(&ka, a, &termsInfo{})
		kb, okb := keyOf(b)
		want := okb && kb == ka
		require.Equal(t, want, c.last.Load().isLast(b), "%+v against %+v", b, a)
		var ti termsInfo
		var key termsKey
		found, cacheable := c.getTerms(b, &key, &ti)
		require.Equal(t, want, found)
		require.Equal(t, okb, cacheable)
		if want {
			same++
		} else {
			other++
		}
	}
	require.Positive(t, same)
	require.Positive(t, other)
}
