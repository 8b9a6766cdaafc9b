package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

// MaxBytes is the largest JSON document b2bkit reads; the root package exports it as MaxJSONBytes.
const MaxBytes = 8 << 20

// DecodeStrict decodes one JSON value from data into v, rejecting unknown fields, trailing data,
// documents over MaxBytes, a key given twice in one object and a key that is not written exactly as
// its struct field's json name (see checkKeys). Errors match ErrInvalid and name the field by its
// path where there is one, a value the decoder refused included (see locate).
func DecodeStrict(data []byte, v any) error {
	if len(data) > MaxBytes {
		return xerr.Invalid("", "json: document larger than %d bytes", MaxBytes)
	}
	end, loose, checked := checkKeys(data, reflect.TypeOf(v))
	if checked != nil && checked != errStop {
		return checked
	}
	if checked == nil && !loose && len(bytes.TrimLeft(data[end:], " \t\r\n")) == 0 {
		// The walk read the whole value and refused every key no field has (no interface could
		// hold a struct it did not see): json.Unmarshal reads it as the decoder would, without
		// copying it into a decoder's buffer first.
		if err := json.Unmarshal(data, v); err != nil {
			return located(data, v, err)
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return located(data, v, err)
	}
	// dec.More would miss a stray '}' or ']': anything but white space after the value is refused.
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return xerr.Invalid("", "json: unexpected data after the value")
	}
	if checked == errStop {
		// The walk found the document malformed where the decoder did not: refuse what was not checked.
		return xerr.Invalid("", "json: document could not be checked for duplicate keys")
	}
	return nil
}

// located is err, a decoding error encoding/json reports without the place of the value ("cannot
// unmarshal string into Go struct field ruleJSON.scale", "unknown rounding mode"), named by its path
// when locate finds it. A type with its own UnmarshalJSON has located its error already, when it
// decodes through DecodeStrict. A document that is not JSON has no value to locate: the decoder
// says where it stops being JSON.
func located(data []byte, v any, err error) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return jsonError(err)
	}
	t := reflect.TypeOf(v)
	if t != nil && t.Kind() == reflect.Pointer && !t.Implements(jsonUnmarshaler) {
		if l := locate(data, t.Elem(), ""); l != nil {
			return l
		}
	}
	return jsonError(err)
}

func jsonError(err error) error {
	if errors.Is(err, xerr.ErrInvalid) {
		return err
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: ") {
		return xerr.Invalid("", "%s", brief(msg))
	}
	return xerr.Invalid("", "json: %s", brief(err.Error()))
}

// ParseWord is how b2bkit's enums read their JSON words: the index of word in words, or an error
// matching ErrInvalid ("unknown channel \"fax\"") that echoes at most a short prefix of hostile input.
// Empty entries of words (unused enum values) never match.
func ParseWord(words []string, word []byte, what string) (int, error) {
	for i, w := range words {
		if w != "" && w == string(word) {
			return i, nil
		}
	}
	return 0, xerr.Invalid("", "unknown %s %q", what, xerr.Echo(string(word)))
}

// Values converts the wire shapes ws to the values they carry, nil for nil: a type read through a
// plain shape converts its lists with it.
func Values[W, T any](ws []W, value func(*W) T) []T {
	if ws == nil {
		return nil
	}
	out := make([]T, len(ws))
	for i := range ws {
		out[i] = value(&ws[i])
	}
	return out
}
