package fastdec

import (
	"math"

	"github.com/shopspring/decimal"
)

// The exponents the bounds table covers: every exponent a money amount, a quantity or a share
// of the module is written with, and room on both sides. Outside it a 19-digit coefficient is
// copied to be read.
const (
	minExp = -40
	maxExp = 20
)

// bounds are the limits of a coefficient read as an int64, as decimals at one exponent.
// Decimal.Cmp of two decimals of the same exponent compares their coefficients as they stand,
// without scaling or allocating. (Counting digits is cheaper still, so the bounds only settle the
// 19-digit coefficients NumDigits cannot.)
type bounds struct {
	maxInt64, minInt64 decimal.Decimal // 2^63-1, -2^63
}

// table holds the bounds of every exponent from minExp to maxExp. It is made once and never
// changed: the decimals in it are shared read-only by every caller.
var table = func() (t [maxExp - minExp + 1]bounds) {
	for k := range t {
		e := int32(minExp + k)
		t[k] = bounds{maxInt64: decimal.New(math.MaxInt64, e), minInt64: decimal.New(math.MinInt64, e)}
	}
	return t
}()

// boundsOf is the bounds at d's exponent, or nil outside the table.
func boundsOf(d decimal.Decimal) *bounds {
	if k := int64(d.Exponent()) - minExp; k >= 0 && k < int64(len(table)) {
		return &table[k]
	}
	return nil
}

// Int64 returns d's coefficient when it fits in an int64: what d.CoefficientInt64() returns when
// d.Coefficient().IsInt64().
func Int64(d decimal.Decimal) (int64, bool) {
	switch n := d.NumDigits(); {
	case n > 19:
		return 0, false
	case n == 19 && !fits19(d):
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// fits19 reports whether the coefficient of d, of 19 digits, is within an int64. Within the table
// it compares d with the bounds at its exponent, which allocates nothing; outside, it reads a copy
// of the coefficient.
func fits19(d decimal.Decimal) bool {
	if b := boundsOf(d); b != nil {
		if d.Sign() > 0 {
			return d.Cmp(b.maxInt64) <= 0
		}
		return d.Cmp(b.minInt64) >= 0
	}
	return d.Coefficient().IsInt64()
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
