package clv

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
)

// RankOptions tune Rank. Nil or the zero value means the defaults.
type RankOptions struct {
	// Value is the horizon and discounting of each account's value.
	Value ValueOptions
	// AliveBelow is the probability alive under which a silent account is flagged; zero means 0.5.
	AliveBelow float64
	// Gaps is how many of its own average purchase gaps an account must have been silent to be
	// flagged; zero means 2: an account that bought every two weeks and has not bought for a month.
	Gaps float64
}

func (o *RankOptions) resolve() (alive, gaps float64, err error) {
	alive, gaps = 0.5, 2
	if o == nil {
		return alive, gaps, nil
	}
	if o.AliveBelow != 0 {
		alive = o.AliveBelow
	}
	if o.Gaps != 0 {
		gaps = o.Gaps
	}
	if !(alive > 0 && alive <= 1) {
		return 0, 0, b2bkit.Invalid("options.alive_below", "must be in (0, 1], got %v", o.AliveBelow)
	}
	if !(gaps > 0) || math.IsInf(gaps, 0) {
		return 0, 0, b2bkit.Invalid("options.gaps", "must be a finite number > 0, got %v", o.Gaps)
	}
	return alive, gaps, nil
}

// An Account is one hand-off account as the service team sees it: how likely it is still buying,
// what it is expected to bring, and whether it is slipping away unnoticed.
type Account struct {
	// HandOff is the account as the campaign handed it over.
	HandOff funnel.HandOff `json:"hand_off"`
	// Scored is false for an account with no purchase in the calibration period (opened, never
	// bought): the models know nothing of it, and it is ranked last with a zero Value.
	Scored bool `json:"scored"`
	// History is the account's purchase history at the end of calibration.
	History History `json:"history"`
	// Value is its probability alive, expected purchases, spend and lifetime value.
	Value Value `json:"value"`
	// Gaps is how long the account has been silent since its last purchase, counted in its own
	// average gap between purchases (recency / frequency); 0 without a repeat purchase, which gives
	// no rhythm to measure by.
	Gaps float64 `json:"gaps"`
	// SilentChurn flags an account at risk of silent churn (沉默流失): its probability alive is below
	// RankOptions.AliveBelow while its own rhythm says it should have bought (Gaps at least
	// RankOptions.Gaps). Nobody complained and nobody cancelled; it just stopped ordering.
	SilentChurn bool `json:"silent_churn"`
}

// Rank scores the accounts a campaign hands to the service team (R9; funnel.Report.HandOff) with
// the model, from their histories in s, and ranks them by lifetime value, then probability alive,
// then company: the accounts to work first come first. Accounts without a history in s come last,
// unscored. It fails with an error matching b2bkit.ErrInvalid when s and the model are in different
// units, an account appears twice, or a history or the model is wrong.
func Rank(accounts []funnel.HandOff, s Summary, m Model, o *RankOptions) ([]Account, error) {
	aliveBelow, gaps, err := o.resolve()
	if err != nil {
		return nil, fmt.Errorf("clv: rank: %w", err)
	}
	var vo *ValueOptions
	if o != nil {
		vo = &o.Value
	}
	if err := m.Purchases.Validate(); err != nil {
		return nil, fmt.Errorf("clv: rank: %w", err)
	}
	if err := m.Spend.Validate(); err != nil {
		return nil, fmt.Errorf("clv: rank: %w", err)
	}
	if s.Unit != m.Purchases.Unit {
		return nil, fmt.Errorf("clv: rank: %w", b2bkit.Invalid("summary.unit",
			"the histories are in %v, the model in %v", s.Unit, m.Purchases.Unit))
	}
	byID := make(map[b2bkit.CompanyID]int, len(s.Customers))
	for i, c := range s.Customers {
		byID[c.ID] = i
	}
	seen := make(map[b2bkit.CompanyID]bool, len(accounts))
	out := make([]Account, 0, len(accounts))
	for i, h := range accounts {
		if seen[h.Company] {
			return nil, fmt.Errorf("clv: rank: %w", b2bkit.Invalid(fmt.Sprintf("accounts[%d].company", i),
				"%s handed off twice", quote(string(h.Company))))
		}
		seen[h.Company] = true
		a := Account{HandOff: h}
		k, ok := byID[h.Company]
		if ok {
			c := s.Customers[k]
			v, err := m.Value(c, vo)
			if err != nil {
				return nil, fmt.Errorf("clv: rank: account %s: %w", quote(string(h.Company)), err)
			}
			a.Scored, a.History, a.Value = true, c.History, v
			if c.Frequency > 0 && c.Recency > 0 {
				a.Gaps = (c.T - c.Recency) / (c.Recency / float64(c.Frequency))
			}
			a.SilentChurn = v.Alive < aliveBelow && a.Gaps >= gaps
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Account) int {
		if a.Scored != b.Scored {
			if a.Scored {
				return -1
			}
			return 1
		}
		return cmp.Or(b.Value.Lifetime.Cmp(a.Value.Lifetime), cmp.Compare(b.Value.Alive, a.Value.Alive),
			cmp.Compare(a.HandOff.Company, b.HandOff.Company))
	})
	return out, nil
}
