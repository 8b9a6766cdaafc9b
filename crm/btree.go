package crm

import "slices"

// btreeDegree is the minimum degree of a btree: a node holds at most 2*btreeDegree-1 items.
const btreeDegree = 32

const btreeMaxItems = 2*btreeDegree - 1

// A btree is a B-tree of items ordered by cmp. It keeps the append-only logs of a MemoryStore (job
// changes, activities) and its name indexes (search by prefix): an insert or a delete, in any order,
// costs O(log n) — a history imported out of date order is not quadratic — and reading from a point
// costs O(log n) plus the items read. Items comparing equal are kept in insertion order; a tree that
// deletes holds items that are unique under cmp.
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

// ascend is the tree's ascend over n; a nil before means every item is in range (a subtree after
// the first item reached), so no closure is made per node.
func (n *bnode[T]) ascend(before func(T) bool, yield func(T) bool) bool {
	lo := 0
	if before != nil {
		hi := len(n.items)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if before(n.items[m]) {
				lo = m + 1
			} else {
				hi = m
			}
		}
	}
	for i := lo; i <= len(n.items); i++ {
		if n.children != nil {
			b := before
			if i > lo {
				b = nil
			}
			if !n.children[i].ascend(b, yield) {
				return false
			}
		}
		if i < len(n.items) && !yield(n.items[i]) {
			return false
		}
	}
	return true
}

// delete removes an item equal to x and reports whether there was one.
func (t *btree[T]) delete(x T) bool {
	if t.root == nil || !t.root.remove(x, t.cmp) {
		return false
	}
	t.n--
	if len(t.root.items) == 0 {
		if t.root.children == nil {
			t.root = nil
		} else {
			t.root = t.root.children[0]
		}
	}
	return true
}

// remove deletes x from the subtree of n. Every node it descends into holds at least btreeDegree
// items first (the root excepted), so a removal never leaves a node below the minimum.
func (n *bnode[T]) remove(x T, cmp func(a, b T) int) bool {
	for {
		i, found := slices.BinarySearchFunc(n.items, x, cmp)
		if n.children == nil {
			if !found {
				return false
			}
			n.items = slices.Delete(n.items, i, i+1)
			return true
		}
		if found {
			switch left, right := n.children[i], n.children[i+1]; {
			case len(left.items) >= btreeDegree:
				// the largest item of the left subtree takes x's place
				m := left
				for m.children != nil {
					m = m.children[len(m.children)-1]
				}
				n.items[i] = m.items[len(m.items)-1]
				return left.remove(n.items[i], cmp)
			case len(right.items) >= btreeDegree:
				m := right
				for m.children != nil {
					m = m.children[0]
				}
				n.items[i] = m.items[0]
				return right.remove(n.items[i], cmp)
			default:
				n.merge(i)
				n = n.children[i]
				continue
			}
		}
		if len(n.children[i].items) < btreeDegree {
			i = n.fill(i)
		}
		n = n.children[i]
	}
}

// fill gives child i of n at least btreeDegree items, borrowing from a sibling or merging with one,
// and returns the index of the child that now covers what child i covered.
func (n *bnode[T]) fill(i int) int {
	c := n.children[i]
	switch {
	case i > 0 && len(n.children[i-1].items) >= btreeDegree:
		l := n.children[i-1]
		c.items = slices.Insert(c.items, 0, n.items[i-1])
		n.items[i-1] = l.items[len(l.items)-1]
		l.items = slices.Delete(l.items, len(l.items)-1, len(l.items))
		if l.children != nil {
			c.children = slices.Insert(c.children, 0, l.children[len(l.children)-1])
			l.children = slices.Delete(l.children, len(l.children)-1, len(l.children))
		}
		return i
	case i < len(n.children)-1 && len(n.children[i+1].items) >= btreeDegree:
		r := n.children[i+1]
		c.items = append(c.items, n.items[i])
		n.items[i] = r.items[0]
		r.items = slices.Delete(r.items, 0, 1)
		if r.children != nil {
			c.children = append(c.children, r.children[0])
			r.children = slices.Delete(r.children, 0, 1)
		}
		return i
	case i < len(n.children)-1:
		n.merge(i)
		return i
	default:
		n.merge(i - 1)
		return i - 1
	}
}

// merge joins child i+1 of n and the item between them into child i.
func (n *bnode[T]) merge(i int) {
	l, r := n.children[i], n.children[i+1]
	l.items = append(append(l.items, n.items[i]), r.items...)
	if l.children != nil {
		l.children = append(l.children, r.children...)
	}
	n.items = slices.Delete(n.items, i, i+1)
	n.children = slices.Delete(n.children, i+1, i+2)
}
