package wiretest

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A Case is one document a loader must refuse, written {name, old, new, want}: the good document
// with old replaced by new once, and what the error must say (the field's path and the problem).
type Case [4]string

// Refuses checks that load accepts good and refuses each case, as an error matching ErrInvalid
// whose message holds the case's want. A case that does not change good fails the test.
func Refuses(t *testing.T, good string, load func(doc []byte) error, cases []Case) {
	t.Helper()
	require.NoError(t, load([]byte(good)))
	for _, c := range cases {
		name, old, repl, want := c[0], c[1], c[2], c[3]
		t.Run(name, func(t *testing.T) {
			doc := []byte(strings.Replace(good, old, repl, 1))
			require.NotEqual(t, good, string(doc), "the case must change the document")
			err := load(doc)
			require.ErrorIs(t, err, xerr.ErrInvalid)
			assert.Contains(t, err.Error(), want)
		})
	}
}

// SameNames checks that the two types of each pair read and write the same json names: a type and
// the plain shape it is read through, so that a field added to one and not the other fails here
// instead of being refused as unknown in every document read back.
func SameNames(t *testing.T, pairs [][2]any) {
	t.Helper()
	names := func(v any) []string { return slices.Sorted(maps.Keys(wire.Fields(reflect.TypeOf(v)))) }
	for _, c := range pairs {
		require.Equal(t, names(c[0]), names(c[1]), "%T", c[0])
	}
}
