package crm_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR3_JobChangesNeverRewriteHistory drives random careers through ChangeJob and checks the
// invariants after every move: a person has at most one current spell per company, a spell once
// ended never changes, the old spell ends exactly at the change, the lost roles are the old spell's,
// and every committee's missing roles are exactly the required roles nobody holds.
func TestR3_JobChangesNeverRewriteHistory(t *testing.T) {
	c := newCRM(t, nil)
	rng := rand.New(rand.NewPCG(3, 2026))
	const people, companies, moves = 12, 5, 1500
	for i := 0; i < people; i++ {
		addPerson(t, c, b2bkit.PersonID(fmt.Sprintf("p%02d", i)), "Person", "")
	}
	ended := map[crm.SpellID]crm.Spell{}
	at := day(2020, 1, 1)
	for n := 0; n < moves; n++ {
		at = at.Add(time.Duration(rng.IntN(72)) * time.Hour) // several moves may share a day
		p := b2bkit.PersonID(fmt.Sprintf("p%02d", rng.IntN(people)))
		to := b2bkit.CompanyID(fmt.Sprintf("c%d", rng.IntN(companies)))
		var roles []crm.Role
		for _, r := range crm.Roles() {
			if rng.IntN(3) == 0 {
				roles = append(roles, r)
			}
		}
		before, err := c.History(ctx, p)
		require.NoError(t, err)
		jc, err := c.ChangeJob(ctx, p, to, "staff", roles, at)
		if err != nil {
			// the only refusals possible here: she already works there, or moves again at the instant she started
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "move %d", n)
			continue
		}
		after, err := c.History(ctx, p)
		require.NoError(t, err)
		require.Len(t, after, len(before)+1, "one spell opens per move")
		for _, s := range before {
			if !s.Current() {
				continue
			}
			if s.Company == jc.From && s.Start.Before(at.Add(1)) {
				// the closed spell: ends at the change, keeps its roles
				i := slices.IndexFunc(after, func(x crm.Spell) bool { return x.ID == s.ID })
				if !after[i].Current() {
					assert.True(t, at.Equal(after[i].End))
					assert.ElementsMatch(t, s.Roles, jc.LostRoles)
				}
			}
		}
		current := map[b2bkit.CompanyID]int{}
		for _, s := range after {
			if s.Current() {
				current[s.Company]++
				continue
			}
			if old, ok := ended[s.ID]; ok {
				require.True(t, old.End.Equal(s.End) && old.Start.Equal(s.Start) && old.Company == s.Company, "history rewritten")
			}
			ended[s.ID] = s
		}
		for co, k := range current {
			require.LessOrEqual(t, k, 1, "two current spells at %s", co)
		}
		if jc.From != "" {
			com, err := c.Committee(ctx, jc.From, at)
			require.NoError(t, err)
			for _, r := range com.Required {
				assert.Equal(t, len(com.Holders(r)) == 0, slices.Contains(com.Missing, r))
			}
			for _, r := range jc.Uncovered {
				assert.Contains(t, com.Missing, r, "an uncovered role is missing right after the move")
				assert.Contains(t, jc.LostRoles, r)
			}
		}
	}
	n := 0
	var last time.Time
	for j, err := range c.JobChanges(ctx, time.Time{}) {
		require.NoError(t, err)
		require.False(t, j.At.Before(last), "streamed in time order")
		last = j.At
		n++
	}
	assert.Greater(t, n, moves/2)
}

func TestJobChangeAndCommitteeJSON(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	jc, err := c.ChangeJob(ctx, "li", "B", "owner", []crm.Role{crm.DecisionMaker}, day(2026, 1, 1))
	require.NoError(t, err)
	data, err := json.Marshal(jc)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"lost_roles":["decision_maker"]`)
	assert.Contains(t, string(data), `"from_stage":"repurchasing"`)
	var back crm.JobChange
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, jc.LostRoles, back.LostRoles)
	assert.Equal(t, jc.From, back.From)
	assert.True(t, jc.At.Equal(back.At))
	require.ErrorIs(t, json.Unmarshal([]byte(`{"id":"x","bogus":1}`), &back), b2bkit.ErrInvalid)

	com, err := c.Committee(ctx, "A", day(2026, 1, 1))
	require.NoError(t, err)
	data, err = json.Marshal(com)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"completeness":"0.6667"`)
	assert.Contains(t, string(data), `"missing":["decision_maker"]`)
}

// Completeness is held/required at 4 places, half up, whatever the number of required roles.
func TestR1_CompletenessIsTheShareOfRequiredRolesHeld(t *testing.T) {
	all := crm.Roles()
	for n := 1; n <= len(all); n++ {
		c := newCRM(t, &crm.Options{RequiredRoles: all[:n]})
		addCompany(t, c, "A", crm.Covered)
		for held := 0; held <= n; held++ {
			if held > 0 {
				id := b2bkit.PersonID(fmt.Sprintf("p%d", held))
				addPerson(t, c, id, "x", "")
				startJob(t, c, id, "A", "staff", day(2024, 1, held), all[held-1])
			}
			com, err := c.Committee(ctx, "A", day(2025, 1, 1))
			require.NoError(t, err)
			want := dec(fmt.Sprint(held)).DivRound(dec(fmt.Sprint(n)), 4)
			requireDecEqual(t, want, com.Completeness, "%d of %d", held, n)
			assert.Len(t, com.Missing, n-held)
		}
	}
}
