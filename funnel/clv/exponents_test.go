package clv_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/funnel/clv"
	"github.com/b2bkit/b2bkit/internal/dectest"
)

// absurd are decimals written with exponents in the billions: legal shopspring values that a
// rescale to a common exponent would write out digit by digit.
var absurd = dectest.Absurd(
	dectest.Named{Name: "7e2^30", D: decimal.New(7, 1<<30)},
)

// A repeat spend written with an absurd exponent reaches the models' float statistics and the money
// of a value: each entry point answers at once, refusing it by name.
func TestAbsurdRepeatSpendIsRefusedByName(t *testing.T) {
	m := clv.Model{Purchases: cdnowModel, Spend: clv.GammaGamma{P: 6, Q: 3, Gamma: 15}}
	for _, c := range absurd {
		t.Run(c.Name, func(t *testing.T) {
			bad := clv.Customer{ID: "C-9", History: clv.History{Frequency: 2, Recency: 3, T: 5}, RepeatSpend: c.D}
			good := clv.Customer{ID: "C-1", History: clv.History{Frequency: 1, Recency: 1, T: 5},
				RepeatSpend: decimal.RequireFromString("12.50")}
			_, err := m.Value(bad, nil)
			requireInvalid(t, err, "repeat_spend")
			s := clv.Summary{Customers: []clv.Customer{good, bad}}
			_, err = clv.FitGammaGamma(s, nil)
			requireInvalid(t, err, `customers[1]("C-9")`, "repeat_spend")
			_, err = clv.FitBGNBD(s, nil)
			requireInvalid(t, err, `customers[1]("C-9")`, "repeat_spend")
			_, err = clv.Rank([]funnel.HandOff{{Company: "C-9"}}, s, m, nil)
			requireInvalid(t, err, "C-9", "repeat_spend")
			// AverageSpend cannot fail: it answers the float the value is, at once.
			avg := bad.AverageSpend()
			if c.D.Exponent() > 0 {
				require.True(t, math.IsInf(avg, 1), "%v", avg)
			} else {
				require.Zero(t, avg)
			}
		})
	}
}

// A purchase amount with an absurd exponent is refused by name before any sum; a spend of an absurd
// exponent in a hand-off is only carried, never computed on.
func TestAbsurdPurchaseAmountsAreRefusedByName(t *testing.T) {
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range absurd {
		t.Run(c.Name, func(t *testing.T) {
			ps := []funnel.Purchase{
				{Company: "C-1", At: end.AddDate(0, -1, 0), Amount: decimal.RequireFromString("10")},
				{Company: "C-1", At: end.AddDate(0, 0, -3), Amount: c.D},
			}
			_, err := clv.Summarize(clv.Seq(func(yield func(funnel.Purchase) bool) {
				for _, p := range ps {
					if !yield(p) {
						return
					}
				}
			}), clv.Calibration{End: end})
			requireInvalid(t, err, "purchases[1]", "amount")
		})
	}
}

// The CSV loader reads numbers written with exponents as text: each is refused by name, at once.
func TestReadCSVRefusesAbsurdExponentsByName(t *testing.T) {
	for _, e := range []string{"1e999999999", "1e-999999999", "1E2147483647", "1e-2147483648"} {
		for _, col := range []struct{ name, row string }{
			{"repeat_spend", "C-1,2,3,5," + e},
			{"recency", "C-1,2," + e + ",5,10"},
			{"t", "C-1,2,3," + e + ",10"},
			{"frequency", "C-1," + e + ",3,5,10"},
		} {
			t.Run(col.name+"="+e, func(t *testing.T) {
				s, err := clv.ReadCSV(strings.NewReader("id,frequency,recency,t,repeat_spend\n"+col.row+"\n"), clv.Weeks)
				if col.name == "recency" && strings.Contains(e, "-") {
					// A float time that small is 0 weeks, as ParseFloat reads it: a right answer.
					require.NoError(t, err)
					require.Zero(t, s.Customers[0].Recency)
					return
				}
				requireInvalid(t, err, "line 2", col.name)
			})
		}
	}
}

// A model's parameters are floats and a value's money is rounded from a float: nothing there can
// carry a decimal exponent, but the money a value returns stays an ordinary amount.
func TestValueMoneyHasOrdinaryExponents(t *testing.T) {
	m := clv.Model{Purchases: cdnowModel, Spend: clv.GammaGamma{P: 6, Q: 3, Gamma: 15}}
	v, err := m.Value(clv.Customer{ID: "C-1", History: clv.History{Frequency: 2, Recency: 3, T: 5},
		RepeatSpend: decimal.RequireFromString("25")}, nil)
	require.NoError(t, err)
	require.Equal(t, -int32(clv.ValueScale), v.Spend.Exponent())
	require.Equal(t, -int32(clv.ValueScale), v.Lifetime.Exponent())
}
