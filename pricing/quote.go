package pricing

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
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
	// Base is where a base line's price came from when a formula set it (the figure and its
	// source, the markup); nil on other lines and for a list or fixed contract price.
	Base *BaseBasis
	// Excluded, set on a line whose step was skipped, says which rule excluded it; the line
	// changes nothing and names the rule of the step that would have applied.
	Excluded *Exclusion
	// Mix is the mixed quantity a quantity line read its bands at, over the order's lines (see
	// Rule.Mix); nil when it read the line's own.
	Mix *MixBasis
}

// BaseBasis is where a base line's price came from: a formula on a figure the price source gave.
type BaseBasis struct {
	// Formula is the rule's formula: "list", "cost", "contract" or "list:NAME" (Rule.Formula).
	Formula string
	// Figure is the figure as the price source gave it; Percent and Amount the formula's markup
	// in percent and per unit.
	Figure, Percent, Amount decimal.Decimal
	// Contract is the contract's ID when the figure is a contract price; Group the buyer group
	// whose contract it is, when it is not the buyer's own.
	Contract, Group string
}

// Exclusion says which rule excluded a step from a line: the rule, its step and what it is, in
// words ("contract price").
type Exclusion struct {
	Step, RuleID, What string
}

// MixBasis is the quantity a mixed-case rule counted over an order: the units of the lines it
// matches and how many lines they are.
type MixBasis struct {
	Quantity decimal.Decimal
	Lines    int
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
	// Bands says the line ends at a graduated line's unit price, its bands' total over the
	// quantity rounded at Scale with Mode, which differs from the price before the line rounded:
	// each band's price went through the later steps, the guardrails and the rounding on its own.
	Bands bool
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

// LineTax is the VAT of a line at the SKU's rate: the net amount, the tax and the gross amount
// (Net + Tax). With prices that include VAT the gross is the line's amount and the net is worked
// out of it, rounded with the policy's tax mode; without, the net is the amount and the tax is
// added, rounded alike.
type LineTax struct {
	Percent         decimal.Decimal
	Included        bool
	Net, Tax, Gross decimal.Decimal
}

// A BandPrice is one part of a line priced under graduated breaks: the units from From up to To
// (the line's quantity on the last part), the final, rounded price of each of them, and Amount,
// their exact cost, (To - From) x UnitPrice. A part spans one band of every graduated rule that
// applied.
type BandPrice struct {
	From, To  decimal.Decimal
	UnitPrice decimal.Decimal
	Amount    decimal.Decimal
	// Clamped says a guardrail raised this part's price to its limit (or, after the rounding, to
	// the next price on the rounding's grid that keeps to it), as it would a line's.
	Clamped bool
}

// EarlyPaymentOffer is the early-payment alternative a quote on credit terms carries: pay Amount
// within the discount days of delivery instead of the installments still owed then, the ones due
// later than that after delivery (Replaces, their sum), whether their days count from delivery or
// from the order. A deposit, or anything else due by the last discount day, is paid as scheduled
// and not discounted.
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
	// Request is the request as priced. It shares no memory with the caller's: a host may reuse
	// its request and edit its installments in place after quoting. The quotes of one QuoteMany
	// call on equal terms share one copy of the installments with each other, as the lines of an
	// order share the order's (OrderQuote.Request): a host that edits one quote's in place edits
	// theirs.
	Request Request
	// Currency is the currency of every amount in the quote.
	Currency string
	// ListPrice is the price list's unit price; BaseUnitPrice is the base step's (a contract price
	// when one applied).
	ListPrice, BaseUnitPrice decimal.Decimal
	// Steps are the adjustment lines, in policy order.
	Steps []Adjustment
	// Quantity is the quantity priced: the request's, or the next one the SKU is sold in (a whole
	// number of packs, at least the minimum order quantity) when the policy says to round up.
	// PackSize and MinQuantity are the SKU's, when it has them (ListPrice).
	Quantity, PackSize, MinQuantity decimal.Decimal
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
	// Tax is the line's VAT when the policy has tax (Policy.Tax); nil otherwise.
	Tax *LineTax
	// Schedule is what is due when: one entry per installment, summing exactly to what the buyer
	// pays, Total, or Tax.Gross when the policy has tax. (QuoteOrder's lines have none: the
	// order's schedule is what is due.)
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
// b2bkit.ErrNotFound. A done ctx is ctx.Err(), before any work.
func (e *Engine) Quote(ctx context.Context, r Request) (q Quote, err error) {
	if !e.made() {
		return Quote{}, fmt.Errorf("pricing: %w", errNoEngine())
	}
	if err := ctx.Err(); err != nil { // before any work: a price source need not heed ctx
		return Quote{}, err
	}
	r.canonicalize()
	// Terms.Validate passes plainly valid terms without allocating; anything else is reported in
	// full before any arithmetic is done on it.
	if err := validateLine(&r); err != nil {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.InField("request", err))
	}
	sc := e.getScratch()
	defer e.putScratch(sc)
	// Terms the cache holds were validated by the quote that put them there, and the key holds
	// every detail Validate reads: only terms it does not hold are checked.
	var key termsKey // worked out only when the last terms cached are not these
	cached, cacheable := e.terms.getTerms(&r.Terms, &key, &sc.ti)
	if !cached {
		if err := r.Terms.Validate(); err != nil {
			return Quote{}, fmt.Errorf("pricing: %w", b2bkit.InField("request.terms", err))
		}
		sc.ti = newTermsInfo(&r.Terms)
	}
	now := e.now()
	if sc.lp, err = e.prices.ListPrice(ctx, query(&r, now)); err != nil {
		return Quote{}, err
	}
	if err := usableListPrice(&sc.lp, r.SKU); err != nil {
		return Quote{}, err
	}
	sc.r = r
	b := batch{now: now, validUntil: e.validUntil(now), left: 1, bare: e.pricesOnly}
	if b.bare {
		m := new(bareMem) // a quote without lines needs no memory for them
		b.offers, b.dues, b.insMem = m.offers[:], m.dues[:], m.ins[:]
	} else {
		b.sized = true // its memory comes once the walk has said how many lines it has
	}
	// q is the result itself, priced in place rather than copied out at the end.
	if err := e.priceLine(&q, sc, &sc.r, &sc.lp, &b, nil, nil); err != nil {
		return Quote{}, err
	}
	if cacheable && !cached {
		e.terms.put(&key, &r.Terms, &sc.ti)
	}
	return q, nil
}

// query is what a quote asks the price source for request r on the day now.
func query(r *Request, now time.Time) PriceQuery {
	return PriceQuery{SKU: r.SKU, Buyer: r.Buyer, Group: r.Group, At: now}
}

// priceLine prices request r, with the list price lp (read where it is: the scratch's, a block's
// or an order's) and the terms analysis in sc.ti, into q: the quantity the SKU is sold in, then
// the walk. lines is the memory the walk's lines start in (nil: the scratch's); mix are an order's
// mixed quantities.
func (e *Engine) priceLine(q *Quote, sc *scratch, r *Request, lp *ListPrice, b *batch, lines []wline, mix []mixQty) error {
	qty, err := e.units(r, lp)
	if err != nil {
		return err
	}
	w := e.startWalk(sc, r, lp, qty, b.now, lines)
	w.general, w.mix = b.general, mix
	err = e.price(q, w, b)
	b.lines = w.lines
	return err
}

// QuoteMany prices a batch of requests, typically a whole catalog for one buyer, reusing the work
// that depends only on the terms across lines with equal terms. A request it cannot price — a
// SKU the source lacks (b2bkit.ErrNotFound), a bad quantity or terms, a price the policy cannot
// make (b2bkit.ErrInvalid) — does not stop the others: QuoteMany returns every quote, a zero Quote
// for such a request, and a LineErrors that names each failed request ("requests[12].quantity")
// and matches what their errors match. Any other error, a source that fails or ctx done, stops it,
// and it returns no quotes then. It checks ctx first, an empty batch too, and then every 256
// requests. A BatchPriceSource is asked for the SKUs of 256 requests at a time, before those
// requests are checked; a SKU it does not find is asked for alone, and a failed block lookup stops
// the call.
//
// The quotes keep copies of the requests' installments, one for each run of consecutive requests
// on equal terms (a catalog asked on one buyer's terms costs one), which the run's quotes share
// with each other, never with the caller (see Quote.Request).
//
// Every quote of a batch is dated by one reading of the clock. A batch of at least twice
// MinRunPerWorker requests is priced on several goroutines (Options.Workers), each a run of
// consecutive requests; a panic in the price source is raised again on the caller's goroutine.
func (e *Engine) QuoteMany(ctx context.Context, reqs []Request) ([]Quote, error) {
	if !e.made() {
		return nil, fmt.Errorf("pricing: %w", errNoEngine())
	}
	if err := ctx.Err(); err != nil { // an empty batch too
		return nil, err
	}
	reqs = canonicalRequests(reqs)
	out := make([]Quote, len(reqs))
	now := e.now()
	workers := e.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	runs := max(1, min(workers, len(reqs)/MinRunPerWorker))
	lineErrs := make([]LineErrors, runs) // by run, each as long as its run, made on its first error
	if runs == 1 {
		if err := e.quoteRun(ctx, reqs, out, 0, now, &lineErrs[0]); err != nil {
			return nil, err
		}
	} else if err := e.quoteRuns(ctx, reqs, out, now, lineErrs); err != nil {
		return nil, err
	}
	var all LineErrors
	for k, le := range lineErrs {
		if le == nil {
			continue
		}
		if all == nil {
			all = make(LineErrors, len(reqs))
		}
		copy(all[k*len(reqs)/runs:], le)
	}
	if all != nil {
		return out, all
	}
	return out, nil
}

// quoteRuns prices reqs into out in len(lineErrs) runs of consecutive requests, one goroutine each
// (the caller's takes the first). The first run to fail stops the others, and its error is
// returned; a run that panicked panics again here, whatever the others did.
func (e *Engine) quoteRuns(ctx context.Context, reqs []Request, out []Quote, now time.Time, lineErrs []LineErrors) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runs := len(lineErrs)
	var (
		wg     sync.WaitGroup
		failed atomic.Int32 // the run that failed first, + 1
		errs   = make([]error, runs)
		panics = make([]any, runs)
	)
	run := func(k int) {
		defer func() {
			if v := recover(); v != nil {
				panics[k] = v
				failed.CompareAndSwap(0, int32(k)+1)
				cancel()
			}
		}()
		lo, hi := k*len(reqs)/runs, (k+1)*len(reqs)/runs
		if errs[k] = e.quoteRun(ctx, reqs[lo:hi], out[lo:hi], lo, now, &lineErrs[k]); errs[k] != nil {
			failed.CompareAndSwap(0, int32(k)+1)
			cancel()
		}
	}
	for k := 1; k < runs; k++ {
		wg.Go(func() { run(k) })
	}
	run(0)
	wg.Wait()
	for _, v := range panics { // a panic is a bug: never hidden behind another run's error
		if v != nil {
			panic(v)
		}
	}
	if k := int(failed.Load()) - 1; k >= 0 {
		return errs[k]
	}
	return nil
}

// quoteRun prices reqs, requests base on of a batch, into out, dating every quote now. A request it
// cannot price gets its error in *lineErrs, made as long as reqs on the first; any other error is
// returned, and then out means nothing.
func (e *Engine) quoteRun(ctx context.Context, reqs []Request, out []Quote, base int, now time.Time, lineErrs *LineErrors) error {
	fail := func(i int, err error) {
		if *lineErrs == nil {
			*lineErrs = make(LineErrors, len(reqs))
		}
		(*lineErrs)[i] = err
	}
	b := batch{now: now, validUntil: e.validUntil(now), per: len(e.steps) + 1, bare: e.pricesOnly}
	sc := e.getScratch()
	defer e.putScratch(sc)
	b.lines = sc.mainB.lines[:0] // grown by a quote with more lines, and kept for the next
	var prev *b2bkit.Terms
	var block *priceBlock
	if src, ok := e.prices.(BatchPriceSource); ok {
		block = &priceBlock{src: src}
	}
	for i := range reqs {
		r := &reqs[i]
		if i&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := validateLine(r); err != nil {
			fail(i, fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("requests[%d]", base+i), err)))
			continue
		}
		if prev == nil || !sameTerms(prev, &r.Terms) {
			if err := r.Terms.Validate(); err != nil {
				fail(i, fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("requests[%d].terms", base+i), err)))
				continue
			}
			sc.ti = newTermsInfo(&r.Terms)
			prev = &r.Terms
			b.ins = nil // the next quote copies these terms' installments
		}
		b.left = len(reqs) - i
		if b.scope == nil || !sameScope(b.scope, r) {
			b.general, b.scope = e.resolveGeneral(b.general, r, b.now), r
		}
		var err error
		lp := &sc.lp
		if block != nil {
			lp, err = block.get(ctx, reqs, i, now, &sc.lp)
		} else {
			sc.lp, err = e.prices.ListPrice(ctx, query(r, now))
		}
		if err == nil {
			err = usableListPrice(lp, r.SKU) // the block's or the scratch's copy
		}
		if err == nil {
			err = e.priceLine(&out[i], sc, r, lp, &b, b.lines, nil)
		}
		if err != nil {
			out[i] = Quote{}
			err = atLine(fmt.Sprintf("requests[%d]", base+i), err)
			if !lineError(err) {
				return err
			}
			fail(i, err)
		}
	}
	return nil
}

// lineError reports whether err is the failure of one request, which QuoteMany reports on its line
// and goes on: a SKU the source lacks or something invalid about the request or its price.
func lineError(err error) bool {
	return errors.Is(err, b2bkit.ErrNotFound) || errors.Is(err, b2bkit.ErrInvalid)
}

// atLine says which line of a batch or an order the error of pricing one request was: an error
// that names a field of the request ("pricing: request.quantity: ...") names it on the line
// instead ("pricing: requests[3].quantity: ...", "pricing: order.lines[3].quantity: ..."), as a
// bad field in the request's own checks does; any other error is put after the line's path.
func atLine(path string, err error) error {
	var fe *b2bkit.FieldError
	if errors.As(err, &fe) && err.Error() == "pricing: "+fe.Error() && (fe.Field == "request" || strings.HasPrefix(fe.Field, "request.")) {
		field := path + strings.TrimPrefix(fe.Field, "request")
		return fmt.Errorf("pricing: %w", &b2bkit.FieldError{Field: field, Problem: fe.Problem})
	}
	return fmt.Errorf("%s: %w", path, err)
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
	qs     []PriceQuery
	prices []ListPrice
	found  []bool
}

// priceBlockLen is how many SKUs QuoteMany asks a BatchPriceSource for at once.
const priceBlockLen = 256

// get returns the list price of reqs[i], looking up the block that starts at i when i is past the
// current one: the block's own, read where it is until the next lookup. A SKU the block did not
// find is asked for alone, into dst, so that the error is the source's own (or the price, if it
// arrived in between).
func (pb *priceBlock) get(ctx context.Context, reqs []Request, i int, now time.Time, dst *ListPrice) (_ *ListPrice, err error) {
	if i < pb.start || i >= pb.start+len(pb.qs) {
		n := min(priceBlockLen, len(reqs)-i)
		if pb.qs == nil {
			pb.qs, pb.prices, pb.found = make([]PriceQuery, 0, priceBlockLen), make([]ListPrice, priceBlockLen), make([]bool, priceBlockLen)
		}
		pb.qs = pb.qs[:n]
		for j := range pb.qs {
			pb.qs[j] = query(&reqs[i+j], now)
		}
		if err := pb.src.ListPrices(ctx, pb.qs, pb.prices, pb.found); err != nil {
			pb.qs = pb.qs[:0]
			return dst, err
		}
		pb.start = i
	}
	if k := i - pb.start; pb.found[k] {
		return &pb.prices[k], nil
	}
	*dst, err = pb.src.ListPrice(ctx, query(&reqs[i], now))
	return dst, err
}

// sameScope reports whether the general rules that match a match b: same buyer, group, tier, grade
// and order date.
func sameScope(a, b *Request) bool {
	return a.Buyer == b.Buyer && a.Group == b.Group && a.Tier == b.Tier && a.Grade == b.Grade && a.Terms.OrderedAt == b.Terms.OrderedAt
}

// resolveGeneral returns, per step, the rules without a SKU that match the request, in policy
// order, reusing dst's memory.
func (e *Engine) resolveGeneral(dst [][]*crule, r *Request, now time.Time) [][]*crule {
	if dst == nil {
		dst = make([][]*crule, len(e.steps))
	}
	for si := range e.steps {
		dst[si] = e.steps[si].candidates(dst[si][:0], r, nil, nil, now)
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

// A batch is what the quotes of one Quote or QuoteMany call share: the clock reading, the
// validity date, and the memory of what the quotes keep. QuoteMany makes the lines, dues, payment
// and rounding bases, early-payment offers and breaches of all its quotes in chunks instead of one
// allocation each.
type batch struct {
	now, validUntil time.Time
	// steps, offers, payments, roundings, breaches and dues are the unused rest of the current
	// chunks; left is the number of requests still to quote, which sizes the next chunk, and per
	// about the number of lines of a quote.
	steps     []Adjustment
	offers    []EarlyPaymentOffer
	payments  []PaymentBasis
	roundings []RoundingBasis
	breaches  []Breach
	dues      []b2bkit.Due
	left, per int
	// general holds, per step, the rules without a SKU that match scope's buyer, tier, grade and
	// order date (QuoteMany; nil in Quote).
	general [][]*crule
	scope   *Request
	// lines is the memory of the walks' lines, grown by a quote with many and kept for the next.
	lines []wline
	// order says the quotes are an order's lines: they carry no schedule, early-payment offer or
	// tax of their own (the order's are what count).
	order bool
	// bare says the quotes carry no explanation lines (Options.PricesOnly).
	bare bool
	// ins is the copy of the installments of the terms being quoted that the quotes' requests
	// hold: made by the first quote of a run of requests on the same terms (nil until then) and
	// shared by the run's quotes, never the caller's, whose requests a host may reuse and edit in
	// place. insMem is memory for it in a quote of its own (seedFor).
	ins, insMem []b2bkit.Installment
	// sized says the batch is one quote's, whose memory (seedFor) is allocated when its walk is
	// done, for as many lines as it has.
	sized bool
}

// chunkBytes bounds a chunk of lines, dues or offers that QuoteMany allocates at once. A chunk is
// zeroed when it is allocated and filled right after: one small enough to stay in the cache in
// between (and to come from the runtime's small-object pools) quotes a catalog faster than one
// large chunk.
const chunkBytes = 32 << 10

// chunkLen is the length of a chunk of T for want of them: want, but at most chunkBytes' worth and
// at least one.
func chunkLen[T any](want int) int {
	return max(1, min(want, chunkBytes/max(1, int(reflect.TypeFor[T]().Size()))))
}

// take returns memory for one T from the batch's chunk of them: a fresh T in Quote, a slot of a
// chunk sized for the requests still to quote in QuoteMany.
func take[T any](b *batch, chunk *[]T) *T {
	if len(*chunk) == 0 {
		if b.left <= 1 {
			return new(T)
		}
		*chunk = make([]T, chunkLen[T](b.left))
	}
	p := &(*chunk)[0]
	*chunk = (*chunk)[1:]
	return p
}

// takeN returns memory for n T, exactly as many (its capacity is n, so that appending to one
// quote's slice never writes into another's), from the batch's chunk of them, each group of
// per in the requests still to quote.
func takeN[T any](b *batch, chunk *[]T, n, per int) []T {
	if len(*chunk) < n {
		if b.left <= 1 || n > per*4 {
			return make([]T, n)
		}
		*chunk = make([]T, max(n, chunkLen[T](b.left*per)))
	}
	out := (*chunk)[:n:n]
	*chunk = (*chunk)[n:]
	return out
}

// quoteMem is the memory of one quote's lines, bases, offer, schedule and request's installments
// in one allocation, for a quote of up to 8 lines: what Quote, which makes one quote, seeds its
// batch with once its walk has said how many lines the quote has (see seedFor). quoteMem4 and
// quoteMem6 are the same for up to 4 and 6 lines: a quote's memory is most of what it allocates,
// and the collector's work grows with it. The rest (quoteRest) serves a quote with one payment
// line, one offer and up to four installments, and holds the copy of its request's installments
// when they are at most two (a deposit and a balance: room for more would take a quote of four
// lines into a larger size class); one with more takes the others one by one.
type quoteMem struct {
	steps [8]Adjustment
	quoteRest
}

type quoteMem6 struct {
	steps [6]Adjustment
	quoteRest
}

type quoteMem4 struct {
	steps [4]Adjustment
	quoteRest
}

type quoteRest struct {
	payments  [1]PaymentBasis
	roundings [1]RoundingBasis
	offers    [1]EarlyPaymentOffer
	dues      [4]b2bkit.Due
	ins       [2]b2bkit.Installment
}

// bareMem is the memory of one quote without lines (Options.PricesOnly): its offer, schedule and
// its request's installments (up to two, as quoteRest).
type bareMem struct {
	offers [1]EarlyPaymentOffer
	dues   [4]b2bkit.Due
	ins    [2]b2bkit.Installment
}

// seedFor gives the batch of one quote of n lines memory for them, and for the rest of the quote,
// in one allocation.
func (b *batch) seedFor(n int) {
	var rest *quoteRest
	switch {
	case n <= 4:
		m := new(quoteMem4)
		b.steps, rest = m.steps[:], &m.quoteRest
	case n <= 6:
		m := new(quoteMem6)
		b.steps, rest = m.steps[:], &m.quoteRest
	default:
		m := new(quoteMem)
		b.steps, rest = m.steps[:], &m.quoteRest
	}
	b.payments, b.roundings, b.offers, b.dues = rest.payments[:], rest.roundings[:], rest.offers[:], rest.dues[:]
	b.insMem = rest.ins[:]
}

// installments returns the batch's copy of ins, the installments of the terms being quoted,
// making it on the first quote of a run (see batch.ins): in the quote's own memory when it has
// room, else in one allocation.
func (b *batch) installments(ins []b2bkit.Installment) []b2bkit.Installment {
	if b.ins == nil && ins != nil {
		if len(ins) <= len(b.insMem) {
			b.ins = b.insMem[:len(ins):len(ins)]
		} else {
			b.ins = make([]b2bkit.Installment, len(ins))
		}
		copy(b.ins, ins)
	}
	return b.ins
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

// price prices the request of walk w, whose list price it holds, into q, which must be zero: it
// walks the steps, works out the total, the schedule and the early-payment offer, and writes the
// lines out, making the decimals the quote returns.
func (e *Engine) price(q *Quote, w *walk, b *batch) error {
	r, lp := w.r, w.lp
	if !checkVal(w.list) || w.list.sign() <= 0 || !checkVal(w.cost) { // lp's price and cost, read once
		return fmt.Errorf("pricing: %w", b2bkit.Invalid("list_price", "sku %q: price list gives an unusable price", r.SKU))
	}
	currency := e.currency
	if currency == "" {
		currency = lp.Currency
	} else if lp.Currency != "" && lp.Currency != currency {
		return fmt.Errorf("pricing: %w", b2bkit.Invalid("list_price.currency", "sku %q is priced in %s, the policy in %s", r.SKU, lp.Currency, currency))
	}
	if r.Currency != "" && currency != "" && r.Currency != currency {
		return fmt.Errorf("pricing: %w", b2bkit.Invalid("request.currency", "must be %s", currency))
	}
	if w.general == nil {
		// The rules without a SKU that match, once for the walks of this quote, or as the last
		// quote for the same scope found them when no such rule is dated.
		var key scopeCacheKey
		if e.undated {
			key = scopeOf(r)
			w.general = e.scopes.get(&key)
		}
		if w.general == nil {
			w.sc.general = e.resolveGeneral(w.sc.general, r, w.now)
			w.general = w.sc.general
			if e.undated {
				e.scopes.put(&key, w.general)
			}
		}
	}
	if err := w.run(0); err != nil {
		return err
	}
	graduated := len(w.gradUsed) > 0
	total, err := w.total(&q.Bands)
	if err != nil {
		return err
	}
	if b.sized {
		b.sized = false
		b.seedFor(len(w.lines))
	}
	// q is zero (a fresh variable or slot): setting the fields one by one writes less than
	// assigning a whole Quote.
	q.Request, q.Currency, q.ListPrice, q.PolicyName = *r, currency, lp.Price, e.policy.Name
	q.Request.Terms.Payment.Installments = b.installments(r.Terms.Payment.Installments)
	q.PolicyVersion, q.QuotedAt, q.ValidUntil = e.version, b.now, b.validUntil
	q.BaseUnitPrice, q.Scale, q.Total = w.base.dec(), w.scale, total.dec()
	q.Quantity, q.PackSize, q.MinQuantity = w.qtyD, lp.PackSize, lp.MinQuantity
	if !b.order {
		payable := total
		if t := e.policy.Tax; t != nil {
			q.Tax = lineTax(total, lp.TaxPercent, w.scale, t)
			payable = valOf(q.Tax.Gross)
		}
		var buf [8]int64
		units := buf[:0]
		if q.Schedule, units, err = b.schedule(w, payable, units); err != nil {
			return fmt.Errorf("pricing: %w", b2bkit.InField("request.terms", err))
		}
		if w.early != nil {
			if err := e.earlyOffer(q, w, b, units); err != nil {
				return err
			}
		}
	}
	if b.bare {
		// The rounding line's price, after any guardrail, is the walk's final price.
		q.UnitPrice = w.price.dec()
	} else if q.Steps = b.writeLines(w); graduated {
		q.UnitPrice = w.price.dec()
		// The lines follow the effective rate over the whole quantity; the unit price is the bands'
		// total over it. The last line, the rounding, ends where the quote does, and says why.
		if last := &q.Steps[len(q.Steps)-1]; !last.After.Equal(q.UnitPrice) && last.Rounding != nil {
			last.After = q.UnitPrice
			last.Rounding.Bands = true
		}
	} else {
		q.UnitPrice = q.Steps[len(q.Steps)-1].After // the rounding line's, after any guardrail
	}
	q.NeedsApproval = w.approval
	q.Breaches = b.quoteBreaches(w)
	return nil
}

// writeLines writes the walk's lines out as the quote's adjustments: each line starts at the
// price the one before it ended, and a price a line leaves unchanged is the same decimal.
func (b *batch) writeLines(w *walk) []Adjustment {
	steps := takeN(b, &b.steps, len(w.lines), b.per)
	prev, prevD := w.list, w.lp.Price
	for i := range w.lines {
		l := &w.lines[i]
		a := &steps[i]
		a.Kind, a.Before, a.Percent, a.Clamped = l.kind, prevD, l.pct, l.clamped
		if l.s != nil {
			a.Step = l.s.name
		} else {
			a.Step = "rounding"
		}
		if l.r != nil {
			a.RuleID = l.r.ID
		}
		switch {
		case same(l.after, prev):
			a.After = prevD
		case l.kind == Base && w.base.hasD && same(l.after, w.base):
			a.After = w.base.d // the quote's BaseUnitPrice, made already
		default:
			a.After = l.after.dec()
		}
		if l.excl != nil {
			a.Excluded = &Exclusion{Step: l.excl.step, RuleID: l.excl.ID, What: l.excl.what}
		}
		if l.mix != nil {
			a.Mix = &MixBasis{Quantity: l.mix.qty.peek(), Lines: l.mix.lines}
		}
		switch l.kind {
		case Base:
			if l.r != nil && l.r.from != fromNone {
				f, _ := w.figure(l.r)
				bb := &BaseBasis{Formula: l.r.Formula, Figure: f, Percent: l.r.Percent, Amount: l.r.Amount}
				if l.r.from == fromContract {
					bb.Contract, bb.Group = w.lp.Contract.ID, w.lp.Contract.Group
				}
				a.Base = bb
			}
		case Quantity:
			a.Mode = l.r.Mode
		case LeadTime:
			a.LeadDays = l.lead
		case Tier:
			a.Tier = w.r.Tier
		case Payment:
			p := take(b, &b.payments)
			*p = PaymentBasis{CreditDays: w.ti.cdays.dec(), ReferenceCreditDays: l.s.refCredit(w.ti), AnnualPercent: l.r.AnnualPercent}
			a.Payment = p
		case Rounding:
			rb := take(b, &b.roundings)
			if l.r != nil {
				*rb = RoundingBasis{Scale: l.r.Scale, Mode: l.r.RoundingMode, Increment: l.r.Increment}
			} else {
				*rb = RoundingBasis{Scale: 2, Mode: b2bkit.HalfUp, Increment: decimal.Zero}
			}
			a.Rounding = rb
		}
		if l.br1 > l.br0 {
			// A breach's price is the price the line started from or ended at: the same decimal.
			for i := range w.brs[l.br0:l.br1] {
				br := &w.brs[int(l.br0)+i]
				switch {
				case br.price.hasD:
				case same(br.price, l.after):
					br.price.d, br.price.hasD = a.After, true
				case same(br.price, prev):
					br.price.d, br.price.hasD = a.Before, true
				}
			}
			a.Breaches = b.breachList(w, w.brs[l.br0:l.br1], false)
		}
		prev, prevD = l.after, a.After
	}
	return steps
}

// breachList writes breaches out, all of them or only the quote's own.
func (b *batch) breachList(w *walk, brs []wbreach, quoteOnly bool) []Breach {
	n := 0
	for _, br := range brs {
		if !quoteOnly || br.quote {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := takeN(b, &b.breaches, n, 2)
	n = 0
	for i := range brs {
		br := &brs[i] // its decimals are made once, for the line's list and the quote's
		if !quoteOnly || br.quote {
			out[n] = Breach{Kind: br.kind, RuleID: br.rule.ID, Limit: br.limit.dec(), Price: br.price.dec()}
			n++
		}
	}
	return out
}

// quoteBreaches are the breaches that ask for approval, in the order they were found.
func (b *batch) quoteBreaches(w *walk) []Breach { return b.breachList(w, w.brs, true) }

// schedule is r.Terms.Schedule(total, scale) for terms the quote has validated: the dates are
// worked out once per terms (in QuoteMany) and the amounts are split in minor units with
// PaymentTerms.SplitMinor, appended to units, which it returns (nil when the split was done in
// decimals). Whatever that cannot split goes to Terms.Schedule, which has the last word.
func (b *batch) schedule(w *walk, total val, units []int64) ([]b2bkit.Due, []int64, error) {
	r, ti, scale := w.r, w.ti, w.scale
	if !total.fits || total.exp != -scale {
		dues, err := r.Terms.Schedule(total.peek(), scale)
		return dues, nil, err
	}
	units, ok := ti.split(&r.Terms, total.c, units)
	if !ok {
		dues, err := r.Terms.Schedule(total.peek(), scale)
		return dues, nil, err
	}
	n := len(units)
	dues := takeN(b, &b.dues, n, n)
	switch {
	case ti.dues != nil:
		copy(dues, ti.dues)
	case b.left <= 1:
		dueDates(dues, &r.Terms)
	default:
		ti.dues = make([]b2bkit.Due, n)
		dueDates(ti.dues, &r.Terms)
		copy(dues, ti.dues)
	}
	for i, a := range units {
		if a == total.c && total.hasD {
			dues[i].Amount = total.d // all of it due at once: the amount is the total's decimal
			continue
		}
		dues[i].Amount = decimal.New(a, -scale)
	}
	return dues, units, nil
}

// dueDates fills the installment and the due date of each of dues, as Terms.Schedule does.
func dueDates(dues []b2bkit.Due, t *b2bkit.Terms) {
	for i, in := range t.Payment.Installments {
		event := t.DeliverBy
		if in.Due == b2bkit.OnOrder {
			event = t.OrderedAt
		}
		dues[i] = b2bkit.Due{Installment: in, Date: addDays(event, in.Days)}
	}
}

// earlyOffer makes the quote's early-payment offer, from the schedule whose amounts are units (nil
// when it was split in decimals): what is still owed after the discount days, that less the
// discount but not less than what makes the buyer's outlay the total of the quote of the request
// with those installments due on the last discount day, and the yearly return against the buyer's
// own due dates. It makes none when nothing is owed after the discount days or nothing would be
// saved. The quote on the other terms is priced from the first payment step on, in integers: the
// steps before it do not depend on the payment schedule.
func (e *Engine) earlyOffer(q *Quote, w *walk, b *batch, units []int64) error {
	c, ti, scale := w.early, w.ti, w.scale
	within := c.early.terms.WithinDays
	et := &ti.early
	if !et.set || et.within != within {
		*et = newEarlyTerms(&w.r.Terms, ti, within)
	}
	if !et.any {
		return nil
	}
	owed, paid := et.split(q.Schedule, units, scale)
	amount := productVal(owed, c.early.keepV, scale, w.mode)
	// What the buyer pays in all when paying on the last discount day on schedule is the total of
	// the quote on those terms: the rest of it, after what is paid as scheduled, is the least the
	// offer may ask.
	alt := &w.sc.altTI
	alt.reset(ti.lead, et.cdays, ti.credit)
	alt.payRule, alt.payFrac = et.altPayRule, et.altPayFrac
	altTotal, ok := w.replay(alt)
	if !ok {
		var err error
		if altTotal, err = w.resume(alt); err != nil {
			return err
		}
	}
	et.altPayRule, et.altPayFrac = alt.payRule, alt.payFrac // for the next offer on these terms
	if t := e.policy.Tax; t != nil {
		altTotal = valOf(lineTax(altTotal, w.lp.TaxPercent, scale, t).Gross)
	}
	if onTime := subVal(altTotal, paid); lessVal(amount, onTime) {
		amount = onTime
	}
	if !lessVal(amount, owed) || amount.sign() <= 0 {
		return nil
	}
	pay := padVal(amount, scale)
	if i := et.only; i >= 0 && units != nil {
		owed.d, owed.hasD = q.Schedule[i].Amount, true // the one installment replaced, as it is
	}
	o := take(b, &b.offers)
	*o = EarlyPaymentOffer{Terms: c.early.terms, RuleID: c.ID, AnnualPercent: et.annual(owed, amount),
		Amount: pay.dec(), Replaces: owed.dec(), PayBy: ti.payBy(w.r.Terms.DeliverBy, within)}
	q.EarlyPayment = o
	return nil
}

// earlyTerms is what an early-payment offer with the discount days within needs from the terms:
// which installments it replaces (those due more than within days after delivery), the credit
// days of the terms with those due on the last discount day, and the constant factors of the yearly
// return. QuoteMany works it out once per terms.
type earlyTerms struct {
	set, any bool
	within   int
	replaced [2]uint64 // a bit per installment (b2bkit.MaxInstallments is at most 128)
	only     int       // the index of the one installment replaced; -1 when there are more
	cdays    val
	// k1 is 36500 x the replaced shares, k2 their share-weighted days less within x the shares.
	k1, k2 val
	// altPayRule's fraction on the terms with the replaced installments due on the last discount
	// day is altPayFrac, as the last offer worked it out.
	altPayRule *crule
	altPayFrac fixed
}

func (et *earlyTerms) replaces(i int) bool { return et.replaced[i>>6]&(1<<(i&63)) != 0 }

func newEarlyTerms(t *b2bkit.Terms, ti *termsInfo, within int) earlyTerms {
	et := earlyTerms{set: true, within: within, only: -1}
	n := 0
	ins := t.Payment.Installments
	fast := ti.nUnits == len(ins) && ti.cdays.fits && ti.cdays.exp == -ti.scale
	var shares, shareDays, moved int64 // in units of 10^-ti.scale, when fast
	vShares, vShareDays, vMoved := val{fits: true}, val{fits: true}, val{fits: true}
	for i, in := range ins {
		// The days from delivery to the installment's due date: an installment due some days
		// after the order (net 60 from the order date) is owed after the discount days too.
		days := in.Days
		if in.Due == b2bkit.OnOrder {
			days -= ti.lead
		}
		if days <= within {
			continue
		}
		et.replaced[i>>6] |= 1 << (i & 63)
		et.any = true
		if n++; n == 1 {
			et.only = i
		} else {
			et.only = -1
		}
		if fast {
			// |u| <= 10^12 and days <= b2bkit.MaxTermDays: no sum of a few can overflow.
			u := ti.units[i]
			shares += u
			shareDays += u * int64(days)
			moved += u * int64(days-within)
			continue
		}
		share := valOf(in.Share)
		vShares = addVal(vShares, share)
		vShareDays = addVal(vShareDays, mulInt(share, int64(days)))
		vMoved = addVal(vMoved, mulInt(share, int64(days-within)))
	}
	if fast {
		e := -ti.scale
		vShares, vShareDays, vMoved = valFixed(fixed{shares, e}), valFixed(fixed{shareDays, e}), valFixed(fixed{moved, e})
	}
	et.cdays = subVal(ti.cdays, vMoved)
	et.k1 = mulInt(vShares, 36500)
	et.k2 = subVal(vShareDays, mulInt(vShares, int64(within)))
	return et
}

// mulInt is v x n exactly, at v's exponent.
func mulInt(v val, n int64) val {
	if v.fits {
		if c, ok := checked.Mul(v.c, n); ok {
			return valFixed(fixed{c, v.exp})
		}
	}
	return valOf(v.peek().Mul(decimal.NewFromInt(n)))
}

// split sums the schedule's amounts the offer replaces (owed) and the others (paid), in minor
// units when the schedule was split in them.
func (et *earlyTerms) split(dues []b2bkit.Due, units []int64, scale int32) (owed, paid val) {
	if units != nil {
		var o, p int64
		ok := true
		for i, u := range units {
			var fits bool
			if et.replaces(i) {
				o, fits = checked.Add(o, u)
			} else {
				p, fits = checked.Add(p, u)
			}
			ok = ok && fits
		}
		if ok {
			return valFixed(fixed{o, -scale}), valFixed(fixed{p, -scale})
		}
	}
	o, p := decimal.Zero, decimal.Zero
	for i, d := range dues {
		if et.replaces(i) {
			o = o.Add(d.Amount)
		} else {
			p = p.Add(d.Amount)
		}
	}
	return valOf(o.Round(scale)), valOf(p.Round(scale))
}

// annual is the offer's yearly return: s/(1-s) x 365/(T-D) = (owed - amount)/amount x 365 x
// shares/(shareDays - D x shares), rounded HalfUp to 4 places.
func (et *earlyTerms) annual(owed, amount val) decimal.Decimal {
	saved := subVal(owed, amount)
	if saved.fits && amount.fits && et.k1.fits && et.k2.fits {
		if den, ok := checked.Mul(amount.c, et.k2.c); ok {
			if f, ok := mulDivRoundFixed(saved.fx(), et.k1.fx(), fixed{den, amount.exp + et.k2.exp}, 4); ok {
				return decimal.New(f.c, f.exp)
			}
		}
	}
	return mulDivRound(saved.peek(), et.k1.peek(), amount.peek().Mul(et.k2.peek()), 4)
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

// A validDay is the validity of the quotes made on one calendar day (from up to until, in loc):
// the last instant of the policy's ValidDays-th day after it.
type validDay struct {
	from, until, last time.Time
	loc               *time.Location
}

// validUntil is lastInstant(now, ValidDays), worked out once per calendar day: for every instant of
// a day in a zone whose offset does not change from that day to the validity's end, it is the same.
func (e *Engine) validUntil(now time.Time) time.Time {
	if v := e.valid.Load(); v != nil && v.loc == now.Location() && !now.Before(v.from) && now.Before(v.until) {
		return v.last
	}
	last := lastInstant(now, e.policy.ValidDays)
	y, m, d := now.Date()
	loc := now.Location()
	from, until := b2bkit.DayStart(y, m, d, loc), b2bkit.DayStart(y, m, d+1, loc)
	if start, end := now.ZoneBounds(); (start.IsZero() || !start.After(from)) && (end.IsZero() || end.After(last)) {
		e.valid.Store(&validDay{from: from, until: until, last: last, loc: loc})
	}
	return last
}

// lastInstant is the last instant of the calendar day days after now, in now's location: a quote
// made with ValidDays 0 stays valid to the end of the day it is made. The day ends when the next
// begins, which where the clocks jump over midnight is not time.Date's reading of its midnight.
func lastInstant(now time.Time, days int) time.Time {
	y, m, d := addDays(now, days).Date()
	return b2bkit.DayStart(y, m, d+1, now.Location()).Add(-time.Nanosecond)
}

// addDays is b2bkit.AddDays(t, days) without its calendar arithmetic when the zone's offset does
// not change in between: then the same wall-clock time days later is the
// instant days x 24 hours later (without a monotonic clock reading, as AddDate gives it).
func addDays(t time.Time, days int) time.Time {
	r := t.Add(time.Duration(days) * 24 * time.Hour).Round(0)
	if start, end := t.ZoneBounds(); (start.IsZero() || !r.Before(start)) && (end.IsZero() || r.Before(end)) {
		return r
	}
	return b2bkit.AddDays(t, days)
}

// units is the quantity a request is priced at: its own, or, when it is below the SKU's minimum
// order quantity or not a whole number of its packs, the next quantity the SKU is sold in if the
// policy says to round up; otherwise such a quantity is an error naming request.quantity.
func (e *Engine) units(r *Request, lp *ListPrice) (decimal.Decimal, error) {
	q := r.Quantity
	if lp.MinQuantity.Sign() <= 0 && lp.PackSize.Sign() <= 0 {
		return q, nil
	}
	if moq := lp.MinQuantity; moq.Sign() > 0 && q.LessThan(moq) {
		if e.policy.Units.Minimum != RoundUp {
			return q, fmt.Errorf("pricing: %w", b2bkit.Invalid("request.quantity", "sku %q: %s is below the minimum order quantity %s", r.SKU, q, moq))
		}
		q = moq
	}
	if pack := lp.PackSize; pack.Sign() > 0 {
		packs, rem := q.QuoRem(pack, 0)
		if !rem.IsZero() {
			if e.policy.Units.Pack != RoundUp {
				return q, fmt.Errorf("pricing: %w", b2bkit.Invalid("request.quantity", "sku %q: %s is not a whole number of packs of %s", r.SKU, q, pack))
			}
			q = packs.Add(one).Mul(pack)
		}
	}
	return q, nil
}

// lineTax is the VAT of a line of amount total at rate percent, at the quote's scale, as the
// policy's tax says.
func lineTax(total val, percent decimal.Decimal, scale int32, t *Tax) *LineTax {
	amount := total.peek()
	lt := &LineTax{Percent: percent, Included: t.Included}
	rate := percent.Shift(-2)
	if t.Included {
		lt.Gross = amount
		lt.Net = padScale(divRound(amount, one.Add(rate), scale, t.Mode), scale)
		lt.Tax = amount.Sub(lt.Net)
	} else {
		lt.Net = amount
		lt.Tax = b2bkit.Round(amount.Mul(rate), scale, t.Mode)
		lt.Gross = amount.Add(lt.Tax)
	}
	return lt
}
