package b2bkit

import (
	"strings"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

// The sentinels every error of b2bkit wraps, so a caller can tell bad input from a missing record
// from a lost race with errors.Is, whatever package the error came from.
var (
	// ErrInvalid means the input was wrong: a field out of range, a malformed number, a broken rule.
	// Retrying the same call cannot succeed.
	ErrInvalid = xerr.ErrInvalid
	// ErrNotFound means a record the call names does not exist.
	ErrNotFound = xerr.ErrNotFound
	// ErrConflict means the call collides with what is stored: a stale version, a duplicate key with
	// other content, a receivable already financed.
	ErrConflict = xerr.ErrConflict
)

// A FieldError says which field of an input was wrong and why. Field is a path in the JSON names of
// the input ("terms.payment.installments[1].share"); Problem is what is wrong with it ("must be > 0").
// Its Error renders "field: problem", and it matches ErrInvalid with errors.Is.
//
// FieldError is the one way b2bkit reports bad input: build one with Invalid, and put the path of
// the enclosing value in front with InField when a nested Validate reports it.
type FieldError = xerr.FieldError

// Invalid returns a *FieldError for field with the problem given by format and args.
func Invalid(field, format string, args ...any) error { return xerr.Invalid(field, format, args...) }

// InField puts prefix in front of the field path of every FieldError in err, including those joined
// with errors.Join, so a nested Validate can report "payment.installments[0].share" to its caller as
// "terms.payment.installments[0].share". Other errors are wrapped as "prefix: err". A nil err stays nil.
func InField(prefix string, err error) error { return xerr.InField(prefix, err) }

// A RecordError names the record a call could not find or could not write: "company C-1: not found",
// "match M-7: stored with other content: conflict". It matches the sentinel it carries (ErrNotFound,
// ErrConflict or ErrInvalid) with errors.Is.
type RecordError struct {
	// Kind is the kind of record in the domain's words: "company", "person", "match", "invoice".
	Kind string
	// ID identifies the record. It is never personal data: a person is named by PersonID, not phone.
	ID string
	// Problem says more when the sentinel alone does not; it may be empty.
	Problem string
	// Err is the sentinel: ErrNotFound, ErrConflict or ErrInvalid.
	Err error
}

// Error renders the error as "kind id: problem: sentinel".
func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind)
	if e.ID != "" {
		b.WriteString(" ")
		b.WriteString(e.ID)
	}
	if e.Problem != "" {
		b.WriteString(": ")
		b.WriteString(e.Problem)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *RecordError) Unwrap() error { return e.Err }

// NotFound returns a *RecordError saying the record of that kind and id does not exist.
func NotFound(kind, id string) error {
	return &RecordError{Kind: kind, ID: id, Err: ErrNotFound}
}

// Conflict returns a *RecordError saying writing the record of that kind and id collided with what
// is stored, and why.
func Conflict(kind, id, problem string) error {
	return &RecordError{Kind: kind, ID: id, Problem: problem, Err: ErrConflict}
}
