package crm_test

import (
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestR2_OneCompanyPerRegistrationNumber(t *testing.T) {
	c := newCRM(t, nil)
	uscc := crm.Registration{Scheme: crm.SchemeUSCC, Number: "91330100716105852F"}
	_, err := c.AddCompany(ctx, crm.Company{ID: "ali", Name: "阿里巴巴", Registration: uscc})
	require.NoError(t, err)
	_, err = c.AddCompany(ctx, crm.Company{ID: "ali-2", Name: "阿里巴巴（重复）",
		Registration: crm.Registration{Scheme: crm.SchemeUSCC, Number: " 91330100716105852f"}})
	require.ErrorIs(t, err, b2bkit.ErrConflict, "the same code, as typed")
	assert.Contains(t, err.Error(), "ali")
	other := addCompany(t, c, "other", crm.Target)
	other.Registration = uscc
	_, err = c.UpdateCompany(ctx, other)
	require.ErrorIs(t, err, b2bkit.ErrConflict, "nor can an update take it")
	// the same number under another scheme is another number
	_, err = c.AddCompany(ctx, crm.Company{ID: "vat", Name: "V", Registration: crm.Registration{Scheme: "vat", Number: uscc.Number}})
	require.NoError(t, err)
	// a company may change its own registration, freeing the old number
	ali, err := c.Company(ctx, "ali")
	require.NoError(t, err)
	ali.Registration = crm.Registration{}
	_, err = c.UpdateCompany(ctx, ali)
	require.NoError(t, err)
	other.Registration = uscc
	_, err = c.UpdateCompany(ctx, other)
	require.NoError(t, err)
}

func TestR3_ALeadFollowingAKeyPersonHasNoInventedName(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	_, err := c.ChangeJob(ctx, "li", "c-991", "manager", []crm.Role{crm.DecisionMaker}, day(2026, 2, 1))
	require.NoError(t, err)
	lead, err := c.Company(ctx, "c-991")
	require.NoError(t, err)
	assert.Empty(t, lead.Name, "its name is not known yet, and is not its id")
	assert.Equal(t, crm.SourceFollowedKeyPerson, lead.Source)
	lead.Name = "翡翠酒店"
	_, err = c.UpdateCompany(ctx, lead)
	require.NoError(t, err, "a rep names it later")
	_, err = c.AddCompany(ctx, crm.Company{ID: "nameless", Stage: crm.Target})
	requireInvalidField(t, err, "company.name")
}

func TestR3_AZeroTimeIsNamedAsMissing(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	_, err := c.SetStage(ctx, "A", crm.Lost, time.Time{})
	requireInvalidField(t, err, "at")
	assert.Contains(t, err.Error(), "must be set")
	hist, err := c.History(ctx, "chen")
	require.NoError(t, err)
	_, err = c.EndJob(ctx, hist[0].ID, "chen", time.Time{})
	requireInvalidField(t, err, "end")
	assert.Contains(t, err.Error(), "must be set")
	hist, err = c.History(ctx, "chen")
	require.NoError(t, err)
	assert.True(t, hist[0].Current())
	_, err = c.EvaluateTier(ctx, "A", crm.TierPolicy{}, nil, time.Time{})
	requireInvalidField(t, err, "at")
	assert.Contains(t, err.Error(), "must be set")
}

func TestR3_EndJobFollowsMergedIDs(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addPerson(t, c, "li-2", "李娜", "")
	_, err := c.Merge(ctx, "li-2", "li")
	require.NoError(t, err)
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	require.Len(t, hist, 1)
	end := day(2026, 2, 1)
	jc, err := c.EndJob(ctx, hist[0].ID, "li", end) // the old id, as a host may still hold it
	require.NoError(t, err)
	assert.True(t, end.Equal(jc.At))
	assert.Equal(t, b2bkit.PersonID("li-2"), jc.Person)
	hist, err = c.History(ctx, "li-2")
	require.NoError(t, err)
	require.Len(t, hist, 1)
	assert.True(t, end.Equal(hist[0].End))
}

// TestR3_SpellIDsOfDifferentJobsDiffer: ids are the host's strings, and a person keyed by her
// mailbox is common, so a spell's id must tell "li@x" at "wok" from "li" at "x@wok" started the same
// day: two people's jobs, each stored and each in her own history — not a conflict that no retry
// can get past.
func TestR3_SpellIDsOfDifferentJobsDiffer(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "wok", crm.Repurchasing)
	addCompany(t, c, "x@wok", crm.Repurchasing)
	addPerson(t, c, "li@x", "李娜", "")
	addPerson(t, c, "li", "Li", "")
	start := day(2024, 1, 1)
	a, err := c.StartJob(ctx, crm.Job{Person: "li@x", Company: "wok", Start: start, Roles: []crm.Role{crm.Payer}})
	require.NoError(t, err)
	b, err := c.StartJob(ctx, crm.Job{Person: "li", Company: "x@wok", Start: start, Roles: []crm.Role{crm.User}})
	require.NoError(t, err, "another person's job at another company")
	assert.NotEqual(t, a.ID, b.ID)
	for _, p := range []b2bkit.PersonID{"li@x", "li"} {
		hist, err := c.History(ctx, p)
		require.NoError(t, err)
		assert.Len(t, hist, 1, "%s has her own job", p)
	}
}
