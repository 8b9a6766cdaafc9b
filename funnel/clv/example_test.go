package clv_test

import (
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/shopspring/decimal"
)

// A handful of restaurants buying from a food-supply platform, summarised at the end of June and
// fitted; then what the model says of three of them.
func ExampleFitBGNBD() {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	var purchases []funnel.Purchase
	buy := func(c b2bkit.CompanyID, amount string, days ...time.Time) {
		for _, d := range days {
			purchases = append(purchases, funnel.Purchase{Company: c, At: d, Amount: decimal.RequireFromString(amount), Channel: b2bkit.Manual})
		}
	}
	buy("noodle-bar", "820", day(1, 5), day(1, 19), day(2, 2), day(2, 16), day(3, 2), day(3, 16), day(3, 30), day(4, 13), day(4, 27), day(5, 11), day(5, 25), day(6, 8), day(6, 22))
	buy("hotpot", "1500", day(1, 8), day(2, 9), day(3, 9), day(4, 6))
	buy("canteen", "640", day(2, 3), day(2, 10), day(2, 17), day(2, 24), day(3, 3))
	buy("bakery", "300", day(3, 12))
	buy("tea-house", "210", day(1, 20), day(3, 20), day(5, 20))
	buy("dumplings", "450", day(2, 1), day(2, 20))
	buy("grill", "990", day(4, 2), day(4, 30), day(5, 28), day(6, 25))
	buy("cafe", "180", day(5, 5))
	buy("sushi", "2100", day(1, 12), day(1, 26), day(2, 9))
	buy("pizzeria", "700", day(1, 3), day(3, 3), day(6, 1))
	s, err := clv.Summarize(b2bkit.Stream(purchases), clv.Calibration{End: day(6, 30), Unit: clv.Weeks})
	if err != nil {
		fmt.Println(err)
		return
	}
	fit, err := clv.FitBGNBD(s, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r=%.3f alpha=%.3f a=%.3f b=%.3f LL=%.2f (%d of %d starts agree)\n",
		fit.R, fit.Alpha, fit.A, fit.B, fit.LogLikelihood, fit.Agreed, fit.Starts)
	for _, c := range s.Customers {
		switch c.ID {
		case "noodle-bar", "canteen", "bakery":
			p, _ := fit.Predict(c.History, 13)
			fmt.Printf("%-10s x=%2d P(alive)=%.3f next 13 weeks: %.2f purchases\n", c.ID, c.Frequency, p.Alive, p.Purchases)
		}
	}
	// Output:
	// r=1.376 alpha=5.839 a=1.492 b=7.240 LL=-79.02 (4 of 4 starts agree)
	// bakery     x= 0 P(alive)=1.000 next 13 weeks: 0.74 purchases
	// canteen    x= 4 P(alive)=0.030 next 13 weeks: 0.07 purchases
	// noodle-bar x=12 P(alive)=0.881 next 13 weeks: 4.08 purchases
}

// What BG/NBD at the published CDNOW figures says of a customer who bought three times in the
// first 30 weeks of a 39-week calibration, and of a new customer.
func ExampleBGNBD_Predict() {
	m := clv.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258, Unit: clv.Weeks}
	for _, h := range []clv.History{{Frequency: 2, Recency: 30.43, T: 38.86}, {Frequency: 2, Recency: 5, T: 38.86}} {
		p, _ := m.Predict(h, 52)
		fmt.Printf("last bought in week %5.2f: P(alive)=%.3f, next 52 weeks: %.3f purchases\n", h.Recency, p.Alive, p.Purchases)
	}
	e, _ := m.ExpectedPurchasesNew(52)
	fmt.Printf("a new customer, first 52 weeks: %.3f repeat purchases\n", e)
	// Output:
	// last bought in week 30.43: P(alive)=0.727, next 52 weeks: 1.559 purchases
	// last bought in week  5.00: P(alive)=0.124, next 52 weeks: 0.265 purchases
	// a new customer, first 52 weeks: 1.444 repeat purchases
}

// Lifetime value of two customers over two years, discounted 1% a month.
func ExampleModel_Value() {
	m := clv.Model{
		Purchases: clv.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258, Unit: clv.Weeks},
		Spend:     clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44},
	}
	for _, c := range []clv.Customer{customer("loyal", 8, 37, 38.86, "400"), customer("lapsed", 8, 12, 38.86, "400")} {
		v, _ := m.Value(c, &clv.ValueOptions{Months: 24, MonthlyDiscount: 0.01})
		fmt.Printf("%-6s P(alive)=%.3f purchases=%.2f spend=%s CLV=%s\n", c.ID, v.Alive, v.Purchases, v.Spend.StringFixed(2), v.Lifetime.StringFixed(2))
	}
	// Output:
	// loyal  P(alive)=0.892 purchases=10.99 spend=49.23 CLV=487.06
	// lapsed P(alive)=0.004 purchases=0.05 spend=49.23 CLV=2.19
}

// The service team's list after a campaign's hand-off: ranked by a year's value, with the account
// that has stopped ordering flagged.
func ExampleRank() {
	s := clv.Summary{Unit: clv.Weeks, Customers: []clv.Customer{
		customer("steady", 9, 37, 38.86, "450"),
		customer("slipping", 8, 16, 38.86, "400"),
		customer("once", 0, 0, 20, "0"),
	}}
	handOff := []funnel.HandOff{{Company: "once", Stage: funnel.Converted}, {Company: "slipping", Stage: funnel.Repurchasing},
		{Company: "steady", Stage: funnel.Repurchasing}, {Company: "opened-only", Stage: funnel.Opened}}
	m := clv.Model{
		Purchases: clv.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258, Unit: clv.Weeks},
		Spend:     clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44},
	}
	accounts, err := clv.Rank(handOff, s, m, &clv.RankOptions{Value: clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range accounts {
		fmt.Printf("%-11s scored=%-5v P(alive)=%.3f CLV=%8s silent churn=%v\n", a.HandOff.Company, a.Scored, a.Value.Alive,
			a.Value.Lifetime.StringFixed(2), a.SilentChurn)
	}
	// Output:
	// steady      scored=true  P(alive)=0.898 CLV=  346.25 silent churn=false
	// once        scored=true  P(alive)=1.000 CLV=   13.65 silent churn=false
	// slipping    scored=true  P(alive)=0.024 CLV=    8.18 silent churn=true
	// opened-only scored=false P(alive)=0.000 CLV=    0.00 silent churn=false
}
