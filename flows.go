package b2bkit

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A Channel is how an order came in — the "three guns" (三把枪) of R10. A platform tracks the mix and
// its shift from manual toward fully automatic. The zero value is not a channel: an order must say.
type Channel int

const (
	// Manual: a rep placed or drove the order.
	Manual Channel = iota + 1
	// SemiAuto: the buyer ordered self-service, with help.
	SemiAuto
	// FullAuto: self-service with automatic re-order or renewal.
	FullAuto
)

var channelWords = [...]string{Manual: "manual", SemiAuto: "semi_auto", FullAuto: "full_auto"}

// Channels lists the three channels in order, for reports that show the mix.
func Channels() []Channel { return []Channel{Manual, SemiAuto, FullAuto} }

// Valid reports whether c is one of the three channels.
func (c Channel) Valid() bool { return c >= Manual && c <= FullAuto }

// String returns the channel's word: manual, semi_auto or full_auto.
func (c Channel) String() string {
	if !c.Valid() {
		return fmt.Sprintf("Channel(%d)", int(c))
	}
	return channelWords[c]
}

// MarshalText encodes the channel as its word.
func (c Channel) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, Invalid("channel", "unknown channel %d", int(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText decodes a channel from its word.
func (c *Channel) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(channelWords[:], b, "channel")
	if err != nil {
		return err
	}
	*c = Channel(v)
	return nil
}

// MaxLines is the most lines an order, shipment or invoice may carry.
const MaxLines = 10_000

// An OrderLine is one article of an order: how much of which SKU at what unit price.
type OrderLine struct {
	SKU       SKU
	Quantity  decimal.Decimal
	UnitPrice decimal.Decimal
}

// Amount is the line's value, Quantity x UnitPrice, exact (unrounded).
//
// The quantity and price are read as the values they are (xerr.Canonical): a zero written
// 0 x 10^1073741824, which Validate accepts, is multiplied as 0 and not by its exponent.
func (l OrderLine) Amount() decimal.Decimal {
	return xerr.Canonical(l.Quantity).Mul(xerr.Canonical(l.UnitPrice))
}

// Equal reports whether both lines are for the same quantity of the same SKU at the same price.
func (l OrderLine) Equal(o OrderLine) bool {
	return l.SKU == o.SKU && xerr.Equal(l.Quantity, o.Quantity) && xerr.Equal(l.UnitPrice, o.UnitPrice)
}

// An Order is the information flow of a trade (信息流, R15): who buys what from whom, at what prices,
// on what terms, through which channel.
type Order struct {
	ID     OrderID     `json:"id"`
	Buyer  CompanyID   `json:"buyer"`
	Seller CompanyID   `json:"seller"`
	Lines  []OrderLine `json:"lines"`
	// Currency is the ISO 4217 code of every price in the order ("CNY").
	Currency string  `json:"currency"`
	Terms    Terms   `json:"terms"`
	Channel  Channel `json:"channel"`
	// PlacedAt is when the order was recorded. Terms.OrderedAt is the date the payment clock counts
	// from; the two are normally the same instant.
	PlacedAt time.Time `json:"placed_at"`
}

// Total is the order's value: the sum of its line amounts, exact. Round it at the scale of the
// currency before invoicing or scheduling. On an order Validate accepts it answers at once (see
// OrderLine.Amount); on one it refuses, a number written with an absurd exponent may take as long
// as writing it out.
func (o Order) Total() decimal.Decimal {
	sum := decimal.Zero
	for _, l := range o.Lines {
		sum = sum.Add(l.Amount())
	}
	return sum
}

// Quantity is the total quantity of sku ordered across the order's lines.
func (o Order) Quantity(sku SKU) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range o.Lines {
		if l.SKU == sku {
			sum = sum.Add(xerr.Canonical(l.Quantity))
		}
	}
	return sum
}

// Schedule is the payment schedule of the order's total rounded HalfUp to scale places. A quantity
// or price xerr.SaneValue refuses is an error matching ErrInvalid that names its line.
func (o Order) Schedule(scale int32) ([]Due, error) {
	if scale < 0 || scale > MaxScale {
		return nil, Invalid("scale", "must be between 0 and %d", MaxScale)
	}
	// Before Total, whose sums would write an absurd exponent out.
	for i, l := range o.Lines {
		if !xerr.SaneValue(l.Quantity) {
			return nil, Invalid(lineField(i, "quantity"), "%s", xerr.InsaneExponent)
		}
		if !xerr.SaneValue(l.UnitPrice) {
			return nil, Invalid(lineField(i, "unit_price"), "%s", xerr.InsaneExponent)
		}
	}
	dues, err := o.Terms.Schedule(Round(o.Total(), scale, HalfUp), scale)
	return dues, InField("terms", err)
}

// Validate reports every problem with the order: missing id or parties, a buyer who is the seller,
// no lines or too many, a line without SKU or with a quantity <= 0 or a negative price, a currency that
// is not three capital letters, invalid terms, an unknown channel, no placement time.
// A quantity or price must be within the bounds of xerr.SaneValue: at most MaxDecimalPlaces places,
// counted on the value (trailing zeros do not count, so 12.34 read from a numeric(38,20) column is
// 12.34), and at most 308 digits written out; the same holds for the amounts of every flow.
// Errors match ErrInvalid and name the field ("lines[2].quantity", "terms.payment.installments[0].share").
func (o Order) Validate() error {
	var errs []error
	if o.ID == "" {
		errs = append(errs, Invalid("id", "must be set"))
	}
	errs = appendParties(errs, "buyer", o.Buyer, "seller", o.Seller)
	switch {
	case len(o.Lines) == 0:
		errs = append(errs, Invalid("lines", "must have at least one line"))
	case len(o.Lines) > MaxLines:
		errs = append(errs, Invalid("lines", "must have at most %d lines", MaxLines))
	default:
		for i, l := range o.Lines {
			// The field path is built only for a line that is wrong: a valid order costs nothing.
			if l.SKU == "" {
				errs = append(errs, Invalid(lineField(i, "sku"), "must be set"))
			}
			switch {
			case !xerr.SaneValue(l.Quantity):
				errs = append(errs, Invalid(lineField(i, "quantity"), "%s", xerr.InsaneExponent))
			case l.Quantity.Sign() <= 0:
				errs = append(errs, Invalid(lineField(i, "quantity"), "must be > 0"))
			}
			switch {
			case !xerr.SaneValue(l.UnitPrice):
				errs = append(errs, Invalid(lineField(i, "unit_price"), "%s", xerr.InsaneExponent))
			case l.UnitPrice.Sign() < 0:
				errs = append(errs, Invalid(lineField(i, "unit_price"), "must be >= 0"))
			}
		}
	}
	if err := ValidateCurrency(o.Currency); err != nil {
		errs = append(errs, InField("currency", err))
	}
	if err := o.Terms.Validate(); err != nil {
		errs = append(errs, InField("terms", err))
	}
	if !o.Channel.Valid() {
		errs = append(errs, Invalid("channel", "must be manual, semi_auto or full_auto"))
	}
	if o.PlacedAt.IsZero() {
		errs = append(errs, Invalid("placed_at", "must be set"))
	}
	return errors.Join(errs...)
}

// Equal reports whether both orders say the same thing: same ids, parties, lines in the same order,
// currency, terms, channel and placement instant.
func (o Order) Equal(p Order) bool {
	if o.ID != p.ID || o.Buyer != p.Buyer || o.Seller != p.Seller || o.Currency != p.Currency ||
		o.Channel != p.Channel || !o.PlacedAt.Equal(p.PlacedAt) || !o.Terms.Equal(p.Terms) ||
		len(o.Lines) != len(p.Lines) {
		return false
	}
	for i := range o.Lines {
		if !o.Lines[i].Equal(p.Lines[i]) {
			return false
		}
	}
	return true
}

// lineField is the path of a field of line i: "lines[2].quantity".
func lineField(i int, field string) string { return fmt.Sprintf("lines[%d].%s", i, field) }

func appendParties(errs []error, fa string, a CompanyID, fb string, b CompanyID) []error {
	if a == "" {
		errs = append(errs, Invalid(fa, "must be set"))
	}
	if b == "" {
		errs = append(errs, Invalid(fb, "must be set"))
	}
	if a != "" && a == b {
		errs = append(errs, Invalid(fb, "must differ from %s", fa))
	}
	return errs
}

// ValidateCurrency checks that code looks like an ISO 4217 code: three capital letters. Which codes
// exist is the host's business.
func ValidateCurrency(code string) error {
	if len(code) != 3 {
		return Invalid("", "must be a three-letter ISO 4217 code")
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return Invalid("", "must be a three-letter ISO 4217 code")
		}
	}
	return nil
}

// A ShipmentLine is how much of one SKU left the seller and how much the buyer took in.
type ShipmentLine struct {
	SKU     SKU
	Shipped decimal.Decimal
	// Received is what the buyer signed for; less than Shipped when goods were lost or refused.
	// Zero until the shipment is received.
	Received decimal.Decimal
}

// Equal reports whether both lines record the same quantities of the same SKU.
func (l ShipmentLine) Equal(o ShipmentLine) bool {
	return l.SKU == o.SKU && xerr.Equal(l.Shipped, o.Shipped) && xerr.Equal(l.Received, o.Received)
}

// A Shipment is the logistics flow of a trade (物流, R15): goods of an order leaving the seller and
// received by the buyer.
type Shipment struct {
	ID     ShipmentID     `json:"id"`
	Order  OrderID        `json:"order"`
	Seller CompanyID      `json:"seller"`
	Buyer  CompanyID      `json:"buyer"`
	Lines  []ShipmentLine `json:"lines"`
	// ShippedAt is when the goods left the seller.
	ShippedAt time.Time `json:"shipped_at"`
	// ReceivedAt is when the buyer signed for them; zero while in transit.
	ReceivedAt time.Time `json:"received_at"`
}

// IsReceived reports whether the buyer has signed for the shipment.
func (s Shipment) IsReceived() bool { return !s.ReceivedAt.IsZero() }

// Shipped is the quantity of sku shipped across the shipment's lines.
func (s Shipment) Shipped(sku SKU) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range s.Lines {
		if l.SKU == sku {
			sum = sum.Add(xerr.Canonical(l.Shipped))
		}
	}
	return sum
}

// Received is the quantity of sku received across the shipment's lines.
func (s Shipment) Received(sku SKU) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range s.Lines {
		if l.SKU == sku {
			sum = sum.Add(xerr.Canonical(l.Received))
		}
	}
	return sum
}

// TransitDays is the calendar days from shipping to receipt, or -1 while the goods are in transit.
func (s Shipment) TransitDays() int {
	if !s.IsReceived() {
		return -1
	}
	return DaysBetween(s.ShippedAt, s.ReceivedAt)
}

// Validate reports every problem with the shipment: missing ids or parties, no lines, a shipped
// quantity <= 0, a received quantity below zero or above the shipped one, a receipt before shipping,
// goods received without a receipt time. Errors match ErrInvalid and name the field.
func (s Shipment) Validate() error {
	var errs []error
	if s.ID == "" {
		errs = append(errs, Invalid("id", "must be set"))
	}
	if s.Order == "" {
		errs = append(errs, Invalid("order", "must be set"))
	}
	errs = appendParties(errs, "seller", s.Seller, "buyer", s.Buyer)
	switch {
	case len(s.Lines) == 0:
		errs = append(errs, Invalid("lines", "must have at least one line"))
	case len(s.Lines) > MaxLines:
		errs = append(errs, Invalid("lines", "must have at most %d lines", MaxLines))
	}
	anyReceived := false
	for i, l := range s.Lines {
		if i >= MaxLines {
			break
		}
		if l.SKU == "" {
			errs = append(errs, Invalid(lineField(i, "sku"), "must be set"))
		}
		if !xerr.SaneValue(l.Shipped) || !xerr.SaneValue(l.Received) {
			// Compared with each other below, such numbers would be scaled by a power of ten
			// as large as their exponent.
			if !xerr.SaneValue(l.Shipped) {
				errs = append(errs, Invalid(lineField(i, "shipped"), "%s", xerr.InsaneExponent))
			}
			if !xerr.SaneValue(l.Received) {
				errs = append(errs, Invalid(lineField(i, "received"), "%s", xerr.InsaneExponent))
			}
			continue
		}
		if l.Shipped.Sign() <= 0 {
			errs = append(errs, Invalid(lineField(i, "shipped"), "must be > 0"))
		}
		switch {
		case l.Received.Sign() < 0:
			errs = append(errs, Invalid(lineField(i, "received"), "must be >= 0"))
		case l.Received.Cmp(l.Shipped) > 0:
			errs = append(errs, Invalid(lineField(i, "received"), "must not exceed shipped"))
		case l.Received.Sign() > 0:
			anyReceived = true
		}
	}
	if s.ShippedAt.IsZero() {
		errs = append(errs, Invalid("shipped_at", "must be set"))
	}
	if anyReceived && !s.IsReceived() {
		errs = append(errs, Invalid("received_at", "must be set when goods were received"))
	}
	if s.IsReceived() && !s.ShippedAt.IsZero() && s.ReceivedAt.Before(s.ShippedAt) {
		errs = append(errs, Invalid("received_at", "must not be before shipped_at"))
	}
	return errors.Join(errs...)
}

// Equal reports whether both shipments record the same goods, parties and instants.
func (s Shipment) Equal(o Shipment) bool {
	if s.ID != o.ID || s.Order != o.Order || s.Seller != o.Seller || s.Buyer != o.Buyer ||
		!s.ShippedAt.Equal(o.ShippedAt) || !s.ReceivedAt.Equal(o.ReceivedAt) || len(s.Lines) != len(o.Lines) {
		return false
	}
	for i := range s.Lines {
		if !s.Lines[i].Equal(o.Lines[i]) {
			return false
		}
	}
	return true
}

// An Invoice is the seller's claim for money (资金流, R15): a receivable of the seller on the buyer.
// A negative amount is a credit note reducing earlier claims.
type Invoice struct {
	Number InvoiceNumber
	Seller CompanyID
	Buyer  CompanyID
	// Orders are the orders the invoice bills.
	Orders []OrderID
	// Amount is what the buyer owes, tax included; negative for a credit note; never zero.
	Amount   decimal.Decimal
	Currency string
	IssuedAt time.Time
	// DueAt is when payment is due; not before IssuedAt.
	DueAt time.Time
}

// IsCreditNote reports whether the invoice reduces what the buyer owes.
func (inv Invoice) IsCreditNote() bool { return inv.Amount.Sign() < 0 }

// DaysPastDue is the calendar days from the due date to at, in the due date's location, or 0 if at is
// not past the due date.
func (inv Invoice) DaysPastDue(at time.Time) int {
	return max(0, DaysBetween(inv.DueAt, at))
}

// Validate reports every problem with the invoice: no number, missing or identical parties, no order
// reference, a zero amount, a bad currency, missing dates, a due date before the issue date.
// Errors match ErrInvalid and name the field.
func (inv Invoice) Validate() error {
	var errs []error
	if inv.Number == "" {
		errs = append(errs, Invalid("number", "must be set"))
	}
	errs = appendParties(errs, "seller", inv.Seller, "buyer", inv.Buyer)
	if len(inv.Orders) == 0 {
		errs = append(errs, Invalid("orders", "must reference at least one order"))
	}
	for i, id := range inv.Orders {
		if id == "" {
			errs = append(errs, Invalid(fmt.Sprintf("orders[%d]", i), "must be set"))
		}
	}
	switch {
	case !xerr.SaneValue(inv.Amount):
		errs = append(errs, Invalid("amount", "%s", xerr.InsaneExponent))
	case inv.Amount.IsZero():
		errs = append(errs, Invalid("amount", "must not be zero"))
	}
	if err := ValidateCurrency(inv.Currency); err != nil {
		errs = append(errs, InField("currency", err))
	}
	if inv.IssuedAt.IsZero() {
		errs = append(errs, Invalid("issued_at", "must be set"))
	}
	if inv.DueAt.IsZero() {
		errs = append(errs, Invalid("due_at", "must be set"))
	} else if !inv.IssuedAt.IsZero() && inv.DueAt.Before(inv.IssuedAt) {
		errs = append(errs, Invalid("due_at", "must not be before issued_at"))
	}
	return errors.Join(errs...)
}

// Equal reports whether both invoices make the same claim.
func (inv Invoice) Equal(o Invoice) bool {
	if inv.Number != o.Number || inv.Seller != o.Seller || inv.Buyer != o.Buyer || inv.Currency != o.Currency ||
		!xerr.Equal(inv.Amount, o.Amount) || !inv.IssuedAt.Equal(o.IssuedAt) || !inv.DueAt.Equal(o.DueAt) ||
		len(inv.Orders) != len(o.Orders) {
		return false
	}
	for i := range inv.Orders {
		if inv.Orders[i] != o.Orders[i] {
			return false
		}
	}
	return true
}

// A Payment is money moving from a payer to a payee against an invoice (资金流, R15). When the payer
// is not the invoice's buyer, or the payee not its seller, the trade deserves a second look (R18).
type Payment struct {
	ID      PaymentID
	Payer   CompanyID
	Payee   CompanyID
	Invoice InvoiceNumber
	// Amount is the money moved, > 0.
	Amount   decimal.Decimal
	Currency string
	PaidAt   time.Time
}

// DaysLate is the calendar days the payment came after the invoice's due date, or 0 if on time.
func (p Payment) DaysLate(inv Invoice) int { return inv.DaysPastDue(p.PaidAt) }

// Validate reports every problem with the payment: missing id, parties or invoice reference, a payer
// who is the payee, an amount <= 0, a bad currency, no payment time. Errors match ErrInvalid.
func (p Payment) Validate() error {
	var errs []error
	if p.ID == "" {
		errs = append(errs, Invalid("id", "must be set"))
	}
	errs = appendParties(errs, "payer", p.Payer, "payee", p.Payee)
	if p.Invoice == "" {
		errs = append(errs, Invalid("invoice", "must be set"))
	}
	switch {
	case !xerr.SaneValue(p.Amount):
		errs = append(errs, Invalid("amount", "%s", xerr.InsaneExponent))
	case p.Amount.Sign() <= 0:
		errs = append(errs, Invalid("amount", "must be > 0"))
	}
	if err := ValidateCurrency(p.Currency); err != nil {
		errs = append(errs, InField("currency", err))
	}
	if p.PaidAt.IsZero() {
		errs = append(errs, Invalid("paid_at", "must be set"))
	}
	return errors.Join(errs...)
}

// Equal reports whether both payments record the same transfer.
func (p Payment) Equal(o Payment) bool {
	return p.ID == o.ID && p.Payer == o.Payer && p.Payee == o.Payee && p.Invoice == o.Invoice &&
		xerr.Equal(p.Amount, o.Amount) && p.Currency == o.Currency && p.PaidAt.Equal(o.PaidAt)
}
