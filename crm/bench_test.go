package crm_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

// BenchmarkCommittee50Spells: the committee of a large account with 50 spells, past and current,
// as a rep's app asks for it on every account view. Target: at most 20 µs.
func BenchmarkCommittee50Spells(b *testing.B) {
	c := newCRM(b, nil)
	addCompany(b, c, "A", crm.Repurchasing)
	rng := rand.New(rand.NewPCG(50, 1))
	for i := 0; i < 50; i++ {
		id := b2bkit.PersonID(fmt.Sprintf("p%02d", i))
		addPerson(b, c, id, "Person", "")
		start := day(2015, 1, 1).AddDate(0, 0, rng.IntN(3000))
		end := time.Time{}
		if i%2 == 0 {
			end = start.AddDate(0, 0, 1+rng.IntN(900))
		}
		roles := []crm.Role{crm.Role(i % 4)}
		if _, err := c.StartJob(ctx, crm.Job{Person: id, Company: "A", Title: "staff", Roles: roles, Start: start, End: end}); err != nil {
			b.Fatal(err)
		}
	}
	at := day(2026, 1, 1)
	b.ReportAllocs()
	for b.Loop() {
		com, err := c.Committee(ctx, "A", at)
		if err != nil || len(com.Seats) != 4 {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindByContact1M: find a key person by a phone number as typed, among 1,000,000 people.
// Target: at most 2 µs.
func BenchmarkFindByContact1M(b *testing.B) {
	const n = 1_000_000
	s := crm.NewMemoryStore()
	batch := make([]crm.Person, 0, 10_000)
	for i := 0; i < n; i++ {
		batch = append(batch, crm.Person{ID: b2bkit.PersonID(fmt.Sprintf("p%07d", i)), Name: "Person",
			Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: fmt.Sprintf("139%08d", i), Since: now}}})
		if len(batch) == cap(batch) {
			if err := s.Apply(ctx, crm.Batch{People: batch}); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	c := crm.New(s, &crm.Options{Now: func() time.Time { return now }})
	rng := rand.New(rand.NewPCG(1, 1))
	queries := make([]string, 4096)
	for i := range queries {
		queries[i] = fmt.Sprintf("+86 139 %04d %04d", rng.IntN(n/10_000), rng.IntN(10_000))
	}
	runtime.GC() // finish collecting the setup's garbage before timing starts
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.FindByContact(ctx, crm.Mobile, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
