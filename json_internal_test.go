package b2bkit

import (
	"testing"

	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
)

// The wire shapes a type decodes into name the type's fields, no more and no fewer: a field added to
// Order and not to orderJSON would be refused as unknown in every order read back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	wiretest.SameNames(t, [][2]any{{Order{}, orderJSON{}}, {Shipment{}, shipmentJSON{}}, {Terms{}, termsJSON{}},
		{PaymentTerms{}, paymentTermsJSON{}}})
}
