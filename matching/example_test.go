package matching_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// examplePolicy: 3% off from 100 units, credit at 12% a year, 5% rush surcharge under 2 days.
const examplePolicy = `{"currency": "CNY", "steps": [
  {"kind": "base", "rules": []},
  {"kind": "quantity", "rules": [{"id": "volume", "bands": [
    {"from": "0", "to": "100", "percent": "0"}, {"from": "100", "percent": "-3"}]}]},
  {"kind": "payment", "rules": [{"id": "rate", "annual_percent": "12"}]},
  {"kind": "lead_time", "rules": [{"id": "lead", "bands": [
    {"from": "0", "to": "2", "percent": "5"}, {"from": "2", "percent": "0"}]}]}
]}`

func exampleBook(now time.Time) *matching.Book {
	p, err := pricing.LoadPolicy(strings.NewReader(examplePolicy))
	if err != nil {
		panic(err)
	}
	prices, _ := pricing.NewPriceList(pricing.ListPrice{SKU: "RICE-25KG", Price: decimal.RequireFromString("120"), Currency: "CNY"})
	e, err := pricing.NewEngine(p, prices, nil)
	if err != nil {
		panic(err)
	}
	return matching.NewBook(matching.NewMemoryLog(), e, &matching.Options{Now: func() time.Time { return now }})
}

// exampleMatch is a fulfilled match of RICE-25KG made on day at, delivered a week later.
func exampleMatch(id string, at time.Time, buyer, seller b2bkit.CompanyID, qty, price string, pay b2bkit.PaymentTerms) matching.Match {
	return matching.Match{
		ID: id, Buyer: buyer, Seller: seller, SKU: "RICE-25KG",
		Quantity: decimal.RequireFromString(qty), UnitPrice: decimal.RequireFromString(price), Currency: "CNY",
		Terms: b2bkit.Terms{Payment: pay, OrderedAt: at, DeliverBy: at.AddDate(0, 0, 7)},
		At:    at, Status: matching.Fulfilled, Channel: b2bkit.SemiAuto,
	}
}

func ExampleBook_Record() {
	ctx := context.Background()
	at := time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC)
	book := exampleBook(at.Add(3 * time.Hour)) // the clock: three hours after the match
	m := exampleMatch("M-1", at, "lucky-noodle", "golden-grain", "100", "116.40", b2bkit.Net(30))
	m.Status = matching.Proposed
	m.Subsidy = decimal.RequireFromString("20.00") // a coupon the platform paid

	fmt.Println(book.Record(ctx, m))
	fmt.Println(book.Record(ctx, m)) // a retry is a no-op
	m.UnitPrice = decimal.RequireFromString("110")
	fmt.Println(errors.Is(book.Record(ctx, m), b2bkit.ErrConflict))

	// Status changes are dated events: who moved the match, and when.
	fmt.Println(book.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, At: at.Add(time.Hour), By: "sales-desk"}))
	fmt.Println(book.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Proposed, At: at.Add(2 * time.Hour), By: "sales-desk"})) // a late retry: the match moved on
	got, _ := book.Log().Get(ctx, "M-1")
	fmt.Println(got.Status, got.Subsidy, got.Terms.Payment)
	// Output:
	// <nil>
	// <nil>
	// true
	// <nil>
	// matching: match M-1: status is accepted and cannot become proposed: conflict
	// accepted 20 100% 30 days after delivery
}

func ExampleMemoryLog_Since() {
	ctx := context.Background()
	log := matching.NewMemoryLog()
	day := func(d int) time.Time { return time.Date(2026, 8, d, 10, 0, 0, 0, time.UTC) }
	for i, d := range []int{9, 2, 5} { // appended out of time order: the log keeps commit order
		m := exampleMatch(fmt.Sprint("M-", i), day(d), "lucky-noodle", "golden-grain", "50", "118", b2bkit.CashOnDelivery())
		m.Status = matching.Accepted
		if err := log.Append(ctx, m); err != nil {
			fmt.Println(err)
		}
	}
	if err := log.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Fulfilled, At: day(8), By: "driver-app"}); err != nil {
		fmt.Println(err)
	}
	// A reader follows the log: it remembers the last number it saw and resumes from there.
	var last uint64
	follow := func() {
		for e, err := range log.Since(ctx, last) {
			if err != nil {
				fmt.Println(err)
				return
			}
			switch e.Kind {
			case matching.MatchAppended:
				fmt.Println(e.Seq, e.Kind, e.Match.ID, e.Match.At.Format(time.DateOnly), e.Match.Status)
			case matching.StatusChanged:
				fmt.Println(e.Seq, e.Kind, e.Change.ID, e.Change.At.Format(time.DateOnly), e.Change.Status, "by", e.Change.By, "of entry", e.MatchSeq)
			}
			last = e.Seq
		}
	}
	follow()
	fmt.Println("-- later")
	if err := log.SetStatus(ctx, matching.StatusChange{ID: "M-0", Status: matching.Cancelled, At: day(10), By: "buyer-portal"}); err != nil {
		fmt.Println(err)
	}
	follow()
	// Output:
	// 1 match_appended M-0 2026-08-09 accepted
	// 2 match_appended M-1 2026-08-02 accepted
	// 3 match_appended M-2 2026-08-05 accepted
	// 4 status_changed M-1 2026-08-08 fulfilled by driver-app of entry 2
	// -- later
	// 5 status_changed M-0 2026-08-10 cancelled by buyer-portal of entry 1
}

func ExampleBook_ReferencePrice() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	book := exampleBook(now)
	prices := []string{"118", "121", "117.50", "119", "120", "116", "122", "118.50"}
	for i, p := range prices {
		pay, qty := b2bkit.CashOnDelivery(), "50"
		if i%2 == 1 {
			pay, qty = b2bkit.Net(60), "200" // bigger orders on credit: their prices are restated
		}
		at := now.AddDate(0, 0, -3*(i+1))
		if err := book.Record(ctx, exampleMatch(fmt.Sprint("M-", i), at, "lucky-noodle", "golden-grain", qty, p, pay)); err != nil {
			fmt.Println(err)
		}
	}
	ask := func(label string, pay b2bkit.PaymentTerms) {
		r := pricing.Request{SKU: "RICE-25KG", Quantity: decimal.NewFromInt(50), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: pay, OrderedAt: now, DeliverBy: now.AddDate(0, 0, 7)}}
		ref, err := book.ReferencePrice(ctx, "RICE-25KG", r, 90*24*time.Hour)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-16s n=%d median %s p25 %s p75 %s mean %s thin=%v\n", label, ref.Count,
			ref.Median.StringFixed(2), ref.P25.StringFixed(2), ref.P75.StringFixed(2), ref.Mean, ref.Thin)
	}
	ask("cash on delivery", b2bkit.CashOnDelivery())
	ask("net 60", b2bkit.Net(60))
	// Output:
	// cash on delivery n=8 median 119.80 p25 117.50 p75 120.31 mean 119.8175 thin=false
	// net 60           n=8 median 122.16 p25 119.82 p75 122.68 mean 122.181 thin=false
}

func ExampleBook_Rank() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	book := exampleBook(now)
	sellers := []struct {
		id    b2bkit.CompanyID
		price string
	}{{"golden-grain", "118"}, {"cheap-rice", "109"}, {"golden-grain", "119"}, {"cheap-rice", "110"}}
	for i, s := range sellers {
		m := exampleMatch(fmt.Sprint("M-", i), now.AddDate(0, 0, -5-i), "lucky-noodle", s.id, "50", s.price, b2bkit.CashOnDelivery())
		if s.id == "cheap-rice" && i == 3 {
			m.Status = matching.Cancelled
		}
		if err := book.Record(ctx, m); err != nil {
			fmt.Println(err)
		}
	}
	r := pricing.Request{Buyer: "lucky-noodle", SKU: "RICE-25KG", Quantity: decimal.NewFromInt(50),
		Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 7)}}
	cands, err := book.Rank(ctx, matching.RFQ{Request: r}, []matching.Need{matching.Quality})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cands {
		fmt.Printf("%s %.3f\n", c.Seller, c.Score)
		for _, why := range c.Reasons {
			fmt.Println("  " + why)
		}
	}
	_, err = book.Rank(ctx, matching.RFQ{Request: r}, []matching.Need{matching.Selection, matching.Speed, matching.Price})
	fmt.Println(err)
	// Output:
	// golden-grain 0.900
	//   selection: 1 SKUs matched in the window, the broadest candidate has 1
	//   speed: 2 of 2 orders of RICE-25KG agreed within 7 days (no delivery dates)
	//   quality: 0 of 2 decided matches cancelled (focus)
	//   price: median 118.00 is 0.00% against the reference 118.00
	// cheap-rice 0.776
	//   selection: 1 SKUs matched in the window, the broadest candidate has 1
	//   speed: 1 of 1 orders of RICE-25KG agreed within 7 days (no delivery dates)
	//   quality: 1 of 2 decided matches cancelled (focus)
	//   price: median 109.00 is -7.63% against the reference 118.00
	// matching: focus: choose at most two of selection, speed, quality, price
}

func ExampleBook_Rhythm() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	book := exampleBook(now)
	// A restaurant that orders rice about once a week, and has gone quiet.
	for i, daysAgo := range []int{45, 38, 31, 24, 18} {
		at := now.AddDate(0, 0, -daysAgo)
		qty := []string{"40", "45", "40", "50", "38"}[i]
		if err := book.Record(ctx, exampleMatch(fmt.Sprint("M-", i), at, "lucky-noodle", "golden-grain", qty, "118", b2bkit.CashOnDelivery())); err != nil {
			fmt.Println(err)
		}
	}
	r, err := book.Rhythm(ctx, "lucky-noodle", "RICE-25KG")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("every %.0f days, typically %s bags; next expected %s; silent %d days; overdue: %v\n",
		r.MedianIntervalDays, r.TypicalQuantity, r.NextExpected.Format(time.DateOnly), r.SilentDays, r.Overdue)
	// Output:
	// every 7 days, typically 40 bags; next expected 2026-08-21; silent 18 days; overdue: true
}

func ExampleBook_Health() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	book := exampleBook(now)
	record := func(id string, daysAgo int, buyer b2bkit.CompanyID, subsidy string) {
		m := exampleMatch(id, now.AddDate(0, 0, -daysAgo), buyer, "golden-grain", "50", "118", b2bkit.CashOnDelivery())
		m.Subsidy = decimal.RequireFromString(subsidy)
		if err := book.Record(ctx, m); err != nil {
			fmt.Println(err)
		}
	}
	record("M-1", 60, "coupon-cafe", "100") // bought with a coupon, never came back
	record("M-2", 50, "lucky-noodle", "100")
	record("M-3", 20, "lucky-noodle", "0") // came back on its own
	record("M-4", 40, "harbour-hotpot", "0")
	record("M-5", 10, "harbour-hotpot", "0")
	h, err := book.Health(ctx, 90*24*time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("subsidised share of matches:", h.SubsidisedShare, "of value:", h.SubsidisedValueShare)
	fmt.Println("subsidised buyers returning:", h.SubsidisedBuyers.Returned, "of", h.SubsidisedBuyers.Buyers)
	fmt.Println("organic buyers returning:", h.OrganicBuyers.Returned, "of", h.OrganicBuyers.Buyers)
	fmt.Println("never returned:", h.NeverReturned)
	// Output:
	// subsidised share of matches: 0.4 of value: 0.4
	// subsidised buyers returning: 1 of 2
	// organic buyers returning: 1 of 1
	// never returned: [coupon-cafe]
}

func ExampleBook_ReferencePriceWith() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	book := exampleBook(now)
	// Ten restaurants buy at 116-121; a hotel chain buys ten times as much at 116, less 3% for volume; one trade was
	// keyed in at 1,180 instead of 118; two were bought with a coupon at 99.
	var ms []matching.Match
	for i, p := range []string{"118", "119", "117.50", "121", "116", "120", "118.50", "119.50", "117", "120.50"} {
		ms = append(ms, exampleMatch(fmt.Sprint("M-", i), now.AddDate(0, 0, -2-i), b2bkit.CompanyID(fmt.Sprint("restaurant-", i)), "golden-grain", "50", p, b2bkit.CashOnDelivery()))
	}
	ms = append(ms,
		exampleMatch("M-hotel", now.AddDate(0, 0, -3), "hotel-chain", "golden-grain", "500", "116", b2bkit.CashOnDelivery()),
		exampleMatch("M-typo", now.AddDate(0, 0, -4), "restaurant-3", "golden-grain", "50", "1180", b2bkit.CashOnDelivery()))
	for i := range 2 {
		m := exampleMatch(fmt.Sprint("M-coupon-", i), now.AddDate(0, 0, -5-i), "coupon-cafe", "golden-grain", "50", "99", b2bkit.CashOnDelivery())
		m.Subsidy = decimal.RequireFromString("950")
		ms = append(ms, m)
	}
	if err := book.Record(ctx, ms...); err != nil {
		fmt.Println(err)
		return
	}
	r := pricing.Request{SKU: "RICE-25KG", Quantity: decimal.NewFromInt(50), Currency: "CNY",
		Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 7)}}
	for _, rules := range []matching.ReferenceRules{
		{},
		{ExcludeSubsidised: true, Outliers: matching.IQR, MaxBuyerShare: decimal.RequireFromString("0.2")},
	} {
		ref, err := book.ReferencePriceWith(ctx, "RICE-25KG", r, 30*24*time.Hour, rules)
		if err != nil {
			fmt.Println(err)
			return
		}
		ex := ref.Excluded
		fmt.Printf("n=%d median %s mean %s low %s high %s\n", ref.Count, ref.Median.StringFixed(2), ref.Mean.StringFixed(2), ref.Low.StringFixed(2), ref.High.StringFixed(2))
		fmt.Printf("  left out: %d subsidised, %d outside [%s, %s]; capped %d buyer (top share %s)\n",
			ex.Subsidised, ex.Outliers, ex.OutlierLow.StringFixed(2), ex.OutlierHigh.StringFixed(2), ex.CappedBuyers, ex.TopBuyerShare)
	}
	// Output:
	// n=14 median 118.50 mean 163.52 low 99.00 high 1180.00
	//   left out: 0 subsidised, 0 outside [0.00, 0.00]; capped 0 buyer (top share 0)
	// n=11 median 119.00 mean 118.88 low 116.00 high 121.00
	//   left out: 2 subsidised, 1 outside [113.75, 123.75]; capped 1 buyer (top share 0.5)
}

func ExampleBook_SaveSnapshot() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	book := exampleBook(now)
	for i := range 3 {
		m := exampleMatch(fmt.Sprint("M-", i), now.AddDate(0, 0, -1-i), "lucky-noodle", "golden-grain", "50", "118", b2bkit.CashOnDelivery())
		if err := book.Record(ctx, m); err != nil {
			fmt.Println(err)
		}
	}
	if err := book.Refresh(ctx); err != nil {
		fmt.Println(err)
	}
	var file bytes.Buffer // a file, in a service
	if err := book.SaveSnapshot(&file); err != nil {
		fmt.Println(err)
	}
	// Another match comes in while the service restarts.
	if err := book.Record(ctx, exampleMatch("M-3", now.Add(-time.Hour), "lucky-noodle", "golden-grain", "50", "118", b2bkit.CashOnDelivery())); err != nil {
		fmt.Println(err)
	}
	restarted := matching.NewBook(book.Log(), nil, &matching.Options{Now: func() time.Time { return now }})
	if err := restarted.LoadSnapshot(ctx, &file); err != nil {
		fmt.Println(err)
	}
	fmt.Println("loaded up to entry", restarted.Seq(), "and read the one since")
	h, err := restarted.Health(ctx, 7*24*time.Hour)
	fmt.Println(h.Matches, err)
	// Output:
	// loaded up to entry 4 and read the one since
	// 4 <nil>
}
