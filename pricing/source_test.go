package pricing_test

import (
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/pricing/pricingtest"
	"github.com/stretchr/testify/require"
)

func TestPriceList_Conformance(t *testing.T) {
	pricingtest.Run(t, func(t *testing.T, prices []pricing.ListPrice) pricing.PriceSource {
		l, err := pricing.NewPriceList(prices...)
		require.NoError(t, err)
		return l
	})
}

func TestPriceList_BadPriceStoresNothing(t *testing.T) {
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "A", Price: dec("1")})
	require.NoError(t, err)
	err = l.Set(pricing.ListPrice{SKU: "B", Price: dec("2")}, pricing.ListPrice{SKU: "C", Price: dec("-1")})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "prices[1].price")
	require.Equal(t, []b2bkit.SKU{"A"}, l.SKUs())
	l.Delete("A")
	require.Empty(t, l.SKUs())
}
