package crm

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The B-tree against a sorted slice: random inserts, with repeats, read from random points.
func TestBtreeKeepsOrderAndReadsFromAnyPoint(t *testing.T) {
	for _, n := range []int{0, 1, btreeMaxItems, btreeMaxItems + 1, 5000} {
		rng := rand.New(rand.NewPCG(uint64(n), 7))
		tr := newBtree(func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
		var want [][2]int
		for i := range n {
			x := [2]int{rng.IntN(n/3 + 1), i} // [1] is the insertion order among equals
			tr.insert(x)
			j, _ := slices.BinarySearchFunc(want, x, func(a, b [2]int) int {
				if c := cmp.Compare(a[0], b[0]); c != 0 {
					return c
				}
				return -1 // after every equal one
			})
			want = slices.Insert(want, j, x)
		}
		require.Equal(t, n, tr.Len())
		for _, from := range []int{-1, 0, 1, n / 6, n / 3, n/3 + 1} {
			var got [][2]int
			tr.ascend(func(x [2]int) bool { return x[0] < from }, func(x [2]int) bool {
				got = append(got, x)
				return true
			})
			i := slices.IndexFunc(want, func(x [2]int) bool { return x[0] >= from })
			if i < 0 {
				i = len(want)
			}
			require.Equal(t, len(want[i:]), len(got), "n=%d from=%d", n, from)
			if len(got) > 0 {
				require.Equal(t, want[i:], got, "n=%d from=%d", n, from)
			}
			stop := 0
			tr.ascend(func(x [2]int) bool { return x[0] < from }, func([2]int) bool { stop++; return stop < 3 })
			require.Equal(t, min(3, len(got)), stop, "stopping early")
		}
	}
}
