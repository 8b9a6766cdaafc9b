package sqlstore_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/b2bkit/b2bkit/sqlstore"
)

// TestR13_MatchLogConformance runs matching's conformance suite — idempotent appends compared
// exactly, atomic batches, dated status changes, sequence numbers and exact resumption, followers
// that miss nothing beside concurrent writers — on both dialects.
func TestR13_MatchLogConformance(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		matchingtest.Run(t, func(t *testing.T) matching.Log { return open(t).Matches() })
	})
}
