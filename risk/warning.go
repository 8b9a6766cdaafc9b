package risk

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// The warning codes, in the order Warnings reports warnings of equal severity.
const (
	warnPastDue90          = "past_due_90"
	warnKeyPersonGone      = "key_person_gone"
	warnPaymentsSlipping   = "payments_slipping"
	warnVolumeFalling      = "volume_falling"
	warnPenetrationFalling = "penetration_falling"
)

var warnCodes = [...]string{warnPastDue90, warnKeyPersonGone, warnPaymentsSlipping, warnVolumeFalling, warnPenetrationFalling}

// A Severity says how urgent a warning is: Info < Watch < Alert.
type Severity int

const (
	// Info: worth knowing at the next review.
	Info Severity = iota
	// Watch: look at the buyer now; the limit stands.
	Watch
	// Alert: act on the limit now.
	Alert
)

var severityWords = [...]string{Info: "info", Watch: "watch", Alert: "alert"}

// String returns the severity's word: info, watch or alert.
func (s Severity) String() string { return warnWord(severityWords[:], int(s), "Severity") }

// MarshalText encodes the severity as its word.
func (s Severity) MarshalText() ([]byte, error) {
	return warnMarshalWord(severityWords[:], int(s), "severity")
}

// UnmarshalText decodes a severity from its word.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(severityWords[:], b, "severity")
	if err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	*s = Severity(v)
	return nil
}

// An Action is what a warning asks the credit team to do with the buyer's limit.
type Action int

const (
	// Review: work the limit out again (LimitPolicy) with fresh features.
	Review Action = iota
	// FreezeLimit: take no new credit orders until the limit is reviewed (冻结额度).
	FreezeLimit
	// CutLimit: lower the limit now (降额), and review.
	CutLimit
)

var actionWords = [...]string{Review: "review", FreezeLimit: "freeze_limit", CutLimit: "cut_limit"}

// String returns the action's word: review, freeze_limit or cut_limit.
func (a Action) String() string { return warnWord(actionWords[:], int(a), "Action") }

// MarshalText encodes the action as its word.
func (a Action) MarshalText() ([]byte, error) {
	return warnMarshalWord(actionWords[:], int(a), "action")
}

// UnmarshalText decodes an action from its word.
func (a *Action) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(actionWords[:], b, "action")
	if err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	*a = Action(v)
	return nil
}

func warnWord(words []string, i int, typ string) string {
	if i < 0 || i >= len(words) {
		return fmt.Sprintf("%s(%d)", typ, i)
	}
	return words[i]
}

func warnMarshalWord(words []string, i int, what string) ([]byte, error) {
	if i < 0 || i >= len(words) {
		return nil, fmt.Errorf("risk: %w", b2bkit.Invalid(what, "unknown %s %d", what, i))
	}
	return []byte(words[i]), nil
}

// A Warning is one early-warning sign in a buyer's features (R21).
type Warning struct {
	// Code names the sign: past_due_90, key_person_gone, payments_slipping, volume_falling or
	// penetration_falling. Codes are stable; hosts key alerts on them.
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Action   Action   `json:"action"`
	// Feature is the feature the sign was read from; Value what the sign measured (the feature's
	// value, or the difference or ratio the sign compares, as the message says) and Threshold the
	// policy's figure it crossed.
	Feature   Feature         `json:"feature"`
	Value     decimal.Decimal `json:"value"`
	Threshold decimal.Decimal `json:"threshold"`
	// Message says it for a person: "days late rose from 2 to 11 in the last 3 months (by more than 5)".
	Message string `json:"message"`
}

// A WarningPolicy holds the thresholds of the early-warning signs. A zero threshold means its
// default (DefaultWarningPolicy), in Go and in JSON alike ("slipping_days": "0" is 5 days); so a
// threshold cannot be set to zero, except PastDueAmount, whose default is zero. Where a zero would
// mean something: SlippingDays 0.00001 raises payments_slipping on any rise in days late, as zero
// would, since days late are rounded to RatioScale (4) places; PenetrationDrop 0.00001 raises
// penetration_falling on any fall of more than a hundred-thousandth of the prior penetration; a
// VolumeRatio of zero would never raise volume_falling, which Off says instead. A Warning's
// Threshold is the figure used, defaults filled in.
type WarningPolicy struct {
	// VolumeRatio: volume_falling when the last 3 months' monthly order value is below this share
	// of the 9 months before (or of the last 12 months'). In [0, 1]; zero means 0.7.
	VolumeRatio decimal.Decimal
	// SlippingDays: payments_slipping when the average days late of the last 3 months exceed the
	// 9 months before by more than these days. In [0, MaxTermDays]; zero means 5.
	SlippingDays decimal.Decimal
	// PenetrationDrop: penetration_falling when penetration fell below its prior value by more than
	// this share of it (0.2: from 40% to below 32%). In [0, 1); zero means 0.2.
	PenetrationDrop decimal.Decimal
	// PastDueAmount: past_due_90 when more than this amount, in the feature set's currency, is
	// unpaid 90 days or more past due. >= 0; zero, the default, means any amount.
	PastDueAmount decimal.Decimal
	// Off lists codes of signs not to raise.
	Off []string
}

// DefaultWarningPolicy is the policy a nil *WarningPolicy means: volume below 70% of before, payments
// more than 5 days later, penetration down by more than 20%, anything 90 days past due.
func DefaultWarningPolicy() WarningPolicy {
	return WarningPolicy{
		VolumeRatio:     decimal.New(7, -1),
		SlippingDays:    decimal.New(5, 0),
		PenetrationDrop: decimal.New(2, -1),
		PastDueAmount:   decimal.Zero,
	}
}

// warnPolicyJSON is the wire form of a WarningPolicy: decimals as strings.
type warnPolicyJSON struct {
	VolumeRatio     b2bkit.JSONDecimal `json:"volume_ratio"`
	SlippingDays    b2bkit.JSONDecimal `json:"slipping_days"`
	PenetrationDrop b2bkit.JSONDecimal `json:"penetration_drop"`
	PastDueAmount   b2bkit.JSONDecimal `json:"past_due_amount"`
	Off             []string           `json:"off,omitempty"`
}

// MarshalJSON writes {"volume_ratio":"0.7","slipping_days":"5",...}.
// A figure with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it; 0 written 0 x 10^1073741824 is written 0.
func (p WarningPolicy) MarshalJSON() ([]byte, error) {
	var err error
	w := warnPolicyJSON{
		writableJSON("volume_ratio", p.VolumeRatio, &err), writableJSON("slipping_days", p.SlippingDays, &err),
		writableJSON("penetration_drop", p.PenetrationDrop, &err), writableJSON("past_due_amount", p.PastDueAmount, &err), p.Off,
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, strictly: unknown fields are errors. Absent
// thresholds are zero, which means their defaults.
func (p *WarningPolicy) UnmarshalJSON(b []byte) error {
	var w struct {
		VolumeRatio     json.RawMessage `json:"volume_ratio"`
		SlippingDays    json.RawMessage `json:"slipping_days"`
		PenetrationDrop json.RawMessage `json:"penetration_drop"`
		PastDueAmount   json.RawMessage `json:"past_due_amount"`
		Off             []string        `json:"off,omitempty"`
	}
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	out := WarningPolicy{Off: w.Off}
	var errs []error
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		to   *decimal.Decimal
	}{
		{"volume_ratio", w.VolumeRatio, &out.VolumeRatio}, {"slipping_days", w.SlippingDays, &out.SlippingDays},
		{"penetration_drop", w.PenetrationDrop, &out.PenetrationDrop}, {"past_due_amount", w.PastDueAmount, &out.PastDueAmount},
	} {
		d, _, err := configDecimal(f.name, f.raw)
		if err != nil {
			errs = append(errs, err)
		}
		*f.to = d
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	*p = out
	return nil
}

// LoadWarningPolicy reads a warning policy from JSON, at most 1 MiB, rejecting unknown fields and
// null, and validates it. An absent or zero threshold means its default (see WarningPolicy). Errors match b2bkit.ErrInvalid and name the field ("warning_policy.volume_ratio").
func LoadWarningPolicy(r io.Reader) (WarningPolicy, error) {
	return loadValidated[WarningPolicy](r, "warning_policy")
}

// Validate reports every problem with the policy: a threshold out of its range, an unknown or
// repeated code in Off. Errors match b2bkit.ErrInvalid and name the field
// ("risk: warning_policy.off[1]: unknown code ...").
func (p WarningPolicy) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid("warning_policy."+field, format, args...))
	}
	// A threshold with an absurd exponent is refused before it is compared, which would write out
	// as many digits as the exponent says; the others are compared as values.
	insane := false
	for _, f := range [...]struct {
		name string
		d    decimal.Decimal
	}{{"volume_ratio", p.VolumeRatio}, {"slipping_days", p.SlippingDays}, {"penetration_drop", p.PenetrationDrop}, {"past_due_amount", p.PastDueAmount}} {
		if !xerr.SaneValue(f.d) {
			bad(f.name, "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(f.d))
			insane = true
		}
	}
	if !insane {
		p = p.canonical()
		one := decimal.New(1, 0)
		if p.VolumeRatio.Sign() < 0 || p.VolumeRatio.GreaterThan(one) {
			bad("volume_ratio", "must be between 0 and 1")
		}
		if p.SlippingDays.Sign() < 0 || p.SlippingDays.GreaterThan(decimal.New(b2bkit.MaxTermDays, 0)) {
			bad("slipping_days", "must be between 0 and %d", b2bkit.MaxTermDays)
		}
		if p.PenetrationDrop.Sign() < 0 || p.PenetrationDrop.GreaterThanOrEqual(one) {
			bad("penetration_drop", "must be at least 0 and below 1")
		}
		if p.PastDueAmount.Sign() < 0 {
			bad("past_due_amount", "must be >= 0")
		}
	}
	for i, code := range p.Off {
		switch {
		case !slices.Contains(warnCodes[:], code):
			bad(fmt.Sprintf("off[%d]", i), "unknown code %q", xerr.Echo(code))
		case slices.Contains(p.Off[:i], code):
			bad(fmt.Sprintf("off[%d]", i), "repeats %q", code)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("risk: %w", errors.Join(errs...))
}

// canonical is p with its thresholds as the values they are (xerr.Canonical): 0 written
// 0 x 10^1073741824 is 0. For a policy whose thresholds are xerr.SaneValue.
func (p WarningPolicy) canonical() WarningPolicy {
	for _, d := range [...]*decimal.Decimal{&p.VolumeRatio, &p.SlippingDays, &p.PenetrationDrop, &p.PastDueAmount} {
		*d = xerr.Canonical(*d)
	}
	return p
}

// warnResolved is a policy with its defaults filled in, its thresholds canonical.
func (p WarningPolicy) warnResolved() WarningPolicy {
	p = p.canonical()
	d := DefaultWarningPolicy()
	if p.VolumeRatio.IsZero() {
		p.VolumeRatio = d.VolumeRatio
	}
	if p.SlippingDays.IsZero() {
		p.SlippingDays = d.SlippingDays
	}
	if p.PenetrationDrop.IsZero() {
		p.PenetrationDrop = d.PenetrationDrop
	}
	return p
}

// Warnings reads the early-warning signs (预警, R21) in a buyer's features under policy p (nil
// means DefaultWarningPolicy): the signs that its credit should be looked at again before the next
// review — order volume dropping, payments slipping, penetration falling, a key person leaving —
// and money 90 days past due. Each is a Warning with a stable code:
//
//	code                fires when                                          severity action
//	past_due_90         overdue_90_plus > PastDueAmount                     alert    cut_limit
//	key_person_gone     key_person_lost > 0 (1: a key person left)          alert    freeze_limit
//	payments_slipping   days_late_3m - days_late_prior_9m > SlippingDays    watch    review
//	volume_falling      trend_3m_vs_9m < VolumeRatio                        watch    review
//	penetration_falling penetration_prior - penetration >
//	                    PenetrationDrop x penetration_prior                 info     review
//
// Without trend_3m_vs_9m (a buyer of less than a year), volume_falling compares
// avg_monthly_value_3m with VolumeRatio x avg_monthly_value_12m instead. A feature that is
// missing, or absent from the set, raises nothing: a new buyer is not a falling one.
//
// The warnings come most severe first and, among equals, in the order of the table. An invalid
// policy, or a number among the features read with an exponent beyond ±64 (as Score), is an error
// matching b2bkit.ErrInvalid naming the field ("features.values.days_late_3m").
func Warnings(f FeatureSet, p *WarningPolicy) ([]Warning, error) {
	pol := DefaultWarningPolicy()
	if p != nil {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		pol = p.warnResolved()
	}
	// The feature set is the host's to change (Values.Set): a number read here with an absurd
	// exponent is refused before it is compared, and every other is read as its value.
	var errs []error
	for _, feat := range [...]Feature{Overdue90Plus, KeyPersonLost, DaysLate3, DaysLatePrior9, Penetration, PenetrationPrior,
		Trend, AvgMonthlyValue3, AvgMonthlyValue12} {
		if v, ok := f.Get(feat); ok && !v.Missing && v.Category == "" {
			if _, ok := valueNumber(v.Number); !ok {
				errs = append(errs, scoreInsane(feat, v.Number))
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("risk: %w", errors.Join(errs...))
	}
	var out []Warning
	add := func(w Warning) {
		if !slices.Contains(pol.Off, w.Code) {
			out = append(out, w)
		}
	}
	num := func(feat Feature) (decimal.Decimal, bool) {
		v, ok := f.Get(feat)
		if !ok || v.Missing || v.Category != "" {
			return decimal.Zero, false
		}
		return xerr.Canonical(v.Number), true
	}

	if v, ok := num(Overdue90Plus); ok && v.GreaterThan(pol.PastDueAmount) {
		add(Warning{Code: warnPastDue90, Severity: Alert, Action: CutLimit, Feature: Overdue90Plus,
			Value: v, Threshold: pol.PastDueAmount,
			Message: fmt.Sprintf("%s %s unpaid 90 days or more past due (above %s)", v, f.Currency, pol.PastDueAmount)})
	}
	if v, ok := num(KeyPersonLost); ok && v.Sign() > 0 {
		add(Warning{Code: warnKeyPersonGone, Severity: Alert, Action: FreezeLimit, Feature: KeyPersonLost,
			Value: v, Threshold: decimal.New(1, 0),
			Message: "a key person left the buyer"})
	}
	if late, ok := num(DaysLate3); ok {
		if prior, ok := num(DaysLatePrior9); ok {
			if rise := late.Sub(prior); rise.GreaterThan(pol.SlippingDays) {
				add(Warning{Code: warnPaymentsSlipping, Severity: Watch, Action: Review, Feature: DaysLate3,
					Value: rise, Threshold: pol.SlippingDays,
					Message: fmt.Sprintf("days late rose from %s to %s in the last 3 months (by more than %s)", prior, late, pol.SlippingDays)})
			}
		}
	}
	if w, ok := warnVolume(num, pol.VolumeRatio); ok {
		add(w)
	}
	if cur, ok := num(Penetration); ok {
		if prior, ok := num(PenetrationPrior); ok && prior.Sign() > 0 {
			fall := prior.Sub(cur)
			if fall.GreaterThan(prior.Mul(pol.PenetrationDrop)) {
				drop := fall.DivRound(prior, RatioScale)
				add(Warning{Code: warnPenetrationFalling, Severity: Info, Action: Review, Feature: Penetration,
					Value: drop, Threshold: pol.PenetrationDrop,
					Message: fmt.Sprintf("penetration fell from %s to %s, by %s%% (more than %s%%)",
						prior, cur, drop.Shift(2), pol.PenetrationDrop.Shift(2))})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Warning) int { return cmp.Compare(b.Severity, a.Severity) })
	return out, nil
}

// warnVolume is the volume_falling sign: the trend below the ratio, or, without a trend, the last 3
// months' average below the ratio times the last 12 months'.
func warnVolume(num func(Feature) (decimal.Decimal, bool), ratio decimal.Decimal) (Warning, bool) {
	w := Warning{Code: warnVolumeFalling, Severity: Watch, Action: Review, Threshold: ratio}
	if trend, ok := num(Trend); ok {
		if !trend.LessThan(ratio) {
			return Warning{}, false
		}
		w.Feature, w.Value = Trend, trend
		w.Message = fmt.Sprintf("order volume of the last 3 months is %s of the 9 before (below %s)", trend, ratio)
		return w, true
	}
	avg3, ok3 := num(AvgMonthlyValue3)
	avg12, ok12 := num(AvgMonthlyValue12)
	if !ok3 || !ok12 || avg12.Sign() <= 0 || !avg3.LessThan(avg12.Mul(ratio)) {
		return Warning{}, false
	}
	w.Feature, w.Value = AvgMonthlyValue3, avg3.DivRound(avg12, RatioScale)
	w.Message = fmt.Sprintf("monthly order value of the last 3 months is %s of the last 12 months' (%s of %s, below %s)",
		w.Value, avg3, avg12, ratio)
	return w, true
}
