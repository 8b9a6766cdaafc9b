package crm

import "slices"

// btreeDegree is the minimum degree of a btree: a node holds at most 2*btreeDegree-1 items.
const btreeDegree = 32

const btreeMaxItems = 2*btreeDegree - 1

// A btree is an insert-only B-tree of items ordered by cmp. It keeps the append-only logs of a
// MemoryStore (job changes, activities): an insert, in any order, costs O(log n) — a history
// imported out of date order is not quadratic — and reading from a point costs O(log n) plus the
// items read. Items comparing equal are kept in insertion order.
type btree[T any] struct {
	cmp  func(a, b T) int
	root *bnode[T]
	n    int
}

type bnode[T any] struct {
	items    []T
	children []*bnode[T] // nil in a leaf; else len(items)+1
}

func newBtree[T any](cmp func(a, b T) int) *btree[T] { return &btree[T]{cmp: cmp} }

// Len returns the number of items.
func (t *btree[T]) Len() int { return t.n }

// insert adds x.
func (t *btree[T]) insert(x T) {
	if t.root == nil {
		t.root = &bnode[T]{items: make([]T, 0, 4)}
	}
	if len(t.root.items) == btreeMaxItems {
		old := t.root
		t.root = &bnode[T]{children: []*bnode[T]{old}}
		t.root.split(0)
	}
	n := t.root
	for {
		i := n.after(x, t.cmp)
		if n.children == nil {
			n.items = slices.Insert(n.items, i, x)
			break
		}
		if len(n.children[i].items) == btreeMaxItems {
			n.split(i)
			if t.cmp(x, n.items[i]) >= 0 {
				i++
			}
		}
		n = n.children[i]
	}
	t.n++
}

// after returns the index of the first item of n greater than x.
func (n *bnode[T]) after(x T, cmp func(a, b T) int) int {
	lo, hi := 0, len(n.items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cmp(n.items[m], x) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// split splits the full child i of n in two around its middle item, which moves up into n.
func (n *bnode[T]) split(i int) {
	c := n.children[i]
	mid := c.items[btreeDegree-1]
	right := &bnode[T]{items: append(make([]T, 0, btreeMaxItems), c.items[btreeDegree:]...)}
	var zero T
	for j := btreeDegree - 1; j < len(c.items); j++ {
		c.items[j] = zero // let the collector have what moved
	}
	c.items = c.items[:btreeDegree-1]
	if c.children != nil {
		right.children = append(make([]*bnode[T], 0, btreeMaxItems+1), c.children[btreeDegree:]...)
		clear(c.children[btreeDegree:])
		c.children = c.children[:btreeDegree]
	}
	n.items = slices.Insert(n.items, i, mid)
	n.children = slices.Insert(n.children, i+1, right)
}

// ascend calls yield for every item x with !before(x), in order, until yield returns false.
// before must be true for a prefix of the order: the items before the starting point.
func (t *btree[T]) ascend(before func(T) bool, yield func(T) bool) {
	if t.root != nil {
		t.root.ascend(before, yield)
	}
}

func (n *bnode[T]) ascend(before func(T) bool, yield func(T) bool) bool {
	lo, hi := 0, len(n.items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if before(n.items[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for i := lo; i <= len(n.items); i++ {
		if n.children != nil && !n.children[i].ascend(before, yield) {
			return false
		}
		if i < len(n.items) && !yield(n.items[i]) {
			return false
		}
		before = func(T) bool { return false } // everything after the first item reached is in range
	}
	return true
}
