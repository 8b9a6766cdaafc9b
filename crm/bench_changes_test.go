package crm_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/cputime"
)

// BenchmarkChangeJob500k: a job change with 500,000 job changes already stored, among 10,000
// companies. Backdated: the change is entered after the fact, before most stored ones, as a history
// import out of date order does. Target: at most 20 µs either way.
func BenchmarkChangeJob500k(b *testing.B) {
	for _, backdated := range []bool{false, true} {
		b.Run(fmt.Sprintf("backdated=%v", backdated), func(b *testing.B) {
			const stored, companies, people = 500_000, 10_000, 20_000
			s := crm.NewMemoryStore()
			cos := make([]crm.Company, 0, companies)
			for i := range companies {
				cos = append(cos, crm.Company{ID: b2bkit.CompanyID(fmt.Sprintf("c%05d", i)), Name: "Company", Stage: crm.Covered})
			}
			if err := s.Apply(ctx, crm.Batch{Companies: cos}); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(2, 2))
			base := day(2011, 1, 1)
			batch := make([]crm.JobChange, 0, 10_000)
			for i := range stored {
				batch = append(batch, crm.JobChange{ID: fmt.Sprintf("old%07d", i), Person: "someone",
					At: base.Add(time.Duration(rng.Int64N(int64(14 * 365 * 24 * time.Hour)))), To: "c00000"})
				if len(batch) == cap(batch) {
					if err := s.Apply(ctx, crm.Batch{JobChanges: batch}); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			c := crm.New(s, &crm.Options{Now: func() time.Time { return now }})
			at := make([]time.Time, people)
			for i := range people {
				id := b2bkit.PersonID(fmt.Sprintf("p%05d", i))
				if _, err := c.AddPerson(ctx, crm.Person{ID: id, Name: "Person"}); err != nil {
					b.Fatal(err)
				}
				if _, err := c.StartJob(ctx, crm.Job{Person: id, Company: cos[i%companies].ID, Title: "buyer", Roles: []crm.Role{crm.User}, Start: day(2010, 1, 1)}); err != nil {
					b.Fatal(err)
				}
				at[i] = day(2026, 1, 1)
				if backdated {
					at[i] = base.AddDate(0, 0, rng.IntN(365))
				}
			}
			b.ReportAllocs()
			i := 0
			start := cputime.Used()
			for b.Loop() {
				p := i % people
				at[p] = at[p].Add(time.Hour)
				if _, err := c.ChangeJob(ctx, b2bkit.PersonID(fmt.Sprintf("p%05d", p)), cos[(p+1+i/people)%companies].ID,
					"buyer", []crm.Role{crm.User}, at[p]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportCPU(b, cputime.Used()-start)
		})
	}
}

// BenchmarkImport80kChangesOutOfDateOrder: a history import of 80,000 job changes, one write each,
// in random date order, and as many activities of one company. Each was quadratic in a sorted slice
// (50 s for the changes); an op here is the whole import.
func BenchmarkImport80kChangesOutOfDateOrder(b *testing.B) {
	const n = 80_000
	rng := rand.New(rand.NewPCG(3, 3))
	base := day(2011, 1, 1)
	at := make([]time.Time, n)
	for i := range at {
		at[i] = base.Add(time.Duration(rng.Int64N(int64(14 * 365 * 24 * time.Hour))))
	}
	b.ReportAllocs()
	for b.Loop() {
		s := crm.NewMemoryStore()
		for i := range n {
			id := fmt.Sprintf("x%06d", i)
			if err := s.Apply(ctx, crm.Batch{JobChanges: []crm.JobChange{{ID: id, Person: "p", At: at[i], To: "A"}},
				Activities: []crm.Activity{{ID: id, Account: "op", Company: "A", At: at[i], Action: "order"}}}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
