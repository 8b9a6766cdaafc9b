package risk_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/stretchr/testify/require"
)

// Builders for hand-made histories: every record is in CNY at scale 2, days are UTC dates.

const featBuyer b2bkit.CompanyID = "golden-wok"

func featDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// featOrder is an order of one line worth total, on terms, placed and delivered on the same day.
func featOrder(id b2bkit.OrderID, seller b2bkit.CompanyID, placed time.Time, total string, terms b2bkit.PaymentTerms) b2bkit.Order {
	return b2bkit.Order{
		ID: id, Buyer: featBuyer, Seller: seller, Currency: "CNY", Channel: b2bkit.Manual, PlacedAt: placed,
		Lines: []b2bkit.OrderLine{{SKU: "RICE-25KG", Quantity: dectest.Dec("1"), UnitPrice: dectest.Dec(total)}},
		Terms: b2bkit.Terms{Payment: terms, OrderedAt: placed, DeliverBy: placed},
	}
}

func featInvoice(number b2bkit.InvoiceNumber, order b2bkit.OrderID, amount string, issued, due time.Time) b2bkit.Invoice {
	return b2bkit.Invoice{Number: number, Seller: "seller-1", Buyer: featBuyer, Orders: []b2bkit.OrderID{order},
		Amount: dectest.Dec(amount), Currency: "CNY", IssuedAt: issued, DueAt: due}
}

func featPayment(id b2bkit.PaymentID, invoice b2bkit.InvoiceNumber, amount string, paid time.Time) b2bkit.Payment {
	return b2bkit.Payment{ID: id, Payer: featBuyer, Payee: "seller-1", Invoice: invoice, Amount: dectest.Dec(amount),
		Currency: "CNY", PaidAt: paid}
}

// featSeq streams a slice, as a host's cursor would.
func featSeq[T any](xs ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// featFailing streams xs and then fails with err.
func featFailing[T any](err error, xs ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
		var zero T
		yield(zero, err)
	}
}

// featRecords is a history as slices, so a test can change it before streaming it.
type featRecords struct {
	orders   []b2bkit.Order
	invoices []b2bkit.Invoice
	payments []b2bkit.Payment
	wallets  []risk.Wallet
	people   risk.JobChanges
}

func (r featRecords) history() risk.History {
	return risk.History{Orders: featSeq(r.orders...), Invoices: featSeq(r.invoices...),
		Payments: featSeq(r.payments...), Wallets: featSeq(r.wallets...), People: r.people}
}

// featAsOf is the date the main history is read at: 15 June 2026, so the last month of every window
// runs from 16 May to 15 June 2026 and the first of the 12 from 16 June to 15 July 2025.
var featAsOf = featDay(2026, time.June, 15)

// featMain is a buyer of a year's standing with two sellers, late payments and a credit note. The
// comments give the figures the tests expect; records after featAsOf and of other buyers are mixed
// in and must change nothing.
func featMain() featRecords {
	net30, net60 := b2bkit.Net(30), b2bkit.Net(60)
	return featRecords{
		orders: []b2bkit.Order{
			featOrder("O0", "seller-1", featDay(2025, time.June, 20), "100.00", net30), // first order: tenure 11 months
			featOrder("O1", "seller-1", featDay(2025, time.July, 10), "300.00", net30),
			featOrder("O2", "seller-1", featDay(2025, time.September, 5), "300.00", net30),
			featOrder("O3", "seller-2", featDay(2026, time.January, 10), "600.00", net60),
			featOrder("O4", "seller-1", featDay(2026, time.April, 1), "200.00", net30),
			featOrder("O5", "seller-2", featDay(2026, time.May, 1), "400.00", net60),
			featOrder("O6", "seller-1", featDay(2026, time.June, 10), "300.00", net30),
			featOrder("O-future", "seller-3", featDay(2026, time.June, 16), "9999.00", net30),
			func() b2bkit.Order {
				o := featOrder("O-other", "seller-1", featDay(2026, time.June, 1), "5000.00", net30)
				o.Buyer = "jade-garden"
				return o
			}(),
		},
		invoices: []b2bkit.Invoice{
			featInvoice("I0", "O0", "100.00", featDay(2025, time.June, 20), featDay(2025, time.June, 30)),
			featInvoice("I1", "O1", "300.00", featDay(2025, time.July, 10), featDay(2025, time.August, 9)),
			featInvoice("I2", "O2", "300.00", featDay(2025, time.September, 5), featDay(2025, time.October, 5)),
			featInvoice("I3", "O3", "600.00", featDay(2026, time.January, 10), featDay(2026, time.March, 10)),
			featInvoice("CN1", "O3", "-30.00", featDay(2026, time.February, 1), featDay(2026, time.February, 1)),
			featInvoice("I4", "O4", "200.00", featDay(2026, time.April, 1), featDay(2026, time.May, 1)),
			featInvoice("I5", "O5", "400.00", featDay(2026, time.May, 1), featDay(2026, time.June, 10)),
			featInvoice("I6", "O6", "300.00", featDay(2026, time.June, 10), featDay(2026, time.July, 10)),
			featInvoice("I-future", "O-future", "9999.00", featDay(2026, time.June, 20), featDay(2026, time.July, 20)),
			func() b2bkit.Invoice {
				inv := featInvoice("I-other", "O-other", "5000.00", featDay(2026, time.June, 1), featDay(2026, time.June, 2))
				inv.Buyer = "jade-garden"
				return inv
			}(),
		},
		payments: []b2bkit.Payment{
			featPayment("P0", "I0", "100.00", featDay(2025, time.June, 25)),  // on time
			featPayment("P1", "I1", "300.00", featDay(2025, time.August, 1)), // on time
			featPayment("P2b", "I2", "200.00", featDay(2025, time.October, 15)),
			featPayment("P2a", "I2", "100.00", featDay(2025, time.October, 1)), // I2 paid in full 10 days late
			featPayment("P3", "I3", "600.00", featDay(2026, time.May, 19)),     // 70 days late
			featPayment("P4", "I4", "50.00", featDay(2026, time.May, 1)),       // 150 left, 45 days past due
			featPayment("P5-future", "I5", "400.00", featDay(2026, time.June, 20)),
			featPayment("P-other", "I-other", "5000.00", featDay(2026, time.June, 2)),
		},
		wallets: []risk.Wallet{
			{Company: featBuyer, Monthly: dectest.Dec("800"), Method: "survey", AsOf: featDay(2025, time.December, 1)},
			{Company: featBuyer, Monthly: dectest.Dec("1000"), Method: "bank statement", AsOf: featDay(2026, time.January, 1)},
			{Company: featBuyer, Monthly: dectest.Dec("50"), Method: "survey", AsOf: featDay(2026, time.July, 1)},
			{Company: "jade-garden", Monthly: dectest.Dec("7"), Method: "survey", AsOf: featDay(2026, time.February, 1)},
		},
	}
}

// featChanges is a People over a fixed list of job changes, oldest first.
type featChanges []crm.JobChange

func (c featChanges) JobChanges(_ context.Context, since time.Time) iter.Seq2[crm.JobChange, error] {
	return func(yield func(crm.JobChange, error) bool) {
		for _, jc := range c {
			if jc.At.Before(since) {
				continue
			}
			if !yield(jc, nil) {
				return
			}
		}
	}
}

// featBrokenPeople fails as a CRM whose store is down.
type featBrokenPeople struct{ err error }

func (b featBrokenPeople) JobChanges(context.Context, time.Time) iter.Seq2[crm.JobChange, error] {
	return func(yield func(crm.JobChange, error) bool) { yield(crm.JobChange{}, b.err) }
}

var errFeatCursor = errors.New("cursor closed: connection reset")

// featOf is the feature set of featBuyer from h as of asOf, which must compute without error.
func featOf(t *testing.T, h risk.History, asOf time.Time) risk.FeatureSet {
	t.Helper()
	fs, err := risk.Features(featBuyer, h, asOf)
	require.NoError(t, err)
	return fs
}
