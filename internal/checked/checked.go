package checked

import (
	"math"
	"math/bits"

	"golang.org/x/exp/constraints"
)

// Add returns a+b and whether it did not overflow.
func Add[T constraints.Signed](a, b T) (T, bool) {
	s := a + b
	// Overflow happened iff both operands have the same sign and the sum's sign differs.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return s, false
	}
	return s, true
}

// Mul returns a*b and whether it did not overflow. It multiplies the magnitudes in 128 bits rather
// than dividing to check, so it costs about as much as the multiplication in a hot loop.
func Mul(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = -ua
	}
	if b < 0 {
		ub = -ub
	}
	hi, lo := bits.Mul64(ua, ub)
	switch {
	case hi != 0:
		return int64(lo), false
	case lo <= math.MaxInt64:
		if neg {
			return -int64(lo), true
		}
		return int64(lo), true
	default: // only -2^63 fits beyond MaxInt64
		return math.MinInt64, neg && lo == 1<<63
	}
}
