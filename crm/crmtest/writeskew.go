package crmtest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tb is the part of testing.TB the concurrency cases use, so the suite's own tests can run them
// against a deliberately broken store and see them fail.
type tb interface {
	require.TestingT
	Helper()
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

// requireOneWins checks that exactly one of the errors is nil and every other matches ErrConflict,
// and returns the index of the winner.
func requireOneWins(t tb, errs []error) int {
	t.Helper()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			require.Fail(t, "two racing writes both succeeded", "calls %d and %d read the same versions", won, i)
		default:
			require.ErrorIs(t, err, b2bkit.ErrConflict, "call %d", i)
		}
	}
	require.GreaterOrEqual(t, won, 0, "one of the racing writes must succeed")
	return won
}

// unchangedClaims: a record written back unchanged still has its version checked and bumped, so a
// batch can claim the records it read; of writers racing on one claimed version, one wins.
func unchangedClaims(t tb, s crm.Store) {
	require.NoError(t, s.Apply(ctx, crm.Batch{Companies: []crm.Company{company("A")}, People: []crm.Person{person("p")}}))
	p, err := s.Person(ctx, "p")
	require.NoError(t, err)
	a, err := s.Company(ctx, "A")
	require.NoError(t, err)
	const n = 8
	calls := make([]func() error, n)
	for i := range calls {
		calls[i] = func() error {
			return s.Apply(ctx, crm.Batch{People: []crm.Person{p}, Companies: []crm.Company{a},
				Spells: []crm.Spell{spell(fmt.Sprintf("s%d", i), "p", "A", day(i))}})
		}
	}
	won := requireOneWins(t, race(calls...))
	sp, err := s.Spells(ctx, crm.SpellQuery{Person: "p"})
	require.NoError(t, err)
	require.Len(t, sp, 1, "only the winner's spell is stored")
	assert.Equal(t, crm.SpellID(fmt.Sprintf("s%d", won)), sp[0].ID)
	got, err := s.Person(ctx, "p")
	require.NoError(t, err)
	assert.Equal(t, p.Version+1, got.Version, "an unchanged record written back is bumped")
}

// oneOwnerRace: owner accounts for one company created at once: one wins.
func oneOwnerRace(t tb, s crm.Store) {
	const n = 8
	calls := make([]func() error, n)
	for i := range calls {
		calls[i] = func() error {
			return s.Apply(ctx, crm.Batch{Accounts: []crm.Account{{ID: crm.AccountID(fmt.Sprintf("o%d", i)), Company: "A", Kind: crm.Owner}}})
		}
	}
	requireOneWins(t, race(calls...))
	list, err := s.Accounts(ctx, "A")
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

// oneContactRace: people with one contact point created at once: one wins.
func oneContactRace(t tb, s crm.Store) {
	const n = 8
	calls := make([]func() error, n)
	for i := range calls {
		calls[i] = func() error {
			return s.Apply(ctx, crm.Batch{People: []crm.Person{person(fmt.Sprintf("p%d", i), "13812345678")}})
		}
	}
	won := requireOneWins(t, race(calls...))
	p, err := s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13812345678"))
	require.NoError(t, err)
	assert.Equal(t, b2bkit.PersonID(fmt.Sprintf("p%d", won)), p.ID)
}

// A Gate is a crm.Store that holds the Apply calls of n CRM calls until all n have arrived, so each
// has read the same state before any writes: the interleaving of a write skew, made deterministic.
// Tests of invariants that span records use it to race CRM calls on purpose.
type Gate struct {
	crm.Store
	mu   sync.Mutex
	left int
	open chan struct{}
}

// Arm makes the next n Apply calls wait for each other (at most 5 s, in case one fails before it
// writes).
func (g *Gate) Arm(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.left, g.open = n, make(chan struct{})
}

// Apply implements crm.Store.
func (g *Gate) Apply(ctx context.Context, b crm.Batch) error {
	g.mu.Lock()
	open, wait := g.open, g.left > 0
	if wait {
		g.left--
		if g.left == 0 {
			close(open)
		}
	}
	g.mu.Unlock()
	if wait {
		select {
		case <-open:
		case <-time.After(5 * time.Second): // another call failed before writing
		}
	}
	return g.Store.Apply(ctx, b)
}

// gated returns a CRM over s whose writes can be made to wait for each other.
func gated(t tb, s crm.Store) (*crm.CRM, *Gate) {
	g := &Gate{Store: s}
	c := crm.New(g, &crm.Options{Now: func() time.Time { return t0 }})
	for _, id := range []b2bkit.CompanyID{"A", "B", "C"} {
		_, err := c.AddCompany(ctx, crm.Company{ID: id, Name: "Company " + string(id), Stage: crm.Repurchasing})
		require.NoError(t, err)
	}
	for _, id := range []b2bkit.PersonID{"li", "zhao", "chen", "wang"} {
		_, err := c.AddPerson(ctx, crm.Person{ID: id, Name: "Person " + string(id)})
		require.NoError(t, err)
	}
	return c, g
}

func startJob(t tb, c *crm.CRM, p b2bkit.PersonID, co b2bkit.CompanyID, start time.Time, roles ...crm.Role) crm.Spell {
	t.Helper()
	s, err := c.StartJob(ctx, crm.Job{Person: p, Company: co, Title: "staff", Roles: roles, Start: start})
	require.NoError(t, err)
	return s
}

// skewStartJob: two overlapping spells of one person at one company started at once: one wins.
func skewStartJob(t tb, s crm.Store) {
	c, g := gated(t, s)
	g.Arm(2)
	errs := race(
		func() error {
			_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "owner", Start: day(1)})
			return err
		},
		func() error {
			_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Start: day(2)})
			return err
		})
	requireOneWins(t, errs)
	sp, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, sp, 1, "no overlapping spell was stored")
}

// skewChangeJobs: two job changes of one person with no current job, to one company from two dates,
// at once: one wins, so she never has two overlapping spells there.
func skewChangeJobs(t tb, s crm.Store) {
	c, g := gated(t, s)
	g.Arm(2)
	move := func(at time.Time) func() error {
		return func() error {
			_, err := c.ChangeJob(ctx, "li", "B", "buyer", []crm.Role{crm.User}, at)
			return err
		}
	}
	requireOneWins(t, race(move(day(1)), move(day(2))))
	sp, err := s.Spells(ctx, crm.SpellQuery{Person: "li"})
	require.NoError(t, err)
	require.Len(t, sp, 1, "no overlapping spell was stored")
}

// twoDecisionMakers staffs company A with a complete committee of two decision makers.
func twoDecisionMakers(t tb, c *crm.CRM) {
	startJob(t, c, "li", "A", day(1), crm.DecisionMaker)
	startJob(t, c, "zhao", "A", day(1), crm.DecisionMaker)
	startJob(t, c, "chen", "A", day(1), crm.User)
	startJob(t, c, "wang", "A", day(1), crm.Payer)
}

// skewDepartures: both decision makers leave at once. One wins and leaves the other deciding; the
// loser, retried, reports the role uncovered.
func skewDepartures(t tb, s crm.Store) {
	c, g := gated(t, s)
	twoDecisionMakers(t, c)
	moves := []struct {
		p  b2bkit.PersonID
		to b2bkit.CompanyID
	}{{"li", "B"}, {"zhao", "C"}}
	var jcs [2]crm.JobChange
	move := func(i int) (err error) {
		jcs[i], err = c.ChangeJob(ctx, moves[i].p, moves[i].to, "manager", []crm.Role{crm.DecisionMaker}, day(30))
		return err
	}
	g.Arm(2)
	won := requireOneWins(t, race(func() error { return move(0) }, func() error { return move(1) }))
	assert.Empty(t, jcs[won].Uncovered, "the first to leave leaves the other decision maker")
	require.NoError(t, move(1-won))
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jcs[1-won].Uncovered, "the second leaves nobody deciding")
	assert.True(t, jcs[1-won].LeftIncomplete)
}

// skewEndAndChange: one decision maker ends her job while the other changes his: one wins.
func skewEndAndChange(t tb, s crm.Store) {
	c, g := gated(t, s)
	twoDecisionMakers(t, c)
	sp, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, sp, 1)
	var jc crm.JobChange
	g.Arm(2)
	errs := race(
		func() error { _, err := c.EndJob(ctx, sp[0].ID, "li", day(30)); return err },
		func() (err error) {
			jc, err = c.ChangeJob(ctx, "zhao", "C", "manager", []crm.Role{crm.DecisionMaker}, day(30))
			return err
		})
	if requireOneWins(t, errs) == 1 {
		assert.Empty(t, jc.Uncovered, "li still decided when zhao left")
		return
	}
	jc, err = c.ChangeJob(ctx, "zhao", "C", "manager", []crm.Role{crm.DecisionMaker}, day(30))
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.Uncovered, "li had left when zhao left")
}

// skewBothEndJobs: both decision makers end their jobs at once. One wins and leaves the other
// deciding; the loser, retried, reports the role uncovered.
func skewBothEndJobs(t tb, s crm.Store) {
	c, g := gated(t, s)
	twoDecisionMakers(t, c)
	var ids [2]crm.SpellID
	for i, p := range []b2bkit.PersonID{"li", "zhao"} {
		sp, err := c.History(ctx, p)
		require.NoError(t, err)
		require.Len(t, sp, 1)
		ids[i] = sp[0].ID
	}
	var jcs [2]crm.JobChange
	end := func(i int) (err error) {
		jcs[i], err = c.EndJob(ctx, ids[i], []b2bkit.PersonID{"li", "zhao"}[i], day(30))
		return err
	}
	g.Arm(2)
	won := requireOneWins(t, race(func() error { return end(0) }, func() error { return end(1) }))
	assert.Empty(t, jcs[won].Uncovered, "the first to leave leaves the other decision maker")
	require.NoError(t, end(1-won))
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jcs[1-won].Uncovered, "the second leaves nobody deciding")
}

// skewImportAndStartJob: an import and a StartJob give one person overlapping jobs at one company
// at once: one wins.
func skewImportAndStartJob(t tb, s crm.Store) {
	c, g := gated(t, s)
	row := crm.ImportRow{Key: "li", Job: crm.Job{Company: "A", Title: "owner", Start: day(1)}}
	g.Arm(2)
	errs := race(
		func() error {
			_, err := c.Import(ctx, func(yield func(crm.ImportRow, error) bool) { yield(row, nil) })
			return err
		},
		func() error {
			_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Start: day(2)})
			return err
		})
	requireOneWins(t, errs)
	sp, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, sp, 1, "no overlapping spell was stored")
}

// skewMergeAndStartJob: a job started for a person while she is merged into another: one wins, so
// a merged record never keeps a spell.
func skewMergeAndStartJob(t tb, s crm.Store) {
	c, g := gated(t, s)
	g.Arm(2)
	errs := race(
		func() error { _, err := c.Merge(ctx, "li", "zhao"); return err },
		func() error {
			_, err := c.StartJob(ctx, crm.Job{Person: "zhao", Company: "A", Title: "buyer", Start: day(2)})
			return err
		})
	requireOneWins(t, errs)
	left, err := s.Spells(ctx, crm.SpellQuery{Person: "zhao"})
	require.NoError(t, err)
	p, err := s.Person(ctx, "zhao")
	require.NoError(t, err)
	if p.MergedInto != "" {
		assert.Empty(t, left, "a merged record keeps no spells")
	}
}

// dealContactsRace: two people put on one deal at once: one wins, and the loser's retry keeps both.
func dealContactsRace(t tb, s crm.Store) {
	c, g := gated(t, s)
	_, err := c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "tender"})
	require.NoError(t, err)
	set := func(p b2bkit.PersonID) error {
		_, err := c.SetDealContact(ctx, "d", crm.DealContact{Person: p, Roles: []crm.Role{crm.User}})
		return err
	}
	g.Arm(2)
	won := requireOneWins(t, race(func() error { return set("li") }, func() error { return set("zhao") }))
	require.NoError(t, set([]b2bkit.PersonID{"li", "zhao"}[1-won]))
	d, err := c.Deal(ctx, "d")
	require.NoError(t, err)
	assert.Len(t, d.Contacts, 2, "no update was lost")
}
