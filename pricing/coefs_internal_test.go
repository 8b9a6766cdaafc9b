package pricing

import (
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The shopspring/decimal compiled in must have the layout coefs builds; if an upgrade changes it,
// quotes still come out right (through decimal.New) but this test says the fast path is off.
func TestCoefs_LayoutMatchesTheDecimalCompiledIn(t *testing.T) {
	require.True(t, punOK, "decimal.Decimal no longer has the layout of decimalParts")
	require.True(t, newCoefs(1).on)
}

func TestCoefs_LayoutMatchesRefusesOtherShapes(t *testing.T) {
	type swapped struct {
		exp   int32
		value *big.Int
	}
	type wider struct {
		value *big.Int
		exp   int64
	}
	type extra struct {
		value *big.Int
		exp   int32
		more  int32
	}
	type same struct {
		value *big.Int
		exp   int32
	}
	parts := reflect.TypeFor[decimalParts]()
	require.False(t, layoutMatches(reflect.TypeOf(swapped{exp: 1, value: nil}), parts))
	require.False(t, layoutMatches(reflect.TypeOf(wider{value: nil, exp: 1}), parts))
	require.False(t, layoutMatches(reflect.TypeOf(extra{value: nil, exp: 1, more: 2}), parts))
	require.False(t, layoutMatches(reflect.TypeFor[int](), parts))
	require.True(t, layoutMatches(reflect.TypeOf(same{value: nil, exp: 1}), parts))
}

// A decimal built in a cell is, to every decimal operation, the decimal decimal.New builds, and
// using it never changes it or its neighbours.
func TestCoefs_DecimalsAreTheDecimalsNewBuilds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	values := []int64{0, 1, -1, 9, -10, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1 << 32, -(1 << 32), 1<<32 - 1}
	for range 5000 {
		v := rng.Int64N(1 << uint(1+rng.IntN(62)))
		if rng.IntN(2) == 0 {
			v = -v
		}
		values = append(values, v)
	}
	for _, m := range []coefs{newCoefs(3), {}} { // chunked (crossing many chunks), and the fallback
		got := make([]decimal.Decimal, len(values))
		for i, v := range values {
			got[i] = m.dec(v, -int32(i%19))
		}
		for i, v := range values {
			want := decimal.New(v, -int32(i%19))
			d := got[i]
			require.Truef(t, want.Equal(d), "%d: %s != %s", v, d, want)
			require.Equal(t, want.String(), d.String())
			require.Equal(t, want.Sign(), d.Sign())
			require.Equal(t, want.Exponent(), d.Exponent())
			require.Zero(t, want.Coefficient().Cmp(d.Coefficient()))
			// Operations make new numbers and leave the operands alone.
			sum := d.Add(d).Mul(decimal.NewFromInt(3)).Neg()
			require.True(t, want.Add(want).Mul(decimal.NewFromInt(3)).Neg().Equal(sum))
			require.True(t, want.Equal(d), "an operation changed its operand")
			n, mag, ok := coef(d)
			if ok {
				c := int64(mag)
				if n {
					c = -c
				}
				require.Equal(t, v, c)
			} else {
				require.True(t, v <= -1e18 || v >= 1e18, "coef refused %d", v)
			}
		}
	}
	var nilCoefs *coefs
	require.True(t, decimal.New(-42, -2).Equal(nilCoefs.dec(-42, -2)))
}

// Reading a cell's decimal while other goroutines read theirs is safe: the cells are written once,
// before the decimal is handed out.
func TestCoefs_ConcurrentReads(t *testing.T) {
	m := newCoefs(64)
	ds := make([]decimal.Decimal, 256)
	for i := range ds {
		ds[i] = m.dec(int64(i*7919), -2)
	}
	done := make(chan bool)
	for g := range 4 {
		go func() {
			ok := true
			for i, d := range ds {
				ok = ok && d.Equal(decimal.New(int64(i*7919), -2)) && d.Add(decimal.New(int64(g), 0)).Sub(decimal.New(int64(g), 0)).Equal(d)
			}
			done <- ok
		}()
	}
	for range 4 {
		require.True(t, <-done)
	}
}
