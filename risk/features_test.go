package risk_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// featWant is an expected value: a decimal literal, or "missing".
const featMissing = "missing"

func featRequire(t *testing.T, fs risk.FeatureSet, f risk.Feature, want string) {
	t.Helper()
	v, ok := fs.Get(f)
	require.True(t, ok, "feature %s not in the set", f)
	if want == featMissing {
		require.True(t, v.Missing, "%s: want missing, got %s", f, v.Number)
		return
	}
	require.False(t, v.Missing, "%s: want %s, got missing", f, want)
	dectest.RequireEqual(t, dectest.Dec(want), v.Number, "feature %s", f)
}

// featAll lists every feature types.go declares.
var featAll = []risk.Feature{
	risk.TenureMonths, risk.AvgMonthlyValue3, risk.AvgMonthlyValue6, risk.AvgMonthlyValue12, risk.Trend,
	risk.Volatility, risk.OnTimeRate, risk.DaysPastDue, risk.WorstDaysPastDue12, risk.DaysLate3,
	risk.DaysLatePrior9, risk.OverdueCurrent, risk.Overdue1to29, risk.Overdue30to59, risk.Overdue60to89,
	risk.Overdue90Plus, risk.DisputeRate, risk.Sellers, risk.SellerConcentration, risk.Penetration,
	risk.PenetrationPrior, risk.KeyPersonLost, risk.UsualCreditDays,
}

// TestR17_FeaturesOfAnEstablishedBuyer checks every feature of the main history against figures
// worked out by hand (see featMain). As of 15 June 2026 the 12 months run from 16 June 2025 to 15
// June 2026, month k from the 16th of July 2025+k-1 to the 15th of the next month. Monthly order
// value, month 0 (16 June - 15 July 2025) .. month 11 (16 May - 15 June 2026):
// 400 (O0 20 June + O1 10 July) 0 300 (O2 5 Sep) 0 0 0 600 (O3 10 Jan) 0 0 200 (O4 1 Apr)
// 400 (O5 1 May) 300 (O6 10 June): sum 2200. Invoices are due (and judged) in month 0 (I0 30
// June), 1 (I1 9 Aug), 3 (I2 5 Oct), 8 (I3 10 March), 10 (I4 1 May) and 11 (I5 10 June); all
// seven were issued in the 12 months, as was CN1.
func TestR17_FeaturesOfAnEstablishedBuyer(t *testing.T) {
	fs := featOf(t, featMain().history(), featAsOf)
	assert.Equal(t, featBuyer, fs.Company)
	assert.Equal(t, "CNY", fs.Currency)
	assert.Equal(t, int32(2), fs.Scale)
	assert.True(t, fs.AsOf.Equal(featAsOf))
	tests := []struct {
		f    risk.Feature
		want string
		why  string
	}{
		{risk.TenureMonths, "11", "20 June 2025 to 15 June 2026: 11 whole months (and the first order is in month 0: 12 months covered)"},
		{risk.AvgMonthlyValue3, "300.00", "(200+400+300)/3"},
		{risk.AvgMonthlyValue6, "250.00", "(600+0+0+200+400+300)/6"},
		{risk.AvgMonthlyValue12, "183.33", "2200/12 = 183.333..; O0 of 20 June 2025 is inside"},
		{risk.Trend, "2.0769", "(900/3)/(1300/9) = 2700/1300 = 2.07692.."},
		{risk.Volatility, "1.1097", "mean 2200/12 = 183.333; variance (400²+300²+600²+200²+400²+300²)/12 - 183.333² " +
			"= 75000 - 33611.11 = 41388.89; sd 203.4426; 203.4426/183.333 = 1.10969"},
		{risk.OnTimeRate, "0.2105", "I0 100 + I1 300 on time of 1900 due"},
		{risk.DaysPastDue, "45", "I4 due 1 May, 150 unpaid"},
		{risk.WorstDaysPastDue12, "70", "I3 due 10 March paid 19 May; the others 0 (I0, I1), 10, 45, 5"},
		{risk.DaysLate3, "18.3333", "(200x45 + 400x5)/600"},
		{risk.DaysLatePrior9, "34.6154", "(100x0 + 300x0 + 300x10 + 600x70)/1300 = 45000/1300 = 34.61538..; I0 is due in month 0"},
		{risk.OverdueCurrent, "300.00", "I6 not due"},
		{risk.Overdue1to29, "400.00", "I5 5 days past due; its payment is after asOf"},
		{risk.Overdue30to59, "120.00", "I4's 150 less the 30 of CN1, which I3, paid in full, does not owe"},
		{risk.Overdue60to89, "0.00", ""},
		{risk.Overdue90Plus, "0.00", ""},
		{risk.DisputeRate, "0.0136", "30/(100+300+300+600+200+400+300) = 30/2200 = 0.013636.."},
		{risk.Sellers, "2", ""},
		{risk.SellerConcentration, "0.5041", "seller-1 100+300+300+200+300 = 1200, seller-2 1000: (1200² + 1000²)/2200² = 2.44/4.84 = 0.50413.."},
		{risk.Penetration, "0.3", "900 / (3 x 1000)"},
		{risk.PenetrationPrior, "0.2", "months 6-8 (16 Dec - 15 March): 600 / (3 x 1000)"},
		{risk.KeyPersonLost, featMissing, "no People"},
		{risk.UsualCreditDays, "43.6364", "(1200x30 + 1000x60)/2200 = 96000/2200 = 43.6363.."},
	}
	require.Len(t, tests, len(featAll))
	for _, tc := range tests {
		t.Run(string(tc.f), func(t *testing.T) { featRequire(t, fs, tc.f, tc.want) })
	}
}

// TestR17_NewBuyerHasMissingNotZeroFeatures: a buyer with one order last week has no trend, no
// punctuality and no volume average beyond the month it has.
func TestR17_NewBuyerHasMissingNotZeroFeatures(t *testing.T) {
	asOf := featAsOf
	r := featRecords{
		orders:  []b2bkit.Order{featOrder("N1", "seller-1", featDay(2026, time.June, 8), "500.00", b2bkit.Net(30))},
		wallets: []risk.Wallet{{Company: featBuyer, Monthly: dectest.Dec("1000"), AsOf: featDay(2026, time.May, 1)}},
	}
	fs := featOf(t, r.history(), asOf)
	for f, want := range map[risk.Feature]string{
		risk.TenureMonths: "0", risk.AvgMonthlyValue3: featMissing, risk.AvgMonthlyValue6: featMissing,
		risk.AvgMonthlyValue12: featMissing, risk.Trend: featMissing, risk.Volatility: featMissing,
		risk.OnTimeRate: featMissing, risk.DaysPastDue: featMissing, risk.WorstDaysPastDue12: featMissing,
		risk.DaysLate3: featMissing, risk.DaysLatePrior9: featMissing, risk.OverdueCurrent: featMissing,
		risk.Overdue90Plus: featMissing, risk.DisputeRate: featMissing, risk.Sellers: "1",
		risk.SellerConcentration: "1", risk.Penetration: featMissing, risk.PenetrationPrior: featMissing,
		risk.KeyPersonLost: featMissing, risk.UsualCreditDays: "30",
	} {
		featRequire(t, fs, f, want)
	}

	empty := featOf(t, risk.History{}, asOf)
	for _, f := range featAll {
		featRequire(t, empty, f, featMissing)
	}
	assert.Empty(t, empty.Currency)
}

// TestR17_FeaturesTenureAndWindowCoverage: tenure counts whole months like an age, and a window longer
// than tenure+1 months is missing. As of 15 June the months start on the 16th: a first order on 15
// April is in the first of the last 3 months (16 March - 15 April), one on 16 April in the second.
func TestR17_FeaturesTenureAndWindowCoverage(t *testing.T) {
	tests := []struct {
		first              time.Time
		tenure, avg3, avg6 string
		volatility, avg12  string
	}{
		{first: featDay(2026, time.April, 15), tenure: "2", avg3: "100.00", avg6: featMissing, avg12: featMissing, volatility: "0"},
		{first: featDay(2026, time.April, 16), tenure: "1", avg3: featMissing, avg6: featMissing, avg12: featMissing, volatility: featMissing},
		{first: featDay(2026, time.January, 15), tenure: "5", avg3: "100.00", avg6: "100.00", avg12: featMissing, volatility: "0"},
		{first: featDay(2025, time.June, 15), tenure: "12", avg3: "100.00", avg6: "100.00", avg12: "100.00", volatility: "0"},
	}
	for _, tc := range tests {
		t.Run(tc.first.Format(time.DateOnly), func(t *testing.T) {
			var r featRecords
			// 100.00 in every month from the first order's to June 2026.
			for d := tc.first; !d.After(featAsOf); d = d.AddDate(0, 1, 0) {
				r.orders = append(r.orders, featOrder(b2bkit.OrderID("O"+d.Format(time.DateOnly)), "seller-1", d, "100.00", b2bkit.Net(30)))
			}
			fs := featOf(t, r.history(), featAsOf)
			featRequire(t, fs, risk.TenureMonths, tc.tenure)
			featRequire(t, fs, risk.AvgMonthlyValue3, tc.avg3)
			featRequire(t, fs, risk.AvgMonthlyValue6, tc.avg6)
			featRequire(t, fs, risk.AvgMonthlyValue12, tc.avg12)
			featRequire(t, fs, risk.Volatility, tc.volatility)
			if tc.avg12 == featMissing {
				featRequire(t, fs, risk.Trend, featMissing)
			} else {
				featRequire(t, fs, risk.Trend, "1")
			}
		})
	}
}

// TestR17_FeaturesCoverageAtMonthEnds: a window is covered when the first order falls in its first
// month, which at the ends of months is not quite tenure+1 >= n. Orders of 100.00 at noon.
func TestR17_FeaturesCoverageAtMonthEnds(t *testing.T) {
	tests := []struct {
		name                     string
		asOf                     time.Time
		orders                   []time.Time
		tenure, avg3, volatility string
	}{
		// On 28 February the months are calendar months: December, January and February hold one
		// order each, the first in the window's first month. Tenure 31 December -> 28 February is 1.
		{"first order on 31 December, as of 28 February", featDay(2026, time.February, 28),
			[]time.Time{featDay(2025, time.December, 31), featDay(2026, time.January, 31), featDay(2026, time.February, 28)},
			"1", "100.00", "0"}, // 300/3; months 100, 100, 100
		// On 29 April the last 3 months start on 30 January, 28 February (clamped) and 30 March:
		// the first order is in the second of them. Tenure 28 February -> 29 April is 2.
		{"first order on 28 February, as of 29 April", featDay(2026, time.April, 29),
			[]time.Time{featDay(2026, time.February, 28), featDay(2026, time.March, 28), featDay(2026, time.April, 28)},
			"2", featMissing, featMissing},
		// The same orders on 30 April, calendar months: February is the first of the last 3.
		{"first order on 28 February, as of 30 April", featDay(2026, time.April, 30),
			[]time.Time{featDay(2026, time.February, 28), featDay(2026, time.March, 28), featDay(2026, time.April, 28)},
			"2", "100.00", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r featRecords
			for _, d := range tc.orders {
				r.orders = append(r.orders, featOrder(b2bkit.OrderID(d.Format(time.DateOnly)), "seller-1", d, "100.00", b2bkit.Net(30)))
			}
			fs := featOf(t, r.history(), tc.asOf)
			featRequire(t, fs, risk.TenureMonths, tc.tenure)
			featRequire(t, fs, risk.AvgMonthlyValue3, tc.avg3)
			featRequire(t, fs, risk.Volatility, tc.volatility)
			featRequire(t, fs, risk.AvgMonthlyValue6, featMissing)
		})
	}
}

// TestR21_FeaturesTrendAndVolatility: volume dropping shows as a trend below 1; no orders in the 9 months
// before makes the trend missing rather than infinite.
func TestR21_FeaturesTrendAndVolatility(t *testing.T) {
	monthly := func(values ...string) featRecords {
		var r featRecords
		start := featDay(2025, time.July, 1)
		r.orders = append(r.orders, featOrder("first", "seller-1", featDay(2025, time.June, 1), "0.01", b2bkit.Net(30)))
		for k, v := range values {
			if v == "0" {
				continue
			}
			d := start.AddDate(0, k, 0)
			r.orders = append(r.orders, featOrder(b2bkit.OrderID(fmt.Sprint("O", k)), "seller-1", d, v, b2bkit.Net(30)))
		}
		return r
	}
	tests := []struct {
		name              string
		r                 featRecords
		trend, volatility string
	}{
		{"flat", monthly("100", "100", "100", "100", "100", "100", "100", "100", "100", "100", "100", "100"), "1", "0"},
		{"halving", monthly("200", "200", "200", "200", "200", "200", "200", "200", "200", "100", "100", "100"), "0.5", "0.2474"},
		{"only recent", monthly("0", "0", "0", "0", "0", "0", "0", "0", "0", "100", "100", "100"), featMissing, "1.7321"},
		{"halving, large amounts", monthly("200000000000000", "200000000000000", "200000000000000", "200000000000000", "200000000000000",
			"200000000000000", "200000000000000", "200000000000000", "200000000000000", "100000000000000", "100000000000000", "100000000000000"), "0.5", "0.2474"},
		{"one third", monthly("300", "300", "300", "300", "300", "300", "300", "300", "300", "100", "0", "0"), "0.1111", "0.5051"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := featOf(t, tc.r.history(), featAsOf)
			featRequire(t, fs, risk.Trend, tc.trend)
			featRequire(t, fs, risk.Volatility, tc.volatility)
		})
	}
}

// TestR17_FeaturesPunctuality covers the payment features on single invoices.
func TestR17_FeaturesPunctuality(t *testing.T) {
	due := featDay(2026, time.May, 1)
	issued := featDay(2026, time.April, 1)
	tests := []struct {
		name     string
		payments []b2bkit.Payment
		onTime   string
		dpd      string
		worst    string
		late3    string
		bucket   risk.Feature
		unpaid   string
	}{
		{"paid on the due date", []b2bkit.Payment{featPayment("P", "I", "100.00", due.Add(10*time.Hour))}, "1", "0", "0", "0", risk.OverdueCurrent, "0.00"},
		{"paid a day late", []b2bkit.Payment{featPayment("P", "I", "100.00", due.AddDate(0, 0, 1))}, "0", "0", "1", "1", risk.OverdueCurrent, "0.00"},
		{"part paid on time, rest late", []b2bkit.Payment{
			featPayment("P1", "I", "60.00", due.AddDate(0, 0, -3)),
			featPayment("P2", "I", "40.00", due.AddDate(0, 0, 20)),
		}, "0", "0", "20", "20", risk.OverdueCurrent, "0.00"},
		{"part paid", []b2bkit.Payment{featPayment("P", "I", "60.00", due)}, "0", "45", "45", "45", risk.Overdue30to59, "40.00"},
		{"overpaid", []b2bkit.Payment{featPayment("P", "I", "150.00", due)}, "1", "0", "0", "0", risk.OverdueCurrent, "0.00"},
		{"unpaid", nil, "0", "45", "45", "45", risk.Overdue30to59, "100.00"},
		{"paid after asOf", []b2bkit.Payment{featPayment("P", "I", "100.00", featAsOf.Add(time.Hour))}, "0", "45", "45", "45", risk.Overdue30to59, "100.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := featRecords{
				invoices: []b2bkit.Invoice{featInvoice("I", "O", "100.00", issued, due)},
				payments: tc.payments,
			}
			fs := featOf(t, r.history(), featAsOf)
			featRequire(t, fs, risk.OnTimeRate, tc.onTime)
			featRequire(t, fs, risk.DaysPastDue, tc.dpd)
			featRequire(t, fs, risk.WorstDaysPastDue12, tc.worst)
			featRequire(t, fs, risk.DaysLate3, tc.late3)
			featRequire(t, fs, risk.DaysLatePrior9, featMissing)
			featRequire(t, fs, tc.bucket, tc.unpaid)
		})
	}
}

// TestR17_FeaturesOverdueBuckets puts one unpaid invoice in each bucket, at the bucket's edges.
func TestR17_FeaturesOverdueBuckets(t *testing.T) {
	tests := []struct {
		daysPastDue int
		bucket      risk.Feature
	}{
		{-5, risk.OverdueCurrent}, {0, risk.OverdueCurrent}, {1, risk.Overdue1to29}, {29, risk.Overdue1to29},
		{30, risk.Overdue30to59}, {59, risk.Overdue30to59}, {60, risk.Overdue60to89}, {89, risk.Overdue60to89},
		{90, risk.Overdue90Plus}, {400, risk.Overdue90Plus},
	}
	buckets := []risk.Feature{risk.OverdueCurrent, risk.Overdue1to29, risk.Overdue30to59, risk.Overdue60to89, risk.Overdue90Plus}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.daysPastDue), func(t *testing.T) {
			due := featAsOf.AddDate(0, 0, -tc.daysPastDue)
			issued := due.AddDate(0, 0, -30)
			if issued.After(featAsOf) {
				issued = featAsOf
			}
			r := featRecords{invoices: []b2bkit.Invoice{featInvoice("I", "O", "123.45", issued, due)}}
			fs := featOf(t, r.history(), featAsOf)
			for _, b := range buckets {
				want := "0"
				if b == tc.bucket {
					want = "123.45"
				}
				featRequire(t, fs, b, want)
			}
			featRequire(t, fs, risk.DaysPastDue, fmt.Sprint(max(0, tc.daysPastDue)))
		})
	}
}

// TestR17_FeaturesDisputeRateAndCreditNotes: credit notes count in the dispute rate over the last 12
// months (on 15 June 2026, from 16 June 2025 00:00), and they settle the invoices of their orders
// whenever they were issued (TestR17_CreditNotesSettleInvoices has the rule).
func TestR17_FeaturesDisputeRateAndCreditNotes(t *testing.T) {
	r := featRecords{invoices: []b2bkit.Invoice{
		featInvoice("I-old", "O0", "1000.00", featDay(2025, time.May, 1), featDay(2025, time.May, 31)),
		featInvoice("CN-old", "O0", "-500.00", time.Date(2025, time.June, 15, 23, 59, 59, 0, time.UTC), featDay(2025, time.June, 30)),
		featInvoice("CN-edge", "O0", "-4.00", time.Date(2025, time.June, 16, 0, 0, 0, 0, time.UTC), featDay(2025, time.June, 30)),
		featInvoice("I1", "O1", "400.00", featDay(2026, time.March, 1), featDay(2026, time.March, 31)),
		featInvoice("CN1", "O1", "-40.00", featDay(2026, time.April, 1), featDay(2026, time.April, 1)),
	}}
	fs := featOf(t, r.history(), featAsOf)
	featRequire(t, fs, risk.DisputeRate, "0.11")     // (4 + 40)/400: CN-old is a second before the 12 months
	featRequire(t, fs, risk.Overdue60to89, "360.00") // I1 is 76 days past due, less CN1
	featRequire(t, fs, risk.Overdue90Plus, "496.00") // I-old less CN-old and CN-edge
}

// TestR17_FeaturesCreditDaysWhateverTheSharePlaces: a deposit's share written with 1 to 12 places
// (scaled to featShareScale in int64 with or without the overflow check) gives the same credit days,
// and a share with more places than that scale takes the decimal path to the same figure.
func TestR17_FeaturesCreditDaysWhateverTheSharePlaces(t *testing.T) {
	placed := featDay(2026, time.June, 1)
	for _, share := range []string{"0.3", "0.30", "0.300", "0.300000", "0.300000000", "0.3000000000",
		"0.300000000000", "0.3000000000000000"} {
		t.Run(share, func(t *testing.T) {
			o := featOrder("O", "seller-1", placed, "100.00", b2bkit.DepositBalance(dectest.Dec(share), 60))
			o.Terms.DeliverBy = placed.AddDate(0, 0, 10)
			fs := featOf(t, featRecords{orders: []b2bkit.Order{o}}.history(), featAsOf)
			featRequire(t, fs, risk.UsualCreditDays, "39") // 0.3 x -10 + 0.7 x 60
		})
	}
}

// TestR17_FeaturesSellersAndCreditDays: sellers, concentration and usual credit days of the last 12 months.
func TestR17_FeaturesSellersAndCreditDays(t *testing.T) {
	placed := featDay(2026, time.June, 1)
	deposit := featOrder("O4", "seller-4", placed, "100.00", b2bkit.DepositBalance(dectest.Dec("0.3"), 60))
	deposit.Terms.DeliverBy = placed.AddDate(0, 0, 10) // 0.3 x -10 + 0.7 x 60 = 39 days
	r := featRecords{orders: []b2bkit.Order{
		featOrder("O-old", "seller-9", featDay(2025, time.June, 1), "10000.00", b2bkit.Net(90)),
		featOrder("O1", "seller-1", placed, "100.00", b2bkit.Net(30)),
		featOrder("O2", "seller-2", placed, "100.00", b2bkit.CashOnDelivery()),
		featOrder("O3", "seller-3", placed, "100.00", b2bkit.Prepaid()),
		deposit,
	}}
	fs := featOf(t, r.history(), featAsOf)
	featRequire(t, fs, risk.Sellers, "4")
	featRequire(t, fs, risk.SellerConcentration, "0.25")
	featRequire(t, fs, risk.UsualCreditDays, "17.25") // (30 + 0 + 0 + 39)/4

	// Orders of more than a year ago only: no seller of the last 12 months.
	old := featRecords{orders: r.orders[:1]}
	fs = featOf(t, old.history(), featAsOf)
	featRequire(t, fs, risk.Sellers, "0")
	featRequire(t, fs, risk.SellerConcentration, featMissing)
	featRequire(t, fs, risk.UsualCreditDays, featMissing)
}

// TestR17_FeaturesOrderValueIsRoundedTotal: fractional quantities and unit prices with more places than the
// scale add exactly and round once per order.
func TestR17_FeaturesOrderValueIsRoundedTotal(t *testing.T) {
	o := featOrder("O", "seller-1", featDay(2026, time.June, 1), "0", b2bkit.Net(30))
	o.Lines = []b2bkit.OrderLine{
		{SKU: "A", Quantity: dectest.Dec("2.5"), UnitPrice: dectest.Dec("0.333")}, // 0.8325
		{SKU: "B", Quantity: dectest.Dec("3"), UnitPrice: dectest.Dec("1.5")},     // 4.5
		{SKU: "C", Quantity: dectest.Dec("1000000"), UnitPrice: dectest.Dec("0")}, // 0
	}
	first := featOrder("first", "seller-1", featDay(2026, time.March, 1), "0.00", b2bkit.Net(30))
	huge := featOrder("huge", "seller-1", featDay(2026, time.June, 2), "0", b2bkit.Net(30))
	huge.Lines[0].Quantity = dectest.Dec("0.000000000000000001")
	huge.Lines[0].UnitPrice = dectest.Dec("1500000000000000000.10") // 1.5000000000000000001 -> 1.50
	r := featRecords{orders: []b2bkit.Order{first, o, huge}}
	fs := featOf(t, r.history(), featAsOf)
	featRequire(t, fs, risk.AvgMonthlyValue3, "2.28") // (5.33 + 1.50) / 3 = 2.2766...
}

// TestR21_FeaturesKeyPersonLost reads job changes through the JobChanges interface.
func TestR21_FeaturesKeyPersonLost(t *testing.T) {
	change := func(at time.Time, from b2bkit.CompanyID, roles ...crm.Role) crm.JobChange {
		return crm.JobChange{Person: "li-na", At: at, From: from, LostRoles: roles, To: "jade-garden"}
	}
	tests := []struct {
		name    string
		changes featChanges
		days    int
		want    string
	}{
		{"decision maker left last week", featChanges{change(featAsOf.AddDate(0, 0, -7), featBuyer, crm.DecisionMaker)}, 0, "1"},
		{"left 91 days ago", featChanges{change(featAsOf.AddDate(0, 0, -91), featBuyer, crm.Payer)}, 0, "0"},
		{"left 91 days ago, window 120", featChanges{change(featAsOf.AddDate(0, 0, -91), featBuyer, crm.Payer)}, 120, "1"},
		{"no buying role", featChanges{change(featAsOf.AddDate(0, 0, -7), featBuyer)}, 0, "0"},
		{"another company", featChanges{change(featAsOf.AddDate(0, 0, -7), "jade-garden", crm.Payer)}, 0, "0"},
		{"after asOf", featChanges{change(featAsOf.Add(time.Hour), featBuyer, crm.Payer)}, 0, "0"},
		{"none", featChanges{}, 0, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := risk.History{People: tc.changes}
			fs, err := risk.FeaturesContext(context.Background(), featBuyer, h, featAsOf, &risk.FeatureOptions{KeyPersonDays: tc.days})
			require.NoError(t, err)
			featRequire(t, fs, risk.KeyPersonLost, tc.want)
		})
	}
}

// TestR21_FeaturesKeyPersonLostFromCRM: *crm.CRM is the People of a history.
func TestR21_FeaturesKeyPersonLostFromCRM(t *testing.T) {
	ctx := context.Background()
	c := crm.New(crm.NewMemoryStore(), nil)
	_, err := c.AddCompany(ctx, crm.Company{ID: featBuyer, Name: "金锅餐厅", Stage: crm.Repurchasing})
	require.NoError(t, err)
	for _, id := range []b2bkit.PersonID{"li-na", "chen"} {
		_, err = c.AddPerson(ctx, crm.Person{ID: id, Name: string(id)})
		require.NoError(t, err)
	}
	start := featDay(2024, time.January, 1)
	_, err = c.StartJob(ctx, crm.Job{Person: "li-na", Company: featBuyer, Title: "owner", Roles: []crm.Role{crm.DecisionMaker}, Start: start})
	require.NoError(t, err)
	_, err = c.StartJob(ctx, crm.Job{Person: "chen", Company: featBuyer, Title: "porter", Start: start})
	require.NoError(t, err)

	h := risk.History{People: c}
	fs := featOf(t, h, featAsOf)
	featRequire(t, fs, risk.KeyPersonLost, "0")

	_, err = c.ChangeJob(ctx, "chen", "jade-garden", "porter", nil, featAsOf.AddDate(0, 0, -20))
	require.NoError(t, err)
	fs = featOf(t, h, featAsOf)
	featRequire(t, fs, risk.KeyPersonLost, "0") // no buying role

	_, err = c.ChangeJob(ctx, "li-na", "jade-garden", "general manager", []crm.Role{crm.DecisionMaker}, featAsOf.AddDate(0, 0, -10))
	require.NoError(t, err)
	fs = featOf(t, h, featAsOf)
	featRequire(t, fs, risk.KeyPersonLost, "1")
	fs = featOf(t, h, featAsOf.AddDate(0, 0, -11)) // before she left
	featRequire(t, fs, risk.KeyPersonLost, "0")
}

// TestR17_FeaturesLocationSetsMonthsAndDays: months and days are read in FeatureOptions.Location.
// The months end with asOf's day there: at 12:00 UTC on 15 August (20:00 in Shanghai) the last 3
// months run from 16 May 00:00 in both; an order at 23:30 UTC on 15 May is before them in UTC and
// at 07:30 on 16 May, inside them, in Shanghai. At 20:00 UTC on 15 August it is 04:00 on 16 August
// in Shanghai, where the last 3 months run from 17 May: an order at 12:00 UTC (20:00 in Shanghai)
// on 16 May is inside them in UTC and before them in Shanghai. An invoice due at 20:00 UTC on 31 May
// is due on 1 June in Shanghai.
func TestR17_FeaturesLocationSetsMonthsAndDays(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	inShanghai := &risk.FeatureOptions{Location: shanghai}
	first := featOrder("first", "seller-1", featDay(2025, time.January, 1), "1.00", b2bkit.Net(30))
	tests := []struct {
		name       string
		placed     time.Time
		asOf       time.Time
		utc, local string
	}{
		// 90/3 where the order is inside the last 3 months, 0 where it is before them.
		{"order on the first day in Shanghai", time.Date(2026, time.May, 15, 23, 30, 0, 0, time.UTC),
			featDay(2026, time.August, 15), "0.00", "30.00"},
		{"asOf's day in Shanghai", featDay(2026, time.May, 16),
			time.Date(2026, time.August, 15, 20, 0, 0, 0, time.UTC), "30.00", "0.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := featRecords{orders: []b2bkit.Order{first, featOrder("O", "seller-1", tc.placed, "90.00", b2bkit.Net(30))}}
			fs, err := risk.FeaturesContext(context.Background(), featBuyer, r.history(), tc.asOf, nil)
			require.NoError(t, err)
			featRequire(t, fs, risk.AvgMonthlyValue3, tc.utc)
			fs, err = risk.FeaturesContext(context.Background(), featBuyer, r.history(), tc.asOf, inShanghai)
			require.NoError(t, err)
			featRequire(t, fs, risk.AvgMonthlyValue3, tc.local)
		})
	}

	inv := featRecords{invoices: []b2bkit.Invoice{featInvoice("I", "O", "10.00", featDay(2026, time.May, 1),
		time.Date(2026, time.May, 31, 20, 0, 0, 0, time.UTC))}}
	asOf := time.Date(2026, time.June, 1, 7, 45, 0, 0, time.UTC)
	fs, err := risk.FeaturesContext(context.Background(), featBuyer, inv.history(), asOf, nil)
	require.NoError(t, err)
	featRequire(t, fs, risk.DaysPastDue, "1")
	featRequire(t, fs, risk.Overdue1to29, "10.00")
	fs, err = risk.FeaturesContext(context.Background(), featBuyer, inv.history(), asOf, inShanghai)
	require.NoError(t, err)
	featRequire(t, fs, risk.DaysPastDue, "0")
	featRequire(t, fs, risk.OverdueCurrent, "10.00")
	featRequire(t, fs, risk.OnTimeRate, featMissing) // due today there: not judged yet
}

// TestR17_NoLookAhead: adding records dated after asOf — orders, invoices, payments against any
// invoice, wallets, job changes — changes no feature.
func TestR17_NoLookAhead(t *testing.T) {
	base := featMain()
	base.people = featChanges{{Person: "wang", At: featDay(2026, time.May, 1), From: featBuyer, LostRoles: []crm.Role{crm.Payer}}}
	want := featOf(t, base.history(), featAsOf)
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 17))
		r := base
		r.orders = append([]b2bkit.Order(nil), base.orders...)
		r.invoices = append([]b2bkit.Invoice(nil), base.invoices...)
		r.payments = append([]b2bkit.Payment(nil), base.payments...)
		r.wallets = append([]risk.Wallet(nil), base.wallets...)
		changes := append(featChanges(nil), base.people.(featChanges)...)
		later := func() time.Time {
			return featAsOf.Add(time.Duration(1+rng.IntN(400*24*60)) * time.Minute)
		}
		amount := func() string { return fmt.Sprintf("%d.%02d", 1+rng.IntN(100000), rng.IntN(100)) }
		numbers := []b2bkit.InvoiceNumber{"I0", "I1", "I2", "I3", "I4", "I5", "I6", "CN1"}
		for k := range 1 + rng.IntN(30) {
			switch rng.IntN(5) {
			case 0:
				at := later()
				r.orders = featInsertAt(rng, r.orders, featOrder(b2bkit.OrderID(fmt.Sprint("F", k)), "seller-7", at, amount(), b2bkit.Net(rng.IntN(90))))
			case 1:
				at := later()
				n := b2bkit.InvoiceNumber(fmt.Sprint("FI", k))
				r.invoices = featInsertAt(rng, r.invoices, featInvoice(n, "O1", amount(), at, at.AddDate(0, 0, rng.IntN(60))))
				numbers = append(numbers, n)
			case 2:
				n := numbers[rng.IntN(len(numbers))]
				r.payments = featInsertAt(rng, r.payments, featPayment(b2bkit.PaymentID(fmt.Sprint("FP", k)), n, amount(), later()))
			case 3:
				r.wallets = featInsertAt(rng, r.wallets, risk.Wallet{Company: featBuyer, Monthly: dectest.Dec(amount()), AsOf: later()})
			case 4:
				changes = append(changes, crm.JobChange{Person: "chen", At: later(), From: featBuyer, LostRoles: []crm.Role{crm.User}})
			}
		}
		r.people = changes // later changes come after the earlier one: the list stays oldest first
		got, err := risk.Features(featBuyer, r.history(), featAsOf)
		require.NoError(t, err, "seed %d", seed)
		featRequireSame(t, want, got, seed)
	}
}

func featInsertAt[T any](rng *rand.Rand, xs []T, x T) []T {
	k := rng.IntN(len(xs) + 1)
	xs = append(xs, x)
	copy(xs[k+1:], xs[k:])
	xs[k] = x
	return xs
}

// featRequireSame compares two feature sets value by value.
func featRequireSame(t *testing.T, want, got risk.FeatureSet, seed uint64) {
	t.Helper()
	require.Equal(t, want.Values.Len(), got.Values.Len(), "seed %d", seed)
	require.Equal(t, want.Currency, got.Currency, "seed %d", seed)
	for f, w := range want.Values.All() {
		g, ok := got.Values.Get(f)
		require.True(t, ok, "feature %s, seed %d", f, seed)
		require.Equal(t, w.Missing, g.Missing, "feature %s missing, seed %d", f, seed)
		dectest.RequireEqual(t, w.Number, g.Number, "feature %s, seed %d", f, seed)
	}
}

// TestR17_FeaturesOtherCompaniesAreSkipped: the main history read for another buyer sees only its records.
func TestR17_FeaturesOtherCompaniesAreSkipped(t *testing.T) {
	fs, err := risk.Features("jade-garden", featMain().history(), featAsOf)
	require.NoError(t, err)
	featRequire(t, fs, risk.TenureMonths, "0")
	featRequire(t, fs, risk.OnTimeRate, "1") // its invoice, paid by a payment matched by number
	featRequire(t, fs, risk.Sellers, "1")
	featRequire(t, fs, risk.Penetration, featMissing) // tenure 0 does not cover 3 months
}

// TestR17_FailingStreamFailsTheFeatures: a cursor that fails half-way fails the result, with the
// cause matchable, whichever stream it is.
func TestR17_FailingStreamFailsTheFeatures(t *testing.T) {
	m := featMain()
	tests := []struct {
		name   string
		h      risk.History
		prefix string
	}{
		{"orders", risk.History{Orders: featFailing(errFeatCursor, m.orders[:3]...)}, "risk: history.orders: "},
		{"invoices", risk.History{Invoices: featFailing(errFeatCursor, m.invoices[:3]...)}, "risk: history.invoices: "},
		{"payments", risk.History{Invoices: featSeq(m.invoices...), Payments: featFailing(errFeatCursor, m.payments[:2]...)}, "risk: history.payments: "},
		{"wallets", risk.History{Wallets: featFailing[risk.Wallet](errFeatCursor)}, "risk: history.wallets: "},
		{"people", risk.History{People: featBrokenPeople{err: errFeatCursor}}, "risk: history.people: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := risk.Features(featBuyer, tc.h, featAsOf)
			require.ErrorIs(t, err, errFeatCursor)
			assert.Equal(t, tc.prefix+errFeatCursor.Error(), err.Error())
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := risk.FeaturesContext(ctx, featBuyer, m.history(), featAsOf, nil)
	require.ErrorIs(t, err, context.Canceled)
}

// TestR17_FeaturesBadInput: every bad input is an error matching ErrInvalid that names the record and field.
func TestR17_FeaturesBadInput(t *testing.T) {
	placed := featDay(2026, time.June, 1)
	good := featOrder("O", "seller-1", placed, "10.00", b2bkit.Net(30))
	goodInv := featInvoice("I", "O", "10.00", placed, placed.AddDate(0, 0, 30))
	orderWith := func(change func(*b2bkit.Order)) risk.History {
		o := good
		o.Lines = append([]b2bkit.OrderLine(nil), good.Lines...)
		o.Terms.Payment.Installments = append([]b2bkit.Installment(nil), good.Terms.Payment.Installments...)
		change(&o)
		return risk.History{Orders: featSeq(good, o)}
	}
	invoiceWith := func(change func(*b2bkit.Invoice)) risk.History {
		inv := goodInv
		inv.Number = "I2"
		change(&inv)
		return risk.History{Orders: featSeq(good), Invoices: featSeq(goodInv, inv)}
	}
	paymentWith := func(change func(*b2bkit.Payment)) risk.History {
		p := featPayment("P", "I", "1.00", placed)
		change(&p)
		return risk.History{Orders: featSeq(good), Invoices: featSeq(goodInv), Payments: featSeq(p)}
	}
	tests := []struct {
		name    string
		company b2bkit.CompanyID
		asOf    time.Time
		opts    *risk.FeatureOptions
		h       risk.History
		want    string
	}{
		{name: "empty company", company: "", want: "risk: company: must be set"},
		{name: "zero asOf", asOf: time.Time{}, want: "risk: as_of: must be set"},
		{name: "bad scale", opts: &risk.FeatureOptions{Scale: -1}, want: "risk: options.scale: must be between 0 and 18"},
		{name: "bad key person days", opts: &risk.FeatureOptions{KeyPersonDays: -1}, want: "risk: options.key_person_days: must be between 0 and 3660"},
		{name: "order negative price", h: orderWith(func(o *b2bkit.Order) { o.Lines[0].UnitPrice = dectest.Dec("-1") }),
			want: "risk: history.orders[1].lines[0].unit_price: must be >= 0"},
		{name: "order zero quantity", h: orderWith(func(o *b2bkit.Order) { o.Lines[0].Quantity = dectest.Dec("0") }),
			want: "risk: history.orders[1].lines[0].quantity: must be > 0"},
		{name: "order without lines", h: orderWith(func(o *b2bkit.Order) { o.Lines = nil }),
			want: "risk: history.orders[1].lines: must have at least one line"},
		{name: "order currency", h: orderWith(func(o *b2bkit.Order) { o.Currency = "USD" }),
			want: "risk: history.orders[1].currency: USD in a history in CNY"},
		{name: "order without seller", h: orderWith(func(o *b2bkit.Order) { o.Seller = "" }),
			want: "risk: history.orders[1].seller: must be set"},
		{name: "order bad terms", h: orderWith(func(o *b2bkit.Order) { o.Terms.Payment.Installments[0].Share = dectest.Dec("0.5") }),
			want: "risk: history.orders[1].terms.payment.installments: shares sum to 0.5, must sum to exactly 1"},
		{name: "order delivered too late", h: orderWith(func(o *b2bkit.Order) { o.Terms.DeliverBy = o.Terms.OrderedAt.AddDate(0, 0, 3661) }),
			want: "risk: history.orders[1].terms.deliver_by: must be at most 3660 days after ordered_at"},
		{name: "order not placed", h: orderWith(func(o *b2bkit.Order) { o.PlacedAt = time.Time{} }),
			want: "risk: history.orders[1].placed_at: must be set"},
		{name: "invoice currency", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.Currency = "USD" }),
			want: "risk: history.invoices[1].currency: USD in a history in CNY"},
		{name: "invoice bad currency first", h: risk.History{Invoices: featSeq(func() b2bkit.Invoice { i := goodInv; i.Currency = "cny"; return i }())},
			want: "risk: history.invoices[0].currency: must be a three-letter ISO 4217 code"},
		{name: "invoice too precise", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.Amount = dectest.Dec("10.001") }),
			want: "risk: history.invoices[1].amount: amount 10.001 has more than 2 decimal places"},
		{name: "invoices overflow", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.Amount = dectest.Dec("92233720368547758.00") }),
			want: "risk: history.invoices[1].amount: invoice amounts overflow int64 minor units at scale 2"},
		{name: "invoice zero", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.Amount = dectest.Dec("0") }),
			want: "risk: history.invoices[1].amount: must not be zero"},
		{name: "invoice due before issue", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.DueAt = inv.IssuedAt.Add(-time.Hour) }),
			want: "risk: history.invoices[1].due_at: must not be before issued_at"},
		{name: "invoice without due date", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.DueAt = time.Time{} }),
			want: "risk: history.invoices[1].due_at: must be set"},
		{name: "invoice number twice", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.Number = "I" }),
			want: "risk: history.invoices[1].number: I is already the number of an invoice of the buyer (record 0)"},
		{name: "invoice without number", h: invoiceWith(func(inv *b2bkit.Invoice) { inv.Number = "" }),
			want: "risk: history.invoices[1].number: must be set"},
		{name: "payment negative", h: paymentWith(func(p *b2bkit.Payment) { p.Amount = dectest.Dec("-5") }),
			want: "risk: history.payments[0].amount: must be > 0"},
		{name: "payment too precise", h: paymentWith(func(p *b2bkit.Payment) { p.Amount = dectest.Dec("0.005") }),
			want: "risk: history.payments[0].amount: amount 0.005 has more than 2 decimal places"},
		{name: "payment currency", h: paymentWith(func(p *b2bkit.Payment) { p.Currency = "EUR" }),
			want: "risk: history.payments[0].currency: EUR in a history in CNY"},
		{name: "payment huge", h: paymentWith(func(p *b2bkit.Payment) { p.Amount = dectest.Dec("1000000000000000000000") }),
			want: "risk: history.payments[0].amount: amount 1000000000000000000000 does not fit in minor units"},
		// 1e30 is the number written out, and is refused as that is (payment huge), not for its exponent
		{name: "payment with an exponent", h: paymentWith(func(p *b2bkit.Payment) { p.Amount = dectest.Dec("1e30") }),
			want: "risk: history.payments[0].amount: amount 1000000000000000000000000000000 does not fit in minor units"},
		{name: "payment absurd", h: paymentWith(func(p *b2bkit.Payment) { p.Amount = decimal.New(1, -999999999) }),
			want: "risk: history.payments[0].amount: must have at most 18 decimal places (trailing zeros aside) and at most 308 digits written out"},
		{name: "wallet not positive", h: risk.History{Wallets: featSeq(risk.Wallet{Company: featBuyer, AsOf: placed})},
			want: "risk: history.wallets[0].monthly: must be > 0"},
		{name: "wallet absurd", h: risk.History{Wallets: featSeq(risk.Wallet{Company: featBuyer, AsOf: placed, Monthly: decimal.New(1, -999999999)})},
			want: "risk: history.wallets[0].monthly: must have at most 18 decimal places and be below 10^18"},
		{name: "quantity absurd", h: orderWith(func(o *b2bkit.Order) {
			o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: "X", Quantity: decimal.New(1, -999999999), UnitPrice: dectest.Dec("1")})
		}), want: "risk: history.orders[1].lines[1].quantity: must have at most 18 decimal places (trailing zeros aside) and at most 308 digits written out"},
		{name: "share absurd", h: orderWith(func(o *b2bkit.Order) {
			o.Terms.Payment.Installments = []b2bkit.Installment{{Share: decimal.New(1, 999999999), Due: b2bkit.OnDelivery}}
		}), want: "risk: history.orders[1].terms.payment.installments[0].share: must have at most 18 decimal places (trailing zeros aside) and at most 308 digits written out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			company, asOf := tc.company, tc.asOf
			if tc.name != "empty company" && company == "" {
				company = featBuyer
			}
			if tc.name != "zero asOf" && asOf.IsZero() {
				asOf = featAsOf
			}
			_, err := risk.FeaturesContext(context.Background(), company, tc.h, asOf, tc.opts)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Equal(t, tc.want, err.Error())
			var fe *b2bkit.FieldError
			assert.True(t, errors.As(err, &fe), "a *b2bkit.FieldError names the field")
		})
	}
}

// TestR17_FeaturesBadRecordsOfOthersAreNotRead: another buyer's records and records after asOf are skipped
// unread, even when they would be invalid.
func TestR17_FeaturesBadRecordsOfOthersAreNotRead(t *testing.T) {
	bad := featOrder("X", "seller-1", featDay(2026, time.June, 1), "10.00", b2bkit.Net(30))
	bad.Lines[0].UnitPrice = dectest.Dec("-1")
	bad.Currency = "USD"
	other := bad
	other.Buyer = "jade-garden"
	future := bad
	future.PlacedAt = featAsOf.Add(time.Second)
	orphan := featPayment("P", "I-unknown", "-1", featDay(2026, time.June, 1))
	fs := featOf(t, risk.History{Orders: featSeq(other, future), Payments: featSeq(orphan)}, featAsOf)
	featRequire(t, fs, risk.TenureMonths, featMissing)
}

// TestR17_FeaturesPaymentOrderDoesNotMatter: a host may stream payments in any order (by id, by invoice);
// the features are those of the payments in date order.
func TestR17_FeaturesPaymentOrderDoesNotMatter(t *testing.T) {
	base := featMain()
	want := featOf(t, base.history(), featAsOf)
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 3))
		r := base
		r.payments = append([]b2bkit.Payment(nil), base.payments...)
		// Split some payments made by asOf in two, a cent paid earlier and the rest when it was, so
		// invoices have several (paid in full on the same day as before); then shuffle them all.
		for k := range len(r.payments) {
			p := r.payments[k]
			if rng.IntN(2) == 0 || p.Amount.LessThan(dectest.Dec("0.02")) || p.PaidAt.After(featAsOf) {
				continue
			}
			first := p
			first.ID += "a"
			first.Amount = dectest.Dec("0.01")
			first.PaidAt = p.PaidAt.AddDate(0, 0, -rng.IntN(40))
			r.payments[k].Amount = p.Amount.Sub(first.Amount)
			r.payments = append(r.payments, first)
		}
		rng.Shuffle(len(r.payments), func(i, j int) { r.payments[i], r.payments[j] = r.payments[j], r.payments[i] })
		got := featOf(t, r.history(), featAsOf)
		featRequireSame(t, want, got, seed)
	}
}

// TestR17_FeaturesManySellers: concentration of twenty equal sellers is 1/20.
func TestR17_FeaturesManySellers(t *testing.T) {
	var r featRecords
	for k := range 20 {
		r.orders = append(r.orders, featOrder(b2bkit.OrderID(fmt.Sprint("O", k)), b2bkit.CompanyID(fmt.Sprint("seller-", k)),
			featDay(2026, time.June, 1+k%10), "10.00", b2bkit.Net(10*(k%3))))
		r.orders = append(r.orders, featOrder(b2bkit.OrderID(fmt.Sprint("P", k)), b2bkit.CompanyID(fmt.Sprint("seller-", k)),
			featDay(2026, time.May, 1+k%10), "10.00", b2bkit.Net(10*(k%3))))
	}
	fs := featOf(t, r.history(), featAsOf)
	featRequire(t, fs, risk.Sellers, "20")
	featRequire(t, fs, risk.SellerConcentration, "0.05")
	featRequire(t, fs, risk.UsualCreditDays, "9.5") // 7 sellers at 0, 7 at 10, 6 at 20 days: 190/20
}

// TestR17_FeaturesMonthJustBegun: a buyer ordering the same every month is steady on the first day
// of a month too. 15 orders of 100.00, one a month, on the 1st, the 15th or the 28th at 10:00 UTC,
// the last on or before asOf, the 1st of each month of 2026 at 18:00 UTC. The months end with
// asOf's day: on 1 March the last runs from 2 February to 1 March and month k from the 2nd to the
// 1st, so each of the 12 holds exactly one order (the 1st of its second calendar month, or the
// 15th or 28th of its first): every month is 100.00, avg_monthly_value_3m = 300/3 = 100.00,
// avg_monthly_value_12m = 1200/12 = 100.00, the trend 3 x 300 / 900 = 1 and the volatility 0.
// Tenure is 14 months (the first order is the 1st of the month 14 months before, or the 15th or
// 28th of the month 15 before), the 12 months covered. No early warning is raised. (Calendar
// months, with asOf's month last, read 2 or 1 orders in the last 3 months: a trend of 0.67.)
func TestR17_FeaturesMonthJustBegun(t *testing.T) {
	for _, day := range []int{1, 15, 28} {
		for m := time.January; m <= time.December; m++ {
			asOf := time.Date(2026, m, 1, 18, 0, 0, 0, time.UTC)
			last := 0 // months from asOf's month back to the last order's
			if day > 1 {
				last = 1
			}
			var r featRecords
			for k := last; k < last+15; k++ {
				placed := time.Date(2026, m-time.Month(k), day, 10, 0, 0, 0, time.UTC)
				r.orders = append(r.orders, featOrder(b2bkit.OrderID(placed.Format(time.DateOnly)), "seller-1", placed, "100.00", b2bkit.Net(30)))
			}
			t.Run(fmt.Sprintf("orders on the %d, as of %s", day, asOf.Format(time.DateOnly)), func(t *testing.T) {
				fs := featOf(t, r.history(), asOf)
				featRequire(t, fs, risk.TenureMonths, "14")
				featRequire(t, fs, risk.AvgMonthlyValue3, "100.00")
				featRequire(t, fs, risk.AvgMonthlyValue6, "100.00")
				featRequire(t, fs, risk.AvgMonthlyValue12, "100.00")
				featRequire(t, fs, risk.Trend, "1")
				featRequire(t, fs, risk.Volatility, "0")
				warnings, err := risk.Warnings(fs, nil)
				require.NoError(t, err)
				assert.Empty(t, warnings)
			})
		}
	}
}

// TestR17_FeaturesMonthsAtMonthEnds pins the 12 months of the window to the second, at the ends of
// months. Each case lists, worked out by hand, the first days of the 12 months and the day after
// asOf: the day after asOf less 12, 11, .. 0 whole months, the day of month clamped to the length
// of a shorter month (one month before 31 March is 28 February, not 3 March). asOf is the last
// second of its day. An order of 100.00 is placed at the first and at the last second of every
// month, and one a second before the first month (the first order, outside the window): each month
// holds 200.00 only if every bound is right to the second, so avg_monthly_value_3m, 6m and 12m are
// 200.00, the trend 1 and the volatility 0. Two unpaid invoices of 100.00 fall due (at noon) on the
// first day of the last 3 months and on the day before: days_late_3m is the days from the first to
// asOf's day, days_late_prior_9m one more.
func TestR17_FeaturesMonthsAtMonthEnds(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name   string
		asOf   string
		loc    *time.Location
		bounds [13]string // first days of months 0 .. 11, then the day after asOf
		late3  string     // days from bounds[9] to asOf's day
		prior9 string     // days from the day before bounds[9] to asOf's day
	}{
		{"31 March: calendar months", "2026-03-31", time.UTC, [13]string{
			"2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01",
			"2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"},
			"89", "90"}, // 1 Jan -> 31 March: 31 + 28 + 30
		{"30 March: months from the 31st or a shorter month's last day", "2026-03-30", time.UTC, [13]string{
			"2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30",
			"2025-10-31", "2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31"},
			"89", "90"}, // 31 Dec -> 30 March: 31 + 28 + 30
		{"29 February of a leap year: calendar months", "2028-02-29", time.UTC, [13]string{
			"2027-03-01", "2027-04-01", "2027-05-01", "2027-06-01", "2027-07-01", "2027-08-01", "2027-09-01",
			"2027-10-01", "2027-11-01", "2027-12-01", "2028-01-01", "2028-02-01", "2028-03-01"},
			"90", "91"}, // 1 Dec -> 29 Feb: 31 + 31 + 28
		{"28 February of a leap year: months from the 29th, 28 February 2027 for the first", "2028-02-28", time.UTC, [13]string{
			"2027-02-28", "2027-03-29", "2027-04-29", "2027-05-29", "2027-06-29", "2027-07-29", "2027-08-29",
			"2027-09-29", "2027-10-29", "2027-11-29", "2027-12-29", "2028-01-29", "2028-02-29"},
			"91", "92"}, // 29 Nov -> 28 Feb: 30 + 31 + 30
		{"28 February: calendar months", "2026-02-28", time.UTC, [13]string{
			"2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01", "2025-08-01", "2025-09-01",
			"2025-10-01", "2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01"},
			"89", "90"}, // 1 Dec -> 28 Feb: 31 + 31 + 27
		{"1 March: months from the 2nd", "2026-03-01", time.UTC, [13]string{
			"2025-03-02", "2025-04-02", "2025-05-02", "2025-06-02", "2025-07-02", "2025-08-02", "2025-09-02",
			"2025-10-02", "2025-11-02", "2025-12-02", "2026-01-02", "2026-02-02", "2026-03-02"},
			"89", "90"}, // 2 Dec -> 1 March: 31 + 31 + 27
		{"29 May: the last 3 months from 28 February", "2026-05-29", time.UTC, [13]string{
			"2025-05-30", "2025-06-30", "2025-07-30", "2025-08-30", "2025-09-30", "2025-10-30", "2025-11-30",
			"2025-12-30", "2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30", "2026-05-30"},
			"90", "91"}, // 28 Feb -> 29 May: 28 + 31 + 31
		{"10 March in Shanghai: from 11 December", "2026-03-10", shanghai, [13]string{
			"2025-03-11", "2025-04-11", "2025-05-11", "2025-06-11", "2025-07-11", "2025-08-11", "2025-09-11",
			"2025-10-11", "2025-11-11", "2025-12-11", "2026-01-11", "2026-02-11", "2026-03-11"},
			"89", "90"}, // 11 Dec -> 10 March: 31 + 31 + 27
		{"31 December: the calendar months of the year", "2026-12-31", time.UTC, [13]string{
			"2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01", "2026-07-01",
			"2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01", "2027-01-01"},
			"91", "92"}, // 1 Oct -> 31 Dec: 31 + 30 + 30
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var bounds [13]time.Time
			for k, s := range tc.bounds {
				b, err := time.ParseInLocation(time.DateOnly, s, tc.loc)
				require.NoError(t, err)
				bounds[k] = b
			}
			day, err := time.ParseInLocation(time.DateOnly, tc.asOf, tc.loc)
			require.NoError(t, err)
			require.True(t, day.AddDate(0, 0, 1).Equal(bounds[12]), "the table's last bound is the day after asOf")
			asOf := bounds[12].Add(-time.Second)

			var r featRecords
			add := func(at time.Time) {
				r.orders = append(r.orders, featOrder(b2bkit.OrderID(at.Format(time.RFC3339)), "seller-1", at, "100.00", b2bkit.Net(30)))
			}
			add(bounds[0].Add(-time.Second))
			for k := range 12 {
				add(bounds[k])
				add(bounds[k+1].Add(-time.Second))
			}
			due := bounds[9].Add(12 * time.Hour)
			before := bounds[9].AddDate(0, 0, -1).Add(12 * time.Hour)
			r.invoices = []b2bkit.Invoice{featInvoice("I-in", "O", "100.00", due, due), featInvoice("I-before", "O", "100.00", before, before)}

			fs, err := risk.FeaturesContext(context.Background(), featBuyer, r.history(), asOf, &risk.FeatureOptions{Location: tc.loc})
			require.NoError(t, err)
			featRequire(t, fs, risk.AvgMonthlyValue3, "200.00")  // 6 orders / 3
			featRequire(t, fs, risk.AvgMonthlyValue6, "200.00")  // 12 orders / 6
			featRequire(t, fs, risk.AvgMonthlyValue12, "200.00") // 24 orders / 12
			featRequire(t, fs, risk.Trend, "1")                  // 3 x 600 / 1800
			featRequire(t, fs, risk.Volatility, "0")
			featRequire(t, fs, risk.TenureMonths, "12") // from a second before the 12 months: 12 whole months to asOf
			featRequire(t, fs, risk.DaysLate3, tc.late3)
			featRequire(t, fs, risk.DaysLatePrior9, tc.prior9)
			featRequire(t, fs, risk.WorstDaysPastDue12, tc.prior9)
		})
	}
}

// TestR17_FeaturesSteadyBuyerOnAnyDay: a buyer ordering 100.00 on the same day of every month (the
// 1st, the 15th or the 27th), or on the last day of every month, for 15 months has one order in
// each of the 12 months as of any day of 2026 and of the leap year 2028: the months are 28 to 31
// days long and start on the day after asOf's day of month, or on a shorter month's last day, which
// each of these days falls in exactly once. So avg_monthly_value_3m = 300/3 = 100.00, the trend
// 3 x 300 / 900 = 1 and the volatility 0. Orders are at 10:00, asOf at 18:00: an order on asOf's
// day counts.
func TestR17_FeaturesSteadyBuyerOnAnyDay(t *testing.T) {
	lastDay := func(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }
	for _, day := range []int{1, 15, 27, 0} { // 0: the last day of the month
		for _, year := range []int{2026, 2028} {
			for asOf := time.Date(year, time.January, 1, 18, 0, 0, 0, time.UTC); asOf.Year() == year; asOf = asOf.AddDate(0, 0, 1) {
				var r featRecords
				for k := 0; len(r.orders) < 15; k++ {
					y, m := asOf.Year(), asOf.Month()-time.Month(k)
					d := day
					if d == 0 {
						d = lastDay(y, m)
					}
					placed := time.Date(y, m, d, 10, 0, 0, 0, time.UTC)
					if placed.After(asOf) {
						continue
					}
					r.orders = append(r.orders, featOrder(b2bkit.OrderID(placed.Format(time.DateOnly)), "seller-1", placed, "100.00", b2bkit.Net(30)))
				}
				fs := featOf(t, r.history(), asOf)
				name := fmt.Sprintf("orders on day %d (0: the last), as of %s", day, asOf.Format(time.DateOnly))
				for f, want := range map[risk.Feature]string{risk.AvgMonthlyValue3: "100.00", risk.AvgMonthlyValue12: "100.00",
					risk.Trend: "1", risk.Volatility: "0"} {
					v, _ := fs.Values.Get(f)
					require.False(t, v.Missing, "%s: %s", name, f)
					dectest.RequireEqual(t, dectest.Dec(want), v.Number, "%s: %s", name, f)
				}
			}
		}
	}
}

// TestR17_FeaturesClampedMonthHoldsTwoOrders pins the one case the months cannot fit (see
// FeaturesContext): a buyer ordering 100.00 on the 28th of every month, as of 28 April 2026. The
// months start on the 29th, February's on the 28th: month 9 runs from 29 January to 27 February and
// holds no order, month 10 from 28 February to 28 March and holds two (28 February and 28 March).
// The sums are right: the last 3 months (29 January - 28 April) hold 3 orders, the 9 before (29
// April 2025 - 28 January 2026) 9, so avg_monthly_value_3m = 100.00 and the trend 3 x 300 / 900 = 1;
// the volatility reads the months 1 x 9, 0, 2, 1: mean 1, variance (1 + 1)/12, sd 0.408248, over the
// mean 0.4082.
func TestR17_FeaturesClampedMonthHoldsTwoOrders(t *testing.T) {
	var r featRecords
	for k := range 15 {
		placed := featDay(2026, time.April-time.Month(k), 28)
		r.orders = append(r.orders, featOrder(b2bkit.OrderID(placed.Format(time.DateOnly)), "seller-1", placed, "100.00", b2bkit.Net(30)))
	}
	fs := featOf(t, r.history(), featDay(2026, time.April, 28))
	featRequire(t, fs, risk.AvgMonthlyValue3, "100.00")
	featRequire(t, fs, risk.AvgMonthlyValue12, "100.00")
	featRequire(t, fs, risk.Trend, "1")
	featRequire(t, fs, risk.Volatility, "0.4082")
}

// TestR17_FeaturesOlderOrdersCountForTenureOnly: an order placed before the 12 months counts for the
// tenure with its lines checked, but its value is not worked out: a total beyond int64 minor units
// is an error only inside the window, where it is added up.
func TestR17_FeaturesOlderOrdersCountForTenureOnly(t *testing.T) {
	recent := featOrder("recent", "seller-1", featDay(2026, time.May, 1), "100.00", b2bkit.Net(30))
	huge := func(placed time.Time) b2bkit.Order {
		o := featOrder("huge", "seller-2", placed, "1", b2bkit.Net(30))
		o.Lines[0].Quantity = dectest.Dec("100000000000000000") // x 1 = 10^19 fen: beyond an int64
		return o
	}
	old := huge(featDay(2024, time.March, 10))
	fs := featOf(t, featRecords{orders: []b2bkit.Order{old, recent}}.history(), featAsOf)
	featRequire(t, fs, risk.TenureMonths, "27") // from 10 March 2024 to 15 June 2026
	featRequire(t, fs, risk.AvgMonthlyValue12, "8.33")
	featRequire(t, fs, risk.Sellers, "1") // seller-2's order is older than the 12 months

	_, err := risk.Features(featBuyer, featRecords{orders: []b2bkit.Order{huge(featDay(2026, time.March, 10)), recent}}.history(), featAsOf)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "history.orders[0].total")

	for _, tc := range []struct {
		name   string
		change func(*b2bkit.Order)
		want   string
	}{
		{"zero quantity", func(o *b2bkit.Order) { o.Lines[0].Quantity = dectest.Dec("0") }, "history.orders[0].lines[0].quantity: must be > 0"},
		{"negative price", func(o *b2bkit.Order) { o.Lines[0].UnitPrice = dectest.Dec("-1") }, "history.orders[0].lines[0].unit_price: must be >= 0"},
		{"no lines", func(o *b2bkit.Order) { o.Lines = nil }, "history.orders[0].lines: must have at least one line"},
		{"absurd price", func(o *b2bkit.Order) { o.Lines[0].UnitPrice = decimal.New(1, -999999999) }, "history.orders[0].lines[0].unit_price: must have at most 18 decimal places"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := featOrder("old", "seller-1", featDay(2024, time.March, 10), "10.00", b2bkit.Net(30))
			tc.change(&o)
			_, err := risk.Features(featBuyer, featRecords{orders: []b2bkit.Order{o, recent}}.history(), featAsOf)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// featCancelling yields n records, cancelling the context after the tenth, as a host's cursor over a
// long history might see a request go away.
func featCancelling[T any](cancel context.CancelFunc, n int, rec T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for k := range n {
			if k == 10 {
				cancel()
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// TestR17_CancelledMidStreamStopsTheFeatures: a context cancelled while a long stream is read stops
// the features within featCtxEvery records, naming the stream, whichever stream it is.
func TestR17_CancelledMidStreamStopsTheFeatures(t *testing.T) {
	const n = 600                              // more than twice the records between two looks at the context
	other := b2bkit.CompanyID("another-buyer") // records of another buyer are skipped unread
	tests := []struct {
		name string
		h    func(context.CancelFunc) risk.History
	}{
		{"orders", func(c context.CancelFunc) risk.History {
			return risk.History{Orders: featCancelling(c, n, b2bkit.Order{Buyer: other})}
		}},
		{"invoices", func(c context.CancelFunc) risk.History {
			return risk.History{Invoices: featCancelling(c, n, b2bkit.Invoice{Buyer: other})}
		}},
		{"payments", func(c context.CancelFunc) risk.History {
			return risk.History{Payments: featCancelling(c, n, b2bkit.Payment{Invoice: "no-such-invoice"})}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := risk.FeaturesContext(ctx, featBuyer, tc.h(cancel), featAsOf, nil)
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, "risk: history."+tc.name+": "+context.Canceled.Error(), err.Error())

			// Not cancelled, the same stream is read to its end.
			_, err = risk.Features(featBuyer, tc.h(func() {}), featAsOf)
			require.NoError(t, err)
		})
	}
}

// TestR17_FeaturesInvoiceOrderDoesNotMatter: invoices streamed in the order of their numbers
// (shorter first, "I9" before "I10"), which Features searches as they stand, or in any other order,
// which it indexes by hash from the first number out of order on, give the same features and
// exposure, their payments shuffled or not.
func TestR17_FeaturesInvoiceOrderDoesNotMatter(t *testing.T) {
	for _, base := range []featRecords{featMain(), featBenchHistory()} {
		want := featOf(t, base.history(), featAsOf)
		wantExp, err := risk.ExposureAt(featBuyer, base.history(), dectest.Dec("0"), featAsOf, nil)
		require.NoError(t, err)
		for seed := range uint64(30) {
			rng := rand.New(rand.NewPCG(seed, 5))
			r := base
			r.invoices = slices.Clone(base.invoices)
			r.payments = slices.Clone(base.payments)
			switch seed % 3 {
			case 0: // shuffled from some point on
				from := rng.IntN(len(r.invoices))
				rng.Shuffle(len(r.invoices)-from, func(i, j int) {
					r.invoices[from+i], r.invoices[from+j] = r.invoices[from+j], r.invoices[from+i]
				})
			case 1: // in byte order: "I10" before "I9"
				slices.SortFunc(r.invoices, func(a, b b2bkit.Invoice) int { return cmp.Compare(a.Number, b.Number) })
			case 2: // in number order, payments shuffled: found by halving
				rng.Shuffle(len(r.payments), func(i, j int) { r.payments[i], r.payments[j] = r.payments[j], r.payments[i] })
			}
			got := featOf(t, r.history(), featAsOf)
			featRequireSame(t, want, got, seed)
			gotExp, err := risk.ExposureAt(featBuyer, r.history(), dectest.Dec("0"), featAsOf, nil)
			require.NoError(t, err)
			dectest.RequireEqual(t, wantExp.Unpaid, gotExp.Unpaid, "seed %d", seed)
			dectest.RequireEqual(t, wantExp.Uninvoiced, gotExp.Uninvoiced, "seed %d", seed)
		}
	}
}

// TestR17_FeaturesInvoiceNumberTwiceWhereverItComes: a number used twice is found whether the
// numbers came in order up to it or not, and named with the first record that used it.
func TestR17_FeaturesInvoiceNumberTwiceWhereverItComes(t *testing.T) {
	inv := func(n string) b2bkit.Invoice {
		return featInvoice(b2bkit.InvoiceNumber(n), "O1", "10.00", featDay(2026, time.May, 1), featDay(2026, time.May, 31))
	}
	for _, tt := range []struct {
		numbers []string
		want    string
	}{
		{[]string{"I1", "I1"}, "history.invoices[1].number: I1 is already the number of an invoice of the buyer (record 0)"},
		{[]string{"I1", "I2", "I10", "I2"}, "history.invoices[3].number: I2 is already the number of an invoice of the buyer (record 1)"},
		{[]string{"I2", "I1", "I3", "I1"}, "history.invoices[3].number: I1 is already the number of an invoice of the buyer (record 1)"},
		{[]string{"I9", "I10", "I11", "I9", "I10"}, "history.invoices[3].number: I9 is already the number of an invoice of the buyer (record 0)"},
		{[]string{"A", "B", "AA", "Z", "AA"}, "history.invoices[4].number: AA is already the number of an invoice of the buyer (record 2)"},
		// Another buyer's invoices ("~") are skipped: the record is still the first one's place in the stream.
		{[]string{"~X", "I1", "~I2", "I2", "I1"}, "history.invoices[4].number: I1 is already the number of an invoice of the buyer (record 1)"},
		{[]string{"I1", "I2", "~I3", "I3", "I4", "I3"}, "history.invoices[5].number: I3 is already the number of an invoice of the buyer (record 3)"},
		{[]string{"I1", "I2", "~I3", "I3", "I2"}, "history.invoices[4].number: I2 is already the number of an invoice of the buyer (record 1)"},
	} {
		var r featRecords
		for _, n := range tt.numbers {
			x := inv(strings.TrimPrefix(n, "~"))
			if strings.HasPrefix(n, "~") {
				x.Buyer = "jade-garden"
			}
			r.invoices = append(r.invoices, x)
		}
		_, err := risk.Features(featBuyer, r.history(), featAsOf)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "%v", tt.numbers)
		require.EqualError(t, err, "risk: "+tt.want)
	}
	var r featRecords
	for _, n := range []string{"I1", "I9", "I10", "J10", "I100"} {
		r.invoices = append(r.invoices, inv(n))
	}
	_, err := risk.Features(featBuyer, r.history(), featAsOf)
	require.NoError(t, err, "numbers in order are distinct")
}

// TestR17_FeaturesConcentrationAndCreditDaysExactly: for random buyers, small and beyond 2^32 minor
// units a year, on terms paying after delivery or partly before it, the seller concentration and
// the usual credit days are exactly the sums of squares and the value-weighted credit days worked
// out in decimals, rounded HalfUp.
func TestR17_FeaturesConcentrationAndCreditDaysExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 2026))
	for seed := range 300 {
		var r featRecords
		bySeller := map[b2bkit.CompanyID]decimal.Decimal{}
		total, weighted := decimal.Zero, decimal.Zero
		for k := range 1 + rng.IntN(30) {
			var amount decimal.Decimal
			switch rng.IntN(3) {
			case 0:
				amount = decimal.New(rng.Int64N(1_000_000), -2)
			case 1:
				amount = decimal.New(rng.Int64N(1<<33), -2) // a year of these passes 2^32 minor units
			default:
				amount = decimal.New(rng.Int64N(1e16), -2)
			}
			terms := []b2bkit.PaymentTerms{b2bkit.Net(rng.IntN(120)), b2bkit.CashOnDelivery(), b2bkit.Prepaid(),
				b2bkit.DepositBalance(decimal.New(int64(1+rng.IntN(99)), -2), rng.IntN(90))}[rng.IntN(4)]
			placed := featDay(2025, time.July, 1).AddDate(0, 0, rng.IntN(340))
			seller := b2bkit.CompanyID(fmt.Sprint("seller-", rng.IntN(5)))
			o := featOrder(b2bkit.OrderID(fmt.Sprint("O", k)), seller, placed, amount.StringFixed(2), terms)
			o.Terms.DeliverBy = placed.AddDate(0, 0, rng.IntN(20)) // a deposit on order is paid before delivery
			r.orders = append(r.orders, o)
			bySeller[seller] = bySeller[seller].Add(amount)
			total = total.Add(amount)
			weighted = weighted.Add(amount.Mul(o.Terms.CreditDays()))
		}
		fs := featOf(t, r.history(), featAsOf)
		if total.IsZero() {
			featRequire(t, fs, risk.SellerConcentration, featMissing)
			featRequire(t, fs, risk.UsualCreditDays, featMissing)
			continue
		}
		sq := decimal.Zero
		for _, v := range bySeller {
			sq = sq.Add(v.Mul(v))
		}
		conc, _ := fs.Get(risk.SellerConcentration)
		dectest.RequireEqual(t, sq.DivRound(total.Mul(total), risk.RatioScale), conc.Number, "seed %d", seed)
		require.Equal(t, -int32(risk.RatioScale), conc.Number.Exponent())
		days, _ := fs.Get(risk.UsualCreditDays)
		dectest.RequireEqual(t, weighted.DivRound(total, risk.RatioScale), days.Number, "seed %d", seed)
		require.Equal(t, -int32(risk.RatioScale), days.Number.Exponent())
	}
}

// TestR6_FeaturesPenetrationExactly: for random wallets — whole, with places, tiny, up to 18 digits
// — and histories at scales 1 to 8, the penetration and its prior are exactly the last 3 months'
// and the 3 before's order value over 3 x the wallet, worked out in decimals, rounded HalfUp.
func TestR6_FeaturesPenetrationExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 2026))
	for seed := range 300 {
		scale := int32(1 + rng.IntN(8))
		var r featRecords
		// One order before the window, so that the history covers it.
		r.orders = append(r.orders, featOrder("O-old", "seller-1", featDay(2025, time.January, 5), "1", b2bkit.Net(30)))
		last, prior := decimal.Zero, decimal.Zero
		for k := range rng.IntN(8) {
			places := int32(rng.IntN(int(scale) + 1))
			// At most 10^17 minor units an order, so that eight of them fit an int64.
			limit := min([]int64{1000, 1e9, 1e15}[rng.IntN(3)], decimal.New(1, 17-scale+places).IntPart())
			amount := decimal.New(rng.Int64N(limit), -places)
			placed := featDay(2026, time.March, 20).AddDate(0, 0, rng.IntN(85)) // in the last 3 months
			if rng.IntN(2) == 0 {
				placed = featDay(2025, time.December, 20).AddDate(0, 0, rng.IntN(80)) // in the 3 before
				prior = prior.Add(amount)
			} else {
				last = last.Add(amount)
			}
			r.orders = append(r.orders, featOrder(b2bkit.OrderID(fmt.Sprint("O", k)), "seller-1", placed, amount.String(), b2bkit.Net(30)))
		}
		wallet := decimal.New(1+rng.Int64N([]int64{100, 1e6, 1e12, 1e18 - 1}[rng.IntN(4)]), int32(rng.IntN(25)-18))
		if wallet.Exponent() > 0 && wallet.GreaterThanOrEqual(decimal.New(1, 18)) {
			wallet = decimal.New(wallet.CoefficientInt64(), 0)
		}
		r.wallets = []risk.Wallet{{Company: featBuyer, Monthly: wallet, AsOf: featDay(2026, time.May, 1)}}
		fs, err := risk.FeaturesContext(context.Background(), featBuyer, r.history(), featAsOf, &risk.FeatureOptions{Scale: scale})
		require.NoError(t, err, "seed %d: wallet %s", seed, wallet)
		den := wallet.Mul(decimal.NewFromInt(3))
		for f, value := range map[risk.Feature]decimal.Decimal{risk.Penetration: last, risk.PenetrationPrior: prior} {
			got, _ := fs.Get(f)
			require.False(t, got.Missing, "seed %d: %s", seed, f)
			dectest.RequireEqual(t, value.DivRound(den, risk.RatioScale), got.Number, "seed %d: %s, wallet %s", seed, f, wallet)
			require.Equal(t, -int32(risk.RatioScale), got.Number.Exponent())
		}
	}
}

// TestR17_FeaturesExponentNearInt32LimitIsAnError: an order line whose exponents add up near or
// past the int32 limit is refused with the field named; it does not panic (Order.TotalMinor, adding
// the exponents in int32, indexed a power of ten with the wrapped difference) nor value the line
// at a wrapped exponent.
func TestR17_FeaturesExponentNearInt32LimitIsAnError(t *testing.T) {
	// The last two sum, in int32, to 0 and -2: they wrapped into an ordinary exponent, and the
	// line was valued at 1 x 100 and 1 x 1.00 without a word.
	for _, exp := range [][2]int32{{math.MaxInt32, 0}, {math.MaxInt32 - 1, 1}, {math.MaxInt32, -2}, {math.MaxInt32 - 17, 0}, {math.MinInt32, 0},
		{math.MinInt32, math.MinInt32}, {math.MaxInt32, math.MaxInt32}} {
		o := featOrder("O1", "seller-1", featDay(2026, time.May, 2), "1.00", b2bkit.Net(30))
		o.Lines[0].Quantity, o.Lines[0].UnitPrice = decimal.New(1, exp[0]), decimal.New(100, exp[1])
		_, err := risk.Features(featBuyer, featRecords{orders: []b2bkit.Order{o}}.history(), featAsOf)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.Equal(t, "risk: history.orders[0].lines[0].quantity: must have at most 18 decimal places (trailing zeros aside) and at most 308 digits written out", err.Error())
	}
}

// TestR17_NoLookAheadWithEveryKindOfRecord: the no-look-ahead rule for every kind of record a
// history holds and for the exposure too — orders from new sellers on other terms, invoices and
// credit notes, payments that would settle an overdue invoice or refund a credit note, shipments,
// wallet estimates, a payer leaving — dated from a nanosecond after asOf on, some written in
// another time zone where their wall clock reads asOf's day or earlier, some in another currency.
// None changes a feature or the exposure.
func TestR17_NoLookAheadWithEveryKindOfRecord(t *testing.T) {
	base := featMain()
	base.people = featChanges{{Person: "wang", At: featDay(2026, time.May, 1), From: featBuyer, LostRoles: []crm.Role{crm.Payer}}}
	financed := dectest.Dec("250.00")
	want := featOf(t, base.history(), featAsOf)
	wantExp, err := risk.ExposureAt(featBuyer, base.history(), financed, featAsOf, nil)
	require.NoError(t, err)
	honolulu := time.FixedZone("HST", -10*3600)
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 29))
		r := base
		r.orders = append([]b2bkit.Order(nil), base.orders...)
		r.invoices = append([]b2bkit.Invoice(nil), base.invoices...)
		r.payments = append([]b2bkit.Payment(nil), base.payments...)
		r.wallets = append([]risk.Wallet(nil), base.wallets...)
		changes := append(featChanges(nil), base.people.(featChanges)...)
		var shipments []b2bkit.Shipment
		later := func() time.Time {
			var d time.Duration
			switch rng.IntN(3) {
			case 0:
				d = time.Nanosecond
			case 1:
				d = time.Duration(1+rng.IntN(3600)) * time.Second
			default:
				d = time.Duration(1+rng.IntN(400*24)) * time.Hour
			}
			at := featAsOf.Add(d)
			if rng.IntN(2) == 0 {
				at = at.In(honolulu) // 02:00 on asOf's day there: still after asOf
			}
			return at
		}
		amount := func() string { return fmt.Sprintf("%d.%02d", 1+rng.IntN(100000), rng.IntN(100)) }
		currency := func() string { return []string{"CNY", "CNY", "USD"}[rng.IntN(3)] }
		numbers := []b2bkit.InvoiceNumber{"I0", "I1", "I2", "I3", "I4", "I5", "I6", "CN1"}
		orders := []b2bkit.OrderID{"O0", "O1", "O2", "O3"}
		for k := range 1 + rng.IntN(40) {
			switch rng.IntN(8) {
			case 0: // an order from a new seller, on terms with a deposit
				o := featOrder(b2bkit.OrderID(fmt.Sprint("F", k)), b2bkit.CompanyID(fmt.Sprint("seller-new-", rng.IntN(3))), later(), amount(),
					b2bkit.DepositBalance(dectest.Dec("0.3"), rng.IntN(90)))
				o.Currency = currency()
				orders = append(orders, o.ID)
				r.orders = featInsertAt(rng, r.orders, o)
			case 1: // an invoice of a past or future order
				at := later()
				n := b2bkit.InvoiceNumber(fmt.Sprint("FI", k))
				inv := featInvoice(n, orders[rng.IntN(len(orders))], amount(), at, at.AddDate(0, 0, rng.IntN(60)))
				inv.Currency = currency()
				r.invoices = featInsertAt(rng, r.invoices, inv)
				numbers = append(numbers, n)
			case 2: // a credit note
				at := later()
				n := b2bkit.InvoiceNumber(fmt.Sprint("FCN", k))
				r.invoices = featInsertAt(rng, r.invoices, featInvoice(n, orders[rng.IntN(len(orders))], "-"+amount(), at, at))
				numbers = append(numbers, n)
			case 3, 4: // a payment against any invoice, past or future
				p := featPayment(b2bkit.PaymentID(fmt.Sprint("FP", k)), numbers[rng.IntN(len(numbers))], amount(), later())
				p.Currency = currency()
				r.payments = featInsertAt(rng, r.payments, p)
			case 5:
				r.wallets = featInsertAt(rng, r.wallets, risk.Wallet{Company: featBuyer, Monthly: dectest.Dec(amount()), AsOf: later()})
			case 6:
				changes = append(changes, crm.JobChange{Person: "chen", At: later(), From: featBuyer, LostRoles: []crm.Role{crm.Payer}})
			case 7:
				at := later()
				shipments = append(shipments, b2bkit.Shipment{ID: b2bkit.ShipmentID(fmt.Sprint("FS", k)), Order: orders[rng.IntN(len(orders))],
					Seller: "seller-1", Buyer: featBuyer, ShippedAt: at, ReceivedAt: at.Add(time.Hour),
					Lines: []b2bkit.ShipmentLine{{SKU: "RICE-25KG", Shipped: dectest.Dec("1"), Received: dectest.Dec("1")}}})
			}
		}
		// later changes come after the earlier one; a list of them stays oldest first
		slices.SortStableFunc(changes, func(a, b crm.JobChange) int { return a.At.Compare(b.At) })
		r.people = changes
		h := r.history()
		h.Shipments = featSeq(shipments...)
		got, err := risk.Features(featBuyer, h, featAsOf)
		require.NoError(t, err, "seed %d", seed)
		featRequireSame(t, want, got, seed)
		h = r.history()
		h.Shipments = featSeq(shipments...)
		exp, err := risk.ExposureAt(featBuyer, h, financed, featAsOf, nil)
		require.NoError(t, err, "seed %d", seed)
		dectest.RequireEqual(t, wantExp.Unpaid, exp.Unpaid, "seed %d", seed)
		dectest.RequireEqual(t, wantExp.Uninvoiced, exp.Uninvoiced, "seed %d", seed)
		dectest.RequireEqual(t, wantExp.Financed, exp.Financed, "seed %d", seed)
		dectest.RequireEqual(t, wantExp.Total, exp.Total, "seed %d", seed)
	}
}
