package chunked_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/chunked"
)

// A List answers every slot with the value added there, across many chunks, and a pointer taken
// early still reads and writes its record after thousands more are added.
func TestListKeepsEverySlot(t *testing.T) {
	var l chunked.List[[2]int]
	first := (*[2]int)(nil)
	for i := range 5000 {
		require.Equal(t, i, l.Add([2]int{i, -i}))
		if i == 0 {
			first = l.At(0)
		}
	}
	require.Equal(t, 5000, l.Len())
	for i := range 5000 {
		require.Equal(t, [2]int{i, -i}, *l.At(i))
	}
	first[1] = 42
	require.Equal(t, [2]int{0, 42}, *l.At(0))
}
