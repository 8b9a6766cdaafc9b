package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The differential tests drive a store and the in-memory reference with the same drawn operations
// and require the same answers: where the conformance suites check chosen cases, these walk the
// cases nobody thought of (a match given twice in a batch at two statuses, contract periods meeting
// at a query's instant, spells of people merged into one another).

// errClass is what a differential test compares of an error: nil or the sentinel it matches.
func errClass(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, b2bkit.ErrConflict):
		return "conflict"
	case errors.Is(err, b2bkit.ErrNotFound):
		return "not found"
	case errors.Is(err, b2bkit.ErrInvalid):
		return "invalid"
	}
	return "other: " + err.Error()
}

// TestR13_MatchLogAgreesWithTheMemoryLog: drawn batches of appends (retries, copies at other
// statuses or with other content, ids given twice) and status changes (moves, retries, changes out
// of date) get the same errors from the SQL log as from matching.MemoryLog, and leave the same
// entries under the same numbers.
func TestR13_MatchLogAgreesWithTheMemoryLog(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(7, 8)) // a seed that meets the batch retries 2c3a35a fixed
		logs := []matching.Log{matching.NewMemoryLog(), open(t).Matches()}
		draw := func() matching.Match {
			m := matchingtest.Sample(fmt.Sprintf("M-%d", r.IntN(8)), epoch.Add(time.Duration(r.IntN(3))*time.Hour))
			m.Status = matching.Status(r.IntN(4))
			if r.IntN(5) == 0 {
				m.UnitPrice = decimal.RequireFromString("118.000") // the same price, written otherwise
			}
			if r.IntN(8) == 0 {
				m.Subsidy = decimal.NewFromInt(1) // other content
			}
			return m
		}
		for step := range 400 {
			var do func(matching.Log) error
			if r.IntN(3) < 2 {
				ms := make([]matching.Match, 1+r.IntN(4))
				for i := range ms {
					ms[i] = draw()
				}
				do = func(l matching.Log) error { return l.Append(ctx, ms...) }
			} else {
				c := matching.StatusChange{ID: fmt.Sprintf("M-%d", r.IntN(9)), Status: matching.Status(r.IntN(4)),
					At: epoch.Add(time.Duration(r.IntN(6)) * time.Hour), By: []string{"ops", "bot"}[r.IntN(2)]}
				do = func(l matching.Log) error { return l.SetStatus(ctx, c) }
			}
			want, got := do(logs[0]), do(logs[1])
			require.Equal(t, errClass(want), errClass(got), "step %d: memory says %v, sql %v", step, want, got)
		}
		want, got := matchingtest.Entries(t, logs[0], 0), matchingtest.Entries(t, logs[1], 0)
		require.Len(t, got, len(want))
		for i := range want {
			w, g := want[i], got[i]
			require.True(t, w.Seq == g.Seq && w.Kind == g.Kind && w.MatchSeq == g.MatchSeq && w.Match.Equal(g.Match) &&
				w.Change.Equal(g.Change), "entry %d: memory %+v, sql %+v", i, w, g)
		}
	})
}

// TestR11_PriceListAgreesWithTheMemoryList: drawn contract prices for buyers and groups (replacing
// one another by id, overlapping, unbounded on either side) are stored or refused alike, and a
// batch of 1,200 drawn queries — across blocks, at period bounds, at no date — finds the same
// contracts as pricing.PriceList.
func TestR11_PriceListAgreesWithTheMemoryList(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(1, 2))
		sl := open(t).Prices()
		ml, err := pricing.NewPriceList()
		require.NoError(t, err)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		day := func(n int) time.Time { return base.AddDate(0, 0, n) }
		var prices []pricing.ListPrice
		for i := range 20 {
			prices = append(prices, pricing.ListPrice{SKU: b2bkit.SKU(fmt.Sprintf("S-%d", i)), Price: decimal.New(int64(100+i), -1), Currency: "CNY"})
		}
		require.NoError(t, sl.Set(ctx, prices...))
		require.NoError(t, ml.Set(prices...))
		buyers, groups := []b2bkit.CompanyID{"", "B-1", "B-2"}, []string{"", "G-1", "G-2"}
		for step := range 300 {
			c := pricing.ContractPrice{ID: fmt.Sprintf("C-%d", r.IntN(30)), SKU: b2bkit.SKU(fmt.Sprintf("S-%d", r.IntN(25))),
				Price: decimal.New(int64(1+r.IntN(100)), -2)}
			if r.IntN(2) == 0 {
				c.Buyer = buyers[1+r.IntN(2)]
			} else {
				c.Group = groups[1+r.IntN(2)]
			}
			if r.IntN(3) > 0 {
				c.ValidFrom = day(r.IntN(60))
			}
			if r.IntN(3) > 0 {
				c.ValidUntil = day(r.IntN(60))
			}
			want, got := ml.SetContracts(c), sl.SetContracts(ctx, c)
			require.Equal(t, errClass(want), errClass(got), "step %d, %+v: memory says %v, sql %v", step, c, want, got)
		}
		qs := make([]pricing.PriceQuery, 1200)
		for i := range qs {
			q := pricing.PriceQuery{SKU: b2bkit.SKU(fmt.Sprintf("S-%d", r.IntN(25))), Buyer: buyers[r.IntN(3)], Group: groups[r.IntN(3)]}
			switch r.IntN(4) {
			case 1:
				q.At = day(r.IntN(62) - 1)
			case 2, 3:
				q.At = day(r.IntN(62) - 1).Add(time.Duration(r.IntN(48)-24) * time.Hour)
			}
			qs[i] = q
		}
		got, found := make([]pricing.ListPrice, len(qs)), make([]bool, len(qs))
		require.NoError(t, sl.ListPrices(ctx, qs, got, found))
		for i, q := range qs {
			want, err := ml.ListPrice(ctx, q)
			require.Equal(t, err == nil, found[i], "%+v: memory says %v", q, err)
			require.True(t, want.Contract.ID == got[i].Contract.ID && want.Contract.Price.Equal(got[i].Contract.Price) &&
				want.Contract.Group == got[i].Contract.Group, "%+v: memory %+v, sql %+v", q, want.Contract, got[i].Contract)
		}
	})
}

// TestR3_CRMAgreesWithTheMemoryStore: a CRM over the SQL store and one over crm.MemoryStore, given
// the same drawn calls — people with contact points another may hold, jobs started, changed and
// ended, merges, committees asked — answer alike and leave the same histories.
func TestR3_CRMAgreesWithTheMemoryStore(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		opts := &crm.Options{Now: func() time.Time { return now }}
		cs := []*crm.CRM{crm.New(crm.NewMemoryStore(), opts), crm.New(open(t).CRM(), opts)}
		r := rand.New(rand.NewPCG(5, 6))
		companies := []b2bkit.CompanyID{"A", "B", "C", "D"}
		people := []b2bkit.PersonID{"P-1", "P-2", "P-3", "P-4", "P-5"}
		for _, c := range cs {
			for _, id := range companies {
				_, err := c.AddCompany(ctx, crm.Company{ID: id, Name: "Company " + string(id), Stage: crm.Covered})
				require.NoError(t, err)
			}
		}
		day := func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(800)) }
		mobile := func() string { return fmt.Sprintf("+861380000%04d", r.IntN(4)) }
		for step := range 250 {
			var do func(c *crm.CRM) (string, error)
			person := people[r.IntN(len(people))]
			switch r.IntN(8) {
			case 0:
				p := crm.Person{ID: person, Name: "Person " + string(person)}
				if r.IntN(2) == 0 {
					p.Contacts = []crm.ContactPoint{{Kind: crm.Mobile, Value: mobile()}}
				}
				do = func(c *crm.CRM) (string, error) { _, err := c.AddPerson(ctx, p); return "", err }
			case 1, 2:
				j := crm.Job{Person: person, Company: companies[r.IntN(len(companies))], Title: "buyer", Roles: []crm.Role{crm.Role(1 + r.IntN(3))}, Start: day()}
				if r.IntN(3) == 0 {
					j.End = j.Start.AddDate(0, 0, r.IntN(200))
				}
				do = func(c *crm.CRM) (string, error) { s, err := c.StartJob(ctx, j); return string(s.ID), err }
			case 3:
				to, at, roles := companies[r.IntN(len(companies))], day(), []crm.Role{crm.Role(1 + r.IntN(3))}
				do = func(c *crm.CRM) (string, error) {
					jc, err := c.ChangeJob(ctx, person, to, "manager", roles, at)
					return fmt.Sprintf("%s %v %v", jc.ID, jc.Uncovered, jc.LostRoles), err
				}
			case 4:
				at, k := day(), r.IntN(100)
				do = func(c *crm.CRM) (string, error) {
					h, err := c.History(ctx, person)
					if err != nil || len(h) == 0 {
						return "", err
					}
					jc, err := c.EndJob(ctx, h[k%len(h)].ID, person, at)
					return fmt.Sprintf("%s %v", jc.ID, jc.Uncovered), err
				}
			case 5:
				absorb := people[r.IntN(len(people))]
				do = func(c *crm.CRM) (string, error) {
					p, err := c.Merge(ctx, person, absorb)
					return fmt.Sprint(p.Absorbed), err
				}
			case 6:
				value := mobile()
				do = func(c *crm.CRM) (string, error) {
					_, err := c.AddContact(ctx, person, crm.Mobile, value, now)
					return "", err
				}
			case 7:
				company, at := companies[r.IntN(len(companies))], day()
				do = func(c *crm.CRM) (string, error) {
					cm, err := c.Committee(ctx, company, at)
					return fmt.Sprintf("%v %d", cm.Missing, len(cm.Members)), err
				}
			}
			want, wantErr := do(cs[0])
			got, gotErr := do(cs[1])
			require.Equal(t, errClass(wantErr), errClass(gotErr), "step %d: memory says %v, sql %v", step, wantErr, gotErr)
			require.Equal(t, want, got, "step %d", step)
		}
		for _, p := range people {
			want, wantErr := cs[0].History(ctx, p)
			got, gotErr := cs[1].History(ctx, p)
			require.Equal(t, errClass(wantErr), errClass(gotErr), "%s", p)
			require.Len(t, got, len(want), "%s", p)
			for i := range want {
				require.True(t, want[i].ID == got[i].ID && want[i].End.Equal(got[i].End), "%s spell %d", p, i)
			}
		}
	})
}
