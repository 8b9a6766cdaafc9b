package scorecard

import (
	"fmt"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
)

const defaultBands = 10

// AssessOptions tune Assess; the zero value (or nil) is the default.
type AssessOptions struct {
	// Bands is the number of score bands of the gains table, of about equal numbers of rows (a
	// score never split between bands, so ties can make fewer); 0 means 10. At most 1000.
	Bands int
	// Baseline are the scores of the population the card was built on (Model.TrainScores); when
	// set, Assess reports the PSI of the scores against it. Nil means no PSI.
	Baseline []float64
}

// Performance is how well a card's scores tell good from bad on a sample (模型验证).
type Performance struct {
	// KS is the largest gap between the cumulative shares of bad and of good by score (risk.KS).
	KS float64
	// AUC is the probability that a good row scores above a bad one, ties half (risk.AUC); Gini
	// is 2 x AUC - 1.
	AUC, Gini float64
	// PSI is the population stability index of the scores against AssessOptions.Baseline
	// (risk.PSI, deciles of the baseline), and Stability its reading; nil without a baseline.
	PSI       *float64
	Stability risk.Stability
	// Gains is the gains table, lowest scores (riskiest) first.
	Gains []Band
}

// A Band is one line of a gains table: the rows whose scores fall in [MinScore, MaxScore], the
// lowest and highest score in the band.
type Band struct {
	MinScore, MaxScore float64
	// Rows, Good and Bad count the rows in the band.
	Rows, Good, Bad int
	// BadRate is the band's share of bad rows; Lift that over the sample's bad rate.
	BadRate, Lift float64
	// CumRows, CumBad and CumGood are the shares of all rows, bad and good rows in this band and
	// the ones below it; KS is CumBad - CumGood, the gap at the band's top.
	CumRows, CumBad, CumGood, KS float64
}

// Assess measures scores against outcomes: KS, AUC, Gini, optionally PSI against a baseline, and a
// gains table by score band. Higher scores must mean better credit, as a Model's do. Errors match
// b2bkit.ErrInvalid: no scores, outcomes of another length or of one class, a score NaN or
// infinite, a band count out of range, a bad baseline.
func Assess(scores []float64, bad []bool, opts *AssessOptions) (Performance, error) {
	var o AssessOptions
	if opts != nil {
		o = *opts
	}
	if o.Bands == 0 {
		o.Bands = defaultBands
	}
	if o.Bands < 0 || o.Bands > 1000 {
		return Performance{}, fmt.Errorf("scorecard: %w", b2bkit.Invalid("options.bands", "is %d, must be 1 to 1000 (0 for %d)", o.Bands, defaultBands))
	}
	ks, err := risk.KS(scores, bad)
	if err != nil {
		return Performance{}, fmt.Errorf("scorecard: %w", err)
	}
	auc, err := risk.AUC(scores, bad)
	if err != nil {
		return Performance{}, fmt.Errorf("scorecard: %w", err)
	}
	p := Performance{KS: ks, AUC: auc, Gini: 2*auc - 1, Gains: gains(scores, bad, o.Bands)}
	if o.Baseline != nil {
		if len(o.Baseline) == 0 {
			return Performance{}, fmt.Errorf("scorecard: %w", b2bkit.Invalid("options.baseline", "must not be empty (nil for no PSI)"))
		}
		for i, x := range o.Baseline {
			if !finite(x) {
				return Performance{}, fmt.Errorf("scorecard: %w", b2bkit.Invalid(fmt.Sprintf("options.baseline[%d]", i), "must be a finite number"))
			}
		}
		psi, err := risk.PSI(o.Baseline, scores, nil)
		if err != nil {
			return Performance{}, fmt.Errorf("scorecard: %w", err)
		}
		p.PSI, p.Stability = &psi, risk.ReadPSI(psi)
	}
	return p, nil
}

// gains cuts checked scores into bands of about equal rows, lowest first.
func gains(scores []float64, bad []bool, bands int) []Band {
	c := Column{Numbers: scores}
	xs, cells := distinctNumbers(&c, bad)
	starts := equalFrequency(cells, bands)
	nBad := 0
	for _, b := range bad {
		if b {
			nBad++
		}
	}
	n, nGood := len(bad), len(bad)-nBad
	rate := float64(nBad) / float64(n)
	out := make([]Band, len(starts))
	var cum cell
	for g, s := range starts {
		end := len(cells)
		if g+1 < len(starts) {
			end = starts[g+1]
		}
		var in cell
		for _, x := range cells[s:end] {
			in = in.add(x)
		}
		cum = cum.add(in)
		b := Band{MinScore: xs[s], MaxScore: xs[end-1], Rows: in.n(), Good: in.good, Bad: in.bad}
		b.BadRate = float64(in.bad) / float64(in.n())
		b.Lift = b.BadRate / rate
		b.CumRows = float64(cum.n()) / float64(n)
		b.CumBad = float64(cum.bad) / float64(nBad)
		b.CumGood = float64(cum.good) / float64(nGood)
		b.KS = b.CumBad - b.CumGood
		out[g] = b
	}
	return out
}
