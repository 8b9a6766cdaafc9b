package xerr_test

import (
	"fmt"
	"math"
	"math/big"
	mathrand "math/rand"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

func TestCmpAbsurdExponentsAnswerAtOnce(t *testing.T) {
	d := decimal.RequireFromString
	for _, c := range []struct {
		a, b decimal.Decimal
		want int
	}{
		{decimal.New(1, 1<<30), d("1"), 1},
		{d("1"), decimal.New(1, 1<<30), -1},
		{decimal.New(-1, 1<<30), d("1"), -1},
		{decimal.New(-1, 1<<30), d("-1"), -1},
		{decimal.New(1, -1<<30), d("0.01"), -1},
		{decimal.New(-1, -1<<30), d("0"), -1},
		{decimal.New(1, math.MaxInt32), decimal.New(1, math.MinInt32), 1},
		{decimal.New(1, math.MinInt32), decimal.New(1, math.MinInt32), 0},
		{decimal.New(1, math.MaxInt32), decimal.New(2, math.MaxInt32), -1},
		{decimal.New(0, math.MaxInt32), decimal.New(0, math.MinInt32), 0},
		{decimal.New(10, 1<<20), decimal.New(1, 1<<20+1), 0},
		{decimal.New(1, 40), d("10000000000000000000000000000000000000000"), 0},
		{decimal.New(1, -40), d("0.0000000000000000000000000000000000000001"), 0},
		{decimal.New(1, -40), d("0.0000000000000000000000000000000000000002"), -1},
	} {
		assert.Equal(t, c.want, xerr.Cmp(c.a, c.b), "%s vs %s", xerr.EchoDecimal(c.a), xerr.EchoDecimal(c.b))
		assert.Equal(t, c.want == 0, xerr.Equal(c.a, c.b))
	}
}

func TestCmpIsDecimalCmp(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	for range 20000 {
		a := decimal.New(r.Int64N(2001)-1000, int32(r.IntN(81)-40))
		b := decimal.New(r.Int64N(2001)-1000, int32(r.IntN(81)-40))
		if r.IntN(4) == 0 {
			b = a.Add(decimal.New(r.Int64N(3)-1, int32(r.IntN(81)-40)))
		}
		assert.Equal(t, a.Cmp(b), xerr.Cmp(a, b), "%s vs %s", a, b)
	}
}

// TestInsaneExponentSaysWhatSaneValueRefuses reads the two bounds InsaneExponent states and holds
// SaneValue to them both ways: every number it refuses breaks one of them, and every number within
// both is taken. The words said "an exponent of at most 18", which 1e100 breaks and SaneValue takes.
func TestInsaneExponentSaysWhatSaneValueRefuses(t *testing.T) {
	var places, digits int
	_, err := fmt.Sscanf(xerr.InsaneExponent, "must have at most %d decimal places (trailing zeros aside) and at most %d digits written out",
		&places, &digits)
	require.NoError(t, err, xerr.InsaneExponent)
	// placesOf counts the places of d without the zeros ending its fraction; writtenOf the digits of
	// d written out with all its zeros (the leading "0." of a fraction aside).
	placesOf := func(d decimal.Decimal) int64 {
		c, e := d.Coefficient(), int64(d.Exponent())
		ten, r := big.NewInt(10), new(big.Int)
		for e < 0 && c.Sign() != 0 {
			if new(big.Int).QuoRem(c, ten, r); r.Sign() != 0 {
				break
			}
			c.Quo(c, ten)
			e++
		}
		return max(0, -e)
	}
	writtenOf := func(d decimal.Decimal) int64 {
		n, e := int64(len(d.Coefficient().Text(10))), int64(d.Exponent())
		if e >= 0 {
			return n + e
		}
		return max(n, -e)
	}
	pow := func(k int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil) }
	for _, d := range []decimal.Decimal{
		decimal.New(1, -19), decimal.New(10, -20), decimal.New(15, -19), decimal.New(1, 309), decimal.New(12, 308),
		decimal.NewFromBigInt(new(big.Int).Mul(big.NewInt(15), pow(400)), -401), // 1.5 written with 400 zeros
		decimal.NewFromBigInt(pow(400), -19), decimal.NewFromBigInt(pow(400), 19),
		decimal.New(1, 1<<30), decimal.New(1, -1<<30), decimal.New(-7, math.MaxInt32), decimal.New(7, math.MinInt32),
	} {
		require.False(t, xerr.SaneValue(d), xerr.EchoDecimal(d))
		assert.True(t, placesOf(d) > int64(places) || writtenOf(d) > int64(digits), "%s is refused within the bounds of %q",
			xerr.EchoDecimal(d), xerr.InsaneExponent)
	}
	r := rand.New(rand.NewPCG(14, 2))
	for range 5000 {
		c := new(big.Int).Rand(mathrand.New(mathrand.NewSource(r.Int64())), pow(int64(1+r.IntN(40))))
		c.Mul(c, pow(int64(r.IntN(300)))) // trailing zeros
		if r.IntN(2) == 0 {
			c.Neg(c)
		}
		d := decimal.NewFromBigInt(c, int32(r.IntN(700)-350))
		if placesOf(d) <= int64(places) && writtenOf(d) <= int64(digits) {
			assert.True(t, xerr.SaneValue(d), "%s is within the bounds of %q", xerr.EchoDecimal(d), xerr.InsaneExponent)
		}
	}
}
