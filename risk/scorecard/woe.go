package scorecard

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/b2bkit/b2bkit"
)

// weigh works out the share, bad rate, weight of evidence and information value of every bin, and
// the variable's IV, under the binning's empty-cell rule. A bin no row falls in (a manual break or
// group the data does not reach) has no evidence: WoE and IV 0, as optbinning's binning table has
// them (BinningTable.build sets both to 0 outside the bins with events and non-events), and it takes
// no part in the empty-cell rule, so the other bins weigh as without it, as in R scorecard's woebin,
// whose table has a row only for the bins the data falls in.
func (b *Binning) weigh() error {
	goods, bads := make([]float64, len(b.Bins)), make([]float64, len(b.Bins))
	empty := false
	for i, s := range b.Bins {
		goods[i], bads[i] = float64(s.Good), float64(s.Bad)
		if s.Good+s.Bad == 0 {
			continue // no rows: no evidence, and no cell to fill
		}
		if s.Good == 0 || s.Bad == 0 {
			empty = true
			if b.EmptyCell == EmptyCellError {
				return b2bkit.Invalid(fmt.Sprintf("bins[%d]", i), "bin %s has %d good and %d bad: its weight of evidence is infinite (choose an empty-cell rule or other bins)",
					s.Label(b.Closed), s.Good, s.Bad)
			}
		}
	}
	if empty {
		for i := range goods {
			if goods[i]+bads[i] == 0 {
				continue
			}
			switch b.EmptyCell {
			case EmptyCellHalf:
				goods[i] += 0.5
				bads[i] += 0.5
			default: // EmptyCellR
				if goods[i] == 0 {
					goods[i] = 0.99
				}
				if bads[i] == 0 {
					bads[i] = 0.99
				}
			}
		}
	}
	var good, bad float64
	for i := range goods {
		good += goods[i]
		bad += bads[i]
	}
	b.IV = 0
	for i := range b.Bins {
		s := &b.Bins[i]
		n := s.Good + s.Bad
		s.Share = float64(n) / float64(b.Rows)
		if n == 0 {
			s.BadRate, s.WoE, s.IV = 0, 0, 0
			continue
		}
		s.BadRate = float64(s.Bad) / float64(n)
		pb, pg := bads[i]/bad, goods[i]/good
		s.WoE = math.Log(pb / pg)
		s.IV = (pb - pg) * s.WoE
		b.IV += s.IV
	}
	return nil
}

// WriteTable writes the binning as a table for a person: one line per bin with its range or
// categories, counts, share, bad rate, WoE and IV, and the variable's IV last.
//
// A nil w or Binning is an error matching b2bkit.ErrInvalid.
func (b *Binning) WriteTable(w io.Writer) error {
	switch {
	case w == nil:
		return fmt.Errorf("scorecard: %w", b2bkit.Invalid("w", "must be set"))
	case b == nil:
		return fmt.Errorf("scorecard: %w", b2bkit.Invalid("binning", "must be set"))
	}
	badRate := 0.0 // of no rows, as BinStat.BadRate of an empty bin
	if b.Rows > 0 {
		badRate = float64(b.Bad) / float64(b.Rows)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tgood\tbad\tshare\tbad rate\twoe\tiv\t\n", b.Feature)
	for _, s := range b.Bins {
		label := strings.NewReplacer("\t", " ", "\n", " ").Replace(s.Label(b.Closed))
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%.4f\t%.4f\t\n", label, s.Good, s.Bad, s.Share, s.BadRate, s.WoE, s.IV)
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%.3f\t%.3f\t\t%.4f\t\n", b.Good, b.Bad, 1.0, badRate, b.IV)
	return tw.Flush()
}
