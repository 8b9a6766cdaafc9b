package matching

import "slices"

// selectRanks puts, for each index k in ks (ascending), the value of rank k (0-based) of a sorted
// x at x[k], without sorting all of x: a quickselect that narrows to each rank in turn, falling back
// to a sort of a part that partitions badly. x is reordered.
func selectRanks(x []int64, ks ...int) {
	lo := 0
	for _, k := range ks {
		quickselect(x[lo:], k-lo)
		lo = k // everything before k is <= x[k], so later ranks lie at or after it
	}
}

func quickselect(x []int64, k int) {
	lo, hi := 0, len(x) // k lies in x[lo:hi]
	for budget := 64; hi-lo > 16; budget-- {
		if budget == 0 {
			slices.Sort(x[lo:hi])
			return
		}
		// Median of three as pivot; three-way partition handles repeated prices.
		a, b, c := x[lo], x[lo+(hi-lo)/2], x[hi-1]
		p := max(min(a, b), min(max(a, b), c))
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := x[i]; {
			case v < p:
				x[lt], x[i] = x[i], x[lt]
				lt++
				i++
			case v > p:
				gt--
				x[gt], x[i] = x[i], x[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
	slices.Sort(x[lo:hi])
}
