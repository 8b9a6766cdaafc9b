package matching

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
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

// A Candidate is a seller to offer a buyer's request, with its scores and the reasons for its place.
type Candidate struct {
	Seller b2bkit.CompanyID `json:"seller"`
	// Mode is the seller of record of most of the seller's matches of the SKU: a third-party seller
	// or the platform itself.
	Mode Mode `json:"mode"`
	// Score is the weighted mean of the need scores, the focus needs weighing 2 and the others 1.
	// It orders candidates only among those no focus need tells apart (see Rank).
	Score  float64    `json:"score"`
	Scores NeedScores `json:"scores"`
	// SKUs is the number of SKUs the seller matched in the window (its selection).
	SKUs int `json:"skus"`
	// MedianPrice is the nearest-rank median of the seller's fulfilled prices of the SKU, normalised
	// to the request; zero if it has none.
	MedianPrice decimal.Decimal `json:"median_price"`
	// Reasons say, need by need (indexed by Need), why the candidate scored as it did.
	Reasons []string `json:"reasons"`
	// Placed says why the candidate comes after the one before it: clearly behind on a focus need,
	// or level on the focus needs and behind on the score.
	Placed string `json:"placed"`
}

type sellerStats struct {
	mode                   [2]int
	orders, onTime         int // orders of the SKU, and those agreed within the request's booking time
	delivered, deliveredOK int // fulfilled orders with a dated delivery, and those on or before the promised day
	prices                 []int64
	exact                  []decimal.Decimal // the prices, when they are beyond the integer statistics
	fulfilled              int               // the prices collected
	skus, decided          int
	cancelled              int
}

// Rank offers a buyer's request to the sellers that matched its SKU in the window, best first, each
// scored on the four needs with reasons (R14). The scores, each from 0 to 1:
//
//   - selection: the SKUs the seller matched in the window, against the broadest candidate;
//   - speed: where the log has delivery dates (a fulfilment recorded with SetStatus), the share of
//     the seller's fulfilled orders of the SKU delivered on or before the promised day
//     (Terms.DeliverBy), calendar days in Options.Location; without them, the share of its orders
//     agreed with a booking time no longer than the request's;
//   - quality: one less the share of the seller's decided matches (accepted, fulfilled or
//     cancelled) that were cancelled;
//   - price: the seller's median normalised price against the reference median of all sellers:
//     0.5 at the reference, 1 at 10% or more below it, 0 at 10% or more above, so 0.1 is 2% of
//     the reference. A seller without fulfilled trades of the SKU scores 0.5 on price, and on speed
//     without orders of it.
//
// Statuses are as of now. The focus names at most two needs (win on one or two, never chase all
// four); three or more is an error matching b2bkit.ErrInvalid: "choose at most two of selection,
// speed, quality, price".
//
// # The focus decides first
//
// A seller clearly ahead on a focus need is not overtaken by small gains on the others. The
// candidates are sorted on the first focus need; the best of them and every seller within
// Options.ClearLead (0.1) of it form a group, ranked before everyone clearly behind it; the rest
// form groups the same way. Within a group the second focus need decides the same way, and within
// what is left the Score, which weighs all four needs. Without a focus the Score alone decides.
// So a seller ahead of another by ClearLead or more on a focus need always ranks before it; two
// sellers closer than that on every focus need are ranked by the Score, unless a third, better
// seller draws the line between them (groups are measured from their best seller, so that the
// order stays consistent). Each candidate's Placed says which of these put it where it is.
//
// A worked example, with price the focus. The market's reference median is 100. Seller A sells at
// 90, 10% below it: price 1.0; it carries few SKUs, is slower and cancels a third of its matches:
// selection 0.2, speed 0.5, quality 0.67. Seller B sells at 102, 2% above: price 0.4, with the
// broadest range, always on time and never cancelling: 1, 1, 1. On the weighted Score B leads,
// (2x0.4 + 1 + 1 + 1)/5 = 0.76 against (2x1.0 + 0.2 + 0.5 + 0.67)/5 = 0.67, and a weighted mean
// alone would offer B first. But A is 0.6 ahead on price, far more than 0.1: A ranks first, and
// B's Placed says it is clearly behind A on price. Had A sold at 101.50, 1.5% above the reference
// (price 0.425), the two would be level on price, within 0.1 of each other, and B's better service
// would put it first on the Score.
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
	p, unlock, err := b.read(ctx, needSellers)
	if err != nil {
		return nil, err
	}
	defer unlock()
	now := b.now()
	loc := b.loc(now)
	nowN, fromN, toN := nanos(now), nanos(from), nanos(to)
	cur := r.Currency
	if cur == "" {
		cur = b.currency
	}
	curID, curKnown := uint32(0), cur == ""
	if cur != "" {
		curID, curKnown = p.currencies.lookup(cur)
	}
	lead := int16(min(r.Terms.LeadDays(), math.MaxInt16))
	skuID, ok := p.skus.lookup(string(r.SKU))
	if !ok {
		return []Candidate{}, nil
	}
	var l timeList
	if int(skuID) < len(p.bySKU) {
		l = p.bySKU[skuID]
	}
	lo, hi := p.span(l.rows, fromN, toN)
	rows, sheet := l.rows[lo:hi], l.sheet[lo:hi]
	oneCurrency := len(p.currencies.vals) == 1 // then every row is in it: no column to read
	var (
		sellers  []*sellerStats // by company: the sellers met
		ids      []uint32       // the sellers in the order met, for a deterministic walk
		all      []int64        // every seller's normalised prices, in the order met
		who      []uint32       // the seller of each of all
		allExact []decimal.Decimal
	)
	// collect reads the SKU's matches; exact keeps the normalised prices in decimals, for prices
	// beyond the integer statistics (capital goods in VND or IDR).
	sc, _ := b.rankScratch.Get().(*rankScratch)
	if sc == nil {
		sc = &rankScratch{}
	}
	defer b.rankScratch.Put(sc)
	n := newNormalizer(b, p, skuID, r, &sc.norm)
	collect := func(exact bool) error {
		sellers, ids, all, who, allExact = cleared(&sc.sellers, len(p.companies.vals)), nil, nil, nil, nil
		if !exact {
			all, who = cleared(&sc.all, len(rows))[:0], cleared(&sc.who, len(rows))[:0]
		}
		for i, row := range rows {
			sr := sheet[i]
			s := sellers[sr.seller]
			if s == nil {
				s = &sellerStats{}
				sellers[sr.seller] = s
				ids = append(ids, sr.seller)
			}
			f := p.flags[row]
			if f&flagSelf != 0 {
				s.mode[SelfOperated]++
			} else {
				s.mode[Platform]++
			}
			st := p.statusAt(row, nowN)
			if st.isOrder() {
				s.orders++
				rowLead := p.lead[row]
				if sr.terms != noTerms {
					rowLead = p.termsLead[sr.terms] // the same, without reading the column
				}
				if rowLead <= lead {
					s.onTime++
				}
				// A match appended fulfilled has no dated fulfilment: only a change gives one.
				if st == Fulfilled && Status(f&flagAppended) != Fulfilled {
					if e := p.endAt[row]; e != none {
						s.delivered++
						if b2bkit.CalendarDay(time.Unix(0, e).In(loc)) <= b2bkit.CalendarDay(time.Unix(0, p.deliver[row]).In(loc)) {
							s.deliveredOK++
						}
					}
				}
			}
			if st != Fulfilled || !curKnown || cur != "" && !oneCurrency && uint32(p.cur[row]) != curID {
				continue
			}
			if exact {
				x, err := b.engine.Normalize(p.unitPrice(row), p.request(row, r.Currency), r)
				if err != nil {
					return rowError{row, err}
				}
				s.exact = append(s.exact, x)
				allExact = append(allExact, x)
				continue
			}
			u, err := n.normalize(row, sr)
			if err != nil {
				return err
			}
			all, who = append(all, u), append(who, sr.seller)
			s.fulfilled++
		}
		return nil
	}
	exact := false
	err = collect(exact)
	if errors.As(err, new(bigPriceError)) {
		exact = true
		err = collect(exact)
	}
	if err != nil {
		var re rowError
		if errors.As(err, &re) {
			return nil, b.matchError(ctx, p, re.row, re.err)
		}
		return nil, err
	}
	// Each seller's range and reliability over all its matches of the window.
	mark := cleared(&sc.mark, len(p.skus.vals)) // the generation a SKU was last counted in
	maxSKUs := 1
	for g, id := range ids {
		s := sellers[id]
		l := &p.bySeller[id]
		lo, hi := p.span(l.rows, fromN, toN)
		asNow := nowN >= p.lastChange // the statuses as they stand are those as of now
		for i, m := range l.meta[lo:hi] {
			if mark[m.sku] != uint32(g)+1 {
				mark[m.sku] = uint32(g) + 1
				s.skus++
			}
			st := m.now
			if !asNow {
				st = p.statusAt(l.rows[lo+i], nowN)
			}
			if st != Proposed {
				s.decided++
				if st == Cancelled {
					s.cancelled++
				}
			}
		}
		maxSKUs = max(maxSKUs, s.skus)
	}
	if !exact { // each seller's prices, grouped from all into one block: s.prices is its part
		block, at := cleared(&sc.block, len(all)), 0
		for _, id := range ids {
			s := sellers[id]
			s.prices = block[at : at : at+s.fulfilled]
			at += s.fulfilled
		}
		for i, u := range all {
			s := sellers[who[i]]
			s.prices = append(s.prices, u)
		}
	}
	refMedian := decimal.Zero
	if exact && len(allExact) > 0 {
		slices.SortFunc(allExact, decimal.Decimal.Cmp)
		refMedian = allExact[nearestRank(50, len(allExact))]
	} else if len(all) > 0 {
		selectRanks(all, nearestRank(50, len(all)))
		refMedian = b2bkit.FromMinor(all[nearestRank(50, len(all))], priceScale)
	}
	weights := [4]float64{1, 1, 1, 1}
	for _, f := range focus {
		weights[f] = 2
	}
	out := make([]Candidate, 0, len(ids))
	for _, id := range ids {
		s := sellers[id]
		c := Candidate{Seller: b2bkit.CompanyID(p.companies.vals[id]), SKUs: s.skus}
		if s.mode[SelfOperated] > s.mode[Platform] {
			c.Mode = SelfOperated
		}
		c.Scores.Selection = float64(s.skus) / float64(maxSKUs)
		reasons := [4]string{
			fmt.Sprintf("selection: %d SKUs matched in the window, the broadest candidate has %d", s.skus, maxSKUs),
		}
		switch {
		case s.delivered > 0:
			c.Scores.Speed = float64(s.deliveredOK) / float64(s.delivered)
			reasons[Speed] = fmt.Sprintf("speed: %d of %d deliveries of %s on or before the promised day", s.deliveredOK, s.delivered, r.SKU)
		case s.orders > 0:
			c.Scores.Speed = float64(s.onTime) / float64(s.orders)
			reasons[Speed] = fmt.Sprintf("speed: %d of %d orders of %s agreed within %d days (no delivery dates)", s.onTime, s.orders, r.SKU, lead)
		default:
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
				k := nearestRank(50, len(s.prices))
				selectRanks(s.prices, k)
				c.MedianPrice = b2bkit.FromMinor(s.prices[k], priceScale)
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
	rankByFocus(out, focus, b.opts.ClearLead)
	return out, nil
}

// rankScratch is the memory Rank works in, kept by the book between calls: nothing of it is
// returned.
type rankScratch struct {
	norm      normMemory
	sellers   []*sellerStats
	all       []int64
	who, mark []uint32
	block     []int64
}

// cleared returns (*s)[:n], zeroed, growing *s when it is shorter, and keeps it in *s.
func cleared[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	clear(*s)
	return *s
}

// rankByFocus orders the candidates: on each focus need in turn, the best and those within lead of
// it first, as a group ordered by the next focus need, then the groups clearly behind; within the
// last groups, by Score (then seller). It sets each candidate's Placed.
func rankByFocus(cs []Candidate, focus []Need, lead float64) {
	const eps = 1e-9 // scores are fractions: 1.0 - 0.9 must count as 0.1
	byScore := func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(string(a.Seller), string(b.Seller))
	}
	var order func(cs []Candidate, level int)
	order = func(cs []Candidate, level int) {
		if level == len(focus) {
			slices.SortFunc(cs, byScore)
			for i := 1; i < len(cs); i++ {
				cs[i].Placed = fmt.Sprintf("after %s on the score, %.3f against %.3f", cs[i-1].Seller, cs[i].Score, cs[i-1].Score)
				if len(focus) > 0 {
					cs[i].Placed = fmt.Sprintf("level with %s on the focus (within %.2f) and after it on the score, %.3f against %.3f", cs[i-1].Seller, lead, cs[i].Score, cs[i-1].Score)
				}
			}
			return
		}
		need := focus[level]
		slices.SortFunc(cs, func(a, b Candidate) int {
			if c := cmp.Compare(*b.Scores.of(need), *a.Scores.of(need)); c != 0 {
				return c
			}
			return byScore(a, b)
		})
		var prevBest float64
		var prevSeller b2bkit.CompanyID
		for i := 0; i < len(cs); {
			best, bestSeller := *cs[i].Scores.of(need), cs[i].Seller
			j := i + 1
			for j < len(cs) && best-*cs[j].Scores.of(need) < lead-eps {
				j++
			}
			order(cs[i:j], level+1)
			if i > 0 {
				cs[i].Placed = fmt.Sprintf("clearly behind %s on %s (focus), %.2f against %.2f", prevSeller, need, *cs[i].Scores.of(need), prevBest)
			}
			prevBest, prevSeller = best, bestSeller
			i = j
		}
	}
	order(cs, 0)
	if len(cs) > 0 {
		cs[0].Placed = "first"
	}
}

func signed(d decimal.Decimal) string {
	if d.Sign() > 0 {
		return "+" + d.StringFixed(2)
	}
	return d.StringFixed(2)
}
