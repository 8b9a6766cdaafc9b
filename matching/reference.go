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
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/pricing"
)

// A Reference is what a SKU has really traded at, restated to one request's quantity and terms: the
// fulfilled matches of the window, each price normalised from its own quantity and terms to the
// request's (pricing.Engine.Normalize), and their statistics. Percentiles are nearest-rank, so each
// is a normalised price of a real trade; see the package doc.
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
	// sum(quantity), rounded HalfUp to Options.MeanScale places.
	Mean decimal.Decimal `json:"mean"`
	// Oldest and Newest are the times of the first and last match used.
	Oldest time.Time `json:"oldest"`
	Newest time.Time `json:"newest"`
	// Thin is set when Count is below Options.ThinMarket: too few trades to lean on.
	Thin bool `json:"thin"`
}

// priceScale is the scale of normalised prices (pricing.AmountScale); statistics run on them as
// int64 units at this scale.
const priceScale = pricing.AmountScale

// qtyScale is the scale at which quantities are summed in int64 units; a quantity with more places
// is summed exactly in decimals instead.
const qtyScale = 6

// ReferencePrice is the reference price of sku for the request r (R13): the fulfilled matches of sku
// made in the window ending now, in r's currency, each unit price restated to r's quantity and
// terms. r.SKU, if set, must be sku; r.Currency, if set, must be the policy's currency (the book's);
// when neither names one, the matches are read in any currency and must agree. Errors name the field
// ("request.quantity", "request.currency", "window") and match b2bkit.ErrInvalid. Prices and volumes
// of any size the log accepts are exact: the statistics run on integers while the normalised prices
// fit (below 900 million a unit), and otherwise in decimals over the same matches (capital goods
// priced in VND or IDR).
//
// Normalising is memoised within a call on what the result depends on (the match's quantity,
// payment schedule and booking days, and its buyer or order date only when the policy has rules
// scoped by buyer or by date), so the pricing engine runs once per distinct set of terms, not once
// per match; the memo is exact (see normalizer).
func (b *Book) ReferencePrice(ctx context.Context, sku b2bkit.SKU, r pricing.Request, window time.Duration) (Reference, error) {
	if b.engine == nil {
		return Reference{}, fmt.Errorf("matching: %w", b2bkit.Invalid("book.engine", "must be set"))
	}
	var errs []error
	if sku == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	if r.SKU == "" {
		r.SKU = sku
	} else if r.SKU != sku {
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
	if len(errs) > 0 {
		return Reference{}, fmt.Errorf("matching: %w", errors.Join(errs...))
	}
	from, to, _ := b.window("window", window)
	ref := Reference{SKU: sku, Request: r, Currency: cur, From: from, To: to.Add(-time.Nanosecond)}

	n := newNormalizer(b, r)
	var acc refAcc
	f := Filter{SKU: sku, From: from, To: to, Statuses: []Status{Fulfilled}}
	mixed := func(id string, c string) error {
		return fmt.Errorf("matching: match %s: %w", id, b2bkit.Invalid("request.currency", "must be set: the matches are in %s and %s", cur, c))
	}
	anyCurrency := r.Currency == "" && b.currency == ""
	err := b.scan(ctx, f, func(m *Match) error {
		if cur == "" {
			cur = m.Currency
		}
		if m.Currency != cur {
			if anyCurrency {
				return mixed(m.ID, m.Currency)
			}
			return nil
		}
		u, err := n.normalize(m)
		if err != nil {
			return fmt.Errorf("matching: match %s: %w", m.ID, err)
		}
		q, qerr := b2bkit.ToMinor(m.Quantity, qtyScale)
		if qerr != nil {
			q = -1
		}
		acc.add(u, q, m.Quantity, m.At)
		return nil
	})
	if errors.As(err, new(bigPriceError)) {
		return b.referenceExact(ctx, f, n, ref, anyCurrency, mixed)
	}
	if err != nil {
		return Reference{}, err
	}
	prices := acc.prices
	ref.Count, ref.Oldest, ref.Newest = len(prices), acc.oldest, acc.newest
	ref.Currency = cur
	ref.Thin = ref.Count < b.opts.ThinMarket
	if ref.Count == 0 {
		ref.Volume = decimal.Zero
		return ref, nil
	}
	if acc.overflow {
		return b.referenceExact(ctx, f, n, ref, anyCurrency, mixed)
	}
	ranks := []int{0, nearestRank(25, len(prices)), nearestRank(50, len(prices)), nearestRank(75, len(prices)), len(prices) - 1}
	selectRanks(prices, ranks...)
	pick := func(i int) decimal.Decimal { return b2bkit.FromMinor(prices[ranks[i]], priceScale) }
	ref.Low, ref.P25, ref.Median, ref.P75, ref.High = pick(0), pick(1), pick(2), pick(3), pick(4)
	ref.Volume = b2bkit.FromMinor(acc.qtyUnits, qtyScale).Add(acc.oddQty)
	sum := decimal.NewFromBigInt(acc.sum.big(), -(priceScale + qtyScale)).Add(acc.oddSum)
	if ref.Volume.Sign() > 0 {
		ref.Mean = sum.DivRound(ref.Volume, b.opts.MeanScale)
	}
	return ref, nil
}

// referenceExact is ReferencePrice in decimals, for normalised prices or volumes beyond the integer
// statistics: every match of the filter normalised by the engine, ref completed from them. ref.Currency
// is the request's currency or empty (then the first match's).
func (b *Book) referenceExact(ctx context.Context, f Filter, n *normalizer, ref Reference, anyCurrency bool, mixed func(id, c string) error) (Reference, error) {
	cur := ref.Currency
	var prices []decimal.Decimal
	sum, vol := decimal.Zero, decimal.Zero
	err := b.scan(ctx, f, func(m *Match) error {
		if cur == "" {
			cur = m.Currency
		}
		if m.Currency != cur {
			if anyCurrency {
				return mixed(m.ID, m.Currency)
			}
			return nil
		}
		p, err := b.engine.Normalize(m.UnitPrice, n.request(m), n.to)
		if err != nil {
			return fmt.Errorf("matching: match %s: %w", m.ID, err)
		}
		if len(prices) == 0 {
			ref.Oldest = m.At
		}
		ref.Newest = m.At
		prices = append(prices, p)
		sum = sum.Add(p.Mul(m.Quantity))
		vol = vol.Add(m.Quantity)
		return nil
	})
	if err != nil {
		return Reference{}, err
	}
	ref.Count, ref.Currency, ref.Volume = len(prices), cur, vol
	ref.Thin = ref.Count < b.opts.ThinMarket
	if ref.Count == 0 {
		return ref, nil
	}
	slices.SortFunc(prices, decimal.Decimal.Cmp)
	pick := func(p int) decimal.Decimal { return prices[nearestRank(p, len(prices))] }
	ref.Low, ref.P25, ref.Median, ref.P75, ref.High = prices[0], pick(25), pick(50), pick(75), prices[len(prices)-1]
	if vol.Sign() > 0 {
		ref.Mean = sum.DivRound(vol, b.opts.MeanScale)
	}
	return ref, nil
}

// A bigPriceError says a normalised price does not fit the integer statistics; ReferencePrice then
// computes in decimals.
type bigPriceError struct{ price decimal.Decimal }

func (e bigPriceError) Error() string { return e.Unwrap().Error() }

// Unwrap makes the error match b2bkit.ErrInvalid where a caller without a decimal path sees it.
func (e bigPriceError) Unwrap() error {
	return b2bkit.Invalid("unit_price", "normalised price %s out of range for the statistics", e.price)
}

// refAcc accumulates the normalised prices of a reference: the prices in units, the volume and
// price x volume in integer units, with exact decimal sums for quantities beyond qtyScale.
type refAcc struct {
	prices         []int64
	sum            u128
	qtyUnits       int64
	oddSum, oddQty decimal.Decimal
	overflow       bool
	oldest, newest time.Time
}

// add adds a normalised price u with its quantity, in units at qtyScale (q) or, when q < 0, exact.
func (a *refAcc) add(u, q int64, qty decimal.Decimal, at time.Time) {
	if len(a.prices) == 0 {
		a.oldest = at
	}
	a.newest = at
	a.prices = append(a.prices, u)
	if q >= 0 {
		var ok bool
		if a.qtyUnits, ok = checked.Add(a.qtyUnits, q); !ok {
			a.overflow = true
		}
		if !a.sum.addMul(uint64(u), uint64(q)) {
			a.overflow = true
		}
		return
	}
	a.oddSum = a.oddSum.Add(b2bkit.FromMinor(u, priceScale).Mul(qty))
	a.oddQty = a.oddQty.Add(qty)
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

// A normalizer restates matches' prices to one request, memoising the engine's work.
//
// Engine.Normalize(p, from, to) is p x F(to) / F(from) rounded HalfUp to AmountScale places, and F
// depends on the match's terms, not on its price. So for each distinct set of terms the engine is
// asked once, with the probe price 10^8, for R = round(10^8 x F(to)/F(from), 10): an integer c =
// R x 10^10 that is the ratio in units of 10^-18, within half a unit. A price p = pc x 10^-ps then
// restates as pc x c in units of 10^-(ps+18), off the exact value by at most pc/2 units, and is
// rounded HalfUp to 10 places in integer arithmetic. That agrees with Normalize except when the
// exact value may lie within that error of a rounding midpoint; then, and whenever a number does
// not fit the integer path, the engine is asked directly. The memo never changes a result.
type normalizer struct {
	b  *Book
	to pricing.Request
	// memo maps terms to the ratio c (0: no ratio fits; ask the engine each time).
	memo      map[normKey]uint64
	memoBuyer map[buyerKey]uint64
}

// A normKey is what F(match) depends on, packed into words so the memo hashes it in one pass:
// the quantity, the installments (at most three), the booking days and, when the policy has rules
// with validity dates, the order time. Rules scoped by buyer add the buyer (buyerKey).
type normKey [11]uint64

type buyerKey struct {
	k     normKey
	buyer b2bkit.CompanyID
}

var probe = decimal.New(1, 8)

func newNormalizer(b *Book, to pricing.Request) *normalizer {
	return &normalizer{b: b, to: to, memo: make(map[normKey]uint64), memoBuyer: make(map[buyerKey]uint64)}
}

func (n *normalizer) request(m *Match) pricing.Request {
	return pricing.Request{Buyer: m.Buyer, SKU: m.SKU, Quantity: m.Quantity, Terms: m.Terms, Currency: n.to.Currency}
}

// ratio asks the engine for the ratio c of m's terms: 10^8 restated, in units of 10^-10.
func (n *normalizer) ratio(m *Match) (uint64, error) {
	r, err := n.b.engine.Normalize(probe, n.request(m), n.to)
	if err != nil {
		return 0, err
	}
	if u, err := b2bkit.ToMinor(r, priceScale); err == nil && u > 0 {
		return uint64(u), nil
	}
	return 0, nil
}

// normalize returns m's unit price restated to the request, in units of 10^-priceScale.
func (n *normalizer) normalize(m *Match) (int64, error) {
	if k, ok := n.key(m); ok {
		var c uint64
		var seen bool
		if n.b.byBuyer {
			c, seen = n.memoBuyer[buyerKey{k, m.Buyer}]
		} else {
			c, seen = n.memo[k]
		}
		if !seen {
			var err error
			if c, err = n.ratio(m); err != nil {
				return 0, err
			}
			if n.b.byBuyer {
				n.memoBuyer[buyerKey{k, m.Buyer}] = c
			} else {
				n.memo[k] = c
			}
		}
		if c != 0 {
			if u, ok := restate(m.UnitPrice, c); ok {
				return u, nil
			}
		}
	}
	return n.direct(m)
}

// direct asks the engine to normalise m's price.
func (n *normalizer) direct(m *Match) (int64, error) {
	r, err := n.b.engine.Normalize(m.UnitPrice, n.request(m), n.to)
	if err != nil {
		return 0, err
	}
	u, err := b2bkit.ToMinor(r, priceScale)
	if err != nil || u > maxPriceUnits {
		return 0, bigPriceError{r}
	}
	return u, nil
}

// maxPriceUnits keeps normalised prices below 900 million, so sums of a few thousand stay exact in
// the 128-bit accumulator with room to spare.
const maxPriceUnits = 900_000_000 * 10_000_000_000

// restate computes round(price x c x 10^-18, 10) in integers; ok is false when the numbers do not
// fit or the result may lie at a rounding midpoint.
func restate(price decimal.Decimal, c uint64) (int64, bool) {
	ps := max(0, -price.Exponent())
	if ps > 11 {
		return 0, false
	}
	pc, err := b2bkit.ToMinor(price, ps)
	if err != nil || pc <= 0 {
		return 0, false
	}
	return restateUnits(pc, ps, c)
}

// restateUnits is restate for a price of pc units at ps places.
func restateUnits(pc int64, ps int32, c uint64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(pc), c)
	d := fastdec.Pow10(ps + 8) // from units of 10^-(ps+18) to units of 10^-10
	if hi >= d {
		return 0, false
	}
	q, rem := bits.Div64(hi, lo, d)
	half := d / 2 // d is even: ps+8 >= 8
	dist := rem - half
	if rem < half {
		dist = half - rem
	}
	if dist <= uint64(pc) {
		return 0, false // too close to a midpoint to trust the probe's rounding
	}
	if rem > half {
		q++
	}
	if q > maxPriceUnits || q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}

// key is what F(match) depends on; ok is false when the terms do not fit a key.
func (n *normalizer) key(m *Match) (normKey, bool) {
	ins := m.Terms.Payment.Installments
	q, ok := fastdec.Int64(m.Quantity)
	if len(ins) > 3 || !ok {
		return normKey{}, false
	}
	var k normKey
	k[0] = uint64(q)
	k[1] = uint64(uint32(m.Quantity.Exponent())) | uint64(len(ins))<<32
	k[2] = uint64(int64(m.Terms.LeadDays()))
	for i, in := range ins {
		c, ok := fastdec.Int64(in.Share)
		if !ok || in.Days < 0 || in.Days > math.MaxUint16 || in.Due < 0 || in.Due > 255 {
			return normKey{}, false
		}
		k[3+2*i] = uint64(c)
		k[4+2*i] = uint64(uint32(in.Share.Exponent())) | uint64(in.Days)<<32 | uint64(in.Due)<<48
	}
	if n.b.byDate {
		k[9] = uint64(m.Terms.OrderedAt.UnixNano())
		k[10] = 1
	}
	return k, true
}
