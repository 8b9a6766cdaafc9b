package risk

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/b2bkit/b2bkit"
)

var _ Registry = (*MemoryRegistry)(nil)

// MemoryRegistry is the in-memory Registry, the reference an adapter is compared with: a map from
// fingerprint to record and an index of fingerprints by company, behind one mutex; safe for
// concurrent use. It stores and returns copies, so no caller shares a slice with it. Its zero value
// is not ready; use NewMemoryRegistry.
type MemoryRegistry struct {
	mu sync.RWMutex
	// records holds each stored record once, by pointer, so that Put finds it with one lookup and
	// overwrites it in place instead of hashing the fingerprint again to assign it.
	records   map[Fingerprint]*Receivable
	byCompany map[b2bkit.CompanyID][]Fingerprint
}

// NewMemoryRegistry returns an empty MemoryRegistry.
func NewMemoryRegistry() *MemoryRegistry {
	return &MemoryRegistry{records: map[Fingerprint]*Receivable{}, byCompany: map[b2bkit.CompanyID][]Fingerprint{}}
}

// Get returns the receivable with fingerprint fp, or an error matching b2bkit.ErrNotFound.
func (m *MemoryRegistry) Get(ctx context.Context, fp Fingerprint) (Receivable, error) {
	if err := ctx.Err(); err != nil {
		return Receivable{}, err
	}
	m.mu.RLock()
	p := m.records[fp]
	if p == nil {
		m.mu.RUnlock()
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.NotFound("receivable", fp.String()))
	}
	r := *p
	r.regOwnSlices() // under the lock, as every read of a stored slice
	m.mu.RUnlock()
	return r, nil
}

// regOwnSlices gives r copies of the stored slices it shares, the history with room for one more
// transition, the one a Ledger appends next.
func (r *Receivable) regOwnSlices() {
	h := make([]Transition, len(r.History), len(r.History)+1)
	copy(h, r.History)
	r.History = h
	r.Invoice.Orders = slices.Clone(r.Invoice.Orders)
}

// Put stores r if r.Version is the stored version (0: none stored), as Registry documents, after
// checking it in full; the fingerprint of an invoice equal to the stored one is not hashed again.
func (m *MemoryRegistry) Put(ctx context.Context, r Receivable) (Receivable, error) {
	if err := ctx.Err(); err != nil {
		return Receivable{}, err
	}
	if err := r.regCheckLife(); err != nil {
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.InField("receivable", r.Validate()))
	}
	r.Version++
	m.mu.Lock()
	err := m.put(&r)
	m.mu.Unlock()
	if err != nil {
		return Receivable{}, err
	}
	return r, nil
}

// put is Put under the write lock, for r with its version bumped: it stores a copy of r in the
// record found by one lookup, or in a new one.
func (m *MemoryRegistry) put(r *Receivable) error {
	old := m.records[r.Fingerprint]
	orders := r.Invoice.Orders
	if old != nil && old.Invoice.Equal(r.Invoice) {
		// The fingerprint was checked when old was stored, and its orders can be shared.
		orders = old.Invoice.Orders
	} else {
		if err := r.regCheckFingerprint(); err != nil {
			return fmt.Errorf("risk: %w", b2bkit.InField("receivable", err))
		}
		orders = slices.Clone(orders)
	}
	var oldHistory []Transition
	switch {
	case old == nil && r.Version != 1:
		return fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but none is stored", r.Version-1)))
	case old != nil && old.Version != r.Version-1:
		return fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but %d is stored", r.Version-1, old.Version)))
	case old == nil:
		// Seller and buyer are part of the fingerprint, so an update never moves a record in the index.
		m.byCompany[r.Invoice.Seller] = append(m.byCompany[r.Invoice.Seller], r.Fingerprint)
		m.byCompany[r.Invoice.Buyer] = append(m.byCompany[r.Invoice.Buyer], r.Fingerprint)
		old = new(Receivable)
		m.records[r.Fingerprint] = old
	default:
		oldHistory = old.History
	}
	*old = *r
	old.Invoice.Orders = orders
	old.History = regStoreHistory(oldHistory, r.History)
	return nil
}

// regStoreHistory is the history to store for h, when old is the one stored (nil for none). The
// elements of a stored history are never written and nothing outside the registry holds its array
// (readers copy it under the lock), so when h is old followed by new transitions that fit in old's
// spare room, they are appended there: a Ledger's step, which extends the history by one, stores
// without allocating. Otherwise it is a copy of h with room for one more transition.
func regStoreHistory(old, h []Transition) []Transition {
	if n := len(old); n > 0 && len(h) > n && len(h) <= cap(old) && regSameTransitions(old, h[:n]) {
		return append(old, h[n:]...)
	}
	s := make([]Transition, len(h), len(h)+1)
	copy(s, h)
	return s
}

// regSameTransitions reports whether a and b, of one length, hold the same steps written alike:
// times with their location and monotonic reading, amounts with their exponent. Kept when they do,
// the stored elements are then exactly what the caller put.
func regSameTransitions(a, b []Transition) bool {
	for i := range a {
		x, y := &a[i], &b[i]
		if x.To != y.To || x.At != y.At || x.By != y.By || x.Lender != y.Lender ||
			!x.Amount.Equal(y.Amount) || x.Amount.Exponent() != y.Amount.Exponent() {
			return false
		}
	}
	return true
}

// Receivables yields the receivables of company, as seller or debtor, by fingerprint. It reads a
// snapshot taken when iteration starts, so the loop body may write to the registry.
func (m *MemoryRegistry) Receivables(ctx context.Context, company b2bkit.CompanyID) iter.Seq2[Receivable, error] {
	return func(yield func(Receivable, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Receivable{}, err)
			return
		}
		m.mu.RLock()
		fps := m.byCompany[company]
		list := make([]Receivable, len(fps))
		for i, fp := range fps {
			list[i] = *m.records[fp]
			list[i].regOwnSlices()
		}
		m.mu.RUnlock()
		slices.SortFunc(list, func(a, b Receivable) int { return bytes.Compare(a.Fingerprint[:], b.Fingerprint[:]) })
		for _, r := range list {
			if err := ctx.Err(); err != nil {
				yield(Receivable{}, err)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Len returns the number of receivables stored.
func (m *MemoryRegistry) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.records)
}
