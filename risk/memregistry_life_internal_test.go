package risk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

// lifeDraw draws histories for TestR19_PutChecksTheNewTransitionsAsTheWholeHistory.
type lifeDraw struct {
	rng     *rand.Rand
	t0      time.Time
	lenders []b2bkit.CompanyID
}

// validNext returns a transition the state machine allows after last (nil: none yet) in the round
// with lender, or nil when last is final.
func (d *lifeDraw) validNext(last *Transition, lender b2bkit.CompanyID, amount decimal.Decimal) *Transition {
	var from ReceivableState
	at := d.t0
	if last != nil {
		from, at = last.To, last.At.Add(time.Duration(d.rng.IntN(3))*time.Hour)
	}
	var next []ReceivableState
	for to := StateOffered; to <= StateExpired; to++ {
		if kind, _ := regMove(from, to); kind == regOK {
			next = append(next, to)
		}
	}
	if len(next) == 0 {
		return nil
	}
	t := &Transition{To: next[d.rng.IntN(len(next))], At: at, By: "clerk", Lender: lender}
	switch t.To {
	case StateOffered:
		t.Lender = d.lenders[d.rng.IntN(len(d.lenders))]
	case StateFinanced:
		t.Amount = decimal.New(int64(1+d.rng.IntN(int(amount.IntPart()))), 0)
	}
	return t
}

// spoil changes one thing about t, which may or may not make the history invalid.
func (d *lifeDraw) spoil(t *Transition, before *Transition, amount decimal.Decimal) {
	switch d.rng.IntN(10) {
	case 0:
		t.To = ReceivableState(d.rng.IntN(8)) // unknown, skipping, closed or allowed
	case 1:
		t.At = time.Time{}
	case 2:
		if before != nil {
			t.At = before.At.Add(-time.Duration(d.rng.IntN(2)) * time.Minute) // earlier, or the same instant
		}
	case 3:
		t.By = ""
	case 4:
		t.Lender = d.lenders[d.rng.IntN(len(d.lenders))] // another lender, mid-round or not
	case 5:
		t.Lender = ""
	case 6:
		t.Amount = amount.Add(decimal.New(int64(d.rng.IntN(2)), 0)) // the whole invoice, or above it
	case 7:
		t.Amount = decimal.New(-int64(d.rng.IntN(2)), 0) // negative or zero
	case 8:
		t.Amount = decimal.New(int64(1+d.rng.IntN(10)), -int32(d.rng.IntN(3))) // on any step
	default:
		t.Amount = t.Amount.Round(int32(d.rng.IntN(4))) // the same amount, at another exponent
	}
}

// restate sets r's State, Lender and Financed from its history as a valid record has them, then,
// if spoil, now and then changes one of them or the version.
func (d *lifeDraw) restate(r *Receivable, spoil bool) {
	r.State, r.Lender, r.Financed = 0, "", decimal.Zero
	for _, t := range r.History {
		r.State = t.To
		if t.To == StateOffered {
			r.Lender = t.Lender
		}
		if t.To == StateFinanced {
			r.Financed = t.Amount
		}
	}
	if !spoil {
		return
	}
	switch d.rng.IntN(12) {
	case 0:
		r.State = ReceivableState(d.rng.IntN(8))
	case 1:
		r.Lender = d.lenders[d.rng.IntN(len(d.lenders))]
	case 2:
		r.Financed = decimal.New(int64(d.rng.IntN(3)), 0)
	case 3:
		r.Financed = r.Financed.Round(int32(1 + d.rng.IntN(3))) // equal, at another exponent
	case 4:
		r.Version = -1 - r.Version
	}
}

// Put checks only the transitions after the history a record stores, when the record comes with
// that history and invoice (R19): over 20,000 drawn records — histories stored long and short,
// then extended by allowed, spoiled and arbitrary steps, with earlier steps rewritten, the
// invoice retyped or changed now and then, and State, Lender, Financed and Version restated rightly or not —
// Put refuses exactly what the whole check (Validate) refuses, with the same error, and the short
// check answers as the whole one on every record it takes.
func TestR19_PutChecksTheNewTransitionsAsTheWholeHistory(t *testing.T) {
	ctx := context.Background()
	d := &lifeDraw{rng: rand.New(rand.NewPCG(19, 4)), t0: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		lenders: []b2bkit.CompanyID{"BANK-A", "BANK-B"}}
	amount := decimal.New(100, 0)
	inv := b2bkit.Invoice{Number: "INV-1", Seller: "S", Buyer: "D", Orders: []b2bkit.OrderID{"PO-1"}, Amount: amount,
		Currency: "CNY", IssuedAt: d.t0, DueAt: d.t0.AddDate(0, 1, 0)}
	fp, err := FingerprintOf(inv)
	require.NoError(t, err)

	m := NewMemoryRegistry()
	var version int64 // of the record m stores
	var short, shortRefused, whole int
	for trial := range 20_000 {
		// A valid history of 1 to 7 transitions, stored over the one before.
		base := Receivable{Fingerprint: fp, Invoice: inv}
		var lender b2bkit.CompanyID
		for range 1 + d.rng.IntN(7) {
			var last *Transition
			if n := len(base.History); n > 0 {
				last = &base.History[n-1]
			}
			next := d.validNext(last, lender, amount)
			if next == nil {
				break
			}
			if next.To == StateOffered {
				lender = next.Lender
			}
			base.History = append(base.History, *next)
		}
		d.restate(&base, false)
		base.Version = version
		stored, err := m.Put(ctx, base)
		require.NoError(t, err, "trial %d: the stored history is valid", trial)
		version = stored.Version

		// The stored record again, changed.
		r := stored.Clone()
		lender = r.Lender
		for range d.rng.IntN(4) {
			n := len(r.History)
			next := d.validNext(&r.History[n-1], lender, amount)
			if next == nil {
				next = &Transition{To: StateOffered, At: r.History[n-1].At, By: "clerk", Lender: "BANK-A"}
			}
			if next.To == StateOffered {
				lender = next.Lender
			}
			if d.rng.IntN(3) == 0 {
				d.spoil(next, &r.History[n-1], amount)
			}
			r.History = append(r.History, *next)
		}
		otherInvoice := false
		switch d.rng.IntN(11) {
		case 0: // an earlier transition rewritten: the whole history is checked
			i := d.rng.IntN(len(r.History))
			var before *Transition
			if i > 0 {
				before = &r.History[i-1]
			}
			d.spoil(&r.History[i], before, amount)
		case 1: // the invoice retyped, its amount at another exponent: the whole history is checked
			r.Invoice.Amount = r.Invoice.Amount.Round(2)
		case 2: // another invoice, for less than what was financed: the whole history is checked
			r.Invoice.Amount, otherInvoice = decimal.New(1, 0), true
		case 3: // the history cut short
			r.History = r.History[:d.rng.IntN(len(r.History)+1)]
		}
		if d.rng.IntN(4) > 0 {
			d.restate(&r, true)
		}

		wantErr := r.regCheckLife()
		var want error
		if wantErr != nil {
			want = fmt.Errorf("risk: %w", b2bkit.InField("receivable", r.Validate()))
		}
		m.mu.RLock()
		rec := m.recs.At(0)
		isShort := m.sameInvoice(rec, &r.Invoice) && m.sameSteps(rec, r.History) == int(rec.nSteps)
		var shortErr error
		if isShort {
			shortErr = r.regCheckLifeFrom(int(rec.nSteps), ReceivableState(rec.state), b2bkit.CompanyID(m.names.list[rec.lender]), rec.financed)
		}
		m.mu.RUnlock()
		if isShort {
			short++
			require.Equal(t, wantErr == nil, shortErr == nil, "trial %d: the short check of %+v answers as the whole one: %v", trial, r, wantErr)
			if wantErr != nil {
				shortRefused++
			}
		} else {
			whole++
		}

		put, got := m.Put(ctx, r)
		if want == nil && otherInvoice {
			require.ErrorIs(t, got, b2bkit.ErrInvalid, "trial %d: the fingerprint is not the invoice's", trial)
			require.ErrorContains(t, got, "receivable.fingerprint: ", "trial %d", trial)
			continue
		}
		if want == nil {
			require.NoError(t, got, "trial %d: %+v passes the whole check", trial, r)
			version = put.Version
			continue
		}
		require.Error(t, got, "trial %d: %+v fails the whole check", trial, r)
		require.Equal(t, want.Error(), got.Error(), "trial %d", trial)
		require.ErrorIs(t, got, b2bkit.ErrInvalid)
		after, err := m.Get(ctx, fp)
		require.NoError(t, err)
		require.True(t, stored.Equal(after), "trial %d: a refused record stores nothing", trial)
	}
	t.Logf("short check: %d records, %d refused; whole check: %d", short, shortRefused, whole)
	// Both checks ran, and the short one refused records as well as took them.
	require.Greater(t, short, 5000)
	require.Greater(t, shortRefused, 1000)
	require.Less(t, shortRefused, short-1000)
	require.Greater(t, whole, 2000)
}
