package matching

import (
	"math/bits"
	"slices"
)

// rankValues sets out[i] to the value of rank ks[i] (0-based, ascending) of x sorted, without
// sorting x: one pass counts the values into 2,048 buckets by their high bits above the minimum,
// a second gathers the few buckets the ranks fall in, and a quickselect finishes in those. Both
// passes (and a third for the extremes, which rankValuesIn is given) are plain loops over x, so a
// selection costs two or three reads of the prices, whatever their order. x is not changed; tmp is memory to gather in, returned grown.
func rankValues(x []int64, ks []int, out []int64, tmp []int64) []int64 {
	var lo, hi int64
	if len(x) >= 4096 { // the extremes, which only the buckets need
		lo, hi = x[0], x[0]
		for _, v := range x {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return rankValuesIn(x, lo, hi, ks, out, tmp)
}

// rankValuesIn is rankValues for x whose least value is lo and greatest hi, known to the caller.
func rankValuesIn(x []int64, lo, hi int64, ks []int, out []int64, tmp []int64) []int64 {
	var bucket, inner [8]int
	if len(x) < 4096 || len(ks) > len(bucket) {
		tmp = append(tmp[:0], x...)
		selectRanks(tmp, ks...)
		for i, k := range ks {
			out[i] = tmp[k]
		}
		return tmp
	}
	span := uint64(hi) - uint64(lo) // the difference fits: wraps only for spans over 2^63, not prices
	shift := max(0, bits.Len64(span)-11)
	var count [2049]int
	for _, v := range x {
		count[(uint64(v)-uint64(lo))>>shift]++
	}
	// Which bucket holds each rank, and its rank inside the bucket.
	for i, k := range ks {
		acc := 0
		for b, c := range count {
			if k < acc+c {
				bucket[i], inner[i] = b, k-acc
				break
			}
			acc += c
		}
	}
	// One pass gathers every value of the buckets the ranks fall in; a value of a lower bucket is
	// below every value of a higher one, so a rank in the gathered values is the values gathered
	// from the buckets below its own plus its rank inside its bucket.
	var want [2049]bool
	for i := range ks {
		want[bucket[i]] = true
	}
	var at [8]int // each rank among the gathered values
	acc := 0
	for i := range ks {
		if i > 0 && bucket[i] != bucket[i-1] {
			acc += count[bucket[i-1]]
		}
		at[i] = acc + inner[i]
	}
	tmp = tmp[:0]
	for _, v := range x {
		if want[(uint64(v)-uint64(lo))>>shift] {
			tmp = append(tmp, v)
		}
	}
	selectRanks(tmp, at[:len(ks)]...)
	for i := range ks {
		out[i] = tmp[at[i]]
	}
	return tmp
}

// selectRanks puts, for each index k in ks (ascending, distinct or not), the value of rank k
// (0-based) of a sorted x at x[k], without sorting all of x: a quickselect for the middle rank
// first, then the ranks below it in the part below and the ranks above it in the part above, so
// each pass reads only the part its ranks lie in. x is reordered.
func selectRanks(x []int64, ks ...int) {
	if len(ks) == 0 || len(x) == 0 {
		return
	}
	mid := len(ks) / 2
	m := ks[mid]
	quickselect(x, m)
	lower := ks[:mid]
	for len(lower) > 0 && lower[len(lower)-1] >= m {
		lower = lower[:len(lower)-1] // the same rank again
	}
	selectRanks(x[:m], lower...)
	upper := ks[mid+1:]
	for len(upper) > 0 && upper[0] <= m {
		upper = upper[1:]
	}
	if len(upper) > 0 {
		shifted := make([]int, len(upper))
		for i, k := range upper {
			shifted[i] = k - m - 1
		}
		selectRanks(x[m+1:], shifted...)
	}
}

// quickselect puts the value of rank k of a sorted x at x[k], everything before it no greater and
// everything after it no less: Hoare's partition around a median of three, which keeps repeated
// prices balanced, falling back to a sort of a part that keeps partitioning badly.
func quickselect(x []int64, k int) {
	lo, hi := 0, len(x)-1 // k lies in x[lo:hi+1]
	for budget := 64; hi-lo > 16; budget-- {
		if budget == 0 {
			slices.Sort(x[lo : hi+1])
			return
		}
		a, b, c := x[lo], x[lo+(hi-lo)/2], x[hi]
		p := max(min(a, b), min(max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for x[i] < p {
				i++
			}
			for x[j] > p {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		// x[lo:j+1] <= p, x[i:hi+1] >= p, and what lies between equals p.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
	slices.Sort(x[lo : hi+1])
}
