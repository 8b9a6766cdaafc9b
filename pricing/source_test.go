package pricing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/pricing/pricingtest"
	"github.com/stretchr/testify/require"
)

func TestPriceList_Conformance(t *testing.T) {
	pricingtest.Run(t, func(t *testing.T, c pricingtest.Catalog) pricing.PriceSource {
		l, err := pricing.NewPriceList(c.Prices...)
		require.NoError(t, err)
		require.NoError(t, l.SetContracts(c.Contracts...))
		return l
	})
}

// listEach is ListPrices done one query at a time, for the test sources that are BatchPriceSources.
func listEach(ctx context.Context, s pricing.PriceSource, qs []pricing.PriceQuery, prices []pricing.ListPrice, found []bool) error {
	for i, q := range qs {
		p, err := s.ListPrice(ctx, q)
		switch {
		case errors.Is(err, b2bkit.ErrNotFound):
			prices[i], found[i] = pricing.ListPrice{}, false
		case err != nil:
			return err
		default:
			prices[i], found[i] = p, true
		}
	}
	return ctx.Err()
}

// batchList is a PriceList that answers blocks of SKUs, as a database adapter would.
type batchList struct{ *pricing.PriceList }

func (b batchList) ListPrices(ctx context.Context, qs []pricing.PriceQuery, prices []pricing.ListPrice, found []bool) error {
	return listEach(ctx, b.PriceList, qs, prices, found)
}

// The suite's batch checks run on a BatchPriceSource.
func TestBatchSource_Conformance(t *testing.T) {
	pricingtest.Run(t, func(t *testing.T, c pricingtest.Catalog) pricing.PriceSource {
		l, err := pricing.NewPriceList(c.Prices...)
		require.NoError(t, err)
		require.NoError(t, l.SetContracts(c.Contracts...))
		return batchList{l}
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
