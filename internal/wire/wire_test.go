package wire_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

func TestParseWord(t *testing.T) {
	words := []string{"", "manual", "semi_auto"}
	i, err := wire.ParseWord(words, []byte("semi_auto"), "channel")
	require.NoError(t, err)
	assert.Equal(t, 2, i)
	// The unused zero entry never matches, so an empty word is not a silent zero value.
	_, err = wire.ParseWord(words, []byte(""), "channel")
	require.ErrorIs(t, err, xerr.ErrInvalid)
	_, err = wire.ParseWord(words, []byte(strings.Repeat("x", 1000)), "channel")
	require.ErrorIs(t, err, xerr.ErrInvalid)
	assert.Less(t, len(err.Error()), 100)
}

// DecodeStrict refuses unknown fields, trailing data, syntax errors and documents over MaxBytes, all
// as ErrInvalid.
func TestDecodeStrictRefusesWhatPlainJSONAccepts(t *testing.T) {
	type doc struct {
		ID string `json:"id"`
	}
	for name, in := range map[string]string{
		"unknown field": `{"id":"a","extra":1}`,
		"trailing data": `{"id":"a"} {}`,
		"not json":      `{"id":`,
		"too big":       `{"id":"` + strings.Repeat("x", wire.MaxBytes) + `"}`,
	} {
		var d doc
		require.ErrorIs(t, wire.DecodeStrict([]byte(in), &d), xerr.ErrInvalid, name)
	}
	var d doc
	require.NoError(t, wire.DecodeStrict([]byte(`{"id":"a"}`), &d))
	assert.Equal(t, "a", d.ID)
}

// A document that is not JSON is reported as the decoder finds it, into any type: a struct's was
// "must be an object", as if it were JSON of another shape, where a type that reads itself said
// "json: invalid character".
func TestDecodeStrictReportsADocumentThatIsNotJSONAsSuch(t *testing.T) {
	type doc struct {
		ID    string   `json:"id"`
		Steps []string `json:"steps"`
	}
	for in, want := range map[string]string{
		``:                       "json: EOF",
		`steps: []`:              "json: invalid character 's'",
		`{"id":`:                 "json: unexpected EOF",
		`{"id":"a","steps":[1,]`: "json: invalid character ']'",
	} {
		var d doc
		err := wire.DecodeStrict([]byte(in), &d)
		require.ErrorIs(t, err, xerr.ErrInvalid, in)
		require.ErrorContains(t, err, want, in)
	}
}

// An interface that holds a pointer to a struct is decoded into that struct, which the walk does
// not see: its unknown keys are still refused, by the decoder.
func TestDecodeStrictRefusesUnknownKeysInAStructHeldByAnInterface(t *testing.T) {
	type inner struct {
		ID string `json:"id"`
	}
	type outer struct {
		Held any `json:"held"`
	}
	v := outer{Held: &inner{}}
	err := wire.DecodeStrict([]byte(`{"held":{"id":"a","extra":1}}`), &v)
	require.ErrorIs(t, err, xerr.ErrInvalid)
	require.ErrorContains(t, err, "extra")
	var top any = &inner{}
	require.ErrorIs(t, wire.DecodeStrict([]byte(`{"id":"a","extra":1}`), &top), xerr.ErrInvalid)
	// Without a struct to fill, an interface takes what encoding/json gives it.
	var free any
	require.NoError(t, wire.DecodeStrict([]byte(`{"id":"a","extra":[1]}`), &free))
	assert.Equal(t, map[string]any{"id": "a", "extra": []any{1.0}}, free)
}
