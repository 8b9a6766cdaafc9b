package crm

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// A SpellID identifies one employment spell.
type SpellID string

// A Spell is one employment spell (任职): a person working at a company with a title and buying
// roles from Start until End. A job change ends one spell and starts another; it never rewrites one (R3).
type Spell struct {
	// ID identifies the spell.
	ID SpellID `json:"id"`
	// Person and Company are who worked where.
	Person  b2bkit.PersonID  `json:"person"`
	Company b2bkit.CompanyID `json:"company"`
	// Title is the job title ("head chef", "purchasing manager").
	Title string `json:"title"`
	// Roles are the buying roles the person holds at the company (R1).
	Roles []Role `json:"roles"`
	// Start is when the spell began; End when it ended, zero while it is current. The spell covers
	// the half-open interval [Start, End): on the day someone leaves she no longer holds her roles.
	Start time.Time `json:"start"`
	End   time.Time `json:"end,omitzero"`
	// Version is the stored version for optimistic concurrency; 0 for a spell not yet stored.
	Version int64 `json:"version"`
}

// Current reports whether the spell has no end.
func (s Spell) Current() bool { return s.End.IsZero() }

// ActiveAt reports whether the person held the job at t: Start <= t < End.
func (s Spell) ActiveAt(t time.Time) bool {
	return !t.Before(s.Start) && (s.End.IsZero() || t.Before(s.End))
}

// Overlaps reports whether both spells cover a common instant. Spells that meet end to start do
// not overlap; an empty spell (Start == End) overlaps nothing.
func (s Spell) Overlaps(o Spell) bool {
	if s.empty() || o.empty() {
		return false
	}
	return (o.End.IsZero() || s.Start.Before(o.End)) && (s.End.IsZero() || o.Start.Before(s.End))
}

func (s Spell) empty() bool { return !s.End.IsZero() && s.End.Equal(s.Start) }

// Has reports whether the spell carries role r.
func (s Spell) Has(r Role) bool { return slices.Contains(s.Roles, r) }

// LogValue logs the spell; a spell holds no personal data beyond the person's id.
func (s Spell) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", string(s.ID)), slog.String("person", string(s.Person)),
		slog.String("company", string(s.Company)), slog.String("roles", rolesString(s.Roles)),
		slog.Time("start", s.Start), slog.Time("end", s.End))
}

// Validate reports every problem with the spell: missing ids, no start, an end before the start,
// unknown or repeated roles. Errors match b2bkit.ErrInvalid and name the field.
func (s Spell) Validate() error {
	var errs []error
	if s.ID == "" {
		errs = append(errs, b2bkit.Invalid("id", "must not be empty"))
	}
	if s.Person == "" {
		errs = append(errs, b2bkit.Invalid("person", "must not be empty"))
	}
	if s.Company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must not be empty"))
	}
	if len(s.Title) > MaxNameLen {
		errs = append(errs, b2bkit.Invalid("title", "must be at most %d bytes", MaxNameLen))
	}
	if err := validRoles("roles", s.Roles); err != nil {
		errs = append(errs, err)
	}
	if s.Start.IsZero() {
		errs = append(errs, b2bkit.Invalid("start", "must be set"))
	}
	if !s.End.IsZero() && s.End.Before(s.Start) {
		errs = append(errs, b2bkit.Invalid("end", "must not be before start"))
	}
	return errors.Join(errs...)
}

func (s Spell) clone() Spell {
	s.Roles = cloneSlice(s.Roles)
	return s
}

func rolesString(rs []Role) string {
	w := make([]string, len(rs))
	for i, r := range rs {
		w[i] = r.String()
	}
	return strings.Join(w, ",")
}

// A JobChange is what one move of a key person means to the business (R3, R21): a lost key person
// at the old account and a warm lead at the new one. A departure to nowhere known (EndJob) is a
// JobChange without To. It is a plain value, so a risk model can read job changes through an
// interface of its own.
type JobChange struct {
	// ID identifies the change: the person and the instant, and for a departure (EndJob) the
	// company left.
	ID string `json:"id"`
	// Person is who moved.
	Person b2bkit.PersonID `json:"person"`
	// At is when the old spell ended and the new one, if any, began.
	At time.Time `json:"at"`
	// From is the old company; empty if the person had no current job. FromTitle and LostRoles are
	// the title and roles she held there; FromStage is the old account's relationship stage at the
	// change, by its stage history — the first stage recorded when the change predates the history
	// (Target, and meaningless, when From is empty).
	From      b2bkit.CompanyID `json:"from,omitempty"`
	FromTitle string           `json:"from_title,omitempty"`
	FromStage Stage            `json:"from_stage"`
	LostRoles []Role           `json:"lost_roles"`
	// Uncovered are the required roles she held at the old account that, from At on, nobody else
	// holds at some instant: a colleague holding the role at At but leaving later (a departure entered
	// after the fact) does not cover it. LeftIncomplete is true when there is at least one: the
	// account lacks a required role.
	Uncovered      []Role `json:"uncovered"`
	LeftIncomplete bool   `json:"left_incomplete"`
	// To is the new company, empty for a departure to nowhere known (EndJob); Title and Roles are her
	// job there. ToStage is the new company's stage at the change, by its stage history as
	// FromStage, and LeadCreated says the company was unknown and was created as a target sourced
	// by this person.
	To          b2bkit.CompanyID `json:"to"`
	Title       string           `json:"title"`
	Roles       []Role           `json:"roles"`
	ToStage     Stage            `json:"to_stage"`
	LeadCreated bool             `json:"lead_created"`
}

// Prior describes the relationship the person had with the old account, in words:
// "decision_maker at a repurchasing account". It is empty when she had no current job.
func (j JobChange) Prior() string {
	if j.From == "" {
		return ""
	}
	who := rolesString(j.LostRoles)
	if who == "" {
		who = "no buying role"
	}
	return who + " at a " + j.FromStage.String() + " account"
}

// clone copies the change's three role lists into one new array: one allocation, not three.
func (j JobChange) clone() JobChange {
	all := make([]Role, 0, len(j.LostRoles)+len(j.Uncovered)+len(j.Roles))
	j.LostRoles, all = carveRoles(all, j.LostRoles)
	j.Uncovered, all = carveRoles(all, j.Uncovered)
	j.Roles, _ = carveRoles(all, j.Roles)
	return j
}

// carveRoles appends rs to all and returns the copy, capped so that appending to it cannot reach
// into what follows, and all grown; nil stays nil and empty stays empty.
func carveRoles(all, rs []Role) (out, grown []Role) {
	if rs == nil {
		return nil, all
	}
	n := len(all)
	all = append(all, rs...)
	return all[n:len(all):len(all)], all
}

// UnmarshalJSON reads a spell strictly: unknown fields are errors.
func (s *Spell) UnmarshalJSON(b []byte) error {
	type plain Spell
	var v plain // a fresh value: nothing of the old one is left, and a failed decode changes nothing
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*s = Spell(v)
	return nil
}

// UnmarshalJSON reads a job change strictly: unknown fields are errors.
func (j *JobChange) UnmarshalJSON(b []byte) error {
	type plain JobChange
	var v plain // a fresh value: nothing of the old one is left, and a failed decode changes nothing
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*j = JobChange(v)
	return nil
}
