package crm_test

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

const policyJSON = `{
  "levels": [
    {"name": "member", "min_points": "0"},
    {"name": "silver", "min_points": "1000", "privileges": ["free_delivery"]},
    {"name": "gold", "min_points": "5000", "privileges": ["free_delivery", "net_30", "gold_price"]}
  ],
  "weights": {"purchase": "0.01", "on_time_payment": "50", "referral": "500", "review": "20"},
  "window_days": 365
}`

func policy(t testing.TB) crm.TierPolicy {
	t.Helper()
	p, err := crm.LoadTierPolicy(strings.NewReader(policyJSON))
	require.NoError(t, err)
	return p
}

func TestR4_TierPolicyRoundTripsThroughJSON(t *testing.T) {
	p := policy(t)
	data, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"min_points":"1000"`)
	back, err := crm.LoadTierPolicy(bytes.NewReader(data))
	require.NoError(t, err)
	require.Len(t, back.Levels, 3)
	for i := range p.Levels {
		assert.Equal(t, p.Levels[i].Name, back.Levels[i].Name)
		requireDecEqual(t, p.Levels[i].MinPoints, back.Levels[i].MinPoints)
		assert.Equal(t, p.Levels[i].Privileges, back.Levels[i].Privileges)
	}
	requireDecEqual(t, p.Weights.Purchase, back.Weights.Purchase)
	requireDecEqual(t, p.Weights.Referral, back.Weights.Referral)
	assert.Equal(t, 365, back.WindowDays)
}

func TestR4_BadPoliciesReportEveryProblem(t *testing.T) {
	bad := `{"levels":[{"name":"a","min_points":"10"},{"name":"a","min_points":"5"},{"name":"","min_points":"6"}],
	  "weights":{"purchase":"-1","on_time_payment":"0","referral":"0","review":"-2"},"window_days":0}`
	_, err := crm.LoadTierPolicy(strings.NewReader(bad))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, f := range []string{"levels[0].min_points", "levels[1].name", "levels[1].min_points", "levels[2].name",
		"weights.purchase", "weights.review", "window_days"} {
		assert.Contains(t, err.Error(), "tier_policy."+f)
	}
	for _, doc := range []string{`{"levels":[],"window_days":30}`, `{"levels":[{"name":"a","min_points":"0"}],"window_days":30,"extra":1}`,
		`{"levels":[{"name":"a","min_points":"1e9"}],"window_days":30}`, `not json`, ``} {
		_, err := crm.LoadTierPolicy(strings.NewReader(doc))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, doc)
	}
}

func TestR4_ContributionCountsNotOnlyMoney(t *testing.T) {
	p := policy(t)
	at := day(2026, 6, 30)
	spender := []crm.Contribution{{Company: "A", Kind: crm.Purchase, Amount: dec("90000"), At: day(2026, 3, 1)}}
	helper := []crm.Contribution{
		{Company: "B", Kind: crm.Purchase, Amount: dec("30000"), At: day(2026, 3, 1)},
		{Company: "B", Kind: crm.OnTimePayment, Amount: dec("6"), At: day(2026, 4, 1)},
		{Company: "B", Kind: crm.Referral, At: day(2026, 5, 1)},
		{Company: "B", Kind: crm.Review, At: day(2026, 5, 2)},
	}
	sa, err := p.Score("A", slices.Values(spender), at)
	require.NoError(t, err)
	assert.Equal(t, "member", sa.Level.Name)
	requireDecEqual(t, dec("900"), sa.Points)
	assert.Equal(t, "silver", sa.Next)
	requireDecEqual(t, dec("100"), sa.ToNext)

	sb, err := p.Score("B", slices.Values(helper), at)
	require.NoError(t, err)
	requireDecEqual(t, dec("300"), sb.PurchasePoints)
	requireDecEqual(t, dec("820"), sb.ContributionPoints) // 6*50 + 500 + 20
	requireDecEqual(t, dec("1120"), sb.Points)
	assert.Equal(t, "silver", sb.Level.Name, "less money, more contribution, higher tier")
	assert.Equal(t, []string{"free_delivery"}, sb.Level.Privileges)
}

func TestR4_TiersGoUpAndDownWithHistory(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Repurchasing)
	p := policy(t)
	var contribs []crm.Contribution
	// a good year in 2025: 600,000 spent -> 6000 points -> gold
	for m := time.January; m <= time.December; m++ {
		contribs = append(contribs, crm.Contribution{Company: "A", Kind: crm.Purchase, Amount: dec("50000"), At: day(2025, m, 10)})
	}
	steps := []struct {
		at   time.Time
		tier string
	}{
		{day(2025, 3, 1), "silver"},  // 100,000 so far
		{day(2025, 12, 31), "gold"},  // the whole year
		{day(2026, 1, 31), "gold"},   // still 12 months in the window: no change
		{day(2026, 9, 30), "silver"}, // only Oct-Dec 2025 remain in the window
		{day(2027, 1, 15), "member"}, // nothing left: demoted
	}
	for _, s := range steps {
		res, err := c.EvaluateTier(ctx, "A", p, slices.Values(contribs), s.at)
		require.NoError(t, err)
		assert.Equal(t, s.tier, res.Score.Level.Name, s.at)
		assert.Equal(t, s.tier, res.Company.Tier, s.at)
	}
	co, err := c.Company(ctx, "A")
	require.NoError(t, err)
	require.Len(t, co.TierHistory, 4, "no entry when the tier did not change")
	moves := make([]string, len(co.TierHistory))
	for i, h := range co.TierHistory {
		moves[i] = h.From + ">" + h.To
	}
	assert.Equal(t, []string{">silver", "silver>gold", "gold>silver", "silver>member"}, moves)
	requireDecEqual(t, dec("1500"), co.TierHistory[2].Points)

	_, err = c.EvaluateTier(ctx, "A", p, slices.Values(contribs), day(2025, 1, 1))
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "evaluating before the last change would rewrite history")
	_, err = c.EvaluateTier(ctx, "ghost", p, slices.Values(contribs), day(2027, 2, 1))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.EvaluateTier(ctx, "A", crm.TierPolicy{}, slices.Values(contribs), day(2027, 2, 1))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestR4_BadContributionsAreNamed(t *testing.T) {
	p := policy(t)
	_, err := p.Score("A", slices.Values([]crm.Contribution{
		{Company: "A", Kind: crm.Review, At: day(2026, 1, 1)},
		{Company: "A", Kind: crm.Referral, Amount: dec("-1"), At: day(2026, 1, 1)}}), day(2026, 2, 1))
	requireInvalidField(t, err, "contributions[1].amount")
	_, err = p.Score("A", slices.Values([]crm.Contribution{{Company: "A", Kind: crm.ContributionKind(9), At: day(2026, 1, 1)}}), day(2026, 2, 1))
	requireInvalidField(t, err, "contributions[0].kind")
}

func TestR4_MorePointsNeverGiveALowerTier(t *testing.T) {
	// property: adding a contribution never lowers the tier
	p := policy(t)
	at := day(2026, 6, 30)
	var list []crm.Contribution
	last := 0
	level := func(name string) int {
		return slices.IndexFunc(p.Levels, func(l crm.TierLevel) bool { return l.Name == name })
	}
	for i := 0; i < 300; i++ {
		list = append(list, crm.Contribution{Company: "A", Kind: crm.ContributionKind(i % 4), Amount: dec("1000"), At: day(2026, 1, 1+i%28)})
		s, err := p.Score("A", slices.Values(list), at)
		require.NoError(t, err)
		require.GreaterOrEqual(t, level(s.Level.Name), last)
		last = level(s.Level.Name)
	}
	assert.Equal(t, 2, last)
}

func FuzzLoadTierPolicy(f *testing.F) {
	f.Add([]byte(policyJSON))
	f.Add([]byte(`{"levels":[{"name":"a","min_points":"0"}],"weights":{"purchase":"1","on_time_payment":"0","referral":"0","review":"0"},"window_days":1}`))
	f.Add([]byte(`{"levels":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := crm.LoadTierPolicy(bytes.NewReader(b))
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		require.NoError(t, p.Validate())
		data, err := json.Marshal(p)
		require.NoError(t, err)
		_, err = crm.LoadTierPolicy(bytes.NewReader(data))
		require.NoError(t, err, "what loads round-trips")
	})
}

func TestR4_HistoriesAreAppendOnlyThroughUpdateCompany(t *testing.T) {
	c := newCRM(t, nil)
	co := addCompany(t, c, "A", crm.Covered)
	co, err := c.SetStage(ctx, "A", crm.Converted, day(2026, 3, 2))
	require.NoError(t, err)
	tests := []struct {
		name  string
		edit  func(*crm.Company)
		field string
	}{
		{"stage without history", func(c *crm.Company) { c.Stage = crm.Lost }, "stage"},
		{"stage history replaced", func(c *crm.Company) {
			c.Stages = []crm.StageChange{{Stage: crm.Converted, At: day(2020, 1, 1)}}
		}, "stages"},
		{"stage history dropped", func(c *crm.Company) { c.Stages = nil }, "stages"},
		{"stage change moved", func(c *crm.Company) { c.Stages[1].At = day(2026, 4, 1) }, "stages"},
		{"tier without history", func(c *crm.Company) { c.Tier = "gold" }, "tier"},
		{"tier history invented", func(c *crm.Company) {
			c.Tier = "gold"
			c.TierHistory = []crm.TierChange{{To: "gold", At: day(2020, 1, 1), Points: dec("1")}}
		}, "tier_history"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := co
			edited.Stages = slices.Clone(co.Stages)
			tt.edit(&edited)
			_, err := c.UpdateCompany(ctx, edited)
			requireInvalidField(t, err, tt.field)
		})
	}
	got, err := c.Company(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, crm.Converted, got.Stage)
	assert.Len(t, got.Stages, 2)
	assert.Empty(t, got.Tier)
	// the rest of the company is the caller's to change
	got.OwnerRep = "rep-7"
	_, err = c.UpdateCompany(ctx, got)
	require.NoError(t, err)

	// a new company cannot carry a tier without its history either
	_, err = c.AddCompany(ctx, crm.Company{ID: "B", Name: "B", Tier: "gold"})
	requireInvalidField(t, err, "tier")
	_, err = c.AddCompany(ctx, crm.Company{ID: "B", Name: "B", Tier: "gold",
		TierHistory: []crm.TierChange{{To: "silver", At: day(2025, 1, 1)}}})
	requireInvalidField(t, err, "tier_history")
}

// A contribution, a threshold or a weight written with an exponent beyond ±18 is refused, naming
// it: added to the points or compared with the other thresholds, it would be scaled by a power of
// ten as large as its exponent, which took minutes and gigabytes.
func TestR4_NumbersAtAbsurdExponentsAreRefused(t *testing.T) {
	p := policy(t)
	// (3e19 is 30000000000000000000 and taken as that is; 3e400 written out would be 401 digits.)
	for _, e := range []int32{math.MinInt32, -19, 400, math.MaxInt32} {
		bad := decimal.New(3, e)
		for _, kind := range []crm.ContributionKind{crm.Purchase, crm.Referral} {
			_, err := p.Score("A", slices.Values([]crm.Contribution{{Company: "A", Kind: kind, Amount: dec("10"), At: day(2026, 3, 1)},
				{Company: "A", Kind: kind, Amount: bad, At: day(2026, 3, 2)}}), day(2026, 3, 31))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.ErrorContains(t, err, "contributions[1].amount: must have at most 18 decimal places")
		}
		q := policy(t)
		q.Levels = slices.Clone(q.Levels)
		q.Levels[1].MinPoints = bad
		q.Weights.Review = bad
		err := q.Validate()
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "tier_policy.levels[1].min_points: must have at most 18 decimal places")
		assert.ErrorContains(t, err, "tier_policy.weights.review: must have at most 18 decimal places")
	}
}

// TestR4_AScoresPrivilegesAreItsOwn: a host holds one policy for every request; a score's
// privileges, written to (a privilege renamed for one customer's page), must not change the policy
// and so every later score — through Score and EvaluateTier.
func TestR4_AScoresPrivilegesAreItsOwn(t *testing.T) {
	p := policy(t)
	at := day(2026, 6, 30)
	gold := []crm.Contribution{{Company: "A", Kind: crm.Purchase, Amount: dec("600000"), At: day(2026, 3, 1)}}
	s, err := p.Score("A", slices.Values(gold), at)
	require.NoError(t, err)
	require.Equal(t, "gold", s.Level.Name)
	s.Level.Privileges[0] = "free_everything"

	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Repurchasing)
	res, err := c.EvaluateTier(ctx, "A", p, slices.Values(gold), at)
	require.NoError(t, err)
	assert.Equal(t, []string{"free_delivery", "net_30", "gold_price"}, res.Score.Level.Privileges)
	res.Score.Level.Privileges[1] = "net_90"

	again, err := p.Score("A", slices.Values(gold), at)
	require.NoError(t, err)
	assert.Equal(t, []string{"free_delivery", "net_30", "gold_price"}, again.Level.Privileges)
	assert.Equal(t, []string{"free_delivery", "net_30", "gold_price"}, p.Levels[2].Privileges)
}
