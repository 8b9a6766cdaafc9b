package scorecard

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The radix sort orders keys exactly as a comparison sort orders the numbers they stand for,
// over every sign, magnitude, zero and infinity, and whether digits are shared or not.
func TestRadixSortAgreesWithComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	cases := map[string]func() float64{
		"wide":   func() float64 { return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20)) },
		"days":   func() float64 { return float64(rng.IntN(120)) },
		"narrow": func() float64 { return 1000 + rng.Float64() },
		"edges": func() float64 {
			e := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
				math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1, -1}
			return e[rng.IntN(len(e))]
		},
	}
	for name, gen := range cases {
		for _, n := range []int{0, 1, 2, 3, 1000, 50000} {
			xs := make([]float64, n)
			keys := make([]uint64, n)
			for i := range xs {
				xs[i] = gen()
				keys[i] = sortKey(xs[i])
			}
			slices.Sort(xs)
			radixSort(keys, make([]uint64, n))
			for i, k := range keys {
				got, want := fromSortKey(k), xs[i]
				if want == 0 {
					want = 0 // -0 is keyed as 0
				}
				require.Equal(t, math.Float64bits(want), math.Float64bits(got), "%s n=%d at %d", name, n, i)
			}
		}
	}
}
