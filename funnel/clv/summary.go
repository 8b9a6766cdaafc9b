package clv

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
)

// A Unit is the time unit of recency, age and every horizon: the models' parameters are in it too
// (alpha is a time), so a model fitted in weeks predicts in weeks. In JSON it is the word "weeks" or
// "days".
type Unit int

const (
	// Weeks: days / 7, the unit of the literature and of the CDNOW figures. The zero value.
	Weeks Unit = iota
	// Days: calendar days.
	Days
)

// Valid reports whether u is Weeks or Days.
func (u Unit) Valid() bool { return u == Weeks || u == Days }

// String returns "weeks" or "days".
func (u Unit) String() string {
	switch u {
	case Weeks:
		return "weeks"
	case Days:
		return "days"
	}
	return "Unit(" + strconv.Itoa(int(u)) + ")"
}

// days is the number of calendar days in one unit: a count of days divided by it is exact to the
// last bit (26 days are 26/7 weeks, not 26 times a rounded 1/7).
func (u Unit) days() float64 {
	if u == Days {
		return 1
	}
	return 7
}

// Month is the length of an average calendar month (365.2425/12 days) in the unit: the step of
// CLV's monthly discounting.
func (u Unit) Month() float64 { return 365.2425 / 12 / u.days() }

// A History is what BG/NBD knows of one customer at the end of the calibration period. Its times are
// in the Unit of the Summary it came from.
type History struct {
	// Frequency is the number of repeat purchases: distinct purchase days after the first. A customer
	// who bought once has frequency 0.
	Frequency int `json:"frequency"`
	// Recency is the time from the first purchase to the last; 0 when Frequency is 0.
	Recency float64 `json:"recency"`
	// T is the customer's age: the time from the first purchase to the end of calibration.
	T float64 `json:"t"`
}

// validate checks h as BG/NBD reads it: a count >= 0, 0 <= recency <= T, all finite, and no recency
// without a repeat purchase.
func (h History) validate() error {
	switch {
	case h.Frequency < 0:
		return b2bkit.Invalid("frequency", "must be >= 0, got %d", h.Frequency)
	case math.IsNaN(h.T) || math.IsInf(h.T, 0) || h.T < 0:
		return b2bkit.Invalid("t", "must be a finite time >= 0, got %v", h.T)
	case math.IsNaN(h.Recency) || math.IsInf(h.Recency, 0) || h.Recency < 0:
		return b2bkit.Invalid("recency", "must be a finite time >= 0, got %v", h.Recency)
	case h.Recency > h.T:
		return b2bkit.Invalid("recency", "%v must not exceed t %v", h.Recency, h.T)
	case h.Frequency == 0 && h.Recency != 0:
		return b2bkit.Invalid("recency", "must be 0 when frequency is 0, got %v", h.Recency)
	}
	return nil
}

// A Customer is one buyer's history at the end of calibration, with the money the spend model needs.
type Customer struct {
	// ID is the buyer.
	ID b2bkit.CompanyID `json:"id"`
	History
	// First and Last are the first and last purchase days, as the first instant of the day in the
	// calibration's location: its midnight, or the instant the clocks jumped where they skip it.
	// Zero when the history was loaded from a summary rather than built from purchases.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// RepeatSpend is the amount bought on the repeat days (every day after the first) within
	// calibration: the Gamma-Gamma model reads RepeatSpend / Frequency, the average spend per repeat
	// purchase. The first day is left out, as in the literature: it is often a trial. It must be >= 0
	// and, like every amount of the module, have at most 18 decimal places and an exponent of at most 18.
	RepeatSpend decimal.Decimal `json:"repeat_spend"`
}

// AverageSpend is RepeatSpend / Frequency, the customer's average spend per repeat purchase (a
// float statistic, the Gamma-Gamma model's input); 0 without a repeat purchase.
func (c Customer) AverageSpend() float64 {
	if c.Frequency <= 0 {
		return 0
	}
	return c.RepeatSpend.InexactFloat64() / float64(c.Frequency)
}

// A Calibration says how Summarize cuts purchases into histories.
type Calibration struct {
	// End is the last calendar day of the calibration period, included; required. Purchases on later
	// days are not read into the histories (Summary.After counts them), and T runs to this day.
	End time.Time
	// Location is where purchase days are calendar days (R27). Nil means End's location.
	Location *time.Location
	// Unit is the unit of recency and age. The zero value is Weeks.
	Unit Unit
	// CountFree counts purchases of amount zero as purchases. By default, as in funnel, a purchase of
	// zero is a free sample or a promotion, not an order, and is left out (Summary.Free counts it).
	// The published CDNOW summary counted its eight $0.00 lines: set CountFree to reproduce it.
	CountFree bool
}

// A Summary is the customers' histories at the end of calibration, in a unit.
type Summary struct {
	// End is the last calendar day of calibration, as its first instant in the calibration's
	// location (see Customer.First).
	End time.Time `json:"end"`
	// Unit is the unit of every History.
	Unit Unit `json:"unit"`
	// Customers are the histories, sorted by ID.
	Customers []Customer `json:"customers"`
	// Purchases counts the purchases read into the histories; After those dated after End; Free the
	// purchases of zero left out (see Calibration.CountFree).
	Purchases int `json:"purchases"`
	After     int `json:"after"`
	Free      int `json:"free"`
}

// Seq adapts a plain sequence, which cannot fail, to the streams Summarize reads.
func Seq[T any](s iter.Seq[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Summarize turns purchases into one History per customer for the calibration period c: purchases
// of one customer on one calendar day are one purchase (their amounts added), frequency counts the
// repeat days, recency and age run from the first purchase day. It reads the stream once and stops
// at its first error, returned wrapped: a cursor that fails half-way fails the summary. A purchase
// without a company or time, or with a negative amount or more than funnel.MinorScale places
// (trailing zeros do not count), is an
// error matching b2bkit.ErrInvalid naming the record; so is a calibration without an end.
func Summarize(purchases iter.Seq2[funnel.Purchase, error], c Calibration) (Summary, error) {
	return SummarizeFunc(purchases, c, func(p funnel.Purchase) (b2bkit.CompanyID, time.Time, decimal.Decimal) {
		return p.Company, p.At, p.Amount
	})
}

// SummarizeFunc is Summarize over records of any type, read through fields: a host can summarise
// its own order rows without copying them into funnel.Purchase values.
func SummarizeFunc[T any](records iter.Seq2[T, error], c Calibration, fields func(T) (b2bkit.CompanyID, time.Time, decimal.Decimal)) (Summary, error) {
	if c.End.IsZero() {
		return Summary{}, fmt.Errorf("clv: %w", b2bkit.Invalid("calibration.end", "must be set"))
	}
	if !c.Unit.Valid() {
		return Summary{}, fmt.Errorf("clv: %w", b2bkit.Invalid("calibration.unit", "must be weeks or days"))
	}
	if records == nil || fields == nil {
		return Summary{}, fmt.Errorf("clv: %w", b2bkit.Invalid("purchases", "must be given"))
	}
	loc := c.Location
	if loc == nil {
		loc = c.End.Location()
	}
	end := b2bkit.CalendarDay(c.End.In(loc))
	// Each customer's purchase days with their amounts: a stream in time order only ever merges into
	// or appends after the last day; one out of order is sorted and merged at the end.
	type buyer struct {
		id       b2bkit.CompanyID
		days     []dayAmount
		unsorted bool
	}
	index := make(map[b2bkit.CompanyID]int)
	var buyers []buyer
	var s Summary
	i := -1
	for r, err := range records {
		i++
		if err != nil {
			return Summary{}, fmt.Errorf("clv: purchases[%d]: reading the stream: %w", i, err)
		}
		id, at, amount := fields(r)
		units, err := checkPurchase(id, at, amount)
		if err != nil {
			return Summary{}, fmt.Errorf("clv: purchases[%d] (%s): %w", i, purchaseName(id, at), err)
		}
		day := b2bkit.CalendarDay(at.In(loc))
		switch {
		case day > end:
			s.After++
			continue
		case units == 0 && !c.CountFree:
			s.Free++
			continue
		}
		s.Purchases++
		k, ok := index[id]
		if !ok {
			k = len(buyers)
			index[id] = k
			buyers = append(buyers, buyer{id: id})
		}
		b := &buyers[k]
		if n := len(b.days); n > 0 && b.days[n-1].day == day {
			if b.days[n-1].units, ok = addUnits(b.days[n-1].units, units); !ok {
				return Summary{}, fmt.Errorf("clv: purchases[%d] (%s): %w", i, purchaseName(id, at),
					b2bkit.Invalid("amount", "the day's total overflows"))
			}
			continue
		} else if n > 0 && day < b.days[n-1].day {
			b.unsorted = true
		}
		b.days = append(b.days, dayAmount{day, units})
	}
	per := c.Unit.days()
	s.End = b2bkit.DayStart(1970, 1, 1+end, loc)
	s.Unit = c.Unit
	s.Customers = make([]Customer, 0, len(buyers))
	for k := range buyers {
		b := &buyers[k]
		days := b.days
		if b.unsorted {
			var err error
			if days, err = mergeDays(days); err != nil {
				return Summary{}, fmt.Errorf("clv: customer %s: %w", quote(string(b.id)), err)
			}
		}
		var repeat int64
		for _, d := range days[1:] {
			var ok bool
			if repeat, ok = addUnits(repeat, d.units); !ok {
				return Summary{}, fmt.Errorf("clv: customer %s: %w", quote(string(b.id)),
					b2bkit.Invalid("amount", "repeat spend overflows"))
			}
		}
		first, last := days[0].day, days[len(days)-1].day
		s.Customers = append(s.Customers, Customer{
			ID: b.id,
			History: History{Frequency: len(days) - 1, Recency: float64(last-first) / per,
				T: float64(end-first) / per},
			First: b2bkit.DayStart(1970, 1, 1+first, loc), Last: b2bkit.DayStart(1970, 1, 1+last, loc),
			RepeatSpend: b2bkit.FromMinor(repeat, funnel.MinorScale),
		})
		b.days = nil
	}
	slices.SortFunc(s.Customers, func(a, b Customer) int { return cmp.Compare(a.ID, b.ID) })
	return s, nil
}

// A dayAmount is one customer's purchases of one calendar day.
type dayAmount struct {
	day   int
	units int64
}

// mergeDays sorts days and adds the amounts of equal days together.
func mergeDays(days []dayAmount) ([]dayAmount, error) {
	slices.SortStableFunc(days, func(a, b dayAmount) int { return cmp.Compare(a.day, b.day) })
	out := days[:1]
	for _, d := range days[1:] {
		n := len(out) - 1
		if out[n].day != d.day {
			out = append(out, d)
			continue
		}
		var ok bool
		if out[n].units, ok = addUnits(out[n].units, d.units); !ok {
			return nil, b2bkit.Invalid("amount", "the day's total overflows")
		}
	}
	return out, nil
}

// addUnits adds two amounts >= 0 in minor units, reporting overflow.
func addUnits(a, b int64) (int64, bool) {
	if b > math.MaxInt64-a {
		return 0, false
	}
	return a + b, true
}

// checkPurchase checks one purchase as the summary reads it and returns its amount in minor units.
func checkPurchase(id b2bkit.CompanyID, at time.Time, amount decimal.Decimal) (int64, error) {
	switch {
	case id == "":
		return 0, b2bkit.Invalid("company", "must be set")
	case at.IsZero():
		return 0, b2bkit.Invalid("at", "must be set")
	case amount.Sign() < 0:
		return 0, b2bkit.Invalid("amount", "must be >= 0")
	}
	units, err := b2bkit.ToMinor(amount, funnel.MinorScale)
	if err != nil {
		return 0, b2bkit.InField("amount", err)
	}
	return units, nil
}

// purchaseName names a purchase for an error by its company and time.
func purchaseName(id b2bkit.CompanyID, at time.Time) string {
	s := "purchase of " + quote(string(id))
	if !at.IsZero() {
		s += " at " + at.Format(time.RFC3339)
	}
	return s
}

// quote quotes untrusted text for an error message, cut to a readable length.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}
