package matching_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestR13_ReferencePriceStatistics(t *testing.T) {
	b, _ := newBook(t)
	// Same terms as the request (50 units, cash on delivery, 7 days), so no normalisation moves them.
	for i, p := range []string{"110", "120", "100", "130", "115", "125", "105"} {
		record(t, b, match(id("M", i), 10+i, "B-1", "S-1", "RICE-25KG", "50", p))
	}
	ref, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "50", b2bkit.CashOnDelivery()), 3*month)
	require.NoError(t, err)
	assert.Equal(t, 7, ref.Count)
	// Sorted: 100 105 110 115 120 125 130; nearest rank: p25 -> rank 2, median -> 4, p75 -> 6.
	requireDecEqual(t, dec("105"), ref.P25)
	requireDecEqual(t, dec("115"), ref.Median)
	requireDecEqual(t, dec("125"), ref.P75)
	requireDecEqual(t, dec("100"), ref.Low)
	requireDecEqual(t, dec("130"), ref.High)
	requireDecEqual(t, dec("115"), ref.Mean)
	requireDecEqual(t, dec("350"), ref.Volume)
	assert.False(t, ref.Thin)
	assert.True(t, ref.Oldest.Equal(daysAgo(16)))
	assert.True(t, ref.Newest.Equal(daysAgo(10)))
	assert.Equal(t, "CNY", ref.Currency)

	js, err := json.Marshal(ref)
	require.NoError(t, err)
	for _, want := range []string{`"median":"115"`, `"p25":"105"`, `"mean":"115"`, `"count":7`, `"thin":false`, `"quantity":"50"`} {
		assert.Contains(t, string(js), want)
	}
}

func TestR13_ReferencePriceMeanIsVolumeWeighted(t *testing.T) {
	b, _ := newBook(t)
	record(t, b,
		match("M-1", 5, "B-1", "S-1", "RICE-25KG", "10", "100"),
		match("M-2", 6, "B-1", "S-1", "RICE-25KG", "30", "110"),
		match("M-3", 7, "B-1", "S-1", "RICE-25KG", "60", "99"),
	)
	ref, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "50", b2bkit.CashOnDelivery()), month)
	require.NoError(t, err)
	// (10*100 + 30*110 + 60*99) / 100 = 102.4
	requireDecEqual(t, dec("102.4"), ref.Mean)
	assert.True(t, ref.Thin, "3 matches are a thin market")
}

func TestR13_ReferenceUsesOnlyFulfilledMatchesOfTheSKUInTheWindow(t *testing.T) {
	b, l := newBook(t)
	old := match("M-old", 100, "B-1", "S-1", "RICE-25KG", "50", "500")
	cancelled := match("M-cancelled", 5, "B-1", "S-1", "RICE-25KG", "50", "500")
	cancelled.Status = matching.Cancelled
	proposed := match("M-proposed", 5, "B-1", "S-1", "RICE-25KG", "50", "500")
	proposed.Status = matching.Proposed
	future := match("M-future", -3, "B-1", "S-1", "RICE-25KG", "50", "500")
	oil := match("M-oil", 5, "B-1", "S-1", "OIL-20L", "50", "500")
	good := match("M-good", 5, "B-1", "S-1", "RICE-25KG", "50", "118")
	record(t, b, old, cancelled, proposed, oil, good)
	// Record refuses a match from the future; one written to the log directly is outside the window.
	require.NoError(t, l.Append(ctx, future))
	ref, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "50", b2bkit.CashOnDelivery()), month)
	require.NoError(t, err)
	assert.Equal(t, 1, ref.Count)
	requireDecEqual(t, dec("118"), ref.Median)
}

// TestR11_LongerCreditRaisesReference: the same trades restated to a request on longer credit give a
// higher reference price, since credit costs money (R11); a bigger order gives a lower one.
func TestR11_LongerCreditRaisesReference(t *testing.T) {
	b, _ := newBook(t)
	for i := range 20 {
		m := match(id("M", i), 3+i, "B-1", "S-1", "RICE-25KG", "50", decimal.NewFromInt(110+int64(i)).String())
		if i%2 == 0 {
			m.Terms.Payment = b2bkit.Net(30)
		}
		record(t, b, m)
	}
	refAt := func(r pricing.Request) matching.Reference {
		ref, err := b.ReferencePrice(ctx, "RICE-25KG", r, 3*month)
		require.NoError(t, err)
		require.Equal(t, 20, ref.Count)
		return ref
	}
	cod := refAt(request("RICE-25KG", "50", b2bkit.CashOnDelivery()))
	net30 := refAt(request("RICE-25KG", "50", b2bkit.Net(30)))
	net90 := refAt(request("RICE-25KG", "50", b2bkit.Net(90)))
	prepaid := refAt(request("RICE-25KG", "50", b2bkit.Prepaid()))
	bulk := refAt(request("RICE-25KG", "5000", b2bkit.CashOnDelivery()))
	for _, pair := range [][2]matching.Reference{{prepaid, cod}, {cod, net30}, {net30, net90}, {bulk, cod}} {
		requireLess(t, pair[0].Median, pair[1].Median)
		requireLess(t, pair[0].Mean, pair[1].Mean)
		requireLess(t, pair[0].P25, pair[1].P25)
		requireLess(t, pair[0].P75, pair[1].P75)
	}
}

// TestR13_ReferenceEqualsEngineNormalize is the property behind the memo: over thousands of random
// trades, every statistic equals the one computed by calling Engine.Normalize on each match and
// working in exact decimals.
func TestR13_ReferenceEqualsEngineNormalize(t *testing.T) {
	for _, c := range []struct {
		name, policy string
		plain        bool
	}{
		{"memory log", "testdata/policy.json", false},
		{"other log", "testdata/policy.json", true},
		{"rules by buyer and date", "testdata/policy_scoped.json", false},
		{"rules by buyer and date, other log", "testdata/policy_scoped.json", true},
	} {
		t.Run(c.name, func(t *testing.T) { referenceEqualsNormalize(t, engineWith(t, c.policy), c.plain) })
	}
}

// plainLog hides MemoryLog's fast path, as a host's own Log would.
type plainLog struct{ matching.Log }

func referenceEqualsNormalize(t *testing.T, e *pricing.Engine, plain bool) {
	rng := rand.New(rand.NewPCG(6, 13))
	qtys := []string{"1", "20", "99.5", "100", "250", "999.999", "1000", "4000", "0.001", "12.3456789"}
	prices := func() decimal.Decimal {
		switch rng.IntN(4) {
		case 0:
			return decimal.New(rng.Int64N(100_000)+1, -2)
		case 1:
			return decimal.New(rng.Int64N(1_000_000_000)+1, -7)
		case 2:
			return decimal.New(rng.Int64N(999)+1, 0)
		}
		return decimal.New(rng.Int64N(1<<40)+1, -11) // beyond the integer path: the engine is asked directly
	}
	pays := []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Prepaid(), b2bkit.Net(30), b2bkit.Net(61),
		b2bkit.DepositBalance(dec("0.3"), 45), b2bkit.DepositBalance(dec("0.333"), 7)}
	for round := range 5 {
		var l matching.Log = matching.NewMemoryLog()
		if plain {
			l = plainLog{l}
		}
		b := matching.NewBook(l, e, &matching.Options{Now: func() time.Time { return today }, MeanScale: 6})
		var ms []matching.Match
		for i := range 2000 {
			at := daysAgo(1 + rng.IntN(80)).Add(time.Duration(rng.IntN(600)) * time.Minute)
			m := match(id("M", i), 0, b2bkit.CompanyID(id("B", rng.IntN(5))), "S-1", "RICE-25KG",
				qtys[rng.IntN(len(qtys))], "1")
			m.UnitPrice = prices()
			m.At, m.Terms.OrderedAt = at, at
			m.Terms.DeliverBy = at.AddDate(0, 0, []int{0, 1, 12, 30}[rng.IntN(4)]) // few booking times: terms repeat
			m.Terms.Payment = pays[rng.IntN(len(pays))]
			ms = append(ms, m)
		}
		record(t, b, ms...)
		// Three requests on one book: the later ones restate through the halves the first left.
		for k := range 3 {
			req := request("RICE-25KG", qtys[(round+k)%len(qtys)], pays[(round+2*k)%len(pays)])
			req.Terms.DeliverBy = today.AddDate(0, 0, round*10+k)
			req.Buyer = b2bkit.CompanyID(id("B", k))
			ref, err := b.ReferencePrice(ctx, "RICE-25KG", req, 90*24*time.Hour)
			require.NoError(t, err)

			var norm []decimal.Decimal
			sum, vol := decimal.Zero, decimal.Zero
			for _, m := range ms {
				from := pricing.Request{Buyer: m.Buyer, SKU: m.SKU, Quantity: m.Quantity, Terms: m.Terms, Currency: "CNY"}
				p, err := e.Normalize(m.UnitPrice, from, req)
				require.NoError(t, err)
				norm = append(norm, p)
				sum = sum.Add(p.Mul(m.Quantity))
				vol = vol.Add(m.Quantity)
			}
			slices.SortFunc(norm, decimal.Decimal.Cmp)
			rank := func(p int) decimal.Decimal { return norm[max(1, (p*len(norm)+99)/100)-1] }
			require.Equal(t, len(ms), ref.Count)
			requireDecEqual(t, rank(50), ref.Median, "median")
			requireDecEqual(t, rank(25), ref.P25, "p25")
			requireDecEqual(t, rank(75), ref.P75, "p75")
			requireDecEqual(t, norm[0], ref.Low, "low")
			requireDecEqual(t, norm[len(norm)-1], ref.High, "high")
			requireDecEqual(t, vol, ref.Volume, "volume")
			requireDecEqual(t, sum.DivRound(vol, 6), ref.Mean, "mean")
		}
	}
}

func TestR13_ReferenceOfAnEmptyMarketIsThin(t *testing.T) {
	b, _ := newBook(t)
	ref, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "50", b2bkit.CashOnDelivery()), month)
	require.NoError(t, err)
	assert.Equal(t, 0, ref.Count)
	assert.True(t, ref.Thin)
	assert.True(t, ref.Median.IsZero())
}

func TestReferencePriceBadInput(t *testing.T) {
	b, _ := newBook(t)
	record(t, b, match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118"))
	cod := b2bkit.CashOnDelivery()
	for _, c := range []struct {
		name   string
		sku    b2bkit.SKU
		edit   func(*pricing.Request)
		window time.Duration
		field  string
	}{
		{"zero quantity", "RICE-25KG", func(r *pricing.Request) { r.Quantity = decimal.Zero }, month, "request.quantity"},
		{"negative quantity", "RICE-25KG", func(r *pricing.Request) { r.Quantity = dec("-5") }, month, "request.quantity"},
		{"other currency", "RICE-25KG", func(r *pricing.Request) { r.Currency = "USD" }, month, "request.currency"},
		{"other sku", "RICE-25KG", func(r *pricing.Request) { r.SKU = "OIL-20L" }, month, "request.sku"},
		{"no sku", "", func(r *pricing.Request) { r.SKU = "" }, month, "sku"},
		{"bad terms", "RICE-25KG", func(r *pricing.Request) { r.Terms.DeliverBy = today.AddDate(0, 0, -1) }, month, "request.terms.deliver_by"},
		{"zero window", "RICE-25KG", func(*pricing.Request) {}, 0, "window"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := request("RICE-25KG", "50", cod)
			c.edit(&r)
			_, err := b.ReferencePrice(ctx, c.sku, r, c.window)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.ErrorContains(t, err, c.field)
		})
	}
}

func TestRecordBadInput(t *testing.T) {
	b, _ := newBook(t)
	for _, c := range []struct {
		name  string
		edit  func(*matching.Match)
		field string
	}{
		{"zero quantity", func(m *matching.Match) { m.Quantity = decimal.Zero }, "match.quantity"},
		{"negative quantity", func(m *matching.Match) { m.Quantity = dec("-1") }, "match.quantity"},
		{"zero price", func(m *matching.Match) { m.UnitPrice = decimal.Zero }, "match.unit_price"},
		{"negative subsidy", func(m *matching.Match) { m.Subsidy = dec("-1") }, "match.subsidy"},
		{"other currency", func(m *matching.Match) { m.Currency = "USD" }, "match.currency"},
		{"no id", func(m *matching.Match) { m.ID = "" }, "match.id"},
		{"self dealing", func(m *matching.Match) { m.Seller = m.Buyer }, "match.seller"},
		{"bad terms", func(m *matching.Match) { m.Terms.Payment = b2bkit.PaymentTerms{} }, "match.terms.payment.installments"},
		{"no time", func(m *matching.Match) { m.At = time.Time{} }, "match.at"},
		{"bad status", func(m *matching.Match) { m.Status = 9 }, "match.status"},
		{"bad mode", func(m *matching.Match) { m.Mode = 9 }, "match.mode"},
		{"bad channel", func(m *matching.Match) { m.Channel = 9 }, "match.channel"},
		{"absurd price", func(m *matching.Match) { m.UnitPrice = decimal.New(1, 40) }, "match.unit_price"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118")
			c.edit(&m)
			err := b.Record(ctx, m)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.ErrorContains(t, err, c.field)
			_, err = b.Log().Get(ctx, "M-1")
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "a failed write stores nothing")
		})
	}
}

func TestMatchValidateReportsEveryProblem(t *testing.T) {
	err := matching.Match{}.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, f := range []string{"id", "buyer", "seller", "sku", "quantity", "unit_price", "currency", "terms.payment", "at"} {
		assert.ErrorContains(t, err, f)
	}
}

// Match times are kept between 1900 and 2200: both edges exactly, in any zone.
func TestMatchValidateTimeBounds(t *testing.T) {
	east := time.FixedZone("east", 14*3600)
	tests := []struct {
		at time.Time
		ok bool
	}{
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond), false},
		{time.Date(1900, 1, 1, 14, 0, 0, 0, east), true}, // the same instant as the first
		{time.Date(1900, 1, 1, 13, 59, 59, 999_999_999, east), false},
		{time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond), true},
		{time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2200, 1, 1, 0, 0, 0, 1, time.UTC), false},
		{time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), false},
	}
	for _, tt := range tests {
		m := match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118")
		m.At = tt.at
		err := m.Validate()
		if tt.ok {
			assert.NoError(t, err, "%s", tt.at)
		} else {
			assert.ErrorContains(t, err, "at: must be between 1900 and 2200", "%s", tt.at)
		}
	}
}

func TestMemoryLogKeepsLargeAmountsExactly(t *testing.T) {
	b, l := newBook(t)
	m := match("M-big", 3, "B-1", "S-1", "RICE-25KG", "1234567890123456789012.5", "0.000000000000000123")
	m.Subsidy = dec("98765432109876543210.01")
	record(t, b, m)
	got, err := l.Get(ctx, "M-big")
	require.NoError(t, err)
	assert.True(t, got.Equal(m), "%+v", got)
	m2 := m
	m2.ID = "M-big-2"
	record(t, b, m2) // the same large values are interned once and shared
	got, err = l.Get(ctx, "M-big-2")
	require.NoError(t, err)
	requireDecEqual(t, m.Quantity, got.Quantity)
}

func TestRecordIsIdempotent(t *testing.T) {
	b, l := newBook(t)
	m := match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118")
	record(t, b, m, m, m)
	assert.Equal(t, 1, l.Len())
	m.Quantity = dec("51")
	require.ErrorIs(t, b.Record(ctx, m), b2bkit.ErrConflict)
}

// TestR13_RecordRefusesAMatchFromTheFuture: a match dated after the book's clock by more than the
// declared skew is refused, naming match.at, and nothing is stored; within the skew it is a clock
// a little ahead and is kept.
func TestR13_RecordRefusesAMatchFromTheFuture(t *testing.T) {
	for _, c := range []struct {
		name    string
		skew    time.Duration
		ahead   time.Duration
		refused bool
	}{
		{"now", 0, 0, false},
		{"within the default skew", 0, 4 * time.Minute, false},
		{"beyond the default skew", 0, 6 * time.Minute, true},
		{"a day ahead", 0, 24 * time.Hour, true},
		{"within a declared skew", time.Hour, 50 * time.Minute, false},
		{"beyond a declared skew", time.Minute, 2 * time.Minute, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := matching.NewBook(matching.NewMemoryLog(), engine(t), &matching.Options{Now: func() time.Time { return today }, FutureSkew: c.skew})
			m := match("M-1", 0, "B-1", "S-1", "RICE-25KG", "50", "118")
			m.At = today.Add(c.ahead)
			err := b.Record(ctx, m)
			if !c.refused {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.ErrorContains(t, err, "match.at")
			_, err = b.Log().Get(ctx, "M-1")
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "a refused match is not stored")
		})
	}
}

// TestR13_ReferenceOfCapitalGoodsPricedInBillions: capital goods priced in VND or IDR cost tens of
// billions a unit; their reference price is as exact as any other, over the in-memory log and over
// a host's own log, mixed with ordinary prices or not.
func TestR13_ReferenceOfCapitalGoodsPricedInBillions(t *testing.T) {
	e := engine(t)
	for _, c := range []struct {
		name   string
		prices []string
		plain  bool
	}{
		{"all in billions", []string{"25000000000", "31000000000.50", "28500000000", "950000000", "40000000000"}, false},
		{"all in billions, other log", []string{"25000000000", "31000000000.50", "28500000000", "950000000", "40000000000"}, true},
		{"one huge among ordinary", []string{"118", "120.5", "999999999999999.99", "119", "121"}, false},
		{"one huge among ordinary, other log", []string{"118", "120.5", "999999999999999.99", "119", "121"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var l matching.Log = matching.NewMemoryLog()
			if c.plain {
				l = plainLog{l}
			}
			b := matching.NewBook(l, e, &matching.Options{Now: func() time.Time { return today }})
			req := request("RICE-25KG", "3", b2bkit.Net(30))
			var norm []decimal.Decimal
			sum, vol := decimal.Zero, decimal.Zero
			for i, p := range c.prices {
				m := match(id("M", i), 5+i, "B-1", "S-1", "RICE-25KG", fmt.Sprint(1+i), p)
				record(t, b, m)
				from := pricing.Request{Buyer: m.Buyer, SKU: m.SKU, Quantity: m.Quantity, Terms: m.Terms, Currency: "CNY"}
				n, err := e.Normalize(m.UnitPrice, from, req)
				require.NoError(t, err)
				norm = append(norm, n)
				sum = sum.Add(n.Mul(m.Quantity))
				vol = vol.Add(m.Quantity)
			}
			ref, err := b.ReferencePrice(ctx, "RICE-25KG", req, month)
			require.NoError(t, err)
			slices.SortFunc(norm, decimal.Decimal.Cmp)
			rank := func(p int) decimal.Decimal { return norm[max(1, (p*len(norm)+99)/100)-1] }
			require.Equal(t, len(c.prices), ref.Count)
			requireDecEqual(t, rank(50), ref.Median, "median")
			requireDecEqual(t, rank(25), ref.P25, "p25")
			requireDecEqual(t, rank(75), ref.P75, "p75")
			requireDecEqual(t, norm[0], ref.Low, "low")
			requireDecEqual(t, norm[len(norm)-1], ref.High, "high")
			requireDecEqual(t, vol, ref.Volume, "volume")
			requireDecEqual(t, sum.DivRound(vol, 4), ref.Mean, "mean")
			assert.True(t, ref.Oldest.Equal(daysAgo(4+len(c.prices))), "oldest")
			assert.True(t, ref.Newest.Equal(daysAgo(5)), "newest")
		})
	}
}
