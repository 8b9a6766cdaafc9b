package crm

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
)

// The shape a company is read through names its fields, no more and no fewer: a field added to
// Company and not to companyJSON would be refused as unknown in every company read back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	names := func(v any) []string { return slices.Sorted(maps.Keys(wire.Fields(reflect.TypeOf(v)))) }
	require.Equal(t, names(Company{}), names(companyJSON{}))
}
