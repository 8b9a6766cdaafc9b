package funnel

import (
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/b2bkit/b2bkit"
)

// MaxMonths is the longest a campaign can be measured: asOf at most 100 years after the start.
const MaxMonths = 1200

// penetrationMonths is the length of the penetration window, in closed campaign months.
const penetrationMonths = 3

// Per-target state lives in dense slices indexed by cell — every target of every campaign has one —
// so memory grows with the target lists, never with the streams. It is split by stream so the
// purchase loop, the hot one, touches one 64-byte line per target. Instants are offsets from the
// campaign start: every counted record lies in [start, asOf], at most MaxMonths long, well inside a
// time.Duration.

// reach is what the touches say about one target.
type reach struct {
	firstTouch time.Duration
	rep        int32 // acquiring rep, -1 for none
	touched    uint8 // bit k-1: touched in month k (k <= 8)
}

// buyer is what the purchases say about one target. Its sums are int64 minor units; the rare sum
// that would overflow one carries into the tally's 128-bit sums of the target (see tally.wide).
type buyer struct {
	firstBuy time.Duration
	spend    int64 // start to asOf
	profit   int64
	penSpend int64 // in the penetration window
	orders   int32
	bought   uint8 // bit k-1: ordered in month k
	existing bool  // ordered before the start: a customer already
}

// estimate is a target's latest wallet estimate: its date, to the nanosecond, and its amount.
type estimate struct {
	sec     int64
	nsec    int32
	set     bool  // false: none
	monthly int64 // minor units
}

// notAfter reports whether e is dated not after (sec, nsec).
func (e *estimate) notAfter(sec int64, nsec int32) bool {
	return e.sec < sec || e.sec == sec && e.nsec <= nsec
}

// note is what a target's latest wallet estimate says for the reader, kept only when the
// per-company lists are asked for.
type note struct {
	at         time.Time
	method     string
	confidence float64
}

type repState struct {
	id          b2bkit.PersonID
	in, touches int
}

// Input is what an evaluation reads: each stream once, and every stream may be nil (empty). Each
// stream is an iter.Seq2 whose error reports a failed read, as a database cursor's does; for records
// already in memory, b2bkit.Stream adapts a slice. The purchases may come in parts, each a stream of
// its own, which are read at the same time (see Options.Workers); the touches are read before them
// and the wallets after them, on the calling goroutine.
type Input struct {
	// Touches are the reps' contacts with companies (coverage, acquisition, concentration).
	Touches iter.Seq2[Touch, error]
	// Purchases and MinorPurchases are the orders, in parts: a report is the report of all the parts
	// read one after another, Purchases first. A host that gives several parts promises that they
	// can be read at the same time, from different goroutines — separate cursors or connections,
	// ranges of a slice. MinorPurchases take amounts already in minor units, without a decimal per
	// row: the form to use for a large history.
	Purchases      []iter.Seq2[Purchase, error]
	MinorPurchases []iter.Seq2[MinorPurchase, error]
	// Wallets and MinorWallets are the wallet estimates (penetration), read one after the other:
	// of two estimates of the same date for one company, the one read later is used.
	Wallets      iter.Seq2[Wallet, error]
	MinorWallets iter.Seq2[MinorWallet, error]
	// Concurrent promises that every stream above can be read at the same time as the others, each
	// from a goroutine of its own — separate cursors or connections, slices in memory — and not only
	// the purchase parts. The touches and the wallets are then read while the purchases are, by the
	// same workers (Options.Workers), instead of before and after them on the calling goroutine. The
	// reports are the same either way.
	Concurrent bool
}

// Options says what an evaluation builds beyond the rates and how many goroutines it uses. A nil
// *Options is the zero value: the rates, counts, totals and bands, without the per-company lists.
type Options struct {
	// HandOff builds Report.HandOff, the accounts to hand to the service team (R9), once month 3
	// has closed. Without it the list is nil and HandOffReady still says whether it could be built.
	HandOff bool
	// Companies builds Penetration.Companies, each customer's spend, wallet, share and band (R7).
	// Without it the list is nil; the totals, the weighted share and the counts in each band are
	// there either way.
	Companies bool
	// Workers is the most purchase parts read at the same time, each on a goroutine of its own with
	// its own per-target state (memory grows with targets times workers). Zero or less means
	// runtime.GOMAXPROCS(0); one reads the parts one after another on the calling goroutine.
	Workers int
}

// everything asks for every detail: what Evaluate and EvaluateAll build.
func everything() *Options { return &Options{HandOff: true, Companies: true, Workers: 1} }

// Evaluate measures campaign c at asOf in one pass over each stream (R6-R10): the three rates over
// their calendar months, penetration, the phase and the rate to chase, the hand-off list after month 3,
// the channel mix and its shift, rep attribution and concentration. Nil streams are empty.
//
// Each stream is an iter.Seq2 whose error reports a failed read, as a database cursor's does; for
// records already in memory, b2bkit.Stream adapts a slice. The first error a stream yields stops
// Evaluate, which returns no report — never one built on part of the data — and the error wrapped
// with the stream and the position it failed at ("funnel: purchases[1534221]: <err>"), matching the
// stream's error with errors.Is.
//
// Records dated after asOf are never counted, nor are touches and purchases before the start, records
// of companies not on the target list, or touches made outside the territory: those are counted in
// Report.Excluded instead (a wallet estimate made before the start still stands: each target's latest
// one not after asOf is used); a target with an order before the start is a customer already, which the
// campaign cannot convert or acquire (Report.Existing). A record of a target that is itself wrong —
// no time, an unknown kind or channel, a negative purchase amount or one with more than MinorScale
// places (trailing zeros do not count), a gross profit above the amount, a negative wallet, a confidence outside [0, 1] — stops
// Evaluate with an error matching b2bkit.ErrInvalid that names it by company, time and position
// ("funnel: purchase of C-1 at 2026-04-02T10:00:00+08:00: purchases[7].amount: must be >= 0"), and
// no report is returned; so does a record without a company. A wrong record of a company that is not
// a target is set apart in Excluded (NotTarget) like any other record of it: the streams may carry
// the whole platform's records. An invalid campaign, an asOf before the start or more than MaxMonths
// after it are errors too.
//
// Memory grows with the number of targets (and of reps and months), not with the number of touches,
// purchases or wallets; each amount is read in int64 minor units at MinorScale and added in 128-bit
// sums, which do not overflow. Evaluate builds every detail of the report; Campaigns.Evaluate
// measures many campaigns, builds the per-company lists only when asked, takes amounts in minor
// units and reads purchases in parts at the same time.
func Evaluate(c Campaign, touches iter.Seq2[Touch, error], purchases iter.Seq2[Purchase, error], wallets iter.Seq2[Wallet, error], asOf time.Time) (Report, error) {
	if asOf.IsZero() {
		return Report{}, fmt.Errorf("funnel: %w", b2bkit.Invalid("as_of", "must be set"))
	}
	s, err := prepare([]Campaign{c}, false)
	if err != nil {
		return Report{}, err
	}
	rs, err := s.evaluate(Input{Touches: touches, Purchases: part(purchases), Wallets: wallets}, asOf, everything())
	if err != nil {
		return Report{}, err
	}
	return rs[0], nil
}

// EvaluateAll measures every campaign of cs at asOf in one pass over each stream, so a platform that
// runs a campaign per territory reads its purchases once, not once per territory. Report k is
// exactly the report Evaluate(cs[k], ...) would return on the same streams: each record goes to the
// campaigns whose target list holds its company (a company may be on several lists), and each
// campaign's concentration (R8) sees its team's touches, in its territory and out of it: the team is
// the reps with a touch in the territory, and another city's reps are counted in OtherTeams.
//
// A stream error or a wrong record stops EvaluateAll as it stops Evaluate; a wrong record of a
// company on no list is set apart in every report. An invalid campaign, or an asOf before the start
// of one, is an error naming it ("funnel: campaigns[3]: territory: must be set"); so is an empty cs.
// Memory grows with the targets of all the campaigns; each touch and wallet costs a few steps per
// campaign, each purchase a few steps per campaign that lists its company. EvaluateAll builds every
// detail of the reports; see Campaigns.Evaluate for the other choices.
func EvaluateAll(cs []Campaign, touches iter.Seq2[Touch, error], purchases iter.Seq2[Purchase, error], wallets iter.Seq2[Wallet, error], asOf time.Time) ([]Report, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("campaigns", "must list at least one campaign"))
	}
	if asOf.IsZero() {
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("as_of", "must be set"))
	}
	s, err := prepare(cs, true)
	if err != nil {
		return nil, err
	}
	return s.evaluate(Input{Touches: touches, Purchases: part(purchases), Wallets: wallets}, asOf, everything())
}

// part is ps as a list of parts: none when ps is nil.
func part[T any](ps iter.Seq2[T, error]) []iter.Seq2[T, error] {
	if ps == nil {
		return nil
	}
	return []iter.Seq2[T, error]{ps}
}

// Evaluate measures every campaign of the set at asOf over in, reading each stream once, and builds
// the details opts asks for: report k is campaign k's. With every detail asked for, report k is
// exactly what Evaluate(campaign k, ...) returns on the same records, whether their amounts came as
// decimals or in minor units, in one part or in several.
//
// A set not made by NewCampaigns (the zero value, a nil pointer) holds no campaign and is an error
// matching b2bkit.ErrInvalid. Errors are Evaluate's, naming the stream, and the part when there are several
// ("funnel: minor_purchases[1][3507]: <err>": record 3507 of part 1). The first error stops every
// part; if several parts fail, the error is that of the first of them, in order, that failed before
// it was stopped. With in.Concurrent the touches and wallets are stopped too, and taken to come
// before and after the parts in that order. A stream that panics on a worker's goroutine panics again on the caller's. An asOf
// before the start of a campaign, or more than MaxMonths after it, is an error naming the campaign.
//
// Memory grows with the targets of all the campaigns times the workers, never with the streams:
// the records are read a chunk at a time (see the package doc). Each purchase costs a few steps,
// and a few more for each campaign that lists its company; with MinorPurchases nothing is allocated
// per record.
func (s *Campaigns) Evaluate(in Input, asOf time.Time, opts *Options) ([]Report, error) {
	if s == nil || len(s.cs) == 0 { // the zero value measures nothing: say so, rather than read every stream for it
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("campaigns", "must list at least one campaign (see NewCampaigns)"))
	}
	if asOf.IsZero() {
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("as_of", "must be set"))
	}
	if opts == nil {
		opts = &Options{}
	}
	return s.evaluate(in, asOf, opts)
}

// A run is the layout and report of one campaign during an evaluation.
type run struct {
	k        int
	start    time.Time
	startSec int64
	bounds   []time.Time // bounds[k-1] is the start of month k; month cur holds asOf
	unix     []int64     // month starts as Unix seconds, for a cheap month lookup
	steps    []int32     // by step of 1<<monthStep seconds from the start up to asOf: its month (see monthIn)
	cur      int
	penFrom  int
	penTo    int
	reps     []repState // by the evaluation's rep number
	rep      Report
}

// newRun lays out the months of campaign k up to asOf.
func (s *Campaigns) newRun(k int, asOf time.Time) (*run, error) {
	d, c := s.dates[k], &s.cs[k]
	if asOf.Before(d.start) {
		return nil, b2bkit.Invalid("as_of", "%s is before the campaign start %s",
			asOf.Format(time.RFC3339), d.start.Format(time.RFC3339))
	}
	if !asOf.Before(monthStart(d.y, d.m, d.d, MaxMonths+1, d.loc)) {
		return nil, b2bkit.Invalid("as_of", "more than %d months after the start", MaxMonths)
	}
	r := &run{k: k, start: d.start, startSec: d.start.Unix(), bounds: []time.Time{d.start}}
	for m := 1; ; m++ {
		r.bounds = append(r.bounds, monthStart(d.y, d.m, d.d, m+1, d.loc))
		if r.cur == 0 && asOf.Before(r.bounds[m]) {
			r.cur = m
		}
		if r.cur != 0 && m >= max(r.cur, 4) {
			break
		}
	}
	r.unix = make([]int64, r.cur+1)
	for i := range r.unix {
		r.unix[i] = r.bounds[i].Unix()
	}
	r.steps = monthSteps(r.unix, asOf.Unix())
	r.penTo = r.cur - 1 // last closed month
	r.penFrom = max(1, r.penTo-penetrationMonths+1)
	r.rep = Report{Campaign: c.ID, Territory: c.Territory, Start: d.start, AsOf: asOf, Targets: len(c.Targets),
		Month: r.cur, Phase: Phase(min(r.cur, 4))}
	return r, nil
}

// monthStep is the length of a step of run.steps in bits of seconds: 2^20 s, about 12 days, less
// than any month, so that a step holds at most one month start.
const monthStep = 20

// monthSteps is the month of each step from unix[0] up to asOf, or nil if some month, which cannot
// be, were no longer than a step.
func monthSteps(unix []int64, asOf int64) []int32 {
	for m := 1; m < len(unix); m++ {
		if unix[m]-unix[m-1] <= 1<<monthStep {
			return nil
		}
	}
	steps := make([]int32, (asOf-unix[0])>>monthStep+1)
	m := 1
	for i := range steps {
		for at := unix[0] + int64(i)<<monthStep; m < len(unix) && at >= unix[m]; {
			m++
		}
		steps[i] = int32(m)
	}
	return steps
}

// monthIn is monthOf for an instant of [start, asOf], in one step: the month its step begins in,
// or the next if that has begun by then.
func (r *run) monthIn(sec int64) int {
	i := (sec - r.startSec) >> monthStep
	if r.steps == nil || i < 0 || i >= int64(len(r.steps)) {
		return r.monthOf(sec)
	}
	m := int(r.steps[i])
	if m < len(r.unix) && sec >= r.unix[m] {
		m++
	}
	return m
}

// monthOf is the campaign month of an instant of [start, asOf] given in Unix seconds; whole-second
// bounds make the floor exact.
func (r *run) monthOf(sec int64) int {
	if len(r.unix) <= 16 { // the first year: a few comparisons
		m := 1
		for m < len(r.unix) && sec >= r.unix[m] {
			m++
		}
		return m
	}
	k, found := slices.BinarySearch(r.unix, sec)
	if found {
		return k + 1
	}
	return k
}

// repAt is the run's state of rep number n, growing the table as reps appear.
func (r *run) repAt(n int32) *repState {
	for int(n) >= len(r.reps) {
		r.reps = append(r.reps, repState{})
	}
	return &r.reps[n]
}

// An evaluation is the state of one Campaigns.Evaluate.
type evaluation struct {
	s      *Campaigns
	asOf   time.Time
	runs   []*run
	rs     []reach    // by cell
	es     []estimate // by cell
	notes  []note     // by cell, when the per-company lists are asked for
	repIDs []b2bkit.PersonID
	cellIn []int32 // scratch: the current record's cell in each campaign, -1 for none
}

// cells sets cellIn to the cells of company c (-1 for none) in every campaign.
func (ev *evaluation) cells(c int32) {
	for k := range ev.cellIn {
		ev.cellIn[k] = -1
	}
	if c < 0 {
		return
	}
	x := &ev.s.index
	from, to := x.cells(c)
	for cell := from; cell < to; cell++ {
		ev.cellIn[x.posts[cell].camp] = cell
	}
}

// stranger reports whether company is set and on no list.
func (ev *evaluation) stranger(company b2bkit.CompanyID) bool {
	return company != "" && ev.s.index.find(company) < 0
}

// A chunk gathers records of a stream, to be matched with the index in its order.
type chunk[T any] struct {
	recs    []T       // in the order of the stream
	out     []T       // in the order of the index
	ids     []shortID // by place in recs
	ks, tmp []keyed
	at      []int32 // by place in recs: each record's company, for listing unknown ones in order
}

// add adds r, a record of company id, and reports whether the chunk is full.
func (c *chunk[T]) add(x *index, id b2bkit.CompanyID, r T) bool {
	if len(c.recs) == cap(c.recs) {
		c.recs, c.ids, c.ks = room(c.recs, smallChunk), room(c.ids, smallChunk), room(c.ks, smallChunk)
	}
	c.ks = append(c.ks, keyed{key: x.key(id), pos: int32(len(c.recs))})
	c.recs = append(c.recs, r)
	c.ids = append(c.ids, short(id))
	return len(c.recs) == smallChunk
}

// match matches the records with the index: it returns them in its order, each with its company,
// and sets c.out to the records in that order and c.at to the company of each by its place in
// c.recs. idOf is a record's company.
func (c *chunk[T]) match(x *index, idOf func(*T) b2bkit.CompanyID) []keyed {
	c.tmp = slices.Grow(c.tmp[:0], len(c.ks))[:len(c.ks)]
	ks := radixSort(c.ks, c.tmp, 0)
	c.out = slices.Grow(c.out[:0], len(ks))[:len(ks)]
	for i, e := range ks {
		c.out[i] = c.recs[e.pos]
	}
	c.at = slices.Grow(c.at[:0], len(ks))[:len(ks)]
	co, n := 0, len(x.ids)
	for i := range ks {
		e := &ks[i]
		if co < n && x.cos[co].key < e.key {
			co = x.seek(co, e.key)
		}
		e.company = -1
		for d := co; d < n && x.cos[d].key == e.key; d++ {
			if x.isShort(int32(d), &c.ids[e.pos], idOf(&c.out[i])) {
				e.company = int32(d)
				break
			}
		}
		c.at[e.pos] = e.company
	}
	return ks
}

// reset empties the chunk.
func (c *chunk[T]) reset() { c.recs, c.ids, c.ks = c.recs[:0], c.ids[:0], c.ks[:0] }

// evaluate measures the set at asOf over in.
func (s *Campaigns) evaluate(in Input, asOf time.Time, opts *Options) ([]Report, error) {
	ev := &evaluation{s: s, asOf: asOf, runs: make([]*run, len(s.cs)), cellIn: make([]int32, len(s.cs))}
	for k := range s.cs {
		r, err := s.newRun(k, asOf)
		if err != nil {
			if s.many {
				err = b2bkit.InField(fmt.Sprintf("campaigns[%d]", k), err)
			}
			return nil, fmt.Errorf("funnel: %w", err)
		}
		ev.runs[k] = r
	}
	cells := len(s.index.posts)
	ev.rs = make([]reach, cells)
	for i := range ev.rs {
		ev.rs[i].rep = -1
	}
	ev.es = make([]estimate, cells)
	if opts.Companies {
		ev.notes = make([]note, cells)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Each stream's reader keeps state of its own (reach, the tallies, estimate): read at the same
	// time, they share only what none of them writes.
	touches := func(stop *atomic.Bool) error { return ev.readTouches(in.Touches, stop) }
	wallets := func(stop *atomic.Bool) error { return ev.readWallets(in.Wallets, in.MinorWallets, stop) }
	var t *tally
	var err error
	if in.Concurrent && workers > 1 {
		t, err = ev.readPurchases(in.Purchases, in.MinorPurchases, workers, touches, wallets)
	} else if err = touches(nil); err == nil {
		if t, err = ev.readPurchases(in.Purchases, in.MinorPurchases, workers, nil, nil); err == nil {
			err = wallets(nil)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}
	return ev.assemble(t, opts), nil
}

// readTouches reads the touches: coverage, acquisition, concentration.
// It stops early, without an error, when stop is set.
func (ev *evaluation) readTouches(touches iter.Seq2[Touch, error], stop *atomic.Bool) error {
	if touches == nil {
		return nil
	}
	tr := &touchReader{ev: ev, repIndex: map[b2bkit.PersonID]int32{}}
	i := 0
	for t, err := range touches {
		if err != nil {
			return streamError("touches", i, err)
		}
		if stopped(stop, i) {
			return nil
		}
		if err := t.validate(); err != nil {
			if !ev.stranger(t.Company) {
				return badRecord("touches", i, t.name(), err)
			}
			tr.flush() // a stranger's: set apart anyway, in the order of the stream
			for _, r := range ev.runs {
				r.rep.Excluded.Touches.unknown(t.Company)
			}
			i++
			continue
		}
		i++
		if tr.add(&ev.s.index, t.Company, t) {
			tr.flush()
		}
	}
	tr.flush()
	return nil
}

// A touchReader applies chunks of touches.
type touchReader struct {
	chunk[Touch]
	ev       *evaluation
	repIndex map[b2bkit.PersonID]int32
}

// flush applies the chunk.
func (tr *touchReader) flush() {
	if len(tr.recs) == 0 {
		return
	}
	ev := tr.ev
	after := 0 // touches after asOf, set apart in every report
	for i, e := range tr.match(&ev.s.index, func(t *Touch) b2bkit.CompanyID { return t.Company }) {
		t := &tr.out[i]
		if t.At.After(ev.asOf) {
			after++
			continue
		}
		sec := t.At.Unix() // starts are whole seconds: t is before one exactly when sec is
		ev.cells(e.company)
		n := int32(-1) // the rep's number, once needed
		for k, r := range ev.runs {
			ex := &r.rep.Excluded.Touches
			if sec < r.startSec {
				ex.BeforeStart++
				continue
			}
			cell := ev.cellIn[k]
			if t.Territory == "" && cell < 0 { // made nobody knows where: not the team's work here
				ex.NotTarget++
				continue
			}
			if n < 0 {
				var ok bool
				if n, ok = tr.repIndex[t.Rep]; !ok {
					n = int32(len(ev.repIDs))
					tr.repIndex[t.Rep] = n
					ev.repIDs = append(ev.repIDs, t.Rep)
				}
			}
			st := r.repAt(n)
			st.touches++
			if t.Territory != "" && t.Territory != ev.s.cs[k].Territory {
				ex.OutsideTerritory++
				continue
			}
			st.in++
			if cell < 0 {
				ex.NotTarget++
				continue
			}
			s := &ev.rs[cell]
			if m := r.monthOf(sec); m <= 8 {
				s.touched |= 1 << (m - 1)
			}
			off := t.At.Sub(r.start)
			if s.rep < 0 || off < s.firstTouch || (off == s.firstTouch && t.Rep < ev.repIDs[s.rep]) {
				s.firstTouch, s.rep = off, n
			}
		}
	}
	for _, r := range ev.runs {
		r.rep.Excluded.Touches.AfterAsOf += after
	}
	// The unknown companies, in the order of the stream: those of touches counted as NotTarget above.
	for j := range tr.recs {
		t, listing := &tr.recs[j], false
		for k, r := range ev.runs {
			ex := &r.rep.Excluded.Touches
			if len(ex.Unknown) >= MaxSamples {
				continue
			}
			listing = true
			if !t.At.Before(r.start) && !t.At.After(ev.asOf) && (t.Territory == "" || t.Territory == ev.s.cs[k].Territory) &&
				!ev.s.index.has(tr.at[j], k) {
				ex.sample(t.Company)
			}
		}
		if !listing {
			break
		}
	}
	tr.reset()
}

// readWallets reads the estimates, decimal then minor: each target's latest estimate not after asOf.
// An estimate of a company on no list is counted apart in every report; the counts of those not on
// one list are worked out at the end, so an estimate costs a few steps per campaign that lists it.
// It stops early, without an error, when stop is set.
func (ev *evaluation) readWallets(wallets iter.Seq2[Wallet, error], minor iter.Seq2[MinorWallet, error], stop *atomic.Bool) error {
	wr := &walletReader{ev: ev, onList: make([]int, len(ev.runs))}
	stranger := func(company b2bkit.CompanyID) { // a wrong record of one: set apart anyway, in order
		wr.flush()
		for _, r := range ev.runs {
			r.rep.Excluded.Wallets.unknown(company)
		}
	}
	if wallets != nil {
		i := 0
		for w, err := range wallets {
			if err != nil {
				return streamError("wallets", i, err)
			}
			if stopped(stop, i) {
				return nil
			}
			u, err := w.validate()
			if err != nil {
				if !ev.stranger(w.Company) {
					return badRecord("wallets", i, w.name(), err)
				}
				stranger(w.Company)
				i++
				continue
			}
			i++
			wr.take(MinorWallet{Company: w.Company, Monthly: u, Method: w.Method, AsOf: w.AsOf, Confidence: w.Confidence})
		}
	}
	if minor != nil {
		i := 0
		for w, err := range minor {
			if err != nil {
				return streamError("minor_wallets", i, err)
			}
			if stopped(stop, i) {
				return nil
			}
			if err := w.validate(); err != nil {
				if !ev.stranger(w.Company) {
					return badRecord("minor_wallets", i, w.name(), err)
				}
				stranger(w.Company)
				i++
				continue
			}
			i++
			wr.take(w)
		}
	}
	wr.flush()
	for k, r := range ev.runs {
		ex := &r.rep.Excluded.Wallets
		ex.AfterAsOf += wr.after
		ex.NotTarget += wr.in - wr.onList[k]
	}
	return nil
}

// A walletReader applies chunks of estimates.
type walletReader struct {
	chunk[MinorWallet]
	ev        *evaluation
	after, in int   // estimates after asOf; estimates up to asOf that are not wrong
	onList    []int // by campaign: estimates of companies on its list
}

// take takes an estimate that passed validation.
func (wr *walletReader) take(w MinorWallet) {
	if w.AsOf.After(wr.ev.asOf) {
		wr.after++
		return
	}
	wr.in++
	if wr.add(&wr.ev.s.index, w.Company, w) {
		wr.flush()
	}
}

// flush applies the chunk. Estimates of one company are applied in the order of the stream, so of
// two of the same date the later wins.
func (wr *walletReader) flush() {
	if len(wr.recs) == 0 {
		return
	}
	ev, x := wr.ev, &wr.ev.s.index
	for i, e := range wr.match(x, func(w *MinorWallet) b2bkit.CompanyID { return w.Company }) {
		if e.company < 0 {
			continue
		}
		w := &wr.out[i]
		from, to := x.cells(e.company)
		for cell := from; cell < to; cell++ {
			wr.onList[x.posts[cell].camp]++
			s := &ev.es[cell]
			if sec, nsec := w.AsOf.Unix(), int32(w.AsOf.Nanosecond()); !s.set || s.notAfter(sec, nsec) {
				*s = estimate{sec: sec, nsec: nsec, set: true, monthly: w.Monthly}
				if ev.notes != nil {
					ev.notes[cell] = note{at: w.AsOf, method: w.Method, confidence: w.Confidence}
				}
			}
		}
	}
	for j := range wr.recs { // unknown companies, in the order of the stream
		listing := false
		for k, r := range ev.runs {
			ex := &r.rep.Excluded.Wallets
			if len(ex.Unknown) >= MaxSamples {
				continue
			}
			listing = true
			if !x.has(wr.at[j], k) {
				ex.sample(wr.recs[j].Company)
			}
		}
		if !listing {
			break
		}
	}
	wr.reset()
}

// badRecord names record i of a stream that is wrong in itself, by what the host can look up and by
// position: "purchase of C-1 at 2026-04-02T10:00:00+08:00: purchases[7].amount: must be >= 0".
func badRecord(stream string, i int, name string, err error) error {
	return fmt.Errorf("%s: %w", name, b2bkit.InField(fmt.Sprintf("%s[%d]", stream, i), err))
}

// streamError wraps the error a stream yielded at position i: "purchases[9]: <err>". It matches
// what the stream returned with errors.Is, and ErrInvalid only if that did.
func streamError(stream string, i int, err error) error {
	return fmt.Errorf("%s[%d]: %w", stream, i, err)
}

// mixUnits is one month's orders and amounts per channel (Manual, SemiAuto, FullAuto).
type mixUnits struct {
	orders [3]int
	amount [3]units
}
