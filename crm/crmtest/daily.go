package crmtest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cases of the daily tools: search, deals and the audit trail.

func companyIDs(list []crm.Company) []b2bkit.CompanyID {
	out := make([]b2bkit.CompanyID, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}

func personIDs(list []crm.Person) []b2bkit.PersonID {
	out := make([]b2bkit.PersonID, len(list))
	for i, p := range list {
		out[i] = p.ID
	}
	return out
}

// searchCompanies: a name prefix is a range of (NameKey, ID); filters apply within it; pages follow
// After; a rename moves a company in the order.
func searchCompanies(t *testing.T, s crm.Store) {
	mk := func(id, name, city string, stage crm.Stage, rep string) crm.Company {
		return crm.Company{ID: b2bkit.CompanyID(id), Name: name, City: city, Stage: stage, OwnerRep: rep}
	}
	tiered := mk("t", "Golden Tiger", "Hangzhou", crm.Repurchasing, "rep-1")
	tiered.Tier, tiered.TierHistory = "gold", []crm.TierChange{{To: "gold", At: t0}}
	apply(t, s, crm.Batch{Companies: []crm.Company{
		mk("w", "Golden Wok", "Hangzhou", crm.Repurchasing, "rep-1"),
		mk("g2", "golden wok", "Shanghai", crm.Target, "rep-2"), // the same key as w: by id
		mk("j", "Jade Garden", "Hangzhou", crm.Covered, "rep-1"),
		mk("k", "金锅餐厅", "杭州", crm.Converted, "rep-2"),
		mk("f", "ＧＯＬＤＥＮ  Ｄｒａｇｏｎ", "Hangzhou", crm.Lost, "rep-3"), // full-width, two blanks
		tiered,
	}})
	search := func(q crm.CompanyQuery) []b2bkit.CompanyID {
		t.Helper()
		if q.Limit == 0 {
			q.Limit = 100
		}
		list, err := s.SearchCompanies(ctx, q)
		require.NoError(t, err)
		for _, c := range list {
			assert.True(t, q.Match(c), "a company the query does not match: %s", c.ID)
		}
		return companyIDs(list)
	}
	assert.Equal(t, []b2bkit.CompanyID{"f", "t", "g2", "w", "j", "k"}, search(crm.CompanyQuery{}), "by NameKey, then id")
	assert.Equal(t, []b2bkit.CompanyID{"f", "t", "g2", "w"}, search(crm.CompanyQuery{NamePrefix: "Gold"}))
	assert.Equal(t, []b2bkit.CompanyID{"g2", "w"}, search(crm.CompanyQuery{NamePrefix: "GOLDEN W"}))
	assert.Equal(t, []b2bkit.CompanyID{"f"}, search(crm.CompanyQuery{NamePrefix: "golden d"}))
	assert.Equal(t, []b2bkit.CompanyID{"k"}, search(crm.CompanyQuery{NamePrefix: "金锅"}))
	assert.Empty(t, search(crm.CompanyQuery{NamePrefix: "goldfish"}))
	assert.Equal(t, []b2bkit.CompanyID{"f", "t", "w", "j"}, search(crm.CompanyQuery{City: "Hangzhou"}))
	assert.Equal(t, []b2bkit.CompanyID{"t", "w", "j"}, search(crm.CompanyQuery{OwnerRep: "rep-1"}))
	assert.Equal(t, []b2bkit.CompanyID{"t", "w", "k"}, search(crm.CompanyQuery{Stages: []crm.Stage{crm.Repurchasing, crm.Converted}}))
	assert.Equal(t, []b2bkit.CompanyID{"t"}, search(crm.CompanyQuery{Tier: "gold"}))
	assert.Equal(t, []b2bkit.CompanyID{"t", "w"}, search(crm.CompanyQuery{NamePrefix: "golden", City: "Hangzhou", Stages: []crm.Stage{crm.Repurchasing}, OwnerRep: "rep-1"}))

	// pages
	var got []b2bkit.CompanyID
	q := crm.CompanyQuery{Limit: 2}
	for range 10 {
		page := search(q)
		got = append(got, page...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1]
	}
	assert.Equal(t, []b2bkit.CompanyID{"f", "t", "g2", "w", "j", "k"}, got, "pages follow each other")
	assert.Equal(t, []b2bkit.CompanyID{"j"}, search(crm.CompanyQuery{City: "Hangzhou", After: "w"}), "After need not match the filters")

	// a rename moves the company
	w, err := s.Company(ctx, "w")
	require.NoError(t, err)
	w.Name = "Azure Wok"
	apply(t, s, crm.Batch{Companies: []crm.Company{w}})
	assert.Equal(t, []b2bkit.CompanyID{"w", "f", "t", "g2", "j", "k"}, search(crm.CompanyQuery{}))
	assert.Equal(t, []b2bkit.CompanyID{"f", "t", "g2"}, search(crm.CompanyQuery{NamePrefix: "golden"}), "the old name finds it no more")
	assert.Equal(t, []b2bkit.CompanyID{"f", "t"}, search(crm.CompanyQuery{After: "w", Limit: 2}), "After is the company's place now")

	_, err = s.SearchCompanies(ctx, crm.CompanyQuery{After: "nope", Limit: 1})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = s.SearchCompanies(ctx, crm.CompanyQuery{})
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "a store needs a limit")
	_, err = s.SearchCompanies(ctx, crm.CompanyQuery{Limit: 1, Stages: []crm.Stage{99}})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

// searchPeople: people by name prefix, merged and erased records never listed.
func searchPeople(t *testing.T, s crm.Store) {
	named := func(id, name string) crm.Person { return crm.Person{ID: b2bkit.PersonID(id), Name: name} }
	apply(t, s, crm.Batch{People: []crm.Person{named("p1", "Li Na"), named("p2", "li  na"), named("p3", "Liang Wei"),
		named("p4", "李娜"), named("p5", ""), named("m", "Li Na"), named("e", "Li Nan")}})
	m, err := s.Person(ctx, "m")
	require.NoError(t, err)
	m.Name, m.MergedInto = "", "p1"
	e, err := s.Person(ctx, "e")
	require.NoError(t, err)
	e.Name, e.ErasedAt = "", t0
	apply(t, s, crm.Batch{People: []crm.Person{m, e}})
	search := func(q crm.PersonQuery) []b2bkit.PersonID {
		t.Helper()
		if q.Limit == 0 {
			q.Limit = 100
		}
		list, err := s.SearchPeople(ctx, q)
		require.NoError(t, err)
		for _, p := range list {
			assert.True(t, q.Match(p), "a person the query does not match: %s", p.ID)
		}
		return personIDs(list)
	}
	assert.Equal(t, []b2bkit.PersonID{"p5", "p1", "p2", "p3", "p4"}, search(crm.PersonQuery{}), "no merged or erased record")
	assert.Equal(t, []b2bkit.PersonID{"p1", "p2", "p3"}, search(crm.PersonQuery{NamePrefix: "Li"}))
	assert.Equal(t, []b2bkit.PersonID{"p1", "p2"}, search(crm.PersonQuery{NamePrefix: "li "}), "a typed blank is kept")
	assert.Equal(t, []b2bkit.PersonID{"p4"}, search(crm.PersonQuery{NamePrefix: "李"}))
	assert.Equal(t, []b2bkit.PersonID{"p2", "p3"}, search(crm.PersonQuery{NamePrefix: "li", After: "p1"}))
	assert.Equal(t, []b2bkit.PersonID{"p1"}, search(crm.PersonQuery{NamePrefix: "li", Limit: 1}))
	_, err = s.SearchPeople(ctx, crm.PersonQuery{After: "e", Limit: 1})
	require.ErrorIs(t, err, b2bkit.ErrNotFound, "an erased person is no place to continue from")
	_, err = s.SearchPeople(ctx, crm.PersonQuery{Limit: 0})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)

	// renamed, erased: the index follows
	p3, err := s.Person(ctx, "p3")
	require.NoError(t, err)
	p3.Name = "Wang Fang"
	p1, err := s.Person(ctx, "p1")
	require.NoError(t, err)
	p1.Name, p1.ErasedAt = "", day(1)
	apply(t, s, crm.Batch{People: []crm.Person{p3, p1}})
	assert.Equal(t, []b2bkit.PersonID{"p2"}, search(crm.PersonQuery{NamePrefix: "li"}))
	assert.Equal(t, []b2bkit.PersonID{"p3"}, search(crm.PersonQuery{NamePrefix: "wang"}))
}

// deals: created and updated by version, listed per company, returned as copies.
func deals(t *testing.T, s crm.Store) {
	d := crm.Deal{ID: "d2", Company: "A", Name: "kitchen 2026", Opened: t0,
		Contacts: []crm.DealContact{{Person: "p", Roles: []crm.Role{crm.User}}}}
	apply(t, s, crm.Batch{Deals: []crm.Deal{d, {ID: "d1", Company: "A", Name: "tender", Opened: t0}, {ID: "d3", Company: "B", Name: "x", Opened: t0}}})
	got, err := s.Deal(ctx, "d2")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	require.Len(t, got.Contacts, 1)
	got.Contacts[0].Roles[0] = crm.Payer // a copy
	again, err := s.Deal(ctx, "d2")
	require.NoError(t, err)
	assert.Equal(t, []crm.Role{crm.User}, again.Contacts[0].Roles)
	list, err := s.Deals(ctx, "A")
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, crm.DealID("d1"), list[0].ID)
	none, err := s.Deals(ctx, "nobody")
	require.NoError(t, err)
	assert.Empty(t, none)

	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Deals: []crm.Deal{d}}), b2bkit.ErrConflict, "create over existing")
	again.Closed, again.Won = day(3), true
	apply(t, s, crm.Batch{Deals: []crm.Deal{again}})
	closed, err := s.Deal(ctx, "d2")
	require.NoError(t, err)
	assert.True(t, closed.Won)
	assert.True(t, day(3).Equal(closed.Closed))
	assert.Equal(t, int64(2), closed.Version)
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Deals: []crm.Deal{again}}), b2bkit.ErrConflict, "stale version")
	moved := again
	moved.Version, moved.Company = 2, "B"
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Deals: []crm.Deal{moved}}), b2bkit.ErrConflict, "a deal stays with its company")
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Deals: []crm.Deal{{ID: "bad", Company: "A", Opened: t0}}}), b2bkit.ErrInvalid, "no name")
	_, err = s.Deal(ctx, "nope")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

// auditTrail: entries are appended in order, go with their batch or not at all, and stay when the
// person is erased.
func auditTrail(t *testing.T, s crm.Store) {
	entry := func(p string, n int, a crm.AuditAction) crm.AuditEntry {
		return crm.AuditEntry{Person: b2bkit.PersonID(p), At: day(n), Actor: "rep-1", Action: a, What: fmt.Sprintf("call%d", n)}
	}
	apply(t, s, crm.Batch{People: []crm.Person{person("p", "13812345678")}, Audit: []crm.AuditEntry{entry("p", 5, crm.AuditCreate)}})
	apply(t, s, crm.Batch{Audit: []crm.AuditEntry{entry("p", 1, crm.AuditRead), entry("q", 2, crm.AuditRead), entry("p", 3, crm.AuditRead)}})
	trail := func(p string) []string {
		var out []string
		for e, err := range s.Audit(ctx, b2bkit.PersonID(p)) {
			require.NoError(t, err)
			assert.Equal(t, b2bkit.PersonID(p), e.Person)
			out = append(out, e.What)
		}
		return out
	}
	assert.Equal(t, []string{"call5", "call1", "call3"}, trail("p"), "in the order stored, not by time")
	assert.Equal(t, []string{"call2"}, trail("q"))
	assert.Empty(t, trail("nobody"))

	// a failed batch stores none of its entries
	err := s.Apply(ctx, crm.Batch{People: []crm.Person{person("p")}, Audit: []crm.AuditEntry{entry("p", 9, crm.AuditChange)}})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	assert.Equal(t, []string{"call5", "call1", "call3"}, trail("p"))
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{Audit: []crm.AuditEntry{{Person: "p", At: t0}}}), b2bkit.ErrInvalid, "no call named")

	// erasure keeps the trail
	p, err := s.Person(ctx, "p")
	require.NoError(t, err)
	p.Name, p.Contacts, p.ErasedAt = "", nil, day(10)
	apply(t, s, crm.Batch{People: []crm.Person{p}, Audit: []crm.AuditEntry{entry("p", 10, crm.AuditErase)}})
	assert.Equal(t, []string{"call5", "call1", "call3", "call10"}, trail("p"))
	var first crm.AuditEntry
	for e := range s.Audit(ctx, "p") {
		first = e
		break
	}
	assert.Equal(t, "rep-1", first.Actor)
	assert.Equal(t, crm.AuditCreate, first.Action)
	assert.True(t, day(5).Equal(first.At))
}

// consentStored: a person's consents and do-not-contact round-trip through the store.
func consentStored(t *testing.T, s crm.Store) {
	p := person("p")
	p.Consents = []crm.Consent{{Purpose: "marketing", Given: t0, Withdrawn: day(3), Source: "web form"}, {Purpose: "marketing", Given: day(5)}}
	p.DoNotContact = day(9)
	apply(t, s, crm.Batch{People: []crm.Person{p}})
	got, err := s.Person(ctx, "p")
	require.NoError(t, err)
	require.Len(t, got.Consents, 2)
	assert.Equal(t, "web form", got.Consents[0].Source)
	assert.True(t, day(3).Equal(got.Consents[0].Withdrawn))
	assert.True(t, day(9).Equal(got.DoNotContact))
	got.Consents[0].Purpose = "changed" // a copy
	again, err := s.Person(ctx, "p")
	require.NoError(t, err)
	assert.Equal(t, "marketing", again.Consents[0].Purpose)
	bad := person("q")
	bad.Consents = []crm.Consent{{Purpose: "", Given: t0}}
	require.ErrorIs(t, s.Apply(ctx, crm.Batch{People: []crm.Person{bad}}), b2bkit.ErrInvalid)
}

// searchAgainstAFullScan: random queries over random companies and people return what filtering
// and sorting everything returns, page by page, also after renames and moves.
func searchAgainstAFullScan(t *testing.T, s crm.Store) {
	rng := rand.New(rand.NewPCG(11, 11))
	pick := func(list ...string) string { return list[rng.IntN(len(list))] }
	words := []string{"golden", "Golden", "jade", "金锅", "金", "ＧＯＬＤ", "azure", "Azure  Sky"}
	randomCompany := func(id string, version int64) crm.Company {
		c := crm.Company{ID: b2bkit.CompanyID(id), Name: pick(words...) + " " + pick(words...), City: pick("", "Hangzhou", "Ningbo"),
			Territory: pick("", "east", "west"), OwnerRep: pick("", "rep-1", "rep-2", "rep-3"), Stage: crm.Stage(rng.IntN(6)), Version: version}
		if rng.IntN(3) == 0 {
			c.Tier = pick("gold", "silver")
			c.TierHistory = []crm.TierChange{{To: c.Tier, At: t0}}
		}
		return c
	}
	var cos []crm.Company
	for i := range 150 {
		cos = append(cos, randomCompany(fmt.Sprintf("c%03d", i), 0))
	}
	apply(t, s, crm.Batch{Companies: cos})
	// rename and move a third of them
	var moved []crm.Company
	for i := 0; i < len(cos); i += 3 {
		moved = append(moved, randomCompany(string(cos[i].ID), 1))
	}
	apply(t, s, crm.Batch{Companies: moved})
	var all []crm.Company
	for c, err := range s.Companies(ctx) {
		require.NoError(t, err)
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b crm.Company) int {
		return cmp.Or(cmp.Compare(crm.NameKey(a.Name), crm.NameKey(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	for range 300 {
		q := crm.CompanyQuery{Limit: 1 + rng.IntN(7)}
		if rng.IntN(2) == 0 {
			q.NamePrefix = pick("g", "Gold", "golden ", "金", "金锅 ", "azure s", "j", "x")
		}
		if rng.IntN(3) == 0 {
			q.City = pick("Hangzhou", "Ningbo", "Nowhere")
		}
		if rng.IntN(4) == 0 {
			q.Territory = pick("east", "west")
		}
		if rng.IntN(3) == 0 {
			q.OwnerRep = pick("rep-1", "rep-2")
		}
		if rng.IntN(4) == 0 {
			q.Tier = pick("gold", "silver")
		}
		switch rng.IntN(4) {
		case 0:
			q.Stages = []crm.Stage{crm.Stage(rng.IntN(6))}
		case 1:
			q.Stages = []crm.Stage{crm.Stage(rng.IntN(6)), crm.Stage(rng.IntN(6))}
		}
		var want []b2bkit.CompanyID
		for _, c := range all {
			if q.Match(c) {
				want = append(want, c.ID)
			}
		}
		var got []b2bkit.CompanyID
		for range 200 {
			page, err := s.SearchCompanies(ctx, q)
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), q.Limit)
			got = append(got, companyIDs(page)...)
			if len(page) < q.Limit {
				break
			}
			q.After = page[len(page)-1].ID
		}
		require.Equal(t, want, got, "query %+v", q)
	}
}
