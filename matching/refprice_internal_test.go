package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
)

// TestR11_ReferencePriceEqualsDecimalsOnRandomWindows: the reference price a book answers from its
// projection — prices in cents beside the rows, ratios by terms key, statistics in integers — is
// the one the decimal path gives (every price restated by the engine, sorted, summed in decimals)
// over the same trades, to the last digit and with the same counts left out by each rule. The
// windows are random: many terms (quantities with up to eight places, schedules, booking days),
// prices repeated or not, at two places or more, outliers, subsidies, statuses other than
// fulfilled, one big buyer or many small ones, and windows above the 4,096 trades from which
// quantiles are selected through buckets.
func TestR11_ReferencePriceEqualsDecimalsOnRandomWindows(t *testing.T) {
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	e := riceEngine(t, now)
	pays := []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Prepaid(), b2bkit.Net(30), b2bkit.Net(60),
		b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 30)}
	rng := rand.New(rand.NewPCG(11, 12))
	const window = 90 * 24 * time.Hour
	for round := range 16 {
		b := NewBook(NewMemoryLog(), e, &Options{Now: func() time.Time { return now }, MeanScale: int32(2 + round%7)})
		n := 1 + rng.IntN(400)
		if round%3 == 0 {
			n = 4100 + rng.IntN(2000)
		}
		buyers := 1 + rng.IntN([]int{3, 40, 5000}[round%3])
		distinct := []int64{1, 7, 50, 3000}[rng.IntN(4)] // how many prices: ties or none
		for i := range n {
			at := now.Add(-time.Duration(1+rng.IntN(120*24)) * time.Hour) // a quarter falls outside the window
			price := decimal.New(9000+rng.Int64N(distinct), -2)
			switch rng.IntN(40) {
			case 0:
				price = price.Mul(decimal.NewFromInt(3)) // an outlier above
			case 1:
				price = price.Div(decimal.NewFromInt(4)) // an outlier below, at up to 16 places
			case 2:
				price = decimal.New(rng.Int64N(1_000_000)+1, -4) // four places
			}
			qty := decimal.New(1+rng.Int64N(5000), -int32(rng.IntN(3)))
			if rng.IntN(50) == 0 {
				qty = decimal.New(1+rng.Int64N(1e9), -8) // beyond the integer quantities
			}
			buyer := rng.IntN(buyers)
			if rng.IntN(4) == 0 {
				buyer = 0 // one buyer bigger than the rest
			}
			m := Match{ID: fmt.Sprint(i), Buyer: b2bkit.CompanyID(fmt.Sprint("B", buyer)), Seller: b2bkit.CompanyID(fmt.Sprint("S", rng.IntN(5))),
				SKU: "RICE", Quantity: qty, UnitPrice: price, Currency: "CNY", At: at, Subsidy: decimal.Zero, Channel: b2bkit.Manual,
				Status: Fulfilled, Terms: b2bkit.Terms{Payment: pays[rng.IntN(len(pays))], OrderedAt: at, DeliverBy: at.AddDate(0, 0, rng.IntN(20))}}
			if rng.IntN(8) == 0 {
				m.Subsidy = decimal.New(500, -2)
			}
			if rng.IntN(10) == 0 {
				m.Status = []Status{Proposed, Accepted, Cancelled}[rng.IntN(3)]
			}
			require.NoError(t, b.Record(ctx, m))
		}
		req := pricing.Request{SKU: "RICE", Quantity: decimal.NewFromInt(100), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: pays[rng.IntN(len(pays))], OrderedAt: now, DeliverBy: now.AddDate(0, 0, rng.IntN(10))}}
		for _, rules := range []ReferenceRules{
			{},
			{ExcludeSubsidised: true, Outliers: IQR, MaxBuyerShare: decimal.New(int64(1+rng.IntN(60)), -2)},
			{Outliers: MAD, K: decimal.New(int64(1+rng.IntN(40)), -1)},
			{ExcludeSubsidised: rng.IntN(2) == 0, Outliers: OutlierRule(rng.IntN(3)), MaxBuyerShare: decimal.New(int64(1+rng.IntN(99)), -2)},
		} {
			msg := fmt.Sprintf("round %d, %d trades, %d buyers, %d prices, %+v", round, n, buyers, distinct, rules)
			got, err := b.ReferencePriceWith(ctx, "RICE", req, window, rules)
			require.NoError(t, err, msg)
			want := decimalReference(t, b, req, window, rules, got)
			require.Positive(t, got.Count, msg)
			requireSameReference(t, want, got, msg)
		}
	}
}

// decimalReference is the reference the decimal path gives over the fulfilled trades of the window,
// found by walking the SKU's rows and reading the columns (not the rows' skuRows): got gives what
// both paths take from the request.
func decimalReference(t *testing.T, b *Book, req pricing.Request, window time.Duration, rules ReferenceRules, got Reference) Reference {
	t.Helper()
	p := b.proj
	rules = rules.withDefaults()
	sku, ok := p.skus.lookup(string(req.SKU))
	require.True(t, ok)
	from, to, err := b.window("window", window)
	require.NoError(t, err)
	var rows []uint32
	want := Reference{SKU: got.SKU, Request: got.Request, Currency: got.Currency, From: got.From, To: got.To, Rules: rules}
	for _, r := range p.bySKU[sku].rows {
		if p.at[r] < from.UnixNano() || p.at[r] >= to.UnixNano() || p.statusAt(r, b.now().UnixNano()) != Fulfilled {
			continue
		}
		if rules.ExcludeSubsidised && p.subC[r] > 0 {
			want.Excluded.Subsidised++
			continue
		}
		rows = append(rows, r)
	}
	require.NotEmpty(t, rows)
	st, err := referenceExact(b, p, newNormalizer(b, p, sku, req, new(normMemory)), rows, rules)
	require.NoError(t, err)
	st.fill(&want, p, b.loc(b.now()), b.opts.MeanScale)
	want.Thin = want.Count < b.opts.ThinMarket
	return want
}

// requireSameReference requires every statistic and count of two references to agree, decimals
// to the last digit.
func requireSameReference(t *testing.T, want, got Reference, msg string) {
	t.Helper()
	require.Equal(t, [3]int{want.Count, want.Excluded.Subsidised, want.Excluded.Outliers}, [3]int{got.Count, got.Excluded.Subsidised, got.Excluded.Outliers}, msg)
	require.Equal(t, [3]int{want.Excluded.CappedBuyers, want.Excluded.CappedTrades, boolInt(want.Excluded.EqualWeights)},
		[3]int{got.Excluded.CappedBuyers, got.Excluded.CappedTrades, boolInt(got.Excluded.EqualWeights)}, msg)
	for i, pair := range [][2]decimal.Decimal{{want.Low, got.Low}, {want.P25, got.P25}, {want.Median, got.Median},
		{want.P75, got.P75}, {want.High, got.High}, {want.Volume, got.Volume}, {want.Mean, got.Mean},
		{want.Excluded.OutlierLow, got.Excluded.OutlierLow}, {want.Excluded.OutlierHigh, got.Excluded.OutlierHigh},
		{want.Excluded.TopBuyerShare, got.Excluded.TopBuyerShare}} {
		require.True(t, pair[0].Equal(pair[1]), "%s: statistic %d: %s against %s", msg, i, pair[0], pair[1])
	}
	require.True(t, want.Oldest.Equal(got.Oldest) && want.Newest.Equal(got.Newest), msg)
	require.Equal(t, want.Thin, got.Thin, msg)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
