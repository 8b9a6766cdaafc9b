package xerr_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

// SignOfSum agrees with exact rational arithmetic on random sums whose exponents overlap, nearly
// cancel or lie far apart.
func TestSignOfSumIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		n := 1 + rng.IntN(4)
		terms := make([]xerr.Term, n)
		want := new(big.Rat)
		for i := range terms {
			c := big.NewInt(rng.Int64N(2001) - 1000)
			e := int64(rng.IntN(41) - 20)
			if i > 0 && rng.IntN(3) == 0 { // cancel a term before, rewritten at another exponent
				prev := terms[rng.IntN(i)]
				shift := int64(rng.IntN(4))
				c = new(big.Int).Neg(new(big.Int).Mul(prev.C, new(big.Int).Exp(big.NewInt(10), big.NewInt(shift), nil)))
				e = prev.E - shift
			}
			terms[i] = xerr.Term{C: c, E: e}
			want.Add(want, rat(terms[i]))
		}
		require.Equal(t, want.Sign(), xerr.SignOfSum(terms...), "%v", terms)
	}
}

func rat(t xerr.Term) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(max(t.E, -t.E)), nil)
	if t.E >= 0 {
		return new(big.Rat).SetInt(new(big.Int).Mul(t.C, p))
	}
	return new(big.Rat).SetFrac(t.C, p)
}

// Far-apart exponents answer at once, by magnitude; a product's exponent does not wrap.
func TestSignOfSumOfAbsurdExponentsAnswersAtOnce(t *testing.T) {
	big1, tiny := decimal.New(1, 1<<30), decimal.New(1, -1<<30)
	maxE, minE := decimal.New(1, math.MaxInt32), decimal.New(1, math.MinInt32)
	one := decimal.New(1, 0)
	for _, c := range []struct {
		a, b decimal.Decimal
		want int
	}{
		{big1, one, 1}, {one, big1, -1}, {tiny, one, -1}, {one, tiny, 1}, {maxE, minE, 1}, {minE, maxE, -1},
		{big1.Neg(), one, -1}, {big1, big1, 0}, {decimal.New(0, 1<<30), one, -1}, {decimal.New(0, 1<<30), decimal.New(0, -5), 0},
		{decimal.New(10, math.MaxInt32-1), maxE, 0}, {maxE, decimal.New(9, math.MaxInt32), -1},
	} {
		require.Equal(t, c.want, xerr.Cmp(c.a, c.b), "%s vs %s", xerr.EchoDecimal(c.a), xerr.EchoDecimal(c.b))
	}
	// 10^MaxInt32 x 10^MaxInt32 is 10^(2^32-2), far above 1; in int32 the exponents would wrap to -2.
	require.Equal(t, 1, xerr.SignOfSum(xerr.TermOf(maxE).Times(xerr.TermOf(maxE)), xerr.TermOf(one).Neg()))
	require.Equal(t, -1, xerr.SignOfSum(xerr.TermOf(minE).Times(xerr.TermOf(minE)), xerr.TermOf(one).Neg()))
}
