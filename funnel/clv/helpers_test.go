package clv_test

import (
	"bufio"
	"fmt"
	"iter"
	"os"
	"strings"
	"testing"
	"time"

	shareddata "github.com/b2bkit/b2bkit/internal/testdata"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/funnel/clv"
)

// testdata finds a public data set, or skips the test saying why.
func testdata(tb testing.TB, name string) string {
	tb.Helper()
	return shareddata.Path(tb, name)
}

// cdnowSample streams CDNOW_sample.txt — master id, sample id, YYYYMMDD, CDs, dollars; no header,
// CRLF line ends — as purchases of the sample id, one line at a time, as a host streams rows from a
// cursor: a line it cannot read ends the stream with an error.
func cdnowSample(path string) iter.Seq2[funnel.Purchase, error] {
	return func(yield func(funnel.Purchase, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(funnel.Purchase{}, err)
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) != 5 {
				yield(funnel.Purchase{}, fmt.Errorf("line %q: want 5 fields", sc.Text()))
				return
			}
			day, err := time.Parse("20060102", fields[2])
			if err != nil {
				yield(funnel.Purchase{}, err)
				return
			}
			amount, err := b2bkit.ParseDecimal(fields[4])
			if err != nil {
				yield(funnel.Purchase{}, err)
				return
			}
			id := strings.TrimLeft(fields[1], "0")
			if !yield(funnel.Purchase{Company: b2bkit.CompanyID(id), At: day, Amount: amount, Channel: b2bkit.Manual}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(funnel.Purchase{}, err)
		}
	}
}

// cdnowEnd is the end of the CDNOW calibration period: 39 weeks from 1 January 1997.
var cdnowEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)

// cdnowSummary summarises the CDNOW sample as the published summary was built: weeks, calibration
// to 1997-09-30, its eight $0.00 purchases counted.
func cdnowSummary(tb testing.TB) clv.Summary {
	tb.Helper()
	s, err := clv.Summarize(cdnowSample(testdata(tb, "CDNOW_sample.txt")),
		clv.Calibration{End: cdnowEnd, Unit: clv.Weeks, CountFree: true})
	require.NoError(tb, err)
	return s
}

// cdnowPublished loads the published summary, cdnow_customers_summary.csv.
func cdnowPublished(tb testing.TB) clv.Summary {
	tb.Helper()
	f, err := os.Open(testdata(tb, "cdnow_customers_summary.csv"))
	require.NoError(tb, err)
	defer f.Close()
	s, err := clv.ReadCSV(f, clv.Weeks)
	require.NoError(tb, err)
	return s
}

// customer builds a customer with x repeat purchases, the last at tx, age T, and repeat spend.
func customer(id string, x int, tx, T float64, spend string) clv.Customer {
	return clv.Customer{ID: b2bkit.CompanyID(id), History: clv.History{Frequency: x, Recency: tx, T: T},
		RepeatSpend: decimal.RequireFromString(spend)}
}

// cdnowLike is a small data set that fits: a few dozen customers of a food-supply platform, in weeks.
func cdnowLike() clv.Summary {
	var s clv.Summary
	for i := range 60 {
		T := 20 + float64(i%17)
		x := (i * 7) % 9
		if i%3 == 0 {
			x = 0
		}
		tx := 0.0
		if x > 0 {
			tx = T * float64(1+(i*5)%10) / 10
		}
		s.Customers = append(s.Customers, clv.Customer{ID: b2bkit.CompanyID(fmt.Sprintf("R-%02d", i)),
			History: clv.History{Frequency: x, Recency: tx, T: T}})
	}
	return s
}
