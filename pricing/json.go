package pricing

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// JSON: requests, list prices and quotes travel with snake_case names, enums as words, decimals as
// strings (read back only through b2bkit.ParseDecimal) and times in RFC 3339; reading is strict.

type jd = b2bkit.JSONDecimal

type requestJSON struct {
	Buyer    b2bkit.CompanyID `json:"buyer,omitzero"`
	Group    string           `json:"group,omitzero"`
	SKU      b2bkit.SKU       `json:"sku"`
	Quantity jd               `json:"quantity"`
	Terms    b2bkit.Terms     `json:"terms"`
	Tier     string           `json:"tier,omitzero"`
	Grade    string           `json:"grade,omitzero"`
	Currency string           `json:"currency,omitzero"`
}

// MarshalJSON writes the request with its quantity as a string.
func (r Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(requestJSON{r.Buyer, r.Group, r.SKU, jd{Decimal: r.Quantity}, r.Terms, r.Tier, r.Grade, r.Currency})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly. It does not validate: Quote does.
func (r *Request) UnmarshalJSON(b []byte) error {
	var w requestJSON
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	*r = Request{Buyer: w.Buyer, Group: w.Group, SKU: w.SKU, Quantity: w.Quantity.Decimal, Terms: w.Terms, Tier: w.Tier, Grade: w.Grade,
		Currency: w.Currency}
	return nil
}

type listPriceJSON struct {
	SKU         b2bkit.SKU        `json:"sku"`
	Price       jd                `json:"price"`
	Currency    string            `json:"currency,omitzero"`
	Cost        jd                `json:"cost,omitzero"`
	Contract    *contractJSON     `json:"contract,omitempty"`
	Prices      map[string]jd     `json:"prices,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"`
	TaxPercent  jd                `json:"tax_percent,omitzero"`
	PackSize    jd                `json:"pack_size,omitzero"`
	MinQuantity jd                `json:"min_quantity,omitzero"`
	Weight      jd                `json:"weight,omitzero"`
}

type contractJSON struct {
	ID    string `json:"id,omitzero"`
	Price jd     `json:"price"`
	Group string `json:"group,omitzero"`
}

// MarshalJSON writes the list price with decimals as strings and zero fields left out.
func (l ListPrice) MarshalJSON() ([]byte, error) {
	w := listPriceJSON{SKU: l.SKU, Price: jd{Decimal: l.Price}, Currency: l.Currency, Cost: jd{Decimal: l.Cost},
		Attributes: l.Attributes, TaxPercent: jd{Decimal: l.TaxPercent}, PackSize: jd{Decimal: l.PackSize},
		MinQuantity: jd{Decimal: l.MinQuantity}, Weight: jd{Decimal: l.Weight}}
	if !l.Contract.Price.IsZero() || l.Contract.ID != "" {
		w.Contract = &contractJSON{ID: l.Contract.ID, Price: jd{Decimal: l.Contract.Price}, Group: l.Contract.Group}
	}
	if len(l.Prices) > 0 {
		w.Prices = make(map[string]jd, len(l.Prices))
		for k, v := range l.Prices {
			w.Prices[k] = jd{Decimal: v}
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (l *ListPrice) UnmarshalJSON(b []byte) error {
	var w listPriceJSON
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	*l = ListPrice{SKU: w.SKU, Price: w.Price.Decimal, Currency: w.Currency, Cost: w.Cost.Decimal, Attributes: w.Attributes,
		TaxPercent: w.TaxPercent.Decimal, PackSize: w.PackSize.Decimal, MinQuantity: w.MinQuantity.Decimal, Weight: w.Weight.Decimal}
	if c := w.Contract; c != nil {
		l.Contract = Contract{ID: c.ID, Price: c.Price.Decimal, Group: c.Group}
	}
	if len(w.Prices) > 0 {
		l.Prices = make(map[string]decimal.Decimal, len(w.Prices))
		for k, v := range w.Prices {
			l.Prices[k] = v.Decimal
		}
	}
	return nil
}

// adjustmentJSON is a line's wire form, its breaches B and its exclusion X: written as Breach and
// Exclusion (which write themselves), read as breachJSON and exclusionJSON, plain structs, so that
// a quote's lines are checked and read once with the quote rather than each again by itself.
type adjustmentJSON[B, X any] struct {
	Step     string             `json:"step"`
	Kind     StepKind           `json:"kind"`
	RuleID   string             `json:"rule_id,omitzero"`
	Reason   string             `json:"reason"`
	Amount   jd                 `json:"amount"`
	Before   jd                 `json:"before"`
	After    jd                 `json:"after"`
	Percent  jd                 `json:"percent,omitzero"`
	Mode     *BreakMode         `json:"mode,omitempty"`
	LeadDays int32              `json:"lead_days,omitzero"`
	Payment  *paymentBasisJSON  `json:"payment,omitempty"`
	Tier     string             `json:"tier,omitzero"`
	Breaches []B                `json:"breaches,omitempty"`
	Clamped  bool               `json:"clamped,omitzero"`
	Rounding *roundingBasisJSON `json:"rounding,omitempty"`
	Base     *baseBasisJSON     `json:"base,omitempty"`
	Excluded *X                 `json:"excluded,omitempty"`
	Mix      *mixBasisJSON      `json:"mix,omitempty"`
}

type baseBasisJSON struct {
	Formula  string `json:"formula"`
	Figure   jd     `json:"figure"`
	Percent  jd     `json:"percent,omitzero"`
	Amount   jd     `json:"amount,omitzero"`
	Contract string `json:"contract,omitzero"`
	Group    string `json:"group,omitzero"`
}

type mixBasisJSON struct {
	Quantity jd  `json:"quantity"`
	Lines    int `json:"lines"`
}

type paymentBasisJSON struct {
	CreditDays          jd `json:"credit_days"`
	ReferenceCreditDays jd `json:"reference_credit_days"`
	AnnualPercent       jd `json:"annual_percent"`
}

type roundingBasisJSON struct {
	Scale     int32               `json:"scale"`
	Mode      b2bkit.RoundingMode `json:"mode"`
	Increment jd                  `json:"increment,omitzero"`
	Bands     bool                `json:"bands,omitzero"`
}

// MarshalJSON writes the line with its reason in words and decimals as strings.
func (a Adjustment) MarshalJSON() ([]byte, error) {
	w := adjustmentJSON[Breach, Exclusion]{Step: a.Step, Kind: a.Kind, RuleID: a.RuleID, Reason: a.Reason(), Amount: jd{Decimal: a.Amount()},
		Before: jd{Decimal: a.Before}, After: jd{Decimal: a.After}, Percent: jd{Decimal: a.Percent}, LeadDays: a.LeadDays,
		Tier: a.Tier, Breaches: a.Breaches, Clamped: a.Clamped}
	if a.Kind == Quantity {
		w.Mode = &a.Mode
	}
	if p := a.Payment; p != nil {
		w.Payment = &paymentBasisJSON{CreditDays: jd{Decimal: p.CreditDays},
			ReferenceCreditDays: jd{Decimal: p.ReferenceCreditDays}, AnnualPercent: jd{Decimal: p.AnnualPercent}}
	}
	if r := a.Rounding; r != nil {
		w.Rounding = &roundingBasisJSON{Scale: r.Scale, Mode: r.Mode, Increment: jd{Decimal: r.Increment}, Bands: r.Bands}
	}
	if bb := a.Base; bb != nil {
		w.Base = &baseBasisJSON{Formula: bb.Formula, Figure: jd{Decimal: bb.Figure}, Percent: jd{Decimal: bb.Percent},
			Amount: jd{Decimal: bb.Amount}, Contract: bb.Contract, Group: bb.Group}
	}
	w.Excluded = a.Excluded
	if m := a.Mix; m != nil {
		w.Mix = &mixBasisJSON{Quantity: jd{Decimal: m.Quantity}, Lines: m.Lines}
	}
	return json.Marshal(w)
}

// adjustmentIn is the form a line is read in.
type adjustmentIn adjustmentJSON[breachJSON, exclusionJSON]

// UnmarshalJSON reads what MarshalJSON writes, strictly; the reason is recomputed, not read, and the
// amount must be after - before.
func (a *Adjustment) UnmarshalJSON(b []byte) error {
	var w adjustmentIn
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	line, err := w.line()
	if err != nil {
		return err
	}
	*a = line
	return nil
}

// line is the line w reads as, or an error naming its field when its amount is not after - before.
func (w *adjustmentIn) line() (Adjustment, error) {
	if !w.Amount.Decimal.Equal(w.After.Decimal.Sub(w.Before.Decimal)) {
		return Adjustment{}, b2bkit.Invalid("amount", "must be after - before")
	}
	a := Adjustment{Step: w.Step, Kind: w.Kind, RuleID: w.RuleID, Before: w.Before.Decimal,
		After: w.After.Decimal, Percent: w.Percent.Decimal, LeadDays: w.LeadDays, Tier: w.Tier,
		Breaches: breaches(w.Breaches), Clamped: w.Clamped}
	if w.Mode != nil {
		a.Mode = *w.Mode
	}
	if p := w.Payment; p != nil {
		a.Payment = &PaymentBasis{CreditDays: p.CreditDays.Decimal, ReferenceCreditDays: p.ReferenceCreditDays.Decimal,
			AnnualPercent: p.AnnualPercent.Decimal}
	}
	if r := w.Rounding; r != nil {
		a.Rounding = &RoundingBasis{Scale: r.Scale, Mode: r.Mode, Increment: r.Increment.Decimal, Bands: r.Bands}
	}
	if bb := w.Base; bb != nil {
		a.Base = &BaseBasis{Formula: bb.Formula, Figure: bb.Figure.Decimal, Percent: bb.Percent.Decimal, Amount: bb.Amount.Decimal,
			Contract: bb.Contract, Group: bb.Group}
	}
	if x := w.Excluded; x != nil {
		a.Excluded = new(Exclusion(*x))
	}
	if m := w.Mix; m != nil {
		a.Mix = &MixBasis{Quantity: m.Quantity.Decimal, Lines: m.Lines}
	}
	return a, nil
}

type exclusionJSON struct {
	Step   string `json:"step"`
	RuleID string `json:"rule_id"`
	What   string `json:"what"`
}

// MarshalJSON writes the exclusion with snake_case names.
func (x Exclusion) MarshalJSON() ([]byte, error) { return json.Marshal(exclusionJSON(x)) }

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (x *Exclusion) UnmarshalJSON(b []byte) error {
	var w exclusionJSON
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	*x = Exclusion(w)
	return nil
}

type lineTaxJSON struct {
	Percent  jd   `json:"percent"`
	Included bool `json:"included,omitzero"`
	Net      jd   `json:"net"`
	Tax      jd   `json:"tax"`
	Gross    jd   `json:"gross"`
}

// MarshalJSON writes the tax with decimals as strings.
func (t LineTax) MarshalJSON() ([]byte, error) {
	return json.Marshal(lineTaxJSON{jd{Decimal: t.Percent}, t.Included, jd{Decimal: t.Net}, jd{Decimal: t.Tax}, jd{Decimal: t.Gross}})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly; gross must be net + tax.
func (t *LineTax) UnmarshalJSON(b []byte) error {
	var w lineTaxJSON
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	if !w.Gross.Decimal.Equal(w.Net.Decimal.Add(w.Tax.Decimal)) {
		return b2bkit.Invalid("gross", "must be net + tax")
	}
	*t = LineTax{Percent: w.Percent.Decimal, Included: w.Included, Net: w.Net.Decimal, Tax: w.Tax.Decimal, Gross: w.Gross.Decimal}
	return nil
}

type breachJSON struct {
	Kind   BreachKind `json:"kind"`
	RuleID string     `json:"rule_id"`
	Limit  jd         `json:"limit"`
	Price  jd         `json:"price"`
}

// MarshalJSON writes the breach with decimals as strings.
func (b Breach) MarshalJSON() ([]byte, error) {
	return json.Marshal(breachJSON{b.Kind, b.RuleID, jd{Decimal: b.Limit}, jd{Decimal: b.Price}})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (b *Breach) UnmarshalJSON(data []byte) error {
	var w breachJSON
	if err := decodeStrict(data, &w); err != nil {
		return err
	}
	*b = w.breach()
	return nil
}

// breach is the breach w reads as.
func (w *breachJSON) breach() Breach {
	return Breach{Kind: w.Kind, RuleID: w.RuleID, Limit: w.Limit.Decimal, Price: w.Price.Decimal}
}

// breaches are the breaches ws read as; an empty list stays one.
func breaches(ws []breachJSON) []Breach {
	if ws == nil {
		return nil
	}
	out := make([]Breach, len(ws))
	for i := range ws {
		out[i] = ws[i].breach()
	}
	return out
}

type earlyOfferJSON struct {
	Terms         EarlyPayment `json:"terms"`
	RuleID        string       `json:"rule_id"`
	AnnualPercent jd           `json:"annual_percent"`
	Amount        jd           `json:"amount"`
	Replaces      jd           `json:"replaces"`
	PayBy         time.Time    `json:"pay_by"`
}

// MarshalJSON writes the offer with decimals as strings.
func (o EarlyPaymentOffer) MarshalJSON() ([]byte, error) {
	return json.Marshal(earlyOfferJSON{o.Terms, o.RuleID, jd{Decimal: o.AnnualPercent}, jd{Decimal: o.Amount}, jd{Decimal: o.Replaces}, o.PayBy})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (o *EarlyPaymentOffer) UnmarshalJSON(b []byte) error {
	var w earlyOfferJSON
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	*o = EarlyPaymentOffer{Terms: w.Terms, RuleID: w.RuleID, AnnualPercent: w.AnnualPercent.Decimal,
		Amount: w.Amount.Decimal, Replaces: w.Replaces.Decimal, PayBy: w.PayBy}
	return nil
}

type quoteJSON struct {
	Request       Request            `json:"request"`
	Currency      string             `json:"currency,omitzero"`
	ListPrice     jd                 `json:"list_price"`
	BaseUnitPrice jd                 `json:"base_unit_price"`
	Steps         []Adjustment       `json:"steps"`
	Quantity      jd                 `json:"quantity,omitzero"`
	PackSize      jd                 `json:"pack_size,omitzero"`
	MinQuantity   jd                 `json:"min_quantity,omitzero"`
	UnitPrice     jd                 `json:"unit_price"`
	Total         jd                 `json:"total"`
	Bands         []BandPrice        `json:"bands,omitempty"`
	Scale         int32              `json:"scale"`
	Tax           *LineTax           `json:"tax,omitempty"`
	Schedule      []b2bkit.Due       `json:"schedule"`
	EarlyPayment  *EarlyPaymentOffer `json:"early_payment,omitempty"`
	NeedsApproval bool               `json:"needs_approval"`
	Breaches      []Breach           `json:"breaches,omitempty"`
	PolicyName    string             `json:"policy_name,omitzero"`
	PolicyVersion string             `json:"policy_version"`
	QuotedAt      time.Time          `json:"quoted_at"`
	ValidUntil    time.Time          `json:"valid_until"`
}

// MarshalJSON writes the quote with snake_case names, decimals as strings and each line's reason.
func (q Quote) MarshalJSON() ([]byte, error) {
	return json.Marshal(quoteJSON{q.Request, q.Currency, jd{Decimal: q.ListPrice}, jd{Decimal: q.BaseUnitPrice}, q.Steps,
		jd{Decimal: q.Quantity}, jd{Decimal: q.PackSize}, jd{Decimal: q.MinQuantity},
		jd{Decimal: q.UnitPrice}, jd{Decimal: q.Total}, q.Bands, q.Scale, q.Tax, q.Schedule, q.EarlyPayment, q.NeedsApproval, q.Breaches,
		q.PolicyName, q.PolicyVersion, q.QuotedAt, q.ValidUntil})
}

// quoteIn is the form a quote is read in: quoteJSON, its lists of lines, parts and breaches in
// their plain forms, so that a quote is checked and read once rather than each of its elements
// again by itself.
type quoteIn struct {
	Request       Request            `json:"request"`
	Currency      string             `json:"currency,omitzero"`
	ListPrice     jd                 `json:"list_price"`
	BaseUnitPrice jd                 `json:"base_unit_price"`
	Steps         []adjustmentIn     `json:"steps"`
	Quantity      jd                 `json:"quantity,omitzero"`
	PackSize      jd                 `json:"pack_size,omitzero"`
	MinQuantity   jd                 `json:"min_quantity,omitzero"`
	UnitPrice     jd                 `json:"unit_price"`
	Total         jd                 `json:"total"`
	Bands         []bandPriceJSON    `json:"bands,omitempty"`
	Scale         int32              `json:"scale"`
	Tax           *LineTax           `json:"tax,omitempty"`
	Schedule      []b2bkit.Due       `json:"schedule"`
	EarlyPayment  *EarlyPaymentOffer `json:"early_payment,omitempty"`
	NeedsApproval bool               `json:"needs_approval"`
	Breaches      []breachJSON       `json:"breaches,omitempty"`
	PolicyName    string             `json:"policy_name,omitzero"`
	PolicyVersion string             `json:"policy_version"`
	QuotedAt      time.Time          `json:"quoted_at"`
	ValidUntil    time.Time          `json:"valid_until"`
}

// UnmarshalJSON reads what MarshalJSON writes, strictly, so a host can store a quote and show it
// again later.
func (q *Quote) UnmarshalJSON(b []byte) error {
	var w quoteIn
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	back := Quote{Request: w.Request, Currency: w.Currency, ListPrice: w.ListPrice.Decimal, BaseUnitPrice: w.BaseUnitPrice.Decimal,
		Quantity: w.Quantity.Decimal, PackSize: w.PackSize.Decimal, MinQuantity: w.MinQuantity.Decimal,
		UnitPrice: w.UnitPrice.Decimal, Total: w.Total.Decimal, Scale: w.Scale, Tax: w.Tax, Schedule: w.Schedule,
		EarlyPayment: w.EarlyPayment, NeedsApproval: w.NeedsApproval, Breaches: breaches(w.Breaches), PolicyName: w.PolicyName,
		PolicyVersion: w.PolicyVersion, QuotedAt: w.QuotedAt, ValidUntil: w.ValidUntil}
	// The parts before the lines: a decoder's error is sought by name, in order (wire's locate).
	if w.Bands != nil { // an empty list stays one
		back.Bands = make([]BandPrice, len(w.Bands))
		for i := range w.Bands {
			part, err := w.Bands[i].part()
			if err != nil {
				return b2bkit.InField("bands["+strconv.Itoa(i)+"]", err)
			}
			back.Bands[i] = part
		}
	}
	if w.Steps != nil {
		back.Steps = make([]Adjustment, len(w.Steps))
		for i := range w.Steps {
			line, err := w.Steps[i].line()
			if err != nil {
				return b2bkit.InField("steps["+strconv.Itoa(i)+"]", err)
			}
			back.Steps[i] = line
		}
	}
	*q = back
	return nil
}

type bandPriceJSON struct {
	From      jd   `json:"from"`
	To        jd   `json:"to"`
	UnitPrice jd   `json:"unit_price"`
	Amount    jd   `json:"amount"`
	Clamped   bool `json:"clamped,omitzero"`
}

// MarshalJSON writes the part with decimals as strings.
func (p BandPrice) MarshalJSON() ([]byte, error) {
	return json.Marshal(bandPriceJSON{jd{Decimal: p.From}, jd{Decimal: p.To}, jd{Decimal: p.UnitPrice}, jd{Decimal: p.Amount}, p.Clamped})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly; the amount must be (to - from) x unit price.
func (p *BandPrice) UnmarshalJSON(b []byte) error {
	var w bandPriceJSON
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	part, err := w.part()
	if err != nil {
		return err
	}
	*p = part
	return nil
}

// part is the part w reads as, or an error naming its field when its amount is not
// (to - from) x unit price.
func (w *bandPriceJSON) part() (BandPrice, error) {
	if !w.Amount.Decimal.Equal(w.To.Decimal.Sub(w.From.Decimal).Mul(w.UnitPrice.Decimal)) {
		return BandPrice{}, b2bkit.Invalid("amount", "must be (to - from) x unit_price")
	}
	return BandPrice{From: w.From.Decimal, To: w.To.Decimal, UnitPrice: w.UnitPrice.Decimal, Amount: w.Amount.Decimal, Clamped: w.Clamped}, nil
}
