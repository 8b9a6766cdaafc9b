package crm

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// A ContactKind is the channel a contact point reaches a person on.
type ContactKind int

const (
	// Mobile is a mobile phone number. Chinese numbers are kept as 11 digits (13812345678), others
	// in E.164 form (+447700900123).
	Mobile ContactKind = iota + 1
	// Email is an e-mail address, kept lower-cased.
	Email
	// WeChat is a WeChat id (微信号), kept lower-cased.
	WeChat
)

var contactWords = [...]string{Mobile: "mobile", Email: "email", WeChat: "wechat"}

// Valid reports whether k is one of the contact kinds.
func (k ContactKind) Valid() bool { return k >= Mobile && k <= WeChat }

// String returns the kind's word: mobile, email or wechat.
func (k ContactKind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("ContactKind(%d)", int(k))
	}
	return contactWords[k]
}

// MarshalText encodes the kind as its word.
func (k ContactKind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, b2bkit.Invalid("kind", "unknown contact kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its word.
func (k *ContactKind) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(contactWords[:], b, "contact kind")
	if err == nil && v == 0 {
		err = b2bkit.Invalid("", "unknown contact kind %q", "")
	}
	if err != nil {
		return err // the receiver keeps its value
	}
	*k = ContactKind(v)
	return nil
}

// MaxContactLen bounds the raw text of a contact point; nothing real is longer.
const MaxContactLen = 254

// NormalizeContact turns a contact point as typed into the form it is stored and matched in:
// mobile numbers lose blanks, dashes, dots and brackets and a +86/0086/86 prefix for Chinese numbers;
// e-mail addresses and WeChat ids are trimmed and lower-cased. A value that cannot be such a contact
// point is an error matching b2bkit.ErrInvalid; the error never repeats the value, which is personal data.
func NormalizeContact(kind ContactKind, raw string) (string, error) {
	if len(raw) > MaxContactLen {
		return "", b2bkit.Invalid("contact", "longer than %d bytes", MaxContactLen)
	}
	switch kind {
	case Mobile:
		return normalizeMobile(raw)
	case Email:
		return normalizeEmail(raw)
	case WeChat:
		return normalizeWeChat(raw)
	}
	return "", b2bkit.Invalid("contact.kind", "unknown contact kind %d", int(kind))
}

func normalizeMobile(raw string) (string, error) {
	var buf [20]byte
	b, err := appendMobile(buf[:0], raw)
	return string(b), err
}

// appendMobile appends the normalised form of a mobile number to dst. It allocates nothing when dst
// has room, so FindByContact builds its lookup key on the stack.
func appendMobile(dst []byte, raw string) ([]byte, error) {
	var digits [20]byte
	n, plus := 0, false
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			if n == len(digits) {
				return dst, b2bkit.Invalid("contact", "a mobile number has at most 15 digits")
			}
			digits[n] = byte(r)
			n++
		case r == '+' && n == 0 && !plus:
			plus = true
		case r == ' ' || r == '\t' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return dst, b2bkit.Invalid("contact", "a mobile number holds only digits, blanks, dashes, dots, brackets and a leading +")
		}
	}
	d := digits[:n]
	if !plus && n >= 2 && d[0] == '0' && d[1] == '0' {
		d, plus = d[2:], true
	}
	cn := len(d) >= 2 && d[0] == '8' && d[1] == '6'
	if !plus && len(d) == 13 && cn {
		plus = true
	}
	if plus {
		if !cn {
			if len(d) < 8 || len(d) > 15 || d[0] == '0' {
				return dst, b2bkit.Invalid("contact", "an international mobile number has 8 to 15 digits after +")
			}
			return append(append(dst, '+'), d...), nil
		}
		d = d[2:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' {
		return dst, b2bkit.Invalid("contact", "a Chinese mobile number has 11 digits starting 13-19")
	}
	return append(dst, d...), nil
}

func normalizeEmail(raw string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	at := strings.IndexByte(s, '@')
	switch {
	case at <= 0 || at != strings.LastIndexByte(s, '@'):
		return "", b2bkit.Invalid("contact", "an e-mail address has one @ with text before it")
	case at > 64:
		return "", b2bkit.Invalid("contact", "an e-mail address has at most 64 bytes before the @")
	}
	dom := s[at+1:]
	if len(dom) < 3 || !strings.Contains(dom, ".") || strings.HasPrefix(dom, ".") || strings.HasSuffix(dom, ".") || strings.Contains(dom, "..") {
		return "", b2bkit.Invalid("contact", "an e-mail address needs a domain like example.com")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == ',' || r == ';' || r == '"' || r == '\\' {
			return "", b2bkit.Invalid("contact", "an e-mail address must not hold blanks, control characters or <>,;\"\\")
		}
	}
	return s, nil
}

func normalizeWeChat(raw string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if len(s) < 6 || len(s) > 20 {
		return "", b2bkit.Invalid("contact", "a WeChat id has 6 to 20 characters")
	}
	if s[0] < 'a' || s[0] > 'z' {
		return "", b2bkit.Invalid("contact", "a WeChat id starts with a letter")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "", b2bkit.Invalid("contact", "a WeChat id holds only letters, digits, _ and -")
		}
	}
	return s, nil
}

// A ContactPoint is one way to reach a person. Old contact points are kept with Until set, so a
// person stays findable by the number she had at her last employer (R3).
type ContactPoint struct {
	// Kind is the channel.
	Kind ContactKind `json:"kind"`
	// Value is the normalised contact point (see NormalizeContact). It is personal data: String and
	// LogValue mask it.
	Value string `json:"value"`
	// Since is when the contact point was recorded.
	Since time.Time `json:"since"`
	// Until is when it stopped being current; zero means current.
	Until time.Time `json:"until,omitzero"`
}

// Current reports whether the contact point is still in use.
func (c ContactPoint) Current() bool { return c.Until.IsZero() }

// key is the index key of the contact point in a store.
func (c ContactPoint) key() string { return ContactKey(c.Kind, c.Value) }

// ContactKey is the key a Store indexes a normalised contact point under: "mobile:13812345678".
func ContactKey(kind ContactKind, normalized string) string {
	return kind.String() + ":" + normalized
}

// Masked returns the value with its middle hidden: 138****5678, w***@example.com, wx***9.
func (c ContactPoint) Masked() string { return MaskContact(c.Kind, c.Value) }

// String prints the contact point masked: "mobile 138****5678".
func (c ContactPoint) String() string { return c.Kind.String() + " " + c.Masked() }

// GoString prints the contact point masked, so %#v does not leak it either.
func (c ContactPoint) GoString() string { return "crm.ContactPoint{" + c.String() + "}" }

// contactJSON is the JSON form of a ContactPoint: masked (Masked true) or clear.
type contactJSON struct {
	Kind   ContactKind `json:"kind"`
	Value  string      `json:"value"`
	Since  time.Time   `json:"since"`
	Until  time.Time   `json:"until,omitzero"`
	Masked bool        `json:"masked,omitempty"`
}

func (c ContactPoint) toJSON(mask bool) contactJSON {
	v := contactJSON{Kind: c.Kind, Value: c.Value, Since: c.Since, Until: c.Until, Masked: mask}
	if mask {
		v.Value = c.Masked()
	}
	return v
}

func (v contactJSON) point() ContactPoint {
	return ContactPoint{Kind: v.Kind, Value: v.Value, Since: v.Since, Until: v.Until}
}

// MarshalJSON writes the contact point masked, with "masked": true, so a contact point logged by a
// JSON handler, alone or in a slice, never leaks. Person.ClearJSON writes contact points in the clear.
func (c ContactPoint) MarshalJSON() ([]byte, error) { return json.Marshal(c.toJSON(true)) }

// UnmarshalJSON reads a contact point in the clear, strictly; masked data is an error matching
// b2bkit.ErrInvalid.
func (c *ContactPoint) UnmarshalJSON(b []byte) error {
	var v contactJSON
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	if v.Masked {
		return errMaskedJSON
	}
	*c = v.point()
	return nil
}

// LogValue logs the contact point masked.
func (c ContactPoint) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", c.Kind.String()), slog.String("value", c.Masked()),
		slog.Bool("current", c.Current()))
}

// MaskContact hides the middle of a normalised contact point: a Chinese mobile keeps its first 3 and
// last 4 digits (138****5678), an e-mail address the first character of its local part and the domain,
// anything else its first 2 and last character.
func MaskContact(kind ContactKind, v string) string {
	switch {
	case kind == Mobile && len(v) == 11:
		return v[:3] + "****" + v[7:]
	case kind == Mobile && len(v) >= 9:
		return v[:4] + strings.Repeat("*", len(v)-7) + v[len(v)-3:]
	case kind == Email:
		if at := strings.IndexByte(v, '@'); at > 0 {
			_, n := utf8.DecodeRuneInString(v)
			return v[:n] + "***" + v[at:]
		}
	}
	if len(v) >= 6 {
		return v[:2] + "***" + v[len(v)-1:]
	}
	return "***"
}
