package pricing_test

import (
	"context"

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

// deafSource is a price source that ignores its context, as a host's cache in front of a catalogue
// may, and counts the questions it is asked.
type deafSource struct {
	src   pricing.PriceSource
	asked int
}

func (s *deafSource) ListPrice(_ context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	s.asked++
	return s.src.ListPrice(context.Background(), q)
}

// A done context stops every method that takes one before it does any work, with an error matching
// context.Canceled, whether or not the price source heeds the context: an empty batch too, and
// Normalize's restating, which asks the source only sometimes.
func TestR11_ADoneContextStopsEveryCallBeforeItsWork(t *testing.T) {
	src := &deafSource{src: catalogueList(t)}
	e, err := pricing.NewEngine(loadPolicy(t, "testdata/catalogue.json"), src, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	done, cancel := context.WithCancel(ctx)
	cancel()
	calls := map[string]func() error{
		"Quote": func() error { _, err := e.Quote(done, request("RICE-WC", "10")); return err },
		"QuoteMany": func() error {
			_, err := e.QuoteMany(done, []pricing.Request{request("RICE-WC", "10"), request("RICE-TH", "5")})
			return err
		},
		"QuoteMany empty": func() error { _, err := e.QuoteMany(done, nil); return err },
		"QuoteOrder":      func() error { _, err := e.QuoteOrder(done, order("RICE-WC", "10", "RICE-TH", "5")); return err },
		"Compare": func() error {
			_, err := e.Compare(done, request("RICE-WC", "10"), []pricing.Alternative{{Label: "more", Quantity: dec("50")}})
			return err
		},
		"NormalizeContext": func() error {
			_, err := e.NormalizeContext(done, dec("100"), request("RICE-WC", "10"), request("RICE-WC", "60"))
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			src.asked = 0
			err := call()
			require.ErrorIs(t, err, context.Canceled)
			require.NotErrorIs(t, err, b2bkit.ErrInvalid, "a done context is not the caller's input at fault")
			require.Zero(t, src.asked, "the price source was asked")
		})
	}
}
