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

// Int64 and Int18 agree with the coefficient read through math/big at every exponent of the
// bounds table and a few beyond it, for coefficients around each bound they decide on (±2^63,
// ±10^18, ±10^19), small ones, zero and the zero Decimal, whose coefficient is nil.
func TestInt64AndInt18AtEveryExponent(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	one := big.NewInt(1)
	var edges []*big.Int
	for _, s := range []string{"9223372036854775807", "9223372036854775808", "1000000000000000000", "10000000000000000000"} {
		b, _ := new(big.Int).SetString(s, 10)
		for _, off := range []int64{-2, -1, 0, 1, 2} {
			x := new(big.Int).Add(b, big.NewInt(off))
			edges = append(edges, x, new(big.Int).Neg(x))
		}
	}
	edges = append(edges, big.NewInt(0), one, big.NewInt(-1))
	for e := int32(minExp - 3); e <= maxExp+3; e++ {
		cases := []decimal.Decimal{decimal.New(0, e)}
		for _, c := range edges {
			cases = append(cases, decimal.NewFromBigInt(c, e))
		}
		for range 40 { // random coefficients of 17 to 21 digits, either sign
			lo := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(16+rng.IntN(5))), nil)
			c := new(big.Int).Add(lo, new(big.Int).Rand(randv1.New(randv1.NewSource(rng.Int64())), new(big.Int).Mul(lo, big.NewInt(9))))
			if rng.IntN(2) == 0 {
				c.Neg(c)
			}
			cases = append(cases, decimal.NewFromBigInt(c, e))
		}
		for _, d := range cases {
			truth := d.Coefficient()
			c, ok := Int64(d)
			require.Equal(t, truth.IsInt64(), ok, "Int64(%s)", d)
			if ok {
				require.Equal(t, truth.Int64(), c, "Int64(%s)", d)
			}
			c, ok = Int18(d)
			require.Equal(t, new(big.Int).Abs(truth).Cmp(big.NewInt(1e18)) < 0, ok, "Int18(%s)", d)
			if ok {
				require.Equal(t, truth.Int64(), c, "Int18(%s)", d)
			}
		}
	}
	var zero decimal.Decimal
	c, ok := Int64(zero)
	require.True(t, ok)
	require.Zero(t, c)
	c, ok = Int18(zero)
	require.True(t, ok)
	require.Zero(t, c)
}

// A coefficient of 19 digits is read without allocating at the exponents of the bounds table,
// within an int64 and beyond it: Int64 compares it with the bounds instead of copying it.
func TestInt64Of19DigitsAllocatesNothing(t *testing.T) {
	for _, s := range []string{"9223372036854775807", "-9223372036854775808", "1000000000000000000", "-1234567890123456789",
		"9223372036854775808", "-9223372036854775809", "9999999999999999999"} {
		b, _ := new(big.Int).SetString(s, 10)
		for _, e := range []int32{minExp, -2, 0, maxExp} {
			d := decimal.NewFromBigInt(b, e)
			require.Equal(t, 19, d.NumDigits())
			allocs := testing.AllocsPerRun(20, func() { _, _ = Int64(d) })
			require.Zero(t, allocs, "Int64(%s)", d)
		}
	}
}
