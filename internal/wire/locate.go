package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

// locate finds the value of a document the decoder could not read into a t, and returns its error
// naming it by its path: encoding/json says "cannot unmarshal string into Go struct field
// ruleJSON.scale" or "unknown rounding mode" without saying which step, rule or field. It walks
// the document and the type together (checkKeys has refused duplicate keys and keys in other
// cases), decoding each value alone; a value of a type with its own decoding is decoded by it,
// which through DecodeStrict locates what is wrong inside. It returns nil when
// every value decodes alone (the problem is the document's own: trailing data, its size).
func locate(data []byte, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) || t.Kind() != reflect.Struct &&
		t.Kind() != reflect.Slice && t.Kind() != reflect.Array && t.Kind() != reflect.Map {
		err := json.Unmarshal(data, reflect.New(t).Interface())
		if err == nil {
			return nil
		}
		var fe *xerr.FieldError
		if errors.As(err, &fe) {
			return xerr.InField(path, fe)
		}
		return xerr.Invalid(path, "%s", brief(strings.TrimPrefix(err.Error(), "json: ")))
	}
	switch t.Kind() {
	case reflect.Struct:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			return xerr.Invalid(path, "must be an object")
		}
		fields := Fields(t)
		for _, name := range slices.Sorted(maps.Keys(members)) {
			ft, ok := fields[name]
			if !ok {
				return xerr.Invalid(joinKey(path, name), "unknown field")
			}
			if err := locate(members[name], ft, joinKey(path, name)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil {
			return xerr.Invalid(path, "must be a list")
		}
		for i, raw := range elems {
			if err := locate(raw, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			return xerr.Invalid(path, "must be an object")
		}
		for _, name := range slices.Sorted(maps.Keys(members)) {
			if err := locate(members[name], t.Elem(), joinKey(path, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// joinKey is the path of member key of the object at path.
func joinKey(path, key string) string {
	key = xerr.Echo(key) // a hostile key is named by its start
	if path == "" {
		return key
	}
	return path + "." + key
}

// brief is a message of the decoder's cut to a few hundred bytes: encoding/json repeats the value
// it refused, which may be a number of a million digits.
func brief(msg string) string {
	n := 200
	if len(msg) <= n {
		return msg
	}
	for n > 0 && !utf8.RuneStart(msg[n]) {
		n--
	}
	return msg[:n] + "..."
}
