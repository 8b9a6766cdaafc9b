package crm

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// An AuditAction is what was done to a person's personal data (PIPL 个人信息保护法: who processed it,
// how and when).
type AuditAction int

const (
	// AuditRead means her personal data was returned to a caller: her record, her career, a search
	// listing her.
	AuditRead AuditAction = iota
	// AuditCreate means her record was created: added or imported.
	AuditCreate
	// AuditChange means her record or career changed: a contact point, a consent, a job, a merge.
	AuditChange
	// AuditErase means her personal data was erased.
	AuditErase
)

var auditWords = [...]string{AuditRead: "read", AuditCreate: "create", AuditChange: "change", AuditErase: "erase"}

// Valid reports whether a is a known action.
func (a AuditAction) Valid() bool { return a >= 0 && int(a) < len(auditWords) }

// String returns the action's word: read, create, change or erase.
func (a AuditAction) String() string {
	if !a.Valid() {
		return fmt.Sprintf("AuditAction(%d)", int(a))
	}
	return auditWords[a]
}

// MarshalText encodes the action as its word.
func (a AuditAction) MarshalText() ([]byte, error) {
	if !a.Valid() {
		return nil, b2bkit.Invalid("action", "unknown audit action %d", int(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText decodes an action from its word.
func (a *AuditAction) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(auditWords[:], b, "audit action")
	if err != nil {
		return err // the receiver keeps its value
	}
	*a = AuditAction(v)
	return nil
}

// An AuditEntry records that an actor read or changed one person's personal data. It holds none of
// the data itself, so it survives her erasure: the trail of who processed her data stays.
type AuditEntry struct {
	// Person is whose data it was, by the id the call used.
	Person b2bkit.PersonID `json:"person"`
	// At is when, by the CRM's clock.
	At time.Time `json:"at"`
	// Actor is who: the rep, service or job the context named (WithActor); empty when it named none.
	Actor string `json:"actor"`
	// Action is what was done; What names the CRM call ("FindByContact", "ChangeContact").
	Action AuditAction `json:"action"`
	What   string      `json:"what"`
}

// MaxActorLen bounds an actor's name in the audit trail.
const MaxActorLen = 200

// Validate reports every problem with the entry.
func (e AuditEntry) Validate() error {
	var errs []error
	if e.Person == "" {
		errs = append(errs, b2bkit.Invalid("person", "must not be empty"))
	}
	if e.At.IsZero() {
		errs = append(errs, b2bkit.Invalid("at", "must be set"))
	}
	if len(e.Actor) > MaxActorLen || !utf8.ValidString(e.Actor) {
		errs = append(errs, b2bkit.Invalid("actor", "must be valid UTF-8 of at most %d bytes", MaxActorLen))
	}
	if !e.Action.Valid() {
		errs = append(errs, b2bkit.Invalid("action", "unknown audit action %d", int(e.Action)))
	}
	if e.What == "" || len(e.What) > 64 {
		errs = append(errs, b2bkit.Invalid("what", "must be 1 to 64 bytes"))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads an entry strictly: unknown fields are errors.
func (e *AuditEntry) UnmarshalJSON(b []byte) error {
	type plain AuditEntry
	var v plain // a fresh value: nothing of the old one is left, and a failed decode changes nothing
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*e = AuditEntry(v)
	return nil
}

type actorKey struct{}

// WithActor returns a context naming who makes the CRM calls made with it — a rep's id, "import-job"
// — for the audit trail of personal data. Names longer than MaxActorLen are cut.
func WithActor(ctx context.Context, actor string) context.Context {
	if len(actor) > MaxActorLen {
		actor = actor[:MaxActorLen]
		for !utf8.ValidString(actor) {
			actor = actor[:len(actor)-1]
		}
	}
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor WithActor put in ctx, or "".
func ActorFrom(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

// entries returns one audit entry per person, at the clock's now, by the context's actor.
func (c *CRM) entries(ctx context.Context, action AuditAction, what string, people ...b2bkit.PersonID) []AuditEntry {
	out := make([]AuditEntry, len(people))
	at, actor := c.now(), ActorFrom(ctx)
	for i, p := range people {
		out[i] = AuditEntry{Person: p, At: at, Actor: actor, Action: action, What: what}
	}
	return out
}

// entry returns the audit entry of one person, at the clock's now, by the context's actor.
func (c *CRM) entry(ctx context.Context, action AuditAction, what string, person b2bkit.PersonID) AuditEntry {
	return AuditEntry{Person: person, At: c.now(), Actor: ActorFrom(ctx), Action: action, What: what}
}

// recordReads records that the people's personal data was returned by the call what. A read whose
// audit cannot be written fails: personal data is not handed out unrecorded.
func (c *CRM) recordReads(ctx context.Context, what string, people ...b2bkit.PersonID) error {
	if len(people) == 0 {
		return nil
	}
	return wrap(c.store.Apply(ctx, Batch{Audit: c.entries(ctx, AuditRead, what, people...)}))
}

// Audit yields the audit trail of a person in the order recorded: who read or changed her personal
// data, when, and by which call. A person merged into her brings her trail along (each entry keeps
// the id it was recorded under); erasure keeps the trail. An unknown person matches
// b2bkit.ErrNotFound. Reading the trail is not itself recorded: it holds no personal data.
func (c *CRM) Audit(ctx context.Context, person b2bkit.PersonID) iter.Seq2[AuditEntry, error] {
	if !c.made() {
		return refused[AuditEntry](errNotMade())
	}
	return func(yield func(AuditEntry, error) bool) {
		p, err := c.resolve(ctx, person)
		if err != nil {
			yield(AuditEntry{}, err)
			return
		}
		ids := append([]b2bkit.PersonID{p.ID}, p.Absorbed...)
		if len(ids) == 1 {
			for e, err := range c.store.Audit(ctx, p.ID) {
				if !yield(e, wrap(err)) || err != nil {
					return
				}
			}
			return
		}
		// Several trails, each in recorded order: merged by time, stable.
		var all []AuditEntry
		for _, id := range ids {
			for e, err := range c.store.Audit(ctx, id) {
				if err != nil {
					yield(AuditEntry{}, wrap(err))
					return
				}
				all = append(all, e)
			}
		}
		slices.SortStableFunc(all, func(a, b AuditEntry) int { return a.At.Compare(b.At) })
		for _, e := range all {
			if !yield(e, nil) {
				return
			}
		}
	}
}
