package b2bkit_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestCheckedArithmetic(t *testing.T) {
	_, ok := b2bkit.AddChecked(int64(math.MaxInt64), 1)
	assert.False(t, ok)
	_, ok = b2bkit.AddChecked(int64(math.MinInt64), -1)
	assert.False(t, ok)
	s, ok := b2bkit.AddChecked(int64(math.MaxInt64), -1)
	assert.True(t, ok)
	assert.Equal(t, int64(math.MaxInt64-1), s)
	_, ok = b2bkit.AddChecked(int8(100), int8(100))
	assert.False(t, ok)
	_, ok = b2bkit.MulChecked(math.MaxInt64/2+1, 2)
	assert.False(t, ok)
	_, ok = b2bkit.MulChecked(-1, math.MinInt64)
	assert.False(t, ok)
	p, ok := b2bkit.MulChecked(-3, 7)
	assert.True(t, ok)
	assert.Equal(t, int64(-21), p)
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
	assert.Equal(t, "12345e1000000000", b2bkit.EchoDecimal(decimal.New(12345, 1_000_000_000)))
	assert.Equal(t, "123.45", b2bkit.EchoDecimal(decimal.New(12345, -2)))
}

// TotalMinor is ToMinor(Round(Total(), scale, HalfUp), scale) whenever it answers, on orders with
// prices and quantities of every shape.
func TestOrderTotalMinorIsTheRoundedTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	answered := 0
	for range 20000 {
		o := b2bkit.Order{Lines: make([]b2bkit.OrderLine, 1+rng.IntN(4))}
		for i := range o.Lines {
			o.Lines[i] = b2bkit.OrderLine{SKU: "s",
				Quantity:  decimal.New(1+rng.Int64N(1_000_000), -int32(rng.IntN(7))),
				UnitPrice: decimal.New(rng.Int64N(100_000_000), -int32(rng.IntN(9)))}
		}
		scale := int32(rng.IntN(5))
		got, ok := o.TotalMinor(scale)
		if !ok {
			continue
		}
		answered++
		want, err := b2bkit.ToMinor(b2bkit.Round(o.Total(), scale, b2bkit.HalfUp), scale)
		require.NoError(t, err)
		require.Equal(t, want, got, "%v at scale %d", o.Lines, scale)
	}
	assert.Greater(t, answered, 10000, "the integer path answers ordinary orders")
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

// MulChecked agrees with 128-bit arithmetic at the edges of an int64 and on random operands.
func TestMulCheckedAgreesWithBigInts(t *testing.T) {
	edges := []int64{0, 1, -1, 2, -2, 3, math.MaxInt64, math.MinInt64, math.MaxInt64 / 2, math.MinInt64 / 2,
		1 << 31, -(1 << 31), 1 << 32, -(1 << 32), 3037000499, -3037000499, 3037000500, -3037000500}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		edges = append(edges, rng.Int64()>>rng.IntN(63)*(1-2*int64(rng.IntN(2))))
	}
	for _, a := range edges[:60] {
		for _, b := range edges {
			want := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
			got, ok := b2bkit.MulChecked(a, b)
			require.Equal(t, want.IsInt64(), ok, "%d x %d", a, b)
			if ok {
				require.Equal(t, want.Int64(), got, "%d x %d", a, b)
			}
		}
	}
}
