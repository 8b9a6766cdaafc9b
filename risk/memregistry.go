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
	return p.Clone(), nil
}

// Put stores r if r.Version is the stored version (0: none stored), as Registry documents.
func (m *MemoryRegistry) Put(ctx context.Context, r Receivable) (Receivable, error) {
	if err := ctx.Err(); err != nil {
		return Receivable{}, err
	}
	if err := r.Validate(); err != nil {
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.InField("receivable", err))
	}
	r = r.Clone()
	r.Version++
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.records[r.Fingerprint]
	switch {
	case old == nil && r.Version != 1:
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but none is stored", r.Version-1)))
	case old != nil && old.Version != r.Version-1:
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but %d is stored", r.Version-1, old.Version)))
	case old == nil:
		m.byCompany[r.Invoice.Seller] = append(m.byCompany[r.Invoice.Seller], r.Fingerprint)
		m.byCompany[r.Invoice.Buyer] = append(m.byCompany[r.Invoice.Buyer], r.Fingerprint)
	}
	// Seller and buyer are part of the fingerprint, so an update never moves a record in the index.
	m.records[r.Fingerprint] = &r
	return r.Clone(), nil
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
			if !yield(p.Clone(), nil) {
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
