package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func contractAt(t *testing.T, l *sqlstore.PriceList, q pricing.PriceQuery) pricing.Contract {
	t.Helper()
	p, err := l.ListPrice(context.Background(), q)
	require.NoError(t, err)
	return p.Contract
}

// TestR11_ContractPeriodsNeverOverlap: one party's contracts for a SKU answer one at a time — a
// period overlapping a stored one, or one earlier in the same call, is a conflict that stores
// nothing of the call; the same id replaces its contract; another party may overlap.
func TestR11_ContractPeriodsNeverOverlap(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Prices()
		d := decimal.RequireFromString
		march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		april := march.AddDate(0, 1, 0)
		require.NoError(t, l.Set(ctx, pricing.ListPrice{SKU: "RICE", Price: d("120"), Currency: "CNY"}))
		spring := pricing.ContractPrice{ID: "C-1", SKU: "RICE", Buyer: "wok", Price: d("110"), ValidFrom: march, ValidUntil: april}
		require.NoError(t, l.SetContracts(ctx, spring))

		for _, c := range []struct {
			name      string
			contracts []pricing.ContractPrice
		}{
			{"overlaps a stored one", []pricing.ContractPrice{{ID: "C-2", SKU: "RICE", Buyer: "wok", Price: d("108"), ValidFrom: march.AddDate(0, 0, 20)}}},
			{"unbounded over a stored one", []pricing.ContractPrice{{ID: "C-2", SKU: "RICE", Buyer: "wok", Price: d("108")}}},
			{"overlaps one earlier in the call", []pricing.ContractPrice{
				{ID: "C-3", SKU: "RICE", Buyer: "wok", Price: d("108"), ValidFrom: april},
				{ID: "C-4", SKU: "RICE", Buyer: "wok", Price: d("107"), ValidFrom: april.AddDate(0, 2, 0)}}},
		} {
			err := l.SetContracts(ctx, c.contracts...)
			require.ErrorIs(t, err, b2bkit.ErrConflict, c.name)
			assert.Equal(t, "C-1", contractAt(t, l, pricing.PriceQuery{SKU: "RICE", Buyer: "wok", At: march}).ID, c.name)
			assert.Empty(t, contractAt(t, l, pricing.PriceQuery{SKU: "RICE", Buyer: "wok", At: april}).ID, "%s: nothing of the call stored", c.name)
		}

		// back to back is no overlap; another party may hold the same days; the same id replaces
		require.NoError(t, l.SetContracts(ctx,
			pricing.ContractPrice{ID: "C-5", SKU: "RICE", Buyer: "wok", Price: d("109"), ValidFrom: april},
			pricing.ContractPrice{ID: "G-1", SKU: "RICE", Group: "chain", Price: d("112"), ValidFrom: march},
			pricing.ContractPrice{ID: "C-1", SKU: "RICE", Buyer: "wok", Price: d("111"), ValidFrom: march, ValidUntil: april}))
		got := contractAt(t, l, pricing.PriceQuery{SKU: "RICE", Buyer: "wok", Group: "chain", At: march})
		assert.Equal(t, "C-1", got.ID)
		assert.True(t, d("111").Equal(got.Price), "replaced by its id: %s", got.Price)
		assert.Equal(t, "C-5", contractAt(t, l, pricing.PriceQuery{SKU: "RICE", Buyer: "wok", At: april}).ID)
		got = contractAt(t, l, pricing.PriceQuery{SKU: "RICE", Buyer: "noodle", Group: "chain", At: april})
		assert.Equal(t, pricing.Contract{ID: "G-1", Price: got.Price, Group: "chain"}, got)

		// bad input: nothing stored, the contract named
		err := l.SetContracts(ctx, pricing.ContractPrice{ID: "X", SKU: "RICE", Buyer: "wok", Group: "chain", Price: d("1"), ValidFrom: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
			pricing.ContractPrice{ID: "Y\x00", SKU: "RICE", Buyer: "noodle", Price: d("1")})
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "contracts[0]")
		assert.ErrorContains(t, err, "contracts[1].id")
		require.ErrorIs(t, l.Set(ctx, pricing.ListPrice{SKU: "OIL", Price: d("1"), Currency: "CNY", Contract: pricing.Contract{ID: "C", Price: d("1")}}),
			b2bkit.ErrInvalid, "contracts are kept with SetContracts")
	})
}

// TestR11_RacingContractWritersStoreNoOverlap: writers storing overlapping periods for one party
// and SKU at once: exactly one wins, on both dialects (PostgreSQL by a lock per party and SKU).
func TestR11_RacingContractWritersStoreNoOverlap(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Prices()
		const writers, rounds = 8, 10
		for round := range rounds {
			sku := b2bkit.SKU(fmt.Sprintf("RICE-%d", round))
			start := make(chan struct{})
			errs := make([]error, writers)
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					<-start
					errs[i] = l.SetContracts(ctx, pricing.ContractPrice{ID: fmt.Sprintf("C-%d", i), SKU: sku, Buyer: "wok",
						Price: decimal.New(int64(100+i), 0), ValidFrom: time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC)})
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
					continue
				}
				require.ErrorIs(t, err, b2bkit.ErrConflict)
			}
			require.Equal(t, 1, won, "round %d", round)
		}
	})
}

// TestR11_QueriesNoRecordCanMatch: a query whose SKU, buyer or group holds what no stored value can
// (a NUL byte) finds nothing, or no contract, beside the queries of its block that do match.
func TestR11_QueriesNoRecordCanMatch(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Prices()
		d := decimal.RequireFromString
		require.NoError(t, l.Set(ctx, pricing.ListPrice{SKU: "RICE", Price: d("120"), Currency: "CNY"}))
		require.NoError(t, l.SetContracts(ctx, pricing.ContractPrice{ID: "G", SKU: "RICE", Group: "chain", Price: d("110")}))
		qs := []pricing.PriceQuery{{SKU: "RICE\x00"}, {SKU: "RICE", Buyer: "wok\x00", Group: "chain"}, {SKU: "RICE"}}
		prices := make([]pricing.ListPrice, len(qs))
		found := make([]bool, len(qs))
		require.NoError(t, l.ListPrices(ctx, qs, prices, found))
		assert.Equal(t, []bool{false, true, true}, found)
		assert.Equal(t, "G", prices[1].Contract.ID, "the group's contract still answers")
		assert.Empty(t, prices[2].Contract.ID)
	})
}

// TestR11_DeletedSKUKeepsItsContracts: a SKU taken off the list is not found; its contract prices
// stay and answer again once it is listed again.
func TestR11_DeletedSKUKeepsItsContracts(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Prices()
		rice := pricing.ListPrice{SKU: "RICE", Price: decimal.NewFromInt(120), Currency: "CNY"}
		require.NoError(t, l.Set(ctx, rice))
		require.NoError(t, l.SetContracts(ctx, pricing.ContractPrice{ID: "C", SKU: "RICE", Buyer: "wok", Price: decimal.NewFromInt(110)}))
		require.NoError(t, l.Delete(ctx, "RICE", "NEVER-LISTED", "NUL\x00"))
		_, err := l.ListPrice(ctx, pricing.PriceQuery{SKU: "RICE", Buyer: "wok"})
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		require.NoError(t, l.Set(ctx, rice))
		assert.Equal(t, "C", contractAt(t, l, pricing.PriceQuery{SKU: "RICE", Buyer: "wok"}).ID)
	})
}
