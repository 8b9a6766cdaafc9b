package risk

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// monPSIFloor is the share an empty bin counts as in PSI, so its logarithm stays finite.
const monPSIFloor = 0.0001

// PSI is the population stability index (群体稳定性指标) of actual against expected — is the
// scorecard still scoring the population it was built on? — for scores or for one feature: the sum over
// bins of (a - e) x ln(a / e), where e and a are the shares of expected and of actual in the bin.
// It is 0 when the shares agree and grows as they drift; ReadPSI says what a value means.
//
// Bins: edges, strictly increasing, cut the line into len(edges)+1 bins, x < edges[0], then
// edges[i-1] <= x < edges[i], and x >= edges[len-1]. Without edges (nil or empty) the bins are the
// deciles of expected: the edges are expected's values at ranks n/10, 2n/10, ..., 9n/10 of its
// sorted copy (0-based, rounded down), with repeats and edges at its minimum dropped, so heavy ties
// give fewer bins. A bin that one side leaves empty counts as a share of 0.0001 on that side, so
// one empty bin adds a large but finite amount.
//
// Errors match b2bkit.ErrInvalid: empty expected or actual, a value or edge that is NaN or
// infinite ("expected[3]"), edges that do not increase.
func PSI(expected, actual []float64, edges []float64) (float64, error) {
	var errs []error
	if len(expected) == 0 {
		errs = append(errs, b2bkit.Invalid("expected", "must not be empty"))
	}
	if len(actual) == 0 {
		errs = append(errs, b2bkit.Invalid("actual", "must not be empty"))
	}
	errs = monFinite(errs, "expected", expected)
	errs = monFinite(errs, "actual", actual)
	errs = monFinite(errs, "edges", edges)
	for i := 1; i < len(edges); i++ {
		if !(edges[i] > edges[i-1]) {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("edges[%d]", i), "must be above edges[%d]", i-1))
			break
		}
	}
	if len(errs) > 0 {
		return 0, fmt.Errorf("risk: %w", errors.Join(errs...))
	}
	if len(edges) == 0 {
		edges = monDeciles(expected)
	}
	e := monShares(expected, edges)
	a := monShares(actual, edges)
	psi := 0.0
	for i := range e {
		ei, ai := max(e[i], monPSIFloor), max(a[i], monPSIFloor)
		psi += (ai - ei) * math.Log(ai/ei)
	}
	return psi, nil
}

// monFinite appends an error for the first value of xs that is NaN or infinite.
func monFinite(errs []error, field string, xs []float64) []error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(errs, b2bkit.Invalid(fmt.Sprintf("%s[%d]", field, i), "must be a finite number"))
		}
	}
	return errs
}

// monDeciles is the decile edges of xs, as PSI describes them.
func monDeciles(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	edges := make([]float64, 0, 9)
	for i := 1; i <= 9; i++ {
		x := s[i*len(s)/10]
		if x > s[0] && (len(edges) == 0 || x > edges[len(edges)-1]) {
			edges = append(edges, x)
		}
	}
	return edges
}

// monShares is the share of xs in each of the len(edges)+1 bins.
func monShares(xs, edges []float64) []float64 {
	counts := make([]float64, len(edges)+1)
	for _, x := range xs {
		// the bin is the number of edges at or below x
		lo, hi := 0, len(edges)
		for lo < hi {
			if m := int(uint(lo+hi) >> 1); edges[m] > x {
				hi = m
			} else {
				lo = m + 1
			}
		}
		counts[lo]++
	}
	for i := range counts {
		counts[i] /= float64(len(xs))
	}
	return counts
}

// A Stability is how a PSI value reads (ReadPSI).
type Stability int

const (
	// Stable: PSI below 0.1; the population is the one the model knows.
	Stable Stability = iota
	// Shifting: PSI from 0.1 to 0.25; watch it and find what moved.
	Shifting
	// Shifted: PSI above 0.25; the model is scoring a population it was not built on: rebuild or
	// recalibrate it.
	Shifted
)

var stabilityWords = [...]string{Stable: "stable", Shifting: "shifting", Shifted: "shifted"}

// String returns the stability's word: stable, shifting or shifted.
func (s Stability) String() string { return warnWord(stabilityWords[:], int(s), "Stability") }

// MarshalText encodes the stability as its word.
func (s Stability) MarshalText() ([]byte, error) {
	return warnMarshalWord(stabilityWords[:], int(s), "stability")
}

// UnmarshalText decodes a stability from its word.
func (s *Stability) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(stabilityWords[:], b, "stability")
	if err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	*s = Stability(v)
	return nil
}

// ReadPSI reads a PSI value the way credit teams do: below 0.1 Stable, 0.1 to 0.25 (both included)
// Shifting, above 0.25 Shifted. NaN reads as Shifted: a value nobody can trust.
func ReadPSI(psi float64) Stability {
	switch {
	case psi < 0.1:
		return Stable
	case psi <= 0.25:
		return Shifting
	default:
		return Shifted
	}
}

// monCheckScores checks scores and their outcomes for KS and AUC and returns the numbers of bad
// and good.
func monCheckScores(scores []float64, bad []bool) (nBad, nGood int, err error) {
	var errs []error
	if len(scores) == 0 {
		errs = append(errs, b2bkit.Invalid("scores", "must not be empty"))
	}
	if len(bad) != len(scores) {
		errs = append(errs, b2bkit.Invalid("bad", "has %d entries for %d scores", len(bad), len(scores)))
	}
	errs = monFinite(errs, "scores", scores)
	if len(errs) == 0 {
		for _, b := range bad {
			if b {
				nBad++
			}
		}
		nGood = len(bad) - nBad
		if nBad == 0 || nGood == 0 {
			errs = append(errs, b2bkit.Invalid("bad", "must hold both good and bad (has %d bad of %d)", nBad, len(bad)))
		}
	}
	if len(errs) > 0 {
		return 0, 0, fmt.Errorf("risk: %w", errors.Join(errs...))
	}
	return nBad, nGood, nil
}

// A monPoint is one scored buyer.
type monPoint struct {
	score float64
	bad   bool
}

// monSorted is the scored buyers in ascending order of score.
func monSorted(scores []float64, bad []bool) []monPoint {
	pts := make([]monPoint, len(scores))
	for i, s := range scores {
		pts[i] = monPoint{s, bad[i]}
	}
	slices.SortFunc(pts, func(a, b monPoint) int { return cmp.Compare(a.score, b.score) })
	return pts
}

// KS is the Kolmogorov-Smirnov statistic of a scorecard's scores (模型监控: does it still tell good
// buyers from bad?): scores[i] is buyer i's score, higher meaning better credit, and bad[i] says
// whether buyer i went bad (for instance 90 days past due within the performance window). KS is
// the largest gap, over all cut-off scores,
// between the share of bad buyers and the share of good buyers scoring at or below the cut-off.
// It is in [0, 1]: 0 when the scores do not separate at all, 1 when every bad buyer scores below
// every good one (or above: KS does not look at the orientation).
//
// Errors match b2bkit.ErrInvalid: no scores, bad of another length, a score that is NaN or
// infinite, only good or only bad buyers.
func KS(scores []float64, bad []bool) (float64, error) {
	nBad, nGood, err := monCheckScores(scores, bad)
	if err != nil {
		return 0, err
	}
	pts := monSorted(scores, bad)
	var cumBad, cumGood int
	ks := 0.0
	for j, p := range pts {
		if p.bad {
			cumBad++
		} else {
			cumGood++
		}
		if j+1 < len(pts) && pts[j+1].score == p.score {
			continue // a cut-off takes all of a tied score or none of it
		}
		ks = max(ks, math.Abs(float64(cumBad)/float64(nBad)-float64(cumGood)/float64(nGood)))
	}
	return ks, nil
}

// AUC is the area under the ROC curve of the scores: the probability that a good buyer scores
// above a bad one, ties counting half. 1 is perfect, 0.5 is a coin, below 0.5 the scores point the
// wrong way (higher score = better credit). Gini is 2 x AUC - 1.
//
// Errors are those of KS.
func AUC(scores []float64, bad []bool) (float64, error) {
	nBad, nGood, err := monCheckScores(scores, bad)
	if err != nil {
		return 0, err
	}
	pts := monSorted(scores, bad)
	// The Mann-Whitney form: the rank sum of the good, tied scores sharing their average rank.
	rankSum := 0.0
	for j := 0; j < len(pts); {
		k := j
		for k+1 < len(pts) && pts[k+1].score == pts[j].score {
			k++
		}
		avg := float64(j+k)/2 + 1 // the ranks j+1 .. k+1, averaged
		for _, p := range pts[j : k+1] {
			if !p.bad {
				rankSum += avg
			}
		}
		j = k + 1
	}
	g, b := float64(nGood), float64(nBad)
	return (rankSum - g*(g+1)/2) / (g * b), nil
}
