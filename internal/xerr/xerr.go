package xerr

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// The sentinels; their meaning is documented where the root package re-exports them.
var (
	ErrInvalid  = errors.New("invalid input")
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// A FieldError says which field of an input was wrong and why; documented in the root package.
type FieldError struct {
	Field   string
	Problem string
}

// Error renders the error as "field: problem".
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Problem
	}
	return e.Field + ": " + e.Problem
}

// Unwrap makes a FieldError match ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid returns a *FieldError for field with the problem given by format and args.
func Invalid(field, format string, args ...any) error {
	p := format
	if len(args) > 0 {
		p = fmt.Sprintf(format, args...)
	}
	return &FieldError{Field: field, Problem: p}
}

// InField puts prefix in front of the field path of every FieldError in err; documented where the
// root package re-exports it.
func InField(prefix string, err error) error {
	if err == nil || prefix == "" {
		return err
	}
	switch e := err.(type) {
	case *FieldError:
		return &FieldError{Field: joinPath(prefix, e.Field), Problem: e.Problem}
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		out := make([]error, len(errs))
		for i, x := range errs {
			out[i] = InField(prefix, x)
		}
		return errors.Join(out...)
	default:
		return fmt.Errorf("%s: %w", prefix, err)
	}
}

func joinPath(prefix, field string) string {
	switch {
	case field == "":
		return prefix
	case strings.HasPrefix(field, "["):
		return prefix + field
	default:
		return prefix + "." + field
	}
}

// Echo is what an error message may repeat of untrusted text: at most 32 bytes, then "...", so a
// hostile field cannot bloat logs. Personal data is never echoed at all.
func Echo(s string) string {
	const max = 32
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// EchoDecimal is Echo for a decimal that came from outside: its text, cut like Echo's, built without
// expanding an absurd exponent or coefficient. decimal.New(1, 1_000_000_000).String() would write a
// billion zeros before Echo could cut them; EchoDecimal writes "1e1000000000" instead.
func EchoDecimal(d decimal.Decimal) string {
	const maxExp, maxBits = 64, 256
	exp := d.Exponent()
	if exp >= -maxExp && exp <= maxExp && d.Coefficient().BitLen() <= maxBits {
		return Echo(d.String())
	}
	c := d.Coefficient()
	if c.BitLen() > maxBits {
		return fmt.Sprintf("a number of about %d digits with exponent %d", c.BitLen()*3/10, exp)
	}
	return Echo(c.String()) + "e" + strconv.Itoa(int(exp))
}

// MaxExponent is the largest exponent, either way, of a quantity or amount b2bkit takes: its
// MaxScale. Nothing a trade counts needs more places or a larger power of ten.
const MaxExponent = 18

// SaneExponent reports whether d is written with an exponent within ±MaxExponent. Validation
// refuses other numbers before it compares or adds them: a decimal written with an exponent near
// ±2³¹ would be scaled by a power of ten that large, which takes minutes and gigabytes, and two
// such exponents added in int32 wrap.
func SaneExponent(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -MaxExponent && e <= MaxExponent
}

// SaneValue is SaneExponent of the value d is, not of how it is written: 12.34 read from a
// numeric(38,20) column has exponent -20 but is sane, and so is 1e19, which is
// 10000000000000000000. A sane exponent costs nothing more; only a
// number SaneExponent refuses is read for trailing zeros (Canonical). A caller that computes on d
// past such a check works on Canonical(d), whose exponent is the one checked.
func SaneValue(d decimal.Decimal) bool {
	return SaneExponent(d) || SaneExponent(Canonical(d))
}

// InsaneExponent is what is wrong with a number SaneValue refuses, or SaneExponent refuses once
// the number is written as Canonical: a place beyond the 18th that is not a trailing zero, or more
// than 308 digits counted with every zero written out (1e309 has 310; 1.5 written with 400 trailing
// zeros has 402, though its value has one place). Every number within both bounds is taken. It
// said "an exponent of at most 18" until Canonical wrote 1e19 out: 1e100 is taken.
const InsaneExponent = "must have at most 18 decimal places (trailing zeros aside) and at most 308 digits written out"

// Canonical is d as the value it is, not as it was written: a number written beyond MaxExponent
// places or with more than 18 digits loses the trailing zeros of its fraction, so 12.34 read from a
// numeric(38,20) column (1234 x 10^18 x 10^-20) is 12.34 again and 1000 written with 20 places is
// 1000; a whole number of more than 18 digits then loses as many more as it needs to fit an int64,
// its exponent staying within MaxExponent. A whole number written with an exponent beyond
// MaxExponent (1e19) is the number written out (10000000000000000000) and has that number's
// canonical form, so both get one answer from every check. Every other number is returned as it
// stands, at the cost of reading its exponent and counting its digits: 12.30 keeps its two places,
// which the fast paths read as the amount's scale. A number with a significant 19th place, a
// coefficient of more than canonicalMaxBits, or a whole number that written out would have more
// than canonicalMaxDigits digits (1e2147483647) is returned as it stands too, for validation to
// refuse as written.
func Canonical(d decimal.Decimal) decimal.Decimal {
	if !Padded(d) {
		return d
	}
	return canonical(d)
}

// Padded reports whether Canonical may change d, which is the case only for an exponent beyond
// ±MaxExponent or more than 18 digits: every other number is as short as any check of the module
// asks. It reads the exponent and counts the digits, and allocates nothing.
func Padded(d decimal.Decimal) bool {
	e := d.Exponent()
	return e < -MaxExponent || e > MaxExponent || d.NumDigits() > MaxExponent
}

// canonicalMaxBits bounds the coefficient Canonical reads: about 300 digits, far beyond any column
// a platform keeps money in, so a hostile coefficient costs nothing.
const canonicalMaxBits = 1024

// canonicalMaxDigits is the most digits a number of canonicalMaxBits has (2^1024 is about 1.8e308):
// a whole number written with a large exponent is written out only up to it, so a hostile exponent
// costs nothing either.
const canonicalMaxDigits = 309

// TrimFraction is d without the trailing zeros of its fraction, however few: 2.500 is 2.5, 1000.00
// is 1000. For a check tighter than Canonical's (a parameter of at most 9 digits); it reads the
// coefficient, so it is for a value checked once, not per record. A coefficient of more than
// canonicalMaxBits is returned as it stands.
func TrimFraction(d decimal.Decimal) decimal.Decimal {
	e := d.Exponent()
	if e >= 0 {
		return d
	}
	c := d.Coefficient()
	switch {
	case c.Sign() == 0:
		return decimal.New(0, 0)
	case c.BitLen() > canonicalMaxBits:
		return d
	}
	k := dropZeros(c, min(-int64(e), int64(d.NumDigits())-1))
	if k == 0 {
		return d
	}
	return decimal.NewFromBigInt(c, e+int32(k))
}

// canonical is Canonical for a number it has to read.
func canonical(d decimal.Decimal) decimal.Decimal {
	c := d.Coefficient() // a copy
	switch {
	case c.Sign() == 0:
		return decimal.New(0, 0)
	case c.BitLen() > canonicalMaxBits:
		return d
	}
	e, digits := int64(d.Exponent()), int64(d.NumDigits())
	if e > MaxExponent {
		// Written out, it has digits+e digits: written out if that is few enough to read, so that
		// it is whatever the number written out is.
		if digits+e > canonicalMaxDigits {
			return d
		}
		return canonical(decimal.NewFromBigInt(c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(e), nil)), 0))
	}
	if e < 0 { // the fraction's zeros, fewer than the coefficient has digits
		k := dropZeros(c, min(-e, digits-1))
		e, digits = e+k, digits-k
	}
	if e >= 0 && digits > MaxExponent {
		e += dropZeros(c, min(digits-MaxExponent, MaxExponent-e))
	}
	if e == int64(d.Exponent()) {
		return d
	}
	return decimal.NewFromBigInt(c, int32(e))
}

// dropZeros divides c by ten as long as it divides, at most n times, and says how many times.
func dropZeros(c *big.Int, n int64) (k int64) {
	q, r := new(big.Int), new(big.Int)
	for _, step := range [...]struct {
		k int64
		p *big.Int
	}{{16, big.NewInt(1e16)}, {1, big.NewInt(10)}} {
		for n-k >= step.k {
			if q.QuoRem(c, step.p, r); r.Sign() != 0 {
				break
			}
			c.Set(q)
			k += step.k
		}
	}
	return k
}
