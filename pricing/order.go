package pricing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/shopspring/decimal"
)

// An OrderRequest asks for the price of a whole order: its lines, for one buyer on one set of terms.
type OrderRequest struct {
	// Buyer, Group, Tier, Grade and Currency are as in Request, for every line.
	Buyer                        b2bkit.CompanyID
	Group, Tier, Grade, Currency string
	// Terms are the order's payment schedule, order date and delivery date.
	Terms b2bkit.Terms
	// Lines are the goods and quantities, at least one.
	Lines []OrderLine
}

// An OrderLine is one line of an order request.
type OrderLine struct {
	// SKU is the goods.
	SKU b2bkit.SKU
	// Quantity is how many, > 0.
	Quantity decimal.Decimal
}

// MaxOrderLines is the most lines QuoteOrder prices in one order.
const MaxOrderLines = 10_000

// An OrderQuote is the price of a whole order, explained: each line priced through the steps (a
// mixed-case break counting the order's units), the order steps that applied — discounts, freight,
// free goods — with their amounts allocated to the lines, the VAT per line and in total, and the
// schedule of what the buyer pays. The lines reconcile exactly with the order: Subtotal, Discount,
// Freight, Net, Tax and Total are the sums of the lines' Total, Discount, Freight, Net, Tax and
// Gross, and Total is Subtotal + Discount + Freight, plus Tax when prices are without VAT.
type OrderQuote struct {
	// Request is the order as priced, in lines and installments of its own, never the caller's:
	// a host may reuse its order value and edit it in place after quoting. The lines' quotes
	// share its installments.
	Request  OrderRequest
	Currency string
	// Lines are the order's lines, in the request's order.
	Lines []OrderLineQuote
	// Adjustments are what the order steps did, in policy order.
	Adjustments []OrderAdjustment
	// FreeGoods are the goods the order gets free; they cost nothing and are not in the totals.
	FreeGoods []FreeGood
	// Subtotal is the sum of the lines' totals at the policy's prices; Discount the order's
	// discounts (negative) and small-order surcharges; Freight its freight.
	Subtotal, Discount, Freight decimal.Decimal
	// Net is the order's amount without VAT, Tax its VAT and Total what the buyer pays.
	Net, Tax, Total decimal.Decimal
	// Scale is the number of decimal places of the order's amounts: the finest of its lines'.
	Scale int32
	// Schedule is what is due when, summing exactly to Total.
	Schedule []b2bkit.Due
	// NeedsApproval is set when a line's price broke a guardrail that asks for approval; the
	// line's quote says which.
	NeedsApproval bool
	// PolicyName and PolicyVersion identify the policy; QuotedAt and ValidUntil date the quote.
	PolicyName, PolicyVersion string
	QuotedAt, ValidUntil      time.Time
}

// An OrderLineQuote is one line of an order quote: the line's own quote, its shares of the order's
// discounts and freight, and its VAT.
type OrderLineQuote struct {
	// Quote is the line priced in the order. It has no schedule or early-payment offer of its own:
	// the order's schedule is what is due.
	Quote Quote
	// Discount and Freight are the line's shares of the order's discounts and freight, allocated
	// with b2bkit.Allocate; Amount is Quote.Total + Discount + Freight.
	Discount, Freight, Amount decimal.Decimal
	// TaxPercent is the SKU's VAT rate; Net, Tax and Gross the line's amount without VAT, its VAT
	// and with it (Net + Tax). Without tax in the policy, Net and Gross are Amount and Tax is zero.
	TaxPercent      decimal.Decimal
	Net, Tax, Gross decimal.Decimal
}

// An OrderAdjustment is what one rule of an order step did to the order.
type OrderAdjustment struct {
	// Step is the step's name (its kind when unnamed), Kind its kind and RuleID the rule.
	Step   string
	Kind   StepKind
	RuleID string
	// Basis is what the rule read: the value of the lines it applies to, or, for freight by
	// weight, their weight in kilograms.
	Basis decimal.Decimal
	// Percent is the rate applied to the value (an order discount's band, freight by value);
	// Rate the freight per kilogram (freight by weight).
	Percent, Rate decimal.Decimal
	// Amount is the change to the order: negative for a discount, positive for freight or a
	// surcharge. It is allocated to Lines, the indexes of the lines it applies to.
	Amount decimal.Decimal
	Lines  []int
	// Waived says the freight was waived: the value reached the rule's FreeFrom.
	Waived bool
	// Excluded are the lines a rule that applied to them excluded from this step.
	Excluded []int
}

// A FreeGood is goods an order gets free.
type FreeGood struct {
	// SKU and Quantity are the goods given and how many.
	SKU      b2bkit.SKU
	Quantity decimal.Decimal
	// RuleID is the free-goods rule; Lines the lines whose units earned the goods.
	RuleID string
	Lines  []int
}

// QuoteOrder prices a whole order: every line through the policy's steps, as QuoteMany would, but
// with the bands of a mixed-case quantity rule (Rule.Mix) counting the units of all the order's
// lines it matches; then the policy's order steps in order — order discounts, freight, free goods
// — each allocated to the lines it applies to with b2bkit.Allocate, in proportion to their totals
// (freight by weight, to their weights); then the VAT of each line at its SKU's rate, rounded per
// line or per invoice as the policy says; and the schedule of the order's total. The lines and the
// order reconcile exactly (see OrderQuote).
//
// A bad request is an error matching b2bkit.ErrInvalid naming the field ("order.lines[3].quantity");
// a SKU the price source lacks is an error matching b2bkit.ErrNotFound naming the line; an order
// step that takes a line's amount to zero or below is an error matching b2bkit.ErrInvalid. The
// order's amounts are worked out in 64-bit minor units at its scale: an order whose lines or total
// do not fit (past 9,223,372,036,854,775,807 minor units: about 9.2 x 10^16 at two places, 9.2 x
// 10^18 VND at none) is an error matching b2bkit.ErrInvalid naming the line or the order. A done
// ctx is ctx.Err(), before any work.
func (e *Engine) QuoteOrder(ctx context.Context, o OrderRequest) (OrderQuote, error) {
	if !e.made() {
		return OrderQuote{}, fmt.Errorf("pricing: %w", errNoEngine())
	}
	if err := ctx.Err(); err != nil { // before any work: a price source need not heed ctx
		return OrderQuote{}, err
	}
	o.canonicalize()
	if err := validateOrder(&o); err != nil {
		return OrderQuote{}, fmt.Errorf("pricing: %w", b2bkit.InField("order", err))
	}
	// The quote keeps the order as asked, in copies of its own that its lines' quotes share: a
	// host reusing its order value and editing it in place must not rewrite a quote it keeps.
	o.Lines = slices.Clone(o.Lines)
	o.Terms.Payment.Installments = slices.Clone(o.Terms.Payment.Installments)
	now := e.now()
	sc := e.getScratch()
	defer e.putScratch(sc)
	sc.ord.take(len(o.Lines))
	reqs := sc.ord.reqs
	for i, l := range o.Lines {
		reqs[i] = Request{Buyer: o.Buyer, Group: o.Group, SKU: l.SKU, Quantity: l.Quantity, Terms: o.Terms, Tier: o.Tier,
			Grade: o.Grade, Currency: o.Currency}
	}
	lps, err := e.listPrices(ctx, reqs, now, sc.ord.lps)
	if err != nil {
		return OrderQuote{}, err
	}
	sc.ti = newTermsInfo(&o.Terms)
	b := batch{now: now, validUntil: e.validUntil(now), per: len(e.steps) + 1, order: true, ins: o.Terms.Payment.Installments}
	b.general = e.resolveGeneral(nil, &reqs[0], now)
	b.lines = sc.mainB.lines[:0]
	qty := sc.ord.qty
	for i := range reqs {
		if qty[i], err = e.units(&reqs[i], &lps[i]); err != nil {
			return OrderQuote{}, atLine(fmt.Sprintf("order.lines[%d]", i), err)
		}
	}
	mix := e.mixQuantities(reqs, lps, qty, now)
	oq := OrderQuote{Request: o, Lines: make([]OrderLineQuote, len(reqs)), PolicyName: e.policy.Name,
		PolicyVersion: e.version, QuotedAt: now, ValidUntil: b.validUntil}
	skip := sc.ord.skip // the order steps each line's rules exclude
	for i := range reqs {
		b.left = len(reqs) - i
		if err := e.priceLine(&oq.Lines[i].Quote, sc, &reqs[i], &lps[i], &b, b.lines, mix); err != nil {
			return OrderQuote{}, atLine(fmt.Sprintf("order.lines[%d]", i), err)
		}
		skip[i] = sc.main.skipOrder
		oq.NeedsApproval = oq.NeedsApproval || oq.Lines[i].Quote.NeedsApproval
	}
	oq.Currency = oq.Lines[0].Quote.Currency
	ord := orderWork{e: e, q: &oq, reqs: reqs, lps: lps, skip: skip, now: now}
	if err := ord.run(); err != nil {
		return OrderQuote{}, err
	}
	if err := ord.taxes(); err != nil {
		return OrderQuote{}, err
	}
	ord.totals()
	var buf [8]int64
	units, ok := sc.ti.split(&o.Terms, ord.total, buf[:0])
	if !ok {
		dues, err := o.Terms.Schedule(oq.Total, oq.Scale)
		if err != nil {
			return OrderQuote{}, fmt.Errorf("pricing: %w", b2bkit.InField("order.terms", err))
		}
		oq.Schedule = dues
		return oq, nil
	}
	oq.Schedule = make([]b2bkit.Due, len(units))
	dueDates(oq.Schedule, &o.Terms)
	for i, u := range units {
		if u == ord.total {
			oq.Schedule[i].Amount = oq.Total // all of it due at once: the amount is the total's decimal
			continue
		}
		oq.Schedule[i].Amount = decimal.New(u, -oq.Scale)
	}
	return oq, nil
}

// validateOrder checks an order request: at least one line and at most MaxOrderLines, each with a
// SKU and a quantity > 0, and valid terms.
func validateOrder(o *OrderRequest) error {
	var errs []error
	switch {
	case len(o.Lines) == 0:
		errs = append(errs, b2bkit.Invalid("lines", "must have at least one line"))
	case len(o.Lines) > MaxOrderLines:
		errs = append(errs, b2bkit.Invalid("lines", "must have at most %d lines", MaxOrderLines))
	}
	for i, l := range o.Lines {
		r := Request{SKU: l.SKU, Quantity: l.Quantity}
		if err := validateLine(&r); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("lines[%d]", i), err))
		}
	}
	if err := o.Terms.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("terms", err))
	}
	return errors.Join(errs...)
}

// listPrices asks the price source for every request's SKU, in blocks when it answers blocks, into
// lps (one per request).
func (e *Engine) listPrices(ctx context.Context, reqs []Request, now time.Time, lps []ListPrice) ([]ListPrice, error) {
	src, batch := e.prices.(BatchPriceSource)
	var pb *priceBlock
	if batch {
		pb = &priceBlock{src: src}
	}
	for i := range reqs {
		var err error
		if pb != nil {
			var lp *ListPrice
			if lp, err = pb.get(ctx, reqs, i, now, &lps[i]); lp != &lps[i] {
				lps[i] = *lp
			}
		} else {
			lps[i], err = e.prices.ListPrice(ctx, query(&reqs[i], now))
		}
		if err == nil {
			err = usableListPrice(&lps[i], reqs[i].SKU)
		}
		if err != nil {
			return nil, fmt.Errorf("order.lines[%d]: %w", i, err)
		}
	}
	return lps, nil
}

// mixQuantities are the quantities the policy's mixed-case rules count in the order: for each, the
// priced units of the lines it matches.
func (e *Engine) mixQuantities(reqs []Request, lps []ListPrice, qty []decimal.Decimal, now time.Time) []mixQty {
	var out []mixQty
	for si := range e.steps {
		if e.steps[si].kind != Quantity {
			continue
		}
		for _, c := range e.policy.Steps[si].Rules {
			if !c.Mix {
				continue
			}
			cr := e.compiled(si, c.ID)
			sum, n := val{fits: true}, 0
			for i := range reqs {
				if (cr.SKU == "" || cr.SKU == reqs[i].SKU) && cr.matches(&reqs[i], lps[i].Attributes, now) {
					sum, n = addVal(sum, valOf(qty[i])), n+1
				}
			}
			if n > 0 {
				sum.dec()
				out = append(out, mixQty{rule: cr, qty: sum, lines: n})
			}
		}
	}
	return out
}

// compiled is the compiled rule of line step si with the ID.
func (e *Engine) compiled(si int, id string) *crule {
	find := func(rules []*crule) *crule {
		for _, c := range rules {
			if c.ID == id {
				return c
			}
		}
		return nil
	}
	if c := find(e.steps[si].general); c != nil {
		return c
	}
	for _, t := range e.bySKU {
		if c := find(t[si]); c != nil {
			return c
		}
	}
	for _, t := range e.byAttr {
		if c := find(t[si]); c != nil {
			return c
		}
	}
	return nil
}

// orderWork runs an order's order steps and works out its VAT, in minor units at the order's
// scale: the finest scale of its lines, at which every line total is a whole number of units.
type orderWork struct {
	e    *Engine
	q    *OrderQuote
	reqs []Request
	lps  []ListPrice
	skip []uint64
	now  time.Time

	scale            int32
	kg               []decimal.Decimal // each line's weight, when freight by weight asked for it
	amounts          []decimal.Decimal // each line's amount after the order steps, when asked for
	amount           []int64           // each line's amount so far: its total and the order steps' shares
	totalU           []int64           // each line's total, the weight of a share by value
	order            []int             // memory for allocUnits' ranking
	disc, frt        []int64           // each line's shares of discounts and freight
	net, vat, gross  []int64
	subtotal, total  int64
	discount, freigh int64
}

func (w *orderWork) run() error {
	n := len(w.q.Lines)
	for i := range w.q.Lines {
		w.scale = max(w.scale, w.q.Lines[i].Quote.Scale)
	}
	w.amount, w.disc, w.frt = make([]int64, n), make([]int64, n), make([]int64, n)
	for i := range w.q.Lines {
		u, err := b2bkit.ToMinor(w.q.Lines[i].Quote.Total, w.scale)
		if err != nil {
			return fmt.Errorf("pricing: order.lines[%d]: %w", i, err)
		}
		w.amount[i] = u
		var ok bool
		if w.subtotal, ok = checked.Add(w.subtotal, u); !ok {
			return fmt.Errorf("pricing: %w", b2bkit.Invalid("order", "the order's total does not fit in minor units at scale %d", w.scale))
		}
	}
	w.totalU = slices.Clone(w.amount)
	for si := range w.e.order {
		if err := w.step(si); err != nil {
			return err
		}
	}
	for i, a := range w.amount {
		if a <= 0 {
			return fmt.Errorf("pricing: %w", b2bkit.Invalid(fmt.Sprintf("order.lines[%d]", i),
				"the order steps take the line's amount to %s, not above zero", decimal.New(a, -w.scale)))
		}
	}
	return nil
}

// lines are the indexes of the lines rule c applies to, and those it would apply to that a rule
// excluded from step si.
func (w *orderWork) lines(c *crule, si int) (in, excluded []int) {
	for i := range w.reqs {
		if (c.SKU == "" || c.SKU == w.reqs[i].SKU) && c.matches(&w.reqs[i], w.lps[i].Attributes, w.now) {
			if w.skip[i]&(1<<si) != 0 {
				excluded = append(excluded, i)
			} else {
				in = append(in, i)
			}
		}
	}
	return in, excluded
}

// value is the amount of the lines so far, in minor units.
func (w *orderWork) value(lines []int) int64 {
	var v int64
	for _, i := range lines {
		v += w.amount[i] // each is well within int64: the subtotal fitted
	}
	return v
}

// orderLine is what one rule of an order step would do: its lines, what it read, the rate, and
// the amount in minor units.
type orderLine struct {
	rule            *crule
	lines, excluded []int
	basis           decimal.Decimal
	percent, rate   decimal.Decimal
	amount          int64
	byWeight        bool
	waived          bool
	free            []FreeGood
}

// step runs order step si over its rules as the step combines them.
func (w *orderWork) step(si int) error {
	s := &w.e.order[si]
	var cands []orderLine
	for _, c := range s.rules {
		ol, ok, err := w.rule(s, c, si)
		if err != nil {
			return err
		}
		if ok {
			cands = append(cands, ol)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	switch s.combine {
	case MostSpecific:
		best := 0
		for i, ol := range cands {
			if ol.rule.spec > cands[best].rule.spec {
				best = i
			}
		}
		return w.apply(s, cands[best])
	case First:
		return w.apply(s, cands[0])
	case BestForBuyer:
		best := 0
		for i, ol := range cands {
			if ol.amount < cands[best].amount || s.kind == FreeGoods && freeUnits(ol).GreaterThan(freeUnits(cands[best])) {
				best = i
			}
		}
		return w.apply(s, cands[best])
	case Compound:
		// Each rule on the amounts the one before left.
		for i, ol := range cands {
			if i > 0 {
				var ok bool
				var err error
				if ol, ok, err = w.rule(s, ol.rule, si); err != nil || !ok {
					if err != nil {
						return err
					}
					continue
				}
			}
			if err := w.apply(s, ol); err != nil {
				return err
			}
		}
		return nil
	}
	for _, ol := range cands { // add: each on the amounts the step started from
		if err := w.apply(s, ol); err != nil {
			return err
		}
	}
	return nil
}

func freeUnits(ol orderLine) decimal.Decimal {
	sum := decimal.Zero
	for _, g := range ol.free {
		sum = sum.Add(g.Quantity)
	}
	return sum
}

// rule works out what rule c of order step s does, and whether it applies.
func (w *orderWork) rule(s *cstep, c *crule, si int) (orderLine, bool, error) {
	ol := orderLine{rule: c}
	ol.lines, ol.excluded = w.lines(c, si)
	if len(ol.lines) == 0 {
		return ol, false, nil
	}
	value := w.value(ol.lines)
	ol.basis = decimal.New(value, -w.scale)
	switch s.kind {
	case OrderDiscount:
		if len(c.bands) == 0 {
			ol.amount = w.units(c.Amount)
			break
		}
		b := volumeBandV(c.bands, valOf(ol.basis))
		if b == nil {
			return ol, false, nil
		}
		ol.percent = b.pct
		ol.amount = w.percentOf(value, b.fracV)
	case Freight:
		if !c.FreeFrom.IsZero() && !ol.basis.LessThan(c.FreeFrom) {
			ol.waived = true
			break
		}
		if c.Per == "weight" {
			kg := val{fits: true}
			for _, i := range ol.lines {
				kg = addVal(kg, valOf(w.weight(i)))
			}
			weight := kg.peek()
			ol.basis, ol.byWeight = weight, true
			if b := volumeBandV(c.bands, valOf(weight)); b != nil && len(c.bands) > 0 {
				ol.rate = b.amountV.peek()
				ol.amount = w.roundUnits(weight.Mul(ol.rate))
			}
		} else if b := volumeBandV(c.bands, valOf(ol.basis)); b != nil && len(c.bands) > 0 {
			ol.percent = b.pct
			ol.amount = w.percentOf(value, b.fracV)
		}
		ol.amount += w.units(c.Amount)
	case FreeGoods:
		ol.free = w.freeGoods(c, ol.lines)
		return ol, len(ol.free) > 0, nil
	}
	return ol, true, nil
}

// freeGoods are what free-goods rule c gives for its lines: Free units for every Every units, of
// FreeSKU for the lines' units together, or of each line's own SKU for its own units.
func (w *orderWork) freeGoods(c *crule, lines []int) []FreeGood {
	every := valOf(c.Every)
	times := func(q val) decimal.Decimal {
		if cmpVal(q, every) < 0 {
			return decimal.Zero
		}
		n, _ := q.peek().QuoRem(c.Every, 0)
		return n.Mul(c.Free)
	}
	if c.FreeSKU != "" {
		sum := val{fits: true}
		for _, i := range lines {
			sum = addVal(sum, valOf(w.q.Lines[i].Quote.Quantity))
		}
		if n := times(sum); n.Sign() > 0 {
			return []FreeGood{{SKU: c.FreeSKU, Quantity: n, RuleID: c.ID, Lines: lines}}
		}
		return nil
	}
	var out []FreeGood
	for _, i := range lines {
		if n := times(valOf(w.q.Lines[i].Quote.Quantity)); n.Sign() > 0 {
			out = append(out, FreeGood{SKU: w.reqs[i].SKU, Quantity: n, RuleID: c.ID, Lines: []int{i}})
		}
	}
	return out
}

// apply records order line ol and allocates its amount to its lines.
func (w *orderWork) apply(s *cstep, ol orderLine) error {
	if s.kind == FreeGoods {
		w.q.FreeGoods = append(w.q.FreeGoods, ol.free...)
		w.q.Adjustments = append(w.q.Adjustments, OrderAdjustment{Step: s.name, Kind: s.kind, RuleID: ol.rule.ID,
			Basis: ol.basis, Lines: ol.lines, Excluded: ol.excluded})
		return nil
	}
	adj := OrderAdjustment{Step: s.name, Kind: s.kind, RuleID: ol.rule.ID, Basis: ol.basis, Percent: ol.percent,
		Rate: ol.rate, Amount: decimal.New(ol.amount, -w.scale), Lines: ol.lines, Waived: ol.waived, Excluded: ol.excluded}
	w.q.Adjustments = append(w.q.Adjustments, adj)
	if ol.amount == 0 {
		return nil
	}
	// The lines share it in proportion to their totals, or, for freight by weight, their weights.
	units, err := w.shares(s, ol, adj.Amount)
	if err != nil {
		return err
	}
	for k, i := range ol.lines {
		u := units[k]
		var ok bool
		if w.amount[i], ok = checked.Add(w.amount[i], u); !ok {
			return fmt.Errorf("pricing: %w", b2bkit.Invalid("order."+s.name, "does not fit in minor units"))
		}
		if s.kind == Freight {
			w.frt[i] += u
			w.freigh += u
		} else {
			w.disc[i] += u
			w.discount += u
		}
	}
	return nil
}

// shares splits order line ol's amount among its lines in minor units, as b2bkit.Allocate splits
// amount: in proportion to their totals, or, for freight by weight, to their weights (by the
// totals when no line weighs anything). It works in integers when the weights fit and are not all
// zero, and otherwise leaves it, and any error, to Allocate.
func (w *orderWork) shares(s *cstep, ol orderLine, amount decimal.Decimal) ([]int64, error) {
	ws := make([]int64, len(ol.lines))
	ok := true
	if ol.byWeight {
		ok = w.kgUnits(ol.lines, ws)
	}
	if !ol.byWeight || ok && allZero(ws) {
		for k, i := range ol.lines {
			ws[k] = w.totalU[i]
		}
	}
	if ok {
		if parts, fits := allocUnits(ol.amount, ws, ws, &w.order); fits {
			return parts, nil
		}
	}
	return w.sharesDec(s, ol, amount)
}

// kgUnits puts the weights of the lines in ws, as whole multiples of the smallest unit any of them
// has, and reports whether they fit.
func (w *orderWork) kgUnits(lines []int, ws []int64) bool {
	exp := int32(0)
	for _, i := range lines {
		exp = min(exp, w.weight(i).Exponent())
	}
	for k, i := range lines {
		f, ok := fixedOf(w.weight(i))
		if !ok || f.exp-exp > 18 {
			return false
		}
		if ws[k], ok = checked.Mul(f.c, int64(fastdec.Pow10(f.exp-exp))); !ok {
			return false
		}
	}
	return true
}

func allZero(xs []int64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}

// allocUnits splits total minor units in proportion to the weights ws, none negative and not all
// zero, into dst (which may be ws), as b2bkit.Allocate does: each part its exact share rounded
// toward zero, then the units left over one each to the parts with the largest remainders, ties to
// the earlier part; a negative total like its absolute value, negated. ok is false when the
// weights are not all >= 0 with a positive sum that fits in an int64.
func allocUnits(total int64, ws, dst []int64, order *[]int) ([]int64, bool) {
	if total == math.MinInt64 {
		return nil, false
	}
	var sum int64
	for _, x := range ws {
		var ok bool
		if x < 0 {
			return nil, false
		}
		if sum, ok = checked.Add(sum, x); !ok {
			return nil, false
		}
	}
	if sum == 0 {
		return nil, false
	}
	units := uint64(total)
	if total < 0 {
		units = uint64(-total)
	}
	n := len(ws)
	rems := make([]uint64, n)
	var given uint64
	for k, x := range ws {
		// units*x/sum <= units, so the quotient fits and Div64 cannot panic (hi < sum).
		hi, lo := bits.Mul64(units, uint64(x))
		q, r := bits.Div64(hi, lo, uint64(sum))
		dst[k], rems[k] = int64(q), r
		given += q
	}
	// left < n, since every remainder is below sum; when the keys of largestFirst do not fit, the
	// parts are ranked by comparing their remainders and places.
	if left := int(units - given); left > 0 && !largestFirst(rems, uint64(sum), dst, left) {
		o := (*order)[:0]
		for k := range n {
			o = append(o, k)
		}
		// Largest remainder first, ties in part order.
		slices.SortFunc(o, func(a, b int) int {
			if c := cmp.Compare(rems[b], rems[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		for _, k := range o[:left] {
			dst[k]++
		}
		*order = o
	}
	if total < 0 {
		for k := range dst[:n] {
			dst[k] = -dst[k]
		}
	}
	return dst[:n], true
}

// largestFirst gives one unit each to the left parts of dst with the largest remainders rems
// (each below sum), ties to the earlier part, as allocUnits' ranking does, and reports whether it
// could: each remainder and its part's place fit in one key, remainder above and the place
// reversed below, and ranking the keys by value ranks the parts — a sort of integers, without a
// comparison function called per pair. It reuses rems for the keys.
func largestFirst(rems []uint64, sum uint64, dst []int64, left int) bool {
	b := uint(bits.Len(uint(len(rems))))
	if sum>>(64-b) != 0 {
		return false
	}
	mask := uint64(1)<<b - 1
	for k, r := range rems {
		rems[k] = r<<b | (mask - uint64(k))
	}
	slices.Sort(rems)
	for _, key := range rems[len(rems)-left:] {
		dst[mask-(key&mask)]++
	}
	return true
}

// sharesDec is shares through b2bkit.Allocate, in decimals.
func (w *orderWork) sharesDec(s *cstep, ol orderLine, amount decimal.Decimal) ([]int64, error) {
	weights := make([]decimal.Decimal, len(ol.lines))
	positive := false
	for k, i := range ol.lines {
		if ol.byWeight {
			weights[k] = w.weight(i)
		} else {
			weights[k] = w.q.Lines[i].Quote.Total
		}
		positive = positive || weights[k].Sign() > 0
	}
	if !positive { // no line weighs anything: a fixed freight goes by the totals
		for k, i := range ol.lines {
			weights[k] = w.q.Lines[i].Quote.Total
		}
	}
	parts, err := b2bkit.Allocate(amount, weights, w.scale)
	if err != nil {
		return nil, fmt.Errorf("pricing: %w", b2bkit.InField("order."+s.name, err))
	}
	units := make([]int64, len(parts))
	for k := range parts {
		u, err := b2bkit.ToMinor(parts[k], w.scale)
		if err != nil {
			return nil, fmt.Errorf("pricing: %w", b2bkit.InField("order."+s.name, err))
		}
		units[k] = u
	}
	return units, nil
}

// weight is line i's weight in kilograms: the SKU's weight times the quantity priced.
func (w *orderWork) weight(i int) decimal.Decimal {
	if w.kg == nil {
		w.kg = make([]decimal.Decimal, len(w.q.Lines))
		for k := range w.kg {
			w.kg[k] = w.lps[k].Weight.Mul(w.q.Lines[k].Quote.Quantity)
		}
	}
	return w.kg[i]
}

// units is an amount in the order's minor units, rounded HalfUp when it has more places.
func (w *orderWork) units(d decimal.Decimal) int64 {
	return w.roundUnits(d)
}

// roundUnits is d rounded HalfUp to the order's scale, in minor units (0 if it does not fit).
func (w *orderWork) roundUnits(d decimal.Decimal) int64 {
	r := roundVal(valOf(d), w.scale, b2bkit.HalfUp)
	if !r.fits {
		return 0
	}
	return r.c
}

// percentOf is the value's share at fraction f, rounded HalfUp to the order's scale.
func (w *orderWork) percentOf(value int64, f val) int64 {
	r := productVal(valFixed(fixed{value, -w.scale}), f, w.scale, b2bkit.HalfUp)
	if !r.fits {
		return 0
	}
	return r.c
}

// tax works out each line's VAT, rounded per line or per invoice (per rate) as the policy says.
func (w *orderWork) taxes() error {
	n := len(w.q.Lines)
	w.net, w.vat, w.gross = make([]int64, n), make([]int64, n), make([]int64, n)
	t := w.e.policy.Tax
	if t == nil {
		copy(w.net, w.amount)
		copy(w.gross, w.amount)
		return nil
	}
	if t.Per == PerLine {
		for i := range w.amount {
			w.net[i], w.vat[i], w.gross[i] = taxUnits(w.amount[i], w.lps[i].TaxPercent, w.scale, t)
		}
		return nil
	}
	// Per invoice: the tax of each rate once, on the sum of the lines at that rate, allocated to them.
	var rates []decimal.Decimal
	for i := range w.lps {
		if !slices.ContainsFunc(rates, w.lps[i].TaxPercent.Equal) {
			rates = append(rates, w.lps[i].TaxPercent)
		}
	}
	for _, rate := range rates {
		var lines []int
		var sum int64
		for i := range w.lps {
			if w.lps[i].TaxPercent.Equal(rate) {
				lines = append(lines, i)
				sum += w.amount[i]
			}
		}
		_, tax, _ := taxUnits(sum, rate, w.scale, t)
		parts, err := w.taxShares(tax, lines)
		if err != nil {
			return err
		}
		for k, i := range lines {
			u := parts[k]
			w.vat[i] = u
			if t.Included {
				w.gross[i], w.net[i] = w.amount[i], w.amount[i]-u
			} else {
				w.net[i], w.gross[i] = w.amount[i], w.amount[i]+u
			}
		}
	}
	return nil
}

// taxShares splits tax minor units among the lines in proportion to their amounts, as
// b2bkit.Allocate does, in integers (the amounts are all > 0: run has checked).
func (w *orderWork) taxShares(tax int64, lines []int) ([]int64, error) {
	ws := make([]int64, len(lines))
	for k, i := range lines {
		ws[k] = w.amount[i]
	}
	if parts, ok := allocUnits(tax, ws, ws, &w.order); ok {
		return parts, nil
	}
	weights := make([]decimal.Decimal, len(lines))
	for k, i := range lines {
		weights[k] = w.amountDec(i)
	}
	parts, err := b2bkit.Allocate(decimal.New(tax, -w.scale), weights, w.scale)
	if err != nil {
		return nil, fmt.Errorf("pricing: %w", b2bkit.InField("order.tax", err))
	}
	units := make([]int64, len(parts))
	for k := range parts {
		units[k], _ = b2bkit.ToMinor(parts[k], w.scale)
	}
	return units, nil
}

// amountDec is line i's amount as a decimal, made once: the line's total when no order step
// changed it.
func (w *orderWork) amountDec(i int) decimal.Decimal {
	if w.amounts == nil {
		w.amounts = make([]decimal.Decimal, len(w.amount))
		for k, a := range w.amount {
			if w.disc[k] == 0 && w.frt[k] == 0 && w.q.Lines[k].Quote.Total.Exponent() == -w.scale {
				w.amounts[k] = w.q.Lines[k].Quote.Total
			} else {
				w.amounts[k] = decimal.New(a, -w.scale)
			}
		}
	}
	return w.amounts[i]
}

// taxUnits is the VAT of an amount of minor units at rate percent: the net, the tax and the gross,
// with the tax (prices without VAT) or the net (prices with VAT) rounded with the policy's mode.
func taxUnits(amount int64, percent decimal.Decimal, scale int32, t *Tax) (net, tax, gross int64) {
	if percent.IsZero() {
		return amount, 0, amount
	}
	rate, ok := fixedOf(percent.Shift(-2))
	k := -rate.exp
	if ok && rate.c > 0 && k >= 0 && k <= 18 && amount >= 0 {
		unit := fastdec.Pow10(k)
		if t.Included {
			// net = gross x 10^k / (10^k + rate), rounded with the mode.
			if n, ok := mulDivMode(uint64(amount), unit, unit+uint64(rate.c), t.Mode); ok {
				return n, amount - n, amount
			}
		} else if x, ok := mulDivMode(uint64(amount), uint64(rate.c), unit, t.Mode); ok {
			return amount, x, amount + x
		}
	}
	lt := lineTax(valFixed(fixed{amount, -scale}), percent, scale, t)
	n, _ := b2bkit.ToMinor(lt.Net, scale)
	x, _ := b2bkit.ToMinor(lt.Tax, scale)
	return n, x, n + x
}

// mulDivMode is a x b / c rounded with mode, for c > 0, when it fits.
func mulDivMode(a, b, c uint64, mode b2bkit.RoundingMode) (int64, bool) {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, c)
	if r != 0 {
		switch mode {
		case b2bkit.Up:
			q++
		case b2bkit.HalfEven:
			if r > c-r || r == c-r && q&1 == 1 {
				q++
			}
		case b2bkit.Down:
		default:
			if r >= c-r {
				q++
			}
		}
	}
	if q > 1<<63-1 {
		return 0, false
	}
	return int64(q), true
}

// totals writes the lines' and the order's amounts out.
func (w *orderWork) totals() {
	q := w.q
	q.Scale = w.scale
	var net, tax int64
	zero := decimal.New(0, -w.scale) // decimals are values: one zero serves every line
	dec := func(u int64) decimal.Decimal {
		if u == 0 {
			return zero
		}
		return decimal.New(u, -w.scale)
	}
	for i := range q.Lines {
		l := &q.Lines[i]
		l.Discount, l.Freight, l.Amount = dec(w.disc[i]), dec(w.frt[i]), w.amountDec(i)
		l.TaxPercent = w.lps[i].TaxPercent
		l.Net, l.Tax, l.Gross = l.Amount, dec(w.vat[i]), l.Amount
		if w.net[i] != w.amount[i] {
			l.Net = dec(w.net[i])
		}
		if w.gross[i] != w.amount[i] {
			l.Gross = dec(w.gross[i])
		}
		net += w.net[i]
		tax += w.vat[i]
		w.total += w.gross[i]
	}
	q.Subtotal, q.Discount, q.Freight = decimal.New(w.subtotal, -w.scale), decimal.New(w.discount, -w.scale), decimal.New(w.freigh, -w.scale)
	q.Net, q.Tax, q.Total = decimal.New(net, -w.scale), decimal.New(tax, -w.scale), decimal.New(w.total, -w.scale)
}
