package pricing

import (
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Property: allocUnits splits minor units exactly as b2bkit.Allocate splits the same amount among
// the same weights — every part, ties to the earlier part, negative totals — and declines what
// Allocate would refuse (all weights zero, a negative weight).
func TestProperty_AllocUnitsIsAllocateInMinorUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	var order []int
	for i := range 20_000 {
		n := 1 + rng.IntN(12)
		if i%4 == 0 {
			n = 1 + rng.IntN(70) // as many parts as an order's lines
		}
		huge := i%5 == 0 // weights whose sum leaves no room for a part's place beside a remainder
		ws := make([]int64, n)
		weights := make([]decimal.Decimal, n)
		for k := range ws {
			switch rng.IntN(5) {
			case 0:
				ws[k] = 0
			case 1:
				ws[k] = int64(1 + rng.IntN(3)) // many ties
			default:
				ws[k] = rng.Int64N(1 << uint(1+rng.IntN(40)))
				if huge {
					ws[k] = rng.Int64N(1<<62/int64(n)) + 1<<56
				}
			}
			weights[k] = decimal.New(ws[k], -2)
		}
		total := rng.Int64N(1<<uint(1+rng.IntN(50))) - 1<<10
		scale := int32(rng.IntN(4))
		want, err := b2bkit.Allocate(decimal.New(total, -scale), weights, scale)
		got, ok := allocUnits(total, append([]int64(nil), ws...), make([]int64, n), &order)
		if err != nil {
			require.False(t, ok, i)
			continue
		}
		require.True(t, ok, i)
		for k := range want {
			u, err := b2bkit.ToMinor(want[k], scale)
			require.NoError(t, err)
			require.Equal(t, u, got[k], "case %d part %d", i, k)
		}
	}
	_, ok := allocUnits(5, []int64{0, 0}, make([]int64, 2), &order)
	require.False(t, ok)
	_, ok = allocUnits(5, []int64{3, -1}, make([]int64, 2), &order)
	require.False(t, ok)
}
