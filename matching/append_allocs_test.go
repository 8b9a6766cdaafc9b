package matching_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/stretchr/testify/require"
)

// TestAppendAllocatesNothingPerMatch: appending one ordinary match costs no allocation of its own
// (the log's storage grows in chunks, a fraction of an allocation a match). A check for trailing
// zeros that let the caller's batch escape to the heap cost one per append, unseen by every other test.
func TestAppendAllocatesNothingPerMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	l := matching.NewMemoryLog()
	start := today.AddDate(0, -1, 0)
	const n = 2000
	ms := make([]matching.Match, n)
	for i := range ms {
		ms[i] = benchMatch(rng, "A-"+strconv.Itoa(i), start.Add(time.Duration(i)*time.Minute), b2bkit.SKU(benchSKUs[i%len(benchSKUs)]))
	}
	i := 0
	allocs := testing.AllocsPerRun(n-1, func() {
		m := ms[i]
		i++
		if err := l.Append(ctx, m); err != nil {
			t.Fatal(err)
		}
	})
	require.Less(t, allocs, 0.5, "allocations per append")
}
