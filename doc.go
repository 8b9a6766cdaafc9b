// Package b2bkit is the vocabulary of a B2B trade that every other package of the module speaks:
// the identities of companies, people and goods; money that is rounded once, at declared points, and
// split so the parts sum to the whole; the trade terms (交易条件) that set a B2B price — the payment
// schedule and the booking time — and the three flows of a trade (R15): the order (信息流), the
// shipment (物流) and the invoice and payment (资金流).
//
// # Money
//
// Money and quantities are shopspring/decimal values, never float64. Round rounds with a declared
// RoundingMode, RoundToIncrement rounds to 0.05 or to 10; Allocate splits a total by weights so the
// parts sum exactly to it; Terms.Schedule splits an order's total into installments the same way
// (PaymentTerms.SplitMinor is that split in minor units, Terms.DueDate the date of each).
// Untrusted numbers go through ParseDecimal, which refuses exponents and absurd lengths, and travel
// in JSON as strings (JSONDecimal). Loops over millions of amounts add int64 minor units (ToMinor,
// MinorSum) and convert once, with overflow checked.
//
// A number's limits are of its value, never of how it is written: 12.34 read from a numeric(38,20)
// column comes with 18 trailing zeros (coefficient 1234 x 10^18, exponent -20), and every package
// takes it as 12.34 — the same checks, results and errors. A value with a nineteenth significant
// place is refused however it is written. Where a record enters a package (a Validate, a store's
// Append, a stream read), such a number is put in its short form once, so the int64 fast paths after
// it see the amounts they expect; an ordinary amount costs nothing and keeps its own scale (12.30
// stays 12.30).
//
// # Terms
//
// PaymentTerms is a list of installments, each a share of the total due some days after the order or
// after delivery: CashOnDelivery (现款现货), Prepaid, Net(60) (账期), DepositBalance(30%, 60). Terms
// adds the order and delivery dates, from which follow the lead time (LeadDays) and the share-weighted
// credit period (CreditDays) that pricing charges for and risk finances. Only terms with a credit
// period (IsCredit) have a financial side (R16). Days are calendar days in the location of the times
// the caller gives. Validate passes plainly valid terms in one pass without allocating, since it runs
// on every quote and every recorded match.
//
// # Errors
//
// Every error matches one of ErrInvalid, ErrNotFound or ErrConflict with errors.Is. Bad input is a
// *FieldError naming the field by its JSON path ("terms.payment.installments[1].share: must be > 0");
// a missing or colliding record is a *RecordError naming its kind and id. Validate methods report every
// problem at once, joined. Nothing in the module panics on bad input.
//
// # Dependencies
//
// Besides the standard library the module uses github.com/shopspring/decimal (exact decimals),
// golang.org/x/exp (constraints for generic overflow-checked arithmetic, stats for float statistics),
// gonum.org/v1/gonum (the optimiser and special functions of funnel/clv's maximum-likelihood fits,
// the linear algebra of risk/scorecard's logistic regression) and, in tests, github.com/stretchr/testify.
package b2bkit
