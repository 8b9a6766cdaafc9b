package crm

import (
	"context"
	"slices"
	"time"

	"github.com/b2bkit/b2bkit"
)

// Merge joins two records of one person (R3: one identity across employers): keep takes over
// absorb's contact points and spells, and absorb stays behind as an empty record pointing at keep
// (MergedInto), so Person and History called with either id give the same person. Nothing is lost:
// every spell, current or old, and every contact point, current or old, now belongs to keep. Job
// changes recorded before the merge, and accounts naming absorb, keep the id they were recorded
// with; Person resolves it. Consents of both are kept, and a wish not to be contacted, or a
// consent withdrawn, under either holds: a consent to a purpose ends at her first withdrawal of it
// after it was given. Both records' audit trails record the merge.
//
// Merging a person with herself, a record already merged, an erased one, or two records with
// overlapping spells at one company is an error matching b2bkit.ErrInvalid; unknown ids match
// b2bkit.ErrNotFound. Everything is written at once, or nothing is.
func (c *CRM) Merge(ctx context.Context, keep, absorb b2bkit.PersonID) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	if keep == absorb {
		return Person{}, wrap(b2bkit.Invalid("absorb", "must not be the person kept"))
	}
	k, err := c.store.Person(ctx, keep)
	if err != nil {
		return Person{}, wrap(err)
	}
	a, err := c.store.Person(ctx, absorb)
	if err != nil {
		return Person{}, wrap(err)
	}
	for _, x := range []struct {
		f string
		p Person
	}{{"keep", k}, {"absorb", a}} {
		if x.p.MergedInto != "" {
			return Person{}, wrap(b2bkit.Invalid(x.f, "person %s was already merged into %s", x.p.ID, x.p.MergedInto))
		}
		if x.p.Erased() {
			return Person{}, wrap(b2bkit.Invalid(x.f, "person %s is erased", x.p.ID))
		}
	}
	ks, err := c.store.Spells(ctx, SpellQuery{Person: keep})
	if err != nil {
		return Person{}, wrap(err)
	}
	as, err := c.store.Spells(ctx, SpellQuery{Person: absorb})
	if err != nil {
		return Person{}, wrap(err)
	}
	var b Batch
	for _, s := range as {
		for _, o := range ks {
			if s.Company == o.Company && s.Overlaps(o) {
				return Person{}, wrap(b2bkit.Invalid("absorb", "spell %s overlaps spell %s at company %s", s.ID, o.ID, s.Company))
			}
		}
		s.Person = keep
		b.Spells = append(b.Spells, s)
	}
	merged := k.clone()
	if merged.Name == "" {
		merged.Name = a.Name
	}
	for _, cp := range a.Contacts {
		if !slices.ContainsFunc(merged.Contacts, func(x ContactPoint) bool { return x.key() == cp.key() }) {
			merged.Contacts = append(merged.Contacts, cp)
		}
	}
	merged.Absorbed = append(append(merged.Absorbed, a.ID), a.Absorbed...)
	// Her consents are hers under either record; a wish not to be contacted holds from its earliest.
	merged.Consents = append(merged.Consents, a.Consents...)
	slices.SortStableFunc(merged.Consents, func(x, y Consent) int { return x.Given.Compare(y.Given) })
	// So is a withdrawal, under whichever record she made it: a consent still holding ends at her
	// first withdrawal of its purpose after it was given, or the merge would make her contactable
	// again by a consent she had taken back. The ends are found first, so only withdrawals she
	// made count; a person has a handful of consents, so a scan does.
	ended := make([]time.Time, len(merged.Consents))
	for i, x := range merged.Consents {
		if !x.Withdrawn.IsZero() {
			continue
		}
		for _, y := range merged.Consents {
			if y.Purpose == x.Purpose && y.Withdrawn.After(x.Given) && (ended[i].IsZero() || y.Withdrawn.Before(ended[i])) {
				ended[i] = y.Withdrawn
			}
		}
	}
	for i, e := range ended {
		if !e.IsZero() {
			merged.Consents[i].Withdrawn = e
		}
	}
	if !a.DoNotContact.IsZero() && (merged.DoNotContact.IsZero() || a.DoNotContact.Before(merged.DoNotContact)) {
		merged.DoNotContact = a.DoNotContact
	}
	gone := Person{ID: a.ID, MergedInto: keep, Version: a.Version}
	b.People = []Person{merged, gone}
	b.Audit = c.entries(ctx, AuditChange, "Merge", keep, absorb)
	if err := c.store.Apply(ctx, b); err != nil {
		return Person{}, wrap(err)
	}
	merged.Version++
	return merged, nil
}

// Erase removes a person's personal data — name and every contact point, current and old — and
// keeps her record as an anonymous placeholder, so her spells and roles stay and account history
// (who was the decision maker in 2024) stays whole. After Erase she can no longer be found by
// contact point. Her consents (proof of what she agreed to) and her audit trail (who processed her
// data) stay: they hold none of her personal data. Erasing an erased person changes nothing. An
// unknown id matches b2bkit.ErrNotFound.
func (c *CRM) Erase(ctx context.Context, person b2bkit.PersonID) (Person, error) {
	if !c.made() {
		return Person{}, errNotMade()
	}
	p, err := c.resolve(ctx, person)
	if err != nil {
		return Person{}, err
	}
	if p.Erased() {
		return p, nil
	}
	p.Name, p.Contacts, p.ErasedAt = "", nil, c.now()
	return c.putPerson(ctx, p, AuditErase, "Erase")
}
