package funnel

import (
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// units is a signed 128-bit sum of int64 minor units (two's complement in hi:lo). Evaluate keeps every
// total in it, or in an int64 that carries into it before it would overflow (a target's sums): an
// int64 at MinorScale holds only about 9.2e14 of a currency, which a campaign in VND or IDR passes
// with a few hundred thousand customers. Adding int64 values to it cannot overflow: that would take
// 2^64 additions.
type units struct {
	hi int64
	lo uint64
}

// add adds v.
func (u *units) add(v int64) {
	lo, carry := bits.Add64(u.lo, uint64(v), 0)
	u.hi += v>>63 + int64(carry)
	u.lo = lo
}

// plus adds w.
func (u *units) plus(w units) {
	lo, carry := bits.Add64(u.lo, w.lo, 0)
	u.hi += w.hi + int64(carry)
	u.lo = lo
}

// unitsOf is v as units.
func unitsOf(v int64) units { return units{hi: v >> 63, lo: uint64(v)} }

// times is v*k for v, k >= 0.
func times(v, k int64) units {
	hi, lo := bits.Mul64(uint64(v), uint64(k))
	return units{hi: int64(hi), lo: lo}
}

// int64 is u as an int64 and whether it fits.
func (u units) int64() (int64, bool) { return int64(u.lo), u.hi == int64(u.lo)>>63 }

// sign is -1, 0 or 1.
func (u units) sign() int {
	switch {
	case u.hi < 0:
		return -1
	case u.hi == 0 && u.lo == 0:
		return 0
	}
	return 1
}

// cmp compares u with w: -1, 0 or 1.
func (u units) cmp(w units) int {
	switch {
	case u.hi < w.hi || (u.hi == w.hi && u.lo < w.lo):
		return -1
	case u == w:
		return 0
	}
	return 1
}

// big is u as a big.Int.
func (u units) big() *big.Int {
	b := new(big.Int).SetInt64(u.hi)
	b.Lsh(b, 64)
	return b.Add(b, new(big.Int).SetUint64(u.lo))
}

// decimal is u at MinorScale places, exactly.
func (u units) decimal() decimal.Decimal {
	if v, ok := u.int64(); ok {
		return decimal.New(v, -MinorScale)
	}
	return decimal.NewFromBigInt(u.big(), -MinorScale)
}

// fractionOf is num/den at RateScale, rounded like fraction; zero when den is zero.
func fractionOf(num, den units) decimal.Decimal {
	n, ok1 := num.int64()
	d, ok2 := den.int64()
	if ok1 && ok2 {
		return fraction(n, d)
	}
	if den.sign() == 0 {
		return decimal.Zero
	}
	return decimal.NewFromBigInt(num.big(), 0).DivRound(decimal.NewFromBigInt(den.big(), 0), RateScale)
}

// bandOfSums bands num/den for den > 0 exactly.
func bandOfSums(num, den units) PenetrationBand {
	n, ok1 := num.int64()
	d, ok2 := den.int64()
	if ok1 && ok2 {
		return bandOfUnitsSigned(n, d)
	}
	if num.sign() <= 0 {
		return Replaceable
	}
	return BandOf(decimal.NewFromBigInt(num.big(), 0), decimal.NewFromBigInt(den.big(), 0))
}
