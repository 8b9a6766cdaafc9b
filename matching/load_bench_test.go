package matching_test

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/memtest"
	"github.com/b2bkit/b2bkit/matching"
)

// BenchmarkReadMatches20k reads 20,000 matches and a status change for each from JSON lists
// (about 8 and 1.7 MB): a host that keeps its log as JSON, or exports it, reading it back.
func BenchmarkReadMatches20k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	ms := make([]matching.Match, 20_000)
	cs := make([]matching.StatusChange, len(ms))
	for i := range ms {
		ms[i] = benchMatch(rng, "M-"+strconv.Itoa(i), today.AddDate(0, 0, -i%365), b2bkit.SKU(matchingSKU(rng)))
		cs[i] = matching.StatusChange{ID: ms[i].ID, Status: matching.Fulfilled, At: ms[i].Terms.DeliverBy, By: "erp-sync"}
	}
	b.Run("matches", func(b *testing.B) {
		doc, err := json.Marshal(ms)
		if err != nil {
			b.Fatal(err)
		}
		memtest.BenchRead(b, doc, func() error {
			var v []matching.Match
			return json.Unmarshal(doc, &v)
		})
	})
	b.Run("changes", func(b *testing.B) {
		doc, err := json.Marshal(cs)
		if err != nil {
			b.Fatal(err)
		}
		memtest.BenchRead(b, doc, func() error {
			var v []matching.StatusChange
			return json.Unmarshal(doc, &v)
		})
	})
}

func matchingSKU(rng *rand.Rand) string { return benchSKUs[rng.IntN(len(benchSKUs))] }
