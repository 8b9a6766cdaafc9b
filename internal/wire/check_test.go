package wire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

type rule struct {
	Percent string `json:"percent"`
	Note    string `json:"note,omitempty"`
}

type step struct {
	Rules []rule `json:"rules"`
}

// Embedded's fields are promoted into doc, as encoding/json reads them.
type Embedded struct {
	Code string `json:"code"`
}

type hidden struct {
	Shown string `json:"shown"`
}

// selfRead reads itself with plain encoding/json, which matches "UPPER" to its field "upper":
// DecodeStrict leaves the names of a type that reads itself to that type.
type selfRead struct {
	Upper int `json:"upper"`
}

func (s *selfRead) UnmarshalJSON(b []byte) error {
	type plain selfRead
	return json.Unmarshal(b, (*plain)(s))
}

// word reads itself from a JSON string.
type word string

func (w *word) UnmarshalText(b []byte) error {
	*w = word(bytes.ToUpper(b))
	return nil
}

type doc struct {
	Embedded
	hidden
	Name   string            `json:"name"`
	Base   int               `json:"base,omitempty"`
	Plain  int               // no tag: its json name is "Plain"
	Skip   int               `json:"-"`
	Steps  []step            `json:"steps"`
	ByKey  map[string]rule   `json:"by_key"`
	Counts map[string]int    `json:"counts"`
	Ptr    *rule             `json:"ptr"`
	Arr    [2]rule           `json:"arr"`
	Any    any               `json:"any"`
	Raw    json.RawMessage   `json:"raw"`
	Self   selfRead          `json:"self"`
	Word   word              `json:"word"`
	Words  map[string]word   `json:"words"`
	Deep   map[string][]rule `json:"deep"`
	//lint:ignore U1000 an unexported field, which encoding/json never fills, so its name is unknown
	secret int
}

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var fe *xerr.FieldError
	require.True(t, errors.As(err, &fe), "%v is not a FieldError", err)
	return fe.Field
}

// DecodeStrict refuses a key given twice in one object, wherever the object is, naming its path.
func TestDecodeStrictRefusesADuplicateKey(t *testing.T) {
	many := `{"counts":{`
	for i := range 40 {
		many += `"k` + strings.Repeat("x", i) + `":1,`
	}
	many += `"kxxx":2}}`
	tests := []struct{ name, doc, field string }{
		{"at the top", `{"name":"a","base":1,"name":"b"}`, "name"},
		{"written with an escape", `{"name":"a","n\u0061me":"b"}`, "name"},
		{"in a nested object", `{"ptr":{"note":"a","note":"b"}}`, "ptr.note"},
		{"a map key", `{"by_key":{"a":{},"b":{},"a":{}}}`, "by_key.a"},
		{"in a map's value", `{"by_key":{"a":{"percent":"1","percent":"2"}}}`, "by_key.a.percent"},
		{"in an array of objects", `{"steps":[{"rules":[{},{"percent":"1","percent":"2"}]}]}`, "steps[0].rules[1].percent"},
		{"in a fixed array", `{"arr":[{},{"note":"x","note":"y"}]}`, "arr[1].note"},
		{"in a map of arrays", `{"deep":{"d":[{"note":"x","note":"y"}]}}`, "deep.d[0].note"},
		{"under an interface", `{"any":{"x":[{"y":1,"y":2}]}}`, "any.x[0].y"},
		{"under a RawMessage", `{"raw":{"k":1,"k":2}}`, "raw.k"},
		{"under a type that reads itself", `{"self":{"upper":1,"upper":2}}`, "self.upper"},
		{"in a large object", many, "counts.kxxx"},
		{"invalid UTF-8 keys encoding/json reads alike", "{\"counts\":{\"\xff\":1,\"\xfe\":2}}", "counts.\ufffd"},
		{"an embedded field", `{"code":"a","code":"b"}`, "code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, json.Unmarshal([]byte(tt.doc), new(doc)), "plain encoding/json accepts it")
			err := wire.DecodeStrict([]byte(tt.doc), new(doc))
			require.ErrorIs(t, err, xerr.ErrInvalid)
			assert.Equal(t, tt.field, fieldOf(t, err))
			assert.Contains(t, err.Error(), "duplicate key")
		})
	}
}

// DecodeStrict refuses a key that matches a struct field only the way encoding/json folds names,
// saying how the field is written; a key that matches no field is unknown, as before.
func TestDecodeStrictRefusesAKeyNotWrittenExactly(t *testing.T) {
	tests := []struct{ name, doc, field, want string }{
		{"capitalised", `{"Name":"a"}`, "Name", `the field is "name"`},
		{"upper case", `{"BASE":1}`, "BASE", `the field is "base"`},
		{"folded by Unicode", `{"baſe":1}`, "baſe", "unknown field"},
		{"nested", `{"steps":[{"rules":[{"PERCENT":"1"}]}]}`, "steps[0].rules[0].PERCENT", `the field is "percent"`},
		{"in a map's value", `{"by_key":{"a":{"Note":"x"}}}`, "by_key.a.Note", `the field is "note"`},
		{"behind a pointer", `{"ptr":{"Percent":"1"}}`, "ptr.Percent", `the field is "percent"`},
		{"an embedded field", `{"Code":"a"}`, "Code", `the field is "code"`},
		{"a field of an unexported embedded struct", `{"SHOWN":"a"}`, "SHOWN", `the field is "shown"`},
		{"an untagged field in lower case", `{"plain":1}`, "plain", `the field is "Plain"`},
		{"the field skipped by \"-\"", `{"Skip":1}`, "Skip", "unknown field"},
		{"an unexported field", `{"secret":1}`, "secret", "unknown field"},
		{"a field that is not there", `{"colour":1}`, "colour", "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wire.DecodeStrict([]byte(tt.doc), new(doc))
			require.ErrorIs(t, err, xerr.ErrInvalid)
			assert.Equal(t, tt.field, fieldOf(t, err))
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A valid document decodes exactly as encoding/json decodes it: map keys in any case, names under a
// type that reads itself left to it, promoted and "-," fields.
func TestDecodeStrictDecodesAValidDocumentAsEncodingJSON(t *testing.T) {
	docs := []string{
		`{}`,
		`null`,
		` { "name" : "a" , "base" : 0 , "Plain" : 3 } `,
		`{"code":"c","shown":"s","steps":[{"rules":[{"percent":"1","note":"n"},{}]},{"rules":null}]}`,
		`{"by_key":{"A":{"percent":"1"},"a":{"percent":"2"}},"counts":{"x":1,"X":2,"n\u0061me":3}}`,
		`{"ptr":null,"arr":[{"note":"a"},{"note":"b"}],"any":{"k":[1,{"K":2,"k":3}],"s":"x"}}`,
		`{"raw":{"a":[1,2,{"b":null}]},"self":{"UPPER":7},"word":"abc","words":{"a":"x","A":"y"}}`,
		`{"deep":{"d":[{"percent":"\"quoted\" \\ text"}]},"name":"\u00e9\ud83d\ude00"}`,
	}
	for _, d := range docs {
		var want, got doc
		require.NoError(t, json.Unmarshal([]byte(d), &want), d)
		require.NoError(t, wire.DecodeStrict([]byte(d), &got), d)
		assert.Equal(t, want, got, d)
	}
	// Not a struct at the top: a map and a slice, into their own types.
	var m, wantM map[string][]int
	require.NoError(t, wire.DecodeStrict([]byte(`{"a":[1],"A":[2]}`), &m))
	require.NoError(t, json.Unmarshal([]byte(`{"a":[1],"A":[2]}`), &wantM))
	assert.Equal(t, wantM, m)
	require.ErrorIs(t, wire.DecodeStrict([]byte(`{"a":[1],"a":[2]}`), &m), xerr.ErrInvalid)
}

// Fields that share a name follow encoding/json: the shallower one wins, a tagged one beats an
// untagged one at the same depth, and a tie hides both (so the key is unknown).
func TestDecodeStrictFollowsEncodingJSONOnSharedNames(t *testing.T) {
	type A struct {
		Y int
		Z int
	}
	type B struct {
		Y int `json:"Y"`
		Z int
	}
	type outer struct {
		A
		B
		Top int `json:"x_top"`
	}
	var got, want outer
	require.NoError(t, json.Unmarshal([]byte(`{"Y":1,"x_top":2}`), &want))
	require.NoError(t, wire.DecodeStrict([]byte(`{"Y":1,"x_top":2}`), &got))
	assert.Equal(t, want, got)
	for _, d := range []string{`{"Z":1}`, `{"z":1}`} {
		require.ErrorIs(t, wire.DecodeStrict([]byte(d), &got), xerr.ErrInvalid, d)
		require.Error(t, strictJSON([]byte(d), new(outer)), "encoding/json refuses it too: %s", d)
	}
	type shallow struct {
		A
		Z string
	}
	var s shallow
	require.NoError(t, wire.DecodeStrict([]byte(`{"Z":"top","Y":2}`), &s))
	assert.Equal(t, "top", s.Z)
	assert.Equal(t, 2, s.Y)
}

// A struct that embeds nothing has its fields looked up one key at a time, by the same rules: a
// tagged field beats an untagged one of the same name, two tagged alike hide each other, "-" skips
// a field and "-," names it "-", an invalid tag name falls back to the Go name, unexported fields
// are not fields. Each accepted key decodes as encoding/json decodes it. (The struct is made with
// reflect.StructOf: vet and staticcheck refuse such tags in source, rightly.)
func TestDecodeStrictFollowsEncodingJSONOnSharedNamesWithoutEmbedding(t *testing.T) {
	field := func(name, tag string) reflect.StructField {
		return reflect.StructField{Name: name, Type: reflect.TypeFor[int](), Tag: reflect.StructTag(tag)}
	}
	flat := reflect.StructOf([]reflect.StructField{field("Y", `json:"X"`), field("X", ""), field("P", `json:"p"`),
		field("Q", `json:"p"`), field("R", `json:"-"`), field("S", `json:"-,"`), field("T", `json:"a b"`),
		field("V", `json:"x\\y"`)})
	for _, c := range []struct {
		key string
		ok  bool
	}{{"X", true}, {"Y", false}, {"p", false}, {"P", false}, {"R", false}, {"-", true}, {"a b", true},
		{"V", true}, {`x\\y`, false}, {"x", false}} {
		doc := []byte(`{"` + c.key + `":1}`)
		got := reflect.New(flat)
		err := wire.DecodeStrict(doc, got.Interface())
		if !c.ok {
			require.ErrorIs(t, err, xerr.ErrInvalid, c.key)
			continue
		}
		require.NoError(t, err, c.key)
		want := reflect.New(flat)
		require.NoError(t, strictJSON(doc, want.Interface()), c.key)
		assert.Equal(t, want.Elem().Interface(), got.Elem().Interface(), c.key)
		assert.False(t, got.Elem().IsZero(), c.key)
	}
	type unexported struct {
		A int
		b int
	}
	var u unexported
	require.ErrorIs(t, wire.DecodeStrict([]byte(`{"b":1}`), &u), xerr.ErrInvalid)
	assert.Zero(t, u.b)
}

// strictJSON is encoding/json with unknown fields refused, what DecodeStrict did before it checked keys.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// The walk goes as deep as encoding/json does: its nesting limit holds, and a duplicate is found at
// the bottom of it.
func TestDecodeStrictNestingLimit(t *testing.T) {
	const limit = 10000
	var v any
	require.NoError(t, wire.DecodeStrict([]byte(strings.Repeat("[", limit)+strings.Repeat("]", limit)), &v))
	require.ErrorIs(t, wire.DecodeStrict([]byte(strings.Repeat("[", limit+1)+strings.Repeat("]", limit+1)), &v), xerr.ErrInvalid)
	deep := strings.Repeat("[", limit-1) + `{"a":1,"a":2}` + strings.Repeat("]", limit-1)
	err := wire.DecodeStrict([]byte(deep), &v)
	require.ErrorIs(t, err, xerr.ErrInvalid)
	assert.Contains(t, err.Error(), "duplicate key")
}

// Malformed documents are still the decoder's to report, duplicates or not.
func TestDecodeStrictLeavesMalformedDocumentsToTheDecoder(t *testing.T) {
	for _, d := range []string{`{"a":1,"a":`, `{"a" 1}`, `{"a":1,,"b":2}`, `[1 2]`, `{"a":tru}`, `"open`, ``, `{"a":1}}`} {
		var v any
		require.ErrorIs(t, wire.DecodeStrict([]byte(d), &v), xerr.ErrInvalid, d)
		require.Error(t, json.Unmarshal([]byte(d), &v), d)
	}
}

// A large document is walked in one pass: a map of 200,000 keys, with its duplicate last.
func TestDecodeStrictLargeDocument(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"counts":{`)
	for i := range 200_000 {
		b.WriteString(`"k`)
		b.WriteString(fmt.Sprintf("%08d", i))
		b.WriteString(`":1,`)
	}
	ok := b.String() + `"last":2}}`
	bad := b.String() + `"k00000007":2}}`
	var d doc
	require.NoError(t, wire.DecodeStrict([]byte(ok), &d))
	assert.Len(t, d.Counts, 200_001)
	err := wire.DecodeStrict([]byte(bad), &d)
	require.ErrorIs(t, err, xerr.ErrInvalid)
	assert.Equal(t, "counts.k00000007", fieldOf(t, err))
}

func BenchmarkDecodeStrict(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"steps":[`)
	for i := range 20_000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"rules":[{"percent":"1.5","note":"a note"},{"percent":"2"}]}`)
	}
	sb.WriteString(`]}`)
	data := []byte(sb.String())
	// strict is DecodeStrict; before is what it did before it checked keys, for the difference.
	for name, decode := range map[string]func([]byte, any) error{"strict": wire.DecodeStrict, "before": strictJSON} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var d doc
				if err := decode(data, &d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzDecodeStrict: nothing panics; what DecodeStrict accepts, encoding/json decodes to the same
// value; and read into interface{} it accepts a valid document exactly when no object in it repeats
// a key (found here by a separate walk over json.Decoder's tokens).
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{
		`{"name":"a","steps":[{"rules":[{"percent":"1"}]}],"by_key":{"a":{}}}`,
		`{"name":"a","name":"b"}`, `{"Name":"a"}`, `{"any":{"x":{"y":1,"y":2}}}`, `{"self":{"UPPER":1}}`,
		`{"code":"c","shown":"s","Plain":2}`, `[{"a":1},{"a":1,"a":2}]`, `{"a\u0062":1,"ab":2}`,
		`{"word":"x","words":{"a":"b"},"raw":[1,{"k":null}]}`, `{"a":1} {}`, `{"a":`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got doc
		if err := wire.DecodeStrict(data, &got); err == nil {
			var want doc
			require.NoError(t, json.Unmarshal(data, &want))
			assert.Equal(t, want, got)
		} else {
			require.ErrorIs(t, err, xerr.ErrInvalid)
		}
		var anyGot any
		err := wire.DecodeStrict(data, &anyGot)
		if !json.Valid(data) {
			require.Error(t, err)
			return
		}
		dup := hasDuplicateKey(json.NewDecoder(bytes.NewReader(data)))
		if dup {
			require.ErrorIs(t, err, xerr.ErrInvalid)
			assert.Contains(t, err.Error(), "duplicate key")
			return
		}
		var anyWant any
		plainErr := json.Unmarshal(data, &anyWant)
		if err != nil {
			// Without duplicates, read into interface{}, only the size cap and what encoding/json
			// refuses itself (a number out of float64's range) are refused.
			if plainErr == nil {
				assert.Greater(t, len(data), wire.MaxBytes, err.Error())
			}
			return
		}
		require.NoError(t, plainErr)
		assert.Equal(t, anyWant, anyGot)
	})
}

// hasDuplicateKey reads one value from dec and reports whether an object in it repeats a key.
func hasDuplicateKey(dec *json.Decoder) bool {
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		dup := false
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return false
			}
			key, _ := k.(string)
			dup = dup || seen[key]
			seen[key] = true
			dup = hasDuplicateKey(dec) || dup
		}
		_, _ = dec.Token()
		return dup
	case json.Delim('['):
		dup := false
		for dec.More() {
			dup = hasDuplicateKey(dec) || dup
		}
		_, _ = dec.Token()
		return dup
	}
	return false
}

// An error repeats at most a short prefix of what a document holds: a key of 100,000 bytes, unknown
// or given twice, and a number of a million digits the decoder refuses are named, not copied whole
// into the host's logs.
func TestDecodeStrictErrorsDoNotEchoHugeInput(t *testing.T) {
	type doc struct {
		Days  int    `json:"valid_days"`
		Inner []rule `json:"inner"`
	}
	huge := strings.Repeat("k", 100_000)
	digits := strings.Repeat("9", 1_000_000)
	for name, d := range map[string]string{
		"unknown key":        `{"` + huge + `":1}`,
		"duplicate key":      `{"inner":[{"` + huge + `":"1","` + huge + `":"2"}]}`,
		"huge number":        `{"valid_days":` + digits + `}`,
		"huge number inside": `{"inner":[{"percent":` + digits + `}]}`,
	} {
		err := wire.DecodeStrict([]byte(d), new(doc))
		require.ErrorIs(t, err, xerr.ErrInvalid, name)
		assert.Less(t, len(err.Error()), 400, "%s: %.200s", name, err)
	}
}

// Each object is checked against its own type's fields, however many objects of that type and of
// others the document holds and however deep: the fields of a type are worked out once per call
// and not mixed up with another's.
func TestDecodeStrictChecksEveryObjectByItsOwnType(t *testing.T) {
	type node struct {
		Name string `json:"name"`
		Kids []node `json:"kids"`
	}
	type other struct {
		Name int `json:"NAME"`
	}
	type tree struct {
		Root  node    `json:"root"`
		Other []other `json:"other"`
		Rules []rule  `json:"rules"`
	}
	var b strings.Builder
	b.WriteString(`{"root":{"name":"r","kids":[{"name":"a","kids":[{"name":"b"}]},{"name":"c"}]},"other":[{"NAME":1}],"rules":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"percent":"%d"}`, i)
	}
	b.WriteString(`]}`)
	good := b.String()
	var got, want tree
	require.NoError(t, wire.DecodeStrict([]byte(good), &got))
	require.NoError(t, json.Unmarshal([]byte(good), &want))
	assert.Equal(t, want, got)
	for bad, field := range map[string]string{
		strings.Replace(good, `{"percent":"999"}`, `{"percent":"999","NAME":1}`, 1):          "rules[999].NAME",
		strings.Replace(good, `{"percent":"500"}`, `{"Percent":"500"}`, 1):                   "rules[500].Percent",
		strings.Replace(good, `{"name":"b"}`, `{"name":"b","NAME":1}`, 1):                    "root.kids[0].kids[0].NAME",
		strings.Replace(good, `"other":[{"NAME":1}]`, `"other":[{"NAME":1},{"name":1}]`, 1):  "other[1].name",
		strings.Replace(good, `{"percent":"0"}`, `{"percent":"0","note":"x","note":"y"}`, 1): "rules[0].note",
	} {
		err := wire.DecodeStrict([]byte(bad), new(tree))
		require.ErrorIs(t, err, xerr.ErrInvalid, field)
		assert.Equal(t, field, fieldOf(t, err))
	}
}
