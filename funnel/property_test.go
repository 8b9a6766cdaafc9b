package funnel_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

type world struct {
	touches   []funnel.Touch
	purchases []funnel.Purchase
	wallets   []funnel.Wallet
	asOf      time.Time
}

// randomWorld scatters touches, purchases and wallets over the city's 20 targets and a few strangers,
// from a month before the start to eight months after, in two territories.
func randomWorld(rng *rand.Rand) world {
	start := city().Start
	when := func() time.Time {
		return start.Add(time.Duration(rng.Int64N(int64(270*24*time.Hour))) - 30*24*time.Hour)
	}
	company := func() b2bkit.CompanyID {
		if rng.IntN(10) == 0 {
			return b2bkit.CompanyID(fmt.Sprintf("X%d", rng.IntN(5)))
		}
		return b2bkit.CompanyID(fmt.Sprintf("C%02d", 1+rng.IntN(20)))
	}
	var w world
	for range rng.IntN(60) {
		terr := "Hangzhou"
		if rng.IntN(5) == 0 {
			terr = "Ningbo"
		}
		w.touches = append(w.touches, funnel.Touch{Company: company(), Rep: b2bkit.PersonID(fmt.Sprintf("R%d", rng.IntN(4))),
			Territory: terr, At: when(), Kind: funnel.TouchKind(1 + rng.IntN(3))})
	}
	for range rng.IntN(120) {
		a := decimal.New(1+rng.Int64N(100_000), -2)
		w.purchases = append(w.purchases, funnel.Purchase{Company: company(), At: when(), Amount: a,
			Channel: b2bkit.Channel(1 + rng.IntN(3)), GrossProfit: decimal.New(rng.Int64N(a.CoefficientInt64()+1), -2)})
	}
	for range rng.IntN(30) {
		w.wallets = append(w.wallets, funnel.Wallet{Company: company(), Monthly: decimal.New(rng.Int64N(200_000), -2),
			Method: "survey", AsOf: when(), Confidence: rng.Float64()})
	}
	w.asOf = start.Add(time.Duration(rng.Int64N(int64(240 * 24 * time.Hour))))
	return w
}

func (w world) evaluate(t *testing.T) funnel.Report {
	t.Helper()
	r, err := funnel.Evaluate(city(), b2bkit.Stream(w.touches), b2bkit.Stream(w.purchases), b2bkit.Stream(w.wallets), w.asOf)
	require.NoError(t, err)
	return r
}

func TestR6_RatesAreConsistentFunnelsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		w := randomWorld(rng)
		r := w.evaluate(t)
		// The funnel narrows: each denominator is the previous numerator, less the covered companies
		// that were customers before the start.
		require.Equal(t, 20, r.Coverage.Denominator)
		require.LessOrEqual(t, r.Conversion.Denominator, r.Coverage.Numerator)
		require.LessOrEqual(t, r.Coverage.Numerator-r.Conversion.Denominator, r.Existing)
		require.Equal(t, r.Conversion.Numerator, r.Repurchase.Denominator)
		require.LessOrEqual(t, r.Repurchase.Numerator, r.Repurchase.Denominator)
		for _, rate := range r.Rates() {
			require.Equal(t, !w.asOf.Before(rate.To), rate.Complete)
			if rate.Denominator > 0 {
				want := decimal.NewFromInt(int64(rate.Numerator)).DivRound(decimal.NewFromInt(int64(rate.Denominator)), funnel.RateScale)
				require.True(t, want.Equal(rate.Value), "%d/%d: %s", rate.Numerator, rate.Denominator, rate.Value)
			}
			require.True(t, rate.Value.Sign() >= 0 && rate.Value.Cmp(decimal.NewFromInt(1)) <= 0)
		}
		// Every record is either counted or excluded, never lost.
		orders, counted := 0, 0
		for _, m := range r.Channels {
			orders += m.Orders()
		}
		for _, a := range append(slices.Clone(r.Reps), r.Unattributed) {
			counted += a.Orders
		}
		require.Equal(t, orders, counted)
		require.Equal(t, len(w.purchases), orders+r.Excluded.Purchases.Total())
		// Money: what reps are credited with is what the mix shows.
		mixSum, repSum := decimal.Zero, decimal.Zero
		for _, m := range r.Channels {
			for _, ch := range b2bkit.Channels() {
				mixSum = mixSum.Add(m.Of(ch).Amount)
			}
		}
		for _, a := range append(slices.Clone(r.Reps), r.Unattributed) {
			repSum = repSum.Add(a.Amount)
		}
		require.True(t, mixSum.Equal(repSum), "mix %s, reps %s", mixSum, repSum)
		require.Equal(t, len(w.touches), r.Concentration.Touches+r.Concentration.OtherTeams+r.Excluded.Touches.BeforeStart+r.Excluded.Touches.AfterAsOf)
		p := r.Penetration
		require.Equal(t, len(p.Companies), p.Bands.Replaceable+p.Bands.Marginal+p.Bands.Safe+p.Bands.Strong)
		require.LessOrEqual(t, len(p.Companies)+p.NoWallet+p.ZeroWallet, r.Customers)
		for _, c := range p.Companies {
			require.Equal(t, funnel.BandOf(c.Spend, c.Wallet), c.Band)
			require.True(t, c.Spend.DivRound(c.Wallet, funnel.RateScale).Equal(c.Share), "%s/%s: %s", c.Spend, c.Wallet, c.Share)
		}
	}
}

func TestR6_StreamOrderDoesNotMatterProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		w := randomWorld(rng)
		a := w.evaluate(t)
		rng.Shuffle(len(w.touches), func(i, j int) { w.touches[i], w.touches[j] = w.touches[j], w.touches[i] })
		rng.Shuffle(len(w.purchases), func(i, j int) { w.purchases[i], w.purchases[j] = w.purchases[j], w.purchases[i] })
		b := w.evaluate(t)
		for i, ra := range a.Rates() {
			rb := b.Rates()[i]
			require.Equal(t, [2]int{ra.Numerator, ra.Denominator}, [2]int{rb.Numerator, rb.Denominator})
		}
		require.Equal(t, len(a.HandOff), len(b.HandOff))
		for i := range a.HandOff {
			require.Equal(t, a.HandOff[i].Company, b.HandOff[i].Company)
			require.Equal(t, a.HandOff[i].Stage, b.HandOff[i].Stage)
			require.Equal(t, a.HandOff[i].Rep, b.HandOff[i].Rep)
		}
		require.Equal(t, len(a.Reps), len(b.Reps))
		for i := range a.Reps {
			require.Equal(t, a.Reps[i].Rep, b.Reps[i].Rep)
			require.True(t, a.Reps[i].GrossProfit.Equal(b.Reps[i].GrossProfit))
		}
		require.True(t, a.Penetration.Share.Equal(b.Penetration.Share))
	}
}
