package crm_test

import (
	"errors"
	"io"
	"iter"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const peopleCSV = `key,name,mobile,email,company,title,roles,start,end
hr-1,李娜,138 1234 5678,li.na@example.com,A,owner,decision_maker,2020-01-01,2023-12-31
hr-1,,,,B,general manager,decision_maker|payer,2024-01-01,
hr-2,陈伟,13900001111,,A,head chef,user;influencer,2019-05-01,
hr-3,王芳,,wang@example.com,,,,,
`

func importCRM(t *testing.T) *crm.CRM {
	t.Helper()
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Repurchasing)
	addCompany(t, c, "B", crm.Covered)
	return c
}

// A history brought in from another system keeps one identity per person across her employers
// (R3): her spells, her contact points, her key.
func TestR3_ImportBringsPeopleInWithTheirJobsOnceOnly(t *testing.T) {
	c := importCRM(t)
	res, err := c.Import(crm.WithActor(ctx, "import-job"), crm.ReadPeopleCSV(strings.NewReader(peopleCSV), nil))
	require.NoError(t, err)
	assert.Equal(t, crm.ImportResult{Rows: 4, PeopleCreated: 3, SpellsCreated: 3}, res)

	li, err := c.FindByContact(ctx, crm.Mobile, "13812345678")
	require.NoError(t, err)
	assert.Equal(t, b2bkit.PersonID("hr-1"), li.ID, "the external key is her id")
	assert.Equal(t, "李娜", li.Name)
	hist, err := c.History(ctx, "hr-1")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.Equal(t, b2bkit.CompanyID("A"), hist[0].Company)
	assert.True(t, day(2023, 12, 31).Equal(hist[0].End))
	assert.Equal(t, []crm.Role{crm.DecisionMaker, crm.Payer}, hist[1].Roles)
	assert.True(t, hist[1].Current())
	com, err := c.Committee(ctx, "A", day(2024, 6, 1))
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"hr-2"}, com.Holders(crm.User))
	assert.Empty(t, collect(t, c.JobChanges(ctx, time.Time{})), "an imported history records no news")
	trail := auditTrail(t, c, "hr-3")
	require.NotEmpty(t, trail)
	assert.Equal(t, entry{"import-job", crm.AuditCreate, "Import"}, entries(trail)[0])

	// the same file again changes nothing
	v := li.Version
	res, err = c.Import(ctx, crm.ReadPeopleCSV(strings.NewReader(peopleCSV), nil))
	require.NoError(t, err)
	assert.Equal(t, crm.ImportResult{Rows: 4, PeopleUnchanged: 3, SpellsUnchanged: 3}, res)
	li, err = c.Person(ctx, "hr-1")
	require.NoError(t, err)
	assert.Equal(t, v, li.Version)

	// a later file adds what is new and keeps what a rep changed
	_, err = c.AddContact(ctx, "hr-2", crm.WeChat, "chenwei_88", time.Time{})
	require.NoError(t, err)
	res, err = c.Import(ctx, crm.ReadPeopleCSV(strings.NewReader(`key,name,wechat,company,title,start
hr-2,Chen Wei,chenwei_chef,B,consultant,2025-01-01
hr-4,赵敏,,,,
`), nil))
	require.NoError(t, err)
	assert.Equal(t, crm.ImportResult{Rows: 2, PeopleCreated: 1, PeopleUpdated: 1, SpellsCreated: 1}, res)
	chen, err := c.Person(ctx, "hr-2")
	require.NoError(t, err)
	assert.Equal(t, "陈伟", chen.Name, "a stored name is kept")
	assert.Len(t, chen.Contacts, 3)
}

func TestR3_ABadImportReportsEveryRowAndImportsNothing(t *testing.T) {
	c := importCRM(t)
	addPerson(t, c, "stored", "已有", "13700000000")
	const bad = `key,name,mobile,email,company,title,roles,start,end
ok-1,好人,13811110000,,A,buyer,user,2024-01-01,
,无键,,,,,,,
bad-phone,坏号码,12345,,,,,,
bad-mail,,,not-an-address,,,,,
taken,,13700000000,,,,,,
dup-a,,13822220000,,,,,,
dup-b,,+86 138 2222 0000,,,,,,
no-co,,,,Z,buyer,,2024-01-01,
bad-role,,,,A,buyer,boss,2024-01-01,
bad-date,,,,A,buyer,,01/02/2024,
backwards,,,,A,buyer,,2024-02-01,2024-01-01
overlap,,,,A,buyer,,2024-01-01,
overlap,,,,A,chef,,2024-06-01,
overlap,,,,A,buyer,,2024-01-01,
overlap,,,,A,cook,,2024-01-01,
two-names,甲,,,,,,,
two-names,乙,,,,,,,
short,"unclosed
`
	_, err := c.Import(ctx, crm.ReadPeopleCSV(strings.NewReader(bad), nil))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	var ie *crm.ImportError
	require.ErrorAs(t, err, &ie)
	type at struct {
		line  int
		field string
	}
	var got []at
	for _, r := range ie.Rows {
		got = append(got, at{r.Line, r.Field})
		require.ErrorIs(t, &r, b2bkit.ErrInvalid)
	}
	assert.Equal(t, []at{
		{3, "key"},
		{4, "contacts[0].value"},
		{5, "contacts[0].value"},
		{6, "contacts[0].value"},
		{8, "contacts[0].value"},
		{9, "job.company"},
		{10, "roles"},
		{11, "start"},
		{12, "job.end"},
		{14, "job.start"},
		{16, "job"},
		{18, "name"},
		{19, "csv"},
	}, got)
	for _, raw := range []string{"13700000000", "12345", "not-an-address", "13822220000", "甲", "乙"} {
		assert.NotContains(t, err.Error(), raw, "errors never repeat a value")
	}
	assert.Contains(t, err.Error(), "line 4: contacts[0].value")
	assert.Contains(t, err.Error(), "and 3 more")

	// nothing of it was stored, not even the good row
	_, err = c.Person(ctx, "ok-1")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.FindByContact(ctx, crm.Mobile, "13811110000")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	page, err := c.SearchPeople(ctx, crm.PersonQuery{})
	require.NoError(t, err)
	assert.Len(t, page.People, 1, "only the person stored before")
}

func TestR3_ImportAgainstTheStore(t *testing.T) {
	c := importCRM(t)
	addPerson(t, c, "li", "李娜", "13812345678")
	startJob(t, c, "li", "A", "owner", day(2024, 1, 1), crm.DecisionMaker)
	addPerson(t, c, "li-old", "李娜", "")
	_, err := c.Merge(ctx, "li", "li-old")
	require.NoError(t, err)
	addPerson(t, c, "gone", "", "")
	_, err = c.Erase(ctx, "gone")
	require.NoError(t, err)

	rows := func(rs ...crm.ImportRow) iter.Seq2[crm.ImportRow, error] {
		return func(yield func(crm.ImportRow, error) bool) {
			for _, r := range rs {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
	_, err = c.Import(ctx, rows(
		crm.ImportRow{Key: "li", Job: crm.Job{Company: "A", Title: "manager", Start: day(2025, 1, 1)}},
		crm.ImportRow{Key: "gone", Name: "她"},
	))
	var ie *crm.ImportError
	require.ErrorAs(t, err, &ie)
	require.Len(t, ie.Rows, 2)
	assert.Equal(t, crm.RowError{Line: 1, Field: "job.start", Problem: "overlaps stored spell " + string(spellAt(t, c, "li", "A"))}, ie.Rows[0])
	assert.Equal(t, 2, ie.Rows[1].Line)
	assert.Contains(t, ie.Rows[1].Problem, "erased")

	// a merged key imports into the person it was merged into
	res, err := c.Import(ctx, rows(crm.ImportRow{Key: "li-old", Contacts: []crm.ContactPoint{email("li@example.com")},
		Job: crm.Job{Company: "B", Title: "advisor", Start: day(2025, 1, 1)}}))
	require.NoError(t, err)
	assert.Equal(t, crm.ImportResult{Rows: 1, PeopleUpdated: 1, SpellsCreated: 1}, res)
	p, err := c.FindByContact(ctx, crm.Email, "li@example.com")
	require.NoError(t, err)
	assert.Equal(t, b2bkit.PersonID("li"), p.ID)

	// a failing source fails the import
	_, err = c.Import(ctx, func(yield func(crm.ImportRow, error) bool) {
		if yield(crm.ImportRow{Key: "x"}, nil) {
			yield(crm.ImportRow{}, errors.New("connection reset"))
		}
	})
	require.ErrorContains(t, err, "connection reset")
	_, err = c.Person(ctx, "x")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

func TestReadPeopleCSV(t *testing.T) {
	read := func(in string) ([]crm.ImportRow, []error) {
		var rows []crm.ImportRow
		var errs []error
		for r, err := range crm.ReadPeopleCSV(strings.NewReader(in), time.FixedZone("CST", 8*3600)) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rows = append(rows, r)
		}
		return rows, errs
	}
	rows, errs := read("\uFEFFKey, Start ,ROLES\nk,2024-01-31,payer user\nk2,2024-01-31T00:00:00+08:00,\n")
	require.Empty(t, errs)
	require.Len(t, rows, 2)
	assert.Equal(t, 2, rows[0].Line)
	assert.True(t, time.Date(2024, 1, 31, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).Equal(rows[0].Job.Start), "a date is midnight where the caller says")
	assert.Equal(t, []crm.Role{crm.Payer, crm.User}, rows[0].Job.Roles)
	assert.True(t, rows[0].Job.Start.Equal(rows[1].Job.Start))

	for _, bad := range []string{"", "name\nx\n", "key,key\n", "key,fax\n"} {
		_, errs := read(bad)
		require.Len(t, errs, 1, "%q", bad)
		require.ErrorIs(t, errs[0], b2bkit.ErrInvalid, "%q", bad)
	}
	_, errs = read("key\n" + strings.Repeat("x", crm.MaxCSVLine+1))
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], b2bkit.ErrInvalid)
	assert.Contains(t, errs[0].Error(), "longer than")

	_, errs = read("key,name\na,\nb,c,d\n")
	require.Len(t, errs, 1)
	var re *crm.RowError
	require.ErrorAs(t, errs[0], &re)
	assert.Equal(t, 3, re.Line)

	var got []error
	for _, err := range crm.ReadPeopleCSV(iotest.ErrReader(io.ErrUnexpectedEOF), nil) {
		got = append(got, err)
	}
	require.Len(t, got, 1)
	require.ErrorIs(t, got[0], io.ErrUnexpectedEOF, "a failing reader ends the rows with its error")
}

func FuzzReadPeopleCSV(f *testing.F) {
	f.Add([]byte(peopleCSV))
	f.Add([]byte("key,roles,start\nk,user|x,2024-13-01\n\"a\"b,,\n"))
	f.Add([]byte("key\n\"unclosed\nk\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		for row, err := range crm.ReadPeopleCSV(strings.NewReader(string(data)), nil) {
			n++
			if n > 10_000 {
				t.Fatal("more rows than the input could hold")
			}
			if err != nil {
				var re *crm.RowError
				if errors.As(err, &re) {
					require.Positive(t, re.Line)
					require.NotEmpty(t, re.Field)
				}
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				continue
			}
			require.Positive(t, row.Line)
			require.True(t, slices.ContainsFunc(row.Job.Roles, func(r crm.Role) bool { return !r.Valid() }) == false)
		}
		// whatever it reads, Import takes it or names every bad row, without panicking
		c := importCRM(t)
		_, err := c.Import(ctx, crm.ReadPeopleCSV(strings.NewReader(string(data)), nil))
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
		}
	})
}

// TestR3_ImportLeavesAMergedRecordsJobAsItIs: the documented flow — a nightly import, then a rep
// merging the imported record into the one she had made (Merge), then the same import again — finds
// the job stored (same company and start) and leaves it, though the spell kept the id it was
// created under; it is not "a job overlapping a stored job", which would fail the whole import.
func TestR3_ImportLeavesAMergedRecordsJobAsItIs(t *testing.T) {
	c := importCRM(t)
	row := crm.ImportRow{Key: "hr-1", Name: "李娜", Job: crm.Job{Company: "A", Title: "owner", Roles: []crm.Role{crm.DecisionMaker}, Start: day(2024, 1, 1)}}
	rows := func() iter.Seq2[crm.ImportRow, error] {
		return func(yield func(crm.ImportRow, error) bool) { yield(row, nil) }
	}
	_, err := c.Import(ctx, rows())
	require.NoError(t, err)
	addPerson(t, c, "li", "李娜", "13812345678")
	_, err = c.Merge(ctx, "li", "hr-1")
	require.NoError(t, err)

	res, err := c.Import(ctx, rows())
	require.NoError(t, err, "the job is stored: same company and start")
	assert.Equal(t, crm.ImportResult{Rows: 1, PeopleUnchanged: 1, SpellsUnchanged: 1}, res)
	hist, err := c.History(ctx, "li")
	require.NoError(t, err)
	assert.Len(t, hist, 1)

	// a stored job at the same company and start with another title is left as it is too
	row.Job.Title = "boss"
	res, err = c.Import(ctx, rows())
	require.NoError(t, err)
	assert.Equal(t, crm.ImportResult{Rows: 1, PeopleUnchanged: 1, SpellsUnchanged: 1}, res)
}

// TestR24_ImportErrorCountsItsProblemsInWords: the summary line a rep reads says "1 problem", not
// "1 problems".
func TestR24_ImportErrorCountsItsProblemsInWords(t *testing.T) {
	one := &crm.ImportError{Rows: []crm.RowError{{Line: 2, Field: "job.start", Problem: "must be a date"}}}
	assert.Equal(t, "crm: import: 1 problem, nothing imported; line 2: job.start: must be a date", one.Error())
	two := &crm.ImportError{Rows: append(one.Rows, crm.RowError{Line: 3, Field: "name", Problem: "too long"})}
	assert.Contains(t, two.Error(), "crm: import: 2 problems, nothing imported; ")
}

// TestR27_ACSVDateWhoseMidnightIsSkippedBeginsWhenTheClocksJump: in São Paulo on 4 November 2018
// the clocks went from 23:59:59 -03 to 01:00 -02, so that day began at 01:00. A job starting on that
// date starts then, not at 23:00 on 3 November (what time.ParseInLocation gives for the missing
// midnight), which put the person on the committee of the evening before.
func TestR27_ACSVDateWhoseMidnightIsSkippedBeginsWhenTheClocksJump(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	dayBegan := time.Date(2018, 11, 4, 1, 0, 0, 0, sp)
	var rows []crm.ImportRow
	for r, err := range crm.ReadPeopleCSV(strings.NewReader("key,name,company,start,end\nk,Ana,A,2018-11-04,2018-11-04\nk2,Rui,A,2018-11-05,\n"), sp) {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.Len(t, rows, 2)
	assert.True(t, rows[0].Job.Start.Equal(dayBegan), "start %s", rows[0].Job.Start)
	assert.True(t, rows[0].Job.End.Equal(dayBegan), "end %s", rows[0].Job.End)
	assert.True(t, rows[1].Job.Start.Equal(time.Date(2018, 11, 5, 0, 0, 0, 0, sp)), "a day with its midnight is unchanged")

	// Samoa skipped 30 December 2011 whole: a job from that date begins when 31 December did.
	apia, err := time.LoadLocation("Pacific/Apia")
	require.NoError(t, err)
	for r, err := range crm.ReadPeopleCSV(strings.NewReader("key,start\nk,2011-12-30\n"), apia) {
		require.NoError(t, err)
		assert.True(t, r.Job.Start.Equal(time.Date(2011, 12, 31, 0, 0, 0, 0, apia)), "start %s", r.Job.Start)
	}
}
