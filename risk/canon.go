package risk

import (
	"slices"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// Configurations are read as values (see internal/canon): a bound or a figure written with trailing
// zeros beyond 18 places (from a numeric(38,20) column) is the value written short. Each canonical
// returns its receiver itself when no number needs it, else a copy: the caller's is never written.

// canonical is s with its bin bounds canonical, the compiled card's integer bounds being kept at
// the bounds' finest exponent.
func (s Scorecard) canonical() Scorecard {
	padded := func(d *decimal.Decimal) bool { return d != nil && xerr.Padded(*d) }
	for i, a := range s.Attributes {
		if !slices.ContainsFunc(a.Bins, func(b Bin) bool { return padded(b.Min) || padded(b.Max) }) {
			continue
		}
		s.Attributes = slices.Clone(s.Attributes)
		for j := i; j < len(s.Attributes); j++ {
			a := &s.Attributes[j]
			a.Bins = slices.Clone(a.Bins)
			for k := range a.Bins {
				for _, p := range [...]**decimal.Decimal{&a.Bins[k].Min, &a.Bins[k].Max} {
					if padded(*p) {
						d := xerr.Canonical(**p)
						*p = &d
					}
				}
			}
		}
		return s
	}
	return s
}

// writable is d as a document writes it: itself when its exponent is within ±valueMaxExponent,
// else the value it is (0 x 10^1073741824 is 0), or an error matching b2bkit.ErrInvalid naming
// field when that is beyond too; written out, it would take as many digits as its exponent says.
func writable(field string, d decimal.Decimal) (decimal.Decimal, error) {
	if e := d.Exponent(); e >= -valueMaxExponent && e <= valueMaxExponent {
		return d, nil
	}
	c, ok := valueNumber(d)
	if !ok {
		return d, b2bkit.Invalid(field, "must be written with an exponent within ±%d, not %s", valueMaxExponent, xerr.EchoDecimal(d))
	}
	return c, nil
}

// writableJSON is writable as a b2bkit.JSONDecimal, the error kept in *err (the first only). A
// number JSONDecimal does not write (xerr.SaneValue refuses it: 1e-30) is refused here, where its
// field is known; JSONDecimal would refuse it without a name.
func writableJSON(field string, d decimal.Decimal, err *error) b2bkit.JSONDecimal {
	c, e := writable(field, d)
	if e == nil && !xerr.SaneValue(c) {
		e = b2bkit.Invalid(field, "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(d))
	}
	if e != nil && *err == nil {
		*err = e
	}
	return b2bkit.JSONDecimal{Decimal: c}
}

// canonical is p with its step, multiples and caps canonical.
func (p LimitPolicy) canonical() LimitPolicy {
	canon.Set(&p.Step)
	for i, g := range p.Grades {
		if !xerr.Padded(g.Multiple) && !xerr.Padded(g.Cap) {
			continue
		}
		p.Grades = slices.Clone(p.Grades)
		for j := i; j < len(p.Grades); j++ {
			canon.Set(&p.Grades[j].Multiple)
			canon.Set(&p.Grades[j].Cap)
		}
		break
	}
	return p
}
