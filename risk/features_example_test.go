package risk_test

import (
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// featExampleHistory is a restaurant that has bought ten sacks of rice on the 5th of every month since
// January (2,100.00 in January, 100.00 more each month) on 30 days' credit from delivery, paid its
// first three invoices early, its April invoice two weeks late and its May invoice not yet. It told
// a survey it spends 9,000 a month on what it buys here.
func featExampleHistory() risk.History {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }
	var orders []b2bkit.Order
	var invoices []b2bkit.Invoice
	for m := time.January; m <= time.May; m++ {
		placed := day(m, 5)
		id := b2bkit.OrderID(fmt.Sprintf("O-%d", m))
		price := decimal.New(int64(20000+1000*int(m)), -2) // rice getting dearer: 210.00, 220.00, ...
		orders = append(orders, b2bkit.Order{ID: id, Buyer: "golden-wok", Seller: "rice-mill", Currency: "CNY",
			Lines:    []b2bkit.OrderLine{{SKU: "RICE-25KG", Quantity: decimal.NewFromInt(10), UnitPrice: price}},
			Terms:    b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: placed, DeliverBy: placed.AddDate(0, 0, 1)},
			Channel:  b2bkit.SemiAuto,
			PlacedAt: placed})
		invoices = append(invoices, b2bkit.Invoice{Number: b2bkit.InvoiceNumber(fmt.Sprintf("INV-%d", m)), Seller: "rice-mill",
			Buyer: "golden-wok", Orders: []b2bkit.OrderID{id}, Amount: price.Mul(decimal.NewFromInt(10)), Currency: "CNY",
			IssuedAt: placed.AddDate(0, 0, 1), DueAt: placed.AddDate(0, 0, 31)})
	}
	var payments []b2bkit.Payment
	for k, inv := range invoices[:4] {
		paid := inv.DueAt.AddDate(0, 0, -2)
		if k == 3 {
			paid = inv.DueAt.AddDate(0, 0, 14)
		}
		payments = append(payments, b2bkit.Payment{ID: b2bkit.PaymentID(fmt.Sprint("PAY-", k)), Payer: "golden-wok",
			Payee: "rice-mill", Invoice: inv.Number, Amount: inv.Amount, Currency: "CNY", PaidAt: paid})
	}
	return risk.History{Orders: featSeq(orders...), Invoices: featSeq(invoices...), Payments: featSeq(payments...),
		Wallets: featSeq(risk.Wallet{Company: "golden-wok", Monthly: decimal.NewFromInt(9000), Method: "survey", AsOf: day(time.March, 1)})}
}

func ExampleFeatures() {
	fs, err := risk.Features("golden-wok", featExampleHistory(), time.Date(2026, time.June, 20, 18, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range []risk.Feature{risk.TenureMonths, risk.AvgMonthlyValue3, risk.AvgMonthlyValue12, risk.OnTimeRate,
		risk.DaysPastDue, risk.Overdue1to29, risk.WorstDaysPastDue12, risk.Penetration, risk.UsualCreditDays, risk.Trend} {
		v, _ := fs.Get(f)
		if v.Missing {
			fmt.Printf("%-24s missing\n", f)
			continue
		}
		fmt.Printf("%-24s %s\n", f, v.Number)
	}
	// Output:
	// tenure_months            5
	// avg_monthly_value_3m     1633.33
	// avg_monthly_value_12m    missing
	// on_time_rate             0.5739
	// days_past_due            15
	// overdue_1_29             2500
	// worst_days_past_due_12m  15
	// penetration              0.1815
	// usual_credit_days        30
	// trend_3m_vs_9m           missing
}

func ExampleExposureAt() {
	financed := decimal.RequireFromString("1000.00") // a receivable of the restaurant's, financed
	e, err := risk.ExposureAt("golden-wok", featExampleHistory(), financed, time.Date(2026, time.June, 20, 18, 0, 0, 0, time.UTC), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("unpaid:", e.Unpaid.StringFixed(2), e.Currency)
	fmt.Println("uninvoiced:", e.Uninvoiced.StringFixed(2))
	fmt.Println("financed:", e.Financed.StringFixed(2))
	fmt.Println("total:", e.Total.StringFixed(2))
	// Output:
	// unpaid: 2500.00 CNY
	// uninvoiced: 0.00
	// financed: 1000.00
	// total: 3500.00
}
