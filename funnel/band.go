package funnel

import (
	"fmt"
	"math/bits"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A PenetrationBand says how safe the platform's place in a customer's purchasing is (R7).
type PenetrationBand int

const (
	// Replaceable: below 10% of the customer's purchasing; the customer can drop the platform any day.
	Replaceable PenetrationBand = iota + 1
	// Marginal: from 10% to below one third.
	Marginal
	// Safe: from one third to one half.
	Safe
	// Strong: above one half (Alibaba's China Supplier customers ran 80% of their exports through it).
	Strong
)

var bandWords = [...]string{Replaceable: "replaceable", Marginal: "marginal", Safe: "safe", Strong: "strong"}

// Bands lists the four bands from weakest to strongest.
func Bands() []PenetrationBand { return []PenetrationBand{Replaceable, Marginal, Safe, Strong} }

// Valid reports whether b is one of the four bands.
func (b PenetrationBand) Valid() bool { return b >= Replaceable && b <= Strong }

// String returns the band's word: replaceable, marginal, safe or strong.
func (b PenetrationBand) String() string {
	if !b.Valid() {
		return fmt.Sprintf("PenetrationBand(%d)", int(b))
	}
	return bandWords[b]
}

// MarshalText encodes the band as its word.
func (b PenetrationBand) MarshalText() ([]byte, error) {
	if !b.Valid() {
		return nil, b2bkit.Invalid("band", "unknown penetration band %d", int(b))
	}
	return []byte(b.String()), nil
}

// UnmarshalText decodes a band from its word.
func (b *PenetrationBand) UnmarshalText(t []byte) error {
	i, err := wire.ParseWord(bandWords[:], t, "penetration band")
	if err != nil {
		return b2bkit.InField("band", err)
	}
	*b = PenetrationBand(i)
	return nil
}

// Band places a penetration share (0.25 for 25%) in its band (R7): Replaceable below 1/10, Marginal
// from 1/10 to below 1/3, Safe from 1/3 to 1/2, Strong above 1/2. The boundaries are exact: the
// share is compared by cross-multiplication (3*share >= 1), so 0.3333 is Marginal and only a share
// of at least one third is Safe. A negative share is Replaceable.
func Band(share decimal.Decimal) PenetrationBand {
	// share = c * 10^e. The common case fits in 64 bits and needs no allocation.
	e := share.Exponent()
	if c, ok := fastdec.Int18(share); ok && e <= 0 && e >= -18 {
		if c <= 0 {
			return Replaceable
		}
		return bandOfUnits(uint64(c), fastdec.Pow10(-e))
	}
	return BandOf(share, decimal.NewFromInt(1))
}

// bandOfUnits bands the fraction num/den, both > 0, exactly in 128-bit arithmetic.
func bandOfUnits(num, den uint64) PenetrationBand {
	switch {
	case less128(num, 10, den, 1): // num/den < 1/10
		return Replaceable
	case less128(num, 3, den, 1): // < 1/3
		return Marginal
	case less128(den, 1, num, 2): // den < 2 num: > 1/2
		return Strong
	default:
		return Safe
	}
}

// less128 reports whether a*x < b*y, computed without overflow.
func less128(a, x, b, y uint64) bool {
	ah, al := bits.Mul64(a, x)
	bh, bl := bits.Mul64(b, y)
	return ah < bh || (ah == bh && al < bl)
}

// BandOf bands the exact fraction spend/wallet, without rounding it first. A wallet <= 0 has no
// band: BandOf returns 0, which is not Valid.
func BandOf(spend, wallet decimal.Decimal) PenetrationBand {
	if wallet.Sign() <= 0 {
		return 0
	}
	if spend.Sign() <= 0 {
		return Replaceable
	}
	// xerr.Cmp, not Cmp: comparing 1e1073741824 with 1 the usual way would write out a billion
	// digits. Multiplying by 10, 3 or 2 adds nothing to the exponent.
	ten, three, two := decimal.NewFromInt(10), decimal.NewFromInt(3), decimal.NewFromInt(2)
	switch {
	case xerr.Cmp(spend.Mul(ten), wallet) < 0:
		return Replaceable
	case xerr.Cmp(spend.Mul(three), wallet) < 0:
		return Marginal
	case xerr.Cmp(spend.Mul(two), wallet) > 0:
		return Strong
	default:
		return Safe
	}
}
