package crm

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
)

// An ImportRow is one row of a people import: a person, by the key she has in the system the data
// comes from, and at most one job of hers. A person with several jobs takes several rows with one
// key; her name and contact points may be given on any of them.
type ImportRow struct {
	// Line is the row's line in the source, for errors; 0 means its position, from 1.
	Line int
	// Key is her key in the source system. It becomes her PersonID, so importing a row twice
	// imports it once. A key that was merged into another person imports into that person.
	Key b2bkit.PersonID
	// Name is her name; Contacts her contact points as typed (normalised on import; a zero Since
	// means the clock's now).
	Name     string
	Contacts []ContactPoint
	// Job is a job of hers; an empty Company means none on this row. Its Person, if set, must be
	// Key. An End records a past job; no departure is recorded for it: history is not news.
	Job Job
}

// MaxImportRows bounds one import.
const MaxImportRows = 1_000_000

// checkEvery is how many records a long loop handles between two looks at its context.
const checkEvery = 4096

// An ImportResult counts what an import did. Importing the same rows again creates nothing.
type ImportResult struct {
	// Rows counts the rows read.
	Rows int `json:"rows"`
	// PeopleCreated, PeopleUpdated and PeopleUnchanged count the people by what the import did to
	// them: created, given a name, contact points or jobs they lacked, or left as they were.
	PeopleCreated   int `json:"people_created"`
	PeopleUpdated   int `json:"people_updated"`
	PeopleUnchanged int `json:"people_unchanged"`
	// SpellsCreated and SpellsUnchanged count the jobs stored and those already stored.
	SpellsCreated   int `json:"spells_created"`
	SpellsUnchanged int `json:"spells_unchanged"`
}

// A RowError is one problem with one row of an import: its line, the field and what is wrong. It
// never repeats a value of the row, which may be personal data. It matches b2bkit.ErrInvalid.
type RowError struct {
	// Line is the row's line in the source; Field the column or field ("contacts[0].value", "job.start").
	Line  int    `json:"line"`
	Field string `json:"field"`
	// Problem says what is wrong, without the value.
	Problem string `json:"problem"`
}

// Error renders "line 4: contacts[0].value: a Chinese mobile number has 11 digits starting 13-19".
func (e *RowError) Error() string {
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Problem)
}

// Unwrap makes a RowError match b2bkit.ErrInvalid.
func (e *RowError) Unwrap() error { return b2bkit.ErrInvalid }

// An ImportError is an import refused because of bad rows: every problem of every row, by line.
// Nothing of the import was stored. It matches b2bkit.ErrInvalid.
type ImportError struct {
	// Rows holds every problem, ordered by line.
	Rows []RowError
}

// Error lists the first problems and counts the rest.
func (e *ImportError) Error() string {
	const shown = 10
	var b strings.Builder
	noun := "problems"
	if len(e.Rows) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "crm: import: %d %s, nothing imported", len(e.Rows), noun)
	for i := range min(shown, len(e.Rows)) {
		b.WriteString("; ")
		b.WriteString(e.Rows[i].Error())
	}
	if len(e.Rows) > shown {
		fmt.Fprintf(&b, "; and %d more", len(e.Rows)-shown)
	}
	return b.String()
}

// Unwrap makes an ImportError match b2bkit.ErrInvalid.
func (e *ImportError) Unwrap() error { return b2bkit.ErrInvalid }

// draft is what the rows of one key say about her.
type draft struct {
	key      b2bkit.PersonID
	line     int // her first row
	name     string
	nameLine int
	contacts []draftContact
	jobs     []draftJob
}

type draftContact struct {
	line, i int // the row's line and the contact point's index in it
	key     string
	cp      ContactPoint
}

type draftJob struct {
	line int
	s    Spell
}

// importer collects the problems of an import.
type importer struct {
	errs []RowError
}

func (im *importer) bad(line int, field, format string, args ...any) {
	im.errs = append(im.errs, RowError{Line: line, Field: field, Problem: fmt.Sprintf(format, args...)})
}

// badErr records every FieldError in err under line, with prefix in front of the field.
func (im *importer) badErr(line int, prefix string, err error) {
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			im.badErr(line, prefix, e)
		}
		return
	}
	var fe *b2bkit.FieldError
	if errors.As(err, &fe) {
		f := prefix
		if fe.Field != "" {
			f = strings.TrimPrefix(prefix+"."+fe.Field, ".")
		}
		im.bad(line, f, "%s", fe.Problem)
		return
	}
	im.bad(line, prefix, "%s", err.Error())
}

// Import brings people and their jobs in from another system, all or nothing: it checks every row
// against the others and the store first and, if any is bad, returns an *ImportError listing every
// problem by line and field and stores nothing. Otherwise it writes everything in one batch.
//
// Import is idempotent on the rows' keys: a person whose key is stored gains the contact points and
// jobs she lacks (and a name, if she had none) and keeps what she has; a job already stored (same
// company and start) is left as it is. A contact point another person holds, a job overlapping a
// stored job of hers at that company, an unknown company or an erased person are bad rows. A rows
// iterator that fails with a *RowError (a CSV line that cannot be read) adds it to the problems;
// another error fails the import. A batch racing other writes matches b2bkit.ErrConflict and can
// be retried as it is. Every person created or changed is recorded in her audit trail.
func (c *CRM) Import(ctx context.Context, rows iter.Seq2[ImportRow, error]) (ImportResult, error) {
	if !c.made() {
		return ImportResult{}, errNotMade()
	}
	var res ImportResult
	im := &importer{}
	now := c.now()
	drafts := make(map[b2bkit.PersonID]*draft, 1024)
	var order []b2bkit.PersonID
	type holder struct {
		key  b2bkit.PersonID
		line int
	}
	contactOwner := map[string]holder{}
	jobs := 0
	if err := ctx.Err(); err != nil {
		return ImportResult{}, wrap(err)
	}
	for row, err := range rows {
		if res.Rows++; res.Rows > MaxImportRows {
			return ImportResult{}, wrap(b2bkit.Invalid("rows", "an import takes at most %d rows", MaxImportRows))
		}
		if res.Rows%checkEvery == 0 { // a cancelled import stops within a few thousand rows
			if err := ctx.Err(); err != nil {
				return ImportResult{}, wrap(err)
			}
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) {
				im.errs = append(im.errs, *re)
				continue
			}
			return ImportResult{}, wrap(fmt.Errorf("import: %w", err))
		}
		line := row.Line
		if line == 0 {
			line = res.Rows
		}
		if row.Key == "" || len(row.Key) > MaxNameLen || !utf8.ValidString(string(row.Key)) {
			im.bad(line, "key", "must be 1 to %d bytes of UTF-8", MaxNameLen)
			continue
		}
		d := drafts[row.Key]
		if d == nil {
			d = &draft{key: row.Key, line: line}
			drafts[row.Key] = d
			order = append(order, row.Key)
		}
		switch {
		case len(row.Name) > MaxNameLen || !utf8.ValidString(row.Name):
			im.bad(line, "name", "must be valid UTF-8 of at most %d bytes", MaxNameLen)
		case row.Name == "":
		case d.name == "":
			d.name, d.nameLine = row.Name, line
		case d.name != row.Name:
			im.bad(line, "name", "differs from the name on line %d for the same key", d.nameLine)
		}
		for i, cp := range row.Contacts {
			f := func() string { return fmt.Sprintf("contacts[%d]", i) }
			if !cp.Kind.Valid() {
				im.bad(line, f()+".kind", "unknown contact kind %d", int(cp.Kind))
				continue
			}
			v, err := NormalizeContact(cp.Kind, cp.Value)
			if err != nil {
				var fe *b2bkit.FieldError
				if errors.As(err, &fe) {
					err = errors.New(fe.Problem) // the field is the contact point's value
				}
				im.badErr(line, f()+".value", err)
				continue
			}
			cp.Value = v
			if cp.Since.IsZero() {
				cp.Since = now
			}
			if !cp.Until.IsZero() && cp.Until.Before(cp.Since) {
				im.bad(line, f()+".until", "must not be before since")
				continue
			}
			k := cp.key()
			if h, ok := contactOwner[k]; ok {
				if h.key != row.Key {
					im.bad(line, f()+".value", "also given to key %s on line %d", h.key, h.line)
				}
				continue
			}
			contactOwner[k] = holder{row.Key, line}
			d.contacts = append(d.contacts, draftContact{line, i, k, cp})
		}
		j := row.Job
		if j.Company == "" {
			if j.Title != "" || len(j.Roles) > 0 || !j.Start.IsZero() || !j.End.IsZero() {
				im.bad(line, "job.company", "a job needs a company")
			}
			continue
		}
		if j.Person != "" && j.Person != row.Key {
			im.bad(line, "job.person", "must be empty or the row's key")
			continue
		}
		s := Spell{ID: newSpellID(row.Key, j.Company, j.Start), Person: row.Key, Company: j.Company, Title: j.Title,
			Roles: slices.Clone(j.Roles), Start: j.Start, End: j.End}
		if err := s.Validate(); err != nil {
			im.badErr(line, "job", err)
			continue
		}
		dup := false
		for _, o := range d.jobs {
			switch {
			case o.s.Company != s.Company:
			case o.s.Start.Equal(s.Start) && sameSpell(o.s, s):
				dup = true // the same job twice: one
			case o.s.Start.Equal(s.Start):
				im.bad(line, "job", "differs from the job at the same company and start on line %d", o.line)
				dup = true
			case o.s.Overlaps(s):
				im.bad(line, "job.start", "overlaps the job on line %d", o.line)
				dup = true
			}
		}
		if !dup {
			d.jobs = append(d.jobs, draftJob{line, s})
			jobs++
		}
	}

	// Against the store.
	b := Batch{People: make([]Person, 0, len(order)), Audit: make([]AuditEntry, 0, len(order)), Spells: make([]Spell, 0, jobs)}
	companies := map[b2bkit.CompanyID]*Company{}
	claimed := map[b2bkit.CompanyID]bool{}
	company := func(id b2bkit.CompanyID) (*Company, error) {
		if co, ok := companies[id]; ok {
			return co, nil
		}
		co, err := c.store.Company(ctx, id)
		switch {
		case errors.Is(err, b2bkit.ErrNotFound):
			companies[id] = nil
			return nil, nil
		case err != nil:
			return nil, err
		}
		companies[id] = &co
		return &co, nil
	}
	importedAs := map[b2bkit.PersonID]*draft{}
	for n, key := range order {
		if n%checkEvery == checkEvery-1 { // also over a store that reads without looking at ctx
			if err := ctx.Err(); err != nil {
				return ImportResult{}, wrap(err)
			}
		}
		d := drafts[key]
		p, err := c.store.Person(ctx, key) // the store's error, unwrapped: most keys are new
		exists := err == nil
		switch {
		case errors.Is(err, b2bkit.ErrNotFound):
			p = Person{ID: key}
		case err != nil:
			return ImportResult{}, wrap(err)
		case p.MergedInto != "":
			if p, err = c.resolve(ctx, key); err != nil {
				return ImportResult{}, err
			}
		}
		if p.Erased() {
			im.bad(d.line, "key", "person %s is erased: her data is not imported again", p.ID)
			continue
		}
		if o := importedAs[p.ID]; o != nil {
			im.bad(d.line, "key", "is merged into person %s, whom key %s on line %d imports too", p.ID, o.key, o.line)
			continue
		}
		importedAs[p.ID] = d
		changed := false
		if p.Name == "" && d.name != "" {
			p.Name, changed = d.name, true
		}
		for _, dc := range d.contacts {
			cp := dc.cp
			if slices.ContainsFunc(p.Contacts, func(x ContactPoint) bool { return x.Kind == cp.Kind && x.Value == cp.Value }) {
				continue
			}
			holderOf, err := c.store.PersonByContact(ctx, dc.key)
			switch {
			case err == nil:
				im.bad(dc.line, fmt.Sprintf("contacts[%d].value", dc.i), "already held by person %s", holderOf.ID)
				continue
			case !errors.Is(err, b2bkit.ErrNotFound):
				return ImportResult{}, wrap(err)
			}
			p.Contacts = append(p.Contacts, cp)
			changed = true
		}
		var stored []Spell
		if exists && len(d.jobs) > 0 {
			if stored, err = c.store.Spells(ctx, SpellQuery{Person: p.ID}); err != nil {
				return ImportResult{}, wrap(err)
			}
		}
		added := 0
		for _, j := range d.jobs {
			s := j.s
			s.Person, s.ID = p.ID, newSpellID(p.ID, s.Company, s.Start)
			co, err := company(s.Company)
			if err != nil {
				return ImportResult{}, wrap(err)
			}
			if co == nil {
				im.bad(j.line, "job.company", "unknown company %s", s.Company)
				continue
			}
			// The same job is the same company and start, whatever id it is stored under: a spell
			// keeps the id it was created with when Merge moves it to another person.
			if slices.ContainsFunc(stored, func(o Spell) bool { return o.Company == s.Company && o.Start.Equal(s.Start) }) {
				res.SpellsUnchanged++
				continue
			}
			if i := slices.IndexFunc(stored, func(o Spell) bool { return o.Company == s.Company && o.Overlaps(s) }); i >= 0 {
				im.bad(j.line, "job.start", "overlaps stored spell %s", stored[i].ID)
				continue
			}
			b.Spells = append(b.Spells, s)
			if !claimed[s.Company] {
				claimed[s.Company] = true
				b.Companies = append(b.Companies, *co)
			}
			added++
		}
		res.SpellsCreated += added
		switch {
		case !exists:
			res.PeopleCreated++
			b.People = append(b.People, p)
			b.Audit = append(b.Audit, c.entries(ctx, AuditCreate, "Import", p.ID)...)
		case changed || added > 0:
			res.PeopleUpdated++
			b.People = append(b.People, p) // also when only her jobs change: her version claims them
			b.Audit = append(b.Audit, c.entries(ctx, AuditChange, "Import", p.ID)...)
		default:
			res.PeopleUnchanged++
		}
	}
	if len(im.errs) > 0 {
		slices.SortStableFunc(im.errs, func(a, b RowError) int { return a.Line - b.Line })
		return ImportResult{}, &ImportError{Rows: im.errs}
	}
	if err := c.store.Apply(ctx, b); err != nil {
		return ImportResult{}, wrap(err)
	}
	return res, nil
}

// sameSpell reports whether two spells record the same job the same way.
func sameSpell(a, b Spell) bool {
	return a.Company == b.Company && a.Title == b.Title && slices.Equal(a.Roles, b.Roles) &&
		a.Start.Equal(b.Start) && a.End.Equal(b.End)
}
