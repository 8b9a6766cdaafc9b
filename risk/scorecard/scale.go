package scorecard

import (
	"errors"
	"math"

	"github.com/b2bkit/b2bkit"
)

// Odds says which way Scaling.BaseOdds is written. Either way a higher score is better credit.
type Odds int

const (
	// BadToGood reads BaseOdds as bad:good, as R scorecard's odds0 (1/19: one bad to 19 good).
	// The default.
	BadToGood Odds = iota
	// GoodToBad reads BaseOdds as good:bad (19: 19 good to one bad), as many bureau scores state it.
	GoodToBad
)

var oddsWords = [...]string{BadToGood: "bad_to_good", GoodToBad: "good_to_bad"}

// String returns bad_to_good or good_to_bad.
func (o Odds) String() string { return word(oddsWords[:], int(o), "Odds") }

// MarshalText encodes the direction as its word.
func (o Odds) MarshalText() ([]byte, error) { return marshalWord(oddsWords[:], int(o), "odds") }

// UnmarshalText decodes a direction from its word.
func (o *Odds) UnmarshalText(b []byte) error {
	v, err := parseWord(oddsWords[:], b, "odds")
	*o = Odds(v)
	return err
}

// Scaling turns the model's log-odds into points (评分刻度): BasePoints at BaseOdds, and PDO
// points more each time the odds of good double. score = BasePoints + PDO/ln 2 x (ln(base bad:good)
// - ln(bad:good)). The zero value is R scorecard's default: 600 points at 1:19 bad:good, 50 to
// double the odds, whole points.
type Scaling struct {
	// PDO is the points to double the odds; 0 means 50. Positive.
	PDO float64 `json:"pdo,omitempty"`
	// BasePoints is the score at BaseOdds; 0 means 600.
	BasePoints float64 `json:"base_points,omitempty"`
	// BaseOdds are the odds that score BasePoints, written the way Odds says; 0 means 1/19
	// bad:good (19 good:bad when Odds is GoodToBad). Positive.
	BaseOdds float64 `json:"base_odds,omitempty"`
	// Odds is the direction BaseOdds is written in; the zero value is BadToGood.
	Odds Odds `json:"odds"`
	// Places are the decimal places every bin's points, and the base, are rounded to (half away
	// from zero); 0 means whole points. At most 6.
	Places int `json:"places,omitempty"`
}

func (s Scaling) resolve() (Scaling, error) {
	var errs []error
	if s.Odds != BadToGood && s.Odds != GoodToBad {
		errs = append(errs, b2bkit.Invalid("odds", "unknown direction %d", s.Odds))
	}
	if s.PDO == 0 {
		s.PDO = 50
	}
	if !finite(s.PDO) || s.PDO <= 0 || s.PDO > 1e6 {
		errs = append(errs, b2bkit.Invalid("pdo", "is %g, must be a number above 0 and at most 1e6", s.PDO))
	}
	if s.BasePoints == 0 {
		s.BasePoints = 600
	}
	if !finite(s.BasePoints) || math.Abs(s.BasePoints) > 1e8 {
		errs = append(errs, b2bkit.Invalid("base_points", "is %g, must be a number within ±1e8", s.BasePoints))
	}
	if s.BaseOdds == 0 {
		s.BaseOdds = 1.0 / 19
		if s.Odds == GoodToBad {
			s.BaseOdds = 19
		}
	}
	if !finite(s.BaseOdds) || s.BaseOdds <= 0 || s.BaseOdds < 1e-12 || s.BaseOdds > 1e12 {
		errs = append(errs, b2bkit.Invalid("base_odds", "is %g, must be between 1e-12 and 1e12", s.BaseOdds))
	}
	if s.Places < 0 || s.Places > 6 {
		errs = append(errs, b2bkit.Invalid("places", "is %d, must be 0 to 6", s.Places))
	}
	return s, errors.Join(errs...)
}

// Factor is the points per unit of log-odds: PDO / ln 2.
func (s Scaling) Factor() float64 { return s.PDO / math.Ln2 }

// baseLogOdds is ln(bad:good) at BaseOdds.
func (s Scaling) baseLogOdds() float64 {
	if s.Odds == GoodToBad {
		return -math.Log(s.BaseOdds)
	}
	return math.Log(s.BaseOdds)
}

// Points is the score of a log-odds of bad (ln(bad:good)), unrounded. Scaling must be resolved
// (Model.Scaling is).
func (s Scaling) Points(logOdds float64) float64 {
	return s.BasePoints + s.Factor()*(s.baseLogOdds()-logOdds)
}

// round rounds x to the scaling's places, half away from zero, and never gives -0.
func (s Scaling) round(x float64) float64 {
	p := math.Pow10(s.Places)
	r := math.Round(x*p) / p
	if r == 0 {
		return 0
	}
	return r
}
