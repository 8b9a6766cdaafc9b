package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/sqlstore"
)

// absurd are decimals with exponents near ±2³¹, which compared or added as decimals are written
// out to a billion digits or more.
var absurd = dectest.Absurd(
	dectest.Named{Name: "-1e1073741824", D: decimal.New(-1, 1<<30)},
)

// TestR26_StoresRefuseAbsurdExponentsAtOnce: every decimal written through a store with an absurd
// exponent is an error matching b2bkit.ErrInvalid naming the field, at once, and nothing is written.
func TestR26_StoresRefuseAbsurdExponentsAtOnce(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		inv := b2bkit.Invoice{Number: "INV-1", Seller: "S-1", Buyer: "B-1", Orders: []b2bkit.OrderID{"PO-1"},
			Amount: decimal.RequireFromString("100"), Currency: "CNY", IssuedAt: epoch, DueAt: epoch.AddDate(0, 0, 30)}
		first := offered(t, inv)
		for _, a := range absurd {
			d := a.D
			for _, c := range []struct {
				field string
				write func() error
			}{
				{"wallet.amount", func() error {
					return db.CRM().Apply(ctx, crm.Batch{Companies: []crm.Company{{ID: "C-1", Name: "Golden Wok", Stage: crm.Target,
						Wallet: crm.Wallet{Amount: d, Currency: "CNY", Method: "survey", AsOf: epoch}}}})
				}},
				{"quantity", func() error {
					m := matchingtest.Sample("M-1", epoch)
					m.Quantity = d
					return db.Matches().Append(ctx, m)
				}},
				{"unit_price", func() error {
					m := matchingtest.Sample("M-1", epoch)
					m.UnitPrice = d
					return db.Matches().Append(ctx, m)
				}},
				{"subsidy", func() error {
					m := matchingtest.Sample("M-1", epoch)
					m.Subsidy = d
					return db.Matches().Append(ctx, m)
				}},
				{"prices[0].price", func() error {
					return db.Prices().Set(ctx, pricing.ListPrice{SKU: "RICE", Price: d, Currency: "CNY"})
				}},
				{"prices[0].cost", func() error {
					return db.Prices().Set(ctx, pricing.ListPrice{SKU: "RICE", Price: decimal.NewFromInt(1), Cost: d, Currency: "CNY"})
				}},
				{"prices[0].prices.wholesale", func() error {
					return db.Prices().Set(ctx, pricing.ListPrice{SKU: "RICE", Price: decimal.NewFromInt(1), Currency: "CNY",
						Prices: map[string]decimal.Decimal{"wholesale": d}})
				}},
				{"contracts[0].price", func() error {
					return db.Prices().SetContracts(ctx, pricing.ContractPrice{ID: "K-1", SKU: "RICE", Buyer: "B-1", Price: d})
				}},
				{"invoice.amount", func() error {
					r := first
					r.Invoice.Amount = d
					_, err := db.Registry().Put(ctx, r)
					return err
				}},
				{"financed", func() error {
					r := first
					r.Financed = d
					_, err := db.Registry().Put(ctx, r)
					return err
				}},
			} {
				err := c.write()
				require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s = %s", c.field, a.Name)
				assert.ErrorContains(t, err, c.field, a.Name)
			}
		}
		_, err := db.CRM().Company(ctx, "C-1")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		_, err = db.Matches().Get(ctx, "M-1")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		_, err = db.Registry().Get(ctx, first.Fingerprint)
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
	})
}

// TestR26_StoredAbsurdExponentNamesRecord: a decimal column written by another program as text with
// a wild exponent ("1e999999999", "1e-999999999"; SQLite's text column holds anything, PostgreSQL's
// NUMERIC refuses it) or as a number of a hundred thousand digits is read as an error matching
// b2bkit.ErrInvalid naming the record and the column, at once: never a value, a hang or a panic.
func TestR26_StoredAbsurdExponentNamesRecord(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		fp := seedOneOfEach(t, db)

		for _, text := range []string{"1e999999999", "1e-999999999", "1E+2147483647", "0e999999999", "1" + strings.Repeat("0", 100_000)} {
			for _, c := range []struct {
				name, table, column, where, restore, want string
				read                                      func() error
			}{
				{"company", "crm_companies", "wallet_amount", "id = 'C-1'", "500000", "stored company C-1: wallet_amount: ", func() error {
					_, err := db.CRM().Company(ctx, "C-1")
					return err
				}},
				{"match", "match_log", "quantity", "id = 'M-1' AND kind = 1", "100", "stored match M-1: quantity: ", func() error {
					_, err := db.Matches().Get(ctx, "M-1")
					return err
				}},
				{"list price", "price_list", "cost", "sku = 'RICE-25'", "90", "stored list price RICE-25: cost: ", func() error {
					_, err := db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-25"})
					return err
				}},
				{"contract price", "contract_prices", "price", "id = 'K-1'", "110", "stored contract price K-1: price: ", func() error {
					_, err := db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-25", Buyer: "B-1"})
					return err
				}},
				{"receivable", "receivables", "financed", "1 = 1", "0", "stored receivable " + fp.String() + ": financed: ", func() error {
					_, err := db.Registry().Get(ctx, fp)
					return err
				}},
				{"receivable amount", "receivables", "amount", "1 = 1", "100", "stored receivable " + fp.String() + ": amount: ", func() error {
					_, err := db.Registry().Get(ctx, fp)
					return err
				}},
			} {
				if _, err := db.SQL().ExecContext(ctx, "UPDATE "+c.table+" SET "+c.column+" = '"+text+"' WHERE "+c.where); err != nil {
					continue // PostgreSQL's NUMERIC refuses the text itself
				}
				var stored string
				require.NoError(t, db.SQL().QueryRowContext(ctx, "SELECT CAST("+c.column+" AS TEXT) FROM "+c.table+" WHERE "+c.where).Scan(&stored))
				err := c.read()
				if stored == "0" { // PostgreSQL's NUMERIC keeps 0e999999999 as the 0 it is: a valid zero
					require.NoError(t, err, "%s: %.20s", c.name, text)
				} else {
					require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s: %.20s stored as %.20s", c.name, text, stored)
					assert.True(t, strings.HasPrefix(err.Error(), "sqlstore: "+c.want), "%s: %.20s: %.200v", c.name, text, err)
				}
				_, err = db.SQL().ExecContext(ctx, "UPDATE "+c.table+" SET "+c.column+" = '"+c.restore+"' WHERE "+c.where)
				require.NoError(t, err)
				require.NoError(t, c.read(), c.name)
			}
		}
	})
}
