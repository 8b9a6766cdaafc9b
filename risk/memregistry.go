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

// MemoryRegistry is the in-memory Registry: a map by fingerprint and an index by company behind one
// mutex, safe for concurrent use, returning copies. Its zero value is not ready; use
// NewMemoryRegistry.
type MemoryRegistry struct {
	mu        sync.RWMutex
	records   map[Fingerprint]*Receivable // a stored record is never changed in place: Put stores a new one
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
	m.mu.RUnlock()
	if p == nil {
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.NotFound("receivable", fp.String()))
	}
	return p.regCopy(), nil
}

// regCopy is Clone with room for one more transition, the one a Ledger appends next.
func (r *Receivable) regCopy() Receivable {
	c := *r
	c.History = make([]Transition, len(r.History), len(r.History)+1)
	copy(c.History, r.History)
	c.Invoice.Orders = append([]b2bkit.OrderID(nil), r.Invoice.Orders...)
	return c
}

// Put stores r if r.Version is the stored version (0: none stored), as Registry documents. It
// validates r in full, except that the fingerprint of an invoice equal to the stored one is not
// computed again.
func (m *MemoryRegistry) Put(ctx context.Context, r Receivable) (Receivable, error) {
	if err := ctx.Err(); err != nil {
		return Receivable{}, err
	}
	if err := r.regCheckLife(); err != nil {
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.InField("receivable", r.Validate()))
	}
	r.Version++
	stored := &Receivable{}
	*stored = r
	stored.History = append([]Transition(nil), r.History...)
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.records[r.Fingerprint]
	if old == nil || !old.Invoice.Equal(r.Invoice) { // else the stored record's fingerprint was checked
		if err := r.regCheckFingerprint(); err != nil {
			return Receivable{}, fmt.Errorf("risk: %w", b2bkit.InField("receivable", err))
		}
	}
	switch {
	case old == nil && r.Version != 1:
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but none is stored", r.Version-1)))
	case old != nil && old.Version != r.Version-1:
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but %d is stored", r.Version-1, old.Version)))
	case old == nil:
		// Seller and buyer are part of the fingerprint, so an update never moves a record in the index.
		m.byCompany[r.Invoice.Seller] = append(m.byCompany[r.Invoice.Seller], r.Fingerprint)
		m.byCompany[r.Invoice.Buyer] = append(m.byCompany[r.Invoice.Buyer], r.Fingerprint)
	}
	if old != nil && slices.Equal(old.Invoice.Orders, r.Invoice.Orders) {
		stored.Invoice.Orders = old.Invoice.Orders // stored slices are never written: share them
	} else {
		stored.Invoice.Orders = slices.Clone(r.Invoice.Orders)
	}
	m.records[r.Fingerprint] = stored
	// r shares its slices with the caller's argument, not with the store
	return r, nil
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
		list := make([]*Receivable, len(fps))
		for i, fp := range fps {
			list[i] = m.records[fp]
		}
		m.mu.RUnlock()
		slices.SortFunc(list, func(a, b *Receivable) int { return bytes.Compare(a.Fingerprint[:], b.Fingerprint[:]) })
		for _, p := range list {
			if err := ctx.Err(); err != nil {
				yield(Receivable{}, err)
				return
			}
			if !yield(p.regCopy(), nil) {
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
