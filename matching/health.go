package matching

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
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

	// Subsidised counts the matches the platform paid for; SubsidisedShare is their share of the
	// matches, SubsidisedValueShare of the value; Subsidy is what the platform paid.
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
	p, unlock, err := b.read(ctx)
	if err != nil {
		return Health{}, err
	}
	defer unlock()
	h := Health{From: from, To: to.Add(-time.Nanosecond), Currency: b.currency, Value: decimal.Zero, Subsidy: decimal.Zero}
	h.Platform.Value, h.SelfOperated.Value = decimal.Zero, decimal.Zero
	loc := b.loc(h.To)
	nowN, fromN := nanos(h.To), nanos(from)
	rows := p.within(p.order.rows, fromN, nowN+1)
	curID, known := uint16(0), true
	switch {
	case h.Currency != "":
		id, ok := p.currencies.lookup(h.Currency)
		curID, known = uint16(id), ok
	case len(rows) > 0:
		curID = p.cur[rows[0]]
		h.Currency = p.currencies.vals[curID]
	}
	// Sums in integers: values in units at 2 x qtyScale (quantity x price), subsidies at qtyScale;
	// amounts that do not fit are added in decimals.
	var (
		value, subValue, platValue, selfValue u128
		subsidy                               int64
		exact                                 struct{ value, subValue, platValue, selfValue, subsidy decimal.Decimal }
		seen                                  = make([]bool, len(p.companies.vals))
		buyers                                []uint32
	)
	addValue := func(acc *u128, ex *decimal.Decimal, r uint32, qu, pu int64, fits bool) {
		if fits && acc.addMul(uint64(qu), uint64(pu)) {
			return
		}
		*ex = ex.Add(p.quantity(r).Mul(p.unitPrice(r)))
	}
	for _, r := range rows {
		st := p.statusAt(r, nowN)
		if st.isOrder() && !seen[p.buyer[r]] {
			seen[p.buyer[r]] = true
			buyers = append(buyers, p.buyer[r])
		}
		h.Matches++
		switch st {
		case Fulfilled:
			h.Fulfilled++
		case Cancelled:
			h.Cancelled++
		}
		self := p.flags[r]&flagSelf != 0
		if self {
			h.SelfOperated.Matches++
		} else {
			h.Platform.Matches++
		}
		sameCurrency := known && p.cur[r] == curID
		sub := p.subsidised(r)
		if sub {
			h.Subsidised++
			if sameCurrency {
				u, ok := units(p.subC[r], p.subE[r], qtyScale)
				if ok = ok && p.flags[r]&flagOddSub == 0; ok {
					var sum int64
					if sum, ok = checked.Add(subsidy, u); ok {
						subsidy = sum
					}
				}
				if !ok {
					exact.subsidy = exact.subsidy.Add(p.subsidy(r))
				}
			}
		}
		if st == Cancelled || !sameCurrency {
			continue
		}
		qu, okQ := p.qtyUnits(r)
		pu, okP := int64(0), false
		if p.flags[r]&flagOddPrice == 0 {
			pu, okP = units(p.priceC[r], p.priceE[r], qtyScale)
		}
		fits := okQ && okP
		addValue(&value, &exact.value, r, qu, pu, fits)
		if self {
			addValue(&selfValue, &exact.selfValue, r, qu, pu, fits)
		} else {
			addValue(&platValue, &exact.platValue, r, qu, pu, fits)
		}
		if sub {
			addValue(&subValue, &exact.subValue, r, qu, pu, fits)
		}
	}
	toDec := func(a u128, ex decimal.Decimal) decimal.Decimal {
		return decimal.NewFromBigInt(a.big(), -2*qtyScale).Add(ex)
	}
	h.Value = toDec(value, exact.value)
	h.Platform.Value = toDec(platValue, exact.platValue)
	h.SelfOperated.Value = toDec(selfValue, exact.selfValue)
	subV := toDec(subValue, exact.subValue)
	h.Subsidy = decimal.New(subsidy, -qtyScale).Add(exact.subsidy)
	h.Conversion = share(h.Fulfilled, h.Matches)
	h.SubsidisedShare = share(h.Subsidised, h.Matches)
	h.SubsidisedValueShare = shareDec(subV, h.Value)
	h.Platform.Share = shareDec(h.Platform.Value, h.Value)
	h.SelfOperated.Share = shareDec(h.SelfOperated.Value, h.Value)

	// The cohorts: a buyer with an order in the window whose first order is in the window too.
	for _, id := range buyers {
		rows := p.within(list(p.byBuyer, id), math.MinInt64, nowN+1)
		first := -1
		for i, r := range rows {
			if p.statusAt(r, nowN).isOrder() {
				first = i
				break
			}
		}
		if first < 0 || p.at[rows[first]] < fromN {
			continue // an old buyer
		}
		r0 := rows[first]
		day0 := b2bkit.CalendarDay(time.Unix(0, p.at[r0]).In(loc))
		returned := false
		for _, r := range rows[first+1:] {
			if p.statusAt(r, nowN) == Fulfilled && !p.subsidised(r) && b2bkit.CalendarDay(time.Unix(0, p.at[r]).In(loc)) > day0 {
				returned = true
				break
			}
		}
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

func share(part, whole int) decimal.Decimal {
	return shareDec(decimal.NewFromInt(int64(part)), decimal.NewFromInt(int64(whole)))
}

func shareDec(part, whole decimal.Decimal) decimal.Decimal {
	if whole.Sign() == 0 {
		return decimal.Zero
	}
	return part.DivRound(whole, shareScale)
}
