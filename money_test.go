package b2bkit_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

func TestRound(t *testing.T) {
	tests := []struct {
		in    string
		scale int32
		mode  b2bkit.RoundingMode
		want  string
	}{
		{"2.345", 2, b2bkit.HalfUp, "2.35"},
		{"-2.345", 2, b2bkit.HalfUp, "-2.35"},
		{"2.345", 2, b2bkit.HalfEven, "2.34"},
		{"2.355", 2, b2bkit.HalfEven, "2.36"},
		{"-2.345", 2, b2bkit.HalfEven, "-2.34"},
		{"2.349", 2, b2bkit.Down, "2.34"},
		{"-2.349", 2, b2bkit.Down, "-2.34"},
		{"2.341", 2, b2bkit.Up, "2.35"},
		{"-2.341", 2, b2bkit.Up, "-2.35"},
		{"2.34", 2, b2bkit.Up, "2.34"},
		{"2.5", 0, b2bkit.HalfUp, "3"},
		{"2.5", 0, b2bkit.HalfEven, "2"},
		{"7", 2, b2bkit.Down, "7.00"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d/%s", tt.in, tt.scale, tt.mode), func(t *testing.T) {
			got := b2bkit.Round(dec(tt.in), tt.scale, tt.mode)
			requireDecEqual(t, dec(tt.want), got)
			// The result prints at the scale, as a price list does.
			assert.Equal(t, tt.want, got.StringFixed(tt.scale))
			assert.Equal(t, -tt.scale, got.Exponent(), "exponent")
		})
	}
}

func TestRoundToIncrement(t *testing.T) {
	tests := []struct {
		in, inc string
		mode    b2bkit.RoundingMode
		want    string
	}{
		{"2.37", "0.05", b2bkit.HalfUp, "2.35"},
		{"2.375", "0.05", b2bkit.HalfUp, "2.40"},
		{"2.375", "0.05", b2bkit.HalfEven, "2.40"}, // 47.5 -> 48 (even)
		{"2.325", "0.05", b2bkit.HalfEven, "2.30"}, // 46.5 -> 46 (even)
		{"2.37", "0.05", b2bkit.Up, "2.40"},
		{"2.39", "0.05", b2bkit.Down, "2.35"},
		{"-2.37", "0.05", b2bkit.Up, "-2.40"},
		{"-2.375", "0.05", b2bkit.HalfUp, "-2.40"},
		{"2.40", "0.05", b2bkit.Up, "2.40"},
		{"1234", "10", b2bkit.HalfUp, "1230"},
		{"1235", "10", b2bkit.HalfUp, "1240"},
		{"0.01", "0.03", b2bkit.HalfUp, "0"},
		{"0.02", "0.03", b2bkit.HalfUp, "0.03"},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.inc+"/"+tt.mode.String(), func(t *testing.T) {
			got, err := b2bkit.RoundToIncrement(dec(tt.in), dec(tt.inc), tt.mode)
			require.NoError(t, err)
			requireDecEqual(t, dec(tt.want), got)
		})
	}
	_, err := b2bkit.RoundToIncrement(dec("1"), decimal.Zero, b2bkit.HalfUp)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "increment")
}

func TestRoundingModeJSON(t *testing.T) {
	for _, m := range []b2bkit.RoundingMode{b2bkit.HalfUp, b2bkit.HalfEven, b2bkit.Down, b2bkit.Up} {
		b, err := json.Marshal(m)
		require.NoError(t, err)
		var back b2bkit.RoundingMode
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, m, back)
	}
	var m b2bkit.RoundingMode
	require.ErrorIs(t, json.Unmarshal([]byte(`"sideways"`), &m), b2bkit.ErrInvalid)
	_, err := json.Marshal(b2bkit.RoundingMode(9))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights []string
		scale   int32
		want    []string
	}{
		{"thirds", "100.00", []string{"1", "1", "1"}, 2, []string{"33.34", "33.33", "33.33"}},
		{"halves tie to the earlier part", "10", []string{"0.15", "0.35", "0.5"}, 0, []string{"2", "3", "5"}},
		{"ties go to the earlier part", "0.02", []string{"1", "1", "1"}, 2, []string{"0.01", "0.01", "0.00"}},
		{"largest remainder wins", "10", []string{"0.14", "0.36", "0.5"}, 0, []string{"1", "4", "5"}},
		{"negative total", "-100.00", []string{"1", "1", "1"}, 2, []string{"-33.34", "-33.33", "-33.33"}},
		{"zero weight gets nothing", "10.00", []string{"0", "1", "2"}, 2, []string{"0.00", "3.33", "6.67"}},
		{"zero total", "0", []string{"1", "2"}, 2, []string{"0", "0"}},
		{"one part", "12.34", []string{"7"}, 2, []string{"12.34"}},
		{"30/70", "1000.00", []string{"0.3", "0.7"}, 2, []string{"300.00", "700.00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := make([]decimal.Decimal, len(tt.weights))
			for i, w := range tt.weights {
				ws[i] = dec(w)
			}
			got, err := b2bkit.Allocate(dec(tt.total), ws, tt.scale)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for i, w := range tt.want {
				requireDecEqual(t, dec(w), got[i], "part %d", i)
			}
		})
	}
}

func TestAllocateRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights []string
		scale   int32
		field   string
	}{
		{"no weights", "1", nil, 2, "weights"},
		{"all zero", "1", []string{"0", "0"}, 2, "weights"},
		{"negative weight", "1", []string{"1", "-1"}, 2, "weights[1]"},
		{"total finer than scale", "1.005", []string{"1"}, 2, "total"},
		{"negative scale", "1", []string{"1"}, -1, "scale"},
		{"huge scale", "1", []string{"1"}, 40, "scale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := make([]decimal.Decimal, len(tt.weights))
			for i, w := range tt.weights {
				ws[i] = dec(w)
			}
			_, err := b2bkit.Allocate(dec(tt.total), ws, tt.scale)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			var fe *b2bkit.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.field, fe.Field)
		})
	}
}

// Property: the parts of an allocation sum exactly to the total and each is within one minor unit of
// its exact share total*w/sum.
func TestAllocatePartsSumExactlyAndStayWithinOneMinorUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		scale := int32(rng.IntN(5))
		total := decimal.New(rng.Int64N(2_000_000_000)-1_000_000_000, -scale)
		if n%4 == 0 {
			total = total.Shift(15) // beyond int64 minor units: the exact decimal path
		}
		ws := make([]decimal.Decimal, 1+rng.IntN(15))
		for i := range ws {
			ws[i] = decimal.New(rng.Int64N(10_000), -int32(rng.IntN(4)))
		}
		ws[rng.IntN(len(ws))] = decimal.New(1+rng.Int64N(100), 0) // never all zero
		parts, err := b2bkit.Allocate(total, ws, scale)
		require.NoError(t, err)
		sum, wsum := decimal.Zero, decimal.Sum(decimal.Zero, ws...)
		unit := decimal.New(1, -scale)
		for i, p := range parts {
			sum = sum.Add(p)
			// |p*wsum - total*w| <= unit*wsum, cross-multiplied so nothing is divided.
			diff := p.Mul(wsum).Sub(total.Mul(ws[i])).Abs()
			require.True(t, diff.LessThanOrEqual(unit.Mul(wsum)), "case %d part %d: %s of %s by %v", n, i, p, total, ws)
			require.LessOrEqual(t, -p.Exponent(), scale, "part %s has more places than scale %d", p, scale)
		}
		requireDecEqual(t, total, sum, "case %d", n)
	}
}

func TestParseDecimal(t *testing.T) {
	ok := map[string]string{
		"0": "0", "12.50": "12.5", "-3": "-3", "+0.3": "0.3", ".5": "0.5", "5.": "5",
		"123456789012345678901234567890.1234567890": "123456789012345678901234567890.123456789",
	}
	for in, want := range ok {
		got, err := b2bkit.ParseDecimal(in)
		require.NoError(t, err, in)
		requireDecEqual(t, dec(want), got, in)
	}
	bad := []string{
		"", " 1", "1 ", "1e3", "1E-3", "1e999999999", "NaN", "nan", "Inf", "-Infinity", "1,000",
		"0x10", "--1", "+", "-", ".", "1.2.3", "１", strings.Repeat("9", 41), "0." + strings.Repeat("1", 19),
	}
	for _, in := range bad {
		_, err := b2bkit.ParseDecimal(in)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "%q", in)
	}
}

func TestParseDecimalMessageDoesNotEchoHugeInput(t *testing.T) {
	_, err := b2bkit.ParseDecimal(strings.Repeat("9", 10_000))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Less(t, len(err.Error()), 200)
}

func TestJSONDecimal(t *testing.T) {
	var d b2bkit.JSONDecimal
	require.NoError(t, json.Unmarshal([]byte(`"12.50"`), &d))
	requireDecEqual(t, dec("12.5"), d.Decimal)
	require.NoError(t, json.Unmarshal([]byte(`7.25`), &d))
	requireDecEqual(t, dec("7.25"), d.Decimal)
	for _, bad := range []string{`"1e999999999"`, `1e5`, `"abc"`, `true`, `""`, `"\u0031e9"`} {
		require.ErrorIs(t, json.Unmarshal([]byte(bad), &d), b2bkit.ErrInvalid, bad)
	}
	b, err := json.Marshal(b2bkit.JSONDecimal{Decimal: dec("0.30")})
	require.NoError(t, err)
	assert.JSONEq(t, `"0.3"`, string(b))
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "12.50", "-3", ".5", "1e999999999", "NaN", "", "9999999999999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := b2bkit.ParseDecimal(s)
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		// Whatever is accepted stays small and prints back to the same value.
		require.LessOrEqual(t, d.NumDigits(), b2bkit.MaxDecimalDigits)
		back, err := b2bkit.ParseDecimal(d.String())
		require.NoError(t, err)
		require.True(t, back.Equal(d))
	})
}

// MaxScale is the bound internal/xerr holds every quantity's exponent to.
func TestMaxScaleIsTheExponentBound(t *testing.T) {
	assert.Equal(t, int32(b2bkit.MaxScale), int32(xerr.MaxExponent))
}
