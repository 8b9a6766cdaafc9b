package matching

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/b2bkit/b2bkit"
)

// A Log keeps the matches of a platform: append-only, idempotent on Match.ID, with only the status
// moving forward. The host implements it over its own database; MemoryLog is the in-memory default.
// Implementations must be safe for concurrent use and must pass matchingtest.Run.
type Log interface {
	// Append stores m. An invalid match is an error matching b2bkit.ErrInvalid naming the field, and
	// nothing is stored. Appending a match whose ID is stored with the same content (every field but
	// the status, which only SetStatus changes) and a status the stored one is or has moved on from
	// (a retry) does nothing and returns nil; with other content, or with a status the stored match
	// has not reached (proposed stored, fulfilled appended), it is an error matching
	// b2bkit.ErrConflict naming the match, and nothing changes.
	Append(ctx context.Context, m Match) error
	// SetStatus moves the match with the given id to status: proposed -> accepted -> fulfilled, or
	// cancelled from proposed or accepted; setting the status it already has does nothing. A change
	// the stored status forbids (back to an earlier status, as a late retry would; out of a final
	// status; skipping acceptance) is an error matching b2bkit.ErrConflict naming the match and its
	// stored status, and changes nothing. An unknown status is an error matching b2bkit.ErrInvalid;
	// an unknown id matches b2bkit.ErrNotFound.
	SetStatus(ctx context.Context, id string, status Status) error
	// Get returns the match with the given id, or an error matching b2bkit.ErrNotFound.
	Get(ctx context.Context, id string) (Match, error)
	// Scan yields the matches that pass the filter in time order (Match.At; equal times in append
	// order). An invalid filter yields one error matching b2bkit.ErrInvalid; a done ctx yields
	// ctx.Err() and stops. A match appended while a scan runs may or may not be yielded.
	Scan(ctx context.Context, f Filter) iter.Seq2[Match, error]
}

// A Filter selects matches for Scan. Zero fields select everything.
type Filter struct {
	// SKU, Buyer and Seller, when set, keep only matches of that SKU, buyer or seller.
	SKU    b2bkit.SKU
	Buyer  b2bkit.CompanyID
	Seller b2bkit.CompanyID
	// From and To, when set, keep only matches made at or after From and before To.
	From, To time.Time
	// Statuses, when not empty, keep only matches in one of these statuses.
	Statuses []Status
}

// Validate reports a period that runs backwards or an unknown status.
func (f Filter) Validate() error {
	var errs []error
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs = append(errs, b2bkit.Invalid("filter.to", "must not be before filter.from"))
	}
	for i, s := range f.Statuses {
		if !s.Valid() {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("filter.statuses[%d]", i), "unknown status %d", int(s)))
		}
	}
	return errors.Join(errs...)
}

// Keep reports whether m passes the filter. Log implementations may use it for what their
// indexes do not select.
func (f Filter) Keep(m Match) bool {
	return (f.SKU == "" || m.SKU == f.SKU) && (f.Buyer == "" || m.Buyer == f.Buyer) &&
		(f.Seller == "" || m.Seller == f.Seller) && (f.From.IsZero() || !m.At.Before(f.From)) &&
		(f.To.IsZero() || m.At.Before(f.To)) && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, m.Status))
}
