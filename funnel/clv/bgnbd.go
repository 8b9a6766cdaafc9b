package clv

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// BGNBD is the beta-geometric/negative binomial model of repeat buying (Fader, Hardie & Lee 2005):
// while alive, a customer buys at a rate lambda, gamma-distributed over customers with shape R and
// scale Alpha; after each purchase it drops out for good with probability p, beta-distributed with
// A and B. Alpha is a time, in Unit.
type BGNBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	Unit  Unit    `json:"unit"`
}

// Validate reports whether every parameter is a finite number > 0 and the unit known.
func (m BGNBD) Validate() error {
	for _, p := range [...]struct {
		name string
		v    float64
	}{{"r", m.R}, {"alpha", m.Alpha}, {"a", m.A}, {"b", m.B}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid(p.name, "must be a finite number > 0, got %v", p.v))
		}
	}
	if !m.Unit.Valid() {
		return fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid("unit", "must be weeks or days"))
	}
	return nil
}

// A BGNBDFit is a fitted BG/NBD model and how the fit went.
type BGNBDFit struct {
	BGNBD
	// LogLikelihood is the log-likelihood at the fitted parameters, summed over customers (not a mean).
	LogLikelihood float64 `json:"log_likelihood"`
	// Customers is how many customers were fitted.
	Customers int `json:"customers"`
	// Starts is how many starting points were tried; Converged how many converged; Agreed how many of
	// those reached the winner's likelihood (within 1e-7 per customer). Agreed below Converged means
	// the likelihood has more than one local optimum, and the best was kept.
	Starts    int `json:"starts"`
	Converged int `json:"converged"`
	Agreed    int `json:"agreed"`
}

// bgRow is a distinct history and how many customers share it: the likelihood is evaluated once per
// distinct (frequency, recency, T), which in calendar-day data with a few cohort dates is a small
// fraction of the customers.
type bgRow struct {
	x      int
	tx, t  float64
	weight float64
	xi     int // index of x in the distinct frequencies
}

// bgData is the fit's view of the data.
type bgData struct {
	rows []bgRow
	xs   []int // distinct frequencies, ascending
	n    float64
	// per-frequency scratch, refilled at each evaluation
	lgR, lgAB, lgB, psR, psAB, psB []float64
}

// newBGData validates the customers and collects their distinct histories. A fit needs at least one
// repeat purchase (needRepeat); a likelihood is defined without.
func newBGData(cs []Customer, needRepeat bool) (*bgData, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid("customers", "empty: nothing to fit"))
	}
	count := make(map[History]int, len(cs))
	repeat := false
	for i, c := range cs {
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("clv: bg/nbd: %w", b2bkit.InField(customerField(i, c.ID), err))
		}
		count[c.History]++
		repeat = repeat || c.Frequency > 0
	}
	if needRepeat && !repeat {
		return nil, fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid("customers",
			"every frequency is 0: with no repeat purchase the drop-out process cannot be fitted"))
	}
	d := &bgData{n: float64(len(cs))}
	xi := map[int]int{}
	for h, w := range count {
		d.rows = append(d.rows, bgRow{x: h.Frequency, tx: h.Recency, t: h.T, weight: float64(w)})
		if _, ok := xi[h.Frequency]; !ok {
			xi[h.Frequency] = 0
			d.xs = append(d.xs, h.Frequency)
		}
	}
	slices.Sort(d.xs)
	for i, x := range d.xs {
		xi[x] = i
	}
	// A fixed order makes the sums, and so the fit, the same on every run.
	slices.SortFunc(d.rows, func(a, b bgRow) int {
		if a.x != b.x {
			return a.x - b.x
		}
		if c := cmp.Compare(a.tx, b.tx); c != 0 {
			return c
		}
		return cmp.Compare(a.t, b.t)
	})
	for i := range d.rows {
		d.rows[i].xi = xi[d.rows[i].x]
	}
	k := len(d.xs)
	d.lgR, d.lgAB, d.lgB = make([]float64, k), make([]float64, k), make([]float64, k)
	d.psR, d.psAB, d.psB = make([]float64, k), make([]float64, k), make([]float64, k)
	return d, nil
}

// customerField names customer i for an error path: customers[3](C-1).
func customerField(i int, id b2bkit.CompanyID) string {
	s := fmt.Sprintf("customers[%d]", i)
	if id != "" {
		s += "(" + quote(string(id)) + ")"
	}
	return s
}

// validate checks the customer's history.
func (c Customer) validate() error {
	if err := c.History.validate(); err != nil {
		return err
	}
	if !xerr.SaneValue(c.RepeatSpend) {
		// Refused before anything compares or converts it: 1e2147483647 is no spend.
		return b2bkit.Invalid("repeat_spend", xerr.InsaneExponent)
	}
	if c.RepeatSpend.Sign() < 0 {
		return b2bkit.Invalid("repeat_spend", "must be >= 0")
	}
	if c.Frequency == 0 && c.RepeatSpend.Sign() != 0 {
		return b2bkit.Invalid("repeat_spend", "must be 0 without a repeat purchase")
	}
	return nil
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// eval returns the log-likelihood summed over customers at (r, alpha, a, b) and, when g is not nil,
// its gradient with respect to the four parameters.
//
// Per customer (FHL 2005, eq. 6), with x repeat purchases, the last at tx, age T:
//
//	ln L = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
//	       + ln[ (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+tx)^-(r+x) ]
func (d *bgData) eval(r, alpha, a, b float64, g []float64) float64 {
	lgr, lgab, lgb := lgamma(r), lgamma(a+b), lgamma(b)
	var psr, psab, psb float64
	if g != nil {
		psr, psab, psb = mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
	}
	for i, x := range d.xs {
		fx := float64(x)
		d.lgR[i] = lgamma(r+fx) - lgr
		d.lgAB[i] = lgab - lgamma(a+b+fx)
		d.lgB[i] = lgamma(b+fx) - lgb
		if g != nil {
			d.psR[i] = mathext.Digamma(r+fx) - psr
			d.psAB[i] = psab - mathext.Digamma(a+b+fx)
			d.psB[i] = mathext.Digamma(b+fx) - psb
		}
	}
	la, lalpha := math.Log(a), math.Log(alpha)
	var ll, gr, galpha, ga, gb float64
	for _, row := range d.rows {
		fx := float64(row.x)
		lT := math.Log(alpha + row.t)
		a3 := -(r + fx) * lT
		lse, w4 := a3, 0.0
		var ltx float64
		if row.x > 0 {
			ltx = math.Log(alpha + row.tx)
			a4 := la - math.Log(b+fx-1) - (r+fx)*ltx
			m, other := a3, a4
			if a4 > a3 {
				m, other = a4, a3
			}
			e := math.Exp(other - m)
			lse = m + math.Log1p(e)
			w4 = math.Exp(a4 - lse)
		}
		w := row.weight
		ll += w * (d.lgR[row.xi] + r*lalpha + d.lgAB[row.xi] + d.lgB[row.xi] + lse)
		if g != nil {
			w3 := 1 - w4
			gr += w * (d.psR[row.xi] + lalpha - w3*lT - w4*ltx)
			galpha += w * (r/alpha - w3*(r+fx)/(alpha+row.t) - w4*(r+fx)/(alpha+row.tx))
			ga += w * (d.psAB[row.xi] + w4/a)
			gb += w * (d.psAB[row.xi] + d.psB[row.xi])
			if row.x > 0 {
				gb -= w * w4 / (b + fx - 1)
			}
		}
	}
	if g != nil {
		g[0], g[1], g[2], g[3] = gr, galpha, ga, gb
	}
	return ll
}

// bgStarts are the starting points, as (r, alpha / mean age, a, b): the first is the usual all-ones
// start, the others lie on either side of the values seen in retail and B2B data.
func bgStarts() [4][4]float64 {
	return [4][4]float64{{1, 1, 1, 1}, {0.25, 0.1, 0.8, 2.5}, {2, 0.5, 0.3, 5}, {0.5, 2, 3, 10}}
}

// FitBGNBD fits BG/NBD to the customers of s by maximum likelihood: BFGS (gonum's optimize) on
// minus the mean log-likelihood over log r, log alpha, log a and log b, with its exact gradient,
// from several starts. It fails with a *FitError (matching b2bkit.ErrInvalid) when no start
// converges or the best fit has a parameter running off to zero or infinity — never a silent bad
// fit. An empty data set, every frequency 0, or a history that is wrong in itself (a negative
// count, recency above T, NaN) is an error matching b2bkit.ErrInvalid naming the customer.
func FitBGNBD(s Summary, opts *FitOptions) (BGNBDFit, error) {
	if !s.Unit.Valid() {
		return BGNBDFit{}, fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid("unit", "must be weeks or days"))
	}
	all := bgStarts()
	nStarts, err := opts.starts(len(all))
	if err != nil {
		return BGNBDFit{}, fmt.Errorf("clv: bg/nbd: %w", err)
	}
	iters, err := opts.iterations()
	if err != nil {
		return BGNBDFit{}, fmt.Errorf("clv: bg/nbd: %w", err)
	}
	d, err := newBGData(s.Customers, true)
	if err != nil {
		return BGNBDFit{}, err
	}
	meanT := 0.0
	for _, r := range d.rows {
		meanT += r.weight * r.t
	}
	meanT /= d.n
	if meanT <= 0 {
		meanT = 1
	}
	var grad [4]float64
	f := func(x []float64) float64 {
		return -d.eval(math.Exp(x[0]), math.Exp(x[1]), math.Exp(x[2]), math.Exp(x[3]), nil) / d.n
	}
	df := func(g, x []float64) {
		p := [4]float64{math.Exp(x[0]), math.Exp(x[1]), math.Exp(x[2]), math.Exp(x[3])}
		d.eval(p[0], p[1], p[2], p[3], grad[:])
		for i := range g {
			g[i] = -grad[i] * p[i] / d.n // d/d log p = p d/dp
		}
	}
	starts := make([][]float64, nStarts)
	for i := range starts {
		s := all[i]
		starts[i] = []float64{math.Log(s[0]), math.Log(s[1] * meanT), math.Log(s[2]), math.Log(s[3])}
	}
	best, converged, agreed, err := minimize("bg/nbd", f, df, starts, iters)
	if err != nil {
		return BGNBDFit{}, err
	}
	if p := degenerate([]string{"r", "alpha", "a", "b"}, best.x); p != "" {
		return BGNBDFit{}, &FitError{Model: "bg/nbd", Problem: p}
	}
	m := BGNBD{R: math.Exp(best.x[0]), Alpha: math.Exp(best.x[1]), A: math.Exp(best.x[2]), B: math.Exp(best.x[3]), Unit: s.Unit}
	return BGNBDFit{BGNBD: m, LogLikelihood: d.eval(m.R, m.Alpha, m.A, m.B, nil), Customers: len(s.Customers),
		Starts: nStarts, Converged: converged, Agreed: agreed}, nil
}

// LogLikelihood is the model's log-likelihood of the customers' histories, summed over them.
func (m BGNBD) LogLikelihood(customers []Customer) (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if len(customers) == 0 {
		return 0, fmt.Errorf("clv: bg/nbd: %w", b2bkit.Invalid("customers", "empty"))
	}
	d, err := newBGData(customers, false)
	if err != nil {
		return 0, err
	}
	return d.eval(m.R, m.Alpha, m.A, m.B, nil), nil
}
