package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit/internal/cdnow"
	shareddata "github.com/b2bkit/b2bkit/internal/testdata"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
)

// testdata finds a public data set, or skips the test saying why.
func testdata(tb testing.TB, name string) string {
	tb.Helper()
	return shareddata.Path(tb, name)
}

// TestR6_CDNOWCohortGolden runs the CDNOW cohort — 23,570 customers whose first purchase was in
// January-March 1997, and every purchase they made to June 1998 — as a campaign that reached every
// customer on 1 January 1997, and checks the rates and the monthly mix against counts taken
// independently from the file (with awk).
func TestR6_CDNOWCohortGolden(t *testing.T) {
	path := testdata(t, "CDNOW_master.txt")
	var targets []b2bkit.CompanyID
	seen := map[b2bkit.CompanyID]bool{}
	for p, err := range cdnow.Master(path) {
		require.NoError(t, err)
		if !seen[p.Company] {
			seen[p.Company] = true
			targets = append(targets, p.Company)
		}
	}
	require.Len(t, targets, 23_570)
	start := time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC)
	c := funnel.Campaign{ID: "cdnow-1997", Territory: "cdnow", Start: start, Targets: targets}
	touches := func(yield func(funnel.Touch, error) bool) {
		for _, id := range targets {
			if !yield(funnel.Touch{Company: id, Rep: "mail", Territory: "cdnow", At: start, Kind: funnel.Call}, nil) {
				return
			}
		}
	}
	r, err := funnel.Evaluate(c, touches, cdnow.Master(path), nil, time.Date(1998, 7, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)

	requireRate(t, 23_570, 23_570, "1", true, r.Coverage, "coverage")
	requireRate(t, 9_610, 23_570, "0.4077", true, r.Conversion, "conversion") // bought in February 1997
	requireRate(t, 1_680, 9_610, "0.1748", true, r.Repurchase, "repurchase")  // and again in March
	require.Equal(t, 23_502, r.Customers, "68 customers only ever had zero-dollar orders")
	require.Equal(t, 80, r.Excluded.Purchases.Free)
	require.Zero(t, r.Excluded.Purchases.Total()-r.Excluded.Purchases.Free)
	require.Equal(t, 19, r.Month)
	require.Len(t, r.Channels, 19)

	golden := map[int]struct {
		orders int
		amount string
	}{1: {8896, "299060.17"}, 2: {11249, "379590.03"}, 3: {11580, "393155.27"}, 4: {3781, "142824.49"},
		12: {2504, "95577.35"}, 18: {2043, "76109.30"}}
	for month, g := range golden {
		m := r.Channels[month-1]
		require.Equal(t, g.orders, m.Manual.Orders, "month %d", month)
		requireDecEqual(t, g.amount, m.Manual.Amount, "month %d", month)
	}
	total, orders := decimal.Zero, 0
	for _, m := range r.Channels {
		total = total.Add(m.Manual.Amount)
		orders += m.Orders()
	}
	requireDecEqual(t, "2500315.63", total)
	require.Equal(t, 69_659-80, orders)
	requireDecEqual(t, "2500315.63", r.Reps[0].Amount, "every customer was acquired by the one rep")
	require.True(t, slices.IsSortedFunc(r.Channels, func(a, b funnel.MonthMix) int { return a.Month - b.Month }))
}
