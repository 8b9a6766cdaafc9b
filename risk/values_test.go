package risk_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valRequireSame requires got to hold exactly the values of want, feature by feature.
func valRequireSame(t *testing.T, want map[risk.Feature]risk.Value, got risk.Values) {
	t.Helper()
	require.Equal(t, len(want), got.Len())
	for f, w := range want {
		g, ok := got.Get(f)
		require.True(t, ok, "feature %s", f)
		scRequireSameValue(t, w, g)
	}
	n := 0
	for f, g := range got.All() {
		w, ok := want[f]
		require.True(t, ok, "feature %s yielded but not set", f)
		scRequireSameValue(t, w, g)
		n++
	}
	require.Equal(t, len(want), n)
}

// Values answers as a map would through any sequence of sets, overwrites and deletes, of this
// package's features (held by position) and a host's own (held by name).
func TestR17_ValuesActAsAMap(t *testing.T) {
	host := []risk.Feature{"industry", "", "tenure", "TENURE_MONTHS", "on_time_rate "}
	features := append(slices.Clone(featAll), host...)
	want := map[risk.Feature]risk.Value{}
	var got risk.Values
	require.Zero(t, got.Len())
	_, ok := got.Get(risk.Trend)
	require.False(t, ok)
	got.Delete(risk.Trend) // on the zero Values: nothing to do
	for step := range 400 {
		f := features[(step*7)%len(features)]
		switch step % 5 {
		case 3:
			delete(want, f)
			got.Delete(f)
		default:
			v := risk.NumberValue(dectest.Dec("1.5"))
			switch step % 4 {
			case 1:
				v = risk.Value{Missing: true}
			case 2:
				v = risk.Value{Category: "food"}
			case 3:
				v = risk.Value{Number: dectest.Dec("-20")}
			}
			want[f] = v
			got.Set(f, v)
		}
		valRequireSame(t, want, got)
	}
}

// All yields this package's features in the order of their declaration, then a host's in the
// order of their names; stopping early stops it.
func TestR17_ValuesAllOrder(t *testing.T) {
	var v risk.Values
	for _, f := range []risk.Feature{"zeta", risk.UsualCreditDays, "alpha", risk.TenureMonths, risk.Trend} {
		v.Set(f, risk.Value{Missing: true})
	}
	got := slices.Collect(maps.Keys(maps.Collect(v.All())))
	require.Len(t, got, 5)
	var order []risk.Feature
	for f := range v.All() {
		order = append(order, f)
	}
	assert.Equal(t, []risk.Feature{risk.TenureMonths, risk.Trend, risk.UsualCreditDays, "alpha", "zeta"}, order)
	var first []risk.Feature
	for f := range v.All() {
		first = append(first, f)
		break
	}
	assert.Equal(t, []risk.Feature{risk.TenureMonths}, first)
}

// A copy of a FeatureSet shares its values, as with a map; Clone makes a separate one.
func TestR17_ValuesCopiesShareAndClonesDoNot(t *testing.T) {
	fs := scFeatures(scGoodBuyer())
	shared, clone := fs, fs.Values.Clone()
	shared.Values.Set(risk.OnTimeRate, risk.Value{Missing: true})
	shared.Values.Set("industry", risk.Value{Category: "food"})
	v, _ := fs.Get(risk.OnTimeRate)
	assert.True(t, v.Missing)
	_, ok := fs.Get("industry")
	assert.True(t, ok)
	v, _ = clone.Get(risk.OnTimeRate)
	assert.False(t, v.Missing)
	_, ok = clone.Get("industry")
	assert.False(t, ok)
	clone.Set("channel", risk.Value{Category: "app"})
	_, ok = fs.Get("channel")
	assert.False(t, ok)
	assert.Zero(t, risk.Values{}.Clone().Len())
}

// A FeatureSet reads and writes the JSON it did when Values was a map: an object of values by
// feature, keys in order, null for none.
func TestR17_ValuesJSONIsAMapsJSON(t *testing.T) {
	m := map[risk.Feature]risk.Value{
		risk.OnTimeRate: risk.NumberValue(dectest.Dec("0.8000")), risk.Trend: {Missing: true},
		"industry": {Category: "food"}, risk.DaysPastDue: {Number: dectest.Dec("-0")}, "a": {Number: dectest.Dec("1e3")},
	}
	fs := scFeatures(nil)
	fs.Values = risk.ValuesOf(m)
	got, err := json.Marshal(fs)
	require.NoError(t, err)
	type mapSet struct { // FeatureSet as it was
		risk.FeatureSet
		Values map[risk.Feature]risk.Value `json:"values"`
	}
	want, err := json.Marshal(mapSet{FeatureSet: fs, Values: m})
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got))
	require.Contains(t, string(got), `"values":{"a":`, "keys in order, as a map's")

	var back risk.FeatureSet
	require.NoError(t, json.Unmarshal(got, &back))
	require.Equal(t, len(m), back.Values.Len())
	for f, w := range m { // JSON keeps a decimal's value, not its exponent
		g, ok := back.Get(f)
		require.True(t, ok, "feature %s", f)
		dectest.RequireEqual(t, w.Number, g.Number, "feature %s", f)
		require.Equal(t, w.Category, g.Category)
		require.Equal(t, w.Missing, g.Missing)
	}

	for _, tt := range []struct {
		values risk.Values
		json   string
	}{{risk.Values{}, `null`}, {risk.ValuesOf(nil), `{}`}} {
		b, err := json.Marshal(tt.values)
		require.NoError(t, err)
		assert.Equal(t, tt.json, string(b))
	}
	back.Values = risk.ValuesOf(m)
	require.NoError(t, json.Unmarshal([]byte(`{"values":null}`), &back))
	assert.Zero(t, back.Values.Len())
	require.Error(t, json.Unmarshal([]byte(`{"values":[1]}`), &back))
}

// A compiled card reads the values of this package's features by position: when a host changes,
// adds or deletes a value of a FeatureSet that Features computed, the compiled card scores the
// values as they are then, exactly as the card does.
func TestR17_CompiledScoreSeesAHostsEdits(t *testing.T) {
	card := risk.DefaultScorecard()
	cc, err := card.Compile()
	require.NoError(t, err)
	fs := featOf(t, featMain().history(), featAsOf)
	scRequireSameScore(t, card, cc, fs)
	before, err := cc.Score(fs)
	require.NoError(t, err)

	fs.Values.Set(risk.DaysPastDue, risk.Value{Number: dectest.Dec("120")}) // into the worst bin
	scRequireSameScore(t, card, cc, fs)
	after, err := cc.Score(fs)
	require.NoError(t, err)
	require.Less(t, after.Score, before.Score)
	require.Equal(t, risk.DaysPastDue, after.Reasons()[0].Feature)

	v, _ := fs.Get(risk.OnTimeRate)
	v.Number = dectest.Dec("0.1") // a NumberValue whose number the host set again
	fs.Values.Set(risk.OnTimeRate, v)
	scRequireSameScore(t, card, cc, fs)

	fs.Values.Delete(risk.Penetration)
	_, err = cc.Score(fs)
	require.ErrorContains(t, err, "features.values.penetration")
	scRequireSameScore(t, card, cc, fs)
}

// A nil *Values is a nil map's pointer: Delete does nothing (as delete on a nil map) and
// UnmarshalJSON has nowhere to write, an error matching b2bkit.ErrInvalid. Neither panics.
func TestNilValuesPointer(t *testing.T) {
	var v *risk.Values
	require.NotPanics(t, func() { v.Delete(risk.Trend); v.Delete("host_feature") })
	var err error
	require.NotPanics(t, func() { err = v.UnmarshalJSON([]byte(`{}`)) })
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.EqualError(t, err, "values: must not be nil")
}
