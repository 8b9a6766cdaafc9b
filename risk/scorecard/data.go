package scorecard

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/b2bkit/b2bkit/risk"
)

// maxNumber bounds the magnitude of a number in a column, so that every break the binning makes is
// a decimal risk.Scorecard accepts (at most 40 digits): far beyond any amount or rate a platform has.
const maxNumber = 1e15

// maxNameLen is the longest feature name, as risk.Scorecard allows.
const maxNameLen = 128

// A Column is one candidate variable (候选变量) over the rows of a sample: numeric (Numbers) or
// categorical (Categories), never both, one entry per row. A row marked in Missing is a missing
// value (a new buyer has no trend) whatever its entry holds; it gets a bin of its own.
type Column struct {
	// Feature names the variable as the card will (snake case, as risk.Feature).
	Feature risk.Feature
	// Numbers are the values of a numeric variable: finite, within ±1e15, unless missing.
	Numbers []float64
	// Categories are the values of a categorical variable: not empty, unless missing.
	Categories []string
	// Missing marks the rows whose value is missing; nil when none is.
	Missing []bool
}

// Data is a development sample (建模样本): candidate variables over the same rows and each row's
// outcome. Bad[i] says whether row i went bad (the event the card predicts); it has both classes.
type Data struct {
	Columns []Column
	Bad     []bool
}

// Rows is the number of rows of the sample.
func (d Data) Rows() int { return len(d.Bad) }

// Validate reports every problem with the sample, each naming its field ("data.columns[2].numbers[17]"):
// no rows, an outcome with one class only, no columns, no more rows than the regression has
// parameters (the columns and an intercept), a column with no name or a name repeated or not in
// snake case, with both or neither of Numbers and Categories, of another length than Bad, with
// every row missing, a number NaN, infinite or beyond ±1e15, an empty category. The error matches
// b2bkit.ErrInvalid.
func (d Data) Validate() error {
	var errs []error
	errs = append(errs, checkOutcome(d.Bad)...)
	switch {
	case len(d.Columns) == 0:
		errs = append(errs, b2bkit.Invalid("columns", "must have at least one column"))
	case len(d.Bad) > 0 && len(d.Bad) <= len(d.Columns)+1:
		errs = append(errs, b2bkit.Invalid("columns", "has %d variables for %d rows: the regression needs more rows than its %d parameters (the variables and an intercept)",
			len(d.Columns), len(d.Bad), len(d.Columns)+1))
	}
	seen := make(map[risk.Feature]int, len(d.Columns))
	for i, c := range d.Columns {
		f := fmt.Sprintf("columns[%d]", i)
		if j, dup := seen[c.Feature]; dup && c.Feature != "" {
			errs = append(errs, b2bkit.Invalid(f+".feature", "%s is already columns[%d]", c.Feature, j))
		} else {
			seen[c.Feature] = i
		}
		if err := c.check(len(d.Bad)); err != nil {
			errs = append(errs, b2bkit.InField(f, err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("scorecard: %w", b2bkit.InField("data", errors.Join(errs...)))
}

// checkOutcome reports an outcome with no rows or with one class only.
func checkOutcome(bad []bool) []error {
	if len(bad) == 0 {
		return []error{b2bkit.Invalid("bad", "must have at least one row")}
	}
	nBad := 0
	for _, b := range bad {
		if b {
			nBad++
		}
	}
	if nBad == 0 || nBad == len(bad) {
		return []error{b2bkit.Invalid("bad", "has %d bad of %d rows: the outcome must have both good and bad rows", nBad, len(bad))}
	}
	return nil
}

// check reports every problem of one column of a sample of n rows.
func (c Column) check(n int) error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	if !isSnake(string(c.Feature)) {
		add("feature", "must be a feature name in snake case (a-z, 0-9, _, starting with a letter), at most %d bytes", maxNameLen)
	}
	if c.Missing != nil && len(c.Missing) != n {
		add("missing", "has %d rows, the outcome %d", len(c.Missing), n)
	}
	missing := func(i int) bool { return i < len(c.Missing) && c.Missing[i] }
	present := 0
	switch {
	case c.Numbers != nil && c.Categories != nil:
		add("", "has both numbers and categories: a variable is numeric or categorical")
	case c.Numbers != nil:
		if len(c.Numbers) != n {
			add("numbers", "has %d rows, the outcome %d", len(c.Numbers), n)
			break
		}
		for i, x := range c.Numbers {
			if missing(i) {
				continue
			}
			present++
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > maxNumber {
				// One error per column: a column of NaN is one problem, not a million.
				add(fmt.Sprintf("numbers[%d]", i), "%s is %g: must be a finite number within ±%g (mark a missing value in Missing)",
					clip(string(c.Feature)), x, maxNumber)
				return errors.Join(errs...)
			}
		}
	case c.Categories != nil:
		if len(c.Categories) != n {
			add("categories", "has %d rows, the outcome %d", len(c.Categories), n)
			break
		}
		for i, s := range c.Categories {
			if missing(i) {
				continue
			}
			present++
			if s == "" {
				add(fmt.Sprintf("categories[%d]", i), "is empty: name the category or mark the row missing")
				return errors.Join(errs...)
			}
			if len(s) > maxNameLen {
				add(fmt.Sprintf("categories[%d]", i), "is longer than %d bytes", maxNameLen)
				return errors.Join(errs...)
			}
		}
	default:
		add("", "has neither numbers nor categories")
	}
	if len(errs) == 0 && present == 0 && n > 0 {
		add("", "every row is missing: there is nothing to bin")
	}
	return errors.Join(errs...)
}

// isSnake reports whether s is a feature name in snake case: a-z, 0-9 and _, starting with a letter.
func isSnake(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] < 'a' || s[0] > 'z' {
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

// A Sample is one row of a development sample as the platform has it: a buyer's features as of the
// observation date and whether it went bad in the performance window after it.
type Sample struct {
	Features risk.FeatureSet
	Bad      bool
}

// collectNumber is d as a column holds it, or why it cannot be: an exponent beyond ±18 (which
// would be read as 0 or ±Inf without a word) or a magnitude beyond ±1e15.
func collectNumber(d decimal.Decimal) (float64, error) {
	if !xerr.SaneValue(d) {
		return 0, fmt.Errorf("%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(d))
	}
	x := d.InexactFloat64()
	if math.Abs(x) > maxNumber {
		return 0, fmt.Errorf("is %s: must be within ±%g", xerr.EchoDecimal(d), maxNumber)
	}
	return x, nil
}

// Collect reads samples into Data, one column per feature in the order given (nil means every
// feature of the first sample, in name order). A feature is numeric when its values carry no
// category and categorical when they all do; a missing value is marked missing. The stream is read
// once and its first error is returned wrapped. A sample without one of the features, or a feature
// with numbers in some rows and categories in others, is an error matching b2bkit.ErrInvalid naming
// the sample and the feature, and so is a number written with an exponent beyond ±18 or beyond
// ±1e15 (as Data.Validate). Numbers are read as float64 (decimal.InexactFloat64), exact for
// decimals of up to 15 significant digits. Collect does not Validate the result; Build does.
func Collect(samples iter.Seq2[Sample, error], features []risk.Feature) (Data, error) {
	if samples == nil {
		return Data{}, fmt.Errorf("scorecard: %w", b2bkit.Invalid("samples", "no stream"))
	}
	var d Data
	var (
		kinds []byte // per column: 0 unknown, 'n' numeric, 'c' categorical
		nums  [][]float64
		cats  [][]string
		miss  [][]bool
	)
	columns := func() {
		kinds = make([]byte, len(features))
		nums, cats, miss = make([][]float64, len(features)), make([][]string, len(features)), make([][]bool, len(features))
	}
	if features != nil {
		columns()
	}
	row := 0
	for s, err := range samples {
		if err != nil {
			return Data{}, fmt.Errorf("scorecard: samples[%d]: %w", row, err)
		}
		if features == nil {
			for f := range s.Features.Values.All() {
				features = append(features, f)
			}
			slices.Sort(features)
			if features == nil {
				features = []risk.Feature{}
			}
			columns()
		}
		for j, f := range features {
			v, ok := s.Features.Values.Get(f)
			field := fmt.Sprintf("samples[%d].features.values.%s", row, f)
			if !ok {
				return Data{}, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field, "absent: every sample must have every feature (missing ones marked Missing)"))
			}
			miss[j] = append(miss[j], v.Missing)
			if v.Missing {
				nums[j] = append(nums[j], 0)
				cats[j] = append(cats[j], "")
				continue
			}
			kind := byte('n')
			if v.Category != "" {
				kind = 'c'
			}
			switch kinds[j] {
			case 0:
				kinds[j] = kind
			case kind:
			default:
				return Data{}, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field, "mixes numbers and categories across samples"))
			}
			x, err := collectNumber(v.Number)
			if err != nil {
				return Data{}, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field, "%v", err))
			}
			nums[j] = append(nums[j], x)
			cats[j] = append(cats[j], v.Category)
		}
		d.Bad = append(d.Bad, s.Bad)
		row++
	}
	for j, f := range features {
		c := Column{Feature: f}
		if slices.Contains(miss[j], true) {
			c.Missing = miss[j]
		}
		if kinds[j] == 'c' {
			c.Categories = cats[j]
		} else {
			c.Numbers = nums[j]
		}
		d.Columns = append(d.Columns, c)
	}
	return d, nil
}
