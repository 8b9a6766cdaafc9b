package pricing

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/shopspring/decimal"
)

// An Adjustment is one line of a quote: what one rule of one step did to the unit price, and the
// facts that explain it. Reason renders them in words. The facts of one kind of step sit in fields
// that are zero (or nil) on the lines of other kinds, which keeps a line small: a catalog quote has
// thousands of them.
type Adjustment struct {
	// Step is the step's name (its kind when unnamed).
	Step string
	// RuleID is the rule that applied; empty on the base line when the list price stands and on a
	// default rounding line.
	RuleID string
	// Before and After are the unit price before and after the line; Amount is the difference.
	Before, After decimal.Decimal

	// Percent is the rate applied, in percent of Before, for quantity, lead-time and percent tier
	// lines (for graduated breaks, the effective rate over the whole quantity).
	Percent decimal.Decimal
	// Tier is a tier line's tier.
	Tier string
	// Breaches are what a guardrail line found, or what a rounding line found when the rounding
	// took the price below a guardrail's limit.
	Breaches []Breach
	// Payment is what a payment line charged for; nil on other lines.
	Payment *PaymentBasis
	// Rounding is a rounding line's settings; nil on other lines.
	Rounding *RoundingBasis
	// LeadDays is a lead-time line's booking time in days (at most b2bkit.MaxTermDays).
	LeadDays int32
	// Kind is the step's kind.
	Kind StepKind
	// Mode is a quantity line's break mode.
	Mode BreakMode
	// Clamped says whether a guardrail line raised the price to its limit, or a rounding line
	// raised the rounded price back to the lowest price on its grid that keeps to the limit.
	Clamped bool
}

// Amount is the line's change to the unit price, After - Before: negative is a discount.
func (a Adjustment) Amount() decimal.Decimal { return a.After.Sub(a.Before) }

// PaymentBasis is what a payment line charged for: the share-weighted days from delivery to
// payment under the request's terms and under the reference terms, and the yearly rate.
type PaymentBasis struct {
	CreditDays, ReferenceCreditDays decimal.Decimal
	AnnualPercent                   decimal.Decimal
}

// RoundingBasis is how a rounding line rounded the unit price: to a multiple of Increment when it
// is set, else to Scale places, with Mode.
type RoundingBasis struct {
	Scale     int32
	Mode      b2bkit.RoundingMode
	Increment decimal.Decimal
}

// A BreachKind says which guardrail a price broke.
type BreachKind int

const (
	// BelowFloor: the price is below cost plus the minimum margin.
	BelowFloor BreachKind = iota + 1
	// OverMaxDiscount: the discount against the base price exceeds the maximum.
	OverMaxDiscount
)

var breachWords = [...]string{BelowFloor: "below_floor", OverMaxDiscount: "over_max_discount"}

// String returns the word: below_floor or over_max_discount.
func (k BreachKind) String() string { return word(breachWords[:], int(k), "BreachKind") }

// MarshalText encodes the kind as its word.
func (k BreachKind) MarshalText() ([]byte, error) {
	return marshalWord(breachWords[:], int(k), "breach")
}

// UnmarshalText decodes a kind from its word.
func (k *BreachKind) UnmarshalText(b []byte) error {
	return unmarshalWord(breachWords[:], b, "breach", k)
}

// A Breach is a guardrail a price broke: the kind, the rule, the lowest price the guardrail allows
// and the price that broke it.
type Breach struct {
	Kind   BreachKind
	RuleID string
	Limit  decimal.Decimal
	Price  decimal.Decimal
}

// String says it in words: "unit price 8.10 is below the floor 9.35 (rule g1)".
func (b Breach) String() string {
	switch b.Kind {
	case BelowFloor:
		return fmt.Sprintf("unit price %s is below the floor %s (cost plus minimum margin, rule %s)",
			b.Price.StringFixed(4), b.Limit.StringFixed(4), b.RuleID)
	default:
		return fmt.Sprintf("unit price %s is below %s, the most discount allowed against the base (rule %s)",
			b.Price.StringFixed(4), b.Limit.StringFixed(4), b.RuleID)
	}
}

// A BandPrice is one part of a line priced under graduated breaks: the units from From up to To
// (the line's quantity on the last part), the final, rounded price of each of them, and Amount,
// their exact cost, (To - From) x UnitPrice. A part spans one band of every graduated rule that
// applied.
type BandPrice struct {
	From, To  decimal.Decimal
	UnitPrice decimal.Decimal
	Amount    decimal.Decimal
}

// EarlyPaymentOffer is the early-payment alternative a quote on credit terms carries: pay Amount
// within the discount days of delivery instead of the installments still owed then, the ones due
// later than that after delivery (Replaces, their sum). A deposit, or anything due on order or on
// delivery, is paid as scheduled and not discounted.
//
// Amount is Replaces less the discount, but never so little that the buyer pays less in all than
// the total of the quote for the same request with those installments due on the last discount
// day: a price that carries the finance charge for the buyer's credit would otherwise make paying
// early cheaper than paying cash on delivery. A quote carries no offer when nothing is owed after the discount days or when the
// offer would save nothing.
type EarlyPaymentOffer struct {
	// Terms are the discount terms, "2/10 net 30".
	Terms EarlyPayment
	// RuleID is the payment rule offering it.
	RuleID string
	// AnnualPercent is the yearly return of taking the offer against the buyer's own schedule, in
	// percent: s/(1-s) x 365/(T-D), with s the share of Replaces saved, T the share-weighted days
	// from delivery to the due dates of the installments replaced and D the discount days; rounded
	// HalfUp to 4 places. (EarlyPayment.AnnualPercent is the same for the terms' own net days.)
	AnnualPercent decimal.Decimal
	// Amount is what to pay by PayBy instead, rounded like the total.
	Amount decimal.Decimal
	// Replaces is the sum of the installments the offer replaces.
	Replaces decimal.Decimal
	// PayBy is the last day to pay it: delivery plus the discount days.
	PayBy time.Time
}

// A Quote is the price of one request, explained: the request echoed, the list and base prices, one
// line per step that applied, the unit price and total, the payment schedule, the early-payment
// alternative, whether it needs approval and why, and the policy version and validity.
type Quote struct {
	Request Request
	// Currency is the currency of every amount in the quote.
	Currency string
	// ListPrice is the price list's unit price; BaseUnitPrice is the base step's (a contract price
	// when one applied).
	ListPrice, BaseUnitPrice decimal.Decimal
	// Steps are the adjustment lines, in policy order.
	Steps []Adjustment
	// UnitPrice is the final, rounded unit price; Total is round(UnitPrice x Quantity) at the same
	// scale and mode. Under graduated breaks the total is instead the sum of Bands, each band's
	// units at that band's own final price, rounded once, and UnitPrice is derived from it: Total /
	// Quantity, rounded at the same scale and mode.
	UnitPrice, Total decimal.Decimal
	// Bands are the parts of the line that graduated breaks price differently, in ascending
	// order of quantity; nil when no graduated rule applied.
	Bands []BandPrice
	// Scale is the number of decimal places of UnitPrice, Total and the schedule.
	Scale int32
	// Schedule is what is due when: one entry per installment, summing exactly to Total.
	Schedule []b2bkit.Due
	// EarlyPayment is the early-payment alternative, if the policy offers one on these terms.
	EarlyPayment *EarlyPaymentOffer
	// NeedsApproval is set when a guardrail configured to ask for approval was broken, before or
	// after the rounding; Breaches say which. They are the breaches its guardrail and rounding
	// lines list, and share memory with the first such line's (later ones are appended to a copy).
	NeedsApproval bool
	Breaches      []Breach
	// PolicyName and PolicyVersion identify the policy; QuotedAt and ValidUntil date the quote.
	// ValidUntil is the last instant of the policy's ValidDays-th calendar day after QuotedAt, in
	// the clock's location: with ValidDays 0, the end of the day the quote is made.
	PolicyName    string
	PolicyVersion string
	QuotedAt      time.Time
	ValidUntil    time.Time
}

// Quote prices one request under the policy. A bad request is an error matching b2bkit.ErrInvalid
// naming the field ("request.quantity: must be > 0"); a SKU the price source lacks matches
// b2bkit.ErrNotFound.
func (e *Engine) Quote(ctx context.Context, r Request) (Quote, error) {
	// Terms.Validate passes plainly valid terms without allocating; anything else is reported in
	// full before any arithmetic is done on it.
	if err := validateLine(&r); err != nil {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.InField("request", err))
	}
	if err := r.Terms.Validate(); err != nil {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.InField("request.terms", err))
	}
	ti := newTermsInfo(r.Terms)
	var scratch [8]*crule
	var lines [24]Adjustment // the lines are made here (and those of a quote on other terms for an early-payment offer) and copied out at their exact number
	now := e.now()
	b := batch{now: now, validUntil: lastInstant(now, e.policy.ValidDays), left: 1, m: newCells(len(e.steps) + 1)}
	var q Quote
	lp, err := e.prices.ListPrice(ctx, r.SKU)
	if err != nil {
		return Quote{}, err
	}
	if _, err := e.quote(ctx, &q, &r, lp, &ti, &b, scratch[:0], lines[:0]); err != nil {
		return Quote{}, err
	}
	return q, nil
}

// QuoteMany prices a batch of requests, typically a whole catalog for one buyer, reusing the work
// that depends only on the terms across lines with equal terms. A request it cannot price — a
// SKU the source lacks (b2bkit.ErrNotFound), a bad quantity or terms, a price the policy cannot
// make (b2bkit.ErrInvalid) — does not stop the others: QuoteMany returns every quote, a zero Quote
// for such a request, and a LineErrors that names each failed request ("requests[12].quantity")
// and matches what their errors match. Any other error, a source that fails or ctx done, stops it,
// and it returns no quotes then. It checks ctx every 256 requests. A BatchPriceSource is asked for
// the SKUs of 256 requests at a time, before those requests are checked; a SKU it does not find
// is asked for alone, and a failed block lookup stops the call.
func (e *Engine) QuoteMany(ctx context.Context, reqs []Request) ([]Quote, error) {
	out := make([]Quote, len(reqs))
	var lineErrs LineErrors
	fail := func(i int, err error) {
		if lineErrs == nil {
			lineErrs = make(LineErrors, len(reqs))
		}
		lineErrs[i] = err
	}
	now := e.now()
	b := batch{now: now, validUntil: lastInstant(now, e.policy.ValidDays), m: newCells(len(reqs) * e.decsPerQuote())}
	scratch := make([]*crule, 0, 8)
	per := len(e.steps) + 1
	var ti termsInfo
	var prev *b2bkit.Terms
	var block *priceBlock
	if src, ok := e.prices.(BatchPriceSource); ok {
		block = &priceBlock{src: src}
	}
	for i := range reqs {
		r := &reqs[i]
		if i&255 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := validateLine(r); err != nil {
			fail(i, fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("requests[%d]", i), err)))
			continue
		}
		if prev == nil || !sameTerms(prev, &r.Terms) {
			if err := r.Terms.Validate(); err != nil {
				fail(i, fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("requests[%d].terms", i), err)))
				continue
			}
			ti = newTermsInfo(r.Terms)
			prev = &r.Terms
		}
		// The lines are made in place at the end of the current chunk, which has room for a
		// quote of a line per step; a quote with more lines grows its own.
		b.left = len(reqs) - i
		if b.scope == nil || !sameScope(b.scope, r) {
			b.general, b.scope = e.resolveGeneral(b.general, r, b.now), r
		}
		if len(b.slab) < per {
			b.slab = make([]Adjustment, max(per, chunkLen[Adjustment](b.left*per)))
		}
		var lp ListPrice
		var err error
		if block != nil {
			lp, err = block.get(ctx, reqs, i)
		} else {
			lp, err = e.prices.ListPrice(ctx, r.SKU)
		}
		if err != nil {
			err = fmt.Errorf("requests[%d]: %w", i, err)
			if !lineError(err) {
				return nil, err
			}
			fail(i, err)
			continue
		}
		lines, err := e.quote(ctx, &out[i], r, lp, &ti, &b, scratch, b.slab[:0])
		if err != nil {
			// The quote may have filled part of the chunk: clear it (see grow), and the slot.
			clear(b.slab)
			out[i] = Quote{}
			err = fmt.Errorf("requests[%d]: %w", i, err)
			if !lineError(err) {
				return nil, err
			}
			fail(i, err)
			continue
		}
		if n := len(lines); n > 0 && &lines[0] == &b.slab[0] {
			out[i].Steps, b.slab = lines[:n:n], b.slab[n:]
		} else {
			// The lines outgrew the chunk, which they filled on the way: clear it for the next
			// quote, whose lines are built on the promise that free slots are zero (see grow).
			clear(b.slab)
			out[i].Steps = lines
		}
	}
	if lineErrs != nil {
		return out, lineErrs
	}
	return out, nil
}

// lineError reports whether err is one request's problem rather than the call's: a SKU the
// source lacks or something invalid about the request or its price.
func lineError(err error) bool {
	return errors.Is(err, b2bkit.ErrNotFound) || errors.Is(err, b2bkit.ErrInvalid)
}

// LineErrors is the error QuoteMany returns when it could not price some of its requests: one
// entry per request, the request's error, or nil for a request it priced. It matches (errors.Is,
// errors.As) whatever any of its errors matches.
type LineErrors []error

// Error lists the failed requests' errors, one a line.
func (le LineErrors) Error() string {
	var parts []string
	for _, err := range le {
		if err != nil {
			parts = append(parts, err.Error())
		}
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the failed requests' errors.
func (le LineErrors) Unwrap() []error {
	var errs []error
	for _, err := range le {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// A priceBlock holds the list prices of QuoteMany's next requests, looked up together when the
// source is a BatchPriceSource.
type priceBlock struct {
	src    BatchPriceSource
	start  int // the index of the first request of the block
	skus   []b2bkit.SKU
	prices []ListPrice
	found  []bool
}

// priceBlockLen is how many SKUs QuoteMany asks a BatchPriceSource for at once.
const priceBlockLen = 256

// get returns the list price of reqs[i], looking up the block that starts at i when i is past the
// current one. A SKU the block did not find is asked for alone, so that the error is the source's
// own (or the price, if it arrived in between).
func (pb *priceBlock) get(ctx context.Context, reqs []Request, i int) (ListPrice, error) {
	if i < pb.start || i >= pb.start+len(pb.skus) {
		n := min(priceBlockLen, len(reqs)-i)
		if pb.skus == nil {
			pb.skus, pb.prices, pb.found = make([]b2bkit.SKU, 0, priceBlockLen), make([]ListPrice, priceBlockLen), make([]bool, priceBlockLen)
		}
		pb.skus = pb.skus[:n]
		for j := range pb.skus {
			pb.skus[j] = reqs[i+j].SKU
		}
		if err := pb.src.ListPrices(ctx, pb.skus, pb.prices, pb.found); err != nil {
			pb.skus = pb.skus[:0]
			return ListPrice{}, err
		}
		pb.start = i
	}
	if k := i - pb.start; pb.found[k] {
		return pb.prices[k], nil
	}
	return pb.src.ListPrice(ctx, reqs[i].SKU)
}

// sameScope reports whether the general rules that match a match b: same buyer, tier, grade and
// order date.
func sameScope(a, b *Request) bool {
	return a.Buyer == b.Buyer && a.Tier == b.Tier && a.Grade == b.Grade && a.Terms.OrderedAt == b.Terms.OrderedAt
}

// resolveGeneral returns, per step, the rules without a SKU that match the request, in policy
// order, reusing dst's memory.
func (e *Engine) resolveGeneral(dst [][]*crule, r *Request, now time.Time) [][]*crule {
	if dst == nil {
		dst = make([][]*crule, len(e.steps))
	}
	for si := range e.steps {
		dst[si] = e.steps[si].candidates(dst[si][:0], r, nil, now)
	}
	return dst
}

// sameTerms reports whether two terms are the same to the last detail that can show in a quote
// (the location of a date, the places of a share), so that what was worked out for one serves the
// other: Terms.Equal, which compares instants and values, is not enough for that.
func sameTerms(a, b *b2bkit.Terms) bool {
	if a.OrderedAt != b.OrderedAt || a.DeliverBy != b.DeliverBy || len(a.Payment.Installments) != len(b.Payment.Installments) {
		return false
	}
	if len(a.Payment.Installments) > 0 && &a.Payment.Installments[0] == &b.Payment.Installments[0] {
		return true // the same installments: a catalog built with one buyer's terms
	}
	for i, x := range a.Payment.Installments {
		y := b.Payment.Installments[i]
		if x.Due != y.Due || x.Days != y.Days || x.Share.Exponent() != y.Share.Exponent() || !x.Share.Equal(y.Share) {
			return false
		}
	}
	return true
}

// A batch is what the quotes of one Quote or QuoteMany call share: the clock reading, the
// validity date, and the memory the quotes keep. QuoteMany makes the lines, decimals, dues,
// payment and rounding bases, early-payment offers and breaches of all its quotes in chunks
// instead of one allocation each.
type batch struct {
	now, validUntil time.Time
	// slab, offers, payments, roundings, breaches and dues are the unused rest of the current
	// chunks; left is the number of requests still to quote, which sizes the next chunk.
	slab      []Adjustment
	offers    []EarlyPaymentOffer
	payments  []PaymentBasis
	roundings []RoundingBasis
	breaches  []Breach
	dues      []b2bkit.Due
	left      int
	// general holds, per step, the rules without a SKU that match scope's buyer, tier, grade and
	// order date (QuoteMany; nil in Quote).
	general [][]*crule
	scope   *Request
	// earlyKeep is 1 - the discount of the early-payment offer of the quote being made.
	earlyKeep decimal.Decimal
	// gradUsed are the graduated rules that applied to the quote being made; gradFrac, set only
	// while one part of a graduated line is priced (see priceBands), fixes each of them at the
	// rate of the band that part falls in.
	gradUsed []*crule
	gradFrac []gradRate
	// priceOnly stops a quote at its total: the quote of the same request on other terms that
	// bounds an early-payment offer (see earlyAmount).
	priceOnly bool
	// m holds the coefficients of the decimals the quotes return.
	m fastdec.Cells
}

// payment returns the basis of a payment line of rule c of step s under the terms ti.
func (b *batch) payment(ti *termsInfo, s *cstep, c *crule) *PaymentBasis {
	p := take(b, &b.payments)
	*p = PaymentBasis{CreditDays: ti.creditDays, ReferenceCreditDays: s.refCredit(ti), AnnualPercent: c.AnnualPercent}
	return p
}

// chunkBytes bounds a chunk of lines, decimals, dues or offers that QuoteMany allocates at once.
// A chunk is zeroed when it is allocated and filled right after: one small enough to stay in the
// cache in between (and to come from the runtime's small-object pools) quotes a catalog faster
// than one large chunk: a fifth faster for 10,000 lines on the development machine.
const chunkBytes = 32 << 10

// newCells returns the cells for about n decimals, in chunks of at most chunkBytes.
func newCells(n int) fastdec.Cells {
	return fastdec.NewCells(max(1, min(n, chunkBytes/fastdec.CellBytes)))
}

// chunkLen is the length of a chunk of T for want of them: want, but at most chunkBytes' worth and
// at least one.
func chunkLen[T any](want int) int {
	return max(1, min(want, chunkBytes/max(1, int(reflect.TypeFor[T]().Size()))))
}

// schedule is r.Terms.Schedule(total, scale) for terms that quote has validated: the dates are
// worked out once per terms (in QuoteMany) and the amounts are split in minor units, with
// PaymentTerms.SplitMinor, into the batch's decimals. Whatever that cannot split goes to
// Terms.Schedule, which has the last word.
func (b *batch) schedule(r *Request, ti *termsInfo, total decimal.Decimal, scale int32) ([]b2bkit.Due, error) {
	units, ok := fixedOf(total)
	if !ok || units.exp != -scale {
		return r.Terms.Schedule(total, scale)
	}
	var buf [8]int64
	amounts, ok := r.Terms.Payment.SplitMinor(units.c, buf[:0])
	if !ok {
		return r.Terms.Schedule(total, scale)
	}
	n := len(amounts)
	var dues []b2bkit.Due
	if b.left <= 1 {
		dues = make([]b2bkit.Due, n)
		dueDates(dues, &r.Terms)
	} else {
		if ti.dues == nil {
			ti.dues = make([]b2bkit.Due, n)
			dueDates(ti.dues, &r.Terms)
		}
		if len(b.dues) < n {
			b.dues = make([]b2bkit.Due, max(n, chunkLen[b2bkit.Due](n*b.left)))
		}
		dues, b.dues = b.dues[:n:n], b.dues[n:]
		copy(dues, ti.dues)
	}
	for i, a := range amounts {
		dues[i].Amount = b.m.New(a, -scale)
	}
	return dues, nil
}

// dueDates fills the installment and the due date of each of dues, as Terms.Schedule does.
func dueDates(dues []b2bkit.Due, t *b2bkit.Terms) {
	for i, in := range t.Payment.Installments {
		dues[i] = b2bkit.Due{Installment: in, Date: t.DueDate(in)}
	}
}

// keepBreaches copies breaches to memory of their own, exactly as many.
func (b *batch) keepBreaches(breaches []Breach) []Breach {
	n := len(breaches)
	if b.left <= 1 || n > 2 {
		return append(make([]Breach, 0, n), breaches...)
	}
	if len(b.breaches) < n {
		b.breaches = make([]Breach, chunkLen[Breach](2*b.left))
	}
	out := b.breaches[:n:n]
	b.breaches = b.breaches[n:]
	copy(out, breaches)
	return out
}

// take returns memory for one T from the batch's chunk of them: a fresh T in Quote, a slot of a
// chunk sized for the requests still to quote in QuoteMany.
func take[T any](b *batch, chunk *[]T) *T {
	if b.left <= 1 {
		return new(T)
	}
	if len(*chunk) == 0 {
		*chunk = make([]T, chunkLen[T](b.left))
	}
	p := &(*chunk)[0]
	*chunk = (*chunk)[1:]
	return p
}

// validateLine checks what Validate checks besides the terms.
func validateLine(r *Request) error {
	switch {
	case r.SKU == "":
		return b2bkit.Invalid("sku", "must be set")
	case !checkNumber(r.Quantity):
		return b2bkit.Invalid("quantity", "out of range")
	case r.Quantity.Sign() <= 0:
		return b2bkit.Invalid("quantity", "must be > 0")
	}
	return nil
}

// quote prices one validated request into q. It finds each step's rules in scratch and builds the
// lines in lines and returns them. Quote keeps both buffers on its stack and copies the lines out;
// QuoteMany builds them where they stay.
func (e *Engine) quote(ctx context.Context, q *Quote, r *Request, lp ListPrice, ti *termsInfo, b *batch, scratch []*crule, lines []Adjustment) ([]Adjustment, error) {
	if !checkNumber(lp.Price) || lp.Price.Sign() <= 0 || !checkNumber(lp.Cost) {
		return nil, fmt.Errorf("pricing: %w", b2bkit.Invalid("list_price", "sku %q: price list gives an unusable price", r.SKU))
	}
	currency := e.currency
	if currency == "" {
		currency = lp.Currency
	} else if lp.Currency != "" && lp.Currency != currency {
		return nil, fmt.Errorf("pricing: %w", b2bkit.Invalid("list_price.currency", "sku %q is priced in %s, the policy in %s", r.SKU, lp.Currency, currency))
	}
	if r.Currency != "" && currency != "" && r.Currency != currency {
		return nil, fmt.Errorf("pricing: %w", b2bkit.Invalid("request.currency", "must be %s", currency))
	}
	// q is zero (a fresh variable or slot): setting the fields one by one writes less than
	// assigning a whole Quote.
	q.Request, q.Currency, q.ListPrice, q.PolicyName = *r, currency, lp.Price, e.policy.Name
	q.PolicyVersion, q.QuotedAt, q.ValidUntil = e.version, b.now, b.validUntil
	lines = lines[:0]
	b.gradUsed = b.gradUsed[:0]
	price := lp.Price
	base := price
	rounded := false
	var guardBuf [4]*crule
	guards := guardBuf[:0] // the guardrail rules that applied, checked again after the rounding
	skuRules := e.rulesFor(r.SKU)
	for si := range e.steps {
		s := &e.steps[si]
		var cands []*crule
		if b.general != nil {
			cands = b.general[si] // resolved once for the batch's buyer
			if skuRules != nil && len(skuRules[si]) > 0 {
				cands = s.skuCandidates(append(scratch[:0], cands...), r, skuRules, b.now)
			}
		} else {
			cands = s.candidates(scratch[:0], r, skuRules, b.now)
		}
		switch s.kind {
		case Base:
			var pick *crule
			if s.combine == BestForBuyer {
				for _, c := range cands {
					if pick == nil || c.Price.LessThan(pick.Price) {
						pick = c
					}
				}
			} else {
				pick = mostSpecific(cands)
			}
			var a *Adjustment
			lines, a = grow(lines)
			a.Step, a.Kind, a.Before, a.After = s.name, Base, price, price
			if pick != nil {
				a.RuleID, a.After = pick.ID, pick.Price
				price = pick.Price
			}
			base = price
		case Guardrail:
			g := mostSpecific(cands)
			if g == nil {
				continue
			}
			guards = append(guards, g)
			if belowFloor, overDiscount := broken(g, price, base, lp.Cost); belowFloor || overDiscount {
				var a *Adjustment
				lines, a = grow(lines)
				guard(a, b, s, g, price, base, lp.Cost, belowFloor, overDiscount)
				if a.Clamped {
					price = a.After
				} else {
					q.NeedsApproval = true
					if q.Breaches == nil {
						// The guardrail line's own list; a second guardrail's breaches go to a
						// copy (append never writes into the line's, whose capacity is its length).
						q.Breaches = a.Breaches
					} else {
						q.Breaches = append(q.Breaches, a.Breaches...)
					}
				}
			}
		case Rounding:
			g := mostSpecific(cands)
			if g == nil {
				continue
			}
			var a *Adjustment
			lines, a = grow(lines)
			if err := roundLine(b, a, s, g.ID, g.Scale, g.RoundingMode, g.Increment, price); err != nil {
				return nil, err
			}
			price, q.Scale, rounded = a.After, a.Rounding.Scale, true
		default:
			var err error
			price, lines, err = e.adjust(q, b, lines, s, si, cands, r, ti, price)
			if err != nil {
				return nil, err
			}
		}
	}
	q.BaseUnitPrice = base
	if !rounded {
		var a *Adjustment
		lines, a = grow(lines)
		if err := roundLine(b, a, nil, "", 2, b2bkit.HalfUp, decimal.Zero, price); err != nil {
			return nil, err
		}
		price, q.Scale = a.After, 2
	}
	if len(guards) > 0 {
		price = guardRounded(q, b, &lines[len(lines)-1], guards, price, base, lp.Cost)
	}
	if price.Sign() <= 0 {
		return nil, fmt.Errorf("pricing: %w", b2bkit.Invalid("request", "sku %q: the policy prices it at %s, not above zero", r.SKU, price))
	}
	mode := lines[len(lines)-1].Rounding.Mode // the rounding line is the last (Validate sees to it)
	q.UnitPrice = price
	if b.gradFrac != nil {
		return lines, nil // one part of a graduated line: its price is all priceBands asks for
	}
	if len(b.gradUsed) > 0 {
		if err := e.priceBands(ctx, q, r, lp, ti, b, scratch, mode); err != nil {
			return nil, err
		}
	} else if mode == b2bkit.HalfUp {
		q.Total = padScale(&b.m, mulRound(&b.m, price, r.Quantity, q.Scale), q.Scale)
	} else {
		q.Total = b2bkit.Round(price.Mul(r.Quantity), q.Scale, mode)
	}
	if b.priceOnly {
		return lines, nil // the price under other terms, for an early-payment offer
	}
	var err error
	if q.Schedule, err = b.schedule(r, ti, q.Total, q.Scale); err != nil {
		return nil, fmt.Errorf("pricing: %w", b2bkit.InField("request.terms", err))
	}
	if q.EarlyPayment != nil {
		if err := e.earlyAmount(ctx, q, r, lp, ti, b, scratch, lines[len(lines):], mode); err != nil {
			return nil, err
		}
	}
	if b.left <= 1 {
		q.Steps = append(make([]Adjustment, 0, len(lines)), lines...)
	}
	return lines, nil
}

// grow adds a slot for one more line to lines and returns it, zero. The slots past the length of
// lines are zero already (the buffers start zero, and a slot given back is cleared), so a slot is
// not cleared again: the caller sets only the fields a line has.
func grow(lines []Adjustment) ([]Adjustment, *Adjustment) {
	if n := len(lines); n < cap(lines) {
		lines = lines[:n+1]
	} else {
		lines = append(lines, Adjustment{})
	}
	return lines, &lines[len(lines)-1]
}

// line fills a, which must be zero, with what rule c of step s does to the unit price on, and
// reports whether the rule applies at all.
func line(b *batch, a *Adjustment, s *cstep, c *crule, r *Request, ti *termsInfo, on decimal.Decimal) bool {
	a.Step, a.Kind, a.RuleID, a.Before = s.name, s.kind, c.ID, on
	var fx fixed
	fxOK := false
	var amount decimal.Decimal // the change, when it is not worked out in integers
	if s.kind == Tier && !c.Amount.IsZero() {
		amount, a.Tier = c.Amount, r.Tier
	} else if f, ok := b.gradOverride(s, c); ok {
		// One part of a graduated line, priced at its band's rate (see priceBands).
		a.Percent, a.Mode = f.Shift(2), c.Mode
		amount = mulRound(&b.m, on, f, AmountScale)
	} else if f, ok := c.payFixed(s, ti); ok {
		// A payment fraction is worked out in integers and never needs to be a decimal here.
		fx, fxOK = f, true
		a.Payment = b.payment(ti, s, c)
	} else {
		f, fxx, ok, applies := c.fractionFixed(s, r, ti)
		if !applies {
			return false
		}
		if fx, fxOK = fxx, ok; !ok {
			amount = mulRound(&b.m, on, f, AmountScale)
		}
		switch s.kind {
		case Quantity:
			a.Percent, a.Mode = f.Shift(2), c.Mode
		case LeadTime:
			a.Percent, a.LeadDays = f.Shift(2), int32(ti.lead)
		case Payment:
			a.Payment = b.payment(ti, s, c)
		case Tier:
			a.Percent, a.Tier = f.Shift(2), r.Tier
		}
	}
	if fxOK {
		if after, ok := priceAfter(&b.m, on, fx, AmountScale); ok {
			a.After = after
			return true
		}
		amount = mulRoundByFixed(&b.m, on, fx, AmountScale)
	}
	if amount.IsZero() {
		a.After = on
	} else {
		a.After = addDec(&b.m, on, amount)
	}
	return true
}

// adjust runs a percent-priced or fixed-amount step over its matching rules as the step combines
// them, appending one line per rule applied to lines, and returns the new unit price and lines.
func (e *Engine) adjust(q *Quote, b *batch, lines []Adjustment, s *cstep, si int, cands []*crule, r *Request, ti *termsInfo, price decimal.Decimal) (decimal.Decimal, []Adjustment, error) {
	if len(cands) == 0 {
		return price, lines, nil
	}
	// next is the slot for a new line; drop takes it back when its rule did not apply.
	next := func() *Adjustment {
		var a *Adjustment
		lines, a = grow(lines)
		return a
	}
	drop := func() {
		lines[len(lines)-1] = Adjustment{} // free slots stay zero (see grow)
		lines = lines[:len(lines)-1]
	}
	switch s.combine {
	case MostSpecific:
		// The most specific rule decides, even when it does not apply to this quantity or lead.
		c := mostSpecific(cands)
		a := next()
		if !line(b, a, s, c, r, ti, price) {
			drop()
			return price, lines, nil
		}
		price = a.After
		b.noteGraduated(s, c)
		e.offerEarly(q, b, s, c, r, ti)
	case BestForBuyer:
		var best, a Adjustment
		var bestRule *crule
		for _, c := range cands {
			a = Adjustment{}
			// Every candidate starts from price: the lowest After is the lowest amount.
			if line(b, &a, s, c, r, ti, price) && (bestRule == nil || lessThan(a.After, best.After)) {
				best, bestRule = a, c
			}
		}
		if bestRule == nil {
			return price, lines, nil
		}
		price = best.After
		lines = append(lines, best)
		b.noteGraduated(s, bestRule)
		e.offerEarly(q, b, s, ruleByID(cands, best.RuleID), r, ti)
	case Add:
		start := price
		for _, c := range cands {
			a := next()
			if !line(b, a, s, c, r, ti, start) {
				drop()
				continue
			}
			// Each rule's amount is worked out on the price the step started from.
			a.Before, a.After = price, addDec(&b.m, price, subDec(nil, a.After, start))
			price = a.After
			b.noteGraduated(s, c)
			e.offerEarly(q, b, s, c, r, ti)
		}
	case Compound:
		for _, c := range cands {
			a := next()
			if !line(b, a, s, c, r, ti, price) {
				drop()
				continue
			}
			price = a.After
			b.noteGraduated(s, c)
			e.offerEarly(q, b, s, c, r, ti)
		}
	}
	if price.Sign() <= 0 {
		return price, lines, fmt.Errorf("pricing: %w", b2bkit.Invalid(fmt.Sprintf("policy.steps[%d]", si), "takes the unit price of sku %q to %s", r.SKU, price))
	}
	return price, lines, nil
}

func ruleByID(cands []*crule, id string) *crule {
	for _, c := range cands {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// offerEarly records the first early-payment alternative a payment rule offers on credit terms.
func (e *Engine) offerEarly(q *Quote, b *batch, s *cstep, c *crule, r *Request, ti *termsInfo) {
	if s.kind != Payment || c == nil || c.early == nil || q.EarlyPayment != nil || !ti.credit || b.priceOnly || b.gradFrac != nil {
		return
	}
	o := take(b, &b.offers)
	*o = EarlyPaymentOffer{Terms: c.early.terms, RuleID: c.ID, AnnualPercent: c.early.annual,
		PayBy: ti.payBy(r.Terms.DeliverBy, c.early.terms.WithinDays)}
	b.earlyKeep = c.early.keep
	q.EarlyPayment = o
}

// broken reports which of the guardrail's limits the price breaks: the floor (cost plus the
// minimum margin) and the most discount allowed against the base. The limits are computed and
// compared in integers; guard builds decimals only for a limit that was broken.
func broken(g *crule, price, base, cost decimal.Decimal) (belowFloor, overDiscount bool) {
	if !cost.IsZero() {
		if floor, ok := mulRoundFixed(cost, g.floorK, AmountScale); ok {
			belowFloor = lessThanFixed(price, floor)
		} else {
			belowFloor = lessThan(price, mulRound(nil, cost, g.floorK, AmountScale))
		}
	}
	if !g.MaxDiscountPercent.IsZero() {
		if least, ok := mulRoundFixed(base, g.minK, AmountScale); ok {
			overDiscount = lessThanFixed(price, least)
		} else {
			overDiscount = lessThan(price, mulRound(nil, base, g.minK, AmountScale))
		}
	}
	return belowFloor, overDiscount
}

// guard fills a, which must be zero, with the line of a guardrail whose limits the price broke.
func guard(a *Adjustment, b *batch, s *cstep, g *crule, price, base, cost decimal.Decimal, belowFloor, overDiscount bool) {
	a.Step, a.Kind, a.RuleID, a.Before, a.After = s.name, Guardrail, g.ID, price, price
	var found [2]Breach
	n := 0
	limit := decimal.Zero
	if belowFloor {
		f := mulRound(&b.m, cost, g.floorK, AmountScale)
		found[n] = Breach{Kind: BelowFloor, RuleID: g.ID, Limit: f, Price: price}
		n++
		limit = f
	}
	if overDiscount {
		l := mulRound(&b.m, base, g.minK, AmountScale)
		found[n] = Breach{Kind: OverMaxDiscount, RuleID: g.ID, Limit: l, Price: price}
		n++
		if l.GreaterThan(limit) {
			limit = l
		}
	}
	a.Breaches = b.keepBreaches(found[:n])
	if g.OnBreach == Clamp {
		a.Clamped, a.After = true, limit
	}
}

// guardRounded checks the rounded unit price against the guardrails that applied, since rounding
// can take a price below a limit it was clamped to or was a hair above. A clamping guardrail raises
// the price to the lowest price on the rounding's grid (its increment, or else its scale) that keeps
// to the limit; the rounding line a says so and lists the breach. A guardrail that asks for approval
// marks the quote NeedsApproval, with the breach on the rounding line and in the quote unless the
// guardrail's own line reported it already. It returns the final unit price.
func guardRounded(q *Quote, b *batch, a *Adjustment, guards []*crule, price, base, cost decimal.Decimal) decimal.Decimal {
	for _, g := range guards {
		belowFloor, overDiscount := broken(g, price, base, cost)
		if !belowFloor && !overDiscount {
			continue
		}
		var found [2]Breach
		n := 0
		limit := decimal.Zero
		if belowFloor {
			f := mulRound(&b.m, cost, g.floorK, AmountScale)
			found[n], limit = Breach{Kind: BelowFloor, RuleID: g.ID, Limit: f, Price: price}, f
			n++
		}
		if overDiscount {
			l := mulRound(&b.m, base, g.minK, AmountScale)
			found[n] = Breach{Kind: OverMaxDiscount, RuleID: g.ID, Limit: l, Price: price}
			n++
			if l.GreaterThan(limit) {
				limit = l
			}
		}
		if g.OnBreach == Clamp {
			a.Breaches = append(a.Breaches[:len(a.Breaches):len(a.Breaches)], found[:n]...)
			price = ceilToGrid(&b.m, limit, a.Rounding)
			a.After, a.Clamped = price, true
			continue
		}
		for _, br := range found[:n] {
			if slices.ContainsFunc(q.Breaches, func(x Breach) bool { return x.Kind == br.Kind && x.RuleID == br.RuleID }) {
				continue
			}
			q.NeedsApproval = true
			a.Breaches = append(a.Breaches[:len(a.Breaches):len(a.Breaches)], br)
			q.Breaches = append(q.Breaches[:len(q.Breaches):len(q.Breaches)], br)
		}
	}
	return price
}

// ceilToGrid is the lowest price on the rounding's grid, its increment or else its scale, that is
// not below limit.
func ceilToGrid(m *fastdec.Cells, limit decimal.Decimal, r *RoundingBasis) decimal.Decimal {
	if !r.Increment.IsZero() {
		if v, err := b2bkit.RoundToIncrement(limit, r.Increment, b2bkit.Up); err == nil {
			return padScale(m, v, r.Scale)
		}
	}
	return padScale(m, b2bkit.Round(limit, r.Scale, b2bkit.Up), r.Scale)
}

// roundLine fills a, which must be zero, with the rounding of the unit price to the increment, or else to the scale,
// with the mode.
func roundLine(b *batch, a *Adjustment, s *cstep, id string, scale int32, mode b2bkit.RoundingMode, inc, price decimal.Decimal) error {
	a.Step, a.Kind, a.RuleID, a.Before = "rounding", Rounding, id, price
	a.Rounding = take(b, &b.roundings)
	*a.Rounding = RoundingBasis{Scale: scale, Mode: mode, Increment: inc}
	m := &b.m
	if s != nil {
		a.Step = s.name
	}
	var after decimal.Decimal
	if !inc.IsZero() {
		v, err := b2bkit.RoundToIncrement(price, inc, mode)
		if err != nil {
			return fmt.Errorf("pricing: %w", b2bkit.InField("policy.rounding", err))
		}
		after = padScale(m, v, scale)
	} else if mode == b2bkit.HalfUp {
		after = padScale(m, roundHalfUp(m, price, scale), scale)
	} else {
		after = b2bkit.Round(price, scale, mode)
	}
	a.After = after
	return nil
}

// decsPerQuote is about how many decimals a quote of a batch builds: a price after each step, the
// total, the early-payment amount and the schedule. (Quote sizes its one chunk for a decimal per
// step and one more, which most quotes stay within, and takes another when it does not.)
func (e *Engine) decsPerQuote() int { return len(e.steps) + 4 }

// A gradRate fixes a graduated rule at one band's rate while one part of a line is priced.
type gradRate struct {
	rule *crule
	frac decimal.Decimal
}

// noteGraduated records that rule c of step s applied, when it is a graduated quantity rule, so
// that the quote prices the line band by band.
func (b *batch) noteGraduated(s *cstep, c *crule) {
	if b.gradFrac == nil && s.kind == Quantity && c.Mode == Graduated {
		b.gradUsed = append(b.gradUsed, c)
	}
}

// gradOverride is the rate rule c of step s takes while one part of a graduated line is priced.
func (b *batch) gradOverride(s *cstep, c *crule) (decimal.Decimal, bool) {
	if b.gradFrac == nil || s.kind != Quantity || c.Mode != Graduated {
		return decimal.Decimal{}, false
	}
	for _, g := range b.gradFrac {
		if g.rule == c {
			return g.frac, true
		}
	}
	return decimal.Decimal{}, false
}

// priceBands prices a line that graduated breaks applied to the way the breaks say: the units of
// each band at that band's rate. The quantity is cut at every band bound of every graduated rule
// that applied; each part is priced through the whole policy with those rules fixed at the rates
// of the bands it falls in (units below a rule's first band at no adjustment), so the later steps
// and the rounding apply to each band's price. The total is the sum of the parts, rounded once at
// the quote's scale and mode; the unit price is the total divided by the quantity, rounded alike.
// A guardrail a part's price breaks is reported like one the line's breaks.
func (e *Engine) priceBands(ctx context.Context, q *Quote, r *Request, lp ListPrice, ti *termsInfo, b *batch, scratch []*crule, mode b2bkit.RoundingMode) error {
	qty := r.Quantity
	cuts := []decimal.Decimal{decimal.Zero}
	for _, c := range b.gradUsed {
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
	used := slices.Clone(b.gradUsed)
	q.Bands = make([]BandPrice, 0, len(cuts)-1)
	sum := decimal.Zero
	for i := 0; i+1 < len(cuts); i++ {
		lo, hi := cuts[i], cuts[i+1]
		rates := make([]gradRate, len(used))
		for k, c := range used {
			rates[k] = gradRate{rule: c, frac: decimal.Zero}
			if cb := volumeBand(c.bands, lo); cb != nil {
				rates[k].frac = cb.frac
			}
		}
		sub := batch{now: b.now, validUntil: b.validUntil, left: 1, m: b.m, gradFrac: rates}
		var part Quote
		var buf [12]Adjustment
		_, err := e.quote(ctx, &part, r, lp, ti, &sub, scratch[:0], buf[:0])
		b.m = sub.m
		if err != nil {
			return err
		}
		amount := part.UnitPrice.Mul(hi.Sub(lo))
		sum = sum.Add(amount)
		q.Bands = append(q.Bands, BandPrice{From: lo, To: hi, UnitPrice: part.UnitPrice, Amount: amount})
		for _, br := range part.Breaches {
			q.NeedsApproval = true
			if !slices.ContainsFunc(q.Breaches, func(x Breach) bool { return x.Kind == br.Kind && x.RuleID == br.RuleID }) {
				q.Breaches = append(q.Breaches, br)
			}
		}
	}
	q.Total = padScale(&b.m, b2bkit.Round(sum, q.Scale, mode), q.Scale)
	q.UnitPrice = padScale(&b.m, divRound(q.Total, qty, q.Scale, mode), q.Scale)
	return nil
}

// divRound is a / b, both > 0, rounded to scale places with mode, exactly: the quotient is cut at
// scale places and the remainder decides the last place.
func divRound(a, b decimal.Decimal, scale int32, mode b2bkit.RoundingMode) decimal.Decimal {
	quo, rem := a.QuoRem(b, scale)
	if rem.IsZero() {
		return quo
	}
	ulp := decimal.New(1, -scale)
	half := rem.Add(rem).Cmp(b.Shift(-scale)) // the remainder against half of the last place
	up := false
	switch mode {
	case b2bkit.Up:
		up = true
	case b2bkit.HalfUp:
		up = half >= 0
	case b2bkit.HalfEven:
		up = half > 0 || (half == 0 && !quo.Shift(scale).Mod(decimal.NewFromInt(2)).IsZero())
	}
	if up {
		return quo.Add(ulp)
	}
	return quo
}

// earlyAmount fills the amounts of the quote's early-payment offer from its schedule: what is still
// owed after the discount days, that less the discount but not less than what makes the buyer's
// outlay the total of the quote of the request with those installments due on the last discount
// day, and the
// yearly return against the buyer's own due dates. It drops the offer when nothing is owed after
// the discount days or nothing would be saved.
//
// spare is the free rest of the buffer the quote's lines are in, whose slots are zero: the quote
// on other terms builds its lines there and clears them after.
func (e *Engine) earlyAmount(ctx context.Context, q *Quote, r *Request, lp ListPrice, ti *termsInfo, b *batch, scratch []*crule, spare []Adjustment, mode b2bkit.RoundingMode) error {
	ep := q.EarlyPayment
	et := ti.early
	if et == nil || et.within != ep.Terms.WithinDays {
		et = newEarlyTerms(r.Terms, ep.Terms.WithinDays)
		ti.early = et
	}
	if !et.any {
		q.EarlyPayment = nil
		return nil
	}
	owed := b.sumDues(q.Schedule, et.replaced, true, q.Scale)
	var amount decimal.Decimal
	if mode == b2bkit.HalfUp {
		amount = padScale(&b.m, mulRound(&b.m, owed, b.earlyKeep, q.Scale), q.Scale)
	} else {
		amount = b2bkit.Round(owed.Mul(b.earlyKeep), q.Scale, mode)
	}
	// The same request with what is owed due on the last discount day, priced in this batch (its
	// general rules are this request's: the scope is the same).
	ar := *r
	ar.Terms.Payment = et.pay
	var aq Quote
	keep, gradUsed := b.earlyKeep, b.gradUsed
	b.priceOnly = true
	used, err := e.quote(ctx, &aq, &ar, lp, &et.ti, b, scratch[:0], spare[:0])
	b.priceOnly, b.earlyKeep, b.gradUsed = false, keep, gradUsed[:0]
	// Give the slots back zero (see grow): the ones used, or all of them when the lines outgrew
	// the buffer or the quote failed half-way.
	if len(used) > 0 && cap(spare) > 0 && &used[0] == &spare[:1][0] {
		clear(spare[:len(used)])
	} else {
		clear(spare[:cap(spare)])
	}
	if err != nil {
		return err
	}
	// What the buyer pays in all then is that quote's total: the rest of it, after what is paid
	// as scheduled, is the least the offer may ask.
	if onTime := subDec(&b.m, aq.Total, b.sumDues(q.Schedule, et.replaced, false, q.Scale)); lessThan(amount, onTime) {
		amount = onTime
	}
	if !lessThan(amount, owed) {
		q.EarlyPayment = nil
		return nil
	}
	// s/(1-s) x 365/(T-D) = (owed - amount)/amount x 365 x shares/(shareDays - D x shares)
	var den decimal.Decimal
	if amount.Exponent()+et.k2.Exponent() >= -18 {
		den = mulRound(&b.m, amount, et.k2, 18) // exact: it has at most 18 places
	} else {
		den = amount.Mul(et.k2)
	}
	ep.Amount, ep.Replaces = padScale(&b.m, amount, q.Scale), owed
	ep.AnnualPercent = mulDivRound(&b.m, subDec(&b.m, owed, amount), et.k1, den, 4)
	return nil
}

// earlyTerms is what an early-payment offer with the discount days within needs from the terms:
// which installments it replaces (those due more than within days after delivery), the terms with
// those due on the last discount day and their analysis, and the constant factors of the yearly
// return. QuoteMany works it out once per terms.
type earlyTerms struct {
	within   int
	any      bool
	replaced []bool
	pay      b2bkit.PaymentTerms
	ti       termsInfo
	// k1 is 36500 x the replaced shares, k2 their share-weighted days less within x the shares.
	k1, k2 decimal.Decimal
}

func newEarlyTerms(t b2bkit.Terms, within int) *earlyTerms {
	ins := t.Payment.Installments
	et := &earlyTerms{within: within, replaced: make([]bool, len(ins))}
	alt := append([]b2bkit.Installment(nil), ins...)
	shares, shareDays := decimal.Zero, decimal.Zero
	for i, in := range ins {
		if in.Due != b2bkit.OnDelivery || in.Days <= within {
			continue
		}
		et.replaced[i], et.any, alt[i].Days = true, true, within
		shares = shares.Add(in.Share)
		shareDays = shareDays.Add(in.Share.Mul(decimal.NewFromInt(int64(in.Days))))
	}
	et.pay = b2bkit.PaymentTerms{Installments: alt}
	at := t
	at.Payment = et.pay
	et.ti = newTermsInfo(at)
	et.k1 = shares.Mul(decimal.NewFromInt(36500))
	et.k2 = shareDays.Sub(shares.Mul(decimal.NewFromInt(int64(within))))
	return et
}

// sumDues is the sum of the amounts of the dues whose pick is want, at scale places: in integers
// when the amounts have that scale and the sum fits, else in decimals.
func (b *batch) sumDues(dues []b2bkit.Due, pick []bool, want bool, scale int32) decimal.Decimal {
	var c int64
	for i, d := range dues {
		if pick[i] != want {
			continue
		}
		f, ok := fixedOf(d.Amount)
		if !ok || f.exp != -scale || f.c > 1<<60 || f.c < -(1<<60) || c > 1<<61 || c < -(1<<61) {
			return sumDuesDecimal(dues, pick, want, scale)
		}
		c += f.c
	}
	return b.m.New(c, -scale)
}

func sumDuesDecimal(dues []b2bkit.Due, pick []bool, want bool, scale int32) decimal.Decimal {
	sum := decimal.Zero
	for i, d := range dues {
		if pick[i] == want {
			sum = sum.Add(d.Amount)
		}
	}
	return sum.Round(scale)
}

// lastInstant is the last instant of the calendar day days after now, in now's location: a quote
// made with ValidDays 0 stays valid to the end of the day it is made.
func lastInstant(now time.Time, days int) time.Time {
	y, m, d := b2bkit.AddDays(now, days).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, now.Location()).Add(-time.Nanosecond)
}
