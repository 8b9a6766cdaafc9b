package pricing_test

import (
	"encoding/json"

	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// Trials of session 15: the library as a host meets it — zero values and nil receivers, done
// contexts, decoding into used values, zones, aliasing — one test per defect found.

// R24: a nil *Engine answers Policy and Version like the zero Engine (an empty policy, no version)
// instead of panicking; the quoting methods already say "not made by NewEngine".
func TestR24_ANilEngineHasNoPolicyAndNoVersion(t *testing.T) {
	var e *pricing.Engine
	require.NotPanics(t, func() {
		p := e.Policy()
		require.Empty(t, p.Steps)
		require.Empty(t, e.Version())
	})
}

// R24: a nil *PriceList reads as an empty list (a SKU is not found, no SKUs, Delete does nothing),
// as a nil map does; storing into it is an error matching b2bkit.ErrInvalid, not a panic; and
// NewEngine refuses it as a price source, as it refuses a nil interface.
func TestR24_ANilPriceListReadsEmptyAndRefusesWrites(t *testing.T) {
	var l *pricing.PriceList
	require.NotPanics(t, func() {
		_, err := l.ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-25KG"})
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		require.Empty(t, l.SKUs())
		l.Delete("RICE-25KG")
		err = l.Set(pricing.ListPrice{SKU: "RICE-25KG", Price: dec("120"), Currency: "CNY"})
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "price list: nil")
		err = l.SetContracts(pricing.ContractPrice{ID: "C-1", SKU: "RICE-25KG", Buyer: "lucky-noodle", Price: dec("110")})
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "price list: nil")
	})
	_, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), l, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "prices: must not be nil")
}

// R24: LoadPolicy from a nil reader is an error matching b2bkit.ErrInvalid, not a panic.
func TestR24_LoadPolicyFromANilReaderSaysSo(t *testing.T) {
	require.NotPanics(t, func() {
		_, err := pricing.LoadPolicy(nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "policy: reader must not be nil")
	})
}

// R25: a policy or a step decoded into a value that already holds one (a host reloading its
// configuration into the same variable) is exactly what the document says: no combine, precedence,
// tax or rule left over from the old value; and a document that fails leaves the value as it was.
func TestR25_APolicyDecodedIntoAUsedValueKeepsNothingOfTheOld(t *testing.T) {
	restaurant, catalogue := loadPolicy(t, "testdata/restaurant.json"), loadPolicy(t, "testdata/catalogue.json")
	doc, err := json.Marshal(restaurant)
	require.NoError(t, err)

	p := loadPolicy(t, "testdata/catalogue.json")
	require.NoError(t, json.Unmarshal(doc, &p))
	requireSamePolicy(t, restaurant, p)

	step := catalogue.Steps[1] // quantity, with a precedence and attribute rules
	sdoc, err := json.Marshal(restaurant.Steps[0])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(sdoc, &step))
	got, err := json.Marshal(step)
	require.NoError(t, err)
	require.JSONEq(t, string(sdoc), string(got))

	for name, bad := range map[string]string{
		"unknown key": `{"name":"x","steps":[{"kind":"base","rules":[]}],"bogus":1}`,
		"bad step":    `{"name":"x","steps":[{"kind":"base","rules":[]},{"kind":"bogus","rules":[]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			p := loadPolicy(t, "testdata/catalogue.json")
			require.ErrorIs(t, json.Unmarshal([]byte(bad), &p), b2bkit.ErrInvalid)
			requireSamePolicy(t, catalogue, p)
			s := catalogue.Steps[1]
			require.Error(t, json.Unmarshal([]byte(`{"kind":"tier","rules":[{"id":"x"}],"bogus":1}`), &s))
			requireSamePolicy(t, pricing.Policy{Steps: catalogue.Steps[1:2]}, pricing.Policy{Steps: []pricing.Step{s}})
		})
	}
}

// requireSamePolicy compares two policies by their versions: the hash of their canonical JSON.
func requireSamePolicy(t *testing.T, want, got pricing.Policy) {
	t.Helper()
	w, err := want.Version()
	require.NoError(t, err)
	g, err := got.Version()
	require.NoError(t, err)
	if w != g {
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		require.JSONEq(t, string(wj), string(gj))
	}
}
