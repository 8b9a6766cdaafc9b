package funnel_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireSameReport compares two reports field by field through their JSON, where every decimal is
// written as its exact text: stricter than comparing the values.
func requireSameReport(t *testing.T, want, got funnel.Report, msgAndArgs ...any) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	require.Equal(t, string(w), string(g), msgAndArgs...)
}

// team is a world of three territories worked by one team: campaigns starting in different months,
// target lists that overlap, every stream mixing all territories and strangers, some records before
// the starts, after asOf, free, or without a territory.
func team(rng *rand.Rand) ([]funnel.Campaign, world) {
	territories := []string{"Hangzhou", "Ningbo", "Wenzhou"}
	var cs []funnel.Campaign
	for k, terr := range territories {
		c := funnel.Campaign{ID: terr, Territory: terr, TimeZone: "Asia/Shanghai",
			Start: time.Date(2026, time.Month(3+rng.IntN(3)), 1+rng.IntN(28), 0, 0, 0, 0, shanghai)}
		for i := range 8 + rng.IntN(8) {
			c.Targets = append(c.Targets, b2bkit.CompanyID(fmt.Sprintf("%c%02d", 'A'+k, i)))
		}
		if k == 2 { // Wenzhou's list also holds two of Hangzhou's companies
			c.Targets = append(c.Targets, "A00", "A01")
		}
		cs = append(cs, c)
	}
	company := func() b2bkit.CompanyID {
		if rng.IntN(8) == 0 {
			return b2bkit.CompanyID(fmt.Sprintf("X%d", rng.IntN(15)))
		}
		c := cs[rng.IntN(len(cs))]
		return c.Targets[rng.IntN(len(c.Targets))]
	}
	first := time.Date(2026, 2, 1, 0, 0, 0, 0, shanghai)
	when := func() time.Time { return first.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour)))) }
	var w world
	for range rng.IntN(200) {
		terr := territories[rng.IntN(3)]
		if rng.IntN(10) == 0 {
			terr = ""
		}
		w.touches = append(w.touches, funnel.Touch{Company: company(), Rep: b2bkit.PersonID(fmt.Sprintf("R%d", rng.IntN(6))),
			Territory: terr, At: when(), Kind: funnel.TouchKind(rng.IntN(4))})
	}
	for range rng.IntN(400) {
		a := decimal.New(rng.Int64N(100_000), -2) // zero sometimes: a free sample
		w.purchases = append(w.purchases, funnel.Purchase{Company: company(), At: when(), Amount: a,
			Channel: b2bkit.Channel(1 + rng.IntN(3)), GrossProfit: decimal.New(rng.Int64N(a.CoefficientInt64()+1), -2)})
	}
	for range rng.IntN(60) {
		w.wallets = append(w.wallets, funnel.Wallet{Company: company(), Monthly: decimal.New(rng.Int64N(200_000), -2),
			AsOf: when(), Confidence: rng.Float64()})
	}
	w.asOf = time.Date(2026, 6, 1, 0, 0, 0, 0, shanghai).Add(time.Duration(rng.Int64N(int64(200 * 24 * time.Hour))))
	return cs, w
}

// TestR8_EvaluateAllIsEvaluateForEachCampaignInOnePass: many campaigns measured in one pass over the
// streams get exactly the reports one Evaluate per campaign gets, concentration included: each
// campaign sees the whole team's touches.
func TestR8_EvaluateAllIsEvaluateForEachCampaignInOnePass(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range 300 {
		cs, w := team(rng)
		reads := 0
		counting := func(ps []funnel.Purchase) func(func(funnel.Purchase, error) bool) {
			return func(yield func(funnel.Purchase, error) bool) {
				for _, p := range ps {
					reads++
					if !yield(p, nil) {
						return
					}
				}
			}
		}
		all, err := funnel.EvaluateAll(cs, b2bkit.Stream(w.touches), counting(w.purchases), b2bkit.Stream(w.wallets), w.asOf)
		require.NoError(t, err)
		require.Equal(t, len(w.purchases), reads, "one pass")
		require.Len(t, all, len(cs))
		for k, c := range cs {
			one, err := funnel.Evaluate(c, b2bkit.Stream(w.touches), b2bkit.Stream(w.purchases), b2bkit.Stream(w.wallets), w.asOf)
			require.NoError(t, err)
			requireSameReport(t, one, all[k], "world %d, campaign %s", n, c.ID)
		}
	}
}

func TestR8_EvaluateAllSeesTheWholeTeam(t *testing.T) {
	hz, nb := city(), city()
	nb.ID, nb.Territory, nb.Targets = "nb", "Ningbo", ids("N", 1, 5)
	// R1 works both cities, half and half: spread thin for each campaign. R2 stays in Hangzhou, so
	// R2 is on Hangzhou's team and not on Ningbo's.
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2)), touch("N01", "R1", "Ningbo", at(3, 3)),
		touch("C02", "R2", "Hangzhou", at(3, 2)), touch("C03", "R2", "Hangzhou", at(3, 3))}
	rs, err := funnel.EvaluateAll([]funnel.Campaign{hz, nb}, b2bkit.Stream(ts), nil, nil, jul10)
	require.NoError(t, err)
	require.Equal(t, "hz-2026-03", rs[0].Campaign)
	require.Equal(t, 3, rs[0].Concentration.InTerritory)
	require.Equal(t, 4, rs[0].Concentration.Touches)
	require.True(t, rs[0].Concentration.SpreadThin)
	require.Contains(t, rs[0].Concentration.Warning, "R1")
	require.Zero(t, rs[0].Concentration.OtherTeams)
	require.Equal(t, 1, rs[1].Concentration.InTerritory)
	require.Equal(t, 2, rs[1].Concentration.Touches)
	require.Equal(t, 2, rs[1].Concentration.OtherTeams)
	require.True(t, rs[1].Concentration.SpreadThin)
	require.Contains(t, rs[1].Concentration.Warning, "R1")
	require.NotContains(t, rs[1].Concentration.Warning, "R2")
	requireRate(t, 3, 20, "0.15", true, rs[0].Coverage, "Hangzhou coverage")
	requireRate(t, 1, 5, "0.2", true, rs[1].Coverage, "Ningbo coverage")
}

func TestBadInput_EvaluateAllNamesTheCampaignAndFailsWithItsStreams(t *testing.T) {
	bad := city()
	bad.Territory = ""
	_, err := funnel.EvaluateAll([]funnel.Campaign{city(), bad}, nil, nil, nil, jul10)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "campaigns[1]")
	require.ErrorContains(t, err, "territory: must be set")

	late := city()
	late.Start = time.Date(2026, 8, 1, 0, 0, 0, 0, shanghai)
	_, err = funnel.EvaluateAll([]funnel.Campaign{city(), late}, nil, nil, nil, jul10)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "campaigns[1]")
	require.ErrorContains(t, err, "as_of")

	_, err = funnel.EvaluateAll(nil, nil, nil, nil, jul10)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)

	rs, err := funnel.EvaluateAll([]funnel.Campaign{city(), city()}, b2bkit.Stream(cityTouches()), failing(cityPurchases()[:3]), nil, jul10)
	require.ErrorIs(t, err, errCursor)
	require.ErrorContains(t, err, "funnel: purchases[3]: ")
	require.Nil(t, rs)
}

// TestR8_TwoTeamsEachInItsOwnCityAreNotSpreadThin: a platform passes all its touches to EvaluateAll.
// R1 works only Hangzhou and R2 only Ningbo: each city's team is concentrated, and neither report
// may warn because the other city's rep is in the stream (each did, at 50%, before the team was the
// reps who worked the territory).
func TestR8_TwoTeamsEachInItsOwnCityAreNotSpreadThin(t *testing.T) {
	hz, nb := city(), city()
	nb.ID, nb.Territory, nb.Targets = "nb", "Ningbo", ids("N", 1, 5)
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2)), touch("C02", "R1", "Hangzhou", at(3, 3)),
		touch("N01", "R2", "Ningbo", at(3, 2)), touch("N02", "R2", "Ningbo", at(3, 3))}
	rs, err := funnel.EvaluateAll([]funnel.Campaign{hz, nb}, b2bkit.Stream(ts), nil, nil, jul10)
	require.NoError(t, err)
	for k, want := range []b2bkit.PersonID{"R1", "R2"} {
		con := rs[k].Concentration
		assert.False(t, con.SpreadThin, "%s: %s", rs[k].Territory, con.Warning)
		assert.Empty(t, con.Warning)
		assert.Equal(t, 2, con.InTerritory)
		assert.Equal(t, 2, con.Touches)
		assert.Equal(t, 2, con.OtherTeams)
		require.Len(t, con.Reps, 1)
		assert.Equal(t, want, con.Reps[0].Rep)
		requireDecEqual(t, "1", con.Share)
	}
}
