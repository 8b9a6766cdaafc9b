package checked_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/checked"
)

func TestAddAndMulReportOverflow(t *testing.T) {
	_, ok := checked.Add(int64(math.MaxInt64), 1)
	assert.False(t, ok)
	_, ok = checked.Add(int64(math.MinInt64), -1)
	assert.False(t, ok)
	s, ok := checked.Add(int64(math.MaxInt64), -1)
	assert.True(t, ok)
	assert.Equal(t, int64(math.MaxInt64-1), s)
	_, ok = checked.Add(int8(100), int8(100))
	assert.False(t, ok)
	_, ok = checked.Mul(math.MaxInt64/2+1, 2)
	assert.False(t, ok)
	_, ok = checked.Mul(-1, math.MinInt64)
	assert.False(t, ok)
	p, ok := checked.Mul(-3, 7)
	assert.True(t, ok)
	assert.Equal(t, int64(-21), p)
}

// Mul agrees with 128-bit arithmetic at the edges of an int64 and on random operands.
func TestMulAgreesWithBigInts(t *testing.T) {
	edges := []int64{0, 1, -1, 2, -2, 3, math.MaxInt64, math.MinInt64, math.MaxInt64 / 2, math.MinInt64 / 2,
		1 << 31, -(1 << 31), 1 << 32, -(1 << 32), 3037000499, -3037000499, 3037000500, -3037000500}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		edges = append(edges, rng.Int64()>>rng.IntN(63)*(1-2*int64(rng.IntN(2))))
	}
	for _, a := range edges[:60] {
		for _, b := range edges {
			want := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
			got, ok := checked.Mul(a, b)
			require.Equal(t, want.IsInt64(), ok, "%d x %d", a, b)
			if ok {
				require.Equal(t, want.Int64(), got, "%d x %d", a, b)
			}
		}
	}
}
