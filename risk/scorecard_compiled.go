package risk

import (
	"errors"
	"fmt"
	"math"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A CompiledScorecard is a valid Scorecard made ready to score many buyers: compiled once, it holds
// each attribute's best points and reason code worked out, and its bin edges read into integers at
// one exponent, so that scoring a buyer compares integers instead of decimals. It holds its own copy
// of the card: changing the Scorecard after Compile changes nothing here. Safe for concurrent use.
type CompiledScorecard struct {
	name, currency string
	base           float64
	grades         []GradeBand
	attrs          []scoreAttr
}

// scoreAttr is one attribute of a CompiledScorecard.
type scoreAttr struct {
	feature Feature
	pos     int // feature's position in Values, -1 for a host's own feature
	code    string
	missing float64   // the points of a missing value
	best    float64   // the most points the attribute gives: over its bins and missing
	points  []float64 // of each bin
	// A categorical attribute finds a category's bin in cats; a numeric one compares a value with
	// the maxima of every bin but the last, in increasing order: edges at exponent exp when all fit
	// an int64 there (nil otherwise), and maxima as decimals, for values that do not fit.
	cats   map[string]int
	exp    int32
	edges  []int64
	maxima []decimal.Decimal
}

// scoreLinearEdges is how many edges a value is compared with in order before halving pays.
const scoreLinearEdges = 8

// Compile validates the card (see Validate; an invalid card is an error matching b2bkit.ErrInvalid)
// and compiles it for scoring many buyers. The compiled card's Score gives exactly what the card's
// Score gives.
func (s Scorecard) Compile() (*CompiledScorecard, error) {
	s = s.canonical() // bounds at their own scale, not a padded one
	if err := s.Validate(); err != nil {
		return nil, err
	}
	c := &CompiledScorecard{name: s.Name, currency: s.Currency, base: s.Base,
		grades: append([]GradeBand(nil), s.Grades...), attrs: make([]scoreAttr, len(s.Attributes))}
	for i := range s.Attributes {
		c.attrs[i] = scoreCompileAttr(&s.Attributes[i])
	}
	return c, nil
}

// scoreCompileAttr compiles one attribute of a valid card.
func scoreCompileAttr(a *Attribute) scoreAttr {
	ca := scoreAttr{feature: a.Feature, pos: featPos(a.Feature), code: a.reasonCode(), missing: *a.MissingPoints, best: *a.MissingPoints,
		points: make([]float64, len(a.Bins))}
	for j, b := range a.Bins {
		ca.points[j] = b.Points
		ca.best = max(ca.best, b.Points)
	}
	if len(a.Bins[0].Categories) > 0 {
		ca.cats = make(map[string]int)
		for j, b := range a.Bins {
			for _, cat := range b.Categories {
				ca.cats[cat] = j
			}
		}
		return ca
	}
	last := len(a.Bins) - 1
	ca.maxima = make([]decimal.Decimal, last)
	ca.exp = math.MaxInt32
	for j := range last {
		ca.maxima[j] = *a.Bins[j].Max
		ca.exp = min(ca.exp, ca.maxima[j].Exponent())
	}
	// The edges at the finest exponent among them, if every one fits an int64 there.
	edges := make([]int64, last)
	for j, m := range ca.maxima {
		c, ok := fastdec.Int64(m)
		if ok {
			c, ok = scoreScale(c, int64(m.Exponent())-int64(ca.exp))
		}
		if !ok {
			return ca // edges stay nil: values are compared with the maxima
		}
		edges[j] = c
	}
	ca.edges = edges
	return ca
}

// Grade is the grade of a score, as Scorecard.Grade gives it; no grade ("") on a CompiledScorecard
// not made by Compile, as on an empty card.
func (c *CompiledScorecard) Grade(score float64) Grade {
	if c == nil {
		return ""
	}
	return Scorecard{Grades: c.grades}.Grade(score)
}

// errNotCompiled is what a CompiledScorecard not made by Compile (the zero value, a nil pointer)
// answers: it has no card, so it would score every buyer Base 0 with no grade.
func errNotCompiled() error {
	return fmt.Errorf("risk: %w", b2bkit.Invalid("scorecard", "not made by Compile"))
}

// Score scores one buyer exactly as Scorecard.Score does with the card compiled, errors included.
// The Result is compact, 32 bytes per attribute held in place (for a card of up to 16 attributes,
// else in one allocation), with Points and Reasons built when asked, from the feature set's own
// decimals. A CompiledScorecard not made by Compile (the zero value, a nil pointer) is an error
// matching b2bkit.ErrInvalid.
func (c *CompiledScorecard) Score(f FeatureSet) (Result, error) {
	if c == nil || len(c.grades) == 0 { // Compile refuses a card without grades
		return Result{}, errNotCompiled()
	}
	if c.currency != "" && f.Currency != "" && f.Currency != c.currency {
		return Result{}, fmt.Errorf("risk: %w", b2bkit.Invalid("features.currency",
			"is %s but scorecard %s bins money in %s", xerr.Echo(f.Currency), c.name, c.currency))
	}
	var r Result
	var slots []scoreSlot
	if n := len(c.attrs); n <= len(r.inline) {
		slots, r.n = r.inline[:n], n
	} else {
		r.more = make([]scoreSlot, n)
		slots = r.more
	}
	score := c.base
	var errs []error // as Scorecard.Score: every feature absent or not binned, in card order
	for i := range c.attrs {
		a := &c.attrs[i]
		// This package's features by the position resolved once, a host's own by name.
		v := f.Values.known(a.pos)
		if a.pos < 0 {
			if x, ok := f.Values.other(a.feature); ok {
				v = &x
			}
		}
		if v == nil {
			errs = append(errs, scoreAbsent(a.feature, c.name))
			continue
		}
		if e := v.Number.Exponent(); (e < -valueMaxExponent || e > valueMaxExponent) && !v.Missing && v.Category == "" { // as Scorecard.Score
			d, ok := valueNumber(v.Number)
			if !ok {
				errs = append(errs, scoreInsane(a.feature, v.Number))
				continue
			}
			x := NumberValue(d)
			v = &x
		}
		s := &slots[i]
		// The value read once: its coefficient, when it fits an int64, both bins it and keeps it.
		coef, small := int64(0), false
		if v.Category == "" {
			coef, small = v.coefficient()
		}
		if small {
			s.num, s.coef, s.missing = v.Number, coef, v.Missing
		} else {
			s.coef, s.odd = int64(len(r.odd)), true
			r.odd = append(r.odd, *v)
		}
		bin, err := a.bin(v, coef, small)
		if err != nil {
			errs = append(errs, b2bkit.InField("features.values."+string(a.feature), err))
			continue
		}
		s.bin = int16(bin) // at most scoreMaxBins
		score += a.pointsOf(s.bin)
	}
	if errs != nil {
		return Result{}, fmt.Errorf("risk: %w", errors.Join(errs...))
	}
	r.Score, r.Grade, r.card = score, c.Grade(score), c
	r.worst = Scorecard{Grades: c.grades}.isWorst(r.Grade)
	return r, nil
}

// pointsOf are the points of bin, or of a missing value for bin -1.
func (a *scoreAttr) pointsOf(bin int16) float64 {
	if bin < 0 {
		return a.missing
	}
	return a.points[bin]
}

// rank orders the attributes of slots that lost points, largest loss first, ties in card order,
// as Scorecard.Score does, with what each lost, appended to order and lostOf.
func (c *CompiledScorecard) rank(slots []scoreSlot, order []int, lostOf []float64) ([]int, []float64) {
	for i := range slots {
		a := &c.attrs[i]
		if lost := a.best - a.pointsOf(slots[i].bin); lost > 0 {
			order, lostOf = rankByLoss(order, lostOf, i, lost)
		}
	}
	return order, lostOf
}

// bin is the bin v falls in, -1 for a missing value; c is its coefficient when small says it fits
// an int64.
func (a *scoreAttr) bin(v *Value, c int64, small bool) (int, error) {
	switch {
	case v.Missing:
		return -1, nil
	case a.cats != nil:
		if j, ok := a.cats[v.Category]; ok {
			return j, nil
		}
		if v.Category == "" {
			return 0, b2bkit.Invalid("", "has no category, but the attribute is categorical")
		}
		return 0, b2bkit.Invalid("", "category %q is in no bin", xerr.Echo(v.Category))
	case v.Category != "":
		return 0, b2bkit.Invalid("", "has category %q, but the attribute is numeric", xerr.Echo(v.Category))
	}
	if !small || a.edges == nil {
		// The first bin whose maximum is above the value, exactly.
		x := scoreNumOf(v.Number)
		for j := range a.maxima {
			if x.cmp(a.maxima[j]) < 0 {
				return j, nil
			}
		}
		return len(a.maxima), nil
	}
	key, side := scoreKey(c, v.Number.Exponent(), a.exp)
	switch {
	case side < 0:
		return 0, nil
	case side > 0:
		return len(a.edges), nil
	case len(a.edges) > scoreLinearEdges:
		lo, hi := 0, len(a.edges) // the first edge above key is in [lo, hi]
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if a.edges[mid] <= key {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo, nil
	}
	for j, e := range a.edges {
		if key < e {
			return j, nil
		}
	}
	return len(a.edges), nil
}

// scoreKey reads the number c x 10^e against integer edges at exponent exp: it returns key, the
// number floored to a whole multiple of 10^exp, in units of 10^exp, so that the number is below an
// edge exactly when key is. When the number is beyond every int64 at exp, side is -1 (below every
// edge) or 1 (above every edge) instead.
func scoreKey(c int64, e, exp int32) (key int64, side int) {
	switch {
	case e == exp:
		return c, 0
	case e > exp:
		k, ok := scoreScale(c, int64(e)-int64(exp))
		if !ok {
			return 0, scoreSign(c)
		}
		return k, 0
	}
	d := int64(exp) - int64(e)
	if d > 18 { // |c| < 10^19: c x 10^-d is in (-1, 1)
		if c < 0 {
			return -1, 0
		}
		return 0, 0
	}
	p := int64(fastdec.Pow10(int(d)))
	q := c / p
	if c%p != 0 && c < 0 {
		q-- // floor, not truncation
	}
	return q, 0
}
