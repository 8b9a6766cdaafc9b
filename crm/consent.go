package crm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
)

// A Consent is a person's permission to contact her for one purpose (PIPL 个人信息保护法 asks for
// consent per purpose, given freely and as easy to withdraw): when it was given, how, and when it
// was withdrawn. A person's consents are a history, oldest first; a withdrawn consent stays.
type Consent struct {
	// Purpose is what she agreed to, a word of the host's: "marketing", "newsletter", "events".
	Purpose string `json:"purpose"`
	// Given is when she gave it; Withdrawn when she took it back, zero while it holds.
	Given     time.Time `json:"given"`
	Withdrawn time.Time `json:"withdrawn,omitzero"`
	// Source says how it was obtained, as proof: "web form 2026-03", "signed paper at visit".
	Source string `json:"source,omitempty"`
}

// ActiveAt reports whether the consent held at t: Given <= t < Withdrawn.
func (c Consent) ActiveAt(t time.Time) bool {
	return !t.Before(c.Given) && (c.Withdrawn.IsZero() || t.Before(c.Withdrawn))
}

// MaxPurposeLen bounds a consent's purpose.
const MaxPurposeLen = 64

func (c Consent) validate() error {
	var errs []error
	if c.Purpose == "" || len(c.Purpose) > MaxPurposeLen || !utf8.ValidString(c.Purpose) {
		errs = append(errs, b2bkit.Invalid("purpose", "must be 1 to %d bytes of UTF-8", MaxPurposeLen))
	}
	if c.Given.IsZero() {
		errs = append(errs, b2bkit.Invalid("given", "must be set"))
	}
	if !c.Withdrawn.IsZero() && c.Withdrawn.Before(c.Given) {
		errs = append(errs, b2bkit.Invalid("withdrawn", "must not be before given"))
	}
	if len(c.Source) > MaxNameLen || !utf8.ValidString(c.Source) {
		errs = append(errs, b2bkit.Invalid("source", "must be valid UTF-8 of at most %d bytes", MaxNameLen))
	}
	return errors.Join(errs...)
}

// validateConsents checks a person's consent history.
func validateConsents(cs []Consent) error {
	var errs []error
	for i, c := range cs {
		if err := c.validate(); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("consents[%d]", i), err))
		}
	}
	return errors.Join(errs...)
}

// MayContact reports whether the person may be contacted for purpose at t: she is not erased, has
// not asked not to be contacted by then (DoNotContact), and a consent for that purpose held at t.
// Marketing without it is what PIPL forbids.
func (p Person) MayContact(purpose string, t time.Time) bool {
	if p.Erased() || p.MergedInto != "" || (!p.DoNotContact.IsZero() && !t.Before(p.DoNotContact)) {
		return false
	}
	return slices.ContainsFunc(p.Consents, func(c Consent) bool { return c.Purpose == purpose && c.ActiveAt(t) })
}

// GiveConsent records that a person consented to contact for purpose at at (the clock's now if
// zero), obtained as source says. A consent for that purpose that already holds is left as it is.
// An erased person matches b2bkit.ErrInvalid. The change is recorded in her audit trail.
func (c *CRM) GiveConsent(ctx context.Context, person b2bkit.PersonID, purpose, source string, at time.Time) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	if at.IsZero() {
		at = c.now()
	}
	cs := Consent{Purpose: purpose, Given: at, Source: source}
	if err := cs.validate(); err != nil {
		return Person{}, wrap(b2bkit.InField("consent", err))
	}
	p, err := c.live(ctx, person)
	if err != nil {
		return Person{}, err
	}
	if slices.ContainsFunc(p.Consents, func(x Consent) bool { return x.Purpose == purpose && x.Withdrawn.IsZero() }) {
		return p, nil
	}
	p.Consents = append(p.Consents, cs)
	return c.putPerson(ctx, p, AuditChange, "GiveConsent")
}

// WithdrawConsent records that a person took back her consent for purpose at at (the clock's now
// if zero): every consent for it still holding ends then. Withdrawing what she never gave changes
// nothing. The change is recorded in her audit trail.
func (c *CRM) WithdrawConsent(ctx context.Context, person b2bkit.PersonID, purpose string, at time.Time) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	if at.IsZero() {
		at = c.now()
	}
	p, err := c.live(ctx, person)
	if err != nil {
		return Person{}, err
	}
	changed := false
	for i := range p.Consents {
		x := &p.Consents[i]
		if x.Purpose == purpose && x.Withdrawn.IsZero() {
			if at.Before(x.Given) {
				return Person{}, wrap(b2bkit.Invalid("at", "must not be before the consent was given"))
			}
			x.Withdrawn, changed = at, true
		}
	}
	if !changed {
		return p, nil
	}
	return c.putPerson(ctx, p, AuditChange, "WithdrawConsent")
}

// SetDoNotContact records that a person asked not to be contacted at all (on true), from at (the
// clock's now if zero), whatever she consented to; false lifts it. The change is recorded in her
// audit trail.
func (c *CRM) SetDoNotContact(ctx context.Context, person b2bkit.PersonID, on bool, at time.Time) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	if at.IsZero() {
		at = c.now()
	}
	p, err := c.live(ctx, person)
	if err != nil {
		return Person{}, err
	}
	switch {
	case on && p.DoNotContact.IsZero():
		p.DoNotContact = at
	case !on && !p.DoNotContact.IsZero():
		p.DoNotContact = time.Time{}
	default:
		return p, nil
	}
	return c.putPerson(ctx, p, AuditChange, "SetDoNotContact")
}

// live returns the person (following merges) unless she is erased.
func (c *CRM) live(ctx context.Context, person b2bkit.PersonID) (Person, error) {
	p, err := c.resolve(ctx, person)
	if err != nil {
		return Person{}, err
	}
	if p.Erased() {
		return Person{}, wrap(b2bkit.Invalid("person", "person %s is erased", p.ID))
	}
	return p, nil
}
