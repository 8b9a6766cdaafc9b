package pricing_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit/internal/dectest"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
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
	orderDay = time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai)
	fixedNow = func() time.Time { return orderDay }
)

func loadPolicy(t testing.TB, path string) pricing.Policy {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	p, err := pricing.LoadPolicy(f)
	require.NoError(t, err)
	return p
}

func catalogSource(t testing.TB) *pricing.PriceList {
	t.Helper()
	l, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "RICE-25KG", Price: dec("120.00"), Currency: "CNY", Cost: dec("100.00")},
		pricing.ListPrice{SKU: "OIL-20L", Price: dec("210.00"), Currency: "CNY", Cost: dec("150.00")},
		pricing.ListPrice{SKU: "SALT-1KG", Price: dec("3.20"), Currency: "CNY"},
	)
	require.NoError(t, err)
	return l
}

func restaurantEngine(t testing.TB) *pricing.Engine {
	t.Helper()
	e, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), catalogSource(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	return e
}

// request is a cash-on-delivery order for delivery in 10 days.
func request(sku b2bkit.SKU, qty string) pricing.Request {
	return pricing.Request{
		Buyer:    "lucky-noodle",
		SKU:      sku,
		Quantity: dec(qty),
		Terms: b2bkit.Terms{
			Payment:   b2bkit.CashOnDelivery(),
			OrderedAt: orderDay,
			DeliverBy: orderDay.AddDate(0, 0, 10),
		},
	}
}

func quote(t testing.TB, e *pricing.Engine, r pricing.Request) pricing.Quote {
	t.Helper()
	q, err := e.Quote(ctx, r)
	require.NoError(t, err)
	return q
}
