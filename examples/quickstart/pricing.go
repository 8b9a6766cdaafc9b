package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// quickstartPolicy is a food-supply platform's pricing procedure for restaurants: list price or
// contract price, volume breaks, the time value of the payment schedule, booking time, tier
// privileges, a margin guardrail and rounding to the fen.
const quickstartPolicy = `{
  "name": "restaurants, Shanghai",
  "currency": "CNY",
  "valid_days": 7,
  "steps": [
    {"kind": "base", "rules": [
      {"id": "contract-golden-wok", "buyer": "golden-wok-restaurant", "sku": "peanut-oil-5l", "price": "66.00"}]},
    {"kind": "quantity", "rules": [
      {"id": "rice-breaks", "sku": "rice-25kg", "mode": "volume", "bands": [
        {"from": "0", "to": "20", "percent": "0"},
        {"from": "20", "to": "100", "percent": "-2"},
        {"from": "100", "percent": "-4"}]}]},
    {"kind": "payment", "rules": [
      {"id": "cost-of-money", "annual_percent": "12",
       "early_payment": {"discount_percent": "1", "within_days": 10, "net_days": 60}},
      {"id": "cost-of-money-grade-c", "grade": "C", "annual_percent": "18"}]},
    {"kind": "lead_time", "rules": [
      {"id": "booking", "bands": [
        {"from": "0", "to": "2", "percent": "5"},
        {"from": "2", "to": "30", "percent": "0"},
        {"from": "30", "percent": "-1.5"}]}]},
    {"kind": "tier", "rules": [
      {"id": "gold-privilege", "tier": "gold", "percent": "-2"}]},
    {"kind": "guardrail", "rules": [
      {"id": "margin", "floor_margin_percent": "3", "max_discount_percent": "12", "on_breach": "approve"}]},
    {"kind": "rounding", "rules": [
      {"id": "fen", "scale": 2, "rounding_mode": "half_up"}]}
  ]
}`

// showPricing quotes one restaurant's order of rice under three sets of terms — cash against goods
// (现款现货) in ten days, a 30% deposit with the rest 60 days after delivery (账期), and prepaid and
// booked two months ahead — and prints each quote's explanation and the three side by side (R11).
func showPricing(w io.Writer) error {
	cst := time.FixedZone("CST", 8*3600)
	ordered := time.Date(2026, 3, 1, 10, 0, 0, 0, cst)
	engine, err := quickstartEngine(ordered)
	if err != nil {
		return err
	}
	req := pricing.Request{
		Buyer: "golden-wok-restaurant", SKU: "rice-25kg", Quantity: decimal.NewFromInt(40), Tier: "gold", Grade: "B",
		Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: ordered, DeliverBy: ordered.AddDate(0, 0, 10)},
	}
	deposit := b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60)
	prepaid := b2bkit.Prepaid()
	alts := []pricing.Alternative{
		{Label: "30% deposit, net 60", Payment: &deposit},
		{Label: "prepaid, booked 60d", Payment: &prepaid, DeliverBy: ordered.AddDate(0, 0, 60)},
	}
	ctx := context.Background()
	cmp, err := engine.Compare(ctx, req, alts)
	if err != nil {
		return err
	}
	quotes := []pricing.Quote{cmp.Base}
	for _, r := range cmp.Rows {
		quotes = append(quotes, r.Quote)
	}
	for i, q := range quotes {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprint(w, q.Explain())
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, cmp.String())
	return nil
}

// quickstartEngine is the platform's pricing engine: the policy above over a price list of rice and
// peanut oil, with its clock stopped at now. The credit section prices its proposals with it too.
func quickstartEngine(now time.Time) (*pricing.Engine, error) {
	policy, err := pricing.LoadPolicy(strings.NewReader(quickstartPolicy))
	if err != nil {
		return nil, err
	}
	prices, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "rice-25kg", Price: decimal.RequireFromString("118.00"), Currency: "CNY",
			Cost: decimal.RequireFromString("98.00")},
		pricing.ListPrice{SKU: "peanut-oil-5l", Price: decimal.RequireFromString("69.80"), Currency: "CNY",
			Cost: decimal.RequireFromString("58.00")},
	)
	if err != nil {
		return nil, err
	}
	return pricing.NewEngine(policy, prices, &pricing.Options{Now: func() time.Time { return now }})
}
