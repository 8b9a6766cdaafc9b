package matching

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A Status is where a match stands in its life: proposed, accepted, fulfilled or cancelled.
type Status uint8

const (
	// Proposed: the platform put buyer and seller together; nothing is agreed yet.
	Proposed Status = iota
	// Accepted: both sides agreed; it is an order.
	Accepted
	// Fulfilled: the goods were delivered. Only fulfilled matches make reference prices.
	Fulfilled
	// Cancelled: the match fell through, from proposed or accepted.
	Cancelled
)

var statusWords = [...]string{Proposed: "proposed", Accepted: "accepted", Fulfilled: "fulfilled", Cancelled: "cancelled"}

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool { return int(s) < len(statusWords) }

// String returns the status's word.
func (s Status) String() string {
	if !s.Valid() {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusWords[s]
}

// MarshalText encodes the status as its word.
func (s Status) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, b2bkit.Invalid("status", "unknown status %d", int(s))
	}
	return []byte(statusWords[s]), nil
}

// UnmarshalText decodes a status from its word.
func (s *Status) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(statusWords[:], b, "status")
	*s = Status(i)
	return err
}

// CanBecome reports whether a match may move from s to next: proposed -> accepted -> fulfilled,
// and cancelled from proposed or accepted. Fulfilled and cancelled are final.
func (s Status) CanBecome(next Status) bool {
	switch s {
	case Proposed:
		return next == Accepted || next == Cancelled
	case Accepted:
		return next == Fulfilled || next == Cancelled
	}
	return false
}

// reaches reports whether a match in status s can be in status t later: t is s or lies ahead of it.
func (s Status) reaches(t Status) bool {
	return s == t || s.CanBecome(t) || s == Proposed && t == Fulfilled
}

// isOrder reports whether the match became an order: accepted or fulfilled.
func (s Status) isOrder() bool { return s == Accepted || s == Fulfilled }

// A Mode says who was seller of record of a match (R14).
type Mode uint8

const (
	// Platform: a third-party seller sold through the platform (平台).
	Platform Mode = iota
	// SelfOperated: the platform itself was seller of record (自营).
	SelfOperated
)

var modeWords = [...]string{Platform: "platform", SelfOperated: "self_operated"}

// Valid reports whether m is Platform or SelfOperated.
func (m Mode) Valid() bool { return int(m) < len(modeWords) }

// String returns the mode's word: platform or self_operated.
func (m Mode) String() string {
	if !m.Valid() {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeWords[m]
}

// MarshalText encodes the mode as its word.
func (m Mode) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, b2bkit.Invalid("mode", "unknown mode %d", int(m))
	}
	return []byte(modeWords[m]), nil
}

// UnmarshalText decodes a mode from its word.
func (m *Mode) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(modeWords[:], b, "mode")
	*m = Mode(i)
	return err
}

// Limits that keep a match sane.
const (
	// MaxIDLen is the longest match ID, buyer, seller, SKU or currency code, in bytes.
	MaxIDLen = 128
	// MaxDigits is the most significant digits a quantity, price or subsidy may have. A quantity, price,
	// subsidy or share has at most b2bkit.MaxDecimalPlaces places; both limits are of the value, not
	// of how it is written: trailing zeros (12.34 read from numeric(38,20)) do not count.
	MaxDigits = 30
)

// A Match is one deal the platform brought about between a buyer and a seller (撮合): who bought how
// much of what, at what price, when and on what terms, what the platform paid to make it happen, and
// who was seller of record.
type Match struct {
	// ID identifies the match; appending the same ID again is idempotent.
	ID string
	// Buyer and Seller are the two sides; they must differ. For a self-operated match the seller is
	// the platform's own trading company.
	Buyer, Seller b2bkit.CompanyID
	// SKU is the goods.
	SKU b2bkit.SKU
	// Quantity is how many units, > 0.
	Quantity decimal.Decimal
	// UnitPrice is the agreed price per unit, > 0, under Terms and Quantity.
	UnitPrice decimal.Decimal
	// Currency is the ISO 4217 code of UnitPrice and Subsidy.
	Currency string
	// Terms are the payment schedule, order date and delivery date the price was agreed under.
	Terms b2bkit.Terms
	// At is when the match was made.
	At time.Time
	// Status is where the match stands; a Log changes it only with SetStatus.
	Status Status
	// Subsidy is what the platform paid to make the match happen (coupons, free freight), >= 0.
	Subsidy decimal.Decimal
	// Mode says whether a third-party seller or the platform was seller of record (R14).
	Mode Mode
	// Channel is how the order came in: manual, semi-automatic or fully automatic (R10).
	Channel b2bkit.Channel
}

// Value is the match's amount: quantity x unit price, exact.
func (m Match) Value() decimal.Decimal { return m.Quantity.Mul(m.UnitPrice) }

// IsSubsidised reports whether the platform paid anything to make the match happen.
func (m Match) IsSubsidised() bool { return m.Subsidy.Sign() > 0 }

// Validate reports every problem with the match, each naming its field: a missing ID, buyer, seller or
// SKU, a buyer selling to itself, a quantity or price that is not > 0, a negative subsidy, a bad
// currency, invalid terms ("terms.…"), a missing time, an unknown status, mode or channel. The error
// matches b2bkit.ErrInvalid.
//
// Only the values count, not how they are written: a quantity, price, subsidy or share with trailing
// zeros (12.34 read from a numeric(38,20) column) is checked, and taken by Book.Record and
// MemoryLog.Append, as the same value written short.
func (m Match) Validate() error {
	m.canonicalize()
	return m.check()
}

// canonicalize puts m's quantity, unit price, subsidy and shares in their canonical form (see
// internal/canon), copying the installments if a share changes: a match read from a high-scale
// numeric column becomes the match written short, which is what the checks and the fast paths
// after them read.
func (m *Match) canonicalize() {
	canon.Set(&m.Quantity)
	canon.Set(&m.UnitPrice)
	canon.Set(&m.Subsidy)
	m.Terms = canon.Terms(m.Terms)
}

// padded reports whether canonicalize may change m; false, the common case, allocates nothing.
func (m *Match) padded() bool {
	if xerr.Padded(m.Quantity) || xerr.Padded(m.UnitPrice) || xerr.Padded(m.Subsidy) {
		return true
	}
	for _, in := range m.Terms.Payment.Installments {
		if xerr.Padded(in.Share) {
			return true
		}
	}
	return false
}

// canonicalMatches is ms with every match canonical: ms itself when none needs it, else a copy, so
// the caller's matches are never written.
func canonicalMatches(ms []Match) []Match {
	for i := range ms {
		if !ms[i].padded() {
			continue
		}
		out := slices.Clone(ms)
		for j := i; j < len(out); j++ {
			out[j].canonicalize()
		}
		return out
	}
	return ms
}

// check is Validate without copying the match.
func (m *Match) check() error {
	if m.plainlyValid() {
		return nil // the common case, without building field names and errors
	}
	return m.validate(nil)
}

// plainlyValid reports whether validate would find nothing wrong with m, asking each field once and
// building no error: it makes validate's checks and a few stricter ones (an order and a delivery
// date set, which Terms.Validate requires anyway). False only sends m to validate, which says what
// is wrong, so the two cannot disagree on a valid match's errors: there are none.
func (m *Match) plainlyValid() bool {
	return plainName(m.ID) && plainName(string(m.Buyer)) && plainName(string(m.Seller)) &&
		plainName(string(m.SKU)) && m.Buyer != m.Seller &&
		plainAmount(m.Quantity, 1) && plainAmount(m.UnitPrice, 1) && plainAmount(m.Subsidy, 0) &&
		b2bkit.ValidateCurrency(m.Currency) == nil &&
		plainTime(m.At) && plainTime(m.Terms.OrderedAt) && plainTime(m.Terms.DeliverBy) &&
		m.Status.Valid() && m.Mode.Valid() && m.Channel.Valid() && m.Terms.Validate() == nil
}

// plainName is checkName finding nothing wrong.
func plainName(v string) bool { return v != "" && len(v) <= MaxIDLen }

// plainAmount is checkAmount finding nothing wrong, with sign 1 for > 0 and 0 for >= 0: the
// exponent, the sign and the number of digits are each read once, and the coefficient is not
// copied. (checkAmount counts digits only past 18; any count of up to 18 is within MaxDigits.)
func plainAmount(d decimal.Decimal, sign int) bool {
	exp := d.Exponent()
	return exp >= -b2bkit.MaxDecimalPlaces && exp <= MaxDigits && d.Sign() >= sign && d.NumDigits() <= MaxDigits
}

// plainTime is checkTime finding nothing wrong.
func plainTime(t time.Time) bool {
	u := t.Unix()
	return !t.IsZero() && u >= minUnix && u < maxUnix
}

// validate is Validate that also hands a book's projection the coefficients of the quantity, unit
// price and subsidy (c, when small says it fits), read once for both.
func (m *Match) validate(amts *[3]coefficient) error {
	var errs []error
	errs = checkName(errs, "id", m.ID)
	errs = checkName(errs, "buyer", string(m.Buyer))
	errs = checkName(errs, "seller", string(m.Seller))
	errs = checkName(errs, "sku", string(m.SKU))
	if m.Buyer != "" && m.Buyer == m.Seller {
		errs = append(errs, b2bkit.Invalid("seller", "must not be the buyer"))
	}
	var cs [3]coefficient
	errs, cs[0] = checkAmount(errs, "quantity", m.Quantity, false)
	errs, cs[1] = checkAmount(errs, "unit_price", m.UnitPrice, false)
	errs, cs[2] = checkAmount(errs, "subsidy", m.Subsidy, true)
	if amts != nil {
		*amts = cs
	}
	if err := b2bkit.ValidateCurrency(m.Currency); err != nil {
		errs = append(errs, b2bkit.InField("currency", err))
	}
	if err := m.Terms.Validate(); err != nil {
		errs = append(errs, b2bkit.InField("terms", err))
	}
	errs = checkTime(errs, "at", m.At)
	if !m.Terms.OrderedAt.IsZero() {
		errs = checkTime(errs, "terms.ordered_at", m.Terms.OrderedAt)
	}
	if !m.Terms.DeliverBy.IsZero() {
		errs = checkTime(errs, "terms.deliver_by", m.Terms.DeliverBy)
	}
	if !m.Status.Valid() {
		errs = append(errs, b2bkit.Invalid("status", "unknown status %d", int(m.Status)))
	}
	if !m.Mode.Valid() {
		errs = append(errs, b2bkit.Invalid("mode", "unknown mode %d", int(m.Mode)))
	}
	if !m.Channel.Valid() {
		errs = append(errs, b2bkit.Invalid("channel", "unknown channel %d", int(m.Channel)))
	}
	return errors.Join(errs...)
}

// A coefficient is an amount's coefficient c when small: it has at most 18 digits.
type coefficient struct {
	c     int64
	small bool
}

// checkAmount checks a quantity, price or subsidy, canonical (see Match.canonicalize): at most
// MaxDigits significant digits, at most b2bkit.MaxDecimalPlaces places, and > 0 (or >= 0 when
// zeroOK). It also returns the coefficient.
func checkAmount(errs []error, field string, d decimal.Decimal, zeroOK bool) ([]error, coefficient) {
	var sign int
	c, small := fastdec.Int18(d)
	if small {
		sign = cmp.Compare(c, 0)
	} else {
		sign = d.Sign()
	}
	exp := d.Exponent()
	co := coefficient{c, small}
	switch {
	case !small && d.NumDigits() > MaxDigits || exp < -b2bkit.MaxDecimalPlaces || exp > MaxDigits:
		return append(errs, b2bkit.Invalid(field, "out of range")), co
	case zeroOK && sign < 0:
		return append(errs, b2bkit.Invalid(field, "must be >= 0")), co
	case !zeroOK && sign <= 0:
		return append(errs, b2bkit.Invalid(field, "must be > 0")), co
	}
	return errs, co
}

// checkName checks an ID or a name: set, and at most MaxIDLen bytes.
func checkName(errs []error, field, v string) []error {
	switch {
	case v == "":
		return append(errs, b2bkit.Invalid(field, "must be set"))
	case len(v) > MaxIDLen:
		return append(errs, b2bkit.Invalid(field, "must be at most %d bytes", MaxIDLen))
	}
	return errs
}

// Times are kept to years a trade can have, so they fit in int64 nanoseconds.
var minTime, maxTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// The bounds in Unix seconds: minTime <= t < maxTime exactly when these hold for t.Unix(), the
// bounds being whole seconds.
var minUnix, maxUnix = minTime.Unix(), maxTime.Unix()

func checkTime(errs []error, field string, t time.Time) []error {
	switch {
	case t.IsZero():
		return append(errs, b2bkit.Invalid(field, "must be set"))
	case t.Unix() < minUnix || t.Unix() >= maxUnix:
		return append(errs, b2bkit.Invalid(field, "must be between 1900 and 2200"))
	}
	return errs
}

// Equal reports whether both matches say the same thing, field by field, decimals and times by value.
func (m Match) Equal(o Match) bool {
	return m.sameContent(o) && m.Status == o.Status
}

// sameContent is Equal without the status, which is the one thing a Log changes: appending a match
// again after its status moved on is still a retry of the same append.
func (m Match) sameContent(o Match) bool {
	return m.ID == o.ID && m.Buyer == o.Buyer && m.Seller == o.Seller && m.SKU == o.SKU &&
		xerr.Equal(m.Quantity, o.Quantity) && xerr.Equal(m.UnitPrice, o.UnitPrice) && m.Currency == o.Currency &&
		m.Terms.Payment.Equal(o.Terms.Payment) && m.Terms.OrderedAt.Equal(o.Terms.OrderedAt) &&
		m.Terms.DeliverBy.Equal(o.Terms.DeliverBy) && m.At.Equal(o.At) && xerr.Equal(m.Subsidy, o.Subsidy) &&
		m.Mode == o.Mode && m.Channel == o.Channel
}

type matchJSON struct {
	ID        string             `json:"id"`
	Buyer     b2bkit.CompanyID   `json:"buyer"`
	Seller    b2bkit.CompanyID   `json:"seller"`
	SKU       b2bkit.SKU         `json:"sku"`
	Quantity  b2bkit.JSONDecimal `json:"quantity"`
	UnitPrice b2bkit.JSONDecimal `json:"unit_price"`
	Currency  string             `json:"currency"`
	Terms     b2bkit.Terms       `json:"terms"`
	At        time.Time          `json:"at"`
	Status    Status             `json:"status"`
	Subsidy   b2bkit.JSONDecimal `json:"subsidy"`
	Mode      Mode               `json:"mode"`
	Channel   b2bkit.Channel     `json:"channel"`
}

// MarshalJSON writes the match with snake_case names, decimals as strings, enums as words and times
// in RFC 3339.
func (m Match) MarshalJSON() ([]byte, error) {
	return json.Marshal(matchJSON{m.ID, m.Buyer, m.Seller, m.SKU, b2bkit.JSONDecimal{Decimal: m.Quantity},
		b2bkit.JSONDecimal{Decimal: m.UnitPrice}, m.Currency, m.Terms, m.At, m.Status,
		b2bkit.JSONDecimal{Decimal: m.Subsidy}, m.Mode, m.Channel})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly: unknown fields, numbers with exponents and
// documents over b2bkit.MaxJSONBytes are errors matching b2bkit.ErrInvalid. It does not validate the
// match; Log.Append does.
func (m *Match) UnmarshalJSON(b []byte) error {
	var w matchIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return fmt.Errorf("matching: %w", err)
	}
	*m = Match{ID: w.ID, Buyer: w.Buyer, Seller: w.Seller, SKU: w.SKU, Quantity: w.Quantity.Decimal,
		UnitPrice: w.UnitPrice.Decimal, Currency: w.Currency, Terms: w.Terms.value(), At: w.At, Status: w.Status,
		Subsidy: w.Subsidy.Decimal, Mode: w.Mode, Channel: w.Channel}
	return nil
}

// matchIn is a match as it is read: its terms in a plain shape (termsIn), read in the match's own
// strict decode. Read as b2bkit.Terms, they read themselves through the strict decoder, which
// checked and decoded their bytes again with a decoder of their own, for every match.
type matchIn struct {
	ID        string             `json:"id"`
	Buyer     b2bkit.CompanyID   `json:"buyer"`
	Seller    b2bkit.CompanyID   `json:"seller"`
	SKU       b2bkit.SKU         `json:"sku"`
	Quantity  b2bkit.JSONDecimal `json:"quantity"`
	UnitPrice b2bkit.JSONDecimal `json:"unit_price"`
	Currency  string             `json:"currency"`
	Terms     termsIn            `json:"terms"`
	At        time.Time          `json:"at"`
	Status    Status             `json:"status"`
	Subsidy   b2bkit.JSONDecimal `json:"subsidy"`
	Mode      Mode               `json:"mode"`
	Channel   b2bkit.Channel     `json:"channel"`
}

// termsIn is b2bkit.Terms as b2bkit's JSON writes it (payment installments, the order and delivery
// dates), read as b2bkit.Terms.UnmarshalJSON reads it. TestTermsInReadsAsTerms keeps the two alike.
type termsIn struct {
	Payment struct {
		Installments []struct {
			Share b2bkit.JSONDecimal `json:"share"`
			Due   b2bkit.DueEvent    `json:"due"`
			Days  int                `json:"days"`
		} `json:"installments"`
	} `json:"payment"`
	OrderedAt time.Time `json:"ordered_at"`
	DeliverBy time.Time `json:"deliver_by"`
}

// value is the terms w holds; no installments (null or absent) are nil, as b2bkit reads them.
func (w *termsIn) value() b2bkit.Terms {
	t := b2bkit.Terms{OrderedAt: w.OrderedAt, DeliverBy: w.DeliverBy}
	if ins := w.Payment.Installments; ins != nil {
		t.Payment.Installments = make([]b2bkit.Installment, len(ins))
		for i, in := range ins {
			t.Payment.Installments[i] = b2bkit.Installment{Share: in.Share.Decimal, Due: in.Due, Days: in.Days}
		}
	}
	return t
}
