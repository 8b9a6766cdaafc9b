package crm_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/memtest"
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

// TestLoadTierPolicy_ReadsTheDocumentOnce: a tier policy is decoded once. LoadTierPolicy decoded the
// document strictly into a TierPolicy, whose own UnmarshalJSON decoded it strictly again, whole,
// with a decoder and a copy of its own: a policy whose text is mostly one long privilege allocated
// 11 times its size.
func TestLoadTierPolicy_ReadsTheDocumentOnce(t *testing.T) {
	doc := strings.Replace(policyJSON, `"gold_price"`, `"`+strings.Repeat("p", 2<<20)+`"`, 1)
	var err error
	n := memtest.Allocated(func() { _, err = crm.LoadTierPolicy(strings.NewReader(doc)) })
	require.NoError(t, err)
	// About 7 times (9.5 under the race detector): the text read (io.ReadAll), the decoder's copy and
	// the privilege; 11 (13.5) decoded twice.
	require.Less(t, n, uint64(10*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}
