package clv_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/b2bkit/b2bkit/internal/memtest"
)

// TestReadCSV_ReadsInProportion: a summary of many customers is read with memory in proportion to
// its size. Every line was parsed by a CSV reader of its own, with a 4 KB buffer of its own: 178
// times the file for lines of 30 bytes.
func TestReadCSV_ReadsInProportion(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id,frequency,recency,t,repeat_spend\n")
	for i := range 50_000 {
		fmt.Fprintf(&b, "C%07d,%d,%d.5,%d.25,%d.40\n", i, 1+i%20, 10+i%300, 400+i%100, 30+i%100)
	}
	b.WriteString("\"C9999999\",\"1\",\"2\",\"3\",\"4\"\n") // a quoted line is read alike
	doc := b.Bytes()
	var s clv.Summary
	var err error
	n := memtest.Allocated(func() { s, err = clv.ReadCSV(bytes.NewReader(doc), clv.Days) })
	require.NoError(t, err)
	require.Len(t, s.Customers, 50_001)
	require.Less(t, n, uint64(20*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}
