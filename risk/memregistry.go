package risk

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/chunked"
)

var _ Registry = (*MemoryRegistry)(nil)

// MemoryRegistry is the in-memory Registry, the reference an adapter is compared with: records kept
// as values, a map from fingerprint to a record's slot and an index of slots by company, behind one
// mutex; safe for concurrent use. It stores and returns copies, so no caller shares a slice with it.
// Its zero value is an empty registry ready to use, as NewMemoryRegistry returns; a nil
// *MemoryRegistry holds nothing, and its Get, Put and Receivables are errors matching
// b2bkit.ErrInvalid.
//
// A platform keeps millions of receivables for years, so they are stored for the garbage collector
// to mark cheaply: a record is a value in a chunk of 1024 (not an object of its own), its invoice
// number and orders are one string, names (companies, currencies, authors) are kept once each and
// referred to by number, the first four transitions of a history — offered, confirmed, financed,
// repaid — are values inside the record, and the map's key and value hold no pointers. What Get
// returns is still exactly what Put stored: the same strings, instants with their location, amounts
// with their exponent.
type MemoryRegistry struct {
	mu sync.RWMutex
	// slots has the slot in recs of each stored record, keyed by the first 8 bytes of its
	// fingerprint (regShort): a SHA-256 digest, whose prefixes a million records almost never share,
	// and a map entry of 16 bytes, not 40, so a probe of a large registry reads fewer cache lines.
	// A record whose prefix another took first is in clashes, by its whole fingerprint: a clash,
	// even one made on purpose (2³² tries), costs a second probe, never a wrong record.
	slots   map[uint64]int
	clashes map[Fingerprint]int
	recs    chunked.List[regRec]
	names   regNames
	// byCompany holds the slots of the receivables of each company (by the number of its name), as
	// seller or debtor, in the order stored.
	byCompany map[uint32][]int
}

// NewMemoryRegistry returns an empty MemoryRegistry.
func NewMemoryRegistry() *MemoryRegistry {
	m := new(MemoryRegistry)
	m.init()
	return m
}

// init makes the maps of an empty registry; the zero value gets them on its first Put.
func (m *MemoryRegistry) init() {
	m.slots, m.clashes, m.names.ids, m.byCompany = map[uint64]int{}, map[Fingerprint]int{}, map[string]uint32{}, map[uint32][]int{}
}

// errNilRegistry is what a nil *MemoryRegistry answers.
func errNilRegistry() error {
	return fmt.Errorf("risk: %w", b2bkit.Invalid("memory registry", "not made by NewMemoryRegistry (nil)"))
}

// Get returns the receivable with fingerprint fp, or an error matching b2bkit.ErrNotFound. Its
// history has room for one more transition, the one a Ledger appends next.
func (m *MemoryRegistry) Get(ctx context.Context, fp Fingerprint) (r Receivable, err error) {
	if err := ctx.Err(); err != nil {
		return Receivable{}, err
	}
	if m == nil {
		return Receivable{}, errNilRegistry()
	}
	m.mu.RLock()
	i, ok := m.slot(fp)
	if ok {
		m.receivable(&r, m.recs.At(i), 1)
	}
	m.mu.RUnlock()
	if !ok {
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.NotFound("receivable", fp.String()))
	}
	return r, nil
}

// Put stores r if r.Version is the stored version (0: none stored), as Registry documents, after
// checking it in full; the fingerprint of an invoice exactly as stored is not hashed again, and the
// transitions of a history exactly as stored are not checked again.
func (m *MemoryRegistry) Put(ctx context.Context, r Receivable) (Receivable, error) {
	if err := ctx.Err(); err != nil {
		return Receivable{}, err
	}
	if m == nil {
		return Receivable{}, errNilRegistry()
	}
	m.mu.Lock()
	if m.slots == nil {
		m.init() // the zero value, on its first write
	}
	lifeOK, err := m.put(&r)
	m.mu.Unlock()
	if !lifeOK {
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.InField("receivable", r.Validate()))
	}
	if err != nil {
		return Receivable{}, err
	}
	return r, nil
}

// put is Put under the write lock: it stores r and bumps its version. Everything that can fail is
// checked before anything is written: the history first (lifeOK false: r is left as it came), then
// the invoice, then the version.
func (m *MemoryRegistry) put(r *Receivable) (lifeOK bool, err error) {
	i, found := m.slot(r.Fingerprint)
	var rec *regRec
	keep := 0 // how many transitions r's history starts with as rec stores them
	if found {
		rec = m.recs.At(i)
		keep = m.sameSteps(rec, r.History)
	}
	sameInvoice := found && m.sameInvoice(rec, &r.Invoice)
	// rec's history was checked when it was stored, under the invoice it stores, and rec restates
	// where it left the round: when r has that invoice and a history that starts with rec's, only
	// the transitions after it are checked (a Ledger's step adds one).
	var life error
	if sameInvoice && keep == int(rec.nSteps) {
		life = r.regCheckLifeFrom(keep, ReceivableState(rec.state), b2bkit.CompanyID(m.names.list[rec.lender]), rec.financed)
	} else {
		life = r.regCheckLife()
	}
	if life != nil {
		return false, nil
	}
	var text string
	if !sameInvoice {
		// The fingerprint was checked when rec was stored: only a changed invoice is hashed.
		if err := r.regCheckFingerprint(); err != nil {
			return true, fmt.Errorf("risk: %w", b2bkit.InField("receivable", err))
		}
		if text, err = regInvoiceText(&r.Invoice); err != nil {
			return true, fmt.Errorf("risk: %w", b2bkit.InField("receivable", err))
		}
	}
	switch {
	case !found && r.Version != 0:
		return true, fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but none is stored", r.Version)))
	case found && rec.version != r.Version:
		return true, fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", r.Fingerprint.String(),
			fmt.Sprintf("version %d, but %d is stored", r.Version, rec.version)))
	}
	r.Version++
	if !found {
		i = m.recs.Add(regRec{fp: r.Fingerprint})
		if k := regShort(r.Fingerprint); !m.hasShort(k) {
			m.slots[k] = i
		} else {
			m.clashes[r.Fingerprint] = i
		}
		rec = m.recs.At(i)
	}
	if !sameInvoice {
		inv := &r.Invoice
		rec.text, rec.numLen, rec.nOrders = text, uint32(len(inv.Number)), uint32(len(inv.Orders))
		rec.seller, rec.buyer = m.names.id(string(inv.Seller)), m.names.id(string(inv.Buyer))
		rec.currency = m.names.id(inv.Currency)
		rec.amount, rec.issued, rec.due = inv.Amount, inv.IssuedAt, inv.DueAt
	}
	if !found {
		// Seller and buyer are part of the fingerprint, so an update never moves a record in the index.
		m.byCompany[rec.seller] = append(m.byCompany[rec.seller], i)
		m.byCompany[rec.buyer] = append(m.byCompany[rec.buyer], i)
	}
	rec.state, rec.lender = uint8(r.State), m.nameAgain(rec.lender, string(r.Lender))
	rec.financed, rec.version = r.Financed, r.Version
	m.storeHistory(rec, r.History, keep)
	return true, nil
}

// slot returns the slot of the record with fingerprint fp, if one is stored. It reads under the
// lock.
func (m *MemoryRegistry) slot(fp Fingerprint) (int, bool) {
	i, ok := m.slots[regShort(fp)]
	if !ok {
		return 0, false // no record has fp's prefix, so none is in clashes either
	}
	if m.recs.At(i).fp == fp {
		return i, true
	}
	i, ok = m.clashes[fp]
	return i, ok
}

// hasShort reports whether a stored record's fingerprint starts with the prefix k.
func (m *MemoryRegistry) hasShort(k uint64) bool {
	_, ok := m.slots[k]
	return ok
}

// regShort is the key of fp in MemoryRegistry.slots: its first 8 bytes.
func regShort(fp Fingerprint) uint64 { return binary.LittleEndian.Uint64(fp[:8]) }

// sameInvoice reports whether inv is the invoice rec stores, written alike: the same strings,
// amounts with the same exponent, times with the same location and monotonic reading. It decides
// only what put may keep and leave unchecked, never whether a Put succeeds: an amount equal in value
// but written otherwise is checked again and stored as written (Get returns what Put stored), and
// is accepted or refused as any other form of its value would be (risktest checks it).
func (m *MemoryRegistry) sameInvoice(rec *regRec, inv *b2bkit.Invoice) bool {
	// A Ledger's step puts back the amount Get returned: the same decimal, told without reading it.
	if rec.amount != inv.Amount && (rec.amount.Exponent() != inv.Amount.Exponent() || rec.amount.Cmp(inv.Amount) != 0) ||
		rec.issued != inv.IssuedAt || rec.due != inv.DueAt || rec.number() != string(inv.Number) ||
		m.names.list[rec.seller] != string(inv.Seller) || m.names.list[rec.buyer] != string(inv.Buyer) ||
		m.names.list[rec.currency] != inv.Currency || int(rec.nOrders) != len(inv.Orders) {
		return false
	}
	p := int(rec.numLen)
	for _, o := range inv.Orders {
		var id string
		id, p = regNextOrder(rec.text, p)
		if id != string(o) {
			return false
		}
	}
	return true
}

// sameSteps returns how many transitions h starts with as rec stores them, written alike.
func (m *MemoryRegistry) sameSteps(rec *regRec, h []Transition) int {
	keep := 0
	for keep < min(len(h), int(rec.nSteps)) && m.sameStep(rec.step(keep), &h[keep]) {
		keep++
	}
	return keep
}

// storeHistory stores h as rec's history. The first keep transitions, which rec already holds as h
// has them (sameSteps), are kept; the others are written over them.
func (m *MemoryRegistry) storeHistory(rec *regRec, h []Transition, keep int) {
	n := len(h)
	if n > regInline {
		if more := n - regInline; more > len(rec.more) {
			rec.more = slices.Grow(rec.more, more-len(rec.more))[:more]
		} else {
			clear(rec.more[more:]) // let the collector have what the dropped transitions held
			rec.more = rec.more[:more]
		}
	} else {
		rec.more = nil
		if n < int(rec.nSteps) {
			clear(rec.steps[n:]) // let the collector have what the dropped transitions held
		}
	}
	for i := keep; i < n; i++ {
		s, t := rec.step(i), &h[i]
		*s = regStep{at: t.At, amount: t.Amount, to: uint8(t.To), by: m.nameAgain(s.by, t.By),
			lender: m.nameAgain(rec.lender, string(t.Lender))}
	}
	rec.nSteps = int32(n)
}

// sameStep reports whether t is the transition s stores, written alike; like sameInvoice, it
// decides what is kept, not what is accepted. (Only a financing has an amount: the others are zero,
// which is told without comparing.)
func (m *MemoryRegistry) sameStep(s *regStep, t *Transition) bool {
	return s.to == uint8(t.To) && s.at == t.At && m.names.list[s.by] == t.By && m.names.list[s.lender] == string(t.Lender) &&
		(s.amount == t.Amount || s.amount.Exponent() == t.Amount.Exponent() &&
			(s.amount.IsZero() && t.Amount.IsZero() || s.amount.Cmp(t.Amount) == 0))
}

// nameAgain returns the number of name, trying the number of a name it is likely to be first.
func (m *MemoryRegistry) nameAgain(likely uint32, name string) uint32 {
	if int(likely) < len(m.names.list) && m.names.list[likely] == name {
		return likely
	}
	return m.names.id(name)
}

// receivable sets *r to the record rec as a Receivable owning its slices, its history with room for
// room more transitions. It reads under the lock. (It writes in place: a Receivable is large to
// return by value.)
func (m *MemoryRegistry) receivable(r *Receivable, rec *regRec, room int) {
	names := m.names.list
	// Field by field, without building a Receivable to copy.
	r.Fingerprint = rec.fp
	inv := &r.Invoice
	inv.Number, inv.Seller, inv.Buyer = b2bkit.InvoiceNumber(rec.number()), b2bkit.CompanyID(names[rec.seller]), b2bkit.CompanyID(names[rec.buyer])
	inv.Orders, r.History = regSlices(int(rec.nOrders), int(rec.nSteps), int(rec.nSteps)+room)
	inv.Amount, inv.Currency, inv.IssuedAt, inv.DueAt = rec.amount, names[rec.currency], rec.issued, rec.due
	r.State, r.Lender, r.Financed = ReceivableState(rec.state), b2bkit.CompanyID(names[rec.lender]), rec.financed
	r.Version = rec.version
	p := int(rec.numLen)
	for k := range r.Invoice.Orders {
		var id string
		id, p = regNextOrder(rec.text, p)
		r.Invoice.Orders[k] = b2bkit.OrderID(id)
	}
	for i := range r.History {
		s, t := rec.step(i), &r.History[i]
		t.To, t.At, t.By, t.Lender, t.Amount = ReceivableState(s.to), s.at, names[s.by], b2bkit.CompanyID(names[s.lender]), s.amount
	}
}

// regSlices returns a new list of nOrders orders and a new history of nSteps transitions with
// capacity capacity. The common receivable — one order, a history of up to four transitions and
// the one a Ledger adds — gets both in one allocation instead of two: two arrays side by side in
// one object, which share no element, so neither slice reaches the other's (an append past the
// capacity moves, as always).
func regSlices(nOrders, nSteps, capacity int) ([]b2bkit.OrderID, []Transition) {
	if nOrders == 1 {
		switch capacity {
		case 1:
			return regOneOrder(func(h *[1]Transition) []Transition { return h[:nSteps] })
		case 2:
			return regOneOrder(func(h *[2]Transition) []Transition { return h[:nSteps] })
		case 3:
			return regOneOrder(func(h *[3]Transition) []Transition { return h[:nSteps] })
		case 4:
			return regOneOrder(func(h *[4]Transition) []Transition { return h[:nSteps] })
		case 5:
			return regOneOrder(func(h *[5]Transition) []Transition { return h[:nSteps] })
		}
	}
	return make([]b2bkit.OrderID, nOrders), make([]Transition, nSteps, capacity)
}

// regOneOrder allocates one order and a history array H side by side in one object and returns
// the order list and history, which steps slices from H. Go cannot make an array's length a type
// parameter, so each length is a type of its own.
func regOneOrder[H any](steps func(*H) []Transition) ([]b2bkit.OrderID, []Transition) {
	m := new(struct {
		o [1]b2bkit.OrderID
		h H
	})
	return m.o[:], steps(&m.h)
}

// Receivables yields the receivables of company, as seller or debtor, by fingerprint. It reads a
// snapshot taken when iteration starts, so the loop body may write to the registry.
func (m *MemoryRegistry) Receivables(ctx context.Context, company b2bkit.CompanyID) iter.Seq2[Receivable, error] {
	return func(yield func(Receivable, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Receivable{}, err)
			return
		}
		if m == nil {
			yield(Receivable{}, errNilRegistry())
			return
		}
		m.mu.RLock()
		var list []Receivable
		if id, ok := m.names.ids[string(company)]; ok {
			slots := m.byCompany[id]
			list = make([]Receivable, len(slots))
			for k, i := range slots {
				m.receivable(&list[k], m.recs.At(i), 0)
			}
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

// Len returns the number of receivables stored: 0 in a nil *MemoryRegistry.
func (m *MemoryRegistry) Len() int {
	if m == nil {
		return 0
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.slots) + len(m.clashes)
}

// regInline is how many transitions a stored record holds in itself: the main line, offered,
// confirmed, financed, repaid. A history that went round again keeps the rest in regRec.more.
const regInline = 4

// A regRec is a Receivable as a MemoryRegistry stores it.
type regRec struct {
	fp Fingerprint
	// text is the invoice number, numLen bytes, then each of its nOrders orders, each after its
	// length in 4 bytes (big-endian): one object for the collector instead of one per string.
	text          string
	amount        decimal.Decimal
	issued, due   time.Time
	financed      decimal.Decimal
	version       int64
	numLen        uint32
	nOrders       uint32
	seller, buyer uint32 // numbers of names in regNames
	currency      uint32
	lender        uint32
	nSteps        int32 // the length of the history
	state         uint8
	steps         [regInline]regStep
	more          []regStep // the transitions after the first regInline, nil when there are none
}

// number returns the invoice number, sharing the stored text.
func (rec *regRec) number() string { return rec.text[:rec.numLen] }

// step returns the i-th transition of the stored history, which must be below nSteps.
func (rec *regRec) step(i int) *regStep {
	if i < regInline {
		return &rec.steps[i]
	}
	return &rec.more[i-regInline]
}

// A regStep is a Transition as a MemoryRegistry stores it, its names by number.
type regStep struct {
	at         time.Time
	amount     decimal.Decimal
	by, lender uint32
	to         uint8
}

// regInvoiceText returns the text of a regRec for inv: its number, then its orders, each after its
// length. A string too long for 4 bytes of length is an error matching b2bkit.ErrInvalid.
func regInvoiceText(inv *b2bkit.Invoice) (string, error) {
	n := len(inv.Number)
	for _, o := range inv.Orders {
		n += 4 + len(o)
		if uint64(len(o)) > math.MaxUint32 {
			return "", b2bkit.Invalid("invoice.orders", "an order id of %d bytes is too long to store", len(o))
		}
	}
	if uint64(len(inv.Number)) > math.MaxUint32 {
		return "", b2bkit.Invalid("invoice.number", "%d bytes are too long to store", len(inv.Number))
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(string(inv.Number))
	for _, o := range inv.Orders {
		l := uint32(len(o))
		b.Write([]byte{byte(l >> 24), byte(l >> 16), byte(l >> 8), byte(l)})
		b.WriteString(string(o))
	}
	return b.String(), nil
}

// regNextOrder returns the order id that starts at byte p of a regRec's text, and where the next
// one starts.
func regNextOrder(text string, p int) (string, int) {
	l := int(uint32(text[p])<<24 | uint32(text[p+1])<<16 | uint32(text[p+2])<<8 | uint32(text[p+3]))
	p += 4
	return text[p : p+l], p + l
}

// regNames keeps each name a record refers to once, by number: the companies, currencies, lenders
// and authors of a registry are few beside its receivables (and far fewer than the 2³² a number
// can tell apart).
type regNames struct {
	list []string
	ids  map[string]uint32
}

// id returns the number of name, giving it the next one if it has none.
func (n *regNames) id(name string) uint32 {
	if id, ok := n.ids[name]; ok {
		return id
	}
	name = strings.Clone(name) // not a part of some larger string the caller holds
	id := uint32(len(n.list))
	n.list = append(n.list, name)
	n.ids[name] = id
	return id
}
