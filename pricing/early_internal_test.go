package pricing

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestEarlyPayment_AnnualIsWorkedOutInDecimals checks that the yearly return of an offer, worked
// out in integers, is the return worked out in decimals, to the exponent, over many amounts owed
// on the same terms and on fresh ones.
func TestEarlyPayment_AnnualIsWorkedOutInDecimals(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	for i := range 2000 {
		shares := decimal.New(int64(1+rng.IntN(100)), -2)
		days, within := int64(11+rng.IntN(120)), int64(rng.IntN(11))
		et := earlyTerms{set: true, any: true, within: int(within)}
		et.k1 = mulInt(valOf(shares), 36500)
		et.k2 = subVal(mulInt(valOf(shares), days), mulInt(valOf(shares), within))
		owed := decimal.New(int64(100+rng.IntN(1_000_000)), -2)
		for j := range 20 {
			if j == 0 || rng.IntN(3) == 0 { // now and then another amount owed, so the return changes
				owed = decimal.New(int64(100+rng.IntN(1_000_000)), -2)
			}
			keep := decimal.New(int64(90+rng.IntN(10)), -2)
			amount := valOf(owed.Mul(keep).Round(2))
			if !amount.peek().LessThan(owed) {
				continue
			}
			got := et.annual(valOf(owed), amount)
			saved := owed.Sub(amount.peek())
			want := saved.Mul(et.k1.peek()).DivRound(amount.peek().Mul(et.k2.peek()), 4)
			require.Truef(t, want.Equal(got) && want.Exponent() == got.Exponent(),
				"%d/%d: annual(%s, %s) = %s, want %s", i, j, owed, amount.peek(), got, want)
		}
	}
}

// randomVal draws a number at an exponent from 2 to -14 places, now and then one too large to fit
// in integers or one read from a decimal, as prices and limits on a walk are.
func randomVal(rng *rand.Rand) val {
	exp := -int32(rng.IntN(15))
	if rng.IntN(8) == 0 {
		exp = int32(rng.IntN(3))
	}
	var c int64
	switch rng.IntN(4) {
	case 0:
		c = rng.Int64N(1000)
	case 1:
		c = rng.Int64N(1 << 40)
	case 2:
		c = rng.Int64() // may not fit at AmountScale places
	default:
		c = rng.Int64N(100_000_000)
	}
	if rng.IntN(10) == 0 {
		c = -c
	}
	if rng.IntN(10) == 0 {
		d := decimal.New(c, exp).Mul(decimal.New(1_000_000_000_000, 0)) // no longer fits
		return valOf(d)
	}
	if rng.IntN(2) == 0 {
		return valOf(decimal.New(c, exp))
	}
	return valFixed(fixed{c, exp})
}

// TestGuardrail_BrokenInUnitsIsBrokenByValue checks that a guardrail's limits compared with a price
// in units of 10^-AmountScale say what comparing the numbers at their own exponents says, for
// prices and limits at any exponent, near each other and not, fitting or not.
func TestGuardrail_BrokenInUnitsIsBrokenByValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 9))
	var fast int
	for i := range 200_000 {
		ga := guardAt{hasFloor: rng.IntN(4) != 0, hasLeast: rng.IntN(2) == 0}
		ga.floor, ga.least = randomVal(rng), randomVal(rng)
		price := randomVal(rng)
		if rng.IntN(3) == 0 { // a price a hair either side of a limit, or on it
			near := ga.floor
			if rng.IntN(2) == 0 {
				near = ga.least
			}
			if near.fits {
				price = valFixed(fixed{near.c + int64(rng.IntN(3)-1), near.exp})
				if rng.IntN(2) == 0 && near.exp > -AmountScale {
					price = valFixed(fixed{near.c*10 + int64(rng.IntN(3)-1), near.exp - 1})
				}
			}
		}
		ga.setUnits()
		if _, ok := amountUnits(&price); ok && ga.unitsOK {
			fast++
		}
		b1, o1 := ga.broken(price)
		b2, o2 := ga.brokenVal(price)
		require.Equalf(t, [2]bool{b2, o2}, [2]bool{b1, o1}, "%d: price %s, floor %s (%v), least %s (%v)",
			i, price.peek(), ga.floor.peek(), ga.hasFloor, ga.least.peek(), ga.hasLeast)
		b3 := ga.hasFloor && price.peek().LessThan(ga.floor.peek())
		o3 := ga.hasLeast && price.peek().LessThan(ga.least.peek())
		require.Equalf(t, [2]bool{b3, o3}, [2]bool{b1, o1}, "%d: against decimals", i)
	}
	require.Greater(t, fast, 20_000) // the integer comparison was tried often
}
