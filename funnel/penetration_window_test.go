package funnel_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// R7: penetration is measured over closed months only, so before month 1 closes no customer is
// measured: NoWallet and ZeroWallet are 0 with everything else in Penetration, as their doc says,
// although customers without a wallet estimate already exist; the first day of month 2 counts them.
func TestR7_WalletCountsWaitForMonthOneToClose(t *testing.T) {
	r := evaluateCity(t, at(3, 25))
	require.Positive(t, r.Customers, "customers exist in month 1")
	p := r.Penetration
	require.Zero(t, p.Months)
	require.Zero(t, p.NoWallet)
	require.Zero(t, p.ZeroWallet)
	require.Zero(t, p.OverWallet)
	require.Empty(t, p.Companies)

	p = evaluateCity(t, at(4, 2)).Penetration
	require.Equal(t, 1, p.Months)
	require.Positive(t, p.NoWallet)
}
