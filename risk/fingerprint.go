package risk

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A Fingerprint identifies a receivable (应收账款) whatever way its invoice was typed (R19): the
// SHA-256 of a length-prefixed encoding of the invoice's normalised number, seller, debtor (buyer),
// currency and amount, and due date. Two invoices with the same fingerprint are one claim, and it is
// financed at most once. It is a fixed-size value: comparable with ==, usable as a map key, and as
// its String (64 lower-case hex digits) a unique key in a database. The zero Fingerprint is none.
type Fingerprint [sha256.Size]byte

// fingerprintTag starts every encoded receivable, so the hash of another kind of record or of a later
// version of the encoding can never equal a fingerprint of this one.
const fingerprintTag = "b2bkit/risk/receivable/v1"

// String returns the fingerprint as 64 lower-case hex digits.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// IsZero reports whether f is the zero Fingerprint, which no invoice has.
func (f Fingerprint) IsZero() bool { return f == Fingerprint{} }

// MarshalText writes the fingerprint as its String, so it travels in JSON as a string and can key a
// JSON object.
func (f Fingerprint) MarshalText() ([]byte, error) {
	b := make([]byte, hex.EncodedLen(len(f)))
	hex.Encode(b, f[:])
	return b, nil
}

// UnmarshalText reads a fingerprint written by MarshalText.
func (f *Fingerprint) UnmarshalText(b []byte) error {
	p, err := ParseFingerprint(string(b))
	if err != nil {
		return err
	}
	*f = p
	return nil
}

// ParseFingerprint reads a fingerprint from its String (upper-case hex digits are accepted too). Any
// other text is an error matching b2bkit.ErrInvalid.
func ParseFingerprint(s string) (Fingerprint, error) {
	var f Fingerprint
	if len(s) != hex.EncodedLen(len(f)) {
		return Fingerprint{}, fmt.Errorf("risk: %w", b2bkit.Invalid("fingerprint", "%q: want %d hex digits", xerr.Echo(s), hex.EncodedLen(len(f))))
	}
	if _, err := hex.Decode(f[:], []byte(s)); err != nil {
		return Fingerprint{}, fmt.Errorf("risk: %w", b2bkit.Invalid("fingerprint", "%q: not hex", xerr.Echo(s)))
	}
	return f, nil
}

// NormalizeInvoiceNumber is the form of an invoice number that FingerprintOf hashes, so that the same
// number typed differently names the same receivable:
//
//   - full-width forms (全角, U+FF01..U+FF5E) become their ASCII twins ("ＩＮＶ０１" is "INV01") and the
//     ideographic space U+3000 a space;
//   - letters are upper-cased, one rune for one ("inv01" is "INV01"; "ß" stays "ß");
//   - white space of every kind, control and invisible format characters (zero-width space, soft
//     hyphen, byte order mark) are removed;
//   - dashes are removed: the ASCII hyphen-minus and its look-alikes (U+2010..U+2015, U+2212 minus,
//     U+FE58, U+FE63, and the full-width U+FF0D). A dash is typography, not part of the number's
//     identity: a seller who retypes "INV-2026-001" as "INV2026001" or "INV–2026–001" must not get a
//     second financing. The price is that "12-345" and "123-45" are one number — which matters only
//     if the same seller billed the same debtor the same amount due on the same day twice under them.
//
// Other characters are kept as they are. Bytes that are not UTF-8 become U+FFFD (FingerprintOf
// refuses such numbers). Normalising twice gives what normalising once gives.
func NormalizeInvoiceNumber(s string) string {
	if regNumberIsNormal(s) {
		return s
	}
	return string(regAppendNumber(make([]byte, 0, len(s)), s))
}

// regNumberIsNormal reports whether s is ASCII already in normal form: no lower-case letters, no
// dashes, no spaces or control characters.
func regNumberIsNormal(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= utf8.RuneSelf || c == '-' || c == 0x7f || ('a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// regAppendNumber appends the normal form of the invoice number s to dst.
func regAppendNumber(dst []byte, s string) []byte {
	for _, r := range s { // invalid UTF-8 arrives as utf8.RuneError, written as U+FFFD
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			continue
		}
		if regDropRune(r) {
			continue
		}
		r = unicode.ToUpper(r)
		if r < utf8.RuneSelf {
			dst = append(dst, byte(r))
		} else {
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}

// regDropRune reports whether an invoice number loses r when normalised: white space, control and
// format characters, dashes.
func regDropRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r <= ' ' || r == '-' || r == 0x7f
	}
	switch r {
	case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63:
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf)
}

// FingerprintOf fingerprints the receivable an invoice is (R19): its number in normal form (see
// NormalizeInvoiceNumber), seller, debtor (Buyer), currency, amount by value (1200.0 and 1200.00 are
// one amount), and the calendar date of DueAt in DueAt's own location (the time of day does not
// count). The currency goes with the amount: 1200 CNY and 1200 USD are two claims. The issue date
// and the orders billed do not count: an invoice re-issued with another date is the same claim.
//
// An invoice that fails its Validate, a credit note (negative amount: it is owed to the buyer, not a
// receivable), and a number that is not UTF-8 or is nothing but dashes and spaces are errors matching
// b2bkit.ErrInvalid naming the field ("risk: invoice.amount: ...").
func FingerprintOf(inv b2bkit.Invoice) (Fingerprint, error) {
	if err := regCheckInvoice(inv); err != nil {
		return Fingerprint{}, err
	}
	var buf [256]byte
	b := buf[:0]
	b = regAppendField(b, fingerprintTag)
	// the number, length-prefixed after normalising
	mark := len(b)
	b = append(b, 0, 0, 0, 0)
	b = regAppendNumber(b, string(inv.Number))
	if len(b) == mark+4 {
		return Fingerprint{}, fmt.Errorf("risk: %w", b2bkit.Invalid("invoice.number", "%q has no characters but dashes and spaces", xerr.Echo(string(inv.Number))))
	}
	binary.BigEndian.PutUint32(b[mark:], uint32(len(b)-mark-4))
	b = regAppendField(b, string(inv.Seller))
	b = regAppendField(b, string(inv.Buyer))
	b = regAppendField(b, inv.Currency)
	b = regAppendAmount(b, inv.Amount)
	y, m, d := inv.DueAt.Date()
	b = binary.BigEndian.AppendUint32(b, uint32(int32(y)))
	b = append(b, byte(m), byte(d))
	return sha256.Sum256(b), nil
}

// regCheckInvoice is what FingerprintOf demands of an invoice.
func regCheckInvoice(inv b2bkit.Invoice) error {
	if err := inv.Validate(); err != nil {
		return fmt.Errorf("risk: %w", b2bkit.InField("invoice", err))
	}
	if inv.Amount.Sign() < 0 {
		return fmt.Errorf("risk: %w", b2bkit.Invalid("invoice.amount", "%s is a credit note, not a receivable", xerr.EchoDecimal(inv.Amount)))
	}
	if !utf8.ValidString(string(inv.Number)) {
		return fmt.Errorf("risk: %w", b2bkit.Invalid("invoice.number", "not valid UTF-8"))
	}
	return nil
}

// regAppendField appends s prefixed with its length, so no two sequences of fields encode alike.
func regAppendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// regAppendAmount appends d by value: the sign, the coefficient without trailing zeros in decimal
// digits, length-prefixed, and the exponent that goes with it. 1200, 1200.0 and 1.2E3 encode alike.
func regAppendAmount(b []byte, d decimal.Decimal) []byte {
	exp := int64(d.Exponent())
	if d.NumDigits() <= 18 { // the coefficient fits an int64: no big.Int
		c := d.CoefficientInt64()
		if c < 0 {
			c = -c
		}
		for c != 0 && c%10 == 0 {
			c /= 10
			exp++
		}
		var digits [20]byte
		b = regAppendField(b, string(strconv.AppendInt(digits[:0], c, 10)))
	} else {
		c := d.Coefficient()
		c.Abs(c)
		ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
		for c.Sign() != 0 {
			q.QuoRem(c, ten, r)
			if r.Sign() != 0 {
				break
			}
			c, q = q, c
			exp++
		}
		b = regAppendField(b, c.String())
	}
	b = append(b, byte(d.Sign()+1))
	return binary.BigEndian.AppendUint64(b, uint64(exp))
}
