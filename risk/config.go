package risk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// maxConfigBytes bounds a configuration document (a scorecard, a limit, warning or haircut policy,
// tolerances): far more than any real one needs, little enough to read without worry.
const maxConfigBytes = 1 << 20

// loadValidated reads a configuration document of type T with loadConfig and validates it: the one
// shape of every LoadXxx of the package.
func loadValidated[T interface{ Validate() error }](r io.Reader, what string) (T, error) {
	var v T
	if err := loadConfig(r, what, &v); err != nil {
		var zero T
		return zero, err
	}
	if err := v.Validate(); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// loadConfig reads one JSON document of at most maxConfigBytes into v, strictly (unknown fields,
// trailing data and a null document rejected), naming what it reads in its errors ("scorecard.attributes[0]...").
func loadConfig(r io.Reader, what string, v any) error {
	if r == nil {
		return fmt.Errorf("risk: %w", b2bkit.Invalid(what, "no reader"))
	}
	data, err := io.ReadAll(io.LimitReader(r, maxConfigBytes+1))
	if err != nil {
		return fmt.Errorf("risk: %w", b2bkit.Invalid(what, "read: %v", err))
	}
	if len(data) > maxConfigBytes {
		return fmt.Errorf("risk: %w", b2bkit.Invalid(what, "document larger than %d bytes", maxConfigBytes))
	}
	if string(bytes.TrimSpace(data)) == "null" {
		// encoding/json reads null into a struct as nothing at all: a policy of defaults.
		return fmt.Errorf("risk: %w", b2bkit.Invalid(what, "must be a JSON object, not null"))
	}
	if err := decodeConfig(data, v); err != nil {
		return fmt.Errorf("risk: %w", b2bkit.InField(what, err))
	}
	return nil
}

// decodeConfig decodes data into v strictly. Every configuration type reads itself, strictly: given
// to wire.DecodeStrict, which checks and reads a document before handing it to the type, the
// document was read twice over, whole.
func decodeConfig(data []byte, v any) error {
	u, ok := v.(json.Unmarshaler)
	if !ok {
		return wire.DecodeStrict(data, v)
	}
	if err := u.UnmarshalJSON(data); err != nil {
		// A refused document is named as it was, read by wire.DecodeStrict first: that names a
		// document that is not JSON by the decoder's message, not as a value that is not an
		// object, and a key given twice before any other problem.
		if again := wire.DecodeStrict(data, v); again != nil {
			return again
		}
		return err
	}
	return nil
}

// The fields of a configuration document that read themselves are read from their raw JSON by
// the type that holds them, not by encoding/json, which reports an error of a field reading itself
// without the field's name ("number \"x\": unexpected character"): configDecimal and configFloat
// name it, and refuse null, which encoding/json would take for an absent value or a zero.

// configDecimal reads the decimal of field from its raw JSON, a decimal string or a number, as
// b2bkit.JSONDecimal reads it. ok is false when the field is absent (raw is nil).
func configDecimal(field string, raw json.RawMessage) (d decimal.Decimal, ok bool, err error) {
	if raw == nil {
		return decimal.Decimal{}, false, nil
	}
	if string(raw) == "null" {
		return decimal.Decimal{}, false, b2bkit.Invalid(field, "must be a decimal, not null")
	}
	var j b2bkit.JSONDecimal
	if err := j.UnmarshalJSON(raw); err != nil {
		return decimal.Decimal{}, false, b2bkit.InField(field, err)
	}
	return j.Decimal, true, nil
}

// configString reads the string of field from its raw JSON; an absent field is "". null is refused
// as it is for the numbers: encoding/json would read it as "", which for an optional field (a
// currency) is a meaning of its own.
func configString(field string, raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", nil
	}
	var s string
	if string(raw) == "null" {
		return "", b2bkit.Invalid(field, "must be a string, not null")
	}
	if json.Unmarshal(raw, &s) != nil {
		return "", b2bkit.Invalid(field, "must be a string, not %s", xerr.Echo(string(raw)))
	}
	return s, nil
}

// configFloat reads the number of field from its raw JSON; an absent field is 0.
func configFloat(field string, raw json.RawMessage) (float64, error) {
	if raw == nil {
		return 0, nil
	}
	if jsonNumber(raw) {
		// Read as encoding/json reads a number into a float64, without a decoder for each value.
		if f, err := strconv.ParseFloat(string(raw), 64); err == nil {
			return f, nil
		}
	}
	var f float64
	if string(raw) == "null" || json.Unmarshal(raw, &f) != nil {
		return 0, b2bkit.Invalid(field, "must be a number, not %s", xerr.Echo(string(raw)))
	}
	return f, nil
}

// jsonNumber reports whether b is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func jsonNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}
