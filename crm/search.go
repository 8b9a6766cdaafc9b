package crm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
)

// NameKey is the form a name is searched and listed by: lower case, full-width Latin letters and
// digits as ASCII (Ａ→a), every run of blanks one space, no blank at either end. Lists are ordered by
// it, then by id, and a name prefix matches on it, so "gold" finds "Golden Wok" and "金锅" finds
// "金锅餐厅". A Store indexes (NameKey(name), id) to serve a prefix as a range of that index; the
// key is stable across versions of this package, so a store may keep it in a column.
func NameKey(name string) string {
	if asciiKey(name) || isKey(name) {
		return name
	}
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for _, r := range name {
		r = foldRune(r)
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// asciiKey reports whether name is already its own key: ASCII without capitals or blanks at the
// ends or in runs, the common case that needs no copy.
func asciiKey(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= utf8.RuneSelf, c >= 'A' && c <= 'Z', c < ' ', c == 0x7f:
			return false
		case c == ' ' && (i == 0 || i == len(name)-1 || name[i+1] == ' '):
			return false
		}
	}
	return true
}

// isKey reports whether name, not all ASCII, is already its own key: no rune changes and no blank
// at the ends or in runs — most Chinese names.
func isKey(name string) bool {
	space := true // no blank first
	for _, r := range name {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
			continue
		case r == utf8.RuneError || unicode.IsSpace(r) || foldRune(r) != r || unicode.ToLower(r) != r:
			return false
		}
		space = false
	}
	return !space || name == ""
}

// foldRune maps full-width ASCII (as Chinese input methods type it) and the ideographic space to
// their ASCII forms.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// prefixKey is NameKey for a typed prefix: a blank the user typed at its end is kept, so "li "
// finds "Li Na" but not "Liang".
func prefixKey(prefix string) string {
	k := NameKey(prefix)
	if k != "" {
		if r, _ := utf8.DecodeLastRuneInString(prefix); unicode.IsSpace(foldRune(r)) {
			k += " "
		}
	}
	return k
}

// DefaultPageSize is the page size of a search that gives none; MaxPageSize the largest a CRM
// search returns.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// A CompanyQuery selects companies for a list or a search: by name prefix and by the fields a sales
// team filters on. Empty fields select everything. Results are ordered by NameKey(Name), then ID,
// and paged by keyset: After is the ID of the last company of the previous page.
type CompanyQuery struct {
	// NamePrefix selects the companies whose NameKey starts with NameKey of it (a blank typed at
	// its end is kept).
	NamePrefix string `json:"name_prefix,omitempty"`
	// City, Territory, Tier and OwnerRep select the companies with exactly that value.
	City      string `json:"city,omitempty"`
	Territory string `json:"territory,omitempty"`
	Tier      string `json:"tier,omitempty"`
	OwnerRep  string `json:"owner_rep,omitempty"`
	// Stages selects the companies in any of these stages.
	Stages []Stage `json:"stages,omitempty"`
	// After is the ID of the last company of the previous page; the page starts after that
	// company's place in the order now. Empty starts at the beginning.
	After b2bkit.CompanyID `json:"after,omitempty"`
	// Limit is the most companies returned. For a Store it must be at least 1; for CRM.SearchCompanies
	// 0 means DefaultPageSize, and more than MaxPageSize is an error.
	Limit int `json:"limit,omitempty"`
}

// Match reports whether the query's filters (not its paging) select c.
func (q CompanyQuery) Match(c Company) bool {
	return strings.HasPrefix(NameKey(c.Name), prefixKey(q.NamePrefix)) && q.matchFields(&c)
}

// matchFields checks every filter but the name, which an index has already matched.
func (q *CompanyQuery) matchFields(c *Company) bool {
	return (q.City == "" || c.City == q.City) && (q.Territory == "" || c.Territory == q.Territory) &&
		(q.Tier == "" || c.Tier == q.Tier) && (q.OwnerRep == "" || c.OwnerRep == q.OwnerRep) &&
		(len(q.Stages) == 0 || slices.Contains(q.Stages, c.Stage))
}

// Validate reports every problem with the query as a Store receives it: a Limit below 1, an unknown
// stage, a field longer than MaxNameLen.
func (q CompanyQuery) Validate() error {
	var errs []error
	if q.Limit < 1 {
		errs = append(errs, b2bkit.Invalid("limit", "must be at least 1"))
	}
	for i, s := range q.Stages {
		if !s.Valid() {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("stages[%d]", i), "unknown stage %d", int(s)))
		}
	}
	for _, f := range []struct{ name, v string }{{"name_prefix", q.NamePrefix}, {"city", q.City},
		{"territory", q.Territory}, {"tier", q.Tier}, {"owner_rep", q.OwnerRep}, {"after", string(q.After)}} {
		if len(f.v) > MaxNameLen {
			errs = append(errs, b2bkit.Invalid(f.name, "must be at most %d bytes", MaxNameLen))
		}
	}
	return errors.Join(errs...)
}

// A PersonQuery selects people for a list or a search by name prefix. Merged and erased records
// are never selected: they have no name and are nobody to call. Results are ordered by
// NameKey(Name), then ID, and paged by keyset like CompanyQuery's.
type PersonQuery struct {
	// NamePrefix selects the people whose NameKey starts with NameKey of it.
	NamePrefix string `json:"name_prefix,omitempty"`
	// After is the ID of the last person of the previous page; empty starts at the beginning. A
	// person merged or erased since cannot be continued from.
	After b2bkit.PersonID `json:"after,omitempty"`
	// Limit is the most people returned, as CompanyQuery's.
	Limit int `json:"limit,omitempty"`
}

// Match reports whether the query's filter (not its paging) selects p.
func (q PersonQuery) Match(p Person) bool {
	return listable(&p) && strings.HasPrefix(NameKey(p.Name), prefixKey(q.NamePrefix))
}

// listable reports whether a person appears in lists: neither merged nor erased.
func listable(p *Person) bool { return p.MergedInto == "" && !p.Erased() }

// Validate reports every problem with the query as a Store receives it.
func (q PersonQuery) Validate() error {
	var errs []error
	if q.Limit < 1 {
		errs = append(errs, b2bkit.Invalid("limit", "must be at least 1"))
	}
	if len(q.NamePrefix) > MaxNameLen {
		errs = append(errs, b2bkit.Invalid("name_prefix", "must be at most %d bytes", MaxNameLen))
	}
	if len(q.After) > MaxNameLen {
		errs = append(errs, b2bkit.Invalid("after", "must be at most %d bytes", MaxNameLen))
	}
	return errors.Join(errs...)
}

// A CompanyPage is one page of a company list. Next is the After of the following page, empty on
// the last page.
type CompanyPage struct {
	Companies []Company        `json:"companies"`
	Next      b2bkit.CompanyID `json:"next,omitempty"`
}

// A PersonPage is one page of a person list. Next is the After of the following page, empty on the
// last page.
type PersonPage struct {
	People []Person        `json:"people"`
	Next   b2bkit.PersonID `json:"next,omitempty"`
}

// pageLimit checks a CRM page size: 0 means the default.
func pageLimit(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 0 || n > MaxPageSize:
		return 0, b2bkit.Invalid("limit", "must be 0 (for %d) to %d", DefaultPageSize, MaxPageSize)
	}
	return n, nil
}

// SearchCompanies lists the companies q selects, one page at a time, ordered by NameKey(Name) then
// ID: "my accounts in Hangzhou that are repurchasing", "every company starting 金锅". Pass the
// page's Next as the next query's After. A Limit of 0 means DefaultPageSize; an After naming no
// company matches b2bkit.ErrNotFound.
func (c *CRM) SearchCompanies(ctx context.Context, q CompanyQuery) (CompanyPage, error) {
	if !c.made() {
		return CompanyPage{}, errNotMade()
	}
	n, err := pageLimit(q.Limit)
	if err != nil {
		return CompanyPage{}, wrap(err)
	}
	q.Limit = n + 1 // one more says whether another page follows
	list, err := c.store.SearchCompanies(ctx, q)
	if err != nil {
		return CompanyPage{}, wrap(err)
	}
	page := CompanyPage{Companies: list}
	if len(list) > n {
		page.Companies = list[:n:n]
		page.Next = list[n-1].ID
	}
	return page, nil
}

// SearchPeople lists the people q selects, one page at a time, ordered by NameKey(Name) then ID,
// as SearchCompanies does. Their names and contact points are personal data: every person returned
// is recorded in the audit trail as read by the context's actor (see WithActor).
func (c *CRM) SearchPeople(ctx context.Context, q PersonQuery) (PersonPage, error) {
	if !c.made() {
		return PersonPage{}, errNotMade()
	}
	n, err := pageLimit(q.Limit)
	if err != nil {
		return PersonPage{}, wrap(err)
	}
	q.Limit = n + 1
	list, err := c.store.SearchPeople(ctx, q)
	if err != nil {
		return PersonPage{}, wrap(err)
	}
	page := PersonPage{People: list}
	if len(list) > n {
		page.People = list[:n:n]
		page.Next = list[n-1].ID
	}
	ids := make([]b2bkit.PersonID, len(page.People))
	for i, p := range page.People {
		ids[i] = p.ID
	}
	if err := c.recordReads(ctx, "SearchPeople", ids...); err != nil {
		return PersonPage{}, err
	}
	return page, nil
}
