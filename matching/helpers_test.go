package matching_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit/internal/dectest"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Decimals are compared by value; the shared assertions live in internal/dectest.
var (
	dec             = dectest.Dec
	requireDecEqual = dectest.RequireEqual
	requireLess     = dectest.RequireLess
)

var (
	ctx      = context.Background()
	shanghai = time.FixedZone("CST", 8*3600)
	// today is the book's clock in the tests: six months after the first match.
	today = time.Date(2026, 9, 1, 9, 0, 0, 0, shanghai)
)

func engine(t testing.TB) *pricing.Engine { return engineWith(t, "testdata/policy.json") }

func engineWith(t testing.TB, path string) *pricing.Engine {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	p, err := pricing.LoadPolicy(f)
	require.NoError(t, err)
	prices, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "RICE-25KG", Price: dec("120.00"), Currency: "CNY"},
		pricing.ListPrice{SKU: "OIL-20L", Price: dec("210.00"), Currency: "CNY"},
	)
	require.NoError(t, err)
	e, err := pricing.NewEngine(p, prices, &pricing.Options{Now: func() time.Time { return today }})
	require.NoError(t, err)
	return e
}

func newBook(t testing.TB) (*matching.Book, *matching.MemoryLog) {
	t.Helper()
	l := matching.NewMemoryLog()
	return matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }}), l
}

// daysAgo is 10:00 on the day n days before today.
func daysAgo(n int) time.Time {
	return time.Date(2026, 9, 1, 10, 0, 0, 0, shanghai).AddDate(0, 0, -n)
}

// match is a fulfilled cash-on-delivery match made n days ago, delivered 7 days after ordering.
func match(id string, n int, buyer, seller b2bkit.CompanyID, sku b2bkit.SKU, qty, price string) matching.Match {
	at := daysAgo(n)
	return matching.Match{
		ID: id, Buyer: buyer, Seller: seller, SKU: sku, Quantity: dec(qty), UnitPrice: dec(price), Currency: "CNY",
		Terms:  b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at.AddDate(0, 0, 7)},
		At:     at,
		Status: matching.Fulfilled, Subsidy: decimal.Zero, Mode: matching.Platform, Channel: b2bkit.SemiAuto,
	}
}

// request asks for qty units wanted in 7 days, on the given payment terms, ordered today.
func request(sku b2bkit.SKU, qty string, pay b2bkit.PaymentTerms) pricing.Request {
	return pricing.Request{SKU: sku, Quantity: dec(qty), Currency: "CNY",
		Terms: b2bkit.Terms{Payment: pay, OrderedAt: today, DeliverBy: today.AddDate(0, 0, 7)}}
}

func record(t testing.TB, b *matching.Book, ms ...matching.Match) {
	t.Helper()
	for _, m := range ms {
		require.NoError(t, b.Record(ctx, m), m.ID)
	}
}

func id(prefix string, i int) string { return fmt.Sprintf("%s-%05d", prefix, i) }

const month = 30 * 24 * time.Hour
