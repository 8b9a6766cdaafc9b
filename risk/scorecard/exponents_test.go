package scorecard_test

import (
	"encoding/csv"
	"math"
	"os"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/scorecard"
)

// samplesWith is 40 samples of one numeric feature days_late, row 1's value d.
func samplesWith(d decimal.Decimal) []scorecard.Sample {
	var out []scorecard.Sample
	for r := range 40 {
		v := risk.NumberValue(decimal.NewFromInt(int64(r % 10)))
		if r == 1 {
			v = risk.Value{Number: d}
		}
		out = append(out, scorecard.Sample{Features: risk.FeatureSet{Values: risk.ValuesOf(map[risk.Feature]risk.Value{"days_late": v})},
			Bad: r%10 >= 5 && r%3 != 0 || r%10 < 5 && r%7 == 0})
	}
	return out
}

// TestR26_CollectRefusesNumbersItCannotKeep: a feature value written with an absurd exponent, or
// beyond the ±1e15 a column holds, is an error matching b2bkit.ErrInvalid naming the sample and the
// feature. Before, 1e-1073741824 was read as 0 without a word and 1e1073741824 as +Inf, which Build
// then refused naming only the column's index and row.
func TestR26_CollectRefusesNumbersItCannotKeep(t *testing.T) {
	for _, d := range []decimal.Decimal{decimal.New(1, 1<<30), decimal.New(1, -1<<30), decimal.New(1, math.MaxInt32),
		decimal.New(1, math.MinInt32), decimal.New(-1, 1<<30), decimal.New(1, 16), decimal.RequireFromString("-1000000000000000.5")} {
		_, err := scorecard.Collect(seq(samplesWith(d)), nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "%v", d.Exponent())
		require.ErrorContains(t, err, "samples[1].features.values.days_late")
	}
	// The edges are kept, and a zero written with an absurd exponent is the zero it is.
	for _, d := range []decimal.Decimal{decimal.New(1, 15), decimal.New(-1, 15), decimal.New(1, -18), decimal.New(0, 1<<30)} {
		data, err := scorecard.Collect(seq(samplesWith(d)), nil)
		require.NoError(t, err)
		assert.Equal(t, d.InexactFloat64(), data.Columns[0].Numbers[1])
	}
}

// TestR26_NumbersBeyondTheLimitAreRefusedNamingTheColumn: a column's numbers and manual breaks are
// held to ±1e15 (documented on Column and BinOptions), so that every break is a decimal
// risk.Scorecard accepts. The limit itself is kept; the next float64 above it, or a break beyond it,
// is an error matching b2bkit.ErrInvalid naming the field and the feature.
func TestR26_NumbersBeyondTheLimitAreRefusedNamingTheColumn(t *testing.T) {
	for _, x := range []float64{1e15, -1e15} {
		d := small()
		d.Columns[0].Numbers[5] = x
		require.NoError(t, d.Validate(), x)
		_, err := scorecard.BinColumn(d.Columns[0], d.Bad, &scorecard.BinOptions{Breaks: []float64{x}})
		require.NoError(t, err, x)
	}
	for _, x := range []float64{math.Nextafter(1e15, math.Inf(1)), math.Nextafter(-1e15, math.Inf(-1)), 1e300} {
		d := small()
		d.Columns[0].Numbers[5] = x
		err := d.Validate()
		require.ErrorIs(t, err, b2bkit.ErrInvalid, x)
		require.ErrorContains(t, err, "data.columns[0].numbers[5]: days_late is ")
		require.ErrorContains(t, err, "within ±1e+15")
		_, err = scorecard.Build(d, nil)
		require.ErrorContains(t, err, "data.columns[0].numbers[5]: days_late is ")
		require.NotContains(t, err.Error(), "scorecard: scorecard:", "the package named once")
		_, err = scorecard.BinColumn(small().Columns[0], d.Bad, &scorecard.BinOptions{Breaks: []float64{x}})
		require.ErrorIs(t, err, b2bkit.ErrInvalid, x)
		require.ErrorContains(t, err, "options.breaks[0]")
	}
}

// TestR26_GermanCreditWithAnAbsurdNumberIsRefusedNamingTheColumn: the German credit file with one
// amount written "1e999999999" (as a spreadsheet writes an overflow) is refused naming the column,
// the row and the feature; the loader read it as +Inf, not as a reason to call the column
// categorical.
func TestR26_GermanCreditWithAnAbsurdNumberIsRefusedNamingTheColumn(t *testing.T) {
	f, err := os.Open(testdata(t, "germancredit.csv"))
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	j := -1
	for k, name := range records[0] {
		if name == "credit_amount" {
			j = k
		}
	}
	require.GreaterOrEqual(t, j, 0)
	for _, text := range []string{"1e999999999", "-1e999999999", "1e16"} {
		rs := make([][]string, len(records))
		for i := range records {
			rs[i] = append([]string(nil), records[i]...)
		}
		rs[18][j] = text
		d := germanCreditFrom(t, rs)
		require.NotNil(t, column(t, d, "credit_amount").Numbers, "still a numeric column")
		_, err := scorecard.Build(d, nil)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, text)
		require.ErrorContains(t, err, "numbers[17]: credit_amount is ", text)
	}
}

// TestWoE_AnEmptyBinWeighsNothing: a manual bin no row falls in (only Breaks and Groups make one)
// has no evidence: its weight of evidence and information value are 0 under every empty-cell rule,
// as optbinning's binning table has them, and it changes nothing of the other bins, whose figures are
// those of the binning without it, as R scorecard's woebin (which tabulates the rows it has) gives.
// Before, the 0.99 rule counted 0.99 good and 0.99 bad in it: a WoE of ln(good/bad), a bin as risky as
// one of 50% bad rows, the totals of the other bins' shares moved, and EmptyCellError refused it.
func TestWoE_AnEmptyBinWeighsNothing(t *testing.T) {
	var c scorecard.Column
	c.Feature = "days_late"
	var bad []bool
	for r := range 200 {
		c.Numbers = append(c.Numbers, float64(r%10))
		bad = append(bad, r%10 >= 6 && r%3 != 0 || r%10 < 6 && r%7 == 0)
	}
	for _, rule := range []scorecard.EmptyCell{scorecard.EmptyCellR, scorecard.EmptyCellHalf, scorecard.EmptyCellError} {
		want, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Breaks: []float64{5}, EmptyCell: rule})
		require.NoError(t, err)
		got, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Breaks: []float64{5, 100, 200}, EmptyCell: rule})
		require.NoError(t, err, rule)
		require.Len(t, got.Bins, 4)
		for k := range 2 {
			assert.Equal(t, want.Bins[k].WoE, got.Bins[k].WoE, "%s: bin %d", rule, k)
			assert.Equal(t, want.Bins[k].IV, got.Bins[k].IV, "%s: bin %d", rule, k)
			assert.Equal(t, want.Bins[k].Share, got.Bins[k].Share, "%s: bin %d", rule, k)
		}
		for k := 2; k < 4; k++ {
			s := got.Bins[k]
			assert.Zero(t, s.Good+s.Bad)
			assert.Zero(t, s.WoE, "%s: bin %d", rule, k)
			assert.Zero(t, s.IV, "%s: bin %d", rule, k)
			assert.Zero(t, s.Share)
			assert.Zero(t, s.BadRate)
		}
		assert.Equal(t, want.IV, got.IV, rule)
	}
	// A manual group no category of the data is in weighs nothing too.
	cats := scorecard.Column{Feature: "trade", Categories: []string{"canteen", "hotel", "canteen", "hotel", "canteen", "hotel"}}
	b, err := scorecard.BinColumn(cats, []bool{true, false, false, true, false, false},
		&scorecard.BinOptions{Groups: [][]string{{"canteen"}, {"hotel"}, {"bakery"}}, EmptyCell: scorecard.EmptyCellError})
	require.NoError(t, err)
	require.Len(t, b.Bins, 3)
	assert.Zero(t, b.Bins[2].WoE)
	assert.Zero(t, b.Bins[2].IV)
}
