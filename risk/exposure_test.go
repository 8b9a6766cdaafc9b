package risk_test

import (
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func featRequireExposure(t *testing.T, e risk.Exposure, unpaid, uninvoiced, financed, total string) {
	t.Helper()
	dectest.RequireEqual(t, dectest.Dec(unpaid), e.Unpaid, "unpaid")
	dectest.RequireEqual(t, dectest.Dec(uninvoiced), e.Uninvoiced, "uninvoiced")
	dectest.RequireEqual(t, dectest.Dec(financed), e.Financed, "financed")
	dectest.RequireEqual(t, dectest.Dec(total), e.Total, "total")
	dectest.RequireEqual(t, e.Total, e.Unpaid.Add(e.Uninvoiced).Add(e.Financed), "total is the sum")
}

// TestR17_ExposureMainHistory: I4 150 + I5 400 + I6 300 unpaid, less the 30.00 credit note; every
// order of the main history is invoiced; records after asOf and of other buyers do not count.
func TestR17_ExposureMainHistory(t *testing.T) {
	e, err := risk.ExposureAt(featBuyer, featMain().history(), dectest.Dec("500"), featAsOf, nil)
	require.NoError(t, err)
	assert.Equal(t, featBuyer, e.Company)
	assert.Equal(t, "CNY", e.Currency)
	assert.True(t, e.AsOf.Equal(featAsOf))
	featRequireExposure(t, e, "820.00", "0", "500", "1320.00")
}

func TestR17_ExposureCases(t *testing.T) {
	placed := featDay(2026, time.June, 1)
	inv := func(n b2bkit.InvoiceNumber, order b2bkit.OrderID, amount string) b2bkit.Invoice {
		return featInvoice(n, order, amount, placed, placed.AddDate(0, 0, 30))
	}
	tests := []struct {
		name                                   string
		r                                      featRecords
		financed                               string
		unpaid, uninvoiced, financedOut, total string
	}{
		{name: "nothing", financed: "0", unpaid: "0", uninvoiced: "0", financedOut: "0", total: "0"},
		{name: "only financed", financed: "1234.56", unpaid: "0", uninvoiced: "0", financedOut: "1234.56", total: "1234.56"},
		{name: "order not yet invoiced", financed: "0",
			r:      featRecords{orders: []b2bkit.Order{featOrder("O1", "seller-1", placed, "250.00", b2bkit.Net(30))}},
			unpaid: "0", uninvoiced: "250.00", financedOut: "0", total: "250.00"},
		{name: "invoiced and part paid", financed: "100",
			r: featRecords{
				orders:   []b2bkit.Order{featOrder("O1", "seller-1", placed, "250.00", b2bkit.Net(30)), featOrder("O2", "seller-2", placed, "75.50", b2bkit.Net(30))},
				invoices: []b2bkit.Invoice{inv("I1", "O1", "250.00")},
				payments: []b2bkit.Payment{featPayment("P1", "I1", "100.00", placed.AddDate(0, 0, 3))},
			},
			unpaid: "150.00", uninvoiced: "75.50", financedOut: "100", total: "325.50"},
		// A 30% deposit invoice of 75.00 on a 250.00 order, paid: the balance of 175.00 is still to be
		// invoiced, and the buyer owes it.
		{name: "deposit invoice leaves the balance uninvoiced", financed: "0",
			r: featRecords{
				orders:   []b2bkit.Order{featOrder("O1", "seller-1", placed, "250.00", b2bkit.DepositBalance(dectest.Dec("0.3"), 30))},
				invoices: []b2bkit.Invoice{inv("I1", "O1", "75.00")},
				payments: []b2bkit.Payment{featPayment("P1", "I1", "75.00", placed)},
			},
			unpaid: "0", uninvoiced: "175.00", financedOut: "0", total: "175.00"},
		// One invoice of 300.00 billing O1 (250.00) and O2 (75.50): O1 in full, 50.00 of O2; a credit
		// note on O2 does not unbill it. 25.50 of O2 is left.
		{name: "an invoice of two orders bills them in turn", financed: "0",
			r: featRecords{
				orders: []b2bkit.Order{featOrder("O1", "seller-1", placed, "250.00", b2bkit.Net(30)),
					featOrder("O2", "seller-1", placed, "75.50", b2bkit.Net(30))},
				invoices: []b2bkit.Invoice{featInvoice2("I1", []b2bkit.OrderID{"O1", "O2"}, "300.00", placed),
					inv("CN1", "O2", "-10.00")},
			},
			unpaid: "290.00", uninvoiced: "25.50", financedOut: "0", total: "315.50"},
		{name: "overpaid invoice does not offset another", financed: "0",
			r: featRecords{
				invoices: []b2bkit.Invoice{inv("I1", "O1", "100.00"), inv("I2", "O2", "100.00")},
				payments: []b2bkit.Payment{featPayment("P1", "I1", "180.00", placed)},
			},
			unpaid: "100.00", uninvoiced: "0", financedOut: "0", total: "100.00"},
		{name: "credit notes never make it negative", financed: "0",
			r: featRecords{
				invoices: []b2bkit.Invoice{inv("I1", "O1", "100.00"), inv("CN1", "O1", "-300.00")},
			},
			unpaid: "0", uninvoiced: "0", financedOut: "0", total: "0"},
		{name: "invoice and payment after asOf do not count", financed: "0",
			r: featRecords{
				orders:   []b2bkit.Order{featOrder("O1", "seller-1", placed, "250.00", b2bkit.Net(30))},
				invoices: []b2bkit.Invoice{featInvoice("I1", "O1", "250.00", featAsOf.Add(time.Minute), featAsOf.AddDate(0, 0, 30))},
				payments: []b2bkit.Payment{featPayment("P1", "I1", "250.00", featAsOf.Add(time.Hour))},
			},
			unpaid: "0", uninvoiced: "250.00", financedOut: "0", total: "250.00"},
		{name: "payment after asOf does not count", financed: "0",
			r: featRecords{
				invoices: []b2bkit.Invoice{inv("I1", "O1", "250.00")},
				payments: []b2bkit.Payment{featPayment("P1", "I1", "250.00", featAsOf.Add(time.Hour))},
			},
			unpaid: "250.00", uninvoiced: "0", financedOut: "0", total: "250.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := risk.ExposureAt(featBuyer, tc.r.history(), dectest.Dec(tc.financed), featAsOf, nil)
			require.NoError(t, err)
			featRequireExposure(t, e, tc.unpaid, tc.uninvoiced, tc.financedOut, tc.total)
		})
	}
}

func TestR17_ExposureBadInput(t *testing.T) {
	bad := featOrder("O1", "seller-1", featDay(2026, time.June, 1), "10.00", b2bkit.Net(30))
	bad.Currency = "usd"
	tests := []struct {
		name     string
		company  b2bkit.CompanyID
		h        risk.History
		financed string
		want     string
	}{
		{"negative financed", featBuyer, risk.History{}, "-0.01", "risk: financed: must be >= 0"},
		{"over-precise financed", featBuyer, risk.History{}, "0.001", "risk: financed: amount 0.001 has more than 2 decimal places"},
		{"no company", "", risk.History{}, "0", "risk: company: must be set"},
		{"bad order", featBuyer, risk.History{Orders: featSeq(bad)}, "0", "risk: history.orders[0].currency: must be a three-letter ISO 4217 code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := risk.ExposureAt(tc.company, tc.h, dectest.Dec(tc.financed), featAsOf, nil)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Equal(t, tc.want, err.Error())
		})
	}
	_, err := risk.ExposureAt(featBuyer, risk.History{Invoices: featFailing[b2bkit.Invoice](errFeatCursor)}, dectest.Dec("0"), featAsOf, nil)
	require.ErrorIs(t, err, errFeatCursor)
}

// featInvoice2 is an invoice billing several orders, due in 30 days.
func featInvoice2(n b2bkit.InvoiceNumber, orders []b2bkit.OrderID, amount string, issued time.Time) b2bkit.Invoice {
	inv := featInvoice(n, orders[0], amount, issued, issued.AddDate(0, 0, 30))
	inv.Orders = orders
	return inv
}
