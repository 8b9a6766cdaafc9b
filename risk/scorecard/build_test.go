package scorecard_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// permute returns d with its rows in the order perm gives (row r of the result is row perm[r]).
func permute(d scorecard.Data, perm []int) scorecard.Data {
	out := scorecard.Data{Bad: make([]bool, len(perm))}
	for r, p := range perm {
		out.Bad[r] = d.Bad[p]
	}
	for _, c := range d.Columns {
		pc := scorecard.Column{Feature: c.Feature}
		if c.Missing != nil {
			pc.Missing = make([]bool, len(perm))
		}
		if c.Numbers != nil {
			pc.Numbers = make([]float64, len(perm))
		}
		if c.Categories != nil {
			pc.Categories = make([]string, len(perm))
		}
		for r, p := range perm {
			if c.Missing != nil {
				pc.Missing[r] = c.Missing[p]
			}
			if c.Numbers != nil {
				pc.Numbers[r] = c.Numbers[p]
			}
			if c.Categories != nil {
				pc.Categories[r] = c.Categories[p]
			}
		}
		out.Columns = append(out.Columns, pc)
	}
	return out
}

// TestDeterminism_SameDataAnyRowOrderSameCardBytes: the card is a function of the data, not of the
// order its rows come in, down to the bytes of its JSON.
func TestDeterminism_SameDataAnyRowOrderSameCardBytes(t *testing.T) {
	samples := tradeSamples(t, 400, 7)
	trade, err := scorecard.Collect(seq(samples), tradeFeatures)
	require.NoError(t, err)
	sets := map[string]scorecard.Data{"trade": trade}
	if testing.Short() {
		t.Log("German credit left out in -short")
	} else if gc, ok := germanCreditIfPresent(t); ok {
		sets["german"] = gc
	}
	methods := []scorecard.Method{scorecard.ChiMerge, scorecard.Tree, scorecard.EqualFrequency}
	for name, d := range sets {
		for _, method := range methods {
			opts := &scorecard.Options{Binning: scorecard.BinOptions{Method: method, Monotonic: method == scorecard.Tree}}
			m, err := scorecard.Build(d, opts)
			require.NoError(t, err, "%s %s", name, method)
			want, err := json.Marshal(m.Card)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(uint64(len(name)), uint64(method)))
			for range 3 {
				perm := rng.Perm(d.Rows())
				pm, err := scorecard.Build(permute(d, perm), opts)
				require.NoError(t, err)
				got, err := json.Marshal(pm.Card)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got), "%s %s: a reordering changed the card", name, method)
				// Same coefficients to the bit, too: the fit runs on sorted groups.
				require.Equal(t, m.Logit.Coef, pm.Logit.Coef)
				for r, p := range perm {
					require.Equal(t, m.TrainScores[p], pm.TrainScores[r])
				}
			}
		}
	}
}

// germanCreditIfPresent is germanCredit for tests that do more than read it: absent, they go on.
func germanCreditIfPresent(t *testing.T) (d scorecard.Data, ok bool) {
	t.Run("german_credit", func(t *testing.T) {
		d = germanCredit(t)
		ok = true
	})
	return d, ok
}

// simpson is a sample where a variable looks risky on its own but lowers risk among buyers alike
// in the other: its coefficient comes out negative.
func simpson() scorecard.Data {
	var d scorecard.Data
	x1 := scorecard.Column{Feature: "segment"}
	x2 := scorecard.Column{Feature: "channel"}
	add := func(a, b string, n, bad int) {
		for i := range n {
			x1.Categories = append(x1.Categories, a)
			x2.Categories = append(x2.Categories, b)
			d.Bad = append(d.Bad, i < bad)
		}
	}
	add("small", "offline", 400, 40)
	add("small", "online", 100, 5)
	add("large", "offline", 100, 60)
	add("large", "online", 400, 200)
	d.Columns = []scorecard.Column{x1, x2}
	return d
}

func TestBuild_DropsANonPositiveCoefficientAndRefits(t *testing.T) {
	d := simpson()
	opts := &scorecard.Options{Binning: scorecard.BinOptions{Method: scorecard.EachValue}}
	m, err := scorecard.Build(d, opts)
	require.NoError(t, err)
	require.Len(t, m.Variables, 1)
	assert.Equal(t, risk.Feature("segment"), m.Variables[0].Binning.Feature)
	require.Len(t, m.Dropped, 1)
	assert.Equal(t, risk.Feature("channel"), m.Dropped[0].Feature)
	assert.True(t, strings.HasPrefix(m.Dropped[0].Reason, "coefficient -"), m.Dropped[0].Reason)
	assert.Positive(t, m.Variables[0].Coef)

	opts.KeepNonPositive = true
	kept, err := scorecard.Build(d, opts)
	require.NoError(t, err)
	require.Len(t, kept.Variables, 2)
	assert.Negative(t, kept.Variables[1].Coef)
}

func TestBuild_FilterDropsWeakMissingAndConstantVariables(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 2000
	d := scorecard.Data{Bad: make([]bool, n)}
	strong := scorecard.Column{Feature: "days_late", Numbers: make([]float64, n)}
	noise := scorecard.Column{Feature: "noise", Numbers: make([]float64, n)}
	sparse := scorecard.Column{Feature: "sparse", Numbers: make([]float64, n), Missing: make([]bool, n)}
	constant := scorecard.Column{Feature: "constant", Categories: make([]string, n)}
	for r := range n {
		late := float64(rng.IntN(60))
		strong.Numbers[r] = late
		d.Bad[r] = rng.Float64() < 0.05+late/80
		noise.Numbers[r] = float64(rng.IntN(10))
		sparse.Numbers[r] = late
		sparse.Missing[r] = r%50 != 0 // 98% missing
		constant.Categories[r] = "cny"
		if r%100 == 0 {
			constant.Categories[r] = "usd" // 99% one value
		}
	}
	d.Columns = []scorecard.Column{strong, noise, sparse, constant}
	m, err := scorecard.Build(d, &scorecard.Options{Binning: scorecard.BinOptions{Method: scorecard.EqualFrequency, MaxBins: 5}})
	require.NoError(t, err)
	require.Len(t, m.Variables, 1)
	assert.Equal(t, risk.Feature("days_late"), m.Variables[0].Binning.Feature)
	reasons := map[risk.Feature]string{}
	for _, x := range m.Dropped {
		reasons[x.Feature] = x.Reason
	}
	assert.Contains(t, reasons["noise"], "iv ")
	assert.Contains(t, reasons["sparse"], "missing share 0.9800")
	assert.Contains(t, reasons["constant"], "identical-value share 0.9900")

	// Keep overrides the filter; the variable's missing bin gives its missing points.
	m, err = scorecard.Build(d, &scorecard.Options{Binning: scorecard.BinOptions{Method: scorecard.EqualFrequency, MaxBins: 5},
		Filter: scorecard.Filter{Keep: []risk.Feature{"sparse"}}, KeepNonPositive: true})
	require.NoError(t, err)
	require.Len(t, m.Variables, 2)
	sp := m.Variables[1]
	require.True(t, sp.Binning.HasMissingBin())
	assert.Equal(t, sp.Points[len(sp.Points)-1], sp.MissingPoints)
	assert.Equal(t, sp.MissingPoints, *m.Card.Attributes[1].MissingPoints)
}

func TestBuild_UnseenMissingRule(t *testing.T) {
	d := simpson()
	opts := &scorecard.Options{Binning: scorecard.BinOptions{Method: scorecard.EachValue}}
	m, err := scorecard.Build(d, opts)
	require.NoError(t, err)
	v := m.Variables[0]
	require.False(t, v.Binning.HasMissingBin())
	worst := min(v.Points[0], v.Points[1])
	assert.Equal(t, worst, v.MissingPoints, "by default a missing value gets the worst bin's points")
	opts.UnseenMissing = scorecard.MissingNeutral
	m, err = scorecard.Build(d, opts)
	require.NoError(t, err)
	assert.Zero(t, m.Variables[0].MissingPoints)
}

func TestBuild_ScalingAndGrades(t *testing.T) {
	d := simpson()
	opts := &scorecard.Options{Binning: scorecard.BinOptions{Method: scorecard.EachValue},
		Scaling: scorecard.Scaling{PDO: 20, BasePoints: 500, BaseOdds: 50, Odds: scorecard.GoodToBad, Places: 1},
		Grades:  []risk.GradeBand{{Grade: "A", MinScore: 520}, {Grade: "B", MinScore: 480}, {Grade: "C", MinScore: 0}}}
	m, err := scorecard.Build(d, opts)
	require.NoError(t, err)
	// 500 points at 50:1 good:bad, 20 more each time the good odds double.
	assert.InDelta(t, 500, m.Scaling.Points(-3.912023005428146), 1e-9) // ln(1/50)
	assert.InDelta(t, 520, m.Scaling.Points(-3.912023005428146-0.6931471805599453), 1e-9)
	for _, a := range m.Card.Attributes {
		for _, b := range a.Bins {
			assert.InDelta(t, b.Points, math.Round(b.Points*10)/10, 1e-9, "points rounded to one place")
		}
	}
	assert.Equal(t, opts.Grades, m.Card.Grades)
	// Higher score, better credit.
	v := m.Variables[0]
	small, large := v.Points[0], v.Points[1]
	assert.Greater(t, small, large, "the small segment is the safer one")
	// The same odds written bad:good give the same card.
	opts.Scaling.Odds, opts.Scaling.BaseOdds = scorecard.BadToGood, 1.0/50
	same, err := scorecard.Build(d, opts)
	require.NoError(t, err)
	a, err := json.Marshal(m.Card)
	require.NoError(t, err)
	b, err := json.Marshal(same.Card)
	require.NoError(t, err)
	assert.JSONEq(t, string(a), string(b))

	// Default grades: A to E at the quintiles, strictly decreasing.
	m, err = scorecard.Build(d, &scorecard.Options{Binning: scorecard.BinOptions{Method: scorecard.EachValue}})
	require.NoError(t, err)
	require.NotEmpty(t, m.Card.Grades)
	assert.Equal(t, risk.Grade("A"), m.Card.Grades[0].Grade)
	for i := 1; i < len(m.Card.Grades); i++ {
		assert.Less(t, m.Card.Grades[i].MinScore, m.Card.Grades[i-1].MinScore)
	}
}

// A Model is plain data a host keeps: written to JSON and read back, or copied and its Bins read,
// it scores the rows it scored, numeric and categorical variables alike. Before, Scores read
// breaks and category lists cached at binning time, which JSON does not carry: the model read
// back put every number in its first bin and refused every category.
func TestModelReadBackFromJSONScoresAsBuilt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	num, bad := randomColumn(rng, 2000, 0.1)
	cat := scorecard.Column{Feature: "segment", Categories: make([]string, len(bad))}
	for i := range cat.Categories {
		cat.Categories[i] = []string{"own", "rent", "family", "other"}[rng.IntN(4)]
		if bad[i] && rng.IntN(3) == 0 {
			cat.Categories[i] = "rent"
		}
	}
	d := scorecard.Data{Columns: []scorecard.Column{num, cat}, Bad: bad}
	m, err := scorecard.Build(d, &scorecard.Options{Filter: scorecard.Filter{Keep: []risk.Feature{num.Feature, "segment"}}})
	require.NoError(t, err)
	require.Len(t, m.Variables, 2)
	want, err := m.Scores(d)
	require.NoError(t, err)
	require.Equal(t, m.TrainScores, want)

	b, err := json.Marshal(m)
	require.NoError(t, err)
	var back scorecard.Model
	require.NoError(t, json.Unmarshal(b, &back))
	got, err := back.Scores(d)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// A nil Model scores nothing and says so; a nil or zero Binning has no missing bin, and writes
// its table (zero counts, a bad rate of 0, not NaN) to a writer, or refuses a nil one.
func TestModelAndBinningZeroValues(t *testing.T) {
	var m *scorecard.Model
	_, err := m.Scores(scorecard.Data{})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.EqualError(t, err, "scorecard: model: must be set")

	var nb *scorecard.Binning
	assert.False(t, nb.HasMissingBin())
	var zb scorecard.Binning
	var out strings.Builder
	require.NoError(t, zb.WriteTable(&out))
	assert.NotContains(t, out.String(), "NaN")
	for name, b := range map[string]*scorecard.Binning{"nil": nb, "zero": &zb} {
		err := b.WriteTable(nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		assert.EqualError(t, err, "scorecard: w: must be set", name)
	}
	assert.EqualError(t, nb.WriteTable(&out), "scorecard: binning: must be set")
}
