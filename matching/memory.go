package matching

import (
	"context"
	"fmt"
	"hash/maphash"
	"iter"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
)

// MemoryLog is the in-memory Log: the reference implementation, the matches and the status
// changes each in commit order, numbered from one counter, and maps from match ID to where the
// match and its last change stand, under one lock. Since finds where to start by the numbers in
// O(log n) and merges the two; an append — in time order or backdated by years — costs the same.
// Both are kept in fixed-size chunks, so the log never copies what it holds as it grows. A match
// is held compactly, in 144 bytes: its names and payment schedule once in the log's tables and
// by number in the match, its times as Unix nanoseconds and location; what a log holds is most
// of what an append costs, in memory first touched. It is safe for concurrent use; the zero value
// is an empty log ready to use; a nil *MemoryLog holds nothing and refuses every call with an error
// matching b2bkit.ErrInvalid. It hands back every match as given, except that its times carry no
// monotonic clock reading (as time.Time's docs advise for stored times).
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
	// names holds the company, SKU and currency names, and pays the payment schedules, of the
	// stored matches. They only grow, and an interned value never changes, so a reader may keep
	// the slices it saw under the lock.
	names names
	pays  schedules
}

var _ Log = (*MemoryLog)(nil)

// A storedMatch is a MatchAppended entry: its number and the match, its names and schedule by
// number in the log's tables.
type storedMatch struct {
	seq                       uint64
	id                        string
	qty, price, subsidy       decimal.Decimal
	nanos                     [3]int64 // At, Terms.OrderedAt, Terms.DeliverBy, as UnixNano (they fit: see minTime)
	loc                       [3]*time.Location
	buyer, seller, sku, money uint32 // in names
	pay                       uint32 // in pays
	status                    Status
	mode                      Mode
	channel                   uint8 // a valid b2bkit.Channel
}

// maxStored bounds the matches a MemoryLog holds, so that every number it keeps — positions,
// names (four a match at most), schedules — fits in 32 bits.
const maxStored = 1 << 30

// errLogFull is ErrInvalid, not ErrConflict: nothing collided, and no retry can succeed.
var errLogFull = b2bkit.Invalid("log", "more matches than a MemoryLog holds (2^30): keep one log per market, or a database")

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

// idIndex maps match IDs to positions by a 32-bit hash of the ID (hash/maphash, seeded per log),
// so its map's entries are 8 bytes and hold no pointers for the garbage collector to follow: at a
// million matches the map is the size of a cache, not a gigabyte of keys, and an append's probe
// misses it less. A position found is checked against the ID stored there. An ID whose hash
// another ID already has — one in about 4,000 at a million matches — is kept in clashes, by
// itself.
type idIndex struct {
	seed    maphash.Seed
	byHash  map[uint32]uint32
	clashes map[string]uint32
}

func (x *idIndex) hash(id string) uint32 {
	if x.byHash == nil {
		x.seed, x.byHash = maphash.MakeSeed(), make(map[uint32]uint32)
	}
	return uint32(maphash.String(x.seed, id))
}

// get returns the position of id; idAt names the ID at a mapped position.
func (x *idIndex) get(id string, idAt func(int) string) (int, bool) {
	if len(x.clashes) > 0 {
		if p, ok := x.clashes[id]; ok {
			return int(p), true
		}
	}
	if x.byHash == nil {
		return 0, false
	}
	p, ok := x.byHash[x.hash(id)]
	if !ok || idAt(int(p)) != id {
		return 0, false
	}
	return int(p), true
}

// add maps id to p unless it is mapped already, and returns where id stands: p, and true, for a
// new ID; the position it had, and false, for a known one, whose entry is left as it was. idAt
// names the ID at a position mapped before.
//
// An append is a new ID nearly always, so it costs one map operation, not a lookup and then an
// insert: byHash[h] += p finds the slot of h or makes it, reading 0 in a new one, which then holds
// p. A slot that was there is put back as it was (two more operations, for a retry or a clash).
func (x *idIndex) add(id string, p int, idAt func(int) string) (int, bool) {
	if len(x.clashes) > 0 {
		if q, ok := x.clashes[id]; ok {
			return int(q), false
		}
	}
	h := x.hash(id)
	n := len(x.byHash)
	x.byHash[h] += uint32(p)
	if len(x.byHash) > n {
		return p, true
	}
	x.byHash[h] -= uint32(p)
	if q := int(x.byHash[h]); idAt(q) == id {
		return q, false
	}
	if x.clashes == nil {
		x.clashes = make(map[string]uint32)
	}
	x.clashes[id] = uint32(p)
	return p, true
}

// remove unmaps id, which add mapped in an append that then failed.
func (x *idIndex) remove(id string) {
	if _, ok := x.clashes[id]; ok {
		delete(x.clashes, id)
		return
	}
	delete(x.byHash, x.hash(id))
}

// NewMemoryLog returns an empty in-memory log.
func NewMemoryLog() *MemoryLog { return &MemoryLog{} }

// errNilLog is what a nil *MemoryLog answers: there is no log to append to or read.
var errNilLog = fmt.Errorf("matching: %w", b2bkit.Invalid("log", "nil: declare a MemoryLog or make one with NewMemoryLog"))

// Len is the number of matches stored: 0 for a nil log.
func (l *MemoryLog) Len() int {
	if l == nil {
		return 0
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.matches.n
}

// Append commits the matches; see Log.Append.
func (l *MemoryLog) Append(ctx context.Context, ms ...Match) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l == nil {
		return errNilLog
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
	idAt := func(p int) string {
		if p < base {
			return l.matches.at(p).id
		}
		return ms[fresh[p-base]].ID // earlier in this batch
	}
	for i := range ms {
		m := &ms[i]
		p, isNew := l.ids.add(m.ID, base+len(fresh), idAt)
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
	if l.matches.n+len(fresh) > maxStored {
		for _, j := range fresh {
			l.ids.remove(ms[j].ID)
		}
		return fmt.Errorf("matching: %w", errLogFull)
	}
	for _, i := range fresh {
		l.store(&ms[i])
	}
	return nil
}

// appendOne is Append of one valid match, under the lock.
func (l *MemoryLog) appendOne(m *Match) error {
	p, isNew := l.ids.add(m.ID, l.matches.n, l.storedID)
	if !isNew {
		return retryOf(m, l.current(p))
	}
	if l.matches.n >= maxStored {
		l.ids.remove(m.ID)
		return fmt.Errorf("matching: %w", errLogFull)
	}
	l.store(m)
	return nil
}

// store commits m, whose ID is mapped to the next position, writing it once into its entry.
func (l *MemoryLog) store(m *Match) {
	e, _ := l.matches.push()
	l.seq++
	*e = storedMatch{seq: l.seq, id: m.ID, qty: m.Quantity, price: m.UnitPrice, subsidy: m.Subsidy,
		buyer: l.names.id(string(m.Buyer)), seller: l.names.id(string(m.Seller)), sku: l.names.id(string(m.SKU)),
		money: l.names.id(m.Currency), pay: l.pays.id(m.Terms.Payment.Installments),
		status: m.Status, mode: m.Mode, channel: uint8(m.Channel)}
	for k, t := range [3]time.Time{m.At, m.Terms.OrderedAt, m.Terms.DeliverBy} {
		e.nanos[k], e.loc[k] = t.UnixNano(), t.Location()
	}
}

// tables are a MemoryLog's names and schedules as they stood when read under its lock: enough to
// read any entry committed by then.
type tables struct {
	names []string
	pays  []b2bkit.PaymentTerms
}

func (l *MemoryLog) tables() tables { return tables{l.names.vals, l.pays.list} }

// match is the match e holds, as appended; its installments are the log's own, not to be changed.
func (t tables) match(e *storedMatch) Match {
	var ts [3]time.Time
	for k := range ts {
		ts[k] = time.Unix(0, e.nanos[k]).In(e.loc[k])
	}
	return Match{ID: e.id, Buyer: b2bkit.CompanyID(t.names[e.buyer]), Seller: b2bkit.CompanyID(t.names[e.seller]),
		SKU: b2bkit.SKU(t.names[e.sku]), Quantity: e.qty, UnitPrice: e.price, Currency: t.names[e.money],
		Terms: b2bkit.Terms{Payment: t.pays[e.pay], OrderedAt: ts[1], DeliverBy: ts[2]},
		At:    ts[0], Status: e.status, Subsidy: e.subsidy, Mode: e.mode, Channel: b2bkit.Channel(e.channel)}
}

// storedID is the ID of the match stored at position p.
func (l *MemoryLog) storedID(p int) string { return l.matches.at(p).id }

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
	m := l.tables().match(l.matches.at(p))
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
	if l == nil {
		return errNilLog
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("matching: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.ids.get(c.ID, l.storedID)
	if !ok {
		return fmt.Errorf("matching: %w", b2bkit.NotFound("match", c.ID))
	}
	e := l.matches.at(p)
	last, lastAt := e.status, time.Unix(0, e.nanos[0]).In(e.loc[0]) // the stored status and when it was set
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
	ch, q := l.changes.push()
	l.seq++
	ch.seq, ch.c, ch.matchSeq = l.seq, c, e.seq
	l.changed[c.ID] = q
	return nil
}

// Get returns the match with the given id as it stands; see Log.Get.
func (l *MemoryLog) Get(ctx context.Context, id string) (Match, error) {
	if err := ctx.Err(); err != nil {
		return Match{}, err
	}
	if l == nil {
		return Match{}, errNilLog
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	p, ok := l.ids.get(id, l.storedID)
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
		if l == nil {
			yield(Entry{}, errNilLog)
			return
		}
		l.mu.RLock()
		i := sort.Search(l.matches.n, func(i int) bool { return l.matches.at(i).seq > seq })
		j := sort.Search(l.changes.n, func(j int) bool { return l.changes.at(j).seq > seq })
		ms, cs := cursor[storedMatch]{cs: l.matches.from(i)}, cursor[storedChange]{cs: l.changes.from(j)}
		t := l.tables()
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
				e = Entry{Seq: m.seq, Kind: MatchAppended, Match: t.match(m)}
				e.Match.Terms.Payment.Installments = own.copyOf(e.Match.Terms.Payment.Installments)
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
