package scorecard_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireBinningHolds checks what every binning of c must satisfy: the bins count every row once,
// in the bin whose bounds hold it as a decimal (as risk.Scorecard.Score compares), numeric bins
// cover the line without gap or overlap, the WoE and IV are those of the counts under R's rule,
// and the IV is not negative.
func requireBinningHolds(t testing.TB, b scorecard.Binning, c scorecard.Column, bad []bool) {
	t.Helper()
	var good, nBad int
	counts := make([][2]int, len(b.Bins))
	for r, isBad := range bad {
		k := -1
		var x decimal.Decimal
		if c.Numbers != nil {
			x = decimalOf(c.Numbers[r])
		}
		for j, s := range b.Bins {
			if inBinDecimal(s, b.Closed, c, r, x) {
				require.Equal(t, -1, k, "row %d is in bins %d and %d", r, k, j)
				k = j
			}
		}
		require.NotEqual(t, -1, k, "row %d is in no bin", r)
		if isBad {
			counts[k][1]++
			nBad++
		} else {
			counts[k][0]++
			good++
		}
	}
	require.Equal(t, good, b.Good)
	require.Equal(t, nBad, b.Bad)
	require.Equal(t, len(bad), b.Rows)
	iv := 0.0
	for j, s := range b.Bins {
		require.Equal(t, counts[j], [2]int{s.Good, s.Bad}, "bin %d %s", j, s.Label(b.Closed))
		if !b.Categorical && !s.Missing {
			if j == 0 {
				require.Nil(t, s.Min)
			} else {
				require.NotNil(t, s.Min)
				require.NotNil(t, b.Bins[j-1].Max)
				require.True(t, s.Min.Equal(*b.Bins[j-1].Max), "bin %d starts where bin %d ends", j, j-1)
				if s.Max != nil {
					require.True(t, s.Min.LessThan(*s.Max))
				}
			}
		}
		iv += s.IV
	}
	require.InDelta(t, iv, b.IV, 1e-9)
	require.GreaterOrEqual(t, b.IV, 0.0)
}

// randomColumn is n rows of a numeric variable with a few hundred distinct values (some negative,
// some with two places), a share missing, and an outcome that depends on it.
func randomColumn(rng *rand.Rand, n int, missingShare float64) (scorecard.Column, []bool) {
	c := scorecard.Column{Feature: "v", Numbers: make([]float64, n), Missing: make([]bool, n)}
	bad := make([]bool, n)
	for r := range n {
		x := float64(rng.IntN(40000)-5000) / 100
		c.Numbers[r] = x
		c.Missing[r] = rng.Float64() < missingShare
		bad[r] = rng.Float64() < 0.1+0.5*math.Max(0, x)/350
	}
	bad[0], bad[1] = true, false
	return c, bad
}

func TestBinning_PropertiesHoldForEveryMethod(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	methods := []scorecard.Method{scorecard.ChiMerge, scorecard.Tree, scorecard.EqualFrequency, scorecard.EachValue}
	for trial := range 40 {
		c, bad := randomColumn(rng, 50+rng.IntN(1500), 0.1*rng.Float64())
		opts := &scorecard.BinOptions{Method: methods[trial%4], MaxBins: 2 + rng.IntN(9),
			MinBinShare: []float64{0, -1, 0.1}[trial%3], Monotonic: trial%2 == 0, InitialBins: 5 + rng.IntN(60)}
		if trial%5 == 4 {
			opts.Closed = scorecard.RightClosed
		}
		if opts.Method == scorecard.EachValue {
			for r := range c.Numbers {
				c.Numbers[r] = math.Round(c.Numbers[r] / 5) // fewer distinct values: a bin each
			}
		}
		b, err := scorecard.BinColumn(c, bad, opts)
		require.NoError(t, err)
		requireBinningHolds(t, b, c, bad)
		plain := b.Bins
		if b.HasMissingBin() {
			plain = plain[:len(plain)-1]
		}
		if opts.Method != scorecard.EachValue {
			require.LessOrEqual(t, len(plain), opts.MaxBins, "trial %d", trial)
		}
		if opts.MinBinShare > 0 && (opts.Method == scorecard.ChiMerge || opts.Method == scorecard.Tree) && len(plain) > 1 {
			for _, s := range plain {
				require.GreaterOrEqual(t, s.Share, opts.MinBinShare, "trial %d: bin %s", trial, s.Label(b.Closed))
			}
		}
		if opts.Monotonic && opts.Method != scorecard.EachValue {
			requireMonotonic(t, plain)
		}
	}
}

// requireMonotonic checks that the bins' WoE rise throughout or fall throughout.
func requireMonotonic(t testing.TB, bins []scorecard.BinStat) {
	t.Helper()
	up, down := true, true
	for j := 1; j < len(bins); j++ {
		up = up && bins[j].WoE > bins[j-1].WoE
		down = down && bins[j].WoE < bins[j-1].WoE
	}
	require.True(t, up || down, "WoE not monotonic: %v", bins)
}

func TestBinning_RowOrderDoesNotMatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c, bad := randomColumn(rng, 3000, 0.05)
	for _, m := range []scorecard.Method{scorecard.ChiMerge, scorecard.Tree, scorecard.EqualFrequency} {
		b, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Method: m, Monotonic: true})
		require.NoError(t, err)
		var want bytes.Buffer
		require.NoError(t, b.WriteTable(&want))
		perm := rng.Perm(len(bad))
		d := permute(scorecard.Data{Columns: []scorecard.Column{c}, Bad: bad}, perm)
		pb, err := scorecard.BinColumn(d.Columns[0], d.Bad, &scorecard.BinOptions{Method: m, Monotonic: true})
		require.NoError(t, err)
		var got bytes.Buffer
		require.NoError(t, pb.WriteTable(&got))
		require.Equal(t, want.String(), got.String())
		require.Equal(t, b.IV, pb.IV)
	}
}

func TestBinning_ConventionLeftClosedByDefaultRightClosedOnRequest(t *testing.T) {
	c := numbers("days_late", 0, 10, 10, 20, 30, 30)
	bad := []bool{false, false, true, true, true, false}
	left, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Breaks: []float64{10, 30}})
	require.NoError(t, err)
	assert.Equal(t, scorecard.LeftClosed, left.Closed)
	assert.Equal(t, "[-inf, 10)", left.Bins[0].Label(left.Closed))
	assert.Equal(t, [3]int{1, 3, 2}, [3]int{left.Bins[0].Good + left.Bins[0].Bad, left.Bins[1].Good + left.Bins[1].Bad, left.Bins[2].Good + left.Bins[2].Bad},
		"10 falls in [10, 30), 30 in [30, +inf)")
	right, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Breaks: []float64{10, 30}, Closed: scorecard.RightClosed})
	require.NoError(t, err)
	assert.Equal(t, "(-inf, 10]", right.Bins[0].Label(right.Closed))
	assert.Equal(t, [3]int{3, 3, 0}, [3]int{right.Bins[0].Good + right.Bins[0].Bad, right.Bins[1].Good + right.Bins[1].Bad, right.Bins[2].Good + right.Bins[2].Bad},
		"10 falls in (-inf, 10], 30 in (10, 30]; the last bin is empty and kept")
}

func TestBinning_ComputedBreaksAreShortDecimals(t *testing.T) {
	// Two clear groups of amounts: the break between 1169 and 1175 is written 1170, not 1175 or
	// 1169.0000001; between 0.1169 and 0.1175 it is 0.117.
	var c scorecard.Column
	c.Feature = "amount"
	var bad []bool
	for r := range 400 {
		if r < 200 {
			c.Numbers = append(c.Numbers, 1000+float64(r%170))
			bad = append(bad, r%10 == 0)
		} else {
			c.Numbers = append(c.Numbers, 1175+float64(r%50))
			bad = append(bad, r%2 == 0)
		}
	}
	b, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Method: scorecard.EqualFrequency, MaxBins: 2})
	require.NoError(t, err)
	require.Len(t, b.Bins, 2)
	assert.Equal(t, "1170", b.Bins[0].Max.String())
	requireBinningHolds(t, b, c, bad)

	for i := range c.Numbers {
		c.Numbers[i] /= 10000 // 0.1 .. 0.1169, then 0.1175 .. 0.1224
	}
	b, err = scorecard.BinColumn(c, bad, &scorecard.BinOptions{Method: scorecard.EqualFrequency, MaxBins: 2})
	require.NoError(t, err)
	require.Len(t, b.Bins, 2)
	assert.Equal(t, "0.117", b.Bins[0].Max.String())
	requireBinningHolds(t, b, c, bad)
}

func TestBinning_CategoriesMergeInOrderOfBadRate(t *testing.T) {
	var c scorecard.Column
	c.Feature = "trade"
	var bad []bool
	add := func(cat string, n, nBad int) {
		for i := range n {
			c.Categories = append(c.Categories, cat)
			bad = append(bad, i < nBad)
		}
	}
	add("hotel", 100, 10)
	add("restaurant", 100, 40)
	add("canteen", 100, 11)
	add("bakery", 100, 42)
	b, err := scorecard.BinColumn(c, bad, nil)
	require.NoError(t, err)
	require.Len(t, b.Bins, 2)
	assert.Equal(t, []string{"canteen", "hotel"}, b.Bins[0].Categories)
	assert.Equal(t, []string{"bakery", "restaurant"}, b.Bins[1].Categories)
	requireBinningHolds(t, b, c, bad)

	g, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Groups: [][]string{{"hotel", "bakery"}, {"restaurant", "canteen", "school"}}})
	require.NoError(t, err)
	assert.True(t, g.Manual)
	assert.Equal(t, []string{"bakery", "hotel"}, g.Bins[0].Categories)
	assert.Equal(t, []string{"canteen", "restaurant", "school"}, g.Bins[1].Categories)
	requireBinningHolds(t, g, c, bad)
}

func TestBinning_MissingValuesGetTheirOwnBin(t *testing.T) {
	c := numbers("trend", 0.5, 0.9, 1.1, 1.4, 0, 0, 0.7, 1.2)
	c.Missing = []bool{false, false, false, false, true, true, false, false}
	bad := []bool{true, false, false, false, true, false, true, false}
	b, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Breaks: []float64{1}})
	require.NoError(t, err)
	require.True(t, b.HasMissingBin())
	miss := b.Bins[len(b.Bins)-1]
	assert.Equal(t, "missing", miss.Label(b.Closed))
	assert.Equal(t, [2]int{1, 1}, [2]int{miss.Good, miss.Bad})
	assert.InDelta(t, 0.25, b.MissingShare, 1e-12)
	requireBinningHolds(t, b, c, bad)
}

func TestBinning_RightClosedBreaksAndNeighbouringFloats(t *testing.T) {
	c := numbers("days", 10, 10, 12, 12, 20)
	bad := []bool{false, true, true, true, false}
	b, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Method: scorecard.EachValue, Closed: scorecard.RightClosed})
	require.NoError(t, err)
	require.Len(t, b.Bins, 3)
	assert.Equal(t, "(-inf, 10]", b.Bins[0].Label(b.Closed), "the shortest decimal in [10, 12) is 10")
	assert.Equal(t, "(10, 19]", b.Bins[1].Label(b.Closed))
	requireBinningHolds(t, b, c, bad)

	// Two values one float apart: no shorter decimal lies between them, so the break is the upper
	// value itself, written in full.
	lo := 0.1
	hi := math.Nextafter(lo, 1)
	c = numbers("rate", lo, lo, hi, hi)
	bad = []bool{false, true, true, true}
	b, err = scorecard.BinColumn(c, bad, &scorecard.BinOptions{Method: scorecard.EachValue})
	require.NoError(t, err)
	require.Len(t, b.Bins, 2)
	assert.Equal(t, decimalOf(hi).String(), b.Bins[0].Max.String())
	requireBinningHolds(t, b, c, bad)
}

func TestBinning_TreeStopsWhenASplitAddsLittle(t *testing.T) {
	// Bad rate rises with the value in steps of decreasing size: the first splits add much, the
	// later ones little.
	var c scorecard.Column
	c.Feature = "days_late"
	var bad []bool
	for v := range 20 {
		for i := range 100 {
			c.Numbers = append(c.Numbers, float64(v))
			bad = append(bad, i < 5+v*2+v%3)
		}
	}
	all, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Method: scorecard.Tree, MaxBins: 6, MinGain: -1, MinBinShare: -1})
	require.NoError(t, err)
	require.Len(t, all.Bins, 6, "without a minimum gain the tree splits up to MaxBins")
	some, err := scorecard.BinColumn(c, bad, &scorecard.BinOptions{Method: scorecard.Tree, MaxBins: 6, MinGain: 0.2, MinBinShare: -1})
	require.NoError(t, err)
	require.Less(t, len(some.Bins), 6)
	require.GreaterOrEqual(t, len(some.Bins), 2)
	require.Less(t, some.IV, all.IV)
	requireBinningHolds(t, all, c, bad)
	requireBinningHolds(t, some, c, bad)
}
