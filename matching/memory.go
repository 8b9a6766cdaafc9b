package matching

import (
	"context"
	"fmt"
	"hash/maphash"
	"iter"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/shopspring/decimal"
)

// ErrFull is what MemoryLog.Append returns, wrapped and naming the match, when the log can take no
// more: about four billion matches, or some 65,000 distinct time zones or zone combinations, or
// four billion distinct amounts or gigabytes of IDs. It matches b2bkit.ErrInvalid, since retrying
// the same call cannot succeed, and not b2bkit.ErrConflict: nothing stored collides with the match,
// and a caller that re-reads and retries on a conflict would loop. A host that meets it has outgrown
// the in-memory log.
var ErrFull = fmt.Errorf("the in-memory log is full: %w", b2bkit.ErrInvalid)

// MemoryLog is the in-memory Log: safe for concurrent use, indexed by SKU, buyer and seller so a Scan
// reads only the matches of the SKU, buyer or seller it asks for (the seller index is built by the
// first scan for a seller), and compact enough to hold millions of matches (names, currencies,
// payment schedules, time zones and amounts that repeat are stored once). The zero value is an empty
// log ready to use; NewMemoryLog returns one.
type MemoryLog struct {
	mu sync.RWMutex
	// recs are the records in append order, in fixed-size chunks so the log never copies them as it
	// grows; a record's position is its append number.
	recs chunks
	// ids finds a record by a hash of its ID (see idTable).
	ids  idTable
	seed maphash.Seed
	// seeded says seed is set: the zero log makes one on its first append.
	seeded bool
	// peeked keeps what Append read early (see there), so the reads are not optimised away.
	peeked uint64
	// idBytes holds the IDs of the records.
	idBytes idArena
	// keyBuf builds payment-schedule keys without allocating.
	keyBuf []byte

	// all is every record in time order, once a record came out of order (allMade); until then it is
	// just every position in turn and is not kept.
	all     []uint32
	allMade bool
	// indexed is how many records are in the indexes: the ones after came in time order and wait
	// to be indexed together (see indexPending); readers of the indexes index them first.
	indexed int
	maxAt   int64 // the latest time appended
	// The indexes by name id (see names): the records of each SKU, buyer and seller, in time order.
	// The seller index is built the first time a scan asks for a seller (Rank does) and kept from
	// then on (sellersIndexed): a log nobody ranks sellers in does not pay for it on every append.
	bySKU, byBuyer, bySeller [][]uint32
	sellersIndexed           bool

	names     nameTable
	locs      intern[*time.Location]
	lastLoc   *time.Location
	lastLocID uint16
	zoneKeys  map[zoneKey]uint16 // the zones by how they show the time they were stored for
	// zoneSets are the zones of a record's three times, each set once; matches mostly have one.
	zoneSets  intern[[3]uint16]
	lastZones uint32 // the id + 1 of the last set
	// curs are the currencies, each once; lastCur is the id + 1 of the last.
	curs      intern[string]
	lastCur   uint32
	payments  []b2bkit.PaymentTerms
	payIndex  map[string]uint32
	decimals  map[decKey]internedDec
	bigDecims map[string]internedDec
	decs      []decimal.Decimal // the interned decimals, by id
	// decCache and payCache remember, by a cheap hash, the id + 1 of a decimal or schedule seen
	// before, so the common repeats skip the maps; a hit is confirmed against the stored value.
	// decCache is made with the maps, so an empty log stays small.
	decCache []decSlot
	payCache [1 << payCacheBits]uint32

	// visit, if set (by tests), is called for every stored record a scan reads; testHash, if set,
	// replaces the ID hash, so tests can make IDs collide.
	visit    func()
	testHash func(string) uint64
}

var _ Log = (*MemoryLog)(nil)

// record is a Match as MemoryLog stores it: names, zones and schedules as indexes into tables,
// times as nanoseconds, decimals shared with every other record holding the same value.
//
// It is 64 bytes, a cache line, and the chunks holding records start on page boundaries, so reading
// or writing a record touches one line.
type record struct {
	at, ordered, deliver      int64
	qtyID, priceID, subsidyID uint32 // the amounts, as ids of the log's interned decimals
	buyer, seller, sku, pay   uint32
	idRef                     uint32 // the ID, in the log's idArena, of idLen bytes
	cur                       uint16 // the currency, an index into curs
	zones                     uint16 // the zones of at, ordered and deliver, an index into zoneSets
	lead                      int16  // Terms.LeadDays() (0..b2bkit.MaxTermDays), for the book's memo
	idLen                     uint8
	flags                     uint8 // status (bits 0-1), mode (bit 2), channel (bits 3-7)
}

// The channel has five bits in record.flags.
var _ [31 - int(b2bkit.FullAuto)]struct{}

func (r *record) status() Status          { return Status(r.flags & 3) }
func (r *record) mode() Mode              { return Mode(r.flags >> 2 & 1) }
func (r *record) channel() b2bkit.Channel { return b2bkit.Channel(r.flags >> 3) }
func (r *record) setStatus(s Status)      { r.flags = r.flags&^3 | uint8(s) }

const chunkBits = 12

type chunks struct {
	c [][]record
	n int
}

func (c *chunks) at(p uint32) *record { return &c.c[p>>chunkBits][p&(1<<chunkBits-1)] }

func (c *chunks) push(r record) uint32 {
	if c.n>>chunkBits == len(c.c) {
		c.c = append(c.c, make([]record, 0, 1<<chunkBits))
	}
	last := &c.c[len(c.c)-1]
	*last = append(*last, r)
	c.n++
	return uint32(c.n - 1)
}

type intern[T comparable] struct {
	index map[T]uint32
	vals  []T
}

func (t *intern[T]) id(v T) uint32 {
	if i, ok := t.index[v]; ok {
		return i
	}
	if t.index == nil {
		t.index = make(map[T]uint32)
	}
	i := uint32(len(t.vals))
	t.index[v] = i
	t.vals = append(t.vals, v)
	return i
}

type internedDec struct {
	d  decimal.Decimal
	id uint32
}

type decKey struct {
	coef int64
	exp  int32
}

// NewMemoryLog returns an empty in-memory log.
func NewMemoryLog() *MemoryLog {
	l := &MemoryLog{}
	l.initMaps()
	return l
}

func (l *MemoryLog) initMaps() {
	l.seed, l.seeded = maphash.MakeSeed(), true
	l.payIndex = make(map[string]uint32)
	l.decCache = make([]decSlot, 1<<decCacheBits)
	l.decimals = make(map[decKey]internedDec)
	l.bigDecims = make(map[string]internedDec)
}

// Len is the number of matches stored.
func (l *MemoryLog) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.recs.n
}

// Append stores m; see Log.Append. A log that can take no more returns ErrFull.
func (l *MemoryLog) Append(ctx context.Context, m Match) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var small [3]bool // quantity, unit price, subsidy
	if err := m.validate(&small); err != nil {
		return fmt.Errorf("matching: %w", b2bkit.InField("match", err))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.seeded {
		l.initMaps()
	}
	tag := l.tag(m.ID)
	hb, hs, hk := maphash.String(l.seed, string(m.Buyer)), maphash.String(l.seed, string(m.Seller)), maphash.String(l.seed, string(m.SKU))
	// The first reads of the lookups below are the ones most likely to miss the cache: made here
	// one after the other, the processor waits for all of them at once rather than in turn.
	l.peeked = uint64(l.ids.peek(tag)) ^ l.names.peek(hb) ^ l.names.peek(hs) ^ l.names.peek(hk)
	i, ok, slot := l.find(tag, m.ID)
	if ok {
		if stored := l.decodeShared(l.recs.at(i)); stored.sameContent(m) { // read only: no copy of the installments
			if !m.Status.reaches(stored.Status) {
				return fmt.Errorf("matching: %w", b2bkit.Conflict("match", m.ID, fmt.Sprintf("stored as %s, which cannot have been %s; SetStatus moves a status", stored.Status, m.Status)))
			}
			return nil
		}
		return fmt.Errorf("matching: %w", b2bkit.Conflict("match", m.ID, "stored with other content"))
	}
	if int64(l.recs.n) >= 1<<32-1 || len(l.locs.vals) >= 1<<16-3 || len(l.zoneSets.vals) >= 1<<16-1 || int64(len(l.decs)) >= 1<<32-256 || !l.idBytes.fits(len(m.ID)) {
		return fmt.Errorf("matching: match %s: %w", m.ID, ErrFull)
	}
	// Nothing fails from here on.
	r := record{
		buyer: l.names.idHashed(l.seed, string(m.Buyer), hb), seller: l.names.idHashed(l.seed, string(m.Seller), hs),
		sku: l.names.idHashed(l.seed, string(m.SKU), hk), at: m.At.UnixNano(),
	}
	pos := uint32(l.recs.n)
	// Matches mostly arrive in time order (see indexPending).
	inOrder := pos == 0 || r.at >= l.maxAt
	if inOrder {
		l.maxAt = r.at
	} else {
		l.indexPending()
	}
	r.idRef, r.idLen = l.idBytes.add(m.ID), uint8(len(m.ID)) // copied: the caller's buffer is not pinned
	r.ordered, r.deliver = m.Terms.OrderedAt.UnixNano(), m.Terms.DeliverBy.UnixNano()
	r.lead = int16(b2bkit.DaysBetween(m.Terms.OrderedAt, m.Terms.DeliverBy))
	r.qtyID, r.priceID, r.subsidyID = l.dec(m.Quantity, small[0]), l.dec(m.UnitPrice, small[1]), l.dec(m.Subsidy, small[2])
	r.cur, r.pay = l.currency(m.Currency), l.payment(m.Terms.Payment)
	r.zones = l.zoneSet([3]uint16{l.loc(m.At), l.loc(m.Terms.OrderedAt), l.loc(m.Terms.DeliverBy)})
	r.flags = uint8(m.Status) | uint8(m.Mode)<<2 | uint8(m.Channel)<<3
	l.recs.push(r)
	l.ids.put(tag, pos, slot)
	if !inOrder {
		l.indexOne(pos, r.sku, r.buyer, r.seller, r.at, false)
		l.indexed = l.recs.n
	} else if l.recs.n-l.indexed >= indexEvery {
		l.indexPending()
	}
	return nil
}

// indexEvery is how many matches, appended in time order, wait to be indexed together.
const indexEvery = 512

// indexPending puts the records appended since the last time into the indexes. They are in time order
// and after every record indexed, so each goes at the end of its lists. Indexing them together is
// faster than one at a time: the lists of different names are far apart in memory, and the
// processor fetches several of them at once when nothing in between waits for one.
func (l *MemoryLog) indexPending() {
	if l.indexed == l.recs.n {
		return
	}
	l.growIndexes()
	// One list at a time: the loops are short, so the processor runs several rounds ahead.
	from, to := uint32(l.indexed), uint32(l.recs.n)
	for p := from; p < to; p++ {
		r := l.recs.at(p)
		l.bySKU[r.sku] = appendPos(l.bySKU[r.sku], p)
	}
	for p := from; p < to; p++ {
		r := l.recs.at(p)
		l.byBuyer[r.buyer] = appendPos(l.byBuyer[r.buyer], p)
	}
	if l.sellersIndexed {
		for p := from; p < to; p++ {
			r := l.recs.at(p)
			l.bySeller[r.seller] = appendPos(l.bySeller[r.seller], p)
		}
	}
	if l.allMade {
		for p := from; p < to; p++ {
			l.all = appendPos(l.all, p)
		}
	}
	l.indexed = l.recs.n
}

// indexSellers builds the seller index from every indexed record, in time order, and keeps it from
// then on.
func (l *MemoryLog) indexSellers() {
	l.growIndexes()
	n := uint32(l.indexed)
	for i := range n {
		p := i
		if l.allMade {
			p = l.all[i]
		}
		r := l.recs.at(p)
		l.bySeller[r.seller] = appendPos(l.bySeller[r.seller], p)
	}
	l.sellersIndexed = true
}

// growIndexes gives every name its (empty) lists.
func (l *MemoryLog) growIndexes() {
	if n := uint32(len(l.names.vals)); n > uint32(len(l.bySKU)) {
		l.bySKU = append(l.bySKU, make([][]uint32, n-uint32(len(l.bySKU)))...)
		l.byBuyer = append(l.byBuyer, make([][]uint32, n-uint32(len(l.byBuyer)))...)
		l.bySeller = append(l.bySeller, make([][]uint32, n-uint32(len(l.bySeller)))...)
	}
}

// appendPos appends pos to idx, doubling its room when full: append grows long slices by a
// quarter, and copying is what costs here, each copy into memory the process touches for the
// first time.
func appendPos(idx []uint32, pos uint32) []uint32 {
	if len(idx) < cap(idx) {
		return append(idx, pos)
	}
	return append(slices.Grow(idx, max(len(idx), 8)), pos)
}

// indexOne puts the record at pos, of the given names and time, into the indexes; inOrder says it
// is no older than any record before it.
func (l *MemoryLog) indexOne(pos, sku, buyer, seller uint32, at int64, inOrder bool) {
	l.growIndexes()
	l.bySKU[sku] = l.insert(l.bySKU[sku], pos, at, inOrder)
	l.byBuyer[buyer] = l.insert(l.byBuyer[buyer], pos, at, inOrder)
	if l.sellersIndexed {
		l.bySeller[seller] = l.insert(l.bySeller[seller], pos, at, inOrder)
	}
	if !inOrder && !l.allMade {
		// Every record before pos came in time order: the list of all is just their positions.
		l.all = make([]uint32, pos, pos+pos/4+8)
		for i := range l.all {
			l.all[i] = uint32(i)
		}
		l.allMade = true
	}
	if l.allMade {
		l.all = l.insert(l.all, pos, at, inOrder)
	}
}

// rlockIndexed takes the read lock with every record appended so far in the indexes the filter
// reads.
func (l *MemoryLog) rlockIndexed(f *Filter) {
	sellers := f.Seller != ""
	l.mu.RLock()
	if l.indexed == l.recs.n && (!sellers || l.sellersIndexed) {
		return
	}
	l.mu.RUnlock()
	l.mu.Lock()
	l.indexPending()
	if sellers && !l.sellersIndexed {
		l.indexSellers()
	}
	l.mu.Unlock()
	// Records appended between the two locks may be left out: a scan may or may not see matches
	// appended while it runs.
	l.mu.RLock()
}

// lookup returns the position of the record with the given id.
func (l *MemoryLog) lookup(id string) (uint32, bool) {
	if !l.seeded {
		return 0, false // the zero log
	}
	i, ok, _ := l.find(l.tag(id), id)
	return i, ok
}

// tag is the top half of the ID's hash, which idTable keeps.
func (l *MemoryLog) tag(id string) uint32 {
	if l.testHash != nil {
		return uint32(l.testHash(id) >> 32)
	}
	return uint32(maphash.String(l.seed, id) >> 32)
}

// find returns the position of the record with the given id, whose tag is tag; when there is none,
// slot is where it goes in l.ids.
func (l *MemoryLog) find(tag uint32, id string) (pos uint32, found bool, slot uint64) {
	t := &l.ids
	if len(t.slots) == 0 {
		return 0, false, 0
	}
	mask, c := uint64(len(t.slots)-1), h2(tag)
	for i := t.home(tag); ; i = (i + 1) & mask {
		switch t.ctrl[i] {
		case 0:
			return 0, false, i
		case c:
			if e := t.slot(i); uint32(e>>32) == tag && l.hasID(l.recs.at(uint32(e)-1), id) {
				return uint32(e) - 1, true, i
			}
		}
	}
}

// idOf is the ID of a stored record.
func (l *MemoryLog) idOf(r *record) string { return l.idBytes.get(r.idRef, r.idLen) }

// hasID reports whether a stored record's ID is id.
func (l *MemoryLog) hasID(r *record, id string) bool { return l.idBytes.is(r.idRef, r.idLen, id) }

// currency interns a currency code, remembering the last one. There are at most 26^3 codes.
func (l *MemoryLog) currency(c string) uint16 {
	if l.lastCur > 0 && l.curs.vals[l.lastCur-1] == c {
		return uint16(l.lastCur - 1)
	}
	id := l.curs.id(c)
	l.lastCur = id + 1
	return uint16(id)
}

// zoneSet interns the zones of a record's times, remembering the last set.
func (l *MemoryLog) zoneSet(z [3]uint16) uint16 {
	if l.lastZones > 0 && l.zoneSets.vals[l.lastZones-1] == z {
		return uint16(l.lastZones - 1)
	}
	id := l.zoneSets.id(z)
	l.lastZones = id + 1
	return uint16(id)
}

// insert puts pos, a record made at at, into idx, kept in time order; the newest record goes after
// others of equal time. inOrder says the record is no older than any before it, so it goes at the end.
func (l *MemoryLog) insert(idx []uint32, pos uint32, at int64, inOrder bool) []uint32 {
	n := len(idx)
	if n == 0 || inOrder || l.recs.at(idx[n-1]).at <= at {
		return appendPos(idx, pos)
	}
	i, _ := slices.BinarySearchFunc(idx, at, func(p uint32, t int64) int {
		if l.recs.at(p).at <= t {
			return -1
		}
		return 1
	})
	return slices.Insert(idx, i, pos)
}

// loc interns a time zone; matches of one platform mostly share one, so the last is remembered.
//
// Zones are told apart by what they show of t: time.Parse gives every time it reads with an
// offset that is not a whole hour (+05:30) a zone of its own, and keeping each of those would fill
// the log. A zone with the name, abbreviation and offset of one stored before shows t the same
// way, so t is stored with that one.
func (l *MemoryLog) loc(t time.Time) uint16 {
	z := t.Location()
	if z == l.lastLoc && len(l.locs.vals) > 0 {
		return l.lastLocID
	}
	if id, ok := l.locs.index[z]; ok {
		l.lastLoc, l.lastLocID = z, uint16(id)
		return l.lastLocID
	}
	abbr, off := t.Zone()
	k := zoneKey{z.String(), abbr, off}
	if id, ok := l.zoneKeys[k]; ok {
		return id
	}
	id := uint16(l.locs.id(z))
	if l.zoneKeys == nil {
		l.zoneKeys = make(map[zoneKey]uint16)
	}
	l.zoneKeys[k] = id
	l.lastLoc, l.lastLocID = z, id
	return id
}

// A zoneKey is how a zone shows a time: its name, and the abbreviation and offset at that time.
type zoneKey struct {
	name, abbr string
	offset     int
}

// dec interns d and returns its id: l.decs[id] is equal to d, written the same way, and shared
// with every equal value stored before (equal values of other representations, 1.0 and 1.00, get
// other ids). small says d's coefficient fits in int64; values that repeat are then found in
// decCache by coefficient and exponent, without a map.
func (l *MemoryLog) dec(d decimal.Decimal, small bool) uint32 {
	if !small {
		return l.bigDec(d).id
	}
	k := decKey{d.CoefficientInt64(), d.Exponent()}
	c := &l.decCache[(uint64(k.coef)*0x9E3779B97F4A7C15^uint64(k.exp)*0xC2B2AE3D27D4EB4F)>>(64-decCacheBits)]
	if c.id > 0 && c.k == k {
		return c.id - 1
	}
	v, ok := l.decimals[k]
	if !ok {
		v = internedDec{decimal.New(k.coef, k.exp), uint32(len(l.decs))}
		l.decs = append(l.decs, v.d)
		l.decimals[k] = v
	}
	*c = decSlot{k, v.id + 1}
	return v.id
}

// A decSlot remembers an interned decimal: its coefficient and exponent, and its id + 1 (0: empty).
type decSlot struct {
	k  decKey
	id uint32
}

const decCacheBits, payCacheBits = 12, 6

// bigDec interns a decimal whose coefficient does not fit in int64.
func (l *MemoryLog) bigDec(d decimal.Decimal) internedDec {
	k := d.Coefficient().String() + "e" + strconv.Itoa(int(d.Exponent()))
	if v, ok := l.bigDecims[k]; ok {
		return v
	}
	v := internedDec{decimal.NewFromBigInt(d.Coefficient(), d.Exponent()), uint32(len(l.decs))}
	l.decs = append(l.decs, v.d)
	l.bigDecims[k] = v
	return v
}

func (l *MemoryLog) payment(p b2bkit.PaymentTerms) uint32 {
	h := uint64(len(p.Installments))
	for _, in := range p.Installments {
		c, _ := fastdec.Int64(in.Share) // a hash: a big share only collides more
		h = (h ^ uint64(c)) * 0x9E3779B97F4A7C15
		h = (h ^ uint64(in.Share.Exponent())<<40 ^ uint64(in.Due)<<32 ^ uint64(in.Days)) * 0xC2B2AE3D27D4EB4F
	}
	c := &l.payCache[h>>(64-payCacheBits)]
	if *c > 0 && sameSchedule(l.payments[*c-1].Installments, p.Installments) {
		return *c - 1
	}
	i := l.paymentSlow(p)
	*c = i + 1
	return i
}

// sameSchedule reports whether a and b are the same installments written the same way (0.3 is
// not 0.30: the log gives back what it was given).
func sameSchedule(a, b []b2bkit.Installment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Due != b[i].Due || a[i].Days != b[i].Days || a[i].Share.Exponent() != b[i].Share.Exponent() ||
			a[i].Share.Cmp(b[i].Share) != 0 {
			return false
		}
	}
	return true
}

func (l *MemoryLog) paymentSlow(p b2bkit.PaymentTerms) uint32 {
	b := l.keyBuf[:0]
	for _, in := range p.Installments {
		if c, ok := fastdec.Int64(in.Share); ok {
			b = strconv.AppendInt(b, c, 10)
		} else {
			b = append(b, in.Share.Coefficient().String()...)
		}
		b = append(b, 'e')
		b = strconv.AppendInt(b, int64(in.Share.Exponent()), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(in.Due), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(in.Days), 10)
		b = append(b, ';')
	}
	l.keyBuf = b
	if i, ok := l.payIndex[string(b)]; ok {
		return i
	}
	k := string(b)
	i := uint32(len(l.payments))
	ins := make([]b2bkit.Installment, len(p.Installments))
	for j, in := range p.Installments {
		_, small := fastdec.Int64(in.Share)
		ins[j] = b2bkit.Installment{Share: l.decs[l.dec(in.Share, small)], Due: in.Due, Days: in.Days}
	}
	l.payments = append(l.payments, b2bkit.PaymentTerms{Installments: ins})
	l.payIndex[k] = i
	return i
}

// decode rebuilds the match; the caller holds the lock. The installments are copied, so a caller
// cannot change what is stored.
func (l *MemoryLog) decode(r *record) Match {
	m := l.decodeShared(r)
	m.Terms.Payment.Installments = slices.Clone(m.Terms.Payment.Installments)
	return m
}

// decodeShared is decode with the installments shared with the log: for readers that never change
// them (the Book).
func (l *MemoryLog) decodeShared(r *record) Match {
	loc, z := l.locs.vals, l.zoneSets.vals[r.zones]
	return Match{
		ID: l.idOf(r), Buyer: b2bkit.CompanyID(l.names.vals[r.buyer]), Seller: b2bkit.CompanyID(l.names.vals[r.seller]),
		SKU: b2bkit.SKU(l.names.vals[r.sku]), Quantity: l.decs[r.qtyID], UnitPrice: l.decs[r.priceID], Currency: l.curs.vals[r.cur],
		Terms: b2bkit.Terms{
			Payment:   l.payments[r.pay],
			OrderedAt: time.Unix(0, r.ordered).In(loc[z[1]]),
			DeliverBy: time.Unix(0, r.deliver).In(loc[z[2]]),
		},
		At: time.Unix(0, r.at).In(loc[z[0]]), Status: r.status(), Subsidy: l.decs[r.subsidyID],
		Mode: r.mode(), Channel: r.channel(),
	}
}

// SetStatus moves a match's status forward; see Log.SetStatus.
func (l *MemoryLog) SetStatus(ctx context.Context, id string, status Status) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !status.Valid() {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("status", "unknown status %d", int(status)))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.lookup(id)
	if !ok {
		return fmt.Errorf("matching: %w", b2bkit.NotFound("match", id))
	}
	r := l.recs.at(i)
	cur := r.status()
	switch {
	case cur == status:
		return nil
	case !cur.CanBecome(status):
		return fmt.Errorf("matching: %w", b2bkit.Conflict("match", id, fmt.Sprintf("status is %s and cannot become %s", cur, status)))
	}
	r.setStatus(status)
	return nil
}

// Get returns a stored match; see Log.Get.
func (l *MemoryLog) Get(ctx context.Context, id string) (Match, error) {
	if err := ctx.Err(); err != nil {
		return Match{}, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	i, ok := l.lookup(id)
	if !ok {
		return Match{}, fmt.Errorf("matching: %w", b2bkit.NotFound("match", id))
	}
	return l.decode(l.recs.at(i)), nil
}

// scanBatch is how many matches Scan decodes under one read lock; the lock is never held while the
// caller's loop body runs, so the body may append to the log.
const scanBatch = 256

// Scan yields the matches that pass f in time order; see Log.Scan. It reads the index of the SKU,
// buyer or seller the filter names (the shortest of them) and, within it, only the filter's period.
func (l *MemoryLog) Scan(ctx context.Context, f Filter) iter.Seq2[Match, error] {
	return func(yield func(Match, error) bool) {
		if err := f.Validate(); err != nil {
			yield(Match{}, fmt.Errorf("matching: %w", err))
			return
		}
		var from, to int64 = minNanos, maxNanos
		if !f.From.IsZero() {
			from = clampNanos(f.From)
		}
		if !f.To.IsZero() {
			to = clampNanos(f.To)
		}
		buf := make([]Match, 0, scanBatch)
		// The cursor is the time and position of the last record read, so records appended
		// meanwhile do not shift what comes next.
		curAt, curPos, started := from, uint32(0), false
		for {
			if err := ctx.Err(); err != nil {
				yield(Match{}, err)
				return
			}
			buf = buf[:0]
			done := l.readBatch(&f, &buf, &curAt, &curPos, &started, to)
			for _, m := range buf {
				if !yield(m, nil) {
					return
				}
			}
			if done {
				return
			}
		}
	}
}

var minNanos, maxNanos = minTime.UnixNano(), maxTime.UnixNano()

func clampNanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return minNanos
	case t.After(maxTime):
		return maxNanos
	}
	return t.UnixNano()
}

// readBatch decodes up to scanBatch matches after the cursor into buf and reports whether the scan
// is complete.
func (l *MemoryLog) readBatch(f *Filter, buf *[]Match, curAt *int64, curPos *uint32, started *bool, to int64) bool {
	l.rlockIndexed(f)
	defer l.mu.RUnlock()
	idx, ok := l.index(f)
	if !ok {
		return true
	}
	// First index entry after the cursor: at > curAt, or at == curAt and position > curPos
	// (positions grow with appends, and equal times are in append order).
	i := l.seek(idx, *curAt, *curPos, *started)
	for ; i < idx.n && len(*buf) < cap(*buf); i++ {
		p := idx.at(i)
		r := l.recs.at(p)
		if r.at >= to {
			return true
		}
		if l.visit != nil {
			l.visit()
		}
		*curAt, *curPos, *started = r.at, p, true
		if !l.keep(f, r) {
			continue
		}
		*buf = append(*buf, l.decode(r))
	}
	return i >= idx.n
}

// A posList is an index: record positions in time order. With p nil it is 0, 1, ... n-1.
type posList struct {
	p []uint32
	n int
}

func (x posList) at(i int) uint32 {
	if x.p == nil {
		return uint32(i)
	}
	return x.p[i]
}

// index picks the shortest index the filter allows; ok is false when a name the filter asks for is
// not in the log at all.
func (l *MemoryLog) index(f *Filter) (idx posList, ok bool) {
	idx = posList{n: l.recs.n}
	if l.allMade {
		idx = posList{l.all, len(l.all)}
	}
	for _, c := range []struct {
		name string
		ix   [][]uint32
	}{{string(f.SKU), l.bySKU}, {string(f.Buyer), l.byBuyer}, {string(f.Seller), l.bySeller}} {
		if c.name == "" {
			continue
		}
		n, found, _, _ := l.names.find(l.seed, c.name)
		if !found {
			return posList{}, false
		}
		var x []uint32
		if int(n) < len(c.ix) {
			x = c.ix[n]
		}
		if len(x) < idx.n {
			idx = posList{x, len(x)}
		}
	}
	return idx, true
}

func (l *MemoryLog) keep(f *Filter, r *record) bool {
	if f.SKU != "" && l.names.vals[r.sku] != string(f.SKU) ||
		f.Buyer != "" && l.names.vals[r.buyer] != string(f.Buyer) ||
		f.Seller != "" && l.names.vals[r.seller] != string(f.Seller) {
		return false
	}
	return len(f.Statuses) == 0 || slices.Contains(f.Statuses, r.status())
}

// seek is the position in idx of the first record after the cursor: a later time, or the same time
// and a later position (equal times are in append order).
func (l *MemoryLog) seek(idx posList, curAt int64, curPos uint32, started bool) int {
	i := sort.Search(idx.n, func(i int) bool { return l.recs.at(idx.at(i)).at >= curAt })
	if started {
		for i < idx.n && l.recs.at(idx.at(i)).at == curAt && idx.at(i) <= curPos {
			i++
		}
	}
	return i
}
