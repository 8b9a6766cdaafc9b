package clv

import (
	"fmt"
	"math"

	"github.com/b2bkit/b2bkit"
)

// A Prediction is what BG/NBD says of one customer, given its history.
type Prediction struct {
	// Alive is the probability the customer has not dropped out by the end of calibration, in (0, 1];
	// exactly 1 without a repeat purchase (in BG/NBD a customer drops out only right after a purchase).
	// In float64 it rounds to 0 only below 1e-323, for a customer silent for hundreds of its own
	// purchase gaps (odds against it alive beyond e^744).
	Alive float64 `json:"alive"`
	// Purchases is the expected number of purchases in the next t after calibration.
	Purchases float64 `json:"purchases"`
}

// PAlive is the probability that a customer with history h is still alive at the end of calibration
// (FHL 2005, eq. 11):
//
//	P(alive | x, tx, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+tx))^(r+x)).
func (m BGNBD) PAlive(h History) (float64, error) {
	if err := m.check(h); err != nil {
		return 0, err
	}
	return m.pAlive(h), nil
}

func (m BGNBD) check(h History) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := h.validate(); err != nil {
		return fmt.Errorf("clv: bg/nbd: %w", b2bkit.InField("history", err))
	}
	return nil
}

func (m BGNBD) pAlive(h History) float64 {
	if h.Frequency == 0 {
		return 1
	}
	x := float64(h.Frequency)
	// In logs, so a frequent buyer's large power cannot overflow.
	l := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+h.T)-math.Log(m.Alpha+h.Recency))
	if l > 0 {
		e := math.Exp(-l)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(l))
}

// ExpectedPurchases is the expected number of purchases in the t after calibration of a customer
// with history h (FHL 2005, eq. 10). t is in the model's unit, finite and >= 0.
func (m BGNBD) ExpectedPurchases(h History, t float64) (float64, error) {
	p, err := m.Predict(h, t)
	return p.Purchases, err
}

// ExpectedPurchasesNew is the expected number of repeat purchases by time t of a customer who has
// just made its first (FHL 2005, eq. 7): E[X(t)], with the Gauss hypergeometric function.
func (m BGNBD) ExpectedPurchasesNew(t float64) (float64, error) {
	p, err := m.Predict(History{}, t)
	return p.Purchases, err
}

// Predict returns the probability alive and the expected purchases in the next t of a customer with
// history h. It is safe for concurrent use and allocates nothing. An error matching
// b2bkit.ErrInvalid reports a bad parameter, history or t, or a t so long (beyond ten thousand times
// the customer's age) that the series behind it does not converge.
func (m BGNBD) Predict(h History, t float64) (Prediction, error) {
	if err := m.check(h); err != nil {
		return Prediction{}, err
	}
	if !(t >= 0) || math.IsInf(t, 0) {
		return Prediction{}, fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid("t", "must be a finite time >= 0, got %v", t))
	}
	p := Prediction{Alive: m.pAlive(h)}
	if t == 0 {
		return p, nil
	}
	e, ok := m.conditional(h, t)
	if !ok {
		return Prediction{}, fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid("t",
			"%v is too long for the age %v: the hypergeometric series does not converge", t, h.T))
	}
	p.Purchases = p.Alive * e
	return p, nil
}

// nearOne is how close a or a+b (without a repeat purchase) may come to 1 before conditional
// interpolates across the removable singularity there.
const nearOne = 1e-4

// conditional is the expected purchases in the next t of a customer with history h if alive:
//
//	(a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],  z = t/(alpha+T+t),
//
// computed after Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) as
//
//	(a+b+x-1)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)],
//
// whose numerator parameters do not grow with x (see hyp2f1). At a = 1, and at a+b = 1 without a
// repeat purchase, the formula is 0/0 though the expectation is smooth: it is interpolated from
// either side.
func (m BGNBD) conditional(h History, t float64) (float64, bool) {
	x := float64(h.Frequency)
	switch {
	case math.Abs(m.A-1) < nearOne:
		lo, hi := m, m
		lo.A, hi.A = 1-nearOne, 1+nearOne
		return interpolate(m.A, lo.A, hi.A, lo, hi, h, t)
	case math.Abs(m.A+m.B+x-1) < nearOne:
		lo, hi := m, m
		lo.B, hi.B = 1-m.A-nearOne, 1-m.A+nearOne
		if lo.B <= 0 {
			lo.B = hi.B / 2
		}
		return interpolate(m.B, lo.B, hi.B, lo, hi, h, t)
	}
	return m.conditionalAt(h, t)
}

// interpolate is the straight line through the values at lo and hi, read at v.
func interpolate(v, at0, at1 float64, lo, hi BGNBD, h History, t float64) (float64, bool) {
	e0, ok0 := lo.conditionalAt(h, t)
	e1, ok1 := hi.conditionalAt(h, t)
	return e0 + (v-at0)/(at1-at0)*(e1-e0), ok0 && ok1
}

func (m BGNBD) conditionalAt(h History, t float64) (float64, bool) {
	x := float64(h.Frequency)
	c := m.A + m.B + x - 1
	at := m.Alpha + h.T
	z := t / (at + t)
	f, ok := hyp2f1(m.A+m.B-1-m.R, m.A-1, c, z)
	if !ok {
		return 0, false
	}
	// 1 - (1-z)^(a-1) F, with ln(1-z) = -log1p(t/(alpha+T)), so a short horizon keeps its precision.
	var bracket float64
	if f > 0 {
		bracket = -math.Expm1(-(m.A-1)*math.Log1p(t/at) + math.Log(f))
	} else { // only when a+b+x-1 < 0 (a+b < 1, no repeat purchase)
		bracket = 1 - math.Exp(-(m.A-1)*math.Log1p(t/at))*f
	}
	e := c / (m.A - 1) * bracket
	if math.IsNaN(e) || math.IsInf(e, 0) {
		return 0, false
	}
	return math.Max(e, 0), true
}
