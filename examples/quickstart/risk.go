package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// creditBuyer is the restaurant chain the credit section looks at; its two suppliers sell it rice and
// oil (east-grain-supply) and vegetables (river-fresh-veg) on net 30.
const creditBuyer b2bkit.CompanyID = "golden-wok-restaurant"

// creditHistory is fifteen months of the chain's trades, December 2024 to February 2026: two orders
// a month, each invoiced on delivery, due 30 days later and paid the day before; February's invoices
// are not due yet.
func creditHistory(cst *time.Location) (orders []b2bkit.Order, invoices []b2bkit.Invoice, payments []b2bkit.Payment) {
	dec := decimal.RequireFromString
	for m := 0; m < 15; m++ {
		for k, seller := range []b2bkit.CompanyID{"east-grain-supply", "river-fresh-veg"} {
			placed := time.Date(2024, 12+time.Month(m), 3+12*k, 10, 0, 0, 0, cst)
			id := b2bkit.OrderID(fmt.Sprintf("PO-%s-%d", placed.Format("200601"), k+1))
			lines := []b2bkit.OrderLine{
				{SKU: "rice-25kg", Quantity: decimal.NewFromInt(int64(150 + 10*(m%4))), UnitPrice: dec("112.50")},
				{SKU: "peanut-oil-5l", Quantity: decimal.NewFromInt(48), UnitPrice: dec("68.30")},
			}
			if k == 1 {
				lines = []b2bkit.OrderLine{{SKU: "greens-10kg", Quantity: decimal.NewFromInt(int64(200 + 20*(m%3))), UnitPrice: dec("38.00")}}
			}
			o := b2bkit.Order{ID: id, Buyer: creditBuyer, Seller: seller, Lines: lines, Currency: "CNY",
				Terms:   b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: placed, DeliverBy: placed.AddDate(0, 0, 2)},
				Channel: b2bkit.SemiAuto, PlacedAt: placed}
			inv := b2bkit.Invoice{Number: b2bkit.InvoiceNumber("INV-" + string(id[3:])), Seller: seller, Buyer: creditBuyer,
				Orders: []b2bkit.OrderID{id}, Amount: b2bkit.Round(o.Total(), 2, b2bkit.HalfUp), Currency: "CNY",
				IssuedAt: o.Terms.DeliverBy, DueAt: o.Terms.DeliverBy.AddDate(0, 0, 30)}
			orders, invoices = append(orders, o), append(invoices, inv)
			if m == 14 {
				continue // February 2026: not due yet
			}
			paid := inv.DueAt.AddDate(0, 0, -1)
			payments = append(payments, b2bkit.Payment{ID: b2bkit.PaymentID("PAY-" + string(id[3:])), Payer: creditBuyer,
				Payee: seller, Invoice: inv.Number, Amount: inv.Amount, Currency: "CNY", PaidAt: paid})
		}
	}
	return orders, invoices, payments
}

// keyPersons is the person CRM of the credit section: the restaurant's owner, its decision maker,
// leaves for a hotel on 15 February 2026.
func keyPersons(ctx context.Context) (*crm.CRM, error) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	c := crm.New(crm.NewMemoryStore(), &crm.Options{Now: func() time.Time { return day(2026, 3, 1) }})
	if _, err := c.AddCompany(ctx, crm.Company{ID: creditBuyer, Name: "金锅餐厅", City: "Hangzhou", Stage: crm.Repurchasing}); err != nil {
		return nil, err
	}
	if _, err := c.AddPerson(ctx, crm.Person{ID: "li-na", Name: "李娜"}); err != nil {
		return nil, err
	}
	if _, err := c.StartJob(ctx, crm.Job{Person: "li-na", Company: creditBuyer, Title: "owner", Roles: []crm.Role{crm.DecisionMaker}, Start: day(2024, 1, 1)}); err != nil {
		return nil, err
	}
	_, err := c.ChangeJob(ctx, "li-na", "jade-garden-hotel", "general manager", []crm.Role{crm.DecisionMaker}, day(2026, 2, 15))
	return c, err
}

// showCredit walks the credit desk's day for one restaurant (R16, R17, R21): its features from the
// platform's own trades, a score with reasons, a credit line (授信额度), what it owes now, two orders
// checked — one approved, one that fits only with a deposit, priced by the sales desk's engine — and
// the early warnings its history raises.
func showCredit(w io.Writer) error {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	asOf := time.Date(2026, 3, 1, 10, 0, 0, 0, cst)
	orders, invoices, payments := creditHistory(cst)
	people, err := keyPersons(ctx)
	if err != nil {
		return err
	}
	// The owner put the chain's monthly purchasing of food at 75,000 when it joined.
	wallets := []risk.Wallet{{Company: creditBuyer, Monthly: decimal.NewFromInt(75000), Method: "owner interview",
		AsOf: time.Date(2025, 1, 10, 0, 0, 0, 0, cst)}}
	history := func() risk.History {
		return risk.History{Orders: b2bkit.Stream(orders), Invoices: b2bkit.Stream(invoices),
			Payments: b2bkit.Stream(payments), Wallets: b2bkit.Stream(wallets), People: people}
	}

	fs, err := risk.FeaturesContext(ctx, creditBuyer, history(), asOf, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "features of %s as of %s (%d orders, %d invoices, %d payments):\n", creditBuyer,
		asOf.Format(time.DateOnly), len(orders), len(invoices), len(payments))
	for _, f := range []risk.Feature{risk.TenureMonths, risk.AvgMonthlyValue12, risk.Trend, risk.OnTimeRate,
		risk.DaysLate3, risk.DaysPastDue, risk.Sellers, risk.SellerConcentration, risk.UsualCreditDays,
		risk.KeyPersonLost, risk.Penetration} {
		v, _ := fs.Values.Get(f)
		if f == risk.AvgMonthlyValue12 && !v.Missing {
			fmt.Fprintf(w, "  %-24s %s %s\n", f, v.Number.StringFixed(fs.Scale), fs.Currency) // money at its scale
			continue
		}
		fmt.Fprintf(w, "  %-24s %s\n", f, featureText(v))
	}

	// A platform compiles its card once and keeps it: every order check scores with it.
	card, err := risk.DefaultScorecard().Compile()
	if err != nil {
		return err
	}
	res, err := card.Score(fs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nscore %.0f, grade %s (default card: a starting point, not a validated model)\n", res.Score, res.Grade)
	for i, r := range res.Reasons() {
		if i == 3 {
			break
		}
		fmt.Fprintf(w, "  reason %d: %-16s lost %3.0f points (%s = %s)\n", i+1, r.Code, r.Lost, r.Feature, featureText(r.Value))
	}

	limit, err := risk.DefaultLimitPolicy().Limit(fs, res)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\ncredit line %s %s, review by %s\n", limit.Amount.StringFixed(2), limit.Currency, limit.ReviewAt.Format(time.DateOnly))
	for _, l := range limit.Log {
		fmt.Fprintf(w, "  %-28s %-14s %s\n", l.What, l.Figure, l.Source)
	}
	exposure, err := risk.ExposureAt(creditBuyer, history(), decimal.Zero, asOf, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "exposure %s (unpaid %s, not yet invoiced %s, financed %s)\n", exposure.Total.StringFixed(2),
		exposure.Unpaid.StringFixed(2), exposure.Uninvoiced.StringFixed(2), exposure.Financed.StringFixed(2))

	if err := showOrderChecks(ctx, w, asOf, limit, exposure); err != nil {
		return err
	}

	warnings, err := risk.Warnings(fs, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nearly warnings (预警):")
	for _, wa := range warnings {
		fmt.Fprintf(w, "  %-6s %-18s -> %-12s %s\n", wa.Severity, wa.Code, wa.Action, wa.Message)
	}
	return nil
}

// showOrderChecks checks two orders of the restaurant against its line: a week's rice on net 30,
// and a quarter's stock of rice on net 60, which fits only with a deposit.
func showOrderChecks(ctx context.Context, w io.Writer, asOf time.Time, limit risk.Limit, exposure risk.Exposure) error {
	engine, err := quickstartEngine(asOf)
	if err != nil {
		return err
	}
	order := func(id string, rice int64, pay b2bkit.PaymentTerms, price string) b2bkit.Order {
		return b2bkit.Order{ID: b2bkit.OrderID(id), Buyer: creditBuyer, Seller: "east-grain-supply", Currency: "CNY",
			Lines:   []b2bkit.OrderLine{{SKU: "rice-25kg", Quantity: decimal.NewFromInt(rice), UnitPrice: decimal.RequireFromString(price)}},
			Terms:   b2bkit.Terms{Payment: pay, OrderedAt: asOf, DeliverBy: asOf.AddDate(0, 0, 10)},
			Channel: b2bkit.Manual, PlacedAt: asOf}
	}
	for _, o := range []b2bkit.Order{
		order("PO-202603-1", 40, b2bkit.Net(30), "115.62"),
		order("PO-202603-2", 400, b2bkit.Net(60), "113.27"),
	} {
		d, err := risk.CheckOrder(ctx, risk.OrderCheck{Order: o, Limit: limit, Exposure: exposure, Tier: "gold"},
			&risk.CheckOptions{Pricing: engine})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\norder %s, %s of rice on %s: %s\n", o.ID, o.Lines[0].Quantity, o.Terms.Payment, d.Outcome)
		fmt.Fprintf(w, "  %s\n", d.Reason)
		for _, p := range d.Proposals {
			fmt.Fprintf(w, "  proposal: %-44s credit %10s, priced %s instead of %s\n", p.Payment, p.Credit.StringFixed(2),
				p.Total.StringFixed(2), d.AsPlaced.Total.StringFixed(2))
		}
	}
	return nil
}

// featureText prints a feature's value, or "missing" when it could not be computed.
func featureText(v risk.Value) string {
	switch {
	case v.Missing:
		return "missing"
	case v.Category != "":
		return v.Category
	}
	return v.Number.String()
}

// showTradeFinance catches a faked trade by its three flows (R18) and refuses to finance one
// receivable twice (R19), even when its number is retyped in full-width characters.
func showTradeFinance(w io.Writer, p platform) error {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 10, 0, 0, 0, cst) }
	dec := decimal.RequireFromString
	order := b2bkit.Order{ID: "PO-88", Buyer: "shipyard-7", Seller: "steel-mill-2", Currency: "CNY",
		Lines:   []b2bkit.OrderLine{{SKU: "plate-12mm", Quantity: dec("200"), UnitPrice: dec("4300")}},
		Terms:   b2bkit.Terms{Payment: b2bkit.Net(90), OrderedAt: day(3, 1), DeliverBy: day(3, 10)},
		Channel: b2bkit.Manual, PlacedAt: day(3, 1)}
	faked := risk.Trade{Order: order,
		Shipments: []b2bkit.Shipment{{ID: "SH-1", Order: "PO-88", Seller: "steel-mill-2", Buyer: "shipyard-7",
			Lines:     []b2bkit.ShipmentLine{{SKU: "plate-12mm", Shipped: dec("180"), Received: dec("180")}},
			ShippedAt: day(3, 9), ReceivedAt: day(3, 10)}},
		Invoices: []b2bkit.Invoice{{Number: "INV-88", Seller: "steel-mill-2", Buyer: "shipyard-7", Orders: []b2bkit.OrderID{"PO-88"},
			Amount: dec("860000.00"), Currency: "CNY", IssuedAt: day(3, 5), DueAt: day(6, 8)}},
		Payments: []b2bkit.Payment{{ID: "PAY-88", Payer: "trading-co-x", Payee: "steel-mill-2", Invoice: "INV-88",
			Amount: dec("100000.00"), Currency: "CNY", PaidAt: day(3, 20)}},
	}
	v := risk.VerifyTrade(faked, risk.Tolerances{})
	if v.Err != nil {
		return v.Err
	}
	fmt.Fprintf(w, "trade %s: %s, financeable %s\n", order.ID, v.Status, v.Financeable.Amount.StringFixed(2))
	for _, e := range v.Exceptions {
		fmt.Fprintf(w, "  %-30s %-12s %s\n", e.Code, e.Record, e.Message)
	}

	ledger := risk.NewLedger(p.registry, nil)
	inv := b2bkit.Invoice{Number: "INV-2026-001", Seller: "steel-mill-2", Buyer: "shipyard-7", Orders: []b2bkit.OrderID{"PO-77"},
		Amount: dec("1200000.00"), Currency: "CNY", IssuedAt: day(2, 2), DueAt: day(5, 3)}
	r, err := ledger.Offer(ctx, inv, "bank-a", "mill-clerk", day(2, 2))
	if err != nil {
		return err
	}
	if _, err := ledger.Confirm(ctx, r.Fingerprint, "bank-a", "yard-treasurer", day(2, 3)); err != nil {
		return err
	}
	if r, err = ledger.Finance(ctx, r.Fingerprint, "bank-a", dec("960000"), "bank-a-officer", day(2, 4)); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nreceivable %s: %s by %s, %s of %s\n", inv.Number, r.State, r.Lender, r.Financed, r.Invoice.Amount)
	retyped := inv
	retyped.Number = "inv－２０２６－００１"
	_, err = ledger.Offer(ctx, retyped, "bank-b", "mill-clerk", day(2, 6))
	if !errors.Is(err, b2bkit.ErrConflict) {
		return fmt.Errorf("a second financing was not refused: %v", err)
	}
	fmt.Fprintf(w, "the same invoice retyped as %q, offered to bank-b: refused\n  %s\n", retyped.Number,
		strings.Replace(err.Error(), r.Fingerprint.String(), r.Fingerprint.String()[:12]+"…", 1))
	return nil
}
