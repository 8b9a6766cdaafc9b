package crm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit/internal/dectest"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/require"
)

// Decimals are compared by value; the shared assertions live in internal/dectest.
var (
	dec             = dectest.Dec
	requireDecEqual = dectest.RequireEqual
)

var ctx = context.Background()

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var now = day(2026, 3, 1)

func newCRM(t testing.TB, opts *crm.Options) *crm.CRM {
	t.Helper()
	if opts == nil {
		opts = &crm.Options{}
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return now }
	}
	return crm.New(crm.NewMemoryStore(), opts)
}

func addCompany(t testing.TB, c *crm.CRM, id b2bkit.CompanyID, stage crm.Stage) crm.Company {
	t.Helper()
	co, err := c.AddCompany(ctx, crm.Company{ID: id, Name: "Company " + string(id), Stage: stage})
	require.NoError(t, err)
	return co
}

func addPerson(t testing.TB, c *crm.CRM, id b2bkit.PersonID, name, mobile string) crm.Person {
	t.Helper()
	p := crm.Person{ID: id, Name: name}
	if mobile != "" {
		p.Contacts = []crm.ContactPoint{{Kind: crm.Mobile, Value: mobile}}
	}
	p, err := c.AddPerson(ctx, p)
	require.NoError(t, err)
	return p
}

func startJob(t testing.TB, c *crm.CRM, p b2bkit.PersonID, co b2bkit.CompanyID, title string, start time.Time, roles ...crm.Role) crm.Spell {
	t.Helper()
	s, err := c.StartJob(ctx, crm.Job{Person: p, Company: co, Title: title, Roles: roles, Start: start})
	require.NoError(t, err)
	return s
}

// restaurant builds customer A, a repurchasing restaurant whose committee is complete: Li the owner
// decides, Chen the chef uses, Wang the accountant pays.
func restaurant(t testing.TB, c *crm.CRM) {
	t.Helper()
	addCompany(t, c, "A", crm.Repurchasing)
	addPerson(t, c, "li", "李娜", "138 1234 5678")
	addPerson(t, c, "chen", "陈师傅", "13900001111")
	addPerson(t, c, "wang", "王会计", "")
	startJob(t, c, "li", "A", "owner", day(2024, 1, 1), crm.DecisionMaker)
	startJob(t, c, "chen", "A", "head chef", day(2024, 2, 1), crm.User, crm.Influencer)
	startJob(t, c, "wang", "A", "accountant", day(2024, 3, 1), crm.Payer)
}

func requireInvalidField(t testing.TB, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Contains(t, err.Error(), field)
	require.Contains(t, err.Error(), "crm: ")
}

// race runs the calls at once and returns their errors in order.
func race(calls ...func() error) []error {
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, f := range calls {
		wg.Go(func() { errs[i] = f() })
	}
	wg.Wait()
	return errs
}
