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

// Int64 reads back every coefficient decimal.New was given, at every exponent a
// coefficient of an int64 can have digits after the point.
func TestInt64ReadsWhatNewWasGiven(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	values := []int64{0, 1, -1, 9, -10, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1 << 32, -(1 << 32), 1<<32 - 1,
		1e15, -1e15, 1e18, 1e18 - 1, -1e9}
	for range 5000 {
		v := rng.Int64N(1 << uint(1+rng.IntN(62)))
		if rng.IntN(2) == 0 {
			v = -v
		}
		values = append(values, v)
	}
	for i, v := range values {
		d := decimal.New(v, -int32(i%19))
		c, ok := Int64(d)
		require.True(t, ok)
		require.Equal(t, v, c)
		require.Equal(t, digitsOf(d), d.NumDigits(), "%d", v)
	}
}

// Int64 agrees with the public API on coefficients of every size, in and out of an int64, and
// NumDigits, which the module's range checks rely on, counts the coefficient's digits exactly
// (shopspring once counted an exact 1eN one short).
func TestInt64AgreesWithThePublicAPI(t *testing.T) {
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
		require.Equal(t, digitsOf(d), d.NumDigits(), "%s", d)
	}
}

// digitsOf counts the digits of d's coefficient by writing it out: 1 for zero.
func digitsOf(d decimal.Decimal) int {
	return len(new(big.Int).Abs(d.Coefficient()).String())
}
