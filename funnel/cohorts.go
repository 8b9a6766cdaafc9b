package funnel

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/shopspring/decimal"
)

// A CohortRow is one campaign — a territory and a start month — in a cohort table.
type CohortRow struct {
	Campaign  string    `json:"campaign,omitempty"`
	Territory string    `json:"territory"`
	Start     time.Time `json:"start"`
	// Month is the campaign month the report was taken in.
	Month      int  `json:"month"`
	Targets    int  `json:"targets"`
	Coverage   Rate `json:"coverage"`
	Conversion Rate `json:"conversion"`
	Repurchase Rate `json:"repurchase"`
	// Penetration is the weighted share of the report's penetration window (zero before month 1 has
	// closed), PenetrationMonths the window's length.
	Penetration       decimal.Decimal `json:"penetration"`
	PenetrationMonths int             `json:"penetration_months"`
}

// A CohortTable lines campaigns up side by side, so cities and start months can be compared on the
// four rates (R6).
type CohortTable struct {
	Rows []CohortRow `json:"rows"`
}

// UnmarshalJSON reads a row as json.Marshal writes it, strictly (see Report.UnmarshalJSON), into a
// fresh row: nothing of a row the receiver held is left, and a failed decode changes nothing.
func (r *CohortRow) UnmarshalJSON(b []byte) error {
	return decodeFresh(b, (*cohortRowJSON)(r))
}

// UnmarshalJSON reads a table as json.Marshal writes it, strictly, into a fresh table: its rows are
// new, never written over those of a table the receiver held, and a failed decode changes nothing.
func (t *CohortTable) UnmarshalJSON(b []byte) error {
	var w cohortTableJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*t = CohortTable{Rows: wire.Values(w.Rows, func(r *cohortRowJSON) CohortRow { return CohortRow(*r) })}
	return nil
}

// The wire shapes of a table: its rows as a plain type, without their UnmarshalJSON, so that one
// strict decode reads the table whole; each row read itself again with a decoder of its own.
type (
	cohortRowJSON   CohortRow
	cohortTableJSON struct {
		Rows []cohortRowJSON `json:"rows"`
	}
)

// Cohorts builds the table of the four rates from reports of many campaigns, one row per territory
// and start month, ordered by start then territory. Two reports for the same territory and start
// month are an error matching b2bkit.ErrConflict: measure each campaign once.
func Cohorts(reports ...Report) (CohortTable, error) {
	type key struct {
		territory string
		y         int
		m         time.Month
	}
	seen := make(map[key]bool, len(reports))
	t := CohortTable{Rows: make([]CohortRow, 0, len(reports))}
	for _, r := range reports {
		y, m, _ := r.Start.Date()
		k := key{r.Territory, y, m}
		if seen[k] {
			return CohortTable{}, fmt.Errorf("funnel: %w", b2bkit.Conflict("cohort",
				fmt.Sprintf("%s %04d-%02d", r.Territory, y, m), "two reports for the same territory and start month"))
		}
		seen[k] = true
		t.Rows = append(t.Rows, CohortRow{Campaign: r.Campaign, Territory: r.Territory, Start: r.Start,
			Month: r.Month, Targets: r.Targets, Coverage: r.Coverage, Conversion: r.Conversion,
			Repurchase: r.Repurchase, Penetration: r.Penetration.Share, PenetrationMonths: r.Penetration.Months})
	}
	slices.SortFunc(t.Rows, func(a, b CohortRow) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Territory, b.Territory))
	})
	return t, nil
}

// WriteTo writes the table as aligned text, one campaign a line; rates still open are marked "*".
func (t CohortTable) WriteTo(w io.Writer) (int64, error) {
	if w == nil {
		return 0, fmt.Errorf("funnel: cohorts: %w", b2bkit.Invalid("", "no writer"))
	}
	cw := &countWriter{w: w}
	tw := tabwriter.NewWriter(cw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "territory\tstart\tmonth\ttargets\tcoverage\tconversion\trepurchase\tpenetration")
	for _, r := range t.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s%%\n", r.Territory, r.Start.Format("2006-01"), r.Month,
			r.Targets, cell(r.Coverage), cell(r.Conversion), cell(r.Repurchase), percent(r.Penetration))
	}
	err := tw.Flush()
	return cw.n, err
}

func cell(r Rate) string {
	s := percent(r.Value) + "%"
	if !r.Complete {
		s += "*"
	}
	return s
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
