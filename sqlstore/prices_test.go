package sqlstore_test

import (
	"context"
	"testing"

	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/pricing/pricingtest"
	"github.com/b2bkit/b2bkit/sqlstore"
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
