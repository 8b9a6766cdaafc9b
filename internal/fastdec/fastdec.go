package fastdec

import (
	"github.com/shopspring/decimal"
)

// Int64 returns d's coefficient when it fits in an int64: what d.CoefficientInt64() returns when
// d.NumDigits() < 19, or is 19 and the coefficient is within range.
func Int64(d decimal.Decimal) (int64, bool) {
	if n := d.NumDigits(); n > 19 || n == 19 && !d.Coefficient().IsInt64() {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19}

// Pow10 is 10^k for 0 <= k <= 19, the powers the integer fast paths of the module scale by.
func Pow10[I ~int | ~int32](k I) uint64 { return pow10[k] }

// Int18 is d's coefficient when it has at most 18 digits: an int64 with room to be scaled by ten,
// which the integer fast paths of the module need.
func Int18(d decimal.Decimal) (int64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}
