package crm_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/crm"
)

// TestJSON_ACompanysWalletAndTierChangesAreReadInItsDecode: a company's wallet estimate and tier
// changes are read in the company's own strict decode. Each read itself through the strict decoder,
// which checked and decoded its bytes again with a decoder of its own, for every company of an export.
func TestJSON_ACompanysWalletAndTierChangesAreReadInItsDecode(t *testing.T) {
	c := benchCompany(1)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var got crm.Company
	n := testing.AllocsPerRun(20, func() { require.NoError(t, json.Unmarshal(b, &got)) })
	require.Equal(t, c.ID, got.ID)
	require.Len(t, got.TierHistory, 2)
	// 49 allocations now, 78 with a decoder of each part's own.
	require.Less(t, n, 63.0, "%v allocations reading a company", n)
}
