package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A scorecard (评分卡) turns a buyer's features into points, their sum into a score and the score into
// a grade (R17). It is plain data: a credit team writes it as JSON, LoadScorecard reads it strictly
// and Validate checks it as a whole, so Score never meets a card with gaps or overlaps.
//
// Bins follow the usual scorecard convention (as R's scorecard package): a numeric bin is the
// left-closed range [Min, Max), a nil Min or Max an open end. Every numeric attribute must cover the
// whole line: its first bin is open below, its last open above, and each Min equals the Max before it,
// so every number falls in exactly one bin and Score cannot meet a value outside the card.

// Limits that keep a scorecard and the arithmetic on it sane; Validate reports a card beyond them.
const (
	scoreMaxAttributes = 256
	scoreMaxBins       = 256
	scoreMaxCategories = 4096
	scoreMaxGrades     = 64
	scoreMaxNameLen    = 128
	// scoreMaxPoints bounds |points|, |base| and |min score|, so that no sum of them overflows.
	scoreMaxPoints = 1e9
	// scoreStackAttributes is the most attributes Score works on without allocating scratch space.
	scoreStackAttributes = 32
)

// A Scorecard is a credit scorecard for trade credit (赊销评分卡): points every buyer starts with,
// points per attribute (one feature, cut into bins) and grade bands over the sum. DefaultScorecard is
// a starting point; LoadScorecard reads one from JSON.
type Scorecard struct {
	// Name identifies the card ("trade-credit"); Version its revision. Name is required.
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Currency is the currency the money bins are written in ("CNY"). When set, Score refuses a
	// feature set in another currency; empty means the card has no money bins or does not say.
	Currency string `json:"currency,omitempty"`
	// Base is the points every buyer starts with (基础分).
	Base float64 `json:"base"`
	// Attributes are the features the card scores, each with its bins; a feature appears once.
	Attributes []Attribute `json:"attributes"`
	// Grades are the grade bands, best first: a score at or above a band's MinScore (and below the
	// band before it) gets its grade; a score below the last band's MinScore gets the last, worst grade.
	Grades []GradeBand `json:"grades"`
}

// An Attribute is one feature of a scorecard (评分项): its bins and the points of a missing value.
// Its bins are either all numeric ranges or all category lists, never mixed.
type Attribute struct {
	// Feature is the feature scored, as named in the feature set.
	Feature Feature `json:"feature"`
	// Code is the reason code Score reports when the attribute costs the buyer points. Empty means
	// "R_" followed by the feature in upper case ("R_ON_TIME_RATE"). Codes are unique in a card.
	Code string `json:"code,omitempty"`
	// Bins are the attribute's ranges or categories, numeric ranges in increasing order.
	Bins []Bin `json:"bins"`
	// MissingPoints are the points of a missing value (a new buyer has no trend). Required: a card
	// says what not knowing is worth, so a missing value is never silently scored as a zero.
	MissingPoints *float64 `json:"missing_points"`
}

// A Bin is one range or set of categories of an attribute (分箱) and the points a value in it gets.
// A numeric bin is [Min, Max); a categorical bin lists its categories and has neither Min nor Max.
// In JSON Min and Max are decimal strings, omitted for an open end.
type Bin struct {
	// Min is the lowest value in the bin; nil for the first bin, open below.
	Min *decimal.Decimal
	// Max is the lowest value above the bin, the next bin's Min; nil for the last bin, open above.
	Max *decimal.Decimal
	// Categories are the values of a categorical feature (Value.Category) in the bin.
	Categories []string
	// Points are what a value in the bin adds to the score.
	Points float64
}

// A GradeBand is a grade and the lowest score that earns it (评级).
type GradeBand struct {
	// Grade names the band ("A"); unique in a card.
	Grade Grade `json:"grade"`
	// MinScore is the lowest score in the band; below the band before it.
	MinScore float64 `json:"min_score"`
}

// A Result is what a scorecard says of one buyer: the score, its grade, the points of every
// attribute in card order (Points) and the reasons the buyer lost points, worst first (Reasons).
//
// A compiled card keeps a Result compact, so that scoring a buyer on every order check allocates
// nothing (for a card of up to 16 attributes): per attribute the bin and the value as an integer,
// with the card it came from. Points and Reasons build the full lists from them when asked. In JSON a Result is
// {"score":..,"grade":..,"points":[..],"reasons":[..]}.
type Result struct {
	// Score is Base plus the points of every attribute (评分).
	Score float64
	// Grade is the card's grade of Score.
	Grade Grade

	// The points in one of two forms: slots on a compiled card (card != nil), one per attribute,
	// with odd holding the values a slot cannot (a category, a number beyond an int64); or the
	// lists themselves (Scorecard.Score, or a Result read from JSON).
	// The slots of a card of up to scoreInlineSlots attributes are in inline, the first n of them,
	// so that scoring a buyer allocates nothing; a larger card's are in more.
	card    *CompiledScorecard
	n       int
	inline  [scoreInlineSlots]scoreSlot
	more    []scoreSlot
	odd     []Value
	points  []AttributePoints
	reasons []Reason
	// worst says that Grade is the card's worst (its last band), which gets no credit whatever a
	// limit policy says (R17). Only a Result a card scored knows it.
	worst bool
}

// scoreInlineSlots is the most attributes a compact Result holds without allocating: cards have
// about ten.
const scoreInlineSlots = 16

// A scoreSlot is one attribute of a compact Result: the bin (-1 for a missing value) and the value,
// as its number (the feature set's own decimal, shared: a decimal never changes) and coefficient, or,
// when odd, as the index in Result.odd.
type scoreSlot struct {
	num     decimal.Decimal
	coef    int64
	bin     int16
	missing bool
	odd     bool
}

// slots are the slots of a compact Result, one per attribute of its card.
func (r *Result) slots() []scoreSlot {
	if r.more != nil {
		return r.more
	}
	return r.inline[:r.n]
}

// Points are the points of every attribute, in card order: a new slice on every call.
func (r Result) Points() []AttributePoints {
	if r.card == nil {
		return slices.Clone(r.points)
	}
	slots := r.slots()
	out := make([]AttributePoints, len(slots))
	for i := range slots {
		a := &r.card.attrs[i]
		out[i] = AttributePoints{Feature: a.feature, Value: r.value(&slots[i]), Bin: int(slots[i].bin),
			Points: a.pointsOf(slots[i].bin)}
	}
	return out
}

// Reasons are the attributes that cost points, largest loss first, ties in card order; nil when
// none did. A new slice on every call.
func (r Result) Reasons() []Reason {
	if r.card == nil {
		return slices.Clone(r.reasons)
	}
	slots := r.slots()
	// The ranking of a card of up to scoreStackAttributes attributes lives on the stack.
	var orderBuf [scoreStackAttributes]int
	var lostBuf [scoreStackAttributes]float64
	order, lostOf := r.card.rank(slots, orderBuf[:0], lostBuf[:0])
	if len(order) == 0 {
		return nil
	}
	out := make([]Reason, len(order))
	for k, i := range order {
		a := &r.card.attrs[i]
		out[k] = Reason{Code: a.code, Feature: a.feature, Value: r.value(&slots[i]), Points: a.pointsOf(slots[i].bin),
			Best: a.best, Lost: lostOf[k]}
	}
	return out
}

// value is the value a slot holds, as the feature set held it.
func (r *Result) value(s *scoreSlot) Value {
	if s.odd {
		return r.odd[s.coef]
	}
	return Value{Number: s.num, Missing: s.missing, read: s.num, coef: s.coef}
}

// resultJSON is a Result on the wire.
type resultJSON struct {
	Score   float64           `json:"score"`
	Grade   Grade             `json:"grade"`
	Points  []AttributePoints `json:"points"`
	Reasons []Reason          `json:"reasons"`
}

// MarshalJSON writes the score, the grade, the points and the reasons.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(resultJSON{Score: r.Score, Grade: r.Grade, Points: r.Points(), Reasons: r.Reasons()})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly: a key given twice, miscased or unknown is
// an error matching b2bkit.ErrInvalid, so a stored result is read as written or not at all.
func (r *Result) UnmarshalJSON(data []byte) error {
	var w resultIn
	if err := wire.DecodeStrict(data, &w); err != nil {
		return err
	}
	out := Result{Score: w.Score, Grade: w.Grade}
	if w.Points != nil {
		out.points = make([]AttributePoints, len(w.Points))
	}
	for i, p := range w.Points {
		v, err := p.Value.value()
		if err != nil {
			return b2bkit.InField(fmt.Sprintf("points[%d].value", i), err)
		}
		out.points[i] = AttributePoints{Feature: p.Feature, Value: v, Bin: p.Bin, Points: p.Points}
	}
	if w.Reasons != nil {
		out.reasons = make([]Reason, len(w.Reasons))
	}
	for i, x := range w.Reasons {
		v, err := x.Value.value()
		if err != nil {
			return b2bkit.InField(fmt.Sprintf("reasons[%d].value", i), err)
		}
		out.reasons[i] = Reason{Code: x.Code, Feature: x.Feature, Value: v, Points: x.Points, Best: x.Best, Lost: x.Lost}
	}
	*r = out
	return nil
}

// resultIn is a Result as it is read: its points and reasons with their values in their plain
// shape (valueIn), read in the result's own strict decode.
type resultIn struct {
	Score   float64             `json:"score"`
	Grade   Grade               `json:"grade"`
	Points  []attributePointsIn `json:"points"`
	Reasons []reasonIn          `json:"reasons"`
}

type attributePointsIn struct {
	Feature Feature `json:"feature"`
	Value   valueIn `json:"value"`
	Bin     int     `json:"bin"`
	Points  float64 `json:"points"`
}

type reasonIn struct {
	Code    string  `json:"code"`
	Feature Feature `json:"feature"`
	Value   valueIn `json:"value"`
	Points  float64 `json:"points"`
	Best    float64 `json:"best"`
	Lost    float64 `json:"lost"`
}

// AttributePoints are the points one attribute gave: the value scored, the index of the bin it fell
// in (-1 when the value was missing) and that bin's points.
type AttributePoints struct {
	Feature Feature `json:"feature"`
	Value   Value   `json:"value"`
	Bin     int     `json:"bin"`
	Points  float64 `json:"points"`
}

// A Reason is a reason code (原因码) for a score: an attribute whose value cost the buyer points.
// Best is the most the attribute gives (over its bins and its missing points), Points what the buyer
// got and Lost = Best - Points > 0. Code is the attribute's Code, or "R_" + the upper-case feature.
type Reason struct {
	Code    string  `json:"code"`
	Feature Feature `json:"feature"`
	Value   Value   `json:"value"`
	Points  float64 `json:"points"`
	Best    float64 `json:"best"`
	Lost    float64 `json:"lost"`
}

// binOutJSON is a Bin as written: bounds as decimal strings with all their places ("0.9500"),
// read back only through b2bkit.ParseDecimal (Bin.UnmarshalJSON), so a card keeps the
// scale its edges were written at through a round trip.
type binOutJSON struct {
	Min        *string  `json:"min,omitempty"`
	Max        *string  `json:"max,omitempty"`
	Categories []string `json:"categories,omitempty"`
	Points     float64  `json:"points"`
}

// MarshalJSON writes {"min":"0.7000","max":"0.8500","points":-20}, or {"categories":[...],"points":5}.
// A figure with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it; 0 written 0 x 10^1073741824 is written 0.
func (b Bin) MarshalJSON() ([]byte, error) {
	w := binOutJSON{Categories: b.Categories, Points: b.Points}
	for _, e := range [...]struct {
		field string
		d     *decimal.Decimal
		to    **string
	}{{"min", b.Min, &w.Min}, {"max", b.Max, &w.Max}} {
		if e.d == nil {
			continue
		}
		d, err := writable(e.field, *e.d)
		if err != nil {
			return nil, err
		}
		s := scoreBoundString(d)
		*e.to = &s
	}
	return json.Marshal(w)
}

// scoreBoundString writes d with as many places as its exponent says: 0.9500 stays "0.9500".
func scoreBoundString(d decimal.Decimal) string {
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}

// UnmarshalJSON reads what MarshalJSON writes, strictly: unknown fields are an error, and so is
// null (an open end is omitted). Errors name the field ("max: must be a decimal, not null").
func (b *Bin) UnmarshalJSON(data []byte) error {
	var w binIn
	if err := wire.DecodeStrict(data, &w); err != nil {
		return err
	}
	out, err := w.bin()
	if err != nil {
		return err
	}
	*b = out
	return nil
}

// UnmarshalJSON reads a grade band strictly; a null min_score is an error, not a score of 0.
func (g *GradeBand) UnmarshalJSON(data []byte) error {
	var w gradeBandIn
	if err := wire.DecodeStrict(data, &w); err != nil {
		return err
	}
	out, err := w.band()
	if err != nil {
		return err
	}
	*g = out
	return nil
}

// UnmarshalJSON reads an attribute strictly, naming a problem in a bin by its place
// ("bins[2].points: must be a number, not null"), which encoding/json would leave unsaid, and
// refusing a null code.
func (a *Attribute) UnmarshalJSON(data []byte) error {
	var w attributeIn
	if err := wire.DecodeStrict(data, &w); err != nil {
		return err
	}
	out, err := w.attribute()
	if err != nil {
		return err
	}
	*a = out
	return nil
}

// UnmarshalJSON reads a scorecard strictly (LoadScorecard reads and validates one), naming a
// problem in an attribute by its place ("attributes[0].bins[2].Points: unknown field") and refusing
// a null base, version or currency.
func (s *Scorecard) UnmarshalJSON(data []byte) error {
	var w scorecardIn
	if err := wire.DecodeStrict(data, &w); err != nil {
		return err
	}
	out, err := w.card()
	if err != nil {
		return err
	}
	*s = out
	return nil
}

// The shapes a scorecard is read through: plain structs, without an UnmarshalJSON, the values that
// must be named when refused (a null, a decimal with an exponent) raw. A card is read whole in one
// strict decode and its values then in order: the card's, then each attribute's with its bins,
// then the grades'. Each attribute, bin and grade read itself through the strict decoder, which
// checked and decoded its bytes again with a decoder of its own: 66 times a wide card.
type (
	scorecardIn struct {
		Name       string          `json:"name"`
		Version    json.RawMessage `json:"version"`
		Currency   json.RawMessage `json:"currency"`
		Base       json.RawMessage `json:"base"`
		Attributes []attributeIn   `json:"attributes"`
		Grades     []gradeBandIn   `json:"grades"`
	}
	attributeIn struct {
		Feature       Feature         `json:"feature"`
		Code          json.RawMessage `json:"code"`
		Bins          []binIn         `json:"bins"`
		MissingPoints *float64        `json:"missing_points"`
	}
	binIn struct {
		Min        json.RawMessage `json:"min"`
		Max        json.RawMessage `json:"max"`
		Categories []string        `json:"categories"`
		Points     json.RawMessage `json:"points"`
	}
	gradeBandIn struct {
		Grade    Grade           `json:"grade"`
		MinScore json.RawMessage `json:"min_score"`
	}
)

// card is the Scorecard w holds, or the first problem of its values.
func (w *scorecardIn) card() (Scorecard, error) {
	out := Scorecard{Name: w.Name}
	var err error
	if out.Version, err = configString("version", w.Version); err != nil {
		return Scorecard{}, err
	}
	if out.Currency, err = configString("currency", w.Currency); err != nil {
		return Scorecard{}, err
	}
	if out.Base, err = configFloat("base", w.Base); err != nil {
		return Scorecard{}, err
	}
	if w.Attributes != nil {
		out.Attributes = make([]Attribute, len(w.Attributes))
	}
	for i := range w.Attributes {
		if out.Attributes[i], err = w.Attributes[i].attribute(); err != nil {
			return Scorecard{}, b2bkit.InField(fmt.Sprintf("attributes[%d]", i), err)
		}
	}
	if w.Grades != nil {
		out.Grades = make([]GradeBand, len(w.Grades))
	}
	for i := range w.Grades {
		if out.Grades[i], err = w.Grades[i].band(); err != nil {
			return Scorecard{}, b2bkit.InField(fmt.Sprintf("grades[%d]", i), err)
		}
	}
	return out, nil
}

// attribute is the Attribute w holds, or the first problem of its code or bins.
func (w *attributeIn) attribute() (Attribute, error) {
	out := Attribute{Feature: w.Feature, MissingPoints: w.MissingPoints}
	var err error
	if out.Code, err = configString("code", w.Code); err != nil {
		return Attribute{}, err
	}
	if w.Bins != nil {
		out.Bins = make([]Bin, len(w.Bins))
	}
	for i := range w.Bins {
		if out.Bins[i], err = w.Bins[i].bin(); err != nil {
			return Attribute{}, b2bkit.InField(fmt.Sprintf("bins[%d]", i), err)
		}
	}
	return out, nil
}

// bin is the Bin w holds, or every problem of its bounds and points.
func (w *binIn) bin() (Bin, error) {
	out := Bin{Categories: w.Categories}
	var errs []error
	if d, ok, err := configDecimal("min", w.Min); err != nil {
		errs = append(errs, err)
	} else if ok {
		out.Min = &d
	}
	if d, ok, err := configDecimal("max", w.Max); err != nil {
		errs = append(errs, err)
	} else if ok {
		out.Max = &d
	}
	var err error
	if out.Points, err = configFloat("points", w.Points); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Bin{}, errors.Join(errs...)
	}
	return out, nil
}

// band is the GradeBand w holds, or the problem of its minimum score.
func (w *gradeBandIn) band() (GradeBand, error) {
	score, err := configFloat("min_score", w.MinScore)
	if err != nil {
		return GradeBand{}, err
	}
	return GradeBand{Grade: w.Grade, MinScore: score}, nil
}

// LoadScorecard reads a scorecard from JSON: at most 1 MiB, unknown fields rejected, decimals only
// through b2bkit.ParseDecimal, and then Validate. Every error matches b2bkit.ErrInvalid. In the card
// it returns, each numeric bin's Min is the same *decimal.Decimal as the Max of the bin before it
// (one edge), which lets Score skip comparing a value with both.
func LoadScorecard(r io.Reader) (Scorecard, error) {
	s, err := loadValidated[Scorecard](r, "scorecard")
	if err != nil {
		return Scorecard{}, err
	}
	scoreShareBounds(s)
	return s, nil
}

// scoreShareBounds points each numeric bin's Min at the Max of the bin before it, which Validate
// found equal, so Score sees by the pointers alone that no value can fall between them.
func scoreShareBounds(s Scorecard) {
	for _, a := range s.Attributes {
		for i := 1; i < len(a.Bins); i++ {
			if prev, b := a.Bins[i-1].Max, &a.Bins[i]; prev != nil && b.Min != nil && b.Min.Equal(*prev) {
				b.Min = prev
			}
		}
	}
}

// Validate reports every problem with the card, each naming its field ("scorecard.attributes[2].bins[1].min"):
// no name, no attributes or more than 256, a feature not in snake case or scored twice, an attribute
// without bins, numeric bins that are not in order, overlap or leave a gap (the first must be open
// below, the last open above, each Min equal to the Max before it, Min < Max), categories empty,
// repeated or mixed with ranges, reason codes repeated, points, base or min scores that are not finite
// or beyond ±1e9, no grades, grade names empty or repeated, min scores not strictly decreasing. The
// error matches b2bkit.ErrInvalid.
func (s Scorecard) Validate() error {
	// The bounds as values: a bound written 0 x 10^1073741824 is 0, and is printed and compared so.
	s = s.canonical()
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	switch {
	case s.Name == "":
		add("name", "must be set")
	case len(s.Name) > scoreMaxNameLen:
		add("name", "must be at most %d bytes", scoreMaxNameLen)
	}
	if len(s.Version) > scoreMaxNameLen {
		add("version", "must be at most %d bytes", scoreMaxNameLen)
	}
	if s.Currency != "" && !scoreIsCurrency(s.Currency) {
		add("currency", "must be an ISO 4217 code such as CNY")
	}
	errs = scoreCheckPoints(errs, "base", s.Base)
	switch {
	case len(s.Attributes) == 0:
		add("attributes", "must have at least one attribute")
	case len(s.Attributes) > scoreMaxAttributes:
		add("attributes", "must have at most %d attributes", scoreMaxAttributes)
	default:
		features := make(map[Feature]int, len(s.Attributes))
		codes := make(map[string]int, len(s.Attributes))
		for i, a := range s.Attributes {
			f := fmt.Sprintf("attributes[%d]", i)
			if j, dup := features[a.Feature]; dup && a.Feature != "" {
				add(f+".feature", "%s is already scored by attributes[%d]", a.Feature, j)
			} else {
				features[a.Feature] = i
			}
			if code := a.reasonCode(); a.Feature != "" || a.Code != "" {
				if j, dup := codes[code]; dup {
					add(f+".code", "%s is already the code of attributes[%d]", code, j)
				} else {
					codes[code] = i
				}
			}
			errs = append(errs, scoreCheckAttribute(f, a)...)
		}
	}
	errs = append(errs, scoreCheckGrades(s.Grades)...)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("risk: %w", b2bkit.InField("scorecard", errors.Join(errs...)))
}

// scoreCheckAttribute reports every problem with one attribute; f is its path.
func scoreCheckAttribute(f string, a Attribute) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	if !scoreIsSnake(string(a.Feature)) {
		add(f+".feature", "must be a feature name in snake case (a-z, 0-9, _), at most %d bytes", scoreMaxNameLen)
	}
	if a.Code != "" && !scoreIsCode(a.Code) {
		add(f+".code", "must be letters, digits, _ or -, at most %d bytes", scoreMaxNameLen)
	}
	if a.MissingPoints == nil {
		add(f+".missing_points", "must be set: the points of a missing value")
	} else {
		errs = scoreCheckPoints(errs, f+".missing_points", *a.MissingPoints)
	}
	switch {
	case len(a.Bins) == 0:
		add(f+".bins", "must have at least one bin")
		return errs
	case len(a.Bins) > scoreMaxBins:
		add(f+".bins", "must have at most %d bins", scoreMaxBins)
		return errs
	}
	categorical := false
	for _, b := range a.Bins {
		categorical = categorical || len(b.Categories) > 0
	}
	// The path of a bin or a category is built only to report a problem there, not for each one
	// checked: five allocations a bin, for a card of thousands.
	if categorical {
		seen := make(map[string]int)
		for i, b := range a.Bins {
			bf := func() string { return fmt.Sprintf("%s.bins[%d]", f, i) }
			if !scorePointsOK(b.Points) {
				errs = scoreCheckPoints(errs, bf()+".points", b.Points)
			}
			if b.Min != nil || b.Max != nil {
				add(bf(), "must not mix a range with categories: the attribute's other bins list categories")
			}
			if len(b.Categories) == 0 {
				add(bf()+".categories", "must list at least one category")
			}
			for j, c := range b.Categories {
				cf := func() string { return fmt.Sprintf("%s.categories[%d]", bf(), j) }
				switch {
				case c == "":
					add(cf(), "must not be empty")
				case len(c) > scoreMaxNameLen:
					add(cf(), "must be at most %d bytes", scoreMaxNameLen)
				default:
					if k, dup := seen[c]; dup {
						add(cf(), "%q is already in bins[%d]", c, k)
					} else if len(seen) < scoreMaxCategories {
						seen[c] = i
					} else {
						add(cf(), "an attribute has at most %d categories", scoreMaxCategories)
					}
				}
			}
		}
		return errs
	}
	last := len(a.Bins) - 1
	for i, b := range a.Bins {
		bf := func() string { return fmt.Sprintf("%s.bins[%d]", f, i) }
		if !scorePointsOK(b.Points) {
			errs = scoreCheckPoints(errs, bf()+".points", b.Points)
		}
		minOK, maxOK := true, true
		if b.Min != nil && scoreCheckBound("", *b.Min) != nil {
			errs, minOK = append(errs, scoreCheckBound(bf()+".min", *b.Min)), false
		}
		if b.Max != nil && scoreCheckBound("", *b.Max) != nil {
			errs, maxOK = append(errs, scoreCheckBound(bf()+".max", *b.Max)), false
		}
		switch {
		case i == 0 && b.Min != nil:
			add(bf()+".min", "must be empty: the first bin is open below, so that every value falls in a bin")
		case i > 0 && b.Min == nil:
			add(bf()+".min", "must be set: only the first bin is open below")
		case i > 0 && minOK && a.Bins[i-1].Max != nil && scoreCheckBound("", *a.Bins[i-1].Max) == nil && !b.Min.Equal(*a.Bins[i-1].Max):
			add(bf()+".min", "is %s but bins[%d].max is %s: bins must neither overlap nor leave a gap",
				b.Min, i-1, a.Bins[i-1].Max)
		}
		switch {
		case i == last && b.Max != nil:
			add(bf()+".max", "must be empty: the last bin is open above, so that every value falls in a bin")
		case i < last && b.Max == nil:
			add(bf()+".max", "must be set: only the last bin is open above")
		}
		if b.Min != nil && b.Max != nil && minOK && maxOK && b.Min.Cmp(*b.Max) >= 0 {
			add(bf()+".max", "is %s, must be greater than min %s", b.Max, b.Min)
		}
	}
	return errs
}

// scoreCheckGrades reports every problem with the grade bands.
func scoreCheckGrades(grades []GradeBand) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	switch {
	case len(grades) == 0:
		add("grades", "must have at least one grade band")
		return errs
	case len(grades) > scoreMaxGrades:
		add("grades", "must have at most %d grade bands", scoreMaxGrades)
		return errs
	}
	seen := make(map[Grade]int, len(grades))
	for i, g := range grades {
		f := fmt.Sprintf("grades[%d]", i)
		switch {
		case g.Grade == "":
			add(f+".grade", "must be set")
		case len(g.Grade) > scoreMaxNameLen:
			add(f+".grade", "must be at most %d bytes", scoreMaxNameLen)
		default:
			if j, dup := seen[g.Grade]; dup {
				add(f+".grade", "%s is already grades[%d]", g.Grade, j)
			} else {
				seen[g.Grade] = i
			}
		}
		n := len(errs)
		errs = scoreCheckPoints(errs, f+".min_score", g.MinScore)
		if prev := grades[max(i-1, 0)].MinScore; i > 0 && len(errs) == n && !math.IsNaN(prev) && !(g.MinScore < prev) {
			add(f+".min_score", "is %g, must be below grades[%d].min_score %g: bands go best first",
				g.MinScore, i-1, grades[i-1].MinScore)
		}
	}
	return errs
}

// scorePointsOK reports whether scoreCheckPoints takes x.
func scorePointsOK(x float64) bool {
	return !math.IsNaN(x) && !math.IsInf(x, 0) && math.Abs(x) <= scoreMaxPoints
}

// scoreCheckPoints appends an error when x is not a finite number within ±scoreMaxPoints.
func scoreCheckPoints(errs []error, field string, x float64) []error {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return append(errs, b2bkit.Invalid(field, "must be a finite number"))
	case math.Abs(x) > scoreMaxPoints:
		return append(errs, b2bkit.Invalid(field, "must be within ±%g", float64(scoreMaxPoints)))
	}
	return errs
}

// scoreCheckBound rejects a bin bound beyond what b2bkit.ParseDecimal reads: more than
// b2bkit.MaxDecimalDigits digits or b2bkit.MaxDecimalPlaces places, trailing zeros aside. JSON cannot
// carry one; a Go literal can, and comparing with it could cost without bound.
func scoreCheckBound(field string, d decimal.Decimal) error {
	d = xerr.Canonical(d) // the value: trailing zeros do not count
	exp := d.Exponent()
	if exp < -b2bkit.MaxDecimalPlaces || exp > b2bkit.MaxDecimalDigits ||
		d.NumDigits()+int(max(exp, 0)) > b2bkit.MaxDecimalDigits {
		return b2bkit.Invalid(field, "out of range: at most %d digits, %d of them decimal places",
			b2bkit.MaxDecimalDigits, b2bkit.MaxDecimalPlaces)
	}
	return nil
}

// scoreIsSnake reports whether s is a name in snake case: a-z, 0-9 and _, starting with a letter.
func scoreIsSnake(s string) bool {
	if s == "" || len(s) > scoreMaxNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// scoreIsCode reports whether s is a reason code: letters, digits, _ and -.
func scoreIsCode(s string) bool {
	if len(s) > scoreMaxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// scoreIsCurrency reports whether s looks like an ISO 4217 code: three upper-case letters.
func scoreIsCurrency(s string) bool {
	return len(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z'
}

// reasonCode is the attribute's Code, or "R_" + its feature in upper case.
func (a Attribute) reasonCode() string {
	if a.Code != "" {
		return a.Code
	}
	return "R_" + strings.ToUpper(string(a.Feature))
}

// Grade is the grade of a score: the first band, best first, whose MinScore the score reaches, or
// the last band's grade when it reaches none (a NaN score reaches none). An empty card has no grade.
func (s Scorecard) Grade(score float64) Grade {
	for _, g := range s.Grades {
		if score >= g.MinScore {
			return g.Grade
		}
	}
	if len(s.Grades) == 0 {
		return ""
	}
	return s.Grades[len(s.Grades)-1].Grade
}

// isWorst reports whether g is the card's worst grade, its last band: the grade no limit gives
// credit to.
func (s Scorecard) isWorst(g Grade) bool {
	return len(s.Grades) > 0 && g == s.Grades[len(s.Grades)-1].Grade
}

// Score scores one buyer (R17): Base plus, for every attribute, the points of the bin its feature's
// value falls in (exact decimal comparisons; a missing value gets the attribute's MissingPoints), and
// the grade of the sum. Reasons are the attributes that cost points, largest Lost first, ties in card
// order. A platform scoring every order compiles the card once instead (Compile) and scores with the
// compiled card: the same Result, for a fraction of the work.
//
// A feature of the card absent from the set, a categorical value for a numeric attribute (or the
// reverse), a category in no bin, a number with an exponent beyond ±64 (which a Result, written
// out, would spell to as many digits; 0 written 0 x 10^1073741824 is scored and kept as 0), or a
// feature set in another currency than the card's is an error matching b2bkit.ErrInvalid that
// names the feature; when several features are, the error names each (errors.Join), in the card's
// order. Score expects a valid card (LoadScorecard
// validates; call Validate on a card built in Go): on an invalid one it does not panic, but a value
// outside its bins is an error.
func (s Scorecard) Score(f FeatureSet) (Result, error) {
	if s.Currency != "" && f.Currency != "" && f.Currency != s.Currency {
		return Result{}, fmt.Errorf("risk: %w", b2bkit.Invalid("features.currency",
			"is %s but scorecard %s bins money in %s", xerr.Echo(f.Currency), s.Name, s.Currency))
	}
	if len(s.Grades) == 0 {
		return Result{}, fmt.Errorf("risk: %w", b2bkit.Invalid("scorecard.grades", "must have at least one grade band"))
	}
	n := len(s.Attributes)
	points := make([]AttributePoints, n)
	// The best points of every attribute, and the attributes that lost points ordered by loss,
	// live on the stack for a card of up to scoreStackAttributes attributes.
	var bestBuf, lostBuf [scoreStackAttributes]float64
	var orderBuf [scoreStackAttributes]int
	best, lostOf, order := bestBuf[:n:n], lostBuf[:0], orderBuf[:0]
	if n > scoreStackAttributes {
		best, lostOf, order = make([]float64, n), make([]float64, 0, n), make([]int, 0, n)
	}
	score := s.Base
	var errs []error // every feature absent or not scored, in card order: made only when one is
	for i := range s.Attributes {
		a := &s.Attributes[i]
		v, ok := f.Values.Get(a.Feature)
		if !ok {
			errs = append(errs, scoreAbsent(a.Feature, s.Name))
			continue
		}
		if e := v.Number.Exponent(); (e < -valueMaxExponent || e > valueMaxExponent) && !v.Missing && v.Category == "" {
			d, ok := valueNumber(v.Number)
			if !ok {
				errs = append(errs, scoreInsane(a.Feature, v.Number))
				continue
			}
			v = NumberValue(d) // 0 x 10^1073741824 is kept, and written, as 0
		}
		bin, p, b, err := a.score(&v)
		if err != nil {
			errs = append(errs, b2bkit.InField("features.values."+string(a.Feature), err))
			continue
		}
		if errs != nil {
			continue // the result is not returned: only the other features' errors matter
		}
		// Field by field: a struct copy into the heap costs a bulk write barrier while the GC marks.
		pt := &points[i]
		pt.Feature, pt.Value, pt.Bin, pt.Points = a.Feature, v, bin, p
		score += p
		best[i] = b
		if lost := b - p; lost > 0 {
			order, lostOf = rankByLoss(order, lostOf, i, lost)
		}
	}
	if errs != nil {
		return Result{}, fmt.Errorf("risk: %w", errors.Join(errs...))
	}
	var reasons []Reason
	if len(order) > 0 {
		reasons = make([]Reason, len(order))
		for k, i := range order {
			a, p := &s.Attributes[i], &points[i]
			r := &reasons[k]
			r.Code, r.Feature, r.Value = a.reasonCode(), a.Feature, p.Value
			r.Points, r.Best, r.Lost = p.Points, best[i], lostOf[k]
		}
	}
	grade := s.Grade(score)
	return Result{Score: score, Grade: grade, points: points, reasons: reasons, worst: s.isWorst(grade)}, nil
}

// valueMaxExponent bounds the exponent of a feature's number that Score and Warnings read, either
// way: a number beyond it (1e1073741824) is none a feature has, and a Result holding it would be
// written out to as many digits as its exponent says. It is far beyond the 18 places of a value
// read from JSON, so a host's own values of 25 places still score exactly.
const valueMaxExponent = 64

// valueNumber is d as the value it is (xerr.Canonical: 0 x 10^1073741824 is 0), and whether its
// exponent is within ±valueMaxExponent.
func valueNumber(d decimal.Decimal) (decimal.Decimal, bool) {
	d = xerr.Canonical(d)
	e := d.Exponent()
	return d, e >= -valueMaxExponent && e <= valueMaxExponent
}

// scoreInsane is the error of a number valueNumber refuses in the feature set.
func scoreInsane(f Feature, d decimal.Decimal) error {
	return b2bkit.Invalid("features.values."+string(f), "must be written with an exponent within ±%d, not %s", valueMaxExponent, xerr.EchoDecimal(d))
}

// scoreAbsent is the error of a feature the card scores that the feature set lacks.
func scoreAbsent(f Feature, card string) error {
	return b2bkit.Invalid("features.values."+string(f), "absent from the feature set, which scorecard %s needs", card)
}

// score scores v on the attribute: the bin it falls in (-1 for a missing value), that bin's points,
// and the most points the attribute gives, over its bins and its missing points.
func (a *Attribute) score(v *Value) (bin int, points, best float64, err error) {
	bins := a.Bins
	best = math.Inf(-1)
	if a.MissingPoints != nil {
		best = *a.MissingPoints
	}
	if v.Missing {
		for j := range bins {
			if p := bins[j].Points; p > best {
				best = p
			}
		}
		if a.MissingPoints != nil {
			points = *a.MissingPoints
		}
		return -1, points, best, nil
	}
	switch {
	case len(bins) == 0:
		return 0, 0, 0, b2bkit.Invalid("", "the attribute has no bins")
	case len(bins[0].Categories) > 0:
		bin, err = a.category(v.Category)
	case v.Category != "":
		return 0, 0, 0, b2bkit.Invalid("", "has category %q, but the attribute is numeric", xerr.Echo(v.Category))
	case len(bins) > 9:
		bin, err = a.searchHalves(scoreNumOf(v.Number))
	default:
		// The bins cover the line in order, so v is in the first bin whose Max is above it: compare
		// the maxima of all bins but the last in order.
		x := scoreNumOf(v.Number)
		last := len(bins) - 1
		for bin = 0; bin < last; bin++ {
			m := bins[bin].Max
			if m == nil {
				break
			}
			if x.less(*m) {
				break
			}
		}
		if b := &bins[bin]; b.Min != nil && (bin == 0 || b.Min != bins[bin-1].Max) || bin == last && b.Max != nil {
			if err = a.checkBin(x, bin); err != nil {
				return 0, 0, 0, err
			}
		}
		for j := range bins {
			if p := bins[j].Points; p > best {
				best = p
			}
		}
		return bin, bins[bin].Points, best, nil
	}
	if err != nil {
		return 0, 0, 0, err
	}
	for j := range bins {
		if p := bins[j].Points; p > best {
			best = p
		}
	}
	return bin, bins[bin].Points, best, nil
}

// category finds the bin that lists c.
func (a *Attribute) category(c string) (int, error) {
	for i := range a.Bins {
		if slices.Contains(a.Bins[i].Categories, c) {
			return i, nil
		}
	}
	if c == "" {
		return 0, b2bkit.Invalid("", "has no category, but the attribute is categorical")
	}
	return 0, b2bkit.Invalid("", "category %q is in no bin", xerr.Echo(c))
}

// searchHalves finds the bin of x among many by halves: the first whose Max is above x.
func (a *Attribute) searchHalves(x scoreNum) (int, error) {
	lo, hi := 0, len(a.Bins)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m := a.Bins[mid].Max; m != nil && !x.less(*m) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, a.checkBin(x, lo)
}

// checkBin checks that x is in bin i, found as the first whose Max is above x. Every such Max was
// compared, but the last bin's; a valid card has none there and each Min equal to the Max before it
// (the same pointer in a card LoadScorecard or DefaultScorecard made, so not even compared), so the
// check only catches an invalid card.
func (a *Attribute) checkBin(x scoreNum, i int) error {
	b := &a.Bins[i]
	if b.Min != nil && (i == 0 || b.Min != a.Bins[i-1].Max) && x.less(*b.Min) ||
		i == len(a.Bins)-1 && b.Max != nil && !x.less(*b.Max) {
		return b2bkit.Invalid("", "%s falls in no bin", xerr.EchoDecimal(x.d))
	}
	return nil
}

// A scoreNum is a decimal read once for many comparisons: its coefficient, when it fits in an
// int64, and its exponent.
type scoreNum struct {
	d     decimal.Decimal
	c     int64
	exp   int32
	small bool
}

func scoreNumOf(d decimal.Decimal) scoreNum {
	c, ok := fastdec.Int64(d)
	return scoreNum{d: d, c: c, exp: d.Exponent(), small: ok}
}

// less reports whether x < y: by comparing coefficients when both have the same exponent, as when
// a card's bins are written at the features' scale, else through cmp.
func (x scoreNum) less(y decimal.Decimal) bool {
	if x.exp == y.Exponent() {
		// The edge at the value's scale, as in a card written at the features' scale: Cmp
		// compares the coefficients without rescaling (or allocating).
		return x.d.Cmp(y) < 0
	}
	return x.cmp(y) < 0
}

// cmp is x.d.Cmp(y), exactly, without the allocations Cmp makes to rescale decimals whose exponents
// differ, and without rescaling by an absurd exponent difference.
func (x scoreNum) cmp(y decimal.Decimal) int {
	cy, ok := fastdec.Int64(y)
	if !x.small || !ok {
		return scoreCmpBig(x.d, y)
	}
	cx, ex, ey := x.c, x.exp, y.Exponent()
	// Scale the coefficient with the larger exponent down to the other's exponent. When it no
	// longer fits in an int64 its magnitude is above any int64's, so its sign decides.
	if ex > ey {
		var ok bool
		if cx, ok = scoreScale(cx, int64(ex)-int64(ey)); !ok {
			return scoreSign(cx)
		}
	} else if ey > ex {
		var ok bool
		if cy, ok = scoreScale(cy, int64(ey)-int64(ex)); !ok {
			return -scoreSign(cy)
		}
	}
	switch {
	case cx < cy:
		return -1
	case cx > cy:
		return 1
	}
	return 0
}

// scoreScale is c x 10^d for d > 0, or c itself and false when that does not fit in an int64.
func scoreScale(c int64, d int64) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	if d > 18 {
		return c, false
	}
	u := uint64(c)
	if c < 0 {
		u = -u
	}
	hi, lo := bits.Mul64(u, fastdec.Pow10(int(d)))
	if hi != 0 || lo > math.MaxInt64 {
		return c, false
	}
	if c < 0 {
		return -int64(lo), true
	}
	return int64(lo), true
}

// scoreCmpBig compares decimals whose coefficients do not fit in an int64: by sign, then by the
// position of the leading digit, and only when that is the same by Cmp, whose rescaling is then
// bounded by the number of digits.
func scoreCmpBig(x, y decimal.Decimal) int {
	sx, sy := x.Sign(), y.Sign()
	if sx != sy || sx == 0 {
		return scoreSign(int64(sx - sy))
	}
	lx := int64(x.NumDigits()) + int64(x.Exponent())
	ly := int64(y.NumDigits()) + int64(y.Exponent())
	switch {
	case lx > ly:
		return sx
	case lx < ly:
		return -sx
	}
	return x.Cmp(y)
}

func scoreSign(v int64) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// rankByLoss inserts attribute i, which lost lost points, after every attribute that lost as much
// or more: reason codes come largest loss first, ties in card order.
func rankByLoss(order []int, lostOf []float64, i int, lost float64) ([]int, []float64) {
	k := len(order)
	order, lostOf = append(order, i), append(lostOf, lost)
	for ; k > 0 && lostOf[k-1] < lost; k-- {
		order[k], lostOf[k] = order[k-1], lostOf[k-1]
	}
	order[k], lostOf[k] = i, lost
	return order, lostOf
}
