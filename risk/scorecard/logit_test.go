package scorecard_test

import (
	"math"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// binaryDesign is one 0/1 variable: x=0 for g0 good and b0 bad rows, x=1 for g1 good and b1 bad.
func binaryDesign(g0, b0, g1, b1 int) ([][]float64, []bool) {
	var x [][]float64
	var bad []bool
	add := func(v float64, n int, isBad bool) {
		for range n {
			x = append(x, []float64{v})
			bad = append(bad, isBad)
		}
	}
	add(0, g0, false)
	add(0, b0, true)
	add(1, g1, false)
	add(1, b1, true)
	return x, bad
}

// TestFitLogistic_BinaryVariableHasTheClosedForm: with one 0/1 variable the maximum-likelihood
// estimates are known exactly: the intercept is the log-odds of bad at x=0, the coefficient the log
// odds ratio, and its standard error sqrt(1/g0 + 1/b0 + 1/g1 + 1/b1) (Woolf).
func TestFitLogistic_BinaryVariableHasTheClosedForm(t *testing.T) {
	x, bad := binaryDesign(300, 100, 200, 150)
	l, err := scorecard.FitLogistic(x, bad, nil)
	require.NoError(t, err)
	b0 := math.Log(100.0 / 300)
	b1 := math.Log(150.0/200) - b0
	assert.InDelta(t, b0, l.Coef[0], 1e-9)
	assert.InDelta(t, b1, l.Coef[1], 1e-9)
	assert.InDelta(t, math.Sqrt(1.0/300+1.0/100), l.StdErr[0], 1e-9)
	assert.InDelta(t, math.Sqrt(1.0/300+1.0/100+1.0/200+1.0/150), l.StdErr[1], 1e-9)
	// The deviance of a saturated-by-group model: -2 sum n ln(share).
	dev := -2 * (300*math.Log(0.75) + 100*math.Log(0.25) + 200*math.Log(200.0/350) + 150*math.Log(150.0/350))
	assert.InDelta(t, dev, l.Deviance, 1e-8)
	assert.Equal(t, 750, l.Rows)
	eta, err := l.LogOdds([]float64{1})
	require.NoError(t, err)
	assert.InDelta(t, b0+b1, eta, 1e-12)
	_, err = l.LogOdds([]float64{1, 2})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = scorecard.Logit{}.LogOdds(nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)

	// A ridge penalty pulls the coefficient toward 0, and more the larger it is.
	r1, err := scorecard.FitLogistic(x, bad, &scorecard.FitOptions{L2: 10})
	require.NoError(t, err)
	r2, err := scorecard.FitLogistic(x, bad, &scorecard.FitOptions{L2: 100})
	require.NoError(t, err)
	assert.Less(t, r1.Coef[1], l.Coef[1])
	assert.Less(t, r2.Coef[1], r1.Coef[1])
	assert.Positive(t, r2.Coef[1])
}

func TestFitLogistic_L2MakesASeparableDesignFinite(t *testing.T) {
	x := [][]float64{{1}, {2}, {3}, {4}, {5}, {6}}
	bad := []bool{false, false, false, true, true, true}
	_, err := scorecard.FitLogistic(x, bad, nil)
	require.ErrorContains(t, err, "separable")
	l, err := scorecard.FitLogistic(x, bad, &scorecard.FitOptions{L2: 1})
	require.NoError(t, err)
	assert.Positive(t, l.Coef[1])
}

// TestBuild_GroupedFitEqualsRowFit: Build fits on the distinct combinations of bins with their
// counts; the same regression row by row gives the same coefficients.
func TestBuild_GroupedFitEqualsRowFit(t *testing.T) {
	samples := tradeSamples(t, 300, 9)
	d, err := scorecard.Collect(seq(samples), tradeFeatures)
	require.NoError(t, err)
	m, err := scorecard.Build(d, &scorecard.Options{KeepNonPositive: true})
	require.NoError(t, err)
	x := make([][]float64, d.Rows())
	for r := range x {
		for _, v := range m.Variables {
			c := column(t, d, v.Binning.Feature)
			for _, s := range v.Binning.Bins {
				if inBin(s, c, r) {
					x[r] = append(x[r], s.WoE)
				}
			}
		}
		require.Len(t, x[r], len(m.Variables))
	}
	l, err := scorecard.FitLogistic(x, d.Bad, nil)
	require.NoError(t, err)
	require.Len(t, l.Coef, len(m.Logit.Coef))
	for j := range l.Coef {
		assert.InDelta(t, l.Coef[j], m.Logit.Coef[j], 1e-7, "coefficient %d", j)
		assert.InDelta(t, l.StdErr[j], m.Logit.StdErr[j], 1e-7, "standard error %d", j)
	}
	assert.InDelta(t, l.Deviance, m.Logit.Deviance, 1e-6)
	assert.Equal(t, d.Rows(), m.Logit.Rows)
}
