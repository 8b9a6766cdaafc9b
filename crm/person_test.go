package crm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeContact(t *testing.T) {
	tests := []struct {
		kind     crm.ContactKind
		raw, out string
	}{
		{crm.Mobile, "13812345678", "13812345678"},
		{crm.Mobile, "138 1234 5678", "13812345678"},
		{crm.Mobile, "138-1234-5678", "13812345678"},
		{crm.Mobile, "+86 138 1234 5678", "13812345678"},
		{crm.Mobile, "+86-13812345678", "13812345678"},
		{crm.Mobile, "008613812345678", "13812345678"},
		{crm.Mobile, "8613812345678", "13812345678"},
		{crm.Mobile, " (+86) 138.1234.5678 ", "13812345678"},
		{crm.Mobile, "+44 7700 900123", "+447700900123"},
		{crm.Mobile, "0044 7700 900123", "+447700900123"},
		{crm.Email, "  Li.Na@Example.COM ", "li.na@example.com"},
		{crm.WeChat, " LiNa_1988 ", "lina_1988"},
	}
	for _, tt := range tests {
		got, err := crm.NormalizeContact(tt.kind, tt.raw)
		require.NoError(t, err, tt.raw)
		assert.Equal(t, tt.out, got, tt.raw)
		again, err := crm.NormalizeContact(tt.kind, got)
		require.NoError(t, err)
		assert.Equal(t, got, again, "normalising is idempotent")
	}
}

func TestNormalizeContact_RejectsWithoutEchoingTheValue(t *testing.T) {
	tests := []struct {
		kind crm.ContactKind
		raw  string
	}{
		{crm.Mobile, "1381234567"},
		{crm.Mobile, "23812345678"},
		{crm.Mobile, "12812345678"},
		{crm.Mobile, "138123456789"},
		{crm.Mobile, "138x1234x5678"},
		{crm.Mobile, "1381234567813812345678138"},
		{crm.Mobile, "+0123456789"},
		{crm.Mobile, ""},
		{crm.Email, "li.na.example.com"},
		{crm.Email, "@example.com"},
		{crm.Email, "li@na@example.com"},
		{crm.Email, "li@localhost"},
		{crm.Email, "li na@example.com"},
		{crm.WeChat, "1lina1988"},
		{crm.WeChat, "lina"},
		{crm.WeChat, "li na 1988"},
		{crm.ContactKind(0), "13812345678"},
		{crm.Email, strings.Repeat("a", 300) + "@example.com"},
	}
	for _, tt := range tests {
		_, err := crm.NormalizeContact(tt.kind, tt.raw)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, tt.raw)
		if tt.raw != "" {
			assert.NotContains(t, err.Error(), strings.TrimSpace(tt.raw))
		}
	}
}

func TestMasking(t *testing.T) {
	tests := []struct {
		kind      crm.ContactKind
		value, is string
	}{
		{crm.Mobile, "13812345678", "138****5678"},
		{crm.Mobile, "+447700900123", "+447******123"},
		{crm.Email, "li.na@example.com", "l***@example.com"},
		{crm.Email, "王@example.com", "王***@example.com"},
		{crm.WeChat, "lina_1988", "li***8"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.is, crm.MaskContact(tt.kind, tt.value))
	}
}

// personalData is a person whose data must never be printed or logged in the clear.
func personalData() crm.Person {
	return crm.Person{ID: "li", Name: "李娜", Contacts: []crm.ContactPoint{
		{Kind: crm.Mobile, Value: "13812345678", Since: now},
		{Kind: crm.Email, Value: "li.na@example.com", Since: now},
		{Kind: crm.WeChat, Value: "lina_1988", Since: now},
	}}
}

func requireNoPersonalData(t *testing.T, out string) {
	t.Helper()
	for _, raw := range []string{"13812345678", "li.na@example.com", "lina_1988", "李娜"} {
		assert.NotContains(t, out, raw)
	}
}

func TestPersonalData_MaskedInStringAndFmt(t *testing.T) {
	p := personalData()
	assert.Equal(t, "li 李* [mobile 138****5678, email l***@example.com, wechat li***8]", p.String())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		requireNoPersonalData(t, fmt.Sprintf(verb, p))
		requireNoPersonalData(t, fmt.Sprintf(verb, p.Contacts))
		requireNoPersonalData(t, fmt.Sprintf(verb, p.Contacts[0]))
	}
	assert.Contains(t, fmt.Sprint(p), "138****5678")
}

func TestPersonalData_MaskedInLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	p := personalData()
	log.Info("moved", "person", p, "contact", p.Contacts[0])
	out := buf.String()
	requireNoPersonalData(t, out)
	assert.Contains(t, out, "138****5678")
	var rec map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &rec), out)
	person := rec["person"].(map[string]any)
	assert.Equal(t, "li", person["id"])

	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, nil)).Info("moved", "person", p)
	requireNoPersonalData(t, buf.String())
}

func TestPersonalData_NeverInErrors(t *testing.T) {
	c := newCRM(t, nil)
	addPerson(t, c, "li", "李娜", "13812345678")
	var errs []error
	_, err := c.AddPerson(ctx, crm.Person{ID: "dup", Name: "x", Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "+86 138 1234 5678"}}})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	errs = append(errs, err)
	_, err = c.FindByContact(ctx, crm.Mobile, "13987654321")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.NotContains(t, err.Error(), "13987654321")
	errs = append(errs, err)
	_, err = c.AddPerson(ctx, crm.Person{ID: "bad", Contacts: []crm.ContactPoint{{Kind: crm.Email, Value: "李娜 at example"}}})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	errs = append(errs, err)
	for _, err := range errs {
		requireNoPersonalData(t, err.Error())
	}
}

func TestR3_FoundByEveryContactPointOldAndNew(t *testing.T) {
	c := newCRM(t, nil)
	p, err := c.AddPerson(ctx, crm.Person{ID: "li", Name: "李娜", Contacts: []crm.ContactPoint{
		{Kind: crm.Mobile, Value: "138 1234 5678"}, {Kind: crm.Email, Value: "Li.Na@Example.com"}}})
	require.NoError(t, err)
	assert.Equal(t, "13812345678", p.Contacts[0].Value)
	assert.True(t, now.Equal(p.Contacts[0].Since))

	_, err = c.ChangeContact(ctx, "li", crm.Mobile, "13987654321", day(2026, 5, 1))
	require.NoError(t, err)
	p, err = c.ChangeContact(ctx, "li", crm.Email, "lina@newco.cn", day(2026, 5, 1))
	require.NoError(t, err)
	p, err = c.AddContact(ctx, "li", crm.WeChat, "LiNa_1988", time.Time{})
	require.NoError(t, err)
	require.Len(t, p.Contacts, 5)
	assert.Len(t, p.CurrentContacts(), 3)
	assert.True(t, day(2026, 5, 1).Equal(p.Contacts[0].Until), "old number retired, kept")

	for _, q := range []struct {
		kind crm.ContactKind
		raw  string
	}{{crm.Mobile, "+86 13812345678"}, {crm.Mobile, "139-8765-4321"}, {crm.Email, "LI.NA@example.com"},
		{crm.Email, "lina@newco.cn"}, {crm.WeChat, "lina_1988"}} {
		got, err := c.FindByContact(ctx, q.kind, q.raw)
		require.NoError(t, err, q.raw)
		assert.Equal(t, b2bkit.PersonID("li"), got.ID)
	}
	_, err = c.FindByContact(ctx, crm.Email, "13812345678")
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = c.FindByContact(ctx, crm.Mobile, "138-1234-567x")
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = c.FindByContact(ctx, crm.WeChat, "nobody_here")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)

	// an old number cannot be given to someone else while it still finds her
	_, err = c.AddPerson(ctx, crm.Person{ID: "other", Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "13812345678"}}})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	// re-adding an old contact point makes it current again
	p, err = c.AddContact(ctx, "li", crm.Mobile, "13812345678", day(2026, 6, 1))
	require.NoError(t, err)
	assert.True(t, p.Contacts[0].Current())
}

func TestR3_MergeJoinsTwoRecordsOfOnePerson(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Repurchasing)
	addCompany(t, c, "B", crm.Converted)
	addPerson(t, c, "li", "李娜", "13812345678")
	_, err := c.AddPerson(ctx, crm.Person{ID: "li-2", Name: "Li Na", Contacts: []crm.ContactPoint{
		{Kind: crm.Email, Value: "lina@b.cn"}, {Kind: crm.Mobile, Value: "13987654321", Until: day(2025, 1, 1), Since: day(2020, 1, 1)}}})
	require.NoError(t, err)
	startJob(t, c, "li", "A", "owner", day(2020, 1, 1), crm.DecisionMaker)
	_, err = c.StartJob(ctx, crm.Job{Person: "li-2", Company: "B", Title: "buyer", Roles: []crm.Role{crm.User}, Start: day(2015, 1, 1), End: day(2019, 12, 1)})
	require.NoError(t, err)

	p, err := c.Merge(ctx, "li", "li-2")
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"li-2"}, p.Absorbed)
	assert.Len(t, p.Contacts, 3)

	for _, id := range []b2bkit.PersonID{"li", "li-2"} {
		got, err := c.Person(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, b2bkit.PersonID("li"), got.ID)
		hist, err := c.History(ctx, id)
		require.NoError(t, err)
		require.Len(t, hist, 2, "both careers kept")
		assert.Equal(t, b2bkit.CompanyID("B"), hist[0].Company)
		assert.Equal(t, b2bkit.PersonID("li"), hist[0].Person)
	}
	for _, phone := range []string{"13812345678", "13987654321"} {
		got, err := c.FindByContact(ctx, crm.Mobile, phone)
		require.NoError(t, err)
		assert.Equal(t, b2bkit.PersonID("li"), got.ID)
	}
	com, err := c.Committee(ctx, "B", day(2018, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"li"}, com.Holders(crm.User))

	_, err = c.Merge(ctx, "li", "li-2")
	requireInvalidField(t, err, "absorb")
	_, err = c.Merge(ctx, "li", "li")
	requireInvalidField(t, err, "absorb")
	_, err = c.Merge(ctx, "li", "ghost")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

func TestR3_MergeRefusesOverlappingSpells(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Repurchasing)
	addPerson(t, c, "p1", "x", "13812345678")
	addPerson(t, c, "p2", "y", "13987654321")
	startJob(t, c, "p1", "A", "owner", day(2020, 1, 1), crm.DecisionMaker)
	startJob(t, c, "p2", "A", "owner", day(2021, 1, 1), crm.DecisionMaker)
	_, err := c.Merge(ctx, "p1", "p2")
	requireInvalidField(t, err, "absorb")
	p2, err := c.FindByContact(ctx, crm.Mobile, "13987654321")
	require.NoError(t, err)
	assert.Equal(t, b2bkit.PersonID("p2"), p2.ID, "nothing merged")
}

func TestR3_EraseKeepsSpellsAndRoles(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	_, err := c.ChangeJob(ctx, "li", "B", "owner", []crm.Role{crm.DecisionMaker}, day(2026, 1, 1))
	require.NoError(t, err)
	p, err := c.Erase(ctx, "li")
	require.NoError(t, err)
	assert.True(t, p.Erased())
	assert.Empty(t, p.Name)
	assert.Empty(t, p.Contacts)
	assert.Equal(t, "li (erased)", p.String())

	_, err = c.FindByContact(ctx, crm.Mobile, "13812345678")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	com, err := c.Committee(ctx, "A", day(2025, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"li"}, com.Holders(crm.DecisionMaker), "account history stays whole")
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	assert.Len(t, hist, 2)
	n := 0
	for j, err := range c.JobChanges(ctx, time.Time{}) {
		require.NoError(t, err)
		assert.Equal(t, b2bkit.PersonID("li"), j.Person)
		n++
	}
	assert.Equal(t, 1, n)

	again, err := c.Erase(ctx, "li")
	require.NoError(t, err)
	assert.True(t, p.ErasedAt.Equal(again.ErasedAt))
	_, err = c.ChangeJob(ctx, "li", "C", "x", nil, day(2026, 6, 1))
	requireInvalidField(t, err, "person")
	_, err = c.Erase(ctx, "ghost")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	// her number is free for someone else now
	addPerson(t, c, "new", "新人", "13812345678")
}

func TestPersonJSONRoundTripAndStrictLoading(t *testing.T) {
	p := personalData()
	p.Contacts[0].Until = day(2026, 5, 1)
	data, err := p.ClearJSON()
	require.NoError(t, err)
	assert.Contains(t, string(data), `"kind":"mobile"`)
	var back crm.Person
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, p.ID, back.ID)
	require.Len(t, back.Contacts, 3)
	assert.Equal(t, p.Contacts[1].Value, back.Contacts[1].Value)
	assert.True(t, p.Contacts[0].Until.Equal(back.Contacts[0].Until))
	err = json.Unmarshal([]byte(`{"id":"x","nmae":"typo"}`), &back)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func FuzzNormalizeContact(f *testing.F) {
	f.Add(1, "+86 138 1234 5678")
	f.Add(2, "Li.Na@Example.com")
	f.Add(3, "LiNa_1988")
	f.Add(1, "0044 7700 900123")
	f.Add(0, "\x00")
	f.Fuzz(func(t *testing.T, kind int, raw string) {
		k := crm.ContactKind(kind)
		v, err := crm.NormalizeContact(k, raw)
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		again, err := crm.NormalizeContact(k, v)
		require.NoError(t, err)
		require.Equal(t, v, again, "idempotent")
		m := crm.MaskContact(k, v)
		if len(v) >= 6 {
			require.NotEqual(t, v, m, "masked")
		}
	})
}

func FuzzPersonJSON(f *testing.F) {
	data, _ := personalData().ClearJSON()
	f.Add(data)
	data, _ = json.Marshal(personalData())
	f.Add(data)
	f.Add([]byte(`{"id":"x","contacts":[{"kind":"wechat","value":"abcdef"}]}`))
	f.Add([]byte(`{"id":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p crm.Person
		if err := json.Unmarshal(b, &p); err != nil {
			return
		}
		_ = p.Validate()
		_ = p.String()
	})
}

func TestPersonalData_MaskedInJSONLogsOfSlicesAndStructs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	p := personalData()
	holder := struct {
		Who   crm.Person
		Reach []crm.ContactPoint
	}{p, p.Contacts}
	log.Info("batch", "people", []crm.Person{p, p}, "contacts", p.Contacts, "holder", holder,
		"byID", map[string]crm.Person{"li": p}, "pointer", &p)
	requireNoPersonalData(t, buf.String())
	assert.Contains(t, buf.String(), "138****5678")

	// the default JSON is masked, marked so, and cannot be loaded back by mistake
	data, err := json.Marshal(p)
	require.NoError(t, err)
	requireNoPersonalData(t, string(data))
	assert.Contains(t, string(data), `"masked":true`)
	var back crm.Person
	requireInvalidField(t, json.Unmarshal(data, &back), "masked")
	var cp crm.ContactPoint
	data, err = json.Marshal(p.Contacts[0])
	require.NoError(t, err)
	require.ErrorIs(t, json.Unmarshal(data, &cp), b2bkit.ErrInvalid)
}
