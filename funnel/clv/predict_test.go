package clv_test

import (
	"math"
	"testing"

	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// cdnowModel is BG/NBD at the published CDNOW figures, in weeks.
var cdnowModel = clv.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258, Unit: clv.Weeks}

// posteriorExpectation computes E[Y(t) | alive, x, T] without the hypergeometric function: given
// alive, the purchase rate is gamma(r+x, alpha+T) and the drop-out probability beta(a, b+x), and a
// customer with (lambda, p) makes (1 - exp(-lambda p t)) / p purchases in t on average, so
//
//	E = integral over p of beta(p; a, b+x) (1 - (1 + p t/(alpha+T))^-(r+x)) / p dp,
//
// here by Gauss-Legendre, for a < 1 after p = u^(1/a), which takes away the p^(a-1) at zero.
func posteriorExpectation(m clv.BGNBD, h clv.History, t float64) float64 {
	x := float64(h.Frequency)
	s := t / (m.Alpha + h.T)
	lb := mathext.Lbeta(m.A, m.B+x)
	g := func(p float64) float64 { // (1 - (1+ps)^-(r+x)) / p
		if p == 0 {
			return (m.R + x) * s
		}
		return -math.Expm1(-(m.R+x)*math.Log1p(p*s)) / p
	}
	if m.A >= 1 {
		return quad.Fixed(func(p float64) float64 {
			return g(p) * math.Exp((m.A-1)*math.Log(p)+(m.B+x-1)*math.Log1p(-p)-lb)
		}, 0, 1, 4000, quad.Legendre{}, 0)
	}
	return quad.Fixed(func(u float64) float64 {
		p := math.Pow(u, 1/m.A)
		return g(p) * math.Exp((m.B+x-1)*math.Log1p(-p)-lb) / m.A
	}, 0, 1, 4000, quad.Legendre{}, 0)
}

// TestBGNBD_ExpectationMatchesThePosteriorIntegral checks the hypergeometric formula, Euler's
// transformation and the series together against the expectation integrated directly.
func TestBGNBD_ExpectationMatchesThePosteriorIntegral(t *testing.T) {
	models := []clv.BGNBD{
		cdnowModel,
		{R: 1.2, Alpha: 30, A: 2.5, B: 6, Unit: clv.Days},
		{R: 0.5, Alpha: 10, A: 1.00001, B: 3, Unit: clv.Weeks}, // next to the removable singularity at a = 1
		{R: 3, Alpha: 2, A: 2, B: 4, Unit: clv.Weeks},          // c-a-b an integer
	}
	histories := []clv.History{{T: 38}, {Frequency: 2, Recency: 30.43, T: 38.86}, {Frequency: 10, Recency: 35, T: 38},
		{Frequency: 200, Recency: 300, T: 310}, {Frequency: 1, Recency: 1, T: 52}}
	for _, m := range models {
		for _, h := range histories {
			for _, horizon := range []float64{0.5, 13, 52, 520} {
				p, err := m.Predict(h, horizon)
				require.NoError(t, err)
				want := p.Alive * posteriorExpectation(m, h, horizon)
				require.InEpsilon(t, want, p.Purchases, 1e-8, "%+v %+v t=%v", m, h, horizon)
			}
		}
	}
}

// TestBGNBD_NewCustomerMatchesGonumsHypergeo checks E[X(t)] for a new customer against FHL's eq. 7
// evaluated as printed, with gonum's mathext.Hypergeo, where its arguments stay in its domain.
func TestBGNBD_NewCustomerMatchesGonumsHypergeo(t *testing.T) {
	m := cdnowModel
	for _, horizon := range []float64{0.1, 1, 10, 39, 78, 520} {
		z := horizon / (m.Alpha + horizon)
		want := (m.A + m.B - 1) / (m.A - 1) *
			(1 - math.Pow(m.Alpha/(m.Alpha+horizon), m.R)*mathext.Hypergeo(m.R, m.B, m.A+m.B-1, z))
		got, err := m.ExpectedPurchasesNew(horizon)
		require.NoError(t, err)
		require.InEpsilon(t, want, got, 1e-11, "t=%v", horizon)
	}
}

// TestBGNBD_CDNOWExpectationsAddUp checks the fitted model's expectations on CDNOW two ways that do
// not depend on each other's formula. In the calibration weeks, the customers' expected repeat
// purchases E[X(T)] add up to about the 2,457 they made. Over the 39 weeks after it, the conditional
// expectations given each history add up to what the unconditional ones, E[X(T+39)] - E[X(T)], add
// up to (the law of total expectation). The sample's customers made 1,882 repeat purchases in those
// weeks; the model forecasts about 1,660, as logged.
func TestBGNBD_CDNOWExpectationsAddUp(t *testing.T) {
	s := cdnowPublished(t)
	fit, err := clv.FitBGNBD(s, nil)
	require.NoError(t, err)
	var inSample, conditional, unconditional float64
	repeats := 0
	for _, c := range s.Customers {
		repeats += c.Frequency
		before, err := fit.ExpectedPurchasesNew(c.T)
		require.NoError(t, err)
		after, err := fit.ExpectedPurchasesNew(c.T + 39)
		require.NoError(t, err)
		e, err := fit.ExpectedPurchases(c.History, 39)
		require.NoError(t, err)
		inSample += before
		unconditional += after - before
		conditional += e
	}
	require.Equal(t, 2457, repeats)
	require.InEpsilon(t, float64(repeats), inSample, 0.02)
	require.InEpsilon(t, unconditional, conditional, 0.02)
	t.Logf("calibration: %d repeat purchases, %.1f expected; weeks 40-78: %.1f expected given the histories, %.1f unconditionally",
		repeats, inSample, conditional, unconditional)
}

// TestBGNBD_PublishedConditionalExpectation: Fader and Hardie's worked example, CDNOW customer 1
// (2 repeat purchases, the last in week 30.43, age 38.86 weeks), expects 1.226 purchases in the
// next 39 weeks at the published parameters.
func TestBGNBD_PublishedConditionalExpectation(t *testing.T) {
	e, err := cdnowModel.ExpectedPurchases(clv.History{Frequency: 2, Recency: 30.43, T: 38.86}, 39)
	require.NoError(t, err)
	require.InDelta(t, 1.226, e, 0.0005)
}

// TestBGNBD_ContinuousAcrossItsRemovableSingularities: the expectation's formula is 0/0 at a = 1,
// and for a customer without a repeat purchase at a+b = 1; there it is interpolated, and lands
// between its neighbours.
func TestBGNBD_ContinuousAcrossItsRemovableSingularities(t *testing.T) {
	at := func(m clv.BGNBD, h clv.History) float64 {
		e, err := m.ExpectedPurchases(h, 26)
		require.NoError(t, err)
		return e
	}
	for _, c := range []struct {
		m    clv.BGNBD
		vary func(*clv.BGNBD) *float64
	}{
		{clv.BGNBD{R: 0.5, Alpha: 10, A: 1, B: 3}, func(m *clv.BGNBD) *float64 { return &m.A }},
		{clv.BGNBD{R: 0.5, Alpha: 10, A: 0.4, B: 0.6}, func(m *clv.BGNBD) *float64 { return &m.B }},
	} {
		h := clv.History{T: 20}
		lo, hi := c.m, c.m
		*c.vary(&lo) -= 1e-3
		*c.vary(&hi) += 1e-3
		mid, l, u := at(c.m, h), at(lo, h), at(hi, h)
		require.InEpsilon(t, (l+u)/2, mid, 1e-5, "%+v: %v %v %v", c.m, l, mid, u)
	}
}

func TestUnitsAndLikelihoodEdges(t *testing.T) {
	require.Equal(t, "weeks", clv.Weeks.String())
	require.Equal(t, "days", clv.Days.String())
	require.Equal(t, "Unit(7)", clv.Unit(7).String())
	require.InDelta(t, 30.436875, clv.Days.Month(), 1e-12)
	_, err := cdnowModel.LogLikelihood(nil)
	requireInvalid(t, err, "customers")
	_, err = clv.BGNBD{}.LogLikelihood([]clv.Customer{{History: clv.History{T: 1}}})
	requireInvalid(t, err, "r")
	ll, err := cdnowModel.LogLikelihood([]clv.Customer{{History: clv.History{T: 10}}}) // no repeat: still defined
	require.NoError(t, err)
	require.Negative(t, ll)
}
