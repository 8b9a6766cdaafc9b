package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/pricing"
)

// A Reference is what a SKU has really traded at, restated to one request's quantity and terms: the
// fulfilled matches of the window, each price normalised from its own quantity and terms to the
// request's (pricing.Engine.Normalize), less what the rules left out, and their statistics.
// Percentiles are nearest-rank, so each is a normalised price of a real trade; see the package doc.
type Reference struct {
	// SKU and Request are what was asked; Currency is the currency of the prices.
	SKU      b2bkit.SKU      `json:"sku"`
	Request  pricing.Request `json:"request"`
	Currency string          `json:"currency"`
	// From and To bound the window the matches were made in.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Count is the number of fulfilled matches used; Volume their total quantity.
	Count  int             `json:"count"`
	Volume decimal.Decimal `json:"volume"`
	// Median, P25 and P75 are the nearest-rank 50th, 25th and 75th percentiles of the normalised unit
	// prices; Low and High the extremes. All are zero when Count is 0.
	Median decimal.Decimal `json:"median"`
	P25    decimal.Decimal `json:"p25"`
	P75    decimal.Decimal `json:"p75"`
	Low    decimal.Decimal `json:"low"`
	High   decimal.Decimal `json:"high"`
	// Mean is the volume-weighted mean of the normalised unit prices, sum(price x quantity) /
	// sum(quantity) — with each buyer's weight cut to Rules.MaxBuyerShare when set — rounded
	// HalfUp to Options.MeanScale places.
	Mean decimal.Decimal `json:"mean"`
	// Oldest and Newest are the times of the first and last match used, in the book's location.
	Oldest time.Time `json:"oldest"`
	Newest time.Time `json:"newest"`
	// Thin is set when Count is below Options.ThinMarket: too few trades to lean on.
	Thin bool `json:"thin"`
	// Rules are the rules applied, defaults filled in; Excluded says what each of them did.
	Rules    ReferenceRules `json:"rules"`
	Excluded Exclusions     `json:"excluded"`
}

// ReferenceRules say which fulfilled trades a reference price leaves out, and how much any one
// buyer may weigh in its mean, so that neither one odd trade nor one big buyer sets the market. The
// zero value uses every trade as it is. The rules apply in order: subsidised trades out, then
// outliers among the rest, then the cap on what is left.
type ReferenceRules struct {
	// ExcludeSubsidised leaves out the trades the platform paid for (R12): a coupon or free freight
	// moved their price.
	ExcludeSubsidised bool `json:"exclude_subsidised"`
	// Outliers names the outlier rule; K is its multiplier (zero: 1.5 for IQR, 3 for MAD).
	Outliers OutlierRule     `json:"outliers"`
	K        decimal.Decimal `json:"k"`
	// MaxBuyerShare, when above zero, caps any one buyer's share of the weight in the
	// volume-weighted mean: 0.25 means no buyer counts for more than a quarter, whatever it bought.
	// A capped buyer's trades keep their prices and weigh in together at exactly the cap; the other
	// buyers share the rest by volume. With fewer buyers than 1/MaxBuyerShare no weighting can keep
	// each under the cap, and every buyer then weighs the same. Percentiles count trades and are not
	// weighted.
	MaxBuyerShare decimal.Decimal `json:"max_buyer_share"`
}

// referenceRulesJSON is ReferenceRules as it travels in JSON.
type referenceRulesJSON struct {
	ExcludeSubsidised bool               `json:"exclude_subsidised"`
	Outliers          OutlierRule        `json:"outliers"`
	K                 b2bkit.JSONDecimal `json:"k"`
	MaxBuyerShare     b2bkit.JSONDecimal `json:"max_buyer_share"`
}

// UnmarshalJSON reads rules strictly, as configuration is read (R25): an unknown key, a key given
// twice or written in another case (each named), an unknown rule and a number in exponent form are
// errors matching b2bkit.ErrInvalid, rather than rules silently left at their zero value
// ("outlier" for "outliers" would turn outlier rejection off). It does not validate the rules;
// Validate does.
func (r *ReferenceRules) UnmarshalJSON(b []byte) error {
	var w referenceRulesJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return fmt.Errorf("matching: rules: %w", err)
	}
	*r = ReferenceRules{ExcludeSubsidised: w.ExcludeSubsidised, Outliers: w.Outliers, K: w.K.Decimal, MaxBuyerShare: w.MaxBuyerShare.Decimal}
	return nil
}

// An OutlierRule is how a reference price finds trades too far from the rest to use.
type OutlierRule uint8

const (
	// NoOutliers keeps every trade.
	NoOutliers OutlierRule = iota
	// IQR leaves out prices below P25 - K x (P75 - P25) or above P75 + K x (P75 - P25) (Tukey's
	// fences, K 1.5 by default).
	IQR
	// MAD leaves out prices further from the median than K x 1.4826 x MAD, the median absolute
	// deviation scaled to a normal distribution's standard deviation (K 3 by default).
	MAD
)

var outlierWords = [...]string{NoOutliers: "none", IQR: "iqr", MAD: "mad"}

// Valid reports whether o is a known rule.
func (o OutlierRule) Valid() bool { return int(o) < len(outlierWords) }

// String returns the rule's word: none, iqr or mad.
func (o OutlierRule) String() string {
	if !o.Valid() {
		return fmt.Sprintf("OutlierRule(%d)", int(o))
	}
	return outlierWords[o]
}

// MarshalText encodes the rule as its word.
func (o OutlierRule) MarshalText() ([]byte, error) {
	if !o.Valid() {
		return nil, b2bkit.Invalid("outliers", "unknown rule %d", int(o))
	}
	return []byte(outlierWords[o]), nil
}

// UnmarshalText decodes a rule from its word.
func (o *OutlierRule) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(outlierWords[:], b, "outliers")
	*o = OutlierRule(i)
	return err
}

// Limits of the rules' parameters.
var (
	maxK          = decimal.NewFromInt(100)
	madScale      = decimal.RequireFromString("1.4826")
	defaultIQRK   = decimal.RequireFromString("1.5")
	defaultMADK   = decimal.NewFromInt(3)
	maxRuleDigits = 9
)

// Validate reports an unknown outlier rule, a K below zero or above 100, a MaxBuyerShare below zero
// or above 1, and numbers with more than 9 significant digits (trailing zeros do not count: 2.50
// written with 20 places is 2.5), naming each field.
func (r ReferenceRules) Validate() error {
	r = r.canonical()
	var errs []error
	if !r.Outliers.Valid() {
		errs = append(errs, b2bkit.Invalid("outliers", "unknown rule %d", int(r.Outliers)))
	}
	if !ruleNumber(r.K, maxK) {
		errs = append(errs, b2bkit.Invalid("k", "must be between 0 and 100, not %s", xerr.EchoDecimal(r.K)))
	}
	if !ruleNumber(r.MaxBuyerShare, decimal.NewFromInt(1)) {
		errs = append(errs, b2bkit.Invalid("max_buyer_share", "must be between 0 and 1, not %s", xerr.EchoDecimal(r.MaxBuyerShare)))
	}
	return errors.Join(errs...)
}

// ruleNumber reports whether d, canonical, is a rule's number between 0 and max of at most
// maxRuleDigits digits and places. The digits and the exponent are read before d is compared:
// compared as written, 1e1073741824 would be scaled by a power of ten of a billion digits.
func ruleNumber(d, max decimal.Decimal) bool {
	e := d.Exponent()
	return d.NumDigits() <= maxRuleDigits && e >= -int32(maxRuleDigits) && e <= int32(maxRuleDigits) &&
		d.Sign() >= 0 && !d.GreaterThan(max)
}

// canonical is r with K and MaxBuyerShare written as the values they are: without the trailing
// zeros of their fractions, which would count against their 9 digits, and a zero as 0 however it
// is written (0e1073741824 is the default, not a number to scale).
func (r ReferenceRules) canonical() ReferenceRules {
	for _, d := range [...]*decimal.Decimal{&r.K, &r.MaxBuyerShare} {
		switch {
		case d.IsZero():
			*d = decimal.Zero
		case d.NumDigits() > maxRuleDigits || d.Exponent() < -int32(maxRuleDigits):
			*d = xerr.TrimFraction(*d)
		}
	}
	return r
}

// canonicalRequest is r with its quantity and shares written as the values they are, as
// pricing reads them.
func canonicalRequest(r pricing.Request) pricing.Request {
	canon.Set(&r.Quantity)
	r.Terms = canon.Terms(r.Terms)
	return r
}

// withDefaults fills in K for the outlier rule.
func (r ReferenceRules) withDefaults() ReferenceRules {
	if r.K.IsZero() {
		switch r.Outliers {
		case IQR:
			r.K = defaultIQRK
		case MAD:
			r.K = defaultMADK
		default:
			r.K = decimal.Zero
		}
	}
	if r.MaxBuyerShare.IsZero() {
		r.MaxBuyerShare = decimal.Zero
	}
	return r
}

// Exclusions say what each rule of a reference price did.
type Exclusions struct {
	// Subsidised is the number of trades left out because the platform subsidised them.
	Subsidised int `json:"subsidised"`
	// Outliers is the number of trades left out as outliers: priced below OutlierLow or above
	// OutlierHigh (both zero without an outlier rule, or when the spread was zero — more than half
	// the trades at one price — and the rule left nothing out).
	Outliers    int             `json:"outliers"`
	OutlierLow  decimal.Decimal `json:"outlier_low"`
	OutlierHigh decimal.Decimal `json:"outlier_high"`
	// CappedBuyers is the number of buyers whose weight in the mean was cut to the cap, and
	// CappedTrades the number of their trades, used with less weight.
	CappedBuyers int `json:"capped_buyers"`
	CappedTrades int `json:"capped_trades"`
	// EqualWeights is set when too few buyers traded for the cap, and each buyer weighed the same.
	EqualWeights bool `json:"equal_weights"`
	// TopBuyerShare is, when MaxBuyerShare is set, the largest share of the volume one buyer had
	// before the cap, rounded HalfUp to 4 places.
	TopBuyerShare decimal.Decimal `json:"top_buyer_share"`
}

// priceScale is the scale of normalised prices (pricing.AmountScale); statistics run on them as
// int64 units at this scale.
const priceScale = pricing.AmountScale

// qtyScale is the scale at which quantities are summed in int64 units; a quantity with more places
// is summed exactly in decimals instead.
const qtyScale = 6

// ReferencePrice is the reference price of sku for the request r (R11, R13) under the book's
// Options.Reference rules; see ReferencePriceWith.
func (b *Book) ReferencePrice(ctx context.Context, sku b2bkit.SKU, r pricing.Request, window time.Duration) (Reference, error) {
	if b == nil {
		return Reference{}, errNilBook
	}
	return b.ReferencePriceWith(ctx, sku, r, window, b.opts.Reference)
}

// ReferencePriceWith is the reference price of sku for the request r under the given rules: the
// fulfilled matches of sku made in the window ending now, in r's currency, each unit price restated
// to r's quantity and terms (R11: the terms set the price), less the trades the rules leave out.
// r.SKU, if set, must be sku; r.Currency, if set, must be the policy's currency (the book's); when
// neither names one, the matches are read in any currency and must agree. Errors name the field
// ("request.quantity", "request.currency", "window", "rules.k") and match b2bkit.ErrInvalid. Prices
// and volumes of any size Record accepts (below 10^24, see MaxRestatedDigits) are exact: the
// statistics run on integers while the normalised prices fit (below 900 million a unit), and
// otherwise in decimals over the same matches (capital goods priced in VND or IDR). A trade the
// engine cannot restate — the policy's adjustments take its price to zero, or a host appended it
// to the log directly beyond those bounds — fails the reference with an error naming the match.
//
// Normalising is memoised within a call on what the result depends on (the match's quantity,
// payment schedule and booking days, and its buyer or order date only when the policy has rules
// scoped by buyer or by date), so the pricing engine runs once per distinct set of terms, not once
// per match; the memo is exact (see normalizer).
func (b *Book) ReferencePriceWith(ctx context.Context, sku b2bkit.SKU, r pricing.Request, window time.Duration, rules ReferenceRules) (Reference, error) {
	if b == nil {
		return Reference{}, errNilBook
	}
	if b.engine == nil {
		return Reference{}, fmt.Errorf("matching: %w", b2bkit.Invalid("book.engine", "must be set"))
	}
	r, rules = canonicalRequest(r), rules.canonical()
	var errs []error
	if sku == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	if r.SKU == "" {
		r.SKU = sku
	} else if sku != "" && r.SKU != sku { // with no sku, "must be set" says it all
		errs = append(errs, b2bkit.Invalid("request.sku", "must be %s or empty", sku))
	}
	if err := r.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("request", err))
	}
	cur := r.Currency
	switch {
	case cur != "" && b.currency != "" && cur != b.currency:
		errs = append(errs, b2bkit.Invalid("request.currency", "must be %s, the currency of the price policy, not %q", b.currency, xerr.Echo(cur)))
	case cur == "":
		cur = b.currency
	}
	if window <= 0 {
		errs = append(errs, b2bkit.Invalid("window", "must be > 0"))
	}
	if err := rules.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("rules", err))
	}
	if len(errs) > 0 {
		return Reference{}, fmt.Errorf("matching: %w", errors.Join(errs...))
	}
	rules = rules.withDefaults()
	p, unlock, err := b.read(ctx, 0)
	if err != nil {
		return Reference{}, err
	}
	defer unlock()
	now := b.now()
	loc := b.loc(now)
	from, to, _ := b.window("window", window)
	ref := Reference{SKU: sku, Request: r, Currency: cur, From: from, To: to.Add(-time.Nanosecond), Rules: rules, Volume: decimal.Zero}
	ref.Excluded.OutlierLow, ref.Excluded.OutlierHigh, ref.Excluded.TopBuyerShare = decimal.Zero, decimal.Zero, decimal.Zero
	ref.Thin = true

	// The trades: fulfilled as of now, of the window, in the currency, not left out as subsidised.
	skuID, ok := p.skus.lookup(string(sku))
	if !ok {
		return ref, nil
	}
	var curID uint16
	anyCurrency := cur == ""
	if !anyCurrency {
		id, ok := p.currencies.lookup(cur)
		if !ok {
			return ref, nil
		}
		curID = uint16(id)
	}
	nowN := nanos(now)
	sc, _ := b.scratch.Get().(*refScratch)
	if sc == nil {
		sc = &refScratch{}
	}
	defer b.scratch.Put(sc)
	eligible := sc.eligible[:0]
	var l timeList
	if int(skuID) < len(p.bySKU) {
		l = p.bySKU[skuID]
	}
	lo, hi := p.span(l.rows, nanos(from), nanos(to))
	oneCurrency := len(p.currencies.vals) == 1 // then every row is in it: no column to read
	// Each trade is normalised as it is found, so its skuRow is read once; an error normalising
	// is kept, and answered after the walk as it would be after a first walk to find the trades.
	var (
		n       *normalizer
		normErr error
	)
	sc.startTrades()
	for i, s := range l.sheet[lo:hi] {
		row := l.rows[lo+i]
		if p.statusAt(row, nowN) != Fulfilled {
			continue
		}
		if anyCurrency { // the first trade's currency, which all must share
			anyCurrency, curID, cur = false, p.cur[row], p.currencies.vals[p.cur[row]]
			ref.Currency = cur
		} else if !oneCurrency && p.cur[row] != curID {
			if r.Currency == "" && b.currency == "" {
				return Reference{}, b.matchError(ctx, p, row, b2bkit.Invalid("request.currency", "must be set: the matches are in %s and %s", cur, p.currencies.vals[p.cur[row]]))
			}
			continue
		}
		if rules.ExcludeSubsidised && s.subsidised() {
			ref.Excluded.Subsidised++
			continue
		}
		eligible = append(eligible, row)
		if normErr == nil {
			if n == nil {
				n = newNormalizer(b, p, skuID, r, &sc.norm)
			}
			normErr = sc.addTrade(p, n, row, s)
		}
	}
	sc.eligible = eligible
	if len(eligible) == 0 {
		return ref, nil
	}
	var st *refStats
	err = normErr
	if err == nil {
		st = referenceStats(p, rules, sc)
	}
	if errors.As(err, new(bigPriceError)) || err == nil && st == nil {
		st, err = referenceExact(b, p, n, eligible, rules)
	}
	if err != nil {
		var re rowError
		if errors.As(err, &re) {
			return Reference{}, b.matchError(ctx, p, re.row, re.err)
		}
		return Reference{}, err
	}
	st.fill(&ref, p, loc, b.opts.MeanScale)
	ref.Thin = ref.Count < b.opts.ThinMarket
	return ref, nil
}

// A rowError is an error about the match of a row, named by the caller.
type rowError struct {
	row uint32
	err error
}

func (e rowError) Error() string { return e.err.Error() }
func (e rowError) Unwrap() error { return e.err }

// refStats are a reference's statistics, from either path.
type refStats struct {
	count                    int    // the trades used
	first, last              uint32 // the rows of the first and last of them, in time order
	low, p25, med, p75, high decimal.Decimal
	volume                   decimal.Decimal
	mean                     *big.Rat // in currency units, unrounded
	ex                       Exclusions
}

func (s *refStats) fill(ref *Reference, p *projection, loc *time.Location, scale int32) {
	ref.Count = s.count
	ref.Low, ref.P25, ref.Median, ref.P75, ref.High = s.low, s.p25, s.med, s.p75, s.high
	ref.Volume = s.volume
	ref.Mean = roundRat(s.mean, scale)
	ref.Oldest = time.Unix(0, p.at[s.first]).In(loc)
	ref.Newest = time.Unix(0, p.at[s.last]).In(loc)
	sub := ref.Excluded.Subsidised
	ref.Excluded = s.ex
	ref.Excluded.Subsidised = sub
}

// roundRat rounds x HalfUp (away from zero at the half) to scale places.
func roundRat(x *big.Rat, scale int32) decimal.Decimal {
	num := new(big.Int).Mul(x.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	q, m := new(big.Int).QuoRem(num, x.Denom(), new(big.Int))
	if m.Sign() != 0 && new(big.Int).Abs(new(big.Int).Lsh(m, 1)).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	return decimal.NewFromBigInt(q, -scale)
}

// refScratch is the memory a reference price works in, kept by the book between calls.
type refScratch struct {
	eligible  []uint32
	low, high int64 // the least and greatest of prices
	// sums are the volume and price x volume of the trades, summed as they are added
	sums              volumeSums
	norm              normMemory
	ts                []trade
	prices, devs, tmp []int64
	// for the buyer cap
	slot   []int32
	ws     []int64
	by     []int32 // each trade's buyer slot
	need   []bool  // the buyers whose price x volume the mean needs
	ss     []u128
	counts []int
	ids    []uint32
	capped []bool
}

// A trade is a row with its normalised price in units at priceScale and its quantity in units at
// qtyScale (-1: not exactly; the decimal is read from the row).
type trade struct {
	price, qty int64
	row, buyer uint32
}

// referenceInts computes the statistics in integers over the rows, sheet[at[i]] holding the skuRow
// of rows[i] (the window's skuRows are read in place, not copied). It
// returns nil stats, and no error, when a sum does not fit or the cap meets a quantity beyond
// qtyScale: the decimal path then decides; a bigPriceError likewise for a normalised price that
// does not fit.
func referenceInts(p *projection, n *normalizer, rows []uint32, sheet []skuRow, at []uint32, rules ReferenceRules, sc *refScratch) (*refStats, error) {
	sc.startTrades()
	for i, row := range rows {
		if err := sc.addTrade(p, n, row, sheet[at[i]]); err != nil {
			return nil, err
		}
	}
	return referenceStats(p, rules, sc), nil
}

// startTrades empties the trades and prices of sc.
func (sc *refScratch) startTrades() {
	sc.ts, sc.prices, sc.low, sc.high = sc.ts[:0], sc.prices[:0], math.MaxInt64, math.MinInt64
	sc.sums = volumeSums{}
}

// volumeSums are the volume and price x volume of trades in integers at qtyScale and
// priceScale+qtyScale; odd is set when a quantity was beyond qtyScale (the sums leave it out) and
// over when a sum did not fit.
type volumeSums struct {
	qty       int64
	sum       u128
	odd, over bool
}

// add adds a trade's price and quantity (-1: beyond qtyScale).
func (v *volumeSums) add(price, qty int64) {
	if qty < 0 {
		v.odd = true
		return
	}
	q, ok := checked.Add(v.qty, qty)
	v.qty = q
	if !ok || !v.sum.addMul(uint64(price), uint64(qty)) {
		v.over = true
	}
}

// addTrade normalises row (its skuRow s) and adds it to the trades and prices of sc.
func (sc *refScratch) addTrade(p *projection, n *normalizer, row uint32, s skuRow) error {
	u, err := n.normalize(row, s)
	if err != nil {
		return err
	}
	q := int64(-1)
	if s.terms != noTerms { // the quantity is the terms key's
		q = p.termsQty[s.terms]
	} else if u, ok := p.qtyUnits(row); ok {
		q = u
	}
	sc.ts, sc.prices = append(sc.ts, trade{u, q, row, s.buyer}), append(sc.prices, u)
	sc.low, sc.high = min(sc.low, u), max(sc.high, u)
	sc.sums.add(u, q)
	return nil
}

// referenceStats computes the statistics in integers over the trades of sc (at least one). It
// returns nil when a sum does not fit or the cap meets a quantity beyond qtyScale: the decimal
// path then decides.
func referenceStats(p *projection, rules ReferenceRules, sc *refScratch) *refStats {
	ts, prices, low, high, sums := sc.ts, sc.prices, sc.low, sc.high, sc.sums
	st := &refStats{ex: Exclusions{TopBuyerShare: decimal.Zero, OutlierLow: decimal.Zero, OutlierHigh: decimal.Zero}}
	unitsOf := func(v int64) decimal.Decimal { return decimal.New(v, -priceScale) }
	// The quartiles and median of every trade, in one selection: the outlier rule's fences are
	// drawn from them, and they are the answer when the rule leaves nothing out.
	var (
		ks [3]int
		q  [3]int64
	)
	quartiles := func() {
		n := len(prices)
		ks = [3]int{nearestRank(25, n), nearestRank(50, n), nearestRank(75, n)}
		sc.tmp = rankValuesIn(prices, low, high, ks[:], q[:], sc.tmp)
	}
	quartiles()
	if rules.Outliers != NoOutliers {
		lo, hi, ok := fences(rules, len(ts), func(want ...int) []decimal.Decimal {
			out := make([]decimal.Decimal, len(want))
			for i, k := range want { // the fences ask for nearest ranks 25, 50 and 75 only
				out[i] = unitsOf(q[slices.Index(ks[:], k)])
			}
			return out
		}, func(med decimal.Decimal, k int) decimal.Decimal {
			m := med.Shift(priceScale).IntPart()
			devs := sc.devs[:0]
			for _, v := range prices {
				devs = append(devs, absDiff(v, m))
			}
			sc.devs = devs
			var out [1]int64
			sc.tmp = rankValues(devs, []int{k}, out[:], sc.tmp)
			return unitsOf(out[0])
		})
		if ok {
			st.ex.OutlierLow, st.ex.OutlierHigh = lo, hi
			if loU, hiU := ceilUnits(lo), floorUnits(hi); low < loU || high > hiU { // some trade is out
				kept := ts[:0]
				prices = prices[:0]
				low, high = math.MaxInt64, math.MinInt64
				for _, t := range ts {
					if t.price >= loU && t.price <= hiU {
						kept = append(kept, t)
						prices = append(prices, t.price)
						low, high = min(low, t.price), max(high, t.price)
					}
				}
				st.ex.Outliers = len(ts) - len(kept)
				ts = kept
				quartiles()
				sums = volumeSums{}
				for _, t := range ts {
					sums.add(t.price, t.qty)
				}
			}
		}
	}
	st.low, st.p25, st.med, st.p75, st.high = unitsOf(low), unitsOf(q[0]), unitsOf(q[1]), unitsOf(q[2]), unitsOf(high)
	// Volume and price x volume, in integers but for quantities beyond qtyScale.
	if sums.over {
		return nil
	}
	qty, sum, odd := sums.qty, sums.sum, sums.odd
	oddSum, oddQty := decimal.Zero, decimal.Zero
	for i := 0; odd && i < len(ts); i++ {
		if t := ts[i]; t.qty < 0 {
			q := p.quantity(t.row)
			oddSum = oddSum.Add(decimal.New(t.price, -priceScale).Mul(q))
			oddQty = oddQty.Add(q)
		}
	}
	st.volume = decimal.New(qty, -qtyScale).Add(oddQty)
	total := new(big.Rat).SetFrac(sum.big(), new(big.Int).Exp(big.NewInt(10), big.NewInt(priceScale+qtyScale), nil))
	total.Add(total, oddSum.Rat())
	if rules.MaxBuyerShare.Sign() == 0 {
		if st.volume.Sign() > 0 {
			st.mean = total.Quo(total, st.volume.Rat())
		} else {
			st.mean = new(big.Rat)
		}
		st.keep(ts)
		return st
	}
	if odd {
		return nil // the cap weighs buyers in integer quantities
	}
	// Each buyer's volume, slotted by a table over the companies kept between calls (-1: no slot)
	// and cleared of this call's buyers afterwards; by, each trade's slot.
	if n := len(p.companies.vals); len(sc.slot) < n {
		for len(sc.slot) < n {
			sc.slot = append(sc.slot, -1)
		}
	}
	ws, ids, by := sc.ws[:0], sc.ids[:0], sc.by[:0]
	for _, t := range ts {
		i := sc.slot[t.buyer]
		if i < 0 {
			i = int32(len(ws))
			sc.slot[t.buyer] = i
			ws, ids = append(ws, 0), append(ids, t.buyer)
		}
		ws[i] += t.qty // cannot overflow: the total did not
		by = append(by, i)
	}
	for _, b := range ids {
		sc.slot[b] = -1
	}
	sc.ws, sc.ids, sc.by = ws, ids, by
	capped, equal := capInts(ws, qty, rules.MaxBuyerShare, sc.capped[:0])
	sc.capped = capped
	// The mean needs the capped buyers one by one (all of them with equal weights), and the top
	// share the largest (the first of equals): only their trades and price x volume are counted.
	top := slices.Index(ws, slices.Max(ws))
	need := append(sc.need[:0], make([]bool, len(ws))...)
	for i := range ws {
		need[i] = equal || capped[i] || i == top
	}
	sc.need = need
	ss, counts := append(sc.ss[:0], make([]u128, len(ws))...), append(sc.counts[:0], make([]int, len(ws))...)
	sc.ss, sc.counts = ss, counts
	for j, t := range ts {
		if i := by[j]; need[i] {
			ss[i].addMul(uint64(t.price), uint64(t.qty)) // cannot overflow: the total did not
			counts[i]++
		}
	}
	wScale := new(big.Int).Exp(big.NewInt(10), big.NewInt(qtyScale), nil)
	sScale := new(big.Int).Exp(big.NewInt(10), big.NewInt(priceScale+qtyScale), nil)
	var bs []buyerSum
	for i := range ws {
		if !need[i] {
			continue
		}
		bs = append(bs, buyerSum{trades: counts[i], capped: capped[i],
			w: new(big.Rat).SetFrac(big.NewInt(ws[i]), wScale), s: new(big.Rat).SetFrac(ss[i].big(), sScale)})
	}
	st.capMean(total, st.volume.Rat(), bs, equal, rules.MaxBuyerShare)
	st.keep(ts)
	return st
}

func (s *refStats) keep(ts []trade) {
	s.count, s.first, s.last = len(ts), ts[0].row, ts[len(ts)-1].row
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

// ceilUnits and floorUnits are a price's units at priceScale rounded up or down, clamped to int64.
func ceilUnits(d decimal.Decimal) int64 { return clampUnits(d.Shift(priceScale).Ceil()) }

func floorUnits(d decimal.Decimal) int64 { return clampUnits(d.Shift(priceScale).Floor()) }

func clampUnits(d decimal.Decimal) int64 {
	switch {
	case d.GreaterThan(decimal.NewFromInt(math.MaxInt64)):
		return math.MaxInt64
	case d.LessThan(decimal.NewFromInt(math.MinInt64)):
		return math.MinInt64
	}
	return d.IntPart()
}

// fences are the outlier rule's bounds over n prices: ranks returns the prices of the given
// nearest-rank indexes, madOf the value at index k of the absolute deviations from med. ok is false
// when the spread is zero (more than half the prices equal) and nothing is left out.
func fences(rules ReferenceRules, n int, ranks func(...int) []decimal.Decimal, madOf func(med decimal.Decimal, k int) decimal.Decimal) (lo, hi decimal.Decimal, ok bool) {
	switch rules.Outliers {
	case IQR:
		q := ranks(nearestRank(25, n), nearestRank(75, n))
		iqr := q[1].Sub(q[0])
		if iqr.Sign() == 0 {
			return decimal.Zero, decimal.Zero, false
		}
		return q[0].Sub(rules.K.Mul(iqr)), q[1].Add(rules.K.Mul(iqr)), true
	case MAD:
		med := ranks(nearestRank(50, n))[0]
		mad := madOf(med, nearestRank(50, n))
		if mad.Sign() == 0 {
			return decimal.Zero, decimal.Zero, false
		}
		spread := rules.K.Mul(madScale).Mul(mad)
		return med.Sub(spread), med.Add(spread), true
	}
	return decimal.Zero, decimal.Zero, false
}

// A buyerSum is one buyer's volume w and price x volume s over the trades kept.
type buyerSum struct {
	w, s   *big.Rat // nil for a buyer the mean does not need one by one
	trades int
	capped bool
}

// capInts decides which buyers the cap cuts: those whose volume exceeds cap x the total weight
// after cutting, found by cutting every buyer above it and recomputing until none is (each cut
// lowers the total, so a buyer cut stays cut). equal is set when the cut buyers would take all the
// weight: too few buyers for the cap.
func capInts(ws []int64, total int64, c decimal.Decimal, capped []bool) (_ []bool, equal bool) {
	cn, cd := uint64(c.Coefficient().Int64()), fastdec.Pow10(max(0, -c.Exponent())) // c = cn/cd
	if c.Exponent() > 0 {
		cn *= fastdec.Pow10(c.Exponent()) // c <= 1: only 1 can be written so
	}
	capped = append(capped[:0], make([]bool, len(ws))...)
	k, u := uint64(0), uint64(total)
	for {
		if k*cn >= cd || k == uint64(len(ws)) {
			return capped, true
		}
		// w > c x u / (1 - k c)  <=>  w (cd - k cn) > cn u
		rest := cd - k*cn
		chi, clo := bits.Mul64(cn, u)
		cut := 0
		for i, w := range ws {
			if capped[i] {
				continue
			}
			if hi, lo := bits.Mul64(uint64(w), rest); hi > chi || hi == chi && lo > clo {
				capped[i] = true
				cut++
			}
		}
		if cut == 0 {
			return capped, false
		}
		k += uint64(cut)
		u = 0
		for i, w := range ws {
			if !capped[i] {
				u += uint64(w)
			}
		}
	}
}

// capMean sets the mean with the cap: each of the k capped buyers weighs exactly c with its own
// mean s/w, the others share 1 - k c by volume, so mean = (1 - k c) x S_u / W_u + c x sum(s_i / w_i)
// over the capped buyers, S_u and W_u being the others' sums (total less the capped buyers'). With
// equal weights, mean = sum(s_i / w_i) / n. It also counts what the cap did and the top share.
func (s *refStats) capMean(total, volume *big.Rat, bs []buyerSum, equal bool, c decimal.Decimal) {
	cr := c.Rat()
	top := new(big.Rat)
	for _, b := range bs {
		if b.w != nil && b.w.Cmp(top) > 0 {
			top = b.w
		}
	}
	if volume.Sign() > 0 {
		s.ex.TopBuyerShare = roundRat(new(big.Rat).Quo(top, volume), shareScale)
	}
	if equal {
		s.ex.EqualWeights = true
		sum := new(big.Rat)
		for _, b := range bs {
			sum.Add(sum, new(big.Rat).Quo(b.s, b.w))
		}
		s.mean = sum.Quo(sum, new(big.Rat).SetInt64(int64(len(bs))))
		return
	}
	su, wu := new(big.Rat).Set(total), new(big.Rat).Set(volume)
	capped := new(big.Rat)
	k := 0
	for _, b := range bs {
		if !b.capped {
			continue
		}
		k++
		s.ex.CappedBuyers++
		s.ex.CappedTrades += b.trades
		su.Sub(su, b.s)
		wu.Sub(wu, b.w)
		capped.Add(capped, new(big.Rat).Quo(b.s, b.w))
	}
	if k == 0 {
		s.mean = total.Quo(total, volume)
		return
	}
	rest := new(big.Rat).Sub(big.NewRat(1, 1), new(big.Rat).Mul(cr, big.NewRat(int64(k), 1)))
	s.mean = new(big.Rat).Mul(rest, su.Quo(su, wu))
	s.mean.Add(s.mean, capped.Mul(capped, cr))
}

// referenceExact computes the statistics in decimals: every price normalised by the engine.
func referenceExact(b *Book, p *projection, n *normalizer, rows []uint32, rules ReferenceRules) (*refStats, error) {
	type dtrade struct {
		price, qty decimal.Decimal
		row        uint32
	}
	ts := make([]dtrade, 0, len(rows))
	for _, row := range rows {
		pr, err := b.engine.Normalize(p.unitPrice(row), p.request(row, n.to.Currency), n.to)
		if err != nil {
			return nil, rowError{row, err}
		}
		ts = append(ts, dtrade{pr, p.quantity(row), row})
	}
	st := &refStats{ex: Exclusions{TopBuyerShare: decimal.Zero}}
	sorted := func(f func(dtrade) decimal.Decimal) []decimal.Decimal {
		out := make([]decimal.Decimal, len(ts))
		for i, t := range ts {
			out[i] = f(t)
		}
		slices.SortFunc(out, decimal.Decimal.Cmp)
		return out
	}
	st.ex.OutlierLow, st.ex.OutlierHigh = decimal.Zero, decimal.Zero
	if rules.Outliers != NoOutliers {
		prices := sorted(func(t dtrade) decimal.Decimal { return t.price })
		lo, hi, ok := fences(rules, len(ts), func(ks ...int) []decimal.Decimal {
			out := make([]decimal.Decimal, len(ks))
			for i, k := range ks {
				out[i] = prices[k]
			}
			return out
		}, func(med decimal.Decimal, k int) decimal.Decimal {
			return sorted(func(t dtrade) decimal.Decimal { return t.price.Sub(med).Abs() })[k]
		})
		if ok {
			st.ex.OutlierLow, st.ex.OutlierHigh = lo, hi
			kept := ts[:0]
			for _, t := range ts {
				if t.price.Cmp(lo) >= 0 && t.price.Cmp(hi) <= 0 {
					kept = append(kept, t)
				}
			}
			st.ex.Outliers = len(ts) - len(kept)
			ts = kept
		}
	}
	prices := sorted(func(t dtrade) decimal.Decimal { return t.price })
	k := len(prices)
	st.low, st.p25, st.med, st.p75, st.high = prices[0], prices[nearestRank(25, k)], prices[nearestRank(50, k)], prices[nearestRank(75, k)], prices[k-1]
	sum, vol := decimal.Zero, decimal.Zero
	for _, t := range ts {
		sum = sum.Add(t.price.Mul(t.qty))
		vol = vol.Add(t.qty)
	}
	st.volume = vol
	st.count, st.first, st.last = len(ts), ts[0].row, ts[len(ts)-1].row
	if rules.MaxBuyerShare.Sign() == 0 {
		st.mean = new(big.Rat)
		if vol.Sign() > 0 {
			st.mean = sum.Rat().Quo(sum.Rat(), vol.Rat())
		}
		return st, nil
	}
	slot := map[uint32]int{}
	var bs []buyerSum
	var ws, ss []decimal.Decimal
	for _, t := range ts {
		i, ok := slot[p.buyer[t.row]]
		if !ok {
			i = len(bs)
			slot[p.buyer[t.row]] = i
			bs, ws, ss = append(bs, buyerSum{}), append(ws, decimal.Zero), append(ss, decimal.Zero)
		}
		ws[i] = ws[i].Add(t.qty)
		ss[i] = ss[i].Add(t.price.Mul(t.qty))
		bs[i].trades++
	}
	// The same cutting as capInts, in decimals: w (1 - k c) > c u.
	c := rules.MaxBuyerShare
	kc, u := 0, vol
	equal := false
	for {
		if decimal.NewFromInt(int64(kc)).Mul(c).Cmp(decimal.NewFromInt(1)) >= 0 || kc == len(bs) {
			equal = true
			break
		}
		rest := decimal.NewFromInt(1).Sub(decimal.NewFromInt(int64(kc)).Mul(c))
		limit := c.Mul(u)
		cut := 0
		for i := range bs {
			if !bs[i].capped && ws[i].Mul(rest).Cmp(limit) > 0 {
				bs[i].capped = true
				cut++
			}
		}
		if cut == 0 {
			break
		}
		kc += cut
		u = decimal.Zero
		for i := range bs {
			if !bs[i].capped {
				u = u.Add(ws[i])
			}
		}
	}
	for i := range bs {
		bs[i].w, bs[i].s = ws[i].Rat(), ss[i].Rat()
	}
	st.capMean(sum.Rat(), vol.Rat(), bs, equal, c)
	return st, nil
}

// A bigPriceError says a normalised price does not fit the integer statistics; ReferencePrice then
// computes in decimals.
type bigPriceError struct{ price decimal.Decimal }

func (e bigPriceError) Error() string { return e.Unwrap().Error() }

// Unwrap makes the error match b2bkit.ErrInvalid where a caller without a decimal path sees it.
func (e bigPriceError) Unwrap() error {
	return b2bkit.Invalid("unit_price", "normalised price %s out of range for the statistics", e.price)
}

// nearestRank is the 0-based index of the nearest-rank p-th percentile of n sorted values:
// rank ceil(p/100 x n), at least 1.
func nearestRank(p, n int) int {
	r := (p*n + 99) / 100
	return max(r, 1) - 1
}

// u128 is an unsigned 128-bit accumulator for sums of price x quantity units.
type u128 struct{ hi, lo uint64 }

func (a *u128) addMul(x, y uint64) bool {
	hi, lo := bits.Mul64(x, y)
	var c uint64
	a.lo, c = bits.Add64(a.lo, lo, 0)
	a.hi, c = bits.Add64(a.hi, hi, c)
	return c == 0
}

func (a u128) big() *big.Int {
	x := new(big.Int).SetUint64(a.hi)
	x.Lsh(x, 64)
	return x.Or(x, new(big.Int).SetUint64(a.lo))
}
