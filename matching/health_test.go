package matching_test

import (
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR12_OnlyAnUnsubsidisedFulfilledOrderIsAReturn: a buyer came back only with a later order the
// platform did not pay for and that was delivered; and a buyer's start is its first order, not a
// proposal that came to nothing.
func TestR12_OnlyAnUnsubsidisedFulfilledOrderIsAReturn(t *testing.T) {
	sub := func(m matching.Match) matching.Match { m.Subsidy = dec("20"); return m }
	with := func(m matching.Match, s matching.Status) matching.Match { m.Status = s; return m }
	tests := []struct {
		name     string
		matches  []matching.Match
		sub, org matching.Cohort // buyers and returned only
		never    []b2bkit.CompanyID
	}{
		{
			name: "subsidised again is not a return",
			matches: []matching.Match{
				sub(match("A", 40, "b", "S-1", "RICE-25KG", "10", "100")),
				sub(match("B", 20, "b", "S-1", "RICE-25KG", "10", "100")),
			},
			sub: matching.Cohort{Buyers: 1}, never: []b2bkit.CompanyID{"b"},
		},
		{
			name: "unsubsidised fulfilled order is a return",
			matches: []matching.Match{
				sub(match("A", 40, "b", "S-1", "RICE-25KG", "10", "100")),
				match("B", 20, "b", "S-1", "RICE-25KG", "10", "100"),
			},
			sub: matching.Cohort{Buyers: 1, Returned: 1},
		},
		{
			name: "accepted but not yet fulfilled is not a return",
			matches: []matching.Match{
				sub(match("A", 40, "b", "S-1", "RICE-25KG", "10", "100")),
				with(match("B", 20, "b", "S-1", "RICE-25KG", "10", "100"), matching.Accepted),
			},
			sub: matching.Cohort{Buyers: 1}, never: []b2bkit.CompanyID{"b"},
		},
		{
			name: "a cancelled first match is not the start",
			matches: []matching.Match{
				with(match("A", 40, "b", "S-1", "RICE-25KG", "10", "100"), matching.Cancelled),
				sub(match("B", 30, "b", "S-1", "RICE-25KG", "10", "100")),
			},
			sub: matching.Cohort{Buyers: 1}, never: []b2bkit.CompanyID{"b"},
		},
		{
			name: "a proposed first match is not the start",
			matches: []matching.Match{
				with(match("A", 40, "b", "S-1", "RICE-25KG", "10", "100"), matching.Proposed),
				sub(match("B", 30, "b", "S-1", "RICE-25KG", "10", "100")),
				match("C", 10, "b", "S-1", "RICE-25KG", "10", "100"),
			},
			sub: matching.Cohort{Buyers: 1, Returned: 1},
		},
		{
			name: "a buyer with no order is in no cohort",
			matches: []matching.Match{
				with(match("A", 40, "b", "S-1", "RICE-25KG", "10", "100"), matching.Cancelled),
				with(match("B", 30, "b", "S-1", "RICE-25KG", "10", "100"), matching.Proposed),
			},
		},
		{
			name: "an old buyer's cancelled match before the window does not hide it",
			matches: []matching.Match{
				with(match("A", 200, "b", "S-1", "RICE-25KG", "10", "100"), matching.Cancelled),
				match("B", 30, "b", "S-1", "RICE-25KG", "10", "100"),
				match("C", 10, "b", "S-1", "RICE-25KG", "10", "100"),
			},
			org: matching.Cohort{Buyers: 1, Returned: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := newBook(t)
			record(t, b, tt.matches...)
			h, err := b.Health(ctx, 90*24*time.Hour)
			require.NoError(t, err)
			assert.Equal(t, tt.sub.Buyers, h.SubsidisedBuyers.Buyers, "subsidised buyers")
			assert.Equal(t, tt.sub.Returned, h.SubsidisedBuyers.Returned, "subsidised returned")
			assert.Equal(t, tt.org.Buyers, h.OrganicBuyers.Buyers, "organic buyers")
			assert.Equal(t, tt.org.Returned, h.OrganicBuyers.Returned, "organic returned")
			assert.Equal(t, tt.never, h.NeverReturned)
		})
	}
}
