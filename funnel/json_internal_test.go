package funnel

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
)

// The wire shapes a report and a cohort table decode into name the types' fields, no more and no
// fewer: a field added to Report and not to reportJSON would be refused as unknown in every report
// read back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	names := func(v any) []string { return slices.Sorted(maps.Keys(wire.Fields(reflect.TypeOf(v)))) }
	for _, c := range [][2]any{{Report{}, reportJSON{}}, {Excluded{}, excludedJSON{}}, {CohortTable{}, cohortTableJSON{}}} {
		require.Equal(t, names(c[0]), names(c[1]), "%T", c[0])
	}
}
