package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// TestR13_AMatchGivenTwiceInABatchIsComparedWithTheStoredOne: a batch that holds one stored match
// twice, at two statuses the stored one has reached (proposed and accepted, the match since
// cancelled), is a retry on every log, as on matching.MemoryLog, which compares each copy with the
// match as stored; a copy at a status it cannot have been (fulfilled) is a conflict everywhere.
// Append and Import both. Before, the second copy was compared with the first one of the batch —
// accepted cannot become proposed — and the retry was refused as a conflict.
func TestR13_AMatchGivenTwiceInABatchIsComparedWithTheStoredOne(t *testing.T) {
	ctx := context.Background()
	prepare := func(t *testing.T, l matching.Log) (proposed, accepted, fulfilled matching.Match) {
		proposed = matchingtest.Sample("M-1", epoch)
		require.NoError(t, l.Append(ctx, proposed))
		require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Cancelled, At: epoch.Add(time.Hour), By: "ops"}))
		accepted, fulfilled = proposed, proposed
		accepted.Status, fulfilled.Status = matching.Accepted, matching.Fulfilled
		return proposed, accepted, fulfilled
	}
	t.Run("memory", func(t *testing.T) {
		l := matching.NewMemoryLog()
		proposed, accepted, fulfilled := prepare(t, l)
		require.NoError(t, l.Append(ctx, proposed, accepted), "the reference")
		require.ErrorIs(t, l.Append(ctx, proposed, fulfilled), b2bkit.ErrConflict, "the reference")
	})
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		l := open(t).Matches()
		proposed, accepted, fulfilled := prepare(t, l)
		require.NoError(t, l.Append(ctx, proposed, accepted))
		require.ErrorIs(t, l.Append(ctx, proposed, fulfilled), b2bkit.ErrConflict)
		res, err := l.Import(ctx, b2bkit.Stream([]matching.Match{proposed, accepted}))
		require.NoError(t, err)
		assert.Equal(t, sqlstore.ImportResult{Existing: 2}, res)
		_, err = l.Import(ctx, b2bkit.Stream([]matching.Match{proposed, fulfilled}))
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		// A new match given twice is still compared with its first copy, as the reference does.
		fresh := matchingtest.Sample("M-2", epoch)
		later := fresh
		later.Status = matching.Accepted
		require.ErrorIs(t, l.Append(ctx, fresh, later), b2bkit.ErrConflict)
		_, err = l.Import(ctx, b2bkit.Stream([]matching.Match{fresh, later}))
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.Equal(t, 1, count(t, l), "only the first match is stored")
	})
}
