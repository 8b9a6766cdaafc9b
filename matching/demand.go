package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// A Demand is how much of a SKU the buyers' re-order rhythms say will be ordered over a horizon, for
// stocking: each regular buyer's expected order days in the horizon times the buyer's typical
// quantity. A buyer already due or overdue counts one order today; later orders follow the buyer's
// median interval. Buyers with fewer than MinRhythmOrders order days have no rhythm yet and are
// counted in Irregular.
type Demand struct {
	SKU b2bkit.SKU `json:"sku"`
	// From is the first instant of today in the book's location; To is the end of the horizon, exclusive.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Quantity is the expected quantity; Orders the expected number of orders.
	Quantity decimal.Decimal `json:"quantity"`
	Orders   int             `json:"orders"`
	// Buyers are the regular buyers expected to order, largest expected quantity first.
	Buyers []BuyerDemand `json:"buyers"`
	// Irregular is the number of buyers of the SKU with too few orders to have a rhythm.
	Irregular int `json:"irregular"`
}

// A BuyerDemand is one buyer's expected orders of a SKU over the horizon.
type BuyerDemand struct {
	Buyer b2bkit.CompanyID `json:"buyer"`
	// Rhythm is the buyer's re-order rhythm the expectation follows from.
	Rhythm Rhythm `json:"rhythm"`
	// Orders is the number of orders expected in the horizon; Quantity is Orders x the typical
	// quantity.
	Orders   int             `json:"orders"`
	Quantity decimal.Decimal `json:"quantity"`
}

// Demand is the expected demand for sku over the horizon starting today, from the rhythms of all its
// buyers. The horizon must be > 0; it is counted in whole calendar days, rounded up.
func (b *Book) Demand(ctx context.Context, sku b2bkit.SKU, horizon time.Duration) (Demand, error) {
	var errs []error
	if sku == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	if horizon <= 0 {
		errs = append(errs, b2bkit.Invalid("horizon", "must be > 0"))
	}
	if len(errs) > 0 {
		return Demand{}, fmt.Errorf("matching: %w", errors.Join(errs...))
	}
	p, unlock, err := b.read(ctx, 0)
	if err != nil {
		return Demand{}, err
	}
	defer unlock()
	now := b.now()
	loc := b.loc(now)
	byBuyer := map[uint32][]orderDay{}
	if sid, ok := p.skus.lookup(string(sku)); ok {
		nowN := nanos(now)
		for _, r := range p.within(list(p.bySKU, sid), math.MinInt64, nowN+1) {
			if p.statusAt(r, nowN).isOrder() {
				byBuyer[p.buyer[r]] = p.addOrder(byBuyer[p.buyer[r]], r, loc)
			}
		}
	}
	y, mo, d := now.In(loc).Date()
	today := b2bkit.DayStart(y, mo, d, loc) // time.Date reads a midnight the clocks jump over as the day before
	hdays := int(math.Ceil(horizon.Hours() / 24))
	out := Demand{SKU: sku, From: today, To: b2bkit.AddDays(today, hdays), Quantity: decimal.Zero}
	todayN := b2bkit.CalendarDay(today)
	endN := todayN + hdays // exclusive
	for id, days := range byBuyer {
		buyer := b2bkit.CompanyID(p.companies.vals[id])
		r := b.rhythmOf(buyer, sku, days, now)
		if !r.Regular {
			out.Irregular++
			continue
		}
		step := max(1, int(math.Round(r.MedianIntervalDays)))
		next := max(days[len(days)-1].day+step, todayN)
		orders := 0
		if next < endN {
			orders = (endN-1-next)/step + 1
		}
		if orders == 0 {
			continue
		}
		q := r.TypicalQuantity.Mul(decimal.NewFromInt(int64(orders)))
		out.Buyers = append(out.Buyers, BuyerDemand{Buyer: buyer, Rhythm: r, Orders: orders, Quantity: q})
		out.Orders += orders
		out.Quantity = out.Quantity.Add(q)
	}
	slices.SortFunc(out.Buyers, func(a, b BuyerDemand) int {
		if c := b.Quantity.Cmp(a.Quantity); c != 0 {
			return c
		}
		return strings.Compare(string(a.Buyer), string(b.Buyer))
	})
	return out, nil
}
