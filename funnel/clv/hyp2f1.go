package clv

import "math"

// maxSeriesTerms bounds the Gauss series: with the parameters BG/NBD gives it, it converges for any
// z < 1 and needs about 37/(1-z) terms at worst, so this cap serves z up to about 0.9999, a horizon
// of ten thousand times the customer's age. Past it, hyp2f1 reports failure instead of a wrong value.
const maxSeriesTerms = 500_000

// hyp2f1 is the Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 and c not a non-positive
// integer, summed from its defining series. BG/NBD calls it, after Euler's transformation, with
// a = a+b-1-r, b = a-1 and c = a+b+x-1 of the model (see conditional): the numerator parameters stay
// small whatever the customer's frequency, only c grows with it, so the terms shrink faster for
// frequent buyers, and past the first few terms all have one sign, so nothing cancels. The sum stops
// when the tail, bounded by the last term times rho/(1-rho) with rho the larger of the current term
// ratio and its limit z once k is past |a|+|b|+max(0,-c), is below a relative 1e-16. ok is false when the series did not converge
// within maxSeriesTerms or overflowed.
//
// Why not gonum's mathext.Hypergeo, which agrees with this function to about 1e-14 where both
// work (see the tests): on the formula's untransformed arguments (r+x, b+x; a+b+x-1; z) the value
// itself overflows float64 for a frequent buyer (x = 400, z = 0.9) although the expectation is
// small; and on the transformed ones, when c-a-b is a whole number of 171 or more and z > 0.9 (r = 1,
// a = 2, b = 0.3, x = 200, z = 0.99), its Cephes psi expansion divides by an overflowed Gamma and
// never returns. It also has no way to report failure but NaN. This series covers the whole range
// BG/NBD uses and says when it cannot.
func hyp2f1(a, b, c, z float64) (float64, bool) {
	if !(z >= 0 && z < 1) {
		return math.NaN(), false
	}
	sum, term := 1.0, 1.0
	// Past the roots of the numerators and the denominator the ratios settle toward z.
	kmin := math.Abs(a) + math.Abs(b) + math.Max(0, -c) + 1
	for k := 0.0; k < maxSeriesTerms; k++ {
		den := (c + k) * (k + 1)
		if den == 0 {
			return math.NaN(), false
		}
		rho := (a + k) * (b + k) / den * z
		term *= rho
		sum += term
		if term == 0 {
			return sum, true // a or b a non-positive integer: a polynomial
		}
		if k < kmin {
			continue
		}
		// Past kmin every term has the sign of the last and rho > 0; the tail is at most
		// |term| r/(1-r) with r the larger of rho and z.
		r := rho
		if r < z {
			r = z
		}
		at, as := term, sum
		if at < 0 {
			at = -at
		}
		if as < 0 {
			as = -as
		}
		if r < 1 && at*r <= 1e-16*(1-r)*as {
			if math.IsInf(sum, 0) || math.IsNaN(sum) {
				return math.NaN(), false
			}
			return sum, true
		}
		if math.IsInf(sum, 0) || math.IsNaN(sum) {
			return math.NaN(), false
		}
	}
	return math.NaN(), false
}
