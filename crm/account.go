package crm

import (
	"errors"
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// An AccountID identifies a login of a customer company on the platform.
type AccountID string

// An AccountKind says whether a login is the company's owner account (母账号) or one of its operator
// accounts (子账号) (R5).
type AccountKind int

const (
	// Operator is an operator account: a buyer, a store manager placing the daily orders.
	Operator AccountKind = iota
	// Owner is the owner account: held by the decision maker, who sees what the operators do.
	Owner
)

var accountKindWords = [...]string{Operator: "operator", Owner: "owner"}

// String returns the kind's word: operator or owner.
func (k AccountKind) String() string {
	if k < 0 || int(k) >= len(accountKindWords) {
		return fmt.Sprintf("AccountKind(%d)", int(k))
	}
	return accountKindWords[k]
}

// MarshalText encodes the kind as its word.
func (k AccountKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(accountKindWords) {
		return nil, b2bkit.Invalid("kind", "unknown account kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its word.
func (k *AccountKind) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(accountKindWords[:], b, "account kind")
	if err != nil {
		return err // the receiver keeps its value
	}
	*k = AccountKind(v)
	return nil
}

// An Account is a login of a customer company: its owner account or one of its operator accounts.
type Account struct {
	// ID identifies the account.
	ID AccountID `json:"id"`
	// Company is the customer company the account belongs to.
	Company b2bkit.CompanyID `json:"company"`
	// Person is the key person using it, if known.
	Person b2bkit.PersonID `json:"person,omitempty"`
	// Kind is owner or operator; a company has at most one open owner account.
	Kind AccountKind `json:"kind"`
	// Closed, when set, is when the account was closed: its person left the company (ChangeJob,
	// EndJob close her accounts there). A closed account stays, for history.
	Closed time.Time `json:"closed,omitzero"`
	// Version is the stored version for optimistic concurrency; 0 for an account not yet stored.
	Version int64 `json:"version"`
}

// Open reports whether the account was open at t: not closed, or closed after t.
func (a Account) Open(t time.Time) bool { return a.Closed.IsZero() || t.Before(a.Closed) }

// Validate reports every problem with the account.
func (a Account) Validate() error {
	var errs []error
	if a.ID == "" {
		errs = append(errs, b2bkit.Invalid("id", "must not be empty"))
	}
	if a.Company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must not be empty"))
	}
	if a.Kind != Owner && a.Kind != Operator {
		errs = append(errs, b2bkit.Invalid("kind", "unknown account kind %d", int(a.Kind)))
	}
	return errors.Join(errs...)
}

// An Activity is one thing an account did on the platform, recorded by the host: an order placed,
// a supplier switched, an auto-renewal cancelled.
type Activity struct {
	// ID identifies the activity; recording the same ID twice is a conflict.
	ID string `json:"id"`
	// Account is who did it; Company the account's company (filled in by RecordActivity).
	Account AccountID        `json:"account"`
	Company b2bkit.CompanyID `json:"company"`
	// At is when it happened.
	At time.Time `json:"at"`
	// Action is what was done, a word of the host's ("order", "cancel_renewal", "switch_supplier").
	Action string `json:"action"`
	// Subject is what it was done to (an order id, a SKU); never personal data.
	Subject string `json:"subject,omitempty"`
}

// Validate reports every problem with the activity.
func (a Activity) Validate() error {
	var errs []error
	if a.ID == "" {
		errs = append(errs, b2bkit.Invalid("id", "must not be empty"))
	}
	if a.Account == "" {
		errs = append(errs, b2bkit.Invalid("account", "must not be empty"))
	}
	if a.Company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must not be empty"))
	}
	if a.At.IsZero() {
		errs = append(errs, b2bkit.Invalid("at", "must be set"))
	}
	if a.Action == "" || len(a.Action) > 64 {
		errs = append(errs, b2bkit.Invalid("action", "must be 1 to 64 bytes"))
	}
	if len(a.Subject) > MaxNameLen {
		errs = append(errs, b2bkit.Invalid("subject", "must be at most %d bytes", MaxNameLen))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads an account strictly, as every stored record of the package: unknown or
// wrongly cased fields and a key given twice are errors, so a misspelt "closed" does not reopen it.
func (a *Account) UnmarshalJSON(b []byte) error {
	type plain Account
	var v plain // a fresh value: nothing of the old one is left, and a failed decode changes nothing
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*a = Account(v)
	return nil
}

// UnmarshalJSON reads an activity strictly: unknown or wrongly cased fields and a key given twice
// are errors.
func (a *Activity) UnmarshalJSON(b []byte) error {
	type plain Activity
	var v plain // a fresh value: nothing of the old one is left, and a failed decode changes nothing
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*a = Activity(v)
	return nil
}
