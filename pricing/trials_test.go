package pricing_test

import (
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
