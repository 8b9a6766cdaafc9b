package pricing

import (
	"fmt"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// Normalize restates a unit price agreed under one request's quantity and terms as the price of
// the same goods under another's: the quantity, payment and lead-time steps that from's quantity
// and terms earn are taken out and those to's earn are put in. Matching uses it to turn past trades
// into reference prices for a new request (R12, R13).
//
// Each of those steps acts as a factor on the price (1 + its fraction, combined as the step says),
// so the result is price x F(to) / F(from), rounded HalfUp to AmountScale places; it is not rounded
// to the price list's scale, since it feeds statistics. Rules scoped by buyer, tier, grade or SKU
// match each request's own fields; base, tier, guardrail and rounding steps are left out, as they do
// not depend on the terms. A price that is not > 0, a quantity that is not > 0 or invalid terms are
// errors matching b2bkit.ErrInvalid, naming "from.…" or "to.…".
func (e *Engine) Normalize(price decimal.Decimal, from, to Request) (decimal.Decimal, error) {
	if !checkNumber(price) || price.Sign() <= 0 {
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("price", "must be > 0 and in range"))
	}
	ff, err := e.factor(&from, "from")
	if err != nil {
		return decimal.Decimal{}, err
	}
	ft, err := e.factor(&to, "to")
	if err != nil {
		return decimal.Decimal{}, err
	}
	if ff.Equal(ft) {
		return roundHalfUp(price, AmountScale), nil
	}
	return mulDivRound(price, ft, ff, AmountScale), nil
}

// factor is the product of (1 + fraction) over the quantity, payment and lead-time steps for r.
func (e *Engine) factor(r *Request, field string) (decimal.Decimal, error) {
	switch {
	case !checkNumber(r.Quantity):
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", b2bkit.Invalid(field+".quantity", "out of range"))
	case r.Quantity.Sign() <= 0:
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", b2bkit.Invalid(field+".quantity", "must be > 0"))
	}
	if err := termsValid(r.Terms); err != nil {
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", b2bkit.InField(field+".terms", err))
	}
	var ti termsInfo
	haveTerms := false
	var scratch [8]*crule
	f := one
	for si := range e.steps {
		s := &e.steps[si]
		if s.kind != Quantity && s.kind != Payment && s.kind != LeadTime {
			continue
		}
		cands := s.candidates(scratch[:0], r)
		if len(cands) == 0 {
			continue
		}
		if !haveTerms && s.kind != Quantity {
			ti, haveTerms = newTermsInfo(r.Terms), true
		}
		var step decimal.Decimal
		switch s.combine {
		case MostSpecific:
			step, _ = mostSpecific(cands).fraction(s, r, &ti)
			step = one.Add(step)
		case BestForBuyer:
			found := false
			for _, c := range cands {
				if x, ok := c.fraction(s, r, &ti); ok && (!found || x.LessThan(step)) {
					step, found = x, true
				}
			}
			step = one.Add(step)
		case Add:
			step = one
			for _, c := range cands {
				if x, ok := c.fraction(s, r, &ti); ok {
					step = step.Add(x)
				}
			}
		case Compound:
			step = one
			for _, c := range cands {
				if x, ok := c.fraction(s, r, &ti); ok {
					step = step.Add(mulRound(step, x, FractionScale))
				}
			}
		}
		if f.Equal(one) {
			f = roundHalfUp(step, FractionScale)
		} else {
			f = mulRound(f, step, FractionScale)
		}
	}
	if f.Sign() <= 0 {
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", b2bkit.Invalid(field, "the policy's adjustments for these terms take the price to zero or below"))
	}
	return f, nil
}
