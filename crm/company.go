package crm

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// SchemeUSCC marks a registration number as a unified social credit code (统一社会信用代码), checked
// per GB 32100-2015. Other schemes (a DUNS number, a VAT id) are stored as given, marked with their name.
const SchemeUSCC = "uscc"

// A Registration is a company's official registration number and the scheme it belongs to.
type Registration struct {
	// Scheme names the numbering scheme: SchemeUSCC, or another name the host chooses.
	Scheme string `json:"scheme"`
	// Number is the registration number; for SchemeUSCC it is normalised (upper case, no blanks).
	Number string `json:"number"`
}

// Validate checks the number against its scheme: a unified social credit code must pass
// ValidateCreditCode; any other scheme needs a name and a number of at most 64 bytes.
func (r Registration) Validate() error {
	switch {
	case r.Scheme == "" && r.Number == "":
		return nil
	case r.Scheme == SchemeUSCC:
		return ValidateCreditCode(r.Number)
	case r.Scheme == "":
		return b2bkit.Invalid("registration.scheme", "must name the scheme of the number (%q or another)", SchemeUSCC)
	case len(r.Scheme) > 32:
		return b2bkit.Invalid("registration.scheme", "must be at most 32 bytes")
	case r.Number == "" || len(r.Number) > 64:
		return b2bkit.Invalid("registration.number", "must be 1 to 64 bytes")
	}
	return nil
}

// A Wallet is the estimate of a company's total yearly purchasing of the category (R7): the
// denominator of penetration. It is usually estimated, so it carries its method and date.
type Wallet struct {
	// Amount is the estimated yearly purchasing, >= 0.
	Amount decimal.Decimal
	// Currency is the ISO 4217 code of Amount.
	Currency string
	// Method says how the estimate was made: "seats x average ticket", "owner interview".
	Method string
	// AsOf is the date of the estimate.
	AsOf time.Time
}

// IsZero reports whether no estimate is recorded.
func (w Wallet) IsZero() bool {
	return w.Amount.IsZero() && w.Currency == "" && w.Method == "" && w.AsOf.IsZero()
}

type walletJSON struct {
	Amount   b2bkit.JSONDecimal `json:"amount"`
	Currency string             `json:"currency"`
	Method   string             `json:"method"`
	AsOf     time.Time          `json:"as_of"`
}

// MarshalJSON writes {"amount":"1200000","currency":"CNY","method":"...","as_of":"..."}; an amount
// xerr.SaneValue refuses is an error naming it, not a billion digits.
func (w Wallet) MarshalJSON() ([]byte, error) {
	if err := checkWrite("amount", w.Amount); err != nil {
		return nil, err
	}
	return json.Marshal(walletJSON{b2bkit.JSONDecimal{Decimal: w.Amount}, w.Currency, w.Method, w.AsOf})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (w *Wallet) UnmarshalJSON(b []byte) error {
	var v walletJSON
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*w = v.value()
	return nil
}

func (v *walletJSON) value() Wallet {
	return Wallet{Amount: v.Amount.Decimal, Currency: v.Currency, Method: v.Method, AsOf: v.AsOf}
}

// A StageChange records when a company entered a stage.
type StageChange struct {
	// Stage is the stage entered; At is when.
	Stage Stage     `json:"stage"`
	At    time.Time `json:"at"`
}

// A TierChange records a move between tiers (R4), up or down, and the points that caused it.
type TierChange struct {
	// From and To are the tier names before and after ("" before the first evaluation); At is the
	// evaluation date; Points the points that decided it.
	From   string          `json:"from"`
	To     string          `json:"to"`
	At     time.Time       `json:"at"`
	Points decimal.Decimal `json:"-"`
}

type tierChangeJSON struct {
	From   string             `json:"from"`
	To     string             `json:"to"`
	At     time.Time          `json:"at"`
	Points b2bkit.JSONDecimal `json:"points"`
}

// MarshalJSON writes the change with its points as a string; points xerr.SaneValue refuses are an
// error naming them.
func (t TierChange) MarshalJSON() ([]byte, error) {
	if err := checkWrite("points", t.Points); err != nil {
		return nil, err
	}
	return json.Marshal(tierChangeJSON{t.From, t.To, t.At, b2bkit.JSONDecimal{Decimal: t.Points}})
}

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (t *TierChange) UnmarshalJSON(b []byte) error {
	var v tierChangeJSON
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*t = v.value()
	return nil
}

func (v *tierChangeJSON) value() TierChange {
	return TierChange{From: v.From, To: v.To, At: v.At, Points: v.Points.Decimal}
}

// A Company is an account of the company CRM (R2): a buyer the platform targets or serves.
type Company struct {
	// ID identifies the company in the host's system.
	ID b2bkit.CompanyID `json:"id"`
	// Name is the company's name. Only a lead that followed a key person (SourceFollowedKeyPerson)
	// may have none: ChangeJob does not know it, and a rep fills it in.
	Name string `json:"name"`
	// Registration is its official registration number, if known; no two companies share one.
	Registration Registration `json:"registration,omitzero"`
	// Territory is the sales territory (区域) it belongs to; City its city.
	Territory string `json:"territory,omitempty"`
	City      string `json:"city,omitempty"`
	// Industry is the host's industry code or word ("restaurant", "auto parts").
	Industry string `json:"industry,omitempty"`
	// Wallet is the estimated yearly purchasing of the category (R7).
	Wallet Wallet `json:"wallet,omitzero"`
	// Tier is the company's current tier (分级) under the host's TierPolicy; empty until evaluated.
	Tier string `json:"tier,omitempty"`
	// TierHistory lists every tier change, oldest first (R4: tiers go up and down), the last one
	// being to Tier.
	TierHistory []TierChange `json:"tier_history,omitempty"`
	// OwnerRep is the rep or service person who owns the account now; AcquiredBy is the rep who
	// brought it in and shares in its lifetime profit (R9, R10).
	OwnerRep   string `json:"owner_rep,omitempty"`
	AcquiredBy string `json:"acquired_by,omitempty"`
	// Stage is the relationship stage; Stages lists every change of stage, oldest first, the last
	// one being Stage.
	Stage  Stage         `json:"stage"`
	Stages []StageChange `json:"stages,omitempty"`
	// Source says how the company came into the CRM; SourcePerson is the key person it followed,
	// when Source is SourceFollowedKeyPerson.
	Source       Source          `json:"source"`
	SourcePerson b2bkit.PersonID `json:"source_person,omitempty"`
	// Version is the stored version for optimistic concurrency; 0 for a company not yet stored.
	Version int64 `json:"version"`
}

// UnmarshalJSON reads a company strictly: unknown fields are errors.
func (c *Company) UnmarshalJSON(b []byte) error {
	var v companyJSON // a fresh value: nothing of the old one is left, and a failed decode changes nothing
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*c = Company{ID: v.ID, Name: v.Name, Registration: v.Registration, Territory: v.Territory, City: v.City,
		Industry: v.Industry, Wallet: v.Wallet.value(), Tier: v.Tier, OwnerRep: v.OwnerRep, AcquiredBy: v.AcquiredBy,
		Stage: v.Stage, Stages: v.Stages, Source: v.Source, SourcePerson: v.SourcePerson, Version: v.Version}
	if v.TierHistory != nil {
		c.TierHistory = make([]TierChange, len(v.TierHistory))
		for i := range v.TierHistory {
			c.TierHistory[i] = v.TierHistory[i].value()
		}
	}
	return nil
}

// companyJSON is a Company as it is read: its wallet and tier changes in their plain shapes, read in
// the company's own strict decode. Each read itself through the strict decoder, which checked and
// decoded its bytes again with a decoder of its own.
type companyJSON struct {
	ID           b2bkit.CompanyID `json:"id"`
	Name         string           `json:"name"`
	Registration Registration     `json:"registration"`
	Territory    string           `json:"territory"`
	City         string           `json:"city"`
	Industry     string           `json:"industry"`
	Wallet       walletJSON       `json:"wallet"`
	Tier         string           `json:"tier"`
	TierHistory  []tierChangeJSON `json:"tier_history"`
	OwnerRep     string           `json:"owner_rep"`
	AcquiredBy   string           `json:"acquired_by"`
	Stage        Stage            `json:"stage"`
	Stages       []StageChange    `json:"stages"`
	Source       Source           `json:"source"`
	SourcePerson b2bkit.PersonID  `json:"source_person"`
	Version      int64            `json:"version"`
}

// StageAt returns the stage the company was in at t, by its stage history, and false if it had
// none recorded by then.
func (c Company) StageAt(t time.Time) (Stage, bool) {
	s, ok := Target, false
	for _, ch := range c.Stages {
		if ch.At.After(t) {
			break
		}
		s, ok = ch.Stage, true
	}
	return s, ok
}

// Validate reports every problem with the company. Errors match b2bkit.ErrInvalid and name the field.
func (c Company) Validate() error {
	var errs []error
	if c.ID == "" {
		errs = append(errs, b2bkit.Invalid("id", "must not be empty"))
	}
	if (c.Name == "" && c.Source != SourceFollowedKeyPerson) || len(c.Name) > MaxNameLen || !utf8.ValidString(c.Name) {
		errs = append(errs, b2bkit.Invalid("name", "must be 1 to %d bytes of UTF-8", MaxNameLen))
	}
	if err := c.Registration.Validate(); err != nil {
		errs = append(errs, err)
	}
	if !c.Wallet.IsZero() {
		w := c.Wallet
		switch {
		case !xerr.SaneValue(w.Amount): // written out or compared, it would take a billion digits
			errs = append(errs, b2bkit.Invalid("wallet.amount", "%s", xerr.InsaneExponent))
		case w.Amount.Sign() < 0:
			errs = append(errs, b2bkit.Invalid("wallet.amount", "must be >= 0"))
		}
		if err := b2bkit.ValidateCurrency(w.Currency); err != nil {
			errs = append(errs, b2bkit.InField("wallet.currency", err))
		}
		if w.Method == "" {
			errs = append(errs, b2bkit.Invalid("wallet.method", "an estimate must say how it was made"))
		}
		if w.AsOf.IsZero() {
			errs = append(errs, b2bkit.Invalid("wallet.as_of", "an estimate must carry its date"))
		}
	}
	if !c.Stage.Valid() {
		errs = append(errs, b2bkit.Invalid("stage", "unknown stage %d", int(c.Stage)))
	}
	for i, s := range c.Stages {
		f := fmt.Sprintf("stages[%d]", i)
		if !s.Stage.Valid() {
			errs = append(errs, b2bkit.Invalid(f+".stage", "unknown stage %d", int(s.Stage)))
		}
		if i > 0 && s.At.Before(c.Stages[i-1].At) {
			errs = append(errs, b2bkit.Invalid(f+".at", "must not be before the previous change"))
		}
	}
	if n := len(c.Stages); n > 0 && c.Stages[n-1].Stage != c.Stage {
		errs = append(errs, b2bkit.Invalid("stages", "the last change must be to the current stage"))
	}
	for i, t := range c.TierHistory {
		if !xerr.SaneValue(t.Points) {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("tier_history[%d].points", i), "%s", xerr.InsaneExponent))
		}
		if i > 0 && t.At.Before(c.TierHistory[i-1].At) {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("tier_history[%d].at", i), "must not be before the previous change"))
		}
	}
	switch n := len(c.TierHistory); {
	case n == 0 && c.Tier != "":
		errs = append(errs, b2bkit.Invalid("tier", "must have been reached by a change in tier_history"))
	case n > 0 && c.TierHistory[n-1].To != c.Tier:
		errs = append(errs, b2bkit.Invalid("tier_history", "the last change must be to the current tier"))
	}
	switch c.Source {
	case SourceHost:
	case SourceFollowedKeyPerson:
		if c.SourcePerson == "" {
			errs = append(errs, b2bkit.Invalid("source_person", "must name the key person the lead followed"))
		}
	default:
		errs = append(errs, b2bkit.Invalid("source", "unknown source %d", int(c.Source)))
	}
	return errors.Join(errs...)
}

// clone returns a deep copy.
func (c Company) clone() Company {
	c.TierHistory = cloneSlice(c.TierHistory)
	c.Stages = cloneSlice(c.Stages)
	return c
}

// checkWrite is what MarshalJSON says of the decimal d in field: an error matching b2bkit.ErrInvalid
// when xerr.SaneValue refuses it.
func checkWrite(field string, d decimal.Decimal) error {
	if xerr.SaneValue(d) {
		return nil
	}
	return b2bkit.Invalid(field, "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(d))
}
