package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The person CRM (R2) holds personal data; China's PIPL asks for consent per purpose and a record of
// who processed the data.

func TestR2_ConsentIsPerPurposeDatedAndWithdrawable(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "li", "李娜", "13812345678")
	given, withdrawn := day(2026, 1, 10), day(2026, 2, 10)
	p, err := c.GiveConsent(ctx, "li", "marketing", "web form", given)
	require.NoError(t, err)
	again, err := c.GiveConsent(ctx, "li", "marketing", "phone", day(2026, 1, 20))
	require.NoError(t, err)
	assert.Equal(t, p.Version, again.Version, "a consent that holds is not given twice")
	p, err = c.WithdrawConsent(ctx, "li", "marketing", withdrawn)
	require.NoError(t, err)
	require.Len(t, p.Consents, 1)
	assert.Equal(t, "web form", p.Consents[0].Source)
	assert.True(t, given.Equal(p.Consents[0].Given))
	assert.True(t, withdrawn.Equal(p.Consents[0].Withdrawn))

	tests := []struct {
		purpose string
		at      time.Time
		may     bool
	}{
		{"marketing", given.Add(-time.Second), false},
		{"marketing", given, true},
		{"marketing", withdrawn.Add(-time.Second), true},
		{"marketing", withdrawn, false},
		{"newsletter", given.AddDate(0, 0, 1), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.may, p.MayContact(tt.purpose, tt.at), "%s at %s", tt.purpose, tt.at)
	}
	// given again: the history keeps both
	p, err = c.GiveConsent(ctx, "li", "marketing", "signed at visit", day(2026, 3, 1))
	require.NoError(t, err)
	require.Len(t, p.Consents, 2)
	assert.True(t, p.MayContact("marketing", day(2026, 3, 2)))
	assert.False(t, p.MayContact("marketing", day(2026, 2, 20)))

	_, err = c.GiveConsent(ctx, "li", "", "x", now)
	requireInvalidField(t, err, "consent.purpose")
	_, err = c.WithdrawConsent(ctx, "li", "marketing", day(2026, 2, 1))
	requireInvalidField(t, err, "at")
	_, err = c.GiveConsent(ctx, "ghost", "marketing", "x", now)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

func TestR2_DoNotContactOverridesEveryConsent(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "li", "李娜", "")
	_, err := c.GiveConsent(ctx, "li", "marketing", "web form", day(2026, 1, 1))
	require.NoError(t, err)
	p, err := c.SetDoNotContact(ctx, "li", true, day(2026, 2, 1))
	require.NoError(t, err)
	assert.True(t, p.MayContact("marketing", day(2026, 1, 15)))
	assert.False(t, p.MayContact("marketing", day(2026, 2, 1)))
	p, err = c.SetDoNotContact(ctx, "li", false, day(2026, 3, 1))
	require.NoError(t, err)
	assert.True(t, p.MayContact("marketing", day(2026, 3, 2)))
}

func auditTrail(t *testing.T, c *crm.CRM, p b2bkit.PersonID) []crm.AuditEntry {
	t.Helper()
	return collect(t, c.Audit(ctx, p))
}

type entry struct {
	actor  string
	action crm.AuditAction
	what   string
}

func entries(list []crm.AuditEntry) []entry {
	out := make([]entry, len(list))
	for i, e := range list {
		out[i] = entry{e.Actor, e.Action, e.What}
	}
	return out
}

func TestR2_TheAuditTrailRecordsWhoReadOrChangedPersonalData(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Converted)
	rep := crm.WithActor(ctx, "rep-zhang")
	mgr := crm.WithActor(ctx, "manager-wu")
	_, err := c.AddPerson(rep, crm.Person{ID: "li", Name: "李娜", Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "13812345678"}}})
	require.NoError(t, err)
	_, err = c.FindByContact(mgr, crm.Mobile, "138 1234 5678")
	require.NoError(t, err)
	_, err = c.Person(mgr, "li")
	require.NoError(t, err)
	_, err = c.ChangeContact(rep, "li", crm.Mobile, "13987654321", time.Time{})
	require.NoError(t, err)
	_, err = c.StartJob(rep, crm.Job{Person: "li", Company: "A", Title: "owner", Roles: []crm.Role{crm.DecisionMaker}, Start: day(2024, 1, 1)})
	require.NoError(t, err)
	_, err = c.History(mgr, "li")
	require.NoError(t, err)
	_, err = c.GiveConsent(rep, "li", "marketing", "web form", time.Time{})
	require.NoError(t, err)
	_, err = c.ChangeJob(ctx, "li", "B", "owner", nil, day(2026, 1, 1)) // no actor named
	require.NoError(t, err)
	_, err = c.FindByContact(mgr, crm.Mobile, "13900000000")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.Committee(mgr, "A", now) // names people by id only: not audited
	require.NoError(t, err)

	trail := auditTrail(t, c, "li")
	assert.Equal(t, []entry{
		{"rep-zhang", crm.AuditCreate, "AddPerson"},
		{"manager-wu", crm.AuditRead, "FindByContact"},
		{"manager-wu", crm.AuditRead, "Person"},
		{"rep-zhang", crm.AuditChange, "ChangeContact"},
		{"rep-zhang", crm.AuditChange, "StartJob"},
		{"manager-wu", crm.AuditRead, "History"},
		{"rep-zhang", crm.AuditChange, "GiveConsent"},
		{"", crm.AuditChange, "ChangeJob"},
	}, entries(trail))
	for _, e := range trail {
		assert.Equal(t, b2bkit.PersonID("li"), e.Person)
		assert.True(t, now.Equal(e.At), "stamped by the CRM's clock")
		raw, err := json.Marshal(e)
		require.NoError(t, err)
		assert.NotContains(t, string(raw), "1381234", "an entry holds no personal data")
	}
	n := 0
	for _, err := range c.Audit(ctx, "ghost") {
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		n++
	}
	assert.Equal(t, 1, n, "an unknown person is an error")
}

func TestR2_EraseKeepsTheAuditTrailAndTheConsents(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "li", "李娜", "13812345678")
	_, err := c.GiveConsent(ctx, "li", "marketing", "web form", day(2026, 1, 1))
	require.NoError(t, err)
	p, err := c.Erase(crm.WithActor(ctx, "dpo"), "li")
	require.NoError(t, err)
	assert.Empty(t, p.Name)
	assert.Empty(t, p.Contacts)
	require.Len(t, p.Consents, 1, "proof of what she agreed to stays")
	assert.False(t, p.MayContact("marketing", now), "an erased person is contacted no more")
	trail := entries(auditTrail(t, c, "li"))
	assert.Equal(t, []entry{{"", crm.AuditCreate, "AddPerson"}, {"", crm.AuditChange, "GiveConsent"}, {"dpo", crm.AuditErase, "Erase"}}, trail)
	_, err = c.GiveConsent(ctx, "li", "marketing", "x", now)
	requireInvalidField(t, err, "person")
}

func TestR2_AMergeKeepsConsentsAndBothTrails(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "li", "李娜", "13812345678")
	addPerson(t, c, "li-old", "李娜", "13900001111")
	_, err := c.GiveConsent(ctx, "li-old", "events", "fair 2025", day(2025, 6, 1))
	require.NoError(t, err)
	_, err = c.SetDoNotContact(ctx, "li-old", true, day(2026, 1, 1))
	require.NoError(t, err)
	_, err = c.GiveConsent(ctx, "li", "marketing", "web form", day(2025, 1, 1))
	require.NoError(t, err)
	p, err := c.Merge(ctx, "li", "li-old")
	require.NoError(t, err)
	require.Len(t, p.Consents, 2)
	assert.Equal(t, "marketing", p.Consents[0].Purpose, "oldest first")
	assert.True(t, day(2026, 1, 1).Equal(p.DoNotContact), "a wish not to be contacted survives the merge")
	trail := auditTrail(t, c, "li")
	var whats []string
	for _, e := range trail {
		whats = append(whats, string(e.Person)+":"+e.What)
	}
	assert.ElementsMatch(t, []string{"li:AddPerson", "li-old:AddPerson", "li-old:GiveConsent", "li-old:SetDoNotContact",
		"li:GiveConsent", "li:Merge", "li-old:Merge"}, whats, "her trail brings the absorbed record's along")
}

// failingApply is a store whose writes fail.
type failingApply struct{ crm.Store }

func (failingApply) Apply(context.Context, crm.Batch) error { return errors.New("disk full") }

func TestR2_PersonalDataIsNotHandedOutUnrecorded(t *testing.T) {
	s := crm.NewMemoryStore()
	c := crm.New(s, &crm.Options{Now: func() time.Time { return now }})
	addPerson(t, c, "li", "李娜", "13812345678")
	broken := crm.New(failingApply{s}, &crm.Options{Now: func() time.Time { return now }})
	_, err := broken.Person(ctx, "li")
	require.ErrorContains(t, err, "disk full")
	_, err = broken.FindByContact(ctx, crm.Mobile, "13812345678")
	require.ErrorContains(t, err, "disk full")
	_, err = broken.SearchPeople(ctx, crm.PersonQuery{})
	require.ErrorContains(t, err, "disk full")
}

func TestR2_ConsentsRoundTripThroughClearJSON(t *testing.T) {
	p := crm.Person{ID: "li", Name: "李娜", Consents: []crm.Consent{{Purpose: "marketing", Given: day(2026, 1, 1), Withdrawn: day(2026, 2, 1), Source: "web"}},
		DoNotContact: day(2026, 3, 1)}
	raw, err := p.ClearJSON()
	require.NoError(t, err)
	var back crm.Person
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Len(t, back.Consents, 1)
	assert.Equal(t, p.Consents[0].Source, back.Consents[0].Source)
	assert.True(t, p.Consents[0].Withdrawn.Equal(back.Consents[0].Withdrawn))
	assert.True(t, p.DoNotContact.Equal(back.DoNotContact))
	require.ErrorIs(t, json.Unmarshal([]byte(`{"id":"li","name":"x","contacts":[],"consents":[{"purpose":"m","given":"2026-01-01T00:00:00Z","extra":1}],"version":0}`), &back), b2bkit.ErrInvalid)
	masked, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(masked), `"purpose":"marketing"`, "consents are no personal data")
	assert.NotContains(t, string(masked), "李娜")
}

// TestR2_AWithdrawalUnderOneRecordHoldsAfterAMerge: consent is hers, not a record's. She agreed to
// marketing under one record and later took it back under her other record; merged, the older
// consent must not make her contactable again. A consent she gave after a withdrawal still holds.
func TestR2_AWithdrawalUnderOneRecordHoldsAfterAMerge(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "li", "李娜", "13812345678")
	addPerson(t, c, "li-old", "李娜", "13900001111")
	_, err := c.GiveConsent(ctx, "li-old", "marketing", "web form", day(2025, 1, 1))
	require.NoError(t, err)
	_, err = c.GiveConsent(ctx, "li", "marketing", "fair", day(2025, 6, 1))
	require.NoError(t, err)
	_, err = c.WithdrawConsent(ctx, "li", "marketing", day(2025, 9, 1))
	require.NoError(t, err)
	// and the other way round: withdrawn first, given again later under the other record
	_, err = c.GiveConsent(ctx, "li", "events", "fair", day(2025, 2, 1))
	require.NoError(t, err)
	_, err = c.WithdrawConsent(ctx, "li", "events", day(2025, 3, 1))
	require.NoError(t, err)
	_, err = c.GiveConsent(ctx, "li-old", "events", "call", day(2025, 10, 1))
	require.NoError(t, err)

	p, err := c.Merge(ctx, "li", "li-old")
	require.NoError(t, err)
	later := day(2026, 1, 1)
	assert.False(t, p.MayContact("marketing", later), "she withdrew marketing after every consent to it")
	assert.True(t, p.MayContact("marketing", day(2025, 7, 1)), "history: she had consented then")
	assert.True(t, p.MayContact("events", later), "she consented to events again after withdrawing")
	stored, err := c.Person(ctx, "li")
	require.NoError(t, err)
	assert.False(t, stored.MayContact("marketing", later), "as stored")
	require.Len(t, stored.Consents, 4, "every consent is kept")
}
