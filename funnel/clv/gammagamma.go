package clv

import (
	"fmt"
	"math"

	"github.com/b2bkit/b2bkit"
	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is the gamma-gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and
// CLV"; Colombo & Jiang 1999): a customer's purchases vary around its own mean spend, gamma with
// shape P; the mean spend varies over customers, its rate gamma-distributed with shape Q and scale
// Gamma. It assumes spend does not depend on how often a customer buys: the fit reports the
// correlation of the two so the assumption can be checked.
type GammaGamma struct {
	P     float64 `json:"p"`
	Q     float64 `json:"q"`
	Gamma float64 `json:"gamma"`
}

// Validate reports whether every parameter is a finite number > 0.
func (m GammaGamma) Validate() error {
	for _, p := range [...]struct {
		name string
		v    float64
	}{{"p", m.P}, {"q", m.Q}, {"gamma", m.Gamma}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return fmt.Errorf("clv: gamma-gamma: %w", b2bkit.Invalid(p.name, "must be a finite number > 0, got %v", p.v))
		}
	}
	return nil
}

// A GammaGammaFit is a fitted gamma-gamma model and what it was fitted on.
type GammaGammaFit struct {
	GammaGamma
	// LogLikelihood is the log-likelihood of the fitted customers' average spends, summed over them.
	LogLikelihood float64 `json:"log_likelihood"`
	// Customers is how many repeat customers were fitted; ZeroSpend how many repeat customers were
	// left out because their repeat purchases were all free (a mean spend of zero has no likelihood).
	// Customers without a repeat purchase are not part of the model.
	Customers int `json:"customers"`
	ZeroSpend int `json:"zero_spend"`
	// Correlation is Pearson's correlation of frequency and average spend over the fitted customers.
	// The model assumes none; well away from zero (say beyond ±0.3), its spend predictions are biased.
	Correlation float64 `json:"correlation"`
	// Starts, Converged and Agreed are as in BGNBDFit.
	Starts    int `json:"starts"`
	Converged int `json:"converged"`
	Agreed    int `json:"agreed"`
}

// ggRow is one repeat customer: x repeat purchases at an average spend m.
type ggRow struct {
	x, m float64
}

// ggEval returns the log-likelihood of the average spends at (p, q, gamma) summed over rows and,
// when g is not nil, its gradient. Per customer, the average of x gamma(p, nu) spends is
// gamma(px, nu x), and nu is gamma(q, gamma):
//
//	ln f = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + (px-1) ln m + px ln x - (px+q) ln(gamma + m x)
func ggEval(rows []ggRow, p, q, gamma float64, g []float64) float64 {
	lgq, lgam := lgamma(q), math.Log(gamma)
	var psq float64
	if g != nil {
		psq = mathext.Digamma(q)
	}
	var ll, gp, gq, gg float64
	for _, r := range rows {
		px := p * r.x
		lm, lx, lden := math.Log(r.m), math.Log(r.x), math.Log(gamma+r.m*r.x)
		ll += lgamma(px+q) - lgamma(px) - lgq + q*lgam + (px-1)*lm + px*lx - (px+q)*lden
		if g != nil {
			psxq := mathext.Digamma(px + q)
			gp += r.x * (psxq - mathext.Digamma(px) + lm + lx - lden)
			gq += psxq - psq + lgam - lden
			gg += q/gamma - (px+q)/(gamma+r.m*r.x)
		}
	}
	if g != nil {
		g[0], g[1], g[2] = gp, gq, gg
	}
	return ll
}

// ggStarts are the starting points, as (p, q, gamma / mean spend).
func ggStarts() [4][3]float64 {
	return [4][3]float64{{1, 1, 1}, {5, 3, 3}, {2, 10, 10}, {10, 2, 0.5}}
}

// FitGammaGamma fits the gamma-gamma spend model by maximum likelihood on the customers of s with
// at least one repeat purchase, from each one's average spend per repeat purchase
// (Customer.AverageSpend: RepeatSpend / Frequency, the first day left out), the way FitBGNBD fits
// BG/NBD. It fails with an error matching b2bkit.ErrInvalid when fewer than two customers have a
// repeat purchase with spend, on a history wrong in itself, and with a *FitError when the fit does
// not converge or degenerates.
func FitGammaGamma(s Summary, opts *FitOptions) (GammaGammaFit, error) {
	all := ggStarts()
	nStarts, err := opts.starts(len(all))
	if err != nil {
		return GammaGammaFit{}, fmt.Errorf("clv: gamma-gamma: %w", err)
	}
	iters, err := opts.iterations()
	if err != nil {
		return GammaGammaFit{}, fmt.Errorf("clv: gamma-gamma: %w", err)
	}
	var rows []ggRow
	zero := 0
	for i, c := range s.Customers {
		if err := c.validate(); err != nil {
			return GammaGammaFit{}, fmt.Errorf("clv: gamma-gamma: %w", b2bkit.InField(customerField(i, c.ID), err))
		}
		if c.Frequency == 0 {
			continue
		}
		m := c.AverageSpend()
		if !(m > 0) || math.IsInf(m, 0) {
			zero++
			continue
		}
		rows = append(rows, ggRow{x: float64(c.Frequency), m: m})
	}
	if len(rows) < 2 {
		return GammaGammaFit{}, fmt.Errorf("clv: gamma-gamma: %w", b2bkit.Invalid("customers",
			"%d repeat customers with spend: at least 2 are needed to fit spend", len(rows)))
	}
	n := float64(len(rows))
	var mx, mm float64
	for _, r := range rows {
		mx += r.x
		mm += r.m
	}
	mx, mm = mx/n, mm/n
	var sxx, smm, sxm float64
	for _, r := range rows {
		sxx += (r.x - mx) * (r.x - mx)
		smm += (r.m - mm) * (r.m - mm)
		sxm += (r.x - mx) * (r.m - mm)
	}
	corr := math.NaN() // undefined when frequency or spend does not vary
	if sxx > 0 && smm > 0 {
		corr = sxm / math.Sqrt(sxx*smm)
	}
	// Gamma is a scale in money: the fit runs on the spends in units of their mean, so it finds the
	// same p and q, and gamma / mean, whether the money is in dollars or rupiah, and the bounds of
	// degenerate judge gamma against the data's own scale. Gamma is scaled back at the end.
	unit := make([]ggRow, len(rows))
	for i, r := range rows {
		unit[i] = ggRow{x: r.x, m: r.m / mm}
	}
	var grad [3]float64
	f := func(x []float64) float64 {
		return -ggEval(unit, math.Exp(x[0]), math.Exp(x[1]), math.Exp(x[2]), nil) / n
	}
	df := func(g, x []float64) {
		p := [3]float64{math.Exp(x[0]), math.Exp(x[1]), math.Exp(x[2])}
		ggEval(unit, p[0], p[1], p[2], grad[:])
		for i := range g {
			g[i] = -grad[i] * p[i] / n
		}
	}
	starts := make([][]float64, nStarts)
	for i := range starts {
		st := all[i]
		starts[i] = []float64{math.Log(st[0]), math.Log(st[1]), math.Log(st[2])}
	}
	best, converged, agreed, err := minimize("gamma-gamma", f, df, starts, iters)
	if err != nil {
		return GammaGammaFit{}, err
	}
	if p := degenerate([]string{"p", "q", "gamma"}, best.x); p != "" {
		return GammaGammaFit{}, &FitError{Model: "gamma-gamma", Problem: p}
	}
	m := GammaGamma{P: math.Exp(best.x[0]), Q: math.Exp(best.x[1]), Gamma: math.Exp(best.x[2]) * mm}
	return GammaGammaFit{GammaGamma: m, LogLikelihood: ggEval(rows, m.P, m.Q, m.Gamma, nil),
		Customers: len(rows), ZeroSpend: zero, Correlation: corr,
		Starts: nStarts, Converged: converged, Agreed: agreed}, nil
}

// MeanSpend is the population's mean spend per purchase, gamma p / (q - 1): what the model expects
// of a customer it has not seen repeat. It needs q > 1 (otherwise the mean is infinite).
func (m GammaGamma) MeanSpend() (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if m.Q <= 1 {
		return 0, fmt.Errorf("clv: gamma-gamma: %w", b2bkit.Invalid("q", "%v <= 1: the mean spend is infinite", m.Q))
	}
	return m.Gamma * m.P / (m.Q - 1), nil
}

// ExpectedSpend is the expected spend per future purchase of a customer with frequency repeat
// purchases at an average of average each (FHL eq. 5): a weighted mean of the population's mean and
// the customer's own average, the weight on its own growing with its purchases,
//
//	E[M | x, m] = (gamma + m x) p / (p x + q - 1).
//
// A customer without a repeat purchase gets the population's mean. It is a float statistic; CLV
// turns it into money.
func (m GammaGamma) ExpectedSpend(frequency int, average float64) (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	switch {
	case frequency < 0:
		return 0, fmt.Errorf("clv: gamma-gamma: %w", b2bkit.Invalid("frequency", "must be >= 0, got %d", frequency))
	case !(average >= 0) || math.IsInf(average, 0):
		return 0, fmt.Errorf("clv: gamma-gamma: %w", b2bkit.Invalid("average", "must be a finite number >= 0, got %v", average))
	case frequency == 0:
		return m.MeanSpend()
	}
	x := float64(frequency)
	den := m.P*x + m.Q - 1
	if den <= 0 {
		return 0, fmt.Errorf("clv: gamma-gamma: %w", b2bkit.Invalid("q", "p x + q - 1 = %v <= 0: the expected spend is infinite", den))
	}
	return (m.Gamma + average*x) * m.P / den, nil
}
