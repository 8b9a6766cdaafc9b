package crm

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// An EvidenceKind says why two records may be one.
type EvidenceKind int

const (
	// SamePhone: two people share a mobile number — as the mobile of one and the mailbox of the
	// other (13812345678@139.com, common in China), or in two such mailboxes.
	SamePhone EvidenceKind = iota
	// SameEmail: two people's e-mail addresses reach one mailbox: the same but for a +tag
	// (li.na+crm@…), or Gmail's dots and googlemail.com.
	SameEmail
	// SimilarName: two people with the same or nearly the same name at one company, or two companies
	// with the same or nearly the same name in one city (legal form and city name aside).
	SimilarName
	// SameCreditCode: two companies with one organisation code (组织机构代码, GB 11714), as the
	// middle of a unified social credit code or on its own, under any registration scheme.
	SameCreditCode
)

var evidenceWords = [...]string{SamePhone: "same_phone", SameEmail: "same_email", SimilarName: "similar_name", SameCreditCode: "same_credit_code"}

// String returns the kind's word.
func (k EvidenceKind) String() string {
	if k < 0 || int(k) >= len(evidenceWords) {
		return fmt.Sprintf("EvidenceKind(%d)", int(k))
	}
	return evidenceWords[k]
}

// MarshalText encodes the kind as its word.
func (k EvidenceKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(evidenceWords) {
		return nil, b2bkit.Invalid("kind", "unknown evidence kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its word.
func (k *EvidenceKind) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(evidenceWords[:], b, "evidence kind")
	if err != nil {
		return err // the receiver keeps its value
	}
	*k = EvidenceKind(v)
	return nil
}

// Evidence is one reason two records may be one. It holds no personal data in the clear.
type Evidence struct {
	Kind EvidenceKind `json:"kind"`
	// Company is where two people's similar names were found; City where two companies' were.
	Company b2bkit.CompanyID `json:"company,omitempty"`
	City    string           `json:"city,omitempty"`
	// Distance is, for SimilarName, how many characters the compared names differ by (a swap of two
	// neighbours counts one): 0 for the same name.
	Distance int `json:"distance"`
	// Detail is the shared key: a mobile number or mailbox masked (138****5678, l***@gmail.com), an
	// organisation code as it is.
	Detail string `json:"detail,omitempty"`
}

// A PersonPair is two person records that may be one person, A < B, with every reason found. Merge
// joins them once a rep has checked.
type PersonPair struct {
	A        b2bkit.PersonID `json:"a"`
	B        b2bkit.PersonID `json:"b"`
	Evidence []Evidence      `json:"evidence"`
}

// A CompanyPair is two company records that may be one company, A < B, with every reason found.
type CompanyPair struct {
	A        b2bkit.CompanyID `json:"a"`
	B        b2bkit.CompanyID `json:"b"`
	Evidence []Evidence       `json:"evidence"`
}

// MaxDuplicateGroup bounds a group of records sharing one key: a larger group (fifty people named
// 王伟 at one chain, a shared mailbox) is too common to be evidence and yields no pairs, so the
// search stays linear.
const MaxDuplicateGroup = 50

// DuplicatePeople finds candidate pairs of person records that may be one person: the same phone or
// mailbox under a looser key than the store's (which already refuses two holders of one contact
// point), or the same or nearly the same name at a company where both have worked. Merged and erased
// records take no part. Pairs come with more evidence first, then by A and B. It reads every person
// and spell but returns no personal data, so nothing is recorded in the audit trail. A context
// cancelled while the records are compared stops it within a few thousand comparisons, with an
// error matching context.Canceled.
func (c *CRM) DuplicatePeople(ctx context.Context) ([]PersonPair, error) {
	if !c.made() {
		return nil, errNotMade()
	}
	tk := &ticker{ctx: ctx}
	// A compact copy of what is compared: ids, name keys and contact points.
	var ids []b2bkit.PersonID
	var nameKeys []string
	var contacts [][]ContactPoint
	idx := map[b2bkit.PersonID]int32{}
	q := PersonQuery{Limit: 10_000}
	for {
		page, err := c.store.SearchPeople(ctx, q)
		if err != nil {
			return nil, wrap(err)
		}
		for i := range page {
			p := &page[i]
			idx[p.ID] = int32(len(ids))
			ids = append(ids, p.ID)
			nameKeys = append(nameKeys, personNameKey(p.Name))
			contacts = append(contacts, p.Contacts)
		}
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	pairs := pairSet[b2bkit.PersonID]{}
	// Contact keys. The store lets one person at most hold a contact point, so two people share a
	// looser key only when at least one of them reaches it through a derived form — a mobile number
	// as a mailbox's name, an address with a +tag or Gmail dots. Those few are indexed; every plain
	// contact point is then only looked up, so no map of all of them is built.
	for _, by := range []struct {
		kind  EvidenceKind
		plain ContactKind // the kind whose key is its value
		key   func(ContactPoint) string
	}{{SamePhone, Mobile, phoneKey}, {SameEmail, Email, emailKey}} {
		derived := map[string][]int32{}
		for i := range ids {
			if tk.stop() {
				return nil, wrap(tk.err)
			}
			for _, cp := range contacts[i] {
				if k := by.key(cp); k != "" && (cp.Kind != by.plain || k != cp.Value) {
					derived[k] = addHolder(derived[k], int32(i))
				}
			}
		}
		if len(derived) == 0 {
			continue
		}
		for i := range ids {
			if tk.stop() {
				return nil, wrap(tk.err)
			}
			for _, cp := range contacts[i] {
				if cp.Kind != by.plain || by.key(cp) != cp.Value {
					continue
				}
				if g, ok := derived[cp.Value]; ok {
					derived[cp.Value] = addHolder(g, int32(i))
				}
			}
		}
		for k, g := range derived {
			if len(g) < 2 || len(g) > MaxDuplicateGroup {
				continue
			}
			e := Evidence{Kind: by.kind, Detail: MaskContact(by.plain, k)}
			for x := range g {
				for y := x + 1; y < len(g); y++ {
					pairs.add(ids[g[x]], ids[g[y]], e)
				}
			}
		}
	}
	// Names, company by company.
	var names []string
	var who []b2bkit.PersonID
	for co, err := range c.store.Companies(ctx) {
		if err != nil {
			return nil, wrap(err)
		}
		spells, err := c.store.Spells(ctx, SpellQuery{Company: co.ID})
		if err != nil {
			return nil, wrap(err)
		}
		names, who = names[:0], who[:0]
		for _, s := range spells {
			i, ok := idx[s.Person]
			if !ok || nameKeys[i] == "" || slices.Contains(who, s.Person) {
				continue
			}
			who = append(who, s.Person)
			names = append(names, nameKeys[i])
		}
		similarNames(tk, names, func(x, y, d int) {
			pairs.add(who[x], who[y], Evidence{Kind: SimilarName, Company: co.ID, Distance: d})
		})
		if tk.err != nil {
			return nil, wrap(tk.err)
		}
	}
	out := make([]PersonPair, 0, len(pairs))
	for k, ev := range pairs {
		out = append(out, PersonPair{A: k[0], B: k[1], Evidence: ev})
	}
	slices.SortFunc(out, func(a, b PersonPair) int {
		return cmp.Or(cmp.Compare(len(b.Evidence), len(a.Evidence)), cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B))
	})
	return out, nil
}

// DuplicateCompanies finds candidate pairs of company records that may be one company: one
// organisation code under their registrations, or the same or nearly the same name in one city once
// the legal form (有限公司, Co., Ltd.) and the city's name are set aside. Pairs come with more
// evidence first, then by A and B. A context cancelled while the names are compared stops it within
// a few thousand comparisons, with an error matching context.Canceled.
func (c *CRM) DuplicateCompanies(ctx context.Context) ([]CompanyPair, error) {
	if !c.made() {
		return nil, errNotMade()
	}
	tk := &ticker{ctx: ctx}
	pairs := pairSet[b2bkit.CompanyID]{}
	codes := map[string][]b2bkit.CompanyID{}
	type named struct {
		ids   []b2bkit.CompanyID
		names []string
	}
	cities := map[string]*named{}
	for co, err := range c.store.Companies(ctx) {
		if err != nil {
			return nil, wrap(err)
		}
		if k := orgCodeKey(co.Registration.Number); k != "" {
			codes[k] = append(codes[k], co.ID)
		}
		city := cityKey(co.City)
		if city == "" || co.Name == "" {
			continue
		}
		n := cities[city]
		if n == nil {
			n = &named{}
			cities[city] = n
		}
		n.ids = append(n.ids, co.ID)
		n.names = append(n.names, companyNameKey(co.Name, city))
	}
	for code, ids := range codes {
		if len(ids) > MaxDuplicateGroup {
			continue
		}
		for x := range ids {
			for y := x + 1; y < len(ids); y++ {
				pairs.add(ids[x], ids[y], Evidence{Kind: SameCreditCode, Detail: code})
			}
		}
	}
	for city, n := range cities {
		similarNames(tk, n.names, func(x, y, d int) {
			pairs.add(n.ids[x], n.ids[y], Evidence{Kind: SimilarName, City: city, Distance: d})
		})
		if tk.err != nil {
			return nil, wrap(tk.err)
		}
	}
	out := make([]CompanyPair, 0, len(pairs))
	for k, ev := range pairs {
		out = append(out, CompanyPair{A: k[0], B: k[1], Evidence: ev})
	}
	slices.SortFunc(out, func(a, b CompanyPair) int {
		return cmp.Or(cmp.Compare(len(b.Evidence), len(a.Evidence)), cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B))
	})
	return out, nil
}

// addHolder adds person i to the holders of a key once.
func addHolder(g []int32, i int32) []int32 {
	if slices.Contains(g, i) {
		return g
	}
	return append(g, i)
}

// A pairSet collects the evidence of unordered pairs of ids.
type pairSet[ID ~string] map[[2]ID][]Evidence

func (s pairSet[ID]) add(a, b ID, e Evidence) {
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	k := [2]ID{a, b}
	if !slices.Contains(s[k], e) {
		s[k] = append(s[k], e)
	}
}

// phoneKey is the mobile number a contact point carries: a mobile itself, or a mailbox whose name
// is a Chinese mobile number.
func phoneKey(cp ContactPoint) string {
	switch cp.Kind {
	case Mobile:
		return cp.Value
	case Email:
		local, _, _ := strings.Cut(cp.Value, "@")
		local, _, _ = strings.Cut(local, "+")
		if len(local) == 11 && local[0] == '1' && local[1] >= '3' && strings.Trim(local, "0123456789") == "" {
			return local
		}
	}
	return ""
}

// emailKey is the mailbox an address reaches: without a +tag, and for Gmail without dots.
func emailKey(cp ContactPoint) string {
	if cp.Kind != Email {
		return ""
	}
	local, domain, ok := strings.Cut(cp.Value, "@")
	if !ok {
		return ""
	}
	if !strings.Contains(local, "+") && domain != "gmail.com" && domain != "googlemail.com" {
		return cp.Value // its own key: no copy
	}
	local, _, _ = strings.Cut(local, "+")
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

// personNameKey is a name as compared for duplicates: its words (split at blanks, dots, dashes and
// the middle dot of transliterated names) lower-cased, sorted and joined, so "Li Na", "li  na" and
// "Na Li" are one name.
func personNameKey(name string) string {
	k := NameKey(name)
	if !strings.ContainsAny(k, " .-·•,") {
		return k // one word: nothing to sort
	}
	words := strings.FieldsFunc(k, func(r rune) bool {
		return r == ' ' || r == '.' || r == '-' || r == '·' || r == '•' || r == ','
	})
	slices.Sort(words)
	return strings.Join(words, "")
}

// legalForms are the endings that say what kind of company, not which: set aside before names are
// compared, longest first.
var legalForms = []string{"股份有限公司", "有限责任公司", "有限公司", "公司", "corporation", "colimited", "company",
	"limited", "coltd", "corp", "ltd", "inc", "llc", "co"}

// companyNameKey is a company name as compared for duplicates: letters and digits only, without a
// leading city name or trailing legal forms.
func companyNameKey(name, city string) string {
	var b strings.Builder
	for _, r := range NameKey(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	full := b.String()
	k := full
	for _, c := range []string{city + "市", city} {
		if c != "" && strings.HasPrefix(k, c) {
			k = k[len(c):]
			break
		}
	}
	for cut := true; cut; {
		cut = false
		for _, f := range legalForms {
			if len(k) > len(f) && strings.HasSuffix(k, f) {
				k, cut = k[:len(k)-len(f)], true
				break
			}
		}
	}
	if k == "" {
		return full
	}
	return k
}

// cityKey is a city as grouped for duplicates: its NameKey without a trailing 市.
func cityKey(city string) string {
	return strings.TrimSuffix(NameKey(city), "市")
}

// orgCodeKey is the organisation code a registration number carries: positions 9-17 of a valid
// unified social credit code, or a valid nine-character organisation code ("71610585-2"). Other
// numbers carry none.
func orgCodeKey(number string) string {
	n := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, number)
	switch len(n) {
	case 18:
		if ValidateCreditCode(n) == nil {
			return n[8:17]
		}
	case 9:
		if c := orgCodeCheck(n[:8]); c != 0 && c == n[8] {
			return n
		}
	}
	return ""
}

// minFuzzyRunes is the shortest name compared with a distance of one: shorter names (most Chinese
// names: 王芳, 李娜) must be the same, or every 王芳 would pair with every 王方.
const minFuzzyRunes = 4

// similarNames calls pair(x, y, d) for every x < y whose names are the same (d 0) or, both of at
// least minFuzzyRunes runes, one edit apart (d 1). Names are blocked by themselves and by every form
// with one rune deleted — two names one edit apart share such a form — so the work is linear in the
// names, not quadratic; a block larger than MaxDuplicateGroup is skipped. It stops early, leaving
// tk.err set, when tk finds the context cancelled.
func similarNames(tk *ticker, names []string, pair func(x, y, d int)) {
	if len(names) < 2 {
		return
	}
	if len(names) <= smallGroup {
		for x := range names {
			for y := x + 1; y < len(names); y++ {
				if tk.stop() {
					return
				}
				if d, ok := nameDistance(names[x], names[y]); ok {
					pair(x, y, d)
				}
			}
		}
		return
	}
	blocks := map[string][]int32{}
	for i, n := range names {
		if tk.stop() {
			return
		}
		blocks[n] = append(blocks[n], int32(i))
		if utf8.RuneCountInString(n) < minFuzzyRunes {
			continue
		}
		for j, r := range n {
			v := n[:j] + n[j+utf8.RuneLen(r):] // shares a block with the whole name one shorter
			if l := blocks[v]; len(l) == 0 || l[len(l)-1] != int32(i) {
				blocks[v] = append(l, int32(i))
			}
		}
	}
	seen := map[[2]int32]bool{}
	for _, b := range blocks {
		if len(b) < 2 || len(b) > MaxDuplicateGroup {
			continue
		}
		for x := range b {
			for y := x + 1; y < len(b); y++ {
				if tk.stop() {
					return
				}
				k := [2]int32{min(b[x], b[y]), max(b[x], b[y])}
				if seen[k] {
					continue
				}
				seen[k] = true
				if d, ok := nameDistance(names[k[0]], names[k[1]]); ok {
					pair(int(k[0]), int(k[1]), d)
				}
			}
		}
	}
}

// A ticker looks at a context every checkEvery steps of a long loop of small ones — names
// compared, contact points indexed — so a search cancelled after the store is read stops within a
// few thousand of them; err is the context's error once seen, and every later step stops at once.
type ticker struct {
	ctx context.Context
	n   int
	err error
}

// stop counts a step and reports whether the context was found cancelled.
func (t *ticker) stop() bool {
	if t.err == nil {
		if t.n++; t.n >= checkEvery {
			t.n, t.err = 0, t.ctx.Err()
		}
	}
	return t.err != nil
}

// smallGroup is the most names compared pair by pair: fewer comparisons than building blocks.
const smallGroup = 16

// nameDistance returns 0 for the same name and 1 for two names of at least minFuzzyRunes runes one
// edit apart; ok is false for names further apart.
func nameDistance(a, b string) (d int, ok bool) {
	switch {
	case a == b:
		return 0, true
	case utf8.RuneCountInString(a) >= minFuzzyRunes && utf8.RuneCountInString(b) >= minFuzzyRunes && withinOneEdit(a, b):
		return 1, true
	}
	return 0, false
}

// withinOneEdit reports whether a and b differ by at most one rune inserted, deleted or replaced,
// or two neighbours swapped.
func withinOneEdit(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(y)-len(x) > 1 {
		return false
	}
	i := 0
	for i < len(x) && x[i] == y[i] {
		i++
	}
	if i == len(x) {
		return true // equal, or y has one more at the end
	}
	if len(x) < len(y) {
		return string(x[i:]) == string(y[i+1:]) // one inserted
	}
	if string(x[i+1:]) == string(y[i+1:]) {
		return true // one replaced
	}
	return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:]) // a swap
}
