package crm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/chunked"
)

// A Store keeps the two CRMs: companies, people, their employment spells, job changes, and the
// accounts of customer companies with their activity. Storage is the host's (R23): a host adapts its
// database to this interface, and the adapter must pass crmtest.Run. MemoryStore is the default.
//
// Reads return copies: changing a returned value never changes what is stored. Every error wraps
// b2bkit.ErrNotFound, ErrConflict or ErrInvalid as documented per method; a cancelled context
// returns the context's error.
type Store interface {
	// Company returns the company with the given id, or an error matching b2bkit.ErrNotFound.
	Company(ctx context.Context, id b2bkit.CompanyID) (Company, error)
	// Companies yields every company in ascending id order.
	Companies(ctx context.Context) iter.Seq2[Company, error]
	// Person returns the person with the given id — also a merged or erased one — or an error
	// matching b2bkit.ErrNotFound.
	Person(ctx context.Context, id b2bkit.PersonID) (Person, error)
	// PersonByContact returns the person holding the contact point with key (see ContactKey), current
	// or old, or an error matching b2bkit.ErrNotFound. The error never contains the key.
	PersonByContact(ctx context.Context, key string) (Person, error)
	// Spells returns the spells the query selects, ordered by Start, then ID. A query naming neither
	// a person nor a company is an error matching b2bkit.ErrInvalid. Unknown ids give an empty list.
	Spells(ctx context.Context, q SpellQuery) ([]Spell, error)
	// JobChanges yields the job changes with At not before since, ordered by At, then ID.
	JobChanges(ctx context.Context, since time.Time) iter.Seq2[JobChange, error]
	// Account returns the account with the given id, or an error matching b2bkit.ErrNotFound.
	Account(ctx context.Context, id AccountID) (Account, error)
	// Accounts returns the accounts of a company in ascending id order; none is an empty list.
	Accounts(ctx context.Context, company b2bkit.CompanyID) ([]Account, error)
	// Activities yields the activities of a company's accounts with from <= At < to, ordered by At,
	// then ID.
	Activities(ctx context.Context, company b2bkit.CompanyID, from, to time.Time) iter.Seq2[Activity, error]
	// SearchCompanies returns at most q.Limit companies that q selects (CompanyQuery.Match), ordered
	// by NameKey(Name), then ID, starting after the place of company q.After in that order. An
	// index on (NameKey(Name), ID) serves a name prefix as a range and a page as a keyset; in SQL,
	// with a name_key column holding NameKey(name), a page is
	//
	//	SELECT ... FROM company WHERE name_key >= $prefix AND name_key < $prefixEnd -- given a prefix
	//	  AND (name_key, id) > ((SELECT name_key FROM company WHERE id = $after), $after)
	//	  AND city = $city ... ORDER BY name_key, id LIMIT $limit
	//
	// where $prefixEnd is the prefix with its last byte raised by one (and the name index
	// compares bytes: COLLATE "C"). Indexes on (city, name_key, id) and the like serve the other
	// filters the same way. A query that fails its Validate matches b2bkit.ErrInvalid; an After
	// naming no company matches b2bkit.ErrNotFound.
	SearchCompanies(ctx context.Context, q CompanyQuery) ([]Company, error)
	// SearchPeople returns at most q.Limit people that q selects (PersonQuery.Match: never a merged
	// or erased record), ordered and paged as SearchCompanies. An After naming no person that
	// the order lists now matches b2bkit.ErrNotFound.
	SearchPeople(ctx context.Context, q PersonQuery) ([]Person, error)
	// Deal returns the deal with the given id, or an error matching b2bkit.ErrNotFound.
	Deal(ctx context.Context, id DealID) (Deal, error)
	// Deals returns the deals of a company in ascending id order; none is an empty list.
	Deals(ctx context.Context, company b2bkit.CompanyID) ([]Deal, error)
	// Audit yields the audit entries recorded under a person's id, in the order they were stored
	// (the order of Apply calls, and within one batch the batch's order). Entries are never changed
	// or removed, also not when the person is erased. An unknown id yields nothing.
	Audit(ctx context.Context, person b2bkit.PersonID) iter.Seq2[AuditEntry, error]
	// Apply writes a batch atomically: all of it or, on any error, nothing.
	//
	// Companies, people, spells, accounts and deals are versioned: a record's Version must equal
	// the stored version (0 for a record that must not exist yet) and is stored incremented by one
	// — also when nothing else in it changed: the CRM writes back the records it read to claim
	// them, and keeps its invariants across records (no overlapping spells, what a departure leaves
	// uncovered, the accounts a departure closes) through those versions. A store that skips an
	// unchanged record lets write skew through; crmtest.Run catches it. A stale or unexpected
	// version is an error matching b2bkit.ErrConflict, as is a contact point already held by
	// another person, a registration (scheme and number) already held by another company, a second
	// open owner account for a company (one closed does not count), an account or deal moved to
	// another company, and a job change or activity whose ID is already stored. A record that fails
	// its Validate, or two records with one ID in the batch, is an error matching
	// b2bkit.ErrInvalid. Audit entries are appended as given; they are written with the batch or not
	// at all, so a change and its audit entry go together.
	Apply(ctx context.Context, b Batch) error
}

// A SpellQuery selects employment spells: those of Person (when set), at Company (when set), and,
// when ActiveAt is set, only those active at that instant (Start <= ActiveAt < End).
type SpellQuery struct {
	Person   b2bkit.PersonID
	Company  b2bkit.CompanyID
	ActiveAt time.Time
}

// Match reports whether the query selects s.
func (q SpellQuery) Match(s Spell) bool { return q.match(&s) }

func (q *SpellQuery) match(s *Spell) bool {
	return (q.Person == "" || s.Person == q.Person) && (q.Company == "" || s.Company == q.Company) &&
		(q.ActiveAt.IsZero() || !q.ActiveAt.Before(s.Start) && (s.End.IsZero() || q.ActiveAt.Before(s.End)))
}

// A Batch is one atomic write to a Store.
type Batch struct {
	// Companies, People, Spells, Accounts and Deals are created or updated, each checked by its
	// Version.
	Companies []Company
	People    []Person
	Spells    []Spell
	Accounts  []Account
	Deals     []Deal
	// JobChanges and Activities are appended; their IDs must be new.
	JobChanges []JobChange
	Activities []Activity
	// Audit entries are appended, in order.
	Audit []AuditEntry
}

var _ Store = (*MemoryStore)(nil)

// MemoryStore is the in-memory Store: safe for concurrent use, returning copies. Its zero value is
// not ready; use NewMemoryStore. Every method of one that was not made by it (the zero value, a nil
// pointer) returns, or yields, an error matching b2bkit.ErrInvalid.
type MemoryStore struct {
	mu         sync.RWMutex
	companies  []Company // append-only: companies are never deleted
	coSlot     map[b2bkit.CompanyID]int32
	regs       map[string]b2bkit.CompanyID // registration key -> the company holding it
	people     []Person                    // append-only: people are never deleted, erasure keeps the record
	slot       map[b2bkit.PersonID]int32
	contacts   contactIndex
	spells     chunked.List[Spell] // every spell, by slot; an update replaces its slot's value
	spellSlot  map[SpellID]int32
	byPerson   map[b2bkit.PersonID][]int32  // spell slots, each list ordered by Start, then ID
	byCompany  map[b2bkit.CompanyID][]int32 // spell slots, each list ordered by Start, then ID
	changeLog  chunked.List[storedChange]   // every job change, in the order stored
	changes    *btree[changeKey]            // ordered by At, ID: an insert in any order is O(log n)
	changeIDs  map[string]bool
	accounts   map[AccountID]Account
	accountsOf map[b2bkit.CompanyID][]AccountID
	activities map[b2bkit.CompanyID]*btree[*Activity] // each ordered by At, ID
	activityID map[string]bool
	coNames    *btree[nameEntry] // every company by (NameKey(Name), ID)
	coBy       *btree[nameEntry] // every company by (field, NameKey(Name), ID) for its filter fields
	coByN      map[string]int    // companies per filter field
	peNames    *btree[nameEntry] // every listable person by (NameKey(Name), ID)
	deals      map[DealID]Deal
	dealsOf    map[b2bkit.CompanyID][]DealID
	audit      map[b2bkit.PersonID][]AuditEntry
	// found is scratch of Apply, under the write lock: the stored slot of each company, person
	// and spell of the batch (-1 for a new one), looked up once by check and used by the writes.
	found struct{ companies, people, spells []int32 }
}

// A changeKey is one row of the job change index: the change's At as Unix seconds and nanoseconds,
// the first 8 bytes of its ID and its slot in the log. It holds no pointer, so the index's nodes
// are not scanned by the collector, and comparing two rows reads no stored change unless they fall
// on one instant with IDs that start alike (many people change jobs on the first of a month).
type changeKey struct {
	sec    int64
	nsec   int32
	slot   int32
	prefix uint64
}

func keyAt(t time.Time) (int64, int32) { return t.Unix(), int32(t.Nanosecond()) }

// idPrefix returns the first 8 bytes of id, big-endian, zero-padded: two ids whose prefixes differ
// compare as their prefixes do.
func idPrefix(id string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(id) {
			p |= uint64(id[i])
		}
	}
	return p
}

// compareChangeKeys orders job changes by At, then ID, as the Store promises.
func (m *MemoryStore) compareChangeKeys(a, b changeKey) int {
	if c := cmp.Compare(a.sec, b.sec); c != 0 {
		return c
	}
	if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
		return c
	}
	if c := cmp.Compare(a.prefix, b.prefix); c != 0 {
		return c
	}
	return cmp.Compare(m.changeLog.At(int(a.slot)).id(), m.changeLog.At(int(b.slot)).id())
}

// A nameEntry is one row of a name index: the name's key and the record's id, and the record's slot,
// so a page is read without a map lookup per row. Entries compare by key and id only.
type nameEntry struct {
	key, id string
	slot    int32
}

func compareNames(a, b nameEntry) int {
	if c := cmp.Compare(a.key, b.key); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// made reports whether m was made by NewMemoryStore, which makes its maps. One that was not (the
// zero value, a nil pointer) answers every call with errNoMemoryStore: it has nowhere to keep a record.
func (m *MemoryStore) made() bool { return m != nil && m.coSlot != nil }

// errNoMemoryStore is what a MemoryStore not made by NewMemoryStore answers.
func errNoMemoryStore() error { return b2bkit.Invalid("memory_store", "not made by NewMemoryStore") }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	m := &MemoryStore{
		coSlot:     map[b2bkit.CompanyID]int32{},
		regs:       map[string]b2bkit.CompanyID{},
		slot:       map[b2bkit.PersonID]int32{},
		contacts:   contactIndex{},
		spellSlot:  map[SpellID]int32{},
		byPerson:   map[b2bkit.PersonID][]int32{},
		byCompany:  map[b2bkit.CompanyID][]int32{},
		changeIDs:  map[string]bool{},
		accounts:   map[AccountID]Account{},
		accountsOf: map[b2bkit.CompanyID][]AccountID{},
		activities: map[b2bkit.CompanyID]*btree[*Activity]{},
		activityID: map[string]bool{},
		coNames:    newBtree(compareNames),
		coBy:       newBtree(compareNames),
		coByN:      map[string]int{},
		peNames:    newBtree(compareNames),
		deals:      map[DealID]Deal{},
		dealsOf:    map[b2bkit.CompanyID][]DealID{},
		audit:      map[b2bkit.PersonID][]AuditEntry{},
	}
	m.changes = newBtree(m.compareChangeKeys)
	return m
}

// Company implements Store.
func (m *MemoryStore) Company(ctx context.Context, id b2bkit.CompanyID) (Company, error) {
	if !m.made() {
		return Company{}, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return Company{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := m.company(id)
	if c == nil {
		return Company{}, b2bkit.NotFound("company", string(id))
	}
	return c.clone(), nil
}

// Companies implements Store. It reads a snapshot taken when iteration starts.
func (m *MemoryStore) Companies(ctx context.Context) iter.Seq2[Company, error] {
	if !m.made() {
		return refused[Company](errNoMemoryStore())
	}
	return func(yield func(Company, error) bool) {
		if err := ctx.Err(); err != nil { // before the snapshot: a cancelled read reads nothing
			yield(Company{}, err)
			return
		}
		m.mu.RLock()
		list := make([]Company, 0, len(m.companies))
		for _, c := range m.companies {
			list = append(list, c.clone())
		}
		m.mu.RUnlock()
		slices.SortFunc(list, func(a, b Company) int { return cmp.Compare(a.ID, b.ID) })
		for _, c := range list {
			if err := ctx.Err(); err != nil {
				yield(Company{}, err)
				return
			}
			if !yield(c, nil) {
				return
			}
		}
	}
}

// Person implements Store.
func (m *MemoryStore) Person(ctx context.Context, id b2bkit.PersonID) (Person, error) {
	if !m.made() {
		return Person{}, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return Person{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.slot[id]
	if !ok {
		return Person{}, b2bkit.NotFound("person", string(id))
	}
	return m.people[i].clone(), nil
}

// errNoContact is returned for an unknown contact point; it names no value.
var errNoContact = &b2bkit.RecordError{Kind: "person", Problem: "no person has this contact point", Err: b2bkit.ErrNotFound}

// PersonByContact implements Store.
func (m *MemoryStore) PersonByContact(ctx context.Context, key string) (Person, error) {
	if !m.made() {
		return Person{}, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return Person{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.contacts.get(key, m.people)
	if !ok {
		return Person{}, errNoContact
	}
	return m.people[i].clone(), nil
}

// Spells implements Store.
func (m *MemoryStore) Spells(ctx context.Context, q SpellQuery) ([]Spell, error) {
	if !m.made() {
		return nil, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	person, company := q.Person, q.Company
	if person == "" && company == "" {
		return nil, b2bkit.Invalid("spells", "name a person, a company or both")
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var list []int32
	switch {
	case person == "":
		list = m.byCompany[company]
	case company == "":
		list = m.byPerson[person]
	default:
		list = m.byPerson[person]
		if other := m.byCompany[company]; len(other) < len(list) {
			list = other // the shorter list
		}
	}
	// A list selects all of itself when the query names only its key: then the spells are read once.
	n := len(list)
	if all := q.ActiveAt.IsZero() && (person == "" || company == ""); !all {
		n = 0
		for _, i := range list {
			if q.match(m.spells.At(int(i))) {
				n++
			}
		}
	}
	out := make([]Spell, 0, n)
	nroles := 0
	for _, i := range list {
		if sp := m.spells.At(int(i)); q.match(sp) {
			out = append(out, *sp)
			nroles += len(sp.Roles)
		}
	}
	// One backing array for every copy of the roles: a committee read allocates twice, not 50 times.
	roles := make([]Role, 0, nroles)
	for i := range out {
		if out[i].Roles == nil {
			continue
		}
		n := len(roles)
		roles = append(roles, out[i].Roles...)
		out[i].Roles = roles[n:len(roles):len(roles)]
	}
	return out, nil
}

// insertSpell puts the spell in slot into list, ordered by Start, then ID.
func (m *MemoryStore) insertSpell(list []int32, slot int32) []int32 {
	s := m.spells.At(int(slot))
	i, _ := slices.BinarySearchFunc(list, s, func(a int32, s *Spell) int { return compareSpellsAt(m.spells.At(int(a)), s) })
	return slices.Insert(list, i, slot)
}

func compareSpells(a, b Spell) int { return compareSpellsAt(&a, &b) }

func compareSpellsAt(a, b *Spell) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func compareActivities(a, b *Activity) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// JobChanges implements Store. It reads a snapshot taken when iteration starts.
func (m *MemoryStore) JobChanges(ctx context.Context, since time.Time) iter.Seq2[JobChange, error] {
	if !m.made() {
		return refused[JobChange](errNoMemoryStore())
	}
	return func(yield func(JobChange, error) bool) {
		if err := ctx.Err(); err != nil { // before the snapshot: a cancelled read reads nothing
			yield(JobChange{}, err)
			return
		}
		m.mu.RLock()
		var list []JobChange
		sec, nsec := keyAt(since)
		before := func(k changeKey) bool { return k.sec < sec || k.sec == sec && k.nsec < nsec }
		m.changes.ascend(before, func(k changeKey) bool {
			list = append(list, m.changeLog.At(int(k.slot)).change())
			return true
		})
		m.mu.RUnlock()
		for _, j := range list {
			if err := ctx.Err(); err != nil {
				yield(JobChange{}, err)
				return
			}
			if !yield(j, nil) {
				return
			}
		}
	}
}

// Account implements Store.
func (m *MemoryStore) Account(ctx context.Context, id AccountID) (Account, error) {
	if !m.made() {
		return Account{}, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return Account{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	a, ok := m.accounts[id]
	if !ok {
		return Account{}, b2bkit.NotFound("account", string(id))
	}
	return a, nil
}

// Accounts implements Store.
func (m *MemoryStore) Accounts(ctx context.Context, company b2bkit.CompanyID) ([]Account, error) {
	if !m.made() {
		return nil, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	out := make([]Account, 0, len(m.accountsOf[company]))
	for _, id := range m.accountsOf[company] {
		out = append(out, m.accounts[id])
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b Account) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Activities implements Store. It reads a snapshot taken when iteration starts.
func (m *MemoryStore) Activities(ctx context.Context, company b2bkit.CompanyID, from, to time.Time) iter.Seq2[Activity, error] {
	if !m.made() {
		return refused[Activity](errNoMemoryStore())
	}
	return func(yield func(Activity, error) bool) {
		if err := ctx.Err(); err != nil { // before the snapshot: a cancelled read reads nothing
			yield(Activity{}, err)
			return
		}
		m.mu.RLock()
		var list []Activity
		if all := m.activities[company]; all != nil {
			all.ascend(func(a *Activity) bool { return a.At.Before(from) }, func(a *Activity) bool {
				if !a.At.Before(to) {
					return false
				}
				list = append(list, *a)
				return true
			})
		}
		m.mu.RUnlock()
		for _, a := range list {
			if err := ctx.Err(); err != nil {
				yield(Activity{}, err)
				return
			}
			if !yield(a, nil) {
				return
			}
		}
	}
}

// Apply implements Store.
func (m *MemoryStore) Apply(ctx context.Context, b Batch) error {
	if !m.made() {
		return errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validateBatch(b); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(b); err != nil {
		return err
	}
	// Every check passed: from here on nothing fails, so the batch is all or nothing.
	m.reserve(b)
	f := &m.found
	for j := range b.Companies {
		if i := f.companies[j]; i >= 0 {
			if k := regKey(m.companies[i].Registration); k != "" {
				delete(m.regs, k)
			}
		}
	}
	for j := range b.Companies {
		c := b.Companies[j].clone()
		c.Version++
		// A company written back only to claim its version keeps its index entries.
		i, ok := f.companies[j], f.companies[j] >= 0
		if !ok {
			i = int32(len(m.companies))
			m.coSlot[c.ID] = i
			m.companies = append(m.companies, Company{})
		}
		if old := &m.companies[i]; !ok || !sameIndexed(old, &c) {
			if ok {
				k := NameKey(old.Name)
				m.coNames.delete(nameEntry{key: k, id: string(c.ID)})
				for _, f := range filterFields(old) {
					m.coBy.delete(nameEntry{key: f + k, id: string(c.ID)})
					m.coByN[f]--
				}
			}
			k := NameKey(c.Name)
			m.coNames.insert(nameEntry{key: k, id: string(c.ID), slot: i})
			for _, f := range filterFields(&c) {
				m.coBy.insert(nameEntry{key: f + k, id: string(c.ID), slot: i})
				m.coByN[f]++
			}
		}
		m.companies[i] = c
		if k := regKey(c.Registration); k != "" {
			m.regs[k] = c.ID
		}
	}
	// A person written back unchanged (to claim her version) keeps her index entries: her contact
	// points and her name are re-indexed only when they change.
	sameContacts := make([]bool, len(b.People))
	sameName := make([]bool, len(b.People))
	for j := range b.People {
		p := &b.People[j]
		i := f.people[j]
		if i < 0 {
			continue
		}
		old := &m.people[i]
		if sameContacts[j] = slices.Equal(old.Contacts, p.Contacts); !sameContacts[j] {
			for _, c := range old.Contacts {
				m.contacts.remove(c.key())
			}
		}
		if sameName[j] = listable(old) == listable(p) && old.Name == p.Name; !sameName[j] && listable(old) {
			m.peNames.delete(nameEntry{key: NameKey(old.Name), id: string(p.ID)})
		}
	}
	var names []nameEntry
	for j := range b.People {
		p := b.People[j].clone()
		p.Version++
		i := f.people[j]
		if i >= 0 {
			m.people[i] = p
		} else {
			i = int32(len(m.people))
			m.slot[p.ID] = i
			m.people = append(m.people, p)
			f.people[j] = i
		}
		if listable(&p) && !sameName[j] {
			names = append(names, nameEntry{key: NameKey(p.Name), id: string(p.ID), slot: i})
		}
	}
	// In order, an import's names go in along one path of the tree rather than all over it.
	slices.SortFunc(names, compareNames)
	for _, e := range names {
		m.peNames.insert(e)
	}
	for j := range b.People {
		if sameContacts[j] {
			continue
		}
		i := f.people[j]
		for _, c := range b.People[j].Contacts {
			m.contacts.put(c.key(), i, m.people)
		}
	}
	for i := range b.Spells {
		s := &b.Spells[i]
		slot := f.spells[i]
		if slot >= 0 {
			old := m.spells.At(int(slot))
			if old.Person == s.Person && old.Company == s.Company && old.Start.Equal(s.Start) {
				// Its place in its lists stays: an end of a job changes only its End.
				*old = s.clone()
				old.Version++
				continue
			}
			// Out of its lists while its value, which orders them, changes.
			isOld := func(x int32) bool { return x == slot }
			m.byPerson[old.Person] = slices.DeleteFunc(m.byPerson[old.Person], isOld)
			m.byCompany[old.Company] = slices.DeleteFunc(m.byCompany[old.Company], isOld)
			*old = s.clone()
		} else {
			slot = int32(m.spells.Add(s.clone()))
			m.spellSlot[s.ID] = slot
		}
		m.spells.At(int(slot)).Version++
		m.byPerson[s.Person] = m.insertSpell(m.byPerson[s.Person], slot)
		m.byCompany[s.Company] = m.insertSpell(m.byCompany[s.Company], slot)
	}
	for _, a := range b.Accounts {
		if _, ok := m.accounts[a.ID]; !ok {
			m.accountsOf[a.Company] = append(m.accountsOf[a.Company], a.ID)
		}
		a.Version++
		m.accounts[a.ID] = a
	}
	for i := range b.JobChanges {
		sc := storeChange(&b.JobChanges[i])
		sec, nsec := keyAt(sc.at)
		m.changes.insert(changeKey{sec: sec, nsec: nsec, slot: int32(m.changeLog.Add(sc)), prefix: idPrefix(sc.id())})
		m.changeIDs[sc.id()] = true // the key shares the stored text
	}
	for _, a := range b.Activities {
		list := m.activities[a.Company]
		if list == nil {
			list = newBtree(compareActivities)
			m.activities[a.Company] = list
		}
		list.insert(&a)
		m.activityID[a.ID] = true
	}
	for _, d := range b.Deals {
		if _, ok := m.deals[d.ID]; !ok {
			m.dealsOf[d.Company] = append(m.dealsOf[d.Company], d.ID)
		}
		d = d.clone()
		d.Version++
		m.deals[d.ID] = d
	}
	for _, e := range b.Audit {
		m.audit[e.Person] = append(m.audit[e.Person], e)
	}
	return nil
}

// validateBatch checks every record and that no id repeats within the batch.
func validateBatch(b Batch) error {
	var errs []error
	check := func(kind string, i int, id string, err error, seen *idSet) {
		if err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("%s[%d]", kind, i), err))
		}
		if seen.add(id) {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("%s[%d].id", kind, i), "repeats an id of this batch"))
		}
	}
	seen := &idSet{}
	if n := max(len(b.Companies), len(b.People), len(b.Spells), len(b.Accounts), len(b.JobChanges), len(b.Activities), len(b.Deals)); n > fewIDs {
		seen.many = make(map[string]bool, n)
	}
	for i, c := range b.Companies {
		check("companies", i, string(c.ID), c.Validate(), seen)
	}
	seen.clear()
	for i, p := range b.People {
		check("people", i, string(p.ID), p.Validate(), seen)
	}
	seen.clear()
	for i, s := range b.Spells {
		check("spells", i, string(s.ID), s.Validate(), seen)
	}
	seen.clear()
	for i, a := range b.Accounts {
		check("accounts", i, string(a.ID), a.Validate(), seen)
	}
	seen.clear()
	for i, j := range b.JobChanges {
		var err error
		if j.ID == "" || j.Person == "" || j.At.IsZero() {
			err = b2bkit.Invalid("", "a job change needs an id, a person and a time")
		}
		check("job_changes", i, j.ID, err, seen)
	}
	seen.clear()
	for i, a := range b.Activities {
		check("activities", i, a.ID, a.Validate(), seen)
	}
	seen.clear()
	for i, d := range b.Deals {
		check("deals", i, string(d.ID), d.Validate(), seen)
	}
	for i, e := range b.Audit {
		if err := e.Validate(); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("audit[%d]", i), err))
		}
	}
	return errors.Join(errs...)
}

// fewIDs is how many ids an idSet compares one by one before a map is cheaper.
const fewIDs = 8

// An idSet finds an id repeated within one list of a batch: by comparing with the few ids seen so
// far while a list is short — most batches are a record or two of each kind — else by a map.
type idSet struct {
	few  [fewIDs]string
	n    int             // ids in few
	many map[string]bool // nil until the list grows past fewIDs, unless made ahead
}

// add records id and reports whether it was recorded already.
func (s *idSet) add(id string) bool {
	if s.many == nil {
		if slices.Contains(s.few[:s.n], id) {
			return true
		}
		if s.n < fewIDs {
			s.few[s.n] = id
			s.n++
			return false
		}
		s.many = make(map[string]bool, 2*fewIDs)
		for _, x := range s.few {
			s.many[x] = true
		}
	}
	if s.many[id] {
		return true
	}
	s.many[id] = true
	return false
}

// clear forgets every id, for the next list.
func (s *idSet) clear() {
	s.n = 0
	clear(s.many)
}

// check tests the batch against what is stored; the caller holds the write lock.
func (m *MemoryStore) check(b Batch) error {
	f := &m.found
	f.companies, f.people, f.spells = f.companies[:0], f.people[:0], f.spells[:0]
	for k := range b.Companies {
		c := &b.Companies[k]
		var got int64
		slot, ok := m.coSlot[c.ID]
		if ok {
			got = m.companies[slot].Version
		} else {
			slot = -1
		}
		if got != c.Version {
			return staleVersion("company", string(c.ID), c.Version, got)
		}
		f.companies = append(f.companies, slot)
	}
	// The maps of the batch's registrations, contact points and owner accounts are made only for
	// a batch that has some: most writes have none.
	var batchCos map[b2bkit.CompanyID]*Company
	var regs map[string]b2bkit.CompanyID
	for n := range b.Companies {
		c := &b.Companies[n]
		k := regKey(c.Registration)
		if k == "" {
			continue
		}
		if regs == nil {
			regs = map[string]b2bkit.CompanyID{}
			batchCos = make(map[b2bkit.CompanyID]*Company, len(b.Companies))
			for i := range b.Companies {
				batchCos[b.Companies[i].ID] = &b.Companies[i]
			}
		}
		if other, ok := regs[k]; ok {
			return b2bkit.Conflict("company", string(c.ID), fmt.Sprintf("registration %s %s is also given to company %s", c.Registration.Scheme, c.Registration.Number, other))
		}
		regs[k] = c.ID
		owner, ok := m.regs[k]
		if !ok || owner == c.ID {
			continue
		}
		if oc, inBatch := batchCos[owner]; inBatch && regKey(oc.Registration) != k {
			continue // the batch takes it from its holder
		}
		return b2bkit.Conflict("company", string(c.ID), fmt.Sprintf("registration %s %s already belongs to company %s", c.Registration.Scheme, c.Registration.Number, owner))
	}
	for k := range b.People {
		p := &b.People[k]
		var got int64
		slot, ok := m.slot[p.ID]
		if ok {
			got = m.people[slot].Version
		} else {
			slot = -1
		}
		if got != p.Version {
			return staleVersion("person", string(p.ID), p.Version, got)
		}
		f.people = append(f.people, slot)
	}
	var batchPeople map[b2bkit.PersonID]*Person
	var claimed map[string]b2bkit.PersonID
	for n := range b.People {
		p := &b.People[n]
		for _, c := range p.Contacts {
			if claimed == nil {
				claimed = make(map[string]b2bkit.PersonID, 2*len(b.People))
				batchPeople = make(map[b2bkit.PersonID]*Person, len(b.People))
				for i := range b.People {
					batchPeople[b.People[i].ID] = &b.People[i]
				}
			}
			k := c.key()
			if other, ok := claimed[k]; ok && other != p.ID {
				return b2bkit.Conflict("person", string(p.ID), fmt.Sprintf("a %s contact point is also given to person %s", c.Kind, other))
			}
			claimed[k] = p.ID
			i, ok := m.contacts.get(k, m.people)
			if !ok || m.people[i].ID == p.ID {
				continue
			}
			owner := m.people[i].ID
			if op, inBatch := batchPeople[owner]; inBatch && !slices.ContainsFunc(op.Contacts, func(x ContactPoint) bool { return x.key() == k }) {
				continue // the batch takes it from its owner
			}
			return b2bkit.Conflict("person", string(p.ID), fmt.Sprintf("a %s contact point already belongs to person %s", c.Kind, owner))
		}
	}
	for k := range b.Spells {
		s := &b.Spells[k]
		var got int64
		slot, ok := m.spellSlot[s.ID]
		if ok {
			got = m.spells.At(int(slot)).Version
		} else {
			slot = -1
		}
		if got != s.Version {
			return staleVersion("spell", string(s.ID), s.Version, got)
		}
		f.spells = append(f.spells, slot)
	}
	var owners map[b2bkit.CompanyID]AccountID
	var inBatch map[AccountID]*Account
	for _, a := range b.Accounts {
		old, ok := m.accounts[a.ID]
		if old.Version != a.Version {
			return staleVersion("account", string(a.ID), a.Version, old.Version)
		}
		if ok && old.Company != a.Company {
			return b2bkit.Conflict("account", string(a.ID), "an account cannot move to another company")
		}
		if a.Kind != Owner || !a.Closed.IsZero() {
			continue
		}
		if owners == nil {
			owners = map[b2bkit.CompanyID]AccountID{}
			inBatch = make(map[AccountID]*Account, len(b.Accounts))
			for i := range b.Accounts {
				inBatch[b.Accounts[i].ID] = &b.Accounts[i]
			}
		}
		if o, dup := owners[a.Company]; dup {
			return b2bkit.Conflict("account", string(a.ID), fmt.Sprintf("company %s already has owner account %s", a.Company, o))
		}
		owners[a.Company] = a.ID
		for _, id := range m.accountsOf[a.Company] {
			x := m.accounts[id]
			if nx, ok := inBatch[id]; ok {
				x = *nx // the batch may close it
			}
			if x.Kind == Owner && x.ID != a.ID && x.Closed.IsZero() {
				return b2bkit.Conflict("account", string(a.ID), fmt.Sprintf("company %s already has owner account %s", a.Company, x.ID))
			}
		}
	}
	for _, j := range b.JobChanges {
		if m.changeIDs[j.ID] {
			return b2bkit.Conflict("job change", j.ID, "already recorded")
		}
	}
	for _, a := range b.Activities {
		if m.activityID[a.ID] {
			return b2bkit.Conflict("activity", a.ID, "already recorded")
		}
	}
	for _, d := range b.Deals {
		old, ok := m.deals[d.ID]
		if old.Version != d.Version {
			return staleVersion("deal", string(d.ID), d.Version, old.Version)
		}
		if ok && old.Company != d.Company {
			return b2bkit.Conflict("deal", string(d.ID), "a deal cannot move to another company")
		}
	}
	return nil
}

// regKey is the key a registration is unique under: its scheme and number; "" for none.
func regKey(r Registration) string {
	if r.Number == "" {
		return ""
	}
	return r.Scheme + ":" + r.Number
}

func staleVersion(kind, id string, have, stored int64) error {
	if stored == 0 {
		return b2bkit.Conflict(kind, id, fmt.Sprintf("version %d given but no such record is stored", have))
	}
	if have == 0 {
		return b2bkit.Conflict(kind, id, "already exists")
	}
	return b2bkit.Conflict(kind, id, fmt.Sprintf("stale version %d, stored is %d", have, stored))
}

// A contactIndex finds the person slot holding a contact key: a plain map, as a reference store
// should be.
type contactIndex map[string]int32

func (x contactIndex) get(key string, people []Person) (int32, bool) {
	i, ok := x[key]
	if !ok || !holds(people[i], key) {
		return 0, false
	}
	return i, true
}

// put records that slot i holds key.
func (x contactIndex) put(key string, i int32, _ []Person) { x[key] = i }

func (x contactIndex) remove(key string) { delete(x, key) }

// holds reports whether p has a contact point with key, without building the key.
func holds(p Person, key string) bool {
	for _, c := range p.Contacts {
		w := c.Kind.String()
		if len(key) == len(w)+1+len(c.Value) && key[len(w)] == ':' && key[:len(w)] == w && key[len(w)+1:] == c.Value {
			return true
		}
	}
	return false
}

// SearchCompanies implements Store.
func (m *MemoryStore) SearchCompanies(ctx context.Context, q CompanyQuery) ([]Company, error) {
	if !m.made() {
		return nil, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, b2bkit.InField("query", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	// Like a database's planner: scan the narrowest index the filters allow — the rows of one
	// field value, ordered by name within it — or the name index.
	index, field, best := m.coNames, "", -1
	for _, f := range queryFields(&q) {
		if n := m.coByN[f]; best < 0 || n < best {
			field, best = f, n
		}
	}
	if field != "" {
		index = m.coBy
	}
	prefix := field + prefixKey(q.NamePrefix)
	var after *nameEntry
	if q.After != "" {
		c := m.company(q.After)
		if c == nil {
			return nil, b2bkit.NotFound("company", string(q.After))
		}
		after = &nameEntry{key: field + NameKey(c.Name), id: string(c.ID)}
	}
	out := make([]Company, 0, min(q.Limit, 64))
	if best == 0 {
		return out, nil
	}
	index.ascend(startAt(prefix, after), func(e nameEntry) bool {
		if !strings.HasPrefix(e.key, prefix) {
			return false
		}
		c := &m.companies[e.slot]
		if q.matchFields(c) {
			out = append(out, c.clone())
		}
		return len(out) < q.Limit
	})
	return out, nil
}

// SearchPeople implements Store.
func (m *MemoryStore) SearchPeople(ctx context.Context, q PersonQuery) ([]Person, error) {
	if !m.made() {
		return nil, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, b2bkit.InField("query", err)
	}
	prefix := prefixKey(q.NamePrefix)
	m.mu.RLock()
	defer m.mu.RUnlock()
	var after *nameEntry
	if q.After != "" {
		i, ok := m.slot[q.After]
		if !ok || !listable(&m.people[i]) {
			return nil, b2bkit.NotFound("person", string(q.After))
		}
		after = &nameEntry{key: NameKey(m.people[i].Name), id: string(q.After)}
	}
	out := make([]Person, 0, min(q.Limit, m.peNames.Len()))
	m.peNames.ascend(startAt(prefix, after), func(e nameEntry) bool {
		if !strings.HasPrefix(e.key, prefix) {
			return false
		}
		out = append(out, m.people[e.slot].clone())
		return len(out) < q.Limit
	})
	return out, nil
}

// startAt returns the before-predicate of a name index scan: entries before the prefix's range, and
// up to and including the entry after, when it is later.
func startAt(prefix string, after *nameEntry) func(nameEntry) bool {
	if after == nil || after.key < prefix {
		return func(e nameEntry) bool { return e.key < prefix }
	}
	a := *after
	return func(e nameEntry) bool { return compareNames(e, a) <= 0 }
}

// Deal implements Store.
func (m *MemoryStore) Deal(ctx context.Context, id DealID) (Deal, error) {
	if !m.made() {
		return Deal{}, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return Deal{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	d, ok := m.deals[id]
	if !ok {
		return Deal{}, b2bkit.NotFound("deal", string(id))
	}
	return d.clone(), nil
}

// Deals implements Store.
func (m *MemoryStore) Deals(ctx context.Context, company b2bkit.CompanyID) ([]Deal, error) {
	if !m.made() {
		return nil, errNoMemoryStore()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	out := make([]Deal, 0, len(m.dealsOf[company]))
	for _, id := range m.dealsOf[company] {
		out = append(out, m.deals[id].clone())
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b Deal) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Audit implements Store. It reads a snapshot taken when iteration starts.
func (m *MemoryStore) Audit(ctx context.Context, person b2bkit.PersonID) iter.Seq2[AuditEntry, error] {
	if !m.made() {
		return refused[AuditEntry](errNoMemoryStore())
	}
	return func(yield func(AuditEntry, error) bool) {
		if err := ctx.Err(); err != nil { // before the snapshot: a cancelled read reads nothing
			yield(AuditEntry{}, err)
			return
		}
		m.mu.RLock()
		// Entries are appended, never changed: the slice up to its length now is a snapshot.
		list := m.audit[person]
		m.mu.RUnlock()
		for _, e := range list {
			if err := ctx.Err(); err != nil {
				yield(AuditEntry{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// reserve grows the slices and maps a large batch adds to ahead of it, so an import of
// 100,000 people does not rehash them again and again. A map is only rebuilt when the batch is
// larger than it: the copy costs no more than the batch.
func (m *MemoryStore) reserve(b Batch) {
	if len(b.People) < 1024 && len(b.Spells) < 1024 && len(b.Companies) < 1024 {
		return
	}
	m.companies = slices.Grow(m.companies, len(b.Companies))
	m.coSlot = grown(m.coSlot, len(b.Companies))
	m.people = slices.Grow(m.people, len(b.People))
	m.slot = grown(m.slot, len(b.People))
	m.contacts = grown(m.contacts, 2*len(b.People))
	m.spellSlot = grown(m.spellSlot, len(b.Spells))
	m.byPerson = grown(m.byPerson, len(b.Spells))
	m.audit = grown(m.audit, len(b.Audit))
}

// grown returns m, or a copy of it with room for extra more entries when extra exceeds its size.
func grown[K comparable, V any](m map[K]V, extra int) map[K]V {
	if extra <= len(m) {
		return m
	}
	out := make(map[K]V, len(m)+extra)
	maps.Copy(out, m)
	return out
}

// filterFields returns the index keys of the fields a CompanyQuery filters on exactly: a letter for
// the field, its value and a NUL, so a field value's companies are one range ordered by name.
// Empty values are not indexed: a query never asks for them.
func filterFields(c *Company) []string {
	out := make([]string, 0, 5)
	for _, f := range [...]struct {
		tag byte
		v   string
	}{{'c', c.City}, {'t', c.Territory}, {'r', c.Tier}, {'o', c.OwnerRep}, {'s', c.Stage.String()}} {
		if f.v != "" {
			out = append(out, string(f.tag)+f.v+"\x00")
		}
	}
	return out
}

// queryFields returns the index keys of the exact filters of q (a stage only when q names one).
func queryFields(q *CompanyQuery) []string {
	var out []string
	for _, f := range [...]struct {
		tag byte
		v   string
	}{{'c', q.City}, {'t', q.Territory}, {'r', q.Tier}, {'o', q.OwnerRep}} {
		if f.v != "" {
			out = append(out, string(f.tag)+f.v+"\x00")
		}
	}
	if len(q.Stages) == 1 {
		out = append(out, "s"+q.Stages[0].String()+"\x00")
	}
	return out
}

// sameIndexed reports whether two versions of a company have the same index entries.
func sameIndexed(a, b *Company) bool {
	return a.Name == b.Name && a.City == b.City && a.Territory == b.Territory && a.Tier == b.Tier &&
		a.OwnerRep == b.OwnerRep && a.Stage == b.Stage
}

// company returns the stored company with the given id, or nil; the caller holds the lock.
func (m *MemoryStore) company(id b2bkit.CompanyID) *Company {
	i, ok := m.coSlot[id]
	if !ok {
		return nil
	}
	return &m.companies[i]
}
