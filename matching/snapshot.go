package matching

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"iter"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
)

// A snapshot is the projection written out, so a service restarts by loading it and reading only
// the log entries committed since, not the whole log. The format is the book's own, little-endian:
//
//	magic, version
//	seq, and the last entry's kind, ID and time (to check the snapshot against the log)
//	rows; the companies, SKUs and currencies; the payment schedules
//	every column, row after row; the odd amounts
//	a CRC-32 (IEEE) of all of the above
//
// The indexes are not written: loading rebuilds them.
const (
	snapshotMagic   = "b2bkit matching projection\n"
	snapshotVersion = 1
)

// SaveSnapshot writes the book's projection, as it stands, to w (call Refresh first for the
// latest). A service that saves one now and then restarts with LoadSnapshot and reads only the
// entries committed since.
func (b *Book) SaveSnapshot(w io.Writer) error {
	if b == nil {
		return errNilBook
	}
	if w == nil {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("snapshot", "writer must not be nil"))
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	sw := &snapWriter{w: bufio.NewWriterSize(w, 1<<16), crc: crc32.NewIEEE()}
	p := b.proj
	if p == nil { // a zero Book: an empty projection
		p = &projection{}
	}
	sw.bytes([]byte(snapshotMagic))
	sw.uvarint(snapshotVersion)
	sw.uvarint(p.seq)
	sw.uvarint(uint64(p.last.kind))
	sw.str(p.last.id)
	sw.varint(p.last.at)
	sw.uvarint(uint64(p.rows()))
	for _, n := range []*names{&p.companies, &p.skus, &p.currencies} {
		sw.uvarint(uint64(len(n.vals)))
		for _, s := range n.vals {
			sw.str(s)
		}
	}
	sw.uvarint(uint64(len(p.pays.list)))
	for _, t := range p.pays.list {
		sw.uvarint(uint64(len(t.Installments)))
		for _, in := range t.Installments {
			sw.str(in.Share.String())
			sw.uvarint(uint64(in.Due))
			sw.uvarint(uint64(in.Days))
		}
	}
	for _, c := range p.int64Cols() {
		writeCol(sw, *c, binary.LittleEndian.AppendUint64, func(v int64) uint64 { return uint64(v) })
	}
	writeCol(sw, p.rowSeq, binary.LittleEndian.AppendUint64, func(v uint64) uint64 { return v })
	for _, c := range p.uint32Cols() {
		writeCol(sw, *c, binary.LittleEndian.AppendUint32, func(v uint32) uint32 { return v })
	}
	for _, c := range p.int8Cols() {
		writeCol(sw, *c, func(b []byte, v uint8) []byte { return append(b, v) }, func(v int8) uint8 { return uint8(v) })
	}
	writeCol(sw, p.lead, binary.LittleEndian.AppendUint16, func(v int16) uint16 { return uint16(v) })
	writeCol(sw, p.cur, binary.LittleEndian.AppendUint16, func(v uint16) uint16 { return v })
	writeCol(sw, p.flags, func(b []byte, v uint8) []byte { return append(b, v) }, func(v uint8) uint8 { return v })
	odd := make([]oddKey, 0, len(p.odd))
	for k := range p.odd {
		odd = append(odd, k)
	}
	slices.SortFunc(odd, func(a, b oddKey) int { return cmpOdd(a, b) })
	sw.uvarint(uint64(len(odd)))
	for _, k := range odd {
		sw.uvarint(uint64(k.row))
		sw.uvarint(uint64(k.col))
		sw.str(p.odd[k].String())
	}
	sum := sw.crc.Sum32()
	sw.raw(binary.LittleEndian.AppendUint32(nil, sum))
	if sw.err == nil {
		sw.err = sw.w.Flush()
	}
	if sw.err != nil {
		return fmt.Errorf("matching: writing the snapshot: %w", sw.err)
	}
	return nil
}

func cmpOdd(a, b oddKey) int {
	if a.row != b.row {
		if a.row < b.row {
			return -1
		}
		return 1
	}
	return int(a.col) - int(b.col)
}

func (p *projection) int64Cols() []*[]int64 {
	return []*[]int64{&p.at, &p.ordered, &p.deliver, &p.accAt, &p.endAt, &p.qtyC, &p.priceC, &p.subC}
}

func (p *projection) uint32Cols() []*[]uint32 {
	return []*[]uint32{&p.buyer, &p.seller, &p.sku, &p.pay}
}

func (p *projection) int8Cols() []*[]int8 { return []*[]int8{&p.qtyE, &p.priceE, &p.subE} }

type snapWriter struct {
	w   *bufio.Writer
	crc hash.Hash32
	buf []byte
	err error
}

func (w *snapWriter) raw(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(b)
	}
}

func (w *snapWriter) bytes(b []byte) {
	w.crc.Write(b)
	w.raw(b)
}

func (w *snapWriter) uvarint(v uint64) { w.bytes(binary.AppendUvarint(w.buf[:0], v)) }
func (w *snapWriter) varint(v int64)   { w.bytes(binary.AppendVarint(w.buf[:0], v)) }

func (w *snapWriter) str(s string) {
	w.uvarint(uint64(len(s)))
	w.bytes([]byte(s))
}

// writeCol writes a column's values, converted to unsigned words and appended by put.
func writeCol[T any, U any](w *snapWriter, col []T, put func([]byte, U) []byte, conv func(T) U) {
	buf := make([]byte, 0, 1<<15)
	for i, v := range col {
		buf = put(buf, conv(v))
		if len(buf) >= 1<<15-8 || i == len(col)-1 {
			w.bytes(buf)
			buf = buf[:0]
		}
	}
}

// LoadSnapshot replaces the book's projection with one SaveSnapshot wrote, then reads the log
// entries committed since. The snapshot must come from a book over the same log: its last entry
// is read back from the log and must be the one the snapshot ends with, or the error matches
// b2bkit.ErrConflict and the book keeps its projection. A damaged or foreign file is an error
// matching b2bkit.ErrInvalid, and the book keeps its projection: so is one cut short or followed by
// more bytes (the reader must end where the snapshot does). A ctx done before the call changes
// nothing; one done during the catch-up leaves the snapshot's projection caught up as far as it
// got, as Refresh does, for the next Refresh or question to finish — if that is at least as far as
// the book's own, which it keeps otherwise. The snapshot replaces the projection only once caught
// up, so questions asked at the same time never see the book go back to an older state: a match
// counted once stays counted.
func (b *Book) LoadSnapshot(ctx context.Context, r io.Reader) error {
	if err := b.usable(); err != nil {
		return err
	}
	if r == nil {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("snapshot", "reader must not be nil"))
	}
	if err := ctx.Err(); err != nil { // before the projection is swapped for one not caught up
		return err
	}
	p, err := readSnapshot(r)
	if err != nil {
		return fmt.Errorf("matching: snapshot: %w", err)
	}
	if p.seq > 0 {
		next, stop := iter.Pull2(b.log.Since(ctx, p.seq-1))
		e, rerr, ok := next()
		stop()
		if ok && rerr != nil {
			return rerr
		}
		if !ok || !p.last.is(&e) {
			return fmt.Errorf("matching: %w", b2bkit.Conflict("snapshot", fmt.Sprintf("at log entry %d", p.seq), "the log does not have the entry the snapshot ends with: it was taken from another log"))
		}
	}
	// The snapshot is caught up before it replaces the projection, so a question asked meanwhile
	// never answers from a projection behind what it answered from before (a match recorded and
	// counted, then missing): first on its own, while questions go on, then, for what was committed
	// meanwhile, under the refresh lock, which no Refresh shares.
	err = b.catchUp(ctx, p, false)
	b.refresh.Lock()
	defer b.refresh.Unlock()
	if err == nil {
		err = b.catchUp(ctx, p, false)
	}
	b.mu.Lock()
	if p.seq >= b.proj.seq { // the same log: as far or further (after an error too)
		b.proj = p
	}
	b.mu.Unlock()
	return err
}

// lastEntry identifies the last entry a projection applied.
type lastEntry struct {
	kind EntryKind
	id   string
	at   int64
}

func (l lastEntry) is(e *Entry) bool {
	switch l.kind {
	case MatchAppended:
		return e.Kind == MatchAppended && e.Match.ID == l.id && e.Match.At.UnixNano() == l.at
	case StatusChanged:
		return e.Kind == StatusChanged && e.Change.ID == l.id && e.Change.At.UnixNano() == l.at
	}
	return false
}

type snapReader struct {
	r   *bufio.Reader
	crc hash.Hash32
	err error
}

func (r *snapReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = b2bkit.Invalid("", format, args...)
	}
}

func (r *snapReader) read(b []byte) {
	if r.err != nil {
		return
	}
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.fail("truncated")
		return
	}
	r.crc.Write(b)
}

func (r *snapReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	var b [binary.MaxVarintLen64]byte
	for i := range b {
		c, err := r.r.ReadByte()
		if err != nil {
			r.fail("truncated")
			return 0
		}
		b[i] = c
		if c < 0x80 {
			v, n := binary.Uvarint(b[:i+1])
			if n <= 0 {
				r.fail("bad number")
				return 0
			}
			r.crc.Write(b[:i+1])
			return v
		}
	}
	r.fail("bad number")
	return 0
}

func (r *snapReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// count reads a count of at most limit.
func (r *snapReader) count(what string, limit uint64) int {
	n := r.uvarint()
	if n > limit {
		r.fail("%s: %d is more than %d", what, n, limit)
		return 0
	}
	return int(n)
}

func (r *snapReader) str(max int) string {
	n := r.count("string length", uint64(max))
	b := make([]byte, n)
	r.read(b)
	return string(b)
}

// readCol reads n values of size bytes each, a chunk at a time, so a count the file does not back
// cannot make it allocate more than the file holds.
func readCol[T any](r *snapReader, n, size int, get func([]byte) T) []T {
	var out []T
	buf := make([]byte, 1<<15)
	for n > 0 && r.err == nil {
		k := min(n, len(buf)/size)
		r.read(buf[:k*size])
		if r.err != nil {
			return nil
		}
		out = slices.Grow(out, k)
		for i := range k {
			out = append(out, get(buf[i*size:]))
		}
		n -= k
	}
	return out
}

// maxShareLen bounds the text of an installment's share in a snapshot.
const maxShareLen = 64

func readSnapshot(rd io.Reader) (*projection, error) {
	r := &snapReader{r: bufio.NewReaderSize(rd, 1<<16), crc: crc32.NewIEEE()}
	magic := make([]byte, len(snapshotMagic))
	r.read(magic)
	if r.err != nil || string(magic) != snapshotMagic {
		return nil, b2bkit.Invalid("", "not a match-book snapshot")
	}
	if v := r.uvarint(); r.err == nil && v != snapshotVersion {
		return nil, b2bkit.Invalid("version", "%d, not %d", v, snapshotVersion)
	}
	p := &projection{}
	p.seq = r.uvarint()
	p.last.kind = EntryKind(r.count("last entry kind", uint64(StatusChanged)))
	p.last.id = r.str(MaxIDLen)
	p.last.at = r.varint()
	rows := r.count("rows", maxRows)
	for _, n := range []*names{&p.companies, &p.skus, &p.currencies} {
		k := r.count("names", uint64(2*rows+1))
		for range k {
			s := r.str(MaxIDLen)
			if r.err != nil {
				return nil, r.err
			}
			if s == "" {
				return nil, b2bkit.Invalid("names", "empty name")
			}
			if _, dup := n.lookup(s); dup {
				return nil, b2bkit.Invalid("names", "%q twice", s)
			}
			n.id(s)
		}
	}
	for _, c := range p.currencies.vals {
		if err := b2bkit.ValidateCurrency(c); err != nil {
			return nil, b2bkit.InField("currencies", err)
		}
	}
	np := r.count("payment schedules", uint64(rows+1))
	for range np {
		var t b2bkit.PaymentTerms
		ni := r.count("installments", b2bkit.MaxInstallments)
		for range ni {
			share, err := decimal.NewFromString(r.str(maxShareLen))
			if r.err == nil && (err != nil || share.Exponent() > 0 || share.Exponent() < -2*maxShareLen) {
				r.fail("installment share out of range") // an absurd exponent would make adding shares endless
			}
			due := r.count("installment due", math.MaxInt32)
			days := r.count("installment days", math.MaxInt32)
			t.Installments = append(t.Installments, b2bkit.Installment{Share: share, Due: b2bkit.DueEvent(due), Days: days})
		}
		if r.err != nil {
			return nil, r.err
		}
		if err := t.Validate(); err != nil {
			return nil, b2bkit.InField("payment", err)
		}
		p.pays.id(t.Installments)
	}
	if len(p.pays.list) != np {
		return nil, b2bkit.Invalid("payment schedules", "a schedule twice")
	}
	for _, c := range p.int64Cols() {
		*c = readCol(r, rows, 8, func(b []byte) int64 { return int64(binary.LittleEndian.Uint64(b)) })
	}
	p.rowSeq = readCol(r, rows, 8, binary.LittleEndian.Uint64)
	for _, c := range p.uint32Cols() {
		*c = readCol(r, rows, 4, binary.LittleEndian.Uint32)
	}
	for _, c := range p.int8Cols() {
		*c = readCol(r, rows, 1, func(b []byte) int8 { return int8(b[0]) })
	}
	p.lead = readCol(r, rows, 2, func(b []byte) int16 { return int16(binary.LittleEndian.Uint16(b)) })
	p.cur = readCol(r, rows, 2, binary.LittleEndian.Uint16)
	p.flags = readCol(r, rows, 1, func(b []byte) uint8 { return b[0] })
	nodd := r.count("odd amounts", uint64(3*rows))
	for range nodd {
		row := r.count("odd amount row", uint64(max(rows, 1)-1))
		col := r.count("odd amount column", 2)
		d, err := decimal.NewFromString(r.str(2 * MaxDigits))
		if r.err != nil {
			return nil, r.err
		}
		if errs, _ := checkAmount(nil, "", d, col == 2); err != nil || errs != nil {
			return nil, b2bkit.Invalid("odd amounts", "row %d: not an amount", row)
		}
		if p.odd == nil {
			p.odd = make(map[oddKey]decimal.Decimal)
		}
		p.odd[oddKey{uint32(row), uint8(col)}] = d
	}
	want := r.crc.Sum32()
	var sum [4]byte
	if r.err == nil {
		if _, err := io.ReadFull(r.r, sum[:]); err != nil {
			r.fail("truncated")
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if binary.LittleEndian.Uint32(sum[:]) != want {
		return nil, b2bkit.Invalid("", "checksum does not match: the file is damaged")
	}
	// The checksum ends a snapshot: bytes after it mean the file is damaged or not ours.
	if _, err := r.r.ReadByte(); err == nil {
		return nil, b2bkit.Invalid("", "bytes after the snapshot's checksum: the file is damaged or not a snapshot")
	} else if err != io.EOF {
		return nil, err
	}
	if len(p.odd) != nodd {
		return nil, b2bkit.Invalid("odd amounts", "an amount twice")
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	for r := range uint32(rows) {
		p.noteSubsidy(r)
		p.index(r)
		p.lastChange = max(p.lastChange, p.accAt[r], p.endAt[r])
	}
	p.fix()
	return p, nil
}

// check reports the first row that no log could have made.
func (p *projection) check() error {
	lo, hi := minTime.UnixNano(), maxTime.UnixNano()
	inRange := func(t int64) bool { return t >= lo && t < hi }
	if len(p.skus.vals) >= maxSKUs {
		return b2bkit.Invalid("skus", "more than a book numbers")
	}
	var prev uint64
	for i := range p.rows() {
		r := uint32(i)
		bad := func(what string) error { return b2bkit.Invalid(fmt.Sprintf("rows[%d]", i), "%s", what) }
		f := p.flags[r]
		appended, now := Status(f&flagAppended), Status(f>>flagNowShift&3)
		switch {
		case p.rowSeq[r] <= prev || p.rowSeq[r] > p.seq:
			return bad("sequence numbers out of order")
		case int(p.buyer[r]) >= len(p.companies.vals) || int(p.seller[r]) >= len(p.companies.vals) || p.buyer[r] == p.seller[r]:
			return bad("buyer or seller")
		case int(p.sku[r]) >= len(p.skus.vals) || int(p.pay[r]) >= len(p.pays.list) || int(p.cur[r]) >= len(p.currencies.vals):
			return bad("SKU, payment schedule or currency")
		case !inRange(p.at[r]) || !inRange(p.ordered[r]) || !inRange(p.deliver[r]):
			return bad("time")
		case p.lead[r] < 0 || int(p.lead[r]) > b2bkit.MaxTermDays:
			return bad("lead time")
		case !appended.reaches(now):
			return bad("status")
		case p.accAt[r] != none && (appended != Proposed || now == Proposed || p.accAt[r] < p.at[r] || p.accAt[r] >= hi):
			return bad("acceptance")
		case p.endAt[r] != none && (appended == Fulfilled || appended == Cancelled || (now != Fulfilled && now != Cancelled) || p.endAt[r] < max(p.at[r], p.accAt[r]) || p.endAt[r] >= hi):
			return bad("fulfilment or cancellation")
		case appended == Proposed && (now == Accepted || now == Fulfilled) && p.accAt[r] == none:
			return bad("acceptance missing")
		case now != appended && (now == Fulfilled || now == Cancelled) && p.endAt[r] == none:
			return bad("fulfilment or cancellation missing")
		}
		for col, a := range []struct {
			flag uint8
			c    int64
			e    int8
			zero bool
		}{{flagOddQty, p.qtyC[r], p.qtyE[r], false}, {flagOddPrice, p.priceC[r], p.priceE[r], false}, {flagOddSub, p.subC[r], p.subE[r], true}} {
			_, inOdd := p.odd[oddKey{r, uint8(col)}]
			switch {
			case f&a.flag != 0 != inOdd:
				return bad("odd amounts")
			case !inOdd && badAmount(decimal.New(a.c, int32(a.e)), a.zero):
				return bad("amounts")
			}
		}
		prev = p.rowSeq[r]
	}
	if p.seq > 0 && p.last.kind != MatchAppended && p.last.kind != StatusChanged {
		return b2bkit.Invalid("last entry", "unknown kind")
	}
	return nil
}

func badAmount(d decimal.Decimal, zeroOK bool) bool {
	errs, _ := checkAmount(nil, "", d, zeroOK)
	return errs != nil
}
