package scorecard_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tradeAsOf is the observation date of the synthetic buyers: features as of it, outcomes after it.
var tradeAsOf = time.Date(2026, time.June, 30, 18, 0, 0, 0, time.UTC)

// tradeFeatures are the features of risk.Features the synthetic card is built on, and one a host
// adds: the buyer's trade (a category).
var tradeFeatures = []risk.Feature{risk.TenureMonths, risk.AvgMonthlyValue3, risk.Trend, risk.OnTimeRate,
	risk.DaysLate3, risk.WorstDaysPastDue12, risk.Volatility, "trade"}

// tradeBuyer makes the history of one synthetic buyer: a restaurant, canteen or hotel kitchen buying
// every month on net 30 since its first order. Its hidden risk in [0, 1) sets how late it pays and
// whether it goes bad after tradeAsOf; the features see only its trades.
func tradeBuyer(rng *rand.Rand, k int) (risk.History, string, bool) {
	buyer := b2bkit.CompanyID(fmt.Sprintf("buyer-%03d", k))
	hidden := rng.Float64()
	trades := []string{"restaurant", "canteen", "hotel"}
	trade := trades[rng.IntN(3)]
	months := 3 + rng.IntN(22)
	base := 2000 + rng.IntN(30000)
	var orders []b2bkit.Order
	var invoices []b2bkit.Invoice
	var payments []b2bkit.Payment
	for m := months; m >= 1; m-- {
		placed := tradeAsOf.AddDate(0, -m, 3)
		value := int64(float64(base) * (0.7 + 0.6*rng.Float64()) * (1 - 0.4*hidden*float64(months-m)/float64(months)))
		price := decimal.New(value*100, -2)
		id := b2bkit.OrderID(fmt.Sprintf("%s-O%d", buyer, m))
		orders = append(orders, b2bkit.Order{ID: id, Buyer: buyer, Seller: "rice-mill", Currency: "CNY", Channel: b2bkit.Manual,
			Lines:    []b2bkit.OrderLine{{SKU: "RICE-25KG", Quantity: decimal.NewFromInt(1), UnitPrice: price}},
			Terms:    b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: placed, DeliverBy: placed},
			PlacedAt: placed})
		number := b2bkit.InvoiceNumber(fmt.Sprintf("%s-I%d", buyer, m))
		inv := b2bkit.Invoice{Number: number, Seller: "rice-mill", Buyer: buyer, Orders: []b2bkit.OrderID{id},
			Amount: price, Currency: "CNY", IssuedAt: placed, DueAt: placed.AddDate(0, 0, 30)}
		invoices = append(invoices, inv)
		late := rng.IntN(5) - 3
		if rng.Float64() < hidden {
			late = rng.IntN(int(10 + 80*hidden))
		}
		paid := inv.DueAt.AddDate(0, 0, late)
		if paid.After(tradeAsOf) {
			continue // not paid yet
		}
		payments = append(payments, b2bkit.Payment{ID: b2bkit.PaymentID(fmt.Sprintf("%s-P%d", buyer, m)), Payer: buyer,
			Payee: "rice-mill", Invoice: number, Amount: price, Currency: "CNY", PaidAt: paid})
	}
	bad := rng.Float64() < 1/(1+math.Exp(-(-3+5*hidden)))
	return risk.History{Orders: seq(orders), Invoices: seq(invoices), Payments: seq(payments)}, trade, bad
}

func seq[T any](xs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// tradeSamples are n synthetic buyers' features as risk.Features computes them, the trade added,
// and their outcomes.
func tradeSamples(tb testing.TB, n int, seed uint64) []scorecard.Sample {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 2026))
	samples := make([]scorecard.Sample, n)
	for k := range samples {
		h, trade, bad := tradeBuyer(rng, k)
		fs, err := risk.Features(b2bkit.CompanyID(fmt.Sprintf("buyer-%03d", k)), h, tradeAsOf)
		require.NoError(tb, err)
		fs.Values.Set("trade", risk.Value{Category: trade})
		samples[k] = scorecard.Sample{Features: fs, Bad: bad}
	}
	return samples
}

// TestR17_CardFromTradeFeaturesScoresEndToEnd builds a card from the features risk.Features computes
// from synthetic buyers' trades (R17: score from the platform's own trade data), and runs it through
// risk.Scorecard.Score: every buyer scores what the model's log-odds, scaled, say, to the rounding.
func TestR17_CardFromTradeFeaturesScoresEndToEnd(t *testing.T) {
	samples := tradeSamples(t, 600, 1)
	d, err := scorecard.Collect(seq(samples), tradeFeatures)
	require.NoError(t, err)
	require.Len(t, d.Columns, len(tradeFeatures))
	trend := column(t, d, risk.Trend)
	require.NotNil(t, trend.Missing, "young buyers have no trend: the sample must exercise the missing bin")

	m, err := scorecard.Build(d, &scorecard.Options{Name: "trade-credit", Version: "synthetic", Currency: "CNY",
		Filter: scorecard.Filter{Keep: []risk.Feature{risk.Trend}}, KeepNonPositive: true})
	require.NoError(t, err)
	t.Logf("synthetic trade card: %d variables, KS %.4f, AUC %.4f", len(m.Variables), m.Train.KS, m.Train.AUC)
	assert.Greater(t, m.Train.AUC, 0.6, "the features carry the hidden risk through late payment")
	var sawMissing bool
	for _, v := range m.Variables {
		if v.Binning.Feature == risk.Trend {
			sawMissing = v.Binning.HasMissingBin()
		}
	}
	assert.True(t, sawMissing, "trend kept, with its missing bin")

	raw, err := json.Marshal(m.Card)
	require.NoError(t, err)
	card, err := risk.LoadScorecard(bytes.NewReader(raw))
	require.NoError(t, err)
	bound := roundingBound(m)
	scores := make([]float64, len(samples))
	for r, s := range samples {
		res, err := card.Score(s.Features)
		require.NoError(t, err, "buyer %d", r)
		require.Equal(t, m.TrainScores[r], res.Score, "buyer %d", r)
		require.InDelta(t, m.Scaling.Points(logOdds(t, m, d, r)), res.Score, bound, "buyer %d", r)
		require.Len(t, res.Points(), len(m.Variables))
		scores[r] = res.Score
	}
	again, err := m.Scores(d)
	require.NoError(t, err)
	assert.Equal(t, scores, again)

	// A later cohort scores on the same card; PSI compares it with the development scores.
	later := tradeSamples(t, 300, 2)
	ld, err := scorecard.Collect(seq(later), tradeFeatures)
	require.NoError(t, err)
	ls, err := m.Scores(ld)
	require.NoError(t, err)
	p, err := scorecard.Assess(ls, ld.Bad, &scorecard.AssessOptions{Baseline: m.TrainScores, Bands: 5})
	require.NoError(t, err)
	require.NotNil(t, p.PSI)
	t.Logf("later cohort: KS %.4f, AUC %.4f, PSI %.4f (%s)", p.KS, p.AUC, *p.PSI, p.Stability)
	assert.Equal(t, risk.ReadPSI(*p.PSI), p.Stability)
	assert.Less(t, *p.PSI, 0.25, "the same process makes the later cohort")
	for r, s := range later {
		res, err := card.Score(s.Features)
		require.NoError(t, err)
		require.Equal(t, ls[r], res.Score, "later buyer %d", r)
	}
}
