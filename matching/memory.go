package matching

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"

	"github.com/b2bkit/b2bkit"
)

// MemoryLog is the in-memory Log: the reference implementation, the matches and the status
// changes each in commit order, numbered from one counter, and maps from match ID to where the
// match and its last change stand, under one lock. Since finds where to start by the numbers in
// O(log n) and merges the two; an append — in time order or backdated by years — costs the same.
// Both are kept in fixed-size chunks, so the log never copies what it holds as it grows, and a
// match is stored without room for a change beside it. It is safe for concurrent use; the zero
// value is an empty log ready to use. It holds every match as given, a few hundred bytes each: a
// Book's projection, not the log, is what is built to be compact.
type MemoryLog struct {
	mu sync.RWMutex
	// matches and changes hold what was committed, each in commit order. A stored entry is never
	// changed, so a reader may keep reading what it saw after the lock is released.
	matches chunks[storedMatch]
	changes chunks[storedChange]
	seq     uint64 // the number of the last entry
	// ids maps a match ID to its position in matches.
	ids idIndex
	// changed maps a match ID to the position in changes of its last status change, if it had one.
	changed map[string]int
	// ins is the block the installments of stored schedules are copied into.
	ins scheduleBlock
}

var _ Log = (*MemoryLog)(nil)

// A storedMatch is a MatchAppended entry: its number and the match.
type storedMatch struct {
	seq uint64
	m   Match
}

// A storedChange is a StatusChanged entry: its number, the change, and the number of the entry
// that appended the match it moved.
type storedChange struct {
	seq, matchSeq uint64
	c             StatusChange
}

const chunkSize = 128

// chunks is a list kept in fixed-size chunks, each made whole: element i is
// cs[i/chunkSize][i%chunkSize], and the last chunk's elements from n on are not written yet.
type chunks[T any] struct {
	cs [][]T
	n  int
}

// push returns the next element, for the caller to fill in place (an entry is copied once, into
// its chunk), and its position.
func (c *chunks[T]) push() (*T, int) {
	i := c.n
	if i%chunkSize == 0 {
		c.cs = append(c.cs, make([]T, chunkSize))
	}
	c.n++
	return &c.cs[i/chunkSize][i%chunkSize], i
}

// at is element i.
func (c *chunks[T]) at(i int) *T { return &c.cs[i/chunkSize][i%chunkSize] }

// from returns the elements from position i on, as the chunks hold them now, cut to those written.
func (c *chunks[T]) from(i int) [][]T {
	if i >= c.n {
		return nil
	}
	out := append([][]T(nil), c.cs[i/chunkSize:(c.n-1)/chunkSize+1]...)
	last := len(out) - 1
	out[last] = out[last][:(c.n-1)%chunkSize+1]
	out[0] = out[0][i%chunkSize:]
	return out
}

// A cursor walks the chunks from returns.
type cursor[T any] struct {
	cs   [][]T
	k, i int
}

// peek is the element the cursor is at, or nil at the end.
func (c *cursor[T]) peek() *T {
	for c.k < len(c.cs) && c.i == len(c.cs[c.k]) {
		c.k, c.i = c.k+1, 0
	}
	if c.k == len(c.cs) {
		return nil
	}
	return &c.cs[c.k][c.i]
}

// A scheduleBlock hands out copies of schedules' installments carved from one allocation shared by
// many, rather than one allocation each: the log stores a schedule with every match, and Since
// gives every reader its own. Each copy's capacity ends with it, so appending to one cannot write
// into the next. Blocks grow from a few installments to maxScheduleBlock, so a short read costs
// little.
type scheduleBlock []b2bkit.Installment

const maxScheduleBlock = 4096

// copyOf returns a copy of ins from the block. nil stays nil.
func (b *scheduleBlock) copyOf(ins []b2bkit.Installment) []b2bkit.Installment {
	if len(ins) == 0 {
		return ins[:0:0]
	}
	if len(ins) > cap(*b)-len(*b) {
		*b = make([]b2bkit.Installment, 0, max(min(2*cap(*b), maxScheduleBlock), 16, len(ins)))
	}
	start := len(*b)
	*b = append(*b, ins...)
	return (*b)[start:len(*b):len(*b)]
}

// idIndex maps match IDs to positions. An ID of up to 39 bytes — most are, UUIDs included — is
// held in the key itself, so the map has no pointers for the garbage collector to scan and neither
// a lookup nor the map's growth reads a string elsewhere in memory; one of up to 15 bytes (an order
// number) in a key of 16 bytes, whose map is half the size to walk, grow and keep in cache. A longer
// ID is kept by string.
type idIndex struct {
	short map[shortKey]int
	mid   map[midKey]int
	long  map[string]int
}

const shortID, midID = 15, 39

// shortKey and midKey are an ID of up to shortID or midID bytes and its length.
type shortKey struct {
	n uint8
	b [shortID]byte
}

type midKey struct {
	n uint8
	b [midID]byte
}

// shortKeyOf and midKeyOf are id held in a key; id fits it.
func shortKeyOf(id string) (k shortKey) {
	k.n = uint8(copy(k.b[:], id))
	return k
}

func midKeyOf(id string) (k midKey) {
	k.n = uint8(copy(k.b[:], id))
	return k
}

func (x *idIndex) get(id string) (int, bool) {
	var p int
	var ok bool
	switch {
	case len(id) <= shortID:
		p, ok = x.short[shortKeyOf(id)]
	case len(id) <= midID:
		p, ok = x.mid[midKeyOf(id)]
	default:
		p, ok = x.long[id]
	}
	return p, ok
}

// add maps id to p unless it is mapped already, and returns where id stands: p, and true, for a
// new ID; the position it had, and false, for a known one, whose entry is left as it was.
func (x *idIndex) add(id string, p int) (int, bool) {
	switch {
	case len(id) <= shortID:
		return addID(&x.short, shortKeyOf(id), p)
	case len(id) <= midID:
		return addID(&x.mid, midKeyOf(id), p)
	}
	return addID(&x.long, id, p)
}

// addID is idIndex.add on one of its maps, made on its first key. An append is a new ID nearly
// always, so it costs one map operation, not a lookup and then an insert: m[k] += p finds the
// slot of k or makes it, reading 0 in a new one, which then holds p. A slot that was there is
// put back as it was (two more operations, for a retry).
func addID[K comparable](m *map[K]int, k K, p int) (int, bool) {
	if *m == nil {
		*m = make(map[K]int)
	}
	n := len(*m)
	(*m)[k] += p
	if len(*m) > n {
		return p, true
	}
	(*m)[k] -= p
	return (*m)[k], false
}

// remove unmaps id, which add mapped in an append that then failed.
func (x *idIndex) remove(id string) {
	switch {
	case len(id) <= shortID:
		delete(x.short, shortKeyOf(id))
	case len(id) <= midID:
		delete(x.mid, midKeyOf(id))
	default:
		delete(x.long, id)
	}
}

func (x *idIndex) len() int { return len(x.short) + len(x.mid) + len(x.long) }

// NewMemoryLog returns an empty in-memory log.
func NewMemoryLog() *MemoryLog { return &MemoryLog{} }

// Len is the number of matches stored.
func (l *MemoryLog) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ids.len()
}

// Append commits the matches; see Log.Append.
func (l *MemoryLog) Append(ctx context.Context, ms ...Match) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ms = canonicalMatches(ms) // stored as the values they are
	for i := range ms {
		if err := ms[i].check(); err != nil {
			return fmt.Errorf("matching: %w", b2bkit.InField(batchField(i, len(ms)), err))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(ms) == 1 { // the common case, without the batch's bookkeeping
		return l.appendOne(&ms[0])
	}
	// Check the whole batch before storing any of it. Each new ID is mapped to the position its
	// match will have as it is met, so a later copy in the batch finds it; fresh lists the new
	// matches, fresh[k] going to position base+k. On a conflict the IDs mapped are taken back.
	base := l.matches.n
	fresh := make([]int, 0, len(ms))
	for i := range ms {
		m := &ms[i]
		p, isNew := l.ids.add(m.ID, base+len(fresh))
		if isNew {
			fresh = append(fresh, i)
			continue
		}
		var stored Match
		if p < base {
			stored = l.current(p)
		} else {
			stored = ms[fresh[p-base]] // earlier in this batch
		}
		if err := retryOf(m, stored); err != nil {
			for _, j := range fresh {
				l.ids.remove(ms[j].ID)
			}
			return err
		}
	}
	for _, i := range fresh {
		l.store(&ms[i])
	}
	return nil
}

// appendOne is Append of one valid match, under the lock.
func (l *MemoryLog) appendOne(m *Match) error {
	p, isNew := l.ids.add(m.ID, l.matches.n)
	if !isNew {
		return retryOf(m, l.current(p))
	}
	l.store(m)
	return nil
}

// store commits m, whose ID is mapped to the next position, copying it once into its entry.
func (l *MemoryLog) store(m *Match) {
	e, _ := l.matches.push()
	l.seq++
	e.seq, e.m = l.seq, *m
	e.m.Terms.Payment.Installments = l.ins.copyOf(m.Terms.Payment.Installments) // not the caller's
}

// batchField is how an error names the i-th of n appended matches.
func batchField(i, n int) string {
	if n == 1 {
		return "match"
	}
	return fmt.Sprintf("matches[%d]", i)
}

// retryOf returns nil when appending m again, with stored already there, is a retry: the same
// content and a status stored has reached; otherwise the conflict naming the match.
func retryOf(m *Match, stored Match) error {
	if !stored.sameContent(*m) {
		return fmt.Errorf("matching: %w", b2bkit.Conflict("match", m.ID, "stored with other content"))
	}
	if !m.Status.reaches(stored.Status) {
		return fmt.Errorf("matching: %w", b2bkit.Conflict("match", m.ID, fmt.Sprintf("stored as %s, which cannot have been %s; SetStatus moves a status", stored.Status, m.Status)))
	}
	return nil
}

// current is the match appended at position p with its status as it stands.
func (l *MemoryLog) current(p int) Match {
	m := l.matches.at(p).m
	if c, ok := l.changed[m.ID]; ok {
		m.Status = l.changes.at(c).c.Status
	}
	return m
}

// SetStatus commits a status change; see Log.SetStatus.
func (l *MemoryLog) SetStatus(ctx context.Context, c StatusChange) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("matching: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.ids.get(c.ID)
	if !ok {
		return fmt.Errorf("matching: %w", b2bkit.NotFound("match", c.ID))
	}
	m := &l.matches.at(p).m
	last, lastAt := m.Status, m.At // the stored status and when it was set
	var lastChange *StatusChange
	if q, ok := l.changed[c.ID]; ok {
		lastChange = &l.changes.at(q).c
		last, lastAt = lastChange.Status, lastChange.At
	}
	if err := CheckChange(c, last, lastAt, lastChange); err != nil {
		return err
	}
	if lastChange != nil && lastChange.Equal(c) {
		return nil // a retry
	}
	if l.changed == nil {
		l.changed = make(map[string]int)
	}
	e, q := l.changes.push()
	l.seq++
	e.seq, e.c, e.matchSeq = l.seq, c, l.matches.at(p).seq
	l.changed[c.ID] = q
	return nil
}

// Get returns the match with the given id as it stands; see Log.Get.
func (l *MemoryLog) Get(ctx context.Context, id string) (Match, error) {
	if err := ctx.Err(); err != nil {
		return Match{}, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	p, ok := l.ids.get(id)
	if !ok {
		return Match{}, fmt.Errorf("matching: %w", b2bkit.NotFound("match", id))
	}
	m := l.current(p)
	m.Terms.Payment.Installments = slices.Clone(m.Terms.Payment.Installments)
	return m, nil
}

// Since yields the entries numbered above seq; see Log.Since. It reads the entries committed when
// it starts, without holding the lock while the caller works, merging the matches and the changes
// by number.
func (l *MemoryLog) Since(ctx context.Context, seq uint64) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Entry{}, err)
			return
		}
		l.mu.RLock()
		i := sort.Search(l.matches.n, func(i int) bool { return l.matches.at(i).seq > seq })
		j := sort.Search(l.changes.n, func(j int) bool { return l.changes.at(j).seq > seq })
		ms, cs := cursor[storedMatch]{cs: l.matches.from(i)}, cursor[storedChange]{cs: l.changes.from(j)}
		l.mu.RUnlock()
		var own scheduleBlock
		for n := 1; ; n++ {
			if n&1023 == 0 {
				if err := ctx.Err(); err != nil {
					yield(Entry{}, err)
					return
				}
			}
			m, c := ms.peek(), cs.peek()
			var e Entry
			switch {
			case m != nil && (c == nil || m.seq < c.seq):
				// The caller gets its own installments: the stored match never changes.
				e = Entry{Seq: m.seq, Kind: MatchAppended, Match: m.m}
				e.Match.Terms.Payment.Installments = own.copyOf(m.m.Terms.Payment.Installments)
				ms.i++
			case c != nil:
				e = Entry{Seq: c.seq, Kind: StatusChanged, Change: c.c, MatchSeq: c.matchSeq}
				cs.i++
			default:
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}
