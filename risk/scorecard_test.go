package risk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scAsOf is the date the test feature sets are computed at.
var scAsOf = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// scFeatures builds a feature set in CNY at scale 2: a value "-" is missing, "cat:x" the category x,
// anything else a decimal.
func scFeatures(values map[risk.Feature]string) risk.FeatureSet {
	fs := risk.FeatureSet{Company: "B-1", AsOf: scAsOf, Currency: "CNY", Scale: 2, Values: risk.ValuesOf(nil)}
	for f, s := range values {
		switch {
		case s == "-":
			fs.Values.Set(f, risk.Value{Missing: true})
		case strings.HasPrefix(s, "cat:"):
			fs.Values.Set(f, risk.Value{Category: strings.TrimPrefix(s, "cat:")})
		default:
			fs.Values.Set(f, risk.Value{Number: dectest.Dec(s)})
		}
	}
	return fs
}

// scGoodBuyer is a feature set the default card grades A: long tenure, good volume, pays on time.
func scGoodBuyer() map[risk.Feature]string {
	return map[risk.Feature]string{
		risk.TenureMonths:        "30",
		risk.AvgMonthlyValue12:   "84000.00",
		risk.Trend:               "1.05",
		risk.OnTimeRate:          "0.97",
		risk.DaysPastDue:         "0",
		risk.WorstDaysPastDue12:  "0",
		risk.DisputeRate:         "0.004",
		risk.SellerConcentration: "0.45",
		risk.KeyPersonLost:       "0",
		risk.Penetration:         "0.4",
		risk.UsualCreditDays:     "45",
	}
}

func scPts(x float64) *float64 { return &x }

func scDec(s string) *decimal.Decimal {
	d := dectest.Dec(s)
	return &d
}

// scSmallCard is a card of two attributes, one numeric and one categorical, with hand-picked points.
func scSmallCard() risk.Scorecard {
	return risk.Scorecard{
		Name: "small",
		Base: 100,
		Attributes: []risk.Attribute{
			{Feature: risk.OnTimeRate, MissingPoints: scPts(-5), Bins: []risk.Bin{
				{Max: scDec("0.7"), Points: -40},
				{Min: scDec("0.7"), Max: scDec("0.95"), Points: 0},
				{Min: scDec("0.95"), Points: 20},
			}},
			{Feature: "industry", Code: "R_INDUSTRY", MissingPoints: scPts(0), Bins: []risk.Bin{
				{Categories: []string{"food", "retail"}, Points: 10},
				{Categories: []string{"mining"}, Points: -10},
			}},
		},
		Grades: []risk.GradeBand{{Grade: "A", MinScore: 120}, {Grade: "B", MinScore: 90}, {Grade: "C", MinScore: 60}},
	}
}

func TestR17_DefaultScorecardIsValidAndRoundTrips(t *testing.T) {
	card := risk.DefaultScorecard()
	require.NoError(t, card.Validate())
	assert.GreaterOrEqual(t, len(card.Attributes), 8)

	data, err := json.Marshal(card)
	require.NoError(t, err)
	back, err := risk.LoadScorecard(bytes.NewReader(data))
	require.NoError(t, err)
	again, err := json.Marshal(back)
	require.NoError(t, err)
	require.JSONEq(t, string(data), string(again))
	assert.Contains(t, string(data), `"max":"0.9500"`, "bounds travel as decimal strings")

	// A loaded card keeps the scale of its edges and shares each edge between two bins.
	on := back.Attributes[3]
	require.Equal(t, risk.OnTimeRate, on.Feature)
	assert.Equal(t, int32(-4), on.Bins[1].Max.Exponent())
	assert.Same(t, on.Bins[0].Max, on.Bins[1].Min)

	// The two cards score alike.
	fs := scFeatures(scGoodBuyer())
	r1, err := card.Score(fs)
	require.NoError(t, err)
	r2, err := back.Score(fs)
	require.NoError(t, err)
	assert.Equal(t, r1.Score, r2.Score)
	assert.Equal(t, r1.Grade, r2.Grade)
}

func TestR17_ScoreFindsTheBinLeftClosed(t *testing.T) {
	card := scSmallCard()
	require.NoError(t, card.Validate())
	tests := []struct {
		name     string
		onTime   string
		industry string
		bin      int
		score    float64
		grade    risk.Grade
	}{
		{"far below", "0.1", "cat:food", 0, 100 - 40 + 10, "C"},
		{"just below an edge", "0.6999", "cat:food", 0, 70, "C"},
		{"on an edge is in the upper bin", "0.7", "cat:food", 1, 110, "B"},
		{"an edge written with more places", "0.7000", "cat:retail", 1, 110, "B"},
		{"an edge at another exponent", "0.95000000000000000", "cat:food", 2, 130, "A"},
		{"just below the last edge", "0.9499999999999999999", "cat:food", 1, 110, "B"},
		{"above every edge", "12345678901234567890123.5", "cat:mining", 2, 110, "B"},
		{"below every edge, huge", "-12345678901234567890123.5", "cat:mining", 0, 50, "C"},
		{"negative", "-0.7", "cat:food", 0, 70, "C"},
		{"missing", "-", "cat:food", -1, 105, "B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := card.Score(scFeatures(map[risk.Feature]string{risk.OnTimeRate: tt.onTime, "industry": tt.industry}))
			require.NoError(t, err)
			assert.Equal(t, tt.bin, r.Points()[0].Bin)
			assert.Equal(t, tt.score, r.Score)
			assert.Equal(t, tt.grade, r.Grade)
			assert.Equal(t, r.Score, card.Base+r.Points()[0].Points+r.Points()[1].Points, "score is base plus points")
		})
	}
}

func TestR17_ScoreMissingValueGetsMissingPoints(t *testing.T) {
	card := risk.DefaultScorecard()
	values := scGoodBuyer()
	values[risk.Trend] = "-"
	values[risk.Penetration] = "-"
	r, err := card.Score(scFeatures(values))
	require.NoError(t, err)
	for i, p := range r.Points() {
		a := card.Attributes[i]
		if a.Feature == risk.Trend || a.Feature == risk.Penetration {
			assert.Equal(t, -1, p.Bin, a.Feature)
			assert.Equal(t, *a.MissingPoints, p.Points, a.Feature)
			assert.True(t, p.Value.Missing)
		} else {
			assert.GreaterOrEqual(t, p.Bin, 0, a.Feature)
		}
	}
}

func TestR17_ScoreErrorsNameTheFeature(t *testing.T) {
	card := scSmallCard()
	tests := []struct {
		name   string
		values map[risk.Feature]string
		want   string
	}{
		{"absent feature", map[risk.Feature]string{risk.OnTimeRate: "0.9"}, "features.values.industry: absent"},
		{"category in no bin", map[risk.Feature]string{risk.OnTimeRate: "0.9", "industry": "cat:banking"}, `features.values.industry: category "banking" is in no bin`},
		{"number for a categorical attribute", map[risk.Feature]string{risk.OnTimeRate: "0.9", "industry": "3"}, "features.values.industry: has no category"},
		{"category for a numeric attribute", map[risk.Feature]string{risk.OnTimeRate: "cat:good", "industry": "cat:food"}, "features.values.on_time_rate: has category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := card.Score(scFeatures(tt.values))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "risk: "), err.Error())
		})
	}
}

func TestR17_ScoreRefusesAnotherCurrency(t *testing.T) {
	fs := scFeatures(scGoodBuyer())
	fs.Currency = "USD"
	_, err := risk.DefaultScorecard().Score(fs)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Contains(t, err.Error(), "features.currency")
}

func TestR17_ReasonsWorstFirstTiesInCardOrder(t *testing.T) {
	card := risk.DefaultScorecard()
	values := scGoodBuyer()
	values[risk.OnTimeRate] = "0.8"        // -20 of best 20: lost 40
	values[risk.DaysPastDue] = "20"        // -30 of best 10: lost 40, later in the card
	values[risk.TenureMonths] = "8"        // 0 of best 25: lost 25
	values[risk.SellerConcentration] = "-" // -5 of best 5: lost 10
	r, err := card.Score(scFeatures(values))
	require.NoError(t, err)

	var codes []string
	for _, rs := range r.Reasons() {
		codes = append(codes, rs.Code)
		assert.Equal(t, rs.Best-rs.Points, rs.Lost, rs.Code)
		assert.Greater(t, rs.Lost, 0.0, rs.Code)
	}
	// Also lost: volume 84000 is 10 of best 25 (15), trend 1.05 is 0 of 10, penetration 0.4 is 10 of 20.
	assert.Equal(t, []string{"R_ON_TIME", "R_PAST_DUE", "R_TENURE", "R_VOLUME", "R_TREND", "R_CONCENTRATION", "R_PENETRATION"}, codes)
	assert.Equal(t, 40.0, r.Reasons()[0].Lost)
	assert.Equal(t, risk.OnTimeRate, r.Reasons()[0].Feature)
	dectest.RequireEqual(t, dectest.Dec("0.8"), r.Reasons()[0].Value.Number)
}

func TestR17_ReasonCodeDefaultsToTheFeature(t *testing.T) {
	card := scSmallCard()
	r, err := card.Score(scFeatures(map[risk.Feature]string{risk.OnTimeRate: "0.5", "industry": "cat:mining"}))
	require.NoError(t, err)
	require.Len(t, r.Reasons(), 2)
	assert.Equal(t, "R_ON_TIME_RATE", r.Reasons()[0].Code) // lost 60
	assert.Equal(t, "R_INDUSTRY", r.Reasons()[1].Code)     // lost 20

	best := scFeatures(map[risk.Feature]string{risk.OnTimeRate: "0.99", "industry": "cat:food"})
	r, err = card.Score(best)
	require.NoError(t, err)
	assert.Empty(t, r.Reasons(), "a buyer with the best of everything has no reasons")
}

func TestR17_GradeBands(t *testing.T) {
	card := risk.DefaultScorecard()
	tests := []struct {
		score float64
		want  risk.Grade
	}{
		{745, "A"}, {680, "A"}, {679.999, "B"}, {640, "B"}, {600, "C"}, {599, "D"}, {560, "D"},
		{559, "E"}, {0, "E"}, {-50, "E"}, {math.NaN(), "E"}, {math.Inf(-1), "E"}, {math.Inf(1), "A"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, card.Grade(tt.score), "score %v", tt.score)
	}
	assert.Equal(t, risk.Grade(""), risk.Scorecard{}.Grade(700), "a card without bands grades nothing")
}

func TestR17_DefaultScorecardGradesTypicalBuyers(t *testing.T) {
	card := risk.DefaultScorecard()
	good, err := card.Score(scFeatures(scGoodBuyer()))
	require.NoError(t, err)
	// 600 + 25 + 10 + 0 + 20 + 10 + 15 + 10 + 0 + 5 + 10
	assert.Equal(t, 705.0, good.Score)
	assert.Equal(t, risk.Grade("A"), good.Grade)

	late := scGoodBuyer()
	late[risk.DaysPastDue] = "75"
	late[risk.WorstDaysPastDue12] = "75"
	late[risk.OnTimeRate] = "0.6"
	bad, err := card.Score(scFeatures(late))
	require.NoError(t, err)
	// 705 - (10+100) - (15+50) - (20+45)
	assert.Equal(t, 465.0, bad.Score)
	assert.Equal(t, risk.Grade("E"), bad.Grade)

	newBuyer := map[risk.Feature]string{
		risk.TenureMonths: "4", risk.AvgMonthlyValue12: "30000", risk.Trend: "-", risk.OnTimeRate: "-",
		risk.DaysPastDue: "0", risk.WorstDaysPastDue12: "0", risk.DisputeRate: "0", risk.SellerConcentration: "1",
		risk.KeyPersonLost: "-", risk.Penetration: "-",
	}
	nb, err := card.Score(scFeatures(newBuyer))
	require.NoError(t, err)
	// 600 - 15 + 0 - 5 - 10 + 10 + 15 + 10 - 10 + 0 - 5: a clean new buyer starts in D.
	assert.Equal(t, 590.0, nb.Score)
	assert.Equal(t, risk.Grade("D"), nb.Grade)
}

// scValueIn returns a random decimal in [min, max) at up to 6 places; an open end reaches 10^6 beyond
// the other (or beyond 0 when both are open).
func scValueIn(rng *rand.Rand, b risk.Bin) decimal.Decimal {
	lo, hi := decimal.NewFromInt(-1_000_000), decimal.NewFromInt(1_000_000)
	switch {
	case b.Min != nil && b.Max != nil:
		lo, hi = *b.Min, *b.Max
	case b.Min != nil:
		lo, hi = *b.Min, b.Min.Add(decimal.NewFromInt(1_000_000))
	case b.Max != nil:
		lo, hi = b.Max.Sub(decimal.NewFromInt(1_000_000)), *b.Max
	}
	places := int32(rng.IntN(7))
	span := hi.Sub(lo).Shift(places).Floor() // whole steps of 10^-places in [lo, hi)
	if !span.IsPositive() {
		return lo
	}
	step := decimal.NewFromInt(rng.Int64N(span.IntPart()))
	return lo.Add(step.Shift(-places))
}

// TestR17_ScoreDoesNotMoveWithinABin: a property of every valid card: moving a feature anywhere
// within its bin leaves every attribute's points, and so the score, unchanged.
func TestR17_ScoreDoesNotMoveWithinABin(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 2026))
	card := risk.DefaultScorecard()
	for range 300 {
		// Pick a bin for every attribute, then two values in it.
		bins := make([]int, len(card.Attributes))
		first, second := map[risk.Feature]risk.Value{}, map[risk.Feature]risk.Value{}
		for i, a := range card.Attributes {
			bins[i] = rng.IntN(len(a.Bins))
			first[a.Feature] = risk.Value{Number: scValueIn(rng, a.Bins[bins[i]])}
			second[a.Feature] = risk.Value{Number: scValueIn(rng, a.Bins[bins[i]])}
		}
		fs1, fs2 := scFeatures(nil), scFeatures(nil)
		fs1.Values, fs2.Values = risk.ValuesOf(first), risk.ValuesOf(second)
		r1, err := card.Score(fs1)
		require.NoError(t, err)
		r2, err := card.Score(fs2)
		require.NoError(t, err)
		require.Equal(t, r1.Score, r2.Score)
		for i := range card.Attributes {
			require.Equal(t, bins[i], r1.Points()[i].Bin, "%s = %s", card.Attributes[i].Feature, r1.Points()[i].Value.Number)
			require.Equal(t, bins[i], r2.Points()[i].Bin, "%s = %s", card.Attributes[i].Feature, r2.Points()[i].Value.Number)
		}
	}
}

// TestR17_ScoreIsBasePlusPointsAndReasonsAreConsistent: for random buyers, the score is the base plus
// the points, the grade is the card's grade of it, and the reasons are exactly the attributes that
// lost points, sorted by loss.
func TestR17_ScoreIsBasePlusPointsAndReasonsAreConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 30))
	card := risk.DefaultScorecard()
	for range 300 {
		fs := scFeatures(nil)
		for _, a := range card.Attributes {
			if rng.IntN(8) == 0 {
				fs.Values.Set(a.Feature, risk.Value{Missing: true})
				continue
			}
			fs.Values.Set(a.Feature, risk.Value{Number: scValueIn(rng, a.Bins[rng.IntN(len(a.Bins))])})
		}
		r, err := card.Score(fs)
		require.NoError(t, err)
		sum, losers := card.Base, 0
		for i, p := range r.Points() {
			sum += p.Points
			a := card.Attributes[i]
			best := *a.MissingPoints
			for _, b := range a.Bins {
				best = max(best, b.Points)
			}
			if p.Points < best {
				losers++
			}
		}
		require.Equal(t, sum, r.Score)
		require.Equal(t, card.Grade(r.Score), r.Grade)
		require.Len(t, r.Reasons(), losers)
		for i := 1; i < len(r.Reasons()); i++ {
			require.GreaterOrEqual(t, r.Reasons()[i-1].Lost, r.Reasons()[i].Lost)
		}
	}
}

// scErrFields are the field paths of every problem a joined validation error reports.
func scErrFields(t *testing.T, err error) []string {
	t.Helper()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	var fields []string
	var walk func(error)
	walk = func(e error) {
		var fe *b2bkit.FieldError
		switch x := e.(type) {
		case interface{ Unwrap() []error }:
			for _, y := range x.Unwrap() {
				walk(y)
			}
		default:
			if errors.As(e, &fe) {
				fields = append(fields, fe.Field)
			}
		}
	}
	walk(errors.Unwrap(err)) // below "risk: "
	return fields
}

func TestR25_ScorecardValidateReportsEveryProblem(t *testing.T) {
	nan := math.NaN()
	card := risk.Scorecard{
		Name:     "",
		Currency: "yuan",
		Base:     math.Inf(1),
		Attributes: []risk.Attribute{
			{Feature: risk.OnTimeRate, MissingPoints: scPts(0), Bins: []risk.Bin{
				{Min: scDec("0"), Max: scDec("0.7"), Points: 1},    // first bin closed below
				{Min: scDec("0.8"), Max: scDec("0.9"), Points: 2},  // gap 0.7-0.8
				{Min: scDec("0.9"), Max: scDec("0.85"), Points: 3}, // min >= max
				{Min: scDec("0.85"), Max: scDec("1"), Points: nan}, // closed above, NaN
			}},
			{Feature: risk.OnTimeRate, Bins: []risk.Bin{{Points: 0}}}, // duplicate feature, no missing points
			{Feature: "Bad Name", MissingPoints: scPts(0)},            // not snake case, no bins
			{Feature: "industry", MissingPoints: scPts(0), Bins: []risk.Bin{
				{Categories: []string{"food", "food"}, Points: 1}, // repeated category
				{Min: scDec("1"), Categories: []string{"x"}},      // mixed
				{Points: 3}, // no categories
			}},
			{Feature: "a", Code: "R_A", MissingPoints: scPts(0), Bins: []risk.Bin{{}}},
			{Feature: "b", Code: "R_A", MissingPoints: scPts(2e9), Bins: []risk.Bin{{}}}, // repeated code, points too large
			{Feature: "c", MissingPoints: scPts(0), Bins: []risk.Bin{
				{Max: scDec("1")}, {Max: scDec("2")}, {Min: scDec("2")}, // second bin open below
			}},
			{Feature: "d", MissingPoints: scPts(0), Bins: []risk.Bin{
				{Max: scPtr(decimal.New(1, 1000))}, {Min: scPtr(decimal.New(1, 1000))}, // absurd exponent
			}},
		},
		Grades: []risk.GradeBand{{Grade: "A", MinScore: 10}, {Grade: "A", MinScore: 20}, {Grade: "", MinScore: nan}},
	}
	fields := scErrFields(t, card.Validate())
	want := []string{
		"scorecard.name",
		"scorecard.currency",
		"scorecard.base",
		"scorecard.attributes[0].bins[0].min",
		"scorecard.attributes[0].bins[1].min",
		"scorecard.attributes[0].bins[2].max",
		"scorecard.attributes[0].bins[3].points",
		"scorecard.attributes[0].bins[3].max",
		"scorecard.attributes[1].feature",
		"scorecard.attributes[1].code",
		"scorecard.attributes[1].missing_points",
		"scorecard.attributes[2].feature",
		"scorecard.attributes[2].bins",
		"scorecard.attributes[3].bins[0].categories[1]",
		"scorecard.attributes[3].bins[1]",
		"scorecard.attributes[3].bins[2].categories",
		"scorecard.attributes[5].code",
		"scorecard.attributes[5].missing_points",
		"scorecard.attributes[6].bins[1].min",
		"scorecard.attributes[7].bins[0].max",
		"scorecard.attributes[7].bins[1].min",
		"scorecard.grades[1].grade",
		"scorecard.grades[1].min_score",
		"scorecard.grades[2].grade",
		"scorecard.grades[2].min_score",
	}
	assert.ElementsMatch(t, want, fields)
}

func scPtr[T any](v T) *T { return &v }

func TestR25_ScorecardValidateEmptyCard(t *testing.T) {
	fields := scErrFields(t, risk.Scorecard{Name: "x"}.Validate())
	assert.ElementsMatch(t, []string{"scorecard.attributes", "scorecard.grades"}, fields)
}

func TestR25_LoadScorecardIsStrict(t *testing.T) {
	good, err := json.Marshal(scSmallCard())
	require.NoError(t, err)
	_, err = risk.LoadScorecard(bytes.NewReader(good))
	require.NoError(t, err)

	tests := []struct {
		name, doc, want string
	}{
		{"unknown field at the top", `{"name":"x","typo":1}`, "unknown field"},
		{"unknown field in a bin", strings.Replace(string(good), `"points":-40`, `"points":-40,"pts":1`, 1), "unknown field"},
		{"unknown field in an attribute", strings.Replace(string(good), `"code":"R_INDUSTRY"`, `"code":"R_INDUSTRY","weight":2`, 1), "unknown field"},
		{"exponent in a bound", strings.Replace(string(good), `"0.95"`, `"95e-2"`, -1), "exponents"},
		{"trailing data", string(good) + `{}`, "after the value"},
		{"not json", `{"name":`, "scorecard"},
		{"valid json, invalid card", `{"name":"x","base":0,"attributes":[],"grades":[]}`, "scorecard.attributes"},
		{"missing points absent", strings.Replace(string(good), `,"missing_points":-5`, ``, 1), "missing_points: must be set"},
		{"too large", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEqual(t, string(good), tt.doc, "the test must change the document")
			_, err := risk.LoadScorecard(strings.NewReader(tt.doc))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "risk: "), err.Error())
		})
	}
	_, err = risk.LoadScorecard(nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestR17_ScoreOnAnInvalidCardDoesNotPanic(t *testing.T) {
	cards := []risk.Scorecard{
		{},
		{Name: "x", Grades: []risk.GradeBand{{Grade: "A"}}, Attributes: []risk.Attribute{{Feature: risk.OnTimeRate}}},
		{Name: "gap", Grades: []risk.GradeBand{{Grade: "A"}}, Attributes: []risk.Attribute{{Feature: risk.OnTimeRate,
			Bins: []risk.Bin{{Max: scDec("0.5")}, {Min: scDec("0.6")}}}}},
		{Name: "mixed", Grades: []risk.GradeBand{{Grade: "A"}}, Attributes: []risk.Attribute{{Feature: risk.OnTimeRate,
			Bins: []risk.Bin{{Max: scDec("0.5")}, {Categories: []string{"x"}}, {}}}}},
	}
	for i, c := range cards {
		fs := scFeatures(map[risk.Feature]string{risk.OnTimeRate: "0.55"})
		require.NotPanics(t, func() { _, _ = c.Score(fs) }, "card %d", i)
		fs.Values.Set(risk.OnTimeRate, risk.Value{Missing: true})
		require.NotPanics(t, func() { _, _ = c.Score(fs) }, "card %d", i)
	}
	_, err := cards[2].Score(scFeatures(map[risk.Feature]string{risk.OnTimeRate: "0.55"}))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Contains(t, err.Error(), "falls in no bin")
}

func TestR17_ResultJSONKeepsValuesExact(t *testing.T) {
	r, err := risk.DefaultScorecard().Score(scFeatures(scGoodBuyer()))
	require.NoError(t, err)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	var back risk.Result
	require.NoError(t, json.Unmarshal(data, &back))
	require.Len(t, back.Points(), len(r.Points()))
	for i := range r.Points() {
		dectest.RequireEqual(t, r.Points()[i].Value.Number, back.Points()[i].Value.Number, fmt.Sprint(r.Points()[i].Feature))
	}
	assert.Equal(t, r.Score, back.Score)
}

// scRandDec is a random decimal with a coefficient of up to 25 digits and an exponent in [-18, 15],
// so values and edges meet at every difference of exponents, in and beyond 64 bits.
func scRandDec(rng *rand.Rand) decimal.Decimal {
	c := decimal.NewFromInt(rng.Int64N(1_000_000))
	if rng.IntN(3) == 0 {
		c = c.Mul(decimal.NewFromInt(rng.Int64N(1 << 62))) // beyond 19 digits
	}
	if rng.IntN(2) == 0 {
		c = c.Neg()
	}
	return c.Shift(int32(rng.IntN(34) - 18))
}

// TestR17_ScoreComparesBoundsExactly: for random edges and values at every scale, the bin Score finds
// is the one exact decimal comparison (decimal.Cmp) gives: the number of edges at or below the value.
func TestR17_ScoreComparesBoundsExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 55))
	for range 2000 {
		edges := make([]decimal.Decimal, 1+rng.IntN(5))
		for i := range edges {
			edges[i] = scRandDec(rng)
		}
		slices.SortFunc(edges, decimal.Decimal.Cmp)
		edges = slices.CompactFunc(edges, decimal.Decimal.Equal)
		bins := make([]risk.Bin, len(edges)+1)
		for i := range bins {
			bins[i].Points = float64(i)
			if i > 0 {
				bins[i].Min = &edges[i-1] // one edge, as LoadScorecard makes it
				if rng.IntN(2) == 0 {
					bins[i].Min = scPtr(edges[i-1]) // an equal copy, as a card built in Go may have
				}
			}
			if i < len(edges) {
				bins[i].Max = &edges[i]
			}
		}
		card := risk.Scorecard{Name: "random", Attributes: []risk.Attribute{{Feature: "x", MissingPoints: scPts(0), Bins: bins}},
			Grades: []risk.GradeBand{{Grade: "A"}}}
		require.NoError(t, card.Validate())
		values := []decimal.Decimal{scRandDec(rng), edges[rng.IntN(len(edges))]}
		// An edge written at another exponent, and the values next to it.
		e := edges[rng.IntN(len(edges))]
		values = append(values, e.Round(e.Exponent()*-1+3), e.Add(decimal.New(1, e.Exponent()-1)), e.Sub(decimal.New(1, e.Exponent()-2)))
		for _, v := range values {
			want := 0
			for _, e := range edges {
				if v.Cmp(e) >= 0 {
					want++
				}
			}
			fs := scFeatures(nil)
			fs.Values.Set("x", risk.Value{Number: v})
			r, err := card.Score(fs)
			require.NoError(t, err)
			require.Equal(t, want, r.Points()[0].Bin, "value %s, edges %v", v, edges)
		}
	}
}
