package risk_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/risk"
)

// allocated is the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// readsInProportion requires that decoding doc into a new value of into's type allocates less than
// max times doc's size.
func readsInProportion(t *testing.T, v any, into func() any, max int) {
	t.Helper()
	doc, err := json.Marshal(v)
	require.NoError(t, err)
	dst := into()
	n := allocated(func() { err = json.Unmarshal(doc, dst) })
	require.NoError(t, err)
	require.Less(t, n, uint64(max*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}

// TestJSON_ValuesAreReadInTheDecodeOfWhatHoldsThem: feature sets, values and score results are read
// with memory in proportion to their size. Each value read itself through the strict decoder, which
// checked and decoded its bytes again with a decoder of its own, inside the values, which did the
// same inside the feature set: 47 times the document for a list of feature sets (14 now), 21 for
// results (11), 62 for a host's own features (26: a map of them is read, then kept).
func TestJSON_ValuesAreReadInTheDecodeOfWhatHoldsThem(t *testing.T) {
	fs, err := risk.Features(featBuyer, featMain().history(), featAsOf)
	require.NoError(t, err)
	card := risk.DefaultScorecard()
	res, err := card.Score(fs)
	require.NoError(t, err)
	sets, results := make([]risk.FeatureSet, 1000), make([]risk.Result, 1000)
	for i := range sets {
		sets[i], results[i] = fs, res
	}
	custom := map[risk.Feature]risk.Value{}
	for i := range 5000 {
		custom[risk.Feature(fmt.Sprintf("host_%05d", i))] = risk.NumberValue(decimal.New(int64(i), -2))
	}
	t.Run("feature sets", func(t *testing.T) { readsInProportion(t, sets, func() any { return new([]risk.FeatureSet) }, 25) })
	t.Run("results", func(t *testing.T) { readsInProportion(t, results, func() any { return new([]risk.Result) }, 15) })
	t.Run("values", func(t *testing.T) {
		readsInProportion(t, risk.ValuesOf(custom), func() any { return new(risk.Values) }, 40)
	})
}
