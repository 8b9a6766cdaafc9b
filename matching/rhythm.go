package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/shopspring/decimal"
	"golang.org/x/exp/stats"
)

// A Rhythm is how a buyer re-orders a SKU (R13): how often, how much, when the next order is due, and
// whether the buyer has gone quiet. Orders are the buyer's matches of the SKU that were accepted or
// fulfilled as of now; orders on the same calendar day count as one, with their quantities added.
// One interval between two orders is not yet a rhythm: it takes MinRhythmOrders order days.
type Rhythm struct {
	Buyer b2bkit.CompanyID `json:"buyer"`
	SKU   b2bkit.SKU       `json:"sku"`
	// Orders is the number of order days; First and Last are the instants of the first and the last
	// order (the last of the last order day, which silence is measured from), in the book's location.
	Orders int       `json:"orders"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	// Regular is set when there are at least MinRhythmOrders order days, so the intervals say
	// something; TooFewOrders when there are fewer, and then the interval, the next order and
	// Overdue are not judged.
	Regular      bool `json:"regular"`
	TooFewOrders bool `json:"too_few_orders"`
	// MedianIntervalDays is the median number of calendar days between consecutive orders; zero
	// when not Regular.
	MedianIntervalDays float64 `json:"median_interval_days"`
	// TypicalQuantity is the nearest-rank median quantity of an order day.
	TypicalQuantity decimal.Decimal `json:"typical_quantity"`
	// NextExpected is Last plus the median interval (rounded to whole days); zero when not Regular.
	NextExpected time.Time `json:"next_expected"`
	// SilentDays is the number of calendar days from the last order to now.
	SilentDays int `json:"silent_days"`
	// Overdue is set when a Regular buyer has been silent for more than Options.OverdueFactor x the
	// median interval: a call from the service team is due.
	Overdue bool `json:"overdue"`
}

// MinRhythmOrders is the fewest order days that make a rhythm: two intervals, so one late or early
// order does not set it.
const MinRhythmOrders = 3

// orderDay is the orders of one buyer on one calendar day.
type orderDay struct {
	day   int   // days since 1970-01-01 in the book's location
	at    int64 // the first order's time
	last  int64 // the last order's time
	units int64 // the quantity in units at qtyScale
	extra decimal.Decimal
}

func (d *orderDay) qty() decimal.Decimal {
	q := decimal.New(d.units, -qtyScale)
	if !d.extra.IsZero() {
		q = q.Add(d.extra)
	}
	return q
}

// Rhythm is the re-order rhythm of buyer for sku, from every match accepted or fulfilled as of now.
// A buyer who never ordered the SKU is an error matching b2bkit.ErrNotFound.
func (b *Book) Rhythm(ctx context.Context, buyer b2bkit.CompanyID, sku b2bkit.SKU) (Rhythm, error) {
	var errs []error
	if buyer == "" {
		errs = append(errs, b2bkit.Invalid("buyer", "must be set"))
	}
	if sku == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	if len(errs) > 0 {
		return Rhythm{}, fmt.Errorf("matching: %w", errors.Join(errs...))
	}
	p, unlock, err := b.read(ctx, needBuyers)
	if err != nil {
		return Rhythm{}, err
	}
	defer unlock()
	now := b.now()
	loc := b.loc(now)
	var days []orderDay
	bid, okB := p.companies.lookup(string(buyer))
	sid, okS := p.skus.lookup(string(sku))
	if okB && okS {
		nowN := nanos(now)
		for _, r := range p.within(list(p.byBuyer, bid), math.MinInt64, nowN+1) {
			if p.sku[r] == sid && p.statusAt(r, nowN).isOrder() {
				days = p.addOrder(days, r, loc)
			}
		}
	}
	if len(days) == 0 {
		return Rhythm{}, fmt.Errorf("matching: %w", b2bkit.NotFound("orders of buyer", string(buyer)+" for "+string(sku)))
	}
	return b.rhythmOf(buyer, sku, days, now), nil
}

// addOrder adds row r to the order days, which arrive in time order; days are counted in loc.
func (p *projection) addOrder(days []orderDay, r uint32, loc *time.Location) []orderDay {
	at := p.at[r]
	d := b2bkit.CalendarDay(time.Unix(0, at).In(loc))
	if n := len(days); n == 0 || days[n-1].day != d {
		days = append(days, orderDay{day: d, at: at})
	}
	o := &days[len(days)-1]
	o.last = max(o.last, at)
	if u, ok := p.qtyUnits(r); ok {
		if s, ok := checked.Add(o.units, u); ok {
			o.units = s
			return days
		}
	}
	o.extra = o.extra.Add(p.quantity(r))
	return days
}

func (b *Book) rhythmOf(buyer b2bkit.CompanyID, sku b2bkit.SKU, days []orderDay, now time.Time) Rhythm {
	loc := b.loc(now)
	r := Rhythm{Buyer: buyer, SKU: sku, Orders: len(days),
		First: time.Unix(0, days[0].at).In(loc), Last: time.Unix(0, days[len(days)-1].last).In(loc)}
	qty := make([]decimal.Decimal, len(days))
	for i := range days {
		qty[i] = days[i].qty()
	}
	slices.SortFunc(qty, decimal.Decimal.Cmp)
	r.TypicalQuantity = qty[nearestRank(50, len(qty))]
	r.SilentDays = b2bkit.CalendarDay(now.In(loc)) - days[len(days)-1].day
	if len(days) < MinRhythmOrders {
		r.TooFewOrders = true
		return r
	}
	gaps := make([]float64, len(days)-1)
	for i := 1; i < len(days); i++ {
		gaps[i-1] = float64(days[i].day - days[i-1].day)
	}
	r.Regular = true
	r.MedianIntervalDays = stats.Median(gaps)
	r.NextExpected = b2bkit.AddDays(r.Last, int(math.Round(r.MedianIntervalDays)))
	r.Overdue = float64(r.SilentDays) > b.opts.OverdueFactor*r.MedianIntervalDays
	return r
}
