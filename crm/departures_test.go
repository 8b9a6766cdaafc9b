package crm_test

import (
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for x, err := range seq {
		require.NoError(t, err)
		out = append(out, x)
	}
	return out
}

func spellAt(t *testing.T, c *crm.CRM, p b2bkit.PersonID, co b2bkit.CompanyID) crm.SpellID {
	t.Helper()
	hist, err := c.History(ctx, p)
	require.NoError(t, err)
	for _, s := range hist {
		if s.Company == co && s.Current() {
			return s.ID
		}
	}
	t.Fatalf("%s has no current spell at %s", p, co)
	return ""
}

// She left, nobody knows where: the commonest departure is an early warning too (R21).
func TestR21_EndJobRecordsADepartureWithTheRolesLostAndUncovered(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	at := day(2026, 2, 1)
	jc, err := c.EndJob(ctx, spellAt(t, c, "li", "A"), "li", at)
	require.NoError(t, err)
	assert.Equal(t, b2bkit.PersonID("li"), jc.Person)
	assert.True(t, at.Equal(jc.At))
	assert.Equal(t, b2bkit.CompanyID("A"), jc.From)
	assert.Equal(t, "owner", jc.FromTitle)
	assert.Equal(t, crm.Repurchasing, jc.FromStage)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.LostRoles)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.Uncovered)
	assert.True(t, jc.LeftIncomplete)
	assert.Empty(t, jc.To, "nobody knows where she went")
	assert.False(t, jc.LeadCreated)
	assert.Equal(t, "decision_maker at a repurchasing account", jc.Prior())

	// it is stored like a job change, so a risk model reading JobChanges sees it
	all := collect(t, c.JobChanges(ctx, time.Time{}))
	require.Len(t, all, 1)
	assert.Equal(t, jc.ID, all[0].ID)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, all[0].Uncovered)

	com, err := c.Committee(ctx, "A", at)
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, com.Missing)
}

func TestR21_EndJobOfACoveredRoleLeavesNoGap(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addPerson(t, c, "spouse", "赵女士", "")
	startJob(t, c, "spouse", "A", "owner's spouse", day(2024, 6, 1), crm.DecisionMaker, crm.Payer)
	jc, err := c.EndJob(ctx, spellAt(t, c, "wang", "A"), "wang", day(2026, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.Payer}, jc.LostRoles)
	assert.Empty(t, jc.Uncovered, "the owner's spouse pays")
	assert.False(t, jc.LeftIncomplete)
}

func TestR21_DeparturesAndLeadsOverAPeriod(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addPerson(t, c, "new", "新人", "")
	// January: li moves to B (a departure from A and a lead at B); February: chen leaves for
	// nowhere known (a departure only); March: new takes her first job at C (a lead only).
	li, err := c.ChangeJob(ctx, "li", "B", "manager", []crm.Role{crm.DecisionMaker}, day(2026, 1, 10))
	require.NoError(t, err)
	chen, err := c.EndJob(ctx, spellAt(t, c, "chen", "A"), "chen", day(2026, 2, 1))
	require.NoError(t, err)
	first, err := c.ChangeJob(ctx, "new", "C", "buyer", []crm.Role{crm.User}, day(2026, 3, 1))
	require.NoError(t, err)

	ids := func(list []crm.JobChange) []string {
		out := []string{}
		for _, j := range list {
			out = append(out, j.ID)
		}
		return out
	}
	tests := []struct {
		name       string
		from, to   time.Time
		departures []string
		leads      []string
	}{
		{"the quarter", day(2026, 1, 1), day(2026, 4, 1), []string{li.ID, chen.ID}, []string{li.ID, first.ID}},
		{"january", day(2026, 1, 1), day(2026, 2, 1), []string{li.ID}, []string{li.ID}},
		{"february, from its first instant", day(2026, 2, 1), day(2026, 3, 1), []string{chen.ID}, []string{}},
		{"an empty period", day(2026, 2, 1), day(2026, 2, 1), []string{}, []string{}},
		{"before anything", day(2025, 1, 1), day(2026, 1, 10), []string{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.departures, ids(collect(t, c.Departures(ctx, tt.from, tt.to))))
			assert.Equal(t, tt.leads, ids(collect(t, c.Leads(ctx, tt.from, tt.to))))
		})
	}
	n := 0
	for range c.Departures(ctx, day(2026, 1, 1), day(2026, 4, 1)) {
		n++
		break
	}
	assert.Equal(t, 1, n, "stopping early works")
	for _, err := range c.Leads(ctx, day(2026, 2, 1), day(2026, 1, 1)) {
		requireInvalidField(t, err, "to")
	}
}

func TestR3_EndJobAndChangeJobAtOneInstantAreTwoChanges(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Converted)
	addCompany(t, c, "B", crm.Converted)
	addPerson(t, c, "li", "李娜", "")
	startJob(t, c, "li", "A", "consultant", day(2024, 1, 1), crm.Influencer)
	startJob(t, c, "li", "B", "owner", day(2025, 1, 1), crm.DecisionMaker)
	at := day(2026, 1, 1)
	left, err := c.EndJob(ctx, spellAt(t, c, "li", "A"), "li", at)
	require.NoError(t, err)
	moved, err := c.ChangeJob(ctx, "li", "C", "owner", []crm.Role{crm.DecisionMaker}, at)
	require.NoError(t, err)
	assert.NotEqual(t, left.ID, moved.ID)
	assert.Len(t, collect(t, c.Departures(ctx, at, at.Add(time.Second))), 2)
}
