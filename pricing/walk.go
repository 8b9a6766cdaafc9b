package pricing

import (
	"fmt"
	"slices"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// A walk prices one line through the policy's steps. It works on vals — integers where the numbers
// fit — and records what each step did as a wline, which holds no decimal that was not there
// already: a quote writes its lines out (see writeLines) only after the walk, so the walks that
// only want a price (each part of a graduated line, and the same request on the terms that bound an
// early-payment offer) make no decimal and no line at all.
type walk struct {
	e   *Engine
	r   *Request
	lp  *ListPrice
	ti  *termsInfo
	now time.Time
	// general holds, per step, the rules without a SKU or attributes that match the request,
	// resolved once for the quote or the batch's buyer; scoped are the tables of rules, per step,
	// for the request's SKU and for the values of its attributes (see Engine.scopedRules).
	general [][]*crule
	scoped  [][][]*crule
	scratch []*crule
	// grad fixes each graduated rule at one band's rate while one part of a graduated line is
	// priced; alt says the walk prices the request on other terms, for an early-payment offer;
	// mix are the quantities mixed-case rules count in an order (QuoteOrder).
	grad []gradRate
	alt  bool
	mix  []mixQty

	// qty is the quantity priced (qtyD as a decimal): the request's, or the next one the SKU is
	// sold in (see units).
	qty, list, cost val
	qtyD            decimal.Decimal
	price, base     val
	lines           []wline
	brs             []wbreach
	guards          []guardAt // the guardrails that applied, checked again after the rounding
	gradUsed        []*crule  // the graduated rules that applied
	early           *crule    // the payment rule whose early-payment offer the quote carries
	rounded         bool
	scale           int32
	mode            b2bkit.RoundingMode
	approval        bool
	// skip are the line steps the rules that applied exclude, a bit per step; skipOrder the order
	// steps; excluders the rules that excluded them.
	skip, skipOrder uint64
	excluders       []*crule
	// at is the state before the first payment step, where a walk on other payment terms
	// resumes: nothing before it depends on the payment schedule.
	at walkAt
	// sc is the scratch memory of the call, where the walks it starts keep their lines.
	sc *scratch
}

// scratch is the working memory of one Quote, QuoteMany or QuoteOrder call: the request and list
// price being quoted, the terms analysis and the walks with their buffers. An engine keeps a pool of
// them, so a quote allocates only what it returns. (A walk's content reaches the heap as far as
// escape analysis can tell, so on the stack this would be allocated on every call.)
type scratch struct {
	r               Request
	lp              ListPrice
	ti, altTI       termsInfo
	main, alt, part walk
	mainB, altB     walkBufs
	partB           walkBufs
	general         [][]*crule // the rules without a SKU that match the request, per step (Quote)
	ord             orderBufs
}

// orderBufs is the memory of QuoteOrder's working copies of an order: a request, a list price, the
// quantity priced and the order steps excluded per line. None of it is in the quote it returns,
// so the next order reuses it (up to maxKeptOrderLines lines).
type orderBufs struct {
	reqs []Request
	lps  []ListPrice
	qty  []decimal.Decimal
	skip []uint64
}

// maxKeptOrderLines bounds the order memory a scratch keeps for the next order.
const maxKeptOrderLines = 512

// take returns the memory for an order of n lines, zero.
func (o *orderBufs) take(n int) {
	if cap(o.reqs) < n {
		o.reqs, o.lps, o.qty, o.skip = make([]Request, n), make([]ListPrice, n), make([]decimal.Decimal, n), make([]uint64, n)
	}
	o.reqs, o.lps, o.qty, o.skip = o.reqs[:n], o.lps[:n], o.qty[:n], o.skip[:n]
}

// release forgets the order: what it holds is the caller's.
func (o *orderBufs) release() {
	if cap(o.reqs) > maxKeptOrderLines {
		*o = orderBufs{}
		return
	}
	clear(o.reqs)
	clear(o.lps)
	clear(o.qty)
	clear(o.skip)
	o.reqs, o.lps, o.qty, o.skip = o.reqs[:0], o.lps[:0], o.qty[:0], o.skip[:0]
}

func (e *Engine) getScratch() *scratch {
	if s, ok := e.pool.Get().(*scratch); ok {
		return s
	}
	return new(scratch)
}

// putScratch gives the memory back, without the caller's request and list price.
func (e *Engine) putScratch(s *scratch) {
	s.r, s.lp, s.ti.dues = Request{}, ListPrice{}, nil
	s.ord.release()
	e.pool.Put(s)
}

// walkBufs is the memory a walk starts with.
type walkBufs struct {
	lines     [16]wline
	scratch   [8]*crule
	guards    [4]guardAt
	grad      [2]*crule
	brs       [4]wbreach
	scoped    [4][][]*crule
	excluders [2]*crule
}

// guardAt is a guardrail rule that applied, with its limits for the walk's cost and base: the
// floor (cost plus the minimum margin), when the cost is known, and least, the lowest price its
// most discount allows, when it has one.
type guardAt struct {
	g                  *crule
	si                 int // the guardrail step's index
	floor, least       val
	hasFloor, hasLeast bool
	// floorU and leastU are the limits in units of 10^-AmountScale, when unitsOK: a price on a
	// walk has at most AmountScale places unless the price source's has more, so broken mostly
	// compares two integers instead of two numbers at different exponents.
	floorU, leastU int64
	unitsOK        bool
}

// amountUnits is v in units of 10^-AmountScale, when it is a whole number of them that fits.
func amountUnits(v *val) (int64, bool) {
	if !v.fits || v.exp < -AmountScale || v.exp > 0 {
		return 0, false
	}
	return mulPow10(v.c, v.exp+AmountScale)
}

// walkAt is the state of a walk before a step.
type walkAt struct {
	step, guards, grad, excluders int
	lines                         int
	price, base                   val
	skip, skipOrder               uint64
	set                           bool
}

// A wline is what one step's rule did to the unit price: the step, the rule, the price after it,
// and the facts its Adjustment shows. Before is the price after the line before it.
type wline struct {
	s     *cstep // nil on the default rounding line
	r     *crule // nil on a base line where the list price stands, and on the default rounding line
	after val
	pct   decimal.Decimal // the percent applied, for quantity, lead-time and percent tier lines
	kind  StepKind
	pay   bool  // a payment line: its basis is written out with it
	lead  int32 // a lead-time line's lead
	// clamped and the breaches w.brs[br0:br1] are what a guardrail (or the rounding after one)
	// found.
	clamped  bool
	br0, br1 int32
	// excl is the rule that excluded the step of a line that says the step was skipped; mix the
	// mixed quantity a quantity line read its bands at.
	excl *crule
	mix  *mixQty
}

// A wbreach is a breach found on a walk; quote says it is also one of the quote's own (it asks for
// approval).
type wbreach struct {
	kind         BreachKind
	rule         *crule
	limit, price val
	quote        bool
}

// A gradRate fixes a graduated rule at one band's rate while one part of a line is priced.
type gradRate struct {
	rule *crule
	band *cband // nil below the first band: no adjustment
}

// A mixQty is the quantity a mixed-case rule counts in an order: the units of all the order's lines
// it matches, and how many lines those are.
type mixQty struct {
	rule  *crule
	qty   val
	lines int
}

// startWalk starts the main walk of the scratch's request r with list price lp under its terms
// sc.ti, for the quantity qty; lines, when not nil, is the memory its lines start in.
func (e *Engine) startWalk(sc *scratch, r *Request, lp *ListPrice, qty decimal.Decimal, now time.Time, lines []wline) *walk {
	w := &sc.main
	bufs := &sc.mainB
	if lines == nil {
		lines = bufs.lines[:0]
	}
	// Field by field rather than *w = walk{...}: the walk is reused line after line, and copying a
	// whole one costs a write barrier on each of its pointers while the collector runs (QuoteMany
	// keeps thousands of quotes live, so it often does). Every field is set here.
	w.e, w.r, w.lp, w.ti, w.now, w.sc = e, r, lp, &sc.ti, now, sc
	w.general, w.grad, w.alt, w.mix, w.early = nil, nil, false, nil, nil
	w.scratch, w.lines, w.guards, w.gradUsed = bufs.scratch[:0], lines[:0], bufs.guards[:0], bufs.grad[:0]
	w.brs, w.excluders = bufs.brs[:0], bufs.excluders[:0]
	w.qty, w.qtyD, w.list, w.cost = valOf(qty), qty, valOf(lp.Price), valOf(lp.Cost)
	w.rounded, w.scale, w.mode, w.approval, w.skip, w.skipOrder = false, 0, 0, false, 0, 0
	w.at = walkAt{}
	w.scoped = e.scopedRules(bufs.scoped[:0], r.SKU, lp.Attributes)
	w.price, w.base = w.list, w.list
	return w
}

// sub starts walk s, which prices the same request as w for a part of it or on other terms,
// sharing what does not change, in the memory of bufs.
func (w *walk) sub(s *walk, ti *termsInfo, bufs *walkBufs) *walk {
	*s = walk{e: w.e, r: w.r, lp: w.lp, ti: ti, now: w.now, general: w.general, scoped: w.scoped,
		scratch: w.scratch, alt: w.alt, mix: w.mix, qty: w.qty, qtyD: w.qtyD, list: w.list, cost: w.cost,
		lines: bufs.lines[:0], guards: bufs.guards[:0], gradUsed: bufs.grad[:0], brs: bufs.brs[:0],
		excluders: bufs.excluders[:0], sc: w.sc}
	s.price, s.base = s.list, s.list
	return s
}

// resume prices the request on the payment terms ti from the walk's first payment step on,
// with the state the walk had there, and returns the line's total on those terms.
func (w *walk) resume(ti *termsInfo) (val, error) {
	alt := w.sub(&w.sc.alt, ti, &w.sc.altB)
	alt.alt = true
	at := w.at
	alt.at = at
	alt.price, alt.base, alt.skip, alt.skipOrder = at.price, at.base, at.skip, at.skipOrder
	alt.guards = append(alt.guards, w.guards[:at.guards]...)
	alt.gradUsed = append(alt.gradUsed, w.gradUsed[:at.grad]...)
	alt.excluders = append(alt.excluders, w.excluders[:at.excluders]...)
	if err := alt.run(at.step); err != nil {
		return val{}, err
	}
	return alt.total(nil)
}

// run walks the steps from step from on, then the default rounding (when the policy has no
// rounding rule for the request) and the guardrails against the rounded price.
func (w *walk) run(from int) error {
	steps := w.e.steps
	for si := from; si < len(steps); si++ {
		s := &steps[si]
		if s.kind == Payment && !w.at.set {
			w.at = walkAt{step: si, guards: len(w.guards), grad: len(w.gradUsed), excluders: len(w.excluders), lines: len(w.lines),
				price: w.price, base: w.base, skip: w.skip, skipOrder: w.skipOrder, set: true}
		}
		cands := w.candidates(s, si)
		if w.skip&(1<<si) != 0 {
			w.skipped(s, cands, si)
			continue
		}
		switch s.kind {
		case Base:
			if err := w.baseStep(s, cands); err != nil {
				return err
			}
		case Guardrail:
			w.guardStep(s, cands)
		case Rounding:
			if g := mostSpecific(cands); g != nil {
				w.roundTo(s, g, g.Scale, g.RoundingMode, g.incV)
			}
		default:
			if err := w.adjust(s, si, cands); err != nil {
				return err
			}
		}
	}
	if !w.rounded {
		w.roundTo(nil, nil, 2, b2bkit.HalfUp, val{fits: true})
	}
	if len(w.guards) > 0 {
		w.guardRounded()
	}
	if w.price.sign() <= 0 {
		return fmt.Errorf("pricing: %w", b2bkit.Invalid("request", "sku %q: the policy prices it at %s, not above zero", w.r.SKU, w.price.peek()))
	}
	return nil
}

// candidates returns the rules of step s (index si) that match the request, in policy order.
func (w *walk) candidates(s *cstep, si int) []*crule {
	if w.general == nil {
		return s.candidates(w.scratch[:0], w.r, w.lp.Attributes, w.scoped, w.now)
	}
	c := w.general[si] // resolved once for the request or the batch's buyer
	for _, t := range w.scoped {
		if len(t[si]) > 0 {
			return s.scopedCandidates(append(w.scratch[:0], c...), w.r, w.lp.Attributes, w.scoped, w.now)
		}
	}
	return c
}

// push appends line l and returns it.
func (w *walk) push(l wline) *wline {
	w.lines = append(w.lines, l)
	return &w.lines[len(w.lines)-1]
}

// excludes records the steps rule c excludes, once it has applied.
func (w *walk) excludes(c *crule) {
	if c != nil && c.exclLine|c.exclOrder != 0 {
		w.skip |= c.exclLine
		w.skipOrder |= c.exclOrder
		w.excluders = append(w.excluders, c)
	}
}

// excluder is the first rule that excluded line step si.
func (w *walk) excluder(si int) *crule {
	for _, c := range w.excluders {
		if c.exclLine&(1<<si) != 0 {
			return c
		}
	}
	return nil
}

// skipped records that step s, which a rule that applied excludes, was skipped, when one of its
// rules would have applied: the line names that rule and the one that excluded it.
func (w *walk) skipped(s *cstep, cands []*crule, si int) {
	if len(cands) == 0 {
		return
	}
	if s.combine == MostSpecific {
		cands = []*crule{mostSpecific(cands)}
	}
	for _, c := range cands {
		var l wline
		if w.line(&l, s, c, w.price) {
			w.push(wline{s: s, r: c, kind: s.kind, after: w.price, excl: w.excluder(si)})
			return
		}
	}
}

// figure is the figure a base rule's formula starts from, as the price source gave it, and whether
// it gave one.
func (w *walk) figure(c *crule) (decimal.Decimal, bool) {
	var f decimal.Decimal
	switch c.from {
	case fromList:
		f = w.lp.Price
	case fromCost:
		f = w.lp.Cost
	case fromContract:
		f = w.lp.Contract.Price
	case fromNamed:
		f = w.lp.Prices[c.fromName]
	}
	return f, f.Sign() > 0
}

// basePrice is the price a base rule sets, and whether it applies: its contract price, or its
// formula on a figure the price source gave — the figure plus its percent, rounded HalfUp to
// AmountScale places like every adjustment, plus its amount.
func (w *walk) basePrice(c *crule) (val, bool) {
	if c.from == fromNone {
		return c.priceV, true
	}
	f, ok := w.figure(c)
	if !ok {
		return val{}, false
	}
	p := valOf(f)
	if !c.fracV.isZero() {
		p = afterFrac(p, c.fracV)
	}
	if c.hasAmount {
		p = addVal(p, c.amountV)
	}
	return p, true
}

func (w *walk) baseStep(s *cstep, cands []*crule) error {
	var pick *crule
	var price val
	for _, c := range cands {
		p, ok := w.basePrice(c)
		if !ok {
			continue
		}
		better := pick == nil
		switch s.combine {
		case BestForBuyer:
			better = better || lessVal(p, price)
		case MostSpecific:
			better = better || c.spec > pick.spec
		}
		if better {
			pick, price = c, p
		}
		if s.combine == First {
			break
		}
	}
	if pick != nil {
		if price.sign() <= 0 {
			return fmt.Errorf("pricing: %w", b2bkit.Invalid(fmt.Sprintf("policy.steps[%d].rules[%d]", s.index, pick.pos),
				"prices sku %q at %s, not above zero", w.r.SKU, price.peek()))
		}
		w.price = price
	}
	w.push(wline{s: s, r: pick, kind: Base, after: w.price})
	w.base = w.price
	w.excludes(pick)
	return nil
}

// guard is guardrail g with its limits for the walk's cost and base.
func (w *walk) guard(g *crule) guardAt {
	ga := guardAt{g: g, hasFloor: !w.cost.isZero(), hasLeast: !g.MaxDiscountPercent.IsZero()}
	if ga.hasFloor {
		ga.floor = mulRoundVal(w.cost, g.floorKV, AmountScale)
	}
	if ga.hasLeast {
		ga.least = mulRoundVal(w.base, g.minKV, AmountScale)
	}
	ga.setUnits()
	return ga
}

// setUnits keeps the floor and the least price also in units of 10^-AmountScale, when both fit, so
// that broken compares integers.
func (ga *guardAt) setUnits() {
	ga.unitsOK = true
	var ok bool
	if ga.hasFloor {
		ga.floorU, ok = amountUnits(&ga.floor)
		ga.unitsOK = ok
	}
	if ga.hasLeast {
		ga.leastU, ok = amountUnits(&ga.least)
		ga.unitsOK = ga.unitsOK && ok
	}
}

// altGuard is w.guard(g), taken from the main walk when w prices the same request on other
// payment terms: the cost and the base, and so the limits, are the same.
func (w *walk) altGuard(g *crule) guardAt {
	if w.alt {
		for _, ga := range w.sc.main.guards {
			if ga.g == g {
				return ga
			}
		}
	}
	return w.guard(g)
}

// broken reports which of the guardrail's limits the price breaks.
func (ga *guardAt) broken(price val) (belowFloor, overDiscount bool) {
	if ga.unitsOK {
		if p, ok := amountUnits(&price); ok {
			return ga.hasFloor && p < ga.floorU, ga.hasLeast && p < ga.leastU
		}
	}
	return ga.brokenVal(price)
}

// brokenVal is broken, comparing the numbers as they are.
func (ga *guardAt) brokenVal(price val) (belowFloor, overDiscount bool) {
	return ga.hasFloor && lessVal(price, ga.floor), ga.hasLeast && lessVal(price, ga.least)
}

// breaches records the breaches of guardrail ga by price and returns the highest limit broken.
func (w *walk) breaches(ga *guardAt, price val, belowFloor, overDiscount, quote bool) val {
	limit := val{fits: true}
	if belowFloor {
		w.brs = append(w.brs, wbreach{kind: BelowFloor, rule: ga.g, limit: ga.floor, price: price, quote: quote})
		limit = ga.floor
	}
	if overDiscount {
		w.brs = append(w.brs, wbreach{kind: OverMaxDiscount, rule: ga.g, limit: ga.least, price: price, quote: quote})
		if cmpVal(ga.least, limit) > 0 {
			limit = ga.least
		}
	}
	return limit
}

func (w *walk) guardStep(s *cstep, cands []*crule) {
	g := mostSpecific(cands)
	if g == nil {
		return
	}
	w.guards = append(w.guards, w.altGuard(g))
	ga := &w.guards[len(w.guards)-1]
	ga.si = s.index
	belowFloor, overDiscount := ga.broken(w.price)
	if !belowFloor && !overDiscount {
		return
	}
	br0 := int32(len(w.brs))
	approve := g.OnBreach != Clamp
	limit := w.breaches(ga, w.price, belowFloor, overDiscount, approve)
	l := w.push(wline{s: s, r: g, kind: Guardrail, after: w.price, br0: br0, br1: int32(len(w.brs))})
	if approve {
		w.approval = true
		return
	}
	l.clamped, l.after = true, limit
	w.price = limit
}

// roundTo rounds the unit price to the increment, or else to the scale, with the mode: the
// rounding step's rule g, or the default rounding when s is nil.
func (w *walk) roundTo(s *cstep, g *crule, scale int32, mode b2bkit.RoundingMode, inc val) {
	if inc.isZero() {
		w.price = roundVal(w.price, scale, mode)
	} else {
		w.price = roundIncVal(w.price, inc, scale, mode)
	}
	w.push(wline{s: s, r: g, kind: Rounding, after: w.price})
	w.scale, w.mode, w.rounded = scale, mode, true
}

// guardRounded checks the rounded unit price against the guardrails that applied, since rounding
// can take a price below a limit it was clamped to or was a hair above. A clamping guardrail raises
// the price to the lowest price on the rounding's grid (its increment, or else its scale) that keeps
// to the limit; the rounding line says so and lists the breach. A guardrail that asks for approval
// marks the quote NeedsApproval, with the breach on the rounding line and in the quote unless the
// guardrail's own line reported it already.
func (w *walk) guardRounded() {
	l := &w.lines[len(w.lines)-1] // the rounding line
	br0 := int32(len(w.brs))
	for i := range w.guards {
		ga := &w.guards[i]
		belowFloor, overDiscount := ga.broken(w.price)
		if !belowFloor && !overDiscount {
			continue
		}
		if ga.g.OnBreach == Clamp {
			limit := w.breaches(ga, w.price, belowFloor, overDiscount, false)
			w.price = w.ceilToGrid(limit, l)
			l.after, l.clamped = w.price, true
			continue
		}
		n := len(w.brs)
		w.breaches(ga, w.price, belowFloor, overDiscount, true)
		// Keep only the breaches the quote does not list already.
		kept := w.brs[:n]
		for _, br := range w.brs[n:] {
			if !w.quoteHas(br.kind, br.rule, n) {
				w.approval = true
				kept = append(kept, br)
			}
		}
		w.brs = kept
	}
	if int32(len(w.brs)) > br0 {
		l.br0, l.br1 = br0, int32(len(w.brs))
	}
}

// quoteHas reports whether one of the first n breaches is the quote's with this kind and rule.
func (w *walk) quoteHas(kind BreachKind, rule *crule, n int) bool {
	for _, b := range w.brs[:n] {
		if b.quote && b.kind == kind && b.rule.ID == rule.ID {
			return true
		}
	}
	return false
}

// ceilToGrid is the lowest price on the rounding line's grid, its increment or else its scale,
// that is not below limit.
func (w *walk) ceilToGrid(limit val, l *wline) val {
	if l.r != nil && !l.r.Increment.IsZero() {
		return roundIncVal(limit, l.r.incV, w.scale, b2bkit.Up)
	}
	return roundVal(limit, w.scale, b2bkit.Up)
}

// adjust runs a percent-priced or fixed-amount step over its matching rules as the step combines
// them, one line per rule applied.
func (w *walk) adjust(s *cstep, si int, cands []*crule) error {
	if len(cands) == 0 {
		return nil
	}
	switch s.combine {
	case MostSpecific:
		// The most specific rule decides, even when it does not apply to this quantity or lead.
		w.try(s, mostSpecific(cands), w.price)
	case First:
		for _, c := range cands {
			if w.try(s, c, w.price) {
				break
			}
		}
	case BestForBuyer:
		var best, l wline
		found := false
		for _, c := range cands {
			// Every candidate starts from the price: the lowest after is the lowest amount.
			l = wline{}
			if w.line(&l, s, c, w.price) && (!found || lessVal(l.after, best.after)) {
				best, found = l, true
			}
		}
		if found {
			w.push(best)
			w.applied(&w.lines[len(w.lines)-1])
		}
	case Add:
		start := w.price
		for _, c := range cands {
			n := len(w.lines)
			w.lines = append(w.lines, wline{})
			l := &w.lines[n]
			if !w.line(l, s, c, start) {
				w.lines = w.lines[:n]
				continue
			}
			// Each rule's amount is worked out on the price the step started from.
			l.after = addVal(w.price, subVal(l.after, start))
			w.applied(l)
		}
	case Compound:
		for _, c := range cands {
			w.try(s, c, w.price)
		}
	}
	if w.price.sign() <= 0 {
		return fmt.Errorf("pricing: %w", b2bkit.Invalid(fmt.Sprintf("policy.steps[%d]", si), "takes the unit price of sku %q to %s", w.r.SKU, w.price.peek()))
	}
	return nil
}

// try adds the line of rule c of step s on the price on, if the rule applies, and reports
// whether it did.
func (w *walk) try(s *cstep, c *crule, on val) bool {
	n := len(w.lines)
	w.lines = append(w.lines, wline{})
	l := &w.lines[n]
	if !w.line(l, s, c, on) {
		w.lines = w.lines[:n]
		return false
	}
	w.applied(l)
	return true
}

// applied moves the price to the after of line l, which applied, and notes what it leaves for later.
func (w *walk) applied(l *wline) {
	w.price = l.after
	c := l.r
	switch {
	case l.kind == Quantity && c.Mode == Graduated && w.grad == nil:
		w.gradUsed = append(w.gradUsed, c)
	case l.kind == Payment && c.early != nil && w.early == nil && w.ti.credit && !w.alt && w.grad == nil:
		w.early = c
	}
	w.excludes(c)
}

// line fills l, which is zero, with what rule c of step s does to the unit price on, and reports
// whether the rule applies at all.
func (w *walk) line(l *wline, s *cstep, c *crule, on val) bool {
	l.s, l.r, l.kind = s, c, s.kind
	switch s.kind {
	case Tier:
		if c.hasAmount {
			l.after = addVal(on, c.amountV)
			return true
		}
		l.pct, l.after = c.Percent, afterFrac(on, c.fracV)
	case Payment:
		l.pay, l.after = true, afterFrac(on, c.payVal(s, w.ti))
	case LeadTime:
		b := leadTimeBand(c.bands, int64(w.ti.lead))
		if b == nil {
			return false
		}
		l.pct, l.lead, l.after = b.pct, int32(w.ti.lead), afterFrac(on, b.fracV)
	case Quantity:
		if c.Mode == Graduated {
			if w.grad != nil {
				// One part of a graduated line, priced at its band's rate (see gradTotal).
				f := zeroFrac
				if b := w.gradBand(c); b != nil {
					f = b.fracV
				}
				l.pct, l.after = f.peek().Shift(2), afterFrac(on, f)
				return true
			}
			f, applies := graduated(c.bands, w.qtyD)
			if !applies {
				return false
			}
			l.pct, l.after = f.Shift(2), afterFrac(on, valOf(f))
			return true
		}
		q := w.qty
		if c.Mix {
			if m := w.mixOf(c); m != nil {
				q, l.mix = m.qty, m
			}
		}
		b := volumeBandV(c.bands, q)
		if b == nil {
			return false
		}
		l.pct, l.after = b.pct, afterFrac(on, b.fracV)
	}
	return true
}

// mixOf is the mixed quantity of rule c in the order being quoted, or nil.
func (w *walk) mixOf(c *crule) *mixQty {
	for i := range w.mix {
		if w.mix[i].rule == c {
			return &w.mix[i]
		}
	}
	return nil
}

// zeroFrac is the rate of the units below a graduated rule's first band.
var zeroFrac = valOf(decimal.Zero)

// gradBand is the band a graduated rule is fixed at while one part of a line is priced.
func (w *walk) gradBand(c *crule) *cband {
	for _, g := range w.grad {
		if g.rule == c {
			return g.band
		}
	}
	return nil
}

// payVal is a payment rule's fraction under the terms ti.
func (c *crule) payVal(s *cstep, ti *termsInfo) val {
	if f, ok := c.payFraction(s, ti); ok {
		return valFixed(f)
	}
	f, _ := c.fraction(s, nil, ti)
	return valOf(f)
}

// volumeBandV returns the band x falls in, or nil.
func volumeBandV(bands []cband, x val) *cband {
	for i := range bands {
		b := &bands[i]
		if cmpVal(x, b.fromV) >= 0 && (b.open || lessVal(x, b.toV)) {
			return b
		}
	}
	return nil
}

// total is the line's total once the walk has priced the unit: round(unit price x quantity), or,
// under graduated breaks, the sum of the parts (see gradTotal), which also sets the unit price and
// bands when bands is not nil.
func (w *walk) total(bands *[]BandPrice) (val, error) {
	if len(w.gradUsed) > 0 {
		return w.gradTotal(bands)
	}
	return productVal(w.price, w.qty, w.scale, w.mode), nil
}

// gradTotal prices a line that graduated breaks applied to the way the breaks say: the units of
// each band at that band's rate. The quantity is cut at every band bound of every graduated rule
// that applied; each part is priced through the whole policy with those rules fixed at the rates
// of the bands it falls in (units below a rule's first band at no adjustment), so the later steps
// and the rounding apply to each band's price. The total is the sum of the parts, rounded once at
// the quote's scale and mode; the unit price is the total divided by the quantity, rounded alike.
// A guardrail a part's price breaks is reported like one the line's breaks.
func (w *walk) gradTotal(bands *[]BandPrice) (val, error) {
	qty := w.qtyD
	cuts := []decimal.Decimal{decimal.Zero}
	for _, c := range w.gradUsed {
		for _, cb := range c.bands {
			for _, x := range [2]decimal.Decimal{cb.from, cb.to} {
				if x.Sign() > 0 && x.LessThan(qty) {
					cuts = append(cuts, x)
				}
			}
		}
	}
	slices.SortFunc(cuts, decimal.Decimal.Cmp)
	cuts = slices.CompactFunc(cuts, decimal.Decimal.Equal)
	cuts = append(cuts, qty)
	if bands != nil {
		*bands = make([]BandPrice, 0, len(cuts)-1)
	}
	sum := decimal.Zero
	for i := 0; i+1 < len(cuts); i++ {
		lo, hi := cuts[i], cuts[i+1]
		rates := make([]gradRate, len(w.gradUsed))
		for k, c := range w.gradUsed {
			rates[k] = gradRate{rule: c, band: volumeBand(c.bands, lo)}
		}
		part := w.sub(&w.sc.part, w.ti, &w.sc.partB)
		part.grad = rates
		if err := part.run(0); err != nil {
			return val{}, err
		}
		unit := part.price.peek()
		amount := unit.Mul(hi.Sub(lo))
		sum = sum.Add(amount)
		if bands != nil {
			clamped := false
			for k := range part.lines {
				clamped = clamped || part.lines[k].clamped
			}
			*bands = append(*bands, BandPrice{From: lo, To: hi, UnitPrice: unit, Amount: amount, Clamped: clamped})
		}
		for _, br := range part.brs {
			if br.quote {
				w.approval = true
				if !w.quoteHas(br.kind, br.rule, len(w.brs)) {
					w.brs = append(w.brs, br)
				}
			}
		}
	}
	total := padVal(roundVal(valOf(sum), w.scale, w.mode), w.scale)
	w.price = valOf(padScale(divRound(total.peek(), qty, w.scale, w.mode), w.scale))
	return total, nil
}
