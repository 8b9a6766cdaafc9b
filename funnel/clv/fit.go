package clv

import (
	"fmt"
	"math"

	"github.com/b2bkit/b2bkit"
	"gonum.org/v1/gonum/optimize"
)

// FitOptions tune the maximum-likelihood fits. Nil or the zero value means the defaults.
type FitOptions struct {
	// Starts is how many of the built-in starting points are tried, 1 to 4; zero means all 4. Every
	// start runs to convergence and the best converged one wins, so a likelihood with a ridge or a
	// second mode does not decide the answer by where one search happened to begin.
	Starts int
	// MaxIterations bounds the optimiser's iterations per start; zero means 1000.
	MaxIterations int
}

func (o *FitOptions) starts(max int) (int, error) {
	if o == nil || o.Starts == 0 {
		return max, nil
	}
	if o.Starts < 0 || o.Starts > max {
		return 0, b2bkit.Invalid("options.starts", "must be between 1 and %d, got %d", max, o.Starts)
	}
	return o.Starts, nil
}

func (o *FitOptions) iterations() (int, error) {
	if o == nil || o.MaxIterations == 0 {
		return 1000, nil
	}
	if o.MaxIterations < 0 {
		return 0, b2bkit.Invalid("options.max_iterations", "must be >= 0, got %d", o.MaxIterations)
	}
	return o.MaxIterations, nil
}

// A FitError says a fit failed or found a result that means nothing: no start converged, or a
// parameter ran off to zero or infinity because the data do not identify it. It matches
// b2bkit.ErrInvalid: the same data cannot give a different answer.
type FitError struct {
	// Model is "bg/nbd" or "gamma-gamma".
	Model string
	// Problem says what went wrong, with the numbers.
	Problem string
}

// Error renders the error as "clv: model fit: problem: invalid input".
func (e *FitError) Error() string {
	return "clv: " + e.Model + " fit: " + e.Problem + ": " + b2bkit.ErrInvalid.Error()
}

// Unwrap makes a FitError match b2bkit.ErrInvalid.
func (e *FitError) Unwrap() error { return b2bkit.ErrInvalid }

// logBound bounds the log-parameters: a parameter past e^±16 (about 9e6 or 1e-7) has run off to a
// limit where the model degenerates, and the fit says so instead of returning it.
const logBound = 16

// A start is one run of the optimiser.
type start struct {
	x         []float64 // log-parameters at the optimum
	f         float64   // minus the mean log-likelihood there
	converged bool
	err       error
}

// minimize fits the log-parameters from each start with BFGS (gonum's optimize) on minus the mean
// log-likelihood, whose gradient is exact. It returns the best converged start and how many starts
// converged and agreed with it (within 1e-7 of its mean log-likelihood).
func minimize(model string, f func(x []float64) float64, grad func(g, x []float64), starts [][]float64, iterations int) (best start, converged, agreed int, err error) {
	best.f = math.Inf(1)
	var runs []start
	for _, x0 := range starts {
		run := start{}
		p := optimize.Problem{
			Func: func(x []float64) float64 {
				for _, v := range x {
					if math.Abs(v) > 2*logBound { // far past any meaningful value: refuse the step
						return math.Inf(1)
					}
				}
				return f(x)
			},
			Grad: grad,
		}
		settings := &optimize.Settings{
			GradientThreshold: 1e-9,
			MajorIterations:   iterations,
			Converger:         &optimize.FunctionConverge{Absolute: 1e-13, Relative: 1e-13, Iterations: 20},
		}
		// A line search that stalls at the optimum (rounding leaves no descent) is reported as a
		// failure by the optimiser; the exact gradient at the point it returns decides instead.
		res, e := optimize.Minimize(p, x0, settings, &optimize.BFGS{})
		if res == nil || len(res.X) != len(x0) {
			run.err = e
		} else {
			run.x, run.f = res.X, res.F
			g := make([]float64, len(res.X))
			grad(g, res.X)
			norm := 0.0
			for _, v := range g {
				norm = math.Max(norm, math.Abs(v))
			}
			finite := !math.IsNaN(res.F) && !math.IsInf(res.F, 0) && !math.IsNaN(norm)
			run.converged = finite && norm < 1e-6
			if !run.converged {
				run.err = fmt.Errorf("stopped (%v, %v) with gradient %.3g", res.Status, e, norm)
			}
		}
		runs = append(runs, run)
		if run.converged {
			converged++
			if run.f < best.f {
				best = run
			}
		}
	}
	if converged == 0 {
		last := runs[len(runs)-1].err
		return start{}, 0, 0, &FitError{Model: model, Problem: fmt.Sprintf("no start of %d converged (last: %v)", len(starts), last)}
	}
	for _, r := range runs {
		if r.converged && math.Abs(r.f-best.f) <= 1e-7*math.Max(1, math.Abs(best.f)) {
			agreed++
		}
	}
	return best, converged, agreed, nil
}

// degenerate names the first log-parameter at its bound, or "".
func degenerate(names []string, x []float64) string {
	for i, v := range x {
		if math.Abs(v) >= logBound {
			dir := "infinity"
			if v < 0 {
				dir = "zero"
			}
			return fmt.Sprintf("%s runs off to %s (%.3g)", names[i], dir, math.Exp(v))
		}
	}
	return ""
}
