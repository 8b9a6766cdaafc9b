package clv_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/stretchr/testify/require"
)

var rankModel = clv.Model{Purchases: cdnowModel, Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}}

// TestR9_RankHandOffByValueAndFlagSilentChurn: the service team gets the hand-off accounts ranked by
// lifetime value; an account that bought every two weeks and has been silent for twenty is flagged
// as silently churning; a steady one and one that has not repeated are not; an account that never
// bought comes last, unscored.
func TestR9_RankHandOffByValueAndFlagSilentChurn(t *testing.T) {
	s := clv.Summary{Unit: clv.Weeks, Customers: []clv.Customer{
		customer("steady", 9, 37, 38.86, "450"),     // every 4 weeks, bought 2 weeks ago
		customer("slipping", 8, 16, 38.86, "400"),   // every 2 weeks, silent 23 weeks
		customer("big-rare", 2, 30, 38.86, "3000"),  // few, large purchases, recent
		customer("once", 0, 0, 20, "0"),             // one purchase: no rhythm yet
		customer("not-handed", 5, 30, 38.86, "100"), // a customer, but not on the hand-off list
	}}
	handOff := []funnel.HandOff{
		{Company: "once", Stage: funnel.Converted, Rep: "li"},
		{Company: "slipping", Stage: funnel.Repurchasing, Rep: "wang"},
		{Company: "never-bought", Stage: funnel.Opened, Rep: "li"},
		{Company: "steady", Stage: funnel.Repurchasing, Rep: "li"},
		{Company: "big-rare", Stage: funnel.Repurchasing, Rep: "zhao"},
	}
	accounts, err := clv.Rank(handOff, s, rankModel, &clv.RankOptions{Value: clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01}})
	require.NoError(t, err)
	require.Len(t, accounts, 5)
	var order []string
	byID := map[string]clv.Account{}
	for _, a := range accounts {
		order = append(order, string(a.HandOff.Company))
		byID[string(a.HandOff.Company)] = a
	}
	require.Equal(t, "never-bought", order[4], "unscored last")
	require.False(t, byID["never-bought"].Scored)
	require.True(t, byID["never-bought"].Value.Lifetime.IsZero())
	for i := 1; i < 4; i++ {
		require.GreaterOrEqual(t, accounts[i-1].Value.Lifetime.Cmp(accounts[i].Value.Lifetime), 0, "ranked by value: %v", order)
	}
	require.True(t, byID["slipping"].SilentChurn)
	require.Less(t, byID["slipping"].Value.Alive, 0.5)
	require.InDelta(t, (38.86-16)/(16.0/8), byID["slipping"].Gaps, 1e-9)
	require.False(t, byID["steady"].SilentChurn)
	require.Greater(t, byID["steady"].Value.Alive, 0.5)
	require.False(t, byID["once"].SilentChurn, "no rhythm to miss")
	require.Equal(t, 1.0, byID["once"].Value.Alive)
	require.Equal(t, "wang", string(byID["slipping"].HandOff.Rep), "the hand-off is carried through")

	// A stricter threshold flags nothing more than it should: steady stays unflagged at any threshold.
	strict, err := clv.Rank(handOff, s, rankModel, &clv.RankOptions{AliveBelow: 1, Gaps: 0.1})
	require.NoError(t, err)
	for _, a := range strict {
		if a.HandOff.Company == "steady" {
			require.True(t, a.SilentChurn, "alive below 1 and silent half a gap: flagged under these options")
		}
	}
}

func TestRankRefusesBadInput(t *testing.T) {
	s := clv.Summary{Unit: clv.Weeks, Customers: []clv.Customer{customer("a", 1, 2, 3, "10")}}
	_, err := clv.Rank([]funnel.HandOff{{Company: "a"}, {Company: "a"}}, s, rankModel, nil)
	requireInvalid(t, err, "accounts[1].company", "twice")
	days := s
	days.Unit = clv.Days
	_, err = clv.Rank([]funnel.HandOff{{Company: "a"}}, days, rankModel, nil)
	requireInvalid(t, err, "summary.unit")
	for _, o := range []clv.RankOptions{{AliveBelow: 1.5}, {AliveBelow: -0.1}, {Gaps: -1}} {
		_, err = clv.Rank([]funnel.HandOff{{Company: "a"}}, s, rankModel, &o)
		requireInvalid(t, err, "options.")
	}
	bad := rankModel
	bad.Spend.Q = 0.5 // the mean spend is infinite: a customer without a repeat cannot be valued
	once := clv.Summary{Unit: clv.Weeks, Customers: []clv.Customer{customer("b", 0, 0, 3, "0")}}
	_, err = clv.Rank([]funnel.HandOff{{Company: "b"}}, once, bad, nil)
	requireInvalid(t, err, `account "b"`, "q")
}
