package matching

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/pricing"
)

// A Need is one of the four needs of a B2B buyer, 多快好省 (R14): selection, speed, quality, price.
// Win on one and you don't lose; win on two and you win; chase three and you are close to death.
type Need uint8

const (
	// Selection (多): breadth of the seller's range.
	Selection Need = iota
	// Speed (快): delivering within the booking time asked.
	Speed
	// Quality (好): matches that do not fall through.
	Quality
	// Price (省): a normalised price below the reference.
	Price
)

var needWords = [...]string{Selection: "selection", Speed: "speed", Quality: "quality", Price: "price"}

// Valid reports whether n is one of the four needs.
func (n Need) Valid() bool { return int(n) < len(needWords) }

// String returns the need's word.
func (n Need) String() string {
	if !n.Valid() {
		return fmt.Sprintf("Need(%d)", int(n))
	}
	return needWords[n]
}

// MarshalText encodes the need as its word.
func (n Need) MarshalText() ([]byte, error) {
	if !n.Valid() {
		return nil, b2bkit.Invalid("need", "unknown need %d", int(n))
	}
	return []byte(needWords[n]), nil
}

// UnmarshalText decodes a need from its word.
func (n *Need) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(needWords[:], b, "need")
	*n = Need(i)
	return err
}

// MaxFocus is the most needs a focus may name (R14).
const MaxFocus = 2

// ValidateFocus checks a focus: at most two needs, known and distinct. More is the error R14 warns of.
func ValidateFocus(focus []Need) error {
	if len(focus) > MaxFocus {
		return b2bkit.Invalid("focus", "choose at most two of selection, speed, quality, price")
	}
	var errs []error
	for i, n := range focus {
		switch {
		case !n.Valid():
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("focus[%d]", i), "unknown need %d", int(n)))
		case slices.Contains(focus[:i], n):
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("focus[%d]", i), "%s named twice", n))
		}
	}
	return errors.Join(errs...)
}

// An RFQ is a buyer's request for quotation: the request, and how far back to look at sellers.
type RFQ struct {
	Request pricing.Request
	// Window is how far back the sellers' matches count; zero means Options.RankWindow.
	Window time.Duration
}

// NeedScores are a candidate's scores on the four needs, each in [0, 1], higher is better.
type NeedScores struct {
	Selection float64 `json:"selection"`
	Speed     float64 `json:"speed"`
	Quality   float64 `json:"quality"`
	Price     float64 `json:"price"`
}

func (s *NeedScores) of(n Need) *float64 {
	return [...]*float64{&s.Selection, &s.Speed, &s.Quality, &s.Price}[n]
}

// A Candidate is a seller to offer a buyer's request, with its score and the reasons for it.
type Candidate struct {
	Seller b2bkit.CompanyID `json:"seller"`
	// Mode is the seller of record of most of the seller's matches of the SKU: a third-party seller
	// or the platform itself.
	Mode Mode `json:"mode"`
	// Score is the weighted mean of the need scores: the focus needs weigh 2, the others 1.
	Score  float64    `json:"score"`
	Scores NeedScores `json:"scores"`
	// SKUs is the number of SKUs the seller matched in the window (its selection).
	SKUs int `json:"skus"`
	// MedianPrice is the nearest-rank median of the seller's fulfilled prices of the SKU, normalised
	// to the request; zero if it has none.
	MedianPrice decimal.Decimal `json:"median_price"`
	// Reasons say, need by need, why the candidate scored as it did.
	Reasons []string `json:"reasons"`
}

type sellerStats struct {
	mode           [2]int
	orders, onTime int
	prices         []int64
	exact          []decimal.Decimal // the prices, when they are beyond the integer statistics
	skus           map[b2bkit.SKU]struct{}
	decided        int // accepted, fulfilled or cancelled
	cancelled      int
}

// Rank scores the sellers that matched the request's SKU in the window on the four needs and returns
// them best first (ties by seller ID), each with reasons (R14):
//
//   - selection: SKUs the seller matched in the window, against the broadest candidate;
//   - speed: the share of the seller's orders of the SKU (accepted or fulfilled) agreed with a booking
//     time no longer than the request's, i.e. lead times like this one the seller has met;
//   - quality: one less the share of the seller's decided matches (accepted, fulfilled or
//     cancelled) that were cancelled;
//   - price: the seller's median normalised price against the reference median of all sellers:
//     0.5 at the reference, 1 at 10% or more below it, 0 at 10% or more above. A seller without
//     fulfilled trades of the SKU scores 0.5 on price, and on speed without orders of it.
//
// The focus names at most two needs as primary; three or more is an error matching
// b2bkit.ErrInvalid: "choose at most two of selection, speed, quality, price".
func (b *Book) Rank(ctx context.Context, rfq RFQ, focus []Need) ([]Candidate, error) {
	if err := ValidateFocus(focus); err != nil {
		return nil, fmt.Errorf("matching: %w", err)
	}
	r := rfq.Request
	if b.engine == nil {
		return nil, fmt.Errorf("matching: %w", b2bkit.Invalid("book.engine", "must be set"))
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("matching: %w", b2bkit.InField("rfq.request", err))
	}
	if r.Currency != "" && b.currency != "" && r.Currency != b.currency {
		return nil, fmt.Errorf("matching: %w", b2bkit.Invalid("rfq.request.currency", "must be %s, the currency of the price policy, not %q", b.currency, xerr.Echo(r.Currency)))
	}
	w := rfq.Window
	if w == 0 {
		w = b.opts.RankWindow
	}
	from, to, err := b.window("rfq.window", w)
	if err != nil {
		return nil, err
	}
	cur := r.Currency
	if cur == "" {
		cur = b.currency
	}
	lead := r.Terms.LeadDays()
	n := newNormalizer(b, r)
	var (
		sellers  map[b2bkit.CompanyID]*sellerStats
		all      []int64
		allExact []decimal.Decimal
	)
	// collect reads the SKU's matches; exact keeps the normalised prices in decimals, for prices
	// beyond the integer statistics (capital goods in VND or IDR).
	collect := func(exact bool) error {
		sellers, all, allExact = map[b2bkit.CompanyID]*sellerStats{}, nil, nil
		return b.scan(ctx, Filter{SKU: r.SKU, From: from, To: to}, func(m *Match) error {
			s := sellers[m.Seller]
			if s == nil {
				s = &sellerStats{skus: map[b2bkit.SKU]struct{}{}}
				sellers[m.Seller] = s
			}
			if m.Mode.Valid() { // a host's log might hand back anything
				s.mode[m.Mode]++
			}
			if m.Status.isOrder() {
				s.orders++
				if m.Terms.LeadDays() <= lead {
					s.onTime++
				}
			}
			if m.Status == Fulfilled && (cur == "" || m.Currency == cur) {
				if exact {
					p, err := b.engine.Normalize(m.UnitPrice, n.request(m), n.to)
					if err != nil {
						return fmt.Errorf("matching: match %s: %w", m.ID, err)
					}
					s.exact = append(s.exact, p)
					allExact = append(allExact, p)
					return nil
				}
				u, err := n.normalize(m)
				if err != nil {
					return fmt.Errorf("matching: match %s: %w", m.ID, err)
				}
				s.prices = append(s.prices, u)
				all = append(all, u)
			}
			return nil
		})
	}
	exact := false
	err = collect(exact)
	if errors.As(err, new(bigPriceError)) {
		exact = true
		err = collect(exact)
	}
	if err != nil {
		return nil, err
	}
	maxSKUs := 1
	for id, s := range sellers {
		err := b.scan(ctx, Filter{Seller: id, From: from, To: to}, func(m *Match) error {
			s.skus[m.SKU] = struct{}{}
			if m.Status != Proposed {
				s.decided++
				if m.Status == Cancelled {
					s.cancelled++
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		maxSKUs = max(maxSKUs, len(s.skus))
	}
	refMedian := decimal.Zero
	if exact && len(allExact) > 0 {
		slices.SortFunc(allExact, decimal.Decimal.Cmp)
		refMedian = allExact[nearestRank(50, len(allExact))]
	} else if len(all) > 0 {
		slices.Sort(all)
		refMedian = b2bkit.FromMinor(all[nearestRank(50, len(all))], priceScale)
	}
	weights := [4]float64{1, 1, 1, 1}
	for _, f := range focus {
		weights[f] = 2
	}
	out := make([]Candidate, 0, len(sellers))
	for id, s := range sellers {
		c := Candidate{Seller: id, SKUs: len(s.skus)}
		if s.mode[SelfOperated] > s.mode[Platform] {
			c.Mode = SelfOperated
		}
		c.Scores.Selection = float64(len(s.skus)) / float64(maxSKUs)
		reasons := [4]string{
			fmt.Sprintf("selection: %d SKUs matched in the window, the broadest candidate has %d", len(s.skus), maxSKUs),
		}
		if s.orders > 0 {
			c.Scores.Speed = float64(s.onTime) / float64(s.orders)
			reasons[Speed] = fmt.Sprintf("speed: %d of %d orders of %s agreed within %d days", s.onTime, s.orders, r.SKU, lead)
		} else {
			c.Scores.Speed = 0.5
			reasons[Speed] = fmt.Sprintf("speed: no orders of %s to judge by", r.SKU)
		}
		if s.decided > 0 {
			c.Scores.Quality = 1 - float64(s.cancelled)/float64(s.decided)
			reasons[Quality] = fmt.Sprintf("quality: %d of %d decided matches cancelled", s.cancelled, s.decided)
		} else {
			c.Scores.Quality = 0.5
			reasons[Quality] = "quality: no decided matches to judge by"
		}
		if len(s.prices)+len(s.exact) > 0 && refMedian.Sign() > 0 {
			if exact {
				slices.SortFunc(s.exact, decimal.Decimal.Cmp)
				c.MedianPrice = s.exact[nearestRank(50, len(s.exact))]
			} else {
				slices.Sort(s.prices)
				c.MedianPrice = b2bkit.FromMinor(s.prices[nearestRank(50, len(s.prices))], priceScale)
			}
			ref := refMedian
			diff := c.MedianPrice.Sub(ref).Mul(decimal.NewFromInt(100)).DivRound(ref, 2)
			c.Scores.Price = min(1, max(0, 0.5-diff.InexactFloat64()/20))
			reasons[Price] = fmt.Sprintf("price: median %s is %s%% against the reference %s", c.MedianPrice.StringFixed(2), signed(diff), ref.StringFixed(2))
		} else {
			c.Scores.Price = 0.5
			reasons[Price] = fmt.Sprintf("price: no fulfilled trades of %s to compare", r.SKU)
		}
		var sum, wsum float64
		for need := range Need(4) {
			sum += weights[need] * *c.Scores.of(need)
			wsum += weights[need]
			if weights[need] > 1 {
				reasons[need] += " (focus)"
			}
		}
		c.Score = sum / wsum
		c.Reasons = reasons[:]
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(string(a.Seller), string(b.Seller))
	})
	return out, nil
}

func signed(d decimal.Decimal) string {
	if d.Sign() > 0 {
		return "+" + d.StringFixed(2)
	}
	return d.StringFixed(2)
}
