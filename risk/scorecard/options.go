package scorecard

import (
	"fmt"
	"strconv"

	"github.com/b2bkit/b2bkit"
)

// A Method is how BinColumn cuts a variable into bins when no breaks or groups are given.
type Method int

const (
	// ChiMerge starts from fine classes and merges the adjacent pair whose bad rates differ least
	// (the smallest chi-square) while there are more than MaxBins bins or a pair differs by less
	// than ChiLimit, merging a bin under MinBinShare first. The default.
	ChiMerge Method = iota
	// Tree splits the fine classes top-down: each step makes the cut that raises the information
	// value most, keeping both sides at MinBinShare or more, until MaxBins bins or a step raises it
	// by less than MinGain of what it was.
	Tree
	// EqualFrequency cuts into MaxBins bins of about the same number of rows (fewer when values
	// tie: a value is never split between bins).
	EqualFrequency
	// EachValue gives every distinct value (every category) a bin of its own: the information value
	// "per distinct value" that published figures often quote.
	EachValue
)

var methodWords = [...]string{ChiMerge: "chimerge", Tree: "tree", EqualFrequency: "equal_frequency", EachValue: "each_value"}

// String returns the method's word: chimerge, tree, equal_frequency or each_value.
func (m Method) String() string { return word(methodWords[:], int(m), "Method") }

// MarshalText encodes the method as its word.
func (m Method) MarshalText() ([]byte, error) { return marshalWord(methodWords[:], int(m), "method") }

// UnmarshalText decodes a method from its word.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := parseWord(methodWords[:], b, "method")
	*m = Method(v)
	return err
}

// Closed says which end of a numeric bin holds a value on a break.
type Closed int

const (
	// LeftClosed bins are [a, b): a value on a break belongs to the bin above. The default, as R's
	// scorecard package and risk.Scorecard read bins.
	LeftClosed Closed = iota
	// RightClosed bins are (a, b]: a value on a break belongs to the bin below, as pandas.cut by
	// default. For comparing binnings only: Build refuses it, since risk.Scorecard cannot run it.
	RightClosed
)

var closedWords = [...]string{LeftClosed: "left", RightClosed: "right"}

// String returns "left" or "right".
func (c Closed) String() string { return word(closedWords[:], int(c), "Closed") }

// MarshalText encodes the convention as its word.
func (c Closed) MarshalText() ([]byte, error) { return marshalWord(closedWords[:], int(c), "closed") }

// UnmarshalText decodes a convention from its word.
func (c *Closed) UnmarshalText(b []byte) error {
	v, err := parseWord(closedWords[:], b, "closed")
	*c = Closed(v)
	return err
}

// EmptyCell is the rule for a bin with rows of one outcome only, no good or no bad, whose weight of
// evidence would be infinite. A bin with no rows at all (a manual break or group the data does not
// reach) is not an empty cell: it has no evidence, its WoE and IV are 0 under every rule, and it
// changes nothing of the other bins (see BinStat.WoE).
type EmptyCell int

const (
	// EmptyCellR is R scorecard's rule (its iv()): a zero count of good or of bad in a bin becomes
	// 0.99, and the totals, and so every share, are recomputed from the counts so adjusted. The
	// default; the published German credit figures use it.
	EmptyCellR EmptyCell = iota
	// EmptyCellHalf adds 0.5 to both counts of every bin of a variable that has an empty cell
	// (Haldane's correction), and recomputes the shares.
	EmptyCellHalf
	// EmptyCellError refuses: an empty cell is an error naming the variable and the bin (a bin
	// with no rows is not one).
	EmptyCellError
)

var emptyCellWords = [...]string{EmptyCellR: "r_0.99", EmptyCellHalf: "add_half", EmptyCellError: "error"}

// String returns the rule's word: r_0.99, add_half or error.
func (e EmptyCell) String() string { return word(emptyCellWords[:], int(e), "EmptyCell") }

// MarshalText encodes the rule as its word.
func (e EmptyCell) MarshalText() ([]byte, error) {
	return marshalWord(emptyCellWords[:], int(e), "empty_cell")
}

// UnmarshalText decodes a rule from its word.
func (e *EmptyCell) UnmarshalText(b []byte) error {
	v, err := parseWord(emptyCellWords[:], b, "empty_cell")
	*e = EmptyCell(v)
	return err
}

func word(words []string, v int, typ string) string {
	if v >= 0 && v < len(words) {
		return words[v]
	}
	return typ + "(" + strconv.Itoa(v) + ")"
}

func marshalWord(words []string, v int, field string) ([]byte, error) {
	if v >= 0 && v < len(words) {
		return []byte(words[v]), nil
	}
	return nil, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field, "unknown value %d", v))
}

func parseWord(words []string, b []byte, field string) (int, error) {
	for i, w := range words {
		if string(b) == w {
			return i, nil
		}
	}
	if len(b) > 32 {
		b = append(b[:32:32], "..."...)
	}
	return 0, fmt.Errorf("scorecard: %w", b2bkit.Invalid(field, "unknown word %q, want one of %q", b, words))
}
