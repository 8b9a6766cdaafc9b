package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
	"golang.org/x/exp/stats"
)

// A Rhythm is how a buyer re-orders a SKU (R13): how often, how much, when the next order is due, and
// whether the buyer has gone quiet. Orders are the buyer's accepted and fulfilled matches of the SKU;
// orders on the same calendar day count as one, with their quantities added.
type Rhythm struct {
	Buyer b2bkit.CompanyID `json:"buyer"`
	SKU   b2bkit.SKU       `json:"sku"`
	// Orders is the number of order days; First and Last are the first and last order.
	Orders int       `json:"orders"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	// Regular is set when there are at least two order days, so intervals exist.
	Regular bool `json:"regular"`
	// MedianIntervalDays is the median number of calendar days between consecutive orders.
	MedianIntervalDays float64 `json:"median_interval_days"`
	// TypicalQuantity is the nearest-rank median quantity of an order day.
	TypicalQuantity decimal.Decimal `json:"typical_quantity"`
	// NextExpected is the last order date plus the median interval (rounded to whole days); zero when
	// not Regular.
	NextExpected time.Time `json:"next_expected"`
	// SilentDays is the number of calendar days from the last order to now.
	SilentDays int `json:"silent_days"`
	// Overdue is set when the buyer has been silent for more than Options.OverdueFactor x the median
	// interval: a call from the service team is due.
	Overdue bool `json:"overdue"`
}

// orderDay is the orders of one buyer on one calendar day.
type orderDay struct {
	day int // days since 1970-01-01 in the book's location
	at  time.Time
	qty decimal.Decimal
}

// Rhythm is the re-order rhythm of buyer for sku, from every accepted or fulfilled match up to now.
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
	now := b.now()
	loc := b.loc(now)
	var days []orderDay
	err := b.scan(ctx, Filter{Buyer: buyer, SKU: sku, To: now.Add(time.Nanosecond), Statuses: []Status{Accepted, Fulfilled}},
		func(m *Match) error {
			days = addOrder(days, m, loc)
			return nil
		})
	if err != nil {
		return Rhythm{}, err
	}
	if len(days) == 0 {
		return Rhythm{}, fmt.Errorf("matching: %w", b2bkit.NotFound("orders of buyer", string(buyer)+" for "+string(sku)))
	}
	return b.rhythmOf(buyer, sku, days, now), nil
}

// addOrder adds m to the order days, which arrive in time order; days are counted in loc.
func addOrder(days []orderDay, m *Match, loc *time.Location) []orderDay {
	d := b2bkit.CalendarDay(m.At.In(loc))
	if n := len(days); n > 0 && days[n-1].day == d {
		days[n-1].qty = days[n-1].qty.Add(m.Quantity)
		return days
	}
	return append(days, orderDay{day: d, at: m.At, qty: m.Quantity})
}

func (b *Book) rhythmOf(buyer b2bkit.CompanyID, sku b2bkit.SKU, days []orderDay, now time.Time) Rhythm {
	r := Rhythm{Buyer: buyer, SKU: sku, Orders: len(days), First: days[0].at, Last: days[len(days)-1].at}
	qty := make([]decimal.Decimal, len(days))
	for i, d := range days {
		qty[i] = d.qty
	}
	slices.SortFunc(qty, decimal.Decimal.Cmp)
	r.TypicalQuantity = qty[nearestRank(50, len(qty))]
	loc := b.loc(now)
	r.SilentDays = b2bkit.CalendarDay(now.In(loc)) - days[len(days)-1].day
	if len(days) < 2 {
		return r
	}
	gaps := make([]float64, len(days)-1)
	for i := 1; i < len(days); i++ {
		gaps[i-1] = float64(days[i].day - days[i-1].day)
	}
	r.Regular = true
	r.MedianIntervalDays = stats.Median(gaps)
	r.NextExpected = b2bkit.AddDays(r.Last.In(loc), int(math.Round(r.MedianIntervalDays)))
	r.Overdue = float64(r.SilentDays) > b.opts.OverdueFactor*r.MedianIntervalDays
	return r
}
