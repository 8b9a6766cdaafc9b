package pricing

import (
	"math/bits"

	"github.com/shopspring/decimal"
)

// Fast paths for the quote loop. A shopspring decimal operation allocates, and Round allocates
// several times; when the coefficients fit in an int64 these helpers do the same arithmetic on
// integers (with 128-bit intermediates) and allocate only the result. They give exactly what the
// decimal operations would: HalfUp rounding, away from zero on halves.

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19}

// coef returns d's coefficient as sign and magnitude when it fits in 63 bits.
func coef(d decimal.Decimal) (neg bool, mag uint64, ok bool) {
	if d.NumDigits() > 18 {
		return false, 0, false
	}
	c := d.CoefficientInt64()
	if c < 0 {
		return true, uint64(-c), true
	}
	return false, uint64(c), true
}

// fromMag turns a 128-bit magnitude with scale into a decimal, rounding HalfUp to at most scale
// places when it has more; ok is false when the result does not fit in an int64.
func fromMag(neg bool, hi, lo uint64, exp int32, scale int32) (decimal.Decimal, bool) {
	if exp < -scale {
		k := -scale - exp
		if k > 19 {
			return decimal.Decimal{}, false
		}
		p := pow10[k]
		if hi >= p {
			return decimal.Decimal{}, false
		}
		q, r := bits.Div64(hi, lo, p)
		if r >= p-r { // r*2 >= p without overflow
			q++
		}
		hi, lo, exp = 0, q, -scale
	}
	if hi != 0 || lo > 1<<63-1 {
		return decimal.Decimal{}, false
	}
	v := int64(lo)
	if neg {
		v = -v
	}
	return decimal.New(v, exp), true
}

// mulRound is a.Mul(b) rounded HalfUp to scale places when it has more.
func mulRound(a, b decimal.Decimal, scale int32) decimal.Decimal {
	if a.IsZero() || b.IsZero() {
		return decimal.Zero
	}
	na, ma, oka := coef(a)
	nb, mb, okb := coef(b)
	if oka && okb {
		hi, lo := bits.Mul64(ma, mb)
		if d, ok := fromMag(na != nb, hi, lo, a.Exponent()+b.Exponent(), scale); ok {
			return d
		}
	}
	p := a.Mul(b)
	if p.Exponent() < -scale {
		p = p.Round(scale)
	}
	return p
}

// roundHalfUp is d rounded HalfUp to scale places when it has more; d itself otherwise.
func roundHalfUp(d decimal.Decimal, scale int32) decimal.Decimal {
	if d.Exponent() >= -scale {
		return d
	}
	if n, m, ok := coef(d); ok {
		if r, ok := fromMag(n, 0, m, d.Exponent(), scale); ok {
			return r
		}
	}
	return d.Round(scale)
}

// divRoundInt is d / n rounded HalfUp to scale places, for n > 0.
func divRoundInt(d decimal.Decimal, n int64, scale int32) decimal.Decimal {
	neg, m, ok := coef(d)
	exp := d.Exponent()
	if ok && n > 0 {
		// d/n = m * 10^exp / n = (m * 10^(exp+scale) / n) * 10^-scale
		k := exp + scale
		if k >= 0 && k <= 19 {
			hi, lo := bits.Mul64(m, pow10[k])
			if hi < uint64(n) {
				q, r := bits.Div64(hi, lo, uint64(n))
				if r >= uint64(n)-r {
					q++
				}
				if q <= 1<<63-1 {
					v := int64(q)
					if neg {
						v = -v
					}
					return decimal.New(v, -scale)
				}
			}
		}
	}
	return d.DivRound(decimal.NewFromInt(n), scale)
}

// padScale gives d exactly scale places when it has fewer (129.6 -> 129.60), so prices print the way
// a price list does.
func padScale(d decimal.Decimal, scale int32) decimal.Decimal {
	exp := d.Exponent()
	if exp <= -scale {
		return d
	}
	if k := exp + scale; k <= 18 {
		if neg, m, ok := coef(d); ok {
			hi, lo := bits.Mul64(m, pow10[k])
			if hi == 0 && lo <= 1<<63-1 {
				v := int64(lo)
				if neg {
					v = -v
				}
				return decimal.New(v, -scale)
			}
		}
	}
	return d.Round(scale)
}
