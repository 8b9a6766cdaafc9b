// Package crmtest is the conformance suite for crm.Store, in the spirit of testing/fstest: a host
// that adapts its own database to crm.Store runs Run against it, and the adapter is fit for the CRM
// when every subtest passes. crm.MemoryStore passes it first.
//
// Besides reads and writes, the suite races writers: a record written back unchanged must still have
// its version checked and bumped, because the CRM keeps its cross-record invariants (no overlapping
// spells, what a departure leaves uncovered) through those versions, not through a lock. The
// WriteSkew cases run a crm.CRM over the store with its writes held until both racers have read, and
// fail on a store that skips the bump.
package crmtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Run runs the conformance suite against stores made by newStore, which must return a new, empty
// store for every call (each subtest uses its own).
func Run(t *testing.T, newStore func(t *testing.T) crm.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, crm.Store)
	}{
		{"CompanyCreateReadUpdate", companyCreateReadUpdate},
		{"NotFound", notFound},
		{"StaleVersionConflicts", staleVersion},
		{"FailedBatchStoresNothing", failedBatch},
		{"InvalidRecordsRejected", invalidRecords},
		{"ReturnsCopies", returnsCopies},
		{"ContactIndex", contactIndex},
		{"SpellsOrderAndFilters", spellsOrder},
		{"SpellMovesToAnotherPerson", spellMoves},
		{"JobChangesOrderAndSince", jobChanges},
		{"AccountsAndOneOwner", accounts},
		{"ActivitiesOrderAndPeriod", activities},
		{"CompaniesIterationOrder", companiesOrder},
		{"OneCompanyPerRegistration", oneRegistration},
		{"ErasedPeople", erasedPeople},
		{"ConcurrentWriters", concurrentWriters},
		{"UnchangedRecordClaimsItsVersion", func(t *testing.T, s crm.Store) { unchangedClaims(t, s) }},
		{"OneOwnerUnderConcurrency", func(t *testing.T, s crm.Store) { oneOwnerRace(t, s) }},
		{"OneContactHolderUnderConcurrency", func(t *testing.T, s crm.Store) { oneContactRace(t, s) }},
		{"WriteSkew/StartJob", func(t *testing.T, s crm.Store) { skewStartJob(t, s) }},
		{"WriteSkew/ChangeJobs", func(t *testing.T, s crm.Store) { skewChangeJobs(t, s) }},
		{"WriteSkew/Departures", func(t *testing.T, s crm.Store) { skewDepartures(t, s) }},
		{"WriteSkew/EndJobAndChangeJob", func(t *testing.T, s crm.Store) { skewEndAndChange(t, s) }},
		{"WriteSkew/BothEndJobs", func(t *testing.T, s crm.Store) { skewBothEndJobs(t, s) }},
		{"WriteSkew/ImportAndStartJob", func(t *testing.T, s crm.Store) { skewImportAndStartJob(t, s) }},
		{"WriteSkew/MergeAndStartJob", func(t *testing.T, s crm.Store) { skewMergeAndStartJob(t, s) }},
		{"DealContactsUnderConcurrency", func(t *testing.T, s crm.Store) { dealContactsRace(t, s) }},
		{"SearchCompanies", searchCompanies},
		{"SearchPeople", searchPeople},
		{"SearchAgainstAFullScan", searchAgainstAFullScan},
		{"Deals", deals},
		{"AuditTrail", auditTrail},
		{"ConsentStored", consentStored},
		{"CancelledContext", cancelled},
		{"TimesAreInstants", timesAreInstants},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

var (
	ctx = context.Background()
	t0  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

func company(id string) crm.Company {
	return crm.Company{ID: b2bkit.CompanyID(id), Name: "Company " + id, Stage: crm.Target}
}

func person(id string, mobiles ...string) crm.Person {
	p := crm.Person{ID: b2bkit.PersonID(id), Name: "Person " + id}
	for _, m := range mobiles {
		p.Contacts = append(p.Contacts, crm.ContactPoint{Kind: crm.Mobile, Value: m, Since: t0})
	}
	return p
}

func spell(id, p, c string, start time.Time, roles ...crm.Role) crm.Spell {
	return crm.Spell{ID: crm.SpellID(id), Person: b2bkit.PersonID(p), Company: b2bkit.CompanyID(c), Title: "buyer", Roles: roles, Start: start}
}

func apply(t *testing.T, s crm.Store, b crm.Batch) {
	t.Helper()
	require.NoError(t, s.Apply(ctx, b))
}

func companyCreateReadUpdate(t *testing.T, s crm.Store) {
	c := company("A")
	c.Wallet = crm.Wallet{Amount: decimal.RequireFromString("1200000.50"), Currency: "CNY", Method: "estimate", AsOf: t0}
	c.Stages = []crm.StageChange{{Stage: crm.Target, At: t0}}
	apply(t, s, crm.Batch{Companies: []crm.Company{c}})
	got, err := s.Company(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version, "stored with version 1")
	assert.Equal(t, c.Name, got.Name)
	assert.True(t, c.Wallet.Amount.Equal(got.Wallet.Amount))
	assert.True(t, t0.Equal(got.Wallet.AsOf))
	require.Len(t, got.Stages, 1)

	got.Name = "Renamed"
	apply(t, s, crm.Batch{Companies: []crm.Company{got}})
	again, err := s.Company(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, "Renamed", again.Name)
	assert.Equal(t, int64(2), again.Version)
}

func notFound(t *testing.T, s crm.Store) {
	_, err := s.Company(ctx, "nope")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = s.Person(ctx, "nope")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = s.Account(ctx, "nope")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13812345678"))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.NotContains(t, err.Error(), "13812345678", "errors never hold contact points")
	sp, err := s.Spells(ctx, crm.SpellQuery{Person: "nope"})
	require.NoError(t, err)
	assert.Empty(t, sp)
	acc, err := s.Accounts(ctx, "nope")
	require.NoError(t, err)
	assert.Empty(t, acc)
}

func staleVersion(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{Companies: []crm.Company{company("A")}, People: []crm.Person{person("p")},
		Spells: []crm.Spell{spell("s", "p", "A", t0)}, Accounts: []crm.Account{{ID: "acc", Company: "A"}}})
	stale := []crm.Batch{
		{Companies: []crm.Company{company("A")}},                                           // create over existing
		{People: []crm.Person{person("p")}},                                                // create over existing
		{Spells: []crm.Spell{spell("s", "p", "A", t0)}},                                    // create over existing
		{Accounts: []crm.Account{{ID: "acc", Company: "A"}}},                               // create over existing
		{Companies: []crm.Company{withVersion(company("B"), 1)}},                           // update of nothing
		{Companies: []crm.Company{withVersion(company("A"), 7)}},                           // wrong version
		{People: []crm.Person{{ID: "p", Name: "x", Version: 3}}},                           // wrong version
		{Spells: []crm.Spell{{ID: "s", Person: "p", Company: "A", Start: t0, Version: 2}}}, // wrong version
	}
	for i, b := range stale {
		err := s.Apply(ctx, b)
		require.ErrorIs(t, err, b2bkit.ErrConflict, "batch %d", i)
	}
	// the current version succeeds, once
	c, err := s.Company(ctx, "A")
	require.NoError(t, err)
	apply(t, s, crm.Batch{Companies: []crm.Company{c}})
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Companies: []crm.Company{c}}), b2bkit.ErrConflict)
}

func withVersion(c crm.Company, v int64) crm.Company {
	c.Version = v
	return c
}

func failedBatch(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{People: []crm.Person{person("p", "13812345678")}})
	err := s.Apply(ctx, crm.Batch{
		Companies:  []crm.Company{company("A")},
		People:     []crm.Person{person("q", "13900001111"), person("p")}, // p: stale version
		Spells:     []crm.Spell{spell("s", "q", "A", t0)},
		JobChanges: []crm.JobChange{{ID: "j", Person: "q", At: t0, To: "A"}},
	})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	_, err = s.Company(ctx, "A")
	require.ErrorIs(t, err, b2bkit.ErrNotFound, "nothing of a failed batch is stored")
	_, err = s.Person(ctx, "q")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13900001111"))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	sp, err := s.Spells(ctx, crm.SpellQuery{Person: "q"})
	require.NoError(t, err)
	assert.Empty(t, sp)
	for range s.JobChanges(ctx, time.Time{}) {
		t.Fatal("a job change of a failed batch was stored")
	}
	p, err := s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13812345678"))
	require.NoError(t, err)
	assert.Equal(t, int64(1), p.Version)
}

func invalidRecords(t *testing.T, s crm.Store) {
	bad := []crm.Batch{
		{Companies: []crm.Company{{ID: "A"}}},         // no name
		{People: []crm.Person{{Name: "no id"}}},       // no id
		{Spells: []crm.Spell{{ID: "s", Person: "p"}}}, // no company, no start
		{Spells: []crm.Spell{{ID: "s", Person: "p", Company: "A", Start: day(2), End: day(1)}}},
		{Companies: []crm.Company{company("A"), company("A")}},                                                      // repeated id
		{People: []crm.Person{{ID: "p", Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "138 1234 5678"}}}}}, // not normalised
		{Activities: []crm.Activity{{ID: "x"}}},
		{JobChanges: []crm.JobChange{{ID: "j"}}},
	}
	for i, b := range bad {
		require.ErrorIs(t, s.Apply(ctx, b), b2bkit.ErrInvalid, "batch %d", i)
	}
	_, err := s.Spells(ctx, crm.SpellQuery{})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func returnsCopies(t *testing.T, s crm.Store) {
	c := company("A")
	c.Stages = []crm.StageChange{{Stage: crm.Target, At: t0}}
	apply(t, s, crm.Batch{Companies: []crm.Company{c}, People: []crm.Person{person("p", "13812345678")},
		Spells: []crm.Spell{spell("s", "p", "A", t0, crm.User)}})
	c.Stages[0].Stage = crm.Lost // the caller's slice is not the store's
	got, err := s.Company(ctx, "A")
	require.NoError(t, err)
	got.Stages[0].Stage = crm.Lost
	again, err := s.Company(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, crm.Target, again.Stages[0].Stage)

	p, err := s.Person(ctx, "p")
	require.NoError(t, err)
	p.Contacts[0].Value = "13900000000"
	p2, err := s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13812345678"))
	require.NoError(t, err)
	assert.Equal(t, "13812345678", p2.Contacts[0].Value)

	sp, err := s.Spells(ctx, crm.SpellQuery{Person: "p"})
	require.NoError(t, err)
	sp[0].Roles[0] = crm.Payer
	sp2, err := s.Spells(ctx, crm.SpellQuery{Company: "A"})
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.User}, sp2[0].Roles)
}

func contactIndex(t *testing.T, s crm.Store) {
	p := person("p", "13812345678")
	apply(t, s, crm.Batch{People: []crm.Person{p}})
	p, err := s.Person(ctx, "p")
	require.NoError(t, err)
	// retire the old number, add a new one: both find her
	p.Contacts[0].Until = day(10)
	p.Contacts = append(p.Contacts, crm.ContactPoint{Kind: crm.Mobile, Value: "13987654321", Since: day(10)})
	apply(t, s, crm.Batch{People: []crm.Person{p}})
	for _, m := range []string{"13812345678", "13987654321"} {
		got, err := s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, m))
		require.NoError(t, err, m)
		assert.Equal(t, b2bkit.PersonID("p"), got.ID)
	}
	// another person cannot take one of her contact points
	err = s.Apply(ctx, crm.Batch{People: []crm.Person{person("q", "13812345678")}})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	// nor can two new people share one
	err = s.Apply(ctx, crm.Batch{People: []crm.Person{person("x", "13700000000"), person("y", "13700000000")}})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	// but one batch may move a contact point from her to someone else (a merge the other way)
	p, err = s.Person(ctx, "p")
	require.NoError(t, err)
	moved := p.Contacts[1]
	p.Contacts = p.Contacts[:1]
	q := person("q")
	q.Contacts = []crm.ContactPoint{moved}
	apply(t, s, crm.Batch{People: []crm.Person{p, q}})
	got, err := s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13987654321"))
	require.NoError(t, err)
	assert.Equal(t, b2bkit.PersonID("q"), got.ID)
	// a contact point dropped from a person no longer finds anyone
	q, err = s.Person(ctx, "q")
	require.NoError(t, err)
	q.Contacts = nil
	apply(t, s, crm.Batch{People: []crm.Person{q}})
	_, err = s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13987654321"))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

func spellsOrder(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{Spells: []crm.Spell{
		spell("s3", "p", "A", day(3)), spell("s1", "p", "B", day(1)), spell("s2b", "q", "A", day(2)),
		spell("s2a", "p", "A", day(2)), spell("s0", "q", "B", day(0)),
	}})
	ids := func(list []crm.Spell) []crm.SpellID {
		out := make([]crm.SpellID, len(list))
		for i, x := range list {
			out[i] = x.ID
		}
		return out
	}
	byP, err := s.Spells(ctx, crm.SpellQuery{Person: "p"})
	require.NoError(t, err)
	assert.Equal(t, []crm.SpellID{"s1", "s2a", "s3"}, ids(byP))
	byC, err := s.Spells(ctx, crm.SpellQuery{Company: "A"})
	require.NoError(t, err)
	assert.Equal(t, []crm.SpellID{"s2a", "s2b", "s3"}, ids(byC), "by start, then id")
	both, err := s.Spells(ctx, crm.SpellQuery{Person: "p", Company: "A"})
	require.NoError(t, err)
	assert.Equal(t, []crm.SpellID{"s2a", "s3"}, ids(both))

	// ActiveAt keeps the spells covering that instant: [Start, End)
	ended := spell("e", "r", "A", day(0))
	ended.End = day(2)
	apply(t, s, crm.Batch{Spells: []crm.Spell{ended}})
	at2, err := s.Spells(ctx, crm.SpellQuery{Company: "A", ActiveAt: day(2)})
	require.NoError(t, err)
	assert.Equal(t, []crm.SpellID{"s2a", "s2b"}, ids(at2), "e ended at day 2, s3 starts at day 3")
	at1, err := s.Spells(ctx, crm.SpellQuery{Company: "A", ActiveAt: day(1)})
	require.NoError(t, err)
	assert.Equal(t, []crm.SpellID{"e"}, ids(at1))
	atP, err := s.Spells(ctx, crm.SpellQuery{Person: "p", ActiveAt: day(9)})
	require.NoError(t, err)
	assert.Equal(t, []crm.SpellID{"s1", "s2a", "s3"}, ids(atP))
}

func spellMoves(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{Spells: []crm.Spell{spell("s", "p", "A", t0)}})
	sp, err := s.Spells(ctx, crm.SpellQuery{Person: "p"})
	require.NoError(t, err)
	moved := sp[0]
	moved.Person = "q"
	apply(t, s, crm.Batch{Spells: []crm.Spell{moved}})
	old, err := s.Spells(ctx, crm.SpellQuery{Person: "p"})
	require.NoError(t, err)
	assert.Empty(t, old)
	now, err := s.Spells(ctx, crm.SpellQuery{Person: "q"})
	require.NoError(t, err)
	require.Len(t, now, 1)
	assert.Equal(t, int64(2), now[0].Version)
	atA, err := s.Spells(ctx, crm.SpellQuery{Company: "A"})
	require.NoError(t, err)
	require.Len(t, atA, 1)
}

func jobChanges(t *testing.T, s crm.Store) {
	jc := func(id string, at time.Time) crm.JobChange {
		return crm.JobChange{ID: id, Person: "p", At: at, To: "B", LostRoles: []crm.Role{crm.DecisionMaker}}
	}
	apply(t, s, crm.Batch{JobChanges: []crm.JobChange{jc("c", day(3)), jc("a", day(1))}})
	apply(t, s, crm.Batch{JobChanges: []crm.JobChange{jc("b2", day(2)), jc("b1", day(2))}})
	var got []string
	for j, err := range s.JobChanges(ctx, day(2)) {
		require.NoError(t, err)
		got = append(got, j.ID)
	}
	assert.Equal(t, []string{"b1", "b2", "c"}, got)
	var all []crm.JobChange
	for j, err := range s.JobChanges(ctx, time.Time{}) {
		require.NoError(t, err)
		all = append(all, j)
	}
	require.Len(t, all, 4)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, all[0].LostRoles)
	err := s.Apply(ctx, crm.Batch{JobChanges: []crm.JobChange{jc("a", day(9))}})
	require.ErrorIs(t, err, b2bkit.ErrConflict, "job changes are append-only")
	n := 0
	for range s.JobChanges(ctx, time.Time{}) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n, "stopping early works")
}

func accounts(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{Accounts: []crm.Account{{ID: "b", Company: "A"}, {ID: "o", Company: "A", Kind: crm.Owner}, {ID: "a", Company: "A"}, {ID: "z", Company: "B"}}})
	list, err := s.Accounts(ctx, "A")
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Equal(t, crm.AccountID("a"), list[0].ID)
	assert.Equal(t, crm.AccountID("o"), list[2].ID)
	err = s.Apply(ctx, crm.Batch{Accounts: []crm.Account{{ID: "o2", Company: "A", Kind: crm.Owner}}})
	require.ErrorIs(t, err, b2bkit.ErrConflict, "one owner per company")
	err = s.Apply(ctx, crm.Batch{Accounts: []crm.Account{{ID: "o3", Company: "C", Kind: crm.Owner}, {ID: "o4", Company: "C", Kind: crm.Owner}}})
	require.ErrorIs(t, err, b2bkit.ErrConflict, "one owner per company within a batch")
	acc, err := s.Account(ctx, "o")
	require.NoError(t, err)
	assert.Equal(t, crm.Owner, acc.Kind)

	// a closed owner account does not count: one batch may close it and open the next
	acc.Closed = day(5)
	apply(t, s, crm.Batch{Accounts: []crm.Account{acc, {ID: "o5", Company: "A", Kind: crm.Owner}}})
	closed, err := s.Account(ctx, "o")
	require.NoError(t, err)
	assert.True(t, day(5).Equal(closed.Closed), "a closed account is kept")
	err = s.Apply(ctx, crm.Batch{Accounts: []crm.Account{{ID: "o6", Company: "A", Kind: crm.Owner}}})
	require.ErrorIs(t, err, b2bkit.ErrConflict, "o5 is open")
}

func activities(t *testing.T, s crm.Store) {
	act := func(id string, company string, at time.Time) crm.Activity {
		return crm.Activity{ID: id, Account: "op", Company: b2bkit.CompanyID(company), At: at, Action: "order"}
	}
	apply(t, s, crm.Batch{Activities: []crm.Activity{act("3", "A", day(3)), act("1", "A", day(1)), act("2b", "A", day(2)), act("2a", "A", day(2)), act("x", "B", day(2))}})
	var got []string
	for a, err := range s.Activities(ctx, "A", day(2), day(3)) {
		require.NoError(t, err)
		got = append(got, a.ID)
	}
	assert.Equal(t, []string{"2a", "2b"}, got, "from <= at < to, by time then id")
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Activities: []crm.Activity{act("1", "A", day(5))}}), b2bkit.ErrConflict)
}

func companiesOrder(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{Companies: []crm.Company{company("C"), company("A"), company("B")}})
	var got []b2bkit.CompanyID
	for c, err := range s.Companies(ctx) {
		require.NoError(t, err)
		got = append(got, c.ID)
	}
	assert.Equal(t, []b2bkit.CompanyID{"A", "B", "C"}, got)
}

func erasedPeople(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{People: []crm.Person{person("p", "13812345678")}, Spells: []crm.Spell{spell("s", "p", "A", t0, crm.DecisionMaker)}})
	p, err := s.Person(ctx, "p")
	require.NoError(t, err)
	p.Name, p.Contacts, p.ErasedAt = "", nil, day(5)
	apply(t, s, crm.Batch{People: []crm.Person{p}})
	got, err := s.Person(ctx, "p")
	require.NoError(t, err)
	assert.True(t, got.Erased())
	assert.Empty(t, got.Name)
	assert.Empty(t, got.Contacts)
	_, err = s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13812345678"))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	sp, err := s.Spells(ctx, crm.SpellQuery{Person: "p"})
	require.NoError(t, err)
	require.Len(t, sp, 1, "spells of an erased person stay")
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, sp[0].Roles)
	apply(t, s, crm.Batch{People: []crm.Person{person("q", "13812345678")}}) // the number is free again
}

func concurrentWriters(t *testing.T, s crm.Store) {
	apply(t, s, crm.Batch{Companies: []crm.Company{company("A")}})
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; {
				c, err := s.Company(ctx, "A")
				if err != nil {
					errs <- err
					return
				}
				c.OwnerRep = fmt.Sprintf("rep-%d-%d", w, i)
				err = s.Apply(ctx, crm.Batch{Companies: []crm.Company{c},
					People: []crm.Person{person(fmt.Sprintf("p-%d-%d", w, i), fmt.Sprintf("13%d%08d", w, i))}})
				switch {
				case err == nil:
					i++
				case errors.Is(err, b2bkit.ErrConflict):
					// lost the race: read again and retry
				default:
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	c, err := s.Company(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, int64(1+writers*each), c.Version, "every successful write bumped the version exactly once")
	for w := 0; w < writers; w++ {
		for i := 0; i < each; i++ {
			p, err := s.PersonByContact(ctx, crm.ContactKey(crm.Mobile, fmt.Sprintf("13%d%08d", w, i)))
			require.NoError(t, err)
			assert.Equal(t, b2bkit.PersonID(fmt.Sprintf("p-%d-%d", w, i)), p.ID)
		}
	}
}

func cancelled(t *testing.T, s crm.Store) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.Company(c, "A")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.Apply(c, crm.Batch{Companies: []crm.Company{company("A")}}), context.Canceled)
	_, err = s.Company(ctx, "A")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

func oneRegistration(t *testing.T, s crm.Store) {
	reg := crm.Registration{Scheme: crm.SchemeUSCC, Number: "91330100716105852F"}
	a, b := company("A"), company("B")
	a.Registration = reg
	apply(t, s, crm.Batch{Companies: []crm.Company{a}})
	b.Registration = reg
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Companies: []crm.Company{b}}), b2bkit.ErrConflict, "held by A")
	c := company("C")
	c.Registration = reg
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Companies: []crm.Company{b, c}}), b2bkit.ErrConflict, "twice in a batch")
	other := b
	other.Registration.Scheme = "vat"
	apply(t, s, crm.Batch{Companies: []crm.Company{other}}) // another scheme, another number
	// one batch may move it from A to C
	stored, err := s.Company(ctx, "A")
	require.NoError(t, err)
	stored.Registration = crm.Registration{}
	apply(t, s, crm.Batch{Companies: []crm.Company{stored, c}})
	stored.Version++
	stored.Registration = reg
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Companies: []crm.Company{stored}}), b2bkit.ErrConflict, "now C holds it")
}

// timesAreInstants writes times in zones east and west of UTC, across a change of New York's clocks,
// and asks with the same instants in other zones: a store orders and filters by the instant, never by
// the wall clock it was given in (Shanghai's 08:00 on 2 March is UTC's midnight), and reads back the
// instant it was given.
func timesAreInstants(t *testing.T, s crm.Store) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// New York's clocks went forward at 02:00 on 8 March 2026: 01:30 EST is 06:30 UTC, 03:30 EDT 07:30.
	early := time.Date(2026, 3, 2, 7, 0, 0, 0, shanghai) // 1 March 23:00 UTC
	mid := time.Date(2026, 3, 2, 0, 30, 0, 0, time.UTC)  // 08:30 in Shanghai, after early
	beforeJump := time.Date(2026, 3, 8, 1, 30, 0, 0, newYork)
	afterJump := time.Date(2026, 3, 8, 3, 30, 0, 0, newYork) // one hour later, not two
	inter := func(x time.Time) time.Time { return x.In(shanghai) }

	a := spell("a", "p", "A", mid)
	b := spell("b", "q", "A", early)
	b.End = beforeJump
	c := spell("c", "r", "A", afterJump)
	apply(t, s, crm.Batch{Spells: []crm.Spell{a, b, c},
		JobChanges: []crm.JobChange{{ID: "j2", Person: "p", At: afterJump, To: "A"}, {ID: "j1", Person: "q", At: beforeJump, To: "A"}},
		Activities: []crm.Activity{{ID: "x2", Account: "op", Company: "A", At: afterJump, Action: "order"},
			{ID: "x1", Account: "op", Company: "A", At: beforeJump, Action: "order"}}})

	byC, err := s.Spells(ctx, crm.SpellQuery{Company: "A"})
	require.NoError(t, err)
	require.Len(t, byC, 3)
	assert.Equal(t, []crm.SpellID{"b", "a", "c"}, []crm.SpellID{byC[0].ID, byC[1].ID, byC[2].ID}, "by the instant of Start")
	assert.True(t, byC[0].Start.Equal(early) && byC[0].End.Equal(beforeJump) && byC[2].Start.Equal(afterJump), "the instants given")
	ids := func(at time.Time) []crm.SpellID {
		list, err := s.Spells(ctx, crm.SpellQuery{Company: "A", ActiveAt: at})
		require.NoError(t, err)
		var out []crm.SpellID
		for _, x := range list {
			out = append(out, x.ID)
		}
		return out
	}
	assert.Equal(t, []crm.SpellID{"b"}, ids(inter(early)), "a starts at 00:30 UTC")
	assert.Equal(t, []crm.SpellID{"b", "a"}, ids(mid.In(newYork)))
	assert.Equal(t, []crm.SpellID{"a"}, ids(beforeJump.UTC()), "b ended then")
	assert.Equal(t, []crm.SpellID{"a"}, ids(afterJump.Add(-time.Nanosecond).UTC()), "c starts an hour after b ended")

	var changes []string
	for j, err := range s.JobChanges(ctx, inter(afterJump)) {
		require.NoError(t, err)
		changes = append(changes, j.ID)
	}
	assert.Equal(t, []string{"j2"}, changes, "since the instant of j2")
	var acts []string
	for x, err := range s.Activities(ctx, "A", inter(beforeJump), afterJump.UTC()) {
		require.NoError(t, err)
		acts = append(acts, x.ID)
	}
	assert.Equal(t, []string{"x1"}, acts, "from <= at < to, by the instant")
}
