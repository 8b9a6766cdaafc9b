package fastdec

import (
	"math"
	"math/big"
	randv1 "math/rand"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestDecimalsAreTheDecimalsNewBuilds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	values := []int64{0, 1, -1, 9, -10, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1 << 32, -(1 << 32), 1<<32 - 1}
	for range 5000 {
		v := rng.Int64N(1 << uint(1+rng.IntN(62)))
		if rng.IntN(2) == 0 {
			v = -v
		}
		values = append(values, v)
	}
	for _, m := range []Cells{NewCells(3), {}} { // chunked (crossing many chunks), and the fallback
		got := make([]decimal.Decimal, len(values))
		for i, v := range values {
			got[i] = m.New(v, -int32(i%19))
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
			c, ok := Int64(d)
			require.True(t, ok)
			require.Equal(t, v, c)
			require.Equal(t, want.NumDigits(), Digits(d), "%d", v)
		}
	}
	var nilCells *Cells
	require.True(t, decimal.New(-42, -2).Equal(nilCells.New(-42, -2)))
}

// Reading a cell's decimal while other goroutines read theirs is safe: the cells are written once,
// before the decimal is handed out.
func TestConcurrentReads(t *testing.T) {
	m := NewCells(64)
	ds := make([]decimal.Decimal, 256)
	for i := range ds {
		ds[i] = m.New(int64(i*7919), -2)
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

// Int64 and Digits agree with the public API on coefficients of every size, in and out of an int64.
func TestInt64AndDigitsAgreeWithThePublicAPI(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	r1 := randv1.New(randv1.NewSource(9))
	var ds []decimal.Decimal
	for _, s := range []string{"0", "-0", "1", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
		"-9223372036854775809", "99999999999999999999", "1234567890123456789012345", "0.000", "120.00", "-3.5"} {
		ds = append(ds, decimal.RequireFromString(s))
	}
	for range 5000 {
		b := new(big.Int).Rand(r1, new(big.Int).Lsh(big.NewInt(1), uint(1+rng.IntN(90))))
		if rng.IntN(2) == 0 {
			b.Neg(b)
		}
		ds = append(ds, decimal.NewFromBigInt(b, -int32(rng.IntN(20))))
	}
	ds = append(ds, decimal.Decimal{})
	for _, d := range ds {
		c, ok := Int64(d)
		fits := d.Coefficient().IsInt64()
		require.Equal(t, fits, ok, "%s", d)
		if ok {
			require.Equal(t, d.Coefficient().Int64(), c, "%s", d)
		}
		require.Equal(t, d.NumDigits(), Digits(d), "%s", d)
	}
}
