package clv_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
	"github.com/stretchr/testify/require"
)

// cdnowFullModel is the published CDNOW model, both halves.
var cdnowFullModel = clv.Model{Purchases: cdnowModel, Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}}

func loadModel(doc []byte) error {
	_, err := clv.LoadModel(bytes.NewReader(doc))
	return err
}

// A model is saved with json.Marshal and loaded back with LoadModel to the last bit, parameters at
// the ends of float64 included.
func TestModelJSONRoundTripsToTheBit(t *testing.T) {
	for _, m := range []clv.Model{cdnowFullModel,
		{Purchases: clv.BGNBD{R: 1e-300, Alpha: 1e300, A: 5e-324, B: 3, Unit: clv.Days}, Spend: clv.GammaGamma{P: 1, Q: 2, Gamma: 0.1 + 0.2}}} {
		doc, err := json.Marshal(m)
		require.NoError(t, err)
		require.Contains(t, string(doc), `"unit":"`+m.Purchases.Unit.String()+`"`)
		back, err := clv.LoadModel(bytes.NewReader(doc))
		require.NoError(t, err, "%s", doc)
		require.Equal(t, m, back, "%s", doc) // floats written shortest-exact read back to the bit
		var un clv.Model
		require.NoError(t, json.Unmarshal(doc, &un))
		require.Equal(t, m, un)
	}
}

// A model fitted once on CDNOW, saved and loaded, scores every customer as the fitted model does:
// no refit is needed to score.
func TestModelSavedAndLoadedScoresAsFitted(t *testing.T) {
	s := cdnowSummary(t)
	bg, err := clv.FitBGNBD(s, nil)
	require.NoError(t, err)
	gg, err := clv.FitGammaGamma(s, nil)
	require.NoError(t, err)
	m := clv.Model{Purchases: bg.BGNBD, Spend: gg.GammaGamma}
	doc, err := json.Marshal(m)
	require.NoError(t, err)
	back, err := clv.LoadModel(bytes.NewReader(doc))
	require.NoError(t, err)
	require.Equal(t, m, back)
	for _, c := range s.Customers[:200] {
		want, err := m.Value(c, nil)
		require.NoError(t, err)
		got, err := back.Value(c, nil)
		require.NoError(t, err)
		require.True(t, want.Lifetime.Equal(got.Lifetime), "%s: %v %v", c.ID, want.Lifetime, got.Lifetime)
		require.Equal(t, want.Alive, got.Alive)
	}
}

// A saved model is read strictly: whatever encoding/json would let through as a zero, a default or
// the last of two values is refused naming the field.
func TestLoadModelIsStrict(t *testing.T) {
	doc, err := json.Marshal(cdnowFullModel)
	require.NoError(t, err)
	good := string(doc)
	require.Equal(t, `{"purchases":{"r":0.2426,"alpha":4.4135,"a":0.7929,"b":2.4258,"unit":"weeks"},"spend":{"p":6.25,"q":3.74,"gamma":15.44}}`, good)
	wiretest.Refuses(t, good, loadModel, []wiretest.Case{
		{"unknown key", `"r":0.2426`, `"r":0.2426,"s":1`, "purchases.s"},
		{"unknown top key", `"spend":`, `"fit":1,"spend":`, "fit"},
		{"duplicate key", `"r":0.2426`, `"r":0.2426,"r":0.5`, "purchases.r"},
		{"duplicate object", `"spend":{`, `"spend":{},"spend":{`, "spend"},
		{"key in another case", `"alpha":`, `"Alpha":`, "purchases.Alpha"},
		{"top key in another case", `"spend":`, `"Spend":`, "Spend"},
		{"missing parameter", `"gamma":15.44`, `"x":1`, "spend.x"},
		{"absent parameter", `,"gamma":15.44`, ``, "spend.gamma: must be set"},
		{"absent unit", `,"unit":"weeks"`, ``, "purchases.unit: must be set"},
		{"absent purchases", `"purchases":{"r":0.2426,"alpha":4.4135,"a":0.7929,"b":2.4258,"unit":"weeks"},`, ``, "purchases: must be an object"},
		{"null purchases", `{"r":0.2426,"alpha":4.4135,"a":0.7929,"b":2.4258,"unit":"weeks"}`, `null`, "purchases: must be an object"},
		{"null spend", `{"p":6.25,"q":3.74,"gamma":15.44}`, `null`, "spend: must be an object"},
		{"null parameter", `"a":0.7929`, `"a":null`, "purchases.a: must be a finite number > 0, not null"},
		{"null unit", `"unit":"weeks"`, `"unit":null`, `purchases.unit: must be "weeks" or "days", not null`},
		{"parameter a string", `"q":3.74`, `"q":"3.74"`, `spend.q: must be a finite number > 0, not "3.74"`},
		{"parameter a bool", `"b":2.4258`, `"b":true`, "purchases.b: must be a finite number > 0, not true"},
		{"parameter an object", `"p":6.25`, `"p":{}`, "spend.p: must be a finite number > 0"},
		{"parameter zero", `"p":6.25`, `"p":0`, "spend.p: must be a finite number > 0, got 0"},
		{"parameter negative", `"alpha":4.4135`, `"alpha":-4.4135`, "purchases.alpha: must be a finite number > 0, got -4.4135"},
		{"parameter beyond float64", `"alpha":4.4135`, `"alpha":1e999`, "purchases.alpha: must be a finite number > 0, not 1e999"},
		{"parameter absurd exponent", `"alpha":4.4135`, `"alpha":1e999999999`, "purchases.alpha: must be a finite number > 0"},
		{"parameter underflows to 0", `"alpha":4.4135`, `"alpha":1e-999999999`, "purchases.alpha: must be a finite number > 0, got 0"},
		{"unit a number", `"unit":"weeks"`, `"unit":0`, `purchases.unit: must be "weeks" or "days", not 0`},
		{"unit unknown", `"unit":"weeks"`, `"unit":"months"`, `purchases.unit: must be "weeks" or "days", not "months"`},
		{"unit in another case", `"unit":"weeks"`, `"unit":"Weeks"`, `purchases.unit`},
		{"trailing data", `15.44}}`, `15.44}}{}`, "unexpected data after the value"},
		{"not an object", good, `[1]`, "clv: model: must be an object"},
	})
	for _, doc := range []string{"null", " null\n"} {
		err := loadModel([]byte(doc))
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.EqualError(t, err, "clv: model: model must be a JSON object, not null")
		var m clv.Model
		require.ErrorIs(t, json.Unmarshal([]byte(doc), &m), b2bkit.ErrInvalid)
	}
	require.ErrorIs(t, loadModel([]byte(strings.Repeat(" ", b2bkit.MaxJSONBytes)+good)), b2bkit.ErrInvalid)
	_, err = clv.LoadModel(nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	// A model that is not valid is not written either.
	_, err = json.Marshal(clv.Model{Purchases: clv.BGNBD{Unit: 7}})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

// FuzzLoadModel: LoadModel never panics, every error matches b2bkit.ErrInvalid, and a model it accepts
// is valid and survives being written and read again unchanged.
func FuzzLoadModel(f *testing.F) {
	doc, err := json.Marshal(cdnowFullModel)
	require.NoError(f, err)
	f.Add(doc)
	for _, s := range []string{`null`, `{}`, `{"purchases":{},"spend":{}}`,
		`{"purchases":{"r":1,"alpha":1,"a":1,"b":1,"unit":"days"},"spend":{"p":1,"q":1,"gamma":1}}`,
		`{"purchases":{"r":1e308,"alpha":5e-324,"a":1,"b":1,"unit":"days"},"spend":{"p":1,"q":1,"gamma":1}}`,
		`{"purchases":{"r":1,"r":2}}`, `{"spend":{"P":1}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := clv.LoadModel(bytes.NewReader(doc))
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		require.NoError(t, m.Purchases.Validate())
		require.NoError(t, m.Spend.Validate())
		again, err := json.Marshal(m)
		require.NoError(t, err)
		back, err := clv.LoadModel(bytes.NewReader(again))
		require.NoError(t, err, "%s", again)
		require.Equal(t, m, back)
	})
}
