package clv_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/stretchr/testify/require"
)

// randomModel draws parameters over the range seen in fitted retail and B2B data.
func randomModel(rng *rand.Rand) clv.BGNBD {
	logU := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	return clv.BGNBD{R: logU(0.05, 10), Alpha: logU(0.5, 200), A: logU(0.05, 10), B: logU(0.1, 50), Unit: clv.Days}
}

// randomHistory draws a history: x repeat purchases, the last at tx, age T.
func randomHistory(rng *rand.Rand) clv.History {
	h := clv.History{T: rng.Float64() * 700}
	if rng.IntN(4) > 0 {
		h.Frequency = rng.IntN(300)
	}
	if h.Frequency > 0 {
		h.Recency = rng.Float64() * h.T
	}
	return h
}

// TestBGNBD_PAliveIsAProbabilityAndOneWithoutARepeat: in BG/NBD a customer can drop out only right
// after a purchase, so one who has not repeated is surely alive; any other is alive with a
// probability in (0, 1]. In float64 it rounds to 0 only where it is below 1e-323, when the odds
// against being alive, a/(b+x-1) ((alpha+T)/(alpha+tx))^(r+x), pass e^744 — 300 purchases in five
// days and then a year of silence; the test checks that this, and only this, is when it does.
func TestBGNBD_PAliveIsAProbabilityAndOneWithoutARepeat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	underflows := 0
	for range 20_000 {
		m, h := randomModel(rng), randomHistory(rng)
		p, err := m.PAlive(h)
		require.NoError(t, err)
		require.True(t, p >= 0 && p <= 1, "P(alive) = %v for %+v %+v", p, m, h)
		if h.Frequency == 0 {
			require.Equal(t, 1.0, p)
			continue
		}
		x := float64(h.Frequency)
		logOdds := math.Log(m.A/(m.B+x-1)) + (m.R+x)*math.Log((m.Alpha+h.T)/(m.Alpha+h.Recency))
		if logOdds < 740 {
			require.Positive(t, p, "%+v %+v", m, h)
		} else if p == 0 {
			underflows++
		}
	}
	t.Logf("%d of 20000 drawn histories beyond float64", underflows)
}

// TestBGNBD_ExpectedPurchasesGrowWithTheHorizon: a longer horizon never expects fewer purchases,
// for a customer with a history and for a new one; strictly more unless P(alive) is below float64
// or the expectation has reached its limit (a > 1: everyone drops out in the end) to the last digit.
func TestBGNBD_ExpectedPurchasesGrowWithTheHorizon(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1_000 {
		m, h := randomModel(rng), randomHistory(rng)
		prev, prevNew := 0.0, 0.0
		for _, horizon := range []float64{1, 7, 30, 90, 365, 1825} {
			p, err := m.Predict(h, horizon)
			require.NoError(t, err)
			require.GreaterOrEqual(t, p.Purchases, prev, "%+v %+v t=%v", m, h, horizon)
			if p.Alive > 1e-250 {
				require.Greater(t, p.Purchases, prev, "%+v %+v t=%v", m, h, horizon)
			}
			prev = p.Purchases
			n, err := m.ExpectedPurchasesNew(horizon)
			require.NoError(t, err)
			require.GreaterOrEqual(t, n, prevNew, "%+v t=%v", m, horizon)
			if n == prevNew { // only when E[X(t)] has reached its limit to the last digit
				far, err := m.ExpectedPurchasesNew(10 * horizon)
				require.NoError(t, err)
				require.InEpsilon(t, far, n, 1e-13, "%+v t=%v", m, horizon)
			}
			prevNew = n
		}
	}
}

// TestBGNBD_RecentLastPurchaseNeverLowersPAlive: of two customers alike but for the day of their
// last purchase, the one who bought more recently is at least as likely alive.
func TestBGNBD_RecentLastPurchaseNeverLowersPAlive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20_000 {
		m, h := randomModel(rng), randomHistory(rng)
		if h.Frequency == 0 {
			h.Frequency = 1
		}
		later := h
		later.Recency = h.Recency + rng.Float64()*(h.T-h.Recency)
		p0, err := m.PAlive(h)
		require.NoError(t, err)
		p1, err := m.PAlive(later)
		require.NoError(t, err)
		require.GreaterOrEqual(t, p1, p0, "%+v: recency %v -> %v", m, h.Recency, later.Recency)
	}
}

// TestCLV_UndiscountedValueIsSpendTimesPurchases: without discounting, the monthly sum telescopes
// to the expected spend times the purchases expected over the horizon; discounting only lowers it.
func TestCLV_UndiscountedValueIsSpendTimesPurchases(t *testing.T) {
	m := clv.Model{Purchases: cdnowModel, Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}}
	for _, c := range []clv.Customer{
		{History: clv.History{T: 30}},
		customer("a", 2, 30.43, 38.86, "45.20"),
		customer("b", 12, 38, 38.86, "300.00"),
	} {
		v, err := m.Value(c, &clv.ValueOptions{Months: 24})
		require.NoError(t, err)
		e, err := m.Purchases.ExpectedPurchases(c.History, 24*clv.Weeks.Month())
		require.NoError(t, err)
		require.InDelta(t, e, v.Purchases, 1e-12)
		want := v.Spend.InexactFloat64() * v.Purchases
		require.InDelta(t, want, v.Lifetime.InexactFloat64(), 1e-3)
		d, err := m.Value(c, &clv.ValueOptions{Months: 24, MonthlyDiscount: 0.01})
		require.NoError(t, err)
		require.Negative(t, d.Lifetime.Cmp(v.Lifetime))
		require.Positive(t, d.Lifetime.Sign())
	}
}
