package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A HaircutSchedule says how much of the value of goods a lender advances against them, by how long
// the goods would take to sell on the platform (卖得掉): the slower they sell, the bigger the haircut
// (折扣率). Goods that would take longer than the last step to sell are not financed at all. It is
// plain data, loaded from JSON with LoadHaircutSchedule.
type HaircutSchedule struct {
	// Steps are in order of increasing MaxDays; the first step whose MaxDays covers the days to
	// sell gives the haircut.
	Steps []HaircutStep
	// MinTrades is the fewest fulfilled matches in the valuation window for a price to be relied on
	// (判得准); below it the market is thin. Zero relies on the price source's own thin-market flag.
	MinTrades int
}

// A HaircutStep is one band of a HaircutSchedule: goods that sell within MaxDays days are advanced
// (1 - Haircut) of their value.
type HaircutStep struct {
	// MaxDays is the most days to sell the step covers, 1 to MaxHaircutDays.
	MaxDays int
	// Haircut is the share of the value held back, in [0, 1) ("0.2" advances 80%).
	Haircut decimal.Decimal
}

// MaxHaircutDays is the largest HaircutStep.MaxDays: ten years.
const MaxHaircutDays = 3650

// MaxHaircutSteps is the most steps a HaircutSchedule may have.
const MaxHaircutSteps = 64

// DefaultHaircutSchedule is a cautious schedule for standard goods (rice, oil, steel coil): 10% off
// what sells within a week, 20% within a month, 35% within a quarter, nothing beyond; at least 5
// matches to value on.
func DefaultHaircutSchedule() HaircutSchedule {
	return HaircutSchedule{
		Steps: []HaircutStep{
			{MaxDays: 7, Haircut: decimal.New(10, -2)},
			{MaxDays: 30, Haircut: decimal.New(20, -2)},
			{MaxDays: 90, Haircut: decimal.New(35, -2)},
		},
		MinTrades: 5,
	}
}

// Validate reports every problem with the schedule: no steps or more than MaxHaircutSteps, MaxDays
// outside [1, MaxHaircutDays] or not increasing, a haircut outside [0, 1) or smaller than the one
// before (slower goods never get a better advance), a negative MinTrades. Errors match
// b2bkit.ErrInvalid and name the field ("steps[1].max_days").
func (s HaircutSchedule) Validate() error {
	var errs []error
	switch {
	case len(s.Steps) == 0:
		errs = append(errs, b2bkit.Invalid("steps", "must have at least one step"))
	case len(s.Steps) > MaxHaircutSteps:
		errs = append(errs, b2bkit.Invalid("steps", "must have at most %d steps", MaxHaircutSteps))
	default:
		one := decimal.NewFromInt(1)
		for i, st := range s.Steps {
			f := fmt.Sprintf("steps[%d]", i)
			if st.MaxDays < 1 || st.MaxDays > MaxHaircutDays {
				errs = append(errs, b2bkit.Invalid(f+".max_days", "must be between 1 and %d", MaxHaircutDays))
			} else if i > 0 && st.MaxDays <= s.Steps[i-1].MaxDays {
				errs = append(errs, b2bkit.Invalid(f+".max_days", "must be greater than steps[%d].max_days (%d)", i-1, s.Steps[i-1].MaxDays))
			}
			switch {
			case !xerr.SaneValue(st.Haircut):
				errs = append(errs, b2bkit.Invalid(f+".haircut", "%s", xerr.InsaneExponent))
			case xerr.Canonical(st.Haircut).Sign() < 0 || xerr.Canonical(st.Haircut).Cmp(one) >= 0:
				errs = append(errs, b2bkit.Invalid(f+".haircut", "must be at least 0 and below 1"))
			case i > 0 && xerr.SaneValue(s.Steps[i-1].Haircut) && xerr.Canonical(st.Haircut).Cmp(xerr.Canonical(s.Steps[i-1].Haircut)) < 0:
				errs = append(errs, b2bkit.Invalid(f+".haircut", "must not be smaller than steps[%d].haircut (%s)", i-1, xerr.EchoDecimal(s.Steps[i-1].Haircut)))
			}
		}
	}
	if s.MinTrades < 0 {
		errs = append(errs, b2bkit.Invalid("min_trades", "must be >= 0"))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("risk: %w", errors.Join(errs...))
}

// haircutFor is the haircut for goods that take days to sell, and whether the schedule covers them.
func (s HaircutSchedule) haircutFor(days int) (decimal.Decimal, bool) {
	for _, st := range s.Steps {
		if days <= st.MaxDays {
			return xerr.Canonical(st.Haircut), true // the value Validate checked: 0 may be written 0 x 10^1073741824
		}
	}
	return decimal.Decimal{}, false
}

// maxDays is the last step's MaxDays.
func (s HaircutSchedule) maxDays() int { return s.Steps[len(s.Steps)-1].MaxDays }

type haircutStepJSON struct {
	MaxDays int                `json:"max_days"`
	Haircut b2bkit.JSONDecimal `json:"haircut"`
}

type haircutScheduleJSON struct {
	Steps     []HaircutStep `json:"steps"`
	MinTrades int           `json:"min_trades"`
}

// MarshalJSON writes {"max_days":7,"haircut":"0.1"}, the haircut as a string.
// A figure with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it; 0 written 0 x 10^1073741824 is written 0.
func (st HaircutStep) MarshalJSON() ([]byte, error) {
	var err error
	w := haircutStepJSON{st.MaxDays, writableJSON("haircut", st.Haircut, &err)}
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (st *HaircutStep) UnmarshalJSON(b []byte) error {
	var w haircutStepJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	st.MaxDays, st.Haircut = w.MaxDays, w.Haircut.Decimal
	return nil
}

// MarshalJSON writes {"steps":[...],"min_trades":5}.
func (s HaircutSchedule) MarshalJSON() ([]byte, error) {
	return json.Marshal(haircutScheduleJSON(s))
}

// UnmarshalJSON reads what MarshalJSON writes, rejecting unknown fields.
func (s *HaircutSchedule) UnmarshalJSON(b []byte) error {
	var w haircutScheduleJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*s = HaircutSchedule(w)
	return nil
}

// LoadHaircutSchedule reads a schedule from JSON (at most 1 MiB; unknown fields rejected) and
// validates it. Errors match b2bkit.ErrInvalid.
func LoadHaircutSchedule(r io.Reader) (HaircutSchedule, error) {
	return loadValidated[HaircutSchedule](r, "haircut_schedule")
}
