// Package fastdec reads and builds shopspring decimals without the allocations and logarithms of
// their public API, for b2bkit's hot loops.
//
// Reading a decimal's coefficient through the public API costs a logarithm (NumDigits, to know
// whether CoefficientInt64 is exact) or an allocation (Coefficient), and decimal.New makes two
// allocations (a big.Int and its one-word coefficient). This package reads the coefficient directly
// and builds decimals with their coefficients in cells taken from chunks. It can do that only by
// treating decimal.Decimal as the struct it is, whose fields shopspring/decimal keeps unexported:
// parts mirrors that struct, and LayoutOK checks, once, that the mirror matches the struct of the
// version compiled in (field types, offsets, size). When it does not, every function here falls
// back to the public API and gives the same results, only slower.
//
// A cell's coefficient is never written after its decimal is made, and no decimal operation writes
// into an operand's big.Int (some return the operand's own, which is sharing, not writing), so
// decimals may share a chunk's memory; a decimal keeps its chunk alive.
package fastdec

import (
	"math/big"
	"math/bits"
	"reflect"
	"unsafe"

	"github.com/shopspring/decimal"
)

// parts is the layout of decimal.Decimal in shopspring/decimal v1.
type parts struct {
	value *big.Int
	exp   int32
}

// LayoutOK reports whether decimal.Decimal has the layout of parts. It is computed once and never
// changed.
var LayoutOK = layoutMatches(reflect.TypeFor[decimal.Decimal](), reflect.TypeFor[parts]())

// layoutMatches reports whether two struct types have fields of the same types at the same offsets
// and the same size.
func layoutMatches(got, want reflect.Type) bool {
	if got.Kind() != reflect.Struct || got.NumField() != want.NumField() || got.Size() != want.Size() {
		return false
	}
	for i := range want.NumField() {
		g, w := got.Field(i), want.Field(i)
		if g.Type != w.Type || g.Offset != w.Offset {
			return false
		}
	}
	return true
}

// Int64 returns d's coefficient when it fits in an int64: what d.CoefficientInt64() returns when
// d.NumDigits() < 19, or is 19 and the coefficient is within range.
func Int64(d decimal.Decimal) (int64, bool) {
	if !LayoutOK {
		return int64Public(d)
	}
	v := (*parts)(unsafe.Pointer(&d)).value
	if v == nil {
		return 0, true // the zero Decimal
	}
	if !v.IsInt64() {
		return 0, false
	}
	return v.Int64(), true
}

// int64Public is Int64 through decimal's public API.
func int64Public(d decimal.Decimal) (int64, bool) {
	if n := d.NumDigits(); n > 19 || n == 19 && !d.Coefficient().IsInt64() {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// Digits is d.NumDigits(): the number of decimal digits of d's coefficient, 1 for zero.
func Digits(d decimal.Decimal) int {
	c, ok := Int64(d)
	if !ok {
		return d.NumDigits()
	}
	u := uint64(c)
	if c < 0 {
		u = -u
	}
	n := 1
	for n < len(pow10) && u >= pow10[n] {
		n++
	}
	return n
}

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19}

// Pow10 is 10^k for 0 <= k <= 19, the powers the integer fast paths of the module scale by.
func Pow10[I ~int | ~int32](k I) uint64 { return pow10[k] }

// Int18 is d's coefficient when it has at most 18 digits: an int64 with room to be scaled by ten,
// which the integer fast paths of the module need.
func Int18(d decimal.Decimal) (int64, bool) {
	c, ok := Int64(d)
	return c, ok && c > -1e18 && c < 1e18
}

// A cell is one decimal's coefficient: a big.Int whose words are w. Two words hold any int64 where
// a word is 32 bits.
type cell struct {
	i big.Int
	w [64 / bits.UintSize]big.Word
}

// CellBytes is the size of one cell, for sizing chunks.
const CellBytes = int(unsafe.Sizeof(cell{}))

// Cells hands out decimals whose coefficients live in chunks of cells. The zero value, and a nil
// *Cells, make every decimal with decimal.New; NewCells enables the chunks.
type Cells struct {
	cells []cell
	chunk int  // cells in the next chunk
	on    bool // chunks in use (LayoutOK)
}

// NewCells returns Cells whose chunks have room for chunk decimals each.
func NewCells(chunk int) Cells {
	return Cells{chunk: max(chunk, 1), on: LayoutOK}
}

// New is decimal.New(v, exp), with the coefficient in a cell of m's current chunk.
func (m *Cells) New(v int64, exp int32) decimal.Decimal {
	if m == nil || !m.on {
		return decimal.New(v, exp)
	}
	if len(m.cells) == 0 {
		m.cells = make([]cell, m.chunk)
	}
	c := &m.cells[0]
	m.cells = m.cells[1:]
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	switch {
	case u == 0:
		// The zero big.Int: no words, as big.NewInt(0) has.
	case bits.UintSize == 64 || u <= 1<<32-1:
		c.w[0] = big.Word(u)
		c.i.SetBits(c.w[:1:1])
	default:
		c.w[0], c.w[len(c.w)-1] = big.Word(u), big.Word(u>>32)
		c.i.SetBits(c.w[:])
	}
	if v < 0 {
		c.i.Neg(&c.i)
	}
	p := parts{value: &c.i, exp: exp}
	return *(*decimal.Decimal)(unsafe.Pointer(&p))
}
