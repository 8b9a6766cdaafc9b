package b2bkit_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

func TestToMinor(t *testing.T) {
	tests := []struct {
		in    string
		scale int32
		want  int64
	}{
		{"12.34", 2, 1234}, {"12.3", 2, 1230}, {"12", 2, 1200}, {"-0.05", 2, -5},
		{"12.3400", 2, 1234}, {"0", 18, 0}, {"92233720368547758.07", 2, math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := b2bkit.ToMinor(dec(tt.in), tt.scale)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		requireDecEqual(t, dec(tt.in), b2bkit.FromMinor(got, tt.scale))
	}
	for _, bad := range []struct {
		in    string
		scale int32
	}{{"12.345", 2}, {"92233720368547758.08", 2}, {"1", 19}, {"1", -1}, {"100000000000000000000", 0}, {"1e30", 0}} {
		_, err := b2bkit.ToMinor(decimal.RequireFromString(bad.in), bad.scale)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, bad.in)
	}
}

// Property: summing in minor units gives exactly the decimal sum.
func TestMinorSumEqualsDecimalSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := b2bkit.NewMinorSum(2)
	want := decimal.Zero
	for range 10_000 {
		d := decimal.New(rng.Int64N(10_000_000)-5_000_000, -int32(rng.IntN(3)))
		require.NoError(t, s.Add(d))
		want = want.Add(d)
	}
	got, err := s.Total()
	require.NoError(t, err)
	requireDecEqual(t, want, got)
	require.ErrorIs(t, s.Add(dec("0.001")), b2bkit.ErrInvalid)

	over := b2bkit.NewMinorSum(0)
	over.AddUnits(math.MaxInt64)
	over.AddUnits(1)
	over.AddUnits(-5) // once broken, it stays broken
	_, exact := over.Units()
	assert.False(t, exact)
	_, err = over.Total()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

// An amount with an absurd exponent is refused with a short message: printing it in full would
// write a billion digits before the message could be cut.
func TestToMinorAbsurdExponentGivesAShortError(t *testing.T) {
	for _, d := range []decimal.Decimal{
		decimal.New(12345, 1_000_000_000), decimal.New(12345, -1_000_000_000), decimal.New(7, 40),
	} {
		_, err := b2bkit.ToMinor(d, 2)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.Less(t, len(err.Error()), 120, err.Error())
	}
}

// TotalMinor is ToMinor(Round(Total(), scale, HalfUp), scale) whenever it answers, on orders with
// prices and quantities of every shape.
func TestOrderTotalMinorIsTheRoundedTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	answered, answeredBig := 0, 0
	for k := range 20000 {
		// Every fourth order has factors beyond 2^31, whose products TotalMinor checks for overflow.
		maxQ, maxP := int64(1_000_000), int64(100_000_000)
		switch k % 8 {
		case 3:
			maxQ, maxP = 1<<36, 1000
		case 7:
			maxQ, maxP = 1000, 1<<36
		}
		o := b2bkit.Order{Lines: make([]b2bkit.OrderLine, 1+rng.IntN(4))}
		for i := range o.Lines {
			o.Lines[i] = b2bkit.OrderLine{SKU: "s",
				Quantity:  decimal.New(1+rng.Int64N(maxQ), -int32(rng.IntN(7))),
				UnitPrice: decimal.New(rng.Int64N(maxP), -int32(rng.IntN(9)))}
		}
		scale := int32(rng.IntN(5))
		got, ok := o.TotalMinor(scale)
		if !ok {
			continue
		}
		answered++
		if k%4 == 3 {
			answeredBig++
		}
		want, err := b2bkit.ToMinor(b2bkit.Round(o.Total(), scale, b2bkit.HalfUp), scale)
		require.NoError(t, err)
		require.Equal(t, want, got, "%v at scale %d", o.Lines, scale)
	}
	assert.Greater(t, answered, 10000, "the integer path answers ordinary orders")
	assert.Greater(t, answeredBig, 100, "and orders whose factors pass 2^31 but whose total fits")
	big := decimal.New(1<<40, 0) // a product beyond int64: the decimal path's
	_, ok := b2bkit.Order{Lines: []b2bkit.OrderLine{{Quantity: big, UnitPrice: big}}}.TotalMinor(2)
	assert.False(t, ok, "%s x %s overflows", big, big)
	for _, bad := range []b2bkit.OrderLine{
		{Quantity: decimal.New(-1, 0), UnitPrice: decimal.New(1, 0)},
		{Quantity: decimal.New(1, 0), UnitPrice: decimal.New(-1, 0)},
		{Quantity: decimal.New(1, 40), UnitPrice: decimal.New(1, 0)},
		{Quantity: decimal.New(1, -40), UnitPrice: decimal.New(1, 0)},
	} {
		_, ok := b2bkit.Order{Lines: []b2bkit.OrderLine{bad}}.TotalMinor(2)
		assert.False(t, ok, "%v", bad)
	}
}

// TotalMinor adds a line's exponents beyond int32's range without wrapping: a line whose exponents
// sum past it does not fit, and is said so, not indexed out of range or read at a wrapped exponent.
func TestOrderTotalMinorExponentsBeyondInt32(t *testing.T) {
	for _, c := range []struct {
		name          string
		qty, price    int32 // exponents
		scale         int32
		wantOK        bool
		wantUnits     int64
		lineQty, line int64
	}{
		{"quantity at the largest exponent", math.MaxInt32, 0, 2, false, 0, 1, 1},
		{"both at the largest", math.MaxInt32, math.MaxInt32, 2, false, 0, 1, 1},
		{"both at the smallest: wraps to 0 in int32", math.MinInt32, math.MinInt32, 0, false, 0, 1, 1},
		{"sum just below the smallest", math.MinInt32, -1, 2, false, 0, 1, 1},
		{"ordinary exponents still answer", -1, -2, 2, true, 3, 5, 5}, // 0.5 x 0.05 = 0.025 -> 0.03
	} {
		o := b2bkit.Order{Lines: []b2bkit.OrderLine{{SKU: "s", Quantity: decimal.New(c.lineQty, c.qty), UnitPrice: decimal.New(c.line, c.price)}}}
		var (
			got int64
			ok  bool
		)
		require.NotPanics(t, func() { got, ok = o.TotalMinor(c.scale) }, c.name)
		assert.Equal(t, c.wantOK, ok, c.name)
		if c.wantOK {
			assert.Equal(t, c.wantUnits, got, c.name)
		}
	}
}

// An amount read from a numeric column of a high scale keeps its trailing zeros in the coefficient:
// 12.34 from numeric(38,20) is 1234 x 10^18 x 10^-20, a coefficient beyond int64. ToMinor reads the
// value, so it answers as for the same amount written short — the units, or the same kind of error.
func TestToMinorReadsTheValueNotItsTrailingZeros(t *testing.T) {
	padded := func(d decimal.Decimal, zeros int) decimal.Decimal {
		c := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(zeros)), nil))
		return decimal.NewFromBigInt(c, d.Exponent()-int32(zeros))
	}
	for _, tt := range []struct {
		in    string
		zeros int
		scale int32
		want  int64
	}{
		{"12.34", 18, 4, 123400},
		{"12.34", 25, 2, 1234},
		{"-0.0001", 30, 4, -1},
		{"92233720368547758.07", 20, 2, math.MaxInt64},
		{"-92233720368547758.08", 20, 2, math.MinInt64},
		{"1e-18", 40, 18, 1},
	} {
		d := padded(dec(tt.in), tt.zeros)
		require.False(t, d.Coefficient().IsInt64() && tt.zeros >= 18, "the case must not fit the fast path")
		got, err := b2bkit.ToMinor(d, tt.scale)
		require.NoError(t, err, "%s with %d zeros", tt.in, tt.zeros)
		assert.Equal(t, tt.want, got, "%s with %d zeros", tt.in, tt.zeros)
	}
	for _, bad := range []struct {
		in    string
		zeros int
		scale int32
		word  string
	}{
		{"12.345", 20, 2, "decimal places"},
		{"92233720368547758.08", 20, 2, "does not fit"},
		{"1e-19", 30, 18, "decimal places"},
		{"1e19", 20, 0, "does not fit"},
	} {
		_, err := b2bkit.ToMinor(padded(dec(bad.in), bad.zeros), bad.scale)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, bad.in)
		require.ErrorContains(t, err, bad.word, bad.in)
	}

	// Property: padding never changes the answer.
	rng := rand.New(rand.NewPCG(9, 10))
	for range 20_000 {
		d := decimal.New(rng.Int64()>>rng.IntN(63), int32(rng.IntN(45)-25))
		scale := int32(rng.IntN(int(b2bkit.MaxScale) + 1))
		want, wantErr := b2bkit.ToMinor(d, scale)
		got, err := b2bkit.ToMinor(padded(d, 1+rng.IntN(40)), scale)
		if wantErr != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s at %d", d, scale)
			continue
		}
		require.NoError(t, err, "%s at %d", d, scale)
		require.Equal(t, want, got, "%s at %d", d, scale)
	}
}
