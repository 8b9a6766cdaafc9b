package scorecard_test

import (
	"errors"
	"iter"
	"math"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// small is a valid sample of 40 rows: days late and a trade, bad getting likelier with days late
// but not determined by them.
func small() scorecard.Data {
	var d scorecard.Data
	late := scorecard.Column{Feature: "days_late"}
	trade := scorecard.Column{Feature: "trade"}
	for r := range 40 {
		late.Numbers = append(late.Numbers, float64(r%10))
		trade.Categories = append(trade.Categories, []string{"restaurant", "canteen"}[r%2])
		d.Bad = append(d.Bad, r%10 >= 5 && r%3 != 0 || r%10 < 5 && r%7 == 0)
	}
	d.Columns = []scorecard.Column{late, trade}
	return d
}

// TestR24_BuildRefusesBadInputNamingTheField: every bad input is an error matching b2bkit.ErrInvalid
// that names what was wrong, and nothing panics.
func TestR24_BuildRefusesBadInputNamingTheField(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *scorecard.Data, o *scorecard.Options)
		want   string
	}{
		{"no rows", func(d *scorecard.Data, o *scorecard.Options) { *d = scorecard.Data{Columns: d.Columns} }, "data.bad: must have at least one row"},
		{"one class", func(d *scorecard.Data, o *scorecard.Options) {
			for i := range d.Bad {
				d.Bad[i] = false
			}
		}, "data.bad: has 0 bad of 40 rows"},
		{"all missing", func(d *scorecard.Data, o *scorecard.Options) {
			d.Columns[0].Missing = make([]bool, 40)
			for i := range d.Columns[0].Missing {
				d.Columns[0].Missing[i] = true
			}
		}, "data.columns[0]: every row is missing"},
		{"NaN", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[0].Numbers[3] = math.NaN() }, "data.columns[0].numbers[3]: days_late is NaN"},
		{"Inf", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[0].Numbers[4] = math.Inf(-1) }, "data.columns[0].numbers[4]: days_late is -Inf"},
		{"absurd number", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[0].Numbers[5] = 1e300 }, "data.columns[0].numbers[5]"},
		{"fewer rows than variables", func(d *scorecard.Data, o *scorecard.Options) {
			d.Bad = d.Bad[:3]
			d.Bad[0], d.Bad[1] = true, false
			for i := range d.Columns {
				if d.Columns[i].Numbers != nil {
					d.Columns[i].Numbers = d.Columns[i].Numbers[:3]
				} else {
					d.Columns[i].Categories = d.Columns[i].Categories[:3]
				}
			}
			d.Columns = append(d.Columns, numbers("extra", 1, 2, 3), numbers("more", 1, 2, 3))
		}, "data.columns: has 4 variables for 3 rows"},
		{"length", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[0].Numbers = d.Columns[0].Numbers[:39] }, "data.columns[0].numbers: has 39 rows, the outcome 40"},
		{"missing length", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[1].Missing = []bool{true} }, "data.columns[1].missing: has 1 rows"},
		{"repeated feature", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[1].Feature = "days_late" }, "data.columns[1].feature: days_late is already columns[0]"},
		{"feature not snake case", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[1].Feature = "Trade Type" }, "data.columns[1].feature: must be a feature name"},
		{"empty category", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[1].Categories[7] = "" }, "data.columns[1].categories[7]: is empty"},
		{"numbers and categories", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[1].Numbers = make([]float64, 40) }, "data.columns[1]: has both numbers and categories"},
		{"neither", func(d *scorecard.Data, o *scorecard.Options) { d.Columns[1].Categories = nil }, "data.columns[1]: has neither"},
		{"no columns", func(d *scorecard.Data, o *scorecard.Options) { d.Columns = nil }, "data.columns: must have at least one column"},
		{"right-closed", func(d *scorecard.Data, o *scorecard.Options) { o.Binning.Closed = scorecard.RightClosed }, "options.binning.closed: must be left"},
		{"max bins", func(d *scorecard.Data, o *scorecard.Options) { o.Binning.MaxBins = 1000 }, "options.binning.max_bins: is 1000"},
		{"min share", func(d *scorecard.Data, o *scorecard.Options) { o.Binning.MinBinShare = math.NaN() }, "options.binning.min_bin_share"},
		{"breaks not increasing", func(d *scorecard.Data, o *scorecard.Options) {
			o.Features = map[risk.Feature]scorecard.BinOptions{"days_late": {Breaks: []float64{5, 3}}}
		}, "options.features.days_late.breaks[1]: is 3: must be above breaks[0] 5"},
		{"breaks on a category", func(d *scorecard.Data, o *scorecard.Options) {
			o.Features = map[risk.Feature]scorecard.BinOptions{"trade": {Breaks: []float64{5}}}
		}, "options.features.trade.breaks: the variable is categorical"},
		{"group misses a category", func(d *scorecard.Data, o *scorecard.Options) {
			o.Features = map[risk.Feature]scorecard.BinOptions{"trade": {Groups: [][]string{{"restaurant"}}}}
		}, `options.features.trade.groups: category "canteen" of the data is in no group`},
		{"unknown feature option", func(d *scorecard.Data, o *scorecard.Options) {
			o.Features = map[risk.Feature]scorecard.BinOptions{"tenure": {}}
		}, "options.features.tenure: is no column of the data"},
		{"scaling", func(d *scorecard.Data, o *scorecard.Options) { o.Scaling.PDO = -20 }, "options.scaling.pdo: is -20"},
		{"odds", func(d *scorecard.Data, o *scorecard.Options) { o.Scaling.BaseOdds = math.Inf(1) }, "options.scaling.base_odds"},
		{"l2", func(d *scorecard.Data, o *scorecard.Options) { o.Fit.L2 = -1 }, "options.fit.l2: is -1"},
		{"filter", func(d *scorecard.Data, o *scorecard.Options) { o.Filter.MaxMissingShare = 2 }, "options.filter.max_missing_share: is 2"},
		{"keep an unknown variable", func(d *scorecard.Data, o *scorecard.Options) { o.Filter.Keep = []risk.Feature{"trade", "tenure"} }, "options.filter.keep[1]: tenure is no column of the data"},
		{"nothing passes the filter", func(d *scorecard.Data, o *scorecard.Options) { o.Filter.MinIV = 100 }, "data.columns: no variable passes the filter"},
		{"singular", func(d *scorecard.Data, o *scorecard.Options) {
			twin := d.Columns[0]
			twin.Feature = "days_late_again"
			d.Columns = append(d.Columns, twin)
			o.KeepNonPositive = true
		}, "regression: the design is singular"},
		{"separable", func(d *scorecard.Data, o *scorecard.Options) {
			for i := range d.Bad {
				d.Bad[i] = d.Columns[0].Numbers[i] >= 5
			}
			o.Binning.Method = scorecard.EachValue
		}, "regression: the design is separable"},
		{"too many bins for a card", func(d *scorecard.Data, o *scorecard.Options) {
			d.Columns[0].Numbers = make([]float64, 40)
			for i := range d.Columns[0].Numbers {
				d.Columns[0].Numbers[i] = float64(i)
			}
			d.Columns[0].Numbers = append(d.Columns[0].Numbers, make([]float64, 300)...)
			for i := 40; i < 340; i++ {
				d.Columns[0].Numbers[i] = float64(i)
				d.Bad = append(d.Bad, i%3 == 0)
			}
			d.Columns[1].Categories = append(d.Columns[1].Categories, make([]string, 300)...)
			for i := 40; i < 340; i++ {
				d.Columns[1].Categories[i] = "hotel"
			}
			o.Binning.Method = scorecard.EachValue
			o.Filter.Keep = []risk.Feature{"days_late"}
		}, "data.columns[0]: days_late has 340 bins, a card at most 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, o := small(), &scorecard.Options{}
			tt.change(&d, o)
			m, err := scorecard.Build(d, o)
			require.Error(t, err)
			require.Nil(t, m)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, tt.want)
		})
	}
	// The sample itself builds: the errors above come from the one change each makes.
	_, err := scorecard.Build(small(), nil)
	require.NoError(t, err)
}

func numbers(name risk.Feature, xs ...float64) scorecard.Column {
	return scorecard.Column{Feature: name, Numbers: xs}
}

func TestR24_BuildReportsEveryProblemAtOnce(t *testing.T) {
	d := small()
	d.Columns[0].Numbers[1] = math.NaN()
	d.Columns[1].Categories[2] = ""
	_, err := scorecard.Build(d, &scorecard.Options{Scaling: scorecard.Scaling{Places: 9}})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, want := range []string{"data.columns[0].numbers[1]", "data.columns[1].categories[2]", "options.scaling.places"} {
		require.ErrorContains(t, err, want)
	}
}

func TestR24_BinColumnRefusesBadInput(t *testing.T) {
	bad := []bool{true, false, true, false}
	tests := []struct {
		name string
		col  scorecard.Column
		bad  []bool
		opts *scorecard.BinOptions
		want string
	}{
		{"one class", numbers("x", 1, 2, 3, 4), []bool{true, true, true, true}, nil, "bad: has 4 bad of 4 rows"},
		{"all missing", scorecard.Column{Feature: "x", Numbers: []float64{1, 2, 3, 4}, Missing: []bool{true, true, true, true}}, bad, nil, "column: every row is missing"},
		{"NaN", numbers("x", 1, math.NaN(), 3, 4), bad, nil, "column.numbers[1]"},
		{"Inf", numbers("x", 1, 2, math.Inf(1), 4), bad, nil, "column.numbers[2]"},
		{"length", numbers("x", 1, 2, 3), bad, nil, "column.numbers: has 3 rows, the outcome 4"},
		{"groups on numbers", numbers("x", 1, 2, 3, 4), bad, &scorecard.BinOptions{Groups: [][]string{{"a"}}}, "options.groups: the variable is numeric"},
		{"repeated group", scorecard.Column{Feature: "x", Categories: []string{"a", "b", "a", "b"}}, bad,
			&scorecard.BinOptions{Groups: [][]string{{"a"}, {"b", "a"}}}, `options.groups[1][1]: "a" is already in groups[0]`},
		{"breaks NaN", numbers("x", 1, 2, 3, 4), bad, &scorecard.BinOptions{Breaks: []float64{math.NaN()}}, "options.breaks[0]"},
		{"unknown method", numbers("x", 1, 2, 3, 4), bad, &scorecard.BinOptions{Method: 9}, "options.method: unknown method 9"},
		{"empty cell refused", numbers("x", 1, 2, 3, 4), bad, &scorecard.BinOptions{Method: scorecard.EachValue, EmptyCell: scorecard.EmptyCellError}, "x.bins[0]: bin [-inf, 2) has 0 good and 1 bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scorecard.BinColumn(tt.col, tt.bad, tt.opts)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestR24_FitLogisticRefusesBadDesigns(t *testing.T) {
	x := func(rows ...[]float64) [][]float64 { return rows }
	bad := []bool{false, false, true, false, true, true}
	tests := []struct {
		name string
		x    [][]float64
		bad  []bool
		opts *scorecard.FitOptions
		want string
	}{
		{"separable", x([]float64{1}, []float64{2}, []float64{3}, []float64{4}, []float64{5}, []float64{6}), []bool{false, false, false, true, true, true}, nil, "the design is separable"},
		{"constant column", x([]float64{1, 2}, []float64{1, 3}, []float64{1, 1}, []float64{1, 5}, []float64{1, 2}, []float64{1, 4}), bad, nil, "the design is singular"},
		{"collinear columns", x([]float64{1, 2}, []float64{2, 4}, []float64{3, 6}, []float64{4, 8}, []float64{2, 4}, []float64{1, 2}), bad, nil, "the design is singular"},
		{"fewer rows than parameters", x([]float64{1, 2, 3}, []float64{2, 1, 0}, []float64{0, 0, 1}), []bool{true, false, true}, nil, "x: has 3 rows for 4 parameters"},
		{"NaN", x([]float64{1}, []float64{math.NaN()}, []float64{3}, []float64{4}, []float64{2}, []float64{1}), bad, nil, "x[1][0]: is NaN"},
		{"ragged", x([]float64{1}, []float64{2, 3}, []float64{3}, []float64{4}, []float64{2}, []float64{1}), bad, nil, "x[1]: has 2 values"},
		{"one class", x([]float64{1}, []float64{2}, []float64{3}, []float64{4}), []bool{false, false, false, false}, nil, "bad: has 0 bad"},
		{"length", x([]float64{1}, []float64{2}), bad, nil, "x: has 2 rows, the outcome 6"},
		{"not converged", x([]float64{1}, []float64{2}, []float64{3}, []float64{4}, []float64{5}, []float64{6}), bad, &scorecard.FitOptions{MaxIter: 1}, "did not converge in 1 iterations"},
		{"options", x([]float64{1}, []float64{2}, []float64{3}, []float64{4}, []float64{5}, []float64{6}), bad, &scorecard.FitOptions{Tol: 2}, "options.tol: is 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scorecard.FitLogistic(tt.x, tt.bad, tt.opts)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestR24_AssessAndScoresRefuseBadInput(t *testing.T) {
	_, err := scorecard.Assess([]float64{1, math.NaN()}, []bool{true, false}, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "scores[1]")
	_, err = scorecard.Assess([]float64{1, 2}, []bool{true, true}, nil)
	require.ErrorContains(t, err, "must hold both good and bad")
	_, err = scorecard.Assess([]float64{1, 2}, []bool{true, false}, &scorecard.AssessOptions{Bands: -1})
	require.ErrorContains(t, err, "options.bands")
	_, err = scorecard.Assess([]float64{1, 2}, []bool{true, false}, &scorecard.AssessOptions{Baseline: []float64{1, math.Inf(1)}})
	require.ErrorContains(t, err, "options.baseline[1]")

	_, err = scorecard.Build(small(), &scorecard.Options{Filter: scorecard.Filter{Keep: []risk.Feature{"days_late", "trade"}}})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "data.columns[1]: trade is kept in one bin")
	m, err := scorecard.Build(small(), &scorecard.Options{Filter: scorecard.Filter{Keep: []risk.Feature{"days_late", "trade"}}, KeepNonPositive: true,
		Binning: scorecard.BinOptions{Method: scorecard.EachValue}})
	require.NoError(t, err)
	require.Len(t, m.Variables, 2)
	d := small()
	d.Columns[1].Categories[3] = "hotel"
	_, err = m.Scores(d)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, `data.columns[1].categories[3]: category "hotel" is in no bin`)
	d = small()
	d.Columns[0].Numbers[2] = math.Inf(1)
	_, err = m.Scores(d)
	require.ErrorContains(t, err, "data.columns[0].numbers[2]")
	_, err = m.Scores(scorecard.Data{Columns: d.Columns[1:]})
	require.ErrorContains(t, err, "has no column days_late")
}

func TestR24_CollectRefusesInconsistentSamples(t *testing.T) {
	num := func(s string) risk.Value { return risk.Value{Number: decimal.RequireFromString(s)} }
	sample := func(vals map[risk.Feature]risk.Value) scorecard.Sample {
		return scorecard.Sample{Features: risk.FeatureSet{Values: risk.ValuesOf(vals)}}
	}
	_, err := scorecard.Collect(seq([]scorecard.Sample{
		sample(map[risk.Feature]risk.Value{"trade": {Category: "hotel"}}),
		sample(map[risk.Feature]risk.Value{"trade": num("3")}),
	}), nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "samples[1].features.values.trade: mixes numbers and categories")
	_, err = scorecard.Collect(seq([]scorecard.Sample{sample(map[risk.Feature]risk.Value{"a": num("1")})}), []risk.Feature{"a", "b"})
	require.ErrorContains(t, err, "samples[0].features.values.b: absent")
	cursor := errors.New("cursor closed")
	failing := func(yield func(scorecard.Sample, error) bool) {
		if yield(sample(map[risk.Feature]risk.Value{"a": num("1")}), nil) {
			yield(scorecard.Sample{}, cursor)
		}
	}
	_, err = scorecard.Collect(iter.Seq2[scorecard.Sample, error](failing), nil)
	require.ErrorIs(t, err, cursor, "a failing stream fails the data, not a shorter sample")
	_, err = scorecard.Collect(nil, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	d, err := scorecard.Collect(seq([]scorecard.Sample{}), []risk.Feature{"a"})
	require.NoError(t, err)
	require.ErrorContains(t, d.Validate(), "data.bad: must have at least one row")
}
