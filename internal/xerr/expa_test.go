package xerr_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

func TestCmpAbsurdExponentsAnswerAtOnce(t *testing.T) {
	d := decimal.RequireFromString
	for _, c := range []struct {
		a, b decimal.Decimal
		want int
	}{
		{decimal.New(1, 1<<30), d("1"), 1},
		{d("1"), decimal.New(1, 1<<30), -1},
		{decimal.New(-1, 1<<30), d("1"), -1},
		{decimal.New(-1, 1<<30), d("-1"), -1},
		{decimal.New(1, -1<<30), d("0.01"), -1},
		{decimal.New(-1, -1<<30), d("0"), -1},
		{decimal.New(1, math.MaxInt32), decimal.New(1, math.MinInt32), 1},
		{decimal.New(1, math.MinInt32), decimal.New(1, math.MinInt32), 0},
		{decimal.New(1, math.MaxInt32), decimal.New(2, math.MaxInt32), -1},
		{decimal.New(0, math.MaxInt32), decimal.New(0, math.MinInt32), 0},
		{decimal.New(10, 1<<20), decimal.New(1, 1<<20+1), 0},
		{decimal.New(1, 40), d("10000000000000000000000000000000000000000"), 0},
		{decimal.New(1, -40), d("0.0000000000000000000000000000000000000001"), 0},
		{decimal.New(1, -40), d("0.0000000000000000000000000000000000000002"), -1},
	} {
		assert.Equal(t, c.want, xerr.Cmp(c.a, c.b), "%s vs %s", xerr.EchoDecimal(c.a), xerr.EchoDecimal(c.b))
		assert.Equal(t, c.want == 0, xerr.Equal(c.a, c.b))
	}
}

func TestCmpIsDecimalCmp(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	for range 20000 {
		a := decimal.New(r.Int64N(2001)-1000, int32(r.IntN(81)-40))
		b := decimal.New(r.Int64N(2001)-1000, int32(r.IntN(81)-40))
		if r.IntN(4) == 0 {
			b = a.Add(decimal.New(r.Int64N(3)-1, int32(r.IntN(81)-40)))
		}
		assert.Equal(t, a.Cmp(b), xerr.Cmp(a, b), "%s vs %s", a, b)
	}
}
