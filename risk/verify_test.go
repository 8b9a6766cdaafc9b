package risk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifyPlaced is when the clean trade's order was placed; verifyDay(n) is n days later.
var verifyPlaced = time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC)

func verifyDay(n int) time.Time { return verifyPlaced.AddDate(0, 0, n) }

// verifyCleanTrade is a trade whose three flows agree: 100 RICE at 12.50 and 20 OIL at 80 (2850.00)
// on net 30, delivered in two shipments of 60% and 40%, both received, invoiced in full after the
// second, and 1000.00 paid by the buyer.
func verifyCleanTrade() risk.Trade {
	o := b2bkit.Order{
		ID: "O-1", Buyer: "B-1", Seller: "S-1", Currency: "CNY", Channel: b2bkit.Manual, PlacedAt: verifyPlaced,
		Lines: []b2bkit.OrderLine{
			{SKU: "RICE", Quantity: dectest.Dec("100"), UnitPrice: dectest.Dec("12.50")},
			{SKU: "OIL", Quantity: dectest.Dec("20"), UnitPrice: dectest.Dec("80")},
		},
		Terms: b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: verifyPlaced, DeliverBy: verifyDay(7)},
	}
	ship := func(id b2bkit.ShipmentID, rice, oil string, at, got int) b2bkit.Shipment {
		return b2bkit.Shipment{ID: id, Order: "O-1", Seller: "S-1", Buyer: "B-1", ShippedAt: verifyDay(at), ReceivedAt: verifyDay(got),
			Lines: []b2bkit.ShipmentLine{
				{SKU: "RICE", Shipped: dectest.Dec(rice), Received: dectest.Dec(rice)},
				{SKU: "OIL", Shipped: dectest.Dec(oil), Received: dectest.Dec(oil)},
			}}
	}
	return risk.Trade{
		Order:     o,
		Shipments: []b2bkit.Shipment{ship("S-1", "60", "12", 2, 4), ship("S-2", "40", "8", 5, 6)},
		Invoices:  []b2bkit.Invoice{verifyInvoice("INV-1", "2850.00", 6)},
		Payments:  []b2bkit.Payment{verifyPayment("P-1", "INV-1", "1000.00", 20)},
	}
}

func verifyInvoice(n b2bkit.InvoiceNumber, amount string, issued int) b2bkit.Invoice {
	return b2bkit.Invoice{Number: n, Seller: "S-1", Buyer: "B-1", Orders: []b2bkit.OrderID{"O-1"}, Amount: dectest.Dec(amount),
		Currency: "CNY", IssuedAt: verifyDay(issued), DueAt: verifyDay(issued + 30)}
}

func verifyPayment(id b2bkit.PaymentID, inv b2bkit.InvoiceNumber, amount string, at int) b2bkit.Payment {
	return b2bkit.Payment{ID: id, Payer: "B-1", Payee: "S-1", Invoice: inv, Amount: dectest.Dec(amount), Currency: "CNY", PaidAt: verifyDay(at)}
}

// verifyCodes is the set of codes of a verdict, sorted.
func verifyCodes(v risk.Verdict) []risk.Code {
	var cs []risk.Code
	for _, e := range v.Exceptions {
		if !slices.Contains(cs, e.Code) {
			cs = append(cs, e.Code)
		}
	}
	slices.Sort(cs)
	return cs
}

func verifyRequireCodes(t *testing.T, v risk.Verdict, want ...risk.Code) {
	t.Helper()
	require.NoError(t, v.Err)
	w := slices.Clone(want)
	slices.Sort(w)
	require.Equal(t, w, verifyCodes(v), "exceptions: %+v", v.Exceptions)
}

func TestR18_CleanTradeTwoPartialDeliveries(t *testing.T) {
	tr := verifyCleanTrade()
	require.NoError(t, tr.Validate())
	v := risk.VerifyTrade(tr, risk.Tolerances{})
	require.NoError(t, v.Err)
	require.Equal(t, risk.Consistent, v.Status, "exceptions: %+v", v.Exceptions)
	require.Empty(t, v.Exceptions)
	f := v.Financeable
	dectest.RequireEqual(t, dectest.Dec("2850"), f.Ordered)
	dectest.RequireEqual(t, dectest.Dec("2850"), f.Received) // 100 x 12.50 + 20 x 80
	dectest.RequireEqual(t, dectest.Dec("2850"), f.Invoiced)
	dectest.RequireEqual(t, dectest.Dec("1850"), f.Unpaid)
	dectest.RequireEqual(t, dectest.Dec("1850"), f.Amount)
}

func TestR18_FakedTrade(t *testing.T) {
	tr := verifyCleanTrade()
	tr.Shipments = tr.Shipments[:1]                                   // only 60% delivered: 60 x 12.50 + 12 x 80 = 1710
	tr.Invoices = []b2bkit.Invoice{verifyInvoice("INV-1", "2850", 1)} // a day before anything left
	tr.Payments[0].Payer = "X-9"                                      // paid by a third party
	v := risk.VerifyTrade(tr, risk.Tolerances{})
	require.Equal(t, risk.Exceptions, v.Status)
	verifyRequireCodes(t, v, risk.CodePayerNotBuyer, risk.CodeReceivedLessThanInvoiced, risk.CodeInvoicedBeforeShipment)
	require.Len(t, v.Exceptions, 3)
	for _, e := range v.Exceptions {
		switch e.Code {
		case risk.CodePayerNotBuyer:
			assert.Equal(t, "payment P-1", e.Record)
			assert.Equal(t, "payer", e.Field)
			assert.Equal(t, "payer B-1", e.Want)
			assert.Equal(t, "payer X-9", e.Got)
		case risk.CodeReceivedLessThanInvoiced:
			assert.Equal(t, "received 1710", e.Want)
			assert.Equal(t, "invoiced 2850", e.Got)
		case risk.CodeInvoicedBeforeShipment:
			assert.Equal(t, "invoice INV-1", e.Record)
			assert.Equal(t, "first shipped 2026-08-05", e.Want)
			assert.Equal(t, "issued 2026-08-04", e.Got)
		}
		assert.NotEmpty(t, e.Message)
	}
	dectest.RequireEqual(t, dectest.Dec("1710"), v.Financeable.Received)
	dectest.RequireEqual(t, decimal.Zero, v.Financeable.Amount) // nothing is financed on a trade with exceptions
}

func TestR18_OneRowPerCode(t *testing.T) {
	lenient := risk.Tolerances{Quantity: risk.Tolerance{Absolute: dectest.Dec("10")}}
	cases := []struct {
		name   string
		tol    risk.Tolerances
		change func(tr *risk.Trade)
		status risk.Status
		codes  []risk.Code
	}{
		{"no_shipment", risk.Tolerances{}, func(tr *risk.Trade) { tr.Shipments = nil },
			risk.NotATrade, []risk.Code{risk.CodeNoShipment, risk.CodeReceivedLessThanInvoiced}},
		{"nothing_received", risk.Tolerances{}, func(tr *risk.Trade) {
			tr.Invoices, tr.Payments = nil, nil
			for i := range tr.Shipments {
				tr.Shipments[i].ReceivedAt = time.Time{}
				for j := range tr.Shipments[i].Lines {
					tr.Shipments[i].Lines[j].Received = decimal.Zero
				}
			}
		}, risk.NotATrade, []risk.Code{risk.CodeNothingReceived, risk.CodeShippedNotReceived}},
		{"unrelated_party", risk.Tolerances{}, func(tr *risk.Trade) { tr.Payments[0].Payer, tr.Payments[0].Payee = "X-1", "Y-1" },
			risk.NotATrade, []risk.Code{risk.CodeUnrelatedParty}},
		{"shipment_parties_mismatch", risk.Tolerances{}, func(tr *risk.Trade) { tr.Shipments[1].Buyer = "B-2" },
			risk.Exceptions, []risk.Code{risk.CodeShipmentPartiesMismatch}},
		{"invoice_parties_mismatch", risk.Tolerances{}, func(tr *risk.Trade) { tr.Invoices[0].Seller = "S-9" },
			risk.Exceptions, []risk.Code{risk.CodeInvoicePartiesMismatch}},
		{"payer_not_buyer", risk.Tolerances{}, func(tr *risk.Trade) { tr.Payments[0].Payer = "X-1" },
			risk.Exceptions, []risk.Code{risk.CodePayerNotBuyer}},
		{"payee_not_seller", risk.Tolerances{}, func(tr *risk.Trade) { tr.Payments[0].Payee = "X-1" },
			risk.Exceptions, []risk.Code{risk.CodePayeeNotSeller}},
		{"sku_not_ordered", risk.Tolerances{}, func(tr *risk.Trade) {
			tr.Shipments[1].Lines = append(tr.Shipments[1].Lines, b2bkit.ShipmentLine{SKU: "SUGAR", Shipped: dectest.Dec("5"), Received: dectest.Dec("5")})
		}, risk.Exceptions, []risk.Code{risk.CodeSKUNotOrdered}},
		{"shipped_above_ordered", risk.Tolerances{}, func(tr *risk.Trade) {
			tr.Shipments[1].Lines[0].Shipped, tr.Shipments[1].Lines[0].Received = dectest.Dec("50"), dectest.Dec("50")
		}, risk.Exceptions, []risk.Code{risk.CodeShippedAboveOrdered}},
		{"shipped_not_received", risk.Tolerances{}, func(tr *risk.Trade) {
			tr.Shipments[1].Lines[0].Received = dectest.Dec("30")
			tr.Invoices[0].Amount = dectest.Dec("2725") // billed for what arrived
		}, risk.Exceptions, []risk.Code{risk.CodeShippedNotReceived}},
		{"received_less_than_invoiced", risk.Tolerances{}, func(tr *risk.Trade) {
			tr.Shipments[1].Lines[0].Shipped, tr.Shipments[1].Lines[0].Received = dectest.Dec("30"), dectest.Dec("30")
		}, risk.Exceptions, []risk.Code{risk.CodeReceivedLessThanInvoiced}},
		{"invoiced_above_ordered", lenient, func(tr *risk.Trade) {
			tr.Shipments[1].Lines[0].Shipped, tr.Shipments[1].Lines[0].Received = dectest.Dec("50"), dectest.Dec("50")
			tr.Invoices[0].Amount = dectest.Dec("2975")
		}, risk.Exceptions, []risk.Code{risk.CodeInvoicedAboveOrdered}},
		{"invoiced_before_shipment", risk.Tolerances{}, func(tr *risk.Trade) { tr.Invoices[0] = verifyInvoice("INV-1", "2850", 1) },
			risk.Exceptions, []risk.Code{risk.CodeInvoicedBeforeShipment}},
		{"payment_above_invoiced", risk.Tolerances{}, func(tr *risk.Trade) { tr.Payments[0].Amount = dectest.Dec("3000") },
			risk.Exceptions, []risk.Code{risk.CodePaymentAboveInvoiced}},
		{"payment_above_invoiced after a credit note", risk.Tolerances{}, func(tr *risk.Trade) {
			tr.Invoices = append(tr.Invoices, verifyInvoice("CN-1", "-2000", 9))
			tr.Payments[0].Amount = dectest.Dec("2850")
		}, risk.Exceptions, []risk.Code{risk.CodePaymentAboveInvoiced}},
		{"duplicate_invoice_number", risk.Tolerances{}, func(tr *risk.Trade) { tr.Invoices = append(tr.Invoices, verifyInvoice("INV-1", "2850", 7)) },
			risk.Exceptions, []risk.Code{risk.CodeDuplicateInvoiceNumber}},
		{"currency_mismatch", risk.Tolerances{}, func(tr *risk.Trade) { tr.Payments[0].Currency = "USD" },
			risk.Exceptions, []risk.Code{risk.CodeCurrencyMismatch}},
		{"dates_out_of_order", risk.Tolerances{}, func(tr *risk.Trade) { tr.Shipments[0].ShippedAt = verifyDay(-2) },
			risk.Exceptions, []risk.Code{risk.CodeDatesOutOfOrder}},
		{"a credit note within the invoice is consistent", risk.Tolerances{}, func(tr *risk.Trade) {
			tr.Invoices = append(tr.Invoices, verifyInvoice("CN-1", "-100", 9))
		}, risk.Consistent, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := verifyCleanTrade()
			c.change(&tr)
			v := risk.VerifyTrade(tr, c.tol)
			verifyRequireCodes(t, v, c.codes...)
			require.Equal(t, c.status, v.Status)
			for _, code := range c.codes {
				require.True(t, v.Has(code))
			}
			if c.status != risk.Consistent {
				dectest.RequireEqual(t, decimal.Zero, v.Financeable.Amount)
			}
		})
	}
}

func TestR18_DuplicateAndForeignInvoicesAreLeftOutOfTheSums(t *testing.T) {
	tr := verifyCleanTrade()
	dup := verifyInvoice("INV-1", "2850", 7)
	usd := verifyInvoice("INV-2", "400", 7)
	usd.Currency = "USD"
	tr.Invoices = append(tr.Invoices, dup, usd)
	v := risk.VerifyTrade(tr, risk.Tolerances{})
	verifyRequireCodes(t, v, risk.CodeDuplicateInvoiceNumber, risk.CodeCurrencyMismatch)
	dectest.RequireEqual(t, dectest.Dec("2850"), v.Financeable.Invoiced)
}

func TestR18_Tolerances(t *testing.T) {
	abs := func(s string) risk.Tolerance { return risk.Tolerance{Absolute: dectest.Dec(s)} }
	rel := func(s string) risk.Tolerance { return risk.Tolerance{Relative: dectest.Dec(s)} }
	overBilled := func(tr *risk.Trade) { tr.Invoices[0].Amount = dectest.Dec("2850.01") }
	// 1 of 40 RICE lost (2.5% of the shipment), billed for what arrived.
	lost := func(tr *risk.Trade) {
		tr.Shipments[1].Lines[0].Received = dectest.Dec("39")
		tr.Invoices[0].Amount = dectest.Dec("2837.50")
	}
	// invoiced the day after the first shipment was packed, a day before it left.
	early := func(tr *risk.Trade) { tr.Invoices[0].IssuedAt = verifyDay(1) }
	cases := []struct {
		name   string
		change func(*risk.Trade)
		tol    risk.Tolerances
		codes  []risk.Code
	}{
		{"amount strict", overBilled, risk.Tolerances{}, []risk.Code{risk.CodeReceivedLessThanInvoiced, risk.CodeInvoicedAboveOrdered}},
		{"amount within absolute", overBilled, risk.Tolerances{Amount: abs("0.01")}, nil},
		{"amount beyond absolute", overBilled, risk.Tolerances{Amount: abs("0.009")}, []risk.Code{risk.CodeReceivedLessThanInvoiced, risk.CodeInvoicedAboveOrdered}},
		{"amount within relative", overBilled, risk.Tolerances{Amount: rel("0.00001")}, nil}, // 0.0285 allowed
		{"amount beyond relative", overBilled, risk.Tolerances{Amount: rel("0.000001")}, []risk.Code{ // 0.00285 allowed
			risk.CodeReceivedLessThanInvoiced, risk.CodeInvoicedAboveOrdered}},
		{"quantity strict", lost, risk.Tolerances{}, []risk.Code{risk.CodeShippedNotReceived}},
		{"quantity within absolute", lost, risk.Tolerances{Quantity: abs("1")}, nil},
		{"quantity beyond absolute", lost, risk.Tolerances{Quantity: abs("0.5")}, []risk.Code{risk.CodeShippedNotReceived}},
		{"quantity within relative", lost, risk.Tolerances{Quantity: rel("0.025")}, nil},
		{"quantity beyond relative", lost, risk.Tolerances{Quantity: rel("0.02")}, []risk.Code{risk.CodeShippedNotReceived}},
		{"either tolerance suffices", lost, risk.Tolerances{Quantity: risk.Tolerance{Absolute: dectest.Dec("0.5"), Relative: dectest.Dec("0.025")}}, nil},
		{"days strict", early, risk.Tolerances{}, []risk.Code{risk.CodeInvoicedBeforeShipment}},
		{"days within", early, risk.Tolerances{Days: 1}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := verifyCleanTrade()
			c.change(&tr)
			v := risk.VerifyTrade(tr, c.tol)
			verifyRequireCodes(t, v, c.codes...)
		})
	}
}

func TestTolerance_AllowsIsMonotone(t *testing.T) {
	// Property: a looser tolerance never rejects what a tighter one allows, and nothing at or below
	// the reference is ever rejected.
	tight := risk.Tolerance{Absolute: dectest.Dec("1"), Relative: dectest.Dec("0.01")}
	loose := risk.Tolerance{Absolute: dectest.Dec("2"), Relative: dectest.Dec("0.05")}
	for want := int64(-50); want <= 300; want += 7 {
		for got := int64(-60); got <= 330; got += 3 {
			w, g := decimal.New(want, -1), decimal.New(got, -1)
			if tight.Allows(w, g) {
				require.True(t, loose.Allows(w, g), "want %s got %s", w, g)
			}
			if g.Cmp(w) <= 0 {
				require.True(t, risk.Tolerance{}.Allows(w, g))
			} else {
				require.False(t, risk.Tolerance{}.Allows(w, g))
			}
		}
	}
}

func TestR15_AllThreeFlowsAreRead(t *testing.T) {
	cases := []struct {
		flow   string
		change func(*risk.Trade)
		code   risk.Code
	}{
		{"information (the order)", func(tr *risk.Trade) { tr.Order.Lines[0].Quantity = dectest.Dec("90") }, risk.CodeShippedAboveOrdered},
		{"logistics (the receipt)", func(tr *risk.Trade) {
			tr.Shipments[1].ReceivedAt = time.Time{}
			for i := range tr.Shipments[1].Lines {
				tr.Shipments[1].Lines[i].Received = decimal.Zero
			}
		}, risk.CodeShippedNotReceived},
		{"capital (the invoice)", func(tr *risk.Trade) { tr.Invoices[0].Buyer = "B-7" }, risk.CodeInvoicePartiesMismatch},
		{"capital (the payment)", func(tr *risk.Trade) { tr.Payments[0].Payee = "S-7" }, risk.CodePayeeNotSeller},
	}
	require.Equal(t, risk.Consistent, risk.VerifyTrade(verifyCleanTrade(), risk.Tolerances{}).Status)
	for _, c := range cases {
		t.Run(c.flow, func(t *testing.T) {
			tr := verifyCleanTrade()
			c.change(&tr)
			v := risk.VerifyTrade(tr, risk.Tolerances{})
			require.NoError(t, v.Err)
			require.NotEqual(t, risk.Consistent, v.Status)
			require.True(t, v.Has(c.code), "exceptions: %+v", v.Exceptions)
		})
	}
}

func TestR18_BadInputIsInvalidAndNamesTheField(t *testing.T) {
	cases := []struct {
		name   string
		change func(*risk.Trade)
		tol    risk.Tolerances
		field  string
	}{
		{"zero order quantity", func(tr *risk.Trade) { tr.Order.Lines[0].Quantity = decimal.Zero }, risk.Tolerances{}, "order.lines[0].quantity: must be > 0"},
		{"negative payment", func(tr *risk.Trade) { tr.Payments[0].Amount = dectest.Dec("-5") }, risk.Tolerances{}, "payments[0].amount: must be > 0"},
		{"zero invoice", func(tr *risk.Trade) { tr.Invoices[0].Amount = decimal.Zero }, risk.Tolerances{}, "invoices[0].amount: must not be zero"},
		{"received above shipped", func(tr *risk.Trade) { tr.Shipments[1].Lines[0].Received = dectest.Dec("41") }, risk.Tolerances{},
			"shipments[1].lines[0].received: must not exceed shipped"},
		{"credit note larger than its invoice", func(tr *risk.Trade) {
			tr.Invoices = append(tr.Invoices, verifyInvoice("CN-1", "-3000", 9))
		}, risk.Tolerances{}, "invoices[1].amount: credit notes of 3000 exceed the 2850 invoiced"},
		{"shipment of another order", func(tr *risk.Trade) { tr.Shipments[1].Order = "O-2" }, risk.Tolerances{}, "shipments[1].order: must be O-1"},
		{"invoice of two orders", func(tr *risk.Trade) { tr.Invoices[0].Orders = []b2bkit.OrderID{"O-1", "O-2"} }, risk.Tolerances{}, "invoices[0].orders: must be [O-1]"},
		{"payment of another invoice", func(tr *risk.Trade) { tr.Payments[0].Invoice = "INV-9" }, risk.Tolerances{}, "payments[0].invoice: must be an invoice of the trade"},
		{"payment against a credit note", func(tr *risk.Trade) {
			tr.Invoices = append(tr.Invoices, verifyInvoice("CN-1", "-10", 9))
			tr.Payments[0].Invoice = "CN-1"
		}, risk.Tolerances{}, "payments[0].invoice: is a credit note"},
		{"one shipment twice", func(tr *risk.Trade) { tr.Shipments[1].ID = "S-1" }, risk.Tolerances{}, "shipments[1].id: duplicates shipments[0]"},
		{"one payment twice", func(tr *risk.Trade) { tr.Payments = append(tr.Payments, tr.Payments[0]) }, risk.Tolerances{}, "payments[1].id: duplicates payments[0]"},
		{"negative days", func(*risk.Trade) {}, risk.Tolerances{Days: -1}, "tolerances.days: must be between 0 and 366"},
		{"relative above one", func(*risk.Trade) {}, risk.Tolerances{Amount: risk.Tolerance{Relative: dectest.Dec("1.5")}}, "tolerances.amount.relative"},
		{"negative absolute", func(*risk.Trade) {}, risk.Tolerances{Quantity: risk.Tolerance{Absolute: dectest.Dec("-1")}}, "tolerances.quantity.absolute"},
		// Numbers written with an exponent near ±2³¹ are refused before anything compares them:
		// scaled to another's exponent they took minutes and gigabytes.
		{"order quantity at a huge exponent", func(tr *risk.Trade) { tr.Order.Lines[0].Quantity = decimal.New(1, math.MinInt32) }, risk.Tolerances{},
			"order.lines[0].quantity: must have at most 18 decimal places"},
		{"received at a huge exponent", func(tr *risk.Trade) { tr.Shipments[1].Lines[0].Received = decimal.New(1, math.MaxInt32) }, risk.Tolerances{},
			"shipments[1].lines[0].received: must have at most 18 decimal places"},
		{"payment at a huge exponent", func(tr *risk.Trade) { tr.Payments[0].Amount = decimal.New(1, -40) }, risk.Tolerances{},
			"payments[0].amount: must have at most 18 decimal places"},
		{"relative tolerance at a huge exponent", func(*risk.Trade) {}, risk.Tolerances{Amount: risk.Tolerance{Relative: decimal.New(1, math.MinInt32)}},
			"tolerances.amount.relative"},
		{"absolute tolerance at a huge exponent", func(*risk.Trade) {}, risk.Tolerances{Quantity: risk.Tolerance{Absolute: decimal.New(1, math.MaxInt32)}},
			"tolerances.quantity.absolute"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := verifyCleanTrade()
			c.change(&tr)
			v := risk.VerifyTrade(tr, c.tol)
			require.Equal(t, risk.Invalid, v.Status)
			require.ErrorIs(t, v.Err, b2bkit.ErrInvalid)
			require.Contains(t, v.Err.Error(), c.field)
			require.True(t, strings.HasPrefix(v.Err.Error(), "risk: "), v.Err.Error())
			require.Empty(t, v.Exceptions)
			if !strings.HasPrefix(c.field, "tolerances.") { // the trade itself is bad: Validate says the same
				err := tr.Validate()
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.Contains(t, err.Error(), c.field)
			}
		})
	}
}

func TestTrade_ValidateReportsEveryProblem(t *testing.T) {
	tr := verifyCleanTrade()
	tr.Shipments[0].Order = "O-9"
	tr.Invoices[0].Currency = "cny"
	tr.Payments[0].Amount = decimal.Zero
	err := tr.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, f := range []string{"shipments[0].order", "invoices[0].currency", "payments[0].amount"} {
		require.Contains(t, err.Error(), f)
	}
}

func TestTolerances_JSONRoundTrip(t *testing.T) {
	in := risk.Tolerances{Quantity: risk.Tolerance{Absolute: dectest.Dec("0.5")}, Amount: risk.Tolerance{Absolute: dectest.Dec("0.01"), Relative: dectest.Dec("0.02")}, Days: 2}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	require.JSONEq(t, `{"quantity":{"absolute":"0.5","relative":"0"},"amount":{"absolute":"0.01","relative":"0.02"},"days":2}`, string(b))
	out, err := risk.LoadTolerances(strings.NewReader(string(b)))
	require.NoError(t, err)
	dectest.RequireEqual(t, in.Quantity.Absolute, out.Quantity.Absolute)
	dectest.RequireEqual(t, in.Amount.Absolute, out.Amount.Absolute)
	dectest.RequireEqual(t, in.Amount.Relative, out.Amount.Relative)
	require.Equal(t, 2, out.Days)

	for _, bad := range []string{
		`{"days": 2, "slack": 1}`,
		`{"amount": {"absolute": "-1"}}`,
		`{"amount": {"absolute": "1e9"}}`,
		`{"days": 400}`,
		`{"quantity": {"relative": "1.01"}}`,
		`[]`,
	} {
		_, err := risk.LoadTolerances(strings.NewReader(bad))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, bad)
		require.True(t, strings.HasPrefix(err.Error(), "risk: "), err.Error())
	}
	_, err = risk.LoadTolerances(strings.NewReader(`{"days": 1}` + strings.Repeat(" ", 1<<20)))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = risk.LoadTolerances(verifyFailingReader{})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

type verifyFailingReader struct{}

func (verifyFailingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestStatus_Words(t *testing.T) {
	for _, s := range []risk.Status{risk.Consistent, risk.Exceptions, risk.NotATrade, risk.Invalid} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back risk.Status
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, s, back)
	}
	require.Equal(t, "not_a_trade", risk.NotATrade.String())
	require.Equal(t, "Status(0)", risk.Status(0).String())
	_, err := risk.Status(0).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	var s risk.Status
	require.ErrorIs(t, s.UnmarshalText([]byte("fine")), b2bkit.ErrInvalid)
}

func TestR18_ManySKUsUseTheSameRules(t *testing.T) {
	// More SKUs than a linear scan handles: the map path must agree with the scan.
	tr := verifyCleanTrade()
	tr.Order.Lines = nil
	tr.Shipments = tr.Shipments[:1]
	tr.Shipments[0].Lines = nil
	for i := range 40 {
		sku := b2bkit.SKU("SKU-" + string(rune('A'+i%26)) + string(rune('a'+i/26)))
		tr.Order.Lines = append(tr.Order.Lines, b2bkit.OrderLine{SKU: sku, Quantity: dectest.Dec("10"), UnitPrice: dectest.Dec("2")})
		tr.Shipments[0].Lines = append(tr.Shipments[0].Lines, b2bkit.ShipmentLine{SKU: sku, Shipped: dectest.Dec("10"), Received: dectest.Dec("10")})
	}
	tr.Order.Lines = append(tr.Order.Lines, b2bkit.OrderLine{SKU: "SKU-Aa", Quantity: dectest.Dec("5"), UnitPrice: dectest.Dec("3")})
	tr.Shipments[0].Lines[0].Shipped, tr.Shipments[0].Lines[0].Received = dectest.Dec("16"), dectest.Dec("16")
	// 40 x 10 x 2 + 5 x 3 = 815 ordered; received 16 of SKU-Aa: 10 x 2 + 5 x 3 + 1 x 3 beyond = 38, total 818.
	tr.Invoices[0].Amount = dectest.Dec("815")
	tr.Payments[0].Amount = dectest.Dec("500")
	v := risk.VerifyTrade(tr, risk.Tolerances{})
	verifyRequireCodes(t, v, risk.CodeShippedAboveOrdered)
	dectest.RequireEqual(t, dectest.Dec("815"), v.Financeable.Ordered)
	dectest.RequireEqual(t, dectest.Dec("818"), v.Financeable.Received)
	require.Equal(t, "order O-1", v.Exceptions[0].Record)
	require.Equal(t, "lines[0].quantity", v.Exceptions[0].Field)
	require.Equal(t, "ordered 15", v.Exceptions[0].Want)
	require.Equal(t, "shipped 16", v.Exceptions[0].Got)
}

func TestR18_ManyRecordsUseTheSameRules(t *testing.T) {
	// More records than a scan handles: duplicates and references are found through maps, with the
	// same answers.
	build := func() risk.Trade {
		tr := verifyCleanTrade()
		tr.Order.Lines = tr.Order.Lines[:1] // 100 RICE at 12.50
		tr.Shipments, tr.Invoices, tr.Payments = nil, nil, nil
		for i := range 20 {
			tr.Shipments = append(tr.Shipments, b2bkit.Shipment{ID: b2bkit.ShipmentID(fmt.Sprint("S-", i)), Order: "O-1", Seller: "S-1", Buyer: "B-1",
				ShippedAt: verifyDay(1), ReceivedAt: verifyDay(2),
				Lines: []b2bkit.ShipmentLine{{SKU: "RICE", Shipped: dectest.Dec("5"), Received: dectest.Dec("5")}}})
			n := b2bkit.InvoiceNumber(fmt.Sprint("INV-", i))
			tr.Invoices = append(tr.Invoices, verifyInvoice(n, "62.50", 3))
			tr.Payments = append(tr.Payments, verifyPayment(b2bkit.PaymentID(fmt.Sprint("P-", i)), n, "62.50", 20))
		}
		return tr
	}
	v := risk.VerifyTrade(build(), risk.Tolerances{})
	verifyRequireCodes(t, v)
	dectest.RequireEqual(t, dectest.Dec("1250"), v.Financeable.Invoiced)
	dectest.RequireEqual(t, decimal.Zero, v.Financeable.Unpaid)

	tr := build()
	tr.Invoices[17].Number = "INV-4"
	tr.Payments[17].Invoice = "INV-4"
	v = risk.VerifyTrade(tr, risk.Tolerances{})
	// INV-4 is counted once; the payments against it add to 125.00 against its 62.50.
	verifyRequireCodes(t, v, risk.CodeDuplicateInvoiceNumber, risk.CodePaymentAboveInvoiced)
	dectest.RequireEqual(t, dectest.Dec("1187.5"), v.Financeable.Invoiced)

	for _, c := range []struct {
		change func(*risk.Trade)
		field  string
	}{
		{func(tr *risk.Trade) { tr.Shipments[19].ID = "S-3" }, "shipments[19].id: duplicates shipments[3]"},
		{func(tr *risk.Trade) { tr.Payments[18].ID = "P-0" }, "payments[18].id: duplicates payments[0]"},
		{func(tr *risk.Trade) { tr.Payments[5].Invoice = "INV-99" }, "payments[5].invoice: must be an invoice of the trade"},
	} {
		tr := build()
		c.change(&tr)
		v := risk.VerifyTrade(tr, risk.Tolerances{})
		require.Equal(t, risk.Invalid, v.Status)
		require.ErrorContains(t, v.Err, c.field)
	}
}

func TestR18_FiguresBeyondSixPlacesStayExact(t *testing.T) {
	// Quantities with seven places and huge amounts leave the int64 fast path; the answers must not
	// change.
	tr := verifyCleanTrade()
	tr.Order.Lines = []b2bkit.OrderLine{{SKU: "RICE", Quantity: dectest.Dec("1.1234567"), UnitPrice: dectest.Dec("3.3333333")}}
	tr.Shipments = tr.Shipments[:1]
	tr.Shipments[0].Lines = []b2bkit.ShipmentLine{{SKU: "RICE", Shipped: dectest.Dec("1.1234567"), Received: dectest.Dec("1.1234566")}}
	tr.Invoices[0].Amount = dectest.Dec("3.74485562921811")
	tr.Payments[0].Amount = dectest.Dec("1.5")
	v := risk.VerifyTrade(tr, risk.Tolerances{})
	// 0.0000001 short: not received in full, and invoiced 0.00000033333333 above the value received.
	verifyRequireCodes(t, v, risk.CodeShippedNotReceived, risk.CodeReceivedLessThanInvoiced)
	dectest.RequireEqual(t, dectest.Dec("3.74485562921811"), v.Financeable.Ordered)
	dectest.RequireEqual(t, dectest.Dec("3.74485529588478"), v.Financeable.Received)
	dectest.RequireEqual(t, dectest.Dec("2.24485562921811"), v.Financeable.Unpaid)

	v = risk.VerifyTrade(tr, risk.Tolerances{Quantity: risk.Tolerance{Absolute: dectest.Dec("0.0000001")}, Amount: risk.Tolerance{Absolute: dectest.Dec("0.000001")}})
	verifyRequireCodes(t, v)
	dectest.RequireEqual(t, dectest.Dec("2.24485562921811"), v.Financeable.Amount)

	// Amounts beyond an int64 of micro-units.
	tr = verifyCleanTrade()
	tr.Order.Lines = tr.Order.Lines[:1]
	tr.Order.Lines[0].UnitPrice = dectest.Dec("100000000000000")
	tr.Invoices[0].Amount = dectest.Dec("10000000000000000")
	tr.Payments[0].Amount = dectest.Dec("9000000000000000")
	for i := range tr.Shipments {
		tr.Shipments[i].Lines = tr.Shipments[i].Lines[:1]
	}
	v = risk.VerifyTrade(tr, risk.Tolerances{})
	verifyRequireCodes(t, v)
	dectest.RequireEqual(t, dectest.Dec("10000000000000000"), v.Financeable.Received)
	dectest.RequireEqual(t, dectest.Dec("1000000000000000"), v.Financeable.Amount)
}

func TestR18_FirstShipmentIsTheFirstOfTheOrdersParties(t *testing.T) {
	// A shipment between strangers says nothing of when the order's goods left: the invoice is
	// still early against the real one.
	tr := verifyCleanTrade()
	tr.Shipments[0].Seller, tr.Shipments[0].Buyer = "X-1", "Y-1"
	tr.Invoices[0].IssuedAt = verifyDay(4) // S-2 left on day 5
	tr.Invoices[0].Amount = dectest.Dec("1140")
	tr.Payments[0].Amount = dectest.Dec("100")
	v := risk.VerifyTrade(tr, risk.Tolerances{})
	require.Equal(t, risk.NotATrade, v.Status)
	verifyRequireCodes(t, v, risk.CodeUnrelatedParty, risk.CodeInvoicedBeforeShipment)
}

func TestR18_PropertyHowDeliveriesAndPaymentsAreSplitChangesNothing(t *testing.T) {
	// However the goods are split into shipments and the bill into invoices and payments, and in
	// whatever order the records come, the verdict and the figures are the same.
	rng := rand.New(rand.NewPCG(18, 2026))
	split := func(total int64, parts int) []int64 {
		out := make([]int64, parts)
		for i := range parts - 1 {
			out[i] = rng.Int64N(total/int64(parts)) + 1
			total -= out[i]
		}
		out[parts-1] = total
		return out
	}
	base := risk.VerifyTrade(verifyCleanTrade(), risk.Tolerances{})
	require.Equal(t, risk.Consistent, base.Status)
	for range 200 {
		tr := verifyCleanTrade()
		n := 1 + rng.IntN(6)
		rice, oil := split(100, n), split(20, n)
		tr.Shipments = nil
		for i := range n {
			tr.Shipments = append(tr.Shipments, b2bkit.Shipment{ID: b2bkit.ShipmentID(fmt.Sprint("S-", i)), Order: "O-1", Seller: "S-1", Buyer: "B-1",
				ShippedAt: verifyDay(1 + i), ReceivedAt: verifyDay(2 + i), Lines: []b2bkit.ShipmentLine{
					{SKU: "RICE", Shipped: decimal.NewFromInt(rice[i]), Received: decimal.NewFromInt(rice[i])},
					{SKU: "OIL", Shipped: decimal.NewFromInt(oil[i]), Received: decimal.NewFromInt(oil[i])},
				}})
		}
		m := 1 + rng.IntN(5)
		bills, pays := split(285000, m), split(100000, m) // in fen
		tr.Invoices, tr.Payments = nil, nil
		for i := range m {
			num := b2bkit.InvoiceNumber(fmt.Sprint("INV-", i))
			tr.Invoices = append(tr.Invoices, verifyInvoice(num, decimal.New(bills[i], -2).String(), n+1))
			if pays[i] <= bills[i] { // never pay an invoice beyond its amount
				tr.Payments = append(tr.Payments, verifyPayment(b2bkit.PaymentID(fmt.Sprint("P-", i)), num, decimal.New(pays[i], -2).String(), 30))
			} else {
				tr.Payments = append(tr.Payments, verifyPayment(b2bkit.PaymentID(fmt.Sprint("P-", i)), num, decimal.New(bills[i], -2).String(), 30))
			}
		}
		rng.Shuffle(len(tr.Shipments), func(i, j int) { tr.Shipments[i], tr.Shipments[j] = tr.Shipments[j], tr.Shipments[i] })
		rng.Shuffle(len(tr.Invoices), func(i, j int) { tr.Invoices[i], tr.Invoices[j] = tr.Invoices[j], tr.Invoices[i] })
		rng.Shuffle(len(tr.Payments), func(i, j int) { tr.Payments[i], tr.Payments[j] = tr.Payments[j], tr.Payments[i] })
		v := risk.VerifyTrade(tr, risk.Tolerances{})
		require.Equal(t, risk.Consistent, v.Status, "%+v", v.Exceptions)
		dectest.RequireEqual(t, base.Financeable.Received, v.Financeable.Received)
		dectest.RequireEqual(t, base.Financeable.Invoiced, v.Financeable.Invoiced)
		paid := decimal.Zero
		for _, p := range tr.Payments {
			paid = paid.Add(p.Amount)
		}
		dectest.RequireEqual(t, dectest.Dec("2850").Sub(paid), v.Financeable.Unpaid)
		dectest.RequireEqual(t, v.Financeable.Unpaid, v.Financeable.Amount)
	}
}
