package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR2_IDsNoRecordCanHaveFindNothing: an id no record can have — holding a NUL byte or bytes that
// are not UTF-8, which every write refuses — is looked up like any unknown id on both dialects: a
// single record is ErrNotFound naming it, a list is empty; the database is never asked to compare
// a value it cannot hold.
func TestR2_IDsNoRecordCanHaveFindNothing(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		s := db.CRM()
		require.NoError(t, s.Apply(ctx, crm.Batch{
			Companies: []crm.Company{{ID: "A", Name: "A"}},
			Accounts:  []crm.Account{{ID: "acc", Company: "A", Kind: crm.Owner}},
			Deals:     []crm.Deal{{ID: "deal", Company: "A", Name: "tender", Opened: epoch}},
		}))
		for _, id := range []string{"A\x00", "A\xff"} {
			_, err := s.Company(ctx, b2bkit.CompanyID(id))
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "company %q", id)
			_, err = s.Person(ctx, b2bkit.PersonID(id))
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "person %q", id)
			_, err = s.Account(ctx, crm.AccountID(id))
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "account %q", id)
			assert.ErrorContains(t, err, "account")
			_, err = s.Deal(ctx, crm.DealID(id))
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "deal %q", id)
			_, err = db.Matches().Get(ctx, id)
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "match %q", id)
			_, err = db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: b2bkit.SKU(id)})
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "sku %q", id)

			accounts, err := s.Accounts(ctx, b2bkit.CompanyID(id))
			require.NoError(t, err, "accounts of %q", id)
			assert.Empty(t, accounts)
			deals, err := s.Deals(ctx, b2bkit.CompanyID(id))
			require.NoError(t, err, "deals of %q", id)
			assert.Empty(t, deals)
			spells, err := s.Spells(ctx, crm.SpellQuery{Company: b2bkit.CompanyID(id)})
			require.NoError(t, err, "spells of %q", id)
			assert.Empty(t, spells)
			for a, err := range s.Activities(ctx, b2bkit.CompanyID(id), epoch, epoch.Add(time.Hour)) {
				t.Errorf("activities of %q: %v %v", id, a, err)
			}
			for e, err := range s.Audit(ctx, b2bkit.PersonID(id)) {
				t.Errorf("audit of %q: %v %v", id, e, err)
			}
		}
	})
}
