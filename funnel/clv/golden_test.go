package clv_test

import (
	"fmt"
	"testing"

	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/stretchr/testify/require"
)

func TestCDNOW_SummaryReproducesThePublishedOne(t *testing.T) {
	got := cdnowSummary(t)
	want := cdnowPublished(t)
	require.Len(t, want.Customers, 2357)
	require.Len(t, got.Customers, len(want.Customers))
	for i, w := range want.Customers {
		g := got.Customers[i]
		require.Equal(t, w.ID, g.ID)
		require.Equal(t, w.Frequency, g.Frequency, "customer %s", w.ID)
		require.Equal(t, fmt.Sprintf("%.2f", w.Recency), fmt.Sprintf("%.2f", g.Recency), "customer %s recency", w.ID)
		require.Equal(t, fmt.Sprintf("%.2f", w.T), fmt.Sprintf("%.2f", g.T), "customer %s T", w.ID)
	}
}

func TestCDNOW_BGNBDFit(t *testing.T) {
	fit, err := clv.FitBGNBD(cdnowPublished(t), nil)
	require.NoError(t, err)
	t.Logf("%+v", fit)
	fit2, err := clv.FitBGNBD(cdnowSummary(t), nil)
	require.NoError(t, err)
	t.Logf("%+v", fit2)
}

func TestCDNOW_GGExplore(t *testing.T) {
	s := cdnowSummary(t)
	fit, err := clv.FitGammaGamma(s, nil)
	require.NoError(t, err)
	t.Logf("%+v", fit)
}
