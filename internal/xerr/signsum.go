package xerr

import (
	"cmp"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"
)

// A Term is the number C x 10^E, for SignOfSum. E is an int64, so that the product of two decimals
// (TermOf(a).Times(TermOf(b))) has its exponent without the wrap an int32 sum would give.
type Term struct {
	C *big.Int
	E int64
}

// TermOf is d as a Term, its coefficient copied.
func TermOf(d decimal.Decimal) Term { return Term{C: d.Coefficient(), E: int64(d.Exponent())} }

// Times is t x u.
func (t Term) Times(u Term) Term { return Term{C: new(big.Int).Mul(t.C, u.C), E: t.E + u.E} }

// Neg is -t.
func (t Term) Neg() Term { return Term{C: new(big.Int).Neg(t.C), E: t.E} }

// SignOfSum is the sign of the sum of terms, exact, at a cost bounded by the digits the terms hold,
// not by their exponents: adding 1e1073741824 and 1 as decimals writes out a billion digits, since
// decimal aligns the two exponents. The terms are taken largest first; those whose magnitudes
// overlap are added exactly at their lowest exponent (the gap between two of them is at most the
// digits they hold), and when that partial sum is not zero, it outweighs every smaller term.
func SignOfSum(terms ...Term) int {
	type mag struct {
		t   Term
		top int64 // |t| < 10^top
	}
	ms := make([]mag, 0, len(terms))
	for _, t := range terms {
		if t.C.Sign() != 0 {
			ms = append(ms, mag{t, t.E + int64(len(new(big.Int).Abs(t.C).String()))})
		}
	}
	slices.SortStableFunc(ms, func(a, b mag) int { return cmp.Compare(b.top, a.top) })
	// n terms each below 10^top sum to less than 10^(top+k).
	k := int64(len(big.NewInt(int64(len(ms))).String()))
	for len(ms) > 0 {
		low, n := ms[0].t.E, 1
		for ; n < len(ms) && ms[n].top+k > low; n++ {
			low = min(low, ms[n].t.E)
		}
		// The group's sum, if not zero, is a multiple of 10^low, and the rest, each below
		// 10^(top) with top+k <= low, sums to less than that.
		sum, p := new(big.Int), new(big.Int)
		for _, m := range ms[:n] {
			p.Exp(big.NewInt(10), big.NewInt(m.t.E-low), nil)
			sum.Add(sum, p.Mul(p, m.t.C))
		}
		if s := sum.Sign(); s != 0 {
			return s
		}
		ms = ms[n:]
	}
	return 0
}
