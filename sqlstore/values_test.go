package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR26_ValuesTheSchemaCannotKeepAreErrors: every record is checked before any SQL runs; a value
// the schema could not keep as given is an error naming its field, and nothing is stored.
func TestR26_ValuesTheSchemaCannotKeepAreErrors(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)

		inv := b2bkit.Invoice{Number: "INV\x00-1", Seller: "S", Buyer: "D", Orders: []b2bkit.OrderID{"PO-1"},
			Amount: decimal.RequireFromString("100"), Currency: "CNY", IssuedAt: epoch, DueAt: epoch.AddDate(0, 0, 30)}
		fp, err := risk.FingerprintOf(inv)
		require.NoError(t, err)
		_, err = db.Registry().Put(ctx, offered(t, inv))
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "invoice.number")
		_, err = db.Registry().Get(ctx, fp)
		require.ErrorIs(t, err, b2bkit.ErrNotFound)

		cases := []struct {
			field string
			batch crm.Batch
		}{
			{"territory", crm.Batch{Companies: []crm.Company{{ID: "A", Name: "A", Territory: "east\x00", Stage: crm.Target}}}},
			{"wallet.amount", crm.Batch{Companies: []crm.Company{{ID: "A", Name: "A", Stage: crm.Target,
				Wallet: crm.Wallet{Amount: decimal.New(1, -19), Currency: "CNY", Method: "guess", AsOf: epoch}}}}},
			{"start", crm.Batch{Spells: []crm.Spell{{ID: "s", Person: "p", Company: "A", Start: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
			{"subject", crm.Batch{Activities: []crm.Activity{{ID: "x", Account: "a", Company: "A", At: epoch, Action: "order", Subject: "\xff"}}}},
			{"job_changes[0].to_stage", crm.Batch{JobChanges: []crm.JobChange{{ID: "j", Person: "p", At: epoch, To: "A", ToStage: crm.Stage(40_000)}}}},
			{"deals[0].name", crm.Batch{Deals: []crm.Deal{{ID: "d", Company: "A", Name: "tender\x00", Opened: epoch}}}},
			{"audit[0].actor", crm.Batch{Audit: []crm.AuditEntry{{Person: "p", At: epoch, Actor: "rep\x00", Action: crm.AuditRead, What: "Person"}}}},
			{"consents[0].source", crm.Batch{People: []crm.Person{{ID: "p", Name: "Li", Consents: []crm.Consent{{Purpose: "marketing", Given: epoch, Source: "form\x00"}}}}}},
		}
		for _, c := range cases {
			err := db.CRM().Apply(ctx, c.batch)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, c.field)
			assert.ErrorContains(t, err, c.field)
		}
		_, err = db.CRM().Company(ctx, "A")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)

		m := matchingtest.Sample("M-1", epoch)
		m.SKU = "RICE\x00"
		err = db.Matches().Append(ctx, m)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "sku")

		err = db.Prices().Set(ctx, pricing.ListPrice{SKU: "RICE", Price: decimal.New(12345, -20), Currency: "CNY"})
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.ErrorContains(t, err, "prices[0].price")
		_, err = db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: "RICE"})
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
	})
}

// TestR26_ExactValuesRoundTrip: decimals at the edges of what is kept come back exact, with their
// scale; times come back as the same instant, to the nanosecond, in the offset they were given in.
func TestR26_ExactValuesRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		prices := []pricing.ListPrice{
			{SKU: "TINY", Price: decimal.RequireFromString("0.000000000000000001"), Currency: "CNY"},
			{SKU: "HUGE", Price: decimal.RequireFromString("1234567890123456789012.345678901234567891"), Currency: "VND"},
			{SKU: "SCALED", Price: decimal.RequireFromString("118.50"), Currency: "CNY", Cost: decimal.RequireFromString("100.000"),
				TaxPercent: decimal.RequireFromString("9.00"), Weight: decimal.RequireFromString("0.000001"),
				Prices: map[string]decimal.Decimal{"retail": decimal.RequireFromString("1234567890123456789012.345678901234567891")}},
			{SKU: "ROUND", Price: decimal.New(5, 3), Currency: "IDR"},
		}
		require.NoError(t, db.Prices().Set(ctx, prices...))
		for _, want := range prices {
			got, err := db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: want.SKU})
			require.NoError(t, err)
			assert.True(t, want.Price.Equal(got.Price), "%s: %s, want %s", want.SKU, got.Price, want.Price)
			assert.True(t, want.Cost.Equal(got.Cost), "%s cost", want.SKU)
			assert.True(t, want.TaxPercent.Equal(got.TaxPercent) && want.Weight.Equal(got.Weight), "%s tax and weight", want.SKU)
			assert.Len(t, got.Prices, len(want.Prices))
			for name, p := range want.Prices {
				assert.True(t, p.Equal(got.Prices[name]), "%s price list %s: %s", want.SKU, name, got.Prices[name])
			}
		}
		got, err := db.Prices().ListPrice(ctx, pricing.PriceQuery{SKU: "SCALED"})
		require.NoError(t, err)
		assert.Equal(t, "118.50", got.Price.StringFixed(-got.Price.Exponent()), "the scale is kept")

		nepal := time.FixedZone("NPT", 5*3600+45*60)
		at := time.Date(2026, 5, 31, 23, 59, 59, 123456789, nepal)
		m := matchingtest.Sample("M-ns", at)
		require.NoError(t, db.Matches().Append(ctx, m))
		back, err := db.Matches().Get(ctx, "M-ns")
		require.NoError(t, err)
		assert.True(t, at.Equal(back.At), "the same instant to the nanosecond: %s", back.At)
		_, off := back.At.Zone()
		assert.Equal(t, 5*3600+45*60, off, "in its offset")
		assert.Equal(t, 31, back.At.Day(), "on its calendar day")
		assert.Equal(t, m.Terms.LeadDays(), back.Terms.LeadDays())
		assert.True(t, back.Equal(m))
		// A retry of the same content written otherwise (118.0 for 118.00, another offset) is the same match.
		again := m
		again.UnitPrice = decimal.RequireFromString("118.0")
		again.At = at.UTC()
		require.NoError(t, db.Matches().Append(ctx, again))
		// A status change comes back as the same instant in its offset too.
		require.NoError(t, db.Matches().SetStatus(ctx, matching.StatusChange{ID: "M-ns", Status: matching.Accepted, At: at.Add(time.Nanosecond), By: "ops"}))
		var change matching.StatusChange
		for e, err := range db.Matches().Since(ctx, 0) {
			require.NoError(t, err)
			if e.Kind == matching.StatusChanged {
				change = e.Change
			}
		}
		assert.True(t, at.Add(time.Nanosecond).Equal(change.At), "%s", change.At)
		_, off = change.At.Zone()
		assert.Equal(t, 5*3600+45*60, off)
	})
}

// TestR2_FailingHalfWayLeavesNothing: a batch that fails half-way — a deal id already stored, found
// by the database after every other record of the batch but its audit entries (written last) was
// written inside the transaction — leaves nothing of the batch behind.
func TestR2_FailingHalfWayLeavesNothing(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		s := open(t).CRM()
		deal := crm.Deal{ID: "deal-1", Company: "A", Name: "tender", Opened: epoch}
		require.NoError(t, s.Apply(ctx, crm.Batch{Deals: []crm.Deal{deal}}))
		err := s.Apply(ctx, crm.Batch{
			Companies:  []crm.Company{{ID: "B", Name: "B", Stage: crm.Target}},
			People:     []crm.Person{{ID: "p", Name: "P", Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "13812345678", Since: epoch}}}},
			Spells:     []crm.Spell{{ID: "s", Person: "p", Company: "B", Start: epoch, Roles: []crm.Role{crm.Payer}}},
			Accounts:   []crm.Account{{ID: "o", Company: "B", Kind: crm.Owner}},
			JobChanges: []crm.JobChange{{ID: "j", Person: "p", At: epoch, To: "B"}},
			Activities: []crm.Activity{{ID: "act-2", Account: "o", Company: "B", At: epoch, Action: "order"}},
			Audit:      []crm.AuditEntry{{Person: "p", At: epoch, Actor: "import", Action: crm.AuditCreate, What: "Import"}},
			Deals:      []crm.Deal{{ID: "deal-0", Company: "B", Name: "kitchen", Opened: epoch}, deal},
		})
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, "deal-1")
		_, err = s.Company(ctx, "B")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		_, err = s.Person(ctx, "p")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		_, err = s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13812345678"))
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		sp, err := s.Spells(ctx, crm.SpellQuery{Company: "B"})
		require.NoError(t, err)
		assert.Empty(t, sp)
		_, err = s.Account(ctx, "o")
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		for range s.JobChanges(ctx, time.Time{}) {
			t.Fatal("a job change of the failed batch was stored")
		}
		n := 0
		for _, err := range s.Activities(ctx, "B", epoch.AddDate(-1, 0, 0), epoch.AddDate(1, 0, 0)) {
			require.NoError(t, err)
			n++
		}
		assert.Zero(t, n)
		for range s.Audit(ctx, "p") {
			t.Fatal("an audit entry of the failed batch was stored")
		}
		deals, err := s.Deals(ctx, "B")
		require.NoError(t, err)
		assert.Empty(t, deals)
		found, err := s.SearchCompanies(ctx, crm.CompanyQuery{Limit: 10})
		require.NoError(t, err)
		assert.Empty(t, found, "the failed company is in no index")
	})
}

// TestR26_AStatusChangeByTextThatCannotBeStoredSaysWhy: a change whose author is not UTF-8 is
// refused naming change.by and saying so, as every other text field's error does; before, it was
// said to hold a NUL byte.
func TestR26_AStatusChangeByTextThatCannotBeStoredSaysWhy(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		l := open(t).Matches()
		require.NoError(t, l.Append(ctx, matchingtest.Sample("M-1", epoch)))
		for by, why := range map[string]string{"ops\xff": "not valid UTF-8", "ops\x00": "NUL byte"} {
			err := l.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, At: epoch, By: by})
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%q", by)
			assert.ErrorContains(t, err, "change.by", "%q", by)
			assert.ErrorContains(t, err, why, "%q", by)
		}
		got, err := l.Get(ctx, "M-1")
		require.NoError(t, err)
		assert.Equal(t, matching.Proposed, got.Status, "no change stored")
	})
}
