package crm_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/crm/crmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestR1_CommitteeNamesUserDecisionMakerAndPayer(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	com, err := c.Committee(ctx, "A", day(2025, 1, 1))
	require.NoError(t, err)
	assert.True(t, com.Complete())
	assert.Empty(t, com.Missing)
	requireDecEqual(t, dec("1"), com.Completeness)
	assert.Equal(t, []b2bkit.PersonID{"li"}, com.Holders(crm.DecisionMaker))
	assert.Equal(t, []b2bkit.PersonID{"chen"}, com.Holders(crm.User))
	assert.Equal(t, []b2bkit.PersonID{"wang"}, com.Holders(crm.Payer))
	assert.Equal(t, []b2bkit.PersonID{"chen"}, com.Holders(crm.Influencer))
	require.Len(t, com.Members, 3)
	assert.Equal(t, b2bkit.PersonID("li"), com.Members[0].Person, "members by start")
}

func TestR1_CommitteeAtADateBeforeEveryoneJoined(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	tests := []struct {
		at      time.Time
		missing []crm.Role
		share   string
	}{
		{day(2023, 12, 31), []crm.Role{crm.User, crm.DecisionMaker, crm.Payer}, "0"},
		{day(2024, 1, 1), []crm.Role{crm.User, crm.Payer}, "0.3333"},
		{day(2024, 2, 1), []crm.Role{crm.Payer}, "0.6667"},
		{day(2024, 3, 1), nil, "1"},
	}
	for _, tt := range tests {
		com, err := c.Committee(ctx, "A", tt.at)
		require.NoError(t, err)
		assert.Equal(t, tt.missing, com.Missing, tt.at)
		requireDecEqual(t, dec(tt.share), com.Completeness, tt.at)
	}
}

func TestR1_CommitteeBadInput(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	_, err := c.Committee(ctx, "A", time.Time{})
	requireInvalidField(t, err, "at")
	_, err = c.Committee(ctx, "nowhere", day(2025, 1, 1))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.Contains(t, err.Error(), "company nowhere")
}

func TestR1_RequiredRolesAreConfigurable(t *testing.T) {
	c := newCRM(t, &crm.Options{RequiredRoles: []crm.Role{crm.Influencer, crm.DecisionMaker, crm.DecisionMaker, crm.Role(42)}})
	assert.Equal(t, []crm.Role{crm.DecisionMaker, crm.Influencer}, c.RequiredRoles())
	addCompany(t, c, "A", crm.Covered)
	addPerson(t, c, "li", "李娜", "")
	startJob(t, c, "li", "A", "owner", day(2024, 1, 1), crm.DecisionMaker)
	com, err := c.Committee(ctx, "A", day(2025, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.Influencer}, com.Missing)
	requireDecEqual(t, dec("0.5"), com.Completeness)

	none := newCRM(t, &crm.Options{RequiredRoles: []crm.Role{}})
	addCompany(t, none, "A", crm.Covered)
	com, err = none.Committee(ctx, "A", day(2025, 1, 1))
	require.NoError(t, err)
	assert.True(t, com.Complete())
	requireDecEqual(t, dec("1"), com.Completeness)
}

func TestR1_SeveralKeyPersonsMayShareARole(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addPerson(t, c, "spouse", "赵女士", "")
	startJob(t, c, "spouse", "A", "owner's spouse", day(2024, 6, 1), crm.DecisionMaker, crm.Payer)
	com, err := c.Committee(ctx, "A", day(2025, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"li", "spouse"}, com.Holders(crm.DecisionMaker))
	assert.Equal(t, []b2bkit.PersonID{"wang", "spouse"}, com.Holders(crm.Payer))
}

func TestR2_PersonCRMKeepsOnePersonAcrossEmployers(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Converted)
	addCompany(t, c, "B", crm.Target)
	addPerson(t, c, "li", "李娜", "13812345678")
	startJob(t, c, "li", "A", "buyer", day(2020, 1, 1), crm.User)
	_, err := c.ChangeJob(ctx, "li", "B", "head of purchasing", []crm.Role{crm.DecisionMaker}, day(2023, 5, 1))
	require.NoError(t, err)
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.Equal(t, b2bkit.CompanyID("A"), hist[0].Company)
	assert.Equal(t, b2bkit.CompanyID("B"), hist[1].Company)
	assert.Equal(t, hist[0].Person, hist[1].Person)
}

// The story of the issue: a decision maker at a repurchasing customer moves to an unknown company.
func TestR3_DecisionMakerMovesFromCustomerToNewCompany(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	at := day(2026, 2, 15)
	_, err := c.ChangeContact(ctx, "li", crm.Mobile, "+86 139-8765-4321", day(2026, 2, 10))
	require.NoError(t, err)

	jc, err := c.ChangeJob(ctx, "li", "B", "general manager", []crm.Role{crm.DecisionMaker, crm.Payer}, at)
	require.NoError(t, err)

	// (a) a lost key person at the old account
	assert.Equal(t, b2bkit.PersonID("li"), jc.Person)
	assert.Equal(t, b2bkit.CompanyID("A"), jc.From)
	assert.Equal(t, crm.Repurchasing, jc.FromStage)
	assert.Equal(t, "owner", jc.FromTitle)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.LostRoles)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.Uncovered)
	assert.True(t, jc.LeftIncomplete)
	assert.Equal(t, "decision_maker at a repurchasing account", jc.Prior())
	assert.True(t, at.Equal(jc.At))

	com, err := c.Committee(ctx, "A", at)
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, com.Missing, "A's committee now misses its decision maker")
	before, err := c.Committee(ctx, "A", at.Add(-time.Second))
	require.NoError(t, err)
	assert.True(t, before.Complete(), "history before the move is unchanged")

	// (b) a warm lead at the new one
	assert.Equal(t, b2bkit.CompanyID("B"), jc.To)
	assert.True(t, jc.LeadCreated)
	assert.Equal(t, crm.Target, jc.ToStage)
	b, err := c.Company(ctx, "B")
	require.NoError(t, err)
	assert.Equal(t, crm.Target, b.Stage)
	assert.Equal(t, crm.SourceFollowedKeyPerson, b.Source)
	assert.Equal(t, b2bkit.PersonID("li"), b.SourcePerson)
	comB, err := c.Committee(ctx, "B", at)
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"li"}, comB.Holders(crm.DecisionMaker))

	// her history at A is intact
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.Equal(t, b2bkit.CompanyID("A"), hist[0].Company)
	assert.True(t, day(2024, 1, 1).Equal(hist[0].Start))
	assert.True(t, at.Equal(hist[0].End))
	assert.Equal(t, "owner", hist[0].Title)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, hist[0].Roles)
	assert.True(t, hist[1].Current())

	// she is still found by her old phone number, and by her new one
	for _, phone := range []string{"13812345678", "+86 139 8765 4321"} {
		p, err := c.FindByContact(ctx, crm.Mobile, phone)
		require.NoError(t, err)
		assert.Equal(t, b2bkit.PersonID("li"), p.ID)
	}

	// and the change is streamed for risk
	var got []crm.JobChange
	for j, err := range c.JobChanges(ctx, day(2026, 1, 1)) {
		require.NoError(t, err)
		got = append(got, j)
	}
	require.Len(t, got, 1)
	assert.Equal(t, jc.ID, got[0].ID)
	assert.True(t, got[0].LeftIncomplete)
}

func TestR3_MoveToKnownCompanyIsNotANewLead(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addCompany(t, c, "B", crm.Covered)
	jc, err := c.ChangeJob(ctx, "chen", "B", "chef", []crm.Role{crm.User}, day(2026, 1, 1))
	require.NoError(t, err)
	assert.False(t, jc.LeadCreated)
	assert.Equal(t, crm.Covered, jc.ToStage)
	// chen was user and influencer; only user is required, and nobody else uses the goods at A
	assert.Equal(t, []crm.Role{crm.User, crm.Influencer}, jc.LostRoles)
	assert.Equal(t, []crm.Role{crm.User}, jc.Uncovered)
	b, err := c.Company(ctx, "B")
	require.NoError(t, err)
	assert.Equal(t, crm.SourceHost, b.Source)
}

func TestR3_LosingAKeyPersonWhoseRoleIsCoveredLeavesNoGap(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addPerson(t, c, "spouse", "赵女士", "")
	startJob(t, c, "spouse", "A", "owner's spouse", day(2024, 6, 1), crm.DecisionMaker)
	jc, err := c.ChangeJob(ctx, "li", "B", "owner", []crm.Role{crm.DecisionMaker}, day(2026, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.DecisionMaker}, jc.LostRoles)
	assert.Empty(t, jc.Uncovered)
	assert.False(t, jc.LeftIncomplete)
}

func TestR3_FirstJobHasNoOldAccount(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "li", "李娜", "")
	jc, err := c.ChangeJob(ctx, "li", "B", "buyer", []crm.Role{crm.User}, day(2026, 1, 1))
	require.NoError(t, err)
	assert.Empty(t, jc.From)
	assert.Empty(t, jc.Prior())
	assert.False(t, jc.LeftIncomplete)
	assert.True(t, jc.LeadCreated)
}

func TestR3_TwoCurrentJobsAtDifferentCompaniesAreAllowed(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Converted)
	addCompany(t, c, "B", crm.Converted)
	addCompany(t, c, "C", crm.Target)
	addPerson(t, c, "li", "李娜", "")
	startJob(t, c, "li", "A", "consultant", day(2024, 1, 1), crm.Influencer)
	startJob(t, c, "li", "B", "owner", day(2025, 1, 1), crm.DecisionMaker)
	// the job started last ends
	jc, err := c.ChangeJob(ctx, "li", "C", "owner", []crm.Role{crm.DecisionMaker}, day(2026, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, b2bkit.CompanyID("B"), jc.From)
	comA, err := c.Committee(ctx, "A", day(2026, 2, 1))
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"li"}, comA.Holders(crm.Influencer))
}

func TestR3_JobChangesStreamInOrderFromSince(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "a", "A", "")
	addPerson(t, c, "b", "B", "")
	steps := []struct {
		p  b2bkit.PersonID
		to b2bkit.CompanyID
		at time.Time
	}{{"a", "X", day(2025, 1, 1)}, {"b", "Y", day(2025, 3, 1)}, {"a", "Z", day(2025, 2, 1)}, {"b", "X", day(2025, 4, 1)}}
	for _, s := range steps {
		_, err := c.ChangeJob(ctx, s.p, s.to, "buyer", nil, s.at)
		if s.p == "a" && s.to == "Z" {
			require.NoError(t, err)
			continue
		}
		require.NoError(t, err)
	}
	var ats []time.Time
	for j, err := range c.JobChanges(ctx, day(2025, 2, 1)) {
		require.NoError(t, err)
		ats = append(ats, j.At)
	}
	require.Len(t, ats, 3)
	assert.True(t, day(2025, 2, 1).Equal(ats[0]))
	assert.True(t, day(2025, 3, 1).Equal(ats[1]))
	assert.True(t, day(2025, 4, 1).Equal(ats[2]))
	// stopping early is fine
	n := 0
	for range c.JobChanges(ctx, time.Time{}) {
		n++
		break
	}
	assert.Equal(t, 1, n)
}

func TestR3_BadJobChangesAreRejected(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addCompany(t, c, "B", crm.Target)
	_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "B", Title: "advisor", Start: day(2024, 1, 1), End: day(2024, 6, 1)})
	require.NoError(t, err)
	tests := []struct {
		name   string
		person b2bkit.PersonID
		to     b2bkit.CompanyID
		roles  []crm.Role
		at     time.Time
		field  string
		target error
	}{
		{"same company", "li", "A", nil, day(2026, 1, 1), "to", b2bkit.ErrInvalid},
		{"before current spell", "li", "C", nil, day(2023, 1, 1), "at", b2bkit.ErrInvalid},
		{"overlaps old spell at target", "li", "B", nil, day(2024, 3, 1), "at", b2bkit.ErrInvalid},
		{"unknown role", "li", "C", []crm.Role{crm.Role(9)}, day(2026, 1, 1), "roles[0]", b2bkit.ErrInvalid},
		{"repeated role", "li", "C", []crm.Role{crm.Payer, crm.Payer}, day(2026, 1, 1), "roles[1]", b2bkit.ErrInvalid},
		{"no date", "li", "C", nil, time.Time{}, "at", b2bkit.ErrInvalid},
		{"no company", "li", "", nil, day(2026, 1, 1), "to", b2bkit.ErrInvalid},
		{"unknown person", "nobody", "C", nil, day(2026, 1, 1), "person nobody", b2bkit.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ChangeJob(ctx, tt.person, tt.to, "x", tt.roles, tt.at)
			require.ErrorIs(t, err, tt.target)
			assert.Contains(t, err.Error(), tt.field)
			assert.Contains(t, err.Error(), "crm: ")
		})
	}
	// nothing was half-written
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	for _, s := range hist {
		if s.Company == "A" {
			assert.True(t, s.Current())
		}
	}
	_, err = c.Company(ctx, "C")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	n := 0
	for range c.JobChanges(ctx, time.Time{}) {
		n++
	}
	assert.Zero(t, n)
}

func TestR3_SpellRules(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Covered)
	addPerson(t, c, "li", "李娜", "")
	_, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Roles: []crm.Role{crm.User}, Start: day(2024, 1, 1), End: day(2024, 6, 1)})
	require.NoError(t, err)

	_, err = c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Start: day(2025, 1, 1), End: day(2024, 12, 1)})
	requireInvalidField(t, err, "spell.end")
	_, err = c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Start: day(2024, 3, 1)})
	requireInvalidField(t, err, "spell.start")
	_, err = c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Start: day(2023, 3, 1), End: day(2024, 1, 2)})
	requireInvalidField(t, err, "spell.start")
	_, err = c.StartJob(ctx, crm.Job{Person: "li", Company: "nowhere", Title: "buyer", Start: day(2025, 1, 1)})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.Contains(t, err.Error(), "company nowhere")
	_, err = c.StartJob(ctx, crm.Job{Person: "ghost", Company: "A", Title: "buyer", Start: day(2025, 1, 1)})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "buyer", Start: time.Time{}})
	requireInvalidField(t, err, "spell.start")

	// meeting end to start is not overlapping
	s, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "A", Title: "manager", Roles: []crm.Role{crm.DecisionMaker}, Start: day(2024, 6, 1)})
	require.NoError(t, err)
	_, err = c.EndJob(ctx, s.ID, "li", day(2024, 5, 1))
	requireInvalidField(t, err, "spell.end")
	left, err := c.EndJob(ctx, s.ID, "li", day(2025, 5, 1))
	require.NoError(t, err)
	assert.True(t, day(2025, 5, 1).Equal(left.At))
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.True(t, day(2025, 5, 1).Equal(hist[1].End), "the spell ended")
	_, err = c.EndJob(ctx, s.ID, "li", day(2025, 6, 1))
	requireInvalidField(t, err, "spell.end")
	_, err = c.EndJob(ctx, "nope", "li", day(2025, 6, 1))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

func TestR3_StageHistoryIsKept(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Target)
	for i, s := range []crm.Stage{crm.Covered, crm.Converted, crm.Repurchasing} {
		_, err := c.SetStage(ctx, "A", s, day(2026, time.Month(3+i), 1))
		require.NoError(t, err)
	}
	co, err := c.SetStage(ctx, "A", crm.Repurchasing, day(2026, 9, 1))
	require.NoError(t, err)
	require.Len(t, co.Stages, 4)
	assert.Equal(t, crm.Repurchasing, co.Stage)
	s, ok := co.StageAt(day(2026, 3, 15))
	assert.True(t, ok)
	assert.Equal(t, crm.Covered, s)
	s, _ = co.StageAt(day(2026, 4, 15))
	assert.Equal(t, crm.Converted, s)
	_, ok = co.StageAt(day(2020, 1, 1))
	assert.False(t, ok)
	_, err = c.SetStage(ctx, "A", crm.Lost, day(2026, 1, 1))
	requireInvalidField(t, err, "at")
	_, err = c.SetStage(ctx, "A", crm.Stage(77), day(2027, 1, 1))
	requireInvalidField(t, err, "stage")
}

func TestMemoryStoreConformance(t *testing.T) {
	crmtest.Run(t, func(*testing.T) crm.Store { return crm.NewMemoryStore() })
}

func TestSpellValueAndValidate(t *testing.T) {
	s := crm.Spell{ID: "s", Person: "li", Company: "A", Title: "owner", Roles: []crm.Role{crm.DecisionMaker, crm.Payer},
		Start: day(2024, 1, 1), End: day(2025, 1, 1)}
	assert.True(t, s.Has(crm.Payer))
	assert.False(t, s.Has(crm.User))
	assert.True(t, s.ActiveAt(day(2024, 1, 1)))
	assert.False(t, s.ActiveAt(day(2025, 1, 1)), "on the day she leaves she no longer holds her roles")
	data, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"roles":["decision_maker","payer"]`)
	var back crm.Spell
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, s.Roles, back.Roles)
	assert.True(t, s.End.Equal(back.End))
	require.ErrorIs(t, json.Unmarshal([]byte(`{"id":"s","roles":["boss"]}`), &back), b2bkit.ErrInvalid)

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("spell", "spell", s)
	assert.Contains(t, buf.String(), `"roles":"decision_maker,payer"`)

	err = crm.Spell{Roles: []crm.Role{crm.User, crm.User}, Start: day(2025, 1, 1), End: day(2024, 1, 1)}.Validate()
	for _, f := range []string{"id:", "person:", "company:", "roles[1]:", "end:"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.True(t, crm.Repurchasing.IsCustomer())
	assert.False(t, crm.Lost.IsCustomer())
}
