package matching

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/pricing"
)

// Options configure a Book. A nil *Options means the defaults.
type Options struct {
	// Now is the clock; windows end at Now, and a match's status is the one it had at Now. A clock
	// set in the past reproduces a report as of that date. Nil means time.Now.
	Now func() time.Time
	// Location is where calendar days are counted (re-order intervals, next order dates, delivery
	// against the promised day). Nil means the location of the clock's time.
	Location *time.Location
	// ThinMarket is the number of matches below which a reference price is flagged as a thin market.
	// Zero or less means 5.
	ThinMarket int
	// MeanScale is the number of decimal places of the volume-weighted mean price (HalfUp). Zero,
	// less, or more than b2bkit.MaxScale means 4.
	MeanScale int32
	// OverdueFactor: a buyer is overdue when silent for more than OverdueFactor x the median
	// re-order interval. Zero or less means 1.5.
	OverdueFactor float64
	// RankWindow is how far back Rank looks at sellers' matches when the request gives no window.
	// Zero or less means 180 days.
	RankWindow time.Duration
	// ClearLead is how far ahead on a focus need's score (0 to 1) a seller must be to rank before
	// the sellers behind it whatever their other needs (see Rank). Zero or less means 0.1: on
	// price, 2% of the reference price.
	ClearLead float64
	// Reference is what ReferencePrice leaves out and caps (see ReferenceRules). The zero value
	// uses every fulfilled trade as it is.
	Reference ReferenceRules
	// FutureSkew is how far after the clock a match's or a status change's time may be: a host's
	// clock a little ahead of the book's. Record and SetStatus refuse anything dated later than
	// Now + FutureSkew. Zero or less means DefaultFutureSkew.
	FutureSkew time.Duration
	// ManualRefresh, when set, has the questions answer from the projection as it stands, and
	// the caller bring it up to date with Refresh (on a timer, say) — build it too: until the
	// first Refresh or LoadSnapshot the projection is empty. By default every question first
	// reads the entries committed since the last one.
	ManualRefresh bool
}

// DefaultFutureSkew is the default Options.FutureSkew.
const DefaultFutureSkew = 5 * time.Minute

// A Book answers what a trading desk asks of the match log — reference prices under given terms,
// buyers' re-order rhythm, which sellers to offer a request, how healthy the matching is, what
// demand to stock for — from its own projection of the log: a compact, column-wise copy of every
// match, built by replaying the log from the start and kept current by reading the entries
// committed since (see Refresh). It reads any Log the same way, so it answers as fast over a host's
// database as over MemoryLog. It is safe for concurrent use. Make one with NewBook: the zero value
// has no log, and its methods say so with an error matching b2bkit.ErrInvalid, as a nil *Book's do.
//
// A book numbers up to about 4.29 billion (2^32) matches, companies and payment schedules and
// about 1.07 billion (2^30) SKUs. A log beyond that is not a conflict: nothing
// collided and no retry can succeed, so Refresh, and every question, stops at the first match past
// the limit with an error matching b2bkit.ErrInvalid naming "log" and the entry. The log itself is
// unharmed and keeps taking appends; a platform that large keeps one log, and one book, per market.
type Book struct {
	log      Log
	engine   *pricing.Engine
	currency string
	opts     Options
	// policy facts that decide what a normalised price depends on (see normKey).
	byBuyer, byDate bool

	// refresh is held by whoever reads the log into the projection; mu guards the projection.
	refresh sync.Mutex
	mu      sync.RWMutex
	proj    *projection
	// scratch keeps the memory of reference prices (*refScratch) between calls, rankScratch that of
	// Rank (*rankScratch).
	scratch, rankScratch sync.Pool
}

// NewBook returns a book over log that normalises prices with engine. The book speaks the currency
// of the engine's policy, when it names one: Record refuses matches in another currency. It reads
// nothing yet: the first question (or Refresh, or LoadSnapshot) builds the projection — with
// Options.ManualRefresh only Refresh or LoadSnapshot does, and a question asked before either
// answers from an empty projection.
func NewBook(log Log, engine *pricing.Engine, opts *Options) *Book {
	b := &Book{log: log, engine: engine, proj: &projection{}}
	if opts != nil {
		b.opts = *opts
	}
	if b.opts.Now == nil {
		b.opts.Now = time.Now
	}
	if b.opts.ThinMarket <= 0 {
		b.opts.ThinMarket = 5
	}
	if b.opts.MeanScale <= 0 || b.opts.MeanScale > b2bkit.MaxScale {
		b.opts.MeanScale = 4
	}
	if b.opts.OverdueFactor <= 0 {
		b.opts.OverdueFactor = 1.5
	}
	if b.opts.RankWindow <= 0 {
		b.opts.RankWindow = 180 * 24 * time.Hour
	}
	if b.opts.ClearLead <= 0 {
		b.opts.ClearLead = 0.1
	}
	if b.opts.FutureSkew <= 0 {
		b.opts.FutureSkew = DefaultFutureSkew
	}
	if engine != nil {
		p := engine.Policy()
		b.currency = p.Currency
		for _, s := range p.Steps {
			if s.Kind != pricing.Quantity && s.Kind != pricing.Payment && s.Kind != pricing.LeadTime {
				continue
			}
			for _, r := range s.Rules {
				b.byBuyer = b.byBuyer || r.Buyer != ""
				b.byDate = b.byDate || !r.ValidFrom.IsZero() || !r.ValidUntil.IsZero()
			}
		}
	}
	return b
}

// Log returns the log the book reads: nil for a nil or zero Book.
func (b *Book) Log() Log {
	if b == nil {
		return nil
	}
	return b.log
}

func (b *Book) now() time.Time { return b.opts.Now() }

// loc is where calendar days are counted: Options.Location, or the zone of now.
func (b *Book) loc(now time.Time) *time.Location {
	if b.opts.Location != nil {
		return b.opts.Location
	}
	return now.Location()
}

var (
	errNoLog   = fmt.Errorf("matching: %w", b2bkit.Invalid("book.log", "must be set"))
	errNilBook = fmt.Errorf("matching: %w", b2bkit.Invalid("book", "nil: make one with NewBook"))
)

// usable is nil for a book with a log to read, and otherwise the error that says what is missing:
// the book itself (a nil *Book) or its log (the zero Book).
func (b *Book) usable() error {
	switch {
	case b == nil:
		return errNilBook
	case b.log == nil:
		return errNoLog
	}
	return nil
}

// Record appends the matches to the log in one batch (R13): idempotent on Match.ID, a conflict if
// an ID is stored with other content, atomic (see Log.Append). A match in a currency other than the
// book's, made after the clock by more than Options.FutureSkew, or with a quantity or unit price of
// more than MaxRestatedDigits digits before the point (which the pricing engine cannot restate, so
// the match would fail every reference price and ranking of its SKU for good) is an error matching
// b2bkit.ErrInvalid naming "match.currency", "match.at", "match.quantity" or "match.unit_price"
// ("matches[i]…" in a batch), and nothing is stored. These checks are the book's, which has a
// clock, a currency and a pricing engine; the Log has none of them and stores what Match.Validate
// accepts (see the Log's promise 6), so a host that appends to its log directly makes them itself.
func (b *Book) Record(ctx context.Context, ms ...Match) error {
	if err := b.usable(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil { // before any work: a host's Log need not heed ctx
		return err
	}
	ms = canonicalMatches(ms)
	limit := b.now().Add(b.opts.FutureSkew)
	for i := range ms {
		m := &ms[i]
		f := batchField(i, len(ms))
		if b.currency != "" && m.Currency != b.currency {
			return fmt.Errorf("matching: %w", b2bkit.Invalid(f+".currency", "must be %s, the currency of the price policy, not %q", b.currency, xerr.Echo(m.Currency)))
		}
		if m.At.After(limit) {
			return fmt.Errorf("matching: %w", b2bkit.Invalid(f+".at", "must not be after the clock (%s) by more than %s", limit.Add(-b.opts.FutureSkew).Format(time.RFC3339), b.opts.FutureSkew))
		}
		for _, a := range [2]struct {
			field string
			d     decimal.Decimal
		}{{"quantity", m.Quantity}, {"unit_price", m.UnitPrice}} {
			if !restatable(a.d) {
				return fmt.Errorf("matching: %w", b2bkit.Invalid(f+"."+a.field, "must have at most %d digits before the point: no reference price could restate it", MaxRestatedDigits))
			}
		}
	}
	return b.log.Append(ctx, ms...)
}

// MaxRestatedDigits bounds the quantities and unit prices Book.Record takes: at most this many
// digits before the decimal point (below 10^24), the most the pricing engine restates (see
// pricing.Engine.Normalize). A match's own limits (MaxDigits significant digits) reach further.
const MaxRestatedDigits = 24

// restatable reports whether the pricing engine can restate d: below 10^MaxRestatedDigits.
func restatable(d decimal.Decimal) bool {
	return d.IsZero() || int64(d.NumDigits())+int64(d.Exponent()) <= MaxRestatedDigits
}

// SetStatus records a dated change of a match's status in the log (see Log.SetStatus): c.At is when
// it happened — the clock's time if zero — and must not be after the clock by more than
// Options.FutureSkew ("change.at"), a check of the book's, not the log's (see Record); c.By says who
// recorded it.
func (b *Book) SetStatus(ctx context.Context, c StatusChange) error {
	if err := b.usable(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil { // before any work: a host's Log need not heed ctx
		return err
	}
	now := b.now()
	if c.At.IsZero() {
		c.At = now
	}
	if c.At.After(now.Add(b.opts.FutureSkew)) {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("change.at", "must not be after the clock (%s) by more than %s", now.Format(time.RFC3339), b.opts.FutureSkew))
	}
	return b.log.SetStatus(ctx, c)
}

// Refresh brings the projection up to date: it reads the entries committed since the last one it
// applied and applies them, a batch at a time, so questions asked meanwhile see a consistent state.
// An entry that breaks the log's contract (a sequence number not above the last, a status change
// of an unknown match, an invalid match) or a match beyond what a book numbers (see Book) stops it
// with an error naming the entry, matching b2bkit.ErrInvalid, and so does a failing cursor with its
// error; what was applied before stays.
func (b *Book) Refresh(ctx context.Context) error {
	if err := b.usable(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.refresh.Lock()
	defer b.refresh.Unlock()
	// Only holders of b.refresh change the projection's sequence or replace it.
	b.mu.RLock()
	p := b.proj
	b.mu.RUnlock()
	return b.catchUp(ctx, p, true)
}

// catchUp reads the log entries committed after p's last and applies them to p. shared says that
// p is the book's projection, which questions read: then the caller holds b.refresh, and each
// batch is applied under b.mu. Otherwise p is one no question sees yet (a snapshot being loaded).
func (b *Book) catchUp(ctx context.Context, p *projection, shared bool) error {
	from := p.seq
	// Entries are decoded as they are read and applied a batch at a time under the lock, so
	// questions asked meanwhile see a consistent projection. A long catch-up applies each batch
	// in a goroutine of its own while the next is read and decoded.
	var (
		batch  []pending // made on the first entry: most refreshes find none
		work   chan []pending
		spare  chan []pending
		done   chan error
		failed atomic.Bool
	)
	apply := func(bt []pending) error {
		if shared {
			b.mu.Lock()
			defer b.mu.Unlock()
		}
		defer p.fix()
		for i := range bt {
			if err := p.apply(&bt[i]); err != nil {
				return err
			}
		}
		return nil
	}
	// finish applies what is left and returns the first error of the applier or of reading.
	finish := func(readErr error) error {
		var err error
		if work == nil {
			if len(batch) > 0 {
				err = apply(batch)
			}
		} else {
			if len(batch) > 0 && !failed.Load() {
				work <- batch
			}
			close(work)
			err = <-done
		}
		if err != nil {
			return err
		}
		return readErr
	}
	const asyncBatch = 1 << 13
	for e, err := range b.log.Since(ctx, from) {
		if err == nil {
			if batch == nil {
				batch = make([]pending, 0, 256)
			}
			batch = batch[:len(batch)+1]
			if err = decode(&e, &batch[len(batch)-1]); err != nil {
				batch = batch[:len(batch)-1]
			}
		}
		if err != nil {
			return finish(err)
		}
		if len(batch) < cap(batch) {
			continue
		}
		if cap(batch) < asyncBatch { // a short catch-up so far: apply in place, in bigger batches next
			if err := apply(batch); err != nil {
				return err
			}
			batch = make([]pending, 0, 4*cap(batch))
			continue
		}
		if work == nil {
			work, spare, done = make(chan []pending), make(chan []pending, 2), make(chan error, 1) // two buffers: spare holds both at the end
			spare <- make([]pending, 0, asyncBatch)
			go func() {
				var err error
				for bt := range work {
					if err == nil {
						if err = apply(bt); err != nil {
							failed.Store(true)
						}
					}
					spare <- bt[:0]
				}
				done <- err
			}()
		}
		if failed.Load() {
			return finish(nil)
		}
		work <- batch
		batch = <-spare
	}
	return finish(nil)
}

// Seq is the sequence number of the last log entry in the projection.
func (b *Book) Seq() uint64 {
	if b == nil {
		return 0
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.proj == nil { // a zero Book
		return 0
	}
	return b.proj.seq
}

// The indexes a question may need built before it reads.
const (
	needBuyers = 1 << iota
	needSellers
)

// read brings the projection up to date (unless Options.ManualRefresh), builds the indexes need
// names if they are not yet, and returns the projection read-locked, with the function that
// unlocks it.
func (b *Book) read(ctx context.Context, need int) (*projection, func(), error) {
	if err := b.usable(); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil { // a done ctx stops a question on a book refreshed by hand too
		return nil, nil, err
	}
	if !b.opts.ManualRefresh {
		if err := b.Refresh(ctx); err != nil {
			return nil, nil, err
		}
	}
	b.mu.RLock()
	p := b.proj
	if need&needBuyers != 0 && !p.buyersIndexed || need&needSellers != 0 && !p.sellersIndexed {
		b.mu.RUnlock()
		b.mu.Lock()
		p = b.proj
		if need&needBuyers != 0 {
			p.indexBuyers()
		}
		if need&needSellers != 0 {
			p.indexSellers()
		}
		b.mu.Unlock()
		b.mu.RLock()
		p = b.proj
		if need&needBuyers != 0 && !p.buyersIndexed || need&needSellers != 0 && !p.sellersIndexed {
			b.mu.RUnlock()
			return b.read(ctx, need) // a snapshot was loaded meanwhile: index it too
		}
	}
	return p, b.mu.RUnlock, nil
}

// matchError names the match of row r in an error: its ID, read back from the log entry that
// appended it (errors are rare, so the projection keeps no IDs), or else the entry's number.
func (b *Book) matchError(ctx context.Context, p *projection, r uint32, err error) error {
	seq := p.rowSeq[r]
	next, stop := iter.Pull2(b.log.Since(ctx, seq-1))
	e, rerr, ok := next()
	stop()
	if ok && rerr == nil && e.Seq == seq && e.Kind == MatchAppended {
		return fmt.Errorf("matching: match %s: %w", e.Match.ID, err)
	}
	return fmt.Errorf("matching: the match of log entry %d: %w", seq, err)
}

// window checks a look-back window and returns the period it covers, ending now (inclusive).
func (b *Book) window(field string, window time.Duration) (from, to time.Time, err error) {
	if err := b.usable(); err != nil { // a zero Book, whose clock is not set either
		return time.Time{}, time.Time{}, err
	}
	if window <= 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("matching: %w", b2bkit.Invalid(field, "must be > 0"))
	}
	now := b.now()
	return now.Add(-window), now.Add(time.Nanosecond), nil
}

// nanos is t in int64 nanoseconds, clamped to the years a projection holds.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return minTime.UnixNano()
	case !t.Before(maxTime):
		return maxTime.UnixNano()
	}
	return t.UnixNano()
}
