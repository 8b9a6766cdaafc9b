package scorecard

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// Defaults and bounds of BinOptions; the defaults are those of R's scorecard woebin.
const (
	defaultMaxBins     = 8
	defaultMinBinShare = 0.05
	defaultInitialBins = 50
	defaultChiLimit    = 3.841 // chi-square at 95% with one degree of freedom
	defaultMinGain     = 0.1
	// maxBins is the most bins risk.Scorecard allows an attribute.
	maxBins        = 256
	maxInitialBins = 10_000
	maxCategories  = 4096
)

// BinOptions tune BinColumn; the zero value (or nil) is the default for each field.
type BinOptions struct {
	// Method cuts the variable when Breaks and Groups are empty; the zero value is ChiMerge.
	Method Method `json:"method"`
	// MaxBins is the most bins, the missing bin aside; 0 means 8. At most 256.
	MaxBins int `json:"max_bins,omitempty"`
	// MinBinShare is the least share of all rows a bin of ChiMerge or Tree holds; 0 means 0.05,
	// a negative value no minimum. At most 0.5.
	MinBinShare float64 `json:"min_bin_share,omitempty"`
	// InitialBins is the number of fine classes (equal-frequency, ties kept together) ChiMerge and
	// Tree start from; 0 means 50. Categories are their own fine classes.
	InitialBins int `json:"initial_bins,omitempty"`
	// ChiLimit is the chi-square below which ChiMerge merges two adjacent bins; 0 means 3.841
	// (95% with one degree of freedom), a negative value none (only MaxBins and MinBinShare merge).
	ChiLimit float64 `json:"chi_limit,omitempty"`
	// MinGain is the relative rise of information value below which Tree stops splitting; 0 means
	// 0.1, a negative value none.
	MinGain float64 `json:"min_gain,omitempty"`
	// Monotonic merges the computed bins of a numeric variable until the weight of evidence rises
	// or falls throughout, whichever keeps more information value (rising when equal).
	Monotonic bool `json:"monotonic,omitempty"`
	// Closed is the break convention; the zero value is LeftClosed, [a, b).
	Closed Closed `json:"closed"`
	// EmptyCell is the rule for a bin with no good or no bad; the zero value is EmptyCellR.
	EmptyCell EmptyCell `json:"empty_cell"`
	// Breaks are manual breaks of a numeric variable, strictly increasing and within ±1e15 as the
	// column's numbers are: len(Breaks)+1 bins, kept as given (even empty) and never merged.
	Breaks []float64 `json:"breaks,omitempty"`
	// Groups are manual bins of a categorical variable: each lists categories, and every category
	// of the data must be in one of them. Kept as given and never merged.
	Groups [][]string `json:"groups,omitempty"`
}

// binConfig is BinOptions with the defaults filled in.
type binConfig struct {
	BinOptions
	chiLimit, minGain, minShare float64
}

// resolve fills in the defaults and reports every problem of the options.
func (o *BinOptions) resolve() (binConfig, error) {
	var c binConfig
	if o != nil {
		c.BinOptions = *o
	}
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, b2bkit.Invalid(field, format, args...))
	}
	if c.Method < ChiMerge || c.Method > EachValue {
		add("method", "unknown method %d", c.Method)
	}
	if c.Closed < LeftClosed || c.Closed > RightClosed {
		add("closed", "unknown convention %d", c.Closed)
	}
	if c.EmptyCell < EmptyCellR || c.EmptyCell > EmptyCellError {
		add("empty_cell", "unknown rule %d", c.EmptyCell)
	}
	switch {
	case c.MaxBins == 0:
		c.MaxBins = defaultMaxBins
	case c.MaxBins < 0 || c.MaxBins > maxBins:
		add("max_bins", "is %d, must be 1 to %d (0 for %d)", c.MaxBins, maxBins, defaultMaxBins)
	}
	switch {
	case c.InitialBins == 0:
		c.InitialBins = defaultInitialBins
	case c.InitialBins < 0 || c.InitialBins > maxInitialBins:
		add("initial_bins", "is %d, must be 1 to %d (0 for %d)", c.InitialBins, maxInitialBins, defaultInitialBins)
	}
	c.minShare = orDefault(c.MinBinShare, defaultMinBinShare)
	if !finite(c.MinBinShare) || c.MinBinShare > 0.5 {
		add("min_bin_share", "is %g, must be a number up to 0.5", c.MinBinShare)
	}
	c.chiLimit = orDefault(c.ChiLimit, defaultChiLimit)
	if !finite(c.ChiLimit) {
		add("chi_limit", "must be a finite number")
	}
	c.minGain = orDefault(c.MinGain, defaultMinGain)
	if !finite(c.MinGain) {
		add("min_gain", "must be a finite number")
	}
	if len(c.Breaks) > 0 && len(c.Groups) > 0 {
		add("", "has both breaks and groups: a variable is numeric or categorical")
	}
	if len(c.Breaks) >= maxBins {
		add("breaks", "has %d breaks, at most %d", len(c.Breaks), maxBins-1)
	}
	for i, x := range c.Breaks {
		switch {
		case !finite(x) || math.Abs(x) > maxNumber:
			add(fmt.Sprintf("breaks[%d]", i), "is %g: must be a finite number within ±%g", x, maxNumber)
		case i > 0 && !(x > c.Breaks[i-1]):
			add(fmt.Sprintf("breaks[%d]", i), "is %g: must be above breaks[%d] %g", x, i-1, c.Breaks[i-1])
		}
	}
	if len(c.Groups) > maxBins {
		add("groups", "has %d groups, at most %d", len(c.Groups), maxBins)
	}
	seen := make(map[string]int)
	for i, g := range c.Groups {
		if len(g) == 0 {
			add(fmt.Sprintf("groups[%d]", i), "must list at least one category")
		}
		for j, s := range g {
			f := fmt.Sprintf("groups[%d][%d]", i, j)
			switch k, dup := seen[s]; {
			case s == "":
				add(f, "must not be empty")
			case dup:
				add(f, "%q is already in groups[%d]", clip(s), k)
			default:
				seen[s] = i
			}
		}
	}
	return c, errors.Join(errs...)
}

// orDefault is x, or def when x is 0, or 0 when x is negative (off).
func orDefault(x, def float64) float64 {
	switch {
	case x == 0:
		return def
	case x < 0:
		return 0
	}
	return x
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// A BinStat is one bin of a variable (分箱) and what the sample says of it.
type BinStat struct {
	// Min and Max bound a numeric bin, as in risk.Bin: nil is an open end. Which end is closed is
	// the Binning's Closed.
	Min, Max *decimal.Decimal
	// Categories are the categories of a categorical bin, in name order.
	Categories []string
	// Missing is true for the bin of missing values.
	Missing bool
	// Good and Bad count the rows in the bin.
	Good, Bad int
	// Share is the bin's share of all rows; BadRate its share of bad rows (0 for an empty bin).
	Share, BadRate float64
	// WoE is the bin's weight of evidence, ln((bad_i/bad) / (good_i/good)) after the empty-cell
	// rule: positive for a bin riskier than the whole sample. IV is the bin's part of the
	// information value, (bad_i/bad - good_i/good) x WoE. Both are 0 for a bin with no rows, which
	// has no evidence either way (optbinning's binning table sets them so); its 0.99 or 0.5 counts
	// would have made it a bin of 50% bad rows, and moved the shares of the others.
	WoE, IV float64
}

// Label names the bin for a person: "[12, 24)", "[36, +inf)", "own, rent" or "missing".
func (b BinStat) Label(c Closed) string {
	switch {
	case b.Missing:
		return "missing"
	case b.Categories != nil:
		return strings.Join(b.Categories, ", ")
	}
	lo, hi := "-inf", "+inf"
	if b.Min != nil {
		lo = b.Min.String()
	}
	if b.Max != nil {
		hi = b.Max.String()
	}
	if c == RightClosed {
		return "(" + lo + ", " + hi + "]"
	}
	return "[" + lo + ", " + hi + ")"
}

// A Binning is one variable cut into bins, with each bin's counts, weight of evidence and share of
// the information value. The bins are in order (numeric ranges increasing; categorical bins by
// rising bad rate); the bin of missing values, when any row is missing, is last.
type Binning struct {
	// Feature is the variable binned; Categorical says whether its bins are categories.
	Feature     risk.Feature
	Categorical bool
	// Manual is true when the bins were given (breaks or groups), not computed by Method.
	Manual bool
	Method Method
	// Closed is the break convention of the numeric bins; EmptyCell the rule the WoE was worked
	// out under.
	Closed    Closed
	EmptyCell EmptyCell
	// Bins are the bins, in order, the missing bin (when any) last.
	Bins []BinStat
	// IV is the variable's information value, the sum of its bins' IV.
	IV float64
	// Rows, Good and Bad count the sample.
	Rows, Good, Bad int
	// MissingShare is the share of rows missing; IdenticalShare the largest share of rows that hold
	// one and the same value.
	MissingShare, IdenticalShare float64

	edges []float64      // numeric: the inner breaks as float64, len(non-missing bins)-1
	index map[string]int // categorical: the bin of each category
}

// HasMissingBin reports whether the last bin is the bin of missing values (false for a nil Binning).
func (b *Binning) HasMissingBin() bool {
	return b != nil && len(b.Bins) > 0 && b.Bins[len(b.Bins)-1].Missing
}

// lookup is b with its breaks and category index worked out from Bins, what a Binning holds as
// data: a Binning read back from JSON, or copied, bins rows as the one Build made. (The breaks are
// the float64s of the bins' Max, which are their shortest decimals, so they are the breaks binning
// cut.)
func (b Binning) lookup() Binning {
	b.edges, b.index = nil, nil
	if b.Categorical {
		b.index = make(map[string]int)
		for g, st := range b.Bins {
			for _, s := range st.Categories {
				b.index[s] = g
			}
		}
		return b
	}
	for _, st := range b.Bins {
		if st.Max != nil && !st.Missing {
			b.edges = append(b.edges, st.Max.InexactFloat64())
		}
	}
	return b
}

// bin is the index of the bin that holds row i of c, or an error when c's value is a category the
// binning has never seen or a missing value where it has no missing bin.
func (b *Binning) bin(c *Column, i int) (int, error) {
	if i < len(c.Missing) && c.Missing[i] {
		if !b.HasMissingBin() {
			return 0, b2bkit.Invalid(fmt.Sprintf("missing[%d]", i), "the binning has no bin of missing values")
		}
		return len(b.Bins) - 1, nil
	}
	if b.Categorical {
		if c.Categories == nil {
			return 0, b2bkit.Invalid("categories", "the variable is categorical")
		}
		k, ok := b.index[c.Categories[i]]
		if !ok {
			return 0, b2bkit.Invalid(fmt.Sprintf("categories[%d]", i), "category %q is in no bin", clip(c.Categories[i]))
		}
		return k, nil
	}
	if c.Numbers == nil {
		return 0, b2bkit.Invalid("numbers", "the variable is numeric")
	}
	return b.numberBin(c.Numbers[i]), nil
}

// numberBin is the bin of x among the non-missing bins: the number of breaks at or below x for
// [a, b) bins, below x for (a, b].
func (b *Binning) numberBin(x float64) int {
	if b.Closed == RightClosed {
		return sort.Search(len(b.edges), func(k int) bool { return b.edges[k] >= x })
	}
	return sort.Search(len(b.edges), func(k int) bool { return b.edges[k] > x })
}

// A cell counts good and bad rows.
type cell struct{ good, bad int }

func (c cell) n() int { return c.good + c.bad }

func (c cell) add(d cell) cell { return cell{c.good + d.good, c.bad + d.bad} }

// BinColumn cuts one variable into bins and works out each bin's weight of evidence and the
// variable's information value (WoE, IV): the analyst's first look at a variable. bad is the
// outcome of every row. See BinOptions for how, and the package doc for the conventions.
//
// Errors match b2bkit.ErrInvalid and name the field: an outcome with one class, a column of another
// length, every row missing, a NaN or infinite number, options out of range, a category in no
// manual group, an empty cell under EmptyCellError.
func BinColumn(c Column, bad []bool, opts *BinOptions) (Binning, error) {
	cfg, err := opts.resolve()
	errs := checkOutcome(bad)
	if err != nil {
		errs = append(errs, b2bkit.InField("options", err))
	}
	if err := c.check(len(bad)); err != nil {
		errs = append(errs, b2bkit.InField("column", err))
	} else if err := cfg.fits(&c); err != nil {
		errs = append(errs, b2bkit.InField("options", err))
	}
	if len(errs) > 0 {
		return Binning{}, fmt.Errorf("scorecard: %w", errors.Join(errs...))
	}
	b, err := binColumn(&c, bad, cfg, "options", string(c.Feature))
	if err != nil {
		return Binning{}, fmt.Errorf("scorecard: %w", err)
	}
	return b, nil
}

// fits reports manual bins of the other kind than the column: breaks for categories, groups for
// numbers.
func (cfg *binConfig) fits(c *Column) error {
	switch {
	case c.Categories != nil && len(cfg.Breaks) > 0:
		return b2bkit.Invalid("breaks", "the variable is categorical: give groups")
	case c.Numbers != nil && len(cfg.Groups) > 0:
		return b2bkit.Invalid("groups", "the variable is numeric: give breaks")
	}
	return nil
}

// binColumn bins a checked column with resolved options that fit it. An error names the options
// by optField and the column by colField.
func binColumn(c *Column, bad []bool, cfg binConfig, optField, colField string) (Binning, error) {
	b := Binning{Feature: c.Feature, Categorical: c.Categories != nil, Method: cfg.Method, Closed: cfg.Closed,
		EmptyCell: cfg.EmptyCell, Rows: len(bad)}
	var missing cell
	for i, isBad := range bad {
		if isBad {
			b.Bad++
		}
		if i < len(c.Missing) && c.Missing[i] {
			if isBad {
				missing.bad++
			} else {
				missing.good++
			}
		}
	}
	b.Good = b.Rows - b.Bad
	b.MissingShare = float64(missing.n()) / float64(b.Rows)
	if b.Categorical {
		if err := b.binCategories(c, bad, cfg); err != nil {
			return Binning{}, b2bkit.InField(optField, err)
		}
	} else {
		b.binNumbers(c, bad, cfg)
	}
	if missing.n() > 0 {
		b.Bins = append(b.Bins, BinStat{Missing: true, Good: missing.good, Bad: missing.bad})
	}
	if err := b.weigh(); err != nil {
		return Binning{}, b2bkit.InField(colField, err)
	}
	if cfg.Monotonic && !b.Categorical && !b.Manual && cfg.Method != EachValue {
		// Pooling made the bad rates monotonic; an empty-cell rule can still bend the WoE of a bin
		// with no good or no bad (0.99 is not 0), so merge what it bent.
		for k := b.bentWoE(); k >= 0; k = b.bentWoE() {
			b.mergeNext(k)
			if err := b.weigh(); err != nil {
				return Binning{}, b2bkit.InField(colField, err)
			}
		}
	}
	return b, nil
}

// bentWoE is the first non-missing bin whose WoE does not move on from the bin before it in the
// direction from the first bin's to the last bin's (rising when equal), less one; -1 when none.
func (b *Binning) bentWoE() int {
	bins := b.Bins
	if b.HasMissingBin() {
		bins = bins[:len(bins)-1]
	}
	if len(bins) < 2 {
		return -1
	}
	rising := bins[len(bins)-1].WoE >= bins[0].WoE
	for k := 0; k+1 < len(bins); k++ {
		if rising && !(bins[k+1].WoE > bins[k].WoE) || !rising && !(bins[k+1].WoE < bins[k].WoE) {
			return k
		}
	}
	return -1
}

// mergeNext merges numeric bin k with bin k+1.
func (b *Binning) mergeNext(k int) {
	x, y := &b.Bins[k], b.Bins[k+1]
	x.Max, x.Good, x.Bad = y.Max, x.Good+y.Good, x.Bad+y.Bad
	b.Bins = slices.Delete(b.Bins, k+1, k+2)
	b.edges = slices.Delete(b.edges, k, k+1)
}

// binNumbers cuts a numeric variable: its distinct values, in order, with their counts, then
// groups of them by the method (or the manual breaks), then breaks between the groups.
func (b *Binning) binNumbers(c *Column, bad []bool, cfg binConfig) {
	xs, cells := distinctNumbers(c, bad)
	b.IdenticalShare = identicalShare(cells, b.Rows)
	if len(cfg.Breaks) > 0 {
		b.Manual = true
		b.edges = slices.Clone(cfg.Breaks)
		counts := make([]cell, len(b.edges)+1)
		for k, x := range xs {
			j := b.numberBin(x)
			counts[j] = counts[j].add(cells[k])
		}
		for j, n := range counts {
			s := BinStat{Good: n.good, Bad: n.bad}
			if j > 0 {
				d := decimal.NewFromFloat(b.edges[j-1])
				s.Min = &d
			}
			if j < len(b.edges) {
				d := decimal.NewFromFloat(b.edges[j])
				s.Max = &d
			}
			b.Bins = append(b.Bins, s)
		}
		return
	}
	starts := group(cells, b.Rows, cfg, true)
	b.edges = make([]float64, 0, len(starts)-1)
	edges := make([]decimal.Decimal, len(starts)+1)
	for g := 1; g < len(starts); g++ {
		lo, hi := xs[starts[g]-1], xs[starts[g]]
		e, f := cut(lo, hi, cfg.Closed)
		edges[g], b.edges = e, append(b.edges, f)
	}
	for g, s := range starts {
		end := len(cells)
		if g+1 < len(starts) {
			end = starts[g+1]
		}
		var n cell
		for _, x := range cells[s:end] {
			n = n.add(x)
		}
		st := BinStat{Good: n.good, Bad: n.bad}
		if g > 0 {
			st.Min = &edges[g]
		}
		if g+1 < len(starts) {
			st.Max = &edges[g+1]
		}
		b.Bins = append(b.Bins, st)
	}
}

// binCategories cuts a categorical variable: its categories in order of bad rate (ties by name),
// then groups of adjacent ones by the method (or the manual groups). An error names a field of the
// options.
func (b *Binning) binCategories(c *Column, bad []bool, cfg binConfig) error {
	counts := make(map[string]cell)
	for i, s := range c.Categories {
		if i < len(c.Missing) && c.Missing[i] {
			continue
		}
		n := counts[s]
		if bad[i] {
			n.bad++
		} else {
			n.good++
		}
		counts[s] = n
	}
	if len(counts) > maxCategories {
		return b2bkit.Invalid("method", "the variable has %d distinct categories, at most %d: group them (groups)", len(counts), maxCategories)
	}
	names := make([]string, 0, len(counts))
	for s := range counts {
		names = append(names, s)
	}
	slices.SortFunc(names, func(x, y string) int {
		if c := compareRate(counts[x], counts[y]); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	cells := make([]cell, len(names))
	for i, s := range names {
		cells[i] = counts[s]
	}
	b.IdenticalShare = identicalShare(cells, b.Rows)
	b.index = make(map[string]int, len(names))
	if len(cfg.Groups) > 0 {
		b.Manual = true
		for g, cats := range cfg.Groups {
			st := BinStat{Categories: slices.Sorted(slices.Values(cats))}
			for _, s := range cats {
				b.index[s] = g
				st.Good += counts[s].good
				st.Bad += counts[s].bad
			}
			b.Bins = append(b.Bins, st)
		}
		for _, s := range names {
			if _, ok := b.index[s]; !ok {
				return b2bkit.Invalid("groups", "category %q of the data is in no group", clip(s))
			}
		}
		return nil
	}
	starts := group(cells, b.Rows, cfg, false)
	for g, s := range starts {
		end := len(cells)
		if g+1 < len(starts) {
			end = starts[g+1]
		}
		st := BinStat{Categories: slices.Sorted(slices.Values(names[s:end]))}
		for k := s; k < end; k++ {
			b.index[names[k]] = g
			st.Good += cells[k].good
			st.Bad += cells[k].bad
		}
		b.Bins = append(b.Bins, st)
	}
	return nil
}

// compareRate orders cells by bad rate, exactly: x.bad/x.n against y.bad/y.n, cross-multiplied.
func compareRate(x, y cell) int {
	return cmp.Compare(int64(x.bad)*int64(y.n()), int64(y.bad)*int64(x.n()))
}

// identicalShare is the largest count of one value over all rows.
func identicalShare(cells []cell, rows int) float64 {
	top := 0
	for _, c := range cells {
		top = max(top, c.n())
	}
	return float64(top) / float64(rows)
}

// distinctNumbers is the distinct non-missing values of a numeric column in increasing order, and
// how many good and bad rows hold each. -0 counts as 0. The good and the bad values are sorted apart
// (as sort keys, in one array: good from the front, bad from the back) and then merged.
func distinctNumbers(c *Column, bad []bool) ([]float64, []cell) {
	nGood, nBad := 0, 0
	for i := range c.Numbers {
		switch {
		case i < len(c.Missing) && c.Missing[i]:
		case bad[i]:
			nBad++
		default:
			nGood++
		}
	}
	keys := make([]uint64, nGood+nBad)
	g, b := 0, len(keys)
	for i, x := range c.Numbers {
		switch {
		case i < len(c.Missing) && c.Missing[i]:
		case bad[i]:
			b--
			keys[b] = sortKey(x)
		default:
			keys[g] = sortKey(x)
			g++
		}
	}
	goods, bads := keys[:nGood], keys[nGood:]
	buf := make([]uint64, max(nGood, nBad))
	radixSort(goods, buf)
	radixSort(bads, buf)
	// Merge twice: once to count the distinct values, once to fill them in.
	merge := func(each func(k uint64, n cell)) {
		i, j := 0, 0
		for i < len(goods) || j < len(bads) {
			var k uint64
			if j == len(bads) || i < len(goods) && goods[i] <= bads[j] {
				k = goods[i]
			} else {
				k = bads[j]
			}
			var n cell
			for ; i < len(goods) && goods[i] == k; i++ {
				n.good++
			}
			for ; j < len(bads) && bads[j] == k; j++ {
				n.bad++
			}
			each(k, n)
		}
	}
	distinct := 0
	merge(func(uint64, cell) { distinct++ })
	xs, cells := make([]float64, 0, distinct), make([]cell, 0, distinct)
	merge(func(k uint64, n cell) {
		xs, cells = append(xs, fromSortKey(k)), append(cells, n)
	})
	return xs, cells
}
