package matching

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// shareScale is the number of decimal places of the shares in Health (HalfUp).
const shareScale = 4

// Health says whether the platform's matching is worth something (R12): how many matches turn into
// fulfilled trades, how much of the matching and of its value the platform bought with subsidies,
// and whether the buyers it subsidised came back on their own — subsidised volume from buyers who
// never return is the sign of approaching death. It also splits matching between third-party sellers
// and the platform's own trading (R14).
//
// Counts are over the matches made in the window; values (quantity x unit price) are of the matches
// not cancelled, in Currency (matches in other currencies are counted but add no value). Shares are
// decimals rounded HalfUp to 4 places, zero when there is nothing to share.
type Health struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Currency string    `json:"currency"`

	// Matches, Fulfilled and Cancelled count the matches of the window; Conversion is the share
	// fulfilled.
	Matches    int             `json:"matches"`
	Fulfilled  int             `json:"fulfilled"`
	Cancelled  int             `json:"cancelled"`
	Conversion decimal.Decimal `json:"conversion"`
	// Value is the value of the matches not cancelled.
	Value decimal.Decimal `json:"value"`

	// Subsidised counts the trades the platform paid for: the subsidised matches fulfilled now (a
	// subsidy on a match cancelled, proposed or not yet delivered was not paid). SubsidisedShare is
	// their share of the matches, SubsidisedValueShare of the value; Subsidy is what the platform
	// paid on them.
	Subsidised           int             `json:"subsidised"`
	SubsidisedShare      decimal.Decimal `json:"subsidised_share"`
	SubsidisedValueShare decimal.Decimal `json:"subsidised_value_share"`
	Subsidy              decimal.Decimal `json:"subsidy"`

	// The buyers whose first order was in the window, by how they came: with a subsidy or
	// organically (see Cohort for what counts as coming back).
	SubsidisedBuyers Cohort `json:"subsidised_buyers"`
	OrganicBuyers    Cohort `json:"organic_buyers"`
	// NeverReturned are the buyers whose first order was subsidised and who have not come back,
	// sorted.
	NeverReturned []b2bkit.CompanyID `json:"never_returned"`

	// Platform and SelfOperated split the matches by seller of record.
	Platform     ModeShare `json:"platform"`
	SelfOperated ModeShare `json:"self_operated"`
}

// A Cohort is a group of buyers whose first order (their earliest match accepted or fulfilled; a
// proposal or a cancelled match is not a start) was in the window, and how many came back: placed,
// on a later day up to now, an order the platform did not subsidise and that was fulfilled. An order
// bought with another subsidy, or not yet delivered, is not a return. A buyer with no order is in
// no cohort.
type Cohort struct {
	Buyers   int `json:"buyers"`
	Returned int `json:"returned"`
	// RepeatRate is Returned / Buyers.
	RepeatRate decimal.Decimal `json:"repeat_rate"`
}

// A ModeShare is the part of the matching one kind of seller of record had.
type ModeShare struct {
	Matches int             `json:"matches"`
	Value   decimal.Decimal `json:"value"`
	// Share is the share of the value.
	Share decimal.Decimal `json:"share"`
}

// Health reports on the matches made in the window ending now, each in the status it had now; a
// buyer's first order is looked for in the whole log, so only buyers new in the window form the
// cohorts. It reads the window's matches and, for each buyer in them, that buyer's matches up to
// its first order (and, for a buyer new in the window, on to its first return): the time follows
// the window, not the log.
func (b *Book) Health(ctx context.Context, window time.Duration) (Health, error) {
	from, to, err := b.window("window", window)
	if err != nil {
		return Health{}, err
	}
	p, unlock, err := b.read(ctx, 0)
	if err != nil {
		return Health{}, err
	}
	if nanos(to.Add(-time.Nanosecond)) < p.lastChange && !p.buyersIndexed { // as of a past date: walks buyers
		unlock()
		if p, unlock, err = b.read(ctx, needBuyers); err != nil {
			return Health{}, err
		}
	}
	defer unlock()
	h := Health{From: from, To: to.Add(-time.Nanosecond), Currency: b.currency, Value: decimal.Zero, Subsidy: decimal.Zero}
	h.Platform.Value, h.SelfOperated.Value = decimal.Zero, decimal.Zero
	loc := b.loc(h.To)
	nowN, fromN := nanos(h.To), nanos(from)
	curID, known := uint16(0), true
	if h.Currency != "" {
		id, ok := p.currencies.lookup(h.Currency)
		curID, known = uint16(id), ok
	}
	// Sums in integers: a value is the product of the quantity's and the price's coefficients,
	// added to the sum of its exponent, so no match is scaled; a subsidy likewise. Amounts whose
	// coefficients are not int64 are added in decimals.
	var (
		value, subValue, platValue, selfValue, subsidy expSums
		state                                          = make([]uint8, len(p.companies.vals)) // seen, returned
		buyers                                         []uint32
	)
	const seen, returned = 1, 2
	// With the clock at or after the last status change, each buyer's first order is the one the
	// projection keeps, and a buyer new in the window comes back within it: the window's matches
	// say everything. Before it (a report as of a past date) the buyers' matches are walked.
	kept := nowN >= p.lastChange
	newBuyer := func(b uint32) bool {
		return int(b) < len(p.firstOrder) && p.firstOrderAt[b] >= fromN && p.firstOrderAt[b] <= nowN
	}
	p.allWithin(fromN, nowN+1, func(r uint32) {
		if h.Currency == "" { // the first match's
			curID = p.cur[r]
			h.Currency = p.currencies.vals[curID]
		}
		st := p.statusAt(r, nowN)
		b := p.buyer[r]
		if st.isOrder() && state[b]&seen == 0 {
			state[b] |= seen
			buyers = append(buyers, b)
		}
		if kept && st == Fulfilled && state[b]&returned == 0 && newBuyer(b) && r != p.firstOrder[b] && !p.subsidised(r) &&
			b2bkit.CalendarDay(time.Unix(0, p.at[r]).In(loc)) > b2bkit.CalendarDay(time.Unix(0, p.firstOrderAt[b]).In(loc)) {
			state[b] |= returned
		}
		h.Matches++
		switch st {
		case Fulfilled:
			h.Fulfilled++
		case Cancelled:
			h.Cancelled++
		}
		f := p.flags[r]
		self := f&flagSelf != 0
		if self {
			h.SelfOperated.Matches++
		} else {
			h.Platform.Matches++
		}
		sameCurrency := known && p.cur[r] == curID
		// A subsidy is paid on a trade: one on a match cancelled, still proposed or not yet
		// delivered now was not (as a return, only a fulfilled order counts).
		sub := st == Fulfilled && p.subsidised(r)
		if sub {
			h.Subsidised++
			if sameCurrency {
				if f&flagOddSub != 0 || !subsidy.add(uint64(p.subC[r]), 1, int(p.subE[r])) {
					subsidy.exact = subsidy.exact.Add(p.subsidy(r))
				}
			}
		}
		if st == Cancelled || !sameCurrency {
			return
		}
		qc, pc, e := uint64(p.qtyC[r]), uint64(p.priceC[r]), int(p.qtyE[r])+int(p.priceE[r])
		odd := f&(flagOddQty|flagOddPrice) != 0
		var v decimal.Decimal // the match's value, made only when an integer sum cannot take it
		addTo := func(s *expSums) {
			if odd || !s.add(qc, pc, e) {
				if v.IsZero() {
					v = p.quantity(r).Mul(p.unitPrice(r))
				}
				s.exact = s.exact.Add(v)
			}
		}
		addTo(&value)
		if self {
			addTo(&selfValue)
		} else {
			addTo(&platValue)
		}
		if sub {
			addTo(&subValue)
		}
	})
	h.Value = value.total()
	h.Platform.Value = platValue.total()
	h.SelfOperated.Value = selfValue.total()
	subV := subValue.total()
	h.Subsidy = subsidy.total()
	h.Conversion = share(h.Fulfilled, h.Matches)
	h.SubsidisedShare = share(h.Subsidised, h.Matches)
	h.SubsidisedValueShare = shareDec(subV, h.Value)
	h.Platform.Share = shareDec(h.Platform.Value, h.Value)
	h.SelfOperated.Share = shareDec(h.SelfOperated.Value, h.Value)

	// The cohorts: a buyer with an order in the window whose first order is in the window too.
	for _, id := range buyers {
		var r0 uint32
		var back bool
		if kept {
			if !newBuyer(id) {
				continue // an old buyer
			}
			r0, back = p.firstOrder[id], state[id]&returned != 0
		} else {
			var ok bool
			if r0, back, ok = p.cohortAsOf(id, fromN, nowN, loc); !ok {
				continue
			}
		}
		returned := back
		c := &h.OrganicBuyers
		if p.subsidised(r0) {
			c = &h.SubsidisedBuyers
			if !returned {
				h.NeverReturned = append(h.NeverReturned, b2bkit.CompanyID(p.companies.vals[id]))
			}
		}
		c.Buyers++
		if returned {
			c.Returned++
		}
	}
	slices.SortFunc(h.NeverReturned, func(a, b b2bkit.CompanyID) int { return strings.Compare(string(a), string(b)) })
	h.SubsidisedBuyers.RepeatRate = share(h.SubsidisedBuyers.Returned, h.SubsidisedBuyers.Buyers)
	h.OrganicBuyers.RepeatRate = share(h.OrganicBuyers.Returned, h.OrganicBuyers.Buyers)
	return h, nil
}

// expSums adds products of two coefficients exactly, one 128-bit sum per exponent of the product
// (from -2 x MaxDecimalPlaces to 2 x MaxDigits), and what does not fit in exact.
type expSums struct {
	sums  [2*b2bkit.MaxDecimalPlaces + 2*MaxDigits + 1]u128
	used  uint64 // the sums in use, a bit each from the lowest exponent, those above 64 in bit 63
	exact decimal.Decimal
}

const expLow = -2 * b2bkit.MaxDecimalPlaces

// add adds a x b x 10^e; false when the sum of that exponent is full.
func (s *expSums) add(a, b uint64, e int) bool {
	i := e - expLow
	if i < 0 || i >= len(s.sums) {
		return false
	}
	s.used |= 1 << min(i, 63)
	return s.sums[i].addMul(a, b)
}

// total is the sum as a decimal.
func (s *expSums) total() decimal.Decimal {
	t := s.exact
	if t.IsZero() {
		t = decimal.Zero
	}
	for i := range s.sums {
		if s.used&(1<<min(i, 63)) == 0 || s.sums[i] == (u128{}) {
			continue
		}
		t = t.Add(decimal.NewFromBigInt(s.sums[i].big(), int32(i+expLow)))
	}
	return t
}

// cohortAsOf walks a buyer's matches as they stood at now: its first order r0, whether it is in
// the window (ok), and whether the buyer came back after it.
func (p *projection) cohortAsOf(id uint32, fromN, nowN int64, loc *time.Location) (r0 uint32, returned, ok bool) {
	rows := list(p.byBuyer, id) // in time order: walked from the start, not searched
	first := -1
	for i, r := range rows {
		if p.at[r] > nowN {
			break
		}
		if p.statusAt(r, nowN).isOrder() {
			first = i
			break
		}
	}
	if first < 0 || p.at[rows[first]] < fromN {
		return 0, false, false // an old buyer
	}
	r0 = rows[first]
	day0 := b2bkit.CalendarDay(time.Unix(0, p.at[r0]).In(loc))
	for _, r := range rows[first+1:] {
		if p.at[r] > nowN {
			break
		}
		if p.statusAt(r, nowN) == Fulfilled && !p.subsidised(r) && b2bkit.CalendarDay(time.Unix(0, p.at[r]).In(loc)) > day0 {
			return r0, true, true
		}
	}
	return r0, false, true
}

func share(part, whole int) decimal.Decimal {
	return shareDec(decimal.NewFromInt(int64(part)), decimal.NewFromInt(int64(whole)))
}

func shareDec(part, whole decimal.Decimal) decimal.Decimal {
	if whole.Sign() == 0 {
		return decimal.Zero
	}
	return part.DivRound(whole, shareScale)
}
