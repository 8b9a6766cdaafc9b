package b2bkit

import (
	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// Minor units: a decimal.Decimal operation allocates, so a loop over millions of amounts (a
// campaign's purchases, a year of matches) adds int64 minor units at a known scale — fen at scale 2 —
// and converts once at the end. Every step checks for overflow rather than wrapping silently.

// pow10 is 10^k as an int64, for 0 <= k <= 18.
func pow10(k int32) int64 { return int64(fastdec.Pow10(k)) }

// ToMinor converts d to whole minor units at scale decimal places: ToMinor(12.34, 2) is 1234.
// It fails with ErrInvalid when d has more than scale places (it would have to round) or does not
// fit in an int64. Only the value counts, not how it is written: 12.34 read from a numeric column of
// scale 20 carries 18 trailing zeros and a coefficient beyond int64, and is 1234 all the same.
func ToMinor(d decimal.Decimal, scale int32) (int64, error) {
	if scale < 0 || scale > MaxScale {
		return 0, Invalid("scale", "must be between 0 and %d", MaxScale)
	}
	if u, ok := toMinorFast(d, scale); ok {
		return u, nil
	}
	return toMinorExact(d, scale)
}

// toMinorFast is ToMinor for a coefficient that fits an int64 and an exponent within MaxScale of
// scale: every amount a platform writes. ok is false when it cannot tell.
func toMinorFast(d decimal.Decimal, scale int32) (units int64, ok bool) {
	// d = c * 10^exp, so units = c * 10^(exp+scale); summed in int64, as an int32 sum of an absurd
	// exponent and the scale wraps.
	shift := int64(scale) + int64(d.Exponent())
	v, ok := fastdec.Int64(d)
	switch {
	case !ok:
		return 0, false
	case v == 0:
		return 0, true
	case shift < 0:
		if -shift > MaxScale {
			return 0, false
		}
		p := pow10(int32(-shift))
		if v%p != 0 {
			return 0, false
		}
		return v / p, true
	case shift > MaxScale:
		return 0, false
	}
	return checked.Mul(v, pow10(int32(shift)))
}

// toMinorExact is ToMinor in decimal arithmetic, for what toMinorFast cannot tell: a coefficient
// beyond int64 (trailing zeros included), or an exponent far from scale. The value's order of
// magnitude is settled from its digits first, so an absurd exponent costs no power of ten.
func toMinorExact(d decimal.Decimal, scale int32) (int64, error) {
	if d.Sign() == 0 {
		return 0, nil
	}
	tooBig := Invalid("", "amount %s does not fit in minor units", xerr.EchoDecimal(d))
	tooFine := Invalid("", "amount %s has more than %d decimal places", xerr.EchoDecimal(d), scale)
	// 10^(top-1) <= |d| x 10^scale < 10^top.
	top := int64(d.NumDigits()) + int64(d.Exponent()) + int64(scale)
	switch {
	case top > 19: // at least 10^19
		return 0, tooBig
	case top <= 0: // below one minor unit, and not zero
		return 0, tooFine
	}
	// -exponent <= digits + scale here: making the value whole costs a power of ten no longer
	// than the amount's own digits.
	u := d.Shift(scale)
	if !u.IsInteger() {
		return 0, tooFine
	}
	b := u.BigInt() // whole: exact
	if !b.IsInt64() {
		return 0, tooBig
	}
	return b.Int64(), nil
}

// FromMinor converts whole minor units at scale back to a decimal: FromMinor(1234, 2) is 12.34.
func FromMinor(units int64, scale int32) decimal.Decimal {
	return decimal.New(units, -scale)
}

// A MinorSum adds amounts in int64 minor units at a fixed scale, with overflow checked. The zero
// value sums at scale 0; use NewMinorSum for money.
type MinorSum struct {
	scale    int32
	units    int64
	overflow bool
}

// NewMinorSum returns an empty sum at scale decimal places.
func NewMinorSum(scale int32) MinorSum { return MinorSum{scale: scale} }

// AddUnits adds whole minor units. After an overflow the sum stays broken and Total reports it.
func (s *MinorSum) AddUnits(u int64) {
	v, ok := checked.Add(s.units, u)
	s.units, s.overflow = v, s.overflow || !ok
}

// Add adds d, which must have at most the sum's scale of decimal places.
func (s *MinorSum) Add(d decimal.Decimal) error {
	u, err := ToMinor(d, s.scale)
	if err != nil {
		return err
	}
	s.AddUnits(u)
	return nil
}

// Units is the sum in minor units and whether it is exact (no overflow happened).
func (s MinorSum) Units() (int64, bool) { return s.units, !s.overflow }

// Total is the sum as a decimal, or an error matching ErrInvalid if it overflowed an int64.
func (s MinorSum) Total() (decimal.Decimal, error) {
	if s.overflow {
		return decimal.Decimal{}, Invalid("", "sum overflows int64 minor units at scale %d", s.scale)
	}
	return FromMinor(s.units, s.scale), nil
}

// TotalMinor is the order's total rounded HalfUp to scale places, in minor units, worked out in
// int64 from the lines' coefficients without a decimal operation: ToMinor(Round(o.Total(), scale,
// HalfUp), scale) for a hot loop over many orders. ok is false, and the caller takes the decimal
// path, when a line has a quantity <= 0 or a negative price, when a figure or the sum does not fit
// an int64, or when a line has more than MaxScale places.
func (o Order) TotalMinor(scale int32) (units int64, ok bool) {
	if scale < 0 || scale > MaxScale {
		return 0, false
	}
	// Exponents are added in int64: two int32 exponents can sum past int32's range, which would
	// wrap into a plausible shift (or an index out of range) instead of an answer of "does not fit".
	exp := int64(-scale) // the common exponent: the finest of the lines' and the scale's
	for _, l := range o.Lines {
		exp = min(exp, int64(l.Quantity.Exponent())+int64(l.UnitPrice.Exponent()))
	}
	if exp < -MaxScale {
		return 0, false
	}
	var sum int64
	for _, l := range o.Lines {
		q, ok1 := fastdec.Int18(l.Quantity)
		p, ok2 := fastdec.Int18(l.UnitPrice)
		shift := int64(l.Quantity.Exponent()) + int64(l.UnitPrice.Exponent()) - exp
		if !ok1 || !ok2 || q <= 0 || p < 0 || shift > MaxScale {
			return 0, false
		}
		a, ok := q*p, true
		if q >= 1<<31 || p >= 1<<31 { // below both, the product fits: the check would cost a call
			if a, ok = checked.Mul(q, p); !ok {
				return 0, false
			}
		}
		if shift != 0 {
			if a, ok = checked.Mul(a, pow10(int32(shift))); !ok {
				return 0, false
			}
		}
		if sum, ok = checked.Add(sum, a); !ok {
			return 0, false
		}
	}
	div := pow10(int32(-int64(scale) - exp))
	q, r := sum/div, sum%div
	if r >= div-r {
		q++ // half up; the sum is not negative
	}
	return q, true
}
