package matching_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"

	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/stretchr/testify/require"
)

func TestMemoryLogConformance(t *testing.T) {
	matchingtest.Run(t, func(*testing.T) matching.Log { return matching.NewMemoryLog() })
}

func TestZeroMemoryLogConformance(t *testing.T) {
	matchingtest.Run(t, func(*testing.T) matching.Log { return new(matching.MemoryLog) })
}

// FuzzMemoryLogKeepsMatch: a valid match read from JSON comes back from a MemoryLog as it went in,
// down to how its amounts and times are written, next to a second match sharing its names, amounts
// and terms.
func FuzzMemoryLogKeepsMatch(f *testing.F) {
	good, _ := json.Marshal(matchingtest.Sample("M-1", daysAgo(3)))
	f.Add(good)
	f.Add([]byte(`{"id":"M-2","buyer":"B","seller":"S","sku":"X","quantity":"1.50","unit_price":"99999999999999999999.5",` +
		`"currency":"INR","terms":{"payment":{"installments":[{"share":"0.30","due":"on_order","days":0},` +
		`{"share":"0.70","due":"on_delivery","days":30}]},"ordered_at":"2026-03-01T10:00:00+05:30",` +
		`"deliver_by":"2026-03-05T10:00:00-03:30"},"at":"2026-03-01T10:00:00.123456789+05:45","status":"accepted",` +
		`"subsidy":"0","mode":"self_operated","channel":"full_auto"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m matching.Match
		if json.Unmarshal(data, &m) != nil || m.Validate() != nil {
			return
		}
		l := matching.NewMemoryLog()
		require.NoError(t, l.Append(ctx, m))
		twin := m
		twin.ID += "-twin"
		require.NoError(t, l.Append(ctx, twin))
		for _, want := range []matching.Match{m, twin} {
			got, err := l.Get(ctx, want.ID)
			require.NoError(t, err)
			require.True(t, got.Equal(want))
			wantJSON, err := json.Marshal(want)
			require.NoError(t, err)
			gotJSON, err := json.Marshal(got)
			require.NoError(t, err)
			require.JSONEq(t, string(wantJSON), string(gotJSON))
		}
		require.NoError(t, l.Append(ctx, m), "idempotent")
	})
}

// TestMemoryLogFullIsNotAConflict: a log that can take no more (here: too many distinct time
// zones) refuses with ErrFull, which matches b2bkit.ErrInvalid — retrying cannot succeed — and not
// b2bkit.ErrConflict, which would tell a caller to re-read and retry; it names the match and stores
// nothing, and the matches already stored are still there.
func TestMemoryLogFullIsNotAConflict(t *testing.T) {
	l := matching.NewMemoryLog()
	zoned := func(i int) matching.Match {
		m := match(id("M", i), 10, "B-1", "S-1", "RICE-25KG", "1", "100")
		z := time.FixedZone(fmt.Sprint("Z", i), 8*3600)
		m.At, m.Terms.OrderedAt, m.Terms.DeliverBy = m.At.In(z), m.Terms.OrderedAt.In(z), m.Terms.DeliverBy.In(z)
		return m
	}
	var err error
	n := 0
	for ; n < 1<<17 && err == nil; n++ {
		err = l.Append(ctx, zoned(n))
	}
	require.Error(t, err, "the log never filled")
	require.ErrorIs(t, err, matching.ErrFull)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.NotErrorIs(t, err, b2bkit.ErrConflict)
	require.ErrorContains(t, err, id("M", n-1))
	_, gerr := l.Get(ctx, id("M", n-1))
	require.ErrorIs(t, gerr, b2bkit.ErrNotFound)
	require.Equal(t, n-1, l.Len())
	require.NoError(t, l.Append(ctx, zoned(0)), "a retry of a stored match still succeeds")
}
