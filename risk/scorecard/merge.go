package scorecard

import (
	"math"
	"slices"
	"sort"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// This file holds the cutting and merging of fine classes (the distinct values or categories of a
// variable, in order, each with its good and bad count) into bins, and the breaks between bins.

// group cuts fine cells (in order) into groups by the method and returns the index of the first
// cell of each group. rows is the whole sample, missing rows included, for the shares.
func group(cells []cell, rows int, cfg binConfig, numeric bool) []int {
	if len(cells) == 0 {
		return []int{0} // one empty bin; a checked column has a value, so this is only defence
	}
	var starts []int
	switch cfg.Method {
	case EachValue:
		starts = make([]int, len(cells))
		for i := range starts {
			starts[i] = i
		}
		return starts
	case EqualFrequency:
		starts = equalFrequency(cells, cfg.MaxBins)
	case Tree:
		starts = treeSplit(cells, equalFrequency(cells, cfg.InitialBins), rows, cfg)
	default:
		starts = chiMerge(cells, equalFrequency(cells, cfg.InitialBins), rows, cfg)
	}
	if cfg.Monotonic && numeric {
		starts = monotonic(cells, starts)
	}
	return starts
}

// equalFrequency cuts cells into at most k groups of about the same number of rows, a cell never
// split: a group ends once it reaches the next multiple of n/k rows.
func equalFrequency(cells []cell, k int) []int {
	n := 0
	for _, c := range cells {
		n += c.n()
	}
	starts := []int{0}
	cum, t := int64(0), int64(1)
	for i, c := range cells {
		if i > 0 && cum*int64(k) >= t*int64(n) {
			starts = append(starts, i)
			for cum*int64(k) >= t*int64(n) {
				t++
			}
		}
		cum += int64(c.n())
	}
	return starts
}

// groupCells sums cells into groups given by their starts.
func groupCells(cells []cell, starts []int) []cell {
	gs := make([]cell, len(starts))
	for g, s := range starts {
		end := len(cells)
		if g+1 < len(starts) {
			end = starts[g+1]
		}
		for _, c := range cells[s:end] {
			gs[g] = gs[g].add(c)
		}
	}
	return gs
}

// chiSquare is Pearson's chi-square of two adjacent groups' good and bad counts: 0 when their bad
// rates are equal, larger the more they differ. An expected count of 0 adds nothing.
func chiSquare(a, b cell) float64 {
	n := float64(a.n() + b.n())
	goods, bads := float64(a.good+b.good), float64(a.bad+b.bad)
	chi := 0.0
	for _, r := range [2]cell{a, b} {
		rn := float64(r.n())
		for _, oc := range [2][2]float64{{float64(r.good), goods}, {float64(r.bad), bads}} {
			if e := rn * oc[1] / n; e > 0 {
				d := oc[0] - e
				chi += d * d / e
			}
		}
	}
	return chi
}

// chiMerge merges adjacent groups, as Method ChiMerge says: a group under the minimum share with
// the neighbour it differs from least, then the pair that differs least while there are too many
// groups or it differs by less than the chi-square limit. Ties go to the leftmost.
func chiMerge(cells []cell, starts []int, rows int, cfg binConfig) []int {
	gs := groupCells(cells, starts)
	starts = slices.Clone(starts)
	merge := func(k int) { // merges groups k and k+1
		gs[k] = gs[k].add(gs[k+1])
		gs = slices.Delete(gs, k+1, k+2)
		starts = slices.Delete(starts, k+1, k+2)
	}
	minRows := cfg.minShare * float64(rows)
	for len(gs) > 1 {
		small := -1
		for i, g := range gs {
			if float64(g.n()) < minRows && (small < 0 || g.n() < gs[small].n()) {
				small = i
			}
		}
		if small >= 0 {
			switch {
			case small == 0:
				merge(0)
			case small == len(gs)-1:
				merge(small - 1)
			case chiSquare(gs[small-1], gs[small]) <= chiSquare(gs[small], gs[small+1]):
				merge(small - 1)
			default:
				merge(small)
			}
			continue
		}
		k, least := 0, math.Inf(1)
		for i := 0; i+1 < len(gs); i++ {
			if chi := chiSquare(gs[i], gs[i+1]); chi < least {
				k, least = i, chi
			}
		}
		if len(gs) > cfg.MaxBins || least < cfg.chiLimit {
			merge(k)
			continue
		}
		break
	}
	return starts
}

// treeSplit splits the fine groups top-down, as Method Tree says. A split keeps both sides at the
// minimum share; ties go to the leftmost cut.
func treeSplit(cells []cell, fine []int, rows int, cfg binConfig) []int {
	gs := groupCells(cells, fine)
	// prefix sums over the fine groups, so any run of them is counted at once
	pre := make([]cell, len(gs)+1)
	for i, g := range gs {
		pre[i+1] = pre[i].add(g)
	}
	minRows := cfg.minShare * float64(rows)
	cuts := []int{0, len(gs)} // fine-group indices where groups start, and the end
	buf := make([]cell, 0, cfg.MaxBins)
	iv := 0.0
	for len(cuts)-1 < cfg.MaxBins {
		best, bestIV := -1, math.Inf(-1)
		for c := 1; c < len(gs); c++ {
			at, found := slices.BinarySearch(cuts, c)
			if found {
				continue
			}
			lo, hi := cuts[at-1], cuts[at]
			left, right := sub(pre[c], pre[lo]), sub(pre[hi], pre[c])
			if float64(left.n()) < minRows || float64(right.n()) < minRows {
				continue
			}
			buf = buf[:0]
			for k := 0; k+1 < len(cuts); k++ {
				if cuts[k] == lo {
					buf = append(buf, left, right)
				} else {
					buf = append(buf, sub(pre[cuts[k+1]], pre[cuts[k]]))
				}
			}
			if v := searchIV(buf); v > bestIV {
				best, bestIV = c, v
			}
		}
		if best < 0 || len(cuts) > 2 && bestIV-iv < cfg.minGain*iv {
			break
		}
		cuts = slices.Insert(cuts, sort.SearchInts(cuts, best), best)
		iv = bestIV
	}
	starts := make([]int, len(cuts)-1)
	for k := range starts {
		starts[k] = fine[cuts[k]]
	}
	return starts
}

func sub(a, b cell) cell { return cell{a.good - b.good, a.bad - b.bad} }

// monotonic merges adjacent groups until their bad rates, and so their weights of evidence, rise
// throughout, or fall throughout (pooling adjacent violators), and keeps whichever direction has
// more information value, rising when equal.
func monotonic(cells []cell, starts []int) []int {
	gs := groupCells(cells, starts)
	pool := func(rising bool) ([]int, []cell) {
		var ss []int
		var ps []cell
		for i, g := range gs {
			ss, ps = append(ss, starts[i]), append(ps, g)
			for k := len(ps) - 1; k > 0; k-- {
				c := compareRate(ps[k-1], ps[k])
				if rising && c < 0 || !rising && c > 0 {
					break
				}
				ps[k-1] = ps[k-1].add(ps[k])
				ps, ss = ps[:k], ss[:k]
			}
		}
		return ss, ps
	}
	up, upCells := pool(true)
	down, downCells := pool(false)
	if searchIV(downCells) > searchIV(upCells) {
		return down
	}
	return up
}

// searchIV is the information value of groups under R's 0.99 rule, for comparing partitions while
// searching (the missing bin, the same in all of them, left out).
func searchIV(gs []cell) float64 {
	var g, b float64
	adj := func(x int) float64 {
		if x == 0 {
			return 0.99
		}
		return float64(x)
	}
	for _, c := range gs {
		g += adj(c.good)
		b += adj(c.bad)
	}
	iv := 0.0
	for _, c := range gs {
		pb, pg := adj(c.bad)/b, adj(c.good)/g
		iv += (pb - pg) * math.Log(pb/pg)
	}
	return iv
}

// cut is the break between two adjacent values lo < hi of a variable: the shortest decimal e with
// lo < e <= hi for [a, b) bins (lo <= e < hi for (a, b]), so that 10 and 12 cut at 11, and e as a
// float64, on the same side of lo and hi as e.
func cut(lo, hi float64, closed Closed) (decimal.Decimal, float64) {
	dlo, dhi := decimal.NewFromFloat(lo), decimal.NewFromFloat(hi)
	one := decimal.NewFromInt(1)
	// Start at the place of the largest magnitude's leading digit: no coarser multiple lies between.
	mag := max(math.Abs(lo), math.Abs(hi))
	p := -1
	if mag >= 1 {
		p = -int(math.Floor(math.Log10(mag))) - 1
	}
	for ; p <= b2bkit.MaxDecimalPlaces; p++ {
		var e decimal.Decimal
		if closed == RightClosed {
			e = dhi.Shift(int32(p)).Ceil().Sub(one).Shift(int32(-p)) // largest multiple of 10^-p below hi
			if e.LessThan(dlo) {
				continue
			}
		} else {
			e = dlo.Shift(int32(p)).Floor().Add(one).Shift(int32(-p)) // smallest multiple of 10^-p above lo
			if e.GreaterThan(dhi) {
				continue
			}
		}
		f := e.InexactFloat64()
		if closed == RightClosed && lo <= f && f < hi || closed == LeftClosed && lo < f && f <= hi {
			// The card's edge is the shortest decimal of f itself (e, unless e had more than 15
			// digits), so that a float64 and its shortest decimal fall on the same side of it.
			return decimal.NewFromFloat(f), f
		}
		break
	}
	if closed == RightClosed {
		return dlo, lo
	}
	return dhi, hi
}
