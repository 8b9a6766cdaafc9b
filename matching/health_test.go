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

// TestR12_HealthCountsOnlyTheSubsidiesOfTrades: a subsidy on a match cancelled, still proposed or
// not yet delivered as of the report's date was never paid, so Subsidised, Subsidy and the shares
// count only the subsidised matches fulfilled by then — with each match's status as of the date.
func TestR12_HealthCountsOnlyTheSubsidiesOfTrades(t *testing.T) {
	sub := func(m matching.Match, s matching.Status) matching.Match {
		m.Subsidy = dec("20")
		m.Status = s
		return m
	}
	l := matching.NewMemoryLog()
	require.NoError(t, l.Append(ctx,
		sub(match("A", 40, "b1", "S-1", "RICE-25KG", "10", "100"), matching.Fulfilled),
		sub(match("B", 30, "b2", "S-1", "RICE-25KG", "10", "100"), matching.Proposed),
		sub(match("C", 30, "b3", "S-1", "RICE-25KG", "10", "100"), matching.Accepted),
		sub(match("D", 20, "b4", "S-1", "RICE-25KG", "10", "100"), matching.Proposed),
		match("E", 20, "b5", "S-1", "RICE-25KG", "10", "100"),
	))
	// B is cancelled 25 days ago; C is delivered 10 days ago; D stays proposed.
	require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "B", Status: matching.Cancelled, At: daysAgo(25), By: "ops"}))
	require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "C", Status: matching.Fulfilled, At: daysAgo(10), By: "ops"}))
	tests := []struct {
		name                 string
		asOf                 time.Time
		subsidised           int
		subsidy, share, vShr string
	}{
		// A and C fulfilled: 2 of 5 matches; value 4000 (B cancelled), subsidised value 2000.
		{"now", today, 2, "40", "0.4", "0.5"},
		// 15 days ago C was accepted, not yet delivered: only A's subsidy was paid.
		{"15 days ago", daysAgo(15), 1, "20", "0.2", "0.25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return tt.asOf }})
			h, err := b.Health(ctx, 90*24*time.Hour)
			require.NoError(t, err)
			assert.Equal(t, 5, h.Matches)
			assert.Equal(t, 1, h.Cancelled)
			assert.Equal(t, tt.subsidised, h.Subsidised, "subsidised")
			requireDecEqual(t, dec(tt.subsidy), h.Subsidy, "subsidy")
			requireDecEqual(t, dec(tt.share), h.SubsidisedShare, "subsidised share")
			requireDecEqual(t, dec(tt.vShr), h.SubsidisedValueShare, "subsidised value share")
		})
	}
}
