package scorecard_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAssess_GainsTableAddsUpAndAgreesWithRisk(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	n := 5000
	scores, bad := make([]float64, n), make([]bool, n)
	for i := range n {
		scores[i] = float64(400 + rng.IntN(300))
		bad[i] = rng.Float64() < 0.6-(scores[i]-400)/600
	}
	p, err := scorecard.Assess(scores, bad, &scorecard.AssessOptions{Bands: 8})
	require.NoError(t, err)
	ks, err := risk.KS(scores, bad)
	require.NoError(t, err)
	auc, err := risk.AUC(scores, bad)
	require.NoError(t, err)
	assert.Equal(t, ks, p.KS)
	assert.Equal(t, auc, p.AUC)
	assert.InDelta(t, 2*auc-1, p.Gini, 1e-15)
	assert.Nil(t, p.PSI)

	require.LessOrEqual(t, len(p.Gains), 8)
	rows, nBad, best := 0, 0, 0.0
	for i, g := range p.Gains {
		rows += g.Rows
		nBad += g.Bad
		assert.Equal(t, g.Rows, g.Good+g.Bad)
		if i > 0 {
			assert.Greater(t, g.MinScore, p.Gains[i-1].MaxScore, "bands do not overlap; a score is never split")
		}
		assert.LessOrEqual(t, g.MinScore, g.MaxScore)
		assert.InDelta(t, float64(rows)/float64(n), g.CumRows, 1e-12)
		assert.InDelta(t, g.CumBad-g.CumGood, g.KS, 1e-12)
		best = max(best, g.KS)
	}
	assert.Equal(t, n, rows)
	last := p.Gains[len(p.Gains)-1]
	assert.InDelta(t, 1, last.CumBad, 1e-12)
	assert.InDelta(t, 1, last.CumGood, 1e-12)
	assert.LessOrEqual(t, best, p.KS+1e-12, "the table's KS at band edges cannot beat the exact KS")
	assert.Greater(t, p.Gains[0].BadRate, last.BadRate, "low scores are the risky ones")
	assert.Greater(t, p.Gains[0].Lift, 1.0)

	// PSI: against itself 0 and stable; against a shifted population large.
	same, err := scorecard.Assess(scores, bad, &scorecard.AssessOptions{Baseline: scores})
	require.NoError(t, err)
	require.NotNil(t, same.PSI)
	assert.InDelta(t, 0, *same.PSI, 1e-12)
	assert.Equal(t, risk.Stable, same.Stability)
	shifted := make([]float64, n)
	for i, s := range scores {
		shifted[i] = s - 120
	}
	moved, err := scorecard.Assess(shifted, bad, &scorecard.AssessOptions{Baseline: scores})
	require.NoError(t, err)
	assert.Greater(t, *moved.PSI, 0.25)
	assert.Equal(t, risk.Shifted, moved.Stability)
}

func TestOptions_RoundTripThroughJSON(t *testing.T) {
	o := scorecard.Options{Name: "trade-credit", Version: "2026-11", Currency: "CNY",
		Binning:       scorecard.BinOptions{Method: scorecard.Tree, MaxBins: 6, Monotonic: true, EmptyCell: scorecard.EmptyCellHalf},
		Features:      map[risk.Feature]scorecard.BinOptions{"days_late_3m": {Breaks: []float64{1, 15, 30}}, "trade": {Groups: [][]string{{"hotel"}, {"canteen", "restaurant"}}}},
		Filter:        scorecard.Filter{MinIV: 0.03, Keep: []risk.Feature{"trend_3m_vs_9m"}},
		Fit:           scorecard.FitOptions{L2: 0.5},
		Scaling:       scorecard.Scaling{PDO: 20, BasePoints: 500, BaseOdds: 50, Odds: scorecard.GoodToBad},
		Grades:        []risk.GradeBand{{Grade: "A", MinScore: 520}, {Grade: "B", MinScore: 0}},
		UnseenMissing: scorecard.MissingNeutral}
	raw, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"method":"tree"`)
	assert.Contains(t, string(raw), `"odds":"good_to_bad"`)
	assert.Contains(t, string(raw), `"empty_cell":"add_half"`)
	assert.Contains(t, string(raw), `"closed":"left"`)
	var back scorecard.Options
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, o, back)
	require.ErrorContains(t, json.Unmarshal([]byte(`{"binning":{"method":"magic"}}`), &back), `method: unknown word "magic"`)
}

func TestOptions_WordsOfTheEnums(t *testing.T) {
	assert.Equal(t, "chimerge", scorecard.ChiMerge.String())
	assert.Equal(t, "each_value", scorecard.EachValue.String())
	assert.Equal(t, "Method(9)", scorecard.Method(9).String())
	assert.Equal(t, "left", scorecard.LeftClosed.String())
	assert.Equal(t, "r_0.99", scorecard.EmptyCellR.String())
	assert.Equal(t, "bad_to_good", scorecard.BadToGood.String())
	assert.Equal(t, "neutral", scorecard.MissingNeutral.String())
	_, err := scorecard.Closed(7).MarshalText()
	require.ErrorContains(t, err, "closed: unknown value 7")
}
