package risk

import (
	"slices"

	"github.com/shopspring/decimal"

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
