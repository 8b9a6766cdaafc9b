package risk

import (
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/matching"
)

// Risk's answers — a FeatureSet, a Limit, an Exposure, a Verdict, an Eligibility, a GoodsDecision, a
// Warning, with the parts they hold — are written with snake_case names (their json tags), enums as
// words, decimals as strings and times in RFC 3339, and read back: a host keeps them as JSON for its
// audit trail. Reading is strict, as for the configuration documents: an unknown field, a key given
// twice or not written exactly, a decimal with an exponent (read through b2bkit.ParseDecimal) is an
// error matching b2bkit.ErrInvalid. Each reads into a new value that then replaces the receiver whole:
// a field the document leaves out is zero, not what the receiver held; a copy sharing the
// receiver's slices is not written; a refused document changes nothing. A time reads back as the
// same instant at the same offset, in a fixed zone (JSON keeps no location's name or DST rules), so
// compare times with Equal.

// UnmarshalJSON reads a FeatureSet as encoding/json writes it, strictly, replacing *fs whole (see
// above).
func (fs *FeatureSet) UnmarshalJSON(b []byte) error {
	var w featureSetIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	values, err := w.Values.values()
	if err != nil {
		return b2bkit.InField("values", err)
	}
	*fs = FeatureSet{Company: w.Company, AsOf: w.AsOf, Currency: w.Currency, Scale: w.Scale, Values: values}
	return nil
}

// featureSetIn is a FeatureSet as it is read: its values in their plain shape (valuesIn), read in
// the set's own strict decode.
type featureSetIn struct {
	Company  b2bkit.CompanyID `json:"company"`
	AsOf     time.Time        `json:"as_of"`
	Currency string           `json:"currency"`
	Scale    int32            `json:"scale"`
	Values   valuesIn         `json:"values"`
}

// UnmarshalJSON reads a Limit as encoding/json writes it, strictly, replacing *l whole (see
// FeatureSet.UnmarshalJSON's file).
func (l *Limit) UnmarshalJSON(b []byte) error {
	var w limitIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*l = Limit{Company: w.Company, Grade: w.Grade, Amount: w.Amount.Decimal, Currency: w.Currency, ReviewAt: w.ReviewAt,
		Log: logLines(w.Log)}
	return nil
}

// UnmarshalJSON reads a LogLine as encoding/json writes it, strictly, replacing *l whole.
func (l *LogLine) UnmarshalJSON(b []byte) error {
	var w logLineIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*l = LogLine(w)
	return nil
}

// The shapes the answers holding parts are read through: plain structs, without an UnmarshalJSON,
// so that an answer is read whole in one strict decode. Each part (a line of a calculation, an
// exception, a transition) read itself through the strict decoder, which checked and decoded its
// bytes again with a decoder of its own.
type (
	logLineIn   LogLine
	exceptionIn Exception
	limitIn     struct {
		Company  b2bkit.CompanyID   `json:"company"`
		Grade    Grade              `json:"grade"`
		Amount   b2bkit.JSONDecimal `json:"amount"`
		Currency string             `json:"currency"`
		ReviewAt time.Time          `json:"review_at"`
		Log      []logLineIn        `json:"log"`
	}
	financeableIn struct {
		Ordered  b2bkit.JSONDecimal `json:"ordered"`
		Received b2bkit.JSONDecimal `json:"received"`
		Invoiced b2bkit.JSONDecimal `json:"invoiced"`
		Unpaid   b2bkit.JSONDecimal `json:"unpaid"`
		Amount   b2bkit.JSONDecimal `json:"amount"`
	}
	verdictIn struct {
		Status      Status        `json:"status"`
		Exceptions  []exceptionIn `json:"exceptions"`
		Financeable financeableIn `json:"financeable"`
	}
	goodsDecisionIn struct {
		Eligible   bool               `json:"eligible"`
		Failed     GoodsStep          `json:"failed"`
		Code       Code               `json:"code"`
		Reason     string             `json:"reason"`
		Reference  matching.Reference `json:"reference"`
		UnitValue  b2bkit.JSONDecimal `json:"unit_value"`
		Value      b2bkit.JSONDecimal `json:"value"`
		DaysToSell int                `json:"days_to_sell"`
		Haircut    b2bkit.JSONDecimal `json:"haircut"`
		Advance    b2bkit.JSONDecimal `json:"advance"`
		Log        []logLineIn        `json:"log"`
	}
)

func logLines(ws []logLineIn) []LogLine {
	return wire.Values(ws, func(w *logLineIn) LogLine { return LogLine(*w) })
}

func (w *financeableIn) value() Financeable {
	return Financeable{Ordered: w.Ordered.Decimal, Received: w.Received.Decimal, Invoiced: w.Invoiced.Decimal,
		Unpaid: w.Unpaid.Decimal, Amount: w.Amount.Decimal}
}

// UnmarshalJSON reads an Exposure as encoding/json writes it, strictly, replacing *e whole.
func (e *Exposure) UnmarshalJSON(b []byte) error {
	type plain Exposure
	var w struct {
		plain
		Unpaid     b2bkit.JSONDecimal `json:"unpaid"`
		Uninvoiced b2bkit.JSONDecimal `json:"uninvoiced"`
		Financed   b2bkit.JSONDecimal `json:"financed"`
		Total      b2bkit.JSONDecimal `json:"total"`
	}
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*e = Exposure(w.plain)
	e.Unpaid, e.Uninvoiced, e.Financed, e.Total = w.Unpaid.Decimal, w.Uninvoiced.Decimal, w.Financed.Decimal, w.Total.Decimal
	return nil
}

// UnmarshalJSON reads an Eligibility as encoding/json writes it, strictly, replacing *e whole.
func (e *Eligibility) UnmarshalJSON(b []byte) error {
	type plain Eligibility
	var w plain
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*e = Eligibility(w)
	return nil
}

// UnmarshalJSON reads a Custody as encoding/json writes it, strictly, replacing *c whole.
func (c *Custody) UnmarshalJSON(b []byte) error {
	type plain Custody
	var w plain
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*c = Custody(w)
	return nil
}

// UnmarshalJSON reads a GoodsDecision as encoding/json writes it, strictly, replacing *d whole.
func (d *GoodsDecision) UnmarshalJSON(b []byte) error {
	var w goodsDecisionIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*d = GoodsDecision{Eligible: w.Eligible, Failed: w.Failed, Code: w.Code, Reason: w.Reason, Reference: w.Reference,
		UnitValue: w.UnitValue.Decimal, Value: w.Value.Decimal, DaysToSell: w.DaysToSell, Haircut: w.Haircut.Decimal,
		Advance: w.Advance.Decimal, Log: logLines(w.Log)}
	return nil
}

// UnmarshalText decodes a step from its word, "none" being the zero step.
func (s *GoodsStep) UnmarshalText(b []byte) error {
	if string(b) == "none" {
		*s = 0
		return nil
	}
	v, err := wire.ParseWord(goodsStepWords[:], b, "goods step")
	if err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	*s = GoodsStep(v)
	return nil
}

// UnmarshalJSON reads a Verdict as encoding/json writes it, strictly, replacing *v whole. Err is
// not written, so a verdict read back has none: its Status says Invalid.
func (v *Verdict) UnmarshalJSON(b []byte) error {
	var w verdictIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*v = Verdict{Status: w.Status, Exceptions: wire.Values(w.Exceptions, func(e *exceptionIn) Exception { return Exception(*e) }),
		Financeable: w.Financeable.value()}
	return nil
}

// UnmarshalJSON reads an Exception as encoding/json writes it, strictly, replacing *e whole.
func (e *Exception) UnmarshalJSON(b []byte) error {
	var w exceptionIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*e = Exception(w)
	return nil
}

// UnmarshalJSON reads a Financeable as encoding/json writes it, strictly, replacing *f whole.
func (f *Financeable) UnmarshalJSON(b []byte) error {
	var w financeableIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*f = w.value()
	return nil
}

// UnmarshalJSON reads a Warning as encoding/json writes it, strictly, replacing *x whole.
func (x *Warning) UnmarshalJSON(b []byte) error {
	type plain Warning
	var w struct {
		plain
		Value     b2bkit.JSONDecimal `json:"value"`
		Threshold b2bkit.JSONDecimal `json:"threshold"`
	}
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*x = Warning(w.plain)
	x.Value, x.Threshold = w.Value.Decimal, w.Threshold.Decimal
	return nil
}
