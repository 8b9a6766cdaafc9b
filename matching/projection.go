package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/pricing"
)

// A projection is the book's own view of a log: every match as a row of columns, built by replaying
// the log's entries in sequence order and kept current by reading on from seq. It holds what the
// questions need and nothing else, compactly: names interned and referred to by number, times as
// int64 nanoseconds, amounts as an int64 coefficient and an int8 exponent (the rare amount whose
// coefficient does not fit lives in odd), status changes as the times they happened. Its indexes
// list each SKU's, buyer's and seller's rows, and all rows, in time order; a seller's list also
// carries each row's SKU and status, so Rank walks it without reading the columns row by row.
//
// A SKU's list also carries each row's price, terms key and seller (a skuRow), so ReferencePrice and
// Rank read a busy SKU's trades of a window as one contiguous block, not a column each at rows
// scattered through the log.
//
// A row is about 125 bytes: 48 in times and sequence, 16 in names and schedule, 27 in amounts, 5 in
// lead time, currency and flags, 8 in the list of all rows and its SKU's, 16 in its skuRow; 12 more
// once the buyer and seller lists are built (4 in a buyer's, 8 in a seller's with its rowMeta).
type projection struct {
	seq  uint64    // the last entry applied
	last lastEntry // and what it was

	companies, skus, currencies names
	pays                        schedules

	// The columns, one element per row; rows are in the order the matches were appended.
	rowSeq                  []uint64 // the entry that appended the match
	at, ordered, deliver    []int64
	accAt, endAt            []int64 // when it was accepted and when fulfilled or cancelled, or none
	buyer, seller, sku, pay []uint32
	qtyC, priceC, subC      []int64 // coefficients (0 when in odd)
	qtyE, priceE, subE      []int8  // exponents
	lead                    []int16 // Terms.LeadDays
	// termsIndex interns the rows' terms keys (see termsOf); termsQty and termsLead are, by key,
	// its quantity in units at qtyScale (-1: not exactly) and its lead time.
	termsIndex map[termsKey]uint32
	termsQty   []int64
	termsLead  []int16
	cur        []uint16
	flags      []uint8 // see the flag constants
	// subBits has bit r set when the platform paid for row r: what subsidised reads, a bit a row
	// rather than an amount, so a window's rows are checked without reading their subsidies.
	subBits                  []uint64
	odd                      map[oddKey]decimal.Decimal
	order                    timeList // all rows, once orderMade
	orderMade                bool     // a row came out of time order: until then row order is time order
	allLastAt                int64    // the latest time while !orderMade
	bySKU, byBuyer, bySeller []timeList
	// The buyer and seller lists are built by the first question that needs them (Rhythm, Rank,
	// Health as of a past date) and kept from then on: building a projection does not pay for
	// lists only some books use.
	buyersIndexed, sellersIndexed bool
	dirty                         []listRef

	// firstOrder is, by company, the row of its first order (accepted or fulfilled) by the
	// statuses as they stand, or noRow; firstOrderAt its time. They answer "is this buyer new?"
	// without walking the buyer's matches, for any clock at or after lastChange, the latest status
	// change applied: from then on a status as of the clock is the status as it stands.
	firstOrder   []uint32
	firstOrderAt []int64
	lastChange   int64
	refirst      []uint32 // companies whose first order was cancelled: found again by fix

	// ratios remembers, by SKU and terms key, how the pricing engine restates the terms to the
	// SKU's canonical ones (see normalizer); questions asked at once share it.
	ratioMu sync.Mutex
	ratios  map[ratioKey]uint64
	// canon remembers them by SKU in a table by terms key, when they depend on the terms alone
	// (each with its knownRatio bit); canonLen counts the tables' entries, bounded by maxRatios.
	canon    map[uint32][]uint64
	canonLen int
}

// none marks a status change that has not happened.
const none = math.MinInt64

// The bits of projection.flags.
const (
	flagAppended = 3 << 0 // the status the match was appended with
	flagNowShift = 2      // the status now, two bits from here
	flagSelf     = 1 << 4 // self-operated
	flagOddQty   = 1 << 5 // the amount is in odd
	flagOddPrice = 1 << 6
	flagOddSub   = 1 << 7
)

// An oddKey names an amount of a row kept in projection.odd.
type oddKey struct {
	row uint32
	col uint8 // 0 quantity, 1 unit price, 2 subsidy
}

// A timeList is rows in time order (equal times in row order). Rows that arrive in time order are
// appended as they are; a backdated one marks the list, and fix sorts what came after sorted and
// merges it in, once per batch of entries, not once per row.
type timeList struct {
	rows   []uint32
	sorted int   // rows[:sorted] are in order
	lastAt int64 // the time of rows[sorted-1], so an append need not read the time column
	// meta is, in a seller's list, what Rank reads of each row beside it — its SKU and its status
	// as it stands — so ranking walks a seller's list, not the columns at a row each.
	meta []rowMeta
	// sheet is, in a SKU's list, what a reference price and Rank read of each row beside it.
	sheet []skuRow
}

// A skuRow is what never changes of a row that a question on its SKU reads: the unit price in
// cents with the subsidy bit (see skuPrice), the terms key (noTerms for a quantity kept in odd), the
// seller and the buyer. With all four beside the row, a reference price reads no column at the
// window's rows but their status.
type skuRow struct {
	price  skuPrice
	terms  uint32
	seller uint32
	buyer  uint32
}

// A skuPrice is a row's unit price in units at two places when it is exactly that and below
// maxCentsPrice (0 otherwise: the price columns hold it), and in its top bit whether the platform
// paid for the row.
type skuPrice uint32

const skuSubsidised skuPrice = 1 << 31

// cents is the unit price in units at two places, or 0 when the price columns must be read.
func (s skuRow) cents() uint64 { return uint64(s.price &^ skuSubsidised) }

// subsidised reports whether the platform paid for the row (as projection.subsidised).
func (s skuRow) subsidised() bool { return s.price&skuSubsidised != 0 }

// skuRowOf is row r's skuRow, its terms key interned. Its subsidy bit must be noted.
func (p *projection) skuRowOf(r uint32) skuRow {
	var c skuPrice
	if pc, pe := p.priceC[r], p.priceE[r]; p.flags[r]&flagOddPrice == 0 && pe >= -2 && pe <= 0 && pc > 0 && pc < maxCentsPrice {
		if c2 := uint64(pc) * fastdec.Pow10(2+int32(pe)); c2 < maxCentsPrice {
			c = skuPrice(c2)
		}
	}
	if p.subsidised(r) {
		c |= skuSubsidised
	}
	return skuRow{price: c, terms: p.termsOf(r), seller: p.seller[r], buyer: p.buyer[r]}
}

// rowMeta is a row's SKU and its status as it stands, kept in a seller's list (timeList.meta):
// the SKU in the low 30 bits (a projection numbers fewer SKUs than maxSKUs), the status in the top
// two, four bytes a row.
type rowMeta uint32

// maxSKUs is how many SKUs a projection numbers: rowMeta holds a SKU's number in 30 bits.
const maxSKUs = 1 << 30

func (m rowMeta) sku() uint32 { return uint32(m) & (maxSKUs - 1) }
func (m rowMeta) now() Status { return Status(m >> 30) }

// withNow is m with status st.
func (m rowMeta) withNow(st Status) rowMeta { return rowMeta(m.sku() | uint32(st)<<30) }

// metaOf is row r's rowMeta as the columns have it.
func (p *projection) metaOf(r uint32) rowMeta {
	return rowMeta(p.sku[r]).withNow(Status(p.flags[r] >> flagNowShift & 3))
}

// listRef names a list to fix: kind 0 all rows, 1 a SKU's, 2 a buyer's, 3 a seller's.
type listRef struct {
	kind uint8
	id   uint32
}

// maxRows is how many rows a projection numbers with uint32.
const maxRows = math.MaxUint32

func (p *projection) rows() int { return len(p.rowSeq) }

// A pending entry is a log entry checked and decoded outside the book's lock — the work of reading
// a match's decimals and times done once — ready to apply.
type pending struct {
	seq, matchSeq        uint64
	kind                 EntryKind
	status               Status
	self                 bool
	lead                 int16
	id                   string // the match's ID, for the snapshot's check of its last entry
	at, ordered, deliver int64  // for a change, at is when it happened
	amts                 [3]pendingAmount
	buyer, seller, sku   string
	currency             string
	pay                  []b2bkit.Installment
}

// A pendingAmount is an amount as a row keeps it: coefficient and exponent, or the decimal itself
// when the coefficient does not fit.
type pendingAmount struct {
	c   int64
	e   int8
	odd bool
	d   decimal.Decimal // when odd
}

// decode checks an entry and decodes it. The error names the entry and matches b2bkit.ErrInvalid.
func decode(e *Entry, pd *pending) error {
	var err error
	switch e.Kind {
	case MatchAppended:
		m := &e.Match
		var cs [3]coefficient
		if err = m.validate(&cs); err != nil && m.padded() {
			// A log may read amounts back from a high-scale numeric column: the match is the
			// one written short. (Read only when it fails: a valid match costs nothing more.)
			m.canonicalize()
			err = m.validate(&cs)
		}
		if err != nil {
			err = b2bkit.InField("entry.match", err)
			break
		}
		*pd = pending{seq: e.Seq, kind: MatchAppended, status: m.Status, self: m.Mode == SelfOperated,
			lead: int16(m.Terms.LeadDays()), id: m.ID, at: m.At.UnixNano(),
			ordered: m.Terms.OrderedAt.UnixNano(), deliver: m.Terms.DeliverBy.UnixNano(),
			buyer: string(m.Buyer), seller: string(m.Seller), sku: string(m.SKU), currency: m.Currency,
			pay: m.Terms.Payment.Installments}
		for i, d := range [3]decimal.Decimal{m.Quantity, m.UnitPrice, m.Subsidy} {
			if cs[i].small {
				pd.amts[i] = pendingAmount{c: cs[i].c, e: int8(d.Exponent())} // exponents of valid amounts fit
			} else {
				pd.amts[i] = pendingAmount{odd: true, d: d}
			}
		}
	case StatusChanged:
		c := &e.Change
		if err = c.Validate(); err != nil {
			err = b2bkit.InField("entry", err)
			break
		}
		*pd = pending{seq: e.Seq, matchSeq: e.MatchSeq, kind: StatusChanged, status: c.Status, id: c.ID, at: c.At.UnixNano()}
	default:
		err = b2bkit.Invalid("entry.kind", "unknown kind %d", int(e.Kind))
	}
	if err != nil {
		return fmt.Errorf("matching: log entry %d: %w", e.Seq, err)
	}
	return nil
}

// apply applies one decoded entry.
func (p *projection) apply(pd *pending) error {
	if pd.seq <= p.seq {
		return fmt.Errorf("matching: log entry %d: %w", pd.seq, b2bkit.Invalid("entry.seq", "must be above %d, the last entry read", p.seq))
	}
	var err error
	if pd.kind == MatchAppended {
		err = p.addMatch(pd)
	} else {
		err = p.addChange(pd)
	}
	if err != nil {
		return err
	}
	p.seq, p.last = pd.seq, lastEntry{pd.kind, pd.id, pd.at}
	return nil
}

// addMatch appends a decoded match as a row.
func (p *projection) addMatch(m *pending) error {
	if int64(p.rows()) >= maxRows || int64(len(p.companies.vals)) >= maxRows-2 || len(p.skus.vals) >= maxSKUs-1 || int64(len(p.pays.list)) >= maxRows-1 || len(p.currencies.vals) >= math.MaxUint16 {
		return fmt.Errorf("matching: log entry %d: %w", m.seq, errProjectionFull)
	}
	r := uint32(p.rows())
	p.rowSeq = append(p.rowSeq, m.seq)
	p.at = append(p.at, m.at)
	p.ordered = append(p.ordered, m.ordered)
	p.deliver = append(p.deliver, m.deliver)
	p.accAt = append(p.accAt, none)
	p.endAt = append(p.endAt, none)
	p.buyer = append(p.buyer, p.companies.id(m.buyer))
	p.seller = append(p.seller, p.companies.id(m.seller))
	p.sku = append(p.sku, p.skus.id(m.sku))
	p.pay = append(p.pay, p.pays.id(m.pay))
	p.lead = append(p.lead, m.lead)
	if p.rows() == 1 || m.currency != p.currencies.vals[p.cur[len(p.cur)-1]] { // mostly one currency
		p.cur = append(p.cur, uint16(p.currencies.id(m.currency)))
	} else {
		p.cur = append(p.cur, p.cur[len(p.cur)-1])
	}
	f := uint8(m.status) | uint8(m.status)<<flagNowShift
	if m.self {
		f |= flagSelf
	}
	for col, flag := range [3]uint8{flagOddQty, flagOddPrice, flagOddSub} {
		a := &m.amts[col]
		if a.odd {
			f |= flag
			if p.odd == nil {
				p.odd = make(map[oddKey]decimal.Decimal)
			}
			p.odd[oddKey{r, uint8(col)}] = a.d
		}
	}
	p.qtyC, p.qtyE = append(p.qtyC, m.amts[0].c), append(p.qtyE, m.amts[0].e)
	p.priceC, p.priceE = append(p.priceC, m.amts[1].c), append(p.priceE, m.amts[1].e)
	p.subC, p.subE = append(p.subC, m.amts[2].c), append(p.subE, m.amts[2].e)
	p.flags = append(p.flags, f)
	p.noteSubsidy(r)
	p.index(r)
	return nil
}

// errProjectionFull is ErrInvalid, not ErrConflict: nothing collided, and no retry can succeed.
var errProjectionFull = b2bkit.Invalid("log", "more matches, companies or payment schedules than a book numbers (2^32; 2^30 SKUs): keep one log and book per market")

// grow returns ls long enough to hold the list of id.
func grow(ls []timeList, id uint32) []timeList {
	if int(id) < len(ls) {
		return ls
	}
	return append(ls, make([]timeList, int(id)+1-len(ls))...)
}

// A termsKey is what a normalised price depends on of a match's terms whatever the policy: the
// quantity, the payment schedule and the booking days. Rows with equal keys restate by the same
// ratio (unless the policy also looks at the buyer or the order date), so a reference price asks
// the pricing engine once per key.
type termsKey struct {
	qty    int64
	pay    uint32
	lead   int16
	qtyExp int8
}

// noTerms is the terms key of a row whose quantity is kept in odd: its price is restated alone.
const noTerms = math.MaxUint32

// termsOf interns row r's terms key.
func (p *projection) termsOf(r uint32) uint32 {
	if p.flags[r]&flagOddQty != 0 || int64(len(p.termsIndex)) >= noTerms {
		return noTerms
	}
	k := termsKey{qty: p.qtyC[r], pay: p.pay[r], lead: p.lead[r], qtyExp: p.qtyE[r]}
	if i, ok := p.termsIndex[k]; ok {
		return i
	}
	if p.termsIndex == nil {
		p.termsIndex = make(map[termsKey]uint32)
	}
	i := uint32(len(p.termsIndex))
	p.termsIndex[k] = i
	q, ok := units(k.qty, k.qtyExp, qtyScale)
	if !ok {
		q = -1
	}
	p.termsQty, p.termsLead = append(p.termsQty, q), append(p.termsLead, k.lead)
	return i
}

// push appends row r to list l (named ref), marking it when r is older than its last row.
func (p *projection) push(l *timeList, ref listRef, r uint32) {
	ordered := l.sorted == len(l.rows)
	if l.rows == nil {
		l.rows = make([]uint32, 0, 16) // most lists grow past a few rows: fewer, larger steps
	}
	l.rows = append(l.rows, r)
	switch ref.kind {
	case 1:
		l.sheet = append(l.sheet, p.skuRowOf(r))
	case 3:
		l.meta = append(l.meta, p.metaOf(r))
	}
	if !ordered {
		return // marked already
	}
	if at := p.at[r]; len(l.rows) == 1 || l.lastAt <= at {
		l.sorted, l.lastAt = len(l.rows), at
		return
	}
	p.dirty = append(p.dirty, ref)
}

// setNow records in a seller's list that row r, one of its rows, now has status st. The row is
// found by its time in the sorted part, or among the rows appended since.
func (l *timeList) setNow(p *projection, r uint32, st Status) {
	if i := l.find(p, r); i >= 0 {
		l.meta[i] = l.meta[i].withNow(st)
	}
}

// find is the position of row r in the list: by its time in the sorted part, or among the rows
// appended since; -1 when it is not there (cannot be: the lists hold every row).
func (l *timeList) find(p *projection, r uint32) int {
	i, ok := slices.BinarySearchFunc(l.rows[:l.sorted], r, p.before)
	if !ok {
		j := slices.Index(l.rows[l.sorted:], r)
		if j < 0 {
			return -1
		}
		i = l.sorted + j
	}
	return i
}

// fix puts every marked list back in time order.
func (p *projection) fix() {
	for _, ref := range p.dirty {
		var l *timeList
		switch ref.kind {
		case 0:
			l = &p.order
		case 1:
			l = &p.bySKU[ref.id]
		case 2:
			l = &p.byBuyer[ref.id]
		default:
			l = &p.bySeller[ref.id]
		}
		p.sortList(l)
	}
	p.dirty = p.dirty[:0]
	if len(p.refirst) > 0 {
		p.indexBuyers()
	}
	for _, c := range p.refirst {
		p.firstOrder[c], p.firstOrderAt[c] = noRow, none
		for _, r := range p.byBuyer[c].rows {
			if Status(p.flags[r] >> flagNowShift & 3).isOrder() {
				p.firstOrder[c], p.firstOrderAt[c] = r, p.at[r]
				break
			}
		}
	}
	p.refirst = p.refirst[:0]
}

// noRow marks a company without an order.
const noRow = math.MaxUint32

// isOrderNow notes that row r is an order now: its buyer's first order may be r.
func (p *projection) isOrderNow(r uint32) {
	b := p.buyer[r]
	for len(p.firstOrder) <= int(b) {
		p.firstOrder, p.firstOrderAt = append(p.firstOrder, noRow), append(p.firstOrderAt, none)
	}
	if f, at := p.firstOrder[b], p.at[r]; f == noRow || at < p.firstOrderAt[b] || at == p.firstOrderAt[b] && r < f {
		p.firstOrder[b], p.firstOrderAt[b] = r, at
	}
}

// index puts row r in the indexes that are built.
func (p *projection) index(r uint32) {
	switch at := p.at[r]; {
	case p.orderMade:
		p.push(&p.order, listRef{0, 0}, r)
	case r == 0 || at >= p.allLastAt:
		p.allLastAt = at
	default: // the first row out of time order: list all rows from now on
		p.order.rows = make([]uint32, r, int(r)+int(r)/4+16)
		for i := range p.order.rows {
			p.order.rows[i] = uint32(i)
		}
		p.order.sorted, p.order.lastAt, p.orderMade = int(r), p.allLastAt, true
		p.push(&p.order, listRef{0, 0}, r)
	}
	sku := p.sku[r]
	p.bySKU = grow(p.bySKU, sku)
	p.push(&p.bySKU[sku], listRef{1, sku}, r)
	if p.buyersIndexed {
		p.byBuyer = grow(p.byBuyer, p.buyer[r])
		p.push(&p.byBuyer[p.buyer[r]], listRef{2, p.buyer[r]}, r)
	}
	if p.sellersIndexed {
		p.bySeller = grow(p.bySeller, p.seller[r])
		p.push(&p.bySeller[p.seller[r]], listRef{3, p.seller[r]}, r)
	}
	if Status(p.flags[r] >> flagNowShift & 3).isOrder() {
		p.isOrderNow(r)
	}
}

// indexBuyers builds the buyer lists from every row, in time order, once. The lists must be in
// order (fix done).
func (p *projection) indexBuyers() {
	if p.buyersIndexed {
		return
	}
	p.byBuyer = sizedLists(p.buyer, len(p.companies.vals), false)
	p.allWithin(math.MinInt64, math.MaxInt64, func(r uint32) { p.push(&p.byBuyer[p.buyer[r]], listRef{2, p.buyer[r]}, r) })
	p.buyersIndexed = true
}

// sizedLists returns n empty lists, the i-th with room for exactly the rows whose column value is
// i (and their meta, withMeta): lists built from every row at once waste nothing on growth.
func sizedLists(col []uint32, n int, withMeta bool) []timeList {
	count := make([]int, n)
	for _, v := range col {
		count[v]++
	}
	ls := make([]timeList, n)
	for i, c := range count {
		if c == 0 {
			continue
		}
		ls[i].rows = make([]uint32, 0, c)
		if withMeta {
			ls[i].meta = make([]rowMeta, 0, c)
		}
	}
	return ls
}

// indexSellers builds the seller lists likewise.
func (p *projection) indexSellers() {
	if p.sellersIndexed {
		return
	}
	p.bySeller = sizedLists(p.seller, len(p.companies.vals), true)
	p.allWithin(math.MinInt64, math.MaxInt64, func(r uint32) { p.push(&p.bySeller[p.seller[r]], listRef{3, p.seller[r]}, r) })
	p.sellersIndexed = true
}

// allWithin calls visit for every row made at or after from and before to, in time order.
func (p *projection) allWithin(from, to int64, visit func(r uint32)) {
	if p.orderMade {
		for _, r := range p.within(p.order.rows, from, to) {
			visit(r)
		}
		return
	}
	lo, _ := slices.BinarySearch(p.at, from) // in time order: the column itself is sorted
	hi, _ := slices.BinarySearch(p.at[lo:], to)
	for r := lo; r < lo+hi; r++ {
		visit(uint32(r))
	}
}

// before orders rows by time, then by row.
func (p *projection) before(a, b uint32) int {
	if c := cmp.Compare(p.at[a], p.at[b]); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// sortList sorts the rows after l.sorted and merges them into the sorted ones: O(n + k log k) for
// k new rows, so a history imported backwards in batches is not sorted again and again. What the
// list keeps beside its rows (meta, sheet) moves with them.
func (p *projection) sortList(l *timeList) {
	rows, s := l.rows, l.sorted
	if s == len(rows) {
		return
	}
	// order is the new rows' positions, sorted by their rows' times.
	order := make([]int, 0, len(rows)-s)
	for k := s; k < len(rows); k++ {
		order = append(order, k)
	}
	slices.SortFunc(order, func(a, b int) int { return p.before(rows[a], rows[b]) })
	// The merge starts where the first new row goes.
	moved, _ := slices.BinarySearchFunc(rows[:s], rows[order[0]], p.before)
	merged := make([]int, 0, len(rows)-moved)
	a, b := moved, 0
	for a < s && b < len(order) {
		if p.before(rows[order[b]], rows[a]) < 0 {
			merged = append(merged, order[b])
			b++
		} else {
			merged = append(merged, a)
			a++
		}
	}
	for ; a < s; a++ {
		merged = append(merged, a)
	}
	merged = append(merged, order[b:]...)
	permute(rows[moved:], merged, moved)
	if len(l.meta) > 0 {
		permute(l.meta[moved:], merged, moved)
	}
	if len(l.sheet) > 0 {
		permute(l.sheet[moved:], merged, moved)
	}
	l.sorted = len(rows)
	l.lastAt = p.at[rows[len(rows)-1]]
}

// permute sets xs[k] to what was at position from[k] (counted from base) of the list xs is the tail
// of.
func permute[T any](xs []T, from []int, base int) {
	old := slices.Clone(xs)
	for k, f := range from {
		xs[k] = old[f-base]
	}
}

// addChange applies a status change of the match appended by entry c.MatchSeq. c is valid.
func (p *projection) addChange(c *pending) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("matching: log entry %d: %w", c.seq, b2bkit.Invalid(field, format, args...))
	}
	i, ok := slices.BinarySearch(p.rowSeq, c.matchSeq)
	if !ok {
		return bad("entry.match_seq", "no match was appended by entry %d", c.matchSeq)
	}
	r := uint32(i)
	now := Status(p.flags[r] >> flagNowShift & 3)
	last := p.at[r]
	if p.endAt[r] != none {
		last = p.endAt[r]
	} else if p.accAt[r] != none {
		last = p.accAt[r]
	}
	t := c.at
	switch {
	case !now.CanBecome(c.status):
		return bad("entry.change.status", "match %s is %s and cannot become %s", c.id, now, c.status)
	case t < last:
		return bad("entry.change.at", "before the match's last status change")
	}
	if c.status == Accepted {
		p.accAt[r] = t
	} else {
		p.endAt[r] = t
	}
	p.flags[r] = p.flags[r]&^(3<<flagNowShift) | uint8(c.status)<<flagNowShift
	p.lastChange = max(p.lastChange, t)
	if p.sellersIndexed {
		p.bySeller[p.seller[r]].setNow(p, r, c.status)
	}
	switch {
	case c.status == Accepted:
		p.isOrderNow(r)
	case c.status == Cancelled && now == Accepted && p.firstOrder[p.buyer[r]] == r:
		p.refirst = append(p.refirst, p.buyer[r])
	}
	return nil
}

// statusAt is the status row r had at time t (nanoseconds): the status it was appended with, moved
// on by the changes dated at or before t.
func (p *projection) statusAt(r uint32, t int64) Status {
	if t >= p.lastChange { // every change has happened by t: the status as it stands
		return Status(p.flags[r] >> flagNowShift & 3)
	}
	if e := p.endAt[r]; e != none && t >= e {
		return Status(p.flags[r] >> flagNowShift & 3)
	}
	if a := p.accAt[r]; a != none && t >= a {
		return Accepted
	}
	return Status(p.flags[r] & flagAppended)
}

// within returns the rows of a time-ordered list made at or after from and before to.
func (p *projection) within(rows []uint32, from, to int64) []uint32 {
	lo, hi := p.span(rows, from, to)
	return rows[lo:hi]
}

// span is where within's rows are in rows: rows[lo:hi].
func (p *projection) span(rows []uint32, from, to int64) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(rows, from, func(r uint32, t int64) int { return cmp.Compare(p.at[r], t) })
	hi, _ = slices.BinarySearchFunc(rows[lo:], to, func(r uint32, t int64) int { return cmp.Compare(p.at[r], t) })
	return lo, lo + hi
}

// list returns the rows of ls[id], or nothing for an id without rows.
func list(ls []timeList, id uint32) []uint32 {
	if int(id) < len(ls) {
		return ls[id].rows
	}
	return nil
}

// subsidised reports whether the platform paid for row r.
func (p *projection) subsidised(r uint32) bool { return p.subBits[r/64]&(1<<(r%64)) != 0 }

// noteSubsidy sets row r's bit in subBits from its subsidy: rows are noted in order, each once.
func (p *projection) noteSubsidy(r uint32) {
	if r%64 == 0 {
		p.subBits = append(p.subBits, 0)
	}
	if p.subC[r] > 0 || p.flags[r]&flagOddSub != 0 {
		p.subBits[r/64] |= 1 << (r % 64)
	}
}

// quantity, unitPrice and subsidy are a row's amounts as decimals.
func (p *projection) quantity(r uint32) decimal.Decimal {
	return p.dec(r, 0, flagOddQty, p.qtyC[r], p.qtyE[r])
}

func (p *projection) unitPrice(r uint32) decimal.Decimal {
	return p.dec(r, 1, flagOddPrice, p.priceC[r], p.priceE[r])
}

func (p *projection) subsidy(r uint32) decimal.Decimal {
	return p.dec(r, 2, flagOddSub, p.subC[r], p.subE[r])
}

func (p *projection) dec(r uint32, col, flag uint8, c int64, e int8) decimal.Decimal {
	if p.flags[r]&flag != 0 {
		return p.odd[oddKey{r, col}]
	}
	return decimal.New(c, int32(e))
}

// units is coefficient c at exponent e in units of 10^-scale, if exact and in an int64.
func units(c int64, e int8, scale int32) (int64, bool) {
	shift := scale + int32(e)
	switch {
	case shift >= 0 && shift <= 18:
		return checked.Mul(c, int64(fastdec.Pow10(shift)))
	case shift < 0 && shift >= -18:
		p := int64(fastdec.Pow10(-shift))
		return c / p, c%p == 0
	}
	return 0, c == 0
}

// qtyUnits is row r's quantity in units at qtyScale, if it is exactly that.
func (p *projection) qtyUnits(r uint32) (int64, bool) {
	if p.flags[r]&flagOddQty != 0 {
		return 0, false
	}
	return units(p.qtyC[r], p.qtyE[r], qtyScale)
}

// request is the pricing request row r's match was agreed under, to restate its price: the terms
// keep the order time and the booking days (the delivery date is set that many days after the
// order time in UTC, which is all Engine.Normalize reads of it).
func (p *projection) request(r uint32, currency string) pricing.Request {
	ordered := time.Unix(0, p.ordered[r]).UTC()
	return pricing.Request{
		Buyer: b2bkit.CompanyID(p.companies.vals[p.buyer[r]]), SKU: b2bkit.SKU(p.skus.vals[p.sku[r]]),
		Quantity: p.quantity(r), Currency: currency,
		Terms: b2bkit.Terms{Payment: p.pays.list[p.pay[r]], OrderedAt: ordered, DeliverBy: ordered.AddDate(0, 0, int(p.lead[r]))},
	}
}
