package crm_test

import (
	"fmt"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNameKey(t *testing.T) {
	tests := []struct{ in, key string }{
		{"golden wok", "golden wok"},
		{"Golden Wok", "golden wok"},
		{"  Golden   Wok ", "golden wok"},
		{"ＧＯＬＤＥＮ　Ｗｏｋ", "golden wok"},
		{"金锅餐厅", "金锅餐厅"},
		{"金锅 Restaurant", "金锅 restaurant"},
		{"", ""},
		{"\tLi\nNa", "li na"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.key, crm.NameKey(tt.in), "%q", tt.in)
		assert.Equal(t, tt.key, crm.NameKey(tt.key), "a key is its own key")
	}
}

// A rep's daily list: her accounts in one city at the stages she works, one page at a time (R2).
func TestR2_SearchCompaniesPagesThroughWhatARepFiltersOn(t *testing.T) {
	c := newCRM(t, nil)
	var want []b2bkit.CompanyID
	for i := range 120 {
		co := crm.Company{ID: b2bkit.CompanyID(fmt.Sprintf("c%03d", i)), Name: fmt.Sprintf("Restaurant %03d", 119-i),
			City: []string{"Hangzhou", "Ningbo"}[i%2], OwnerRep: []string{"rep-1", "rep-2", "rep-3"}[i%3],
			Stage: []crm.Stage{crm.Target, crm.Covered, crm.Converted, crm.Repurchasing}[i%4]}
		_, err := c.AddCompany(ctx, co)
		require.NoError(t, err)
		if co.City == "Hangzhou" && co.OwnerRep == "rep-1" && co.Stage != crm.Target {
			want = append([]b2bkit.CompanyID{co.ID}, want...) // names run backwards
		}
	}
	require.NotEmpty(t, want)
	q := crm.CompanyQuery{NamePrefix: "restaurant", City: "Hangzhou", OwnerRep: "rep-1",
		Stages: []crm.Stage{crm.Covered, crm.Converted, crm.Repurchasing}, Limit: 3}
	var got []b2bkit.CompanyID
	pages := 0
	for {
		page, err := c.SearchCompanies(ctx, q)
		require.NoError(t, err)
		pages++
		for _, co := range page.Companies {
			got = append(got, co.ID)
		}
		if page.Next == "" {
			break
		}
		require.Len(t, page.Companies, 3, "only the last page is short")
		q.After = page.Next
	}
	assert.Equal(t, want, got)
	assert.Equal(t, (len(want)+2)/3, pages, "no empty page at the end")

	all, err := c.SearchCompanies(ctx, crm.CompanyQuery{})
	require.NoError(t, err)
	assert.Len(t, all.Companies, crm.DefaultPageSize)
	assert.Equal(t, all.Companies[crm.DefaultPageSize-1].ID, all.Next)

	for _, bad := range []crm.CompanyQuery{{Limit: -1}, {Limit: crm.MaxPageSize + 1}, {Stages: []crm.Stage{42}}} {
		_, err := c.SearchCompanies(ctx, bad)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
	}
	_, err = c.SearchCompanies(ctx, crm.CompanyQuery{After: "nope"})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

// Finding a key person by the first characters of her name reads her personal data: it is audited.
func TestR2_SearchPeopleByNamePrefixIsAudited(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addPerson(t, c, "li-2", "李四", "")
	rctx := crm.WithActor(ctx, "rep-zhang")
	page, err := c.SearchPeople(rctx, crm.PersonQuery{NamePrefix: "李", Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.People, 1)
	assert.Equal(t, b2bkit.PersonID("li-2"), page.People[0].ID, "李四 sorts before 李娜")
	assert.Equal(t, b2bkit.PersonID("li-2"), page.Next)
	page, err = c.SearchPeople(rctx, crm.PersonQuery{NamePrefix: "李", After: page.Next, Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.People, 1)
	assert.Equal(t, b2bkit.PersonID("li"), page.People[0].ID)
	assert.Empty(t, page.Next, "the last page")

	var reads []crm.AuditEntry
	for e, err := range c.Audit(ctx, "li") {
		require.NoError(t, err)
		if e.Action == crm.AuditRead {
			reads = append(reads, e)
		}
	}
	require.Len(t, reads, 1)
	assert.Equal(t, "rep-zhang", reads[0].Actor)
	assert.Equal(t, "SearchPeople", reads[0].What)
	assert.True(t, now.Equal(reads[0].At))

	// merged and erased records are nobody to call
	_, err = c.Merge(ctx, "li", "li-2")
	require.NoError(t, err)
	_, err = c.Erase(ctx, "wang")
	require.NoError(t, err)
	page, err = c.SearchPeople(ctx, crm.PersonQuery{})
	require.NoError(t, err)
	var ids []b2bkit.PersonID
	for _, p := range page.People {
		ids = append(ids, p.ID)
	}
	assert.ElementsMatch(t, []b2bkit.PersonID{"li", "chen"}, ids)
}
