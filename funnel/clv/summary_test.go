package clv_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestSummarizeGroupsByCalendarDayInTheCalibrationsZone: two orders on one Shanghai day are one
// purchase even when UTC puts them on two dates; purchases may come in any order; nothing after the
// end counts; a free sample is not a purchase unless asked; the first day's spend is not repeat spend.
func TestSummarizeGroupsByCalendarDayInTheCalibrationsZone(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, sh) }
	p := func(c b2bkit.CompanyID, t time.Time, amount string) funnel.Purchase {
		return funnel.Purchase{Company: c, At: t.UTC(), Amount: decimal.RequireFromString(amount), Channel: b2bkit.Manual}
	}
	purchases := []funnel.Purchase{
		p("A", at(3, 10, 7), "100"),  // 9 March 23:00 UTC, 10 March in Shanghai
		p("A", at(3, 1, 10), "50"),   // out of order: the first day
		p("A", at(3, 10, 18), "25"),  // same Shanghai day as the first line
		p("A", at(3, 24, 9), "75.5"), // a second repeat day
		p("A", at(4, 2, 9), "999"),   // after the end
		p("B", at(3, 5, 9), "0"),     // a free sample
		p("B", at(3, 12, 9), "40"),
	}
	cal := clv.Calibration{End: time.Date(2026, 3, 31, 0, 0, 0, 0, sh), Unit: clv.Days}
	s, err := clv.Summarize(b2bkit.Stream(purchases), cal)
	require.NoError(t, err)
	require.Equal(t, 1, s.After)
	require.Equal(t, 1, s.Free)
	require.Equal(t, 5, s.Purchases)
	require.Len(t, s.Customers, 2)
	a, b := s.Customers[0], s.Customers[1]
	require.Equal(t, clv.History{Frequency: 2, Recency: 23, T: 30}, a.History)
	dectest.RequireEqual(t, dectest.Dec("200.5"), a.RepeatSpend)
	require.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, sh), a.First)
	require.Equal(t, time.Date(2026, 3, 24, 0, 0, 0, 0, sh), a.Last)
	require.InDelta(t, 100.25, a.AverageSpend(), 1e-12)
	require.Equal(t, clv.History{Frequency: 0, Recency: 0, T: 19}, b.History)
	require.True(t, b.RepeatSpend.IsZero())

	cal.CountFree, cal.Unit = true, clv.Weeks
	s, err = clv.Summarize(b2bkit.Stream(purchases), cal)
	require.NoError(t, err)
	require.Equal(t, clv.History{Frequency: 1, Recency: 1, T: 26.0 / 7}, s.Customers[1].History)
	dectest.RequireEqual(t, dectest.Dec("40"), s.Customers[1].RepeatSpend)

	// Seq adapts a plain sequence, and SummarizeFunc reads any record type.
	type row struct {
		id  string
		day time.Time
	}
	rows := []row{{"X", at(3, 2, 9)}, {"X", at(3, 9, 9)}}
	s, err = clv.SummarizeFunc(clv.Seq(slices.Values(rows)), cal, func(r row) (b2bkit.CompanyID, time.Time, decimal.Decimal) {
		return b2bkit.CompanyID(r.id), r.day, decimal.NewFromInt(10)
	})
	require.NoError(t, err)
	require.Equal(t, clv.History{Frequency: 1, Recency: 1, T: 29.0 / 7}, s.Customers[0].History)
}

// decodePurchases turns fuzz bytes into purchases: 6 bytes each, a company of five, a day offset of
// up to a year and a half, and an amount in cents (sometimes with too many places or negative).
func decodePurchases(data []byte) []funnel.Purchase {
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var ps []funnel.Purchase
	for len(data) >= 6 {
		c := b2bkit.CompanyID(string(rune('A' + data[0]%5)))
		day := int(binary.LittleEndian.Uint16(data[1:3]) % 550)
		cents := int64(int16(binary.LittleEndian.Uint16(data[3:5])))
		places := int32(2 + data[5]%4)
		ps = append(ps, funnel.Purchase{Company: c, At: base.AddDate(0, 0, day), Amount: decimal.New(cents, -places), Channel: b2bkit.Manual})
		data = data[6:]
	}
	return ps
}

// FuzzSummarize: whatever the purchases, Summarize returns a summary whose histories agree with a
// plain count of distinct days, or an error matching b2bkit.ErrInvalid; it never panics.
func FuzzSummarize(f *testing.F) {
	f.Add([]byte{0, 1, 0, 100, 0, 0, 0, 5, 0, 50, 0, 0, 1, 9, 0, 10, 0, 0})
	f.Add([]byte{2, 200, 1, 0, 0, 0, 2, 1, 0, 255, 255, 0})
	f.Add([]byte{3, 7, 0, 1, 0, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := decodePurchases(data)
		end := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
		s, err := clv.Summarize(b2bkit.Stream(ps), clv.Calibration{End: end, Unit: clv.Days, CountFree: len(data)%2 == 0})
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		days := map[b2bkit.CompanyID]map[int]bool{}
		for _, p := range ps {
			if b2bkit.CalendarDay(p.At) > b2bkit.CalendarDay(end) || (p.Amount.IsZero() && len(data)%2 != 0) {
				continue
			}
			if days[p.Company] == nil {
				days[p.Company] = map[int]bool{}
			}
			days[p.Company][b2bkit.CalendarDay(p.At)] = true
		}
		require.Len(t, s.Customers, len(days))
		for _, c := range s.Customers {
			require.Equal(t, len(days[c.ID])-1, c.Frequency)
			require.GreaterOrEqual(t, c.Recency, 0.0)
			require.LessOrEqual(t, c.Recency, c.T)
			require.True(t, c.RepeatSpend.Sign() >= 0)
		}
		require.True(t, slices.IsSortedFunc(s.Customers, func(a, b clv.Customer) int { return strings.Compare(string(a.ID), string(b.ID)) }))
	})
}

// FuzzReadCSV: whatever the bytes, ReadCSV returns valid histories with distinct IDs, or an error
// matching b2bkit.ErrInvalid; it never panics.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("ID,frequency,recency,T\r\n1,2,30.43,38.86\r\n2,0,0.0,38.86\r\n"))
	f.Add([]byte("id,frequency,recency,t,repeat_spend\n\"a,b\",1,1,3,10.50\n"))
	f.Add([]byte("t,recency,frequency,id\n1e308,1e308,5,x\n"))
	f.Add([]byte("id,frequency,recency,t\na,1,NaN,Inf\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := clv.ReadCSV(bytes.NewReader(data), clv.Weeks)
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		seen := map[b2bkit.CompanyID]bool{}
		for _, c := range s.Customers {
			require.NotEmpty(t, c.ID)
			require.False(t, seen[c.ID])
			seen[c.ID] = true
			require.GreaterOrEqual(t, c.Frequency, 0)
			require.True(t, c.Recency >= 0 && c.Recency <= c.T, "%+v", c)
			// Whatever was loaded, the model reads it without error or panic.
			if _, err := cdnowModel.Predict(c.History, 1); err != nil {
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
			}
		}
		if _, err := clv.FitBGNBD(s, &clv.FitOptions{Starts: 1, MaxIterations: 50}); err != nil && !errors.Is(err, b2bkit.ErrInvalid) {
			t.Fatalf("fit error not matching ErrInvalid: %v", err)
		}
	})
}

// TestSummaryDaysWhoseMidnightIsSkippedBeginWhenTheClocksJump: in São Paulo on 4 November 2018 the
// clocks went from 23:59:59 -03 to 01:00 -02. A first or last purchase day, or an end, on that date
// is its first instant, 01:00, not the 23:00 of 3 November that time.Date gives for the missing
// midnight (which reads back as the wrong date); a week across the change is still 7 days.
func TestSummaryDaysWhoseMidnightIsSkippedBeginWhenTheClocksJump(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	p := func(c b2bkit.CompanyID, t time.Time) funnel.Purchase {
		return funnel.Purchase{Company: c, At: t, Amount: decimal.RequireFromString("10"), Channel: b2bkit.Manual}
	}
	dayBegan := time.Date(2018, 11, 4, 1, 0, 0, 0, sp)
	purchases := []funnel.Purchase{
		p("A", time.Date(2018, 10, 28, 12, 0, 0, 0, sp)), p("A", time.Date(2018, 11, 4, 12, 0, 0, 0, sp)),
		p("B", time.Date(2018, 11, 4, 9, 0, 0, 0, sp)),
	}
	s, err := clv.Summarize(b2bkit.Stream(purchases), clv.Calibration{End: time.Date(2018, 11, 4, 20, 0, 0, 0, sp)})
	require.NoError(t, err)
	require.True(t, s.End.Equal(dayBegan), "end %s", s.End)
	require.Len(t, s.Customers, 2)
	a, b := s.Customers[0], s.Customers[1]
	require.True(t, a.First.Equal(time.Date(2018, 10, 28, 0, 0, 0, 0, sp)), "first %s", a.First)
	require.True(t, a.Last.Equal(dayBegan), "last %s", a.Last)
	require.InDelta(t, 1.0, a.Recency, 1e-12, "28 October to 4 November is one week")
	require.True(t, b.First.Equal(dayBegan) && b.Last.Equal(dayBegan), "b %s %s", b.First, b.Last)
	for _, d := range []time.Time{s.End, a.Last, b.First} {
		_, _, day := d.In(sp).Date()
		require.Equal(t, 4, day, "%s", d)
	}
}
