package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// Three-flow verification (三流合一, R18): the order (信息流), its shipments and receipts (物流) and its
// invoices and payments (资金流) must agree on counterparties, goods, amounts and dates before a
// receivable drawn on the trade can be financed. VerifyTrade reads the three flows of one order and
// says where they disagree, each disagreement an Exception with a stable Code.
//
// The order is the reference: its parties, its currency, its lines (SKU, quantity, unit price) and
// its placement date. Dates are compared by calendar day in the location of the order's PlacedAt: two
// instants of the same day are in order, and Tolerances.Days more days are forgiven.

// MaxTradeRecords is the most shipments, invoices or payments a Trade may carry, each.
const MaxTradeRecords = 10_000

// A Trade is one order and every record of its logistics and capital flows (R15): the shipments sent
// against it, the invoices billing it (credit notes included) and the payments made against those
// invoices. Every record must belong to the order (Validate says so when one does not).
type Trade struct {
	Order     b2bkit.Order
	Shipments []b2bkit.Shipment
	Invoices  []b2bkit.Invoice
	Payments  []b2bkit.Payment
}

// Validate reports every problem that makes the trade unreadable, as opposed to suspicious: an invalid
// record ("shipments[1].lines[0].received: must not exceed shipped"), a record of another order
// ("shipments[2].order: must be O-1"; an invoice must bill this order and no other), two shipments or
// payments with the same id, a payment against an invoice the trade does not hold or against a credit
// note, credit notes larger than the invoices they reduce, more than MaxTradeRecords records of a kind.
// Errors match b2bkit.ErrInvalid and name the field. What is merely suspicious (a third party paying,
// a duplicated invoice number, a foreign currency) is not an error: VerifyTrade reports it.
func (t Trade) Validate() error {
	errs := verifyValidate(t, nil, nil)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("risk: %w", errors.Join(errs...))
}

// verifyValidate appends every problem of t to errs. When payInv is not nil, it fills it with the
// index of each payment's invoice.
func verifyValidate(t Trade, errs []error, payInv []int) []error {
	if err := t.Order.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("order", err))
	}
	id := t.Order.ID
	if len(t.Shipments) > MaxTradeRecords {
		return append(errs, b2bkit.Invalid("shipments", "must have at most %d records", MaxTradeRecords))
	}
	if len(t.Invoices) > MaxTradeRecords {
		return append(errs, b2bkit.Invalid("invoices", "must have at most %d records", MaxTradeRecords))
	}
	if len(t.Payments) > MaxTradeRecords {
		return append(errs, b2bkit.Invalid("payments", "must have at most %d records", MaxTradeRecords))
	}
	shipFirst := verifyFirsts(len(t.Shipments), func(i int) b2bkit.ShipmentID { return t.Shipments[i].ID })
	payFirst := verifyFirsts(len(t.Payments), func(i int) b2bkit.PaymentID { return t.Payments[i].ID })
	var invFirst map[b2bkit.InvoiceNumber]int
	if len(t.Invoices) > verifyLinearSKUs {
		invFirst = make(map[b2bkit.InvoiceNumber]int, len(t.Invoices))
		for i := len(t.Invoices) - 1; i >= 0; i-- {
			invFirst[t.Invoices[i].Number] = i
		}
	}
	for i, s := range t.Shipments {
		if err := s.Validate(); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("shipments[%d]", i), err))
		}
		if s.Order != "" && s.Order != id {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("shipments[%d].order", i), "must be %s", xerr.Echo(string(id))))
		}
		if j := verifyFirst(shipFirst, i, func(j int) bool { return t.Shipments[j].ID == s.ID }); s.ID != "" && j != i {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("shipments[%d].id", i), "duplicates shipments[%d]", j))
		}
	}
	var positive, credited verifySum
	for _, inv := range t.Invoices {
		// An amount Validate refuses below is not summed: with an absurd exponent, adding it
		// would write out as many digits as the exponent says.
		if inv.Amount.Sign() > 0 && xerr.SaneValue(inv.Amount) {
			positive.add(xerr.Canonical(inv.Amount))
		}
	}
	for i, inv := range t.Invoices {
		if err := inv.Validate(); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("invoices[%d]", i), err))
		}
		if len(inv.Orders) > 0 && (len(inv.Orders) != 1 || inv.Orders[0] != id) {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("invoices[%d].orders", i), "must be [%s]: an invoice of the trade bills its order only", xerr.Echo(string(id))))
		}
		if inv.IsCreditNote() && xerr.SaneValue(inv.Amount) {
			credited.add(xerr.Canonical(inv.Amount).Neg())
			if !verifyWithin(Tolerance{}, positive, credited) {
				errs = append(errs, b2bkit.Invalid(fmt.Sprintf("invoices[%d].amount", i), "credit notes of %s exceed the %s invoiced",
					xerr.EchoDecimal(credited.value()), xerr.EchoDecimal(positive.value())))
			}
		}
	}
	for i, p := range t.Payments {
		if err := p.Validate(); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("payments[%d]", i), err))
		}
		if j := verifyFirst(payFirst, i, func(j int) bool { return t.Payments[j].ID == p.ID }); p.ID != "" && j != i {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("payments[%d].id", i), "duplicates payments[%d]", j))
		}
		if payInv != nil {
			payInv[i] = -1
		}
		if p.Invoice == "" {
			continue
		}
		k, ok := invFirst[p.Invoice]
		if invFirst == nil {
			k = verifyInvoiceIndex(t.Invoices, p.Invoice)
		} else if !ok {
			k = -1
		}
		if payInv != nil {
			payInv[i] = k
		}
		switch {
		case k < 0:
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("payments[%d].invoice", i), "must be an invoice of the trade, not %q", xerr.Echo(string(p.Invoice))))
		case t.Invoices[k].IsCreditNote():
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("payments[%d].invoice", i), "is a credit note: nothing is paid against one"))
		}
	}
	return errs
}

// verifyFirsts gives, for each of n ids, the index of the first equal id, when n is too large for
// verifyFirst to scan; nil otherwise.
func verifyFirsts[K ~string](n int, id func(i int) K) []int {
	if n <= verifyLinearSKUs {
		return nil
	}
	first := make([]int, n)
	seen := make(map[K]int, n)
	for i := range n {
		k := id(i)
		if j, ok := seen[k]; ok {
			first[i] = j
			continue
		}
		seen[k], first[i] = i, i
	}
	return first
}

// verifyFirst is the index of the first record before or at i for which same is true (i itself
// when none before is), from firsts when verifyFirsts made them.
func verifyFirst(firsts []int, i int, same func(j int) bool) int {
	if firsts != nil {
		return firsts[i]
	}
	for j := range i {
		if same(j) {
			return j
		}
	}
	return i
}

// verifyInvoiceIndex is the index of the first invoice numbered n, or -1.
func verifyInvoiceIndex(invs []b2bkit.Invoice, n b2bkit.InvoiceNumber) int {
	for i := range invs {
		if invs[i].Number == n {
			return i
		}
	}
	return -1
}

// A Tolerance says how far a figure may exceed the figure it is checked against (the reference: the
// document it should follow) and still agree: an excess is tolerated when it is at most Absolute OR
// at most Relative x the reference. The zero Tolerance is strict: no excess at all.
type Tolerance struct {
	// Absolute is an excess always tolerated, in the figure's own unit (goods or currency), >= 0.
	Absolute decimal.Decimal
	// Relative is an excess tolerated as a share of the reference ("0.02" is 2%), in [0, 1].
	Relative decimal.Decimal
}

// Allows reports whether a figure of got against the reference want is within the tolerance.
// It answers exactly and at once whatever the figures' exponents: figures or a tolerance written
// with an exponent beyond ±18 (1e1073741824) are weighed by xerr.SignOfSum, not subtracted as
// decimals, which would write out as many digits as the exponent says.
func (t Tolerance) Allows(want, got decimal.Decimal) bool {
	if !xerr.SaneExponent(want) || !xerr.SaneExponent(got) || !xerr.SaneExponent(t.Absolute) || !xerr.SaneExponent(t.Relative) {
		return t.allowsFar(want, got)
	}
	return t.allowsExcess(got.Sub(want), want)
}

// allowsFar is Allows for figures of any exponent: the excess got - want is compared with the
// tolerance as the signs of exact sums.
func (t Tolerance) allowsFar(want, got decimal.Decimal) bool {
	g, w := xerr.TermOf(got), xerr.TermOf(want).Neg()
	if xerr.SignOfSum(g, w) <= 0 || xerr.SignOfSum(g, w, xerr.TermOf(t.Absolute).Neg()) <= 0 {
		return true
	}
	return t.Relative.Sign() > 0 && xerr.SignOfSum(g, w, xerr.TermOf(t.Relative).Times(xerr.TermOf(want.Abs())).Neg()) <= 0
}

// allowsExcess reports whether excess over the reference ref is within the tolerance.
func (t Tolerance) allowsExcess(excess, ref decimal.Decimal) bool {
	if excess.Sign() <= 0 || excess.Cmp(t.Absolute) <= 0 {
		return true
	}
	return t.Relative.Sign() > 0 && excess.Cmp(t.Relative.Mul(ref.Abs())) <= 0
}

// validate reports a negative Absolute or a Relative outside [0, 1]. A number written with an
// exponent beyond ±MaxScale is refused first: compared with another, it would be scaled by a power
// of ten as large as its exponent.
func (t Tolerance) validate(field string, errs []error) []error {
	switch {
	case !xerr.SaneValue(t.Absolute):
		errs = append(errs, b2bkit.Invalid(field+".absolute", "%s", xerr.InsaneExponent))
	case t.Absolute.Sign() < 0:
		errs = append(errs, b2bkit.Invalid(field+".absolute", "must be >= 0"))
	}
	switch {
	case !xerr.SaneValue(t.Relative):
		errs = append(errs, b2bkit.Invalid(field+".relative", "%s", xerr.InsaneExponent))
	case t.Relative.Sign() < 0 || t.Relative.Cmp(decimal.NewFromInt(1)) > 0:
		errs = append(errs, b2bkit.Invalid(field+".relative", "must be between 0 and 1"))
	}
	return errs
}

// Tolerances say how strictly VerifyTrade and ChainEligibility compare the flows. The zero value is
// strict: every quantity and amount must agree exactly and no date may fall a day out of order. Set
// Amount.Absolute to one minor unit (0.01) when the order's prices have more places than its invoices.
type Tolerances struct {
	// Quantity applies to goods: shipped beyond ordered (reference: ordered), received short of
	// shipped (reference: shipped), and the quantities of linked trades in a chain (reference: the
	// purchase).
	Quantity Tolerance
	// Amount applies to money: invoiced beyond the value received (reference: value received),
	// invoiced beyond the order's value (reference: the order's total), paid beyond invoiced
	// (reference: the invoice's amount).
	Amount Tolerance
	// Days is how many calendar days a date may fall before the date it should follow (a shipment
	// before the order, an invoice before the first shipment, a resale before its purchase), 0 to 366.
	Days int
}

// MaxToleranceDays is the largest Tolerances.Days.
const MaxToleranceDays = 366

// Validate reports every problem with the tolerances: a negative absolute tolerance, a relative one
// outside [0, 1], Days outside [0, MaxToleranceDays]. Errors match b2bkit.ErrInvalid.
func (t Tolerances) Validate() error {
	var errs []error
	errs = t.Quantity.validate("quantity", errs)
	errs = t.Amount.validate("amount", errs)
	if t.Days < 0 || t.Days > MaxToleranceDays {
		errs = append(errs, b2bkit.Invalid("days", "must be between 0 and %d", MaxToleranceDays))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("risk: %w", errors.Join(errs...))
}

type verifyToleranceJSON struct {
	Absolute b2bkit.JSONDecimal `json:"absolute"`
	Relative b2bkit.JSONDecimal `json:"relative"`
}

// MarshalJSON writes {"absolute":"0.01","relative":"0.02"}, decimals as strings.
// A figure with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it; 0 written 0 x 10^1073741824 is written 0.
func (t Tolerance) MarshalJSON() ([]byte, error) {
	var err error
	w := verifyToleranceJSON{writableJSON("absolute", t.Absolute, &err), writableJSON("relative", t.Relative, &err)}
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes; a missing figure is zero.
func (t *Tolerance) UnmarshalJSON(b []byte) error {
	var w verifyToleranceJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	t.Absolute, t.Relative = w.Absolute.Decimal, w.Relative.Decimal
	return nil
}

type verifyTolerancesJSON struct {
	Quantity Tolerance `json:"quantity"`
	Amount   Tolerance `json:"amount"`
	Days     int       `json:"days"`
}

// MarshalJSON writes {"quantity":{...},"amount":{...},"days":2}.
func (t Tolerances) MarshalJSON() ([]byte, error) {
	return json.Marshal(verifyTolerancesJSON(t))
}

// UnmarshalJSON reads what MarshalJSON writes, rejecting unknown fields.
func (t *Tolerances) UnmarshalJSON(b []byte) error {
	var w verifyTolerancesJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*t = Tolerances(w)
	return nil
}

// LoadTolerances reads tolerances from JSON (at most 1 MiB; unknown fields rejected) and
// validates them. Errors match b2bkit.ErrInvalid.
func LoadTolerances(r io.Reader) (Tolerances, error) {
	return loadValidated[Tolerances](r, "tolerances")
}

// A Status is what VerifyTrade concluded of a trade.
type Status int

const (
	// Consistent: the three flows agree within the tolerances (三流合一).
	Consistent Status = iota + 1
	// Exceptions: the trade happened, but its flows disagree somewhere; Verdict.Exceptions say where.
	// A person should look before anything is financed on it.
	Exceptions
	// NotATrade: nothing supports the order as a trade (no goods received, or records between
	// unrelated companies): a fictitious trade (虚假贸易) until proven otherwise.
	NotATrade
	// Invalid: the input could not be read (Verdict.Err says why); nothing was checked.
	Invalid
)

var statusWords = [...]string{Consistent: "consistent", Exceptions: "exceptions", NotATrade: "not_a_trade", Invalid: "invalid"}

// String returns the status's word: consistent, exceptions, not_a_trade or invalid.
func (s Status) String() string {
	if s < Consistent || s > Invalid {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusWords[s]
}

// MarshalText encodes the status as its word.
func (s Status) MarshalText() ([]byte, error) {
	if s < Consistent || s > Invalid {
		return nil, fmt.Errorf("risk: %w", b2bkit.Invalid("status", "unknown status %d", int(s)))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a status from its word.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(statusWords[:], b, "status")
	if err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	*s = Status(v)
	return nil
}

// A Code names a kind of finding in snake case. Codes are stable: hosts key rules and reports on them.
type Code string

// The codes of VerifyTrade's exceptions. The first three make a trade NotATrade; the others make it
// one with Exceptions.
const (
	// CodeNoShipment: the order has no shipment at all: no goods moved (NotATrade).
	CodeNoShipment Code = "no_shipment"
	// CodeNothingReceived: shipments exist but the buyer signed for none of the goods (NotATrade).
	CodeNothingReceived Code = "nothing_received"
	// CodeUnrelatedParty: a shipment, invoice or payment names neither the order's buyer nor its
	// seller: a record between other companies dressed as this trade (NotATrade).
	CodeUnrelatedParty Code = "unrelated_party"

	// CodeShipmentPartiesMismatch: a shipment names one of the order's parties but not the other
	// (Field says which: "seller" or "buyer").
	CodeShipmentPartiesMismatch Code = "shipment_parties_mismatch"
	// CodeInvoicePartiesMismatch: an invoice's seller or buyer is not the order's (Field says which).
	CodeInvoicePartiesMismatch Code = "invoice_parties_mismatch"
	// CodePayerNotBuyer: money came from someone other than the order's buyer (R18's red flag:
	// a third party paying may be the seller paying itself to fake a trade).
	CodePayerNotBuyer Code = "payer_not_buyer"
	// CodePayeeNotSeller: money went to someone other than the order's seller.
	CodePayeeNotSeller Code = "payee_not_seller"
	// CodeSKUNotOrdered: a shipment carries goods the order does not list.
	CodeSKUNotOrdered Code = "sku_not_ordered"
	// CodeShippedAboveOrdered: more of a SKU shipped, over all shipments, than ordered, beyond the
	// quantity tolerance.
	CodeShippedAboveOrdered Code = "shipped_above_ordered"
	// CodeShippedNotReceived: goods that left the seller were not signed for: a line received short
	// of shipped beyond the quantity tolerance, or a shipment still in transit (a trade in transit is
	// not yet verified).
	CodeShippedNotReceived Code = "shipped_not_received"
	// CodeReceivedLessThanInvoiced: the net amount invoiced exceeds the value of the goods received
	// (received quantity x the order's unit price, per SKU) beyond the amount tolerance: the seller
	// claims money for goods the buyer does not have.
	CodeReceivedLessThanInvoiced Code = "received_less_than_invoiced"
	// CodeInvoicedAboveOrdered: the net amount invoiced exceeds the order's total beyond the amount
	// tolerance.
	CodeInvoicedAboveOrdered Code = "invoiced_above_ordered"
	// CodeInvoicedBeforeShipment: an invoice (not a credit note) was issued before the first
	// shipment left, beyond the days tolerance.
	CodeInvoicedBeforeShipment Code = "invoiced_before_shipment"
	// CodePaymentAboveInvoiced: more was paid against an invoice than it claims, or against the
	// trade than it nets to after credit notes, beyond the amount tolerance.
	CodePaymentAboveInvoiced Code = "payment_above_invoiced"
	// CodeDuplicateInvoiceNumber: two invoices carry one number: the same claim presented twice.
	// The second is left out of the sums.
	CodeDuplicateInvoiceNumber Code = "duplicate_invoice_number"
	// CodeCurrencyMismatch: an invoice or payment is not in the order's currency. It is left out of
	// the sums (no exchange rate is assumed).
	CodeCurrencyMismatch Code = "currency_mismatch"
	// CodeDatesOutOfOrder: a shipment left, an invoice was issued or a payment made before the order
	// was placed, beyond the days tolerance. (A receipt before shipping is invalid input; a payment
	// before its invoice is normal for deposits and prepayment and is not flagged.)
	CodeDatesOutOfOrder Code = "dates_out_of_order"
)

// An Exception is one place where the flows of a trade disagree.
type Exception struct {
	Code Code `json:"code"`
	// Record is the record it is about, as kind and id: "order O-1", "shipment S-2", "invoice INV-7",
	// "payment P-3"; Field the field of that record ("payer", "lines[0].received", "issued_at").
	Record string `json:"record"`
	Field  string `json:"field"`
	// Want and Got are the figures on both sides: what the reference says ("received 180", "buyer
	// B-1") and what the record says ("invoiced 200", "payer X-9").
	Want string `json:"want"`
	Got  string `json:"got"`
	// Message says it in a sentence for a person.
	Message string `json:"message"`
}

// Financeable is what the flows of a trade support lending on, in the order's currency.
type Financeable struct {
	// Ordered is the order's total.
	Ordered decimal.Decimal `json:"ordered"`
	// Received is the value of the goods received: received quantity x the order's unit price, per
	// SKU (quantities beyond the order's lines at the last line's price).
	Received decimal.Decimal `json:"received"`
	// Invoiced is the net amount invoiced: invoices less credit notes.
	Invoiced decimal.Decimal `json:"invoiced"`
	// Unpaid is Invoiced less what was paid against the invoices, never below zero.
	Unpaid decimal.Decimal `json:"unpaid"`
	// Amount is the least of the four when the verdict is Consistent, zero otherwise: only a trade
	// whose flows agree supports finance.
	Amount decimal.Decimal `json:"amount"`
}

// A Verdict is VerifyTrade's answer.
type Verdict struct {
	Status Status `json:"status"`
	// Exceptions are the disagreements found: the shipments' (and whether goods moved at all), then
	// the invoices', the payments', and last the trade's totals. Empty when Consistent.
	Exceptions []Exception `json:"exceptions,omitempty"`
	// Financeable holds the figures; zero when Invalid.
	Financeable Financeable `json:"financeable"`
	// Err is set when Status is Invalid; it matches b2bkit.ErrInvalid and names the field.
	Err error `json:"-"`
}

// Has reports whether the verdict has an exception with code c.
func (v Verdict) Has(c Code) bool {
	for _, e := range v.Exceptions {
		if e.Code == c {
			return true
		}
	}
	return false
}

// verifyScale is the scale at which VerifyTrade sums quantities and amounts as int64 units; a figure
// with more places, or a sum beyond an int64, is carried exactly as a decimal instead.
const verifyScale = 6

// A verifySum is an exact sum: units at verifyScale, plus rest for what did not fit.
type verifySum struct {
	units int64
	rest  decimal.Decimal
	slow  bool
}

// verifyUnits is d in units of 10^-verifyScale, when that is exact and fits an int64.
func verifyUnits(d decimal.Decimal) (int64, bool) {
	c, ok := fastdec.Int64(d)
	if !ok {
		return 0, false
	}
	return verifyScaleUnits(c, d.Exponent())
}

// verifyScaleUnits is c x 10^exp in units of 10^-verifyScale, when exact and within an int64.
func verifyScaleUnits(c int64, exp int32) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	shift := int64(exp) + verifyScale
	switch {
	case shift < 0:
		if shift < -18 {
			return 0, false
		}
		p := int64(fastdec.Pow10(int(-shift)))
		if c%p != 0 {
			return 0, false
		}
		return c / p, true
	case shift > 18:
		return 0, false
	}
	neg, u := c < 0, uint64(c)
	if neg {
		u = -u
	}
	hi, lo := bits.Mul64(u, fastdec.Pow10(int(shift)))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

// add adds d.
func (s *verifySum) add(d decimal.Decimal) {
	if u, ok := verifyUnits(d); ok {
		if sum, ok := checked.Add(s.units, u); ok {
			s.units = sum
			return
		}
	}
	s.rest, s.slow = s.rest.Add(d), true
}

// addUnits adds d, whose units u are already known when ok.
func (s *verifySum) addUnits(u int64, ok bool, d decimal.Decimal) {
	if ok {
		if sum, ok := checked.Add(s.units, u); ok {
			s.units = sum
			return
		}
	}
	s.rest, s.slow = s.rest.Add(d), true
}

// addProduct adds a x b.
func (s *verifySum) addProduct(a, b decimal.Decimal) {
	ca, oka := fastdec.Int64(a)
	cb, okb := fastdec.Int64(b)
	if oka && okb {
		if c, ok := checked.Mul(ca, cb); ok {
			if u, ok := verifyScaleUnits(c, a.Exponent()+b.Exponent()); ok {
				if sum, ok := checked.Add(s.units, u); ok {
					s.units = sum
					return
				}
			}
		}
	}
	s.rest, s.slow = s.rest.Add(a.Mul(b)), true
}

// addUnitsProduct adds u units (of 10^-verifyScale) x b.
func (s *verifySum) addUnitsProduct(u int64, b decimal.Decimal) {
	if cb, ok := fastdec.Int64(b); ok {
		if c, ok := checked.Mul(u, cb); ok {
			if w, ok := verifyScaleUnits(c, b.Exponent()-verifyScale); ok {
				if sum, ok := checked.Add(s.units, w); ok {
					s.units = sum
					return
				}
			}
		}
	}
	s.rest, s.slow = s.rest.Add(decimal.New(u, -verifyScale).Mul(b)), true
}

// value is the sum as a decimal.
func (s verifySum) value() decimal.Decimal {
	if !s.slow {
		return decimal.New(s.units, -verifyScale)
	}
	return decimal.New(s.units, -verifyScale).Add(s.rest)
}

// verifyZero is zero at verifyScale, the figure of every trade with nothing unpaid. Never changed.
var verifyZero = decimal.New(0, -verifyScale)

// verifyMade makes the decimals of a verdict's figures, one for every distinct number of units:
// decimals are immutable, so equal figures can share one and cost one allocation.
type verifyMade struct {
	n    int
	of   [4]int64
	made [4]decimal.Decimal
}

// value is s.value(), shared with an earlier figure of the same units.
func (m *verifyMade) value(s verifySum) decimal.Decimal {
	if s.slow {
		return s.value()
	}
	return m.fromUnits(s.units)
}

// fromUnits is decimal.New(u, -verifyScale), shared with an earlier figure of the same units.
func (m *verifyMade) fromUnits(u int64) decimal.Decimal {
	for k := range m.n {
		if m.of[k] == u {
			return m.made[k]
		}
	}
	d := verifyZero
	if u != 0 {
		d = decimal.New(u, -verifyScale)
	}
	if m.n < len(m.made) {
		m.of[m.n], m.made[m.n] = u, d
		m.n++
	}
	return d
}

// verifyWithin reports whether got exceeds want by no more than tol allows, reference want; without
// a decimal operation when got does not exceed want.
func verifyWithin(tol Tolerance, want, got verifySum) bool {
	if !want.slow && !got.slow && want.units > math.MinInt64 {
		if e, ok := checked.Add(got.units, -want.units); ok && e <= 0 {
			return true
		}
	}
	return tol.Allows(want.value(), got.value())
}

// verifySKU gathers one SKU's quantities over the trade.
type verifySKU struct {
	sku                        b2bkit.SKU
	ordered, shipped, received verifySum
	firstLine                  int
	// left is what receivedValue has still to price of the received units, lastLine the SKU's last
	// order line, priced at for what exceeds the lines.
	left     int64
	lastLine int
}

// verifyBill is what VerifyTrade gathers of one invoice: whether it counts in the sums (not a
// duplicate, not in another currency) and what was paid against it.
type verifyBill struct {
	counted bool
	paid    verifySum
}

// verifier carries one VerifyTrade run.
type verifier struct {
	t    Trade
	tol  Tolerances
	exc  []Exception
	skus []verifySKU
	// lineSKU is the index in skus of each order line's SKU; byName finds a SKU when there are many.
	lineSKU []int
	byName  map[b2bkit.SKU]int
	// payInv is the index of each payment's invoice, found by Validate.
	payInv []int
	// days numbers calendar days in the location of the order's PlacedAt.
	days dayClock
}

// VerifyTrade checks that the three flows of a trade agree (三流合一, R18) within tol and says how much
// they support financing. Bad input (an invalid record, a record of another order, invalid
// tolerances) gives Status Invalid with Err set. Otherwise the trade is NotATrade when no goods moved
// or a record is between unrelated companies, Exceptions when the flows disagree (each disagreement
// an Exception, see the Code constants), and Consistent when they agree.
func VerifyTrade(t Trade, tol Tolerances) Verdict {
	var errs []error
	if err := tol.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("tolerances", errors.Unwrap(err)))
	}
	// One allocation for the index of each payment's invoice and of each order line's SKU.
	ints := make([]int, len(t.Payments)+len(t.Order.Lines))
	payInv := ints[:len(t.Payments):len(t.Payments)]
	errs = verifyValidate(t, errs, payInv)
	if len(errs) > 0 {
		return Verdict{Status: Invalid, Err: fmt.Errorf("risk: %w", errors.Join(errs...))}
	}
	v := verifier{t: t, tol: tol, payInv: payInv, lineSKU: ints[len(t.Payments):]}
	return v.run()
}

func (v *verifier) add(code Code, kind string, id string, field, want, got, format string, args ...any) {
	v.exc = append(v.exc, Exception{Code: code, Record: kind + " " + xerr.Echo(id), Field: field, Want: want, Got: got,
		Message: fmt.Sprintf(format, args...)})
}

// indexOrder gathers the order's SKUs and quantities.
func (v *verifier) indexOrder() {
	o := v.t.Order
	v.skus = make([]verifySKU, 0, len(o.Lines))
	for i, l := range o.Lines {
		k := v.skuIndex(l.SKU)
		if k < 0 {
			k = len(v.skus)
			v.skus = append(v.skus, verifySKU{sku: l.SKU, firstLine: i})
			if v.byName != nil || len(v.skus) > verifyLinearSKUs {
				if v.byName == nil {
					v.byName = make(map[b2bkit.SKU]int, len(o.Lines))
					for j, s := range v.skus {
						v.byName[s.sku] = j
					}
				}
				v.byName[l.SKU] = k
			}
		}
		v.skus[k].ordered.add(l.Quantity)
		v.lineSKU[i] = k
	}
}

// verifyLinearSKUs is how many SKUs or invoices are looked up by a scan before a map pays.
const verifyLinearSKUs = 16

// skuIndex is the index of sku in v.skus, or -1.
func (v *verifier) skuIndex(sku b2bkit.SKU) int {
	if v.byName != nil {
		if k, ok := v.byName[sku]; ok {
			return k
		}
		return -1
	}
	for k := range v.skus {
		if v.skus[k].sku == sku {
			return k
		}
	}
	return -1
}

// receivedValue prices the received quantities with the order's lines: each SKU's quantity fills its
// lines in order, and what exceeds them is priced at its last line.
func (v *verifier) receivedValue() verifySum {
	o := v.t.Order
	var value verifySum
	for k := range v.skus {
		if v.skus[k].received.slow {
			return v.receivedValueExact()
		}
		v.skus[k].left = v.skus[k].received.units
	}
	for i, l := range o.Lines {
		s := &v.skus[v.lineSKU[i]]
		s.lastLine = i
		if s.left <= 0 {
			continue
		}
		q, ok := verifyUnits(l.Quantity)
		if !ok {
			return v.receivedValueExact()
		}
		take := min(s.left, q)
		value.addUnitsProduct(take, l.UnitPrice)
		s.left -= take
	}
	for k := range v.skus {
		if s := &v.skus[k]; s.left > 0 {
			value.addUnitsProduct(s.left, o.Lines[s.lastLine].UnitPrice)
		}
	}
	return value
}

// receivedValueExact is receivedValue in decimals, for quantities beyond int64 units.
func (v *verifier) receivedValueExact() verifySum {
	o := v.t.Order
	var value verifySum
	left := make([]decimal.Decimal, len(v.skus))
	last := make([]int, len(v.skus))
	for k := range v.skus {
		left[k] = v.skus[k].received.value()
	}
	for i, l := range o.Lines {
		k := v.lineSKU[i]
		last[k] = i
		if left[k].Sign() <= 0 {
			continue
		}
		take := decimal.Min(left[k], l.Quantity)
		value.addProduct(take, l.UnitPrice)
		left[k] = left[k].Sub(take)
	}
	for k := range left {
		if left[k].Sign() > 0 {
			value.addProduct(left[k], o.Lines[last[k]].UnitPrice)
		}
	}
	return value
}

func (v *verifier) run() Verdict {
	o := v.t.Order
	tol := v.tol
	loc := o.PlacedAt.Location()
	v.days = newDayClock(loc)
	day := v.days.day
	date := func(tm time.Time) string { return tm.In(loc).Format(time.DateOnly) }
	// early reports whether the day at falls before the day ref by more than the days tolerance.
	early := func(at, ref int) bool { return ref-at > tol.Days }
	unrelated := func(a, b b2bkit.CompanyID) bool {
		return a != o.Buyer && a != o.Seller && b != o.Buyer && b != o.Seller
	}
	placed := day(o.PlacedAt)
	placedWant := func() string { return "placed " + date(o.PlacedAt) }
	oid := string(o.ID)
	v.indexOrder()

	notATrade := false
	if len(v.t.Shipments) == 0 {
		notATrade = true
		v.add(CodeNoShipment, "order", oid, "shipments", "shipped", "no shipment",
			"no goods were shipped against order %s", xerr.Echo(oid))
	}
	// firstShip is the day the first goods left, once a shipment of the order's parties was seen.
	firstShip, shipped, anyReceived := 0, false, false
	for _, s := range v.t.Shipments {
		sid := string(s.ID)
		if unrelated(s.Seller, s.Buyer) {
			notATrade = true
			v.add(CodeUnrelatedParty, "shipment", sid, "seller", "seller "+string(o.Seller)+", buyer "+string(o.Buyer),
				"seller "+xerr.Echo(string(s.Seller))+", buyer "+xerr.Echo(string(s.Buyer)),
				"the shipment is between companies unrelated to the order")
			continue
		}
		if s.Seller != o.Seller {
			v.add(CodeShipmentPartiesMismatch, "shipment", sid, "seller", "seller "+string(o.Seller), "seller "+xerr.Echo(string(s.Seller)),
				"the goods were shipped by someone other than the order's seller")
		}
		if s.Buyer != o.Buyer {
			v.add(CodeShipmentPartiesMismatch, "shipment", sid, "buyer", "buyer "+string(o.Buyer), "buyer "+xerr.Echo(string(s.Buyer)),
				"the goods went to someone other than the order's buyer")
		}
		sd := day(s.ShippedAt)
		if !shipped || sd < firstShip {
			firstShip, shipped = sd, true
		}
		if early(sd, placed) {
			v.add(CodeDatesOutOfOrder, "shipment", sid, "shipped_at", placedWant(), "shipped "+date(s.ShippedAt),
				"the goods left before the order was placed")
		}
		signed := s.IsReceived() // the buyer signed for the shipment
		if !signed {
			v.add(CodeShippedNotReceived, "shipment", sid, "received_at", "received", "in transit",
				"the shipment has not been signed for")
		}
		for li, l := range s.Lines {
			// A shipment mostly lists the order's goods in the order's order: try that line's SKU first.
			k := -1
			if li < len(v.lineSKU) && v.skus[v.lineSKU[li]].sku == l.SKU {
				k = v.lineSKU[li]
			} else {
				k = v.skuIndex(l.SKU)
			}
			if k < 0 {
				v.add(CodeSKUNotOrdered, "shipment", sid, fmt.Sprintf("lines[%d].sku", li), "a SKU of the order",
					"sku "+xerr.Echo(string(l.SKU)), "the shipment carries goods the order does not list")
				continue
			}
			sh, okS := verifyUnits(l.Shipped)
			r, okR := verifyUnits(l.Received)
			v.skus[k].shipped.addUnits(sh, okS, l.Shipped)
			if okR && r > 0 || !okR && l.Received.Sign() > 0 {
				anyReceived = true
				v.skus[k].received.addUnits(r, okR, l.Received)
			}
			if signed && !(okS && okR && r >= sh) {
				// As values: a received 0 may be written 0 x 10^1073741824, which Validate lets
				// through and which, subtracted as written, is written out to a billion digits.
				shipped, received := xerr.Canonical(l.Shipped), xerr.Canonical(l.Received)
				if !tol.Quantity.allowsExcess(shipped.Sub(received), shipped) {
					v.add(CodeShippedNotReceived, "shipment", sid, fmt.Sprintf("lines[%d].received", li), "shipped "+shipped.String(),
						"received "+received.String(), "%s of %s shipped were not received", shipped.Sub(received), xerr.Echo(string(l.SKU)))
				}
			}
		}
	}
	if len(v.t.Shipments) > 0 && !anyReceived {
		notATrade = true
		v.add(CodeNothingReceived, "order", oid, "shipments", "goods received", "nothing received",
			"the buyer signed for none of the goods shipped")
	}
	for k := range v.skus {
		s := &v.skus[k]
		if !verifyWithin(tol.Quantity, s.ordered, s.shipped) {
			v.add(CodeShippedAboveOrdered, "order", oid, fmt.Sprintf("lines[%d].quantity", s.firstLine), "ordered "+s.ordered.value().String(),
				"shipped "+s.shipped.value().String(), "more %s was shipped than ordered", xerr.Echo(string(s.sku)))
		}
	}

	// Capital flow: invoices, then payments against them.
	invs := v.t.Invoices
	bills := make([]verifyBill, len(invs))
	// numbers holds the numbers seen when there are many invoices.
	var numbers map[b2bkit.InvoiceNumber]bool
	if len(invs) > verifyLinearSKUs {
		numbers = make(map[b2bkit.InvoiceNumber]bool, len(invs))
	}
	var invoiced verifySum
	for i, inv := range invs {
		n := string(inv.Number)
		dup := false
		if numbers != nil {
			dup = numbers[inv.Number]
			numbers[inv.Number] = true
		} else {
			dup = verifyInvoiceIndex(invs[:i], inv.Number) >= 0
		}
		if unrelated(inv.Seller, inv.Buyer) {
			notATrade = true
			v.add(CodeUnrelatedParty, "invoice", n, "seller", "seller "+string(o.Seller)+", buyer "+string(o.Buyer),
				"seller "+xerr.Echo(string(inv.Seller))+", buyer "+xerr.Echo(string(inv.Buyer)),
				"the invoice is between companies unrelated to the order")
			continue
		}
		if inv.Seller != o.Seller {
			v.add(CodeInvoicePartiesMismatch, "invoice", n, "seller", "seller "+string(o.Seller), "seller "+xerr.Echo(string(inv.Seller)),
				"the invoice claims for someone other than the order's seller")
		}
		if inv.Buyer != o.Buyer {
			v.add(CodeInvoicePartiesMismatch, "invoice", n, "buyer", "buyer "+string(o.Buyer), "buyer "+xerr.Echo(string(inv.Buyer)),
				"the invoice is drawn on someone other than the order's buyer")
		}
		if dup {
			v.add(CodeDuplicateInvoiceNumber, "invoice", n, "number", "one invoice "+xerr.Echo(n), "two or more",
				"the invoice number was presented before; this one is left out of the sums")
			continue
		}
		if inv.Currency != o.Currency {
			v.add(CodeCurrencyMismatch, "invoice", n, "currency", "currency "+o.Currency, "currency "+xerr.Echo(inv.Currency),
				"the invoice is not in the order's currency; it is left out of the sums")
			continue
		}
		bills[i].counted = true
		invoiced.add(inv.Amount)
		id := day(inv.IssuedAt)
		if early(id, placed) {
			v.add(CodeDatesOutOfOrder, "invoice", n, "issued_at", placedWant(), "issued "+date(inv.IssuedAt),
				"the invoice was issued before the order was placed")
		}
		if !inv.IsCreditNote() && shipped && early(id, firstShip) {
			v.add(CodeInvoicedBeforeShipment, "invoice", n, "issued_at", "first shipped "+verifyDayString(firstShip),
				"issued "+date(inv.IssuedAt), "the invoice was issued before any goods left")
		}
	}
	var paid verifySum
	for pi, p := range v.t.Payments {
		pid := string(p.ID)
		if unrelated(p.Payer, p.Payee) {
			notATrade = true
			v.add(CodeUnrelatedParty, "payment", pid, "payer", "payer "+string(o.Buyer)+", payee "+string(o.Seller),
				"payer "+xerr.Echo(string(p.Payer))+", payee "+xerr.Echo(string(p.Payee)),
				"the payment is between companies unrelated to the order")
			continue
		}
		if p.Payer != o.Buyer {
			v.add(CodePayerNotBuyer, "payment", pid, "payer", "payer "+string(o.Buyer), "payer "+xerr.Echo(string(p.Payer)),
				"the money came from someone other than the buyer")
		}
		if p.Payee != o.Seller {
			v.add(CodePayeeNotSeller, "payment", pid, "payee", "payee "+string(o.Seller), "payee "+xerr.Echo(string(p.Payee)),
				"the money went to someone other than the seller")
		}
		if early(day(p.PaidAt), placed) {
			v.add(CodeDatesOutOfOrder, "payment", pid, "paid_at", placedWant(), "paid "+date(p.PaidAt),
				"the payment was made before the order was placed")
		}
		if p.Currency != o.Currency {
			v.add(CodeCurrencyMismatch, "payment", pid, "currency", "currency "+o.Currency, "currency "+xerr.Echo(p.Currency),
				"the payment is not in the order's currency; it is left out of the sums")
			continue
		}
		if k := v.payInv[pi]; k >= 0 && bills[k].counted {
			u, ok := verifyUnits(p.Amount)
			bills[k].paid.addUnits(u, ok, p.Amount)
			paid.addUnits(u, ok, p.Amount)
		}
	}
	over := false
	for k, inv := range invs {
		b := &bills[k]
		if !b.counted || b.paid.units == 0 && !b.paid.slow {
			continue
		}
		var amount verifySum
		amount.add(inv.Amount)
		if !verifyWithin(tol.Amount, amount, b.paid) {
			over = true
			v.add(CodePaymentAboveInvoiced, "invoice", string(inv.Number), "amount", "invoiced "+inv.Amount.String(),
				"paid "+b.paid.value().String(), "more was paid against the invoice than it claims")
		}
	}
	if !over && !verifyWithin(tol.Amount, invoiced, paid) {
		v.add(CodePaymentAboveInvoiced, "order", oid, "payments", "invoiced "+invoiced.value().String(), "paid "+paid.value().String(),
			"more was paid than the invoices net to after credit notes")
	}

	// The trade's totals.
	var ordered verifySum
	for _, l := range o.Lines {
		ordered.addProduct(l.Quantity, l.UnitPrice)
	}
	received := v.receivedValue()
	if !verifyWithin(tol.Amount, received, invoiced) {
		v.add(CodeReceivedLessThanInvoiced, "order", oid, "invoices", "received "+received.value().String(), "invoiced "+invoiced.value().String(),
			"the invoices claim more than the goods received are worth")
	}
	if !verifyWithin(tol.Amount, ordered, invoiced) {
		v.add(CodeInvoicedAboveOrdered, "order", oid, "invoices", "ordered "+ordered.value().String(), "invoiced "+invoiced.value().String(),
			"the invoices claim more than the order is worth")
	}
	// Figures equal in units share one decimal: a consistent trade makes one for its three totals.
	var made verifyMade
	f := Financeable{Ordered: made.value(ordered), Received: made.value(received), Invoiced: made.value(invoiced),
		Amount: decimal.Zero}
	if u, ok := checked.Add(invoiced.units, -paid.units); ok && !invoiced.slow && !paid.slow && paid.units > math.MinInt64 {
		f.Unpaid = made.fromUnits(max(u, 0))
	} else if f.Unpaid = f.Invoiced.Sub(paid.value()); f.Unpaid.Sign() < 0 {
		f.Unpaid = decimal.Zero
	}
	verdict := Verdict{Status: Consistent, Exceptions: v.exc, Financeable: f}
	switch {
	case notATrade:
		verdict.Status = NotATrade
	case len(v.exc) > 0:
		verdict.Status = Exceptions
	default:
		verdict.Financeable.Amount = decimal.Min(f.Ordered, f.Received, f.Invoiced, f.Unpaid)
	}
	return verdict
}

// verifyDayString writes a day number of b2bkit.CalendarDay as a date.
func verifyDayString(d int) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
}
