package pricing

import (
	"cmp"
	"math"
	"math/bits"

	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"

	"github.com/shopspring/decimal"
)

// Fast paths for the quote loop. A shopspring decimal operation allocates, and Round allocates
// several times; when the coefficients fit in an int64 these helpers do the same arithmetic on
// integers (with 128-bit intermediates) and allocate only the result. They give exactly what the
// decimal operations would: HalfUp rounding, away from zero on halves.

// coef returns d's coefficient as sign and magnitude when it has at most 18 digits.
func coef(d decimal.Decimal) (neg bool, mag uint64, ok bool) {
	c, ok := fastdec.Int18(d)
	if !ok {
		return false, 0, false
	}
	if c < 0 {
		return true, uint64(-c), true
	}
	return false, uint64(c), true
}

// fromMag turns a 128-bit magnitude with scale into a decimal, rounding HalfUp to at most scale
// places when it has more; ok is false when the result does not fit in an int64.
func fromMag(neg bool, hi, lo uint64, exp int32, scale int32) (decimal.Decimal, bool) {
	v, exp, ok := roundMag(hi, lo, exp, scale)
	if !ok {
		return decimal.Decimal{}, false
	}
	if neg {
		v = -v
	}
	return decimal.New(v, exp), true
}

// roundMag is fromMag's magnitude and exponent, before the decimal is built.
func roundMag(hi, lo uint64, exp int32, scale int32) (int64, int32, bool) {
	if exp < -scale {
		k := -scale - exp
		if k > 19 {
			return 0, 0, false
		}
		p := fastdec.Pow10(k)
		if hi >= p {
			return 0, 0, false
		}
		q, r := bits.Div64(hi, lo, p)
		if r >= p-r { // r*2 >= p without overflow
			q++
		}
		hi, lo, exp = 0, q, -scale
	}
	if hi != 0 || lo > 1<<63-1 {
		return 0, 0, false
	}
	return int64(lo), exp, true
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
	if n, mag, ok := coef(d); ok {
		if r, ok := fromMag(n, 0, mag, d.Exponent(), scale); ok {
			return r
		}
	}
	return d.Round(scale)
}

// padScale gives d exactly scale places when it has fewer (129.6 -> 129.60), so prices print the way
// a price list does.
func padScale(d decimal.Decimal, scale int32) decimal.Decimal {
	exp := d.Exponent()
	if exp <= -scale {
		return d
	}
	if k := exp + scale; k <= 18 {
		if neg, mag, ok := coef(d); ok {
			hi, lo := bits.Mul64(mag, fastdec.Pow10(k))
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

// mulDivRound is a x b / c rounded HalfUp to scale places, for c > 0.
func mulDivRound(a, b, c decimal.Decimal, scale int32) decimal.Decimal {
	na, ma, oka := coef(a)
	nb, mb, okb := coef(b)
	nc, mc, okc := coef(c)
	if oka && okb && okc && !nc && mc != 0 {
		if d, ok := mulDiv128(na != nb, ma, mb, mc, a.Exponent()+b.Exponent()-c.Exponent()+scale, scale); ok {
			return d
		}
	}
	return a.Mul(b).DivRound(c, scale)
}

// mulDiv128 computes ma x mb x 10^k / mc rounded HalfUp as a decimal at -scale, if it fits.
func mulDiv128(neg bool, ma, mb, mc uint64, k, scale int32) (decimal.Decimal, bool) {
	v, ok := mulDivMag(neg, ma, mb, mc, k)
	if !ok {
		return decimal.Decimal{}, false
	}
	return decimal.New(v, -scale), true
}

// mulDivMag is ma x mb x 10^k / mc rounded HalfUp, signed, if it fits in an int64.
func mulDivMag(neg bool, ma, mb, mc uint64, k int32) (int64, bool) {
	hi, lo := bits.Mul64(ma, mb)
	switch {
	case k > 19 || k < -19:
		return 0, false
	case k > 0:
		p := fastdec.Pow10(k)
		h1, l1 := bits.Mul64(lo, p)
		h2, l2 := bits.Mul64(hi, p)
		if h2 != 0 {
			return 0, false
		}
		var carry uint64
		hi, carry = bits.Add64(l2, h1, 0)
		if carry != 0 {
			return 0, false
		}
		lo = l1
	case k < 0:
		h, l := bits.Mul64(mc, fastdec.Pow10(-k))
		if h != 0 {
			return 0, false
		}
		mc = l
	}
	if hi >= mc {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, mc)
	if r >= mc-r {
		q++
	}
	if q > 1<<63-1 {
		return 0, false
	}
	v := int64(q)
	if neg {
		v = -v
	}
	return v, true
}

// lessThan is a.LessThan(b) without allocating when both coefficients fit: shopspring rescales
// (and allocates) to compare numbers of different exponents.
func lessThan(a, b decimal.Decimal) bool {
	na, ma, oka := coef(a)
	nb, mb, okb := coef(b)
	ea, eb := a.Exponent(), b.Exponent()
	if !oka || !okb || ea-eb > 19 || eb-ea > 19 {
		return a.LessThan(b)
	}
	sa, sb := a.Sign(), b.Sign()
	if sa != sb {
		return sa < sb
	}
	if sa == 0 {
		return false
	}
	// Same sign: compare magnitudes at the smaller exponent in 128 bits.
	var ahi, alo, bhi, blo uint64
	if ea >= eb {
		ahi, alo = bits.Mul64(ma, fastdec.Pow10(ea-eb))
		blo = mb
	} else {
		bhi, blo = bits.Mul64(mb, fastdec.Pow10(eb-ea))
		alo = ma
	}
	magLess := ahi < bhi || ahi == bhi && alo < blo
	magGreater := ahi > bhi || ahi == bhi && alo > blo
	if na && nb {
		return magGreater
	}
	return magLess
}

// addDec is a.Add(b), with the same coefficient and exponent, computed in int64 when both
// coefficients fit: shopspring rescales through big.Int multiplications and allocates for each.
func addDec(a, b decimal.Decimal) decimal.Decimal {
	if s, ok := sumFix(a, b, false); ok {
		return s
	}
	return a.Add(b)
}

// subDec is a.Sub(b), with the same coefficient and exponent; see addDec.
func subDec(a, b decimal.Decimal) decimal.Decimal {
	if s, ok := sumFix(a, b, true); ok {
		return s
	}
	return a.Sub(b)
}

// sumFix is a + b (or a - b when sub) at the smaller of the two exponents, as shopspring adds, when
// the coefficients and the result fit in an int64.
func sumFix(a, b decimal.Decimal, sub bool) (decimal.Decimal, bool) {
	na, ma, oka := coef(a)
	nb, mb, okb := coef(b)
	if !oka || !okb {
		return decimal.Decimal{}, false
	}
	ca, cb := int64(ma), int64(mb)
	if na {
		ca = -ca
	}
	if nb != sub {
		cb = -cb
	}
	ea, eb := a.Exponent(), b.Exponent()
	e := min(ea, eb)
	if ea-e > 18 || eb-e > 18 {
		return decimal.Decimal{}, false
	}
	ca, ok1 := checked.Mul(ca, int64(fastdec.Pow10(ea-e)))
	cb, ok2 := checked.Mul(cb, int64(fastdec.Pow10(eb-e)))
	s, ok3 := checked.Add(ca, cb)
	if !ok1 || !ok2 || !ok3 {
		return decimal.Decimal{}, false
	}
	return decimal.New(s, e), true
}

// fixed is a decimal held as an int64 coefficient and an exponent: an intermediate the quote loop
// compares without building a decimal (and allocating) unless it has to keep it.
type fixed struct {
	c   int64
	exp int32
}

func (f fixed) dec() decimal.Decimal { return decimal.New(f.c, f.exp) }

// mulRoundFixed is mulRound(a, b, scale) as a fixed, when the operands and the result fit; it
// gives the value mulRound gives, with the same exponent.
func mulRoundFixed(a, b decimal.Decimal, scale int32) (fixed, bool) {
	if a.IsZero() || b.IsZero() {
		return fixed{}, true // decimal.Zero: 0e0
	}
	na, ma, oka := coef(a)
	nb, mb, okb := coef(b)
	if !oka || !okb {
		return fixed{}, false
	}
	hi, lo := bits.Mul64(ma, mb)
	v, exp, ok := roundMag(hi, lo, a.Exponent()+b.Exponent(), scale)
	if !ok {
		return fixed{}, false
	}
	if na != nb {
		v = -v
	}
	return fixed{v, exp}, true
}

// lessThanFixed is a < b for a decimal and a fixed, without allocating when a's coefficient fits.
func lessThanFixed(a decimal.Decimal, b fixed) bool {
	na, ma, oka := coef(a)
	if !oka {
		return a.LessThan(b.dec())
	}
	ca := int64(ma)
	if na {
		ca = -ca
	}
	return cmpFixed(fixed{ca, a.Exponent()}, b) < 0
}

// cmpFixed compares two fixed numbers exactly, in 128 bits at the smaller exponent.
func cmpFixed(a, b fixed) int {
	if a.exp == b.exp {
		return cmp.Compare(a.c, b.c)
	}
	sa, sb := sign(a.c), sign(b.c)
	if sa != sb || sa == 0 {
		return cmp.Compare(sa, sb)
	}
	if a.exp-b.exp > 19 || b.exp-a.exp > 19 {
		return a.dec().Cmp(b.dec())
	}
	ma, mb := abs64(a.c), abs64(b.c)
	var ahi, alo, bhi, blo uint64
	if a.exp >= b.exp {
		ahi, alo = bits.Mul64(ma, fastdec.Pow10(a.exp-b.exp))
		blo = mb
	} else {
		bhi, blo = bits.Mul64(mb, fastdec.Pow10(b.exp-a.exp))
		alo = ma
	}
	c := 0
	switch {
	case ahi < bhi || ahi == bhi && alo < blo:
		c = -1
	case ahi > bhi || ahi == bhi && alo > blo:
		c = 1
	}
	return c * sa
}

func sign(x int64) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// fixedOf is d as a fixed, when its coefficient fits.
func fixedOf(d decimal.Decimal) (fixed, bool) {
	c, ok := fastdec.Int18(d)
	if !ok {
		return fixed{}, false
	}
	return fixed{c, d.Exponent()}, true
}

// subFixed is a - b at the smaller exponent, as decimal Sub gives it, when it fits: a + (-b), when
// -b fits.
func subFixed(a, b fixed) (fixed, bool) {
	if b.c == math.MinInt64 {
		return fixed{}, false
	}
	return addFixed(a, fixed{-b.c, b.exp})
}

// mulDivRoundFixed is mulDivRound(a, b, c, scale) as a fixed at -scale, when it fits.
func mulDivRoundFixed(a, b, c fixed, scale int32) (fixed, bool) {
	if c.c <= 0 {
		return fixed{}, false
	}
	v, ok := mulDivMag((a.c < 0) != (b.c < 0), abs64(a.c), abs64(b.c), uint64(c.c), a.exp+b.exp-c.exp+scale)
	return fixed{v, -scale}, ok
}

// mulRoundByFixed is mulRound(a, f.dec(), scale) without building f.dec().
func mulRoundByFixed(a decimal.Decimal, f fixed, scale int32) decimal.Decimal {
	if a.IsZero() || f.c == 0 {
		return decimal.Zero
	}
	na, ma, ok := coef(a)
	if ok {
		hi, lo := bits.Mul64(ma, abs64(f.c))
		if d, ok := fromMag(na != (f.c < 0), hi, lo, a.Exponent()+f.exp, scale); ok {
			return d
		}
	}
	return mulRound(a, f.dec(), scale)
}

// priceAfter is the price after a line that changes on by the fraction f: on + mulRound(on, f,
// scale), made as line makes it from decimals (at the smaller exponent, on itself when the change
// rounds to zero), reading on's coefficient once; ok is false when a number does not fit.
func priceAfter(on decimal.Decimal, f fixed, scale int32) (after decimal.Decimal, ok bool) {
	if on.IsZero() || f.c == 0 {
		return on, true
	}
	no, mo, ok := coef(on)
	if !ok {
		return decimal.Decimal{}, false
	}
	hi, lo := bits.Mul64(mo, abs64(f.c))
	v, exp, ok := roundMag(hi, lo, on.Exponent()+f.exp, scale)
	if !ok {
		return decimal.Decimal{}, false
	}
	if v == 0 {
		return on, true
	}
	if no != (f.c < 0) {
		v = -v
	}
	co := int64(mo)
	if no {
		co = -co
	}
	sum, ok := subFixed(fixed{co, on.Exponent()}, fixed{-v, exp})
	if !ok {
		return decimal.Decimal{}, false
	}
	return decimal.New(sum.c, sum.exp), true
}
