package main

import (
	"fmt"
	"io"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
)

// showFunnel runs a four-month ground-sales campaign (地推) over twelve restaurants of one district
// and prints the four rates, the phase, the channel mix and the accounts handed to the service team.
func showFunnel(w io.Writer) error {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) // UTC keeps the quickstart free of tzdata
	day := func(month, d int) time.Time { return time.Date(2026, time.Month(month), d, 10, 0, 0, 0, time.UTC) }
	var targets []b2bkit.CompanyID
	for i := 1; i <= 12; i++ {
		targets = append(targets, b2bkit.CompanyID(fmt.Sprintf("restaurant-%02d", i)))
	}
	c := funnel.Campaign{ID: "xihu-2026-03", Territory: "Hangzhou-Xihu", Start: start, Targets: targets}

	// Month 1: two reps reach ten of the twelve; one visit strays into another district.
	var touches []funnel.Touch
	for i, id := range targets[:10] {
		rep := b2bkit.PersonID("rep-li")
		if i%2 == 1 {
			rep = "rep-wang"
		}
		touches = append(touches, funnel.Touch{Company: id, Rep: rep, Territory: "Hangzhou-Xihu", At: day(3, 2+i), Kind: funnel.Visit})
	}
	touches = append(touches, funnel.Touch{Company: "restaurant-11", Rep: "rep-wang", Territory: "Hangzhou-Binjiang",
		At: day(3, 20), Kind: funnel.Call})

	amount := decimal.RequireFromString
	buy := func(i int, at time.Time, a string, ch b2bkit.Channel) funnel.Purchase {
		return funnel.Purchase{Company: targets[i-1], At: at, Amount: amount(a), Channel: ch,
			GrossProfit: amount(a).Shift(-1).Round(2)}
	}
	var purchases []funnel.Purchase
	for i := 1; i <= 6; i++ { // month 2: six of the ten convert, the rep places the orders
		purchases = append(purchases, buy(i, day(4, 3+i), "1200", b2bkit.Manual))
	}
	for i := 1; i <= 4; i++ { // month 3: four order again, self-service with help
		purchases = append(purchases, buy(i, day(5, 5+i), "1500", b2bkit.SemiAuto))
	}
	purchases = append(purchases, buy(7, day(5, 12), "800", b2bkit.Manual)) // a late first order
	for i := 1; i <= 4; i++ {                                               // month 4: automatic re-orders
		purchases = append(purchases, buy(i, day(6, 2+i), "1800", b2bkit.FullAuto))
	}
	var wallets []funnel.Wallet
	for i := 1; i <= 7; i++ {
		wallets = append(wallets, funnel.Wallet{Company: targets[i-1], Monthly: amount("4500"), Method: "seats x avg spend",
			AsOf: day(5, 1), Confidence: 0.6})
	}

	asOf := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC) // four months done
	r, err := funnel.Evaluate(c, b2bkit.Stream(touches), b2bkit.Stream(purchases), b2bkit.Stream(wallets), asOf)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "campaign %s in %s, %d targets, as of %s (month %d)\n", r.Campaign, r.Territory, r.Targets,
		asOf.Format("2006-01-02"), r.Month)
	fmt.Fprintf(w, "  1 coverage    %s\n", r.Coverage)
	fmt.Fprintf(w, "  2 conversion  %s\n", r.Conversion)
	fmt.Fprintf(w, "  3 repurchase  %s\n", r.Repurchase)
	p := r.Penetration
	fmt.Fprintf(w, "  4 penetration %s of %s over %d months = %s%% (%s); bands: %d replaceable, %d marginal, %d safe, %d strong\n",
		p.Spend.StringFixed(2), p.Wallet.StringFixed(2), p.Months, p.Share.Shift(2).StringFixed(2), p.Band,
		p.Bands.Replaceable, p.Bands.Marginal, p.Bands.Safe, p.Bands.Strong)
	fmt.Fprintf(w, "phase: %s — the rate to chase now\n", r.Phase)
	fmt.Fprintln(w, "channel mix (orders manual/semi/full):")
	for _, m := range r.Channels {
		if m.Orders() > 0 {
			fmt.Fprintf(w, "  month %d: %d/%d/%d\n", m.Month, m.Manual.Orders, m.SemiAuto.Orders, m.FullAuto.Orders)
		}
	}
	fmt.Fprintf(w, "  shift month %d -> %d: manual %s, full_auto %s\n", r.Shift.From, r.Shift.To,
		r.Shift.Manual.StringFixed(2), r.Shift.FullAuto.StringFixed(2))
	fmt.Fprintln(w, "hand-off to the service team:")
	for _, h := range r.HandOff {
		fmt.Fprintf(w, "  %-14s %-12s %-9s %s, %s\n", h.Company, h.Stage, h.Rep, count(h.Orders, "order"), h.Spend.StringFixed(2))
	}
	for _, a := range r.Reps {
		fmt.Fprintf(w, "rep %s: %s, gross profit %s\n", a.Rep, count(a.Customers, "customer"), a.GrossProfit.StringFixed(2))
	}
	if ex := r.Excluded.Touches; ex.Total() > 0 {
		fmt.Fprintf(w, "set apart: %d touch(es) outside the territory\n", ex.OutsideTerritory)
	}
	return nil
}

// count says n things in words: "1 order", "3 orders".
func count(n int, thing string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", thing)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
