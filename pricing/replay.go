package pricing

import "github.com/b2bkit/b2bkit"

// replay is the line's total on the payment terms ti, worked out from what the main walk w did
// from its first payment step on, without walking the policy again: on other payment terms the
// same rules apply (which rules apply depends on the request, its lead time and quantity, not on
// the price), so each of w's lines from there is worked out again on the new price, each guardrail
// is checked against it and the same rounding applies. It gives what resume gives, and ok is false
// wherever it would not follow the walk step for step — graduated breaks, a step whose rule is
// chosen by the price (best for the buyer) or that adds its rules up, a base step after the
// payment step, a price that is not above zero — and resume must decide.
func (w *walk) replay(ti *termsInfo) (total val, ok bool) {
	at := &w.at
	if !at.set || len(w.gradUsed) > 0 || len(w.lines) == 0 || w.lines[len(w.lines)-1].kind != Rounding {
		return val{}, false
	}
	steps := w.e.steps
	price := at.price
	li, gi := at.lines, at.guards
	for si := at.step; si < len(steps); si++ {
		s := &steps[si]
		if w.skip&(1<<si) != 0 {
			// Excluded by a rule of an earlier step, in the walk on any terms; its line, if any,
			// changes nothing.
			for li < len(w.lines) && w.lines[li].s == s {
				li++
			}
			continue
		}
		switch s.kind {
		case Base:
			return val{}, false
		case Guardrail:
			if gi < len(w.guards) && w.guards[gi].si == si {
				ga := &w.guards[gi]
				gi++
				if belowFloor, overDiscount := ga.broken(price); (belowFloor || overDiscount) && ga.g.OnBreach == Clamp {
					price = clampLimit(ga, belowFloor, overDiscount)
				}
			}
			for li < len(w.lines) && w.lines[li].s == s { // the guardrail's line, if the walk broke it
				li++
			}
		case Rounding:
			if li < len(w.lines) && w.lines[li].s == s {
				g := w.lines[li].r
				li++
				if g.incV.isZero() {
					price = roundVal(price, g.Scale, g.RoundingMode)
				} else {
					price = roundIncVal(price, g.incV, g.Scale, g.RoundingMode)
				}
			}
		default:
			if s.combine == BestForBuyer || s.combine == Add {
				return val{}, false
			}
			for li < len(w.lines) && w.lines[li].s == s {
				l := &w.lines[li]
				li++
				var okLine bool
				if price, okLine = w.lineAgain(l, price, ti); !okLine {
					return val{}, false
				}
			}
			if price.sign() <= 0 {
				return val{}, false
			}
		}
	}
	last := &w.lines[len(w.lines)-1]
	if li == len(w.lines)-1 && last.s == nil { // the default rounding
		price = roundVal(price, 2, b2bkit.HalfUp)
		li++
	}
	if li != len(w.lines) || gi != len(w.guards) && w.guards[gi].si >= at.step {
		return val{}, false // the lines were not the ones the steps made
	}
	for i := range w.guards { // as guardRounded checks the rounded price
		ga := &w.guards[i]
		if belowFloor, overDiscount := ga.broken(price); (belowFloor || overDiscount) && ga.g.OnBreach == Clamp {
			price = w.ceilToGrid(clampLimit(ga, belowFloor, overDiscount), last)
		}
	}
	if price.sign() <= 0 {
		return val{}, false
	}
	return productVal(price, w.qty, w.scale, w.mode), true
}

// clampLimit is the highest limit of guardrail ga that a price broke, as breaches gives it.
func clampLimit(ga *guardAt, belowFloor, overDiscount bool) val {
	limit := val{fits: true}
	if belowFloor {
		limit = ga.floor
	}
	if overDiscount && cmpVal(ga.least, limit) > 0 {
		limit = ga.least
	}
	return limit
}

// lineAgain is the price after line l of the walk, worked out on price on the payment terms ti,
// as line works it out; ok is false for a line it does not follow.
func (w *walk) lineAgain(l *wline, on val, ti *termsInfo) (val, bool) {
	c := l.r
	switch l.kind {
	case Tier:
		if c.hasAmount {
			return addVal(on, c.amountV), true
		}
		return afterFrac(on, c.fracV), true
	case Payment:
		return afterFrac(on, c.payVal(l.s, ti)), true
	case LeadTime:
		if b := leadTimeBand(c.bands, int64(ti.lead)); b != nil {
			return afterFrac(on, b.fracV), true
		}
	case Quantity:
		if c.Mode == Graduated {
			return val{}, false
		}
		q := w.qty
		if l.mix != nil {
			q = l.mix.qty
		}
		if b := volumeBandV(c.bands, q); b != nil {
			return afterFrac(on, b.fracV), true
		}
	}
	return val{}, false
}
