package b2bkit

import (
	"encoding/json"
	"time"

	"github.com/b2bkit/b2bkit/internal/wire"
)

// JSON: every type of this package reads and writes JSON with snake_case names, enums as words,
// decimals as strings (read back only through ParseDecimal; a decimal xerr.SaneValue refuses is not
// written, the error naming its field) and times in RFC 3339. Reading is strict:
// an unknown field, a number with an exponent or a malformed value is an error matching ErrInvalid,
// so a typo in a host's payload cannot silently become a zero.

// MaxJSONBytes is the largest JSON document the loaders of b2bkit's packages read.
const MaxJSONBytes = wire.MaxBytes

// Each UnmarshalJSON below decodes into a wire shape: a plain struct without methods, its parts
// plain shapes too down to the values (decimals, times, words), so that one strict decode checks
// and reads the whole document. A part that read itself through wire.DecodeStrict had its bytes
// checked and read again by a decoder of its own, once per level of nesting: an order's line three
// times, an installment of its terms four.

type installmentJSON struct {
	Share JSONDecimal `json:"share"`
	Due   DueEvent    `json:"due"`
	Days  int         `json:"days"`
}

// MarshalJSON writes {"share":"0.3","due":"on_order","days":0}.
func (in Installment) MarshalJSON() ([]byte, error) {
	if err := checkWrite("share", in.Share); err != nil {
		return nil, err
	}
	return json.Marshal(installmentJSON{JSONDecimal{in.Share}, in.Due, in.Days})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (in *Installment) UnmarshalJSON(b []byte) error {
	var w installmentJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*in = w.value()
	return nil
}

func (w *installmentJSON) value() Installment {
	return Installment{Share: w.Share.Decimal, Due: w.Due, Days: w.Days}
}

type paymentTermsJSON struct {
	Installments []installmentJSON `json:"installments"`
}

func (w *paymentTermsJSON) value() PaymentTerms {
	return PaymentTerms{Installments: wire.Values(w.Installments, (*installmentJSON).value)}
}

type termsJSON struct {
	Payment   paymentTermsJSON `json:"payment"`
	OrderedAt time.Time        `json:"ordered_at"`
	DeliverBy time.Time        `json:"deliver_by"`
}

func (w *termsJSON) value() Terms {
	return Terms{Payment: w.Payment.value(), OrderedAt: w.OrderedAt, DeliverBy: w.DeliverBy}
}

// UnmarshalJSON reads {"installments":[...]}, strictly.
//
// It decodes into a new value and then replaces *p whole: a field the document leaves out is
// zero, not what *p held; a copy sharing *p's slices is not written; a refused document
// changes nothing.
func (p *PaymentTerms) UnmarshalJSON(b []byte) error {
	var w paymentTermsJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*p = w.value()
	return nil
}

// UnmarshalJSON reads {"payment":{...},"ordered_at":"...","deliver_by":"..."}, strictly.
//
// It decodes into a new value and then replaces *t whole: a field the document leaves out is
// zero, not what *t held; a copy sharing *t's slices is not written; a refused document
// changes nothing.
func (t *Terms) UnmarshalJSON(b []byte) error {
	var w termsJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*t = w.value()
	return nil
}

type dueJSON struct {
	Installment installmentJSON `json:"installment"`
	Amount      JSONDecimal     `json:"amount"`
	Date        time.Time       `json:"date"`
}

// MarshalJSON writes {"installment":{...},"amount":"300.00","date":"..."}.
func (d Due) MarshalJSON() ([]byte, error) {
	if err := checkWrite("installment.share", d.Installment.Share); err != nil {
		return nil, err
	}
	if err := checkWrite("amount", d.Amount); err != nil {
		return nil, err
	}
	in := d.Installment
	return json.Marshal(dueJSON{installmentJSON{JSONDecimal{in.Share}, in.Due, in.Days}, JSONDecimal{d.Amount}, d.Date})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (d *Due) UnmarshalJSON(b []byte) error {
	var w dueJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*d = Due{Installment: w.Installment.value(), Amount: w.Amount.Decimal, Date: w.Date}
	return nil
}

type orderLineJSON struct {
	SKU       SKU         `json:"sku"`
	Quantity  JSONDecimal `json:"quantity"`
	UnitPrice JSONDecimal `json:"unit_price"`
}

// MarshalJSON writes {"sku":"...","quantity":"100","unit_price":"12.50"}.
func (l OrderLine) MarshalJSON() ([]byte, error) {
	if err := checkWrite("quantity", l.Quantity); err != nil {
		return nil, err
	}
	if err := checkWrite("unit_price", l.UnitPrice); err != nil {
		return nil, err
	}
	return json.Marshal(orderLineJSON{l.SKU, JSONDecimal{l.Quantity}, JSONDecimal{l.UnitPrice}})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (l *OrderLine) UnmarshalJSON(b []byte) error {
	var w orderLineJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*l = w.value()
	return nil
}

func (w *orderLineJSON) value() OrderLine {
	return OrderLine{SKU: w.SKU, Quantity: w.Quantity.Decimal, UnitPrice: w.UnitPrice.Decimal}
}

// orderJSON is an Order as it travels: its fields, by the same names, with its parts as wire shapes.
type orderJSON struct {
	ID       OrderID         `json:"id"`
	Buyer    CompanyID       `json:"buyer"`
	Seller   CompanyID       `json:"seller"`
	Lines    []orderLineJSON `json:"lines"`
	Currency string          `json:"currency"`
	Terms    termsJSON       `json:"terms"`
	Channel  Channel         `json:"channel"`
	PlacedAt time.Time       `json:"placed_at"`
}

// UnmarshalJSON reads an order, strictly.
//
// It decodes into a new value and then replaces *o whole: a field the document leaves out is
// zero, not what *o held; a copy sharing *o's slices is not written; a refused document
// changes nothing.
func (o *Order) UnmarshalJSON(b []byte) error {
	var w orderJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*o = Order{ID: w.ID, Buyer: w.Buyer, Seller: w.Seller, Lines: wire.Values(w.Lines, (*orderLineJSON).value),
		Currency: w.Currency, Terms: w.Terms.value(), Channel: w.Channel, PlacedAt: w.PlacedAt}
	return nil
}

type shipmentLineJSON struct {
	SKU      SKU         `json:"sku"`
	Shipped  JSONDecimal `json:"shipped"`
	Received JSONDecimal `json:"received"`
}

// MarshalJSON writes {"sku":"...","shipped":"100","received":"98"}.
func (l ShipmentLine) MarshalJSON() ([]byte, error) {
	if err := checkWrite("shipped", l.Shipped); err != nil {
		return nil, err
	}
	if err := checkWrite("received", l.Received); err != nil {
		return nil, err
	}
	return json.Marshal(shipmentLineJSON{l.SKU, JSONDecimal{l.Shipped}, JSONDecimal{l.Received}})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (l *ShipmentLine) UnmarshalJSON(b []byte) error {
	var w shipmentLineJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*l = w.value()
	return nil
}

func (w *shipmentLineJSON) value() ShipmentLine {
	return ShipmentLine{SKU: w.SKU, Shipped: w.Shipped.Decimal, Received: w.Received.Decimal}
}

// shipmentJSON is a Shipment as it travels: its fields, by the same names, its lines as wire shapes.
type shipmentJSON struct {
	ID         ShipmentID         `json:"id"`
	Order      OrderID            `json:"order"`
	Seller     CompanyID          `json:"seller"`
	Buyer      CompanyID          `json:"buyer"`
	Lines      []shipmentLineJSON `json:"lines"`
	ShippedAt  time.Time          `json:"shipped_at"`
	ReceivedAt time.Time          `json:"received_at"`
}

// UnmarshalJSON reads a shipment, strictly.
//
// It decodes into a new value and then replaces *s whole: a field the document leaves out is
// zero, not what *s held; a copy sharing *s's slices is not written; a refused document
// changes nothing.
func (s *Shipment) UnmarshalJSON(b []byte) error {
	var w shipmentJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*s = Shipment{ID: w.ID, Order: w.Order, Seller: w.Seller, Buyer: w.Buyer, Lines: wire.Values(w.Lines, (*shipmentLineJSON).value),
		ShippedAt: w.ShippedAt, ReceivedAt: w.ReceivedAt}
	return nil
}

type invoiceJSON struct {
	Number   InvoiceNumber `json:"number"`
	Seller   CompanyID     `json:"seller"`
	Buyer    CompanyID     `json:"buyer"`
	Orders   []OrderID     `json:"orders"`
	Amount   JSONDecimal   `json:"amount"`
	Currency string        `json:"currency"`
	IssuedAt time.Time     `json:"issued_at"`
	DueAt    time.Time     `json:"due_at"`
}

// MarshalJSON writes the invoice with its amount as a string.
func (inv Invoice) MarshalJSON() ([]byte, error) {
	if err := checkWrite("amount", inv.Amount); err != nil {
		return nil, err
	}
	return json.Marshal(invoiceJSON{inv.Number, inv.Seller, inv.Buyer, inv.Orders, JSONDecimal{inv.Amount},
		inv.Currency, inv.IssuedAt, inv.DueAt})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (inv *Invoice) UnmarshalJSON(b []byte) error {
	var w invoiceJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*inv = Invoice{Number: w.Number, Seller: w.Seller, Buyer: w.Buyer, Orders: w.Orders, Amount: w.Amount.Decimal,
		Currency: w.Currency, IssuedAt: w.IssuedAt, DueAt: w.DueAt}
	return nil
}

type paymentJSON struct {
	ID       PaymentID     `json:"id"`
	Payer    CompanyID     `json:"payer"`
	Payee    CompanyID     `json:"payee"`
	Invoice  InvoiceNumber `json:"invoice"`
	Amount   JSONDecimal   `json:"amount"`
	Currency string        `json:"currency"`
	PaidAt   time.Time     `json:"paid_at"`
}

// MarshalJSON writes the payment with its amount as a string.
func (p Payment) MarshalJSON() ([]byte, error) {
	if err := checkWrite("amount", p.Amount); err != nil {
		return nil, err
	}
	return json.Marshal(paymentJSON{p.ID, p.Payer, p.Payee, p.Invoice, JSONDecimal{p.Amount}, p.Currency, p.PaidAt})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (p *Payment) UnmarshalJSON(b []byte) error {
	var w paymentJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*p = Payment{ID: w.ID, Payer: w.Payer, Payee: w.Payee, Invoice: w.Invoice, Amount: w.Amount.Decimal,
		Currency: w.Currency, PaidAt: w.PaidAt}
	return nil
}
