package funnel_test

import (
	"iter"
	"math"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

// A Campaigns not made by NewCampaigns holds no campaign: measuring it is an error, not an empty
// list of reports after reading every stream.
func TestR6_TheZeroCampaignsIsRefused(t *testing.T) {
	read := false
	ps := func(yield func(funnel.Purchase, error) bool) { read = true }
	for _, s := range []*funnel.Campaigns{{}, nil} {
		rs, err := s.Evaluate(funnel.Input{Purchases: []iter.Seq2[funnel.Purchase, error]{ps}}, at(4, 2), nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "reports %v", rs)
		require.ErrorContains(t, err, "campaigns")
		require.Nil(t, rs)
	}
	require.False(t, read, "a stream was read for no campaign")
}

// A set's campaigns are read by position like a slice's, but a position it does not hold — on the
// zero value, a nil pointer, or past either end of a real set — is ok=false, not a panic.
func TestR6_ACampaignOutsideTheSetIsNotThere(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	for name, s := range map[string]*funnel.Campaigns{"zero": {}, "nil": nil, "real": set} {
		n := 0
		if s == set {
			n = 1
		}
		require.NotPanics(t, func() { require.Equal(t, n, s.Len(), name) })
		for _, k := range []int{-1, n, n + 1, math.MaxInt, math.MinInt} {
			require.NotPanics(t, func() {
				c, ok := s.Campaign(k)
				require.False(t, ok, "%s: campaign %d", name, k)
				require.Empty(t, c.ID, "%s: campaign %d", name, k)
			})
		}
	}
	c, ok := set.Campaign(0)
	require.True(t, ok)
	require.Equal(t, city().ID, c.ID)
}

// A nil reader or writer is refused with an error matching b2bkit.ErrInvalid, not a panic.
func TestR24_ANilReaderOrWriterIsRefused(t *testing.T) {
	tab, err := funnel.Cohorts(evaluateCity(t, at(7, 2)))
	require.NoError(t, err)
	require.NotPanics(t, func() {
		_, err := funnel.LoadCampaign(nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "no reader")
		n, err := tab.WriteTo(nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "no writer")
		require.Zero(t, n)
	})
}
