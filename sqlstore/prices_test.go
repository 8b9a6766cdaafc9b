package sqlstore_test

import (
	"context"
	"testing"

	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/pricing/pricingtest"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR11_PriceListConformance runs pricing's conformance suite — what a catalogue holds, contract
// prices for a buyer or its group on the day asked, not found, the batch agreeing with single
// lookups, concurrent readers — on both dialects.
func TestR11_PriceListConformance(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pricingtest.Run(t, func(t *testing.T, c pricingtest.Catalog) pricing.PriceSource {
			l := open(t).Prices()
			require.NoError(t, l.Set(context.Background(), c.Prices...))
			require.NoError(t, l.SetContracts(context.Background(), c.Contracts...))
			return l
		})
	})
}

// TestR11_SKUGivenTwiceKeepsItsLastPrice: a SKU given twice to one Set keeps the last price given,
// as pricing.PriceList has it, on both dialects (PostgreSQL refuses to update one row twice in one
// statement, so the store must not ask it to).
func TestR11_SKUGivenTwiceKeepsItsLastPrice(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Prices()
		first := pricing.ListPrice{SKU: "RICE-25", Price: decimal.RequireFromString("118.50"), Currency: "CNY", Cost: decimal.NewFromInt(90)}
		second := first
		second.Price = decimal.RequireFromString("121.00")
		other := pricing.ListPrice{SKU: "OIL-5", Price: decimal.RequireFromString("65.00"), Currency: "CNY"}
		require.NoError(t, l.Set(ctx, first, other, second))
		got, err := l.ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-25"})
		require.NoError(t, err)
		assert.True(t, got.Price.Equal(second.Price), "the last price given: %s", got.Price)
		got, err = l.ListPrice(ctx, pricing.PriceQuery{SKU: "OIL-5"})
		require.NoError(t, err)
		assert.True(t, got.Price.Equal(other.Price), "%s", got.Price)
	})
}
