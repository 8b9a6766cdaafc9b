package scorecard

import "math"

// A sort key is a float64 as a uint64 that sorts as the number does: the sign bit flipped for a
// positive number, every bit flipped for a negative one. -0 is keyed as 0.
func sortKey(x float64) uint64 {
	if x == 0 {
		x = 0 // -0 and 0 are one value
	}
	k := math.Float64bits(x)
	if k>>63 != 0 {
		return ^k
	}
	return k | 1<<63
}

func fromSortKey(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

// radixSort sorts keys in place, least significant digit first, 11 bits a digit (six passes),
// using buf (at least as long) as scratch. A digit that every key shares is skipped, so values of a
// narrow range (days, counts, rates) sort in two or three passes. It is here because binning a
// million rows must sort them, and a comparison sort of a million float64 takes most of the time
// budget on its own.
func radixSort(keys, buf []uint64) {
	const bits, passes = 11, 6
	n := len(keys)
	if n < 2 {
		return
	}
	var counts [passes][1 << bits]int
	for _, k := range keys {
		for p := range passes {
			counts[p][(k>>(bits*p))&(1<<bits-1)]++
		}
	}
	src, dst := keys, buf[:n]
	for p := range passes {
		c := &counts[p]
		shift := uint(bits * p)
		if c[(src[0]>>shift)&(1<<bits-1)] == n {
			continue // every key has the same digit here
		}
		pos := 0
		for v := range c {
			c[v], pos = pos, pos+c[v]
		}
		for _, k := range src {
			v := (k >> shift) & (1<<bits - 1)
			dst[c[v]] = k
			c[v]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
