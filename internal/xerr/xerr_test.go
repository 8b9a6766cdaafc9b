package xerr_test

import (
	"errors"
	"math"
	"math/big"
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
		{decimal.New(7, 30), "7e30", 30, true},
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
