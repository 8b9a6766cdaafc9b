package pricing

import (
	"fmt"
	"maps"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// The values the engine takes are put in canonical form where they enter it (see internal/canon):
// a quantity, share or price read from a high-scale numeric column (12.34 from numeric(38,20)) is
// the value written short, checked and priced as such. Of the engine's checks (checkNumber) only
// the places read a number as it is written — its digits before the point are its value's — so a
// number is read for trailing zeros only when it has more places than any check takes: an ordinary
// value costs a look at its exponent. (A coefficient of more than 18 digits within 18 places was
// taken before and still is; the exact paths price it.)

// overPlaced reports whether d has more places than checkNumber takes, as written, or an exponent
// beyond them (1e19 is the number written out; a zero written 0e1073741824 is zero, which compared
// as written would be scaled by a power of ten of a billion digits).
func overPlaced(d decimal.Decimal) bool {
	e := d.Exponent()
	return e < -xerr.MaxExponent || e > xerr.MaxExponent
}

// setPlaces puts *d in canonical form when it is over-placed.
func setPlaces(d *decimal.Decimal) {
	if overPlaced(*d) {
		*d = xerr.Canonical(*d)
	}
}

// setSane is setPlaces, reporting whether *d is then within the exponents checkNumber takes: a
// number it leaves beyond them (1e-1073741824, 1e1073741824) is no value any check passes.
func setSane(d *decimal.Decimal) bool {
	if !overPlaced(*d) {
		return true
	}
	*d = xerr.Canonical(*d)
	return !overPlaced(*d)
}

// canonicalize puts r's quantity and shares in canonical form.
func (r *Request) canonicalize() {
	setPlaces(&r.Quantity)
	for _, in := range r.Terms.Payment.Installments {
		if overPlaced(in.Share) {
			r.Terms = canon.Terms(r.Terms)
			return
		}
	}
}

// padded reports whether canonicalize may change r.
func (r *Request) padded() bool {
	if overPlaced(r.Quantity) {
		return true
	}
	for _, in := range r.Terms.Payment.Installments {
		if overPlaced(in.Share) {
			return true
		}
	}
	return false
}

// canonicalRequests is reqs with every request canonical: reqs itself when none needs it, else a
// copy, so the caller's requests are never written.
func canonicalRequests(reqs []Request) []Request {
	for i := range reqs {
		if !reqs[i].padded() {
			continue
		}
		out := slices.Clone(reqs)
		for j := i; j < len(out); j++ {
			out[j].canonicalize()
		}
		return out
	}
	return reqs
}

// canonicalize puts o's quantities and shares in canonical form, copying the lines if one changes.
func (o *OrderRequest) canonicalize() {
	o.Terms = canon.Terms(o.Terms)
	for i := range o.Lines {
		if overPlaced(o.Lines[i].Quantity) {
			o.Lines = slices.Clone(o.Lines)
			for j := i; j < len(o.Lines); j++ {
				setPlaces(&o.Lines[j].Quantity)
			}
			return
		}
	}
}

// canonicalize puts l's numbers in canonical form, copying its named prices if one changes (the
// map may be the source's), and reports whether each is then within the exponents checkNumber
// takes. A quote checks the list price and the cost where it reads them; the other numbers it
// reads only where a rule asks, so a source's number with an absurd exponent is refused here, at
// the cost of the exponent compare canonicalize makes anyway (see usableListPrice).
func (l *ListPrice) canonicalize() (sane bool) {
	sane = true
	for _, d := range [...]*decimal.Decimal{&l.Price, &l.Cost, &l.Contract.Price, &l.TaxPercent, &l.PackSize, &l.MinQuantity, &l.Weight} {
		sane = setSane(d) && sane
	}
	for _, p := range l.Prices {
		if overPlaced(p) {
			l.Prices = maps.Clone(l.Prices)
			for name, p := range l.Prices {
				sane = setSane(&p) && sane
				l.Prices[name] = p
			}
			return sane
		}
	}
	return sane
}

// usableListPrice puts the list price a source gave for sku in canonical form and refuses it,
// naming the field, when a number of it has an exponent no check passes: comparing or adding it
// would scale it by a power of ten of a billion digits.
func usableListPrice(l *ListPrice, sku b2bkit.SKU) error {
	if l.canonicalize() {
		return nil
	}
	err := l.Validate()
	if err == nil {
		err = b2bkit.Invalid("", "%s", xerr.InsaneExponent)
	}
	return fmt.Errorf("pricing: sku %q: %w", sku, b2bkit.InField("list_price", err))
}

// decimals calls f with every number of the policy: the rules' figures, their bands and early
// payment offers, and the steps' reference schedules.
func (p *Policy) decimals(f func(*decimal.Decimal)) {
	for _, steps := range [...][]Step{p.Steps, p.Order} {
		for i := range steps {
			s := &steps[i]
			if s.Reference != nil {
				for k := range s.Reference.Installments {
					f(&s.Reference.Installments[k].Share)
				}
			}
			for j := range s.Rules {
				r := &s.Rules[j]
				for _, d := range [...]*decimal.Decimal{&r.Price, &r.Percent, &r.Amount, &r.AnnualPercent,
					&r.FloorMarginPercent, &r.MaxDiscountPercent, &r.Increment, &r.FreeFrom, &r.Every, &r.Free} {
					f(d)
				}
				for k := range r.Bands {
					b := &r.Bands[k]
					f(&b.From)
					f(&b.To)
					f(&b.Percent)
					f(&b.Amount)
				}
				if r.EarlyPayment != nil {
					f(&r.EarlyPayment.DiscountPercent)
				}
			}
		}
	}
}

// canonical is p with its numbers in canonical form: p itself when none needs it, else a deep copy
// (clonePolicy), so the caller's policy is never written.
func (p Policy) canonical() Policy {
	padded := false
	p.decimals(func(d *decimal.Decimal) { padded = padded || overPlaced(*d) })
	if !padded {
		return p
	}
	c := clonePolicy(p)
	c.decimals(setPlaces)
	return c
}
