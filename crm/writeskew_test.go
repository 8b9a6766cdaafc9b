package crm_test

import (
	"errors"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/crm/crmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newGatedCRM(t *testing.T) (*crm.CRM, *crmtest.Gate) {
	t.Helper()
	g := &crmtest.Gate{Store: crm.NewMemoryStore()}
	return crm.New(g, &crm.Options{Now: func() time.Time { return now }}), g
}

// oneWins checks that exactly one of two racing calls succeeded and the other lost with ErrConflict;
// it returns the index of the loser.
func oneWins(t *testing.T, errs []error) int {
	t.Helper()
	require.Len(t, errs, 2)
	switch {
	case errs[0] == nil && errors.Is(errs[1], b2bkit.ErrConflict):
		return 1
	case errs[1] == nil && errors.Is(errs[0], b2bkit.ErrConflict):
		return 0
	}
	t.Fatalf("want one success and one conflict, got %v", errs)
	return -1
}

func TestR3_ConcurrentStartJobsOfOnePersonAtOneCompanyCannotOverlap(t *testing.T) {
	c, g := newGatedCRM(t)
	addCompany(t, c, "A", crm.Covered)
	addPerson(t, c, "li", "李娜", "")
	g.Arm(2)
	errs := race(
		func() error {
			_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "owner", Roles: []crm.Role{crm.DecisionMaker}, Start: day(2024, 1, 1)})
			return err
		},
		func() error {
			_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Roles: []crm.Role{crm.User}, Start: day(2024, 2, 1)})
			return err
		})
	oneWins(t, errs)
	spells, err := c.History(ctx, "li")
	require.NoError(t, err)
	assert.Len(t, spells, 1, "the overlapping spell was not stored")
}

// twoDecisionMakers is the restaurant with a second decision maker, Zhao.
func twoDecisionMakers(t *testing.T, c *crm.CRM) {
	t.Helper()
	restaurant(t, c)
	addPerson(t, c, "zhao", "赵总", "")
	startJob(t, c, "zhao", "A", "partner", day(2024, 1, 1), crm.DecisionMaker)
}

func TestR3_ConcurrentDeparturesOfBothDecisionMakersReportTheRoleUncovered(t *testing.T) {
	c, g := newGatedCRM(t)
	twoDecisionMakers(t, c)
	at := day(2025, 6, 1)
	move := func(p b2bkit.PersonID, to b2bkit.CompanyID) (crm.JobChange, error) {
		return c.ChangeJob(ctx, p, to, "manager", []crm.Role{crm.DecisionMaker}, at)
	}
	var jcs [2]crm.JobChange
	g.Arm(2)
	errs := race(
		func() (err error) { jcs[0], err = move("li", "B"); return err },
		func() (err error) { jcs[1], err = move("zhao", "C"); return err })
	loser := oneWins(t, errs)
	assert.Empty(t, jcs[1-loser].Uncovered, "the first to leave leaves the other decision maker")
	// the loser retries and sees that nobody decides any more
	who, to := b2bkit.PersonID("li"), b2bkit.CompanyID("B")
	if loser == 1 {
		who, to = "zhao", "C"
	}
	jc, err := move(who, to)
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.Uncovered)
	assert.True(t, jc.LeftIncomplete)
}

func TestR3_EndJobRacingAJobChangeCannotHideTheGap(t *testing.T) {
	c, g := newGatedCRM(t)
	twoDecisionMakers(t, c)
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	at := day(2025, 6, 1)
	g.Arm(2)
	errs := race(
		func() error { _, err := c.EndJob(ctx, hist[0].ID, "li", at); return err },
		func() error {
			_, err := c.ChangeJob(ctx, "zhao", "C", "manager", []crm.Role{crm.DecisionMaker}, at)
			return err
		})
	oneWins(t, errs)
}

func TestR3_BackdatedDepartureReportsTheGapItLeaves(t *testing.T) {
	c := newCRM(t, nil)
	twoDecisionMakers(t, c)
	jc, err := c.ChangeJob(ctx, "li", "B", "manager", []crm.Role{crm.DecisionMaker}, day(2025, 6, 1))
	require.NoError(t, err)
	assert.Empty(t, jc.Uncovered, "Zhao still decides")
	// Zhao left before Li, entered after the fact: from Li's departure on nobody decides.
	jc, err = c.ChangeJob(ctx, "zhao", "C", "manager", []crm.Role{crm.DecisionMaker}, day(2025, 3, 1))
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.Uncovered)
	assert.True(t, jc.LeftIncomplete)

	// a departure whose role someone else holds from before until after stays covered
	c = newCRM(t, nil)
	twoDecisionMakers(t, c)
	jc, err = c.ChangeJob(ctx, "zhao", "C", "manager", nil, day(2025, 3, 1))
	require.NoError(t, err)
	assert.Empty(t, jc.Uncovered)
}

func TestR3_JobChangeStagesAreTheAccountsAtTheChange(t *testing.T) {
	c := newCRM(t, nil)
	for _, id := range []b2bkit.CompanyID{"A", "B"} {
		_, err := c.AddCompany(ctx, crm.Company{ID: id, Name: "Company", Stage: crm.Target,
			Stages: []crm.StageChange{{Stage: crm.Target, At: day(2023, 1, 1)}}})
		require.NoError(t, err)
		_, err = c.SetStage(ctx, id, crm.Converted, day(2024, 6, 1))
		require.NoError(t, err)
		_, err = c.SetStage(ctx, id, crm.Repurchasing, day(2025, 6, 1))
		require.NoError(t, err)
	}
	addPerson(t, c, "li", "李娜", "")
	addPerson(t, c, "zhao", "赵总", "")
	startJob(t, c, "li", "A", "owner", day(2024, 1, 1), crm.DecisionMaker)
	startJob(t, c, "zhao", "A", "partner", day(2024, 1, 1), crm.DecisionMaker)
	tests := []struct {
		who  b2bkit.PersonID
		at   time.Time
		want crm.Stage
	}{
		{"li", day(2025, 1, 1), crm.Converted}, // entered after the fact: A was converted then
		{"zhao", day(2024, 3, 1), crm.Target},
	}
	for _, tt := range tests {
		jc, err := c.ChangeJob(ctx, tt.who, "B", "manager", []crm.Role{crm.DecisionMaker}, tt.at)
		require.NoError(t, err)
		assert.Equal(t, tt.want, jc.FromStage, tt.who)
		assert.Equal(t, tt.want, jc.ToStage, "B has the same history")
		assert.Equal(t, "decision_maker at a "+tt.want.String()+" account", jc.Prior())
	}
}

func TestR5_AnAccountAddedWhileItsPersonLeavesDoesNotStayOpen(t *testing.T) {
	c, g := newGatedCRM(t)
	restaurant(t, c)
	at := day(2026, 2, 15)
	g.Arm(2)
	errs := race(
		func() error {
			_, err := c.AddAccount(ctx, crm.Account{ID: "owner", Company: "A", Person: "li", Kind: crm.Owner})
			return err
		},
		func() error {
			_, err := c.ChangeJob(ctx, "li", "B", "manager", []crm.Role{crm.DecisionMaker}, at)
			return err
		})
	if oneWins(t, errs) == 0 {
		return // she left first: no account was added for her
	}
	// the account came first; the retried change closes it
	_, err := c.ChangeJob(ctx, "li", "B", "manager", []crm.Role{crm.DecisionMaker}, at)
	require.NoError(t, err)
	acc, err := c.Store().Account(ctx, "owner")
	require.NoError(t, err)
	assert.True(t, at.Equal(acc.Closed))
}
