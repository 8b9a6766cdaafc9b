package funnel

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A TouchKind is how a rep reached a company.
type TouchKind int

const (
	// Visit: the rep was on the premises (扫街, 拜访).
	Visit TouchKind = iota + 1
	// Call: the rep reached a key person by phone or message.
	Call
	// Onboarding: the rep set the company up on the platform (开户): account, first catalogue, first order help.
	Onboarding
)

var touchKindWords = [...]string{Visit: "visit", Call: "call", Onboarding: "onboarding"}

// Valid reports whether k is one of the three kinds.
func (k TouchKind) Valid() bool { return k >= Visit && k <= Onboarding }

// String returns the kind's word: visit, call or onboarding.
func (k TouchKind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("TouchKind(%d)", int(k))
	}
	return touchKindWords[k]
}

// MarshalText encodes the kind as its word.
func (k TouchKind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, b2bkit.Invalid("kind", "unknown touch kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its word.
func (k *TouchKind) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(touchKindWords[:], b, "touch kind")
	if err != nil {
		return b2bkit.InField("kind", err)
	}
	*k = TouchKind(i)
	return nil
}

// A Touch is one contact of a rep with a company: a visit, a call, an onboarding. Every kind counts
// as reaching the company for coverage. What each field is used for:
type Touch struct {
	// Company is the company reached; required. A touch of a target in month 1 covers it (R6).
	Company b2bkit.CompanyID `json:"company"`
	// Rep is the ground-sales rep who made the contact; required. The first rep to reach a customer
	// acquires it (R10), and the team's touches measure concentration (R8).
	Rep b2bkit.PersonID `json:"rep"`
	// Territory is where the rep was working when the touch was made; optional. It serves
	// concentration (R8) and sets apart touches made in another territory than the campaign's. Empty
	// when the host does not record it: a touch of a target is then taken to be in the campaign's
	// territory (the target list fixes it), and a touch of another company, made nobody knows where,
	// is set apart (ExcludedCounts.NotTarget) and left out of concentration.
	Territory string `json:"territory,omitempty"`
	// At is when the touch was made; required: it places the touch in a campaign month.
	At time.Time `json:"at"`
	// Kind is how the company was reached; optional (zero when the host does not record it) and used
	// by no rate: every kind reaches the company. A kind that is given must be one of the three.
	Kind TouchKind `json:"kind,omitempty"`
}

func (t *Touch) validate() error {
	if t.Company != "" && t.Rep != "" && !t.At.IsZero() && (t.Kind == 0 || t.Kind.Valid()) {
		return nil
	}
	var errs []error
	if t.Company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must be set"))
	}
	if t.Rep == "" {
		errs = append(errs, b2bkit.Invalid("rep", "must be set"))
	}
	if t.At.IsZero() {
		errs = append(errs, b2bkit.Invalid("at", "must be set"))
	}
	if t.Kind != 0 && !t.Kind.Valid() {
		errs = append(errs, b2bkit.Invalid("kind", "must be visit, call or onboarding"))
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}

// name names the touch for an error: "touch of C-1 by rep-7 at 2026-03-02T10:00:00+08:00".
func (t *Touch) name() string {
	by := " at"
	if t.Rep != "" {
		by = " by " + xerr.Echo(string(t.Rep)) + " at"
	}
	return recordName("touch of", t.Company, by, t.At)
}

// UnmarshalJSON reads a touch strictly: unknown fields are errors matching b2bkit.ErrInvalid.
func (t *Touch) UnmarshalJSON(b []byte) error {
	type plain Touch
	var p plain
	if err := wire.DecodeStrict(b, &p); err != nil {
		return err
	}
	*t = Touch(p)
	return nil
}

// MinorScale is the number of decimal places at which Evaluate reads money, in whole minor units:
// four, enough for every currency (fen, fils) and for prices of bulk goods. An amount with more
// places is an error, never silently rounded. One amount must fit an int64 of minor units (below
// about 9.2e14, tens of millions of dollars even in dong); sums of them are 128-bit and do not
// overflow.
const MinorScale = 4

// A Purchase is one order a company placed on the platform: when, for how much, through which of the
// three channels (R10), and the gross profit the platform made on it.
type Purchase struct {
	// Company is the buyer; required. An order of a target makes it a customer (conversion,
	// repurchase); one before the start makes it an existing customer (Report.Existing).
	Company b2bkit.CompanyID `json:"company"`
	// At is when the order was placed; required: it places the order in a campaign month.
	At time.Time `json:"at"`
	// Amount is the order's value, at most MinorScale decimal places (of the value: trailing zeros,
	// as a numeric(38,20) column writes them, do not count): spend, penetration, the channel mix. Zero is a free sample or a promotion: Evaluate counts it apart (ExcludedCounts.Free), not
	// as an order. A negative amount is an error: returns are not negative purchases, net them into
	// the order they return.
	Amount decimal.Decimal `json:"amount"`
	// Channel is how the order came in: manual, semi_auto or full_auto; required, for the channel
	// mix and its shift (R10).
	Channel b2bkit.Channel `json:"channel"`
	// GrossProfit is what the platform earned on the order: the amount less the cost of the goods.
	// It may be negative (sold below cost) but not above Amount. Zero when the host does not know
	// it; a host that knows the cost passes Amount - Cost. Reps are paid on it (R10).
	GrossProfit decimal.Decimal `json:"gross_profit"`
}

// validate checks p and returns its amount and gross profit in minor units at MinorScale. It reports
// each problem once: a negative amount is not also a gross profit above it.
func (p *Purchase) validate() (amount, profit int64, err error) {
	var amountErr, profitErr error
	if p.Amount.Sign() < 0 {
		amountErr = b2bkit.Invalid("amount", "must be >= 0")
	} else if amount, err = b2bkit.ToMinor(p.Amount, MinorScale); err != nil {
		amountErr = b2bkit.InField("amount", err)
	}
	if profit, err = b2bkit.ToMinor(p.GrossProfit, MinorScale); err != nil {
		profitErr = b2bkit.InField("gross_profit", err)
	}
	if amountErr == nil && profitErr == nil && p.Company != "" && !p.At.IsZero() && profit <= amount && p.Channel.Valid() {
		return amount, profit, nil
	}
	return 0, 0, purchaseProblems(p.Company, p.At, amount, profit, amountErr, profitErr, p.Channel)
}

// purchaseProblems lists every problem of a purchase whose amounts were read in minor units, or
// could not be (amountErr, profitErr), once each: a gross profit is compared with the amount only
// when both were read.
func purchaseProblems(company b2bkit.CompanyID, at time.Time, amount, profit int64, amountErr, profitErr error, ch b2bkit.Channel) error {
	var errs []error
	if company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must be set"))
	}
	if at.IsZero() {
		errs = append(errs, b2bkit.Invalid("at", "must be set"))
	}
	if amountErr != nil {
		errs = append(errs, amountErr)
	}
	if profitErr != nil {
		errs = append(errs, profitErr)
	}
	if amountErr == nil && profitErr == nil && profit > amount { // compared in minor units: cheap for any input
		errs = append(errs, b2bkit.Invalid("gross_profit", "must not exceed amount"))
	}
	if !ch.Valid() {
		errs = append(errs, b2bkit.Invalid("channel", "must be manual, semi_auto or full_auto"))
	}
	return errors.Join(errs...)
}

// name names the purchase for an error: "purchase of C-1 at 2026-04-02T10:00:00+08:00".
func (p *Purchase) name() string { return recordName("purchase of", p.Company, " at", p.At) }

// recordName names a record by its company and time, leaving out either when it is not set.
func recordName(kind string, company b2bkit.CompanyID, timeWord string, at time.Time) string {
	s := kind
	if company != "" {
		s += " " + xerr.Echo(string(company))
	} else {
		s += " no company"
	}
	if !at.IsZero() {
		s += timeWord + " " + at.Format(time.RFC3339)
	}
	return s
}

type purchaseJSON struct {
	Company     b2bkit.CompanyID   `json:"company"`
	At          time.Time          `json:"at"`
	Amount      b2bkit.JSONDecimal `json:"amount"`
	Channel     b2bkit.Channel     `json:"channel"`
	GrossProfit b2bkit.JSONDecimal `json:"gross_profit"`
}

// MarshalJSON writes the purchase with its amounts as strings; an amount xerr.SaneValue refuses
// is an error naming its field, not a billion digits.
func (p Purchase) MarshalJSON() ([]byte, error) {
	if err := checkWrite("amount", p.Amount); err != nil {
		return nil, err
	}
	if err := checkWrite("gross_profit", p.GrossProfit); err != nil {
		return nil, err
	}
	return json.Marshal(purchaseJSON{p.Company, p.At, b2bkit.JSONDecimal{Decimal: p.Amount}, p.Channel,
		b2bkit.JSONDecimal{Decimal: p.GrossProfit}})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (p *Purchase) UnmarshalJSON(b []byte) error {
	var w purchaseJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*p = Purchase{Company: w.Company, At: w.At, Amount: w.Amount.Decimal, Channel: w.Channel, GrossProfit: w.GrossProfit.Decimal}
	return nil
}

// A MinorPurchase is a Purchase with its amounts in whole minor units at MinorScale (12.34 is
// 123400): what a host that keeps money as integers reads from its database, passed on without a
// decimal per row (Input.MinorPurchases). Each field means what the Purchase field of its name means.
type MinorPurchase struct {
	// Company is the buyer; required.
	Company b2bkit.CompanyID
	// At is when the order was placed; required.
	At time.Time
	// Amount is the order's value in minor units at MinorScale, >= 0; zero is a free sample.
	Amount int64
	// Channel is how the order came in; required.
	Channel b2bkit.Channel
	// GrossProfit is what the platform earned on the order, in minor units at MinorScale: at most
	// Amount, possibly negative, zero when the host does not know it.
	GrossProfit int64
}

// Purchase returns p with its amounts as decimals.
func (p MinorPurchase) Purchase() Purchase {
	return Purchase{Company: p.Company, At: p.At, Amount: decimal.New(p.Amount, -MinorScale), Channel: p.Channel,
		GrossProfit: decimal.New(p.GrossProfit, -MinorScale)}
}

// validate checks p as Purchase.validate checks a purchase.
func (p *MinorPurchase) validate() error {
	if p.Company != "" && !p.At.IsZero() && p.Amount >= 0 && p.GrossProfit <= p.Amount && p.Channel.Valid() {
		return nil
	}
	var amountErr error
	if p.Amount < 0 {
		amountErr = b2bkit.Invalid("amount", "must be >= 0")
	}
	return purchaseProblems(p.Company, p.At, p.Amount, p.GrossProfit, amountErr, nil, p.Channel)
}

// name names the purchase for an error, as Purchase.name does.
func (p *MinorPurchase) name() string { return recordName("purchase of", p.Company, " at", p.At) }

// A Wallet is an estimate of a company's total monthly purchasing of the campaign's category, from
// every supplier (R7): the denominator of penetration. It is usually estimated — from seats and
// average spend, from a survey, from the owner's word — so it carries its method, its date and a
// confidence. Penetration needs only Company, Monthly and AsOf.
type Wallet struct {
	// Company is the company estimated; required.
	Company b2bkit.CompanyID `json:"company"`
	// Monthly is the company's purchasing of the category per month, >= 0, at most MinorScale places
	// (trailing zeros do not count): the denominator of penetration. Zero means the company buys none of it: it is counted apart
	// (Penetration.ZeroWallet), never divided by.
	Monthly decimal.Decimal `json:"monthly"`
	// Method says how the estimate was made ("survey", "seats x avg spend"); optional. It is carried
	// into CompanyShare.Method for the reader (R7: store the estimate with its method), not used.
	Method string `json:"method,omitempty"`
	// AsOf is when the estimate was made; required. Evaluate uses each company's latest estimate not
	// after its asOf.
	AsOf time.Time `json:"as_of"`
	// Confidence is the estimator's confidence in [0, 1]; optional (zero when unknown). It is carried
	// into CompanyShare.Confidence, not used; a value outside [0, 1] or NaN is an error.
	Confidence float64 `json:"confidence,omitempty"`
}

// validate checks w and returns its monthly amount in minor units at MinorScale.
func (w Wallet) validate() (int64, error) {
	var monthlyErr error
	var monthly int64
	if w.Monthly.Sign() < 0 {
		monthlyErr = b2bkit.Invalid("monthly", "must be >= 0")
	} else if u, err := b2bkit.ToMinor(w.Monthly, MinorScale); err != nil {
		monthlyErr = b2bkit.InField("monthly", err)
	} else {
		monthly = u
	}
	if err := walletProblems(w.Company, monthlyErr, w.AsOf, w.Confidence); err != nil {
		return 0, err
	}
	return monthly, nil
}

// walletProblems lists every problem of a wallet estimate; monthlyErr says why its amount could not
// be read, if it could not.
func walletProblems(company b2bkit.CompanyID, monthlyErr error, asOf time.Time, confidence float64) error {
	var errs []error
	if company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must be set"))
	}
	if monthlyErr != nil {
		errs = append(errs, monthlyErr)
	}
	if asOf.IsZero() {
		errs = append(errs, b2bkit.Invalid("as_of", "must be set"))
	}
	if !(confidence >= 0 && confidence <= 1) { // also refuses NaN
		errs = append(errs, b2bkit.Invalid("confidence", "must be between 0 and 1"))
	}
	return errors.Join(errs...)
}

// name names the wallet for an error: "wallet of C-1 as of 2026-04-01T00:00:00Z".
func (w Wallet) name() string { return recordName("wallet of", w.Company, " as of", w.AsOf) }

type walletJSON struct {
	Company    b2bkit.CompanyID   `json:"company"`
	Monthly    b2bkit.JSONDecimal `json:"monthly"`
	Method     string             `json:"method,omitempty"`
	AsOf       time.Time          `json:"as_of"`
	Confidence float64            `json:"confidence,omitempty"`
}

// MarshalJSON writes the wallet with its amount as a string; an amount xerr.SaneValue refuses is
// an error naming the field, not a billion digits.
func (w Wallet) MarshalJSON() ([]byte, error) {
	if err := checkWrite("monthly", w.Monthly); err != nil {
		return nil, err
	}
	return json.Marshal(walletJSON{w.Company, b2bkit.JSONDecimal{Decimal: w.Monthly}, w.Method, w.AsOf, w.Confidence})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (w *Wallet) UnmarshalJSON(b []byte) error {
	var v walletJSON
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*w = Wallet{Company: v.Company, Monthly: v.Monthly.Decimal, Method: v.Method, AsOf: v.AsOf, Confidence: v.Confidence}
	return nil
}

// A MinorWallet is a Wallet with its monthly amount in whole minor units at MinorScale, for a host
// that keeps money as integers (Input.MinorWallets). Each field means what the Wallet field of its
// name means.
type MinorWallet struct {
	// Company is the company estimated; required.
	Company b2bkit.CompanyID
	// Monthly is the company's purchasing of the category per month in minor units at MinorScale, >= 0.
	Monthly int64
	// Method says how the estimate was made; optional, carried into CompanyShare.Method.
	Method string
	// AsOf is when the estimate was made; required.
	AsOf time.Time
	// Confidence is the estimator's confidence in [0, 1]; optional, carried into CompanyShare.Confidence.
	Confidence float64
}

// Wallet returns w with its monthly amount as a decimal.
func (w MinorWallet) Wallet() Wallet {
	return Wallet{Company: w.Company, Monthly: decimal.New(w.Monthly, -MinorScale), Method: w.Method, AsOf: w.AsOf,
		Confidence: w.Confidence}
}

// validate checks w as Wallet.validate checks an estimate.
func (w *MinorWallet) validate() error {
	if w.Company != "" && w.Monthly >= 0 && !w.AsOf.IsZero() && w.Confidence >= 0 && w.Confidence <= 1 {
		return nil
	}
	var monthlyErr error
	if w.Monthly < 0 {
		monthlyErr = b2bkit.Invalid("monthly", "must be >= 0")
	}
	return walletProblems(w.Company, monthlyErr, w.AsOf, w.Confidence)
}

// name names the wallet for an error, as Wallet.name does.
func (w *MinorWallet) name() string { return recordName("wallet of", w.Company, " as of", w.AsOf) }

// checkWrite is what MarshalJSON says of the decimal d in field: an error matching b2bkit.ErrInvalid
// when xerr.SaneValue refuses it.
func checkWrite(field string, d decimal.Decimal) error {
	if xerr.SaneValue(d) {
		return nil
	}
	return b2bkit.Invalid(field, "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(d))
}
