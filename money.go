package b2bkit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A RoundingMode says which way an amount that falls between two representable values goes.
// The zero value is HalfUp, the commercial rounding most price lists expect.
type RoundingMode int

const (
	// HalfUp rounds to the nearest value, halves away from zero: 2.345 -> 2.35, -2.345 -> -2.35.
	HalfUp RoundingMode = iota
	// HalfEven rounds to the nearest value, halves to the even neighbour (banker's rounding):
	// 2.345 -> 2.34, 2.355 -> 2.36.
	HalfEven
	// Down rounds toward zero (truncates): 2.349 -> 2.34, -2.349 -> -2.34.
	Down
	// Up rounds away from zero: 2.341 -> 2.35, -2.341 -> -2.35.
	Up
)

var roundingModeWords = [...]string{HalfUp: "half_up", HalfEven: "half_even", Down: "down", Up: "up"}

// String returns the mode's word: half_up, half_even, down or up.
func (m RoundingMode) String() string {
	if m < 0 || int(m) >= len(roundingModeWords) {
		return fmt.Sprintf("RoundingMode(%d)", int(m))
	}
	return roundingModeWords[m]
}

// Valid reports whether m is one of the four modes.
func (m RoundingMode) Valid() bool { return m >= 0 && int(m) < len(roundingModeWords) }

// MarshalText encodes the mode as its word.
func (m RoundingMode) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, Invalid("rounding", "unknown rounding mode %d", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes a mode from its word.
func (m *RoundingMode) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(roundingModeWords[:], b, "rounding mode")
	if err != nil {
		return err
	}
	*m = RoundingMode(v)
	return nil
}

// MaxScale is the largest number of decimal places b2bkit rounds or allocates to. Money needs a few;
// unit prices of bulk goods a few more; nothing needs more than this.
const MaxScale = 18

// Round rounds d to scale decimal places with mode. The result carries exactly scale places
// (Round(2.5, 2, HalfUp) is 2.50), so it prints the way a price list does.
// An unknown mode rounds HalfUp. A whole number too long to write out (one xerr.SaneValue refuses,
// such as 1e1073741824) is returned as it stands, and a number far below the last place is settled
// by its magnitude: neither is written out digit by digit.
func Round(d decimal.Decimal, scale int32, mode RoundingMode) decimal.Decimal {
	if e := d.Exponent(); e < -MaxScale || e > MaxScale {
		if r, ok := roundFar(d, scale, mode); ok {
			return r
		}
	}
	var r decimal.Decimal
	switch mode {
	case HalfEven:
		r = d.RoundBank(scale)
	case Down:
		r = d.RoundDown(scale)
	case Up:
		r = d.RoundUp(scale)
	default:
		r = d.Round(scale)
	}
	if r.Exponent() != -scale {
		// RoundDown and RoundUp leave values with fewer places untouched; give them the scale.
		r = r.Round(scale)
	}
	return r
}

// roundFar is Round for a number written with an exponent beyond ±MaxScale, when it can answer
// without decimal's rescaling, whose cost is the distance between d's exponent and -scale.
func roundFar(d decimal.Decimal, scale int32, mode RoundingMode) (decimal.Decimal, bool) {
	e := int64(d.Exponent())
	switch {
	case d.Sign() == 0:
		return decimal.New(0, -scale), true
	case e > 0:
		// Whole already; written out if it is short enough, as it stands otherwise.
		return d, !xerr.SaneValue(d)
	case int64(d.NumDigits())+e < -int64(scale):
		// |d| < 10^(digits+e) <= 10^-(scale+1), under half the last place: zero, or one unit Up.
		if mode == Up {
			return decimal.New(int64(d.Sign()), -scale), true
		}
		return decimal.New(0, -scale), true
	}
	// -e <= digits + scale: rounding costs no more than d's own digits.
	return decimal.Decimal{}, false
}

// RoundToIncrement rounds d to a whole multiple of increment with mode: RoundToIncrement(2.37, 0.05,
// HalfUp) is 2.35, with Up it is 2.40. It is how a price list rounds to 5 fen or to the nearest 10.
// The increment must be > 0, and both numbers within the bounds of xerr.SaneValue (the value's
// field is "value").
func RoundToIncrement(d, increment decimal.Decimal, mode RoundingMode) (decimal.Decimal, error) {
	// Checked before any arithmetic: QuoRem scales both to one exponent.
	if !xerr.SaneValue(d) {
		return decimal.Decimal{}, Invalid("value", "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(d))
	}
	switch {
	case !xerr.SaneValue(increment):
		return decimal.Decimal{}, Invalid("increment", "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(increment))
	case increment.Sign() <= 0:
		return decimal.Decimal{}, Invalid("increment", "must be > 0")
	}
	// d = q*increment + r exactly, q whole, r with the sign of d and |r| < increment.
	q, r := d.QuoRem(increment, 0)
	if r.IsZero() {
		return q.Mul(increment), nil
	}
	away := false
	switch mode {
	case Down:
	case Up:
		away = true
	default:
		c := r.Abs().Add(r.Abs()).Cmp(increment)
		switch {
		case c > 0:
			away = true
		case c == 0:
			away = mode != HalfEven || !q.Mod(decimal.NewFromInt(2)).IsZero()
		}
	}
	if away {
		q = q.Add(decimal.NewFromInt(int64(d.Sign())))
	}
	return q.Mul(increment), nil
}

// Allocate splits total into parts in proportion to weights, each part at scale decimal places, so
// that the parts sum exactly to total. Every part first gets its exact share rounded toward zero; the
// minor units left over go one each to the parts with the largest remainders, ties to the earlier part.
// So each part is within one minor unit of its exact share.
//
// A negative total splits like its absolute value with every part negated. Weights must not be
// negative and must not all be zero; total must have at most scale decimal places; every number must
// be within the bounds of xerr.SaneValue. Otherwise the error matches ErrInvalid.
func Allocate(total decimal.Decimal, weights []decimal.Decimal, scale int32) ([]decimal.Decimal, error) {
	if scale < 0 || scale > MaxScale {
		return nil, Invalid("scale", "must be between 0 and %d", MaxScale)
	}
	if len(weights) == 0 {
		return nil, Invalid("weights", "must not be empty")
	}
	// Checked before any arithmetic: an absurd exponent would be written out, or wrap in int32.
	if !xerr.SaneValue(total) {
		return nil, Invalid("total", "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(total))
	}
	positive := false
	for i, w := range weights {
		if !xerr.SaneValue(w) {
			return nil, Invalid(fmt.Sprintf("weights[%d]", i), "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(w))
		}
		if w.Sign() < 0 {
			return nil, Invalid(fmt.Sprintf("weights[%d]", i), "must be >= 0")
		}
		positive = positive || w.Sign() > 0
	}
	if !positive {
		return nil, Invalid("weights", "must not all be zero")
	}
	// The int64 path needs no decimal arithmetic at all; it declines a total with too many places,
	// which the check below then reports.
	if parts, ok := allocateMinor(total, weights, scale); ok {
		return parts, nil
	}
	if !total.Equal(total.Round(scale)) {
		return nil, Invalid("total", "has more than %d decimal places", scale)
	}
	return allocateDecimal(total, weights, decimal.Sum(decimal.Zero, weights...), scale), nil
}

// allocateDecimal is Allocate in exact decimals, for totals or weights beyond 64-bit minor units.
func allocateDecimal(total decimal.Decimal, weights []decimal.Decimal, sum decimal.Decimal, scale int32) []decimal.Decimal {
	units := total.Abs().Shift(scale) // whole minor units
	parts := make([]decimal.Decimal, len(weights))
	rems := make([]decimal.Decimal, len(weights))
	given := decimal.Zero
	for i, w := range weights {
		// units*w = q*sum + r exactly, with 0 <= r < sum.
		q, r := units.Mul(w).QuoRem(sum, 0)
		parts[i], rems[i] = q, r
		given = given.Add(q)
	}
	if left := int(units.Sub(given).IntPart()); left > 0 { // < len(weights), since every r/sum < 1
		order := make([]int, len(weights))
		for i := range order {
			order[i] = i
		}
		// Largest remainder first; the stable sort keeps ties in part order.
		slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
		one := decimal.NewFromInt(1)
		for _, i := range order[:left] {
			parts[i] = parts[i].Add(one)
		}
	}
	neg := total.Sign() < 0
	for i, p := range parts {
		p = p.Shift(-scale)
		if neg {
			p = p.Neg()
		}
		parts[i] = Round(p, scale, Down) // gives every part the same number of places
	}
	return parts
}

// Limits on untrusted decimal text, so that a hostile number cannot make arithmetic allocate
// gigabytes or run for minutes. Both count the value's digits, not how it is written: leading zeros
// and the zeros ending a fraction do not count.
const (
	// MaxDecimalDigits is the most digits ParseDecimal accepts, before and after the point together:
	// "0012.50" has three.
	MaxDecimalDigits = 40
	// MaxDecimalPlaces is the most digits ParseDecimal accepts after the point, trailing zeros
	// aside: "12.34000000000000000000", as a numeric(38,20) column writes 12.34, is 12.34.
	MaxDecimalPlaces = 18
)

// ParseDecimal parses untrusted decimal text: an optional sign, digits, and an optional point with
// more digits ("-1234.50", "+0.3", ".5"). It rejects what decimal.NewFromString would accept but a
// price never needs — exponents ("1e999999999" would make later arithmetic allocate without bound),
// more than MaxDecimalDigits digits or MaxDecimalPlaces places, NaN, infinities, blanks, separators —
// with an error matching ErrInvalid. Digits and places are those of the value: leading zeros and the
// zeros after the last nonzero place do not count, so one number gets one answer however many zeros
// it is written with. The decimal returned keeps the places written, unless there are more than
// MaxDecimalPlaces, when it drops the zeros after the last nonzero one (xerr.Canonical).
func ParseDecimal(s string) (decimal.Decimal, error) {
	if s == "" {
		return decimal.Decimal{}, Invalid("", "empty number")
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	sign := i
	// lead: leading zeros of the whole part; zeros: trailing zeros of the fraction so far
	digits, places, zeros, lead, point := 0, 0, 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if point {
				places++
				if zeros++; c != '0' {
					zeros = 0
				}
			} else if c == '0' && lead == digits-1 {
				lead++
			}
		case c == '.' && !point:
			point = true
		case c == 'e' || c == 'E':
			return decimal.Decimal{}, Invalid("", "number %q: exponents are not accepted", xerr.Echo(s))
		default:
			return decimal.Decimal{}, Invalid("", "number %q: unexpected character %q", xerr.Echo(s), c)
		}
	}
	switch {
	case digits == 0:
		return decimal.Decimal{}, Invalid("", "number %q: no digits", xerr.Echo(s))
	case digits-places-lead+places-zeros > MaxDecimalDigits:
		return decimal.Decimal{}, Invalid("", "number %q: more than %d digits", xerr.Echo(s), MaxDecimalDigits)
	case places-zeros > MaxDecimalPlaces:
		return decimal.Decimal{}, Invalid("", "number %q: more than %d decimal places", xerr.Echo(s), MaxDecimalPlaces)
	}
	text := s
	if digits > MaxDecimalDigits {
		// Written with zeros that do not count: parsed without them (the fraction's only when
		// Canonical drops them anyway), so that a number padded with a million zeros costs nothing.
		text = shortDecimalText(s, sign, lead, places, zeros)
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, Invalid("", "number %q: %v", xerr.Echo(s), err)
	}
	return xerr.Canonical(d), nil
}

// shortDecimalText is the decimal text s, whose sign ends at byte sign, without the lead zeros
// starting its whole part and, when it has more than MaxDecimalPlaces places, without the zeros
// ending its fraction.
func shortDecimalText(s string, sign, lead, places, zeros int) string {
	whole, frac, point := s[sign:], "", false
	if k := strings.IndexByte(whole, '.'); k >= 0 {
		whole, frac, point = whole[:k], whole[k+1:], true
	}
	whole = whole[lead:]
	if places > MaxDecimalPlaces {
		frac = frac[:places-zeros]
		point = frac != ""
	}
	if whole == "" {
		whole = "0"
	}
	if point {
		return s[:sign] + whole + "." + frac
	}
	return s[:sign] + whole
}

// A JSONDecimal is a decimal.Decimal as it travels in JSON: written as a string ("12.50") so no
// reader turns it into a float, and read — from a string or a bare number — only through
// ParseDecimal. Use it in the wire structs of types that hold decimals; b2bkit's own types do.
type JSONDecimal struct{ decimal.Decimal }

// MarshalJSON writes the decimal as a JSON string. A number xerr.SaneValue refuses is not written:
// its text could be a billion digits long, and ParseDecimal would not read it back.
func (d JSONDecimal) MarshalJSON() ([]byte, error) {
	if err := checkWrite("", d.Decimal); err != nil {
		return nil, err
	}
	return json.Marshal(d.Decimal.String())
}

// checkWrite is what MarshalJSON says of the decimal d in field: an error matching ErrInvalid when
// xerr.SaneValue refuses it.
func checkWrite(field string, d decimal.Decimal) error {
	if xerr.SaneValue(d) {
		return nil
	}
	return Invalid(field, "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(d))
}

// UnmarshalJSON reads a JSON string or number through ParseDecimal.
func (d *JSONDecimal) UnmarshalJSON(b []byte) error {
	var s string
	switch {
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && plainText(b[1:len(b)-1]):
		s = string(b[1 : len(b)-1]) // what a JSON decoder makes of it, without one per value
	case len(b) >= 2 && b[0] == '"':
		var u string // apart from s, which would otherwise be moved to the heap on every call
		if err := json.Unmarshal(b, &u); err != nil {
			return Invalid("", "malformed number string")
		}
		s = u
	default:
		s = string(b)
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	d.Decimal = v
	return nil
}

// plainText reports whether b is printable ASCII without a quote or a backslash: the text of a JSON
// string that holds it as it is, with nothing to unescape or replace.
func plainText(b []byte) bool {
	for _, c := range b {
		if c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// allocateMinor is Allocate in 64-bit minor units with 128-bit products, for the common case where
// the total and the weights fit; ok is false when they do not and the decimal path must run.
func allocateMinor(total decimal.Decimal, weights []decimal.Decimal, scale int32) (parts []decimal.Decimal, ok bool) {
	units, err := ToMinor(total, scale)
	if err != nil || units == math.MinInt64 {
		return nil, false
	}
	units = max(units, -units) // |total|; the sign is put back on every part
	wscale := int32(0)
	for _, w := range weights {
		wscale = max(wscale, -w.Exponent())
	}
	if wscale > MaxScale {
		return nil, false
	}
	ws := make([]uint64, len(weights))
	rems := make([]uint64, len(weights))
	qs := make([]uint64, len(weights))
	var sum int64
	for i, w := range weights {
		u, err := ToMinor(w, wscale)
		if err != nil {
			return nil, false
		}
		if sum, ok = checked.Add(sum, u); !ok {
			return nil, false
		}
		ws[i] = uint64(u)
	}
	var given uint64
	for i, w := range ws {
		// units*w/sum <= units, so the quotient fits and Div64 cannot panic (hi < sum).
		hi, lo := bits.Mul64(uint64(units), w)
		qs[i], rems[i] = bits.Div64(hi, lo, uint64(sum))
		given += qs[i]
	}
	if left := int(uint64(units) - given); left > 0 {
		order := make([]int, len(ws))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
		for _, i := range order[:left] {
			qs[i]++
		}
	}
	parts = make([]decimal.Decimal, len(ws))
	for i, q := range qs {
		v := int64(q)
		if total.Sign() < 0 {
			v = -v
		}
		parts[i] = decimal.New(v, -scale)
	}
	return parts, true
}
