package pricing

import (
	"math/big"
	"math/bits"
	"reflect"
	"unsafe"

	"github.com/shopspring/decimal"
)

// A quote returns a dozen decimals, and decimal.New makes two allocations for each (a big.Int and
// its one-word coefficient): for a 10,000-line catalog that is a quarter of a million small objects
// for the collector to trace. coefs builds those decimals with their coefficients in cells taken
// from a few large chunks instead.
//
// It can do that only by building a decimal.Decimal from its parts, which shopspring/decimal keeps
// unexported. decimalParts mirrors that struct; punOK checks, once, that the mirror matches the
// struct of the version compiled in (field types, offsets, size), and when it does not every
// decimal is made with decimal.New as before. The coefficient is never written after the decimal is
// made, and decimal treats its big.Int as immutable (every operation makes a new one), so sharing
// the chunk's memory is safe; a quote's decimals keep their chunk alive, as its lines do.

// decimalParts is the layout of decimal.Decimal in shopspring/decimal v1.
type decimalParts struct {
	value *big.Int
	exp   int32
}

// punOK reports whether decimal.Decimal has decimalParts' layout. It is computed once and never
// changed.
var punOK = layoutMatches(reflect.TypeFor[decimal.Decimal](), reflect.TypeFor[decimalParts]())

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

// A coefCell is one decimal's coefficient: a big.Int whose words are w. Two words hold any int64
// where a word is 32 bits.
type coefCell struct {
	i big.Int
	w [64 / bits.UintSize]big.Word
}

// coefs hands out decimals whose coefficients live in chunks of cells. The zero value, and a nil
// *coefs, make every decimal with decimal.New; newCoefs enables the chunks.
type coefs struct {
	cells []coefCell
	chunk int  // cells in the next chunk
	on    bool // chunks in use (punOK)
}

// newCoefs returns coefs whose next chunk has room for n decimals.
func newCoefs(n int) coefs {
	return coefs{chunk: chunkLen[coefCell](n), on: punOK}
}

// dec is decimal.New(v, exp), with the coefficient in a cell of m's current chunk.
func (m *coefs) dec(v int64, exp int32) decimal.Decimal {
	if m == nil || !m.on {
		return decimal.New(v, exp)
	}
	if len(m.cells) == 0 {
		m.cells = make([]coefCell, m.chunk)
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
	p := decimalParts{value: &c.i, exp: exp}
	return *(*decimal.Decimal)(unsafe.Pointer(&p))
}
