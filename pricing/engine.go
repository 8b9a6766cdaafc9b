package pricing

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/shopspring/decimal"
)

// Internal scales: the declared points where the engine rounds (HalfUp) before the final rounding
// step. Rates per day and effective band rates keep FractionScale places; every per-unit adjustment
// is rounded to AmountScale places when it is made.
const (
	FractionScale = 16
	AmountScale   = 10
)

// Options configure an Engine. A nil *Options means the defaults.
type Options struct {
	// Now is the clock that dates quotes and their validity. Nil means time.Now.
	Now func() time.Time
	// PricesOnly makes Quote, QuoteMany and Compare leave out the explanation lines: their
	// quotes carry no Steps, and every other field is what it would be (Breaches and
	// NeedsApproval included). For a host that prices a whole catalogue to publish or compare
	// prices, where writing lines nobody reads is much of the work. QuoteOrder is unaffected: an
	// order is explained.
	PricesOnly bool
	// Workers is the most goroutines QuoteMany prices one batch on: its lines are independent, so
	// a catalogue is split into that many runs of consecutive requests, each of at least
	// MinRunPerWorker, priced at once (the PriceSource is called concurrently, as its contract
	// allows). 0 means runtime.GOMAXPROCS(0); 1 prices every batch on the caller's goroutine.
	// The quotes, their dates and the errors are the same whatever it is.
	Workers int
}

// MinRunPerWorker is the fewest requests QuoteMany gives a goroutine of its own: below a few
// hundred quotes, starting one costs more than it saves.
const MinRunPerWorker = 512

// A Request asks for the price of one line: which buyer, which goods, how many, on which terms.
type Request struct {
	// Buyer is the buying company; rules scoped to a buyer (contract prices) match on it.
	Buyer b2bkit.CompanyID
	// Group is the buyer's group — a restaurant chain, a purchasing group, 集团 — whose contract
	// prices and rules apply to the buyer too; empty means none.
	Group string
	// SKU is the goods.
	SKU b2bkit.SKU
	// Quantity is the line quantity, > 0.
	Quantity decimal.Decimal
	// Terms are the payment schedule, order date and delivery date.
	Terms b2bkit.Terms
	// Tier is the buyer's customer tier (R4), e.g. "gold"; empty means none.
	Tier string
	// Grade is the buyer's risk grade, e.g. "B"; payment rates may depend on it. Empty means none.
	Grade string
	// Currency, if set, must be the policy's currency.
	Currency string
}

// Validate reports every problem with the request: no SKU, a quantity that is not > 0 or absurd (more
// than 18 places, trailing zeros aside, or 24 digits before the point), invalid terms (as
// "terms.…"). Errors match b2bkit.ErrInvalid.
func (r Request) Validate() error {
	r.canonicalize()
	var errs []error
	if r.SKU == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	switch {
	case !checkNumber(r.Quantity):
		errs = append(errs, b2bkit.Invalid("quantity", "out of range"))
	case r.Quantity.Sign() <= 0:
		errs = append(errs, b2bkit.Invalid("quantity", "must be > 0"))
	}
	if err := r.Terms.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("terms", err))
	}
	return errors.Join(errs...)
}

// An Engine quotes requests under one validated policy, with its rules compiled and indexed by SKU
// and by SKU attribute. It is safe for concurrent use; what it keeps besides the policy is working
// memory for its quotes. Only NewEngine makes one: Quote, QuoteMany, QuoteOrder, Compare and
// Normalize on the zero value (or a nil *Engine) return an error matching b2bkit.ErrInvalid.
type Engine struct {
	policy   Policy
	version  string
	prices   PriceSource
	now      func() time.Time
	steps    []cstep
	order    []cstep // the order steps
	currency string
	// pricesOnly is Options.PricesOnly.
	pricesOnly bool
	// workers is Options.Workers, 0 for GOMAXPROCS.
	workers int
	// bySKU holds the rules scoped to a SKU, per step in policy order, so that a quote looks its
	// SKU up once rather than once per step; byAttr those scoped by SKU attributes and not by a SKU,
	// under the first of their attributes; attrNames are the attributes byAttr is keyed by, and
	// byValue the same tables by value, one map per name in attrNames (a string key hashes faster
	// than a pair of them).
	bySKU     map[b2bkit.SKU][][]*crule
	byAttr    map[attrKV][][]*crule
	attrNames []string
	byValue   []map[string][][]*crule
	// pool holds the scratch memory of quotes (see scratch).
	pool sync.Pool
	// terms keeps what Quote works out from the terms alone, per distinct terms.
	terms termsCache
	// undated says no rule without a SKU or attributes has validity dates or reads the order
	// date: which of them match a request depends on its scope alone, and scopes caches them.
	undated bool
	scopes  scopeCache
	// valid is the validity of the quotes of the last calendar day quoted (see validUntil).
	valid atomic.Pointer[validDay]
}

type cstep struct {
	index   int
	name    string
	kind    StepKind
	combine Combine
	refPay  b2bkit.PaymentTerms
	// The reference terms' credit days are refDays - lead x refOrderShare: installments due on
	// order count back from delivery by the lead time.
	refDays, refOrderShare decimal.Decimal
	general                []*crule // rules without a SKU or attributes, in policy order
	rules                  []*crule // all the rules, in policy order (order steps)
}

// attrKV is an attribute and its value.
type attrKV struct{ name, value string }

// From figures of a base formula.
const (
	fromNone uint8 = iota
	fromList
	fromCost
	fromContract
	fromNamed
)

type crule struct {
	Rule
	pos    int // the rule's index in its step: rules apply in policy order
	spec   int
	frac   decimal.Decimal // tier percent / 100
	fracF  fixed           // frac, when fracOK
	fracOK bool
	rate   decimal.Decimal // annual percent / 100
	bands  []cband
	early  *earlyOffer
	floorK decimal.Decimal // 1 + floor margin / 100
	minK   decimal.Decimal // 1 - max discount / 100

	// The numbers the walk reads, compiled once: the contract price, the fixed amount, the
	// fraction, the guardrail factors and the increment.
	priceV, amountV, fracV, floorKV, minKV, incV val
	hasAmount                                    bool

	// attrs are the rule's attributes, sorted by name.
	attrs []attrKV
	// from is a base formula's figure (fromNone: a fixed price); fromName a named price list's name.
	from     uint8
	fromName string
	// exclLine and exclOrder are the line and order steps the rule excludes, a bit per step index;
	// what says what the rule is, in the words of a line it excluded ("contract price").
	exclLine, exclOrder uint64
	what                string
	// step is the name of the rule's step.
	step string
}

type cband struct {
	from, to decimal.Decimal
	// fromV and toV are from and to as the walk compares them.
	fromV, toV val
	// fromDays and toDays are a lead-time band's bounds in whole days.
	fromDays, toDays int64
	open             bool
	frac             decimal.Decimal // percent / 100
	fracF            fixed           // frac, when fracOK
	fracOK           bool
	fracV            val             // frac as the walk applies it
	pct              decimal.Decimal // the band's percent, as a line shows it
	amountV          val             // a freight band's amount per kilogram
}

type earlyOffer struct {
	terms  EarlyPayment
	keep   decimal.Decimal // 1 - discount / 100
	keepV  val
	annual decimal.Decimal
}

// NewEngine validates p, compiles it and returns an engine that reads list prices from prices.
// An invalid policy or a nil price source is an error matching b2bkit.ErrInvalid.
func NewEngine(p Policy, prices PriceSource, opts *Options) (*Engine, error) {
	if l, isList := prices.(*PriceList); prices == nil || isList && l == nil { // a nil list holds nothing to quote
		return nil, fmt.Errorf("pricing: %w", b2bkit.Invalid("prices", "must not be nil"))
	}
	p = p.canonical() // the engine keeps the values, written short
	if err := p.Validate(); err != nil {
		return nil, err
	}
	version, err := p.Version()
	if err != nil {
		return nil, err
	}
	e := &Engine{policy: clonePolicy(p), version: version, prices: prices, now: time.Now, currency: p.Currency,
		bySKU: map[b2bkit.SKU][][]*crule{}, byAttr: map[attrKV][][]*crule{}}
	if opts != nil && opts.Now != nil {
		e.now = opts.Now
	}
	if opts != nil {
		if opts.Workers < 0 {
			return nil, fmt.Errorf("pricing: %w", b2bkit.Invalid("options.workers", "must be 0 (as many as GOMAXPROCS) or more, got %d", opts.Workers))
		}
		e.pricesOnly, e.workers = opts.PricesOnly, opts.Workers
	}
	names := map[string]bool{}
	for i, s := range e.policy.Steps {
		cs := compileStep(i, s)
		for j, r := range s.Rules {
			cr := compileRule(r)
			cr.pos, cr.spec, cr.step = j, specificity(s.Precedence, r), cs.name
			cr.exclLine, cr.exclOrder = excludeMasks(e.policy, i, r.Excludes)
			switch {
			case r.SKU != "":
				if e.bySKU[r.SKU] == nil {
					e.bySKU[r.SKU] = make([][]*crule, len(e.policy.Steps))
				}
				e.bySKU[r.SKU][i] = append(e.bySKU[r.SKU][i], cr)
			case len(cr.attrs) > 0:
				k := cr.attrs[0]
				if e.byAttr[k] == nil {
					e.byAttr[k] = make([][]*crule, len(e.policy.Steps))
				}
				e.byAttr[k][i] = append(e.byAttr[k][i], cr)
				names[k.name] = true
			default:
				cs.general = append(cs.general, cr)
			}
		}
		e.steps = append(e.steps, cs)
	}
	e.undated = true
	for _, s := range e.steps {
		for _, r := range s.general {
			if !r.ValidFrom.IsZero() || !r.ValidUntil.IsZero() || r.ByOrderDate {
				e.undated = false
			}
		}
	}
	e.attrNames = slices.Sorted(maps.Keys(names))
	e.byValue = make([]map[string][][]*crule, len(e.attrNames))
	for k, name := range e.attrNames {
		e.byValue[k] = map[string][][]*crule{}
		for kv, t := range e.byAttr {
			if kv.name == name {
				e.byValue[k][kv.value] = t
			}
		}
	}
	for i, s := range e.policy.Order {
		cs := compileStep(i, s)
		for j, r := range s.Rules {
			cr := compileRule(r)
			cr.pos, cr.spec, cr.step = j, specificity(s.Precedence, r), cs.name
			cs.rules = append(cs.rules, cr)
		}
		e.order = append(e.order, cs)
	}
	return e, nil
}

func compileStep(i int, s Step) cstep {
	cs := cstep{index: i, name: stepName(s), kind: s.Kind, combine: s.Combine, refPay: b2bkit.CashOnDelivery()}
	if s.Reference != nil {
		cs.refPay = *s.Reference
	}
	cs.refDays, cs.refOrderShare = decimal.Zero, decimal.Zero
	for _, in := range cs.refPay.Installments {
		cs.refDays = cs.refDays.Add(in.Share.Mul(decimal.NewFromInt(int64(in.Days))))
		if in.Due == b2bkit.OnOrder {
			cs.refOrderShare = cs.refOrderShare.Add(in.Share)
		}
	}
	return cs
}

// excludeMasks are the line and order steps, by index, that the excludes of a rule of line step i
// name (Validate has checked that they are later steps that can be skipped).
func excludeMasks(p Policy, i int, excludes []string) (line, order uint64) {
	for _, name := range excludes {
		for n := i + 1; n < len(p.Steps); n++ {
			if stepName(p.Steps[n]) == name {
				line |= 1 << n
			}
		}
		for n := range p.Order {
			if stepName(p.Order[n]) == name {
				order |= 1 << n
			}
		}
	}
	return line, order
}

func compileRule(r Rule) *crule {
	cr := &crule{Rule: r}
	cr.frac = r.Percent.Shift(-2)
	cr.rate = r.AnnualPercent.Shift(-2)
	cr.fracF, cr.fracOK = fixedOf(cr.frac)
	for i, b := range r.Bands {
		cb := cband{from: b.From, to: b.To, open: i == len(r.Bands)-1 && b.To.IsZero(),
			fromDays: b.From.IntPart(), toDays: b.To.IntPart(), frac: b.Percent.Shift(-2)}
		cb.fracF, cb.fracOK = fixedOf(cb.frac)
		cb.fromV, cb.toV, cb.fracV, cb.amountV = valOf(b.From), valOf(b.To), valOf(cb.frac), valOf(b.Amount)
		cb.pct = cb.frac.Shift(2) // the percent, to its exponent
		cr.bands = append(cr.bands, cb)
	}
	if r.EarlyPayment != nil {
		keep := one.Sub(r.EarlyPayment.DiscountPercent.Shift(-2))
		cr.early = &earlyOffer{terms: *r.EarlyPayment, keep: keep, keepV: valOf(keep),
			annual: r.EarlyPayment.AnnualPercent()}
	}
	cr.floorK = one.Add(r.FloorMarginPercent.Shift(-2))
	cr.minK = one.Sub(r.MaxDiscountPercent.Shift(-2))
	cr.priceV, cr.amountV, cr.fracV = valOf(r.Price), valOf(r.Amount), valOf(cr.frac)
	cr.floorKV, cr.minKV, cr.incV = valOf(cr.floorK), valOf(cr.minK), valOf(r.Increment)
	cr.hasAmount = !r.Amount.IsZero()
	for _, k := range slices.Sorted(maps.Keys(r.Attributes)) {
		cr.attrs = append(cr.attrs, attrKV{k, r.Attributes[k]})
	}
	switch {
	case r.Formula == "list":
		cr.from = fromList
	case r.Formula == "cost":
		cr.from = fromCost
	case r.Formula == "contract":
		cr.from = fromContract
	case strings.HasPrefix(r.Formula, "list:"):
		cr.from, cr.fromName = fromNamed, strings.TrimPrefix(r.Formula, "list:")
	}
	switch {
	case r.Price.Sign() > 0 || cr.from == fromContract:
		cr.what = "contract price"
	case cr.from != fromNone:
		cr.what = "formula price"
	default:
		cr.what = "rule " + r.ID
	}
	return cr
}

var (
	one     = decimal.NewFromInt(1)
	days365 = decimal.NewFromInt(365)
)

// defaultPrecedence orders the scopes of a step that declares none.
var defaultPrecedence = []string{"buyer", "group", "tier", "grade", "sku"}

// specificity ranks a rule's scope by the step's precedence: a bit per scope, the first scope the
// highest, so that the rule whose first scope the other lacks is the more specific.
func specificity(precedence []string, r Rule) int {
	if len(precedence) == 0 {
		precedence = defaultPrecedence
	}
	s := 0
	for _, scope := range ruleScopes(r) {
		if i := slices.Index(precedence, scope); i >= 0 {
			s |= 1 << (len(precedence) - 1 - i)
		}
	}
	return s
}

func clonePolicy(p Policy) Policy {
	c := p
	c.Steps, c.Order = cloneSteps(p.Steps), cloneSteps(p.Order)
	if p.Tax != nil {
		t := *p.Tax
		c.Tax = &t
	}
	return c
}

func cloneSteps(steps []Step) []Step {
	if steps == nil {
		return nil
	}
	out := make([]Step, len(steps))
	for i, s := range steps {
		s.Rules = append([]Rule(nil), s.Rules...)
		s.Precedence = slices.Clone(s.Precedence)
		for j := range s.Rules {
			r := &s.Rules[j]
			r.Bands = append([]Band(nil), r.Bands...)
			r.Attributes, r.Excludes = maps.Clone(r.Attributes), slices.Clone(r.Excludes)
			if ep := r.EarlyPayment; ep != nil {
				cp := *ep
				r.EarlyPayment = &cp
			}
		}
		if s.Reference != nil {
			ref := b2bkit.PaymentTerms{Installments: append([]b2bkit.Installment(nil), s.Reference.Installments...)}
			s.Reference = &ref
		}
		out[i] = s
	}
	return out
}

// errNoEngine is what an Engine not made by NewEngine answers: it has no policy and no price source.
func errNoEngine() error { return b2bkit.Invalid("engine", "not made by NewEngine") }

// made reports whether e was made by NewEngine, which always sets its price source.
func (e *Engine) made() bool { return e != nil && e.prices != nil }

// Policy returns a copy of the policy the engine quotes under: none (a zero Policy) for an
// Engine not made by NewEngine, nil included.
func (e *Engine) Policy() Policy {
	if e == nil {
		return Policy{}
	}
	return clonePolicy(e.policy)
}

// Version is the policy's version (see Policy.Version), carried by every quote: empty for an
// Engine not made by NewEngine, nil included.
func (e *Engine) Version() string {
	if e == nil {
		return ""
	}
	return e.version
}

// matches reports whether the rule's scope (except its SKU, which the index settles) and validity
// cover the request for goods with attributes attrs, quoted at now: the validity dates bound now,
// or the order date for a rule that says so (ByOrderDate).
func (r *crule) matches(req *Request, attrs map[string]string, now time.Time) bool {
	return r.matchesFrom(req, attrs, now, 0)
}

// matchesScoped is matches for a rule of one of the tables scopedRules found for the SKU with
// attributes attrs: a rule without a SKU is in one only under the value attrs has for its first
// attribute, which is not looked up again.
func (r *crule) matchesScoped(req *Request, attrs map[string]string, now time.Time) bool {
	if r.SKU == "" {
		return r.matchesFrom(req, attrs, now, 1)
	}
	return r.matchesFrom(req, attrs, now, 0)
}

// matchesFrom is matches with the rule's attributes checked from the first-th on.
func (r *crule) matchesFrom(req *Request, attrs map[string]string, now time.Time, first int) bool {
	if r.Buyer != "" && r.Buyer != req.Buyer {
		return false
	}
	if r.Group != "" && r.Group != req.Group {
		return false
	}
	if r.Tier != "" && r.Tier != req.Tier {
		return false
	}
	if r.Grade != "" && r.Grade != req.Grade {
		return false
	}
	for _, a := range r.attrs[min(first, len(r.attrs)):] {
		if v, ok := attrs[a.name]; !ok || v != a.value {
			return false
		}
	}
	at := now
	if r.ByOrderDate {
		at = req.Terms.OrderedAt
	}
	if !r.ValidFrom.IsZero() && at.Before(r.ValidFrom) {
		return false
	}
	if !r.ValidUntil.IsZero() && !at.Before(r.ValidUntil) {
		return false
	}
	return true
}

// candidates appends to dst the rules of the step that match the request, the general ones and
// those of the tables of rules for its SKU and attributes (see scoped), in policy order.
func (s *cstep) candidates(dst []*crule, req *Request, attrs map[string]string, scoped [][][]*crule, now time.Time) []*crule {
	for _, r := range s.general {
		if r.matches(req, attrs, now) {
			dst = append(dst, r)
		}
	}
	return s.scopedCandidates(dst, req, attrs, scoped, now)
}

// scopedCandidates appends to dst, which holds the step's general rules that match, the step's
// rules in each of the tables scoped (the rules for the request's SKU and for its attributes) that
// match the request, and puts them all in policy order.
func (s *cstep) scopedCandidates(dst []*crule, req *Request, attrs map[string]string, scoped [][][]*crule, now time.Time) []*crule {
	n := len(dst)
	for _, t := range scoped {
		for _, r := range t[s.index] {
			if r.matchesScoped(req, attrs, now) {
				dst = append(dst, r)
			}
		}
	}
	if len(dst) > n && !slices.IsSortedFunc(dst, byPos) {
		slices.SortFunc(dst, byPos)
	}
	return dst
}

func byPos(a, b *crule) int { return a.pos - b.pos }

// scopedRules appends to dst the tables of rules, per step, scoped to the SKU and to the values of
// the SKU's attributes; none when no rule is.
func (e *Engine) scopedRules(dst [][][]*crule, sku b2bkit.SKU, attrs map[string]string) [][][]*crule {
	if t := e.bySKU[sku]; t != nil {
		dst = append(dst, t)
	}
	for k, name := range e.attrNames {
		if v, ok := attrs[name]; ok {
			if t := e.byValue[k][v]; t != nil {
				dst = append(dst, t)
			}
		}
	}
	return dst
}

// mostSpecific returns the candidate with the highest specificity; Validate rules out ties.
func mostSpecific(cands []*crule) *crule {
	var best *crule
	for _, r := range cands {
		if best == nil || r.spec > best.spec {
			best = r
		}
	}
	return best
}

// termsInfo is what a quote needs from the request's terms; QuoteMany computes it once per terms
// and shares it across the lines with those terms, with what it caches on the way.
type termsInfo struct {
	lead   int
	cdays  val  // the credit days, Terms.CreditDays
	credit bool // the payment terms grant credit
	// units are the shares of the first nUnits installments in units of 10^-scale, when all of
	// them are kept (nUnits is 0 otherwise).
	units  [maxShares]int64
	nUnits int
	scale  int32

	// The last reference credit days computed, for step refStep; the last payment fraction, for
	// rule payRule (and as a decimal, once asked for); the last early-payment date, for earlyDays
	// days after delivery.
	refStep   *cstep
	ref       decimal.Decimal
	payRule   *crule
	payFrac   fixed
	payDec    decimal.Decimal
	payDecSet bool
	earlySet  bool
	earlyDays int
	earlyBy   time.Time
	// dues are the installments and due dates of a schedule under these terms (QuoteMany).
	dues []b2bkit.Due
	// early is what the last early-payment offer under these terms needed (see earlyTerms).
	early earlyTerms
}

func newTermsInfo(t *b2bkit.Terms) termsInfo {
	lead := t.LeadDays()
	ti := termsInfo{lead: lead, credit: owedAfterDelivery(t, lead)}
	ti.cdays = ti.creditDays(t, lead)
	return ti
}

// owedAfterDelivery reports whether any money is due after delivery under terms with a lead of
// lead days: b2bkit.Terms.IsCredit, with the lead the caller has worked out already.
func owedAfterDelivery(t *b2bkit.Terms, lead int) bool {
	for _, in := range t.Payment.Installments {
		if in.DaysAfterDelivery(lead) > 0 {
			return true
		}
	}
	return false
}

// reset makes ti the analysis of terms with a lead of lead days and cdays credit days, which grant
// credit or not, as termsInfo{lead: lead, cdays: cdays, credit: credit} would, field by field: a
// scratch's analyses are reused quote after quote, and copying a whole one costs a write barrier
// on each of its pointers while the collector runs.
func (ti *termsInfo) reset(lead int, cdays val, credit bool) {
	ti.lead, ti.cdays, ti.credit = lead, cdays, credit
	ti.units, ti.nUnits, ti.scale = [maxShares]int64{}, 0, 0
	ti.refStep, ti.ref = nil, decimal.Decimal{}
	ti.payRule, ti.payFrac, ti.payDec, ti.payDecSet = nil, fixed{}, decimal.Decimal{}, false
	ti.earlySet, ti.earlyDays, ti.earlyBy = false, 0, time.Time{}
	ti.dues = nil
	if ti.early.set {
		ti.early = earlyTerms{}
	}
}

// maxShares is how many installments a terms analysis keeps in integers.
const maxShares = 8

// creditDays is t.CreditDays() for terms with a lead of lead days, to its exponent, worked out in
// integers as b2bkit does when the shares fit (at the scale of the finest share), without making a
// decimal; otherwise it is t.CreditDays() itself. On the way it keeps the shares in units of that
// scale (ti.units), for the schedule and the early-payment offer, when there are few enough and
// they are valid.
func (ti *termsInfo) creditDays(t *b2bkit.Terms, lead int) val {
	ins := t.Payment.Installments
	if len(ins) > b2bkit.MaxInstallments {
		return valOf(t.CreditDays())
	}
	var scale int32
	for _, in := range ins {
		scale = max(scale, -in.Share.Exponent())
		if in.Days < 0 || in.Days > b2bkit.MaxTermDays {
			return valOf(t.CreditDays())
		}
	}
	const maxScale, maxUnits = 12, int64(1e12)
	if scale > maxScale {
		return valOf(t.CreditDays())
	}
	var sum, shares int64
	positive := true
	for i, in := range ins {
		c, ok := fastdec.Int18(in.Share)
		if !ok || scale+in.Share.Exponent() > 18 {
			return valOf(t.CreditDays())
		}
		u, ok := checked.Mul(c, int64(fastdec.Pow10(scale+in.Share.Exponent())))
		if !ok || u > maxUnits || u < -maxUnits {
			return valOf(t.CreditDays())
		}
		if i < maxShares {
			ti.units[i] = u
		}
		positive = positive && u > 0
		shares += u
		days := in.Days
		if in.Due == b2bkit.OnOrder {
			days -= lead
		}
		p, ok := checked.Mul(u, int64(days))
		if !ok {
			return valOf(t.CreditDays())
		}
		if sum, ok = checked.Add(sum, p); !ok {
			return valOf(t.CreditDays())
		}
	}
	if len(ins) > 0 && len(ins) <= maxShares && positive && shares == int64(fastdec.Pow10(scale)) {
		ti.nUnits, ti.scale = len(ins), scale
	}
	return valFixed(fixed{sum, -scale})
}

// split splits total minor units into the installments' amounts, appended to dst, as
// PaymentTerms.SplitMinor does, from the shares the analysis kept.
func (ti *termsInfo) split(t *b2bkit.Terms, total int64, dst []int64) ([]int64, bool) {
	if ti.nUnits == 0 || total == math.MinInt64 {
		return t.Payment.SplitMinor(total, dst)
	}
	div := fastdec.Pow10(ti.scale)
	abs, neg := uint64(total), total < 0
	if neg {
		abs = uint64(-total)
	}
	var cum uint64
	var before int64
	last := ti.nUnits - 1
	for i, u := range ti.units[:ti.nUnits] {
		upTo := total
		if i < last {
			cum += uint64(u)
			hi, lo := bits.Mul64(abs, cum)
			q, r := bits.Div64(hi, lo, div) // cum < div: the quotient is below |total|
			if r >= div-r {
				q++
			}
			upTo = int64(q)
			if neg {
				upTo = -upTo
			}
		}
		dst = append(dst, upTo-before)
		before = upTo
	}
	return dst, true
}

// payBy is the last day to take an early-payment discount: delivery plus days.
func (ti *termsInfo) payBy(delivery time.Time, days int) time.Time {
	if !ti.earlySet || ti.earlyDays != days {
		ti.earlySet, ti.earlyDays, ti.earlyBy = true, days, addDays(delivery, days)
	}
	return ti.earlyBy
}

// refCredit is the credit days of the step's reference terms with the request's lead time.
func (s *cstep) refCredit(ti *termsInfo) decimal.Decimal {
	if s.refOrderShare.IsZero() {
		return s.refDays
	}
	if ti.refStep != s {
		ti.refStep, ti.ref = s, s.refDays.Sub(s.refOrderShare.Mul(decimal.NewFromInt(int64(ti.lead))))
	}
	return ti.ref
}

// fraction is the rule's adjustment as a fraction of the price, for the kinds priced in percent
// (quantity, payment, lead time, percent tier rules), and whether the rule applies at all.
func (r *crule) fraction(s *cstep, req *Request, ti *termsInfo) (decimal.Decimal, bool) {
	switch s.kind {
	case Quantity:
		if r.Mode == Graduated {
			return graduated(r.bands, req.Quantity)
		}
		return volume(r.bands, req.Quantity)
	case LeadTime:
		return leadBand(r.bands, int64(ti.lead))
	case Payment:
		if r.rate.IsZero() {
			return decimal.Zero, true
		}
		if ti.payRule == r && ti.payDecSet {
			return ti.payDec, true
		}
		if fx, ok := r.payFraction(s, ti); ok {
			ti.payDec, ti.payDecSet = fx.dec(), true
			if fx.c == 0 {
				ti.payDec = decimal.Zero
			}
			return ti.payDec, true
		}
		delta := ti.cdays.peek()
		if ref := s.refCredit(ti); !ref.IsZero() {
			delta = delta.Sub(ref)
		}
		if delta.IsZero() {
			return decimal.Zero, true
		}
		return mulDivRound(r.rate, delta, days365, FractionScale), true
	case Tier:
		return r.frac, r.Amount.IsZero()
	}
	return decimal.Zero, false
}

// payFraction is a payment rule's fraction, rate x (credit days - reference credit days) / 365
// rounded HalfUp to FractionScale places, in integers: fraction gives the same as a decimal. ok
// is false when a number does not fit and the decimal path must decide.
func (r *crule) payFraction(s *cstep, ti *termsInfo) (fixed, bool) {
	if ti.payRule == r {
		return ti.payFrac, true
	}
	if r.rate.IsZero() {
		return fixed{}, false // fraction answers without arithmetic
	}
	if !ti.cdays.fits {
		return fixed{}, false
	}
	delta := ti.cdays.fx()
	if ref := s.refCredit(ti); !ref.IsZero() {
		rf, ok := fixedOf(ref)
		if !ok {
			return fixed{}, false
		}
		if delta, ok = subFixed(delta, rf); !ok {
			return fixed{}, false
		}
	}
	f := fixed{}
	if delta.c != 0 {
		rate, ok := fixedOf(r.rate)
		if !ok {
			return fixed{}, false
		}
		if f, ok = mulDivRoundFixed(rate, delta, fixed{365, 0}, FractionScale); !ok {
			return fixed{}, false
		}
	}
	ti.payRule, ti.payFrac, ti.payDecSet = r, f, false
	return f, true
}

// volume returns the fraction of the band x falls in.
func volume(bands []cband, x decimal.Decimal) (decimal.Decimal, bool) {
	if b := volumeBand(bands, x); b != nil {
		return b.frac, true
	}
	return decimal.Zero, false
}

// volumeBand returns the band x falls in, or nil.
func volumeBand(bands []cband, x decimal.Decimal) *cband {
	for i := range bands {
		b := &bands[i]
		if x.Cmp(b.from) >= 0 && (b.open || x.Cmp(b.to) < 0) {
			return b
		}
	}
	return nil
}

// leadBand returns the fraction of the lead-time band the lead falls in.
func leadBand(bands []cband, lead int64) (decimal.Decimal, bool) {
	if b := leadTimeBand(bands, lead); b != nil {
		return b.frac, true
	}
	return decimal.Zero, false
}

// leadTimeBand returns the lead-time band the lead falls in, or nil.
func leadTimeBand(bands []cband, lead int64) *cband {
	for i := range bands {
		b := &bands[i]
		if lead >= b.fromDays && (b.open || lead < b.toDays) {
			return b
		}
	}
	return nil
}

// graduated returns the quantity-weighted fraction over the bands the units of q fall in; units
// below the first band carry no adjustment.
func graduated(bands []cband, q decimal.Decimal) (decimal.Decimal, bool) {
	if len(bands) == 0 || q.Cmp(bands[0].from) < 0 {
		return decimal.Zero, false
	}
	sum := decimal.Zero
	for i := range bands {
		b := &bands[i]
		if q.Cmp(b.from) <= 0 {
			break
		}
		hi := q
		if !b.open && b.to.Cmp(q) < 0 {
			hi = b.to
		}
		if !b.frac.IsZero() {
			sum = sum.Add(hi.Sub(b.from).Mul(b.frac))
		}
	}
	return sum.DivRound(q, FractionScale), true // exact quotient rounded at a declared scale
}

// payFixed is the payment rule's fraction in integers, for a payment step whose rule charges a
// rate; ok is false otherwise, or when the numbers do not fit.
func (r *crule) payFixed(s *cstep, ti *termsInfo) (fixed, bool) {
	if s.kind != Payment {
		return fixed{}, false
	}
	return r.payFraction(s, ti)
}
