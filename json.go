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
	*in = Installment{Share: w.Share.Decimal, Due: w.Due, Days: w.Days}
	return nil
}

// UnmarshalJSON reads {"installments":[...]}, strictly.
//
// It decodes into a new value and then replaces *p whole: a field the document leaves out is
// zero, not what *p held; a copy sharing *p's slices is not written; a refused document
// changes nothing.
func (p *PaymentTerms) UnmarshalJSON(b []byte) error {
	type plain PaymentTerms
	var w plain
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*p = PaymentTerms(w)
	return nil
}

// UnmarshalJSON reads {"payment":{...},"ordered_at":"...","deliver_by":"..."}, strictly.
//
// It decodes into a new value and then replaces *t whole: a field the document leaves out is
// zero, not what *t held; a copy sharing *t's slices is not written; a refused document
// changes nothing.
func (t *Terms) UnmarshalJSON(b []byte) error {
	type plain Terms
	var w plain
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*t = Terms(w)
	return nil
}

type dueJSON struct {
	Installment Installment `json:"installment"`
	Amount      JSONDecimal `json:"amount"`
	Date        time.Time   `json:"date"`
}

// MarshalJSON writes {"installment":{...},"amount":"300.00","date":"..."}.
func (d Due) MarshalJSON() ([]byte, error) {
	if err := checkWrite("installment.share", d.Installment.Share); err != nil {
		return nil, err
	}
	if err := checkWrite("amount", d.Amount); err != nil {
		return nil, err
	}
	return json.Marshal(dueJSON{d.Installment, JSONDecimal{d.Amount}, d.Date})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (d *Due) UnmarshalJSON(b []byte) error {
	var w dueJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*d = Due{Installment: w.Installment, Amount: w.Amount.Decimal, Date: w.Date}
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
	*l = OrderLine{SKU: w.SKU, Quantity: w.Quantity.Decimal, UnitPrice: w.UnitPrice.Decimal}
	return nil
}

// UnmarshalJSON reads an order, strictly.
//
// It decodes into a new value and then replaces *o whole: a field the document leaves out is
// zero, not what *o held; a copy sharing *o's slices is not written; a refused document
// changes nothing.
func (o *Order) UnmarshalJSON(b []byte) error {
	type plain Order
	var w plain
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*o = Order(w)
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
	*l = ShipmentLine{SKU: w.SKU, Shipped: w.Shipped.Decimal, Received: w.Received.Decimal}
	return nil
}

// UnmarshalJSON reads a shipment, strictly.
//
// It decodes into a new value and then replaces *s whole: a field the document leaves out is
// zero, not what *s held; a copy sharing *s's slices is not written; a refused document
// changes nothing.
func (s *Shipment) UnmarshalJSON(b []byte) error {
	type plain Shipment
	var w plain
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*s = Shipment(w)
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
