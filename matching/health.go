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

type buyerStart struct {
	first      int // day of the first order
	subsidised bool
	inWindow   bool
	returned   bool
}

// Health reports on the matches made in the window ending now; a buyer's first order is looked for
// in the whole log, so only buyers new in the window form the cohorts.
func (b *Book) Health(ctx context.Context, window time.Duration) (Health, error) {
	from, to, err := b.window("window", window)
	if err != nil {
		return Health{}, err
	}
	h := Health{From: from, To: to.Add(-time.Nanosecond), Currency: b.currency, Value: decimal.Zero, Subsidy: decimal.Zero}
	h.Platform.Value, h.SelfOperated.Value = decimal.Zero, decimal.Zero
	subValue := decimal.Zero
	buyers := map[b2bkit.CompanyID]*buyerStart{}
	loc := b.loc(h.To)
	err = b.scan(ctx, Filter{To: to}, func(m *Match) error {
		day := b2bkit.CalendarDay(m.At.In(loc))
		if m.Status.isOrder() {
			s, seen := buyers[m.Buyer]
			if !seen {
				buyers[m.Buyer] = &buyerStart{first: day, subsidised: m.IsSubsidised(), inWindow: !m.At.Before(from)}
			} else if day > s.first && m.Status == Fulfilled && !m.IsSubsidised() {
				s.returned = true
			}
		}
		if m.At.Before(from) {
			return nil
		}
		h.Matches++
		switch m.Status {
		case Fulfilled:
			h.Fulfilled++
		case Cancelled:
			h.Cancelled++
		}
		ms := &h.Platform
		if m.Mode == SelfOperated {
			ms = &h.SelfOperated
		}
		ms.Matches++
		if h.Currency == "" {
			h.Currency = m.Currency
		}
		sameCurrency := m.Currency == h.Currency
		if m.IsSubsidised() {
			h.Subsidised++
			if sameCurrency {
				h.Subsidy = h.Subsidy.Add(m.Subsidy)
			}
		}
		if m.Status == Cancelled || !sameCurrency {
			return nil
		}
		v := m.Value()
		h.Value = h.Value.Add(v)
		ms.Value = ms.Value.Add(v)
		if m.IsSubsidised() {
			subValue = subValue.Add(v)
		}
		return nil
	})
	if err != nil {
		return Health{}, err
	}
	h.Conversion = share(h.Fulfilled, h.Matches)
	h.SubsidisedShare = share(h.Subsidised, h.Matches)
	h.SubsidisedValueShare = shareDec(subValue, h.Value)
	h.Platform.Share = shareDec(h.Platform.Value, h.Value)
	h.SelfOperated.Share = shareDec(h.SelfOperated.Value, h.Value)
	for id, s := range buyers {
		if !s.inWindow {
			continue
		}
		c := &h.OrganicBuyers
		if s.subsidised {
			c = &h.SubsidisedBuyers
			if !s.returned {
				h.NeverReturned = append(h.NeverReturned, id)
			}
		}
		c.Buyers++
		if s.returned {
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
