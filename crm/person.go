package crm

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// A Person is a key person (关键人) of the person CRM (R2): one identity across every employer she
// has, with every contact point she has used. Her jobs are Spells; her identity never changes when
// she moves (R3).
//
// Name and contact points are personal data. String, GoString, LogValue and MarshalJSON mask them,
// errors never contain them, and Erase removes them while keeping the person's spells and roles.
// ClearJSON is the one way to write them in the clear.
type Person struct {
	// ID identifies the person; it is not personal data.
	ID b2bkit.PersonID `json:"id"`
	// Name is the person's name as the host records it.
	Name string `json:"name"`
	// Contacts are her contact points, current and old, in the order recorded.
	Contacts []ContactPoint `json:"contacts"`
	// MergedInto, when set, says this record was merged into another person; it keeps no contact
	// points and no spells.
	MergedInto b2bkit.PersonID `json:"merged_into,omitempty"`
	// Absorbed lists the records merged into this one, so old ids stay traceable.
	Absorbed []b2bkit.PersonID `json:"absorbed,omitempty"`
	// ErasedAt, when set, is when the person's personal data was erased; the record stays as an
	// anonymous placeholder so the spells and roles that point at it keep account history whole.
	ErasedAt time.Time `json:"erased_at,omitzero"`
	// Consents are her consents to be contacted, per purpose, oldest first, withdrawn ones kept
	// (GiveConsent, WithdrawConsent). They are not personal data and survive erasure as proof.
	Consents []Consent `json:"consents,omitempty"`
	// DoNotContact, when set, is from when she asked not to be contacted at all (SetDoNotContact).
	DoNotContact time.Time `json:"do_not_contact,omitzero"`
	// Version is the stored version for optimistic concurrency; 0 for a person not yet stored.
	Version int64 `json:"version"`
}

// Erased reports whether the person's personal data has been erased.
func (p Person) Erased() bool { return !p.ErasedAt.IsZero() }

// CurrentContacts returns the contact points still in use.
func (p Person) CurrentContacts() []ContactPoint {
	var out []ContactPoint
	for _, c := range p.Contacts {
		if c.Current() {
			out = append(out, c)
		}
	}
	return out
}

// MaskedName returns the name with all but its first character hidden: 王**.
func (p Person) MaskedName() string {
	if p.Name == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(p.Name)
	rest := utf8.RuneCountInString(p.Name[n:])
	if rest > 8 {
		rest = 8
	}
	return string(r) + strings.Repeat("*", max(rest, 1))
}

// String prints the person with her personal data masked: "P-1 王** [mobile 138****5678]".
func (p Person) String() string {
	var b strings.Builder
	b.WriteString(string(p.ID))
	if p.Erased() {
		b.WriteString(" (erased)")
		return b.String()
	}
	if p.Name != "" {
		b.WriteString(" ")
		b.WriteString(p.MaskedName())
	}
	if len(p.Contacts) > 0 {
		b.WriteString(" [")
		for i, c := range p.Contacts {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.String())
		}
		b.WriteString("]")
	}
	return b.String()
}

// GoString prints the person masked, so %#v does not leak personal data either.
func (p Person) GoString() string { return "crm.Person{" + p.String() + "}" }

// LogValue logs the person with her personal data masked.
func (p Person) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("id", string(p.ID))}
	if p.Erased() {
		return slog.GroupValue(append(attrs, slog.Bool("erased", true))...)
	}
	attrs = append(attrs, slog.String("name", p.MaskedName()))
	cs := make([]string, len(p.Contacts))
	for i, c := range p.Contacts {
		cs[i] = c.String()
	}
	attrs = append(attrs, slog.Any("contacts", cs))
	if p.MergedInto != "" {
		attrs = append(attrs, slog.String("merged_into", string(p.MergedInto)))
	}
	return slog.GroupValue(attrs...)
}

// MaxNameLen bounds a person's or company's name.
const MaxNameLen = 200

// Validate reports every problem with the person: no id, a name too long, a contact point of
// unknown kind, not normalised, repeated, or retired before it started. Errors match b2bkit.ErrInvalid
// and name the field; they never contain the contact points themselves.
func (p Person) Validate() error {
	var errs []error
	if p.ID == "" {
		errs = append(errs, b2bkit.Invalid("id", "must not be empty"))
	}
	if len(p.Name) > MaxNameLen || !utf8.ValidString(p.Name) {
		errs = append(errs, b2bkit.Invalid("name", "must be valid UTF-8 of at most %d bytes", MaxNameLen))
	}
	if p.MergedInto == p.ID && p.ID != "" {
		errs = append(errs, b2bkit.Invalid("merged_into", "must not be the person herself"))
	}
	if err := validateConsents(p.Consents); err != nil {
		errs = append(errs, err)
	}
	var seen map[string]bool
	if len(p.Contacts) > 16 {
		seen = make(map[string]bool, len(p.Contacts))
	}
	for i, c := range p.Contacts {
		f := func() string { return fmt.Sprintf("contacts[%d]", i) } // only when there is a problem
		if !c.Kind.Valid() {
			errs = append(errs, b2bkit.Invalid(f()+".kind", "unknown contact kind %d", int(c.Kind)))
			continue
		}
		if n, err := NormalizeContact(c.Kind, c.Value); err != nil {
			errs = append(errs, b2bkit.InField(f()+".value", err))
		} else if n != c.Value {
			errs = append(errs, b2bkit.Invalid(f()+".value", "is not normalised"))
		}
		if repeated(p.Contacts, i, seen) {
			errs = append(errs, b2bkit.Invalid(f(), "repeats an earlier contact point"))
		}
		if !c.Until.IsZero() && c.Until.Before(c.Since) {
			errs = append(errs, b2bkit.Invalid(f()+".until", "must not be before since"))
		}
	}
	return errors.Join(errs...)
}

// repeated reports whether contact point i repeats an earlier one. A person has a handful: they are
// compared one by one, unless seen (for a long list) is given.
func repeated(cs []ContactPoint, i int, seen map[string]bool) bool {
	if seen == nil {
		return slices.ContainsFunc(cs[:i], func(x ContactPoint) bool { return x.Kind == cs[i].Kind && x.Value == cs[i].Value })
	}
	k := cs[i].key()
	dup := seen[k]
	seen[k] = true
	return dup
}

// clone returns a deep copy, so a store never shares slices with its callers.
func (p Person) clone() Person {
	p.Contacts = cloneSlice(p.Contacts)
	p.Absorbed = cloneSlice(p.Absorbed)
	p.Consents = cloneSlice(p.Consents)
	return p
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// personJSON is the JSON form of a Person: masked (Masked true) or clear.
type personJSON struct {
	ID           b2bkit.PersonID   `json:"id"`
	Name         string            `json:"name"`
	Contacts     []contactJSON     `json:"contacts"`
	MergedInto   b2bkit.PersonID   `json:"merged_into,omitempty"`
	Absorbed     []b2bkit.PersonID `json:"absorbed,omitempty"`
	ErasedAt     time.Time         `json:"erased_at,omitzero"`
	Consents     []Consent         `json:"consents,omitempty"`
	DoNotContact time.Time         `json:"do_not_contact,omitzero"`
	Version      int64             `json:"version"`
	Masked       bool              `json:"masked,omitempty"`
}

func (p Person) toJSON(mask bool) personJSON {
	v := personJSON{ID: p.ID, Name: p.Name, MergedInto: p.MergedInto, Absorbed: p.Absorbed, ErasedAt: p.ErasedAt,
		Consents: p.Consents, DoNotContact: p.DoNotContact, Version: p.Version, Masked: mask,
		Contacts: make([]contactJSON, len(p.Contacts))}
	if mask {
		v.Name = p.MaskedName()
	}
	for i, c := range p.Contacts {
		v.Contacts[i] = c.toJSON(mask)
		v.Contacts[i].Masked = false // said once, for the person
	}
	return v
}

// MarshalJSON writes the person with her personal data masked and "masked": true, so a person
// logged by a JSON handler — alone, in a slice, a map or a struct of the host's — never leaks. A
// masked person cannot be read back: use ClearJSON to store or send her data.
func (p Person) MarshalJSON() ([]byte, error) { return json.Marshal(p.toJSON(true)) }

// ClearJSON writes the person with her personal data in the clear, for storage or for a client
// entitled to it; UnmarshalJSON reads it back.
func (p Person) ClearJSON() ([]byte, error) { return json.Marshal(p.toJSON(false)) }

// UnmarshalJSON reads what ClearJSON writes, strictly: unknown fields are errors, and so is masked
// data (what MarshalJSON writes), which has lost the personal data.
func (p *Person) UnmarshalJSON(b []byte) error {
	var v personJSON
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	if v.Masked {
		return errMaskedJSON
	}
	q := Person{ID: v.ID, Name: v.Name, MergedInto: v.MergedInto, Absorbed: v.Absorbed, ErasedAt: v.ErasedAt,
		Consents: v.Consents, DoNotContact: v.DoNotContact, Version: v.Version}
	if v.Contacts != nil {
		q.Contacts = make([]ContactPoint, len(v.Contacts))
	}
	for i, c := range v.Contacts {
		if c.Masked {
			return errMaskedJSON
		}
		q.Contacts[i] = c.point()
	}
	*p = q
	return nil
}

var errMaskedJSON = wrap(b2bkit.Invalid("masked", "masked personal data cannot be read back; write it with Person.ClearJSON"))
