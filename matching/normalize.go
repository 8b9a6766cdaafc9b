package matching

import (
	"math"
	"math/bits"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/pricing"
)

// A normalizer restates rows' prices to one request, asking the pricing engine as little as it
// can while giving exactly what Engine.Normalize gives.
//
// Engine.Normalize(p, from, to) is p x F(to) / F(from) rounded HalfUp to AmountScale places, F
// being the product of the policy's quantity, payment and lead-time factors for a request — a
// function of the request's terms, not of the price. Asked with the probe price 10^8, the engine
// gives R = round(10^8 x F(to)/F(from), 10): an integer c = R x 10^10 that is the ratio in units of
// 10^-18, within half a unit. A price p = pc x 10^-ps then restates as pc x c in units of
// 10^-(ps+18), off the exact value by at most pc x e units for a known bound e, and is rounded
// HalfUp to 10 places in integer arithmetic. That agrees with Normalize except when the exact
// value may lie within pc x e of a rounding midpoint; then, and whenever a number does not fit the
// integer path, the engine is asked directly. The memo never changes a result.
//
// The ratio is taken in two halves through a canonical request for the SKU (one unit, cash on
// delivery, no booking time): F(to)/F(from) = F(canon)/F(from) x F(to)/F(canon). The first half
// depends on the match's terms only, so the projection remembers it for every query to come (see
// projection.canon and projection.ratios); the second is asked once per query. Composing two ratios
// each within half a unit gives one within e = (r1 + r2)/2 + 1 units, r1 and r2 being the halves;
// the midpoint test above uses that e. A query on a SKU therefore asks the engine once, plus once for each set of
// terms it meets for the first time.
type normalizer struct {
	b     *Book
	p     *projection
	to    pricing.Request
	sku   uint32
	canon pricing.Request
	half  uint64 // the ratio canon -> to; 0: the two halves are not available, ask from -> to
	// dense holds the ratio of each terms key, when it depends on the terms alone; memo holds it
	// otherwise.
	dense []memoRatio
	memo  map[normKey]memoRatio
	// first holds, with dense, the half ratio canon <- terms of each terms key (its knownRatio bit
	// set) that the projection knew when the normalizer was made, and those it asks since.
	first []uint64
}

// normMemory is the memory a normalizer's tables are cut from, kept by the caller between calls.
type normMemory struct {
	dense []memoRatio
	first []uint64
}

// knownRatio marks a half ratio in a table by terms key: a ratio is below 2^63.
const knownRatio = 1 << 63

// A memoRatio is a ratio c (0: none fits; restate with the engine) within e units.
type memoRatio struct {
	c      uint64
	cq, cr uint64 // c split at 10^10: c = cq x 10^10 + cr (see restateCents)
	e      uint8
	set    bool
}

// A normKey is what the ratio of a row depends on when the policy has rules scoped by buyer or
// by date: its terms key, and its buyer or order time as the policy needs.
type normKey struct {
	ordered int64
	terms   uint32
	buyer   uint32
}

// A ratioKey names a remembered half ratio: a SKU's canonical terms over a row's.
type ratioKey struct {
	normKey
	sku uint32
}

// maxRatios bounds the half ratios a projection remembers; beyond it they are forgotten and asked
// again.
const maxRatios = 1 << 22

var probe = decimal.New(1, 8)

// canonAt is the order and delivery time of the canonical requests.
var canonAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// maxDense is the most terms keys a normalizer gives a table of its own; a log with more distinct
// terms is memoised in a map.
const maxDense = 1 << 16

// newNormalizer returns a normalizer of the rows of sku (interned as skuID) to the request to. Its
// tables by terms key are cut from mem, grown when short.
func newNormalizer(b *Book, p *projection, skuID uint32, to pricing.Request, mem *normMemory) *normalizer {
	n := &normalizer{b: b, p: p, to: to, sku: skuID}
	if !b.byBuyer && !b.byDate && len(p.termsIndex) <= maxDense {
		n.dense = cleared(&mem.dense, len(p.termsIndex))
		n.first = cleared(&mem.first, len(p.termsIndex))
		p.ratioMu.Lock()
		copy(n.first, p.canon[skuID])
		p.ratioMu.Unlock()
	} else {
		n.memo = make(map[normKey]memoRatio)
	}
	n.canon = pricing.Request{SKU: to.SKU, Quantity: decimal.NewFromInt(1), Currency: to.Currency,
		Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: canonAt, DeliverBy: canonAt}}
	if c, err := n.ask(n.canon, to); err == nil {
		n.half = c
	}
	return n
}

// ask asks the engine for the ratio of from to to: 10^8 restated, in units of 10^-10; 0 when it
// does not fit.
func (n *normalizer) ask(from, to pricing.Request) (uint64, error) {
	x, err := n.b.engine.Normalize(probe, from, to)
	if err != nil {
		return 0, err
	}
	if u, err := b2bkit.ToMinor(x, priceScale); err == nil && u > 0 {
		return uint64(u), nil
	}
	return 0, nil
}

// key is the memo key of row r, whose terms key is terms.
func (n *normalizer) key(r, terms uint32) normKey {
	k := normKey{terms: terms}
	if n.b.byBuyer {
		k.buyer = n.p.buyer[r]
	}
	if n.b.byDate {
		k.ordered = n.p.ordered[r]
	}
	return k
}

// ratioOf is the ratio of row r, whose terms key is terms, to the request and its error bound,
// memoised.
func (n *normalizer) ratioOf(r, terms uint32) (memoRatio, error) {
	var k normKey
	if n.dense != nil {
		if m := n.dense[terms]; m.set {
			return m, nil
		}
	} else {
		k = n.key(r, terms)
		if m, ok := n.memo[k]; ok {
			return m, nil
		}
	}
	m := memoRatio{e: 1, set: true}
	if n.half != 0 {
		first, err := n.fromCanon(r, terms)
		if err != nil {
			return memoRatio{}, err
		}
		m.c, m.e = compose(first, n.half)
	} else {
		c, err := n.ask(n.p.request(r, n.to.Currency), n.to)
		if err != nil {
			return memoRatio{}, rowError{r, err}
		}
		m.c = c
	}
	m.cq, m.cr = m.c/cents, m.c%cents
	if n.dense != nil {
		n.dense[terms] = m
	} else {
		n.memo[k] = m
	}
	return m, nil
}

// fromCanon is the ratio of row r's terms to the SKU's canonical ones, remembered by the projection
// across queries.
func (n *normalizer) fromCanon(r, terms uint32) (uint64, error) {
	p := n.p
	if n.first != nil { // by terms key alone: a table by SKU, copied whole when the normalizer was made
		if c := n.first[terms]; c&knownRatio != 0 {
			return c &^ knownRatio, nil
		}
		c, err := n.ask(p.request(r, n.to.Currency), n.canon)
		if err != nil {
			return 0, rowError{r, err}
		}
		n.first[terms] = c | knownRatio
		p.ratioMu.Lock()
		t := p.canon[n.sku]
		if len(t) <= int(terms) {
			if p.canon == nil || p.canonLen+len(n.first)-len(t) > maxRatios {
				p.canon, p.canonLen, t = make(map[uint32][]uint64), 0, nil
			}
			p.canonLen += len(n.first) - len(t)
			t = append(t, make([]uint64, len(n.first)-len(t))...)
			p.canon[n.sku] = t
		}
		t[terms] = c | knownRatio
		p.ratioMu.Unlock()
		return c, nil
	}
	k := ratioKey{n.key(r, terms), n.sku}
	p.ratioMu.Lock()
	c, ok := p.ratios[k]
	p.ratioMu.Unlock()
	if ok {
		return c, nil
	}
	c, err := n.ask(p.request(r, n.to.Currency), n.canon)
	if err != nil {
		return 0, rowError{r, err}
	}
	p.ratioMu.Lock()
	if p.ratios == nil || len(p.ratios) >= maxRatios {
		p.ratios = make(map[ratioKey]uint64)
	}
	p.ratios[k] = c
	p.ratioMu.Unlock()
	return c, nil
}

// compose multiplies two ratios in units of 10^-18, rounding HalfUp, and bounds the error of the
// product: each is within half a unit, so the product is within (r1 + r2)/2 + 1/4 units before
// rounding and half a unit more after, r1 and r2 being the ratios themselves. c is 0 when the
// product does not fit.
func compose(c1, c2 uint64) (c uint64, e uint8) {
	const unit = 1_000_000_000_000_000_000
	if c1 == 0 || c2 == 0 {
		return 0, 1
	}
	hi, lo := bits.Mul64(c1, c2)
	if hi >= unit {
		return 0, 1
	}
	q, rem := bits.Div64(hi, lo, unit)
	if rem >= unit-rem {
		q++
	}
	bound := (c1/unit+c2/unit+2)/2 + 1 // >= (r1 + r2)/2 + 3/4, rounded up
	if q > math.MaxInt64 || bound > math.MaxUint8 {
		return 0, 1
	}
	return q, uint8(bound)
}

// normalize returns row r's unit price restated to the request, in units of 10^-priceScale; s is
// the row's skuRow.
func (n *normalizer) normalize(r uint32, s skuRow) (int64, error) {
	p := n.p
	if s.terms != noTerms {
		var m *memoRatio
		if int(s.terms) < len(n.dense) && n.dense[s.terms].set { // the terms met before: no call
			m = &n.dense[s.terms]
		} else {
			mr, err := n.ratioOf(r, s.terms)
			if err != nil {
				return 0, err
			}
			m = &mr
		}
		if m.c != 0 {
			if c2 := s.cents(); c2 != 0 { // the common case: at most two places, beside the row
				if u, ok := restateCents(c2, m.cq, m.cr, uint64(m.e)); ok {
					return u, nil
				}
			}
			if p.flags[r]&flagOddPrice == 0 {
				pc, pe := p.priceC[r], p.priceE[r]
				ps := int32(0)
				if pe < 0 {
					ps = -int32(pe)
				} else if pe > 18 {
					pc = 0
				} else if pe > 0 {
					var ok bool
					if pc, ok = checked.Mul(pc, int64(fastdec.Pow10(int32(pe)))); !ok {
						pc = 0
					}
				}
				if pc > 0 && ps <= 11 {
					if u, ok := restateUnits(pc, ps, m.c, uint64(m.e)); ok {
						return u, nil
					}
				}
			}
		}
	}
	return n.direct(r)
}

// direct asks the engine to normalise row r's price.
func (n *normalizer) direct(r uint32) (int64, error) {
	x, err := n.b.engine.Normalize(n.p.unitPrice(r), n.p.request(r, n.to.Currency), n.to)
	if err != nil {
		return 0, rowError{r, err}
	}
	u, err := b2bkit.ToMinor(x, priceScale)
	if err != nil || u > maxPriceUnits {
		return 0, bigPriceError{x}
	}
	return u, nil
}

// maxPriceUnits keeps normalised prices below 900 million, so sums of a few thousand stay exact in
// the 128-bit accumulator with room to spare.
const maxPriceUnits = 900_000_000 * 10_000_000_000

// restate computes round(price x c x 10^-18, 10) in integers for a ratio c within half a unit;
// ok is false when the numbers do not fit or the result may lie at a rounding midpoint.
func restate(price decimal.Decimal, c uint64) (int64, bool) {
	ps := max(0, -price.Exponent())
	if ps > 11 {
		return 0, false
	}
	pc, err := b2bkit.ToMinor(price, ps)
	if err != nil || pc <= 0 {
		return 0, false
	}
	return restateUnits(pc, ps, c, 1)
}

// cents is the divisor restateUnits divides by for prices at two places: from units of 10^-20 to
// units of 10^-10.
const cents = 10_000_000_000

// maxCentsPrice bounds the prices, in units at two places, that restateCents takes: pc x cr then
// fits 64 bits (cr < 10^10).
const maxCentsPrice = 1 << 30

// restateCents is restateUnits for a price of pc units at two places, pc below 2^30, and a ratio c
// = cq x 10^10 + cr within e units: pc x c / 10^10 is pc x cq + pc x cr / 10^10, the division by
// a constant and within 64 bits, where restateUnits divides 128 bits by a variable. The quotient,
// the remainder and so the answer are the same as restateUnits gives.
func restateCents(pc, cq, cr, e uint64) (int64, bool) {
	hi, q := bits.Mul64(pc, cq)
	if hi != 0 {
		return 0, false
	}
	t := pc * cr // below 2^30 x 10^10 < 2^64
	q2 := q + t/cents
	if q2 < q {
		return 0, false
	}
	rem := t % cents
	const half = cents / 2
	dist := rem - half
	if rem < half {
		dist = half - rem
	}
	if dist <= pc*e { // pc x e < 2^38: too close to a midpoint to trust the ratio's rounding
		return 0, false
	}
	if rem > half {
		q2++
	}
	if q2 > maxPriceUnits || q2 > math.MaxInt64 {
		return 0, false
	}
	return int64(q2), true
}

// restateUnits is restate for a price of pc units at ps places and a ratio c within e units.
func restateUnits(pc int64, ps int32, c, e uint64) (int64, bool) {
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
	if eh, el := bits.Mul64(uint64(pc), e); eh != 0 || dist <= el {
		return 0, false // too close to a midpoint to trust the ratio's rounding
	}
	if rem > half {
		q++
	}
	if q > maxPriceUnits || q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}
