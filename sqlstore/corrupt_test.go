package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR24_CorruptStoredDecimalNamesRecordAndColumn: a decimal changed by SQL behind the stores'
// back into one no store writes ("NaN": PostgreSQL's NUMERIC holds it, SQLite's text column holds
// anything) is an error matching b2bkit.ErrInvalid that names the record and the column, prefixed
// "sqlstore: " once, from every read that meets it — never a zero, never a panic. So is a payment
// schedule no store writes.
func TestR24_CorruptStoredDecimalNamesRecordAndColumn(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		const bad = `number "NaN": unexpected character 'N'`

		fp := seedOneOfEach(t, db)

		first := func(seq func(func(crm.Company, error) bool)) error {
			for _, err := range seq {
				return err
			}
			return nil
		}
		for _, c := range []struct {
			name, corrupt, want string
			read                func() error
		}{
			{"company", `UPDATE crm_companies SET wallet_amount = 'NaN' WHERE id = 'C-1'`,
				"stored company C-1: wallet_amount: " + bad, func() error {
					_, err := db.CRM().Company(ctx, "C-1")
					return err
				}},
			{"companies", "", "stored company C-1: wallet_amount: " + bad, func() error {
				return first(func(yield func(crm.Company, error) bool) {
					for c, err := range db.CRM().Companies(ctx) {
						if !yield(c, err) {
							return
						}
					}
				})
			}},
			{"company search", "", "stored company C-1: wallet_amount: " + bad, func() error {
				_, err := db.CRM().SearchCompanies(ctx, crm.CompanyQuery{NamePrefix: "golden", Limit: 5})
				return err
			}},
			{"match", `UPDATE match_log SET quantity = 'NaN' WHERE id = 'M-1' AND kind = 1`,
				"stored match M-1: quantity: " + bad, func() error {
					_, err := db.Matches().Get(ctx, "M-1")
					return err
				}},
			{"match log", "", "stored match M-1: quantity: " + bad, func() error {
				for _, err := range db.Matches().Since(ctx, 0) {
					return err
				}
				return nil
			}},
			{"match payment", `UPDATE match_log SET quantity = '100', payment = '0.3/someday/0' WHERE id = 'M-1' AND kind = 1`,
				`stored match M-1: payment: installment "0.3/someday/0": `, func() error {
					_, err := db.Matches().Get(ctx, "M-1")
					return err
				}},
			{"list price", `UPDATE price_list SET cost = 'NaN' WHERE sku = 'RICE-25'`,
				"stored list price RICE-25: cost: " + bad, func() error {
					_, err := db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-25"})
					return err
				}},
			{"contract price", `UPDATE price_list SET cost = '90'; UPDATE contract_prices SET price = 'NaN' WHERE id = 'K-1'`,
				"stored contract price K-1: price: " + bad, func() error {
					_, err := db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-25", Buyer: "B-1"})
					return err
				}},
			{"receivable", `UPDATE receivables SET financed = 'NaN'`,
				"stored receivable " + fp.String() + ": financed: " + bad, func() error {
					_, err := db.Registry().Get(ctx, fp)
					return err
				}},
			{"receivables of a company", "", "stored receivable " + fp.String() + ": financed: " + bad, func() error {
				for _, err := range db.Registry().Receivables(ctx, "S-1") {
					return err
				}
				return nil
			}},
		} {
			for _, stmt := range strings.Split(c.corrupt, "; ") {
				if stmt != "" {
					_, err := db.SQL().ExecContext(ctx, stmt)
					require.NoError(t, err, c.name)
				}
			}
			err := c.read()
			require.ErrorIs(t, err, b2bkit.ErrInvalid, c.name)
			if strings.HasSuffix(c.want, bad) {
				assert.EqualError(t, err, "sqlstore: "+c.want, c.name)
			} else { // the rest of the message is the parser's
				assert.True(t, strings.HasPrefix(err.Error(), "sqlstore: "+c.want), "%s: %v", c.name, err)
			}
		}
	})
}

// TestR24_CorruptStoredJSONIsRefused: a JSON column changed behind the stores' back into one no
// store writes — a key given twice, a field no store writes — is refused as the root package
// refuses such a document, naming the record and the column, never read as its last key or a zero
// value.
func TestR24_CorruptStoredJSONIsRefused(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		require.NoError(t, db.CRM().Apply(ctx, crm.Batch{Companies: []crm.Company{{ID: "C-1", Name: "Golden Wok", Stage: crm.Target}}}))
		require.NoError(t, db.Prices().Set(ctx, pricing.ListPrice{SKU: "RICE-25", Price: decimal.RequireFromString("118.50"),
			Currency: "CNY", Attributes: map[string]string{"brand": "Golden"}, Prices: map[string]decimal.Decimal{"msrp": decimal.NewFromInt(130)}}))
		listPrice := func() error {
			_, err := db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-25"})
			return err
		}
		for _, c := range []struct {
			name, corrupt, want string
			read                func() error
		}{
			{"attribute twice", `UPDATE price_list SET attributes = '{"brand":"Golden","brand":"Other"}'`,
				"sqlstore: stored list price RICE-25: attributes: ", listPrice},
			{"other price twice", `UPDATE price_list SET attributes = '{}', other_prices = '{"msrp":"130","msrp":"1"}'`,
				"sqlstore: stored list price RICE-25: other_prices: ", listPrice},
			{"stage no store writes", `UPDATE crm_companies SET stages = '[{"nonsense":1}]'`,
				"stored company C-1: stages: ", func() error {
					_, err := db.CRM().Company(ctx, "C-1")
					return err
				}},
		} {
			_, err := db.SQL().ExecContext(ctx, c.corrupt)
			require.NoError(t, err, c.name)
			err = c.read()
			require.ErrorIs(t, err, b2bkit.ErrInvalid, c.name)
			assert.Contains(t, err.Error(), c.want, c.name)
		}
	})
}

// seedOneOfEach writes one record of every kind a store keeps a decimal in: a company with a
// wallet, a match, a list and a contract price, and an offered receivable, whose fingerprint it
// returns.
func seedOneOfEach(t *testing.T, db *sqlstore.DB) risk.Fingerprint {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, db.CRM().Apply(ctx, crm.Batch{Companies: []crm.Company{{ID: "C-1", Name: "Golden Wok", Stage: crm.Target,
		Wallet: crm.Wallet{Amount: decimal.NewFromInt(500_000), Currency: "CNY", Method: "survey", AsOf: epoch}}}}))
	require.NoError(t, db.Matches().Append(ctx, matchingtest.Sample("M-1", epoch)))
	require.NoError(t, db.Prices().Set(ctx, pricing.ListPrice{SKU: "RICE-25", Price: decimal.RequireFromString("118.50"),
		Currency: "CNY", Cost: decimal.NewFromInt(90)}))
	require.NoError(t, db.Prices().SetContracts(ctx, pricing.ContractPrice{ID: "K-1", SKU: "RICE-25", Buyer: "B-1",
		Price: decimal.RequireFromString("110")}))
	inv := b2bkit.Invoice{Number: "INV-1", Seller: "S-1", Buyer: "B-1", Orders: []b2bkit.OrderID{"PO-1"},
		Amount: decimal.RequireFromString("100"), Currency: "CNY", IssuedAt: epoch, DueAt: epoch.AddDate(0, 0, 30)}
	r, err := db.Registry().Put(ctx, offered(t, inv))
	require.NoError(t, err)
	return r.Fingerprint
}
