package funnel_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/internal/memtest"
)

// TestLoadCampaign_ReadsTheDocumentOnce: a campaign is decoded once. LoadCampaign decoded the
// document strictly into a Campaign, whose own UnmarshalJSON decoded it strictly again, whole, with a
// decoder and a copy of its own: a campaign whose text is mostly one long field allocated 11 times
// its size, and one of 50,000 targets took half as long again to read.
func TestLoadCampaign_ReadsTheDocumentOnce(t *testing.T) {
	c, _, _, _, _ := bigCity(1, 1)
	c.ID = strings.Repeat("x", 2<<20)
	doc, err := json.Marshal(c)
	require.NoError(t, err)
	n := memtest.Allocated(func() { _, err = funnel.LoadCampaign(bytes.NewReader(doc)) })
	require.NoError(t, err)
	// About 7 times (9.5 under the race detector): the text read (io.ReadAll), the decoder's copy and
	// the id; 11 (13.5) decoded twice.
	require.Less(t, n, uint64(10*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}

// TestJSON_AReportAndACohortTableAreReadOnceInProportion: a report of many accounts and a table of
// many campaigns are read with memory in proportion to their size. Each part — the penetration with
// every customer's share, each hand-off, the concentration, each count of exclusions, each cohort
// row — read itself through the strict decoder, which checked and decoded its bytes again with a
// decoder of its own.
func TestJSON_AReportAndACohortTableAreReadOnceInProportion(t *testing.T) {
	c, ts, ps, ws, asOf := bigCity(5000, 25_000)
	r, err := funnel.Evaluate(c, ts, ps, ws, asOf)
	require.NoError(t, err)
	require.True(t, r.HandOffReady)
	table, err := funnel.Cohorts(r)
	require.NoError(t, err)
	for len(table.Rows) < 5000 {
		table.Rows = append(table.Rows, table.Rows[0])
	}
	for _, c := range []struct {
		name string
		v    any
		into any
		max  int
	}{
		{"report", r, new(funnel.Report), 10},
		{"cohort table", table, new(funnel.CohortTable), 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := json.Marshal(c.v)
			require.NoError(t, err)
			n := memtest.Allocated(func() { err = json.Unmarshal(doc, c.into) })
			require.NoError(t, err)
			require.Less(t, n, uint64(c.max*len(doc)), "allocated %d bytes reading %d", n, len(doc))
		})
	}
}
