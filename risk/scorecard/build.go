package scorecard

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
)

// Defaults of Filter, as R scorecard's var_filter.
const (
	defaultMinIV             = 0.02
	defaultMaxMissingShare   = 0.95
	defaultMaxIdenticalShare = 0.95
)

// Filter says which binned variables go into the regression (变量筛选). A variable is dropped
// when its information value is below MinIV, or more than MaxMissingShare of its rows are missing,
// or more than MaxIdenticalShare of them hold one value; Keep overrides all three.
type Filter struct {
	// MinIV is the least information value, of the variable as binned; 0 means 0.02, a negative
	// value no minimum.
	MinIV float64 `json:"min_iv,omitempty"`
	// MaxMissingShare is the most share of missing rows; 0 means 0.95, 1 no maximum.
	MaxMissingShare float64 `json:"max_missing_share,omitempty"`
	// MaxIdenticalShare is the most share of rows holding one value; 0 means 0.95, 1 no maximum.
	MaxIdenticalShare float64 `json:"max_identical_share,omitempty"`
	// Keep are variables kept whatever their figures (a regulator asks for them); the regression
	// may still drop them (see Options.KeepNonPositive).
	Keep []risk.Feature `json:"keep,omitempty"`
}

// MissingRule gives the points of a missing value to a variable that had none in the sample, so
// the card says what not knowing is worth (risk.Attribute.MissingPoints is required).
type MissingRule int

const (
	// MissingWorst gives a missing value the points of the variable's worst bin: not knowing is
	// treated as the riskiest case seen. The default.
	MissingWorst MissingRule = iota
	// MissingNeutral gives it 0 points: a weight of evidence of 0, the risk of the sample as a whole.
	MissingNeutral
)

var missingWords = [...]string{MissingWorst: "worst", MissingNeutral: "neutral"}

// String returns worst or neutral.
func (m MissingRule) String() string { return word(missingWords[:], int(m), "MissingRule") }

// MarshalText encodes the rule as its word.
func (m MissingRule) MarshalText() ([]byte, error) {
	return marshalWord(missingWords[:], int(m), "unseen_missing")
}

// UnmarshalText decodes a rule from its word.
func (m *MissingRule) UnmarshalText(b []byte) error {
	v, err := parseWord(missingWords[:], b, "unseen_missing")
	*m = MissingRule(v)
	return err
}

// Options tune Build; the zero value (or nil) is the default for each field.
type Options struct {
	// Name and Version go on the card; Name empty means "scorecard". Currency too, when the card
	// bins money (risk.Scorecard.Currency).
	Name     string `json:"name,omitempty"`
	Version  string `json:"version,omitempty"`
	Currency string `json:"currency,omitempty"`
	// Binning bins every variable but those in Features, which are binned by their own options
	// (whole: a field left zero there takes its default, not Binning's).
	Binning  BinOptions                  `json:"binning"`
	Features map[risk.Feature]BinOptions `json:"features,omitempty"`
	// Filter selects the variables for the regression.
	Filter Filter `json:"filter"`
	// Fit tunes the logistic regression.
	Fit FitOptions `json:"fit"`
	// KeepNonPositive keeps a variable whose coefficient is 0 or negative. By default such a
	// variable is dropped and the model refitted, one at a time, most negative first: with R's
	// sign of WoE a good variable's coefficient is positive, and a negative one means it only
	// corrects others it is collinear with, giving points that run against its own bins.
	KeepNonPositive bool `json:"keep_non_positive,omitempty"`
	// Scaling turns log-odds into points.
	Scaling Scaling `json:"scaling"`
	// UnseenMissing gives points to a missing value of a variable that had none in the sample.
	UnseenMissing MissingRule `json:"unseen_missing"`
	// Grades are the card's grade bands, best first. Nil means five, A to E, cut at the quintiles
	// of the sample's scores (A the top fifth), E open below; fewer when scores tie.
	Grades []risk.GradeBand `json:"grades,omitempty"`
	// Bands is the number of bands of the gains table on the sample (Model.Train); 0 means 10.
	Bands int `json:"bands,omitempty"`
}

// A Model is a scorecard built from data, and everything that explains it.
type Model struct {
	// Card is the scorecard, ready for risk.Scorecard.Score and for JSON.
	Card risk.Scorecard
	// Variables are the variables of the card, in card order, each with its bins, coefficient and
	// points.
	Variables []Variable
	// Dropped are the variables left out and why, in the order of the data.
	Dropped []Dropped
	// Logit is the regression of bad on the WoE of Variables (Coef[0] the intercept).
	Logit Logit
	// Scaling is the scaling used, defaults filled in.
	Scaling Scaling
	// TrainScores are the card's scores of the sample's rows, in row order; Train how well they
	// separate good from bad.
	TrainScores []float64
	Train       Performance
}

// A Variable is one attribute of a built card.
type Variable struct {
	Binning Binning
	// Coef and StdErr are the variable's coefficient in the regression and its standard error.
	Coef, StdErr float64
	// Points are the points of each bin of Binning, rounded: -Factor x Coef x WoE.
	Points []float64
	// MissingPoints are the points of a missing value: the missing bin's, or UnseenMissing's.
	MissingPoints float64
}

// Dropped is a variable left out of the card.
type Dropped struct {
	Feature risk.Feature
	// Reason says why, with the figure: "iv 0.0088 below 0.02", "coefficient -0.21 not positive".
	Reason  string
	Binning Binning
}

// Build builds a scorecard from a development sample: it bins every column, filters the variables,
// regresses bad on their WoE, drops a variable with a non-positive coefficient and refits (unless
// told not to), scales the coefficients to points and measures the card on the sample. The same
// rows in any order give the same card, byte for byte, in JSON.
//
// Errors match b2bkit.ErrInvalid and name what was wrong: the data (Data.Validate), the options,
// a variable binned right-closed, no variable left after the filter or the regression, a design
// that is singular or separable, a fit that does not converge, a card that risk.Scorecard.Validate
// refuses (more than 256 bins, say).
func Build(d Data, opts *Options) (*Model, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	var errs []error
	if err := d.Validate(); err != nil {
		errs = append(errs, errors.Unwrap(err)) // without its "scorecard: ", which Build puts in front once
	}
	scaling, err := o.Scaling.resolve()
	if err != nil {
		errs = append(errs, b2bkit.InField("options.scaling", err))
	}
	fit, err := o.Fit.resolve()
	if err != nil {
		errs = append(errs, b2bkit.InField("options.fit", err))
	}
	filter, err := o.Filter.resolve()
	if err != nil {
		errs = append(errs, b2bkit.InField("options.filter", err))
	}
	if o.UnseenMissing != MissingWorst && o.UnseenMissing != MissingNeutral {
		errs = append(errs, b2bkit.Invalid("options.unseen_missing", "unknown rule %d", o.UnseenMissing))
	}
	if o.Bands < 0 || o.Bands > 1000 {
		errs = append(errs, b2bkit.Invalid("options.bands", "is %d, must be 1 to 1000 (0 for %d)", o.Bands, defaultBands))
	}
	configs, fields := make([]binConfig, len(d.Columns)), make([]string, len(d.Columns))
	for i, c := range d.Columns {
		bo, field := &o.Binning, "options.binning"
		if f, ok := o.Features[c.Feature]; ok {
			bo, field = &f, "options.features."+string(c.Feature)
		}
		cfg, err := bo.resolve()
		if err != nil {
			errs = append(errs, b2bkit.InField(field, err))
		}
		if cfg.Closed != LeftClosed {
			errs = append(errs, b2bkit.Invalid(field+".closed", "must be left: risk.Scorecard runs [a, b) bins only"))
		}
		if err := cfg.fits(&c); err != nil {
			errs = append(errs, b2bkit.InField(field, err))
		}
		configs[i], fields[i] = cfg, field
	}
	for i, f := range o.Filter.Keep {
		if columnIndex(d, f) < 0 {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("options.filter.keep[%d]", i), "%s is no column of the data", f))
		}
	}
	for _, f := range slices.Sorted(maps.Keys(o.Features)) {
		if !slices.ContainsFunc(d.Columns, func(c Column) bool { return c.Feature == f }) {
			errs = append(errs, b2bkit.Invalid("options.features."+string(f), "is no column of the data"))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("scorecard: %w", errors.Join(errs...))
	}

	// Bin and filter.
	m := &Model{Scaling: scaling}
	var kept []int // columns in the regression
	bins := make([]Binning, len(d.Columns))
	for i := range d.Columns {
		c := &d.Columns[i]
		b, err := binColumn(c, d.Bad, configs[i], fields[i], fmt.Sprintf("data.columns[%d]", i))
		if err != nil {
			return nil, fmt.Errorf("scorecard: %w", err)
		}
		bins[i] = b
		if reason := filter.drop(&b); reason != "" {
			m.Dropped = append(m.Dropped, Dropped{Feature: c.Feature, Reason: reason, Binning: b})
			continue
		}
		kept = append(kept, i)
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid("data.columns", "no variable passes the filter (%s)", dropSummary(m.Dropped)))
	}
	for _, i := range kept {
		if len(bins[i].Bins) < 2 {
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(fmt.Sprintf("data.columns[%d]", i),
				"%s is kept in one bin: its WoE is the same for every row, which the regression cannot weigh; bin it finer or leave it out", bins[i].Feature))
		}
		if n := len(bins[i].Bins); n > maxBins+1 || n == maxBins+1 && !bins[i].HasMissingBin() {
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(fmt.Sprintf("data.columns[%d]", i),
				"%s has %d bins, a card at most %d: bin it with fewer", bins[i].Feature, n, maxBins))
		}
	}
	// Every row's bin of every variable kept, computed once for the refits.
	rowBins := make([][]uint16, len(d.Columns))
	for _, i := range kept {
		rb := make([]uint16, d.Rows())
		for r := range rb {
			k, err := bins[i].bin(&d.Columns[i], r)
			if err != nil { // cannot be: the binning came from this column
				return nil, fmt.Errorf("scorecard: %w", b2bkit.InField(fmt.Sprintf("data.columns[%d]", i), err))
			}
			rb[r] = uint16(k)
		}
		rowBins[i] = rb
	}

	// Regress, dropping a variable with a non-positive coefficient and refitting.
	var logit Logit
	for {
		dsg := groupDesign(kept, bins, rowBins, d.Bad)
		logit, err = dsg.fit(fit)
		if err != nil {
			return nil, fmt.Errorf("scorecard: %w", err)
		}
		worst := -1
		for j := range kept {
			if c := logit.Coef[j+1]; c <= 0 && (worst < 0 || c < logit.Coef[worst+1]) {
				worst = j
			}
		}
		if worst < 0 || o.KeepNonPositive {
			break
		}
		i := kept[worst]
		m.Dropped = append(m.Dropped, Dropped{Feature: d.Columns[i].Feature, Binning: bins[i],
			Reason: fmt.Sprintf("coefficient %.4g not positive (with %d variables)", logit.Coef[worst+1], len(kept))})
		kept = slices.Delete(kept, worst, worst+1)
		if len(kept) == 0 {
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid("data.columns", "no variable has a positive coefficient (%s)", dropSummary(m.Dropped)))
		}
	}
	slices.SortStableFunc(m.Dropped, func(a, b Dropped) int {
		return cmp.Compare(columnIndex(d, a.Feature), columnIndex(d, b.Feature))
	})
	m.Logit = logit

	// Scale to points.
	factor := scaling.Factor()
	name := o.Name
	if name == "" {
		name = "scorecard"
	}
	card := risk.Scorecard{Name: name, Version: o.Version, Currency: o.Currency,
		Base: scaling.round(scaling.Points(logit.Coef[0]))}
	for j, i := range kept {
		b := bins[i]
		coef := logit.Coef[j+1]
		v := Variable{Binning: b, Coef: coef, StdErr: logit.StdErr[j+1], Points: make([]float64, len(b.Bins))}
		for k, s := range b.Bins {
			v.Points[k] = scaling.round(-factor * coef * s.WoE)
		}
		attr := risk.Attribute{Feature: b.Feature}
		worst := math.Inf(1)
		for k, s := range b.Bins {
			if s.Missing {
				continue
			}
			worst = min(worst, v.Points[k])
			// The card shares the bounds (a bin's Min is the bin before's Max, as risk.Score
			// likes it) but not the category lists, which a caller may edit in one or the other.
			attr.Bins = append(attr.Bins, risk.Bin{Min: s.Min, Max: s.Max, Categories: slices.Clone(s.Categories), Points: v.Points[k]})
		}
		switch {
		case b.HasMissingBin():
			v.MissingPoints = v.Points[len(v.Points)-1]
		case o.UnseenMissing == MissingNeutral:
			v.MissingPoints = 0
		default:
			v.MissingPoints = worst
		}
		mp := v.MissingPoints
		attr.MissingPoints = &mp
		card.Attributes = append(card.Attributes, attr)
		m.Variables = append(m.Variables, v)
	}

	// Score the sample, grade, and check the card as risk would.
	m.TrainScores = make([]float64, d.Rows())
	for r := range m.TrainScores {
		s := card.Base
		for j, i := range kept {
			s += m.Variables[j].Points[rowBins[i][r]]
		}
		m.TrainScores[r] = s
	}
	card.Grades = slices.Clone(o.Grades)
	if card.Grades == nil {
		card.Grades = quintileGrades(m.TrainScores, m.minScore(card.Base))
	}
	if err := card.Validate(); err != nil {
		return nil, fmt.Errorf("scorecard: the card built is not valid: %w", err)
	}
	m.Card = card
	m.Train, err = Assess(m.TrainScores, d.Bad, &AssessOptions{Bands: o.Bands})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// resolve fills in the filter's defaults and reports every problem.
func (f Filter) resolve() (Filter, error) {
	var errs []error
	f.MinIV = orDefault(f.MinIV, defaultMinIV)
	if !finite(f.MinIV) {
		errs = append(errs, b2bkit.Invalid("min_iv", "must be a finite number"))
	}
	if f.MaxMissingShare == 0 {
		f.MaxMissingShare = defaultMaxMissingShare
	}
	if !(f.MaxMissingShare > 0 && f.MaxMissingShare <= 1) {
		errs = append(errs, b2bkit.Invalid("max_missing_share", "is %g, must be in (0, 1]", f.MaxMissingShare))
	}
	if f.MaxIdenticalShare == 0 {
		f.MaxIdenticalShare = defaultMaxIdenticalShare
	}
	if !(f.MaxIdenticalShare > 0 && f.MaxIdenticalShare <= 1) {
		errs = append(errs, b2bkit.Invalid("max_identical_share", "is %g, must be in (0, 1]", f.MaxIdenticalShare))
	}
	return f, errors.Join(errs...)
}

// drop says why the filter drops a binned variable, or "" when it keeps it.
func (f Filter) drop(b *Binning) string {
	switch {
	case slices.Contains(f.Keep, b.Feature):
		return ""
	case b.MissingShare > f.MaxMissingShare:
		return fmt.Sprintf("missing share %.4f above %g", b.MissingShare, f.MaxMissingShare)
	case b.IdenticalShare > f.MaxIdenticalShare:
		return fmt.Sprintf("identical-value share %.4f above %g", b.IdenticalShare, f.MaxIdenticalShare)
	case b.IV < f.MinIV:
		return fmt.Sprintf("iv %.4f below %g", b.IV, f.MinIV)
	}
	return ""
}

func dropSummary(ds []Dropped) string {
	parts := make([]string, 0, len(ds))
	for _, x := range ds {
		parts = append(parts, string(x.Feature)+": "+x.Reason)
	}
	if len(parts) > 8 {
		parts = append(parts[:8], fmt.Sprintf("and %d more", len(parts)-8))
	}
	return strings.Join(parts, "; ")
}

func columnIndex(d Data, f risk.Feature) int {
	return slices.IndexFunc(d.Columns, func(c Column) bool { return c.Feature == f })
}

// groupDesign is the regression's data: the rows grouped by their combination of bins of the
// variables kept, in sorted order of the combinations, each with its count of rows and of bad, and
// the WoE of its bins as its values. Grouping makes the fit independent of the order of rows (and
// quicker: a few hundred combinations stand for a million rows).
func groupDesign(kept []int, bins []Binning, rowBins [][]uint16, bad []bool) *design {
	type agg struct{ n, bad float64 }
	groups := make(map[string]*agg)
	key := make([]byte, 2*len(kept))
	for r, isBad := range bad {
		for j, i := range kept {
			k := rowBins[i][r]
			key[2*j], key[2*j+1] = byte(k>>8), byte(k)
		}
		g := groups[string(key)]
		if g == nil {
			g = &agg{}
			groups[string(key)] = g
		}
		g.n++
		if isBad {
			g.bad++
		}
	}
	keys := slices.Sorted(maps.Keys(groups))
	d := &design{k: len(kept), x: make([]float64, 0, len(keys)*len(kept)), n: make([]float64, len(keys)),
		bad: make([]float64, len(keys)), observation: len(bad)}
	for _, i := range kept {
		d.names = append(d.names, string(bins[i].Feature))
	}
	for g, k := range keys {
		for j, i := range kept {
			d.x = append(d.x, bins[i].Bins[int(k[2*j])<<8|int(k[2*j+1])].WoE)
		}
		d.n[g], d.bad[g] = groups[k].n, groups[k].bad
	}
	return d
}

// minScore is the lowest score the card can give: the base and every variable's fewest points,
// its missing points included.
func (m *Model) minScore(base float64) float64 {
	s := base
	for _, v := range m.Variables {
		s += min(slices.Min(v.Points), v.MissingPoints)
	}
	return s
}

// quintileGrades are grades A to E: A from the score at the 80th percentile of the sample, B the
// 60th, C the 40th, D the 20th, E from the lowest score the card gives. A band whose start is not
// below the one before is left out, and the letters close up.
func quintileGrades(scores []float64, lowest float64) []risk.GradeBand {
	s := slices.Sorted(slices.Values(scores))
	starts := make([]float64, 0, 5)
	for q := 4; q >= 1; q-- {
		starts = append(starts, s[q*len(s)/5])
	}
	starts = append(starts, lowest)
	var grades []risk.GradeBand
	for _, x := range starts {
		if len(grades) > 0 && !(x < grades[len(grades)-1].MinScore) {
			continue
		}
		grades = append(grades, risk.GradeBand{Grade: risk.Grade(rune('A' + len(grades))), MinScore: x})
	}
	return grades
}

// Scores scores every row of d with the card: the base and the points of each row's bin of every
// variable of the card, as risk.Scorecard.Score scores the same values given as a feature set.
// It reads the bins the Variables hold, so a Model read back from JSON scores as the one built.
// d needs a column for every variable of the card (others are ignored) and no outcome. Errors
// match b2bkit.ErrInvalid: a variable without a column or of the other kind, columns of unequal
// length, a number NaN or infinite, a category the card has no bin for.
func (m *Model) Scores(d Data) ([]float64, error) {
	if m == nil {
		return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid("model", "must be set"))
	}
	n := -1
	cols := make([]*Column, len(m.Variables))
	bins := make([]Binning, len(m.Variables)) // each variable's bins as the model holds them now
	for j, v := range m.Variables {
		bins[j] = v.Binning.lookup()
		i := columnIndex(d, v.Binning.Feature)
		if i < 0 {
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid("data.columns", "has no column %s, which the card scores", v.Binning.Feature))
		}
		c := &d.Columns[i]
		rows := len(c.Numbers)
		if v.Binning.Categorical {
			rows = len(c.Categories)
		}
		field := fmt.Sprintf("data.columns[%d]", i)
		switch {
		case v.Binning.Categorical && c.Categories == nil:
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field+".categories", "%s is categorical in the card", c.Feature))
		case !v.Binning.Categorical && c.Numbers == nil:
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field+".numbers", "%s is numeric in the card", c.Feature))
		case n >= 0 && rows != n:
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field, "has %d rows, other columns %d", rows, n))
		case c.Missing != nil && len(c.Missing) != rows:
			return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field+".missing", "has %d rows, the column %d", len(c.Missing), rows))
		}
		n, cols[j] = rows, c
	}
	scores := make([]float64, max(n, 0))
	for r := range scores {
		s := m.Card.Base
		for j, v := range m.Variables {
			c := cols[j]
			if r < len(c.Missing) && c.Missing[r] {
				s += v.MissingPoints
				continue
			}
			if c.Numbers != nil && !v.Binning.Categorical {
				if x := c.Numbers[r]; !finite(x) {
					return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(fmt.Sprintf("data.columns[%d].numbers[%d]", columnIndex(d, c.Feature), r), "is %g, must be a finite number", x))
				}
			}
			k, err := bins[j].bin(c, r)
			if err != nil {
				return nil, fmt.Errorf("scorecard: %w", b2bkit.InField(fmt.Sprintf("data.columns[%d]", columnIndex(d, c.Feature)), err))
			}
			s += v.Points[k]
		}
		scores[r] = s
	}
	return scores, nil
}
