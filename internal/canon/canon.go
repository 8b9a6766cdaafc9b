// Package canon puts the values a package takes in their canonical form where they enter it: the
// decimals of a record or a request as the values they are, not as a host's database wrote them
// (see xerr.Canonical), so validation and the fast paths after it see 12.34 read from a
// numeric(38,20) column as 12.34. An ordinary value costs a look at its exponent and digits and is
// never copied.
package canon

import (
	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// Set replaces *d with its canonical form and reports whether it changed.
func Set(d *decimal.Decimal) bool {
	if !xerr.Padded(*d) {
		return false
	}
	c := xerr.Canonical(*d)
	if c.Exponent() == d.Exponent() {
		return false
	}
	*d = c
	return true
}

// Payment is p with its shares canonical; the installments are copied when a share changes, never
// written in place, for they may be the caller's.
func Payment(p b2bkit.PaymentTerms) b2bkit.PaymentTerms {
	for i, in := range p.Installments {
		if !xerr.Padded(in.Share) {
			continue
		}
		ins := make([]b2bkit.Installment, len(p.Installments))
		copy(ins, p.Installments)
		for j := i; j < len(ins); j++ {
			ins[j].Share = xerr.Canonical(ins[j].Share)
		}
		p.Installments = ins
		return p
	}
	return p
}

// Terms is t with its payment schedule canonical (see Payment).
func Terms(t b2bkit.Terms) b2bkit.Terms {
	t.Payment = Payment(t.Payment)
	return t
}
