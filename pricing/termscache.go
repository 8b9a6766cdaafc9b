package pricing

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// A termsCache keeps, per distinct terms, what Quote works out from a request's terms alone: the
// terms analysis (credit days and shares), the installments' due dates, the payment fractions and
// the early-payment offer's constants, as QuoteMany shares them across the lines of a batch with
// equal terms. A host quoting one line at a time asks again and again on the same few terms; the
// cache saves it redoing that work on every quote. It holds at most termsCacheLen entries (it
// starts afresh when full) and is safe for concurrent use: an entry is copied out, never shared.
type termsCache struct {
	mu sync.RWMutex
	m  map[termsKey]*termsEntry
	// last is the entry last found or stored, compared before the map is asked: a host quotes
	// line after line on the same terms, and comparing a key costs less than hashing it.
	last atomic.Pointer[termsEntry]
}

// A termsEntry is the analysis of the terms of key; it is never changed once stored. shares are
// the installments' shares as the terms that stored it gave them, for isLast.
type termsEntry struct {
	key    termsKey
	ti     termsInfo
	shares [keyShares]decimal.Decimal
}

// isLast reports whether terms t have the key of entry p, without working the key out: the dates
// and each installment's event and days compared as keyOf writes them, and each share by exponent
// and value, which for a share of the key (one that fits in integers) is comparing its coefficient
// and exponent.
func (p *termsEntry) isLast(t *b2bkit.Terms) bool {
	k := &p.key
	ins := t.Payment.Installments
	if len(ins) != k.n || t.OrderedAt != k.ordered || t.DeliverBy != k.deliver {
		return false
	}
	for i := range ins {
		in, ki := &ins[i], &k.ins[i]
		if in.Due != ki.due || in.Days != ki.days || in.Share.Exponent() != ki.share.exp || in.Share.Cmp(p.shares[i]) != 0 {
			return false
		}
	}
	return true
}

// getTerms copies the entry for terms t into ti and reports whether there was one. The entry last
// found or stored is compared with t as it stands; otherwise t's key, when it has one (cacheable),
// is worked out into key and looked up.
func (c *termsCache) getTerms(t *b2bkit.Terms, key *termsKey, ti *termsInfo) (found, cacheable bool) {
	if p := c.last.Load(); p != nil && p.isLast(t) {
		*ti = p.ti
		return true, true
	}
	if *key, cacheable = keyOf(t); !cacheable {
		return false, false
	}
	return c.get(key, ti), true
}

// termsCacheLen bounds the entries of an engine's terms cache.
const termsCacheLen = 256

// keyShares is how many installments terms may have to be cached.
const keyShares = 4

// A termsKey is terms to the last detail that can show in a quote, as sameTerms compares them:
// the dates (instant, location and all) and each installment's event, days, and share's
// coefficient and exponent.
type termsKey struct {
	ordered, deliver time.Time
	n                int
	ins              [keyShares]keyInstallment
}

type keyInstallment struct {
	due   b2bkit.DueEvent
	days  int
	share fixed
}

// keyOf is the key of terms t, and false when they cannot be cached (too many installments, or a
// share that does not fit in integers).
func keyOf(t *b2bkit.Terms) (termsKey, bool) {
	ins := t.Payment.Installments
	if len(ins) > keyShares {
		return termsKey{}, false
	}
	k := termsKey{ordered: t.OrderedAt, deliver: t.DeliverBy, n: len(ins)}
	for i, in := range ins {
		f, ok := fixedOf(in.Share)
		if !ok {
			return termsKey{}, false
		}
		k.ins[i] = keyInstallment{due: in.Due, days: in.Days, share: f}
	}
	return k, true
}

// get copies the entry for key into ti and reports whether there was one.
func (c *termsCache) get(key *termsKey, ti *termsInfo) bool {
	if p := c.last.Load(); p != nil && p.key == *key {
		*ti = p.ti
		return true
	}
	c.mu.RLock()
	p := c.m[*key]
	c.mu.RUnlock()
	if p == nil {
		return false
	}
	*ti = p.ti
	c.last.Store(p)
	return true
}

// put keeps a copy of ti, the analysis of terms t after a quote on them (with what the quote
// cached on the way), under key, with the due dates of t's installments.
func (c *termsCache) put(key *termsKey, t *b2bkit.Terms, ti *termsInfo) {
	p := &termsEntry{key: *key, ti: *ti}
	for i, in := range t.Payment.Installments {
		p.shares[i] = in.Share
	}
	if p.ti.dues == nil {
		p.ti.dues = make([]b2bkit.Due, len(t.Payment.Installments))
		dueDates(p.ti.dues, t)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= termsCacheLen {
		c.m = make(map[termsKey]*termsEntry)
	}
	c.m[*key] = p
	c.mu.Unlock()
	c.last.Store(p)
}

// A scopeCache keeps, per buyer, group, tier and grade, the rules without a SKU or attributes that
// match them, per step (see Engine.resolveGeneral), for an engine whose such rules have no
// validity dates: then nothing else decides which of them match. Bounded and safe for concurrent
// use like termsCache; an entry is never changed once stored, and walks only read it.
type scopeCache struct {
	mu sync.RWMutex
	m  map[scopeCacheKey]*scopeEntry
	// last is the entry last found or stored, compared before the map is asked (see termsCache).
	last atomic.Pointer[scopeEntry]
}

// A scopeEntry is the general rules that match key, per step; never changed once stored.
type scopeEntry struct {
	key     scopeCacheKey
	general [][]*crule
}

type scopeCacheKey struct {
	buyer              b2bkit.CompanyID
	group, tier, grade string
}

func scopeOf(r *Request) scopeCacheKey {
	return scopeCacheKey{buyer: r.Buyer, group: r.Group, tier: r.Tier, grade: r.Grade}
}

func (c *scopeCache) get(key *scopeCacheKey) [][]*crule {
	if p := c.last.Load(); p != nil && p.key == *key {
		return p.general
	}
	c.mu.RLock()
	p := c.m[*key]
	c.mu.RUnlock()
	if p == nil {
		return nil
	}
	c.last.Store(p)
	return p.general
}

// put keeps a copy of general under key.
func (c *scopeCache) put(key *scopeCacheKey, general [][]*crule) {
	g := make([][]*crule, len(general))
	for i, rs := range general {
		g[i] = slices.Clone(rs)
	}
	p := &scopeEntry{key: *key, general: g}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= termsCacheLen {
		c.m = make(map[scopeCacheKey]*scopeEntry)
	}
	c.m[*key] = p
	c.mu.Unlock()
	c.last.Store(p)
}
