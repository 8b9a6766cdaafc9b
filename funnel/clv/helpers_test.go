package clv_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit/internal/cdnow"
	shareddata "github.com/b2bkit/b2bkit/internal/testdata"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel/clv"
)

// testdata finds a public data set, or skips the test saying why.
func testdata(tb testing.TB, name string) string {
	tb.Helper()
	return shareddata.Path(tb, name)
}

// cdnowEnd is the end of the CDNOW calibration period: 39 weeks from 1 January 1997.
var cdnowEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)

// cdnowSummary summarises the CDNOW sample as the published summary was built: weeks, calibration
// to 1997-09-30, its eight $0.00 purchases counted.
func cdnowSummary(tb testing.TB) clv.Summary {
	tb.Helper()
	s, err := clv.Summarize(cdnow.Sample(testdata(tb, "CDNOW_sample.txt")),
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
