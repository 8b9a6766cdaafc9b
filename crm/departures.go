package crm

import (
	"context"
	"iter"
	"time"

	"github.com/b2bkit/b2bkit"
)

// Departures yields the departures with from <= At < to, oldest first: every job change and end of
// job (EndJob) that took a key person away from a company (From set), with the roles it lost and the
// required roles it now lacks — the early warning of R21, read without filtering JobChanges by hand.
// A to before from matches b2bkit.ErrInvalid.
func (c *CRM) Departures(ctx context.Context, from, to time.Time) iter.Seq2[JobChange, error] {
	return c.changesIn(ctx, from, to, func(j *JobChange) bool { return j.From != "" })
}

// Leads yields the warm leads with from <= At < to, oldest first: every job change that took a
// person the platform knows to a company (To set) — R3's warm lead at the new company. ToStage and
// LeadCreated say how new the company is to the platform; Prior says who she was at the old one.
// A to before from matches b2bkit.ErrInvalid.
func (c *CRM) Leads(ctx context.Context, from, to time.Time) iter.Seq2[JobChange, error] {
	return c.changesIn(ctx, from, to, func(j *JobChange) bool { return j.To != "" })
}

// changesIn yields the job changes in [from, to) that keep selects. The store yields them by time
// from from on, so the period costs what it holds, not the whole log.
func (c *CRM) changesIn(ctx context.Context, from, to time.Time, keep func(*JobChange) bool) iter.Seq2[JobChange, error] {
	if !c.made() {
		return refused[JobChange](errNotMade())
	}
	return func(yield func(JobChange, error) bool) {
		if to.Before(from) {
			yield(JobChange{}, wrap(b2bkit.Invalid("to", "must not be before from")))
			return
		}
		for j, err := range c.store.JobChanges(ctx, from) {
			if err != nil {
				yield(JobChange{}, wrap(err))
				return
			}
			if !j.At.Before(to) {
				return
			}
			if keep(&j) && !yield(j, nil) {
				return
			}
		}
	}
}
