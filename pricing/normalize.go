package pricing

import (
	"context"
	"fmt"
	"math/bits"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/fastdec"
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
// not depend on the terms, and so are exclusions, which depend on the base. Rules match each
// request's own fields and date (its order date); a mixed-case rule counts the request's own
// quantity. A price that is not > 0, a quantity that is not > 0 or invalid terms are errors
// matching b2bkit.ErrInvalid, naming "from.…" or "to.…".
//
// Normalize is NormalizeContext with context.Background(): it asks the price source only when the
// policy scopes a quantity, payment or lead-time rule by SKU attributes.
func (e *Engine) Normalize(price decimal.Decimal, from, to Request) (decimal.Decimal, error) {
	return e.normalize(context.Background(), price, from, to)
}

// NormalizeContext is Normalize with a context for the price source, which it asks for the
// attributes of each side's SKU when the policy scopes a quantity, payment or lead-time rule by
// SKU attributes; a SKU the source lacks is then an error matching b2bkit.ErrNotFound. A done ctx
// is ctx.Err(), before any work, whether or not the source would be asked.
func (e *Engine) NormalizeContext(ctx context.Context, price decimal.Decimal, from, to Request) (decimal.Decimal, error) {
	if !e.made() {
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", errNoEngine())
	}
	if err := ctx.Err(); err != nil {
		return decimal.Decimal{}, err
	}
	return e.normalize(ctx, price, from, to)
}

// normalize is NormalizeContext without the context check, for Normalize, whose context is never
// done: the matching book restates a price per trade through it.
func (e *Engine) normalize(ctx context.Context, price decimal.Decimal, from, to Request) (decimal.Decimal, error) {
	if !e.made() {
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", errNoEngine())
	}
	setPlaces(&price)
	from.canonicalize()
	to.canonicalize()
	if !checkNumber(price) || price.Sign() <= 0 {
		return decimal.Decimal{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("price", "must be > 0 and in range"))
	}
	if err := checkSide(&from, "from"); err != nil {
		return decimal.Decimal{}, err
	}
	if err := checkSide(&to, "to"); err != nil {
		return decimal.Decimal{}, err
	}
	fromAttrs, err := e.termAttributes(ctx, &from, "from")
	if err != nil {
		return decimal.Decimal{}, err
	}
	toAttrs, err := e.termAttributes(ctx, &to, "to")
	if err != nil {
		return decimal.Decimal{}, err
	}
	// The integer path gives the same factors as the decimal one without allocating for them; it
	// gives up (ok false) when a number does not fit, and the decimal path decides.
	fi, okFrom := e.factorUnits(&from, fromAttrs)
	ti, okTo := e.factorUnits(&to, toAttrs)
	if okFrom && okTo {
		switch {
		case fi <= 0:
			return decimal.Decimal{}, belowZero("from")
		case ti <= 0:
			return decimal.Decimal{}, belowZero("to")
		case fi == ti:
			return roundHalfUp(price, AmountScale), nil
		}
		if neg, m, ok := coef(price); ok {
			if d, ok := mulDiv128(neg, m, uint64(ti), uint64(fi), price.Exponent()+AmountScale, AmountScale); ok {
				return d, nil
			}
		}
	}
	ff, err := e.factor(&from, fromAttrs, "from")
	if err != nil {
		return decimal.Decimal{}, err
	}
	ft, err := e.factor(&to, toAttrs, "to")
	if err != nil {
		return decimal.Decimal{}, err
	}
	if ff.Equal(ft) {
		return roundHalfUp(price, AmountScale), nil
	}
	return mulDivRound(price, ft, ff, AmountScale), nil
}

// termAttributes are the attributes of the SKU of one side of Normalize, from the price source,
// when a quantity, payment or lead-time rule is scoped by attributes; nil otherwise.
func (e *Engine) termAttributes(ctx context.Context, r *Request, field string) (map[string]string, error) {
	if r.SKU == "" || !e.termsByAttr() {
		return nil, nil
	}
	lp, err := e.prices.ListPrice(ctx, PriceQuery{SKU: r.SKU, Buyer: r.Buyer, Group: r.Group, At: r.Terms.OrderedAt})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return lp.Attributes, nil
}

// termsByAttr reports whether a quantity, payment or lead-time rule is scoped by attributes.
func (e *Engine) termsByAttr() bool {
	for _, t := range e.byAttr {
		for si, rules := range t {
			if k := e.steps[si].kind; len(rules) > 0 && (k == Quantity || k == Payment || k == LeadTime) {
				return true
			}
		}
	}
	return false
}

func belowZero(field string) error {
	return fmt.Errorf("pricing: %w", b2bkit.Invalid(field, "the policy's adjustments for these terms take the price to zero or below"))
}

// checkSide checks what Normalize needs of one side: a quantity > 0 and valid terms.
func checkSide(r *Request, field string) error {
	switch {
	case !checkNumber(r.Quantity):
		return fmt.Errorf("pricing: %w", b2bkit.Invalid(field+".quantity", "out of range"))
	case r.Quantity.Sign() <= 0:
		return fmt.Errorf("pricing: %w", b2bkit.Invalid(field+".quantity", "must be > 0"))
	}
	if err := r.Terms.Validate(); err != nil {
		return fmt.Errorf("pricing: %w", b2bkit.InField(field+".terms", err))
	}
	return nil
}

// fracUnit is 1 in the integer path's units: fractions and factors at FractionScale places.
const fracUnit = int64(1e16)

// units16 converts a fraction to int64 units of 10^-16, if it has at most 16 places and fits.
func units16(x decimal.Decimal) (int64, bool) {
	if x.IsZero() {
		return 0, true
	}
	neg, m, ok := coef(x)
	exp := x.Exponent()
	if !ok || exp < -FractionScale || exp+FractionScale > 19 {
		return 0, false
	}
	hi, lo := bits.Mul64(m, fastdec.Pow10(exp+FractionScale))
	if hi != 0 || lo > 1<<62 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

// mulUnits is a x b / fracUnit rounded HalfUp (halves away from zero), if it fits.
func mulUnits(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = uint64(-a)
	}
	if b < 0 {
		ub = uint64(-b)
	}
	hi, lo := bits.Mul64(ua, ub)
	const u = uint64(fracUnit)
	if hi >= u {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, u)
	if r >= u-r {
		q++
	}
	if q > 1<<62 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

// termStepWalk walks the quantity, payment and lead-time steps of a policy that have rules matching
// a request, the steps Normalize restates: next(r) returns each with its candidate rules (in the
// walk's scratch memory, valid until the next call), and nil at the end. ti is the request's terms
// analysis, worked out at the first step that needs it.
type termStepWalk struct {
	e         *Engine
	attrs     map[string]string
	si        int
	ti        termsInfo
	haveTerms bool
	scratch   [8]*crule
}

func (w *termStepWalk) next(r *Request, scoped [][][]*crule) (*cstep, []*crule) {
	for ; w.si < len(w.e.steps); w.si++ {
		s := &w.e.steps[w.si]
		if s.kind != Quantity && s.kind != Payment && s.kind != LeadTime {
			continue
		}
		cands := s.candidates(w.scratch[:0], r, w.attrs, scoped, r.Terms.OrderedAt)
		if len(cands) == 0 {
			continue
		}
		if !w.haveTerms && s.kind != Quantity {
			w.ti, w.haveTerms = newTermsInfo(&r.Terms), true
		}
		w.si++
		return s, cands
	}
	return nil, nil
}

// factorUnits is factor in units of 10^-16 for a request checkSide accepted; ok is false when a
// number does not fit and the decimal path must decide.
func (e *Engine) factorUnits(r *Request, attrs map[string]string) (int64, bool) {
	f := fracUnit
	var buf [4][][]*crule
	scoped := e.scopedRules(buf[:0], r.SKU, attrs)
	w := termStepWalk{e: e, attrs: attrs}
	for s, cands := w.next(r, scoped); s != nil; s, cands = w.next(r, scoped) {
		ti := &w.ti
		frac := func(c *crule) (int64, bool, bool) { // units, applies, fits
			if fx, ok := c.payFixed(s, ti); ok && fx.exp == -FractionScale {
				return fx.c, true, fx.c <= 1<<62 && fx.c >= -(1<<62)
			}
			x, applies := c.fraction(s, r, ti)
			if !applies {
				return 0, false, true
			}
			u, fits := units16(x)
			return u, true, fits
		}
		var step int64
		switch s.combine {
		case First:
			found := false
			for _, c := range cands {
				x, applies, fits := frac(c)
				if !fits {
					return 0, false
				}
				if applies {
					step, found = fracUnit+x, true
					break
				}
			}
			if !found {
				step = fracUnit
			}
		case MostSpecific:
			x, _, fits := frac(mostSpecific(cands))
			if !fits {
				return 0, false
			}
			step = fracUnit + x
		case BestForBuyer:
			found := false
			var best int64
			for _, c := range cands {
				x, applies, fits := frac(c)
				if !fits {
					return 0, false
				}
				if applies && (!found || x < best) {
					best, found = x, true
				}
			}
			step = fracUnit + best
		case Add:
			step = fracUnit
			for _, c := range cands {
				x, _, fits := frac(c)
				if !fits || x > 1<<61 || x < -(1<<61) || step > 1<<61 || step < -(1<<61) {
					return 0, false
				}
				step += x
			}
		case Compound:
			step = fracUnit
			for _, c := range cands {
				x, applies, fits := frac(c)
				if !fits {
					return 0, false
				}
				if applies {
					d, ok := mulUnits(step, x)
					if !ok {
						return 0, false
					}
					step += d
				}
			}
		}
		var ok bool
		if f, ok = mulUnits(f, step); !ok {
			return 0, false
		}
	}
	return f, true
}

// factor is the product of (1 + fraction) over the quantity, payment and lead-time steps for a
// request checkSide accepted, in decimals.
func (e *Engine) factor(r *Request, attrs map[string]string, field string) (decimal.Decimal, error) {
	f := one
	var buf [4][][]*crule
	scoped := e.scopedRules(buf[:0], r.SKU, attrs)
	w := termStepWalk{e: e, attrs: attrs}
	for s, cands := w.next(r, scoped); s != nil; s, cands = w.next(r, scoped) {
		ti := &w.ti
		var step decimal.Decimal
		switch s.combine {
		case MostSpecific:
			step, _ = mostSpecific(cands).fraction(s, r, ti)
			step = one.Add(step)
		case First:
			step = one
			for _, c := range cands {
				if x, ok := c.fraction(s, r, ti); ok {
					step = one.Add(x)
					break
				}
			}
		case BestForBuyer:
			found := false
			for _, c := range cands {
				if x, ok := c.fraction(s, r, ti); ok && (!found || x.LessThan(step)) {
					step, found = x, true
				}
			}
			step = one.Add(step)
		case Add:
			step = one
			for _, c := range cands {
				if x, ok := c.fraction(s, r, ti); ok {
					step = step.Add(x)
				}
			}
		case Compound:
			step = one
			for _, c := range cands {
				if x, ok := c.fraction(s, r, ti); ok {
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
		return decimal.Decimal{}, belowZero(field)
	}
	return f, nil
}
