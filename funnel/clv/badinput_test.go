package clv_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// requireInvalid checks err matches b2bkit.ErrInvalid and names what was wrong.
func requireInvalid(t *testing.T, err error, names ...string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "%v", err)
	for _, n := range names {
		require.Contains(t, err.Error(), n)
	}
}

func TestBadHistoriesAreRefusedByName(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name  string
		h     clv.History
		field string
	}{
		{"negative count", clv.History{Frequency: -1, T: 10}, "frequency"},
		{"recency above T", clv.History{Frequency: 2, Recency: 11, T: 10}, "recency"},
		{"negative recency", clv.History{Frequency: 2, Recency: -1, T: 10}, "recency"},
		{"negative T", clv.History{T: -1}, "t:"},
		{"NaN recency", clv.History{Frequency: 1, Recency: nan, T: 10}, "recency"},
		{"NaN T", clv.History{Frequency: 1, Recency: 1, T: nan}, "t:"},
		{"infinite T", clv.History{T: math.Inf(1)}, "t:"},
		{"recency without a repeat", clv.History{Recency: 3, T: 10}, "recency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := cdnowModel.PAlive(c.h)
			requireInvalid(t, err, "history."+c.field)
			_, err = cdnowModel.Predict(c.h, 10)
			requireInvalid(t, err, c.field)
			good := clv.Customer{ID: "ok", History: clv.History{Frequency: 1, Recency: 1, T: 5}}
			s := clv.Summary{Customers: []clv.Customer{good, {ID: "C-9", History: c.h}}}
			_, err = clv.FitBGNBD(s, nil)
			requireInvalid(t, err, `customers[1]("C-9")`, c.field)
			_, err = clv.FitGammaGamma(s, nil)
			requireInvalid(t, err, `customers[1]("C-9")`, c.field)
			m := clv.Model{Purchases: cdnowModel, Spend: clv.GammaGamma{P: 6, Q: 3, Gamma: 15}}
			_, err = m.Value(clv.Customer{History: c.h}, nil)
			requireInvalid(t, err, c.field)
		})
	}
}

func TestFitsRefuseDataThatCannotBeFitted(t *testing.T) {
	_, err := clv.FitBGNBD(clv.Summary{}, nil)
	requireInvalid(t, err, "customers", "empty")
	zeros := clv.Summary{Customers: []clv.Customer{{ID: "a", History: clv.History{T: 10}}, {ID: "b", History: clv.History{T: 20}}}}
	_, err = clv.FitBGNBD(zeros, nil)
	requireInvalid(t, err, "every frequency is 0")
	_, err = clv.FitGammaGamma(zeros, nil)
	requireInvalid(t, err, "0 repeat customers")
	_, err = clv.FitGammaGamma(clv.Summary{}, nil)
	requireInvalid(t, err, "customers")
	_, err = clv.FitBGNBD(clv.Summary{Unit: 7, Customers: zeros.Customers}, nil)
	requireInvalid(t, err, "unit")
	_, err = clv.FitBGNBD(cdnowLike(), &clv.FitOptions{Starts: 9})
	requireInvalid(t, err, "options.starts")
	_, err = clv.FitBGNBD(cdnowLike(), &clv.FitOptions{MaxIterations: -1})
	requireInvalid(t, err, "options.max_iterations")
	bad := clv.Summary{Customers: []clv.Customer{{ID: "x", History: clv.History{Frequency: 1, Recency: 1, T: 2}, RepeatSpend: decimal.RequireFromString("-1")}}}
	_, err = clv.FitGammaGamma(bad, nil)
	requireInvalid(t, err, "repeat_spend")
}

// TestBGNBD_DegenerateFitIsAnErrorNotAnAnswer: when every customer who bought again did so right up
// to the end, nobody is seen to drop out; the drop-out parameters run off and the fit says so,
// naming the parameter, instead of returning them.
func TestBGNBD_DegenerateFitIsAnErrorNotAnAnswer(t *testing.T) {
	var s clv.Summary
	for i := range 40 {
		T := 20 + float64(i%7)
		s.Customers = append(s.Customers, clv.Customer{ID: b2bkit.CompanyID(rune('a' + i%26)), History: clv.History{Frequency: 3 + i%4, Recency: T, T: T}})
	}
	_, err := clv.FitBGNBD(s, nil)
	requireInvalid(t, err, "bg/nbd fit")
	var fe *clv.FitError
	require.True(t, errors.As(err, &fe), "%v", err)
	require.Contains(t, fe.Problem, "runs off")
}

func TestModelsRefuseBadParameters(t *testing.T) {
	for _, m := range []clv.BGNBD{{R: 0, Alpha: 1, A: 1, B: 1}, {R: 1, Alpha: math.NaN(), A: 1, B: 1},
		{R: 1, Alpha: 1, A: -1, B: 1}, {R: 1, Alpha: 1, A: 1, B: math.Inf(1)}, {R: 1, Alpha: 1, A: 1, B: 1, Unit: 9}} {
		_, err := m.PAlive(clv.History{T: 1})
		requireInvalid(t, err, "bg/nbd")
		_, err = m.ExpectedPurchasesNew(1)
		requireInvalid(t, err, "bg/nbd")
	}
	for _, horizon := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err := cdnowModel.ExpectedPurchases(clv.History{T: 1}, horizon)
		requireInvalid(t, err, "t:")
	}
	_, err := cdnowModel.ExpectedPurchasesNew(1e12) // z = 1 - 4e-12: past the series' budget
	requireInvalid(t, err, "too long")
	for _, g := range []clv.GammaGamma{{P: 0, Q: 2, Gamma: 1}, {P: 1, Q: math.NaN(), Gamma: 1}, {P: 1, Q: 2, Gamma: -3}} {
		_, err := g.ExpectedSpend(2, 10)
		requireInvalid(t, err, "gamma-gamma")
	}
	g := clv.GammaGamma{P: 1, Q: 0.5, Gamma: 1}
	_, err = g.MeanSpend()
	requireInvalid(t, err, "q")
	_, err = clv.GammaGamma{P: 1, Q: 2, Gamma: 1}.ExpectedSpend(-1, 3)
	requireInvalid(t, err, "frequency")
	_, err = clv.GammaGamma{P: 1, Q: 2, Gamma: 1}.ExpectedSpend(1, math.NaN())
	requireInvalid(t, err, "average")
	m := clv.Model{Purchases: cdnowModel, Spend: clv.GammaGamma{P: 6, Q: 3, Gamma: 15}}
	for _, o := range []clv.ValueOptions{{Months: -1}, {Months: clv.MaxMonths + 1}, {MonthlyDiscount: -0.1}, {MonthlyDiscount: math.NaN()}} {
		_, err := m.Value(clv.Customer{History: clv.History{T: 1}}, &o)
		requireInvalid(t, err, "options.")
	}
}

func TestSummarizeRefusesBadPurchasesByName(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	end := clv.Calibration{End: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}
	ok := funnel.Purchase{Company: "C-1", At: at, Amount: decimal.RequireFromString("10"), Channel: b2bkit.Manual}
	cases := []struct {
		name  string
		p     funnel.Purchase
		field string
	}{
		{"no company", funnel.Purchase{At: at, Amount: decimal.RequireFromString("1")}, "company"},
		{"no time", funnel.Purchase{Company: "C-2", Amount: decimal.RequireFromString("1")}, "at"},
		{"negative amount", funnel.Purchase{Company: "C-2", At: at, Amount: decimal.RequireFromString("-1")}, "amount"},
		{"too many places", funnel.Purchase{Company: "C-2", At: at, Amount: decimal.RequireFromString("1.00001")}, "amount"},
		{"too large", funnel.Purchase{Company: "C-2", At: at, Amount: decimal.RequireFromString("1e30")}, "amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := clv.Summarize(b2bkit.Stream([]funnel.Purchase{ok, c.p}), end)
			requireInvalid(t, err, "purchases[1]", c.field)
		})
	}
	_, err := clv.Summarize(b2bkit.Stream([]funnel.Purchase{ok}), clv.Calibration{})
	requireInvalid(t, err, "calibration.end")
	_, err = clv.Summarize(b2bkit.Stream([]funnel.Purchase{ok}), clv.Calibration{End: end.End, Unit: 5})
	requireInvalid(t, err, "calibration.unit")
	_, err = clv.Summarize(nil, end)
	requireInvalid(t, err, "purchases")
}

// TestSummarizeFailsWithTheStream: a cursor that fails half-way fails the summary.
func TestSummarizeFailsWithTheStream(t *testing.T) {
	boom := errors.New("connection reset")
	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	stream := func(yield func(funnel.Purchase, error) bool) {
		if !yield(funnel.Purchase{Company: "C-1", At: at, Amount: decimal.RequireFromString("5")}, nil) {
			return
		}
		yield(funnel.Purchase{}, boom)
	}
	_, err := clv.Summarize(stream, clv.Calibration{End: at})
	require.ErrorIs(t, err, boom)
	require.Contains(t, err.Error(), "purchases[1]")
}

func TestReadCSVRefusesBadFilesByLine(t *testing.T) {
	cases := []struct{ name, csv, want string }{
		{"empty", "", "no header"},
		{"unknown column", "id,frequency,recency,t,colour\n", "colour"},
		{"missing column", "id,frequency,recency\n", "column t missing"},
		{"repeated column", "id,frequency,recency,t,T\n", "repeated"},
		{"negative count", "id,frequency,recency,t\na,-1,0,3\n", "line 2: frequency"},
		{"recency above T", "ID,frequency,recency,T\na,0,0,3\nb,2,4,3\n", "line 3: recency"},
		{"NaN", "id,frequency,recency,t\na,1,NaN,3\n", "line 2: recency"},
		{"not a number", "id,frequency,recency,t\na,1,x,3\n", "line 2: recency"},
		{"fractional count", "id,frequency,recency,t\na,1.5,1,3\n", "line 2: frequency"},
		{"no id", "id,frequency,recency,t\n,1,1,3\n", "line 2: id"},
		{"repeated id", "id,frequency,recency,t\na,1,1,3\na,0,0,3\n", "line 3: id"},
		{"short row", "id,frequency,recency,t\na,1,1\n", "line 2: want 4 fields"},
		{"bad spend", "id,frequency,recency,t,repeat_spend\na,1,1,3,1e9\n", "line 2: repeat_spend"},
		{"spend without repeat", "id,frequency,recency,t,repeat_spend\na,0,0,3,5\n", "line 2: repeat_spend"},
		{"long line", "id,frequency,recency,t\n" + strings.Repeat("a", clv.MaxLine+1) + "\n", "longer than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := clv.ReadCSV(strings.NewReader(c.csv), clv.Weeks)
			requireInvalid(t, err, c.want)
		})
	}
}

// TestReadCSVReadsASpreadsheetsByteOrderMark: a summary saved by a spreadsheet as "CSV UTF-8"
// starts with a byte order mark; it is not part of the first column's name (crm.ReadPeopleCSV
// reads it the same way).
func TestReadCSVReadsASpreadsheetsByteOrderMark(t *testing.T) {
	s, err := clv.ReadCSV(strings.NewReader("\uFEFFID,frequency,recency,T\r\n1,2,30.43,38.86\r\n"), clv.Weeks)
	require.NoError(t, err)
	require.Len(t, s.Customers, 1)
	require.Equal(t, clv.History{Frequency: 2, Recency: 30.43, T: 38.86}, s.Customers[0].History)
	// only at the start of the file: elsewhere it is a character of a name like any other
	_, err = clv.ReadCSV(strings.NewReader("id,\uFEFFfrequency,recency,t\n"), clv.Weeks)
	requireInvalid(t, err, "unknown column")
}

// A nil reader is refused with an error matching b2bkit.ErrInvalid, not a panic, as LoadModel
// refuses it.
func TestANilReaderIsRefused(t *testing.T) {
	require.NotPanics(t, func() {
		_, err := clv.ReadCSV(nil, clv.Weeks)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "clv: csv: no reader")
	})
}

// Rank refuses a model that is not one — the zero Model — also when no account has a history to
// score it on: a list ranked by no model is not a ranking.
func TestRankRefusesTheZeroModel(t *testing.T) {
	for _, accounts := range [][]funnel.HandOff{nil, {{Company: "A"}}} {
		_, err := clv.Rank(accounts, clv.Summary{}, clv.Model{}, nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, "clv: rank: ")
	}
}
