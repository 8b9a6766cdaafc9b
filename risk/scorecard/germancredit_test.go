package scorecard_test

import (
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"testing"

	shareddata "github.com/b2bkit/b2bkit/internal/testdata"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/scorecard"
)

// testdata finds a public data set, or skips the test saying why.
func testdata(tb testing.TB, name string) string {
	tb.Helper()
	return shareddata.Path(tb, name)
}

// germanCredit reads germancredit.csv: a column per attribute, numeric when every value reads as a
// number, and bad for creditability "bad".
func germanCredit(tb testing.TB) scorecard.Data {
	tb.Helper()
	f, err := os.Open(testdata(tb, "germancredit.csv"))
	require.NoError(tb, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(tb, err)
	require.Len(tb, records, 1001)
	return germanCreditFrom(tb, records)
}

// germanCreditFrom is germanCredit of the records given, the header first. A number too large for
// a float64 ("1e999999999") is read as ±Inf, for Build to refuse, not as a category.
func germanCreditFrom(tb testing.TB, records [][]string) scorecard.Data {
	tb.Helper()
	header, rows := records[0], records[1:]
	require.Equal(tb, "creditability", header[len(header)-1])
	var d scorecard.Data
	for _, r := range rows {
		require.Contains(tb, []string{"good", "bad"}, r[len(r)-1])
		d.Bad = append(d.Bad, r[len(r)-1] == "bad")
	}
	for j, name := range header[:len(header)-1] {
		c := scorecard.Column{Feature: risk.Feature(name)}
		nums := make([]float64, len(rows))
		numeric := true
		for i, r := range rows {
			x, err := strconv.ParseFloat(r[j], 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				numeric = false
				break
			}
			nums[i] = x
		}
		if numeric {
			c.Numbers = nums
		} else {
			for _, r := range rows {
				c.Categories = append(c.Categories, r[j])
			}
		}
		d.Columns = append(d.Columns, c)
	}
	return d
}

func column(tb testing.TB, d scorecard.Data, f risk.Feature) scorecard.Column {
	tb.Helper()
	for _, c := range d.Columns {
		if c.Feature == f {
			return c
		}
	}
	tb.Fatalf("no column %s", f)
	return scorecard.Column{}
}

func decimalOf(x float64) decimal.Decimal { return decimal.NewFromFloat(x) }
