package sqlstore_test

import (
	"context"
	"database/sql"
	"iter"
	"maps"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/sqlstore"
)

// firstErr is the first error seq yields, or nil.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestR24_ACallAfterCloseNamesTheStoreAndTheCall: every call of every store on a closed DB fails
// with an error that says which store and which call ("sqlstore: Registry.Get: database is
// closed"), which a host tells apart with errors.Is(err, sqlstore.ErrClosed) or database/sql's
// sql.ErrConnDone. Before, each returned database/sql's bare "sql: database is closed", whose
// sentinel is not exported, with nothing to say what was called.
func TestR24_ACallAfterCloseNamesTheStoreAndTheCall(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		inv := b2bkit.Invoice{Number: "INV-1", Seller: "S", Buyer: "D", Orders: []b2bkit.OrderID{"PO-1"},
			Amount: decimal.RequireFromString("100"), Currency: "CNY", IssuedAt: epoch, DueAt: epoch.AddDate(0, 0, 30)}
		rec := offered(t, inv)
		crmStore, matches, prices, registry := db.CRM(), db.Matches(), db.Prices(), db.Registry()
		require.NoError(t, db.Close())

		calls := storeCalls(ctx, crmStore, matches, prices, registry, rec.Fingerprint, rec)
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for k := range calls {
				if !yield(k) {
					return
				}
			}
		}) {
			err := calls[name]()
			require.Error(t, err, name)
			assert.ErrorIs(t, err, sqlstore.ErrClosed, name)
			assert.ErrorIs(t, err, sql.ErrConnDone, name)
			assert.Equal(t, "sqlstore: "+name+": database is closed", err.Error())
			for _, sentinel := range []error{b2bkit.ErrInvalid, b2bkit.ErrNotFound, b2bkit.ErrConflict} {
				assert.NotErrorIs(t, err, sentinel, name)
			}
		}
	})
}

// storeCalls are a call of every method of every store, each returning its error: the stores'
// whole surface, for the tests of what every call does on a DB that cannot serve it.
func storeCalls(ctx context.Context, crmStore *sqlstore.CRMStore, matches *sqlstore.MatchLog, prices *sqlstore.PriceList,
	registry *sqlstore.Registry, fp risk.Fingerprint, rec risk.Receivable) map[string]func() error {
	price := pricing.ListPrice{SKU: "RICE", Price: decimal.RequireFromString("10"), Currency: "CNY"}
	contract := pricing.ContractPrice{ID: "C-1", SKU: "RICE", Buyer: "B", Price: decimal.RequireFromString("9")}
	m := matchingtest.Sample("M-1", epoch)
	return map[string]func() error{
		"CRMStore.Company":         func() error { _, err := crmStore.Company(ctx, "A"); return err },
		"CRMStore.Companies":       func() error { return firstErr(crmStore.Companies(ctx)) },
		"CRMStore.Person":          func() error { _, err := crmStore.Person(ctx, "P"); return err },
		"CRMStore.PersonByContact": func() error { _, err := crmStore.PersonByContact(ctx, "mobile:13812345678"); return err },
		"CRMStore.Spells":          func() error { _, err := crmStore.Spells(ctx, crm.SpellQuery{Person: "P"}); return err },
		"CRMStore.JobChanges":      func() error { return firstErr(crmStore.JobChanges(ctx, epoch)) },
		"CRMStore.Account":         func() error { _, err := crmStore.Account(ctx, "AC"); return err },
		"CRMStore.Accounts":        func() error { _, err := crmStore.Accounts(ctx, "A"); return err },
		"CRMStore.Activities":      func() error { return firstErr(crmStore.Activities(ctx, "A", epoch, epoch.AddDate(0, 1, 0))) },
		"CRMStore.Apply": func() error {
			return crmStore.Apply(ctx, crm.Batch{Companies: []crm.Company{{ID: "A", Name: "A", Stage: crm.Target}}})
		},
		"CRMStore.SearchCompanies": func() error { _, err := crmStore.SearchCompanies(ctx, crm.CompanyQuery{Limit: 10}); return err },
		"CRMStore.SearchPeople":    func() error { _, err := crmStore.SearchPeople(ctx, crm.PersonQuery{Limit: 10}); return err },
		"CRMStore.Deal":            func() error { _, err := crmStore.Deal(ctx, "DL"); return err },
		"CRMStore.Deals":           func() error { _, err := crmStore.Deals(ctx, "A"); return err },
		"CRMStore.Audit":           func() error { return firstErr(crmStore.Audit(ctx, "P")) },
		"MatchLog.Append":          func() error { return matches.Append(ctx, m) },
		"MatchLog.SetStatus": func() error {
			return matches.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, At: epoch.Add(1), By: "rep"})
		},
		"MatchLog.Get":   func() error { _, err := matches.Get(ctx, "M-1"); return err },
		"MatchLog.Since": func() error { return firstErr(matches.Since(ctx, 0)) },
		"MatchLog.Import": func() error {
			_, err := matches.Import(ctx, func(yield func(matching.Match, error) bool) { yield(m, nil) })
			return err
		},
		"PriceList.Set":          func() error { return prices.Set(ctx, price) },
		"PriceList.Delete":       func() error { return prices.Delete(ctx, "RICE") },
		"PriceList.SetContracts": func() error { return prices.SetContracts(ctx, contract) },
		"PriceList.ListPrice": func() error {
			_, err := prices.ListPrice(ctx, pricing.PriceQuery{SKU: "RICE", At: epoch})
			return err
		},
		"PriceList.ListPrices": func() error {
			return prices.ListPrices(ctx, []pricing.PriceQuery{{SKU: "RICE", At: epoch}}, make([]pricing.ListPrice, 1), make([]bool, 1))
		},
		"Registry.Get":         func() error { _, err := registry.Get(ctx, fp); return err },
		"Registry.Put":         func() error { _, err := registry.Put(ctx, rec); return err },
		"Registry.Receivables": func() error { return firstErr(registry.Receivables(ctx, "S")) },
	}
}

// A DB not made by Open (the zero value, a nil pointer) and a store not made from one (a zero or
// nil *Registry, *MatchLog, *PriceList, *CRMStore) serve nothing: every call is an error matching
// b2bkit.ErrInvalid that names the call, Close too; none panics. Before, each panicked on a nil
// pointer.
func TestR24_AStoreNotMadeByOpenNamesTheCall(t *testing.T) {
	ctx := context.Background()
	inv := b2bkit.Invoice{Number: "INV-1", Seller: "S", Buyer: "D", Orders: []b2bkit.OrderID{"PO-1"},
		Amount: decimal.RequireFromString("100"), Currency: "CNY", IssuedAt: epoch, DueAt: epoch.AddDate(0, 0, 30)}
	rec := offered(t, inv)
	var zero sqlstore.DB
	var none *sqlstore.DB
	stores := map[string]func() (*sqlstore.CRMStore, *sqlstore.MatchLog, *sqlstore.PriceList, *sqlstore.Registry){
		"zero DB": func() (*sqlstore.CRMStore, *sqlstore.MatchLog, *sqlstore.PriceList, *sqlstore.Registry) {
			return zero.CRM(), zero.Matches(), zero.Prices(), zero.Registry()
		},
		"nil DB": func() (*sqlstore.CRMStore, *sqlstore.MatchLog, *sqlstore.PriceList, *sqlstore.Registry) {
			return none.CRM(), none.Matches(), none.Prices(), none.Registry()
		},
		"zero stores": func() (*sqlstore.CRMStore, *sqlstore.MatchLog, *sqlstore.PriceList, *sqlstore.Registry) {
			return &sqlstore.CRMStore{}, &sqlstore.MatchLog{}, &sqlstore.PriceList{}, &sqlstore.Registry{}
		},
		"nil stores": func() (*sqlstore.CRMStore, *sqlstore.MatchLog, *sqlstore.PriceList, *sqlstore.Registry) {
			return nil, nil, nil, nil
		},
	}
	for kind, mk := range stores {
		t.Run(kind, func(t *testing.T) {
			crmStore, matches, prices, registry := mk()
			calls := storeCalls(ctx, crmStore, matches, prices, registry, rec.Fingerprint, rec)
			for _, name := range slices.Sorted(maps.Keys(calls)) {
				var err error
				require.NotPanics(t, func() { err = calls[name]() }, name)
				require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
				assert.Equal(t, "sqlstore: "+name+": db: not made by Open", err.Error())
			}
		})
	}
	for name, db := range map[string]*sqlstore.DB{"zero": &zero, "nil": none} {
		var err error
		require.NotPanics(t, func() { err = db.Close() }, name)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		assert.Equal(t, "sqlstore: DB.Close: db: not made by Open", err.Error())
		require.NotPanics(t, func() { assert.Equal(t, "Dialect(0)", db.Dialect().String()) }, name)
		require.NotPanics(t, func() { assert.Nil(t, db.SQL()) }, name)
	}
}

// offered is the receivable of inv as a lender is first offered it: at epoch, by a clerk, to BANK.
func offered(t testing.TB, inv b2bkit.Invoice) risk.Receivable {
	t.Helper()
	fp, err := risk.FingerprintOf(inv)
	require.NoError(t, err)
	return risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateOffered, Lender: "BANK",
		History: []risk.Transition{{To: risk.StateOffered, At: epoch, By: "clerk", Lender: "BANK"}}}
}
