package clv_test

import (
	"fmt"
	"testing"

	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/stretchr/testify/require"
)

// TestCDNOW_SummaryReproducesThePublishedOne: Summarize on CDNOW_sample.txt gives every customer of
// cdnow_customers_summary.csv its frequency exactly and its recency and T to the two places printed.
func TestCDNOW_SummaryReproducesThePublishedOne(t *testing.T) {
	got := cdnowSummary(t)
	want := cdnowPublished(t)
	require.Len(t, want.Customers, 2357)
	require.Len(t, got.Customers, len(want.Customers))
	require.Equal(t, 6919, got.Purchases+got.After, "every line read")
	require.Zero(t, got.Free, "the $0.00 lines are counted")
	for i, w := range want.Customers {
		g := got.Customers[i]
		require.Equal(t, w.ID, g.ID)
		require.Equal(t, w.Frequency, g.Frequency, "customer %s", w.ID)
		require.Equal(t, fmt.Sprintf("%.2f", w.Recency), fmt.Sprintf("%.2f", g.Recency), "customer %s recency", w.ID)
		require.Equal(t, fmt.Sprintf("%.2f", w.T), fmt.Sprintf("%.2f", g.T), "customer %s T", w.ID)
	}
}

// TestCDNOW_BGNBDFitGivesThePublishedFigures: on the published summary, the fit gives r, alpha, a,
// b within 0.001 of 0.2426, 4.4135, 0.7929, 2.4258 and the summed log-likelihood -9582.43 within
// 0.01, with every start agreeing. On the summary built here (recency and T unrounded) it lands on
// the same figures.
func TestCDNOW_BGNBDFitGivesThePublishedFigures(t *testing.T) {
	for name, s := range map[string]clv.Summary{"published": cdnowPublished(t), "summarised": cdnowSummary(t)} {
		fit, err := clv.FitBGNBD(s, nil)
		require.NoError(t, err, name)
		require.InDelta(t, 0.2426, fit.R, 0.001, name)
		require.InDelta(t, 4.4135, fit.Alpha, 0.001, name)
		require.InDelta(t, 0.7929, fit.A, 0.001, name)
		require.InDelta(t, 2.4258, fit.B, 0.001, name)
		require.InDelta(t, -9582.43, fit.LogLikelihood, 0.01, name)
		require.Equal(t, clv.Weeks, fit.Unit)
		require.Equal(t, 2357, fit.Customers)
		require.Equal(t, 4, fit.Starts)
		require.Equal(t, 4, fit.Agreed, name)
		ll, err := fit.BGNBD.LogLikelihood(s.Customers)
		require.NoError(t, err)
		require.InDelta(t, fit.LogLikelihood, ll, 1e-9)
	}
}

// TestCDNOW_GammaGammaFitGivesThePublishedFigures: the published p, q, gamma = 6.25, 3.74, 15.44
// come from the 946 customers with a repeat purchase in the 39 calibration weeks, each one's spend
// averaged over its repeat purchase days — the amounts of one day added, the first day left out,
// nothing after 1997-09-30. Averaging over every purchase day, the first included, gives p near 14
// instead.
func TestCDNOW_GammaGammaFitGivesThePublishedFigures(t *testing.T) {
	fit, err := clv.FitGammaGamma(cdnowSummary(t), nil)
	require.NoError(t, err)
	require.Equal(t, 946, fit.Customers)
	require.Zero(t, fit.ZeroSpend)
	require.InDelta(t, 6.25, fit.P, 0.005)
	require.InDelta(t, 3.74, fit.Q, 0.005)
	require.InDelta(t, 15.44, fit.Gamma, 0.005)
	require.Equal(t, 4, fit.Agreed)
	// Frequency and spend are only weakly related: the model's assumption holds well enough.
	require.InDelta(t, 0.11, fit.Correlation, 0.01)
	mean, err := fit.MeanSpend()
	require.NoError(t, err)
	require.InDelta(t, 15.44*6.25/2.74, mean, 0.1)
}
