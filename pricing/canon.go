package pricing

import (
	"maps"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// The values the engine takes are put in canonical form where they enter it (see internal/canon):
// a quantity, share or price read from a high-scale numeric column (12.34 from numeric(38,20)) is
// the value written short, checked and priced as such. An ordinary value costs a look at its
// exponent and digits.

// canonicalize puts r's quantity and shares in canonical form.
func (r *Request) canonicalize() {
	canon.Set(&r.Quantity)
	r.Terms = canon.Terms(r.Terms)
}

// padded reports whether canonicalize may change r.
func (r *Request) padded() bool {
	if xerr.Padded(r.Quantity) {
		return true
	}
	for _, in := range r.Terms.Payment.Installments {
		if xerr.Padded(in.Share) {
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
		if xerr.Padded(o.Lines[i].Quantity) {
			o.Lines = slices.Clone(o.Lines)
			for j := i; j < len(o.Lines); j++ {
				canon.Set(&o.Lines[j].Quantity)
			}
			return
		}
	}
}

// canonicalize puts l's numbers in canonical form, copying its named prices if one changes (the
// map may be the source's).
func (l *ListPrice) canonicalize() {
	for _, d := range [...]*decimal.Decimal{&l.Price, &l.Cost, &l.Contract.Price, &l.TaxPercent, &l.PackSize, &l.MinQuantity, &l.Weight} {
		canon.Set(d)
	}
	for _, p := range l.Prices {
		if xerr.Padded(p) {
			l.Prices = maps.Clone(l.Prices)
			for name, p := range l.Prices {
				canon.Set(&p)
				l.Prices[name] = p
			}
			return
		}
	}
}
