package pricing

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

var (
	hundred    = decimal.NewFromInt(100)
	minusHundr = decimal.NewFromInt(-100)
)

// Validate reports every problem of the policy at once, before any quote is made: a missing or
// misplaced base or rounding step, an order step among the line steps or a line step among the
// order steps, unknown step kinds or combinations, rules without an ID or with duplicate IDs, two
// rules that could match the same request at equal specificity in a most_specific step (a tie), a
// most_specific step with rules scoped by SKU attributes and no precedence, or a precedence that
// leaves out a scope its rules use, bands that overlap, leave gaps or run backwards, negative rates,
// fields a step kind does not read, a base rule with both a price and a formula or a formula of no
// known figure, an exclusion of a step that is not a later quantity, payment, lead-time, tier or
// order-discount step, unknown units or tax settings, absurd numbers (more than 18 places or 24
// digits before the point, counted on the value: trailing zeros do not count); and policies that cannot do
// what they say: a guardrail followed by a step that can lower the price (the later step could take
// the price below it), a quantity rule whose last band is closed (a price cliff) or whose percents
// rise with the quantity without Rising, a mixed-case rule with graduated breaks, and two rules
// alike (same scope, overlapping validity, same effect) in an add or compound step, which would
// apply the same adjustment twice. The error matches b2bkit.ErrInvalid and names each field by its
// JSON path ("steps[1].rules[0].bands[2].from").
func (p Policy) Validate() error {
	p = p.canonical()
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	if p.ValidDays < 0 || p.ValidDays > MaxValidDays {
		add("valid_days", "must be between 0 and %d", MaxValidDays)
	}
	if len(p.Currency) > 8 {
		add("currency", "must be an ISO 4217 code")
	}
	switch {
	case len(p.Steps) == 0:
		add("steps", "must have at least a base step")
	case len(p.Steps) > MaxSteps:
		add("steps", "must have at most %d steps", MaxSteps)
	default:
		if p.Steps[0].Kind != Base {
			add("steps[0].kind", "the first step must be base")
		}
		guardAt := -1
		for i, s := range p.Steps {
			f := fmt.Sprintf("steps[%d]", i)
			if s.Kind == Guardrail && guardAt < 0 {
				guardAt = i
			} else if guardAt >= 0 && canLower(s) {
				add(f, "a %s step after the guardrail in steps[%d] can take the price below it; put the guardrail after it", s.Kind, guardAt)
			}
			if s.Kind == Base && i > 0 {
				add(f+".kind", "only the first step may be base")
			}
			if s.Kind == Rounding && i != len(p.Steps)-1 {
				add(f+".kind", "a rounding step must be the last")
			}
			if orderKind(s.Kind) {
				add(f+".kind", "%s is an order step: it goes in order, after the line steps", s.Kind)
				continue
			}
			errs = append(errs, validateStep(f, s)...)
			errs = append(errs, validateExcludes(f, p, i)...)
		}
	}
	if len(p.Order) > MaxSteps {
		add("order", "must have at most %d steps", MaxSteps)
	} else {
		for i, s := range p.Order {
			f := fmt.Sprintf("order[%d]", i)
			if !orderKind(s.Kind) {
				add(f+".kind", "an order step is order_discount, freight or free_goods, not %s", s.Kind)
				continue
			}
			errs = append(errs, validateStep(f, s)...)
		}
	}
	if p.Units.Pack > RoundUp {
		add("units.pack", "unknown shortfall %d", int(p.Units.Pack))
	}
	if p.Units.Minimum > RoundUp {
		add("units.minimum", "unknown shortfall %d", int(p.Units.Minimum))
	}
	if t := p.Tax; t != nil {
		if t.Per > PerInvoice {
			add("tax.per", "unknown tax rounding %d", int(t.Per))
		}
		if !t.Mode.Valid() {
			add("tax.mode", "unknown rounding mode %d", int(t.Mode))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("pricing: %w", errors.Join(errs...))
}

func validateStep(f string, s Step) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	if s.Kind < Base || s.Kind > FreeGoods {
		add(f+".kind", "unknown step kind %d", int(s.Kind))
		return errs
	}
	switch {
	case s.Combine < MostSpecific || s.Combine > First:
		add(f+".combine", "unknown combination %d", int(s.Combine))
	case s.Kind == Base && s.Combine != MostSpecific && s.Combine != BestForBuyer && s.Combine != First:
		add(f+".combine", "a base step takes one rule: most_specific, best_for_buyer or first")
	case (s.Kind == Guardrail || s.Kind == Rounding) && s.Combine != MostSpecific:
		add(f+".combine", "a %s step takes one rule: most_specific", s.Kind)
	case (s.Kind == Freight || s.Kind == FreeGoods) && s.Combine == Compound:
		add(f+".combine", "a %s step does not compound: most_specific, first, best_for_buyer or add", s.Kind)
	}
	errs = append(errs, validatePrecedence(f, s)...)
	if s.Reference != nil {
		if s.Kind != Payment {
			add(f+".reference", "only a payment step has reference terms")
		} else if err := s.Reference.Validate(); err != nil {
			errs = append(errs, b2bkit.InField(f+".reference", err))
		}
	}
	if len(s.Rules) > MaxRules {
		add(f+".rules", "must have at most %d rules", MaxRules)
		return errs
	}
	ids := make(map[string]int, len(s.Rules))
	cumulative := s.Combine == Add || s.Combine == Compound
	var scopes scopeIndex // rules by scope: the earlier rules a rule could tie with or repeat
	if s.Combine == MostSpecific || cumulative {
		scopes = newScopeIndex(len(s.Rules))
	}
	for j, r := range s.Rules {
		rf := rulePath{step: f, rule: j}
		if r.ID == "" {
			add(rf.field("id"), "must be set")
		} else if k, dup := ids[r.ID]; dup {
			add(rf.field("id"), "duplicates rules[%d].id %q", k, r.ID)
		} else {
			ids[r.ID] = j
		}
		if !r.ValidFrom.IsZero() && !r.ValidUntil.IsZero() && !r.ValidUntil.After(r.ValidFrom) {
			add(rf.field("valid_until"), "must be after valid_from")
		}
		if r.ByOrderDate && r.ValidFrom.IsZero() && r.ValidUntil.IsZero() {
			add(rf.field("by_order_date"), "the rule has no validity dates to match against the order date")
		}
		errs = append(errs, validateRule(rf, s.Kind, r)...)
		if s.Combine == MostSpecific {
			for k := scopes.add(r, j); k != j; k = scopes.next[k] {
				if overlaps(s.Rules[k], r) {
					add(rf.String(), "ties with rules[%d] (%q): same scope, overlapping validity; most_specific cannot choose", k, s.Rules[k].ID)
				}
			}
		} else if cumulative && len(ruleNumbers(rf, r)) == 0 { // sameEffect compares the numbers
			for k := scopes.add(r, j); k != j; k = scopes.next[k] {
				if overlaps(s.Rules[k], r) && sameEffect(s.Rules[k], r) {
					add(rf.String(), "duplicates rules[%d] (%q): %s would apply it twice", k, s.Rules[k].ID, s.Combine)
				}
			}
		}
	}
	return errs
}

// A rulePath names a rule of a step, or a field of it, for an error. It is written out only for
// one: written out for every rule of a valid policy, it cost an allocation per rule.
type rulePath struct {
	step string // the step's path: "steps[1]"
	rule int
}

func (p rulePath) String() string { return p.step + ".rules[" + strconv.Itoa(p.rule) + "]" }

// field is the path of the rule's field name: "percent", "bands[2].from".
func (p rulePath) field(name string) string { return p.String() + "." + name }

// band is the path of the rule's band i, or of its field name when name is not empty.
func (p rulePath) band(i int, name string) string {
	f := p.field("bands[" + strconv.Itoa(i) + "]")
	if name != "" {
		f += "." + name
	}
	return f
}

// A scopeIndex finds the earlier rules of a step with a rule's scope, in the order they came: two
// rules with the same scope match the same requests. It keeps a chain of rules per scope, not a
// list: a list per rule cost an allocation per rule.
type scopeIndex struct {
	ends map[string][2]int // a scope's first and last rule
	next []int             // the next rule of the same scope
	key  []byte            // the scope being looked up, written out
}

func newScopeIndex(rules int) scopeIndex {
	return scopeIndex{ends: make(map[string][2]int, rules), next: make([]int, rules)}
}

// add indexes rule j, r, and returns the first rule of its scope: next leads from it to the
// following ones, up to j (j itself when no rule before it has its scope).
func (x *scopeIndex) add(r Rule, j int) int {
	x.key = appendScopeKey(x.key[:0], r)
	e, found := x.ends[string(x.key)]
	if !found {
		x.ends[string(x.key)] = [2]int{j, j}
		return j
	}
	x.next[e[1]] = j
	x.ends[string(x.key)] = [2]int{e[0], j}
	return e[0]
}

// appendScopeKey appends the rule's scope written out: two rules with the same key match the same
// requests.
func appendScopeKey(b []byte, r Rule) []byte {
	for _, x := range [...]string{string(r.Buyer), r.Group, r.Tier, r.Grade, string(r.SKU)} {
		b = strconv.AppendQuote(b, x)
	}
	if len(r.Attributes) > 0 {
		for _, k := range slices.Sorted(maps.Keys(r.Attributes)) {
			b = strconv.AppendQuote(b, k)
			b = append(b, '=')
			b = strconv.AppendQuote(b, r.Attributes[k])
		}
	}
	return b
}

// scopeWords are the scopes a step's precedence may name besides SKU attributes.
var scopeWords = []string{"buyer", "group", "tier", "grade", "sku"}

// validatePrecedence checks a step's precedence: known scopes, each once, and every scope the
// step's rules use listed, which a most_specific step with rules scoped by attributes must declare.
func validatePrecedence(f string, s Step) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	if len(s.Precedence) > maxPrecedence {
		add(f+".precedence", "must name at most %d scopes", maxPrecedence)
		return errs
	}
	seen := map[string]bool{}
	for i, p := range s.Precedence {
		switch {
		case !snakeCase(p):
			add(fmt.Sprintf("%s.precedence[%d]", f, i), "%q: scopes are buyer, group, tier, grade, sku or an attribute's lower-case snake_case name", xerr.Echo(p))
		case seen[p]:
			add(fmt.Sprintf("%s.precedence[%d]", f, i), "%q is named twice", p)
		}
		seen[p] = true
	}
	attrs := false
	var used []string // a rule's scopes, the list reused from rule to rule
	for j, r := range s.Rules {
		attrs = attrs || len(r.Attributes) > 0
		if len(s.Precedence) == 0 {
			continue
		}
		used = appendScopes(used[:0], r)
		for _, u := range used {
			if !seen[u] {
				add(rulePath{step: f, rule: j}.String(), "is scoped by %s, which the step's precedence does not name", u)
			}
		}
	}
	if attrs && s.Combine == MostSpecific && len(s.Precedence) == 0 {
		add(f+".precedence", "must be declared: rules are scoped by SKU attributes, and most_specific needs to know whether an attribute is more specific than the other scopes")
	}
	return errs
}

// maxPrecedence is the most scopes a precedence may name.
const maxPrecedence = 24

// ruleScopes are the scopes a rule sets, in precedence words.
func ruleScopes(r Rule) []string { return appendScopes(nil, r) }

// appendScopes appends the scopes a rule sets, in precedence words, to out.
func appendScopes(out []string, r Rule) []string {
	for i, set := range [...]bool{r.Buyer != "", r.Group != "", r.Tier != "", r.Grade != "", r.SKU != ""} {
		if set {
			out = append(out, scopeWords[i])
		}
	}
	if len(r.Attributes) == 0 {
		return out
	}
	n := len(out)
	out = slices.AppendSeq(out, maps.Keys(r.Attributes))
	slices.Sort(out[n:])
	return out
}

// validateExcludes checks the exclusions of the rules of line step i: each names a later step of
// a kind that may be skipped (quantity, payment, lead_time, tier, or an order discount).
func validateExcludes(f string, p Policy, i int) []error {
	var errs []error
	for j, r := range p.Steps[i].Rules {
		for k, name := range r.Excludes {
			ef := func() string { return rulePath{step: f, rule: j}.field("excludes[" + strconv.Itoa(k) + "]") }
			found := false
			for n := i + 1; n < len(p.Steps); n++ {
				if stepName(p.Steps[n]) != name {
					continue
				}
				found = true
				switch p.Steps[n].Kind {
				case Quantity, Payment, LeadTime, Tier:
				default:
					errs = append(errs, b2bkit.Invalid(ef(), "steps[%d] (%q) is a %s step, which always applies", n, name, p.Steps[n].Kind))
				}
			}
			for n := range p.Order {
				if stepName(p.Order[n]) != name {
					continue
				}
				found = true
				if p.Order[n].Kind != OrderDiscount {
					errs = append(errs, b2bkit.Invalid(ef(), "order[%d] (%q) is a %s step; only an order discount can be excluded", n, name, p.Order[n].Kind))
				}
			}
			if !found {
				errs = append(errs, b2bkit.Invalid(ef(), "%q names no step after this one", xerr.Echo(name)))
			}
		}
	}
	return errs
}

// stepName is the step's name in explanations and exclusions: its Name, or else its kind.
func stepName(s Step) string {
	if s.Name != "" {
		return s.Name
	}
	return s.Kind.String()
}

// overlaps reports whether both rules' validity windows share an instant.
func overlaps(a, b Rule) bool {
	// a starts before b ends and b starts before a ends; zero bounds are open.
	aBeforeBEnd := b.ValidUntil.IsZero() || a.ValidFrom.IsZero() || a.ValidFrom.Before(b.ValidUntil)
	bBeforeAEnd := a.ValidUntil.IsZero() || b.ValidFrom.IsZero() || b.ValidFrom.Before(a.ValidUntil)
	return aBeforeBEnd && bBeforeAEnd
}

// checkNumber rejects numbers whose arithmetic could run away: more than 24 digits before the point
// or more than 18 after it. The engine's entry points put numbers in canonical form first (see
// canon.go), so trailing zeros do not count.
func checkNumber(d decimal.Decimal) bool {
	if d.IsZero() {
		return true
	}
	exp := d.Exponent()
	return exp >= -b2bkit.MaxScale && int64(d.NumDigits())+int64(exp) <= 24
}

// ruleNumbers reports the numbers of rule r, its bands and its early-payment offer that
// checkNumber refuses, each by its field under rf.
func ruleNumbers(rf rulePath, r Rule) []error {
	var errs []error
	check := func(field string, d decimal.Decimal) {
		if !checkNumber(d) {
			errs = append(errs, b2bkit.Invalid(rf.field(field), "number out of range"))
		}
	}
	for _, n := range [...]struct {
		name string
		v    decimal.Decimal
	}{{"price", r.Price}, {"percent", r.Percent}, {"amount", r.Amount}, {"annual_percent", r.AnnualPercent},
		{"floor_margin_percent", r.FloorMarginPercent}, {"max_discount_percent", r.MaxDiscountPercent},
		{"increment", r.Increment}, {"free_from", r.FreeFrom}, {"every", r.Every}, {"free", r.Free}} {
		check(n.name, n.v)
	}
	if len(r.Bands) <= MaxBands { // more are refused by validateBands, unread
		for i, b := range r.Bands {
			for _, n := range [...]struct {
				name string
				v    decimal.Decimal
			}{{"from", b.From}, {"to", b.To}, {"percent", b.Percent}, {"amount", b.Amount}} {
				if !checkNumber(n.v) {
					errs = append(errs, b2bkit.Invalid(rf.band(i, n.name), "number out of range"))
				}
			}
		}
	}
	if e := r.EarlyPayment; e != nil {
		check("early_payment.discount_percent", e.DiscountPercent)
	}
	return errs
}

func validateRule(rf rulePath, kind StepKind, r Rule) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(rf.field(field), format, args...))
	}
	if errs := ruleNumbers(rf, r); len(errs) > 0 {
		// The checks below compare the numbers: one with an absurd exponent (1e1073741824) would
		// be scaled by a power of ten of a billion digits first.
		return errs
	}
	// Fields a kind does not read must be zero, so a misplaced setting is not silently ignored.
	used := readBy(kind)
	for _, s := range [...]struct {
		name  string
		field ruleField
		isSet bool
	}{{"price", fPrice, !r.Price.IsZero()}, {"formula", fFormula, r.Formula != ""}, {"percent", fPercent, !r.Percent.IsZero()},
		{"amount", fAmount, !r.Amount.IsZero()}, {"excludes", fExcludes, len(r.Excludes) > 0}, {"mix", fMix, r.Mix},
		{"mode", fMode, r.Mode != Volume}, {"bands", fBands, len(r.Bands) > 0}, {"rising", fRising, r.Rising},
		{"annual_percent", fAnnualPercent, !r.AnnualPercent.IsZero()}, {"early_payment", fEarlyPayment, r.EarlyPayment != nil},
		{"floor_margin_percent", fFloorMarginPercent, !r.FloorMarginPercent.IsZero()},
		{"max_discount_percent", fMaxDiscountPercent, !r.MaxDiscountPercent.IsZero()}, {"on_breach", fOnBreach, r.OnBreach != Clamp},
		{"scale", fScale, r.Scale != 0}, {"rounding_mode", fRoundingMode, r.RoundingMode != b2bkit.HalfUp},
		{"increment", fIncrement, !r.Increment.IsZero()}, {"per", fPer, r.Per != ""}, {"free_from", fFreeFrom, !r.FreeFrom.IsZero()},
		{"every", fEvery, !r.Every.IsZero()}, {"free", fFree, !r.Free.IsZero()}, {"free_sku", fFreeSKU, r.FreeSKU != ""}} {
		if s.isSet && used&s.field == 0 {
			add(s.name, "is not read by a %s step", kind)
		}
	}
	if len(r.Attributes) > 0 {
		for _, k := range slices.Sorted(maps.Keys(r.Attributes)) {
			switch {
			case !snakeCase(k) || contains(scopeWords, k):
				add("attributes", "%q: an attribute's name is lower-case snake_case and not one of buyer, group, tier, grade, sku", xerr.Echo(k))
			case r.Attributes[k] == "":
				add("attributes."+k, "must be set")
			}
		}
	}
	if len(r.Excludes) > MaxSteps {
		add("excludes", "must name at most %d steps", MaxSteps)
	}
	if kind != Freight {
		for i, b := range r.Bands {
			if !b.Amount.IsZero() {
				errs = append(errs, b2bkit.Invalid(rf.band(i, "amount"), "only a freight rule by weight charges an amount per band"))
			}
		}
	}
	switch kind {
	case Base:
		switch {
		case r.Formula != "" && !r.Price.IsZero():
			add("formula", "a base rule has either a price or a formula, not both")
		case r.Formula != "" && !validFormula(r.Formula):
			add("formula", "%q: must be list, cost, contract or list:NAME", xerr.Echo(r.Formula))
		case r.Formula == "" && (!r.Percent.IsZero() || !r.Amount.IsZero()):
			add("percent", "percent and amount apply to a formula's figure: set formula")
		case r.Formula == "" && r.Price.Sign() <= 0:
			add("price", "must be > 0")
		case !r.Percent.GreaterThan(minusHundr):
			add("percent", "must be > -100")
		}
	case Quantity, LeadTime:
		if r.Mode != Volume && r.Mode != Graduated {
			add("mode", "unknown break mode %d", int(r.Mode))
		}
		if r.Mix && r.Mode != Volume {
			add("mix", "a mixed quantity prices every unit at one band's rate: mode volume")
		}
		errs = append(errs, validateBands(rf, r.Bands, kind == LeadTime)...)
		if kind == Quantity {
			errs = append(errs, validateBreaks(rf, r.Bands, r.Rising)...)
		}
	case OrderDiscount:
		if (len(r.Bands) > 0) == !r.Amount.IsZero() {
			add("bands", "exactly one of bands (over the order's value) and amount must be set")
		} else if len(r.Bands) > 0 {
			errs = append(errs, validateBands(rf, r.Bands, false)...)
		}
	case Freight:
		switch r.Per {
		case "weight", "value":
		default:
			add("per", "must be weight or value")
		}
		if r.Amount.Sign() < 0 {
			add("amount", "must be >= 0")
		}
		if r.FreeFrom.Sign() < 0 {
			add("free_from", "must be >= 0")
		}
		if len(r.Bands) == 0 && r.Amount.IsZero() {
			add("bands", "a freight rule charges by bands, a fixed amount or both")
		}
		if len(r.Bands) > 0 {
			errs = append(errs, validateBands(rf, r.Bands, false)...)
		}
		for i, b := range r.Bands {
			switch {
			case r.Per == "weight" && (!b.Percent.IsZero() || b.Amount.Sign() < 0 || !checkNumber(b.Amount)):
				errs = append(errs, b2bkit.Invalid(rf.band(i, ""), "freight by weight charges an amount >= 0 per kilogram, not a percent"))
			case r.Per == "value" && (!b.Amount.IsZero() || b.Percent.Sign() < 0):
				errs = append(errs, b2bkit.Invalid(rf.band(i, ""), "freight by value charges a percent >= 0 of the value, not an amount"))
			}
		}
	case FreeGoods:
		if r.Every.Sign() <= 0 {
			add("every", "must be > 0")
		}
		if r.Free.Sign() <= 0 {
			add("free", "must be > 0")
		}
	case Payment:
		if r.AnnualPercent.Sign() < 0 {
			add("annual_percent", "must be >= 0")
		} else if r.AnnualPercent.GreaterThan(decimal.NewFromInt(1000)) {
			add("annual_percent", "must be at most 1000")
		}
		if e := r.EarlyPayment; e != nil {
			if !checkNumber(e.DiscountPercent) || e.DiscountPercent.Sign() <= 0 || !e.DiscountPercent.LessThan(hundred) {
				add("early_payment.discount_percent", "must be > 0 and < 100")
			}
			if e.WithinDays < 0 {
				add("early_payment.within_days", "must be >= 0")
			}
			if e.NetDays <= e.WithinDays || e.NetDays > b2bkit.MaxTermDays {
				add("early_payment.net_days", "must be after within_days and at most %d", b2bkit.MaxTermDays)
			}
		}
	case Tier:
		switch {
		case r.Percent.IsZero() == r.Amount.IsZero():
			add("percent", "exactly one of percent and amount must be set")
		case !r.Percent.GreaterThan(minusHundr):
			add("percent", "must be > -100")
		}
	case Guardrail:
		if r.FloorMarginPercent.Sign() < 0 {
			add("floor_margin_percent", "must be >= 0")
		}
		if r.MaxDiscountPercent.Sign() < 0 || !r.MaxDiscountPercent.LessThan(hundred) {
			add("max_discount_percent", "must be >= 0 and < 100")
		}
		if r.OnBreach != Clamp && r.OnBreach != Approve {
			add("on_breach", "unknown action %d", int(r.OnBreach))
		}
	case Rounding:
		if r.Scale < 0 || r.Scale > b2bkit.MaxScale {
			add("scale", "must be between 0 and %d", b2bkit.MaxScale)
		}
		if !r.RoundingMode.Valid() {
			add("rounding_mode", "unknown rounding mode %d", int(r.RoundingMode))
		}
		// Round only at a valid scale: rounding to a scale of millions would allocate without bound.
		if r.Increment.Sign() < 0 {
			add("increment", "must be > 0 when set")
		} else if r.Scale >= 0 && r.Scale <= b2bkit.MaxScale && checkNumber(r.Increment) &&
			!r.Increment.Equal(r.Increment.Round(r.Scale)) {
			add("increment", "has more than scale (%d) decimal places", r.Scale)
		}
	}
	return errs
}

// A ruleField is a field of a rule that some step kinds read and the others must leave zero.
type ruleField uint32

const (
	fPrice ruleField = 1 << iota
	fFormula
	fPercent
	fAmount
	fExcludes
	fMix
	fMode
	fBands
	fRising
	fAnnualPercent
	fEarlyPayment
	fFloorMarginPercent
	fMaxDiscountPercent
	fOnBreach
	fScale
	fRoundingMode
	fIncrement
	fPer
	fFreeFrom
	fEvery
	fFree
	fFreeSKU
)

// readBy is the fields of a rule a step of kind reads: a fixed table, not a map made per rule.
func readBy(kind StepKind) ruleField {
	switch kind {
	case Base:
		return fPrice | fFormula | fPercent | fAmount | fExcludes
	case Quantity:
		return fMode | fBands | fRising | fMix | fExcludes
	case Payment:
		return fAnnualPercent | fEarlyPayment | fExcludes
	case LeadTime:
		return fBands | fExcludes
	case Tier:
		return fPercent | fAmount | fExcludes
	case Guardrail:
		return fFloorMarginPercent | fMaxDiscountPercent | fOnBreach
	case Rounding:
		return fScale | fRoundingMode | fIncrement
	case OrderDiscount:
		return fBands | fAmount
	case Freight:
		return fPer | fBands | fAmount | fFreeFrom
	case FreeGoods:
		return fEvery | fFree | fFreeSKU
	}
	return 0
}

// validFormula reports whether f names a figure a base formula can start from.
func validFormula(f string) bool {
	switch f {
	case "list", "cost", "contract":
		return true
	}
	name, ok := strings.CutPrefix(f, "list:")
	return ok && snakeCase(name)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validateBands checks bands are ascending, contiguous (no gap, no overlap), only the last open, and
// that their percents stay above -100. Lead-time bands count whole days.
func validateBands(rf rulePath, bands []Band, wholeDays bool) []error {
	var errs []error
	switch {
	case len(bands) == 0:
		return append(errs, b2bkit.Invalid(rf.field("bands"), "must have at least one band"))
	case len(bands) > MaxBands:
		return append(errs, b2bkit.Invalid(rf.field("bands"), "must have at most %d bands", MaxBands))
	}
	for i, b := range bands {
		add := func(field, format string, args ...any) {
			errs = append(errs, b2bkit.Invalid(rf.band(i, field), format, args...))
		}
		if !checkNumber(b.From) || !checkNumber(b.To) || !checkNumber(b.Percent) {
			add("", "number out of range")
			continue
		}
		if b.From.Sign() < 0 {
			add("from", "must be >= 0")
		}
		if wholeDays && (!b.From.IsInteger() || !b.To.IsInteger()) {
			add("", "lead-time bands count whole days")
		}
		last := i == len(bands)-1
		switch {
		case b.To.IsZero() && !last:
			add("to", "only the last band may be open")
		case !b.To.IsZero() && !b.To.GreaterThan(b.From):
			add("to", "must be greater than from")
		}
		if !b.Percent.GreaterThan(minusHundr) {
			add("percent", "must be > -100")
		}
		if i > 0 {
			prev := bands[i-1]
			switch c := b.From.Cmp(prev.To); {
			case prev.To.IsZero():
				// already reported: only the last band may be open
			case c < 0:
				add("from", "overlaps bands[%d], which runs to %s", i-1, prev.To)
			case c > 0:
				add("from", "leaves a gap after bands[%d], which ends at %s", i-1, prev.To)
			}
		}
	}
	return errs
}

// validateBreaks checks what a quantity rule's bands promise: the last band open, so that no
// quantity falls off the breaks and back to the full price, and, unless rising is declared, no
// band's percent above the one before it (nor the first band's above the 0 of the units below it),
// so that more quantity never costs more per unit.
func validateBreaks(rf rulePath, bands []Band, rising bool) []error {
	var errs []error
	if len(bands) == 0 || len(bands) > MaxBands {
		return nil // reported by validateBands
	}
	last := bands[len(bands)-1]
	if !last.To.IsZero() {
		errs = append(errs, b2bkit.Invalid(rf.band(len(bands)-1, "to"),
			"the last quantity band must be open: from %s on the break would end and the price jump back", last.To))
	}
	if rising {
		return errs
	}
	if bands[0].From.Sign() > 0 && bands[0].Percent.Sign() > 0 {
		errs = append(errs, b2bkit.Invalid(rf.band(0, "percent"),
			"%s is above the 0 below the first band: more quantity would cost more per unit (declare rising if meant)", bands[0].Percent))
	}
	for i := 1; i < len(bands); i++ {
		if bands[i].Percent.GreaterThan(bands[i-1].Percent) {
			errs = append(errs, b2bkit.Invalid(rf.band(i, "percent"),
				"%s is above bands[%d]'s %s: more quantity would cost more per unit (declare rising if meant)",
				bands[i].Percent, i-1, bands[i-1].Percent))
		}
	}
	return errs
}

// canLower reports whether a step can take the unit price down: a discount band or tier privilege,
// or a payment rate, which gives a discount for paying earlier than the reference terms.
func canLower(s Step) bool {
	for _, r := range s.Rules {
		switch s.Kind {
		case Quantity, LeadTime:
			for _, b := range r.Bands {
				if b.Percent.Sign() < 0 {
					return true
				}
			}
		case Tier:
			if r.Percent.Sign() < 0 || r.Amount.Sign() < 0 {
				return true
			}
		case Payment:
			if r.AnnualPercent.Sign() > 0 {
				return true
			}
		}
	}
	return false
}

// sameEffect reports whether two rules of a step do the same to a price: every field but the ID,
// the scope and the validity is equal.
func sameEffect(a, b Rule) bool {
	eq := func(x, y decimal.Decimal) bool { return x.Equal(y) }
	if !eq(a.Price, b.Price) || a.Formula != b.Formula || !slices.Equal(a.Excludes, b.Excludes) || a.Mix != b.Mix ||
		a.Per != b.Per || !eq(a.FreeFrom, b.FreeFrom) || !eq(a.Every, b.Every) || !eq(a.Free, b.Free) || a.FreeSKU != b.FreeSKU ||
		!eq(a.Percent, b.Percent) || !eq(a.Amount, b.Amount) || a.Mode != b.Mode ||
		a.Rising != b.Rising || !eq(a.AnnualPercent, b.AnnualPercent) || !eq(a.FloorMarginPercent, b.FloorMarginPercent) ||
		!eq(a.MaxDiscountPercent, b.MaxDiscountPercent) || a.OnBreach != b.OnBreach || a.Scale != b.Scale ||
		a.RoundingMode != b.RoundingMode || !eq(a.Increment, b.Increment) || len(a.Bands) != len(b.Bands) ||
		(a.EarlyPayment == nil) != (b.EarlyPayment == nil) {
		return false
	}
	for i := range a.Bands {
		x, y := a.Bands[i], b.Bands[i]
		if !eq(x.From, y.From) || !eq(x.To, y.To) || !eq(x.Percent, y.Percent) || !eq(x.Amount, y.Amount) {
			return false
		}
	}
	if x, y := a.EarlyPayment, b.EarlyPayment; x != nil &&
		(!eq(x.DiscountPercent, y.DiscountPercent) || x.WithinDays != y.WithinDays || x.NetDays != y.NetDays) {
		return false
	}
	return true
}
