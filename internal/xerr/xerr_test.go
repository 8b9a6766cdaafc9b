package xerr_test

import (
	"errors"
	"math"
	"math/big"
	mathrand "math/rand"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

func TestEchoCutsHostileText(t *testing.T) {
	assert.Equal(t, "short", xerr.Echo("short"))
	assert.Equal(t, strings.Repeat("x", 32)+"...", xerr.Echo(strings.Repeat("x", 1000)))
	// An absurd exponent is written as such, never expanded.
	assert.Equal(t, "12345e1000000000", xerr.EchoDecimal(decimal.New(12345, 1_000_000_000)))
	assert.Equal(t, "123.45", xerr.EchoDecimal(decimal.New(12345, -2)))
}

func TestFieldErrorMatchesErrInvalid(t *testing.T) {
	err := xerr.Invalid("terms.share", "must be > %d", 0)
	assert.True(t, errors.Is(err, xerr.ErrInvalid))
	assert.Equal(t, "terms.share: must be > 0", err.Error())
	assert.Equal(t, "no field", xerr.Invalid("", "no field").Error())
}

func TestSaneExponentIsMaxScaleEitherWay(t *testing.T) {
	for e, want := range map[int32]bool{math.MinInt32: false, -19: false, -18: true, 0: true, 18: true, 19: false, math.MaxInt32: false} {
		assert.Equal(t, want, xerr.SaneExponent(decimal.New(7, e)), "exponent %d", e)
	}
	assert.Contains(t, xerr.InsaneExponent, strconv.Itoa(xerr.MaxExponent))
}

// pad writes d with k more trailing zeros: the same value, as a numeric column of a higher scale
// returns it.
func pad(d decimal.Decimal, k int) decimal.Decimal {
	c := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	return decimal.NewFromBigInt(c, d.Exponent()-int32(k))
}

func TestCanonicalDropsOnlyTheTrailingZerosOfAPaddedFraction(t *testing.T) {
	for _, tt := range []struct {
		in       decimal.Decimal
		want     string
		wantExp  int32
		sameBits bool // returned as it stands
	}{
		{decimal.RequireFromString("12.30"), "12.3", -2, true},
		{decimal.RequireFromString("1000"), "1000", 0, true},
		// A whole number written with an exponent beyond 18 is the number written out (31 digits),
		// shortened as that is to fit an int64: 7e30 is 700000000000000000 x 10^13.
		{decimal.New(7, 30), "7e30", 13, false},
		{decimal.New(1, 19), "1e19", 2, false},
		{decimal.New(7, math.MaxInt32), "", math.MaxInt32, true}, // never written out
		{decimal.New(7, math.MinInt32), "", math.MinInt32, true},
		{pad(decimal.RequireFromString("12.34"), 18), "12.34", -2, false},
		{pad(decimal.RequireFromString("12.30"), 30), "12.3", -1, false},
		{pad(decimal.RequireFromString("1000"), 20), "1000", 0, false},
		{pad(decimal.RequireFromString("-0.0001"), 40), "-0.0001", -4, false},
		{pad(decimal.New(1, -19), 30), "1e-19", -19, false}, // still 19 places: refused as ever
		{pad(decimal.Zero, 25), "0", 0, false},
		{decimal.RequireFromString("12345678901234567890.12"), "12345678901234567890.12", -2, true},
	} {
		got := xerr.Canonical(tt.in)
		assert.Equal(t, tt.wantExp, got.Exponent(), "%s", xerr.EchoDecimal(tt.in))
		assert.True(t, got.Equal(tt.in), "%s keeps its value", xerr.EchoDecimal(tt.in))
		if tt.want != "" {
			assert.True(t, got.Equal(decimal.RequireFromString(tt.want)), "%s", got)
		}
	}
	// A hostile coefficient is not read.
	huge := decimal.NewFromBigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(5000), nil), -5000)
	assert.Equal(t, int32(-5000), xerr.Canonical(huge).Exponent())
}

func TestCanonicalOfAnOrdinaryAmountAllocatesNothing(t *testing.T) {
	d := decimal.RequireFromString("1234.56")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = xerr.Canonical(d) }))
}

func TestCanonicalPropertyPaddingIsUndone(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20_000 {
		d := decimal.New(rng.Int64()>>rng.IntN(63), int32(rng.IntN(37)-18))
		got := xerr.Canonical(pad(d, 1+rng.IntN(30)))
		require.True(t, got.Equal(d), "%s", d)
		// Written short enough again: within the places and the digits of the short form.
		require.True(t, xerr.SaneExponent(got), "%s", d)
		require.LessOrEqual(t, got.NumDigits(), max(xerr.MaxExponent, d.NumDigits()), "%s", d)
	}
}

func TestTrimFractionDropsEveryTrailingZeroOfTheFraction(t *testing.T) {
	for in, want := range map[string]string{"2.500": "2.5", "1000.00": "1000", "0.000": "0", "1.25": "1.25", "7": "7", "-3.10": "-3.1"} {
		got := xerr.TrimFraction(decimal.RequireFromString(in))
		assert.Equal(t, want, got.String(), in)
	}
	assert.Equal(t, int32(-1), xerr.TrimFraction(pad(decimal.RequireFromString("2.5"), 40)).Exponent())
	assert.Equal(t, int32(3), xerr.TrimFraction(decimal.New(7, 3)).Exponent(), "nothing before the point")
}

// writtenForms are ways a host may write the value c x 10^e: as given, with trailing zeros added
// (a numeric column of a higher scale), without any (a positive exponent for a whole number:
// 1E19), and a whole number written out with exponent 0, padded too.
func writtenForms(c *big.Int, e int32) []decimal.Decimal {
	d := decimal.NewFromBigInt(c, e)
	forms := []decimal.Decimal{d, pad(d, 1), pad(d, 2), pad(d, 19), pad(d, 30)}
	short, se := new(big.Int).Set(c), e
	ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
	for short.Sign() != 0 {
		if q.QuoRem(short, ten, r); r.Sign() != 0 {
			break
		}
		short.Set(q)
		se++
	}
	forms = append(forms, decimal.NewFromBigInt(short, se))
	if se >= 0 {
		out := decimal.NewFromBigInt(new(big.Int).Mul(short, new(big.Int).Exp(ten, big.NewInt(int64(se)), nil)), 0)
		forms = append(forms, out, pad(out, 3), pad(out, 25))
	}
	return forms
}

// TestSaneValuePropertyOneValueOneAnswer: SaneValue is a property of the value, not of how it is
// written — 1e19, 10000000000000000000 and 10000000000000000000.000 get one answer, as do 12.3,
// 12.30 and 12.3 with 30 places — and Canonical of every form is the value with an exponent the
// check accepts (what a caller computes on).
func TestSaneValuePropertyOneValueOneAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	for range 5_000 {
		// a coefficient of up to 30 digits, some of them trailing zeros, at an exponent of -25..45
		c := new(big.Int).Rand(rng2big(rng), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(1+rng.IntN(30))), nil))
		c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(rng.IntN(25))), nil))
		if rng.IntN(2) == 0 {
			c.Neg(c)
		}
		e := int32(rng.IntN(71) - 25)
		forms := writtenForms(c, e)
		want := xerr.SaneValue(forms[0])
		for _, f := range forms {
			require.Equal(t, want, xerr.SaneValue(f), "SaneValue(%s) = %v, but SaneValue(%s) = %v", xerr.EchoDecimal(forms[0]), want, xerr.EchoDecimal(f), !want)
			got := xerr.Canonical(f)
			require.True(t, got.Equal(forms[0]), "Canonical(%s) = %s", xerr.EchoDecimal(f), xerr.EchoDecimal(got))
			require.Equal(t, want, xerr.SaneExponent(got), "the exponent of Canonical(%s) = %s", xerr.EchoDecimal(f), xerr.EchoDecimal(got))
		}
	}
}

// rng2big adapts a math/rand/v2 source for big.Int.Rand.
func rng2big(r *rand.Rand) *mathrand.Rand { return mathrand.New(mathrand.NewSource(r.Int64())) }
