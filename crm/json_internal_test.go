package crm

import (
	"testing"

	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
)

// The shape a company is read through names its fields, no more and no fewer: a field added to
// Company and not to companyJSON would be refused as unknown in every company read back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	wiretest.SameNames(t, [][2]any{{Company{}, companyJSON{}}})
}
