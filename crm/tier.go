package crm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A ContributionKind is one way a customer earns tier points (R4: 出力出钱 — contribution counts, not
// only money).
type ContributionKind int

const (
	// Purchase is money spent on the platform; its Amount is the money (negative for a return).
	Purchase ContributionKind = iota
	// OnTimePayment is an invoice paid by its due date.
	OnTimePayment
	// Referral is another company brought to the platform.
	Referral
	// Review is a product or supplier review written.
	Review
)

var contributionWords = [...]string{Purchase: "purchase", OnTimePayment: "on_time_payment", Referral: "referral", Review: "review"}

// Valid reports whether k is a known kind.
func (k ContributionKind) Valid() bool { return k >= 0 && int(k) < len(contributionWords) }

// String returns the kind's word.
func (k ContributionKind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("ContributionKind(%d)", int(k))
	}
	return contributionWords[k]
}

// MarshalText encodes the kind as its word.
func (k ContributionKind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, b2bkit.Invalid("kind", "unknown contribution kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its word.
func (k *ContributionKind) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(contributionWords[:], b, "contribution kind")
	if err != nil {
		return err // the receiver keeps its value
	}
	*k = ContributionKind(v)
	return nil
}

// A Contribution is one thing a customer company did that earns tier points.
type Contribution struct {
	Company b2bkit.CompanyID
	Kind    ContributionKind
	// Amount is the money of a Purchase; for other kinds the count (zero counts as one).
	Amount decimal.Decimal
	At     time.Time
}

// A TierLevel is one tier of a TierPolicy: the points it takes and what it gives.
type TierLevel struct {
	// Name is the tier's name, shown to the customer ("silver", "金牌").
	Name string
	// MinPoints is the least number of points that reaches the tier.
	MinPoints decimal.Decimal
	// Privileges are what the tier gives (特权): words the host's pricing and service read.
	Privileges []string
}

// TierWeights say how many points each contribution earns.
type TierWeights struct {
	// Purchase is points per unit of money spent.
	Purchase decimal.Decimal
	// OnTimePayment, Referral and Review are points per contribution.
	OnTimePayment decimal.Decimal
	Referral      decimal.Decimal
	Review        decimal.Decimal
}

func (w TierWeights) of(k ContributionKind) decimal.Decimal {
	switch k {
	case Purchase:
		return w.Purchase
	case OnTimePayment:
		return w.OnTimePayment
	case Referral:
		return w.Referral
	default:
		return w.Review
	}
}

// weightField is a weight and its JSON name.
type weightField struct {
	f string
	d decimal.Decimal
}

// fields lists the weights with their JSON names, for the checks of Validate and MarshalJSON.
func (w TierWeights) fields() [4]weightField {
	return [4]weightField{{"purchase", w.Purchase}, {"on_time_payment", w.OnTimePayment},
		{"referral", w.Referral}, {"review", w.Review}}
}

// A TierPolicy is the host's customer tiers (R4: 分级分类), explicit and shown to customers: the
// levels, the weights of purchases and contributions, and the window the points are counted over.
// Because points only count within the window, a customer who stops contributing goes down a tier
// (能进能退). It is plain data; load it with LoadTierPolicy.
type TierPolicy struct {
	// Levels are the tiers from lowest to highest; MinPoints strictly ascend and the first is 0,
	// so every customer has a tier.
	Levels []TierLevel
	// Weights are the points per purchase money and per contribution.
	Weights TierWeights
	// WindowDays is how many calendar days back from the evaluation date contributions count,
	// 1 to 3660.
	WindowDays int
}

type tierLevelJSON struct {
	Name       string             `json:"name"`
	MinPoints  b2bkit.JSONDecimal `json:"min_points"`
	Privileges []string           `json:"privileges,omitempty"`
}

type tierWeightsJSON struct {
	Purchase      b2bkit.JSONDecimal `json:"purchase"`
	OnTimePayment b2bkit.JSONDecimal `json:"on_time_payment"`
	Referral      b2bkit.JSONDecimal `json:"referral"`
	Review        b2bkit.JSONDecimal `json:"review"`
}

type tierPolicyJSON struct {
	Levels     []tierLevelJSON `json:"levels"`
	Weights    tierWeightsJSON `json:"weights"`
	WindowDays int             `json:"window_days"`
}

// MarshalJSON writes the policy with snake_case names and decimals as strings; a number
// xerr.SaneValue refuses is an error naming it, as Validate names it.
func (p TierPolicy) MarshalJSON() ([]byte, error) {
	for i, l := range p.Levels {
		if err := checkWrite(fmt.Sprintf("tier_policy.levels[%d].min_points", i), l.MinPoints); err != nil {
			return nil, err
		}
	}
	for _, w := range p.Weights.fields() {
		if err := checkWrite("tier_policy.weights."+w.f, w.d); err != nil {
			return nil, err
		}
	}
	w := tierPolicyJSON{WindowDays: p.WindowDays, Weights: tierWeightsJSON{
		b2bkit.JSONDecimal{Decimal: p.Weights.Purchase}, b2bkit.JSONDecimal{Decimal: p.Weights.OnTimePayment},
		b2bkit.JSONDecimal{Decimal: p.Weights.Referral}, b2bkit.JSONDecimal{Decimal: p.Weights.Review}}}
	w.Levels = make([]tierLevelJSON, len(p.Levels))
	for i, l := range p.Levels {
		w.Levels[i] = tierLevelJSON{l.Name, b2bkit.JSONDecimal{Decimal: l.MinPoints}, l.Privileges}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, strictly: unknown fields are errors.
func (p *TierPolicy) UnmarshalJSON(b []byte) error {
	var w tierPolicyJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*p = w.value()
	return nil
}

func (w *tierPolicyJSON) value() TierPolicy {
	p := TierPolicy{WindowDays: w.WindowDays, Weights: TierWeights{w.Weights.Purchase.Decimal,
		w.Weights.OnTimePayment.Decimal, w.Weights.Referral.Decimal, w.Weights.Review.Decimal}}
	if w.Levels != nil {
		p.Levels = make([]TierLevel, len(w.Levels))
	}
	for i, l := range w.Levels {
		p.Levels[i] = TierLevel{Name: l.Name, MinPoints: l.MinPoints.Decimal, Privileges: l.Privileges}
	}
	return p
}

// LoadTierPolicy reads a TierPolicy from JSON, strictly (unknown fields rejected, at most
// b2bkit.MaxJSONBytes), and validates it. Errors match b2bkit.ErrInvalid.
func LoadTierPolicy(r io.Reader) (TierPolicy, error) {
	if r == nil {
		return TierPolicy{}, wrap(b2bkit.Invalid("tier_policy", "no reader"))
	}
	data, err := io.ReadAll(io.LimitReader(r, b2bkit.MaxJSONBytes+1))
	if err != nil {
		return TierPolicy{}, wrap(b2bkit.Invalid("", "reading tier policy: %v", err))
	}
	// Decoded as its plain shape, once: decoded as a TierPolicy, the document was checked and read a
	// second time, whole, by TierPolicy.UnmarshalJSON.
	var w tierPolicyJSON
	if err := wire.DecodeStrict(data, &w); err != nil {
		// A refused document is named as it was, decoded as a TierPolicy: that checks every key for
		// duplicates before any name, and names a document that is not JSON by the decoder's message.
		var p TierPolicy
		if again := wire.DecodeStrict(data, &p); again != nil {
			err = again
		}
		return TierPolicy{}, wrap(b2bkit.InField("tier_policy", err))
	}
	p := w.value()
	if err := p.Validate(); err != nil {
		return TierPolicy{}, wrap(err)
	}
	return p, nil
}

// MaxTierLevels bounds the levels of a policy.
const MaxTierLevels = 100

// Validate reports every problem with the policy: no levels, too many, a level without a name or
// with a repeated one, thresholds that do not strictly ascend from 0, negative weights, a window
// outside 1 to 3660 days, a number with more than 18 places (trailing zeros do not count) or more
// than 308 digits written out (xerr.SaneValue). Errors match b2bkit.ErrInvalid and name the field.
func (p TierPolicy) Validate() error {
	var errs []error
	switch {
	case len(p.Levels) == 0:
		errs = append(errs, b2bkit.Invalid("tier_policy.levels", "must have at least one level"))
	case len(p.Levels) > MaxTierLevels:
		errs = append(errs, b2bkit.Invalid("tier_policy.levels", "must have at most %d levels", MaxTierLevels))
	case !p.Levels[0].MinPoints.IsZero():
		errs = append(errs, b2bkit.Invalid("tier_policy.levels[0].min_points", "must be 0, so every customer has a tier"))
	}
	names := map[string]bool{}
	for i, l := range p.Levels {
		f := fmt.Sprintf("tier_policy.levels[%d]", i)
		if l.Name == "" || len(l.Name) > 64 {
			errs = append(errs, b2bkit.Invalid(f+".name", "must be 1 to 64 bytes"))
		} else if names[l.Name] {
			errs = append(errs, b2bkit.Invalid(f+".name", "repeats the name of an earlier level"))
		}
		names[l.Name] = true
		switch {
		case !xerr.SaneValue(l.MinPoints): // compared with the others, it would be scaled by its power of ten
			errs = append(errs, b2bkit.Invalid(f+".min_points", "%s", xerr.InsaneExponent))
		case i > 0 && xerr.SaneValue(p.Levels[i-1].MinPoints) && l.MinPoints.Cmp(p.Levels[i-1].MinPoints) <= 0:
			errs = append(errs, b2bkit.Invalid(f+".min_points", "must be more than the previous level's"))
		}
	}
	for _, w := range p.Weights.fields() {
		switch {
		case !xerr.SaneValue(w.d):
			errs = append(errs, b2bkit.Invalid("tier_policy.weights."+w.f, "%s", xerr.InsaneExponent))
		case w.d.Sign() < 0:
			errs = append(errs, b2bkit.Invalid("tier_policy.weights."+w.f, "must be >= 0"))
		}
	}
	if p.WindowDays < 1 || p.WindowDays > b2bkit.MaxTermDays {
		errs = append(errs, b2bkit.Invalid("tier_policy.window_days", "must be 1 to %d", b2bkit.MaxTermDays))
	}
	return errors.Join(errs...)
}

// A TierScore is a company's standing under a policy at a date.
type TierScore struct {
	Company b2bkit.CompanyID
	At      time.Time
	// Points are all points in the window; PurchasePoints and ContributionPoints split them into
	// money and the rest (R4).
	Points, PurchasePoints, ContributionPoints decimal.Decimal
	// Level is the tier reached: the highest level whose MinPoints the points reach, with its own
	// copy of the privileges (writing to it leaves the policy as it is).
	Level TierLevel
	// Next is the name of the next tier up, empty at the top; ToNext the points still missing.
	Next   string
	ToNext decimal.Decimal
}

// Score sums a company's points at at — contributions of other companies, from the future or from
// before the window are skipped — and finds the tier they reach. The policy must be valid; a
// contribution of unknown kind, or a negative count, is an error naming it.
func (p TierPolicy) Score(company b2bkit.CompanyID, contributions iter.Seq[Contribution], at time.Time) (TierScore, error) {
	return p.score(context.Background(), company, contributions, at)
}

// score is Score, looking at ctx every checkEvery contributions: a cancelled evaluation stops
// within a few thousand of them.
func (p TierPolicy) score(ctx context.Context, company b2bkit.CompanyID, contributions iter.Seq[Contribution], at time.Time) (TierScore, error) {
	if err := p.Validate(); err != nil {
		return TierScore{}, wrap(err)
	}
	from := b2bkit.AddDays(at, -p.WindowDays)
	s := TierScore{Company: company, At: at, PurchasePoints: decimal.Zero, ContributionPoints: decimal.Zero}
	one := decimal.NewFromInt(1)
	i := -1
	for c := range contributions {
		i++
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return TierScore{}, wrap(err)
			}
		}
		if c.Company != company || c.At.After(at) || !c.At.After(from) {
			continue
		}
		if !c.Kind.Valid() {
			return TierScore{}, wrap(b2bkit.Invalid(fmt.Sprintf("contributions[%d].kind", i), "unknown contribution kind %d", int(c.Kind)))
		}
		if !xerr.SaneValue(c.Amount) { // added to the points, it would be scaled by its power of ten
			return TierScore{}, wrap(b2bkit.Invalid(fmt.Sprintf("contributions[%d].amount", i), "%s", xerr.InsaneExponent))
		}
		if c.Kind == Purchase {
			s.PurchasePoints = s.PurchasePoints.Add(c.Amount.Mul(p.Weights.Purchase))
			continue
		}
		n := c.Amount
		switch {
		case n.IsZero():
			n = one
		case n.Sign() < 0:
			return TierScore{}, wrap(b2bkit.Invalid(fmt.Sprintf("contributions[%d].amount", i), "a count must be >= 0"))
		}
		s.ContributionPoints = s.ContributionPoints.Add(n.Mul(p.Weights.of(c.Kind)))
	}
	s.Points = s.PurchasePoints.Add(s.ContributionPoints)
	lvl := 0
	for j, l := range p.Levels {
		if s.Points.Cmp(l.MinPoints) >= 0 {
			lvl = j
		}
	}
	s.Level = p.Levels[lvl]
	s.Level.Privileges = slices.Clone(s.Level.Privileges) // the score's own: the policy serves every later one
	s.ToNext = decimal.Zero
	if lvl+1 < len(p.Levels) {
		s.Next = p.Levels[lvl+1].Name
		s.ToNext = p.Levels[lvl+1].MinPoints.Sub(s.Points)
	}
	return s, nil
}

// A TierResult is the outcome of EvaluateTier: the score, the company as stored after it, and the
// change made, if any.
type TierResult struct {
	Score   TierScore
	Company Company
	// Changed says the tier moved; Change is the record appended to the company's TierHistory.
	Changed bool
	Change  TierChange
}

// EvaluateTier scores a company under policy at at and stores its tier: up when it earned more,
// down when it earned less (R4: 能进能退). Every move is appended to the company's TierHistory; an
// unchanged tier writes nothing. The first evaluation records a change from "" to the tier reached.
// An at before the last recorded tier change is an error matching b2bkit.ErrInvalid.
func (c *CRM) EvaluateTier(ctx context.Context, company b2bkit.CompanyID, policy TierPolicy, contributions iter.Seq[Contribution], at time.Time) (TierResult, error) {
	if !c.made() {
		return TierResult{}, errNotMade()
	}
	if at.IsZero() {
		return TierResult{}, wrap(b2bkit.Invalid("at", "must be set"))
	}
	co, err := c.store.Company(ctx, company)
	if err != nil {
		return TierResult{}, wrap(err)
	}
	s, err := policy.score(ctx, company, contributions, at)
	if err != nil {
		return TierResult{}, err
	}
	if n := len(co.TierHistory); n > 0 && at.Before(co.TierHistory[n-1].At) {
		return TierResult{}, wrap(b2bkit.Invalid("at", "must not be before the last tier change"))
	}
	res := TierResult{Score: s, Company: co}
	if co.Tier == s.Level.Name {
		return res, nil
	}
	res.Change = TierChange{From: co.Tier, To: s.Level.Name, At: at, Points: s.Points}
	co.Tier = s.Level.Name
	co.TierHistory = append(co.TierHistory, res.Change)
	if res.Company, err = c.putCompany(ctx, co); err != nil {
		return TierResult{}, err
	}
	res.Changed = true
	return res, nil
}
