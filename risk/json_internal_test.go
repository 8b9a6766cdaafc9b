package risk

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
)

// The plain shapes a type is read through name the fields it is written with, no more and no fewer:
// a field added to FeatureSet and not to featureSetIn would be refused as unknown in every set read
// back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	names := func(v any) []string { return slices.Sorted(maps.Keys(wire.Fields(reflect.TypeOf(v)))) }
	for _, c := range [][2]any{{FeatureSet{}, featureSetIn{}}, {valueJSON{}, valueIn{}}, {resultJSON{}, resultIn{}},
		{AttributePoints{}, attributePointsIn{}}, {Reason{}, reasonIn{}}, {Limit{}, limitIn{}}, {Verdict{}, verdictIn{}},
		{Financeable{}, financeableIn{}}, {GoodsDecision{}, goodsDecisionIn{}}, {receivableJSON{}, receivableIn{}},
		{scorecardIn{}, Scorecard{}}, {attributeIn{}, Attribute{}}, {gradeBandIn{}, GradeBand{}}, {binOutJSON{}, binIn{}}} {
		require.Equal(t, names(c[0]), names(c[1]), "%T", c[0])
	}
}
