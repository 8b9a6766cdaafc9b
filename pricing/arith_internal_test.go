package pricing

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"

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

		if c := randomDecimal(rng).Abs(); !c.IsZero() {
			wantMD := a.Mul(b).DivRound(c, scale)
			require.Truef(t, wantMD.Equal(mulDivRound(a, b, c, scale)), "%d: mulDivRound(%s, %s, %s, %d) = %s, want %s",
				i, a, b, c, scale, mulDivRound(a, b, c, scale), wantMD)
		}

		require.Equalf(t, a.LessThan(b), lessThan(a, b), "%d: lessThan(%s, %s)", i, a, b)
		require.False(t, lessThan(a, a))

		p := padScale(a, scale)
		require.True(t, p.Equal(a))
		require.LessOrEqual(t, p.Exponent(), -scale)
	}
}

// requireSame fails unless got is want to the last detail: value, coefficient and exponent, so
// that nothing printed from it can differ.
func requireSame(t *testing.T, want, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	require.Truef(t, want.Equal(got) && want.Exponent() == got.Exponent(), "want %s (exp %d), got %s (exp %d) %v",
		want, want.Exponent(), got, got.Exponent(), msgAndArgs)
}

// The integer paths added for Quote's speed (sums, guard limits and comparisons, the payment
// fraction) give exactly what the decimal operations give, down to the exponent.
func TestArith_QuotePathsGiveTheDecimalResultExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	fast := 0
	for i := range 20000 {
		a, b := randomDecimal(rng), randomDecimal(rng)
		scale := int32(rng.IntN(17))

		requireSame(t, a.Add(b), addDec(a, b), i, "add", a, b)
		requireSame(t, a.Sub(b), subDec(a, b), i, "sub", a, b)
		requireSame(t, a.Sub(a), subDec(a, a), i, "sub self", a)

		want := mulRound(a, b, scale)
		if f, ok := mulRoundFixed(a, b, scale); ok {
			fast++
			requireSame(t, want, f.dec(), i, "mulRoundFixed", a, b, scale)
			c := randomDecimal(rng)
			require.Equalf(t, c.LessThan(want), lessThanFixed(c, f), "%d: %s < %s", i, c, want)
			require.False(t, lessThanFixed(want, f), i)
		}

		fa, oka := fixedOf(a)
		fb, okb := fixedOf(b)
		if oka && okb {
			require.Equalf(t, a.Cmp(b), cmpFixed(fa, fb), "%d: cmp %s %s", i, a, b)
			if d, ok := subFixed(fa, fb); ok {
				requireSame(t, a.Sub(b), d.dec(), i, "subFixed", a, b)
			}
			if d, ok := addFixed(fa, fb); ok {
				requireSame(t, a.Add(b), d.dec(), i, "addFixed", a, b)
			} else {
				// It declines only what it cannot hold: the addend at the larger exponent or the
				// sum, at the smaller exponent, beyond an int64.
				hi, d := fa, fa.exp-fb.exp
				if d < 0 {
					hi, d = fb, -d
				}
				scaled := new(big.Int).Mul(big.NewInt(hi.c), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil))
				require.Falsef(t, d <= 18 && scaled.IsInt64() && a.Add(b).Coefficient().IsInt64(), "%d: addFixed(%s, %s) declined", i, a, b)
			}
			if c := randomDecimal(rng).Abs(); !c.IsZero() {
				if fc, ok := fixedOf(c); ok {
					if d, ok := mulDivRoundFixed(fa, fb, fc, scale); ok {
						requireSame(t, a.Mul(b).DivRound(c, scale), d.dec(), i, "mulDivRoundFixed", a, b, c)
					}
				}
			}
			requireSame(t, mulRound(a, fb.dec(), scale), mulRoundByFixed(a, fb, scale), i, "mulRoundByFixed", a, b)
			if after, ok := priceAfter(a, fb, scale); ok {
				wantAfter := a
				if mr := mulRound(a, fb.dec(), scale); !mr.IsZero() {
					wantAfter = a.Add(mr)
				}
				requireSame(t, wantAfter, after, i, "priceAfter", a, b)
			}
		}
	}
	require.Greater(t, fast, 5000, "the integer paths should take the common cases")
}

// payFraction gives the fraction the decimal formula gives, for random credit and reference days.
func TestArith_PaymentFractionAgreesWithDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	fits := 0
	for i := range 5000 {
		rate := decimal.New(rng.Int64N(5000), -int32(rng.IntN(4)))
		r := compileRule(Rule{ID: "p", AnnualPercent: rate})
		ref := b2bkit.DepositBalance(decimal.New(1+rng.Int64N(99), -2), rng.IntN(120))
		s := cstep{kind: Payment, refPay: ref}
		for _, in := range ref.Installments {
			s.refDays = s.refDays.Add(in.Share.Mul(decimal.NewFromInt(int64(in.Days))))
			if in.Due == b2bkit.OnOrder {
				s.refOrderShare = s.refOrderShare.Add(in.Share)
			}
		}
		ti := termsInfo{lead: rng.IntN(200), cdays: valOf(decimal.New(rng.Int64N(2_000_000)-10_000, -int32(rng.IntN(4))))}
		f, ok := r.payFraction(&s, &ti)
		if r.rate.IsZero() {
			require.False(t, ok)
			continue
		}
		delta := ti.cdays.peek().Sub(s.refCredit(&ti))
		want := decimal.Zero
		if !delta.IsZero() {
			want = r.rate.Mul(delta).DivRound(days365, FractionScale)
		}
		if ok { // else the numbers do not fit, and fraction takes the decimal path
			fits++
			require.Truef(t, want.Equal(f.dec()), "%d: rate %s delta %s: want %s, got %s", i, r.rate, delta, want, f.dec())
		}
		fromCache, _ := r.fraction(&s, nil, &ti)
		require.Truef(t, want.Equal(fromCache), "%d: want %s, got %s", i, want, fromCache)
	}
	require.Greater(t, fits, 2500, "the integer path should take the common cases")
}

// addDays gives what b2bkit.AddDays gives, across changes of a zone's offset too.
func TestAddDays_SameAsAddDate(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	for _, loc := range []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), berlin} {
		start := time.Date(2026, 1, 1, 2, 30, 0, 0, loc)
		for h := 0; h < 24*400; h += 7 {
			at := start.Add(time.Duration(h) * time.Hour)
			for _, days := range []int{0, 1, 10, 30, 60, 200} {
				want, got := b2bkit.AddDays(at, days), addDays(at, days)
				require.True(t, want == got, "%s + %d days: want %s, got %s", at, days, want, got)
			}
		}
	}
	// A clock reading, with its monotonic part, gives the same as AddDate: no monotonic part.
	now := time.Now()
	for _, days := range []int{0, 1, 45} {
		want, got := b2bkit.AddDays(now, days), addDays(now, days)
		require.True(t, want == got, "now + %d days: want %#v, got %#v", days, want, got)
	}
}

// TestCheckVal_IsCheckNumber checks that reading a number's digits from its integers decides as
// checkNumber does on its decimal, across magnitudes and exponents at and around the limits.
func TestCheckVal_IsCheckNumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 20000 {
		c := rng.Int64N(1 << uint(1+rng.IntN(62)))
		if rng.IntN(2) == 0 {
			c = -c
		}
		d := decimal.New(c, int32(rng.IntN(60)-30))
		require.Equal(t, checkNumber(d), checkVal(valOf(d)), "%s (%de%d)", d, c, d.Exponent())
	}
	for _, s := range []string{"0", "999999999999999999", "1e6", "1e7", "123456789012345678e-3", "1e-18", "1e-19"} {
		d := decimal.RequireFromString(s)
		require.Equal(t, checkNumber(d), checkVal(valOf(d)), s)
	}
}

// mulPow10 gives what checked.Mul gives for every power of ten it scales by, at the edges of an
// int64 and between them.
func TestMulPow10IsCheckedMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 18))
	for k := int32(0); k <= 18; k++ {
		p := int64(fastdec.Pow10(k))
		lim := int64(math.MaxInt64 / p)
		cs := []int64{0, 1, -1, lim, -lim, lim + 1, -lim - 1, lim - 1, -lim + 1, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
		for range 2000 {
			cs = append(cs, rng.Int64N(2*lim+3)-lim-1, int64(rng.Uint64()))
		}
		for _, c := range cs {
			want, wantOK := checked.Mul(c, p)
			got, ok := mulPow10(c, k)
			require.Equal(t, wantOK, ok, "%d x 10^%d", c, k)
			if ok {
				require.Equal(t, want, got, "%d x 10^%d", c, k)
			}
		}
	}
}
