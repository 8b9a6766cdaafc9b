package matching

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
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
	r := canonicalRequest(rfq.Request)
	if b == nil {
		return nil, errNilBook
	}
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
	asNow := nowN >= p.lastChange              // the statuses as they stand are those as of now
	var (
		stats    []sellerStats // the sellers met, in the order met
		ids      []uint32      // their companies, for a deterministic walk
		all      []int64       // every seller's normalised prices, in the order met
		who      []uint32      // the seller (its place in stats) of each of all
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
	// slot is, by company, its place in stats, or -1: a table kept between calls, every entry -1
	// again once a call is done.
	for len(sc.slot) < len(p.companies.vals) {
		sc.slot = append(sc.slot, -1)
	}
	slot := sc.slot
	unslot := func() {
		for _, id := range ids {
			slot[id] = -1
		}
	}
	defer func() {
		unslot()
		sc.stats = stats[:0]
	}()
	days := dayClock{loc: loc}
	collect := func(exact bool) error {
		unslot()
		stats, ids, all, who, allExact = sc.stats[:0], sc.ids[:0], nil, nil, nil
		if !exact {
			all, who = sc.all[:0], sc.who[:0]
		}
		defer func() { sc.ids, sc.all, sc.who = ids, all, who }()
		for i, row := range rows {
			sr := sheet[i]
			k := slot[sr.seller]
			if k < 0 {
				k = int32(len(stats))
				slot[sr.seller] = k
				stats = append(stats, sellerStats{})
				ids = append(ids, sr.seller)
			}
			s := &stats[k]
			f := p.flags[row]
			if f&flagSelf != 0 {
				s.mode[SelfOperated]++
			} else {
				s.mode[Platform]++
			}
			st := p.statusAt(row, nowN)
			if st.isOrder() {
				s.orders++
				var rowLead int16
				if sr.terms != noTerms {
					rowLead = p.termsLead[sr.terms] // the same, without reading the column
				} else {
					rowLead = p.lead[row]
				}
				s.onTime += one(rowLead <= lead) // added, not branched on: the lead times follow no pattern
				// A match appended fulfilled has no dated fulfilment: only a change gives one.
				if st == Fulfilled && Status(f&flagAppended) != Fulfilled {
					if e := p.endAt[row]; e != none {
						s.delivered++
						if days.of(e) <= days.of(p.deliver[row]) {
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
			all, who = append(all, u), append(who, uint32(k))
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
		s := &stats[g]
		l := &p.bySeller[id]
		lo, hi := p.span(l.rows, fromN, toN)
		gen := uint32(g) + 1
		// The counts are added rather than branched on: whether a row's SKU is new, or its match
		// decided, follows no pattern a branch predictor could learn.
		var skus, decided, cancelled int
		var byStatus [4]int // the rows by status
		if asNow {
			for _, m := range l.meta[lo:hi] {
				sku := m.sku()
				skus += one(mark[sku] != gen)
				mark[sku] = gen
				byStatus[m.now()]++
			}
		} else {
			for i, m := range l.meta[lo:hi] {
				sku := m.sku()
				skus += one(mark[sku] != gen)
				mark[sku] = gen
				byStatus[p.statusAt(l.rows[lo+i], nowN)]++
			}
		}
		decided = byStatus[Accepted] + byStatus[Fulfilled] + byStatus[Cancelled]
		cancelled = byStatus[Cancelled]
		s.skus, s.decided, s.cancelled = skus, decided, cancelled
		maxSKUs = max(maxSKUs, s.skus)
	}
	if !exact { // each seller's prices, grouped from all into one block: s.prices is its part
		block, at := cleared(&sc.block, len(all)), 0
		for g := range stats {
			s := &stats[g]
			s.prices = block[at : at : at+s.fulfilled]
			at += s.fulfilled
		}
		for i, u := range all {
			s := &stats[who[i]]
			s.prices = append(s.prices, u)
		}
	}
	refMedian, refUnits := decimal.Zero, int64(0) // refUnits: the median in units, on the integer path
	if exact && len(allExact) > 0 {
		slices.SortFunc(allExact, decimal.Decimal.Cmp)
		refMedian = allExact[nearestRank(50, len(allExact))]
	} else if len(all) > 0 {
		var med [1]int64
		sc.tmp = rankValues(all, []int{nearestRank(50, len(all))}, med[:], sc.tmp)
		refMedian, refUnits = b2bkit.FromMinor(med[0], priceScale), med[0]
	}
	weights := [4]float64{1, 1, 1, 1}
	for _, f := range focus {
		weights[f] = 2
	}
	out := make([]Candidate, 0, len(ids))
	reasonsOf := make([]string, 4*len(ids)) // every candidate's four reasons, cut from one block
	refText := ref2(refMedian)
	buf := sc.text[:0]
	for g, id := range ids {
		s := &stats[g]
		c := Candidate{Seller: b2bkit.CompanyID(p.companies.vals[id]), SKUs: s.skus}
		if s.mode[SelfOperated] > s.mode[Platform] {
			c.Mode = SelfOperated
		}
		c.Scores.Selection = float64(s.skus) / float64(maxSKUs)
		// The reasons are written one after another into buf, ends[need] marking where each ends.
		var ends [4]int
		buf = buf[:0]
		buf = append(buf, "selection: "...)
		buf = strconv.AppendInt(buf, int64(s.skus), 10)
		buf = append(buf, " SKUs matched in the window, the broadest candidate has "...)
		buf = strconv.AppendInt(buf, int64(maxSKUs), 10)
		buf = focusNote(buf, weights[Selection])
		ends[Selection] = len(buf)
		switch {
		case s.delivered > 0:
			c.Scores.Speed = float64(s.deliveredOK) / float64(s.delivered)
			buf = appendShare(buf, "speed: ", s.deliveredOK, s.delivered, " deliveries of ")
			buf = append(buf, r.SKU...)
			buf = append(buf, " on or before the promised day"...)
		case s.orders > 0:
			c.Scores.Speed = float64(s.onTime) / float64(s.orders)
			buf = appendShare(buf, "speed: ", s.onTime, s.orders, " orders of ")
			buf = append(buf, r.SKU...)
			buf = append(buf, " agreed within "...)
			buf = strconv.AppendInt(buf, int64(lead), 10)
			buf = append(buf, " days (no delivery dates)"...)
		default:
			c.Scores.Speed = 0.5
			buf = append(buf, "speed: no orders of "...)
			buf = append(buf, r.SKU...)
			buf = append(buf, " to judge by"...)
		}
		buf = focusNote(buf, weights[Speed])
		ends[Speed] = len(buf)
		if s.decided > 0 {
			c.Scores.Quality = 1 - float64(s.cancelled)/float64(s.decided)
			buf = appendShare(buf, "quality: ", s.cancelled, s.decided, " decided matches cancelled")
		} else {
			c.Scores.Quality = 0.5
			buf = append(buf, "quality: no decided matches to judge by"...)
		}
		buf = focusNote(buf, weights[Quality])
		ends[Quality] = len(buf)
		if len(s.prices)+len(s.exact) > 0 && refMedian.Sign() > 0 {
			var medText, diffText string
			var diff float64
			if exact {
				slices.SortFunc(s.exact, decimal.Decimal.Cmp)
				c.MedianPrice = s.exact[nearestRank(50, len(s.exact))]
				d := priceDiff(c.MedianPrice, refMedian)
				medText, diffText, diff = c.MedianPrice.StringFixed(2), signed(d), d.InexactFloat64()
			} else {
				k := nearestRank(50, len(s.prices))
				selectRanks(s.prices, k)
				c.MedianPrice = b2bkit.FromMinor(s.prices[k], priceScale)
				medText = string(appendUnits2(nil, s.prices[k]))
				q, ok := priceDiffUnits(s.prices[k], refUnits)
				if ok {
					diffText, diff = string(appendSigned2(nil, q)), float64(q)/100
				} else {
					d := priceDiff(c.MedianPrice, refMedian)
					diffText, diff = signed(d), d.InexactFloat64()
				}
			}
			c.Scores.Price = min(1, max(0, 0.5-diff/20))
			buf = append(buf, "price: median "...)
			buf = append(buf, medText...)
			buf = append(buf, " is "...)
			buf = append(buf, diffText...)
			buf = append(buf, "% against the reference "...)
			buf = append(buf, refText...)
		} else {
			c.Scores.Price = 0.5
			buf = append(buf, "price: no fulfilled trades of "...)
			buf = append(buf, r.SKU...)
			buf = append(buf, " to compare"...)
		}
		buf = focusNote(buf, weights[Price])
		ends[Price] = len(buf)
		var sum, wsum float64
		for need := range Need(4) {
			sum += weights[need] * *c.Scores.of(need)
			wsum += weights[need]
		}
		c.Score = sum / wsum
		text, rs := string(buf), reasonsOf[4*g:4*g+4:4*g+4]
		start := 0
		for need, end := range ends {
			rs[need] = text[start:end]
			start = end
		}
		c.Reasons = rs
		out = append(out, c)
	}
	sc.text = buf
	rankByFocus(out, focus, b.opts.ClearLead)
	return out, nil
}

// rankScratch is the memory Rank works in, kept by the book between calls: nothing of it is
// returned.
type rankScratch struct {
	norm           normMemory
	slot           []int32
	stats          []sellerStats
	ids, who, mark []uint32
	all, block     []int64
	tmp            []int64
	text           []byte
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
				var b []byte
				if len(focus) > 0 {
					b = append(b, "level with "...)
					b = append(b, cs[i-1].Seller...)
					b = append(b, " on the focus (within "...)
					b = strconv.AppendFloat(b, lead, 'f', 2, 64)
					b = append(b, ") and after it on the score, "...)
				} else {
					b = append(b, "after "...)
					b = append(b, cs[i-1].Seller...)
					b = append(b, " on the score, "...)
				}
				b = strconv.AppendFloat(b, cs[i].Score, 'f', 3, 64)
				b = append(b, " against "...)
				b = strconv.AppendFloat(b, cs[i-1].Score, 'f', 3, 64)
				cs[i].Placed = string(b)
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
				b := append([]byte("clearly behind "), prevSeller...)
				b = append(b, " on "...)
				b = append(b, need.String()...)
				b = append(b, " (focus), "...)
				b = strconv.AppendFloat(b, *cs[i].Scores.of(need), 'f', 2, 64)
				b = append(b, " against "...)
				b = strconv.AppendFloat(b, prevBest, 'f', 2, 64)
				cs[i].Placed = string(b)
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

// A dayClock tells the calendar day in loc of times in nanoseconds, as b2bkit.CalendarDay does,
// remembering the zone period (a stretch of one UTC offset) of the last time it looked up: a run of
// times in one period, as the deliveries of a window are, costs no look-up of the zone.
type dayClock struct {
	loc        *time.Location
	start, end int64 // the period, in seconds since the epoch: [start, end)
	offset     int64 // its offset in seconds
	known      bool
}

// of is the calendar day of t nanoseconds in the clock's location.
func (d *dayClock) of(t int64) int {
	sec := t / 1e9
	if t%1e9 < 0 {
		sec-- // floor, as time.Time.Unix gives
	}
	if !d.known || sec < d.start || sec >= d.end {
		at := time.Unix(0, t).In(d.loc)
		_, off := at.Zone()
		from, to := at.ZoneBounds()
		d.start, d.end, d.offset, d.known = math.MinInt64, math.MaxInt64, int64(off), true
		if !from.IsZero() {
			d.start = from.Unix()
		}
		if !to.IsZero() {
			d.end = to.Unix()
		}
	}
	secs := sec + d.offset
	day := secs / 86400
	if secs%86400 < 0 {
		day--
	}
	return int(day)
}

// one is 1 if b, else 0.
func one(b bool) int {
	if b {
		return 1
	}
	return 0
}

// focusNote marks a focus need's reason: its weight is above 1.
func focusNote(b []byte, weight float64) []byte {
	if weight > 1 {
		b = append(b, " (focus)"...)
	}
	return b
}

// appendShare writes a reason's "<need>: n of total<what>" into b.
func appendShare(b []byte, need string, n, total int, what string) []byte {
	b = append(b, need...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " of "...)
	b = strconv.AppendInt(b, int64(total), 10)
	return append(b, what...)
}

// ref2 is a price with two places, as reasons show it.
func ref2(d decimal.Decimal) string { return d.StringFixed(2) }

// hundred is 100 as a decimal.
var hundred = decimal.NewFromInt(100)

// priceDiff is how far med lies from ref, in percent of ref, rounded to two places.
func priceDiff(med, ref decimal.Decimal) decimal.Decimal {
	return med.Sub(ref).Mul(hundred).DivRound(ref, 2)
}

// priceDiffUnits is priceDiff for prices in units at priceScale, ref > 0, in hundredths of a percent:
// (med - ref) x 10,000 / ref rounded half away from zero, as DivRound rounds. ok is false when it
// does not fit.
func priceDiffUnits(med, ref int64) (q int64, ok bool) {
	if ref <= 0 || med <= 0 {
		return 0, false
	}
	neg := med < ref
	d := uint64(med - ref) // both positive: the difference fits
	if neg {
		d = uint64(ref - med)
	}
	hi, lo := bits.Mul64(d, 10_000)
	if hi >= uint64(ref) {
		return 0, false
	}
	u, rem := bits.Div64(hi, lo, uint64(ref))
	if rem >= uint64(ref)-rem { // 2 rem >= ref: the half and above round away from zero
		u++
	}
	if u >= 1<<53 { // beyond where float64(q)/100 is InexactFloat64's value
		return 0, false
	}
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

// appendSigned2 appends q hundredths as signed writes them: a plus before a positive number, two
// places.
func appendSigned2(b []byte, q int64) []byte {
	switch {
	case q > 0:
		b = append(b, '+')
	case q < 0:
		b = append(b, '-')
	}
	a := uint64(q)
	if q < 0 {
		a = -a
	}
	return appendHundredths(b, a)
}

// appendUnits2 appends a price of u >= 0 units at priceScale as StringFixed(2) writes it: rounded
// half away from zero to two places.
func appendUnits2(b []byte, u int64) []byte {
	const toHundredths = 100_000_000 // priceScale is 10 places
	return appendHundredths(b, uint64(u)/toHundredths+(uint64(u)%toHundredths)/(toHundredths/2))
}

// appendHundredths appends a hundredths as a number with two places.
func appendHundredths(b []byte, a uint64) []byte {
	b = strconv.AppendUint(b, a/100, 10)
	return append(b, '.', byte('0'+a%100/10), byte('0'+a%10))
}

func signed(d decimal.Decimal) string {
	if d.Sign() > 0 {
		return "+" + d.StringFixed(2)
	}
	return d.StringFixed(2)
}
