package risk_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scRequireSameScore fails unless a compiled card scored fs exactly as the card did: the same
// score, grade, points, bins, values and reasons, or the same error.
func scRequireSameScore(t testing.TB, card risk.Scorecard, cc *risk.CompiledScorecard, fs risk.FeatureSet) {
	t.Helper()
	want, wantErr := card.Score(fs)
	got, gotErr := cc.Score(fs)
	if wantErr != nil || gotErr != nil {
		require.Error(t, wantErr, "the compiled card failed alone: %v", gotErr)
		require.Error(t, gotErr, "the card failed alone: %v", wantErr)
		require.Equal(t, wantErr.Error(), gotErr.Error())
		return
	}
	require.Equal(t, want.Score, got.Score)
	require.Equal(t, want.Grade, got.Grade)
	wantPoints, gotPoints := want.Points(), got.Points()
	require.Len(t, gotPoints, len(wantPoints))
	for i, w := range wantPoints {
		g := gotPoints[i]
		require.Equal(t, w.Feature, g.Feature)
		require.Equal(t, w.Bin, g.Bin, "%s = %s", w.Feature, w.Value.Number)
		require.Equal(t, w.Points, g.Points, "%s", w.Feature)
		scRequireSameValue(t, w.Value, g.Value)
	}
	wantReasons, gotReasons := want.Reasons(), got.Reasons()
	require.Len(t, gotReasons, len(wantReasons))
	for i, w := range wantReasons {
		g := gotReasons[i]
		require.Equal(t, w.Code, g.Code)
		require.Equal(t, w.Feature, g.Feature)
		require.Equal(t, w.Points, g.Points)
		require.Equal(t, w.Best, g.Best)
		require.Equal(t, w.Lost, g.Lost)
		scRequireSameValue(t, w.Value, g.Value)
	}
	// The compact result writes the same JSON, byte for byte, as the lists Scorecard.Score made.
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	gotJSON, err := json.Marshal(got)
	require.NoError(t, err)
	require.Equal(t, string(wantJSON), string(gotJSON))
	// Values made as Features makes them, their coefficients read once, score the same.
	read, err := cc.Score(scReadOnce(fs))
	require.NoError(t, err)
	readJSON, err := json.Marshal(read)
	require.NoError(t, err)
	require.Equal(t, string(wantJSON), string(readJSON))
}

// scReadOnce is fs with every number made by risk.NumberValue, as Features makes them.
func scReadOnce(fs risk.FeatureSet) risk.FeatureSet {
	var values risk.Values
	for f, v := range fs.Values.All() {
		if v.Category == "" {
			missing := v.Missing
			v = risk.NumberValue(v.Number)
			v.Missing = missing
		}
		values.Set(f, v)
	}
	fs.Values = values
	return fs
}

// A Value made by NumberValue whose Number a host sets again scores by the new number, not by the
// coefficient read from the old one.
func TestR17_NumberValueSetAgainScoresTheNewNumber(t *testing.T) {
	card := risk.DefaultScorecard()
	cc, err := card.Compile()
	require.NoError(t, err)
	for _, tt := range []struct{ first, then string }{
		{"0.9500", "0.8000"}, {"0.95", "0.80"}, {"1", "0.5"}, {"0", "99999999999999999999999"},
		{"99999999999999999999999", "0.1"}, {"-0.5", "0"},
	} {
		fs := scFeatures(scGoodBuyer())
		v := risk.NumberValue(dectest.Dec(tt.first))
		v.Number = dectest.Dec(tt.then)
		fs.Values.Set(risk.OnTimeRate, v)
		plain := scFeatures(scGoodBuyer())
		plain.Values.Set(risk.OnTimeRate, risk.Value{Number: dectest.Dec(tt.then)})
		want, err := card.Score(plain)
		require.NoError(t, err)
		got, err := cc.Score(fs)
		require.NoError(t, err)
		assert.Equal(t, want.Score, got.Score, "%s then %s", tt.first, tt.then)
		assert.Equal(t, want.Points()[3].Bin, got.Points()[3].Bin, "%s then %s", tt.first, tt.then)
		dectest.RequireEqual(t, dectest.Dec(tt.then), got.Points()[3].Value.Number)
	}
}

func scRequireSameValue(t testing.TB, want, got risk.Value) {
	t.Helper()
	dectest.RequireEqual(t, want.Number, got.Number)
	require.Equal(t, want.Number.Exponent(), got.Number.Exponent())
	require.Equal(t, want.Category, got.Category)
	require.Equal(t, want.Missing, got.Missing)
}

// scRandomDecimal is a decimal of up to 25 digits at an exponent in [-20, 6], now and then beyond
// an int64.
func scRandomDecimal(rng *rand.Rand) decimal.Decimal {
	exp := int32(rng.IntN(27)) - 20
	if rng.IntN(10) == 0 {
		digits := 19 + rng.IntN(7)
		var b strings.Builder
		b.WriteByte(byte('1' + rng.IntN(9)))
		for range digits - 1 {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		d := dectest.Dec(b.String()).Shift(exp)
		if rng.IntN(2) == 0 {
			d = d.Neg()
		}
		return d
	}
	return decimal.New(rng.Int64N(2_000_001)-1_000_000, exp)
}

// scRandomEdges are n increasing bin edges at mixed exponents: near each other, or far apart so that
// no exponent holds them all in an int64.
func scRandomEdges(rng *rand.Rand, n int) []decimal.Decimal {
	edges := []decimal.Decimal{decimal.New(rng.Int64N(2001)-1000, -int32(rng.IntN(5)))}
	for len(edges) < n {
		step := decimal.New(1+rng.Int64N(500), int32(rng.IntN(6))-4)
		if rng.IntN(12) == 0 {
			step = decimal.New(1+rng.Int64N(9), int32(15+rng.IntN(10))) // far: 10^15 to 10^24
		}
		edges = append(edges, edges[len(edges)-1].Add(step))
	}
	return edges
}

// scRandomCard is a valid card of one to a dozen attributes, numeric with up to 12 edges or
// categorical, with random points.
func scRandomCard(rng *rand.Rand) risk.Scorecard {
	pts := func() float64 { return float64(rng.IntN(81) - 40) }
	card := risk.Scorecard{Name: "random", Base: 500, Grades: []risk.GradeBand{{Grade: "A", MinScore: 520}, {Grade: "B", MinScore: 480}, {Grade: "C", MinScore: 0}}}
	// Up to 24 attributes: a compact Result holds up to 16 in place and more elsewhere. About half
	// are over this package's features, which Values holds by position, the others over a host's.
	for i := range 1 + rng.IntN(24) {
		f := risk.Feature(fmt.Sprintf("f%d", i))
		if i < len(featAll) && rng.IntN(2) == 0 {
			f = featAll[i]
		}
		a := risk.Attribute{Feature: f, MissingPoints: scPts(pts())}
		if rng.IntN(4) == 0 {
			for j := range 1 + rng.IntN(3) {
				a.Bins = append(a.Bins, risk.Bin{Categories: []string{fmt.Sprintf("c%d", 2*j), fmt.Sprintf("c%d", 2*j+1)}, Points: pts()})
			}
		} else {
			edges := scRandomEdges(rng, rng.IntN(13))
			for j := range len(edges) + 1 {
				b := risk.Bin{Points: pts()}
				if j > 0 {
					b.Min = &edges[j-1]
				}
				if j < len(edges) {
					b.Max = &edges[j]
				}
				a.Bins = append(a.Bins, b)
			}
		}
		card.Attributes = append(card.Attributes, a)
	}
	return card
}

// scRandomValue is a value for attribute a: missing now and then, a category (listed or not) for a
// categorical one, else a number: an edge, just beside one, or anywhere.
func scRandomValue(rng *rand.Rand, a risk.Attribute) risk.Value {
	if rng.IntN(8) == 0 {
		return risk.Value{Missing: true}
	}
	if len(a.Bins[0].Categories) > 0 {
		return risk.Value{Category: fmt.Sprintf("c%d", rng.IntN(7))}
	}
	if len(a.Bins) > 1 && rng.IntN(2) == 0 {
		e := *a.Bins[rng.IntN(len(a.Bins)-1)].Max
		tiny := decimal.New(1, e.Exponent()-int32(rng.IntN(20)))
		switch rng.IntN(4) {
		case 0:
			return risk.Value{Number: e}
		case 1:
			return risk.Value{Number: e.Sub(tiny)}
		case 2:
			return risk.Value{Number: e.Add(tiny)}
		default: // the edge itself written with more places
			places := max(0, -e.Exponent()) + int32(rng.IntN(4))
			return risk.Value{Number: dectest.Dec(e.StringFixed(places))}
		}
	}
	return risk.Value{Number: scRandomDecimal(rng)}
}

// TestR17_CompiledScorecardScoresAsTheCard: for random valid cards and buyers — edges at mixed
// exponents and far apart, values on, beside and between them, at any scale, beyond an int64,
// missing, categories known and unknown — the compiled card gives exactly what the card gives.
func TestR17_CompiledScorecardScoresAsTheCard(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 2026))
	for range 400 {
		card := scRandomCard(rng)
		require.NoError(t, card.Validate())
		cc, err := card.Compile()
		require.NoError(t, err)
		for range 25 {
			fs := scFeatures(nil)
			for _, a := range card.Attributes {
				fs.Values.Set(a.Feature, scRandomValue(rng, a))
			}
			scRequireSameScore(t, card, cc, fs)
		}
	}
}

// TestR17_CompiledDefaultScorecard: the default card compiled scores the typical buyers, the
// examples' buyer and bad feature sets as the card does.
func TestR17_CompiledDefaultScorecard(t *testing.T) {
	card := risk.DefaultScorecard()
	cc, err := card.Compile()
	require.NoError(t, err)
	late := scGoodBuyer()
	late[risk.DaysPastDue], late[risk.OnTimeRate], late[risk.Trend] = "75", "0.6", "-"
	other := scFeatures(scGoodBuyer())
	other.Currency = "USD"
	absent := scFeatures(scGoodBuyer())
	absent.Values.Delete(risk.Penetration)
	category := scFeatures(scGoodBuyer())
	category.Values.Set(risk.OnTimeRate, risk.Value{Category: "good"})
	for _, fs := range []risk.FeatureSet{scFeatures(scGoodBuyer()), scFeatures(late), exampleBuyer(), other, absent, category} {
		scRequireSameScore(t, card, cc, fs)
	}
	r, err := cc.Score(scFeatures(scGoodBuyer()))
	require.NoError(t, err)
	assert.Equal(t, 705.0, r.Score)
	assert.Equal(t, risk.Grade("A"), r.Grade)
	assert.Equal(t, card.Grade(612), cc.Grade(612))
}

// A compiled card scores a buyer of the default card, its values made as Features makes them,
// without allocating: the Result holds its points compactly in place.
func TestR17_CompiledScoreDoesNotAllocate(t *testing.T) {
	cc, err := risk.DefaultScorecard().Compile()
	require.NoError(t, err)
	fs := scReadOnce(scBenchFeatures())
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := cc.Score(fs); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

// TestR17_CompiledSmallCard: the hand-made card's edges, categories and errors, compiled.
func TestR17_CompiledSmallCard(t *testing.T) {
	card := scSmallCard()
	cc, err := card.Compile()
	require.NoError(t, err)
	for _, onTime := range []string{"0.1", "0.6999", "0.7", "0.7000", "0.95000000000000000", "0.9499999999999999999",
		"12345678901234567890123.5", "-12345678901234567890123.5", "-0.7", "-", "cat:good"} {
		for _, industry := range []string{"cat:food", "cat:retail", "cat:mining", "cat:banking", "3", "-"} {
			scRequireSameScore(t, card, cc, scFeatures(map[risk.Feature]string{risk.OnTimeRate: onTime, "industry": industry}))
		}
	}
}

// TestR25_CompileRefusesAnInvalidCard: Compile validates, naming every problem.
func TestR25_CompileRefusesAnInvalidCard(t *testing.T) {
	card := scSmallCard()
	card.Attributes[0].Bins[1].Min = scDec("0.75") // a gap after 0.7
	card.Grades = nil
	_, err := card.Compile()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "attributes[0].bins[1].min")
	assert.ErrorContains(t, err, "grades")
}

// TestR17_CompiledScorecardKeepsItsOwnCopy: changing the card after Compile changes nothing in the
// compiled one.
func TestR17_CompiledScorecardKeepsItsOwnCopy(t *testing.T) {
	card := risk.DefaultScorecard()
	cc, err := card.Compile()
	require.NoError(t, err)
	fs := scFeatures(scGoodBuyer())
	before, err := cc.Score(fs)
	require.NoError(t, err)

	card.Base = 0
	card.Attributes[0].Bins[4].Points = -100
	*card.Attributes[3].Bins[2].Max = dectest.Dec("0.99")
	card.Attributes[1].Code = "R_CHANGED"
	*card.Attributes[2].MissingPoints = 50
	card.Grades[0].MinScore = 800

	after, err := cc.Score(fs)
	require.NoError(t, err)
	assert.Equal(t, before.Score, after.Score)
	assert.Equal(t, before.Grade, after.Grade)
	for i := range before.Points() {
		assert.Equal(t, before.Points()[i].Points, after.Points()[i].Points)
	}
	for i := range before.Reasons() {
		assert.Equal(t, before.Reasons()[i].Code, after.Reasons()[i].Code)
	}
}

// TestR17_CompiledScorecardValuesFinerThanItsEdges: a value with many more places than the card's
// edges, just below or above an edge (zero among them), falls in the bin the card puts it in.
func TestR17_CompiledScorecardValuesFinerThanItsEdges(t *testing.T) {
	card := risk.Scorecard{Name: "edges", Base: 0, Grades: []risk.GradeBand{{Grade: "A", MinScore: 0}},
		Attributes: []risk.Attribute{{Feature: "x", MissingPoints: scPts(0), Bins: []risk.Bin{
			{Max: scDec("-1"), Points: 1}, {Min: scDec("-1"), Max: scDec("0"), Points: 2},
			{Min: scDec("0"), Max: scDec("1"), Points: 3}, {Min: scDec("1"), Points: 4},
		}}}}
	cc, err := card.Compile()
	require.NoError(t, err)
	tests := []struct {
		value string
		bin   int
	}{
		{"-0.00000000000000000001", 1}, {"0.00000000000000000001", 2}, {"-0.0000000000000000000000001", 1},
		{"-1.0000000000000000000000001", 0}, {"0.9999999999999999999999", 2}, {"1.000000000000000000001", 3},
		{"-0.1", 1}, {"-1.1", 0}, {"0", 2}, {"0.000", 2}, {"-1.000", 1}, {"1e3", 3}, {"-1e30", 0},
	}
	for _, tt := range tests {
		fs := scFeatures(map[risk.Feature]string{"x": tt.value})
		scRequireSameScore(t, card, cc, fs)
		r, err := cc.Score(fs)
		require.NoError(t, err)
		assert.Equal(t, tt.bin, r.Points()[0].Bin, tt.value)
	}
}

// A CompiledScorecard not made by Compile (the zero value, a nil pointer) has no card: Score refuses
// it, as a zero Scorecard's Score refuses a card without grades, instead of scoring every buyer 0
// with no grade; Grade gives no grade, as an empty card does. Neither panics.
func TestCompiledScorecardNotMadeByCompileRefuses(t *testing.T) {
	fs := scFeatures(scGoodBuyer())
	for name, cc := range map[string]*risk.CompiledScorecard{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			r, err := cc.Score(fs)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.EqualError(t, err, "risk: scorecard: not made by Compile")
			assert.Empty(t, r.Points())
			assert.Equal(t, risk.Grade(""), cc.Grade(700))
		})
	}
}
