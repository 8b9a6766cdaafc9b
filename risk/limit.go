package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A credit limit (授信额度) is what a buyer may owe at once. LimitPolicy.Limit works it out from the
// grade a scorecard gave and two features, as
//
//	limit = min(multiple(grade) x avg_monthly_value_12m x usual_credit_days / 30, cap(grade))
//
// rounded down to a multiple of the policy's Step: the grade's multiple of what the buyer owes at
// steady state when it buys its usual monthly volume on its usual credit terms, never above the
// grade's cap. Credit months (usual_credit_days / 30) are rounded half up to 4 places, and the rest
// is exact, so the figures in the log multiply out to the raw limit.

// Limits that keep a limit policy sane.
const (
	// limitMonthsScale is the decimal places of credit months (credit days / 30), rounded half up.
	limitMonthsScale = 4
	// limitMaxReviewDays is the longest a limit may go unreviewed: ten years.
	limitMaxReviewDays = 3660
	// limitMaxDigits bounds the digits of the figures a limit is worked out from.
	limitMaxDigits = 30
)

// A LimitPolicy says how large a credit line each grade gets (授信政策): a multiple of the buyer's
// steady-state credit need and a cap per grade, the step limits are rounded down to and how long a
// limit stands before review. The worst grade gets no credit: its Multiple or Cap is 0 (ValidateFor
// checks it against the card).
type LimitPolicy struct {
	// Grades are the limits per grade; every grade of the scorecard has one.
	Grades []GradeLimit
	// Step is what limits are rounded down to a multiple of (1000 gives 123000, not 123456.78); > 0.
	Step decimal.Decimal
	// ReviewDays is how long a limit stands: it is reviewed ReviewDays calendar days after the
	// feature set's AsOf. 1 to 3660.
	ReviewDays int
	// Currency is the currency of the caps and the step ("CNY"). When set, Limit refuses a feature
	// set in another currency; empty means the caps are in whatever currency the features are.
	Currency string
}

// A GradeLimit is the limit rule of one grade: Multiple x steady-state credit need, at most Cap.
// Both are >= 0; a grade that gets no credit has Multiple 0 or Cap 0.
type GradeLimit struct {
	// Grade is the scorecard grade the rule is for.
	Grade Grade
	// Multiple is how many times its steady-state credit need a buyer of the grade may owe (倍数).
	Multiple decimal.Decimal
	// Cap is the most a buyer of the grade may owe, in the policy's currency (上限).
	Cap decimal.Decimal
}

type gradeLimitJSON struct {
	Grade    Grade              `json:"grade"`
	Multiple b2bkit.JSONDecimal `json:"multiple"`
	Cap      b2bkit.JSONDecimal `json:"cap"`
}

// MarshalJSON writes {"grade":"B","multiple":"1.5","cap":"1000000"}.
// A figure with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it; 0 written 0 x 10^1073741824 is written 0.
func (g GradeLimit) MarshalJSON() ([]byte, error) {
	var err error
	w := gradeLimitJSON{g.Grade, writableJSON("multiple", g.Multiple, &err), writableJSON("cap", g.Cap, &err)}
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, strictly; multiple and cap are required.
func (g *GradeLimit) UnmarshalJSON(b []byte) error {
	var w struct {
		Grade    Grade           `json:"grade"`
		Multiple json.RawMessage `json:"multiple"`
		Cap      json.RawMessage `json:"cap"`
	}
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	multiple, hasMultiple, err := configDecimal("multiple", w.Multiple)
	switch {
	case err != nil:
		return err
	case !hasMultiple:
		return b2bkit.Invalid("multiple", "must be set")
	}
	limit, hasCap, err := configDecimal("cap", w.Cap)
	switch {
	case err != nil:
		return err
	case !hasCap:
		return b2bkit.Invalid("cap", "must be set")
	}
	*g = GradeLimit{Grade: w.Grade, Multiple: multiple, Cap: limit}
	return nil
}

type limitPolicyJSON struct {
	Grades     []GradeLimit        `json:"grades"`
	Step       *b2bkit.JSONDecimal `json:"step"`
	ReviewDays int                 `json:"review_days"`
	Currency   string              `json:"currency,omitempty"`
}

// MarshalJSON writes the policy with its decimals as strings.
// A figure with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it; 0 written 0 x 10^1073741824 is written 0.
func (p LimitPolicy) MarshalJSON() ([]byte, error) {
	var err error
	step := writableJSON("step", p.Step, &err)
	if err != nil {
		return nil, err
	}
	return json.Marshal(limitPolicyJSON{Grades: p.Grades, Step: &step, ReviewDays: p.ReviewDays, Currency: p.Currency})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly; an error in a grade names it
// ("grades[4].cap: must be set"), and a null currency is refused, not read as none. It does not
// validate: LoadLimitPolicy does.
func (p *LimitPolicy) UnmarshalJSON(b []byte) error {
	var w struct {
		Grades     []json.RawMessage `json:"grades"`
		Step       json.RawMessage   `json:"step"`
		ReviewDays int               `json:"review_days"`
		Currency   json.RawMessage   `json:"currency"`
	}
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	currency, err := configString("currency", w.Currency)
	if err != nil {
		return err
	}
	step, hasStep, err := configDecimal("step", w.Step)
	switch {
	case err != nil:
		return err
	case !hasStep:
		return b2bkit.Invalid("step", "must be set")
	}
	var grades []GradeLimit
	if w.Grades != nil {
		grades = make([]GradeLimit, len(w.Grades))
	}
	for i, raw := range w.Grades {
		if err := grades[i].UnmarshalJSON(raw); err != nil {
			return b2bkit.InField(fmt.Sprintf("grades[%d]", i), err)
		}
	}
	*p = LimitPolicy{Grades: grades, Step: step, ReviewDays: w.ReviewDays, Currency: currency}
	return nil
}

// LoadLimitPolicy reads a limit policy from JSON: at most 1 MiB, unknown fields rejected, decimals
// only through b2bkit.ParseDecimal, and then Validate. Every error matches b2bkit.ErrInvalid.
func LoadLimitPolicy(r io.Reader) (LimitPolicy, error) {
	return loadValidated[LimitPolicy](r, "limit_policy")
}

// Validate reports every problem with the policy, each naming its field ("limit_policy.grades[1].cap"):
// no grades, a grade empty or repeated, a multiple or cap below zero or out of range, a step that is
// not > 0, review days outside 1..3660, a currency that is not an ISO 4217 code. The error matches
// b2bkit.ErrInvalid.
func (p LimitPolicy) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	switch {
	case len(p.Grades) == 0:
		add("grades", "must have a limit for every grade")
	case len(p.Grades) > scoreMaxGrades:
		add("grades", "must have at most %d grades", scoreMaxGrades)
	default:
		seen := make(map[Grade]int, len(p.Grades))
		for i, g := range p.Grades {
			f := fmt.Sprintf("grades[%d]", i)
			switch {
			case g.Grade == "":
				add(f+".grade", "must be set")
			case len(g.Grade) > scoreMaxNameLen:
				add(f+".grade", "must be at most %d bytes", scoreMaxNameLen)
			default:
				if j, dup := seen[g.Grade]; dup {
					add(f+".grade", "%s already has a limit in grades[%d]", g.Grade, j)
				} else {
					seen[g.Grade] = i
				}
			}
			errs = limitCheckDec(errs, f+".multiple", g.Multiple, true)
			errs = limitCheckDec(errs, f+".cap", g.Cap, true)
		}
	}
	errs = limitCheckDec(errs, "step", p.Step, false)
	if p.ReviewDays < 1 || p.ReviewDays > limitMaxReviewDays {
		add("review_days", "must be between 1 and %d", limitMaxReviewDays)
	}
	if p.Currency != "" && !scoreIsCurrency(p.Currency) {
		add("currency", "must be an ISO 4217 code such as CNY")
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("risk: %w", b2bkit.InField("limit_policy", errors.Join(errs...)))
}

// ValidateFor reports every mismatch between the policy and the card whose grades it limits: a grade
// of the card without a limit, a limit for a grade the card does not have, a worst grade (the card's
// last band) that gets credit, and a currency other than the card's. It validates neither.
func (p LimitPolicy) ValidateFor(card Scorecard) error {
	var errs []error
	has := make(map[Grade]int, len(p.Grades))
	for i, g := range p.Grades {
		has[g.Grade] = i
	}
	inCard := make(map[Grade]bool, len(card.Grades))
	for i, g := range card.Grades {
		inCard[g.Grade] = true
		j, ok := has[g.Grade]
		switch {
		case !ok:
			errs = append(errs, b2bkit.Invalid("grades", "has no limit for grade %s of scorecard %s", g.Grade, card.Name))
		case i == len(card.Grades)-1 && p.Grades[j].Multiple.Sign() != 0 && p.Grades[j].Cap.Sign() != 0:
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("grades[%d]", j),
				"grade %s is the worst of scorecard %s and must get no credit: multiple or cap 0", g.Grade, card.Name))
		}
	}
	for i, g := range p.Grades {
		if !inCard[g.Grade] {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("grades[%d].grade", i),
				"%s is not a grade of scorecard %s", g.Grade, card.Name))
		}
	}
	if p.Currency != "" && card.Currency != "" && p.Currency != card.Currency {
		errs = append(errs, b2bkit.Invalid("currency", "is %s but scorecard %s is in %s", p.Currency, card.Name, card.Currency))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("risk: %w", b2bkit.InField("limit_policy", errors.Join(errs...)))
}

// limitCheckDec appends an error when d is negative (or not > 0 unless zeroOK) or has more digits or
// places than a figure of a limit needs.
func limitCheckDec(errs []error, field string, d decimal.Decimal, zeroOK bool) []error {
	if !limitDecOK(d) {
		return append(errs, b2bkit.Invalid(field, "out of range: at most %d digits, %d of them decimal places",
			limitMaxDigits, b2bkit.MaxDecimalPlaces))
	}
	switch s := d.Sign(); {
	case zeroOK && s < 0:
		return append(errs, b2bkit.Invalid(field, "must be >= 0"))
	case !zeroOK && s <= 0:
		return append(errs, b2bkit.Invalid(field, "must be > 0"))
	}
	return errs
}

// limitDecOK reports whether d has at most limitMaxDigits digits before the point and
// b2bkit.MaxDecimalPlaces after it, trailing zeros aside, so arithmetic on it stays small.
func limitDecOK(d decimal.Decimal) bool {
	d = xerr.Canonical(d) // the value: trailing zeros do not count
	exp := d.Exponent()
	return exp >= -b2bkit.MaxDecimalPlaces && exp <= limitMaxDigits &&
		d.NumDigits()+int(exp) <= limitMaxDigits
}

// Limit works out the credit line of the buyer f describes, graded r (R17):
// min(multiple x avg_monthly_value_12m x credit months, cap), credit months being usual_credit_days
// / 30 rounded half up to 4 places, then rounded down to a multiple of Step, never below zero, to be
// reviewed ReviewDays calendar days after f.AsOf. Limit.Log has one line per figure: grade, multiple,
// volume, credit days, credit months, raw limit, cap, limit and review date, each with its source.
//
// A missing volume or credit days is not an error: the limit is 0 and the log says why. So are usual
// terms without a credit period (credit days <= 0: cash against goods or prepaid, R16), and the
// worst grade of the card that scored r, whatever the policy gives that grade (a Result made or read
// from JSON rather than scored does not know its card: the policy's figures for its grade apply, and
// ValidateFor holds a policy to giving the card's worst grade nothing). An invalid
// policy, a grade the policy does not know, a feature absent from the set or out of range, a feature
// set without AsOf or in another currency than the policy's is an error matching b2bkit.ErrInvalid;
// one that names each problem (errors.Join), in that order, when there are several.
func (p LimitPolicy) Limit(f FeatureSet, r Result) (Limit, error) {
	if err := p.Validate(); err != nil {
		return Limit{}, err
	}
	p = p.canonical()
	// Every problem with the inputs, in this order, so a host fixes them in one pass.
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	if f.AsOf.IsZero() {
		fail("features.as_of", "must be set")
	}
	if f.Scale < 0 || f.Scale > b2bkit.MaxScale {
		fail("features.scale", "must be between 0 and %d", b2bkit.MaxScale)
	}
	currency := f.Currency
	switch {
	case p.Currency != "" && f.Currency != "" && f.Currency != p.Currency:
		fail("features.currency", "is %s but the limit policy is in %s", xerr.Echo(f.Currency), p.Currency)
	case currency == "":
		currency = p.Currency
	}
	var rule *GradeLimit
	for i := range p.Grades {
		if p.Grades[i].Grade == r.Grade {
			rule = &p.Grades[i]
			break
		}
	}
	if rule == nil {
		fail("result.grade", "the limit policy has no limit for grade %q", xerr.Echo(string(r.Grade)))
	}
	volume, hasVolume := f.Get(AvgMonthlyValue12)
	canon.Set(&volume.Number) // the value, as the log prints it
	switch {
	case !hasVolume:
		fail("features.values."+string(AvgMonthlyValue12), "absent from the feature set")
	case !volume.Missing && !limitDecOK(volume.Number):
		fail("features.values."+string(AvgMonthlyValue12), "out of range")
	}
	days, hasDays := f.Get(UsualCreditDays)
	canon.Set(&days.Number)
	switch {
	case !hasDays:
		fail("features.values."+string(UsualCreditDays), "absent from the feature set")
	case !days.Missing && (!limitDecOK(days.Number) || days.Number.Abs().Cmp(decimal.New(limitMaxReviewDays*10, 0)) > 0):
		fail("features.values."+string(UsualCreditDays), "out of range")
	}
	if errs != nil {
		return Limit{}, fmt.Errorf("risk: %w", errors.Join(errs...))
	}

	lim := Limit{Company: f.Company, Grade: r.Grade, Currency: currency,
		ReviewAt: b2bkit.AddDays(f.AsOf, p.ReviewDays), Log: make([]LogLine, 0, 9)}
	line := func(what, figure, source string) {
		lim.Log = append(lim.Log, LogLine{What: what, Figure: figure, Source: source})
	}
	policyGrade := "limit policy, grade " + string(r.Grade)
	line("grade", string(r.Grade), fmt.Sprintf("scorecard result, score %s", strconv.FormatFloat(r.Score, 'f', -1, 64)))
	line("multiple", rule.Multiple.String(), policyGrade)

	var why string // why the limit is zero without the formula
	if r.worst {
		why = fmt.Sprintf("no limit: %s is the worst grade of the scorecard, which gets no credit (R17)", r.Grade)
	}
	var raw decimal.Decimal
	if volume.Missing {
		line("average monthly volume (12m)", "missing", "feature "+string(AvgMonthlyValue12))
		if why == "" {
			why = "no limit: average monthly volume is missing"
		}
	} else {
		line("average monthly volume (12m)", limitMoney(volume.Number, f.Scale), "feature "+string(AvgMonthlyValue12))
	}
	if days.Missing {
		line("usual credit days", "missing", "feature "+string(UsualCreditDays))
		if why == "" {
			why = "no limit: usual credit days are missing"
		}
	} else {
		line("usual credit days", days.Number.String(), "feature "+string(UsualCreditDays))
		months := days.Number.DivRound(decimal.New(30, 0), limitMonthsScale)
		line("credit months", months.StringFixed(limitMonthsScale),
			fmt.Sprintf("usual credit days / 30, rounded half up to %d places", limitMonthsScale))
		switch {
		case why != "":
		case months.Sign() <= 0:
			why = "no limit: the buyer's usual terms give no credit period (R16)"
		default:
			raw = rule.Multiple.Mul(volume.Number).Mul(months)
			line("raw limit", raw.String(), "multiple x average monthly volume x credit months")
		}
	}
	line("cap", rule.Cap.String(), policyGrade)

	amount := decimal.Zero
	source := why
	if why == "" {
		capped := raw
		if rule.Cap.Cmp(raw) < 0 {
			capped = rule.Cap
		}
		if capped.Sign() < 0 {
			capped = decimal.Zero
		}
		var err error
		if amount, err = b2bkit.RoundToIncrement(capped, p.Step, b2bkit.Down); err != nil {
			return Limit{}, fmt.Errorf("risk: %w", b2bkit.InField("limit_policy.step", err))
		}
		source = fmt.Sprintf("min(raw limit, cap) = %s, rounded down to a multiple of %s", capped, p.Step)
	}
	lim.Amount = amount
	figure := limitMoney(amount, f.Scale)
	if currency != "" {
		figure += " " + currency
	}
	line("limit", figure, source)
	line("review date", lim.ReviewAt.Format("2006-01-02"),
		fmt.Sprintf("as of %s + %d days", f.AsOf.Format("2006-01-02"), p.ReviewDays))
	return lim, nil
}

// limitMoney prints an amount with scale places, as money prints in its currency, or with all its
// places when it has more: a log never rounds a figure it shows.
func limitMoney(d decimal.Decimal, scale int32) string {
	if d.Exponent() >= -scale {
		return d.StringFixed(scale)
	}
	return d.String()
}
