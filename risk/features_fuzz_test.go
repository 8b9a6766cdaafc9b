package risk_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// FuzzFeatures builds a history from bytes — each group of 6 bytes is one record: its kind, its
// day (around asOf, some after it), its company, an amount picked from the fuzzed decimals, and the
// invoice it refers to — and checks that Features and ExposureAt never panic, fail only with
// ErrInvalid, and keep their invariants: rates within [0, 1], amounts and days not negative,
// every feature present, the exposure's total the sum of its parts.
func FuzzFeatures(f *testing.F) {
	f.Add([]byte{0, 10, 0, 0, 0, 0, 1, 12, 0, 0, 0, 0, 2, 40, 0, 1, 0, 0}, "100.00", "-3.5", "1e30", int8(0))
	f.Add([]byte{0, 200, 1, 1, 1, 0, 1, 100, 0, 2, 1, 1, 2, 110, 0, 1, 1, 1, 3, 20, 0, 0, 0, 0}, "0.001", "12345678901234567890", "7", int8(8))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0}, "1", "1", "1", int8(-5))
	f.Fuzz(func(t *testing.T, data []byte, a1, a2, a3 string, zone int8) {
		// One amount with an exponent anywhere in the int32 range, as a host's code might build.
		amounts := []decimal.Decimal{decimal.NewFromInt(100), decimal.New(3, int32(zone)<<24+int32(zone))}
		for _, s := range []string{a1, a2, a3} {
			if d, err := b2bkit.ParseDecimal(s); err == nil {
				amounts = append(amounts, d)
			}
		}
		asOf := time.Date(2026, time.June, 15, 12, 0, 0, 0, time.UTC)
		loc := time.FixedZone("fuzz", int(zone)*1800)
		companies := []b2bkit.CompanyID{featBuyer, "jade-garden"}
		var r featRecords
		for k := 0; k+6 <= len(data) && k < 6*64; k += 6 {
			b := data[k : k+6]
			at := asOf.AddDate(0, 0, int(b[1])*3-600).Add(time.Duration(b[5]) * 7 * time.Minute)
			company := companies[int(b[2])%len(companies)]
			amount := amounts[int(b[3])%len(amounts)]
			ref := b2bkit.InvoiceNumber(fmt.Sprint("I", b[4]%16))
			switch b[0] % 5 {
			case 0:
				o := featOrder(b2bkit.OrderID(fmt.Sprint("O", b[4]%16)), b2bkit.CompanyID(fmt.Sprint("seller-", b[5]%3)), at, "1", b2bkit.Net(int(b[5])))
				o.Buyer = company
				o.Lines[0].UnitPrice = amount
				o.Lines[0].Quantity = amounts[int(b[5])%len(amounts)]
				r.orders = append(r.orders, o)
			case 1:
				inv := featInvoice(ref, b2bkit.OrderID(fmt.Sprint("O", b[4]%16)), "1", at, at.AddDate(0, 0, int(b[5])))
				inv.Buyer, inv.Amount = company, amount
				if b[5]%7 == 0 {
					inv.Amount = amount.Neg()
				}
				r.invoices = append(r.invoices, inv)
			case 2:
				p := featPayment(b2bkit.PaymentID(fmt.Sprint("P", k)), ref, "1", at)
				p.Payer, p.Amount = company, amount
				r.payments = append(r.payments, p)
			case 3:
				r.wallets = append(r.wallets, risk.Wallet{Company: company, Monthly: amount, AsOf: at})
			case 4:
				r.people = featChanges{}
			}
		}
		opts := &risk.FeatureOptions{Location: loc, Scale: int32(zone%4+4) % 4}
		fs, err := risk.FeaturesContext(t.Context(), featBuyer, r.history(), asOf, opts)
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
		} else {
			for _, f := range featAll {
				v, ok := fs.Get(f)
				if !ok {
					t.Fatalf("feature %s not in the set", f)
				}
				if v.Missing {
					continue
				}
				if v.Number.Sign() < 0 && f != risk.UsualCreditDays {
					t.Fatalf("%s = %s < 0", f, v.Number)
				}
				switch f {
				case risk.OnTimeRate, risk.SellerConcentration, risk.KeyPersonLost:
					if v.Number.GreaterThan(decimal.NewFromInt(1)) {
						t.Fatalf("%s = %s > 1", f, v.Number)
					}
				case risk.TenureMonths, risk.DaysPastDue, risk.WorstDaysPastDue12, risk.Sellers:
					if !v.Number.IsInteger() {
						t.Fatalf("%s = %s is not whole", f, v.Number)
					}
				}
			}
		}
		e, err := risk.ExposureAt(featBuyer, r.history(), amounts[len(amounts)-1].Abs(), asOf, opts)
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("exposure error does not match ErrInvalid: %v", err)
			}
			return
		}
		if !e.Total.Equal(e.Unpaid.Add(e.Uninvoiced).Add(e.Financed)) || e.Unpaid.Sign() < 0 || e.Uninvoiced.Sign() < 0 {
			t.Fatalf("exposure %+v", e)
		}
	})
}
