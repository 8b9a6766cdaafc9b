package crm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// A DealID identifies one deal (opportunity).
type DealID string

// A DealContact is a person with buying roles on one deal (Salesforce's opportunity contact role): the
// chef who tests the samples of this tender, the owner who signs it.
type DealContact struct {
	// Person is who; Roles what she does on this deal (R1).
	Person b2bkit.PersonID `json:"person"`
	Roles  []Role          `json:"roles"`
	// Outside marks a contact who does not work at the deal's company — a consultant, a design
	// institute, a franchisor's buyer: her roles count without a spell there.
	Outside bool `json:"outside,omitempty"`
}

// A Deal is one opportunity with a customer company — a tender, a yearly supply contract, a new
// kitchen — with the buying committee of that deal beside the account's: the people involved in
// one purchase are not always the account's usual ones.
type Deal struct {
	// ID identifies the deal; Company is the customer; Name says what it is about.
	ID      DealID           `json:"id"`
	Company b2bkit.CompanyID `json:"company"`
	Name    string           `json:"name"`
	// Opened is when the deal was opened; Closed when it was won or lost, zero while open; Won
	// says which.
	Opened time.Time `json:"opened"`
	Closed time.Time `json:"closed,omitzero"`
	Won    bool      `json:"won,omitempty"`
	// Contacts are the people with roles on the deal, one entry per person.
	Contacts []DealContact `json:"contacts"`
	// Version is the stored version for optimistic concurrency; 0 for a deal not yet stored.
	Version int64 `json:"version"`
}

// Validate reports every problem with the deal. Errors match b2bkit.ErrInvalid and name the field.
func (d Deal) Validate() error {
	var errs []error
	if d.ID == "" || len(d.ID) > MaxNameLen {
		errs = append(errs, b2bkit.Invalid("id", "must be 1 to %d bytes", MaxNameLen))
	}
	if d.Company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must not be empty"))
	}
	if d.Name == "" || len(d.Name) > MaxNameLen || !utf8.ValidString(d.Name) {
		errs = append(errs, b2bkit.Invalid("name", "must be 1 to %d bytes of UTF-8", MaxNameLen))
	}
	if d.Opened.IsZero() {
		errs = append(errs, b2bkit.Invalid("opened", "must be set"))
	}
	if !d.Closed.IsZero() && d.Closed.Before(d.Opened) {
		errs = append(errs, b2bkit.Invalid("closed", "must not be before opened"))
	}
	if d.Won && d.Closed.IsZero() {
		errs = append(errs, b2bkit.Invalid("won", "an open deal is not won yet"))
	}
	seen := make(map[b2bkit.PersonID]bool, len(d.Contacts))
	for i, c := range d.Contacts {
		f := fmt.Sprintf("contacts[%d]", i)
		if c.Person == "" {
			errs = append(errs, b2bkit.Invalid(f+".person", "must not be empty"))
		} else if seen[c.Person] {
			errs = append(errs, b2bkit.Invalid(f+".person", "person %s is named twice", c.Person))
		}
		seen[c.Person] = true
		if len(c.Roles) == 0 {
			errs = append(errs, b2bkit.Invalid(f+".roles", "a contact on a deal holds at least one role"))
		}
		if err := validRoles(f+".roles", c.Roles); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (d Deal) clone() Deal {
	d.Contacts = cloneSlice(d.Contacts)
	for i := range d.Contacts {
		d.Contacts[i].Roles = cloneSlice(d.Contacts[i].Roles)
	}
	return d
}

// UnmarshalJSON reads a deal strictly: unknown fields are errors.
func (d *Deal) UnmarshalJSON(b []byte) error {
	type plain Deal
	var v plain // a fresh value: nothing of the old one is left, and a failed decode changes nothing
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*d = Deal(v)
	return nil
}

// AddDeal stores a new deal of an existing company, opened at its Opened (the clock's now if zero),
// with its contacts, who must exist (a merged id is replaced by the person it was merged into). Its
// Version must be 0; a deal ID already stored matches b2bkit.ErrConflict.
func (c *CRM) AddDeal(ctx context.Context, d Deal) (Deal, error) {
	if !c.made() {
		return Deal{}, errNotMade()
	}
	if d.Version != 0 {
		return Deal{}, wrap(b2bkit.Invalid("deal.version", "must be 0 for a new deal"))
	}
	if d.Opened.IsZero() {
		d.Opened = c.now()
	}
	d = d.clone()
	if err := d.Validate(); err != nil {
		return Deal{}, wrap(b2bkit.InField("deal", err))
	}
	if _, err := c.store.Company(ctx, d.Company); err != nil {
		return Deal{}, wrap(err)
	}
	for i := range d.Contacts {
		p, err := c.resolve(ctx, d.Contacts[i].Person)
		if err != nil {
			return Deal{}, err
		}
		d.Contacts[i].Person = p.ID
	}
	if err := d.Validate(); err != nil { // two ids of one person
		return Deal{}, wrap(b2bkit.InField("deal", err))
	}
	return c.putDeal(ctx, d)
}

func (c *CRM) putDeal(ctx context.Context, d Deal) (Deal, error) {
	if err := c.store.Apply(ctx, Batch{Deals: []Deal{d}}); err != nil {
		return Deal{}, wrap(err)
	}
	d.Version++
	return d, nil
}

// Deal returns the deal with the given id, or an error matching b2bkit.ErrNotFound.
func (c *CRM) Deal(ctx context.Context, id DealID) (Deal, error) {
	if !c.made() {
		return Deal{}, errNotMade()
	}
	d, err := c.store.Deal(ctx, id)
	return d, wrap(err)
}

// Deals returns the deals of a company in ascending id order.
func (c *CRM) Deals(ctx context.Context, company b2bkit.CompanyID) ([]Deal, error) {
	if !c.made() {
		return nil, errNotMade()
	}
	d, err := c.store.Deals(ctx, company)
	return d, wrap(err)
}

// SetDealContact gives a person her roles on a deal, replacing those she had on it; no roles takes
// her off it. The person must exist (a merged id is followed). Two calls racing on one deal: the
// loser gets an error matching b2bkit.ErrConflict and can retry.
func (c *CRM) SetDealContact(ctx context.Context, id DealID, dc DealContact) (Deal, error) {
	if !c.made() {
		return Deal{}, errNotMade()
	}
	if err := validRoles("roles", dc.Roles); err != nil {
		return Deal{}, wrap(err)
	}
	d, err := c.store.Deal(ctx, id)
	if err != nil {
		return Deal{}, wrap(err)
	}
	p, err := c.resolve(ctx, dc.Person)
	if err != nil {
		return Deal{}, err
	}
	dc.Person, dc.Roles = p.ID, slices.Clone(dc.Roles)
	i := slices.IndexFunc(d.Contacts, func(x DealContact) bool { return x.Person == p.ID })
	switch {
	case i >= 0 && len(dc.Roles) == 0:
		d.Contacts = slices.Delete(d.Contacts, i, i+1)
	case i >= 0:
		d.Contacts[i] = dc
	case len(dc.Roles) > 0:
		d.Contacts = append(d.Contacts, dc)
	default:
		return d, nil
	}
	if err := d.Validate(); err != nil {
		return Deal{}, wrap(b2bkit.InField("deal", err))
	}
	return c.putDeal(ctx, d)
}

// CloseDeal records that a deal was won (or lost) at at, which must be set and not before it
// opened. Closing a closed deal is an error matching b2bkit.ErrInvalid.
func (c *CRM) CloseDeal(ctx context.Context, id DealID, won bool, at time.Time) (Deal, error) {
	if !c.made() {
		return Deal{}, errNotMade()
	}
	if at.IsZero() {
		return Deal{}, wrap(b2bkit.Invalid("at", "must be set"))
	}
	d, err := c.store.Deal(ctx, id)
	if err != nil {
		return Deal{}, wrap(err)
	}
	if !d.Closed.IsZero() {
		return Deal{}, wrap(b2bkit.Invalid("deal.closed", "deal %s closed already", id))
	}
	d.Closed, d.Won = at, won
	if err := d.Validate(); err != nil {
		return Deal{}, wrap(b2bkit.InField("deal", err))
	}
	return c.putDeal(ctx, d)
}

// A DealCommittee is the buying committee of one deal at a date, beside the account's (R1): who
// holds each role on the deal, which required roles the deal lacks, and whom the account has in them.
type DealCommittee struct {
	Deal DealID `json:"deal"`
	// Committee is the deal's: its contacts who work at the company at the date (by a spell there)
	// or are marked Outside, with their roles on the deal.
	Committee Committee `json:"committee"`
	// Departed are contacts named on the deal who do not work at the company at the date: they left
	// (R3), and their roles on the deal count for nothing.
	Departed []b2bkit.PersonID `json:"departed"`
	// Account is the company's own committee at the date.
	Account Committee `json:"account"`
	// Suggested lists, for each required role the deal lacks, the account's holders of it: the people
	// to bring into the deal.
	Suggested []Seat `json:"suggested"`
}

// DealCommittee returns the buying committee of a deal at the date at, beside its company's. An
// unknown deal matches b2bkit.ErrNotFound; a zero at matches b2bkit.ErrInvalid.
func (c *CRM) DealCommittee(ctx context.Context, id DealID, at time.Time) (DealCommittee, error) {
	if !c.made() {
		return DealCommittee{}, errNotMade()
	}
	if at.IsZero() {
		return DealCommittee{}, wrap(b2bkit.Invalid("at", "must be set"))
	}
	d, err := c.store.Deal(ctx, id)
	if err != nil {
		return DealCommittee{}, wrap(err)
	}
	account, err := c.Committee(ctx, d.Company, at)
	if err != nil {
		return DealCommittee{}, err
	}
	spells, err := c.store.Spells(ctx, SpellQuery{Company: d.Company, ActiveAt: at})
	if err != nil {
		return DealCommittee{}, wrap(err)
	}
	out := DealCommittee{Deal: id, Account: account, Departed: []b2bkit.PersonID{}, Suggested: []Seat{}}
	// The deal's committee is built from spells carrying the deal's roles: a contact's spell at the
	// company, or one made up for an outsider from the deal's opening.
	var dealSpells []Spell
	for _, dc := range d.Contacts {
		p, err := c.resolve(ctx, dc.Person)
		if err != nil {
			return DealCommittee{}, err
		}
		i := slices.IndexFunc(spells, func(s Spell) bool { return s.Person == p.ID })
		switch {
		case i >= 0:
			s := spells[i]
			s.Roles = dc.Roles
			dealSpells = append(dealSpells, s)
		case dc.Outside:
			dealSpells = append(dealSpells, Spell{Person: p.ID, Company: d.Company, Title: "outside", Roles: dc.Roles, Start: d.Opened})
		default:
			out.Departed = append(out.Departed, dc.Person)
		}
	}
	slices.SortStableFunc(dealSpells, compareSpells)
	out.Committee = c.committee(d.Company, at, dealSpells)
	for _, r := range out.Committee.Missing {
		if h := account.Holders(r); len(h) > 0 {
			out.Suggested = append(out.Suggested, Seat{Role: r, Holders: h})
		}
	}
	return out, nil
}
