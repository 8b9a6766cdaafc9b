package risk_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// featBuckets are the overdue buckets, current first.
var featBuckets = []risk.Feature{risk.OverdueCurrent, risk.Overdue1to29, risk.Overdue30to59, risk.Overdue60to89,
	risk.Overdue90Plus}

// TestR17_CreditNotesSettleInvoices: a credit note counts as paid, on its issue date, against what is
// still owed on the invoices billing its orders, oldest due first, and then on the buyer's other
// unpaid invoices, oldest due first. An invoice a credit note cleared is not past due, whatever
// ExposureAt says of it, and the lateness up to the credit note stays on the record.
func TestR17_CreditNotesSettleInvoices(t *testing.T) {
	const missing = "missing"
	tests := []struct {
		name string
		r    featRecords
		// want is each feature's expected value; a bucket not named is 0.
		want map[risk.Feature]string
	}{
		{
			name: "a credit note cancelling an invoice after its due date",
			r: featRecords{invoices: []b2bkit.Invoice{
				featInvoice("I1", "O1", "400.00", featDay(2026, time.March, 1), featDay(2026, time.March, 31)),
				featInvoice("CN1", "O1", "-400.00", featDay(2026, time.April, 10), featDay(2026, time.April, 10)),
			}},
			want: map[risk.Feature]string{risk.DaysPastDue: "0", risk.WorstDaysPastDue12: "10", risk.DaysLate3: "10",
				risk.OnTimeRate: "0"},
		},
		{
			name: "the invoice of the credit note's order, not the oldest",
			r: featRecords{invoices: []b2bkit.Invoice{
				featInvoice("I1", "O1", "100.00", featDay(2026, time.January, 1), featDay(2026, time.January, 31)),
				featInvoice("I2", "O2", "100.00", featDay(2026, time.February, 1), featDay(2026, time.March, 3)),
				featInvoice("CN2", "O2", "-100.00", featDay(2026, time.April, 1), featDay(2026, time.April, 1)),
			}},
			// I1 is 135 days past due on 15 June; I2 was settled 29 days late.
			want: map[risk.Feature]string{risk.DaysPastDue: "135", risk.Overdue90Plus: "100.00",
				risk.WorstDaysPastDue12: "135", risk.DaysLate3: missing, risk.DaysLatePrior9: "82"}, // (135 + 29) / 2
		},
		{
			name: "what is left of it goes to the oldest due",
			r: featRecords{invoices: []b2bkit.Invoice{
				featInvoice("I2", "O2", "100.00", featDay(2026, time.February, 1), featDay(2026, time.March, 3)),
				featInvoice("I1", "O1", "100.00", featDay(2026, time.January, 1), featDay(2026, time.January, 31)),
				featInvoice("CN9", "O9", "-150.00", featDay(2026, time.April, 1), featDay(2026, time.April, 1)),
			}},
			// I1 is settled on 1 April, 60 days late; 50.00 of I2 is left, 104 days past due.
			want: map[risk.Feature]string{risk.DaysPastDue: "104", risk.Overdue90Plus: "50.00",
				risk.WorstDaysPastDue12: "104", risk.DaysLate3: missing, risk.DaysLatePrior9: "82"}, // (60 + 104) / 2
		},
		{
			name: "paid in part and credited for the rest before the due date: on time",
			r: featRecords{
				invoices: []b2bkit.Invoice{
					featInvoice("I1", "O1", "100.00", featDay(2026, time.March, 1), featDay(2026, time.March, 31)),
					featInvoice("CN1", "O1", "-30.00", featDay(2026, time.March, 25), featDay(2026, time.March, 25)),
				},
				payments: []b2bkit.Payment{featPayment("P1", "I1", "70.00", featDay(2026, time.March, 20))},
			},
			want: map[risk.Feature]string{risk.DaysPastDue: "0", risk.OnTimeRate: "1", risk.DaysLate3: "0",
				risk.WorstDaysPastDue12: "0"},
		},
		{
			name: "a credit note before the invoice it settles, and a payment after",
			r: featRecords{
				invoices: []b2bkit.Invoice{
					featInvoice("CN1", "O1", "-20.00", featDay(2026, time.February, 20), featDay(2026, time.February, 20)),
					featInvoice("I1", "O1", "100.00", featDay(2026, time.March, 1), featDay(2026, time.March, 31)),
				},
				payments: []b2bkit.Payment{featPayment("P1", "I1", "80.00", featDay(2026, time.April, 5))},
			},
			want: map[risk.Feature]string{risk.DaysPastDue: "0", risk.OnTimeRate: "0", risk.DaysLate3: "5",
				risk.WorstDaysPastDue12: "5"},
		},
		{
			name: "a credit note after asOf settles nothing",
			r: featRecords{invoices: []b2bkit.Invoice{
				featInvoice("I1", "O1", "400.00", featDay(2026, time.March, 1), featDay(2026, time.March, 31)),
				featInvoice("CN1", "O1", "-400.00", featAsOf.Add(time.Minute), featAsOf.AddDate(0, 0, 1)),
			}},
			want: map[risk.Feature]string{risk.DaysPastDue: "76", risk.Overdue60to89: "400.00"},
		},
		{
			name: "only credit notes",
			r: featRecords{invoices: []b2bkit.Invoice{
				featInvoice("CN1", "O1", "-40.00", featDay(2026, time.March, 1), featDay(2026, time.March, 1)),
			}},
			// No invoice: nothing to judge, as without any record.
			want: map[risk.Feature]string{risk.DaysPastDue: missing, risk.OnTimeRate: missing, risk.DaysLate3: missing,
				risk.OverdueCurrent: missing, risk.Overdue1to29: missing, risk.Overdue30to59: missing,
				risk.Overdue60to89: missing, risk.Overdue90Plus: missing},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := featOf(t, tc.r.history(), featAsOf)
			for f, want := range tc.want {
				featRequire(t, fs, f, want)
			}
			for _, f := range featBuckets {
				if _, named := tc.want[f]; !named {
					featRequire(t, fs, f, "0")
				}
			}
		})
	}
}

// TestR17_OverdueBucketsAddUpToTheExposure: for any history, the overdue buckets of Features add up to
// ExposureAt's Unpaid, credit notes included: both read the same settlement of every invoice.
func TestR17_OverdueBucketsAddUpToTheExposure(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 2026))
		var r featRecords
		start := featDay(2025, time.June, 1)
		n := 1 + rng.IntN(12)
		for k := range n {
			issued := start.AddDate(0, 0, rng.IntN(400))
			order := b2bkit.OrderID(fmt.Sprintf("O%d", rng.IntN(n)))
			amount := decimal.New(int64(1+rng.IntN(50_000)), -2)
			if rng.IntN(4) == 0 {
				r.invoices = append(r.invoices, featInvoice(b2bkit.InvoiceNumber(fmt.Sprintf("CN%d", k)), order,
					amount.Neg().String(), issued, issued))
				continue
			}
			number := b2bkit.InvoiceNumber(fmt.Sprintf("I%d", k))
			r.invoices = append(r.invoices, featInvoice(number, order, amount.String(), issued, issued.AddDate(0, 0, 30)))
			for range rng.IntN(3) {
				part := decimal.New(int64(1+rng.IntN(int(amount.CoefficientInt64()))), -2)
				r.payments = append(r.payments, featPayment(b2bkit.PaymentID(fmt.Sprintf("P%d", len(r.payments))), number,
					part.String(), issued.AddDate(0, 0, rng.IntN(90))))
			}
		}
		rng.Shuffle(len(r.payments), func(i, j int) { r.payments[i], r.payments[j] = r.payments[j], r.payments[i] })
		fs := featOf(t, r.history(), featAsOf)
		e, err := risk.ExposureAt(featBuyer, r.history(), decimal.Zero, featAsOf, nil)
		require.NoError(t, err)
		sum := decimal.Zero
		for _, f := range featBuckets {
			v, ok := fs.Get(f)
			require.True(t, ok)
			if !v.Missing {
				sum = sum.Add(v.Number)
			}
		}
		dectest.RequireEqual(t, e.Unpaid, sum, "seed %d: buckets against the exposure's unpaid", seed)
		if dpd, _ := fs.Get(risk.DaysPastDue); !dpd.Missing && dpd.Number.IsZero() {
			require.True(t, e.Unpaid.IsZero() || sum.Equal(mustGet(t, fs, risk.OverdueCurrent)),
				"seed %d: nothing past due, yet %s is owed past its date", seed, e.Unpaid)
		}
	}
}

func mustGet(t *testing.T, fs risk.FeatureSet, f risk.Feature) decimal.Decimal {
	t.Helper()
	v, ok := fs.Get(f)
	require.True(t, ok && !v.Missing, "feature %s", f)
	return v.Number
}
