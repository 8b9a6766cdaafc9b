package clv_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// spenders is 300 repeat customers, each with its own mean spend (exponential spends around it),
// in dollars times scale.
func spenders(scale decimal.Decimal) clv.Summary {
	rng := rand.New(rand.NewPCG(1, 2))
	var s clv.Summary
	for i := range 300 {
		x := 1 + rng.IntN(8)
		nu := 0.02 + rng.ExpFloat64()*0.06
		total := 0.0
		for range x {
			total += rng.ExpFloat64() / nu
		}
		s.Customers = append(s.Customers, clv.Customer{ID: b2bkit.CompanyID(fmt.Sprintf("c%03d", i)),
			History:     clv.History{Frequency: x, Recency: 10, T: 30},
			RepeatSpend: decimal.NewFromFloat(total).Round(2).Mul(scale)})
	}
	return s
}

// TestGammaGamma_FitDoesNotDependOnTheMoneyUnit: gamma is a scale in money, so the same purchases
// priced in cents, dollars, yuan or rupiah (a restaurant's weekly order of 35 million IDR) give the
// same p and q, and gamma and every expected spend scaled by the rate. A bound on gamma in absolute
// terms made the fit refuse the rupiah figures as "gamma runs off to infinity".
func TestGammaGamma_FitDoesNotDependOnTheMoneyUnit(t *testing.T) {
	base, err := clv.FitGammaGamma(spenders(decimal.NewFromInt(1)), nil)
	require.NoError(t, err)
	for _, rate := range []string{"0.01", "7.2", "25000", "1000000", "100000000"} {
		k := decimal.RequireFromString(rate)
		fit, err := clv.FitGammaGamma(spenders(k), nil)
		require.NoError(t, err, "spends times %s", rate)
		require.InEpsilon(t, base.P, fit.P, 1e-6, "p, spends times %s", rate)
		require.InEpsilon(t, base.Q, fit.Q, 1e-6, "q, spends times %s", rate)
		require.InEpsilon(t, base.Gamma*k.InexactFloat64(), fit.Gamma, 1e-6, "gamma, spends times %s", rate)
		require.Equal(t, 4, fit.Agreed, "spends times %s", rate)
	}
}
