package b2bkit

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A DueEvent is the moment an installment's days are counted from.
type DueEvent int

const (
	// OnOrder counts from the order date: a deposit (定金) or prepayment.
	OnOrder DueEvent = iota
	// OnDelivery counts from the delivery date: cash against goods (现款现货) at 0 days, a credit
	// period (账期) beyond.
	OnDelivery
)

var dueEventWords = [...]string{OnOrder: "on_order", OnDelivery: "on_delivery"}

// String returns the event's word: on_order or on_delivery.
func (e DueEvent) String() string {
	if e < 0 || int(e) >= len(dueEventWords) {
		return fmt.Sprintf("DueEvent(%d)", int(e))
	}
	return dueEventWords[e]
}

// MarshalText encodes the event as its word.
func (e DueEvent) MarshalText() ([]byte, error) {
	if e < 0 || int(e) >= len(dueEventWords) {
		return nil, Invalid("due", "unknown due event %d", int(e))
	}
	return []byte(e.String()), nil
}

// UnmarshalText decodes an event from its word.
func (e *DueEvent) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(dueEventWords[:], b, "due event")
	if err != nil {
		return err
	}
	*e = DueEvent(v)
	return nil
}

// Limits that keep terms sane and their date arithmetic far from overflow.
const (
	// MaxTermDays is the longest an installment may run after its event: ten years.
	MaxTermDays = 3660
	// MaxInstallments is the most installments one payment schedule may have.
	MaxInstallments = 120
)

// An Installment is one part of a payment schedule: Share of the total, due Days calendar days
// after the Due event.
type Installment struct {
	// Share is the fraction of the total, > 0; the shares of a schedule sum to exactly 1.
	Share decimal.Decimal `json:"share"`
	// Due is the event the days count from.
	Due DueEvent `json:"due"`
	// Days is the number of calendar days after the event, >= 0.
	Days int `json:"days"`
}

// Equal reports whether both installments ask for the same share at the same time.
func (in Installment) Equal(o Installment) bool {
	return xerr.Equal(in.Share, o.Share) && in.Due == o.Due && in.Days == o.Days
}

// PaymentTerms is how a buyer pays for a trade: the installments of its payment schedule. In B2B the
// payment terms set the price as much as the quantity does (R11).
type PaymentTerms struct {
	Installments []Installment `json:"installments"`
}

var one = decimal.NewFromInt(1)

// CashOnDelivery is cash against goods (现款现货): everything paid on delivery.
func CashOnDelivery() PaymentTerms {
	return PaymentTerms{Installments: []Installment{{Share: one, Due: OnDelivery}}}
}

// Prepaid is everything paid when the order is placed.
func Prepaid() PaymentTerms {
	return PaymentTerms{Installments: []Installment{{Share: one, Due: OnOrder}}}
}

// Net is a credit period (账期) of days: everything paid days after delivery ("net 60").
func Net(days int) PaymentTerms {
	return PaymentTerms{Installments: []Installment{{Share: one, Due: OnDelivery, Days: days}}}
}

// DepositBalance is a deposit share paid on order and the rest paid balanceDays after delivery
// ("30% deposit, 70% 60 days after delivery"). A deposit of 0 is Net(balanceDays) and a deposit of 1
// is Prepaid(); a deposit outside [0, 1] gives terms that Validate rejects. So does a deposit
// xerr.SaneValue refuses (1e-1073741824), whose balance would take a billion digits to write: its
// balance share is left zero.
func DepositBalance(deposit decimal.Decimal, balanceDays int) PaymentTerms {
	switch {
	case deposit.IsZero():
		return Net(balanceDays)
	case !xerr.SaneValue(deposit):
		return PaymentTerms{Installments: []Installment{
			{Share: deposit, Due: OnOrder},
			{Share: decimal.Zero, Due: OnDelivery, Days: balanceDays},
		}}
	case deposit.Equal(one):
		return Prepaid()
	}
	return PaymentTerms{Installments: []Installment{
		{Share: deposit, Due: OnOrder},
		{Share: one.Sub(deposit), Due: OnDelivery, Days: balanceDays},
	}}
}

// Validate reports every problem with the schedule: no installments, a share that is not > 0, shares
// that do not sum to exactly 1, days outside [0, MaxTermDays], an unknown event. Errors match ErrInvalid
// and name the field ("installments[1].share").
func (p PaymentTerms) Validate() error {
	if p.plainlyValid() {
		return nil // the common case, without building a field name or an error
	}
	return p.validate()
}

// maxShareExponent bounds the places of a share summed as a decimal: far more than any schedule
// needs, small enough that adding shares costs nothing.
const maxShareExponent = 64

// shareOutOfRange finds a share whose exponent cannot belong to a share in (0, 1]: above 0 with a
// nonzero coefficient (at least 10) or below -maxShareExponent.
func (p PaymentTerms) shareOutOfRange() (int, bool) {
	for i, in := range p.Installments {
		e := in.Share.Exponent()
		if (e > 0 && in.Share.Sign() != 0) || e < -maxShareExponent {
			return i, true
		}
	}
	return 0, false
}

// validate is Validate without the fast path.
func (p PaymentTerms) validate() error {
	if len(p.Installments) == 0 {
		return Invalid("installments", "must have at least one installment")
	}
	if len(p.Installments) > MaxInstallments {
		return Invalid("installments", "must have at most %d installments", MaxInstallments)
	}
	var errs []error
	field := func(i int, name string) string { return fmt.Sprintf("installments[%d].%s", i, name) }
	for i, in := range p.Installments {
		// Field names are built only on error: Validate runs on every quote and schedule.
		if in.Share.Sign() <= 0 {
			errs = append(errs, Invalid(field(i, "share"), "must be > 0"))
		}
		if in.Due != OnOrder && in.Due != OnDelivery {
			errs = append(errs, Invalid(field(i, "due"), "must be on_order or on_delivery"))
		}
		if in.Days < 0 || in.Days > MaxTermDays {
			errs = append(errs, Invalid(field(i, "days"), "must be between 0 and %d", MaxTermDays))
		}
	}
	if scale, ok := p.shareScaleFits(); ok {
		var sum int64 // at most MaxInstallments shares of at most 10^12 units: no overflow
		for _, in := range p.Installments {
			u, _ := ToMinor(in.Share, scale)
			sum += u
		}
		if sum != pow10(scale) {
			errs = append(errs, Invalid("installments", "shares sum to %s, must sum to exactly 1", FromMinor(sum, scale)))
		}
	} else if i, bad := p.shareOutOfRange(); bad {
		// Summing an absurd exponent (1e-999999999) would build a billion-digit number first.
		errs = append(errs, Invalid(field(i, "share"), "%s is not a share between 0 and 1 with at most %d places",
			xerr.EchoDecimal(p.Installments[i].Share), maxShareExponent))
	} else {
		sum := decimal.Zero
		for _, in := range p.Installments {
			sum = sum.Add(in.Share)
		}
		if !sum.Equal(one) {
			errs = append(errs, Invalid("installments", "shares sum to %s, must sum to exactly 1", xerr.EchoDecimal(sum)))
		}
	}
	return errors.Join(errs...)
}

// shareScale is the most places shares may have for the int64 fast paths.
const shareScale = 12

// IsCredit reports whether some money is due days after delivery, whenever the goods are delivered:
// a credit period (账期). Only such trades have a financial side and are candidates for
// supply-chain finance (R16). An installment counted from the order is credit too when it falls
// after delivery, which only a trade's dates tell: Terms.IsCredit answers for a trade.
func (p PaymentTerms) IsCredit() bool {
	for _, in := range p.Installments {
		if in.Due == OnDelivery && in.Days > 0 {
			return true
		}
	}
	return false
}

// IsCashAgainstGoods reports whether the terms are 100% cash against goods (现款现货): nothing
// before, nothing after delivery.
func (p PaymentTerms) IsCashAgainstGoods() bool {
	for _, in := range p.Installments {
		if in.Due != OnDelivery || in.Days != 0 {
			return false
		}
	}
	return len(p.Installments) > 0
}

// Equal reports whether both schedules have the same installments in the same order.
func (p PaymentTerms) Equal(o PaymentTerms) bool {
	if len(p.Installments) != len(o.Installments) {
		return false
	}
	for i := range p.Installments {
		if !p.Installments[i].Equal(o.Installments[i]) {
			return false
		}
	}
	return true
}

// String describes the schedule the way a sales contract does: "30% on order, 70% 60 days after delivery".
func (p PaymentTerms) String() string {
	if len(p.Installments) == 0 {
		return "no installments"
	}
	var b strings.Builder
	for i, in := range p.Installments {
		if i > 0 {
			b.WriteString(", ")
		}
		if xerr.SaneValue(in.Share) {
			b.WriteString(in.Share.Shift(2).String())
		} else { // written out it could be a billion digits long
			b.WriteString(xerr.EchoDecimal(in.Share) + " x 100")
		}
		b.WriteString("% ")
		event := "order"
		if in.Due == OnDelivery {
			event = "delivery"
		}
		switch in.Days {
		case 0:
			b.WriteString("on " + event)
		case 1:
			b.WriteString("1 day after " + event)
		default:
			fmt.Fprintf(&b, "%d days after %s", in.Days, event)
		}
	}
	return b.String()
}

// Terms are the trade terms (交易条件) of a deal besides its quantity: how it is paid, when it was
// ordered and when the goods are wanted. With the quantity they set the price (R11).
type Terms struct {
	// Payment is the payment schedule.
	Payment PaymentTerms `json:"payment"`
	// OrderedAt is when the order is (or would be) placed; OnOrder installments count from its date.
	OrderedAt time.Time `json:"ordered_at"`
	// DeliverBy is when the buyer wants the goods; OnDelivery installments count from its date.
	DeliverBy time.Time `json:"deliver_by"`
}

// Validate reports every problem with the terms: the payment schedule's (as "payment.…"), a missing
// order or delivery date, delivery before the order. Errors match ErrInvalid.
func (t Terms) Validate() error {
	if t.plainlyValid() {
		return nil
	}
	return t.validate()
}

// validate is Validate without the fast path.
func (t Terms) validate() error {
	var errs []error
	if err := t.Payment.validate(); err != nil {
		errs = append(errs, InField("payment", err))
	}
	if t.OrderedAt.IsZero() {
		errs = append(errs, Invalid("ordered_at", "must be set"))
	}
	if t.DeliverBy.IsZero() {
		errs = append(errs, Invalid("deliver_by", "must be set"))
	}
	if !t.OrderedAt.IsZero() && !t.DeliverBy.IsZero() {
		if t.DeliverBy.Before(t.OrderedAt) {
			errs = append(errs, Invalid("deliver_by", "must not be before ordered_at"))
		} else if DaysBetween(t.OrderedAt, t.DeliverBy) > MaxTermDays {
			errs = append(errs, Invalid("deliver_by", "must be at most %d days after ordered_at", MaxTermDays))
		}
	}
	return errors.Join(errs...)
}

// plainlyValid is Validate's fast path: plainly valid payment terms, both dates set, delivery
// neither before the order nor more than MaxTermDays after it.
func (t Terms) plainlyValid() bool {
	return !t.OrderedAt.IsZero() && !t.DeliverBy.IsZero() && !t.DeliverBy.Before(t.OrderedAt) &&
		(t.DeliverBy.Unix()-t.OrderedAt.Unix() <= plainLeadSecs || DaysBetween(t.OrderedAt, t.DeliverBy) <= MaxTermDays) &&
		t.Payment.plainlyValid()
}

// plainLeadSecs is a lead, in seconds, that is within MaxTermDays calendar days in any location
// without reading the calendar: the dates of two instants d seconds apart, read in one location,
// are at most d/86400 + 1 days apart plus the change of its UTC offset between them (under 27
// hours), so three days' margin settles it; a longer lead is counted by DaysBetween.
const plainLeadSecs = (MaxTermDays - 3) * 86400

// Equal reports whether both terms have the same schedule and the same instants.
func (t Terms) Equal(o Terms) bool {
	return t.Payment.Equal(o.Payment) && t.OrderedAt.Equal(o.OrderedAt) && t.DeliverBy.Equal(o.DeliverBy)
}

// LeadDays is the booking time: calendar days from the order date to the delivery date, both read in
// the location of OrderedAt. An order on the 1st for the 2nd has a lead of 1 day, whatever the hours.
func (t Terms) LeadDays() int {
	return DaysBetween(t.OrderedAt, t.DeliverBy)
}

// CreditDays is the share-weighted number of days from delivery to payment: how long, on average,
// the seller finances the buyer. It is negative when the buyer pays before delivery: 30% on order and
// 70% 60 days after delivery, with a 10-day lead, is 0.3*(-10) + 0.7*60 = 39. It is exact. Terms
// with a share xerr.SaneValue refuses, which Validate rejects, have no credit days worth writing
// (the exact sum could be a billion digits long): CreditDays is 0 for them.
func (t Terms) CreditDays() decimal.Decimal {
	lead := t.LeadDays()
	if scale, ok := t.Payment.shareScaleFits(); ok {
		if sum, ok := t.creditUnits(scale, lead); ok {
			return FromMinor(sum, scale)
		}
	}
	for _, in := range t.Payment.Installments {
		if !xerr.SaneValue(in.Share) {
			return decimal.Zero
		}
	}
	sum := decimal.Zero
	for _, in := range t.Payment.Installments {
		sum = sum.Add(in.Share.Mul(decimal.NewFromInt(int64(in.daysAfterDelivery(lead)))))
	}
	return sum
}

// creditUnits is CreditDays in int64 units at the shares' scale, or ok=false on overflow (a lead
// time of centuries).
func (t Terms) creditUnits(scale int32, lead int) (sum int64, ok bool) {
	for _, in := range t.Payment.Installments {
		u, _ := ToMinor(in.Share, scale)
		p, ok := checked.Mul(u, int64(in.daysAfterDelivery(lead)))
		if !ok {
			return 0, false
		}
		if sum, ok = checked.Add(sum, p); !ok {
			return 0, false
		}
	}
	return sum, true
}

// IsCredit reports whether any money falls due after the delivery date: a credit period (账期), the
// financial side of a trade (R16). An installment due on delivery is credit when it has days; one due
// on order when its days run past the lead time: 100% 60 days after the order is credit for goods
// delivered in 10 days, not for goods delivered in 60.
func (t Terms) IsCredit() bool {
	lead := t.LeadDays()
	for _, in := range t.Payment.Installments {
		if in.DaysAfterDelivery(lead) > 0 {
			return true
		}
	}
	return false
}

// DaysAfterDelivery is when the installment falls, in days counted from delivery, for an order placed
// lead days before delivery: negative when it is paid before the goods arrive.
func (in Installment) DaysAfterDelivery(lead int) int {
	return in.daysAfterDelivery(lead)
}

// daysAfterDelivery is DaysAfterDelivery, small enough to inline in the loops.
func (in Installment) daysAfterDelivery(lead int) int {
	if in.Due == OnOrder {
		return in.Days - lead
	}
	return in.Days
}

// plainlyValid reports, in one pass and without allocating, whether p is valid in the ordinary way:
// one to MaxInstallments installments, each due on order or on delivery within MaxTermDays days,
// each share > 0 with an int64 coefficient and at most 18 places, the shares summing to exactly 1
// (added in units of 10^-18). Anything else goes to the full check, which has the last word and
// names the problem.
func (p PaymentTerms) plainlyValid() bool {
	if len(p.Installments) == 0 || len(p.Installments) > MaxInstallments {
		return false
	}
	const unit = uint64(1e18)
	var sum uint64
	for _, in := range p.Installments {
		if in.Due != OnOrder && in.Due != OnDelivery || in.Days < 0 || in.Days > MaxTermDays {
			return false
		}
		c, ok := fastdec.Int64(in.Share)
		exp := in.Share.Exponent()
		if !ok || c <= 0 || exp > 0 || exp < -18 {
			return false
		}
		hi, lo := bits.Mul64(uint64(c), uint64(pow10(18+exp)))
		if hi != 0 || lo > unit {
			return false
		}
		if sum += lo; sum > unit {
			return false
		}
	}
	return sum == unit
}

// shareScaleFits is the finest scale of the shares, and whether the int64 fast paths may use it: at
// most shareScale places, each share within ±10^12 units, days within bounds, at most MaxInstallments.
func (p PaymentTerms) shareScaleFits() (int32, bool) {
	if len(p.Installments) > MaxInstallments {
		return 0, false
	}
	var scale int32
	for _, in := range p.Installments {
		// Compared before negating: -math.MinInt32 wraps to itself in int32.
		if e := in.Share.Exponent(); e < -shareScale || in.Days < 0 || in.Days > MaxTermDays {
			return 0, false
		}
		scale = max(scale, -in.Share.Exponent())
	}
	for _, in := range p.Installments {
		u, err := ToMinor(in.Share, scale)
		if err != nil || u > pow10(shareScale) || u < -pow10(shareScale) {
			return 0, false
		}
	}
	return scale, true
}

// A Due is one installment of a schedule made concrete: how much is due on which date.
type Due struct {
	// Installment is the installment of the terms this amount comes from.
	Installment Installment
	// Amount is the money due, at the schedule's scale.
	Amount decimal.Decimal
	// Date is the due date: the event's date plus the installment's days, in the event's location.
	Date time.Time
}

// Equal reports whether both dues ask for the same amount on the same date for the same installment.
func (d Due) Equal(o Due) bool {
	return d.Installment.Equal(o.Installment) && xerr.Equal(d.Amount, o.Amount) && d.Date.Equal(o.Date)
}

// Schedule turns the terms into money and dates: the amount and due date of every installment for a
// trade of total, at scale decimal places. The amounts sum exactly to total: each installment is the
// rounded (HalfUp) running total up to it less the rounded running total before it, so the last takes
// the remainder and no installment is more than one minor unit from its exact share.
//
// The terms must be valid and total must have at most scale places (and be within the bounds of
// xerr.SaneValue); otherwise the error matches ErrInvalid.
func (t Terms) Schedule(total decimal.Decimal, scale int32) ([]Due, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if scale < 0 || scale > MaxScale {
		return nil, Invalid("scale", "must be between 0 and %d", MaxScale)
	}
	if !xerr.SaneValue(total) { // before rounding it, which writes its exponent out
		return nil, Invalid("total", "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(total))
	}
	if !total.Equal(total.Round(scale)) {
		return nil, Invalid("total", "has more than %d decimal places", scale)
	}
	dues := make([]Due, len(t.Payment.Installments))
	for i, in := range t.Payment.Installments {
		dues[i] = Due{Installment: in, Date: t.DueDate(in)}
	}
	if !t.scheduleMinor(dues, total, scale) {
		t.scheduleDecimal(dues, total, scale)
	}
	return dues, nil
}

// DueDate is the date an installment of these terms falls due: the order or the delivery date,
// as the installment says, plus its days, at the same wall-clock time in that date's location.
func (t Terms) DueDate(in Installment) time.Time {
	event := t.DeliverBy
	if in.Due == OnOrder {
		event = t.OrderedAt
	}
	return AddDays(event, in.Days)
}

// scheduleDecimal fills the amounts of dues as Schedule does, in exact decimals.
func (t Terms) scheduleDecimal(dues []Due, total decimal.Decimal, scale int32) {
	cum, before := decimal.Zero, decimal.Zero
	last := len(dues) - 1
	for i, in := range t.Payment.Installments {
		cum = cum.Add(in.Share)
		upTo := total
		if i < last {
			upTo = Round(total.Mul(cum), scale, HalfUp)
		}
		dues[i].Amount = Round(upTo.Sub(before), scale, HalfUp)
		before = upTo
	}
}

// scheduleMinor fills the amounts of dues as Schedule does, in int64 minor units with 128-bit
// products, when the total and the shares fit; it reports false, leaving the amounts alone, when not.
func (t Terms) scheduleMinor(dues []Due, total decimal.Decimal, scale int32) bool {
	units, err := ToMinor(total, scale)
	if err != nil {
		return false
	}
	var buf [4]int64
	amounts, ok := t.Payment.SplitMinor(units, buf[:0])
	if !ok {
		return false
	}
	for i, a := range amounts {
		dues[i].Amount = FromMinor(a, scale)
	}
	return true
}

// SplitMinor splits total, a whole number of minor units, into one amount per installment, appended
// to dst, exactly as Schedule splits a total at any scale: each installment is the running total of
// the shares up to it, applied to total and rounded half up, less the same before it, so the amounts
// sum to total. It is the allocation-free core of Schedule for hosts that keep money in minor units.
//
// It reports false, appending nothing, when it cannot split in int64 arithmetic: no installments
// or more than MaxInstallments, days outside 0..MaxTermDays, invalid shares (not all > 0, or not
// summing to 1), shares with more than 12 places, or total = math.MinInt64. Schedule splits those
// in decimals, or reports why the terms are invalid. It does not look at when each installment is
// due: p.Validate checks that.
func (p PaymentTerms) SplitMinor(total int64, dst []int64) ([]int64, bool) {
	if total == math.MinInt64 || len(p.Installments) == 0 {
		return dst, false
	}
	sscale, ok := p.shareScaleFits()
	if !ok {
		return dst, false
	}
	div := uint64(pow10(sscale))
	// The shares in units of 10^-sscale: each > 0, and all of them summing to exactly 1, without
	// which the running total could pass the total (and the division below overflow).
	var sum uint64
	for _, in := range p.Installments {
		u, _ := ToMinor(in.Share, sscale) // shareScaleFits checked that it converts, within ±10^12
		if u <= 0 {
			return dst, false
		}
		sum += uint64(u)
	}
	if sum != div {
		return dst, false
	}
	abs, neg := uint64(total), total < 0
	if neg {
		abs = uint64(-total)
	}
	var cum uint64
	var before int64
	last := len(p.Installments) - 1
	for i, in := range p.Installments {
		upTo := total
		if i < last {
			u, _ := ToMinor(in.Share, sscale)
			cum += uint64(u)
			// round(|total| * cum / 10^sscale) half up; cum < div, so the quotient is below |total|.
			hi, lo := bits.Mul64(abs, cum)
			q, r := bits.Div64(hi, lo, div)
			if r >= div-r {
				q++
			}
			upTo = int64(q)
			if neg {
				upTo = -upTo
			}
		}
		dst = append(dst, upTo-before)
		before = upTo
	}
	return dst, true
}

// DaysBetween is the number of calendar days from the date of a to the date of b, both read in a's
// location: from 23:00 on the 1st to 01:00 on the 2nd is 1 day. It is negative when b is on an
// earlier date.
func DaysBetween(a, b time.Time) int {
	return CalendarDay(b.In(a.Location())) - CalendarDay(a)
}

// CalendarDay numbers the calendar date of t, in t's location, as days since 1970-01-01 (negative
// before). Two instants get the same number when they fall on the same local date, so it is the key
// for "orders on the same day count as one" and the difference of two numbers is DaysBetween.
func CalendarDay(t time.Time) int {
	_, offset := t.Zone()
	secs := t.Unix() + int64(offset) // seconds since the epoch on the local wall clock
	day := secs / 86400
	if secs%86400 < 0 {
		day-- // floor, for dates before 1970
	}
	return int(day)
}

// DayStart is the first instant of the date y-m-d in loc (day and month are normalised as
// time.Date normalises them): its midnight or, where the clocks jump forward over midnight (São
// Paulo on 4 November 2018 went from 00:00 to 01:00), the instant they jumped, when the day began.
// A date the zone skipped whole (Apia, 30 December 2011) begins when the next one does. time.Date
// gives a missing midnight as an instant of the day before, which would move that day's last hour
// into the date.
func DayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := CalendarDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) // UTC skips no date
	for range 3 {                                                 // a gap, then perhaps a date skipped whole
		if CalendarDay(t) >= want {
			break
		}
		_, end := t.ZoneBounds()
		if end.IsZero() {
			break
		}
		t = end
	}
	return t
}

// AddDays moves t by days calendar days in its own location, keeping the wall-clock time. The
// result is always on the date days after t's: when that date has no such wall-clock time, because
// the clocks jump over it there (São Paulo went from 00:00 to 01:00 on 4 November 2018), it is the
// instant the clocks show as much later as they jumped (01:30 for 00:30), where AddDate would give
// an instant of the day before (23:30 on the 3rd) and a due date would lose its day.
func AddDays(t time.Time, days int) time.Time {
	r := t.AddDate(0, 0, days)
	if CalendarDay(r)-CalendarDay(t) == days {
		return r
	}
	// The wall-clock time is in a gap, and Date read it with the offset of the other side of the
	// jump; read with the offset of the target date's noon (its side of the jump) it falls on the
	// date.
	y, m, d := t.Date()
	_, want := time.Date(y, m, d+days, 12, 0, 0, 0, t.Location()).Zone()
	_, got := r.Zone()
	if s := r.Add(time.Duration(want-got) * time.Second); CalendarDay(s)-CalendarDay(t) == days {
		return s
	}
	return r
}
