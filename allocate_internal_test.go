package b2bkit

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The 64-bit fast path and the exact decimal path must agree part for part.
func TestAllocatePathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 2000; n++ {
		scale := int32(rng.IntN(5))
		total := decimal.New(rng.Int64N(2_000_000_000_000)-1_000_000_000_000, -scale)
		ws := make([]decimal.Decimal, 1+rng.IntN(12))
		sum := decimal.Zero
		for i := range ws {
			ws[i] = decimal.New(rng.Int64N(1_000_000), -int32(rng.IntN(6)))
			sum = sum.Add(ws[i])
		}
		if sum.IsZero() {
			continue
		}
		fast, ok := allocateMinor(total, ws, scale)
		require.True(t, ok)
		slow := allocateDecimal(total, ws, sum, scale)
		for i := range fast {
			require.True(t, fast[i].Equal(slow[i]), "case %d part %d: fast %s slow %s", n, i, fast[i], slow[i])
		}
	}
}
