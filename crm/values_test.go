package crm_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewEnumsAsWords(t *testing.T) {
	for _, a := range []crm.AuditAction{crm.AuditRead, crm.AuditCreate, crm.AuditChange, crm.AuditErase} {
		b, err := a.MarshalText()
		require.NoError(t, err)
		var back crm.AuditAction
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, a, back)
	}
	for _, k := range []crm.EvidenceKind{crm.SamePhone, crm.SameEmail, crm.SimilarName, crm.SameCreditCode} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back crm.EvidenceKind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
	}
	var a crm.AuditAction
	require.ErrorIs(t, a.UnmarshalText([]byte("delete")), b2bkit.ErrInvalid)
	_, err := crm.AuditAction(9).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Equal(t, "EvidenceKind(9)", crm.EvidenceKind(9).String())
	_, err = crm.EvidenceKind(-1).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestAuditEntryAndDealJSONRoundTrip(t *testing.T) {
	e := crm.AuditEntry{Person: "li", At: day(2026, 3, 1), Actor: "rep-zhang", Action: crm.AuditRead, What: "FindByContact"}
	raw, err := json.Marshal(e)
	require.NoError(t, err)
	assert.JSONEq(t, `{"person":"li","at":"2026-03-01T00:00:00Z","actor":"rep-zhang","action":"read","what":"FindByContact"}`, string(raw))
	var back crm.AuditEntry
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, e, back)
	require.ErrorIs(t, json.Unmarshal([]byte(`{"person":"li","data":"x"}`), &back), b2bkit.ErrInvalid)

	d := crm.Deal{ID: "d", Company: "A", Name: "tender", Opened: day(2026, 1, 1),
		Contacts: []crm.DealContact{{Person: "li", Roles: []crm.Role{crm.DecisionMaker}, Outside: true}}, Version: 2}
	raw, err = json.Marshal(d)
	require.NoError(t, err)
	var dback crm.Deal
	require.NoError(t, json.Unmarshal(raw, &dback))
	assert.Equal(t, d.Contacts, dback.Contacts)
	assert.True(t, d.Opened.Equal(dback.Opened))
	require.ErrorIs(t, json.Unmarshal([]byte(`{"id":"d","amount":1}`), &dback), b2bkit.ErrInvalid)

	bad := crm.AuditEntry{Actor: strings.Repeat("x", crm.MaxActorLen+1), Action: 7}
	err = bad.Validate()
	for _, f := range []string{"person", "at", "actor", "action", "what"} {
		assert.Contains(t, err.Error(), f)
	}
}

func TestWithActorCutsLongNames(t *testing.T) {
	long := strings.Repeat("王", crm.MaxActorLen) // three bytes each
	got := crm.ActorFrom(crm.WithActor(ctx, long))
	assert.LessOrEqual(t, len(got), crm.MaxActorLen)
	assert.True(t, strings.HasPrefix(long, got))
	assert.Equal(t, "", crm.ActorFrom(ctx))
	require.NoError(t, crm.AuditEntry{Person: "p", At: now, Actor: got, What: "x"}.Validate(), "a cut name is still valid UTF-8")
}

// A large batch into a store that already holds people: the store grows its maps ahead and keeps
// every lookup right.
func TestLargeBatchesKeepEveryLookup(t *testing.T) {
	s := crm.NewMemoryStore()
	c := crm.New(s, &crm.Options{Now: func() time.Time { return now }})
	addPerson(t, c, "first", "First", "13700000000")
	for round := range 2 {
		var b crm.Batch
		for i := range 3000 {
			id := b2bkit.PersonID(fmt.Sprintf("p%d-%04d", round, i))
			b.People = append(b.People, crm.Person{ID: id, Name: fmt.Sprintf("Person %d %04d", round, i),
				Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: fmt.Sprintf("138%d%07d", round, i), Since: now}}})
			b.Spells = append(b.Spells, crm.Spell{ID: crm.SpellID(id), Person: id, Company: "A", Start: now})
		}
		require.NoError(t, s.Apply(ctx, b))
	}
	for _, probe := range []struct {
		id     b2bkit.PersonID
		mobile string
	}{{"first", "13700000000"}, {"p0-0000", "13800000000"}, {"p1-2999", "13810002999"}} {
		p, err := c.FindByContact(ctx, crm.Mobile, probe.mobile)
		require.NoError(t, err)
		assert.Equal(t, probe.id, p.ID)
	}
	page, err := c.SearchPeople(ctx, crm.PersonQuery{NamePrefix: "person 1 29", Limit: 200})
	require.NoError(t, err)
	assert.Len(t, page.People, 100)
	sp, err := s.Spells(ctx, crm.SpellQuery{Company: "A"})
	require.NoError(t, err)
	assert.Len(t, sp, 6000)
}
