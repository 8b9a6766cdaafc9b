package clv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// unitWords are the JSON words of the units, by value.
var unitWords = [...]string{Weeks: "weeks", Days: "days"}

// MarshalText encodes the unit as its word, "weeks" or "days".
func (u Unit) MarshalText() ([]byte, error) {
	if !u.Valid() {
		return nil, b2bkit.Invalid("unit", "must be weeks or days, got %d", int(u))
	}
	return []byte(unitWords[u]), nil
}

// UnmarshalText decodes a unit from its word, "weeks" or "days", exactly.
func (u *Unit) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(unitWords[:], b, "unit")
	if err != nil {
		return b2bkit.InField("unit", err)
	}
	*u = Unit(i)
	return nil
}

// The wire form of a Model: every value raw, so that an absent value, null and a value of the wrong
// type are each refused by name rather than read as zero.
type modelJSON struct {
	Purchases *bgnbdJSON      `json:"purchases"`
	Spend     *gammaGammaJSON `json:"spend"`
}

type bgnbdJSON struct {
	R     json.RawMessage `json:"r"`
	Alpha json.RawMessage `json:"alpha"`
	A     json.RawMessage `json:"a"`
	B     json.RawMessage `json:"b"`
	Unit  json.RawMessage `json:"unit"`
}

type gammaGammaJSON struct {
	P     json.RawMessage `json:"p"`
	Q     json.RawMessage `json:"q"`
	Gamma json.RawMessage `json:"gamma"`
}

// UnmarshalJSON reads a model as encoding/json writes it ({"purchases": {"r", "alpha", "a", "b",
// "unit"}, "spend": {"p", "q", "gamma"}}), strictly: an unknown key, a key given twice or written in
// another case, a missing or null value, a value of the wrong type and a parameter that is not a
// finite number > 0 are each an error matching b2bkit.ErrInvalid naming the field
// ("purchases.alpha"). A model read without error is valid: it scores without refitting.
func (m *Model) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		// encoding/json would read null into a struct as nothing at all: a model of zeros.
		return b2bkit.Invalid("", "model must be a JSON object, not null")
	}
	var w modelJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	if w.Purchases == nil {
		return b2bkit.Invalid("purchases", "must be an object")
	}
	if w.Spend == nil {
		return b2bkit.Invalid("spend", "must be an object")
	}
	var out Model
	p, s := &out.Purchases, &out.Spend
	for _, f := range [...]struct {
		name string
		raw  json.RawMessage
		to   *float64
	}{
		{"purchases.r", w.Purchases.R, &p.R}, {"purchases.alpha", w.Purchases.Alpha, &p.Alpha},
		{"purchases.a", w.Purchases.A, &p.A}, {"purchases.b", w.Purchases.B, &p.B},
		{"spend.p", w.Spend.P, &s.P}, {"spend.q", w.Spend.Q, &s.Q}, {"spend.gamma", w.Spend.Gamma, &s.Gamma},
	} {
		v, err := parameter(f.name, f.raw)
		if err != nil {
			return err
		}
		*f.to = v
	}
	// encoding/json reads null into a Unit as nothing: Weeks, the zero value.
	switch raw := w.Purchases.Unit; {
	case raw == nil:
		return b2bkit.Invalid("purchases.unit", "must be set")
	case string(raw) == "null" || json.Unmarshal(raw, &p.Unit) != nil:
		return b2bkit.Invalid("purchases.unit", `must be "weeks" or "days", not %s`, xerr.Echo(string(raw)))
	}
	*m = out
	return nil
}

// parameter reads a model parameter from its raw JSON: a finite number > 0, present and not null.
func parameter(field string, raw json.RawMessage) (float64, error) {
	if raw == nil {
		return 0, b2bkit.Invalid(field, "must be set")
	}
	var v float64
	// encoding/json refuses null only into a pointer's absence, and a number beyond float64 outright.
	if string(raw) == "null" || json.Unmarshal(raw, &v) != nil {
		return 0, b2bkit.Invalid(field, "must be a finite number > 0, not %s", xerr.Echo(string(raw)))
	}
	if !(v > 0) || math.IsInf(v, 0) {
		return 0, b2bkit.Invalid(field, "must be a finite number > 0, got %v", v)
	}
	return v, nil
}

// LoadModel reads a fitted model saved as JSON (json.Marshal of a Model) from r, at most
// b2bkit.MaxJSONBytes, strictly as Model.UnmarshalJSON reads it: a host fits once and scores its
// accounts later, elsewhere, without refitting. Errors match b2bkit.ErrInvalid and name the field.
func LoadModel(r io.Reader) (Model, error) {
	if r == nil {
		return Model{}, fmt.Errorf("clv: model: %w", b2bkit.Invalid("", "no reader"))
	}
	data, err := io.ReadAll(io.LimitReader(r, b2bkit.MaxJSONBytes+1))
	if err != nil {
		return Model{}, fmt.Errorf("clv: model: %w", b2bkit.Invalid("", "read: %v", err))
	}
	var m Model
	if err := wire.DecodeStrict(data, &m); err != nil {
		return Model{}, fmt.Errorf("clv: model: %w", err)
	}
	return m, nil
}
