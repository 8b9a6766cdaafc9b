package b2bkit

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
)

// The wire shapes a type decodes into name the type's fields, no more and no fewer: a field added to
// Order and not to orderJSON would be refused as unknown in every order read back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	names := func(v any) []string { return slices.Sorted(maps.Keys(wire.Fields(reflect.TypeOf(v)))) }
	for _, c := range [][2]any{{Order{}, orderJSON{}}, {Shipment{}, shipmentJSON{}}, {Terms{}, termsJSON{}},
		{PaymentTerms{}, paymentTermsJSON{}}} {
		require.Equal(t, names(c[0]), names(c[1]), "%T", c[0])
	}
}
