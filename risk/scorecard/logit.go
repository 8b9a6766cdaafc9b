package scorecard

import (
	"errors"
	"fmt"
	"math"

	"github.com/b2bkit/b2bkit"
	"gonum.org/v1/gonum/mat"
)

const (
	defaultMaxIter = 50
	defaultTol     = 1e-10
	// maxCond is the condition number of the information matrix beyond which the design counts as
	// singular: a variable is (nearly) a combination of others.
	maxCond = 1e12
	// extremeP is how close to 0 or 1 a fitted probability may come before the design counts as
	// separable: the outcome is predicted perfectly and the coefficients run off to infinity.
	extremeP = 1e-8
	// maxCoef bounds a coefficient; one beyond it has run off, as under separation.
	maxCoef = 1e6
)

// FitOptions tune the logistic regression; the zero value (or nil) is the default for each field.
type FitOptions struct {
	// L2 is the ridge penalty λ: the fit minimises -log-likelihood + λ/2 x the sum of squared
	// coefficients, the intercept not penalised. 0 means none. A penalty keeps a separable or
	// nearly collinear design finite; standard errors are then those of the penalised fit.
	L2 float64 `json:"l2,omitempty"`
	// MaxIter is the most IRLS iterations; 0 means 50.
	MaxIter int `json:"max_iter,omitempty"`
	// Tol is the relative change of the objective under which the fit has converged; 0 means 1e-10.
	Tol float64 `json:"tol,omitempty"`
}

func (o *FitOptions) resolve() (FitOptions, error) {
	var c FitOptions
	if o != nil {
		c = *o
	}
	var errs []error
	if !finite(c.L2) || c.L2 < 0 {
		errs = append(errs, b2bkit.Invalid("l2", "is %g, must be a finite number >= 0", c.L2))
	}
	switch {
	case c.MaxIter == 0:
		c.MaxIter = defaultMaxIter
	case c.MaxIter < 0 || c.MaxIter > 10_000:
		errs = append(errs, b2bkit.Invalid("max_iter", "is %d, must be 1 to 10000 (0 for %d)", c.MaxIter, defaultMaxIter))
	}
	switch {
	case c.Tol == 0:
		c.Tol = defaultTol
	case !finite(c.Tol) || c.Tol < 0 || c.Tol >= 1:
		errs = append(errs, b2bkit.Invalid("tol", "is %g, must be in (0, 1) (0 for %g)", c.Tol, defaultTol))
	}
	return c, errors.Join(errs...)
}

// A Logit is a fitted logistic regression of bad on the variables: the log-odds of bad are
// Coef[0] + Coef[1] x[0] + ... (natural log, bad:good).
type Logit struct {
	// Coef are the intercept and then one coefficient per variable; StdErr their standard errors,
	// from the inverse of the (penalised) information matrix at the fit.
	Coef, StdErr []float64
	// Iterations is how many IRLS steps the fit took.
	Iterations int
	// Deviance is -2 x the log-likelihood of the fit (without the penalty).
	Deviance float64
	// Rows is the number of rows fitted.
	Rows int
}

// LogOdds is the fitted log-odds of bad (ln(bad:good)) of one row of variables; a row of another
// length than the fit's variables is an error matching b2bkit.ErrInvalid.
func (l Logit) LogOdds(x []float64) (float64, error) {
	if len(l.Coef) == 0 || len(x) != len(l.Coef)-1 {
		return 0, fmt.Errorf("scorecard: %w", b2bkit.Invalid("x", "has %d values, the fit %d variables", len(x), max(len(l.Coef)-1, 0)))
	}
	eta := l.Coef[0]
	for j, v := range x {
		eta += l.Coef[j+1] * v
	}
	return eta, nil
}

// FitLogistic fits a logistic regression of bad on x (one row per observation, one column per
// variable; an intercept is added) by iteratively reweighted least squares (Newton's method),
// with an optional ridge penalty. Errors match b2bkit.ErrInvalid: no rows or rows of unequal
// length, a value NaN or infinite, an outcome with one class, no more rows than parameters, a
// singular design (a variable constant or a combination of others), a separable one (the
// variables predict the outcome perfectly, so the coefficients have no finite maximum: drop the
// variable or set L2), a fit that does not converge in MaxIter steps.
func FitLogistic(x [][]float64, bad []bool, opts *FitOptions) (Logit, error) {
	cfg, err := opts.resolve()
	errs := checkOutcome(bad)
	if err != nil {
		errs = append(errs, b2bkit.InField("options", err))
	}
	if len(x) != len(bad) {
		errs = append(errs, b2bkit.Invalid("x", "has %d rows, the outcome %d", len(x), len(bad)))
	}
	k := 0
	if len(x) > 0 {
		k = len(x[0])
	}
	if len(x) > 0 && len(x) <= k+1 {
		errs = append(errs, b2bkit.Invalid("x", "has %d rows for %d parameters (with the intercept): it needs more rows than parameters", len(x), k+1))
	}
rows:
	for i, r := range x {
		if len(r) != k {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("x[%d]", i), "has %d values, x[0] %d", len(r), k))
			break
		}
		for j, v := range r {
			if !finite(v) {
				errs = append(errs, b2bkit.Invalid(fmt.Sprintf("x[%d][%d]", i, j), "is %g, must be a finite number", v))
				break rows
			}
		}
	}
	if len(errs) > 0 {
		return Logit{}, fmt.Errorf("scorecard: %w", errors.Join(errs...))
	}
	d := design{k: k, x: make([]float64, 0, len(x)*k), n: make([]float64, len(x)), bad: make([]float64, len(x))}
	for i, r := range x {
		d.x = append(d.x, r...)
		d.n[i] = 1
		if bad[i] {
			d.bad[i] = 1
		}
	}
	l, err := d.fit(cfg)
	if err != nil {
		return Logit{}, fmt.Errorf("scorecard: %w", err)
	}
	return l, nil
}

// A design is the data of a regression in groups: rows of k variables (row-major in x), each with
// its number of observations n and of bad among them. A row per observation is a group of one.
type design struct {
	k           int
	x, n, bad   []float64
	names       []string // the variables, for errors; may be nil
	observation int      // the sum of n, for Logit.Rows
}

// fit runs IRLS from the intercept-only start. Each step solves (X'WX + λD) Δ = X'(bad - n p) - λDβ
// by Cholesky, halving the step while the penalised objective rises.
func (d *design) fit(cfg FitOptions) (Logit, error) {
	m, p := len(d.n), d.k+1
	var total, bads float64
	for i := range d.n {
		total += d.n[i]
		bads += d.bad[i]
	}
	// xt is the design transposed, the intercept as its first row: p x m.
	xt := mat.NewDense(p, m, nil)
	for i := range m {
		xt.Set(0, i, 1)
		for j := range d.k {
			xt.Set(j+1, i, d.x[i*d.k+j])
		}
	}
	beta := make([]float64, p)
	beta[0] = math.Log(bads / (total - bads))
	eta, prob := make([]float64, m), make([]float64, m)
	xtw := mat.NewDense(p, m, nil)
	resid := mat.NewVecDense(m, nil)
	grad, step := mat.NewVecDense(p, nil), mat.NewVecDense(p, nil)
	var info mat.SymDense
	var chol mat.Cholesky

	objective := func(b []float64) (obj, dev float64) {
		for i := range m {
			e := b[0]
			for j := range d.k {
				e += b[j+1] * d.x[i*d.k+j]
			}
			eta[i] = e
			// -log-likelihood: bad x ln(1+e^-eta) + good x ln(1+e^eta)
			dev += 2 * (d.bad[i]*softplus(-e) + (d.n[i]-d.bad[i])*softplus(e))
		}
		pen := 0.0
		for _, c := range b[1:] {
			pen += c * c
		}
		return dev/2 + cfg.L2/2*pen, dev
	}
	// factor forms the penalised information matrix at the current eta and factorises it.
	factor := func() error {
		for i := range m {
			prob[i] = 1 / (1 + math.Exp(-eta[i]))
			w := d.n[i] * prob[i] * (1 - prob[i])
			sw := math.Sqrt(w)
			for j := range p {
				xtw.Set(j, i, xt.At(j, i)*sw)
			}
			resid.SetVec(i, d.bad[i]-d.n[i]*prob[i])
		}
		info.SymOuterK(1, xtw)
		for j := 1; j < p; j++ {
			info.SetSym(j, j, info.At(j, j)+cfg.L2)
		}
		if !chol.Factorize(&info) || chol.Cond() > maxCond {
			return errSingular
		}
		return nil
	}

	obj, dev := objective(beta)
	trial := make([]float64, p)
	iter, converged := 0, false
	for iter < cfg.MaxIter && !converged {
		iter++
		if err := factor(); err != nil {
			return Logit{}, d.explain(err, iter, prob)
		}
		grad.MulVec(xt, resid)
		for j := 1; j < p; j++ {
			grad.SetVec(j, grad.AtVec(j)-cfg.L2*beta[j])
		}
		if err := chol.SolveVecTo(step, grad); err != nil {
			return Logit{}, d.explain(errSingular, iter, prob)
		}
		var newObj, newDev float64
		for half := 0; ; half++ {
			for j := range p {
				trial[j] = beta[j] + step.AtVec(j)
			}
			newObj, newDev = objective(trial)
			if newObj <= obj || half == 30 {
				break
			}
			step.ScaleVec(0.5, step)
		}
		copy(beta, trial)
		converged = math.Abs(newObj-obj)/(math.Abs(newObj)+0.1) < cfg.Tol
		obj, dev = newObj, newDev
		for _, c := range beta {
			if !finite(c) || math.Abs(c) > maxCoef {
				return Logit{}, d.explain(errSeparable, iter, prob)
			}
		}
	}
	// The information matrix at the fit, for the standard errors (and the probabilities).
	if err := factor(); err != nil {
		return Logit{}, d.explain(err, iter, prob)
	}
	if extreme(prob) {
		return Logit{}, d.explain(errSeparable, iter, prob)
	}
	if !converged {
		return Logit{}, b2bkit.Invalid("regression", "did not converge in %d iterations (objective still changing): raise FitOptions.MaxIter or set L2", cfg.MaxIter)
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return Logit{}, d.explain(errSingular, iter, prob)
	}
	l := Logit{Coef: beta, StdErr: make([]float64, p), Iterations: iter, Deviance: dev, Rows: d.observation}
	if l.Rows == 0 {
		l.Rows = int(total)
	}
	for j := range p {
		l.StdErr[j] = math.Sqrt(inv.At(j, j))
	}
	return l, nil
}

var (
	errSingular  = errors.New("singular")
	errSeparable = errors.New("separable")
)

// explain turns a failure of the fit into an error a person can act on.
func (d *design) explain(err error, iter int, prob []float64) error {
	if err == errSingular && iter > 1 {
		// Past the start, a matrix that lost its rank is a sign of probabilities at 0 or 1.
		if extreme(prob) {
			err = errSeparable
		}
	}
	if err == errSeparable {
		return b2bkit.Invalid("regression", "the design is separable: the variables predict the outcome (nearly) perfectly, so the coefficients have no finite estimate; drop the variable that does or set FitOptions.L2")
	}
	what := "a variable is constant or a linear combination of others"
	if d.names != nil {
		what += fmt.Sprintf(" (among %v; for instance two variables binned alike)", d.names)
	}
	return b2bkit.Invalid("regression", "the design is singular: %s; drop one or set FitOptions.L2", what)
}

// extreme reports whether a fitted probability is numerically 0 or 1: the mark of a separable
// design, whose likelihood keeps rising as the coefficients run off.
func extreme(prob []float64) bool {
	for _, p := range prob {
		if p < extremeP || p > 1-extremeP {
			return true
		}
	}
	return false
}

// softplus is ln(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}
