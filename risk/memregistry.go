package risk

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync"

	"github.com/b2bkit/b2bkit"
)

var _ Registry = (*MemoryRegistry)(nil)

// regChunk is how many records one block of a MemoryRegistry holds.
const regChunk = 1024

// MemoryRegistry is the in-memory Registry: a map from fingerprint to row number, the rows, and an
// index of row numbers by company, behind one mutex; safe for concurrent use, returning copies. Its
// zero value is not ready; use NewMemoryRegistry.
//
// Rows live in blocks of regChunk records, and the map and the index hold numbers, not pointers, so
// a registry of millions of receivables costs the garbage collector little and an update allocates
// only its history. The slices of a stored record are never written: an update stores new ones.
type MemoryRegistry struct {
	mu        sync.RWMutex
	row       map[Fingerprint]int32
	blocks    [][]Receivable // row n is blocks[n/regChunk][n%regChunk]
	byCompany map[b2bkit.CompanyID][]int32
}

// NewMemoryRegistry returns an empty MemoryRegistry.
func NewMemoryRegistry() *MemoryRegistry {
	return &MemoryRegistry{row: map[Fingerprint]int32{}, byCompany: map[b2bkit.CompanyID][]int32{}}
}

// at returns row n. The caller holds mu.
func (m *MemoryRegistry) at(n int32) *Receivable { return &m.blocks[n/regChunk][n%regChunk] }

// Get returns the receivable with fingerprint fp, or an error matching b2bkit.ErrNotFound.
func (m *MemoryRegistry) Get(ctx context.Context, fp Fingerprint) (Receivable, error) {
	if err := ctx.Err(); err != nil {
		return Receivable{}, err
	}
	m.mu.RLock()
	n, ok := m.row[fp]
	var r Receivable
	if ok {
		r = *m.at(n)
	}
	m.mu.RUnlock()
	if !ok {
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.NotFound("receivable", fp.String()))
	}
	r.regOwnSlices()
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
	stored := r
	stored.History = slices.Clone(r.History)
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.row[r.Fingerprint]
	var old *Receivable
	if ok {
		old = m.at(n)
	}
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
	case old == nil && len(m.row) >= math.MaxInt32:
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			"the memory registry is full"))
	case old == nil:
		stored.Invoice.Orders = slices.Clone(r.Invoice.Orders)
		n = int32(len(m.row))
		if n%regChunk == 0 {
			m.blocks = append(m.blocks, make([]Receivable, regChunk))
		}
		m.row[r.Fingerprint] = n
		// Seller and buyer are part of the fingerprint, so an update never moves a record in the index.
		m.byCompany[r.Invoice.Seller] = append(m.byCompany[r.Invoice.Seller], n)
		m.byCompany[r.Invoice.Buyer] = append(m.byCompany[r.Invoice.Buyer], n)
	case slices.Equal(old.Invoice.Orders, r.Invoice.Orders):
		stored.Invoice.Orders = old.Invoice.Orders // stored slices are never written: share them
	default:
		stored.Invoice.Orders = slices.Clone(r.Invoice.Orders)
	}
	*m.at(n) = stored
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
		rows := m.byCompany[company]
		list := make([]Receivable, len(rows))
		for i, n := range rows {
			list[i] = *m.at(n) // shares the stored slices, which are never written; copied before yielding
		}
		m.mu.RUnlock()
		slices.SortFunc(list, func(a, b Receivable) int { return bytes.Compare(a.Fingerprint[:], b.Fingerprint[:]) })
		for i := range list {
			if err := ctx.Err(); err != nil {
				yield(Receivable{}, err)
				return
			}
			r := list[i]
			r.regOwnSlices()
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
	return len(m.row)
}
