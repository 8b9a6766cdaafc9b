package b2bkit

// A CompanyID identifies a company — a buyer, a seller, a customer account, the platform itself —
// in the host's system. b2bkit never invents or parses it.
type CompanyID string

// A PersonID identifies one person across every employer they have had (R3). It is never a phone
// number or an e-mail address, so it can be logged and put in error messages.
type PersonID string

// A SKU identifies one sellable article: the same goods in the same pack, whoever sells them.
type SKU string

// An OrderID identifies an order, the information flow of a trade (R15).
type OrderID string

// A ShipmentID identifies a shipment, the logistics flow of a trade (R15).
type ShipmentID string

// An InvoiceNumber is the number the seller printed on an invoice or credit note; with the debtor,
// amount and due date it fingerprints a receivable (R19).
type InvoiceNumber string

// A PaymentID identifies one transfer of money, the capital flow of a trade (R15).
type PaymentID string
