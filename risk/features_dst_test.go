package risk_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
)

// The months of the feature windows begin at the first instant of their first day in the
// location, also where the clocks jump at midnight: São Paulo's 4 November 2018 began at 01:00. As
// of 3 February 2019 the last 3 months run from 4 November, so an order at 23:30 on 3 November is in
// the 6 months, not the 3; the window began at 23:00 on 3 November (time.Date's reading of the
// missing midnight) and counted it.
func TestR17_AWindowBeginsWhenItsFirstDayDoesWhereClocksJumpAtMidnight(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	first := featOrder("O-0", "seller-1", time.Date(2018, 1, 10, 12, 0, 0, 0, sp), "100.00", b2bkit.Net(30))
	late := featOrder("O-1", "seller-1", time.Date(2018, 11, 3, 23, 30, 0, 0, sp), "300.00", b2bkit.Net(30))
	in := featOrder("O-2", "seller-1", time.Date(2018, 11, 4, 1, 0, 0, 0, sp), "90.00", b2bkit.Net(30))
	h := featRecords{orders: []b2bkit.Order{first, late, in}}
	asOf := time.Date(2019, 2, 3, 18, 0, 0, 0, sp)
	for _, o := range []*risk.FeatureOptions{nil, {Location: sp}} {
		fs, err := risk.FeaturesContext(context.Background(), featBuyer, h.history(), asOf, o)
		require.NoError(t, err)
		v3, _ := fs.Get(risk.AvgMonthlyValue3)
		v6, _ := fs.Get(risk.AvgMonthlyValue6)
		dectest.RequireEqual(t, dectest.Dec("30.00"), v3.Number, "3 months: the order at 01:00 on 4 November alone")
		dectest.RequireEqual(t, dectest.Dec("65.00"), v6.Number, "6 months: both")
	}
}
