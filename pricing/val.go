package pricing

import (
	"cmp"
	"math"
	"math/bits"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
)

// A val is a number on a quote's path: its coefficient and exponent when they fit in integers
// (fits), and the decimal it stands for once there is one (hasD) — one the policy or the price
// source gave, or one made when the quote is written out. The walk through the steps works on the
// integers and makes no decimal; a quote makes a decimal only for a number it returns, and only
// once. Every operation gives the digits and the exponent the shopspring operation it stands for
// would give, and takes the decimal path when a number does not fit.
type val struct {
	c    int64
	exp  int32
	fits bool
	hasD bool
	d    decimal.Decimal
}

// valOf is d as a val.
func valOf(d decimal.Decimal) val {
	f, ok := fixedOf(d)
	return val{c: f.c, exp: f.exp, d: d, fits: ok, hasD: true}
}

// checkVal is checkNumber of v's decimal, which v holds (see valOf), read from its integers when
// it fits: a walk has read the list price and the cost into vals already.
func checkVal(v val) bool {
	if !v.fits {
		return checkNumber(v.d)
	}
	if v.c == 0 {
		return true
	}
	return v.exp >= -b2bkit.MaxScale && int64(digits(abs64(v.c)))+int64(v.exp) <= 24
}

// digits is the number of decimal digits of m, for m < 10^19.
func digits(m uint64) int {
	n := 1
	for n < 19 && m >= fastdec.Pow10(n) {
		n++
	}
	return n
}

// valFixed is f as a val.
func valFixed(f fixed) val { return val{c: f.c, exp: f.exp, fits: true} }

// fx is the coefficient and exponent, when v fits.
func (v val) fx() fixed { return fixed{v.c, v.exp} }

// dec is the value as a decimal, made at most once.
func (v *val) dec() decimal.Decimal {
	if !v.hasD {
		v.d, v.hasD = decimal.New(v.c, v.exp), true
	}
	return v.d
}

// peek is the value as a decimal without keeping it: for the decimal paths, which are rare.
func (v val) peek() decimal.Decimal {
	if v.hasD {
		return v.d
	}
	return decimal.New(v.c, v.exp)
}

func (v val) sign() int {
	if v.fits {
		return sign(v.c)
	}
	return v.d.Sign()
}

func (v val) isZero() bool { return v.sign() == 0 }

// same reports whether a and b are the same number to the exponent. (The integers are compared
// here and the rest in sameDec, so that the common case inlines.)
func same(a, b val) bool {
	if a.fits && b.fits {
		return a.c == b.c && a.exp == b.exp
	}
	return sameDec(a, b)
}

func sameDec(a, b val) bool {
	x, y := a.peek(), b.peek()
	return x.Exponent() == y.Exponent() && x.Equal(y)
}

// cmpVal compares the values. (Integers at one exponent are compared here and the rest in
// cmpApart, so that the common case inlines.)
func cmpVal(a, b val) int {
	if a.fits && b.fits && a.exp == b.exp {
		if a.c == b.c {
			return 0
		}
		if a.c < b.c {
			return -1
		}
		return 1
	}
	return cmpApart(a, b)
}

func cmpApart(a, b val) int {
	if a.fits && b.fits {
		return cmpFixed(a.fx(), b.fx())
	}
	return a.peek().Cmp(b.peek())
}

// lessVal is cmpVal(a, b) < 0, with the integers at one exponent compared inline.
func lessVal(a, b val) bool {
	if a.fits && b.fits && a.exp == b.exp {
		return a.c < b.c
	}
	return cmpApart(a, b) < 0
}

// addVal is a.Add(b): the sum at the smaller exponent.
func addVal(a, b val) val {
	if a.fits && b.fits {
		if s, ok := addFixed(a.fx(), b.fx()); ok {
			return valFixed(s)
		}
	}
	return valOf(a.peek().Add(b.peek()))
}

// subVal is a.Sub(b).
func subVal(a, b val) val {
	if a.fits && b.fits {
		if s, ok := subFixed(a.fx(), b.fx()); ok {
			return valFixed(s)
		}
	}
	return valOf(a.peek().Sub(b.peek()))
}

// mulRoundVal is mulRound(a, b, scale): the product, rounded HalfUp to scale places when it has more.
func mulRoundVal(a, b val, scale int32) val {
	if a.fits && b.fits {
		if p, ok := mulRoundFF(a.fx(), b.fx(), scale); ok {
			return valFixed(p)
		}
	}
	return valOf(mulRound(a.peek(), b.peek(), scale))
}

// afterFrac is the price after a line that changes on by the fraction f: on + mulRound(on, f,
// AmountScale), and on itself when the change rounds to zero.
func afterFrac(on, f val) val {
	if on.fits && f.fits {
		if a, changed, ok := priceAfterFixed(on.fx(), f.fx(), AmountScale); ok {
			if !changed {
				return on
			}
			return valFixed(a)
		}
	}
	amount := mulRound(on.peek(), f.peek(), AmountScale)
	if amount.IsZero() {
		return on
	}
	return valOf(on.peek().Add(amount))
}

// roundVal is b2bkit.Round(v, scale, mode): v rounded to exactly scale places (so padded when it
// has fewer), or v itself when it has exactly scale places.
func roundVal(v val, scale int32, mode b2bkit.RoundingMode) val {
	if v.fits {
		if r, ok := roundFixed(v.fx(), scale, mode); ok {
			if r == v.fx() {
				return v
			}
			return valFixed(r)
		}
	}
	return valOf(b2bkit.Round(v.peek(), scale, mode))
}

// padVal is padScale(v, scale): v with at least scale places.
func padVal(v val, scale int32) val {
	if v.fits && v.exp <= -scale {
		return v
	}
	if v.fits {
		if p, ok := roundFixed(v.fx(), scale, b2bkit.HalfUp); ok {
			return valFixed(p)
		}
	}
	return valOf(padScale(v.peek(), scale))
}

// roundIncVal is b2bkit.RoundToIncrement(v, inc, mode) given at least scale places (padScale):
// how a rounding step with an increment rounds.
func roundIncVal(v, inc val, scale int32, mode b2bkit.RoundingMode) val {
	if v.fits && inc.fits {
		if r, ok := incFixed(v.fx(), inc.fx(), mode); ok {
			if r.exp > -scale {
				r, ok = roundFixed(r, scale, b2bkit.HalfUp) // pads: r has fewer places
			}
			if ok {
				if r == v.fx() {
					return v
				}
				return valFixed(r)
			}
		}
	}
	r, err := b2bkit.RoundToIncrement(v.peek(), inc.peek(), mode)
	if err != nil { // not for a validated increment, which is > 0
		return v
	}
	return valOf(padScale(r, scale))
}

// productVal is the total of a line: price x quantity rounded to exactly scale places with mode,
// as b2bkit.Round(price.Mul(quantity), scale, mode) gives it.
func productVal(price, qty val, scale int32, mode b2bkit.RoundingMode) val {
	if price.fits && qty.fits {
		hi, lo := bits.Mul64(abs64(price.c), abs64(qty.c))
		if r, ok := roundMag128((price.c < 0) != (qty.c < 0), hi, lo, price.exp+qty.exp, scale, mode); ok {
			return valFixed(r)
		}
	}
	return valOf(b2bkit.Round(price.peek().Mul(qty.peek()), scale, mode))
}

// mulRoundFF is mulRound for two fixed numbers: the product, rounded HalfUp to scale places when
// it has more, with mulRound's exponent (0 for a zero operand).
func mulRoundFF(a, b fixed, scale int32) (fixed, bool) {
	if a.c == 0 || b.c == 0 {
		return fixed{}, true
	}
	hi, lo := bits.Mul64(abs64(a.c), abs64(b.c))
	v, exp, ok := roundMag(hi, lo, a.exp+b.exp, scale)
	if !ok {
		return fixed{}, false
	}
	if (a.c < 0) != (b.c < 0) {
		v = -v
	}
	return fixed{v, exp}, true
}

// priceAfterFixed is priceAfter on fixed numbers: on + mulRound(on, f, scale) at the smaller
// exponent; changed is false when the change rounds to zero and the price stays on.
func priceAfterFixed(on, f fixed, scale int32) (after fixed, changed, ok bool) {
	if on.c == 0 || f.c == 0 {
		return on, false, true
	}
	hi, lo := bits.Mul64(abs64(on.c), abs64(f.c))
	v, exp, ok := roundMag(hi, lo, on.exp+f.exp, scale)
	if !ok {
		return fixed{}, false, false
	}
	if v == 0 {
		return on, false, true
	}
	if (on.c < 0) != (f.c < 0) {
		v = -v
	}
	s, ok := addFixed(on, fixed{v, exp})
	return s, true, ok
}

// addFixed is a + b at the smaller exponent, as decimal Add gives it, when it fits.
func addFixed(a, b fixed) (fixed, bool) {
	if a.exp == b.exp {
		s, ok := checked.Add(a.c, b.c)
		return fixed{s, a.exp}, ok
	}
	if a.exp < b.exp {
		a, b = b, a // only the one at the larger exponent is scaled to the other's
	}
	if a.exp-b.exp > 18 {
		return fixed{}, false
	}
	ca, ok := mulPow10(a.c, a.exp-b.exp)
	if !ok {
		return fixed{}, false
	}
	s, ok := checked.Add(ca, b.c)
	return fixed{s, b.exp}, ok
}

// pow10Limits[k] is the largest magnitude that times 10^k fits in an int64.
var pow10Limits = func() (l [19]uint64) {
	for k := range l {
		l[k] = math.MaxInt64 / fastdec.Pow10(k)
	}
	return l
}()

// mulPow10 is c x 10^k, for 0 <= k <= 18, and whether it fits in an int64: what checked.Mul(c,
// 10^k) gives, with one comparison instead of a 128-bit product. (-2^63 is no multiple of ten, so
// a product that fits has a magnitude of at most MaxInt64.)
func mulPow10(c int64, k int32) (int64, bool) {
	if k == 0 {
		return c, true
	}
	return c * int64(fastdec.Pow10(k)), abs64(c) <= pow10Limits[k]
}

// roundFixed is f rounded to exactly scale places with mode, when it fits.
func roundFixed(f fixed, scale int32, mode b2bkit.RoundingMode) (fixed, bool) {
	return roundMag128(f.c < 0, 0, abs64(f.c), f.exp, scale, mode)
}

// roundMag128 is the number (-1)^neg x (hi,lo) x 10^exp rounded to exactly scale places with mode
// (magnitudes rounded alike on both sides of zero, as shopspring's Round, RoundBank, RoundDown and
// RoundUp do), when it fits.
func roundMag128(neg bool, hi, lo uint64, exp, scale int32, mode b2bkit.RoundingMode) (fixed, bool) {
	var q uint64
	switch {
	case exp >= -scale:
		k := exp + scale
		if k > 18 {
			if hi == 0 && lo == 0 {
				return fixed{0, -scale}, true
			}
			return fixed{}, false
		}
		if hi != 0 {
			return fixed{}, false
		}
		h, l := bits.Mul64(lo, fastdec.Pow10(k))
		if h != 0 {
			return fixed{}, false
		}
		q = l
	default:
		k := -scale - exp
		if k > 19 {
			return fixed{}, false
		}
		p := fastdec.Pow10(k)
		if hi >= p {
			return fixed{}, false
		}
		var r uint64
		q, r = bits.Div64(hi, lo, p)
		if r != 0 {
			up := false
			switch mode {
			case b2bkit.Down:
			case b2bkit.Up:
				up = true
			case b2bkit.HalfEven:
				up = r > p-r || r == p-r && q&1 == 1
			default:
				up = r >= p-r
			}
			if up {
				q++
			}
		}
	}
	if q > 1<<63-1 {
		return fixed{}, false
	}
	c := int64(q)
	if neg {
		c = -c
	}
	return fixed{c, -scale}, true
}

// incFixed is b2bkit.RoundToIncrement(f, inc, mode) for inc > 0, with its exponent (inc's), when
// it fits.
func incFixed(f, inc fixed, mode b2bkit.RoundingMode) (fixed, bool) {
	if inc.c <= 0 {
		return fixed{}, false
	}
	e := min(f.exp, inc.exp)
	if f.exp-e > 18 || inc.exp-e > 18 {
		return fixed{}, false
	}
	p, ok1 := checked.Mul(f.c, int64(fastdec.Pow10(f.exp-e)))
	d, ok2 := checked.Mul(inc.c, int64(fastdec.Pow10(inc.exp-e)))
	if !ok1 || !ok2 {
		return fixed{}, false
	}
	q, r := p/d, p%d
	if r != 0 {
		ar := abs64(r)
		away := false
		switch mode {
		case b2bkit.Down:
		case b2bkit.Up:
			away = true
		default:
			half := cmp.Compare(2*ar, uint64(d)) // |r| < d <= 2^63, so 2|r| fits
			away = half > 0 || half == 0 && (mode != b2bkit.HalfEven || q%2 != 0)
		}
		if away {
			q += int64(sign(p))
		}
	}
	c, ok := checked.Mul(q, inc.c)
	return fixed{c, inc.exp}, ok
}
