package scorecard_test

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk/scorecard"
	"github.com/stretchr/testify/require"
)

// FuzzBinColumn bins whatever column the fuzzer makes, with whatever options: it never panics, a
// failure is an error matching b2bkit.ErrInvalid, and a binning it returns satisfies every property
// (each row in exactly the bin that holds it as a decimal, no gap or overlap, counts, WoE, IV).
//
// The input: byte 0 picks the method, monotonic, the convention and the kind; byte 1 the maximum
// number of bins and manual breaks; byte 2 the empty-cell rule and the minimum share; then 3 bytes
// a row: a 16-bit value with 0 to 3 decimal places, bad and missing.
func FuzzBinColumn(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 10, 0, 0, 20, 8, 0, 30, 0, 1, 0, 8})
	f.Add([]byte{1 | 4, 3, 1, 0xff, 0xf0, 1, 0, 0, 8, 0, 5, 24, 0x10, 0, 9})
	f.Add([]byte{2 | 8, 0x84, 2, 0, 1, 2, 0, 2, 10, 0, 3, 3, 0, 4, 8, 0, 5, 1})
	f.Add([]byte{3 | 128, 0, 0, 0, 1, 8, 0, 2, 0, 0, 1, 0, 0, 3, 8})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 3 {
			return
		}
		head, rows := in[:3], in[3:]
		opts := &scorecard.BinOptions{
			Method:      scorecard.Method(head[0] % 4),
			Monotonic:   head[0]&4 != 0,
			MaxBins:     int(head[1] % 12),
			EmptyCell:   scorecard.EmptyCell(head[2] % 3),
			MinBinShare: float64(head[2]>>2%8)*0.05 - 0.05,
		}
		if head[0]&8 != 0 {
			opts.Closed = scorecard.RightClosed
		}
		categorical := head[0]&128 != 0
		c := scorecard.Column{Feature: "fuzzed"}
		var bad []bool
		for i := 0; i+3 <= len(rows) && i < 3*2000; i += 3 {
			v := int16(binary.BigEndian.Uint16(rows[i:]))
			flags := rows[i+2]
			missing := flags&16 != 0
			if categorical {
				c.Categories = append(c.Categories, string(rune('a'+int(uint16(v)%7))))
			} else {
				c.Numbers = append(c.Numbers, float64(v)/math.Pow10(int(flags%4)))
			}
			c.Missing = append(c.Missing, missing)
			bad = append(bad, flags&8 != 0)
		}
		if head[1]&0x80 != 0 && !categorical && len(c.Numbers) > 0 {
			// Manual breaks from the data's own values, sorted, repeats dropped.
			br := slices.Clone(c.Numbers[:min(4, len(c.Numbers))])
			slices.Sort(br)
			opts.Breaks = slices.Compact(br)
		}
		b, err := scorecard.BinColumn(c, bad, opts)
		if err != nil {
			require.True(t, errors.Is(err, b2bkit.ErrInvalid), "error not matching ErrInvalid: %v", err)
			return
		}
		requireBinningHolds(t, b, c, bad)
		plain := b.Bins
		if b.HasMissingBin() {
			plain = plain[:len(plain)-1]
		}
		if len(opts.Breaks) == 0 && opts.Method != scorecard.EachValue {
			max := opts.MaxBins
			if max == 0 {
				max = 8
			}
			require.LessOrEqual(t, len(plain), max)
			if opts.Monotonic && !categorical {
				requireMonotonic(t, plain)
			}
		}
	})
}
