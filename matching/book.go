package matching

import (
	"context"
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/pricing"
)

// Options configure a Book. A nil *Options means the defaults.
type Options struct {
	// Now is the clock; windows end at Now. Nil means time.Now.
	Now func() time.Time
	// Location is where calendar days are counted (re-order intervals, next order dates). Nil means
	// the location of the clock's time.
	Location *time.Location
	// ThinMarket is the number of matches below which a reference price is flagged as a thin market.
	// Zero means 5.
	ThinMarket int
	// MeanScale is the number of decimal places of the volume-weighted mean price (HalfUp). Zero
	// means 4.
	MeanScale int32
	// OverdueFactor: a buyer is overdue when silent for more than OverdueFactor x the median
	// re-order interval. Zero means 1.5.
	OverdueFactor float64
	// RankWindow is how far back Rank looks at sellers' matches when the request gives no window.
	// Zero means 180 days.
	RankWindow time.Duration
	// FutureSkew is how far after the clock a match's time may be: a host's clock a little ahead of
	// the book's. Record refuses a match made later than Now + FutureSkew. Zero or less means
	// DefaultFutureSkew.
	FutureSkew time.Duration
}

// DefaultFutureSkew is the default Options.FutureSkew.
const DefaultFutureSkew = 5 * time.Minute

// A Book reads a match log with a pricing engine and answers what a trading desk asks: reference
// prices under given terms, buyers' re-order rhythm, which sellers to offer a request, how healthy
// the matching is, and what demand to stock for. It is safe for concurrent use if its Log is.
type Book struct {
	log      Log
	engine   *pricing.Engine
	currency string
	opts     Options
	// policy facts that decide what a normalised price depends on (see normKey).
	byBuyer, byDate bool
}

// NewBook returns a book over log that normalises prices with engine. The book speaks the currency
// of the engine's policy, when it names one: Record refuses matches in another currency.
func NewBook(log Log, engine *pricing.Engine, opts *Options) *Book {
	b := &Book{log: log, engine: engine}
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

// Log returns the log the book reads.
func (b *Book) Log() Log { return b.log }

func (b *Book) now() time.Time { return b.opts.Now() }

// loc is where calendar days are counted: Options.Location, or the zone of now.
func (b *Book) loc(now time.Time) *time.Location {
	if b.opts.Location != nil {
		return b.opts.Location
	}
	return now.Location()
}

// Record appends m to the log (R13): idempotent on m.ID, a conflict if the ID is stored with other
// content. A match in a currency other than the book's, or made after the clock by more than
// Options.FutureSkew, is an error matching b2bkit.ErrInvalid naming "match.currency" or "match.at",
// and nothing is stored.
func (b *Book) Record(ctx context.Context, m Match) error {
	if b.log == nil {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("book.log", "must be set"))
	}
	if b.currency != "" && m.Currency != b.currency {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("match.currency", "must be %s, the currency of the price policy, not %q", b.currency, xerr.Echo(m.Currency)))
	}
	if now := b.now(); m.At.After(now.Add(b.opts.FutureSkew)) {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("match.at", "must not be after the clock (%s) by more than %s", now.Format(time.RFC3339), b.opts.FutureSkew))
	}
	return b.log.Append(ctx, m)
}

// scan runs the log's scan and stops at the first error. It reads any Log the same way: the book
// has no fast path that only its own MemoryLog could take.
func (b *Book) scan(ctx context.Context, f Filter, fn func(m *Match) error) error {
	if b.log == nil {
		return fmt.Errorf("matching: %w", b2bkit.Invalid("book.log", "must be set"))
	}
	var cur Match // one variable for the whole scan, so fn's pointer does not allocate per match
	for m, err := range b.log.Scan(ctx, f) {
		if err != nil {
			return err
		}
		cur = m
		if err := fn(&cur); err != nil {
			return err
		}
	}
	return nil
}

// window checks a look-back window and returns the period it covers, ending now (inclusive).
func (b *Book) window(field string, window time.Duration) (from, to time.Time, err error) {
	if window <= 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("matching: %w", b2bkit.Invalid(field, "must be > 0"))
	}
	now := b.now()
	return now.Add(-window), now.Add(time.Nanosecond), nil
}
