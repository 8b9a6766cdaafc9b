package xerr

import (
	"cmp"

	"github.com/shopspring/decimal"
)

// Cmp is a.Cmp(b) without writing out an absurd exponent: decimal's Cmp scales both numbers to the
// smaller exponent, so 1e1073741824 against 1 writes a billion digits first. Numbers whose most
// significant digits are in different places are ordered by those places; only numbers of one order
// of magnitude are compared digit by digit, at a cost of their own digits. Numbers written with
// exponents within ±MaxExponent take decimal's Cmp at once.
func Cmp(a, b decimal.Decimal) int {
	if SaneExponent(a) && SaneExponent(b) {
		return a.Cmp(b)
	}
	sa, sb := a.Sign(), b.Sign()
	if sa != sb || sa == 0 {
		return cmp.Compare(sa, sb)
	}
	// 10^(top-1) <= |x| < 10^top, whatever the exponent x is written with.
	ta := int64(a.NumDigits()) + int64(a.Exponent())
	tb := int64(b.NumDigits()) + int64(b.Exponent())
	if ta != tb {
		return sa * cmp.Compare(ta, tb)
	}
	// One order of magnitude: the exponents are at most the longer coefficient's digits apart.
	return a.Cmp(b)
}

// Equal is a.Equal(b) at the cost of Cmp.
func Equal(a, b decimal.Decimal) bool { return Cmp(a, b) == 0 }
