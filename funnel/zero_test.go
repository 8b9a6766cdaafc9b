package funnel_test

import (
	"iter"
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
