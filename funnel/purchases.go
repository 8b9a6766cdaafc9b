package funnel

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/b2bkit/b2bkit"
)

// Purchases are the bulk of an evaluation: millions of records against target lists of thousands.
// Each is validated and read as minor units, and gathered into a chunk; a full chunk is matched with
// the index in the index's order (see index) and applied in that order, so the state of the targets
// is updated from start to end instead of at random. Parts of the stream are read at the same time by
// workers, each with a tally of its own; the tallies are added up at the end.

// chunkSize is the most records gathered before they are matched: the buffers take a few megabytes,
// however long the stream.
const chunkSize = 1 << 16

// smallChunk is the most touches or wallets gathered before they are matched: there are about as
// many of them as targets, not millions.
const smallChunk = 1 << 14

// room returns s with room for more records: four times as much, up to size, so that a short
// stream takes little memory and a long one copies its chunk only a few times.
func room[T any](s []T, size int) []T {
	return slices.Grow(s, min(max(4*cap(s), 1024), size)-len(s))
}

// counted is a purchase that passed validation and falls before asOf, in minor units. An id of at
// most inlineID bytes is copied into it, so that matching reads the id from the chunk itself instead
// of from wherever the stream kept it, long since out of the cache; a longer id is kept beside the
// chunk (scanner.ids), so that the chunk holds no pointers for the collector to scan.
type counted struct {
	short          shortID
	channel        int8  // Channel - 1
	nsec           int32 // At's nanoseconds
	sec            int64 // At as Unix seconds
	amount, profit int64
}

// A tally is what the purchases say about every campaign. Every figure is a sum, a union of months
// or an earliest time, so tallies of parts read in any order add up to the tally of the whole.
type tally struct {
	bs    []buyer              // by cell
	wide  map[int32]*buyerSums // by cell: what its int64 sums carried out, for the rare target that overflows them
	mix   [][]mixUnits         // by campaign, by month - 1
	hist  []int                // by start bucket (the number of starts not after it): purchases up to asOf
	free  []int                // of which free
	after int                  // purchases after asOf
}

// buyerSums are a target's sums in 128 bits.
type buyerSums struct{ spend, profit, penSpend units }

func (ev *evaluation) newTally() *tally {
	t := &tally{bs: make([]buyer, len(ev.s.index.posts)), mix: make([][]mixUnits, len(ev.runs)),
		hist: make([]int, len(ev.s.starts)+1), free: make([]int, len(ev.s.starts)+1)}
	for k, r := range ev.runs {
		t.mix[k] = make([]mixUnits, r.cur)
	}
	return t
}

// counted is the number of purchases counted for campaign k: every one is an order of the mix.
func (t *tally) counted(k int) int {
	n := 0
	for _, mx := range t.mix[k] {
		n += mx.orders[0] + mx.orders[1] + mx.orders[2]
	}
	return n
}

// widened is what cell's sums carried out, made on the first carry.
func (t *tally) widened(cell int32) *buyerSums {
	if t.wide == nil {
		t.wide = map[int32]*buyerSums{}
	}
	w := t.wide[cell]
	if w == nil {
		w = &buyerSums{}
		t.wide[cell] = w
	}
	return w
}

// sums are cell's sums in 128 bits: its int64 sums and what they carried out.
func (t *tally) sums(cell int32) buyerSums {
	s := &t.bs[cell]
	u := buyerSums{unitsOf(s.spend), unitsOf(s.profit), unitsOf(s.penSpend)}
	if w := t.wide[cell]; w != nil {
		u.spend.plus(w.spend)
		u.profit.plus(w.profit)
		u.penSpend.plus(w.penSpend)
	}
	return u
}

// add64 adds v to *x and reports whether the sum fits an int64; if not, *x is left as it was.
func add64(x *int64, v int64) bool {
	n := *x + v
	if (n^*x)&(n^v) < 0 {
		return false
	}
	*x = n
	return true
}

// plus adds o to t.
func (t *tally) plus(o *tally) {
	for i := range t.bs {
		t.plusBuyer(int32(i), &o.bs[i])
	}
	for cell, w := range o.wide {
		tw := t.widened(cell)
		tw.spend.plus(w.spend)
		tw.profit.plus(w.profit)
		tw.penSpend.plus(w.penSpend)
	}
	for k := range t.mix {
		for m := range t.mix[k] {
			for ch := range 3 {
				t.mix[k][m].orders[ch] += o.mix[k][m].orders[ch]
				t.mix[k][m].amount[ch].plus(o.mix[k][m].amount[ch])
			}
		}
	}
	for b := range t.hist {
		t.hist[b] += o.hist[b]
		t.free[b] += o.free[b]
	}
	t.after += o.after
}

// plusBuyer adds what o says of the target in cell.
func (t *tally) plusBuyer(cell int32, o *buyer) {
	b := &t.bs[cell]
	if o.orders > 0 && (b.orders == 0 || o.firstBuy < b.firstBuy) {
		b.firstBuy = o.firstBuy
	}
	if !add64(&b.spend, o.spend) {
		t.widened(cell).spend.add(o.spend)
	}
	if !add64(&b.profit, o.profit) {
		t.widened(cell).profit.add(o.profit)
	}
	if !add64(&b.penSpend, o.penSpend) {
		t.widened(cell).penSpend.add(o.penSpend)
	}
	b.orders += o.orders
	b.bought |= o.bought
	b.existing = b.existing || o.existing
}

// count applies purchase q to the target in cell of campaign r.
func (t *tally) count(r *run, cell int32, q *counted) {
	m := r.monthIn(q.sec)
	mx := &t.mix[r.k][m-1]
	mx.orders[q.channel]++
	mx.amount[q.channel].add(q.amount)
	s := &t.bs[cell]
	if m <= 8 {
		s.bought |= 1 << (m - 1)
	}
	if off := time.Duration(q.sec-r.startSec)*time.Second + time.Duration(q.nsec); s.orders == 0 || off < s.firstBuy {
		s.firstBuy = off
	}
	s.orders++
	if !add64(&s.spend, q.amount) {
		t.widened(cell).spend.add(q.amount)
	}
	if !add64(&s.profit, q.profit) {
		t.widened(cell).profit.add(q.profit)
	}
	if m >= r.penFrom && m <= r.penTo && !add64(&s.penSpend, q.amount) {
		t.widened(cell).penSpend.add(q.amount)
	}
}

// A partLog is what reading one part leaves that depends on the order of the records: the first
// unknown companies of each campaign, in the part's order, and how many wrong records of companies on
// no list it set apart.
type partLog struct {
	unknown   []ExcludedCounts // by campaign; only Unknown is used
	sampling  bool             // some campaign still lists fewer than MaxSamples
	strangers int
	err       error
}

// A purchasePart is one part of the purchases, in decimals or in minor units.
type purchasePart struct {
	name  string // "purchases", or "purchases[2]" when there are several parts
	dec   iter.Seq2[Purchase, error]
	minor iter.Seq2[MinorPurchase, error]
}

// A stream is a reader of a whole stream other than the purchases, to run beside their parts: it
// stops early, without an error, when stop is set.
type stream func(stop *atomic.Bool) error

// readPurchases reads the parts, on up to workers goroutines, and returns their tally. Given
// before and after, it runs them too, beside the parts, on the same goroutines; their errors are
// taken as those of streams read before and after the purchases.
func (ev *evaluation) readPurchases(dec []iter.Seq2[Purchase, error], minor []iter.Seq2[MinorPurchase, error], workers int, before, after stream) (*tally, error) {
	var parts []purchasePart
	for p, ps := range dec {
		if ps != nil {
			parts = append(parts, purchasePart{name: partName("purchases", p, len(dec)), dec: ps})
		}
	}
	for p, ps := range minor {
		if ps != nil {
			parts = append(parts, purchasePart{name: partName("minor_purchases", p, len(minor)), minor: ps})
		}
	}
	logs := make([]partLog, len(parts))
	for p := range logs {
		logs[p] = partLog{unknown: make([]ExcludedCounts, len(ev.runs)), sampling: true}
	}
	others := 0 // the other streams to read beside the parts
	for _, f := range []stream{before, after} {
		if f != nil {
			others++
		}
	}
	workers = min(workers, len(parts)+others)
	var t *tally
	if workers <= 1 && others == 0 {
		t = ev.newTally()
		sc := ev.newScanner(t)
		defer sc.release()
		for p := range parts {
			if err := sc.scan(parts[p], &logs[p], nil); err != nil {
				return nil, err
			}
		}
	} else {
		var err error
		if t, err = ev.readParallel(parts, logs, workers, before, after); err != nil {
			return nil, err
		}
	}
	for k, r := range ev.runs {
		ex := &r.rep.Excluded.Purchases
		ex.AfterAsOf = t.after
		inWindow := 0
		for b := range t.hist {
			if b <= ev.s.rank[k] {
				ex.BeforeStart += t.hist[b]
				continue
			}
			ex.Free += t.free[b]
			inWindow += t.hist[b] - t.free[b]
		}
		ex.NotTarget += inWindow - t.counted(k)
		for p := range logs {
			ex.NotTarget += logs[p].strangers
			for _, id := range logs[p].unknown[k].Unknown {
				ex.sample(id)
			}
		}
	}
	return t, nil
}

// partName names part p of n of a stream: the stream itself when it is the only part.
func partName(stream string, p, n int) string {
	if n == 1 {
		return stream
	}
	return fmt.Sprintf("%s[%d]", stream, p)
}

// readParallel reads the parts on workers goroutines and adds up their tallies; before and after,
// if not nil, run first, each as one more part. The first error stops every worker; the error
// returned is the first in order — before, the parts, after — of those that failed. A panic in a
// stream is raised again on the calling goroutine.
func (ev *evaluation) readParallel(parts []purchasePart, logs []partLog, workers int, before, after stream) (*tally, error) {
	tasks := []stream{before, after}
	taskErrs := make([]error, len(tasks))
	tallies := make([]*tally, workers)
	panics := make([]any, workers)
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					panics[w] = v
					stop.Store(true)
				}
			}()
			var sc *scanner
			defer func() {
				if sc != nil {
					sc.release()
				}
			}()
			for {
				p := int(next.Add(1) - 1)
				if p >= len(tasks)+len(parts) || stop.Load() {
					return
				}
				if p < len(tasks) { // the other streams first: the parts share out the time left
					if f := tasks[p]; f != nil {
						if taskErrs[p] = f(&stop); taskErrs[p] != nil {
							stop.Store(true)
							return
						}
					}
					continue
				}
				p -= len(tasks)
				if sc == nil { // a tally only for a goroutine that reads purchases
					tallies[w] = ev.newTally()
					sc = ev.newScanner(tallies[w])
				}
				if err := sc.scan(parts[p], &logs[p], &stop); err != nil {
					logs[p].err = err
					stop.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, v := range panics {
		if v != nil {
			panic(v)
		}
	}
	if taskErrs[0] != nil {
		return nil, taskErrs[0]
	}
	for p := range logs {
		if logs[p].err != nil {
			return nil, logs[p].err
		}
	}
	if taskErrs[1] != nil {
		return nil, taskErrs[1]
	}
	var t *tally
	for _, o := range tallies {
		switch {
		case o == nil:
		case t == nil:
			t = o
		default:
			t.plus(o)
		}
	}
	if t == nil { // no part at all
		t = ev.newTally()
	}
	return t, nil
}

// A scanner reads parts into a tally, a chunk at a time.
type scanner struct {
	chunkBuffers
	ev      *evaluation
	t       *tally
	log     *partLog
	prevID  shortID          // the last purchase's company in place
	prev    b2bkit.CompanyID // and its id, if it is not short
	prevKey uint32
	asOf    int64 // the evaluation's asOf, Unix seconds
	asOfNs  int32 // and nanoseconds
}

// chunkBuffers are a scanner's buffers. A Campaigns keeps them for its next evaluation, which
// would otherwise allocate them again, and leave the collector more to do, every morning.
type chunkBuffers struct {
	buf     []counted          // the chunk, in the order of the stream
	out     []counted          // the chunk, in the order of the index
	ids     []b2bkit.CompanyID // by place in the chunk: the ids longer than inlineID (the others are stale)
	ks, tmp []uint64           // by place in the chunk: key<<32 | place, sorted by key
	at      []int32            // while sampling: by place in the chunk, the company of each purchase
}

// newScanner returns a scanner into t, with buffers left by an earlier evaluation if there are any.
func (ev *evaluation) newScanner(t *tally) *scanner {
	sc := &scanner{ev: ev, t: t, asOf: ev.asOf.Unix(), asOfNs: int32(ev.asOf.Nanosecond())}
	if b, ok := ev.s.buffers.Get().(*chunkBuffers); ok {
		sc.chunkBuffers = *b
	}
	return sc
}

// release gives the scanner's buffers back for the next evaluation, holding no company's id.
func (sc *scanner) release() {
	clear(sc.ids[:cap(sc.ids)])
	b := sc.chunkBuffers
	b.buf, b.out, b.ks, b.tmp, b.at = b.buf[:0], b.out[:0], b.ks[:0], b.tmp[:0], b.at[:0]
	sc.ev.s.buffers.Put(&b)
}

// scan reads part pt. It stops early, without an error, when stop is set.
func (sc *scanner) scan(pt purchasePart, log *partLog, stop *atomic.Bool) error {
	sc.log = log
	ev := sc.ev
	i := 0
	if pt.dec != nil {
		for p, err := range pt.dec {
			if err != nil {
				return streamError(pt.name, i, err)
			}
			amount, profit, err := p.validate()
			if err != nil {
				if !ev.stranger(p.Company) {
					return badRecord(pt.name, i, p.name(), err)
				}
				sc.stranger(p.Company)
				i++
				continue
			}
			i++
			sc.add(p.Company, p.At.Unix(), int32(p.At.Nanosecond()), amount, profit, p.Channel)
			if stopped(stop, i) {
				return nil
			}
		}
	} else {
		for p, err := range pt.minor {
			if err != nil {
				return streamError(pt.name, i, err)
			}
			sec, nsec := p.At.Unix(), int32(p.At.Nanosecond())
			// validate's test, on the instant already read (the zero time is zeroUnix, 0), so that
			// a good record costs no call.
			if p.Company == "" || sec == zeroUnix && nsec == 0 || p.Amount < 0 || p.GrossProfit > p.Amount || !p.Channel.Valid() {
				err := p.validate()
				if !ev.stranger(p.Company) {
					return badRecord(pt.name, i, p.name(), err)
				}
				sc.stranger(p.Company)
				i++
				continue
			}
			i++
			sc.add(p.Company, sec, nsec, p.Amount, p.GrossProfit, p.Channel)
			if stopped(stop, i) {
				return nil
			}
		}
	}
	sc.flush()
	return nil
}

// stopped reports, every 1024 records read, whether stop is set: a worker checks a few times a
// millisecond whether another has failed.
func stopped(stop *atomic.Bool, read int) bool {
	return stop != nil && read%1024 == 0 && stop.Load()
}

// add takes a purchase that passed validation, made at sec and nsec.
func (sc *scanner) add(company b2bkit.CompanyID, sec int64, nsec int32, amount, profit int64, ch b2bkit.Channel) {
	t := sc.t
	if sec > sc.asOf || sec == sc.asOf && nsec > sc.asOfNs {
		t.after++
		return
	}
	b := 1
	if starts := sc.ev.s.starts; len(starts) != 1 {
		b = bucket(starts, sec)
	} else if sec < starts[0] { // most evaluations: one start, no search
		b = 0
	}
	t.hist[b]++
	if amount == 0 {
		t.free[b]++
		return
	}
	id := short(company)
	// The same company as the last purchase, in a stream sorted by company: compared in place when
	// the id is short.
	if id != sc.prevID || id.n == 0 && company != sc.prev {
		sc.prevID, sc.prevKey = id, sc.ev.s.index.key(company)
		if id.n == 0 {
			sc.prev = company
		}
	}
	if len(sc.buf) == cap(sc.buf) {
		sc.buf, sc.ks = room(sc.buf, chunkSize), room(sc.ks, chunkSize)
	}
	pos := len(sc.buf)
	sc.buf = sc.buf[:pos+1]
	q := &sc.buf[pos]
	q.short, q.sec, q.nsec, q.channel, q.amount, q.profit = id, sec, nsec, int8(ch)-1, amount, profit
	if id.n == 0 {
		// Made on the first long id, as long as the chunk can grow: most platforms' ids are short,
		// and this is the one buffer of the chunk the collector scans.
		if len(sc.ids) < cap(sc.buf) {
			sc.ids = slices.Grow(sc.ids, cap(sc.buf)-len(sc.ids))[:cap(sc.buf)] // keeps the long ids so far
		}
		sc.ids[pos] = company
	}
	sc.ks = append(sc.ks, uint64(sc.prevKey)<<32|uint64(pos))
	if len(sc.buf) == chunkSize {
		sc.flush()
	}
}

// stranger sets apart a wrong record of a company on no list. While unknown companies are still
// being listed, the chunk is applied first, so that they are listed in the order of the stream.
func (sc *scanner) stranger(company b2bkit.CompanyID) {
	if sc.log.sampling {
		sc.flush()
		for k := range sc.log.unknown {
			sc.log.unknown[k].sample(company)
		}
	}
	sc.log.strangers++
}

// bucketLow is the lowest bit of the key a chunk of purchases is sorted by: two passes of the radix
// sort put it in buckets of 1024 keys, which hold a few companies at most, and the walk looks each
// purchase up among the companies of its bucket.
const bucketLow = 10

// flush applies the chunk, in the order of the index: one walk along the companies matches each
// purchase and applies it to the company's targets.
func (sc *scanner) flush() {
	if len(sc.buf) == 0 {
		return
	}
	x, t, log, buf, runs := &sc.ev.s.index, sc.t, sc.log, sc.buf, sc.ev.runs
	sc.tmp = slices.Grow(sc.tmp[:0], len(sc.ks))[:len(sc.ks)]
	ks := sortPlaces(sc.ks, sc.tmp)
	// Copy the purchases into that order first: the reads of this short loop overlap, where those of
	// the walk below would wait on one another.
	out := slices.Grow(sc.out[:0], len(ks))[:len(ks)]
	for i, e := range ks {
		out[i] = buf[uint32(e)]
	}
	sc.out = out
	sampling := log.sampling
	if sampling {
		sc.at = slices.Grow(sc.at[:0], len(buf))[:len(buf)]
	}
	cos, n, c := x.cos, len(x.ids), 0
	for i, e := range ks {
		key, pos := uint32(e>>32), int32(uint32(e))
		first, last := key&^(1<<bucketLow-1), key|(1<<bucketLow-1) // its bucket's keys
		for step := 0; c < n && cos[c].key < first; step++ {       // the next few first: they follow closely
			if step == 4 {
				c = x.seek(c, first)
				break
			}
			c++
		}
		q, co := &out[i], -1
		for d := c; d < n && cos[d].key <= last; d++ {
			if cos[d].key == key && x.matches(int32(d), &q.short, sc.ids, pos) {
				co = d
				break
			}
		}
		if sampling {
			sc.at[pos] = int32(co)
		}
		if co < 0 {
			continue
		}
		from, to := cos[co].first, cos[co+1].first
		for cell, camp := from, cos[co].camp; cell < to; cell++ {
			if cell > from { // a company on several lists
				camp = x.posts[cell].camp
			}
			if r := runs[camp]; q.sec < r.startSec {
				t.bs[cell].existing = true
			} else {
				t.count(r, cell, q)
			}
		}
	}
	for j := 0; log.sampling && j < len(buf); j++ { // in the order of the stream
		q := &buf[j]
		log.sampling = false
		for k, r := range sc.ev.runs {
			ex := &log.unknown[k]
			if len(ex.Unknown) >= MaxSamples {
				continue
			}
			log.sampling = true
			if q.sec < r.startSec || x.has(sc.at[j], k) {
				continue
			}
			ex.sample(sc.idOf(j))
		}
	}
	sc.buf, sc.ks = buf[:0], sc.ks[:0]
}

// idOf is the company of the purchase in place j of the chunk.
func (sc *scanner) idOf(j int) b2bkit.CompanyID {
	if s := &sc.buf[j].short; s.n > 0 {
		return b2bkit.CompanyID(s.id[:s.n])
	}
	return sc.ids[j]
}

// zeroUnix is the zero time.Time in Unix seconds: its nanoseconds are 0.
const zeroUnix = -62135596800

// bucket is the number of starts not after sec.
func bucket(starts []int64, sec int64) int {
	if len(starts) == 1 { // most evaluations: no search
		if sec < starts[0] {
			return 0
		}
		return 1
	}
	return search(starts, sec)
}

// search is bucket over several starts.
func search(starts []int64, sec int64) int {
	b, found := slices.BinarySearch(starts, sec)
	if found {
		b++
	}
	return b
}

// sortPlaces sorts a chunk's places (key<<32 | place) by the bits of the key from bucketLow up,
// stably, with tmp (as long as ks) as scratch, and returns the sorted slice: ks or tmp. Both digits
// are counted in one read of ks.
func sortPlaces(ks, tmp []uint64) []uint64 {
	if len(ks) < 256 {
		slices.SortStableFunc(ks, func(a, b uint64) int { return cmp.Compare(a>>(32+bucketLow), b>>(32+bucketLow)) })
		return ks
	}
	const bits, digits = (32 - bucketLow + 1) / 2, 1 << ((32 - bucketLow + 1) / 2)
	var count [2][digits]int
	for _, e := range ks {
		count[0][(e>>(32+bucketLow))%digits]++
		count[1][(e>>(32+bucketLow+bits))%digits]++
	}
	for p := range count {
		shift := 32 + bucketLow + p*bits
		c := &count[p]
		if c[(ks[0]>>shift)%digits] == len(ks) { // one digit: nothing moves
			continue
		}
		sum := 0
		for d := range c {
			c[d], sum = sum, sum+c[d]
		}
		tmp = tmp[:len(ks)]
		for _, e := range ks {
			d := (e >> shift) % digits
			tmp[c[d]] = e
			c[d]++
		}
		ks, tmp = tmp, ks
	}
	return ks
}
