package crm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/shopspring/decimal"
)

// Options configure a CRM. The zero value, and a nil *Options, give the defaults.
type Options struct {
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// RequiredRoles are the roles a complete buying committee holds. Nil means User, DecisionMaker
	// and Payer (R1).
	RequiredRoles []Role
}

// A CRM is the two CRMs of R2 over one Store: companies, and the key persons who follow the
// platform from job to job. It is safe for concurrent use when its Store is. Writes use the store's
// optimistic versions; a call that loses a race returns an error matching b2bkit.ErrConflict and
// can simply be retried. An invariant that spans records — no overlapping spells of one person at
// one company, what a departure leaves uncovered — holds through those versions on any Store, not by
// a lock: StartJob, EndJob, ChangeJob and Import also write the person and the companies whose
// spells they read, and AddAccount the person it names, so those records' Versions go up by one.
// Make one with New: a CRM that was not (the zero value, a nil pointer) has no store, and every
// call on it returns an error matching b2bkit.ErrInvalid ("crm: crm: not made by New").
type CRM struct {
	store    Store
	now      func() time.Time
	required []Role
}

// New returns a CRM over s. A nil s means a fresh MemoryStore; a nil opts means the defaults.
// Required roles that are unknown or repeated are dropped.
func New(s Store, opts *Options) *CRM {
	if s == nil {
		s = NewMemoryStore()
	}
	c := &CRM{store: s, now: time.Now, required: []Role{User, DecisionMaker, Payer}}
	if opts != nil {
		if opts.Now != nil {
			c.now = opts.Now
		}
		if opts.RequiredRoles != nil {
			var req []Role
			for _, r := range opts.RequiredRoles {
				if r.Valid() && !slices.Contains(req, r) {
					req = append(req, r)
				}
			}
			slices.Sort(req)
			c.required = req
		}
	}
	return c
}

// Store returns the store the CRM writes to; nil for a CRM not made by New.
func (c *CRM) Store() Store {
	if c == nil {
		return nil
	}
	return c.store
}

// RequiredRoles returns the roles a complete buying committee holds, in role order; nil for a CRM
// not made by New.
func (c *CRM) RequiredRoles() []Role {
	if !c.made() {
		return nil
	}
	return slices.Clone(c.required)
}

// made reports whether c was made by New, which always sets its store. A CRM that was not (the
// zero value, a nil pointer) answers every call with errNotMade instead of dereferencing nothing.
func (c *CRM) made() bool { return c != nil && c.store != nil }

// errNotMade is what a CRM not made by New answers: it has no store to read or write.
func errNotMade() error { return wrap(b2bkit.Invalid("crm", "not made by New")) }

// refused is a stream of one error, err: what a CRM or MemoryStore not made by its constructor
// yields.
func refused[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("crm: %w", err)
}

// Companies.

// AddCompany stores a new company. A unified social credit code is normalised (trimmed, upper-cased)
// before it is checked; a company without a stage history starts one with its stage at the clock's
// now. Its Version must be 0. It returns the stored company.
func (c *CRM) AddCompany(ctx context.Context, co Company) (Company, error) {
	if !c.made() {
		return Company{}, errNotMade()
	}
	if co.Version != 0 {
		return Company{}, wrap(b2bkit.Invalid("version", "must be 0 for a new company"))
	}
	if co.Registration.Scheme == SchemeUSCC {
		co.Registration.Number = NormalizeCreditCode(co.Registration.Number)
	}
	if len(co.Stages) == 0 {
		co.Stages = []StageChange{{Stage: co.Stage, At: c.now()}}
	}
	return c.putCompany(ctx, co)
}

// UpdateCompany stores a changed company. Its Version must be the stored one, or the error matches
// b2bkit.ErrConflict. Histories are append-only: the stage, the tier and their histories must be
// the stored ones, or the error matches b2bkit.ErrInvalid and names the field; SetStage and
// EvaluateTier change them and record the change.
func (c *CRM) UpdateCompany(ctx context.Context, co Company) (Company, error) {
	if !c.made() {
		return Company{}, errNotMade()
	}
	if co.Version == 0 {
		return Company{}, wrap(b2bkit.Invalid("version", "must be the stored version"))
	}
	if co.Registration.Scheme == SchemeUSCC {
		co.Registration.Number = NormalizeCreditCode(co.Registration.Number)
	}
	stored, err := c.store.Company(ctx, co.ID)
	if err != nil {
		return Company{}, wrap(err)
	}
	if stored.Version == co.Version { // a stale one is the store's conflict
		if err := sameHistories(stored, co); err != nil {
			return Company{}, wrap(b2bkit.InField("company", err))
		}
	}
	return c.putCompany(ctx, co)
}

// sameHistories reports every difference of co's stage, tier and histories from the stored ones.
func sameHistories(stored, co Company) error {
	var errs []error
	if co.Stage != stored.Stage {
		errs = append(errs, b2bkit.Invalid("stage", "changes only through SetStage, which records it"))
	}
	if !slices.EqualFunc(co.Stages, stored.Stages, func(a, b StageChange) bool { return a.Stage == b.Stage && a.At.Equal(b.At) }) {
		errs = append(errs, b2bkit.Invalid("stages", "is append-only: SetStage records a change"))
	}
	if co.Tier != stored.Tier {
		errs = append(errs, b2bkit.Invalid("tier", "changes only through EvaluateTier, which records it"))
	}
	if !slices.EqualFunc(co.TierHistory, stored.TierHistory, func(a, b TierChange) bool {
		return a.From == b.From && a.To == b.To && a.At.Equal(b.At) && xerr.Equal(a.Points, b.Points)
	}) {
		errs = append(errs, b2bkit.Invalid("tier_history", "is append-only: EvaluateTier records a change"))
	}
	return errors.Join(errs...)
}

func (c *CRM) putCompany(ctx context.Context, co Company) (Company, error) {
	co = co.clone()
	if err := co.Validate(); err != nil {
		return Company{}, wrap(b2bkit.InField("company", err))
	}
	if err := c.store.Apply(ctx, Batch{Companies: []Company{co}}); err != nil {
		return Company{}, wrap(err)
	}
	co.Version++
	return co, nil
}

// Company returns the company with the given id, or an error matching b2bkit.ErrNotFound.
func (c *CRM) Company(ctx context.Context, id b2bkit.CompanyID) (Company, error) {
	if !c.made() {
		return Company{}, errNotMade()
	}
	co, err := c.store.Company(ctx, id)
	return co, wrap(err)
}

// SetStage moves a company to stage at t and records the change. Setting the stage it already has
// changes nothing; at must be set and not before the last recorded change.
func (c *CRM) SetStage(ctx context.Context, id b2bkit.CompanyID, stage Stage, at time.Time) (Company, error) {
	if !c.made() {
		return Company{}, errNotMade()
	}
	if !stage.Valid() {
		return Company{}, wrap(b2bkit.Invalid("stage", "unknown stage %d", int(stage)))
	}
	if at.IsZero() {
		return Company{}, wrap(b2bkit.Invalid("at", "must be set"))
	}
	co, err := c.store.Company(ctx, id)
	if err != nil {
		return Company{}, wrap(err)
	}
	if co.Stage == stage {
		return co, nil
	}
	if n := len(co.Stages); n > 0 && at.Before(co.Stages[n-1].At) {
		return Company{}, wrap(b2bkit.Invalid("at", "must not be before the last stage change"))
	}
	co.Stage = stage
	co.Stages = append(co.Stages, StageChange{Stage: stage, At: at})
	return c.putCompany(ctx, co)
}

// People.

// AddPerson stores a new person. Contact values may be given as typed: they are normalised (see
// NormalizeContact), and a contact point without Since gets the clock's now. A contact point that
// another person already holds is an error matching b2bkit.ErrConflict. Its Version must be 0.
func (c *CRM) AddPerson(ctx context.Context, p Person) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	if p.Version != 0 {
		return Person{}, wrap(b2bkit.Invalid("person.version", "must be 0 for a new person"))
	}
	if p.Erased() || p.MergedInto != "" {
		return Person{}, wrap(b2bkit.Invalid("person", "a new person cannot be erased or merged"))
	}
	p = p.clone()
	now := c.now()
	for i := range p.Contacts {
		n, err := NormalizeContact(p.Contacts[i].Kind, p.Contacts[i].Value)
		if err != nil {
			return Person{}, wrap(b2bkit.InField(fmt.Sprintf("person.contacts[%d].value", i), err))
		}
		p.Contacts[i].Value = n
		if p.Contacts[i].Since.IsZero() {
			p.Contacts[i].Since = now
		}
	}
	return c.putPerson(ctx, p, AuditCreate, "AddPerson")
}

// putPerson writes p with the audit entry of the call what, in one batch.
func (c *CRM) putPerson(ctx context.Context, p Person, action AuditAction, what string) (Person, error) {
	if err := p.Validate(); err != nil {
		return Person{}, wrap(b2bkit.InField("person", err))
	}
	if err := c.store.Apply(ctx, Batch{People: []Person{p}, Audit: c.entries(ctx, action, what, p.ID)}); err != nil {
		return Person{}, wrap(err)
	}
	p.Version++
	return p, nil
}

// maxMergeChain bounds how many merges Person follows, so a corrupt store cannot loop.
const maxMergeChain = 16

// Person returns the person with the given id. If that record was merged into another, it returns
// the person it was merged into. An unknown id is an error matching b2bkit.ErrNotFound. The read is
// recorded in her audit trail.
func (c *CRM) Person(ctx context.Context, id b2bkit.PersonID) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	p, err := c.resolve(ctx, id)
	if err != nil {
		return Person{}, err
	}
	if err := c.recordReads(ctx, "Person", p.ID); err != nil {
		return Person{}, err
	}
	return p, nil
}

// resolve returns the person with the given id, following merges, without recording a read: the
// CRM reads her to write her, not to hand her data out.
func (c *CRM) resolve(ctx context.Context, id b2bkit.PersonID) (Person, error) {
	p, err := c.store.Person(ctx, id)
	for i := 0; err == nil && p.MergedInto != ""; i++ {
		if i == maxMergeChain {
			return Person{}, wrap(b2bkit.Conflict("person", string(id), "merge chain too long"))
		}
		p, err = c.store.Person(ctx, p.MergedInto)
	}
	return p, wrap(err)
}

// AddContact gives a person one more current contact point, recorded at at (the clock's now if zero).
// A contact point she had before becomes current again; one another person holds is an error matching
// b2bkit.ErrConflict.
func (c *CRM) AddContact(ctx context.Context, id b2bkit.PersonID, kind ContactKind, raw string, at time.Time) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	return c.editContacts(ctx, id, kind, raw, at, false)
}

// ChangeContact replaces a person's current contact points of kind with a new one at at (the clock's
// now if zero). The old ones are kept, retired, and still find her (R3: she is found by her old number).
func (c *CRM) ChangeContact(ctx context.Context, id b2bkit.PersonID, kind ContactKind, raw string, at time.Time) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	return c.editContacts(ctx, id, kind, raw, at, true)
}

func (c *CRM) editContacts(ctx context.Context, id b2bkit.PersonID, kind ContactKind, raw string, at time.Time, retire bool) (Person, error) {
	v, err := NormalizeContact(kind, raw)
	if err != nil {
		return Person{}, wrap(err)
	}
	if at.IsZero() {
		at = c.now()
	}
	p, err := c.live(ctx, id)
	if err != nil {
		return Person{}, err
	}
	found := false
	for i := range p.Contacts {
		x := &p.Contacts[i]
		switch {
		case x.Kind == kind && x.Value == v:
			x.Until = time.Time{}
			found = true
		case retire && x.Kind == kind && x.Current():
			x.Until = at
			if x.Until.Before(x.Since) {
				x.Until = x.Since
			}
		}
	}
	if !found {
		p.Contacts = append(p.Contacts, ContactPoint{Kind: kind, Value: v, Since: at})
	}
	what := "AddContact"
	if retire {
		what = "ChangeContact"
	}
	return c.putPerson(ctx, p, AuditChange, what)
}

// FindByContact finds a person by any contact point she has had, current or old: a mobile number
// in any usual spelling, an e-mail address in any case, a WeChat id. An unknown contact point is an
// error matching b2bkit.ErrNotFound; a malformed one matches b2bkit.ErrInvalid. Neither error
// contains the contact point. The read is recorded in her audit trail.
func (c *CRM) FindByContact(ctx context.Context, kind ContactKind, raw string) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	var key string
	if kind == Mobile && len(raw) <= MaxContactLen {
		// the common case, built on the stack: one allocation for the key
		var buf [32]byte
		k, err := appendMobile(append(buf[:0], "mobile:"...), raw)
		if err != nil {
			return Person{}, wrap(err)
		}
		key = string(k)
	} else {
		v, err := NormalizeContact(kind, raw)
		if err != nil {
			return Person{}, wrap(err)
		}
		key = ContactKey(kind, v)
	}
	p, err := c.store.PersonByContact(ctx, key)
	if err != nil {
		return Person{}, wrap(err)
	}
	if err := c.recordReads(ctx, "FindByContact", p.ID); err != nil {
		return Person{}, err
	}
	return p, nil
}

// Employment spells.

// A Job is a job a person starts at a company, as StartJob records it: named fields, so a start and
// an end cannot be swapped by position.
type Job struct {
	Person  b2bkit.PersonID
	Company b2bkit.CompanyID
	// Title is her title there ("head chef"); Roles the buying roles she holds (R1).
	Title string
	Roles []Role
	// Start is when she started. End, when set, is when she left, for history entered after the
	// fact; zero means she is still there.
	Start, End time.Time
}

// StartJob records that a person started a job at a company: a new spell with the job's title and
// roles, from its start, open (or ending at its end, when set). The person and company must exist;
// the spell must not overlap another of hers at that company. Errors name the field; a call racing
// another on the person or the company returns an error matching b2bkit.ErrConflict.
func (c *CRM) StartJob(ctx context.Context, j Job) (Spell, error) {
	if !c.made() {
		return Spell{}, errNotMade()
	}
	person, company, title, roles, start, end := j.Person, j.Company, j.Title, j.Roles, j.Start, j.End
	p, err := c.live(ctx, person)
	if err != nil {
		return Spell{}, err
	}
	co, err := c.store.Company(ctx, company)
	if err != nil {
		return Spell{}, wrap(err)
	}
	s := Spell{ID: newSpellID(p.ID, company, start), Person: p.ID, Company: company, Title: title,
		Roles: slices.Clone(roles), Start: start, End: end}
	if err := s.Validate(); err != nil {
		return Spell{}, wrap(b2bkit.InField("spell", err))
	}
	spells, err := c.store.Spells(ctx, SpellQuery{Person: p.ID, Company: company})
	if err != nil {
		return Spell{}, wrap(err)
	}
	for _, o := range spells {
		if s.Overlaps(o) {
			return Spell{}, wrap(b2bkit.Invalid("spell.start", "overlaps spell %s of the same person at company %s", o.ID, company))
		}
	}
	// The person and the company are written too, so their versions claim what was read: a call
	// racing this one on either loses with ErrConflict instead of storing an overlap.
	if err := c.store.Apply(ctx, Batch{People: []Person{p}, Companies: []Company{co}, Spells: []Spell{s},
		Audit: c.entries(ctx, AuditChange, "StartJob", p.ID)}); err != nil {
		return Spell{}, wrap(err)
	}
	s.Version++
	return s, nil
}

// newSpellID returns "person@company@start", with start in UTC as RFC 3339 with nanoseconds and
// the ids escaped (appendID), built in one allocation. Ids are the host's strings and a person
// keyed by her mailbox is common: unescaped, "li@x" at "wok" and "li" at "x@wok" got one id.
func newSpellID(p b2bkit.PersonID, co b2bkit.CompanyID, start time.Time) SpellID {
	var buf [128]byte
	out := appendID(append(appendID(buf[:0], string(p)), '@'), string(co))
	return SpellID(appendAt(out, start))
}

// newChangeID returns the id of a job change: "person@at", and "person@at/company" for a departure
// from company to nowhere known (left non-empty), with at as in a spell id and the ids escaped.
func newChangeID(p b2bkit.PersonID, at time.Time, left b2bkit.CompanyID) string {
	var buf [128]byte
	out := appendAt(appendID(buf[:0], string(p)), at)
	if left != "" {
		out = appendID(append(out, '/'), string(left))
	}
	return string(out)
}

// appendID appends id with the separators of the ids built from it, and the escape itself,
// percent-encoded ('@' as %40, '/' as %2F, '%' as %25), so that different parts never make one id.
// An id without them, the common case, is appended as it is, so its records keep their ids.
func appendID(b []byte, id string) []byte {
	if !strings.ContainsAny(id, "@/%") {
		return append(b, id...)
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; c {
		case '@':
			b = append(b, "%40"...)
		case '/':
			b = append(b, "%2F"...)
		case '%':
			b = append(b, "%25"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendAt appends "@" and t in UTC as RFC 3339 with nanoseconds.
func appendAt(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(append(b, '@'), time.RFC3339Nano)
}

// A jobWrite holds the records of the batch a job change or an end of job writes, so that the
// batch takes one allocation instead of one per list.
type jobWrite struct {
	companies [2]Company
	spells    [2]Spell
	people    [1]Person
	changes   [1]JobChange
	audit     [1]AuditEntry
}

// EndJob records that a person left her current spell id at end, which must be set and not before
// its start: she left without the platform knowing where to (use ChangeJob when it does). Like
// ChangeJob it records and returns a departure (R3, R21) — a JobChange with the roles the company
// lost and the required roles it now lacks, and no To — so an early warning sees the commonest
// case. A person merged into another is followed, as Person does. Her open accounts at the company
// close at end. An unknown spell matches b2bkit.ErrNotFound; an ended one matches
// b2bkit.ErrInvalid; a call racing another on the person or the company matches b2bkit.ErrConflict.
func (c *CRM) EndJob(ctx context.Context, id SpellID, person b2bkit.PersonID, end time.Time) (JobChange, error) {
	if !c.made() {
		return JobChange{}, errNotMade()
	}
	if end.IsZero() {
		return JobChange{}, wrap(b2bkit.Invalid("end", "must be set"))
	}
	p, err := c.resolve(ctx, person)
	if err != nil {
		return JobChange{}, err
	}
	spells, err := c.store.Spells(ctx, SpellQuery{Person: p.ID})
	if err != nil {
		return JobChange{}, wrap(err)
	}
	i := slices.IndexFunc(spells, func(s Spell) bool { return s.ID == id })
	if i < 0 {
		return JobChange{}, wrap(b2bkit.NotFound("spell", string(id)))
	}
	s := spells[i]
	if !s.Current() {
		return JobChange{}, wrap(b2bkit.Invalid("spell.end", "spell %s has already ended", id))
	}
	if end.Before(s.Start) {
		return JobChange{}, wrap(b2bkit.Invalid("spell.end", "must not be before start"))
	}
	jc := JobChange{ID: newChangeID(p.ID, end, s.Company), Person: p.ID, At: end, Roles: []Role{}}
	w := new(jobWrite)
	b, err := c.depart(ctx, p, s, end, &jc, w)
	if err != nil {
		return JobChange{}, err
	}
	w.people[0], w.changes[0], w.audit[0] = p, jc, c.entry(ctx, AuditChange, "EndJob", p.ID)
	b.People, b.JobChanges, b.Audit = w.people[:], w.changes[:], w.audit[:]
	// The company's version claims its committee: a departure computing what it lost races this.
	if err := c.store.Apply(ctx, b); err != nil {
		return JobChange{}, wrap(err)
	}
	return jc.clone(), nil
}

// depart fills in jc what leaving spell old at at means to its company — the roles lost, those
// left uncovered, the stage — and returns the writes it takes: the ended spell, her accounts there
// closed, and the company written back to claim the spells read. The spell and the company go in
// the first places of w. jc's LostRoles are old's Roles, not a copy: the caller returns a clone.
func (c *CRM) depart(ctx context.Context, p Person, old Spell, at time.Time, jc *JobChange, w *jobWrite) (Batch, error) {
	oldCo, err := c.store.Company(ctx, old.Company)
	if err != nil {
		return Batch{}, wrap(err)
	}
	spells, err := c.store.Spells(ctx, SpellQuery{Company: old.Company})
	if err != nil {
		return Batch{}, wrap(err)
	}
	jc.Uncovered = c.uncovered(spells, old, at)
	jc.From, jc.FromTitle, jc.LostRoles = old.Company, old.Title, old.Roles
	if jc.LostRoles == nil {
		jc.LostRoles = []Role{}
	}
	jc.FromStage = stageAt(oldCo, at)
	jc.LeftIncomplete = len(jc.Uncovered) > 0
	w.spells[0] = old
	w.spells[0].End = at
	w.companies[0] = oldCo
	b := Batch{Spells: w.spells[:1], Companies: w.companies[:1]}
	if b.Accounts, err = c.closeAccounts(ctx, p, old.Company, at); err != nil {
		return Batch{}, err
	}
	return b, nil
}

// History returns every spell of a person, oldest first: her career across employers, intact after
// job changes, merges and erasure. Her career is personal data: the read is recorded in her audit
// trail.
func (c *CRM) History(ctx context.Context, person b2bkit.PersonID) ([]Spell, error) {
	if !c.made() {
		return nil, errNotMade()
	}
	p, err := c.resolve(ctx, person)
	if err != nil {
		return nil, err
	}
	s, err := c.store.Spells(ctx, SpellQuery{Person: p.ID})
	if err != nil {
		return nil, wrap(err)
	}
	if err := c.recordReads(ctx, "History", p.ID); err != nil {
		return nil, err
	}
	return s, nil
}

// The buying committee.

// A Seat is one role of a committee and the people holding it.
type Seat struct {
	Role    Role              `json:"role"`
	Holders []b2bkit.PersonID `json:"holders"`
}

// A Member is one person on a committee, with the spell that puts her there.
type Member struct {
	Person b2bkit.PersonID `json:"person"`
	Spell  SpellID         `json:"spell"`
	Title  string          `json:"title"`
	Roles  []Role          `json:"roles"`
	Since  time.Time       `json:"since"`
}

// A Committee is a company's buying committee at a date (R1): who holds each role, and which of the
// required roles nobody holds.
type Committee struct {
	Company b2bkit.CompanyID `json:"company"`
	At      time.Time        `json:"at"`
	// Members are the people with a spell at the company at At, by start, then spell id.
	Members []Member `json:"members"`
	// Seats lists every role, in role order, with its holders in member order.
	Seats []Seat `json:"seats"`
	// Required are the roles a complete committee holds; Missing those of them nobody holds.
	Required []Role `json:"required"`
	Missing  []Role `json:"missing"`
	// Completeness is the share of required roles held, 0 to 1 at 4 places (HalfUp); 1 when no
	// role is required.
	Completeness decimal.Decimal `json:"-"`
}

// MarshalJSON writes the committee with its completeness as a string ("0.6667").
func (c Committee) MarshalJSON() ([]byte, error) {
	type plain Committee
	return json.Marshal(struct {
		plain
		Completeness b2bkit.JSONDecimal `json:"completeness"`
	}{plain(c), b2bkit.JSONDecimal{Decimal: c.Completeness}})
}

// Complete reports whether every required role is held.
func (c Committee) Complete() bool { return len(c.Missing) == 0 }

// Holders returns the people holding role r.
func (c Committee) Holders(r Role) []b2bkit.PersonID {
	for _, s := range c.Seats {
		if s.Role == r {
			return s.Holders
		}
	}
	return nil
}

// Committee returns who holds each buying role at company at the date at, and which required roles
// are missing. An unknown company is an error matching b2bkit.ErrNotFound; a zero at matches
// b2bkit.ErrInvalid.
func (c *CRM) Committee(ctx context.Context, company b2bkit.CompanyID, at time.Time) (Committee, error) {
	if !c.made() {
		return Committee{}, errNotMade()
	}
	if at.IsZero() {
		return Committee{}, wrap(b2bkit.Invalid("at", "must be set"))
	}
	if _, err := c.store.Company(ctx, company); err != nil {
		return Committee{}, wrap(err)
	}
	spells, err := c.store.Spells(ctx, SpellQuery{Company: company, ActiveAt: at})
	if err != nil {
		return Committee{}, wrap(err)
	}
	return c.committee(company, at, spells), nil
}

// committee builds the committee from the company's spells.
func (c *CRM) committee(company b2bkit.CompanyID, at time.Time, spells []Spell) Committee {
	com := Committee{Company: company, At: at, Required: slices.Clone(c.required)}
	// Count first, so the committee is built with one allocation per slice.
	var perRole [len(roleWords)]int
	members, holders := 0, 0
	for _, s := range spells {
		if !s.ActiveAt(at) {
			continue
		}
		members++
		for _, r := range s.Roles {
			perRole[r]++
			holders++
		}
	}
	com.Members = make([]Member, 0, members)
	com.Seats = make([]Seat, len(roleWords))
	all := make([]b2bkit.PersonID, 0, holders)
	for r := range com.Seats {
		com.Seats[r].Role = Role(r)
		com.Seats[r].Holders = all[len(all) : len(all) : len(all)+perRole[r]]
		all = all[:len(all)+perRole[r]]
	}
	for _, s := range spells {
		if !s.ActiveAt(at) {
			continue
		}
		com.Members = append(com.Members, Member{Person: s.Person, Spell: s.ID, Title: s.Title, Roles: s.Roles, Since: s.Start})
		for _, r := range s.Roles {
			if !slices.Contains(com.Seats[r].Holders, s.Person) {
				com.Seats[r].Holders = append(com.Seats[r].Holders, s.Person)
			}
		}
	}
	held := 0
	for _, r := range com.Required {
		if len(com.Seats[r].Holders) == 0 {
			com.Missing = append(com.Missing, r)
		} else {
			held++
		}
	}
	com.Completeness = decimal.New(1, 0)
	if n := int64(len(com.Required)); n > 0 {
		// held/n at 4 places, half up, in integers: (2*held*10^4 + n) / (2n).
		com.Completeness = decimal.New((2*int64(held)*10_000+n)/(2*n), -4)
	}
	return com
}

// Job changes.

// ChangeJob records that a person moved to company to, with title and roles, at at (R3). It ends
// her current spell at the old company at at, starts a spell at to, and — if to is unknown — creates
// it as a target sourced by her ("followed key person"), without a name until a rep gives it one. Her open accounts at the old company close at
// at (a departed decision maker keeps no owner account). All of it is written at once, or nothing is.
//
// If she holds several current jobs, the one started last (at a company other than to) ends. It
// returns the JobChange: what the old account lost, whether it now lacks a required role, and the
// lead at the new one. Moving to the company she already works at, an erased person, unknown or
// repeated roles and an at not after the start of her current spell are errors matching b2bkit.ErrInvalid;
// an unknown person matches b2bkit.ErrNotFound. A call racing another on the person or on either
// company returns an error matching b2bkit.ErrConflict and can be retried.
func (c *CRM) ChangeJob(ctx context.Context, person b2bkit.PersonID, to b2bkit.CompanyID, title string, roles []Role, at time.Time) (JobChange, error) {
	if !c.made() {
		return JobChange{}, errNotMade()
	}
	var errs []error
	if to == "" {
		errs = append(errs, b2bkit.Invalid("to", "must not be empty"))
	}
	if at.IsZero() {
		errs = append(errs, b2bkit.Invalid("at", "must be set"))
	}
	if len(title) > MaxNameLen {
		errs = append(errs, b2bkit.Invalid("title", "must be at most %d bytes", MaxNameLen))
	}
	if err := validRoles("roles", roles); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return JobChange{}, wrap(errors.Join(errs...))
	}
	p, err := c.live(ctx, person)
	if err != nil {
		return JobChange{}, err
	}
	mine, err := c.store.Spells(ctx, SpellQuery{Person: p.ID})
	if err != nil {
		return JobChange{}, wrap(err)
	}
	var old *Spell
	for i := range mine {
		s := &mine[i]
		if !s.Current() {
			continue
		}
		if s.Company == to {
			return JobChange{}, wrap(b2bkit.Invalid("to", "person %s already works at company %s", p.ID, to))
		}
		if old == nil || !s.Start.Before(old.Start) {
			old = s
		}
	}
	for _, s := range mine {
		if s.Company == to && s.Overlaps(Spell{Start: at}) {
			return JobChange{}, wrap(b2bkit.Invalid("at", "overlaps spell %s of the same person at company %s", s.ID, to))
		}
	}
	// One copy of the caller's roles serves the change and the new spell: the store copies what it
	// keeps, and the change returned is a clone.
	roles = slices.Clone(roles)
	jc := JobChange{ID: newChangeID(p.ID, at, ""), Person: p.ID, At: at,
		To: to, Title: title, Roles: roles, LostRoles: []Role{}, Uncovered: []Role{}}
	w := new(jobWrite)
	var b Batch
	if old != nil {
		if !at.After(old.Start) {
			return JobChange{}, wrap(b2bkit.Invalid("at", "must be after the current spell %s started", old.ID))
		}
		if b, err = c.depart(ctx, p, *old, at, &jc, w); err != nil {
			return JobChange{}, err
		}
	}
	newCo, err := c.store.Company(ctx, to)
	switch {
	case err == nil:
		jc.ToStage = stageAt(newCo, at)
	case errors.Is(err, b2bkit.ErrNotFound):
		jc.LeadCreated, jc.ToStage = true, Target
		newCo = Company{ID: to, Stage: Target, Stages: []StageChange{{Stage: Target, At: at}},
			Source: SourceFollowedKeyPerson, SourcePerson: p.ID}
	default:
		return JobChange{}, wrap(err)
	}
	n := len(b.Companies) // 1 after a departure, else 0
	w.companies[n] = newCo
	w.spells[n] = Spell{ID: newSpellID(p.ID, to, at), Person: p.ID, Company: to, Title: title, Roles: roles, Start: at}
	w.people[0], w.changes[0], w.audit[0] = p, jc, c.entry(ctx, AuditChange, "ChangeJob", p.ID)
	b.Companies, b.Spells = w.companies[:n+1], w.spells[:n+1]
	b.JobChanges, b.Audit = w.changes[:], w.audit[:]
	// The person and both companies are written too, so their versions claim every spell read: a
	// call racing this one on any of them loses with ErrConflict, and a retry sees what it wrote.
	b.People = w.people[:]
	if err := c.store.Apply(ctx, b); err != nil {
		return JobChange{}, wrap(err)
	}
	return jc.clone(), nil
}

// closeAccounts returns the open accounts of person p (under her id or one merged into her) at
// company, closed at at: she left it.
func (c *CRM) closeAccounts(ctx context.Context, p Person, company b2bkit.CompanyID, at time.Time) ([]Account, error) {
	accs, err := c.store.Accounts(ctx, company)
	if err != nil {
		return nil, wrap(err)
	}
	var out []Account
	for _, a := range accs {
		if a.Person != "" && a.Closed.IsZero() && (a.Person == p.ID || slices.Contains(p.Absorbed, a.Person)) {
			a.Closed = at
			out = append(out, a)
		}
	}
	return out, nil
}

// stageAt returns the company's stage at t by its stage history; for a t before the history starts,
// the first stage recorded.
func stageAt(co Company, t time.Time) Stage {
	if s, ok := co.StageAt(t); ok {
		return s
	}
	if len(co.Stages) > 0 {
		return co.Stages[0].Stage
	}
	return co.Stage
}

// uncovered returns the required roles that leaving holds and that, once it ends at at, nobody else
// holds at some instant it would have covered. Other spells are those of the company, ordered by
// Start; a colleague holding the role at at but leaving later (a departure entered after the fact)
// does not cover it for good.
func (c *CRM) uncovered(spells []Spell, leaving Spell, at time.Time) []Role {
	out := []Role{}
	for _, r := range c.required {
		if leaving.Has(r) && !coveredFrom(spells, leaving.ID, r, at) {
			out = append(out, r)
		}
	}
	return out
}

// coveredFrom reports whether spells other than skip hold role r at every instant from at on.
func coveredFrom(spells []Spell, skip SpellID, r Role, at time.Time) bool {
	cur := at
	for i := range spells {
		s := &spells[i]
		// the id last: comparing ids is the dearest test, and most spells fail an earlier one
		if !s.Has(r) || s.empty() || (!s.End.IsZero() && !s.End.After(cur)) || s.ID == skip {
			continue
		}
		if s.Start.After(cur) {
			return false // nobody holds r from cur until s starts
		}
		if s.End.IsZero() {
			return true
		}
		cur = s.End
	}
	return false
}

// JobChanges yields the job changes at or after since, oldest first, for early warnings (R21):
// a risk model reads them through an interface of its own with this method's signature.
func (c *CRM) JobChanges(ctx context.Context, since time.Time) iter.Seq2[JobChange, error] {
	if !c.made() {
		return refused[JobChange](errNotMade())
	}
	return func(yield func(JobChange, error) bool) {
		for j, err := range c.store.JobChanges(ctx, since) {
			if !yield(j, wrap(err)) || err != nil {
				return
			}
		}
	}
}
