package risk

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/pricing"
)

// An Outcome is what an order check decides. Its zero value is Reject, so a decision nobody filled
// in approves nothing. Outcomes are ordered: Reject < Hold < Approve.
type Outcome int

const (
	// Reject: the order's credit does not fit and no deposit below 100% makes it fit (or the
	// buyer has no limit); only cash on delivery is proposed.
	Reject Outcome = iota
	// Hold: the order does not fit as placed, but a deposit below 100% does; the order waits for
	// the buyer to accept the proposed deposit (or cash on delivery).
	Hold
	// Approve: the order's credit fits within the headroom as placed.
	Approve
)

var outcomeWords = [...]string{Reject: "reject", Hold: "hold", Approve: "approve"}

// String returns the outcome's word: approve, hold or reject.
func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeWords) {
		return fmt.Sprintf("Outcome(%d)", int(o))
	}
	return outcomeWords[o]
}

// MarshalText encodes the outcome as its word.
func (o Outcome) MarshalText() ([]byte, error) {
	if o < 0 || int(o) >= len(outcomeWords) {
		return nil, fmt.Errorf("risk: %w", b2bkit.Invalid("outcome", "unknown outcome %d", int(o)))
	}
	return []byte(outcomeWords[o]), nil
}

// UnmarshalText decodes an outcome from its word.
func (o *Outcome) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(outcomeWords[:], b, "outcome")
	if err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	*o = Outcome(v)
	return nil
}

// An OrderCheck is an order to weigh against the buyer's credit line: the order, the buyer's limit
// and current exposure (all three in the same currency), and the buyer's customer tier for pricing.
type OrderCheck struct {
	Order    b2bkit.Order
	Limit    Limit
	Exposure Exposure
	// Tier is the buyer's customer tier (R4), passed to the pricing engine; empty means none.
	Tier string
	// Group is the buyer's group (a restaurant chain, a purchasing group, 集团), passed to the
	// pricing engine, whose price source answers the group's contract prices when the buyer has
	// none of its own; empty means none.
	Group string
}

// CheckOptions configure CheckOrder. A nil *CheckOptions means the defaults.
type CheckOptions struct {
	// Pricing, if set, re-prices the order as placed and under every proposal, so the buyer sees
	// what a deposit saves. Nil means no pricing.
	Pricing *pricing.Engine
	// Scale is the number of decimal places of the money: the order total is rounded half up to
	// it, and the limit and exposure must have no more. Zero means 2.
	Scale int32
	// DepositStep is the step of the proposed deposits, in (0, 1) with at most 4 places. Zero means
	// 0.05: 5%, 10%, ..., 95%.
	DepositStep decimal.Decimal
}

// A Decision is the outcome of an order check with the figures behind it, in Currency; Headroom and
// the credits are at the check's scale.
type Decision struct {
	Outcome Outcome
	// Reason says in a sentence why, with the figures: "credit 1501.06 CNY exceeds headroom 950.00
	// CNY; a 40% deposit brings it to 900.64 CNY" ("... as priced" when the check prices).
	Reason string
	// Limit is the buyer's credit line and Exposure what it owes or will owe now, as given.
	Limit, Exposure decimal.Decimal
	// Headroom is Limit - Exposure floored at zero: what the buyer may still take on credit. A buyer
	// over its limit has no headroom (by how much it is over is Exposure - Limit).
	Headroom decimal.Decimal
	// Credit is the credit the order adds as placed (CreditAdded).
	Credit   decimal.Decimal
	Currency string
	// BalanceDays are the days after delivery the proposals keep for the balance: the order's
	// share-weighted credit days, rounded half up; 0 when the order has no credit installment.
	BalanceDays int
	// AsPlaced is the order on its own terms, for comparison with the proposals: its on-order share
	// as Deposit, its credit, and its price when CheckOptions.Pricing is set.
	AsPlaced Proposal
	// Proposals are the terms that make the order fit: none when approved; the smallest deposit
	// that fits, then cash on delivery, when held; cash on delivery alone when rejected.
	Proposals []Proposal
}

// A Proposal is payment terms offered to the buyer instead of the order's, with the credit they add
// and, when the check prices, what the order costs under them.
type Proposal struct {
	// Payment is the proposed schedule: DepositBalance(Deposit, BalanceDays) or CashOnDelivery().
	Payment b2bkit.PaymentTerms
	// Deposit is the share paid on order (0.40 for 40% down); 0 for cash on delivery.
	Deposit decimal.Decimal
	// Credit is the credit the order adds under these terms: on the order's total as placed, or,
	// for a priced deposit, the part of its priced schedule due after delivery.
	Credit decimal.Decimal
	// Total is what the buyer pays for the order re-priced under these terms: the Total of the
	// engine's quote for the whole order (Engine.QuoteOrder), the figure the sales desk quotes, with
	// the order's discounts, freight and VAT. Priced says whether it was (CheckOptions.Pricing set).
	Total  decimal.Decimal
	Priced bool
	// Order is that order quote, explained (adjustments, free goods, VAT, schedule); nil when not
	// priced.
	Order *pricing.OrderQuote
	// Quotes are the order quote's line quotes, in line order: each line's price before the order's
	// discounts, freight and VAT, so they sum to Order.Subtotal, not to Total.
	Quotes []pricing.Quote
}

// checkMaxStepPlaces is the most decimal places a deposit step may have.
const checkMaxStepPlaces = 4

var checkDefaultStep = decimal.New(5, -2)

// CreditAdded is the credit an order adds (R16): its total, rounded half up to scale places, times
// the share of its payment terms due after its delivery date (installments due on delivery with
// Days > 0, and those due on order whose Days run past the order's lead time).
// The total is split as b2bkit.Terms.Schedule splits it, so the credit is exactly the sum of those
// installments' amounts in the order's schedule. Prepaid and cash-on-delivery orders add 0.
//
// An invalid order is an error matching b2bkit.ErrInvalid naming the field ("order.lines[0].quantity").
func CreditAdded(o b2bkit.Order, scale int32) (decimal.Decimal, error) {
	if scale < 0 || scale > b2bkit.MaxScale {
		return decimal.Zero, fmt.Errorf("risk: %w", b2bkit.Invalid("scale", "must be between 0 and %d", b2bkit.MaxScale))
	}
	if err := o.Validate(); err != nil {
		return decimal.Zero, fmt.Errorf("risk: %w", b2bkit.InField("order", err))
	}
	lead := o.Terms.LeadDays()
	if units, ok := o.TotalMinor(scale); ok {
		if credit, ok := checkCreditMinor(o.Terms.Payment, units, lead); ok {
			return b2bkit.FromMinor(credit, scale), nil
		}
	}
	total := b2bkit.Round(orderTotal(&o), scale, b2bkit.HalfUp)
	dues, err := o.Terms.Schedule(total, scale)
	if err != nil {
		return decimal.Zero, fmt.Errorf("risk: %w", b2bkit.InField("order.terms", err))
	}
	credit := decimal.Zero
	for _, d := range dues {
		if checkIsCredit(d.Installment, lead) {
			credit = credit.Add(d.Amount)
		}
	}
	return credit, nil
}

// checkIsCredit reports whether an installment of an order delivered lead days after it is placed
// is credit: due after delivery.
func checkIsCredit(in b2bkit.Installment, lead int) bool { return in.DaysAfterDelivery(lead) > 0 }

// checkCreditMinor is the credit of a total of units minor units under p, for an order delivered
// lead days after it is placed, or ok=false when p's shares do not split in int64 arithmetic.
func checkCreditMinor(p b2bkit.PaymentTerms, units int64, lead int) (int64, bool) {
	var buf [8]int64
	amounts, ok := p.SplitMinor(units, buf[:0])
	if !ok {
		return 0, false
	}
	var credit int64
	for i, a := range amounts {
		if checkIsCredit(p.Installments[i], lead) {
			credit += a // parts of units, so no overflow
		}
	}
	return credit, true
}

// checkInput is what CheckOrder works from once the input is checked, in minor units.
type checkInput struct {
	scale                  int32
	total, limit, exposure int64
	credit, headroom       int64
	stepUnits, stepDiv     int64 // the deposit step is stepUnits / stepDiv
	balanceDays            int
	onOrder                decimal.Decimal
	lead                   int // the order's lead time in days
}

// CheckOrder weighs an order against the buyer's credit line (授信): it approves the order when the
// credit it adds (CreditAdded) fits within the headroom (limit less exposure), and otherwise
// proposes terms that fit — the smallest deposit that does (Hold), or cash on delivery when no
// deposit below 100% does or the limit is zero (Reject). An order that adds no credit, prepaid or
// cash on delivery (现款现货, R16), is approved whatever the limit. A larger deposit on the order
// never gives a lower outcome.
//
// A deposit proposal (定金) is the smallest multiple of CheckOptions.DepositStep (5%, 10%, ...,
// 95%) paid on order that brings the credit within the headroom. It replaces the whole payment
// schedule with b2bkit.DepositBalance(deposit, Decision.BalanceDays): the balance keeps the order's
// credit days, the share-weighted average days of its credit installments rounded half up (a
// single credit installment keeps its own days), so the money the seller finances is out as long,
// on average, as the buyer asked. The deposit is rounded half up to the scale, as the order's
// schedule would round it. Unpriced, the proposals' credit is worked out on the order's total as
// placed.
//
// When opts.Pricing is set, the order as placed and every proposal are priced as the sales desk
// prices an order, with Engine.QuoteOrder: the order's lines on its terms with the proposal's payment
// schedule, the buyer's group (for its contract prices) and tier, and the limit's grade. The
// proposal's Total is the order quote's Total, so order-level steps (mixed-case breaks, order discounts, freight, VAT) count.
// A priced proposal is what the buyer would then owe, so its Credit is the credit installments of
// its priced schedule (rounded up to the scale), and the deposit proposed is the smallest whose
// priced credit fits within the headroom (each step below 100% is priced until one does; none
// fitting rejects). The order as placed is weighed at its own total (its lines at its prices), the
// figure it was agreed at, priced or not: AsPlaced.Total is for comparison only.
//
// Errors match b2bkit.ErrInvalid and name the field: an invalid order ("order.terms..."), a currency
// or company that differs between order, limit and exposure ("limit.currency"), a negative limit or
// exposure, amounts with more places than the scale, bad options ("options.deposit_step"). A pricing
// failure is returned as the engine reported it, naming the terms priced and the line ("order.lines[0]"):
// a SKU the price list lacks matches ErrNotFound.
func CheckOrder(ctx context.Context, c OrderCheck, opts *CheckOptions) (Decision, error) {
	in, err := checkPrepare(&c, opts)
	if err != nil {
		return Decision{}, fmt.Errorf("risk: %w", err)
	}
	o := &c.Order
	sc := in.scale
	credit := decimal.New(in.credit, -sc)
	d := Decision{
		Limit:       xerr.Canonical(c.Limit.Amount), // as given, by value: 0 may come as 0 x 10^1073741824
		Exposure:    xerr.Canonical(c.Exposure.Total),
		Headroom:    decimal.New(in.headroom, -sc),
		Credit:      credit,
		Currency:    o.Currency,
		BalanceDays: in.balanceDays,
		// The order's installments copied: the decision is the host's to keep, the order to change.
		AsPlaced: Proposal{Payment: b2bkit.PaymentTerms{Installments: slices.Clone(o.Terms.Payment.Installments)},
			Deposit: in.onOrder, Credit: credit},
	}
	var buf [160]byte
	r := checkReason{b: buf[:0], scale: sc, currency: o.Currency}
	switch {
	case in.credit == 0:
		d.Outcome = Approve
		r.text("the order adds no credit: nothing is due after delivery")
	case in.credit <= in.headroom:
		d.Outcome = Approve
		r.text("credit ").money(in.credit).text(" fits within headroom ").money(in.headroom)
	case in.limit == 0:
		d.Outcome = Reject
		r.text("credit ").money(in.credit).text(" but the buyer has no credit limit; cash on delivery only")
		d.Proposals = []Proposal{checkCOD()}
	case opts != nil && opts.Pricing != nil:
		if err := checkPricedDeposit(ctx, opts.Pricing, &c, &in, &d, &r); err != nil {
			return Decision{}, err
		}
	default:
		k, left, ok := checkSmallestDeposit(&in)
		if !ok {
			d.Outcome = Reject
			r.text("credit ").money(in.credit).text(" exceeds headroom ").money(in.headroom).
				text(" and no deposit below 100% brings it within; cash on delivery only")
			d.Proposals = []Proposal{checkCOD()}
			break
		}
		depUnits := int64(k) * in.stepUnits
		dep := checkShare(depUnits, checkMaxStepPlaces)
		d.Outcome = Hold
		r.text("credit ").money(in.credit).text(" exceeds headroom ").money(in.headroom).text("; a ").
			percent(depUnits).text(" deposit brings it to ").money(left)
		d.Proposals = []Proposal{{
			Payment: b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
				{Share: dep, Due: b2bkit.OnOrder},
				{Share: checkShare(in.stepDiv-depUnits, checkMaxStepPlaces), Due: b2bkit.OnDelivery, Days: in.balanceDays},
			}},
			Deposit: dep,
			Credit:  decimal.New(left, -sc),
		}, checkCOD()}
	}
	d.Reason = string(r.b)
	if opts != nil && opts.Pricing != nil {
		if err := checkPriceAll(ctx, opts.Pricing, &c, &d); err != nil {
			return Decision{}, err
		}
	}
	return d, nil
}

// checkDepositProposal is the proposal of a deposit of depUnits / 10^checkMaxStepPlaces, the
// balance on delivery keeping the order's credit days, as CheckOrder writes it unpriced; its
// Credit is left to the caller.
func checkDepositProposal(in *checkInput, depUnits int64) Proposal {
	dep := checkShare(depUnits, checkMaxStepPlaces)
	return Proposal{
		Payment: b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
			{Share: dep, Due: b2bkit.OnOrder},
			{Share: checkShare(in.stepDiv-depUnits, checkMaxStepPlaces), Due: b2bkit.OnDelivery, Days: in.balanceDays},
		}},
		Deposit: dep,
	}
}

// checkPricedDeposit decides an order that does not fit when the check prices: a proposal changes
// the order's price (less credit costs less, and the desk's quote has the order's freight and VAT),
// so the credit a deposit leaves is the credit installments of the proposal's priced schedule,
// what the buyer will owe after delivery if it accepts. The smallest deposit whose priced credit
// fits within the headroom is proposed (Hold), then cash on delivery; when none below 100% fits,
// cash on delivery alone (Reject). The deposits are tried from the smallest up, each priced once:
// a policy need not make the priced credit fall as the deposit grows.
func checkPricedDeposit(ctx context.Context, e *pricing.Engine, c *OrderCheck, in *checkInput, d *Decision, r *checkReason) error {
	m := len(c.Order.Lines)
	kmax := int((in.stepDiv - 1) / in.stepUnits)
	// One buffer for every step: a step that does not fit is dropped, and the one that fits is the last priced.
	w := checkPricing{oqs: make([]pricing.OrderQuote, 1), lines: make([]pricing.OrderLine, m), quotes: make([]pricing.Quote, m)}
	for k := 1; k <= kmax; k++ {
		depUnits := int64(k) * in.stepUnits
		p := checkDepositProposal(in, depUnits)
		if err := w.price(ctx, e, c, &p, 0); err != nil {
			return err
		}
		credit := decimal.Zero
		for _, due := range p.Order.Schedule {
			if checkIsCredit(due.Installment, in.lead) {
				credit = credit.Add(due.Amount)
			}
		}
		// At the check's scale, never understated.
		credit = credit.RoundCeil(in.scale)
		left, err := b2bkit.ToMinor(credit, in.scale)
		if err != nil || left > in.headroom {
			continue // a credit that does not fit int64 minor units does not fit the headroom
		}
		p.Credit = credit
		d.Outcome = Hold
		r.text("credit ").money(in.credit).text(" exceeds headroom ").money(in.headroom).text("; a ").
			percent(depUnits).text(" deposit brings it to ").money(left).text(" as priced")
		d.Proposals = []Proposal{p, checkCOD()}
		return nil
	}
	d.Outcome = Reject
	r.text("credit ").money(in.credit).text(" exceeds headroom ").money(in.headroom).
		text(" and no deposit below 100% brings it within as priced; cash on delivery only")
	d.Proposals = []Proposal{checkCOD()}
	return nil
}

// checkCOD is the cash-on-delivery proposal.
func checkCOD() Proposal {
	return Proposal{Payment: b2bkit.CashOnDelivery(), Deposit: decimal.Zero, Credit: decimal.Zero}
}

// checkReason writes a decision's reason without fmt: it runs on every order.
type checkReason struct {
	b        []byte
	scale    int32
	currency string
}

func (r *checkReason) text(s string) *checkReason { r.b = append(r.b, s...); return r }

// money appends minor units as an amount at the scale with the currency: "1000.00 CNY".
func (r *checkReason) money(units int64) *checkReason {
	r.b = checkAppendFixed(r.b, units, r.scale, false)
	r.b = append(r.b, ' ')
	r.b = append(r.b, r.currency...)
	return r
}

// percent appends a share in units of 10^-checkMaxStepPlaces as a percentage: 4000 is "40%".
func (r *checkReason) percent(units int64) *checkReason {
	r.b = checkAppendFixed(r.b, units, checkMaxStepPlaces-2, true)
	r.b = append(r.b, '%')
	return r
}

// checkAppendFixed appends units / 10^places with places decimals, or without trailing zeros when
// trim is set.
func checkAppendFixed(dst []byte, units int64, places int32, trim bool) []byte {
	u := uint64(units)
	if units < 0 {
		dst = append(dst, '-')
		u = -u
	}
	div := fastdec.Pow10(places)
	dst = strconv.AppendUint(dst, u/div, 10)
	frac := u % div
	if places == 0 || trim && frac == 0 {
		return dst
	}
	var digits [19]byte
	n := places
	for i := n - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	if trim {
		for n > 0 && digits[n-1] == '0' {
			n--
		}
	}
	dst = append(dst, '.')
	return append(dst, digits[:n]...)
}

// checkPrepare checks the input of CheckOrder and converts it to minor units.
func checkPrepare(c *OrderCheck, opts *CheckOptions) (checkInput, error) {
	var in checkInput
	in.scale = 2
	step := checkDefaultStep
	var errs []error
	if opts != nil {
		if opts.Scale != 0 {
			in.scale = opts.Scale
		}
		if !opts.DepositStep.IsZero() {
			step = opts.DepositStep
		}
	}
	if in.scale < 0 || in.scale > b2bkit.MaxScale {
		errs = append(errs, b2bkit.Invalid("options.scale", "must be between 0 and %d", b2bkit.MaxScale))
		in.scale = 2
	}
	in.stepDiv = int64(fastdec.Pow10(checkMaxStepPlaces))
	if u, err := b2bkit.ToMinor(step, checkMaxStepPlaces); err != nil || u <= 0 || u >= in.stepDiv {
		errs = append(errs, b2bkit.Invalid("options.deposit_step", "must be in (0, 1) with at most %d places", checkMaxStepPlaces))
	} else {
		in.stepUnits = u
	}
	o := &c.Order
	if err := o.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("order", err))
	}
	if c.Limit.Currency != o.Currency {
		errs = append(errs, b2bkit.Invalid("limit.currency", "is %q, the order's is %q", xerr.Echo(c.Limit.Currency), xerr.Echo(o.Currency)))
	}
	if c.Exposure.Currency != o.Currency {
		errs = append(errs, b2bkit.Invalid("exposure.currency", "is %q, the order's is %q", xerr.Echo(c.Exposure.Currency), xerr.Echo(o.Currency)))
	}
	if c.Limit.Company != "" && c.Limit.Company != o.Buyer {
		errs = append(errs, b2bkit.Invalid("limit.company", "is not the order's buyer"))
	}
	if c.Exposure.Company != "" && c.Exposure.Company != o.Buyer {
		errs = append(errs, b2bkit.Invalid("exposure.company", "is not the order's buyer"))
	}
	var err error
	if in.limit, err = checkAmount("limit.amount", c.Limit.Amount, in.scale); err != nil {
		errs = append(errs, err)
	}
	if in.exposure, err = checkAmount("exposure.total", c.Exposure.Total, in.scale); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return in, errors.Join(errs...)
	}
	if h, ok := checked.Add(in.limit, -in.exposure); ok && h > 0 {
		in.headroom = h
	}
	total, ok := featTotalMinor(o, in.scale) // TotalMinor without copying the order
	if !ok {
		t := b2bkit.Round(orderTotal(o), in.scale, b2bkit.HalfUp)
		if total, err = b2bkit.ToMinor(t, in.scale); err != nil {
			return in, b2bkit.Invalid("order.lines", "total %s does not fit in minor units", xerr.EchoDecimal(t))
		}
	}
	in.total = total
	p := o.Terms.Payment
	in.lead = o.Terms.LeadDays()
	credit, ok := checkCreditMinor(p, in.total, in.lead)
	if !ok {
		// Shares with more than 12 places: the decimal path of CreditAdded.
		cd, err := CreditAdded(*o, in.scale)
		if err != nil {
			return in, err
		}
		credit, _ = b2bkit.ToMinor(cd, in.scale) // a part of the total: it fits
	}
	in.credit = credit
	in.onOrder, in.balanceDays = checkTermsFigures(p, in.lead)
	return in, nil
}

// checkTermsFigures is the share of p paid on order and by delivery (a deposit), and the days the
// balance of a proposal keeps: the share-weighted days after delivery of p's credit installments,
// rounded half up (0 without credit), for an order delivered lead days after it is placed.
func checkTermsFigures(p b2bkit.PaymentTerms, lead int) (onOrder decimal.Decimal, balanceDays int) {
	const places = 12 // shares of at most 12 places times at most MaxTermDays days fit in int64
	var order, creditShare, creditDays int64
	for _, x := range p.Installments {
		u, err := b2bkit.ToMinor(x.Share, places)
		if err != nil {
			return checkTermsFiguresDecimal(p, lead)
		}
		if days := x.DaysAfterDelivery(lead); days > 0 {
			creditShare += u
			creditDays += u * int64(days) // days <= MaxTermDays: it fits
		} else if x.Due == b2bkit.OnOrder {
			order += u
		}
	}
	if creditShare > 0 {
		q, r := creditDays/creditShare, creditDays%creditShare
		if r >= creditShare-r {
			q++
		}
		balanceDays = int(q)
	}
	if order == 0 {
		return decimal.Zero, balanceDays
	}
	return checkShare(order, places), balanceDays
}

// checkTermsFiguresDecimal is checkTermsFigures in decimals, for shares of more than 12 places.
func checkTermsFiguresDecimal(p b2bkit.PaymentTerms, lead int) (onOrder decimal.Decimal, balanceDays int) {
	onOrder = decimal.Zero
	creditShare, creditDays := decimal.Zero, decimal.Zero
	for _, x := range p.Installments {
		if days := x.DaysAfterDelivery(lead); days > 0 {
			creditShare = creditShare.Add(x.Share)
			creditDays = creditDays.Add(x.Share.Mul(decimal.NewFromInt(int64(days))))
		} else if x.Due == b2bkit.OnOrder {
			onOrder = onOrder.Add(x.Share)
		}
	}
	if creditShare.Sign() > 0 {
		balanceDays = int(creditDays.DivRound(creditShare, 0).IntPart()) // within 1..MaxTermDays
	}
	return onOrder, balanceDays
}

// checkDepositCredit is the credit left of total minor units when the share k*stepUnits/stepDiv is
// paid on order: the deposit is rounded half up, as b2bkit.PaymentTerms.SplitMinor rounds it.
func checkDepositCredit(total int64, k int, stepUnits, stepDiv int64) int64 {
	share := uint64(int64(k) * stepUnits) // < stepDiv
	hi, lo := bits.Mul64(uint64(total), share)
	div := uint64(stepDiv)
	q, r := bits.Div64(hi, lo, div) // share < div, so q < total: no overflow
	if r >= div-r {
		q++
	}
	return total - int64(q)
}

// checkSmallestDeposit finds the smallest k in 1..K, where K*step is the largest multiple of the
// step below 1, whose deposit brings the credit within the headroom, and that credit. The credit
// never rises as k does, so a binary search finds it.
func checkSmallestDeposit(in *checkInput) (k int, credit int64, ok bool) {
	kmax := int((in.stepDiv - 1) / in.stepUnits)
	k = 1 + sort.Search(kmax, func(i int) bool {
		return checkDepositCredit(in.total, i+1, in.stepUnits, in.stepDiv) <= in.headroom
	})
	if k > kmax {
		return 0, 0, false
	}
	return k, checkDepositCredit(in.total, k, in.stepUnits, in.stepDiv), true
}

// checkPriceAll prices the order as placed and under every proposal. The order quotes, their
// requests' lines and the line quotes of all of them share one allocation each.
func checkPriceAll(ctx context.Context, e *pricing.Engine, c *OrderCheck, d *Decision) error {
	n, m := 1+len(d.Proposals), len(c.Order.Lines)
	w := checkPricing{oqs: make([]pricing.OrderQuote, n), lines: make([]pricing.OrderLine, n*m), quotes: make([]pricing.Quote, n*m)}
	if err := w.price(ctx, e, c, &d.AsPlaced, 0); err != nil {
		return err
	}
	for i := range d.Proposals {
		if d.Proposals[i].Priced {
			continue // a deposit checkPricedDeposit priced to weigh it
		}
		if err := w.price(ctx, e, c, &d.Proposals[i], i+1); err != nil {
			return err
		}
	}
	return nil
}

// checkPricing is the storage of the order quotes of one check.
type checkPricing struct {
	oqs    []pricing.OrderQuote
	lines  []pricing.OrderLine
	quotes []pricing.Quote
}

// price prices the order under p.Payment as one order request, as the sales desk does, into the
// k-th order quote.
func (w *checkPricing) price(ctx context.Context, e *pricing.Engine, c *OrderCheck, p *Proposal, k int) error {
	o := &c.Order
	m := len(o.Lines)
	lines := w.lines[k*m : (k+1)*m : (k+1)*m] // capped: an append by the caller copies
	for i := range o.Lines {
		lines[i] = pricing.OrderLine{SKU: o.Lines[i].SKU, Quantity: o.Lines[i].Quantity}
	}
	req := pricing.OrderRequest{Buyer: o.Buyer, Group: c.Group, Tier: c.Tier, Grade: string(c.Limit.Grade), Currency: o.Currency,
		Terms: o.Terms, Lines: lines}
	req.Terms.Payment = p.Payment
	oq, err := e.QuoteOrder(ctx, req)
	if err != nil {
		return fmt.Errorf("risk: pricing %s: %w", p.Payment, err)
	}
	w.oqs[k] = oq
	quotes := w.quotes[k*m : (k+1)*m : (k+1)*m]
	for i := range oq.Lines {
		quotes[i] = oq.Lines[i].Quote
	}
	p.Total, p.Priced, p.Order, p.Quotes = oq.Total, true, &w.oqs[k], quotes
	return nil
}

// checkShare is units/10^places as a decimal without trailing zeros (4000, 4 is 0.4).
func checkShare(units int64, places int32) decimal.Decimal {
	for places > 0 && units%10 == 0 {
		units /= 10
		places--
	}
	return decimal.New(units, -places)
}

// checkAmount converts a non-negative amount of at most scale places to minor units.
func checkAmount(field string, d decimal.Decimal, scale int32) (int64, error) {
	if d.Sign() < 0 {
		return 0, b2bkit.Invalid(field, "must be >= 0")
	}
	u, err := b2bkit.ToMinor(d, scale)
	if err != nil {
		return 0, b2bkit.InField(field, err)
	}
	return u, nil
}
