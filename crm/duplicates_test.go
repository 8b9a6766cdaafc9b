package crm_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func person(t *testing.T, c *crm.CRM, id b2bkit.PersonID, name string, contacts ...crm.ContactPoint) {
	t.Helper()
	_, err := c.AddPerson(ctx, crm.Person{ID: id, Name: name, Contacts: contacts})
	require.NoError(t, err)
}

func mobile(v string) crm.ContactPoint { return crm.ContactPoint{Kind: crm.Mobile, Value: v} }
func email(v string) crm.ContactPoint  { return crm.ContactPoint{Kind: crm.Email, Value: v} }

// The person CRM keeps one identity per person (R2, R3): records that may be one person are found
// with their evidence, for a rep to Merge.
func TestR2_DuplicatePeopleAreFoundWithTheirEvidence(t *testing.T) {
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Repurchasing)
	addCompany(t, c, "B", crm.Covered)
	person(t, c, "li", "李娜", mobile("13812345678"))
	person(t, c, "li-mail", "Li Na", email("13812345678@139.com"))        // her number as a mailbox
	person(t, c, "li-163", "", email("13812345678+shop@163.com"))         // and as another, tagged
	person(t, c, "zhang", "Zhang Wei", email("zhang.wei@gmail.com"))      // Gmail ignores dots
	person(t, c, "zhang-2", "Wei Zhang", email("ZhangWei+crm@gmail.com")) // and +tags
	person(t, c, "wang", "王芳", mobile("13900000001"))
	person(t, c, "wang-2", "王 芳") // the same name at one company
	person(t, c, "wang-3", "王方")  // one character off, but a short name: no pair
	person(t, c, "wang-b", "王芳")  // the same name at another company: no pair
	person(t, c, "anna", "Annabel Smith")
	person(t, c, "anna-2", "Anabel Smith") // one letter off, a long name
	person(t, c, "gone", "王芳")
	for _, j := range []struct {
		p  b2bkit.PersonID
		co b2bkit.CompanyID
	}{{"zhang", "A"}, {"zhang-2", "A"}, {"wang", "A"}, {"wang-2", "A"}, {"wang-3", "A"}, {"wang-b", "B"}, {"anna", "B"}, {"anna-2", "B"}, {"gone", "A"}} {
		startJob(t, c, j.p, j.co, "staff", day(2024, 1, 1))
	}
	_, err := c.Erase(ctx, "gone") // erased records take no part
	require.NoError(t, err)

	pairs, err := c.DuplicatePeople(ctx)
	require.NoError(t, err)
	got := map[string][]crm.Evidence{}
	for _, p := range pairs {
		require.Less(t, p.A, p.B)
		got[string(p.A)+"+"+string(p.B)] = p.Evidence
	}
	assert.Equal(t, map[string][]crm.Evidence{
		"li+li-mail":     {{Kind: crm.SamePhone, Detail: "138****5678"}},
		"li+li-163":      {{Kind: crm.SamePhone, Detail: "138****5678"}},
		"li-163+li-mail": {{Kind: crm.SamePhone, Detail: "138****5678"}},
		"zhang+zhang-2":  {{Kind: crm.SameEmail, Detail: "z***@gmail.com"}, {Kind: crm.SimilarName, Company: "A"}},
		"wang+wang-2":    {{Kind: crm.SimilarName, Company: "A"}},
		"anna+anna-2":    {{Kind: crm.SimilarName, Company: "B", Distance: 1}},
	}, got)
	assert.Equal(t, b2bkit.PersonID("zhang"), pairs[0].A, "the pair with most evidence first")

	raw, err := json.Marshal(pairs)
	require.NoError(t, err)
	requireNoPersonalData(t, string(raw))
	for _, s := range []string{"Zhang Wei", "王芳", "zhang.wei", "Annabel"} {
		assert.NotContains(t, string(raw), s)
	}
	assert.Empty(t, auditTrailReads(t, c, "li"), "finding duplicates hands out no personal data")
}

func auditTrailReads(t *testing.T, c *crm.CRM, p b2bkit.PersonID) []crm.AuditEntry {
	var out []crm.AuditEntry
	for _, e := range auditTrail(t, c, p) {
		if e.Action == crm.AuditRead {
			out = append(out, e)
		}
	}
	return out
}

func TestR2_DuplicateCompaniesAreFoundWithTheirEvidence(t *testing.T) {
	c := newCRM(t, nil)
	add := func(id, name, city string, reg crm.Registration) {
		t.Helper()
		_, err := c.AddCompany(ctx, crm.Company{ID: b2bkit.CompanyID(id), Name: name, City: city, Registration: reg})
		require.NoError(t, err)
	}
	uscc := crm.Registration{Scheme: crm.SchemeUSCC, Number: "91330100716105852F"}
	add("ali", "阿里巴巴", "杭州", uscc)
	add("ali-vat", "Alibaba", "", crm.Registration{Scheme: "vat", Number: "91330100716105852F"}) // the same code, another scheme
	add("ali-org", "阿里", "", crm.Registration{Scheme: "org", Number: "71610585-2"})              // its organisation code
	add("wok", "杭州金锅餐饮有限公司", "杭州市", crm.Registration{})
	add("wok-2", "金锅餐饮", "杭州", crm.Registration{})  // city and legal form aside, the same
	add("wok-sh", "金锅餐饮", "上海", crm.Registration{}) // another city
	add("wok-3", "Golden Wok Catering Co., Ltd.", "Hangzhou", crm.Registration{})
	add("wok-4", "golden wok cattering", "Hangzhou", crm.Registration{})           // a typo
	add("branch", "金锅餐饮（西湖店）", "杭州", crm.Registration{})                           // a branch is its own account
	add("bad-org", "x", "", crm.Registration{Scheme: "org", Number: "71610585-3"}) // wrong check digit: no code

	pairs, err := c.DuplicateCompanies(ctx)
	require.NoError(t, err)
	got := map[string][]crm.Evidence{}
	for _, p := range pairs {
		got[string(p.A)+"+"+string(p.B)] = p.Evidence
	}
	code := crm.Evidence{Kind: crm.SameCreditCode, Detail: "716105852"}
	assert.Equal(t, map[string][]crm.Evidence{
		"ali+ali-vat":     {code},
		"ali+ali-org":     {code},
		"ali-org+ali-vat": {code},
		"wok+wok-2":       {{Kind: crm.SimilarName, City: "杭州"}},
		"wok-3+wok-4":     {{Kind: crm.SimilarName, City: "hangzhou", Distance: 1}},
	}, got)
}

// Large groups are blocked by deleted forms, small ones compared pair by pair; against the edit
// distance of every pair, both find the same pairs.
func TestR2_DuplicateNamesBlockingFindsWhatComparingEveryPairFinds(t *testing.T) {
	for _, n := range []int{12, 45} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { similarNamesAgainstEveryPair(t, n) })
	}
}

func similarNamesAgainstEveryPair(t *testing.T, n int) {
	rng := rand.New(rand.NewPCG(4, uint64(n)))
	letters := []rune("abcde王李")
	if n < 20 {
		letters = []rune("abc王")
	}
	c := newCRM(t, nil)
	addCompany(t, c, "A", crm.Covered)
	var names []string
	for i := range n {
		n := make([]rune, 2+rng.IntN(4))
		for j := range n {
			n[j] = letters[rng.IntN(len(letters))]
		}
		names = append(names, string(n))
		id := b2bkit.PersonID(fmt.Sprintf("p%02d", i))
		person(t, c, id, string(n))
		startJob(t, c, id, "A", "staff", day(2024, 1, 1))
	}
	want := map[string]int{}
	for x := range names {
		for y := x + 1; y < len(names); y++ {
			a, b := []rune(names[x]), []rune(names[y])
			switch d := osa(a, b); {
			case d == 0:
				want[fmt.Sprintf("p%02d+p%02d", x, y)] = 0
			case d == 1 && len(a) >= 4 && len(b) >= 4:
				want[fmt.Sprintf("p%02d+p%02d", x, y)] = 1
			}
		}
	}
	pairs, err := c.DuplicatePeople(ctx)
	require.NoError(t, err)
	got := map[string]int{}
	for _, p := range pairs {
		require.Len(t, p.Evidence, 1)
		got[string(p.A)+"+"+string(p.B)] = p.Evidence[0].Distance
	}
	require.NotEmpty(t, want, "the alphabet is small enough for some pairs")
	assert.Equal(t, want, got)
}

// osa is the optimal string alignment distance: inserts, deletes, replacements and swaps of
// neighbours, by dynamic programming.
func osa(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
