package crm_test

import (
	"context"
	"iter"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

// firstErr drains a stream and returns its first error.
func firstErr[T any](s iter.Seq2[T, error]) error {
	for _, err := range s {
		if err != nil {
			return err
		}
	}
	return nil
}

// Every method of a CRM not made by New — the zero value, a nil pointer — refuses with an error
// matching b2bkit.ErrInvalid that says so; none panics (it had no store: a nil pointer dereference).
func TestR2_ACRMNotMadeByNewRefuses(t *testing.T) {
	for name, call := range crmCalls(ctx) {
		for _, c := range []*crm.CRM{new(crm.CRM), nil} {
			t.Run(name, func(t *testing.T) {
				var err error
				require.NotPanics(t, func() { err = call(c) })
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "crm: crm: not made by New")
			})
		}
	}
	require.NotPanics(t, func() {
		var c *crm.CRM
		require.Nil(t, c.Store())
		require.Nil(t, c.RequiredRoles())
	})
}

// crmCalls calls every method of a CRM that can fail with ctx, on the records restaurant adds.
func crmCalls(ctx context.Context) map[string]func(c *crm.CRM) error {
	at := day(2026, 1, 1)
	return map[string]func(c *crm.CRM) error{
		"AddCompany": func(c *crm.CRM) error {
			_, err := c.AddCompany(ctx, crm.Company{ID: "A", Name: "A"})
			return err
		},
		"UpdateCompany": func(c *crm.CRM) error {
			_, err := c.UpdateCompany(ctx, crm.Company{ID: "A", Name: "A", Version: 1})
			return err
		},
		"Company":  func(c *crm.CRM) error { _, err := c.Company(ctx, "A"); return err },
		"SetStage": func(c *crm.CRM) error { _, err := c.SetStage(ctx, "A", crm.Lost, at); return err },
		"AddPerson": func(c *crm.CRM) error {
			_, err := c.AddPerson(ctx, crm.Person{ID: "li", Name: "李"})
			return err
		},
		"Person":     func(c *crm.CRM) error { _, err := c.Person(ctx, "li"); return err },
		"AddContact": func(c *crm.CRM) error { _, err := c.AddContact(ctx, "li", crm.Mobile, "13812345678", at); return err },
		"ChangeContact": func(c *crm.CRM) error {
			_, err := c.ChangeContact(ctx, "li", crm.Mobile, "13812345678", at)
			return err
		},
		"FindByContact": func(c *crm.CRM) error { _, err := c.FindByContact(ctx, crm.Mobile, "13812345678"); return err },
		"StartJob": func(c *crm.CRM) error {
			_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Start: at})
			return err
		},
		"EndJob":    func(c *crm.CRM) error { _, err := c.EndJob(ctx, "s", "li", at); return err },
		"History":   func(c *crm.CRM) error { _, err := c.History(ctx, "li"); return err },
		"Committee": func(c *crm.CRM) error { _, err := c.Committee(ctx, "A", at); return err },
		"ChangeJob": func(c *crm.CRM) error {
			_, err := c.ChangeJob(ctx, "li", "B", "gm", nil, at)
			return err
		},
		"JobChanges":      func(c *crm.CRM) error { return firstErr(c.JobChanges(ctx, at)) },
		"Departures":      func(c *crm.CRM) error { return firstErr(c.Departures(ctx, at, at.AddDate(0, 1, 0))) },
		"Leads":           func(c *crm.CRM) error { return firstErr(c.Leads(ctx, at, at.AddDate(0, 1, 0))) },
		"Audit":           func(c *crm.CRM) error { return firstErr(c.Audit(ctx, "li")) },
		"GiveConsent":     func(c *crm.CRM) error { _, err := c.GiveConsent(ctx, "li", "marketing", "form", at); return err },
		"WithdrawConsent": func(c *crm.CRM) error { _, err := c.WithdrawConsent(ctx, "li", "marketing", at); return err },
		"SetDoNotContact": func(c *crm.CRM) error { _, err := c.SetDoNotContact(ctx, "li", true, at); return err },
		"AddDeal": func(c *crm.CRM) error {
			_, err := c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "tender", Opened: at})
			return err
		},
		"Deal":  func(c *crm.CRM) error { _, err := c.Deal(ctx, "d"); return err },
		"Deals": func(c *crm.CRM) error { _, err := c.Deals(ctx, "A"); return err },
		"SetDealContact": func(c *crm.CRM) error {
			_, err := c.SetDealContact(ctx, "d", crm.DealContact{Person: "li"})
			return err
		},
		"CloseDeal":     func(c *crm.CRM) error { _, err := c.CloseDeal(ctx, "d", true, at); return err },
		"DealCommittee": func(c *crm.CRM) error { _, err := c.DealCommittee(ctx, "d", at); return err },
		"AddAccount": func(c *crm.CRM) error {
			_, err := c.AddAccount(ctx, crm.Account{ID: "op", Company: "A", Person: "li", Kind: crm.Operator})
			return err
		},
		"RecordActivity": func(c *crm.CRM) error {
			return c.RecordActivity(ctx, crm.Activity{ID: "x", Account: "op", Company: "A", At: at, Action: "order"})
		},
		"Digest":             func(c *crm.CRM) error { _, err := c.Digest(ctx, "A", at, at.AddDate(0, 1, 0)); return err },
		"DuplicatePeople":    func(c *crm.CRM) error { _, err := c.DuplicatePeople(ctx); return err },
		"DuplicateCompanies": func(c *crm.CRM) error { _, err := c.DuplicateCompanies(ctx); return err },
		"Import": func(c *crm.CRM) error {
			_, err := c.Import(ctx, func(func(crm.ImportRow, error) bool) {})
			return err
		},
		"Merge":           func(c *crm.CRM) error { _, err := c.Merge(ctx, "li", "li2"); return err },
		"Erase":           func(c *crm.CRM) error { _, err := c.Erase(ctx, "li"); return err },
		"SearchCompanies": func(c *crm.CRM) error { _, err := c.SearchCompanies(ctx, crm.CompanyQuery{}); return err },
		"SearchPeople":    func(c *crm.CRM) error { _, err := c.SearchPeople(ctx, crm.PersonQuery{}); return err },
		"EvaluateTier": func(c *crm.CRM) error {
			_, err := c.EvaluateTier(ctx, "A", crm.TierPolicy{}, slices.Values([]crm.Contribution(nil)), at)
			return err
		},
	}
}

// Every method of a MemoryStore not made by NewMemoryStore — the zero value, a nil pointer, and a
// CRM over either — refuses with an error matching b2bkit.ErrInvalid that says so; none panics.
func TestR23_AMemoryStoreNotMadeByNewMemoryStoreRefuses(t *testing.T) {
	at := day(2026, 1, 1)
	calls := map[string]func(m *crm.MemoryStore) error{
		"Company":         func(m *crm.MemoryStore) error { _, err := m.Company(ctx, "A"); return err },
		"Companies":       func(m *crm.MemoryStore) error { return firstErr(m.Companies(ctx)) },
		"Person":          func(m *crm.MemoryStore) error { _, err := m.Person(ctx, "li"); return err },
		"PersonByContact": func(m *crm.MemoryStore) error { _, err := m.PersonByContact(ctx, "mobile:13812345678"); return err },
		"Spells":          func(m *crm.MemoryStore) error { _, err := m.Spells(ctx, crm.SpellQuery{Person: "li"}); return err },
		"JobChanges":      func(m *crm.MemoryStore) error { return firstErr(m.JobChanges(ctx, at)) },
		"Account":         func(m *crm.MemoryStore) error { _, err := m.Account(ctx, "op"); return err },
		"Accounts":        func(m *crm.MemoryStore) error { _, err := m.Accounts(ctx, "A"); return err },
		"Activities":      func(m *crm.MemoryStore) error { return firstErr(m.Activities(ctx, "A", at, at.AddDate(0, 1, 0))) },
		"SearchCompanies": func(m *crm.MemoryStore) error {
			_, err := m.SearchCompanies(ctx, crm.CompanyQuery{Limit: 10})
			return err
		},
		"SearchPeople": func(m *crm.MemoryStore) error { _, err := m.SearchPeople(ctx, crm.PersonQuery{Limit: 10}); return err },
		"Deal":         func(m *crm.MemoryStore) error { _, err := m.Deal(ctx, "d"); return err },
		"Deals":        func(m *crm.MemoryStore) error { _, err := m.Deals(ctx, "A"); return err },
		"Audit":        func(m *crm.MemoryStore) error { return firstErr(m.Audit(ctx, "li")) },
		"Apply": func(m *crm.MemoryStore) error {
			return m.Apply(ctx, crm.Batch{Companies: []crm.Company{{ID: "A", Name: "A", Stages: []crm.StageChange{{At: at}}}}})
		},
		"CRM.AddCompany": func(m *crm.MemoryStore) error {
			_, err := crm.New(m, nil).AddCompany(ctx, crm.Company{ID: "A", Name: "A"})
			return err
		},
	}
	for name, call := range calls {
		for _, m := range []*crm.MemoryStore{new(crm.MemoryStore), nil} {
			t.Run(name, func(t *testing.T) {
				var err error
				require.NotPanics(t, func() { err = call(m) })
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "memory_store: not made by NewMemoryStore")
			})
		}
	}
}

// A nil reader is refused with an error matching b2bkit.ErrInvalid, not a panic.
func TestR24_ANilReaderIsRefused(t *testing.T) {
	require.NotPanics(t, func() {
		n := 0
		for _, err := range crm.ReadPeopleCSV(nil, nil) {
			n++
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, "no reader")
		}
		require.Equal(t, 1, n)
		_, err := crm.LoadTierPolicy(nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "no reader")
	})
}
