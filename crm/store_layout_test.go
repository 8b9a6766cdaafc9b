package crm_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/require"
)

// The MemoryStore keeps job changes in a compact form (strings joined, role lists in one array)
// indexed by a pointer-free key. TestR3_StoredJobChangesReadBackExactly checks that what goes in
// comes out unchanged and in the Store's order: random strings (empty ones too), role lists nil,
// empty or not, several changes on one instant (ordered by ID, also IDs alike in their first bytes),
// instants in other zones, inserted
// in random order and read from random points.
func TestR3_StoredJobChangesReadBackExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	shanghai := time.FixedZone("CST", 8*3600)
	words := []string{"", "a", "p1", "公司", "c-0001", "head chef"}
	word := func() string { return words[rng.IntN(len(words))] }
	roles := func() []crm.Role {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return []crm.Role{}
		}
		rs := make([]crm.Role, 1+rng.IntN(4))
		for i := range rs {
			rs[i] = crm.Role(rng.IntN(6)) // the store keeps what it is given, known roles or not
		}
		return rs
	}
	base := day(2020, 1, 1)
	s := crm.NewMemoryStore()
	var want []crm.JobChange
	for i := range 600 {
		at := base.Add(time.Duration(rng.IntN(50)) * time.Hour).Add(time.Duration(rng.IntN(3)) * time.Nanosecond)
		if rng.IntN(4) == 0 {
			at = at.In(shanghai)
		}
		id := fmt.Sprintf("j%03d%s", rng.IntN(1000), word()) + fmt.Sprint(i)
		if rng.IntN(2) == 0 {
			id = "p00001@2020-01-01/" + id // ids alike in their first bytes
		}
		j := crm.JobChange{ID: id, Person: b2bkit.PersonID("p" + word()),
			At: at, From: b2bkit.CompanyID(word()), FromTitle: word(), FromStage: crm.Stage(rng.IntN(4)),
			LostRoles: roles(), Uncovered: roles(), LeftIncomplete: rng.IntN(2) == 0, To: b2bkit.CompanyID(word()),
			Title: word(), Roles: roles(), ToStage: crm.Stage(rng.IntN(4)), LeadCreated: rng.IntN(2) == 0}
		require.NoError(t, s.Apply(ctx, crm.Batch{JobChanges: []crm.JobChange{j}}))
		want = append(want, j)
	}
	slices.SortFunc(want, func(a, b crm.JobChange) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, since := range []time.Time{{}, base, base.Add(7 * time.Hour), base.Add(7*time.Hour + 1), base.Add(49 * time.Hour), base.Add(60 * time.Hour)} {
		var got []crm.JobChange
		for j, err := range s.JobChanges(ctx, since) {
			require.NoError(t, err)
			got = append(got, j)
		}
		i := slices.IndexFunc(want, func(j crm.JobChange) bool { return !j.At.Before(since) })
		if i < 0 {
			i = len(want)
		}
		require.Equal(t, len(want)-i, len(got), "since %v", since)
		for k := range got {
			// field by field: At keeps its zone, and nil and empty role lists stay apart
			require.Equal(t, want[i+k], got[k], "since %v, change %d", since, k)
		}
		if len(got) > 0 {
			got[0].Roles = append(got[0].Roles, crm.Payer) // a read is a copy
			got[0].LostRoles = append(got[0].LostRoles, crm.Payer)
		}
	}
	var again []crm.JobChange
	for j, err := range s.JobChanges(ctx, time.Time{}) {
		require.NoError(t, err)
		again = append(again, j)
	}
	require.Equal(t, want, again, "changing a read changes nothing stored")
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{JobChanges: []crm.JobChange{{ID: want[7].ID, Person: "p", At: base}}}), b2bkit.ErrConflict)
}

// TestR3_StoredSpellsFollowUpdates moves spells between people, companies and starts at random and
// checks every list the Spells query reads against a plain model: the MemoryStore keeps spells by
// slot and orders its lists by the stored values, so an update must leave no stale entry.
func TestR3_StoredSpellsFollowUpdates(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 6))
	s := crm.NewMemoryStore()
	model := map[crm.SpellID]crm.Spell{}
	people := []b2bkit.PersonID{"p1", "p2", "p3"}
	cos := []b2bkit.CompanyID{"A", "B"}
	for n := range 400 {
		id := crm.SpellID(fmt.Sprintf("s%02d", rng.IntN(30)))
		sp, ok := model[id]
		if !ok {
			sp = crm.Spell{ID: id}
		}
		sp.Person, sp.Company, sp.Title = people[rng.IntN(len(people))], cos[rng.IntN(len(cos))], fmt.Sprint(n)
		sp.Start = day(2020, 1, 1+rng.IntN(20))
		sp.End = time.Time{}
		if rng.IntN(2) == 0 {
			sp.End = sp.Start.AddDate(0, 0, rng.IntN(10))
		}
		sp.Roles = []crm.Role{crm.Role(rng.IntN(4))}
		require.NoError(t, s.Apply(ctx, crm.Batch{Spells: []crm.Spell{sp}}))
		sp.Version++
		model[id] = sp
		for _, q := range []crm.SpellQuery{{Person: people[n%3]}, {Company: cos[n%2]}, {Person: people[n%3], Company: cos[n%2]},
			{Company: cos[n%2], ActiveAt: day(2020, 1, 1+n%25)}} {
			var want []crm.Spell
			for _, x := range model {
				if q.Match(x) {
					want = append(want, x)
				}
			}
			slices.SortFunc(want, func(a, b crm.Spell) int {
				if c := a.Start.Compare(b.Start); c != 0 {
					return c
				}
				return cmp.Compare(a.ID, b.ID)
			})
			got, err := s.Spells(ctx, q)
			require.NoError(t, err)
			require.Len(t, got, len(want), "query %+v after write %d", q, n)
			for i := range got {
				require.Equal(t, want[i], got[i], "query %+v after write %d", q, n)
			}
		}
	}
}

// TestApplyFindsARepeatedIDInAListOfAnyLength: a batch repeating an id within one list is refused,
// naming the record, whether the list is short (ids compared one by one) or long (a map), and
// whatever the other lists' lengths; a batch with no repeat is written.
func TestApplyFindsARepeatedIDInAListOfAnyLength(t *testing.T) {
	for _, n := range []int{2, 8, 9, 30} {
		for _, other := range []int{0, 1, 20} { // the length of another list sets how the ids are kept
			for _, rep := range []int{-1, 1, n - 1} {
				changes := make([]crm.JobChange, n)
				for i := range changes {
					changes[i] = crm.JobChange{ID: fmt.Sprintf("j%02d", i), Person: "p", At: day(2020, 1, 1+i)}
				}
				if rep >= 0 {
					changes[rep].ID = changes[0].ID
				}
				cos := make([]crm.Company, other)
				for i := range cos {
					cos[i] = crm.Company{ID: b2bkit.CompanyID(fmt.Sprintf("c%02d", i)), Name: "C", Stage: crm.Target}
				}
				err := crm.NewMemoryStore().Apply(ctx, crm.Batch{Companies: cos, JobChanges: changes})
				if rep < 0 {
					require.NoError(t, err, "n=%d other=%d", n, other)
					continue
				}
				require.ErrorIs(t, err, b2bkit.ErrInvalid, "n=%d other=%d rep=%d", n, other, rep)
				require.Contains(t, err.Error(), fmt.Sprintf("job_changes[%d].id", rep))
			}
		}
	}
}
