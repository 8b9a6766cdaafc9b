package crm_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/require"
)

// TestConcurrentCRMUse: one CRM over one MemoryStore, as a service keeps them, and request
// goroutines each adding its companies and people, then moving shared key persons between shared
// companies, adding contacts, reading people, committees, careers, pages and job changes, all at
// once; a call that loses a race is retried, as the CRM's doc says it can be. After: every record
// added is there once; every job change that returned nil is listed once; no person's spells at
// one company overlap; every read and change that returned nil is in the person's audit trail
// once, by its actor. Run with -race.
func TestConcurrentCRMUse(t *testing.T) {
	c := newCRM(t, nil)
	shared := []b2bkit.CompanyID{"S0", "S1", "S2"}
	for _, id := range shared {
		addCompany(t, c, id, crm.Repurchasing)
	}
	movers := []b2bkit.PersonID{"m0", "m1", "m2", "m3"}
	for i, id := range movers {
		addPerson(t, c, id, fmt.Sprintf("Mover %d", i), "")
		startJob(t, c, id, shared[i%len(shared)], "buyer", day(2020, 1, 1), crm.DecisionMaker)
	}
	const goroutines, ops = 6, 30
	type counts struct {
		changes []string                // the job changes that returned nil, by ID
		reads   map[b2bkit.PersonID]int // the Person reads that returned nil
		edits   map[b2bkit.PersonID]int // the AddContact calls that returned nil
		added   []b2bkit.PersonID       // the people added
		cos     []b2bkit.CompanyID      // the companies added
	}
	done := make([]counts, goroutines)
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		done[g] = counts{reads: map[b2bkit.PersonID]int{}, edits: map[b2bkit.PersonID]int{}}
		wg.Go(func() {
			ctx := crm.WithActor(ctx, fmt.Sprintf("g%d", g))
			d := &done[g]
			fail := func(what string, err error) bool {
				if err != nil && errs[g] == nil {
					errs[g] = fmt.Errorf("goroutine %d: %s: %w", g, what, err)
				}
				return err != nil
			}
			// retry runs f until it does not lose a race.
			retry := func(f func() error) error {
				for {
					if err := f(); !errors.Is(err, b2bkit.ErrConflict) {
						return err
					}
				}
			}
			for i := range ops {
				co := b2bkit.CompanyID(fmt.Sprintf("G%d-%02d", g, i))
				if _, err := c.AddCompany(ctx, crm.Company{ID: co, Name: "Company " + string(co), Stage: crm.Target}); fail("add company", err) {
					return
				}
				d.cos = append(d.cos, co)
				pid := b2bkit.PersonID(fmt.Sprintf("g%d-%02d", g, i))
				p := crm.Person{ID: pid, Name: "Person " + string(pid),
					Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: fmt.Sprintf("1390%d%06d", g, i)}}}
				if _, err := c.AddPerson(ctx, p); fail("add person", err) {
					return
				}
				d.added = append(d.added, pid)
				mover := movers[(g+i)%len(movers)]
				var err error
				switch i % 6 {
				case 0, 3: // a key person moves on; the instant is this call's own
					at := day(2021, 1, 1).Add(time.Duration(g*ops+i) * time.Hour)
					to := shared[(g+i)%len(shared)]
					err = retry(func() error {
						jc, err := c.ChangeJob(ctx, mover, to, "buyer", []crm.Role{crm.DecisionMaker}, at)
						if err == nil {
							d.changes = append(d.changes, jc.ID)
						}
						return err
					})
					if errors.Is(err, b2bkit.ErrInvalid) {
						err = nil // already there, or a later move came first: the at is before her current spell
					}
				case 1:
					err = retry(func() error {
						_, err := c.AddContact(ctx, mover, crm.Email, fmt.Sprintf("g%d-%d@example.com", g, i), time.Time{})
						if err == nil {
							d.edits[mover]++
						}
						return err
					})
				case 2:
					if _, err = c.Person(ctx, mover); err == nil {
						d.reads[mover]++
					}
				case 4:
					_, err = c.Committee(ctx, shared[i%len(shared)], now)
				case 5:
					_, err = c.SearchCompanies(ctx, crm.CompanyQuery{Limit: 50})
					for _, err2 := range c.JobChanges(ctx, time.Time{}) {
						if err == nil {
							err = err2
						}
					}
				}
				if fail(fmt.Sprintf("op %d", i), err) {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	// Every record added is there, once.
	seenCos := map[b2bkit.CompanyID]int{}
	for after := b2bkit.CompanyID(""); ; {
		page, err := c.SearchCompanies(ctx, crm.CompanyQuery{After: after, Limit: crm.MaxPageSize})
		require.NoError(t, err)
		for _, co := range page.Companies {
			seenCos[co.ID]++
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	for g := range goroutines {
		for _, co := range done[g].cos {
			require.Equal(t, 1, seenCos[co], co)
		}
		for _, pid := range done[g].added {
			_, err := c.Store().Person(ctx, pid)
			require.NoError(t, err, pid)
		}
	}
	// Every job change that returned nil is listed once, and nothing else is.
	listed := map[string]int{}
	for jc, err := range c.JobChanges(ctx, time.Time{}) {
		require.NoError(t, err)
		listed[jc.ID]++
	}
	made := 0
	for g := range goroutines {
		for _, id := range done[g].changes {
			require.Equal(t, 1, listed[id], id)
			made++
		}
	}
	require.Len(t, listed, made)
	require.Positive(t, made)
	// No mover's spells overlap at one company, and she holds one current job.
	for _, m := range movers {
		spells, err := c.History(ctx, m)
		require.NoError(t, err)
		current := 0
		for i, a := range spells {
			if a.Current() {
				current++
			}
			for _, b := range spells[i+1:] {
				require.False(t, a.Company == b.Company && a.Overlaps(b), "%s: %s and %s overlap", m, a.ID, b.ID)
			}
		}
		require.Equal(t, 1, current, m)
	}
	// Every read and edit that returned nil is in the trail once, by its actor.
	for g := range goroutines {
		actor := fmt.Sprintf("g%d", g)
		for _, m := range movers {
			reads, edits := 0, 0
			for e, err := range c.Audit(ctx, m) {
				require.NoError(t, err)
				switch {
				case e.Actor != actor:
				case e.Action == crm.AuditRead && e.What == "Person":
					reads++
				case e.Action == crm.AuditChange && e.What == "AddContact":
					edits++
				}
			}
			require.Equal(t, done[g].reads[m], reads, "%s read %s", actor, m)
			require.Equal(t, done[g].edits[m], edits, "%s edited %s", actor, m)
		}
	}
}

// TestConcurrentOneContactPointHasOneHolder: people given the same mobile number at once — as a
// contact added to each, or as people added with it — end with one holder: exactly one call wins,
// the others are conflicts, and FindByContact finds the winner.
func TestConcurrentOneContactPointHasOneHolder(t *testing.T) {
	const callers = 6
	for round := range 10 {
		c := newCRM(t, nil)
		for k := range callers {
			addPerson(t, c, b2bkit.PersonID(fmt.Sprintf("p%d", k)), fmt.Sprintf("Person %d", k), "")
		}
		mobile := fmt.Sprintf("1380000%04d", round)
		calls := make([]func() error, 2*callers)
		for k := range callers {
			calls[k] = func() error {
				_, err := c.AddContact(ctx, b2bkit.PersonID(fmt.Sprintf("p%d", k)), crm.Mobile, mobile, time.Time{})
				return err
			}
			calls[callers+k] = func() error {
				_, err := c.AddPerson(ctx, crm.Person{ID: b2bkit.PersonID(fmt.Sprintf("new%d", k)), Name: "New",
					Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: mobile}}})
				return err
			}
		}
		won := -1
		for k, err := range race(calls...) {
			if err == nil {
				require.Equal(t, -1, won, "round %d: calls %d and %d both won", round, won, k)
				won = k
				continue
			}
			require.ErrorIs(t, err, b2bkit.ErrConflict, "round %d, call %d", round, k)
		}
		require.NotEqual(t, -1, won, "round %d: one call wins", round)
		p, err := c.FindByContact(ctx, crm.Mobile, mobile)
		require.NoError(t, err)
		want := b2bkit.PersonID(fmt.Sprintf("p%d", won))
		if won >= callers {
			want = b2bkit.PersonID(fmt.Sprintf("new%d", won-callers))
		}
		require.Equal(t, want, p.ID, "round %d", round)
	}
}
