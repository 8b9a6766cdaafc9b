package risk_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const monTol = 1e-12

func TestPSI_HandComputed(t *testing.T) {
	// edges [2.5]: expected 1,2 | 3,4 = 0.5, 0.5; actual 1,1,1 | 4 = 0.75, 0.25.
	// (0.75-0.5) ln(0.75/0.5) + (0.25-0.5) ln(0.25/0.5) = 0.25 ln 1.5 + 0.25 ln 2 = 0.25 ln 3
	psi, err := risk.PSI([]float64{1, 2, 3, 4}, []float64{1, 1, 1, 4}, []float64{2.5})
	require.NoError(t, err)
	assert.InDelta(t, 0.25*math.Log(3), psi, monTol)
	assert.InDelta(t, 0.274653072, psi, 1e-9)
	assert.Equal(t, risk.Shifted, risk.ReadPSI(psi))

	// the same distribution is perfectly stable
	psi, err = risk.PSI([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, []float64{2.5})
	require.NoError(t, err)
	assert.Equal(t, 0.0, psi)

	// an edge value falls in the bin above it: 2.5 | 2.5 2.5 -> actual 0, 1
	// empty bin floored at 0.0001: (0.0001-0.5) ln(0.0001/0.5) + (1-0.5) ln(1/0.5)
	psi, err = risk.PSI([]float64{1, 3}, []float64{2.5, 2.5}, []float64{2.5})
	require.NoError(t, err)
	want := (0.0001-0.5)*math.Log(0.0001/0.5) + 0.5*math.Log(2)
	assert.InDelta(t, want, psi, monTol)
	assert.InDelta(t, 4.6043, psi, 1e-4)

	// three bins: expected 0.2 0.3 0.5 (10 values), actual 0.4 0.4 0.2 (5 values)
	exp := []float64{0, 0, 1, 1, 1, 2, 2, 2, 2, 2}
	act := []float64{0, 0, 1, 1, 2}
	psi, err = risk.PSI(exp, act, []float64{0.5, 1.5})
	require.NoError(t, err)
	want = 0.2*math.Log(2) + 0.1*math.Log(0.4/0.3) + (-0.3)*math.Log(0.2/0.5)
	assert.InDelta(t, want, psi, monTol)
}

func TestPSI_Deciles(t *testing.T) {
	// expected 1..100: decile edges 11, 21, ..., 91 give ten bins of 10% each
	exp := make([]float64, 100)
	for i := range exp {
		exp[i] = float64(i + 1)
	}
	psi, err := risk.PSI(exp, exp, nil)
	require.NoError(t, err)
	assert.Equal(t, 0.0, psi)
	same, err := risk.PSI(exp, []float64{5, 15, 25, 35, 45, 55, 65, 75, 85, 95}, nil)
	require.NoError(t, err)
	assert.InDelta(t, 0, same, monTol, "one actual value in each decile")

	// every actual value in the top decile: one bin 1.0 against 0.1, nine bins 0.0001 against 0.1
	psi, err = risk.PSI(exp, []float64{91, 95, 100}, nil)
	require.NoError(t, err)
	want := 0.9*math.Log(10) + 9*(0.0001-0.1)*math.Log(0.0001/0.1)
	assert.InDelta(t, want, psi, monTol)
	explicit, err := risk.PSI(exp, []float64{91, 95, 100}, []float64{11, 21, 31, 41, 51, 61, 71, 81, 91})
	require.NoError(t, err)
	assert.InDelta(t, explicit, psi, monTol)

	// heavy ties: 15 zeros and 5 ones; the deciles at ranks 2, 4, ..., 18 are 0 (dropped: the
	// minimum) and 1, so two bins, 0.75 and 0.25
	ties := make([]float64, 20)
	for i := 15; i < 20; i++ {
		ties[i] = 1
	}
	psi, err = risk.PSI(ties, []float64{0, 1}, nil)
	require.NoError(t, err)
	want = (0.5-0.75)*math.Log(0.5/0.75) + (0.5-0.25)*math.Log(0.5/0.25)
	assert.InDelta(t, want, psi, monTol)
	// 19 zeros and one 1: every decile rank holds a 0, so there is one bin and nothing can shift
	ties = make([]float64, 20)
	ties[19] = 1
	psi, err = risk.PSI(ties, []float64{1, 1}, nil)
	require.NoError(t, err)
	assert.Equal(t, 0.0, psi)

	// all alike: one bin, nothing can shift
	psi, err = risk.PSI([]float64{3, 3, 3}, []float64{1, 9}, nil)
	require.NoError(t, err)
	assert.Equal(t, 0.0, psi)
}

func TestPSI_Errors(t *testing.T) {
	for _, tc := range []struct {
		name             string
		expected, actual []float64
		edges            []float64
		fields           []string
	}{
		{"empty expected", nil, []float64{1}, nil, []string{"expected"}},
		{"empty both", []float64{}, nil, nil, []string{"expected", "actual"}},
		{"NaN", []float64{1, math.NaN()}, []float64{1}, nil, []string{"expected[1]"}},
		{"infinite actual", []float64{1}, []float64{math.Inf(-1)}, nil, []string{"actual[0]"}},
		{"NaN edge", []float64{1}, []float64{1}, []float64{math.NaN()}, []string{"edges[0]"}},
		{"edges not increasing", []float64{1}, []float64{1}, []float64{1, 2, 2}, []string{"edges[2]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := risk.PSI(tc.expected, tc.actual, tc.edges)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.True(t, strings.HasPrefix(err.Error(), "risk: "), err.Error())
			for _, f := range tc.fields {
				assert.Contains(t, err.Error(), f+":")
			}
		})
	}
}

func TestReadPSI(t *testing.T) {
	for _, tc := range []struct {
		psi  float64
		want risk.Stability
	}{
		{0, risk.Stable}, {0.0999, risk.Stable}, {0.1, risk.Shifting}, {0.25, risk.Shifting},
		{0.2501, risk.Shifted}, {3, risk.Shifted}, {math.Inf(1), risk.Shifted}, {math.NaN(), risk.Shifted},
	} {
		assert.Equal(t, tc.want, risk.ReadPSI(tc.psi), "%v", tc.psi)
	}
	for _, s := range []risk.Stability{risk.Stable, risk.Shifting, risk.Shifted} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back risk.Stability
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	assert.Equal(t, "shifting", risk.Shifting.String())
	var s risk.Stability
	require.ErrorIs(t, s.UnmarshalText([]byte("wobbly")), b2bkit.ErrInvalid)
	_, err := risk.Stability(5).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestAUCAndKS_HandComputed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		scores  []float64
		bad     []bool
		auc, ks float64
	}{
		// goods 2, 3; bads 1, 2. Pairs (good, bad): (2,1) 1, (2,2) 1/2, (3,1) 1, (3,2) 1 = 3.5 of 4.
		// KS: at or below 1: bad 1/2, good 0; below 2: bad 1, good 1/2; both gaps 1/2.
		{"tie counts half", []float64{1, 2, 2, 3}, []bool{true, true, false, false}, 0.875, 0.5},
		{"perfect", []float64{300, 310, 600, 700}, []bool{true, true, false, false}, 1, 1},
		{"backwards", []float64{600, 700, 300, 310}, []bool{true, true, false, false}, 0, 1},
		{"all tied", []float64{5, 5, 5}, []bool{true, false, false}, 0.5, 0},
		// goods 3, 5, 6; bads 1, 4. Pairs: 3>1, 3<4, 5>1, 5>4, 6>1, 6>4 = 5 of 6.
		// KS cut-offs: 1: |1/2 - 0| ; 3: |1/2 - 1/3| ; 4: |1 - 1/3| = 2/3 ; 5: 1/3 ; 6: 0.
		{"uneven", []float64{5, 1, 6, 4, 3}, []bool{false, true, false, true, false}, 5.0 / 6, 2.0 / 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auc, err := risk.AUC(tc.scores, tc.bad)
			require.NoError(t, err)
			assert.InDelta(t, tc.auc, auc, monTol)
			ks, err := risk.KS(tc.scores, tc.bad)
			require.NoError(t, err)
			assert.InDelta(t, tc.ks, ks, monTol)
		})
	}
}

// monBrute is AUC and KS by their definitions: every pair, every cut-off.
func monBrute(scores []float64, bad []bool) (auc, ks float64) {
	var pairs, wins float64
	for i := range scores {
		for j := range scores {
			if bad[i] || !bad[j] {
				continue
			}
			pairs++
			switch {
			case scores[i] > scores[j]:
				wins++
			case scores[i] == scores[j]:
				wins += 0.5
			}
		}
	}
	for _, cut := range scores {
		var b, g, nb, ng float64
		for i, s := range scores {
			if bad[i] {
				nb++
			} else {
				ng++
			}
			if s <= cut {
				if bad[i] {
					b++
				} else {
					g++
				}
			}
		}
		ks = max(ks, math.Abs(b/nb-g/ng))
	}
	return wins / pairs, ks
}

func TestAUCAndKS_AgreeWithTheDefinitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 7))
	for range 300 {
		n := 2 + rng.IntN(40)
		scores := make([]float64, n)
		bad := make([]bool, n)
		for i := range scores {
			bad[i] = rng.IntN(3) == 0
			scores[i] = float64(rng.IntN(12)) // plenty of ties
			if !bad[i] {
				scores[i] += float64(rng.IntN(4))
			}
		}
		bad[0], bad[1] = true, false
		auc, err := risk.AUC(scores, bad)
		require.NoError(t, err)
		ks, err := risk.KS(scores, bad)
		require.NoError(t, err)
		wantAUC, wantKS := monBrute(scores, bad)
		require.InDelta(t, wantAUC, auc, 1e-9, "scores %v bad %v", scores, bad)
		require.InDelta(t, wantKS, ks, 1e-9, "scores %v bad %v", scores, bad)
		// turning the scores round turns the AUC round and leaves KS alone
		neg := make([]float64, n)
		for i, s := range scores {
			neg[i] = -s
		}
		back, err := risk.AUC(neg, bad)
		require.NoError(t, err)
		require.InDelta(t, 1-auc, back, 1e-9)
		ksNeg, err := risk.KS(neg, bad)
		require.NoError(t, err)
		require.InDelta(t, ks, ksNeg, 1e-9)
	}
}

func TestAUCAndKS_Errors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float64
		bad    []bool
		fields []string
	}{
		{"empty", nil, nil, []string{"scores"}},
		{"lengths", []float64{1, 2}, []bool{true}, []string{"bad"}},
		{"NaN", []float64{1, math.NaN()}, []bool{true, false}, []string{"scores[1]"}},
		{"infinite", []float64{math.Inf(1), 2}, []bool{true, false}, []string{"scores[0]"}},
		{"all good", []float64{1, 2}, []bool{false, false}, []string{"bad"}},
		{"all bad", []float64{1, 2}, []bool{true, true}, []string{"bad"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []func([]float64, []bool) (float64, error){risk.AUC, risk.KS} {
				_, err := f(tc.scores, tc.bad)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				assert.True(t, strings.HasPrefix(err.Error(), "risk: "), err.Error())
				for _, field := range tc.fields {
					assert.Contains(t, err.Error(), field+":")
				}
			}
		})
	}
}
