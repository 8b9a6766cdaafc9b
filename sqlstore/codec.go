package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/shopspring/decimal"
)

// This file is how values travel between Go and the schema: decimals as exact text (NUMERIC in
// PostgreSQL, TEXT in SQLite), times as UTC nanoseconds plus the offset they were given in, text
// checked for what PostgreSQL would refuse. The checks run before any SQL, so a bad value is an
// error naming its field, never a row written half.

// The instants a time column holds: int64 nanoseconds since 1970 reach from 1677-09-21 to
// 2262-04-11; sqlstore keeps the whole years inside.
var (
	minTime = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

// A checker collects every problem with the values of one record before it is written.
type checker struct{ errs []error }

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, b2bkit.Invalid(field, format, args...))
}

// text checks that s can be stored as text as it is: valid UTF-8 without NUL bytes (PostgreSQL
// refuses both; SQLite would store them and give back what PostgreSQL cannot).
func (c *checker) text(field, s string) {
	switch {
	case checkText(s):
	case !utf8.ValidString(s):
		c.add(field, "is not valid UTF-8")
	default:
		c.add(field, "holds a NUL byte")
	}
}

// when checks that t is zero or within the years a time column holds.
func (c *checker) when(field string, t time.Time) {
	if !timeFits(t) {
		c.add(field, "%s is outside the years 1678 to 2261 that are stored", t.UTC().Format("2006-01-02"))
	}
}

// dec checks that d is a number b2bkit.ParseDecimal reads back as it is: at most
// b2bkit.MaxDecimalDigits digits and b2bkit.MaxDecimalPlaces places, trailing zeros aside.
func (c *checker) dec(field string, d decimal.Decimal) {
	if !decFits(d) {
		c.add(field, "must have at most %d digits, %d of them after the point, to be stored exactly",
			b2bkit.MaxDecimalDigits, b2bkit.MaxDecimalPlaces)
	}
}

func (c *checker) err() error { return errors.Join(c.errs...) }

// decFits reports whether d's plain text has at most MaxDecimalDigits digits and MaxDecimalPlaces
// places, without writing it (a hostile exponent would write a billion zeros). The value counts,
// not its trailing zeros: d is read as xerr.Canonical has it, as decText writes it.
func decFits(d decimal.Decimal) bool {
	d = xerr.Canonical(d)
	exp := int64(d.Exponent())
	digits := int64(d.NumDigits())
	if exp >= 0 {
		return digits+exp <= b2bkit.MaxDecimalDigits
	}
	places := -exp
	whole := max(digits-places, 1)
	return places <= b2bkit.MaxDecimalPlaces && whole+places <= b2bkit.MaxDecimalDigits
}

// decText is the canonical text of d: plain notation, no exponent, its scale kept ("118.00"), the
// form PostgreSQL prints a NUMERIC in. The caller has checked decFits.
func decText(d decimal.Decimal) string {
	d = xerr.Canonical(d) // 12.34 read from numeric(38,20) is stored as 12.34
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}

// decArg is d as a query argument.
func decArg(d decimal.Decimal) any { return decText(d) }

// readDec reads the decimal s stored in column of the record kind id.
func readDec(kind, id, column, s string) (decimal.Decimal, error) {
	d, err := b2bkit.ParseDecimal(s)
	if err != nil {
		return decimal.Decimal{}, corrupt(kind, id, column, err)
	}
	return d, nil
}

// corrupt is the error for a value in column of the stored record kind id that sqlstore never
// writes (the row was changed behind the stores' back): "stored company C-1: wallet_amount: number
// "NaN": unexpected character 'N'". It names the record and the column and matches
// b2bkit.ErrInvalid; the store's method puts "sqlstore: " in front, once.
func corrupt(kind, id, column string, err error) error {
	return fmt.Errorf("stored %s %s: %w", kind, id, b2bkit.Invalid(column, "%v", err))
}

// A stamp is a time as stored: UTC nanoseconds since 1970 and the UTC offset in seconds.
type stamp struct {
	ns  sql.NullInt64
	off sql.NullInt64
}

// timeArgs returns t as the two arguments of its columns: NULLs for the zero time.
func timeArgs(t time.Time) (ns, off any) {
	if t.IsZero() {
		return nil, nil
	}
	_, o := t.Zone()
	return t.UnixNano(), int64(o)
}

// nsArg is t's nanoseconds as an argument, for a comparison.
func nsArg(t time.Time) int64 { return t.UnixNano() }

// zones hands out one fixed zone per offset, so reading many times allocates a zone once. A zones
// lives as long as one read; it is not shared.
type zones struct {
	off int64
	loc *time.Location
}

func (z *zones) at(off int64) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if z.loc == nil || z.off != off {
		z.off, z.loc = off, time.FixedZone("", int(off))
	}
	return z.loc
}

// time rebuilds a stored time in its offset; NULL is the zero time.
func (z *zones) time(s stamp) time.Time {
	if !s.ns.Valid {
		return time.Time{}
	}
	return time.Unix(0, s.ns.Int64).In(z.at(s.off.Int64))
}

// nullText is s as an argument, NULL when empty.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkText reports whether s can be stored as text as it is (see checker.text).
func checkText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// timeFits reports whether t is zero or within the years a time column holds.
func timeFits(t time.Time) bool { return t.IsZero() || !t.Before(minTime) && t.Before(maxTime) }
