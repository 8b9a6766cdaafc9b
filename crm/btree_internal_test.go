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

// check walks the tree and fails unless every node but the root holds btreeDegree-1 to
// btreeMaxItems items, every leaf is at one depth, and the items are in order.
func (t *btree[T]) check(tb testing.TB) []T {
	tb.Helper()
	var out []T
	leafDepth := -1
	var walk func(n *bnode[T], depth int, root bool)
	walk = func(n *bnode[T], depth int, root bool) {
		if !root {
			require.GreaterOrEqual(tb, len(n.items), btreeDegree-1, "node below the minimum")
		}
		require.LessOrEqual(tb, len(n.items), btreeMaxItems, "node above the maximum")
		if n.children == nil {
			if leafDepth < 0 {
				leafDepth = depth
			}
			require.Equal(tb, leafDepth, depth, "leaves at different depths")
			out = append(out, n.items...)
			return
		}
		require.Len(tb, n.children, len(n.items)+1)
		for i, c := range n.children {
			walk(c, depth+1, false)
			if i < len(n.items) {
				out = append(out, n.items[i])
			}
		}
	}
	if t.root != nil {
		walk(t.root, 0, true)
	}
	for i := 1; i < len(out); i++ {
		require.LessOrEqual(tb, t.cmp(out[i-1], out[i]), 0, "items out of order")
	}
	require.Len(tb, out, t.Len())
	return out
}

// Deletes against a sorted slice: random inserts and deletes of unique items, in waves that grow
// the tree several levels deep and shrink it to nothing, keep every node within its bounds.
func TestBtreeDeleteKeepsOrderAndBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	tr := newBtree(cmp.Compare[int])
	var want []int
	present := map[int]bool{}
	for wave, size := range []int{10, 3000, 200, 20000, 0} {
		for len(want) != size {
			x := rng.IntN(50_000)
			if len(want) < size {
				if present[x] {
					continue
				}
				present[x] = true
				tr.insert(x)
				i, _ := slices.BinarySearch(want, x)
				want = slices.Insert(want, i, x)
				continue
			}
			if rng.IntN(4) == 0 {
				require.False(t, !present[x] && tr.delete(x), "deleted an absent item")
				if !present[x] {
					continue
				}
			} else {
				x = want[rng.IntN(len(want))]
			}
			require.True(t, tr.delete(x), "wave %d: delete %d", wave, x)
			delete(present, x)
			i, _ := slices.BinarySearch(want, x)
			want = slices.Delete(want, i, i+1)
			if len(want)%997 == 1 {
				require.Equal(t, want, tr.check(t))
			}
		}
		got := tr.check(t)
		if len(want) == 0 {
			require.Empty(t, got)
			require.Nil(t, tr.root, "an emptied tree has no root")
		} else {
			require.Equal(t, want, got)
		}
	}
	require.False(t, tr.delete(1), "nothing to delete in an empty tree")
}
