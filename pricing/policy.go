package pricing

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A StepKind is what a step of a pricing procedure does to the unit price.
type StepKind uint8

const (
	// Base sets the starting unit price: the list price from the PriceSource, overridden by a
	// buyer's contract price (协议价) when a rule gives one.
	Base StepKind = iota + 1
	// Quantity applies volume breaks (every unit at the rate of the band the quantity falls in) or
	// graduated breaks (each band's units at that band's rate).
	Quantity
	// Payment charges for the time value of the payment schedule against reference terms: credit
	// (账期) costs money, a deposit or prepayment earns a discount.
	Payment
	// LeadTime adjusts by booking time: a rush surcharge for tomorrow, a discount for booking ahead.
	LeadTime
	// Tier applies a customer tier's privilege (特权特价, R4): a percentage or a fixed discount.
	Tier
	// Guardrail keeps the price above a floor (cost plus a minimum margin) and the total discount
	// below a maximum, by clamping or by asking for approval.
	Guardrail
	// Rounding rounds the unit price to a scale or an increment; the total is rounded at that scale.
	Rounding
	// OrderDiscount is an order step (Policy.Order): a discount (or a small-order surcharge) on the
	// value of the order's lines it applies to, by bands over that value or a fixed amount.
	OrderDiscount
	// Freight is an order step: the freight charged for the order, by the weight of its lines or by
	// their value, free from an order value when the rule says so.
	Freight
	// FreeGoods is an order step: goods given free for every so many units bought ("buy 10, get 1
	// free"), as lines of their own that cost nothing.
	FreeGoods
)

var stepKindWords = [...]string{Base: "base", Quantity: "quantity", Payment: "payment", LeadTime: "lead_time",
	Tier: "tier", Guardrail: "guardrail", Rounding: "rounding", OrderDiscount: "order_discount", Freight: "freight",
	FreeGoods: "free_goods"}

// orderKind reports whether k is the kind of an order step.
func orderKind(k StepKind) bool { return k >= OrderDiscount && k <= FreeGoods }

// String returns the kind's word: base, quantity, payment, lead_time, tier, guardrail, rounding,
// order_discount, freight or free_goods.
func (k StepKind) String() string { return word(stepKindWords[:], int(k), "StepKind") }

// MarshalText encodes the kind as its word.
func (k StepKind) MarshalText() ([]byte, error) {
	return marshalWord(stepKindWords[:], int(k), "step kind")
}

// UnmarshalText decodes a kind from its word.
func (k *StepKind) UnmarshalText(b []byte) error {
	return unmarshalWord(stepKindWords[:], b, "step kind", k)
}

// Combine says how the rules of a step that all match one request combine.
type Combine int

const (
	// MostSpecific applies only the matching rule with the most specific scope (the default).
	// Two rules that could match the same request at equal specificity make the policy invalid.
	MostSpecific Combine = iota
	// BestForBuyer applies only the matching rule that gives the lowest price.
	BestForBuyer
	// Add applies every matching rule, each computed on the same price, and adds them up.
	Add
	// Compound applies every matching rule in turn, each on the price the previous one left.
	Compound
	// First applies the first matching rule, in policy order, that applies: a declared priority,
	// like an SAP access sequence or ERPNext's priority. A base rule whose figure the price source
	// does not give (no contract price for this buyer, no cost) does not apply, and the next one is
	// tried.
	First
)

var combineWords = [...]string{MostSpecific: "most_specific", BestForBuyer: "best_for_buyer", Add: "add",
	Compound: "compound", First: "first"}

// String returns the word: most_specific, best_for_buyer, add, compound or first.
func (c Combine) String() string { return word(combineWords[:], int(c), "Combine") }

// MarshalText encodes the combination as its word.
func (c Combine) MarshalText() ([]byte, error) {
	return marshalWord(combineWords[:], int(c), "combine")
}

// UnmarshalText decodes a combination from its word.
func (c *Combine) UnmarshalText(b []byte) error {
	return unmarshalWord(combineWords[:], b, "combine", c)
}

// A BreakMode says how quantity bands price a line.
type BreakMode uint8

const (
	// Volume prices every unit at the rate of the band the whole quantity falls in (the default).
	Volume BreakMode = iota
	// Graduated prices the units within each band at that band's rate, like a tax bracket.
	Graduated
)

var breakModeWords = [...]string{Volume: "volume", Graduated: "graduated"}

// String returns the word: volume or graduated.
func (m BreakMode) String() string { return word(breakModeWords[:], int(m), "BreakMode") }

// MarshalText encodes the mode as its word.
func (m BreakMode) MarshalText() ([]byte, error) {
	return marshalWord(breakModeWords[:], int(m), "break mode")
}

// UnmarshalText decodes a mode from its word.
func (m *BreakMode) UnmarshalText(b []byte) error {
	return unmarshalWord(breakModeWords[:], b, "break mode", m)
}

// OnBreach says what a guardrail does when a price breaks it.
type OnBreach int

const (
	// Clamp raises the price to the guardrail and says so in the quote (the default).
	Clamp OnBreach = iota
	// Approve leaves the price and marks the quote NeedsApproval with the reason.
	Approve
)

var onBreachWords = [...]string{Clamp: "clamp", Approve: "approve"}

// String returns the word: clamp or approve.
func (o OnBreach) String() string { return word(onBreachWords[:], int(o), "OnBreach") }

// MarshalText encodes the action as its word.
func (o OnBreach) MarshalText() ([]byte, error) {
	return marshalWord(onBreachWords[:], int(o), "on breach")
}

// UnmarshalText decodes an action from its word.
func (o *OnBreach) UnmarshalText(b []byte) error {
	return unmarshalWord(onBreachWords[:], b, "on breach", o)
}

func word(words []string, i int, typ string) string {
	if i < 0 || i >= len(words) || words[i] == "" {
		return fmt.Sprintf("%s(%d)", typ, i)
	}
	return words[i]
}

func marshalWord(words []string, i int, what string) ([]byte, error) {
	if i < 0 || i >= len(words) || words[i] == "" {
		return nil, b2bkit.Invalid("", "unknown %s %d", what, i)
	}
	return []byte(words[i]), nil
}

// unmarshalWord reads an enum word into dst with wire.ParseWord, the one way b2bkit reads them.
func unmarshalWord[T ~int | ~uint8](words []string, b []byte, what string, dst *T) error {
	i, err := wire.ParseWord(words, b, what)
	if err != nil {
		return err
	}
	*dst = T(i)
	return nil
}

// A Policy is a pricing procedure (like an SAP pricing procedure): an ordered list of steps, each
// turning the unit price of a request into the next, and the validity of the quotes it gives. It is
// plain data: it round-trips through JSON and is checked as a whole by Validate.
type Policy struct {
	// Name says what the policy is for ("restaurants, Shanghai, 2026").
	Name string `json:"name,omitzero"`
	// Currency is the ISO 4217 code of every price the policy speaks of. Empty means the currency of
	// the price list.
	Currency string `json:"currency,omitzero"`
	// ValidDays is how many calendar days a quote stays valid after the day it is made, to the end
	// of the last one (Quote.ValidUntil). 0 means to the end of the day it is made.
	ValidDays int `json:"valid_days,omitzero"`
	// Steps run in order on each line. The first must be the base step; a rounding step, if any,
	// must be last. Without one, prices round HalfUp to 2 places.
	Steps []Step `json:"steps"`
	// Order are the order steps (order_discount, freight, free_goods) that QuoteOrder runs, in
	// order, on an order's priced lines; Quote and QuoteMany price lines alone and do not run them.
	Order []Step `json:"order,omitempty"`
	// Units says what a quote does with a quantity that is not a whole number of the SKU's packs or
	// is below its minimum order quantity (ListPrice.PackSize, ListPrice.MinQuantity).
	Units Units `json:"units,omitzero"`
	// Tax, if set, says the prices are with or without VAT, which a quote then shows per line and in
	// total at each SKU's rate (ListPrice.TaxPercent).
	Tax *Tax `json:"tax,omitempty"`
}

// A Shortfall says what a quote does with a quantity that falls short of what the SKU is sold in.
type Shortfall uint8

const (
	// Refuse makes the quote an error naming the quantity (the default): nothing is changed
	// without the buyer asking.
	Refuse Shortfall = iota
	// RoundUp prices the next quantity that is sold instead, and says so.
	RoundUp
)

var shortfallWords = [...]string{Refuse: "refuse", RoundUp: "round_up"}

// String returns the word: refuse or round_up.
func (s Shortfall) String() string { return word(shortfallWords[:], int(s), "Shortfall") }

// MarshalText encodes the shortfall as its word.
func (s Shortfall) MarshalText() ([]byte, error) {
	return marshalWord(shortfallWords[:], int(s), "shortfall")
}

// UnmarshalText decodes a shortfall from its word.
func (s *Shortfall) UnmarshalText(b []byte) error {
	return unmarshalWord(shortfallWords[:], b, "shortfall", s)
}

// Units says what a quote does with quantities the SKU is not sold in: a quantity that is not a
// whole number of packs (a case of 12) and one below the minimum order quantity (MOQ, 起订量).
type Units struct {
	Pack    Shortfall `json:"pack,omitzero"`
	Minimum Shortfall `json:"minimum,omitzero"`
}

// A TaxRounding says where VAT is rounded.
type TaxRounding uint8

const (
	// PerLine rounds each line's tax; an order's tax is the sum of its lines' (the default).
	PerLine TaxRounding = iota
	// PerInvoice rounds an order's tax once per rate, on the sum of the lines at that rate, and
	// allocates it to those lines (b2bkit.Allocate), so that the lines still add up to the order.
	PerInvoice
)

var taxRoundingWords = [...]string{PerLine: "line", PerInvoice: "invoice"}

// String returns the word: line or invoice.
func (t TaxRounding) String() string { return word(taxRoundingWords[:], int(t), "TaxRounding") }

// MarshalText encodes the rounding as its word.
func (t TaxRounding) MarshalText() ([]byte, error) {
	return marshalWord(taxRoundingWords[:], int(t), "tax rounding")
}

// UnmarshalText decodes a rounding from its word.
func (t *TaxRounding) UnmarshalText(b []byte) error {
	return unmarshalWord(taxRoundingWords[:], b, "tax rounding", t)
}

// Tax is how a policy's prices stand to VAT (增值税).
type Tax struct {
	// Included says the prices include VAT (含税价): the tax is worked out of each line's amount,
	// amount / (1 + rate) being the net. Otherwise the prices are without VAT (不含税价) and the tax
	// is added: net x rate.
	Included bool `json:"included,omitzero"`
	// Per says where the tax is rounded: per line (the default) or per invoice.
	Per TaxRounding `json:"per,omitzero"`
	// Mode rounds the tax (or, for prices with VAT, the net) to the quote's scale; HalfUp by default.
	Mode b2bkit.RoundingMode `json:"mode,omitzero"`
}

// A Step is one line of the pricing procedure: a kind, how its rules combine, and the rules.
type Step struct {
	// Name labels the step in explanations; empty means its kind.
	Name string `json:"name,omitzero"`
	// Kind is what the step does.
	Kind StepKind `json:"kind"`
	// Combine says how matching rules combine. Base, guardrail and rounding steps take one rule:
	// most_specific (base may also use best_for_buyer).
	Combine Combine `json:"combine,omitzero"`
	// Reference is the payment step's reference schedule, the terms the list price assumes. Nil
	// means cash on delivery (现款现货).
	Reference *b2bkit.PaymentTerms `json:"reference,omitempty"`
	// Precedence orders the scopes of a most_specific step from the most specific down: "buyer",
	// "group", "tier", "grade", "sku" and the names of SKU attributes ("brand", "category"), so that
	// a rule for a brand beats one for a category. A rule is more specific than another when the
	// first scope, in this order, that one of them has and the other has not is the first's. Empty
	// means buyer, group, tier, grade, sku; a most_specific step whose rules are scoped by
	// attributes must declare it, naming every scope its rules use.
	Precedence []string `json:"precedence,omitempty"`
	// Rules are the step's rules; a step whose rules do not match a request leaves the price alone.
	Rules []Rule `json:"rules"`
}

// A Rule is one scoped line of a step. Its scope says to whom and what it applies: a buyer, a
// customer tier, a risk grade, a SKU, any combination, or (all empty) everything. Its validity dates,
// when set, bound the order dates it applies to. The other fields are read according to the step's
// kind; fields a kind does not read must be zero.
type Rule struct {
	// ID names the rule in quotes and explanations; unique within its step.
	ID string
	// Buyer, Group, Tier, Grade and SKU scope the rule; empty means any. Specificity orders them
	// as the step's Precedence says; by default buyer, group, tier, grade, SKU, so buyer + SKU
	// beats buyer, which beats tier + SKU, and so on down to everything.
	Buyer b2bkit.CompanyID
	Group string
	Tier  string
	Grade string
	SKU   b2bkit.SKU
	// Attributes scope the rule to the SKUs whose attributes, as the price source gives them
	// (ListPrice.Attributes), have all of these values: {"category": "rice"}, {"brand": "Jinlongyu"}.
	Attributes map[string]string
	// ValidFrom and ValidUntil bound the dates the rule applies to: from inclusive, until
	// exclusive; zero means unbounded. The date is the quote's own, from the engine's clock, so that
	// an order date set in the past does not revive an expired promotion; Normalize, which restates
	// past trades, dates each side by its order date.
	ValidFrom, ValidUntil time.Time
	// ByOrderDate matches ValidFrom and ValidUntil against the request's order date
	// (Terms.OrderedAt) instead: a price for orders placed in March, whenever it is quoted.
	ByOrderDate bool

	// Price is a base rule's contract price per unit, > 0.
	Price decimal.Decimal
	// Formula makes a base rule price from a figure the price source gives — "list" (the list
	// price), "cost" (cost plus margin), "contract" (the buyer's, or its group's, contract price)
	// or "list:NAME" (another price list, ListPrice.Prices) — plus Percent and Amount. A rule whose
	// figure the source does not give does not apply.
	Formula string
	// Percent is a tier rule's adjustment in percent of the price: -5 is 5% off, 3 a 3% surcharge;
	// a base formula's markup on its figure (25 is cost plus 25%); an order discount's percent of
	// the order's value.
	Percent decimal.Decimal
	// Amount is a tier rule's fixed adjustment per unit: -0.50 takes 0.50 off; a base formula's
	// amount added per unit; an order discount's or a freight rule's fixed amount for the order.
	Amount decimal.Decimal
	// Excludes names later steps (by Step.Name, or kind when unnamed) that do not apply to a line
	// this rule applied to: a contract price that takes no volume or tier discount. The skipped
	// steps show in the quote, saying which rule excluded them.
	Excludes []string
	// Mix makes a quantity rule's bands count the units of all the order's lines the rule matches
	// (a mixed case: any 12 bottles of the category) in QuoteOrder; alone, a line counts its own.
	Mix bool
	// Mode is how a quantity rule's bands price the line.
	Mode BreakMode
	// Bands are a quantity rule's bands over the line quantity or a lead-time rule's bands over
	// Terms.LeadDays, each with a percent adjustment; contiguous, ascending, only the last open (and
	// a quantity rule's last band always open, so that no quantity falls off the breaks). A quantity
	// rule's percents must not rise from band to band (nor the first above the 0 of the units below
	// it), unless Rising says so.
	Bands []Band
	// Rising declares that a quantity rule's bands may charge more per unit for more quantity (a
	// handling surcharge on batches that cost more to serve); without it Validate reports such bands.
	Rising bool
	// AnnualPercent is a payment rule's yearly cost of money in percent (12 = 12% a year), >= 0.
	AnnualPercent decimal.Decimal
	// EarlyPayment is a payment rule's optional early-payment discount offered on credit terms.
	EarlyPayment *EarlyPayment
	// FloorMarginPercent is a guardrail rule's minimum margin over the SKU's cost, in percent; the
	// floor is cost x (1 + margin/100). Zero with no cost known means no floor.
	FloorMarginPercent decimal.Decimal
	// MaxDiscountPercent is a guardrail rule's largest total discount against the base price, in
	// percent; zero means no limit.
	MaxDiscountPercent decimal.Decimal
	// OnBreach is what a guardrail rule does when a price breaks it.
	OnBreach OnBreach
	// Scale is a rounding rule's number of decimal places for the unit price and the total.
	Scale int32
	// RoundingMode is a rounding rule's mode.
	RoundingMode b2bkit.RoundingMode
	// Increment, if set, is a rounding rule's step for the unit price (0.05, 10); at most Scale places.
	Increment decimal.Decimal
	// Per is what a freight rule charges by: "weight" (ListPrice.Weight x quantity, bands with an
	// amount per kilogram) or "value" (the lines' value, bands with a percent).
	Per string
	// FreeFrom, if set, is the order value from which a freight rule charges nothing.
	FreeFrom decimal.Decimal
	// Every, Free and FreeSKU are a free-goods rule: Free units of FreeSKU (empty: of each line's own
	// SKU) for every Every units of the lines the rule matches.
	Every, Free decimal.Decimal
	FreeSKU     b2bkit.SKU
}

// A Band is one range of a quantity or lead-time rule: From inclusive, To exclusive (zero To on the
// last band means no upper bound), and the adjustment in percent of the price for what falls in it.
// An order discount's bands range over the order's value; a freight rule's over the weight in
// kilograms, with Amount the freight per kilogram, or over the value, with Percent.
type Band struct {
	From    decimal.Decimal
	To      decimal.Decimal
	Percent decimal.Decimal
	Amount  decimal.Decimal
}

// EarlyPayment is a cash discount for paying early: "2/10 net 30" is 2% off when paid within 10
// days of delivery, the full amount otherwise due in 30.
type EarlyPayment struct {
	DiscountPercent decimal.Decimal
	WithinDays      int
	NetDays         int
}

// String renders it the trade's way: "2/10 net 30".
func (e EarlyPayment) String() string {
	d := e.DiscountPercent
	if setPlaces(&d); !checkNumber(d) {
		// written short: 1e-1073741824 written out is a billion digits
		return fmt.Sprintf("%s/%d net %d", xerr.EchoDecimal(d), e.WithinDays, e.NetDays)
	}
	return fmt.Sprintf("%s/%d net %d", d, e.WithinDays, e.NetDays)
}

// AnnualPercent is the yearly rate of return a buyer earns by taking the discount, in percent:
// d/(1-d) x 365/(N-D), with d the discount as a fraction, rounded HalfUp to 4 places. For 2/10 net
// 30 it is 37.2449. It is zero when the terms are not well formed (see Policy.Validate).
func (e EarlyPayment) AnnualPercent() decimal.Decimal {
	d := e.DiscountPercent
	if setPlaces(&d); !checkNumber(d) {
		return decimal.Zero // an absurd exponent: shifted it can wrap, compared it is scaled by a billion digits
	}
	d = d.Shift(-2)
	span := e.NetDays - e.WithinDays
	if d.Sign() <= 0 || !d.LessThan(decimal.NewFromInt(1)) || span <= 0 {
		return decimal.Zero
	}
	num := d.Mul(decimal.NewFromInt(365 * 100))
	den := decimal.NewFromInt(1).Sub(d).Mul(decimal.NewFromInt(int64(span)))
	return num.DivRound(den, 4)
}

// Limits that keep a policy and the arithmetic on it sane.
const (
	// MaxSteps is the most steps a policy may have.
	MaxSteps = 64
	// MaxRules is the most rules one step may have.
	MaxRules = 100_000
	// MaxBands is the most bands one rule may have.
	MaxBands = 256
	// MaxValidDays is the longest a quote may stay valid.
	MaxValidDays = 3660
)

// wire forms: decimals as strings, read only through b2bkit.ParseDecimal.

// ruleJSON is a rule's wire form, its bands B and its early-payment offer E: written as Band and
// EarlyPayment (which write themselves), read as bandJSON and earlyJSON, plain structs, so that a
// rule is checked and read once with its bands rather than each band reading itself again.
type ruleJSON[B, E any] struct {
	ID                 string              `json:"id"`
	Buyer              b2bkit.CompanyID    `json:"buyer,omitzero"`
	Group              string              `json:"group,omitzero"`
	Tier               string              `json:"tier,omitzero"`
	Grade              string              `json:"grade,omitzero"`
	SKU                b2bkit.SKU          `json:"sku,omitzero"`
	Attributes         map[string]string   `json:"attributes,omitempty"`
	ValidFrom          time.Time           `json:"valid_from,omitzero"`
	ValidUntil         time.Time           `json:"valid_until,omitzero"`
	ByOrderDate        bool                `json:"by_order_date,omitzero"`
	Price              b2bkit.JSONDecimal  `json:"price,omitzero"`
	Formula            string              `json:"formula,omitzero"`
	Percent            b2bkit.JSONDecimal  `json:"percent,omitzero"`
	Amount             b2bkit.JSONDecimal  `json:"amount,omitzero"`
	Excludes           []string            `json:"excludes,omitempty"`
	Mix                bool                `json:"mix,omitzero"`
	Mode               BreakMode           `json:"mode,omitzero"`
	Bands              []B                 `json:"bands,omitempty"`
	Rising             bool                `json:"rising,omitzero"`
	AnnualPercent      b2bkit.JSONDecimal  `json:"annual_percent,omitzero"`
	EarlyPayment       *E                  `json:"early_payment,omitempty"`
	FloorMarginPercent b2bkit.JSONDecimal  `json:"floor_margin_percent,omitzero"`
	MaxDiscountPercent b2bkit.JSONDecimal  `json:"max_discount_percent,omitzero"`
	OnBreach           OnBreach            `json:"on_breach,omitzero"`
	Scale              int32               `json:"scale,omitzero"`
	RoundingMode       b2bkit.RoundingMode `json:"rounding_mode,omitzero"`
	Increment          b2bkit.JSONDecimal  `json:"increment,omitzero"`
	Per                string              `json:"per,omitzero"`
	FreeFrom           b2bkit.JSONDecimal  `json:"free_from,omitzero"`
	Every              b2bkit.JSONDecimal  `json:"every,omitzero"`
	Free               b2bkit.JSONDecimal  `json:"free,omitzero"`
	FreeSKU            b2bkit.SKU          `json:"free_sku,omitzero"`
}

// ruleIn is the form a rule is read in.
type ruleIn ruleJSON[bandJSON, earlyJSON]

// MarshalJSON writes the rule with snake_case names, decimals as strings and zero fields left out.
func (r Rule) MarshalJSON() ([]byte, error) {
	jd := func(d decimal.Decimal) b2bkit.JSONDecimal { return b2bkit.JSONDecimal{Decimal: d} }
	return json.Marshal(ruleJSON[Band, EarlyPayment]{ID: r.ID, Buyer: r.Buyer, Group: r.Group, Tier: r.Tier, Grade: r.Grade, SKU: r.SKU,
		Attributes: r.Attributes, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil, ByOrderDate: r.ByOrderDate,
		Price: jd(r.Price), Formula: r.Formula, Percent: jd(r.Percent), Amount: jd(r.Amount), Excludes: r.Excludes, Mix: r.Mix,
		Mode: r.Mode, Bands: r.Bands, Rising: r.Rising, AnnualPercent: jd(r.AnnualPercent), EarlyPayment: r.EarlyPayment,
		FloorMarginPercent: jd(r.FloorMarginPercent), MaxDiscountPercent: jd(r.MaxDiscountPercent), OnBreach: r.OnBreach,
		Scale: r.Scale, RoundingMode: r.RoundingMode, Increment: jd(r.Increment), Per: r.Per, FreeFrom: jd(r.FreeFrom),
		Every: jd(r.Every), Free: jd(r.Free), FreeSKU: r.FreeSKU})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly; more than MaxBands bands are refused.
func (r *Rule) UnmarshalJSON(b []byte) error {
	if err := checkDocument(b, new(listSizes)); err != nil {
		return err
	}
	var w ruleIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*r = w.rule()
	return nil
}

// rule is the rule w reads as.
func (w *ruleIn) rule() Rule {
	r := Rule{ID: w.ID, Buyer: w.Buyer, Group: w.Group, Tier: w.Tier, Grade: w.Grade, SKU: w.SKU, Attributes: w.Attributes,
		ValidFrom: w.ValidFrom, ValidUntil: w.ValidUntil, ByOrderDate: w.ByOrderDate, Price: w.Price.Decimal, Formula: w.Formula,
		Percent: w.Percent.Decimal, Amount: w.Amount.Decimal, Excludes: w.Excludes, Mix: w.Mix,
		Mode: w.Mode, Rising: w.Rising, AnnualPercent: w.AnnualPercent.Decimal,
		FloorMarginPercent: w.FloorMarginPercent.Decimal, MaxDiscountPercent: w.MaxDiscountPercent.Decimal,
		OnBreach: w.OnBreach, Scale: w.Scale, RoundingMode: w.RoundingMode, Increment: w.Increment.Decimal,
		Per: w.Per, FreeFrom: w.FreeFrom.Decimal, Every: w.Every.Decimal, Free: w.Free.Decimal, FreeSKU: w.FreeSKU}
	if w.Bands != nil { // an empty list stays one
		r.Bands = make([]Band, len(w.Bands))
		for i := range w.Bands {
			r.Bands[i] = w.Bands[i].band()
		}
	}
	if e := w.EarlyPayment; e != nil {
		r.EarlyPayment = new(e.offer())
	}
	return r
}

type bandJSON struct {
	From    b2bkit.JSONDecimal `json:"from"`
	To      b2bkit.JSONDecimal `json:"to,omitzero"`
	Percent b2bkit.JSONDecimal `json:"percent,omitzero"`
	Amount  b2bkit.JSONDecimal `json:"amount,omitzero"`
}

// MarshalJSON writes {"from":"100","to":"1000","percent":"-5"}; an open last band has no "to", and
// a freight band its amount per kilogram.
func (b Band) MarshalJSON() ([]byte, error) {
	if b.Amount.IsZero() {
		// The percent is always written, zero too, as before amounts were read.
		return json.Marshal(struct {
			From    b2bkit.JSONDecimal `json:"from"`
			To      b2bkit.JSONDecimal `json:"to,omitzero"`
			Percent b2bkit.JSONDecimal `json:"percent"`
		}{b2bkit.JSONDecimal{Decimal: b.From}, b2bkit.JSONDecimal{Decimal: b.To}, b2bkit.JSONDecimal{Decimal: b.Percent}})
	}
	return json.Marshal(bandJSON{b2bkit.JSONDecimal{Decimal: b.From}, b2bkit.JSONDecimal{Decimal: b.To},
		b2bkit.JSONDecimal{Decimal: b.Percent}, b2bkit.JSONDecimal{Decimal: b.Amount}})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (b *Band) UnmarshalJSON(data []byte) error {
	var w bandJSON
	if err := decodeStrict(data, &w); err != nil {
		return err
	}
	*b = w.band()
	return nil
}

// band is the band w reads as.
func (w *bandJSON) band() Band {
	return Band{From: w.From.Decimal, To: w.To.Decimal, Percent: w.Percent.Decimal, Amount: w.Amount.Decimal}
}

type earlyJSON struct {
	DiscountPercent b2bkit.JSONDecimal `json:"discount_percent"`
	WithinDays      int                `json:"within_days"`
	NetDays         int                `json:"net_days"`
}

// MarshalJSON writes {"discount_percent":"2","within_days":10,"net_days":30}.
func (e EarlyPayment) MarshalJSON() ([]byte, error) {
	return json.Marshal(earlyJSON{b2bkit.JSONDecimal{Decimal: e.DiscountPercent}, e.WithinDays, e.NetDays})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (e *EarlyPayment) UnmarshalJSON(b []byte) error {
	var w earlyJSON
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	*e = w.offer()
	return nil
}

// offer is the offer w reads as.
func (w *earlyJSON) offer() EarlyPayment {
	return EarlyPayment{DiscountPercent: w.DiscountPercent.Decimal, WithinDays: w.WithinDays, NetDays: w.NetDays}
}

// stepJSON is the form a step is read in: Step's fields, its rules in their plain form (see
// ruleJSON).
type stepJSON struct {
	Name       string               `json:"name,omitzero"`
	Kind       StepKind             `json:"kind"`
	Combine    Combine              `json:"combine,omitzero"`
	Reference  *b2bkit.PaymentTerms `json:"reference,omitempty"`
	Precedence []string             `json:"precedence,omitempty"`
	Rules      []ruleIn             `json:"rules"`
}

// step is the step w reads as.
func (w *stepJSON) step() Step {
	s := Step{Name: w.Name, Kind: w.Kind, Combine: w.Combine, Reference: w.Reference, Precedence: w.Precedence}
	if w.Rules != nil { // an empty list stays one
		s.Rules = make([]Rule, len(w.Rules))
		for i := range w.Rules {
			s.Rules[i] = w.Rules[i].rule()
		}
	}
	return s
}

// steps are the steps ws read as.
func steps(ws []stepJSON) []Step {
	if ws == nil {
		return nil
	}
	out := make([]Step, len(ws))
	for i := range ws {
		out[i] = ws[i].step()
	}
	return out
}

// policyJSON is the form a policy is read in: Policy's fields, its steps in their plain form. A
// policy document is checked and decoded strictly once, as a whole; were its steps, rules and bands
// each to read themselves, each would check and decode its part of the document again (a policy of
// 20,000 rules took 600 ms).
type policyJSON struct {
	Name      string     `json:"name,omitzero"`
	Currency  string     `json:"currency,omitzero"`
	ValidDays int        `json:"valid_days,omitzero"`
	Steps     []stepJSON `json:"steps"`
	Order     []stepJSON `json:"order,omitempty"`
	Units     Units      `json:"units,omitzero"`
	Tax       *Tax       `json:"tax,omitempty"`
}

// UnmarshalJSON reads a step strictly, into a fresh value: what the document leaves out is zero,
// whatever s held before, and a document that fails leaves s as it was. More than MaxRules rules,
// or MaxBands bands in a rule, are refused.
func (s *Step) UnmarshalJSON(b []byte) error {
	var sizes listSizes
	if err := checkDocument(b, &sizes); err != nil {
		return err
	}
	w := stepJSON{Rules: sizes.rules()}
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*s = w.step()
	return nil
}

// UnmarshalJSON reads a policy strictly, into a fresh value: what the document leaves out is zero,
// whatever p held before, and a document that fails leaves p as it was. It does not validate
// (LoadPolicy does), but refuses a list longer than Validate allows (MaxSteps steps, MaxRules rules
// in a step, MaxBands bands in a rule) before decoding it.
func (p *Policy) UnmarshalJSON(b []byte) error {
	w, err := readPolicy(b)
	if err != nil {
		return err
	}
	*p = w
	return nil
}

// readPolicy reads a policy document strictly, checking and decoding it once.
func readPolicy(data []byte) (Policy, error) {
	var sizes listSizes
	if err := checkDocument(data, &sizes); err != nil {
		return Policy{}, err
	}
	w := policyJSON{Steps: sizes.steps(), Order: sizes.order()}
	if err := wire.DecodeStrict(data, &w); err != nil {
		return Policy{}, err
	}
	return Policy{Name: w.Name, Currency: w.Currency, ValidDays: w.ValidDays, Steps: steps(w.Steps), Order: steps(w.Order),
		Units: w.Units, Tax: w.Tax}, nil
}

// LoadPolicy reads a policy from JSON: at most b2bkit.MaxJSONBytes, unknown fields, keys in another
// case, duplicate keys and null objects or list elements rejected, numbers only through
// b2bkit.ParseDecimal (no exponents), lists of steps, rules and bands longer than Validate allows
// refused unread, and then validated. Every error matches b2bkit.ErrInvalid and
// names the field ("policy.steps[1].rules[0].bands[2].percent").
func LoadPolicy(r io.Reader) (Policy, error) {
	if r == nil {
		return Policy{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("policy", "reader must not be nil"))
	}
	data, err := readDocument(r)
	if err != nil {
		return Policy{}, fmt.Errorf("pricing: %w", b2bkit.Invalid("policy", "read: %v", err))
	}
	p, err := readPolicy(data)
	if err != nil {
		return Policy{}, fmt.Errorf("pricing: %w", b2bkit.InField("policy", err))
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// readDocument reads r to its end, at most b2bkit.MaxJSONBytes+1 bytes, into a buffer made to the
// size r says it holds, if it says (a file, a bytes.Reader): io.ReadAll grows its buffer step by
// step, to twice the document in all.
func readDocument(r io.Reader) ([]byte, error) {
	size := int64(0)
	switch s := r.(type) {
	case interface{ Len() int }:
		size = int64(s.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := s.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size() // from the start: a hint, if the file has been read from
		}
	}
	size = min(max(size, 0), b2bkit.MaxJSONBytes+1)
	b := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead)) // room to see the end without growing
	_, err := b.ReadFrom(io.LimitReader(r, b2bkit.MaxJSONBytes+1))
	return b.Bytes(), err
}

// Version is the policy's version: the SHA-256, in hex, of its canonical JSON (what json.Marshal
// writes, numbers of more than 18 places written without their trailing zeros, as the engine keeps
// them). Two policies with the same version price alike; a quote carries the version it was made
// under.
func (p Policy) Version() (string, error) {
	data, err := json.Marshal(p.canonical())
	if err != nil {
		return "", fmt.Errorf("pricing: %w", b2bkit.Invalid("policy", "encode: %v", err))
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
