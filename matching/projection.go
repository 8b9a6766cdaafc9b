package matching

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
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
// list each SKU's, buyer's and seller's rows, and all rows, in time order.
//
// A row is about 110 bytes: 48 in times and sequence, 16 in names and schedule, 27 in amounts, 5 in
// lead time, currency and flags, 16 in the four indexes.
type projection struct {
	seq  uint64    // the last entry applied
	last lastEntry // and what it was

	companies, skus, currencies names
	pays                        []b2bkit.PaymentTerms
	payIndex                    map[string]uint32
	keyBuf                      []byte

	// The columns, one element per row; rows are in the order the matches were appended.
	rowSeq                   []uint64 // the entry that appended the match
	at, ordered, deliver     []int64
	accAt, endAt             []int64 // when it was accepted and when fulfilled or cancelled, or none
	buyer, seller, sku, pay  []uint32
	qtyC, priceC, subC       []int64 // coefficients (0 when in odd)
	qtyE, priceE, subE       []int8  // exponents
	lead                     []int16 // Terms.LeadDays
	cur                      []uint16
	flags                    []uint8 // see the flag constants
	odd                      map[oddKey]decimal.Decimal
	order                    timeList
	bySKU, byBuyer, bySeller []timeList
	dirty                    []listRef
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

// names interns strings: each once, referred to by number.
type names struct {
	index map[string]uint32
	vals  []string
}

func (n *names) id(s string) uint32 {
	if i, ok := n.index[s]; ok {
		return i
	}
	if n.index == nil {
		n.index = make(map[string]uint32)
	}
	i := uint32(len(n.vals))
	n.index[s] = i
	n.vals = append(n.vals, s)
	return i
}

func (n *names) lookup(s string) (uint32, bool) {
	i, ok := n.index[s]
	return i, ok
}

// A timeList is rows in time order (equal times in row order). Rows that arrive in time order are
// appended as they are; a backdated one marks the list, and fix sorts what came after sorted and
// merges it in, once per batch of entries, not once per row.
type timeList struct {
	rows   []uint32
	sorted int // rows[:sorted] are in order
}

// listRef names a list to fix: kind 0 all rows, 1 a SKU's, 2 a buyer's, 3 a seller's.
type listRef struct {
	kind uint8
	id   uint32
}

// maxRows is how many rows a projection numbers with uint32.
const maxRows = math.MaxUint32

func (p *projection) rows() int { return len(p.rowSeq) }

// addMatch appends m, appended by the entry seq, as a row. m is valid.
func (p *projection) addMatch(m *Match, seq uint64) error {
	if int64(p.rows()) >= maxRows || int64(len(p.companies.vals)) >= maxRows-2 || int64(len(p.skus.vals)) >= maxRows-1 || int64(len(p.pays)) >= maxRows-1 || len(p.currencies.vals) >= math.MaxUint16 {
		return fmt.Errorf("matching: log entry %d: %w", seq, errProjectionFull)
	}
	r := uint32(p.rows())
	p.rowSeq = append(p.rowSeq, seq)
	p.at = append(p.at, m.At.UnixNano())
	p.ordered = append(p.ordered, m.Terms.OrderedAt.UnixNano())
	p.deliver = append(p.deliver, m.Terms.DeliverBy.UnixNano())
	p.accAt = append(p.accAt, none)
	p.endAt = append(p.endAt, none)
	buyer, seller, sku := p.companies.id(string(m.Buyer)), p.companies.id(string(m.Seller)), p.skus.id(string(m.SKU))
	p.buyer = append(p.buyer, buyer)
	p.seller = append(p.seller, seller)
	p.sku = append(p.sku, sku)
	p.pay = append(p.pay, p.payment(m.Terms.Payment))
	p.lead = append(p.lead, int16(m.Terms.LeadDays()))
	p.cur = append(p.cur, uint16(p.currencies.id(m.Currency)))
	f := uint8(m.Status) | uint8(m.Status)<<flagNowShift
	if m.Mode == SelfOperated {
		f |= flagSelf
	}
	var c int64
	var e int8
	if c, e = p.amount(r, 0, m.Quantity); c == 0 {
		f |= flagOddQty
	}
	p.qtyC, p.qtyE = append(p.qtyC, c), append(p.qtyE, e)
	if c, e = p.amount(r, 1, m.UnitPrice); c == 0 {
		f |= flagOddPrice
	}
	p.priceC, p.priceE = append(p.priceC, c), append(p.priceE, e)
	if c, e = p.amount(r, 2, m.Subsidy); c == 0 && m.Subsidy.Sign() != 0 {
		f |= flagOddSub
	}
	p.subC, p.subE = append(p.subC, c), append(p.subE, e)
	p.flags = append(p.flags, f)

	p.index(r)
	return nil
}

var errProjectionFull = b2bkit.Invalid("log", "more matches, names or payment schedules than a book numbers (4 billion)")

func grow(ls []timeList, id uint32) []timeList {
	if int(id) < len(ls) {
		return ls
	}
	return append(ls, make([]timeList, int(id)+1-len(ls))...)
}

// amount stores d as coefficient and exponent, or, when the coefficient does not fit an int64, in
// odd with a zero coefficient. A zero amount is coefficient 0 too, told apart by the flags.
func (p *projection) amount(r uint32, col uint8, d decimal.Decimal) (int64, int8) {
	e := d.Exponent() // a valid match's amounts have exponents in [-18, 30]
	if c, ok := fastdec.Int64(d); ok {
		return c, int8(e)
	}
	if p.odd == nil {
		p.odd = make(map[oddKey]decimal.Decimal)
	}
	p.odd[oddKey{r, col}] = d
	return 0, 0
}

// payment interns a payment schedule by its installments' shares, events and days.
func (p *projection) payment(t b2bkit.PaymentTerms) uint32 {
	k := p.keyBuf[:0]
	for _, in := range t.Installments {
		if c, ok := fastdec.Int64(in.Share); ok {
			k = binary.AppendVarint(k, c)
			k = binary.AppendVarint(k, int64(in.Share.Exponent()))
		} else {
			k = append(k, 0xff)
			k = append(k, in.Share.String()...)
			k = append(k, 0xff)
		}
		k = binary.AppendVarint(k, int64(in.Due))
		k = binary.AppendVarint(k, int64(in.Days))
	}
	p.keyBuf = k
	if i, ok := p.payIndex[string(k)]; ok {
		return i
	}
	if p.payIndex == nil {
		p.payIndex = make(map[string]uint32)
	}
	i := uint32(len(p.pays))
	p.payIndex[string(k)] = i
	p.pays = append(p.pays, b2bkit.PaymentTerms{Installments: slices.Clone(t.Installments)})
	return i
}

// push appends row r to list l (named ref), marking it when r is older than its last row.
func (p *projection) push(l *timeList, ref listRef, r uint32) {
	ordered := l.sorted == len(l.rows)
	l.rows = append(l.rows, r)
	if !ordered {
		return // marked already
	}
	if n := len(l.rows); n == 1 || p.at[l.rows[n-2]] <= p.at[r] {
		l.sorted = n
		return
	}
	p.dirty = append(p.dirty, ref)
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
}

// before orders rows by time, then by row.
func (p *projection) before(a, b uint32) int {
	if c := cmp.Compare(p.at[a], p.at[b]); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// sortList sorts the rows after l.sorted and merges them into the sorted ones: O(n + k log k) for
// k new rows, so a history imported backwards in batches is not sorted again and again.
func (p *projection) sortList(l *timeList) {
	rows, s := l.rows, l.sorted
	tail := rows[s:]
	slices.SortFunc(tail, p.before)
	if s > 0 && len(tail) > 0 && p.before(rows[s-1], tail[0]) > 0 {
		// The merge starts where the first new row goes.
		i, _ := slices.BinarySearchFunc(rows[:s], tail[0], p.before)
		left := slices.Clone(rows[i:s])
		right := slices.Clone(tail)
		k, a, b := i, 0, 0
		for a < len(left) && b < len(right) {
			if p.before(right[b], left[a]) < 0 {
				rows[k] = right[b]
				b++
			} else {
				rows[k] = left[a]
				a++
			}
			k++
		}
		k += copy(rows[k:], left[a:])
		copy(rows[k:], right[b:])
	}
	l.sorted = len(rows)
}

// addChange applies a status change of the match appended by entry c.MatchSeq. c is valid.
func (p *projection) addChange(e *Entry) error {
	c := &e.Change
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("matching: log entry %d: %w", e.Seq, b2bkit.Invalid(field, format, args...))
	}
	i, ok := slices.BinarySearch(p.rowSeq, e.MatchSeq)
	if !ok {
		return bad("entry.match_seq", "no match was appended by entry %d", e.MatchSeq)
	}
	r := uint32(i)
	now := Status(p.flags[r] >> flagNowShift & 3)
	last := p.at[r]
	if p.endAt[r] != none {
		last = p.endAt[r]
	} else if p.accAt[r] != none {
		last = p.accAt[r]
	}
	t := c.At.UnixNano()
	switch {
	case !now.CanBecome(c.Status):
		return bad("entry.change.status", "match %s is %s and cannot become %s", c.ID, now, c.Status)
	case t < last:
		return bad("entry.change.at", "before the match's last status change")
	}
	if c.Status == Accepted {
		p.accAt[r] = t
	} else {
		p.endAt[r] = t
	}
	p.flags[r] = p.flags[r]&^(3<<flagNowShift) | uint8(c.Status)<<flagNowShift
	return nil
}

// statusAt is the status row r had at time t (nanoseconds): the status it was appended with, moved
// on by the changes dated at or before t.
func (p *projection) statusAt(r uint32, t int64) Status {
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
	lo, _ := slices.BinarySearchFunc(rows, from, func(r uint32, t int64) int { return cmp.Compare(p.at[r], t) })
	hi, _ := slices.BinarySearchFunc(rows[lo:], to, func(r uint32, t int64) int { return cmp.Compare(p.at[r], t) })
	return rows[lo : lo+hi]
}

// list returns the rows of ls[id], or nothing for an id without rows.
func list(ls []timeList, id uint32) []uint32 {
	if int(id) < len(ls) {
		return ls[id].rows
	}
	return nil
}

// subsidised reports whether the platform paid for row r.
func (p *projection) subsidised(r uint32) bool { return p.subC[r] > 0 || p.flags[r]&flagOddSub != 0 }

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
		Terms: b2bkit.Terms{Payment: p.pays[p.pay[r]], OrderedAt: ordered, DeliverBy: ordered.AddDate(0, 0, int(p.lead[r]))},
	}
}
