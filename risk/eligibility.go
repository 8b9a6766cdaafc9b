package risk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
)

// Finance eligibility: which trades may be financed at all, before any scoring. A receivable needs a
// credit period (R16); beyond receivables, "either do the chain, or do the goods" (要么做链,要么做货,
// R20): chain finance stands on linked trades, goods finance on goods that can be valued, held and
// sold, checked in that order.

// An Eligibility says whether a trade or chain of trades may be financed, and why, with a stable Code.
// Not being eligible is an answer, not an error.
type Eligibility struct {
	Eligible bool `json:"eligible"`
	Code     Code `json:"code"`
	// Reason says it in a sentence for a person.
	Reason string `json:"reason"`
	// Field is where a failure was found ("links[1].order.seller"); empty when eligible.
	Field string `json:"field,omitempty"`
}

// The codes of ReceivableEligibility.
const (
	// CodeCreditTerms: money is due after delivery, a credit period (账期) to finance; eligible,
	// subject to VerifyTrade.
	CodeCreditTerms Code = "credit_terms"
	// CodeCashAgainstGoods: 100% cash against goods (现款现货): the goods are paid as they arrive,
	// there is no receivable to finance (R16).
	CodeCashAgainstGoods Code = "cash_against_goods"
	// CodePrepaid: everything is paid when the order is placed; nothing is owed after delivery.
	CodePrepaid Code = "prepaid"
	// CodeNoCreditPeriod: the terms mix payments on order and on delivery, but nothing falls due
	// after delivery.
	CodeNoCreditPeriod Code = "no_credit_period"
	// CodeInvalidTerms: the order's payment terms are not valid terms; nothing can be said.
	CodeInvalidTerms Code = "invalid_terms"
)

// ReceivableEligibility says whether a receivable drawn on the trade is a candidate for finance (R16):
// only terms with a credit period (b2bkit.Terms.IsCredit: something due after the delivery date) are;
// cash against goods, prepayment and any terms with nothing due after delivery are not. It looks at the order's payment terms only:
// whether the trade is real is VerifyTrade's question.
func ReceivableEligibility(t Trade) Eligibility {
	p := t.Order.Terms.Payment
	if err := p.Validate(); err != nil {
		return Eligibility{Code: CodeInvalidTerms, Field: "order.terms.payment",
			Reason: "the payment terms are not valid: " + b2bkit.InField("order.terms.payment", err).Error()}
	}
	switch {
	case t.Order.Terms.IsCredit():
		return Eligibility{Eligible: true, Code: CodeCreditTerms,
			Reason: fmt.Sprintf("%s: a credit period (账期) of %s days on average after delivery, a receivable to finance once the trade verifies", p, t.Order.Terms.CreditDays().StringFixed(1))}
	case p.IsCashAgainstGoods():
		return Eligibility{Code: CodeCashAgainstGoods, Field: "order.terms.payment",
			Reason: "100% cash against goods (现款现货): the goods are paid on arrival, there is no receivable to finance"}
	case eligibilityAllOnOrder(p):
		return Eligibility{Code: CodePrepaid, Field: "order.terms.payment",
			Reason: "prepaid: everything is paid with the order, nothing is owed after delivery"}
	default:
		return Eligibility{Code: CodeNoCreditPeriod, Field: "order.terms.payment",
			Reason: p.String() + ": nothing falls due after delivery, there is no credit period to finance"}
	}
}

// eligibilityAllOnOrder reports whether every installment is due on order.
func eligibilityAllOnOrder(p b2bkit.PaymentTerms) bool {
	for _, in := range p.Installments {
		if in.Due != b2bkit.OnOrder {
			return false
		}
	}
	return len(p.Installments) > 0
}

// The codes of ChainEligibility.
const (
	// CodeChainLinked: the trades form a chain; eligible.
	CodeChainLinked Code = "chain_linked"
	// CodeChainTooShort: fewer than two trades: a single trade is a receivable, not a chain.
	CodeChainTooShort Code = "chain_too_short"
	// CodeChainNotLinked: a trade's seller is not the buyer of the trade before it: the goods were
	// not resold by whoever bought them.
	CodeChainNotLinked Code = "chain_not_linked"
	// CodeChainGoodsMismatch: a trade carries a SKU the trade before it does not, or lacks one it has.
	CodeChainGoodsMismatch Code = "chain_goods_mismatch"
	// CodeChainQuantityMismatch: a SKU's quantity differs from the trade before beyond the quantity
	// tolerance (reference: the earlier trade), either way.
	CodeChainQuantityMismatch Code = "chain_quantity_mismatch"
	// CodeChainCircular: the goods come back to a company already in the chain: a round-trip trade
	// (循环贸易) that moves money, not goods.
	CodeChainCircular Code = "chain_circular"
	// CodeChainDatesOutOfOrder: a trade was placed before the trade it resells, beyond the days
	// tolerance (calendar days in the location of the earlier order).
	CodeChainDatesOutOfOrder Code = "chain_dates_out_of_order"
)

// ChainEligibility says whether links are a chain finance can stand on (做链, R20): at least two trades,
// each the resale of the one before (its seller is the earlier trade's buyer: the platform's purchase
// and its resale, or a trader's), of the same SKUs in quantities that agree within tol.Quantity,
// placed no earlier than the trade before (within tol.Days), never selling back to a company already in
// the chain (a round trip). The first failure found, link by link, is the answer. Invalid trades or
// tolerances are an error matching b2bkit.ErrInvalid that names the field
// ("links[1].order.lines[0].quantity"). Each link's own three flows are VerifyTrade's business.
func ChainEligibility(links []Trade, tol Tolerances) (Eligibility, error) {
	var errs []error
	if err := tol.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("tolerances", errors.Unwrap(err)))
	}
	if len(links) > MaxTradeRecords {
		errs = append(errs, b2bkit.Invalid("links", "must have at most %d trades", MaxTradeRecords))
	} else {
		for i, l := range links {
			if e := verifyValidate(l, nil, nil); len(e) > 0 {
				errs = append(errs, b2bkit.InField(fmt.Sprintf("links[%d]", i), errors.Join(e...)))
			}
		}
	}
	if len(errs) > 0 {
		return Eligibility{}, fmt.Errorf("risk: %w", errors.Join(errs...))
	}
	if len(links) < 2 {
		return Eligibility{Code: CodeChainTooShort, Field: "links",
			Reason: fmt.Sprintf("%d trade(s): chain finance needs at least two linked trades (a purchase and its resale)", len(links))}, nil
	}
	path := []string{string(links[0].Order.Seller), string(links[0].Order.Buyer)}
	for i := 1; i < len(links); i++ {
		prev, next := links[i-1].Order, links[i].Order
		f := fmt.Sprintf("links[%d].order", i)
		if next.Seller != prev.Buyer {
			return Eligibility{Code: CodeChainNotLinked, Field: f + ".seller",
				Reason: fmt.Sprintf("order %s is sold by %s, not by %s who bought order %s", xerr.Echo(string(next.ID)),
					xerr.Echo(string(next.Seller)), xerr.Echo(string(prev.Buyer)), xerr.Echo(string(prev.ID)))}, nil
		}
		bought, sold := eligibilityQuantities(prev), eligibilityQuantities(next)
		for j, l := range next.Lines {
			if _, ok := bought[l.SKU]; !ok {
				return Eligibility{Code: CodeChainGoodsMismatch, Field: fmt.Sprintf("%s.lines[%d].sku", f, j),
					Reason: fmt.Sprintf("order %s resells %s, which order %s did not buy", xerr.Echo(string(next.ID)),
						xerr.Echo(string(l.SKU)), xerr.Echo(string(prev.ID)))}, nil
			}
		}
		for j, l := range prev.Lines {
			if _, ok := sold[l.SKU]; !ok {
				return Eligibility{Code: CodeChainGoodsMismatch, Field: f + ".lines",
					Reason: fmt.Sprintf("order %s does not resell %s bought by order %s (line %d)", xerr.Echo(string(next.ID)),
						xerr.Echo(string(l.SKU)), xerr.Echo(string(prev.ID)), j)}, nil
			}
		}
		for j, l := range next.Lines {
			b, s := bought[l.SKU], sold[l.SKU]
			if !tol.Quantity.allowsExcess(b.Sub(s).Abs(), b) {
				return Eligibility{Code: CodeChainQuantityMismatch, Field: fmt.Sprintf("%s.lines[%d].quantity", f, j),
					Reason: fmt.Sprintf("order %s sells %s of %s, order %s bought %s", xerr.Echo(string(next.ID)), s,
						xerr.Echo(string(l.SKU)), xerr.Echo(string(prev.ID)), b)}, nil
			}
		}
		loc := prev.PlacedAt.Location()
		if b2bkit.CalendarDay(prev.PlacedAt)-b2bkit.CalendarDay(next.PlacedAt.In(loc)) > tol.Days {
			return Eligibility{Code: CodeChainDatesOutOfOrder, Field: f + ".placed_at",
				Reason: fmt.Sprintf("order %s was placed on %s, before order %s it resells (%s)", xerr.Echo(string(next.ID)),
					next.PlacedAt.In(loc).Format(time.DateOnly), xerr.Echo(string(prev.ID)), prev.PlacedAt.Format(time.DateOnly))}, nil
		}
		if slices.Contains(path, string(next.Buyer)) {
			return Eligibility{Code: CodeChainCircular, Field: f + ".buyer",
				Reason: fmt.Sprintf("order %s sells the goods back to %s, already in the chain: a round trip, not a trade",
					xerr.Echo(string(next.ID)), xerr.Echo(string(next.Buyer)))}, nil
		}
		path = append(path, string(next.Buyer))
	}
	for i := range path {
		path[i] = xerr.Echo(path[i])
	}
	return Eligibility{Eligible: true, Code: CodeChainLinked,
		Reason: fmt.Sprintf("%d linked trades: %s", len(links), strings.Join(path, " -> "))}, nil
}

// eligibilityQuantities is the quantity of each SKU of an order, over its lines.
func eligibilityQuantities(o b2bkit.Order) map[b2bkit.SKU]decimal.Decimal {
	q := make(map[b2bkit.SKU]decimal.Decimal, len(o.Lines))
	for _, l := range o.Lines {
		q[l.SKU] = q[l.SKU].Add(l.Quantity)
	}
	return q
}

// A Valuer prices goods from the platform's trades (判得准): the reference price of sku under the
// request's terms over the window ending now. *matching.Book satisfies it.
type Valuer interface {
	ReferencePrice(ctx context.Context, sku b2bkit.SKU, r pricing.Request, window time.Duration) (matching.Reference, error)
}

var _ Valuer = (*matching.Book)(nil)

// A CustodyKind is how a lender holds goods it finances (看得住).
type CustodyKind int

const (
	// CustodyWarehouseReceipt: a warehouse receipt (仓单) issued by an independent warehouse and
	// pledged to the lender; the receipt, not the warehouse's key, is what the lender holds.
	CustodyWarehouseReceipt CustodyKind = iota + 1
	// CustodyPledge: goods pledged (质押) and kept by a third-party custodian (监管方) on the
	// lender's behalf.
	CustodyPledge
	// CustodyTitle: the lender (or the platform) holds title (所有权) to the goods.
	CustodyTitle
)

var custodyWords = [...]string{CustodyWarehouseReceipt: "warehouse_receipt", CustodyPledge: "pledge", CustodyTitle: "title"}

// String returns the kind's word: warehouse_receipt, pledge or title.
func (k CustodyKind) String() string {
	if k < CustodyWarehouseReceipt || k > CustodyTitle {
		return fmt.Sprintf("CustodyKind(%d)", int(k))
	}
	return custodyWords[k]
}

// MarshalText encodes the kind as its word.
func (k CustodyKind) MarshalText() ([]byte, error) {
	if k < CustodyWarehouseReceipt || k > CustodyTitle {
		return nil, fmt.Errorf("risk: %w", b2bkit.Invalid("kind", "unknown custody kind %d", int(k)))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its word.
func (k *CustodyKind) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(custodyWords[:], b, "custody kind")
	if err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	*k = CustodyKind(v)
	return nil
}

// Custody is what the platform knows of who holds goods offered for finance. It is data the host
// gathers (a warehouse's confirmation, an inspection); GoodsEligibility only judges it.
type Custody struct {
	Kind CustodyKind `json:"kind"`
	// Holder is who has the goods or the title: the warehouse, the custodian, the lender.
	Holder b2bkit.CompanyID `json:"holder"`
	// Receipt is the warehouse receipt's number; required for CustodyWarehouseReceipt.
	Receipt string `json:"receipt,omitempty"`
	// Verified says the platform confirmed the arrangement with the holder (and the goods are there).
	Verified bool `json:"verified"`
	// Until is when the arrangement ends (the storage contract, the pledge); zero means it is open-ended.
	Until time.Time `json:"until"`
}

// A GoodsStep is one of the three checks of goods finance, in the order GoodsEligibility runs them.
type GoodsStep int

const (
	// GoodsValuation: can the goods be valued from the platform's trades (判得准)?
	GoodsValuation GoodsStep = iota + 1
	// GoodsCustody: are the goods held by someone other than the borrower (看得住)?
	GoodsCustody
	// GoodsLiquidity: would they sell fast enough (卖得掉)?
	GoodsLiquidity
)

var goodsStepWords = [...]string{GoodsValuation: "valuation", GoodsCustody: "custody", GoodsLiquidity: "liquidity"}

// String returns the step's word: valuation, custody or liquidity ("none" for zero).
func (s GoodsStep) String() string {
	if s == 0 {
		return "none"
	}
	if s < GoodsValuation || s > GoodsLiquidity {
		return fmt.Sprintf("GoodsStep(%d)", int(s))
	}
	return goodsStepWords[s]
}

// MarshalText encodes the step as its word.
func (s GoodsStep) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// The codes of GoodsEligibility.
const (
	// CodeGoodsEligible: the goods passed all three checks.
	CodeGoodsEligible Code = "goods_eligible"
	// CodeThinMarket: too few fulfilled matches in the window to rely on a price (valuation).
	CodeThinMarket Code = "thin_market"
	// CodeNoPrice: the reference price is not positive (valuation).
	CodeNoPrice Code = "no_price"
	// CodeCustodyMissing: no custody arrangement, or one of an unknown kind (custody).
	CodeCustodyMissing Code = "custody_missing"
	// CodeCustodyNoHolder: the arrangement names no holder (custody).
	CodeCustodyNoHolder Code = "custody_no_holder"
	// CodeCustodyNoReceipt: a warehouse receipt without its number (custody).
	CodeCustodyNoReceipt Code = "custody_no_receipt"
	// CodeCustodyHeldByBorrower: the borrower holds the goods itself, and no warehouse receipt
	// stands between it and them (custody).
	CodeCustodyHeldByBorrower Code = "custody_held_by_borrower"
	// CodeCustodyNotVerified: the platform has not confirmed the arrangement (custody).
	CodeCustodyNotVerified Code = "custody_not_verified"
	// CodeCustodyExpired: the arrangement ended at or before now (custody).
	CodeCustodyExpired Code = "custody_expired"
	// CodeIlliquid: at the platform's pace of trade the goods would take longer to sell than the
	// schedule's last step, or nothing sold in the window (liquidity).
	CodeIlliquid Code = "illiquid"
)

// A GoodsRequest asks to finance goods the borrower owns (做货, R20).
type GoodsRequest struct {
	// Borrower is the company asking for the advance.
	Borrower b2bkit.CompanyID
	// SKU and Quantity are the goods.
	SKU      b2bkit.SKU
	Quantity decimal.Decimal
	// Request gives the terms to value the goods under (a lender would sell them for cash on
	// delivery, say); its SKU and Quantity default to the goods'.
	Request pricing.Request
	Custody Custody
	// Window is how far back the platform's trades are read, at least a day.
	Window time.Duration
}

// GoodsOptions configure GoodsEligibility. A nil *GoodsOptions means the defaults.
type GoodsOptions struct {
	// Now is the clock custody expiry is judged by. Nil means time.Now.
	Now func() time.Time
}

// A GoodsDecision is GoodsEligibility's answer: eligible with an advance, or the step that failed.
type GoodsDecision struct {
	Eligible bool `json:"eligible"`
	// Failed is the step that failed, zero when eligible; the later steps were not run.
	Failed GoodsStep `json:"failed"`
	Code   Code      `json:"code"`
	Reason string    `json:"reason"`
	// Reference is the price data the valuation and liquidity read (one call to the Valuer).
	Reference matching.Reference `json:"reference"`
	// UnitValue is the lower of the reference's median and volume-weighted mean prices; Value is
	// UnitValue x Quantity, exact. Set once valuation passed.
	UnitValue decimal.Decimal `json:"unit_value"`
	Value     decimal.Decimal `json:"value"`
	// DaysToSell is ceil(Quantity / daily volume in the window); set once liquidity was checked.
	DaysToSell int `json:"days_to_sell"`
	// Haircut is the schedule's for DaysToSell; Advance is Value x (1 - Haircut) rounded down to
	// 2 places. Set when eligible.
	Haircut decimal.Decimal `json:"haircut"`
	Advance decimal.Decimal `json:"advance"`
	// Log is the calculation, one line per figure.
	Log []LogLine `json:"log"`
}

// goodsMaxWindow is the longest valuation window: ten years.
const goodsMaxWindow = 10 * 366 * 24 * time.Hour

// GoodsEligibility judges goods finance (做货, R20) by three checks, in this order, stopping at the
// first that fails:
//
//  1. valuation (判得准): the Valuer's reference price over g.Window; a thin market
//     (Reference.Thin or fewer than s.MinTrades matches) or no positive price fails. The goods are
//     valued at the lower of the median and the volume-weighted mean, a lender's caution.
//  2. custody (看得住): there must be an arrangement of a known kind naming a holder; the holder must
//     not be the borrower, unless it is a warehouse receipt with its number; the platform must have
//     verified it; it must not have ended by now (an open-ended one never does).
//  3. liquidity (卖得掉): days to sell = ceil(Quantity / (Reference.Volume / window days)), from the
//     same reference; more days than the schedule's last step, or no volume, fails.
//
// Advance = Value x (1 - the haircut for the days to sell), rounded down to 2 places. Bad input (no
// borrower or SKU, a quantity not > 0, a window under a day or over ten years, an invalid schedule,
// a nil Valuer), a Valuer's error and a reference whose volume or a price statistic has an exponent
// beyond ±18 (an error matching b2bkit.ErrInvalid naming "reference.median") are errors; a failed
// check is a decision, not an error. The decision's Reference holds the statistics as values.
func GoodsEligibility(ctx context.Context, v Valuer, g GoodsRequest, s HaircutSchedule, opts *GoodsOptions) (GoodsDecision, error) {
	canon.Set(&g.Quantity) // the value, trailing zeros aside (12.5 read from numeric(38,20))
	var errs []error
	if v == nil {
		errs = append(errs, b2bkit.Invalid("valuer", "must be set"))
	}
	if g.Borrower == "" {
		errs = append(errs, b2bkit.Invalid("goods.borrower", "must be set"))
	}
	if g.SKU == "" {
		errs = append(errs, b2bkit.Invalid("goods.sku", "must be set"))
	}
	switch {
	case g.Quantity.Exponent() < -b2bkit.MaxScale || g.Quantity.Exponent() > b2bkit.MaxScale || g.Quantity.NumDigits() > 30:
		errs = append(errs, b2bkit.Invalid("goods.quantity", "out of range"))
	case g.Quantity.Sign() <= 0:
		errs = append(errs, b2bkit.Invalid("goods.quantity", "must be > 0"))
	}
	if g.Window < 24*time.Hour || g.Window > goodsMaxWindow {
		errs = append(errs, b2bkit.Invalid("goods.window", "must be between a day and ten years"))
	}
	if err := s.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("schedule", errors.Unwrap(err)))
	}
	if len(errs) > 0 {
		return GoodsDecision{}, fmt.Errorf("risk: %w", errors.Join(errs...))
	}
	now := time.Now
	if opts != nil && opts.Now != nil {
		now = opts.Now
	}
	r := g.Request
	if r.SKU == "" {
		r.SKU = g.SKU
	}
	if r.Quantity.Sign() == 0 {
		r.Quantity = g.Quantity
	}
	d := GoodsDecision{}
	fail := func(step GoodsStep, code Code, format string, args ...any) (GoodsDecision, error) {
		d.Failed, d.Code, d.Reason = step, code, fmt.Sprintf(format, args...)
		return d, nil
	}

	// 1. Valuation.
	ref, err := v.ReferencePrice(ctx, g.SKU, r, g.Window)
	if err != nil {
		return GoodsDecision{}, fmt.Errorf("risk: valuing %s: %w", xerr.Echo(string(g.SKU)), err)
	}
	// The Valuer is the host's: its figures are checked before they are compared or multiplied,
	// which with an absurd exponent would write out as many digits as the exponent says.
	var refErrs []error
	for _, f := range [...]struct {
		name string
		d    *decimal.Decimal
	}{{"median", &ref.Median}, {"mean", &ref.Mean}, {"volume", &ref.Volume}, {"p25", &ref.P25}, {"p75", &ref.P75},
		{"low", &ref.Low}, {"high", &ref.High}} {
		if !xerr.SaneValue(*f.d) {
			refErrs = append(refErrs, b2bkit.Invalid("reference."+f.name, "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(*f.d)))
		}
		*f.d = xerr.Canonical(*f.d)
	}
	if len(refErrs) > 0 {
		return GoodsDecision{}, fmt.Errorf("risk: valuing %s: %w", xerr.Echo(string(g.SKU)), errors.Join(refErrs...))
	}
	d.Reference = ref
	days := g.Window.Hours() / 24
	d.Log = append(d.Log, LogLine{What: "trades in window", Figure: fmt.Sprint(ref.Count),
		Source: fmt.Sprintf("fulfilled matches of %s over %g days", xerr.Echo(string(g.SKU)), days)})
	if ref.Thin || ref.Count < s.MinTrades {
		return fail(GoodsValuation, CodeThinMarket, "%d trades of %s in %g days: too thin a market to value on",
			ref.Count, xerr.Echo(string(g.SKU)), days)
	}
	unit := ref.Median
	if ref.Mean.Sign() > 0 && ref.Mean.Cmp(unit) < 0 {
		unit = ref.Mean
	}
	if unit.Sign() <= 0 {
		return fail(GoodsValuation, CodeNoPrice, "the reference price of %s is %s: nothing to value on", xerr.Echo(string(g.SKU)), unit)
	}
	d.UnitValue, d.Value = unit, unit.Mul(g.Quantity)
	d.Log = append(d.Log,
		LogLine{What: "unit value", Figure: unit.String() + " " + ref.Currency, Source: fmt.Sprintf("lower of median %s and mean %s", ref.Median, ref.Mean)},
		LogLine{What: "value", Figure: d.Value.String() + " " + ref.Currency, Source: "unit value x quantity " + g.Quantity.String()})

	// 2. Custody.
	c := g.Custody
	switch {
	case c.Kind < CustodyWarehouseReceipt || c.Kind > CustodyTitle:
		return fail(GoodsCustody, CodeCustodyMissing, "no custody arrangement of a known kind (warehouse receipt, pledge or title)")
	case c.Holder == "":
		return fail(GoodsCustody, CodeCustodyNoHolder, "the %s names no holder", c.Kind)
	case c.Kind == CustodyWarehouseReceipt && c.Receipt == "":
		return fail(GoodsCustody, CodeCustodyNoReceipt, "the warehouse receipt has no number")
	case c.Holder == g.Borrower && c.Kind != CustodyWarehouseReceipt:
		return fail(GoodsCustody, CodeCustodyHeldByBorrower, "the borrower %s holds the goods itself: no one else can stop it selling them",
			xerr.Echo(string(g.Borrower)))
	case !c.Verified:
		return fail(GoodsCustody, CodeCustodyNotVerified, "the %s with %s has not been verified", c.Kind, xerr.Echo(string(c.Holder)))
	}
	at := now()
	if !c.Until.IsZero() && !c.Until.After(at) {
		return fail(GoodsCustody, CodeCustodyExpired, "the %s with %s ended on %s", c.Kind, xerr.Echo(string(c.Holder)), c.Until.Format(time.DateOnly))
	}
	d.Log = append(d.Log, LogLine{What: "custody", Figure: c.Kind.String(), Source: "held by " + xerr.Echo(string(c.Holder)) + ", verified"})

	// 3. Liquidity: days = ceil(quantity x window / (volume x one day)).
	last := s.maxDays()
	if ref.Volume.Sign() <= 0 {
		return fail(GoodsLiquidity, CodeIlliquid, "nothing of %s sold in the window", xerr.Echo(string(g.SKU)))
	}
	num := g.Quantity.Mul(decimal.NewFromInt(int64(g.Window)))
	den := ref.Volume.Mul(decimal.NewFromInt(int64(24 * time.Hour)))
	q, rem := num.QuoRem(den, 0)
	if rem.Sign() > 0 {
		q = q.Add(decimal.NewFromInt(1))
	}
	if q.Cmp(decimal.NewFromInt(int64(last))) > 0 {
		return fail(GoodsLiquidity, CodeIlliquid, "%s of %s would take %s days to sell at the platform's pace of %s in %g days; the schedule stops at %d",
			g.Quantity, xerr.Echo(string(g.SKU)), q, ref.Volume, days, last)
	}
	d.DaysToSell = int(q.IntPart())
	haircut, _ := s.haircutFor(d.DaysToSell)
	d.Haircut = haircut
	d.Advance = b2bkit.Round(d.Value.Mul(decimal.NewFromInt(1).Sub(haircut)), 2, b2bkit.Down)
	d.Log = append(d.Log,
		LogLine{What: "days to sell", Figure: fmt.Sprint(d.DaysToSell), Source: fmt.Sprintf("quantity / (volume %s / %g days), rounded up", ref.Volume, days)},
		LogLine{What: "haircut", Figure: haircut.String(), Source: "haircut schedule"},
		LogLine{What: "advance", Figure: d.Advance.StringFixed(2) + " " + ref.Currency, Source: "value x (1 - haircut), rounded down"})
	d.Eligible, d.Code = true, CodeGoodsEligible
	d.Reason = fmt.Sprintf("valued at %s, held by %s, sells in %d days: advance %s", d.Value.StringFixed(2), xerr.Echo(string(c.Holder)),
		d.DaysToSell, d.Advance.StringFixed(2))
	return d, nil
}
