package funnel_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/internal/dectest"
)

// A campaign's figures read the values, not their trailing zeros: every purchase amount, gross
// profit and wallet of a team's world written with up to 30 zeros more (as numeric(38,20) columns
// stream them) gives the reports the short world gives, Evaluate and EvaluateAll alike, and a share
// written padded falls in the same band. Property over random worlds.
func TestReportsReadTheValueNotItsTrailingZeros(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	pad := func(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, rng.IntN(31)) }
	for n := range 100 {
		cs, w := team(rng)
		ps, ws := slices.Clone(w.purchases), slices.Clone(w.wallets)
		for i := range ps {
			ps[i].Amount, ps[i].GrossProfit = pad(ps[i].Amount), pad(ps[i].GrossProfit)
		}
		for i := range ws {
			ws[i].Monthly = pad(ws[i].Monthly)
		}
		want, err := funnel.EvaluateAll(cs, b2bkit.Stream(w.touches), b2bkit.Stream(w.purchases), b2bkit.Stream(w.wallets), w.asOf)
		require.NoError(t, err)
		got, err := funnel.EvaluateAll(cs, b2bkit.Stream(w.touches), b2bkit.Stream(ps), b2bkit.Stream(ws), w.asOf)
		require.NoError(t, err, "world %d", n)
		for k, c := range cs {
			requireSameReport(t, want[k], got[k], "world %d, campaign %s", n, c.ID)
			one, err := funnel.Evaluate(c, b2bkit.Stream(w.touches), b2bkit.Stream(ps), b2bkit.Stream(ws), w.asOf)
			require.NoError(t, err, "world %d", n)
			requireSameReport(t, want[k], one, "world %d, campaign %s", n, c.ID)
		}
	}
	for _, s := range []string{"0", "0.05", "0.1", "0.3333", "0.33333333333333333333334", "0.5", "0.50000001", "1"} {
		d := dec(s)
		for _, k := range []int{1, 20, 30} {
			require.Equal(t, funnel.Band(d), funnel.Band(dectest.Pad(d, k)), "%s with %d zeros", s, k)
		}
	}
}
