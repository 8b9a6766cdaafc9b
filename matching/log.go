package matching

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A Log is the durable record of a platform's matching (R13): every match appended, and every
// change of a match's status as a dated event, each entry numbered in the order it was committed. It
// is the one thing a host must store; a Book builds its statistics from it by reading it from a
// sequence number onward. The host implements it over its own database (a table with the sequence
// number as primary key and a unique index on the match ID serves); MemoryLog is the in-memory
// reference. Implementations must be safe for concurrent use and must pass matchingtest.Run.
//
// # Durability contract
//
// An implementation keeps these promises, which matchingtest checks as far as a test can:
//
//  1. Committed means nil: a nil error from Append or SetStatus means its entries are committed —
//     as durable as the host's store makes anything — and every Since that starts after the call
//     returned yields them. An error means nothing of the call was stored.
//  2. Numbers: every entry has a sequence number above 0, strictly greater than that of every entry
//     committed before it. A number is never reused and never changes, and neither does the entry
//     it numbers. Gaps are allowed (a rolled-back transaction may burn a number).
//  3. In order: once Since has yielded entry n, no entry numbered below n is committed later. A
//     reader that remembers the last number it saw misses nothing by resuming from it. (A SQL
//     adapter draws the number and commits under one lock, or numbers entries at commit; a plain
//     sequence drawn by concurrent transactions that commit out of order breaks this.)
//  4. Exact resumption: Since(ctx, n) yields every committed entry numbered above n, in increasing
//     order, each once.
//  5. Idempotent: appending a match whose ID is stored with identical content is a retry — nil, and
//     no entry; other content is an error matching b2bkit.ErrConflict. A status change identical to
//     the one that set the match's status is a retry too.
//  6. No clock: the log stores what Match.Validate and StatusChange.Validate accept, dated
//     anywhere in 1900-2200, and judges no date against the time it is written, so every store
//     decides alike on a history import or a replay. Refusing a match or a change dated after the
//     clock (beyond Options.FutureSkew) is the Book's job, in Book.Record and Book.SetStatus; a
//     book's questions count a match from its At and a change from its At, so one dated ahead of
//     the book's clock, appended to the log directly, is left out until its time comes.
type Log interface {
	// Append commits the matches in one atomic batch, each new one as an entry of kind
	// MatchAppended, in the order given (a history import passes thousands at once). A match whose
	// ID is stored (or earlier in the batch) with the same content — every field but the status —
	// and a status the stored one is or has moved on from is a retry: no entry, no error. An invalid
	// match is an error matching b2bkit.ErrInvalid naming the field ("match.quantity", or
	// "matches[3].quantity" in a batch); other content under a stored ID, or a status the stored
	// match has not reached, is an error matching b2bkit.ErrConflict naming the match. On any error
	// nothing of the batch is stored. A match dated in the future is stored as given (promise 6:
	// Book.Record is what refuses one).
	Append(ctx context.Context, ms ...Match) error
	// SetStatus commits c as an entry of kind StatusChanged when it moves the match's status:
	// proposed -> accepted -> fulfilled, or cancelled from proposed or accepted. A change identical
	// to the one that set the stored status (same status, At and By) is a retry: no entry, no
	// error. Any other change to the stored status (including one to the status the match was
	// appended with, which no change set), a move the stored status forbids (back to an earlier status, as a late
	// retry would; out of a final status; skipping acceptance), or a date before the match's At or
	// its last change is an error matching b2bkit.ErrConflict naming the match, and nothing is
	// stored. An invalid change (see StatusChange.Validate) matches b2bkit.ErrInvalid; an unknown
	// match ID matches b2bkit.ErrNotFound. A change dated in the future is stored as given
	// (promise 6: Book.SetStatus is what refuses one).
	SetStatus(ctx context.Context, c StatusChange) error
	// Get returns the match with the given id as it stands: its status is that of its last change.
	// An unknown id is an error matching b2bkit.ErrNotFound.
	Get(ctx context.Context, id string) (Match, error)
	// Since yields the committed entries numbered above seq, in increasing order: Since(ctx, 0)
	// replays the whole log. An entry committed while it runs may or may not be yielded. A failure
	// yields one error and stops; a done ctx yields ctx.Err().
	Since(ctx context.Context, seq uint64) iter.Seq2[Entry, error]
}

// An EntryKind says what an entry of the log records.
type EntryKind uint8

const (
	// MatchAppended: a match was appended; Entry.Match holds it as appended.
	MatchAppended EntryKind = iota + 1
	// StatusChanged: a match's status changed; Entry.Change holds the dated change and
	// Entry.MatchSeq the number of the entry that appended the match.
	StatusChanged
)

// String returns the kind's word: match_appended or status_changed.
func (k EntryKind) String() string {
	switch k {
	case MatchAppended:
		return "match_appended"
	case StatusChanged:
		return "status_changed"
	}
	return fmt.Sprintf("EntryKind(%d)", int(k))
}

// An Entry is one committed record of the log: a match appended or a status change.
type Entry struct {
	// Seq is the entry's sequence number: above 0, increasing in commit order, never reused.
	Seq uint64
	// Kind says which of Match and Change the entry holds.
	Kind EntryKind
	// Match is the match appended, with the status it was appended with (MatchAppended).
	Match Match
	// Change is the status change (StatusChanged).
	Change StatusChange
	// MatchSeq is, for a status change, the Seq of the entry that appended the match, so a reader
	// can find the match without an index of IDs.
	MatchSeq uint64
}

// A StatusChange is a dated event in a match's life, not an edit of the match: who moved it to
// which status, and when that happened (the day the goods were delivered, say, which is how speed
// is measured against the promised date). Replaying the changes up to a date gives each match's
// status as it stood then, so a report can be reproduced as of a past date.
type StatusChange struct {
	// ID is the match's ID.
	ID string `json:"id"`
	// Status is the status the match moved to.
	Status Status `json:"status"`
	// At is when the change happened: not before the match was made, nor before its last change.
	At time.Time `json:"at"`
	// By says who recorded it: an operator, a system ("erp-sync"), a driver's app.
	By string `json:"by"`
}

// Validate reports a missing or too long ID or By, an unknown status, a missing time or one outside
// 1900-2200, each naming its field ("change.by"). The error matches b2bkit.ErrInvalid.
func (c StatusChange) Validate() error {
	var errs []error
	errs = checkName(errs, "id", c.ID)
	errs = checkName(errs, "by", c.By)
	if !c.Status.Valid() {
		errs = append(errs, b2bkit.Invalid("status", "unknown status %d", int(c.Status)))
	}
	errs = checkTime(errs, "at", c.At)
	return b2bkit.InField("change", errors.Join(errs...))
}

// UnmarshalJSON reads a change strictly, as Match is read: an unknown key, a key given twice or
// written in another case, and trailing data are errors matching b2bkit.ErrInvalid naming the key,
// rather than a change whose misspelt "status" reads as proposed, or whose status given twice is
// the last. It does not validate the change; Log.SetStatus does.
func (c *StatusChange) UnmarshalJSON(b []byte) error {
	type plain StatusChange
	var w plain
	if err := wire.DecodeStrict(b, &w); err != nil {
		return fmt.Errorf("matching: change: %w", err)
	}
	*c = StatusChange(w)
	return nil
}

// Equal reports whether both changes say the same thing, the times by value.
func (c StatusChange) Equal(o StatusChange) bool {
	return c.ID == o.ID && c.Status == o.Status && c.At.Equal(o.At) && c.By == o.By
}

// CheckChange is the rule every Log applies to a valid status change c (see Log.SetStatus): given
// the match's stored status last, set at lastAt by lastChange (nil: the status it was appended
// with, at its At), it returns nil for a move the status may make and for a retry of lastChange,
// and otherwise the conflict (b2bkit.ErrConflict) naming the match and why. A Log kept in a
// database reads those three from its rows and calls it, so that every store decides alike.
func CheckChange(c StatusChange, last Status, lastAt time.Time, lastChange *StatusChange) error {
	conflict := func(problem string) error {
		return fmt.Errorf("matching: %w", b2bkit.Conflict("match", c.ID, problem))
	}
	switch {
	case c.Status == last && lastChange != nil && lastChange.Equal(c):
		return nil
	case c.Status == last && lastChange == nil:
		return conflict(fmt.Sprintf("appended as %s; no change set it", last))
	case c.Status == last:
		return conflict(fmt.Sprintf("became %s at %s by %s, not as this change says", last, lastChange.At.Format(time.RFC3339Nano), xerr.Echo(lastChange.By)))
	case !last.CanBecome(c.Status):
		return conflict(fmt.Sprintf("status is %s and cannot become %s", last, c.Status))
	case c.At.Before(lastAt):
		return conflict(fmt.Sprintf("change.at %s is before the match's last status (%s at %s)", c.At.Format(time.RFC3339Nano), last, lastAt.Format(time.RFC3339Nano)))
	}
	return nil
}
