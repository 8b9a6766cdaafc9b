package pricing

import (
	"context"
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// An Adjustment is one line of a quote: what one rule of one step did to the unit price, and the
// facts that explain it. Reason renders them in words.
type Adjustment struct {
	// Step is the step's name (its kind when unnamed); Kind is its kind.
	Step string
	Kind StepKind
	// RuleID is the rule that applied; empty on the base line when the list price stands and on a
	// default rounding line.
	RuleID string
	// Amount is the change to the unit price, signed: negative is a discount.
	Amount decimal.Decimal
	// Before and After are the unit price before and after the line.
	Before, After decimal.Decimal

	// Percent is the rate applied, in percent of Before, for quantity, lead-time and percent tier
	// lines (for graduated breaks, the effective rate over the whole quantity).
	Percent decimal.Decimal
	// Mode is a quantity line's break mode.
	Mode BreakMode
	// LeadDays is a lead-time line's booking time in days.
	LeadDays int
	// CreditDays and ReferenceCreditDays are a payment line's share-weighted days from delivery to
	// payment, for the request and for the reference terms; AnnualPercent is the rate charged.
	CreditDays, ReferenceCreditDays decimal.Decimal
	AnnualPercent                   decimal.Decimal
	// Tier is a tier line's tier.
	Tier string
	// Breaches are what a guardrail line found; Clamped says whether it raised the price.
	Breaches []Breach
	Clamped  bool
	// Scale, RoundingMode and Increment are a rounding line's settings.
	Scale        int32
	RoundingMode b2bkit.RoundingMode
	Increment    decimal.Decimal
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
	return unmarshalWord(breachWords[:], b, "breach", (*int)(k))
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

// EarlyPaymentOffer is the early-payment alternative a quote on credit terms carries: pay the
// discounted total within the discount days of delivery instead of the full total at the due dates.
type EarlyPaymentOffer struct {
	// Terms are the discount terms, "2/10 net 30".
	Terms EarlyPayment
	// RuleID is the payment rule offering it.
	RuleID string
	// AnnualPercent is the yearly return of taking the discount, d/(1-d) x 365/(N-D), in percent.
	AnnualPercent decimal.Decimal
	// Amount is the discounted total, rounded like the total.
	Amount decimal.Decimal
	// PayBy is the last day to pay it: delivery plus the discount days.
	PayBy time.Time

	keep decimal.Decimal // 1 - discount
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
	// scale and mode.
	UnitPrice, Total decimal.Decimal
	// Scale is the number of decimal places of UnitPrice, Total and the schedule.
	Scale int32
	// Schedule is what is due when: one entry per installment, summing exactly to Total.
	Schedule []b2bkit.Due
	// EarlyPayment is the early-payment alternative, if the policy offers one on these terms.
	EarlyPayment *EarlyPaymentOffer
	// NeedsApproval is set when a guardrail configured to ask for approval was broken; Breaches
	// say which.
	NeedsApproval bool
	Breaches      []Breach
	// PolicyName and PolicyVersion identify the policy; QuotedAt and ValidUntil date the quote.
	PolicyName    string
	PolicyVersion string
	QuotedAt      time.Time
	ValidUntil    time.Time
}

// Quote prices one request under the policy. A bad request is an error matching b2bkit.ErrInvalid
// naming the field ("request.quantity: must be > 0"); a SKU the price source lacks matches
// b2bkit.ErrNotFound.
func (e *Engine) Quote(ctx context.Context, r Request) (Quote, error) {
	// Plainly valid terms pass without allocating; anything else is reported in full before any
	// arithmetic is done on it. Terms.Schedule checks them once more at the end.
	if err := validateLine(&r); err != nil {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.InField("request", err))
	}
	if err := termsValid(r.Terms); err != nil {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.InField("request.terms", err))
	}
	ti := newTermsInfo(r.Terms)
	var scratch [8]*crule
	q, err := e.quote(ctx, &r, &ti, scratch[:0], nil, e.now())
	if err != nil {
		return Quote{}, err
	}
	return q, nil
}

// QuoteMany prices a batch of requests, typically a whole catalog for one buyer, reusing the work
// that depends only on the terms across lines with equal terms. It stops at the first error,
// naming the request ("requests[12].quantity"), and returns no quotes then.
func (e *Engine) QuoteMany(ctx context.Context, reqs []Request) ([]Quote, error) {
	out := make([]Quote, len(reqs))
	now := e.now()
	per := len(e.steps) + 1
	slab := make([]Adjustment, len(reqs)*per)
	var ti termsInfo
	var prev *b2bkit.Terms
	scratch := make([]*crule, 0, 8)
	for i := range reqs {
		r := &reqs[i]
		if i&255 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := validateLine(r); err != nil {
			return nil, fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("requests[%d]", i), err))
		}
		if prev == nil || !prev.Equal(r.Terms) {
			if err := termsValid(r.Terms); err != nil {
				return nil, fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("requests[%d].terms", i), err))
			}
			ti = newTermsInfo(r.Terms)
			prev = &r.Terms
		}
		q, err := e.quote(ctx, r, &ti, scratch[:0], slab[i*per:i*per:(i+1)*per], now)
		if err != nil {
			return nil, fmt.Errorf("requests[%d]: %w", i, err)
		}
		out[i] = q
	}
	return out, nil
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

// quote prices one validated request. lines, if it has capacity, is where the adjustment lines go
// (QuoteMany carves them from one slab); a quote with more lines than that grows its own.
func (e *Engine) quote(ctx context.Context, r *Request, ti *termsInfo, scratch []*crule, lines []Adjustment, now time.Time) (Quote, error) {
	lp, err := e.prices.ListPrice(ctx, r.SKU)
	if err != nil {
		return Quote{}, err
	}
	if !checkNumber(lp.Price) || lp.Price.Sign() <= 0 || !checkNumber(lp.Cost) {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("list_price", "sku %q: price list gives an unusable price", r.SKU))
	}
	currency := e.currency
	if currency == "" {
		currency = lp.Currency
	} else if lp.Currency != "" && lp.Currency != currency {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("list_price.currency", "sku %q is priced in %s, the policy in %s", r.SKU, lp.Currency, currency))
	}
	if r.Currency != "" && currency != "" && r.Currency != currency {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("request.currency", "must be %s", currency))
	}
	q := Quote{Request: *r, Currency: currency, ListPrice: lp.Price, PolicyName: e.policy.Name,
		PolicyVersion: e.version, QuotedAt: now, ValidUntil: b2bkit.AddDays(now, e.policy.ValidDays)}
	if cap(lines) == 0 {
		lines = make([]Adjustment, 0, len(e.steps)+1)
	}
	q.Steps = lines
	price := lp.Price
	base := price
	rounded := false
	for si := range e.steps {
		s := &e.steps[si]
		cands := s.candidates(scratch[:0], r)
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
			a := Adjustment{Step: s.name, Kind: Base, Before: price, After: price, Amount: decimal.Zero}
			if pick != nil {
				a.RuleID, a.After, a.Amount = pick.ID, pick.Price, pick.Price.Sub(price)
				price = pick.Price
			}
			base = price
			q.Steps = append(q.Steps, a)
		case Guardrail:
			g := mostSpecific(cands)
			if g == nil {
				continue
			}
			if a, ok := guard(s, g, price, base, lp.Cost); ok {
				if a.Clamped {
					price = a.After
				} else {
					q.NeedsApproval = true
					q.Breaches = append(q.Breaches, a.Breaches...)
				}
				q.Steps = append(q.Steps, a)
			}
		case Rounding:
			g := mostSpecific(cands)
			if g == nil {
				continue
			}
			a, err := roundLine(s, g.ID, g.Scale, g.RoundingMode, g.Increment, price)
			if err != nil {
				return Quote{}, err
			}
			price, q.Scale, rounded = a.After, a.Scale, true
			q.Steps = append(q.Steps, a)
		default:
			var err error
			price, err = e.adjust(&q, s, si, cands, r, ti, price)
			if err != nil {
				return Quote{}, err
			}
		}
	}
	q.BaseUnitPrice = base
	if !rounded {
		a, err := roundLine(nil, "", 2, b2bkit.HalfUp, decimal.Zero, price)
		if err != nil {
			return Quote{}, err
		}
		price, q.Scale = a.After, 2
		q.Steps = append(q.Steps, a)
	}
	if price.Sign() <= 0 {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("request", "sku %q: the policy prices it at %s, not above zero", r.SKU, price))
	}
	mode := q.Steps[len(q.Steps)-1].RoundingMode
	q.UnitPrice = price
	if mode == b2bkit.HalfUp {
		q.Total = padScale(mulRound(price, r.Quantity, q.Scale), q.Scale)
	} else {
		q.Total = b2bkit.Round(price.Mul(r.Quantity), q.Scale, mode)
	}
	q.Schedule, err = r.Terms.Schedule(q.Total, q.Scale)
	if err != nil {
		return Quote{}, fmt.Errorf("pricing: %w", b2bkit.InField("request.terms", err))
	}
	if ep := q.EarlyPayment; ep != nil {
		if mode == b2bkit.HalfUp {
			ep.Amount = padScale(mulRound(q.Total, ep.keep, q.Scale), q.Scale)
		} else {
			ep.Amount = b2bkit.Round(q.Total.Mul(ep.keep), q.Scale, mode)
		}
	}
	return q, nil
}

// adjust runs a percent-priced or fixed-amount step over its matching rules as the step combines
// them, appending one line per rule applied, and returns the new unit price.
func (e *Engine) adjust(q *Quote, s *cstep, si int, cands []*crule, r *Request, ti *termsInfo, price decimal.Decimal) (decimal.Decimal, error) {
	if len(cands) == 0 {
		return price, nil
	}
	line := func(c *crule, on decimal.Decimal) (Adjustment, bool) {
		a := Adjustment{Step: s.name, Kind: s.kind, RuleID: c.ID, Before: on}
		if s.kind == Tier && !c.Amount.IsZero() {
			a.Amount, a.Tier = c.Amount, r.Tier
		} else {
			f, ok := c.fraction(s, r, ti)
			if !ok {
				return a, false
			}
			a.Amount = mulRound(on, f, AmountScale)
			switch s.kind {
			case Quantity:
				a.Percent, a.Mode = f.Shift(2), c.Mode
			case LeadTime:
				a.Percent, a.LeadDays = f.Shift(2), ti.lead
			case Payment:
				a.CreditDays, a.ReferenceCreditDays, a.AnnualPercent = ti.creditDays, s.refCredit(ti), c.AnnualPercent
			case Tier:
				a.Percent, a.Tier = f.Shift(2), r.Tier
			}
		}
		if a.Amount.IsZero() {
			a.Amount, a.After = decimal.Zero, on
		} else {
			a.After = on.Add(a.Amount)
		}
		return a, true
	}
	switch s.combine {
	case MostSpecific, BestForBuyer:
		var best Adjustment
		found := false
		if s.combine == MostSpecific {
			// The most specific rule decides, even when it does not apply to this quantity or lead.
			best, found = line(mostSpecific(cands), price)
		} else {
			for _, c := range cands {
				if a, ok := line(c, price); ok && (!found || a.Amount.LessThan(best.Amount)) {
					best, found = a, true
				}
			}
		}
		if !found {
			return price, nil
		}
		price = best.After
		q.Steps = append(q.Steps, best)
		e.offerEarly(q, s, ruleByID(cands, best.RuleID), r)
	case Add:
		start := price
		for _, c := range cands {
			if a, ok := line(c, start); ok {
				a.Before, a.After = price, price.Add(a.Amount)
				price = a.After
				q.Steps = append(q.Steps, a)
				e.offerEarly(q, s, c, r)
			}
		}
	case Compound:
		for _, c := range cands {
			if a, ok := line(c, price); ok {
				price = a.After
				q.Steps = append(q.Steps, a)
				e.offerEarly(q, s, c, r)
			}
		}
	}
	if price.Sign() <= 0 {
		return price, fmt.Errorf("pricing: %w", b2bkit.Invalid(fmt.Sprintf("policy.steps[%d]", si), "takes the unit price of sku %q to %s", r.SKU, price))
	}
	return price, nil
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
func (e *Engine) offerEarly(q *Quote, s *cstep, c *crule, r *Request) {
	if s.kind != Payment || c == nil || c.early == nil || q.EarlyPayment != nil || !r.Terms.Payment.IsCredit() {
		return
	}
	q.EarlyPayment = &EarlyPaymentOffer{Terms: c.early.terms, RuleID: c.ID, AnnualPercent: c.early.annual,
		keep: c.early.keep, PayBy: b2bkit.AddDays(r.Terms.DeliverBy, c.early.terms.WithinDays)}
}

// guard checks the price against the rule's floor and maximum discount.
func guard(s *cstep, g *crule, price, base, cost decimal.Decimal) (Adjustment, bool) {
	a := Adjustment{Step: s.name, Kind: Guardrail, RuleID: g.ID, Before: price, After: price, Amount: decimal.Zero}
	limit := decimal.Zero
	if !g.FloorMarginPercent.IsZero() || !cost.IsZero() {
		if !cost.IsZero() {
			floor := mulRound(cost, g.floorK, AmountScale)
			if lessThan(price, floor) {
				a.Breaches = append(a.Breaches, Breach{Kind: BelowFloor, RuleID: g.ID, Limit: floor, Price: price})
				limit = floor
			}
		}
	}
	if !g.MaxDiscountPercent.IsZero() {
		least := mulRound(base, g.minK, AmountScale)
		if lessThan(price, least) {
			a.Breaches = append(a.Breaches, Breach{Kind: OverMaxDiscount, RuleID: g.ID, Limit: least, Price: price})
			if least.GreaterThan(limit) {
				limit = least
			}
		}
	}
	if len(a.Breaches) == 0 {
		return a, false
	}
	if g.OnBreach == Clamp {
		a.Clamped, a.After, a.Amount = true, limit, limit.Sub(price)
	}
	return a, true
}

// roundLine rounds the unit price to the increment, or else to the scale, with the mode.
func roundLine(s *cstep, id string, scale int32, mode b2bkit.RoundingMode, inc, price decimal.Decimal) (Adjustment, error) {
	a := Adjustment{Step: "rounding", Kind: Rounding, RuleID: id, Before: price, Scale: scale, RoundingMode: mode,
		Increment: inc}
	if s != nil {
		a.Step = s.name
	}
	var after decimal.Decimal
	if mode == b2bkit.HalfUp {
		after = padScale(roundHalfUp(price, scale), scale)
	} else {
		after = b2bkit.Round(price, scale, mode)
	}
	if !inc.IsZero() {
		v, err := b2bkit.RoundToIncrement(price, inc, mode)
		if err != nil {
			return a, fmt.Errorf("pricing: %w", b2bkit.InField("policy.rounding", err))
		}
		after = padScale(v, scale)
	}
	a.After, a.Amount = after, after.Sub(price)
	return a, nil
}
