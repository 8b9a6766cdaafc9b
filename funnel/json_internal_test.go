package funnel

import (
	"testing"

	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
)

// The wire shapes a report and a cohort table decode into name the types' fields, no more and no
// fewer: a field added to Report and not to reportJSON would be refused as unknown in every report
// read back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	wiretest.SameNames(t, [][2]any{{Report{}, reportJSON{}}, {Excluded{}, excludedJSON{}}, {CohortTable{}, cohortTableJSON{}}})
}
