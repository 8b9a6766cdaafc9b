package pricing

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func randomDecimal(rng *rand.Rand) decimal.Decimal {
	var coef int64
	switch rng.IntN(4) {
	case 0:
		coef = rng.Int64N(1000)
	case 1:
		coef = rng.Int64N(1_000_000_000)
	case 2:
		coef = rng.Int64() // up to 19 digits: forces the slow path sometimes
	default:
		coef = rng.Int64N(1 << 40)
	}
	if rng.IntN(2) == 0 {
		coef = -coef
	}
	return decimal.New(coef, -int32(rng.IntN(19)))
}

// The integer fast paths must give exactly what the decimal operations give.
func TestArith_FastPathsAgreeWithDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 20000 {
		a, b := randomDecimal(rng), randomDecimal(rng)
		scale := int32(rng.IntN(17))

		want := a.Mul(b)
		if want.Exponent() < -scale {
			want = want.Round(scale)
		}
		require.Truef(t, want.Equal(mulRound(a, b, scale)), "%d: mulRound(%s, %s, %d) = %s, want %s", i, a, b, scale, mulRound(a, b, scale), want)

		wantR := a
		if a.Exponent() < -scale {
			wantR = a.Round(scale)
		}
		require.Truef(t, wantR.Equal(roundHalfUp(a, scale)), "%d: roundHalfUp(%s, %d)", i, a, scale)

		n := 1 + rng.Int64N(1000)
		wantD := a.DivRound(decimal.NewFromInt(n), scale)
		require.Truef(t, wantD.Equal(divRoundInt(a, n, scale)), "%d: divRoundInt(%s, %d, %d) = %s, want %s", i, a, n, scale, divRoundInt(a, n, scale), wantD)

		p := padScale(a, scale)
		require.True(t, p.Equal(a))
		require.LessOrEqual(t, p.Exponent(), -scale)
	}
}
