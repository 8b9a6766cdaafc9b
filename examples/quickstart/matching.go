package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// matchingPolicy is the part of a pricing procedure that depends on the terms — volume breaks, the
// cost of money, booking time — which is what restating past prices needs.
const matchingPolicy = `{"currency": "CNY", "steps": [
  {"kind": "base", "rules": []},
  {"kind": "quantity", "rules": [{"id": "rice-breaks", "mode": "volume", "bands": [
    {"from": "0", "to": "20", "percent": "0"}, {"from": "20", "to": "100", "percent": "-2"},
    {"from": "100", "percent": "-4"}]}]},
  {"kind": "payment", "rules": [{"id": "cost-of-money", "annual_percent": "12"}]},
  {"kind": "lead_time", "rules": [{"id": "booking", "bands": [
    {"from": "0", "to": "2", "percent": "5"}, {"from": "2", "to": "30", "percent": "0"},
    {"from": "30", "percent": "-1.5"}]}]}
]}`

// showMatching records six months of matches of rice in a match log — eight restaurants, each on its
// own rhythm, three sellers, mixed terms, some subsidised — and asks the book what a trading desk
// asks: the reference price of rice under a restaurant's terms, one restaurant's re-order rhythm,
// and whether the subsidies bought buyers who come back (R12, R13).
func showMatching(w io.Writer, p platform) error {
	ctx := context.Background()
	book, now, err := matchingBook(p.log)
	if err != nil {
		return err
	}

	rng := rand.New(rand.NewPCG(2026, 3)) // fixed seed: the same story every run
	buyers := []struct {
		id    b2bkit.CompanyID
		every int // days between orders
		qty   int64
	}{{"golden-wok-restaurant", 7, 40}, {"lucky-noodle", 5, 15}, {"harbour-hotpot", 10, 120}, {"spice-garden", 14, 60},
		{"north-dumpling", 7, 25}, {"tea-house-9", 21, 10}}
	sellers := []b2bkit.CompanyID{"east-grain-supply", "river-mill", "platform-own-stock"}
	pays := []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60), b2bkit.Net(30)}
	start := now.AddDate(0, -6, 0)
	n := 0
	record := func(buyer b2bkit.CompanyID, at time.Time, qty int64, subsidy string) error {
		n++
		seller := sellers[rng.IntN(len(sellers))]
		m := matching.Match{
			ID: fmt.Sprintf("MATCH-%04d", n), Buyer: buyer, Seller: seller, SKU: "rice-25kg",
			Quantity: decimal.NewFromInt(qty), UnitPrice: decimal.New(11_200+rng.Int64N(900), -2), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: pays[rng.IntN(len(pays))], OrderedAt: at, DeliverBy: at.AddDate(0, 0, 1+rng.IntN(10))},
			At:    at, Status: matching.Fulfilled, Subsidy: decimal.RequireFromString(subsidy), Channel: b2bkit.SemiAuto,
		}
		if seller == "platform-own-stock" {
			m.Mode = matching.SelfOperated
		}
		return book.Record(ctx, m)
	}
	for _, b := range buyers {
		for at := start.AddDate(0, 0, rng.IntN(b.every)); at.Before(now); at = at.AddDate(0, 0, b.every+rng.IntN(3)-1) {
			if err := record(b.id, at, b.qty+rng.Int64N(b.qty/2+1)-b.qty/4, "0"); err != nil {
				return err
			}
		}
	}
	// Two restaurants the platform bought with a coupon, who never came back.
	for i, buyer := range []b2bkit.CompanyID{"coupon-cafe", "one-time-bistro"} {
		if err := record(buyer, now.AddDate(0, -2, -i*10), 30, "80.00"); err != nil {
			return err
		}
	}

	ask := riceAsk(now)
	fmt.Fprintf(w, "%d matches of rice-25kg recorded since %s\n", n, start.Format(time.DateOnly))
	for _, alt := range []struct {
		label string
		pay   b2bkit.PaymentTerms
	}{{"cash on delivery", b2bkit.CashOnDelivery()}, {"30% deposit, rest 60 days after delivery", pays[1]}} {
		ask.Terms.Payment = alt.pay
		ref, err := book.ReferencePrice(ctx, "rice-25kg", ask, 90*24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "reference for 40 bags, %s, in 10 days (last 90 days, %d trades):\n", alt.label, ref.Count)
		fmt.Fprintf(w, "  median %s  p25 %s  p75 %s  volume-weighted mean %s %s\n", ref.Median.StringFixed(2),
			ref.P25.StringFixed(2), ref.P75.StringFixed(2), ref.Mean.StringFixed(2), ref.Currency)
	}

	r, err := book.Rhythm(ctx, "golden-wok-restaurant", "rice-25kg")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "golden-wok-restaurant re-orders rice every %.0f days, typically %s bags (%d orders)\n",
		r.MedianIntervalDays, r.TypicalQuantity, r.Orders)
	fmt.Fprintf(w, "  last order %s, next expected %s, silent %d days, overdue: %v\n",
		r.Last.Format(time.DateOnly), r.NextExpected.Format(time.DateOnly), r.SilentDays, r.Overdue)

	h, err := book.Health(ctx, 180*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "health: %d matches, %s fulfilled; subsidised %s of matches, %s of value\n",
		h.Matches, matchingPct(h.Conversion), matchingPct(h.SubsidisedShare), matchingPct(h.SubsidisedValueShare))
	fmt.Fprintf(w, "  subsidised buyers who never returned: %v; self-operated share of value %s\n",
		h.NeverReturned, matchingPct(h.SelfOperated.Share))
	return nil
}

// matchingBook is the book over log the walk-through asks, with the terms-dependent part of the
// pricing procedure and its clock at 2026-09-01 09:00 in Shanghai, which it returns.
func matchingBook(log matching.Log) (*matching.Book, time.Time, error) {
	cst := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, cst)
	policy, err := pricing.LoadPolicy(strings.NewReader(matchingPolicy))
	if err != nil {
		return nil, now, err
	}
	prices, err := pricing.NewPriceList(pricing.ListPrice{SKU: "rice-25kg", Price: decimal.RequireFromString("118.00"), Currency: "CNY"})
	if err != nil {
		return nil, now, err
	}
	engine, err := pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }})
	if err != nil {
		return nil, now, err
	}
	return matching.NewBook(log, engine, &matching.Options{Now: func() time.Time { return now }, Location: cst}), now, nil
}

// riceAsk is the request the walk-through prices rice for: 40 bags for golden-wok-restaurant, cash
// on delivery, in 10 days.
func riceAsk(now time.Time) pricing.Request {
	return pricing.Request{Buyer: "golden-wok-restaurant", SKU: "rice-25kg", Quantity: decimal.NewFromInt(40), Currency: "CNY",
		Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 10)}}
}

func matchingPct(share decimal.Decimal) string { return share.Shift(2).StringFixed(1) + "%" }
