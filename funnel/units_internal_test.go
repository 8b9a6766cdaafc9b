package funnel

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestR7_UnitsAddExactlyBeyondInt64 checks the 128-bit sums against big.Int, with sums that cross
// zero and leave the int64 range in both directions.
func TestR7_UnitsAddExactlyBeyondInt64(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	edge := []int64{math.MaxInt64, math.MinInt64, -1, 0, 1, math.MaxInt64 - 1, math.MinInt64 + 1}
	for range 200 {
		var u, w units
		want, wantW := new(big.Int), new(big.Int)
		for range 1 + rng.IntN(40) {
			v := rng.Int64() - rng.Int64()/2
			if rng.IntN(4) == 0 {
				v = edge[rng.IntN(len(edge))]
			}
			u.add(v)
			want.Add(want, big.NewInt(v))
			w.plus(unitsOf(v))
			wantW.Add(wantW, big.NewInt(v))
		}
		if extra := rng.Int64N(3) - 1; extra != 0 { // w is u, or one unit either side of it
			w.add(extra)
			wantW.Add(wantW, big.NewInt(extra))
		}
		require.Equal(t, 0, want.Cmp(u.big()), "%s vs %s", want, u.big())
		require.Equal(t, 0, wantW.Cmp(w.big()))
		require.Equal(t, want.Sign(), u.sign())
		_, fits := u.int64()
		require.Equal(t, want.IsInt64(), fits)
		require.True(t, u.decimal().Shift(MinorScale).BigInt().Cmp(want) == 0)
		require.Equal(t, want.Cmp(wantW), u.cmp(w))
	}
	a, k := int64(math.MaxInt64), int64(3)
	want := new(big.Int).Mul(big.NewInt(a), big.NewInt(k))
	require.Equal(t, 0, want.Cmp(times(a, k).big()))
}

func TestZeroUnixIsTheZeroTime(t *testing.T) {
	var zero time.Time
	require.Equal(t, int64(zeroUnix), zero.Unix())
	require.Zero(t, zero.Nanosecond())
	require.False(t, time.Unix(zeroUnix, 1).IsZero(), "a nanosecond later is not zero")
	require.True(t, time.Unix(zeroUnix, 0).IsZero(), "the same instant in another location is zero")
}
