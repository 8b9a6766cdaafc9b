package risk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// regModel is the plainest Registry there is — a map of whole records, copied in and out — for the
// MemoryRegistry's compact store to be compared with. It checks what Registry documents, in the
// order MemoryRegistry does: the record, then its version.
type regModel struct {
	recs map[risk.Fingerprint]risk.Receivable
}

func (m *regModel) Get(_ context.Context, fp risk.Fingerprint) (risk.Receivable, error) {
	r, ok := m.recs[fp]
	if !ok {
		return risk.Receivable{}, b2bkit.NotFound("receivable", fp.String())
	}
	return r.Clone(), nil
}

func (m *regModel) Put(_ context.Context, r risk.Receivable) (risk.Receivable, error) {
	if err := r.Validate(); err != nil {
		return risk.Receivable{}, err
	}
	if old, ok := m.recs[r.Fingerprint]; (ok && old.Version != r.Version) || (!ok && r.Version != 0) {
		return risk.Receivable{}, b2bkit.Conflict("receivable", r.Fingerprint.String(), "stale")
	}
	r.Version++
	m.recs[r.Fingerprint] = r.Clone()
	return r, nil
}

func (m *regModel) Receivables(_ context.Context, company b2bkit.CompanyID) iter.Seq2[risk.Receivable, error] {
	return func(yield func(risk.Receivable, error) bool) {
		for _, fp := range slices.SortedFunc(maps.Keys(m.recs), func(a, b risk.Fingerprint) int { return bytes.Compare(a[:], b[:]) }) {
			r := m.recs[fp]
			if (r.Invoice.Seller == company || r.Invoice.Buyer == company) && !yield(r.Clone(), nil) {
				return
			}
		}
	}
}

// regRequireExact stops the test unless got is want written alike: the same strings, amounts at the
// same exponent, times at the same instant in the same *time.Location.
func regRequireExact(t *testing.T, want, got risk.Receivable, msg string) {
	t.Helper()
	require.True(t, want.Equal(got), "%s: want %+v\ngot %+v", msg, want, got)
	sameTime := func(a, b time.Time, field string) {
		require.Same(t, a.Location(), b.Location(), "%s: %s keeps its location", msg, field)
	}
	sameDec := func(a, b decimal.Decimal, field string) {
		require.Equal(t, a.Exponent(), b.Exponent(), "%s: %s keeps its exponent", msg, field)
	}
	require.Equal(t, want.Invoice.Orders, got.Invoice.Orders, msg)
	require.Equal(t, want.Invoice.Number, got.Invoice.Number, msg)
	sameTime(want.Invoice.IssuedAt, got.Invoice.IssuedAt, "invoice.issued_at")
	sameTime(want.Invoice.DueAt, got.Invoice.DueAt, "invoice.due_at")
	sameDec(want.Invoice.Amount, got.Invoice.Amount, "invoice.amount")
	sameDec(want.Financed, got.Financed, "financed")
	for i := range want.History {
		w, g := want.History[i], got.History[i]
		require.Equal(t, w.By, g.By, "%s: history[%d].by", msg, i)
		sameTime(w.At, g.At, fmt.Sprintf("history[%d].at", i))
		sameDec(w.Amount, g.Amount, fmt.Sprintf("history[%d].amount", i))
	}
}

// regErrKind names the sentinel an error matches, for comparing two registries' answers.
func regErrKind(err error) string {
	for _, k := range []struct {
		name string
		err  error
	}{{"invalid", b2bkit.ErrInvalid}, {"conflict", b2bkit.ErrConflict}, {"not found", b2bkit.ErrNotFound}} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return "ok"
}

// TestR19_MemoryRegistryMatchesAPlainModel: under thousands of random steps — a Ledger's six
// operations for three lenders, offers that go round again until a history is far longer than the
// four transitions a record holds in itself, and Puts that rewrite, shorten or extend a history,
// write an instant in another location, an amount at another exponent, retype the invoice or come
// with a stale version — the MemoryRegistry answers exactly what a plain map of whole records
// answers: the same errors, the same records written alike, the same lists by company.
func TestR19_MemoryRegistryMatchesAPlainModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 19))
	reg, model := risk.NewMemoryRegistry(), &regModel{recs: map[risk.Fingerprint]risk.Receivable{}}
	now := func() time.Time { return regAt(10_000) }
	lReg, lModel := risk.NewLedger(reg, &risk.LedgerOptions{Now: now}), risk.NewLedger(model, &risk.LedgerOptions{Now: now})

	// Two locations with one name and offset are still two locations; UTC is a third.
	cst, cst2 := regT0.Location(), time.FixedZone("CST", 8*3600)
	locs := []*time.Location{cst, cst2, time.UTC}
	// Names arrive as new strings each time, as a host's database gives them.
	fresh := func(s string) string { return strings.Clone(s) }
	lenders := []string{"BANK-A", "BANK-B", "BANK-C"}
	authors := []string{"seller", "debtor", "officer", "job", "清算系统"}
	var invs []b2bkit.Invoice
	for i := range 12 {
		inv := regInvoice(fmt.Sprintf("INV-%d", i), fmt.Sprintf("%d.50", 1000+i))
		inv.Seller = b2bkit.CompanyID(fmt.Sprintf("S%d", i%3))
		inv.Buyer = b2bkit.CompanyID(fmt.Sprintf("D%d", i%4))
		inv.Orders = make([]b2bkit.OrderID, 1+i%3)
		for k := range inv.Orders {
			inv.Orders[k] = b2bkit.OrderID(fmt.Sprintf("PO-%d-%d", i, k))
		}
		invs = append(invs, inv)
	}
	fps := make([]risk.Fingerprint, len(invs))
	for i, inv := range invs {
		fps[i] = regFP(t, inv)
	}
	hour := 0
	at := func() time.Time {
		hour += rng.IntN(3)
		return regAt(hour).In(locs[rng.IntN(len(locs))])
	}
	amount := func() decimal.Decimal {
		return decimal.New(int64(1+rng.IntN(1000)), -int32(rng.IntN(4)))
	}

	maxHistory := 0
	for step := range 6000 {
		k := rng.IntN(len(invs))
		inv, fp := invs[k], fps[k]
		lender := b2bkit.CompanyID(fresh(lenders[rng.IntN(len(lenders))]))
		by := fresh(authors[rng.IntN(len(authors))])
		var op string
		var got, want risk.Receivable
		var errGot, errWant error
		switch n := rng.IntN(20); {
		case n < 4:
			op = "offer"
			retyped := inv
			retyped.Number = b2bkit.InvoiceNumber(strings.ToLower(string(inv.Number)))
			tm := at()
			got, errGot = lReg.Offer(regCtx, retyped, lender, by, tm)
			want, errWant = lModel.Offer(regCtx, retyped, lender, by, tm)
		case n < 7:
			op = "confirm"
			tm := at()
			got, errGot = lReg.Confirm(regCtx, fp, lender, by, tm)
			want, errWant = lModel.Confirm(regCtx, fp, lender, by, tm)
		case n < 9:
			op = "finance"
			a, tm := amount(), at()
			got, errGot = lReg.Finance(regCtx, fp, lender, a, by, tm)
			want, errWant = lModel.Finance(regCtx, fp, lender, a, by, tm)
		case n < 10:
			op = "repay"
			tm := at()
			got, errGot = lReg.Repay(regCtx, fp, by, tm)
			want, errWant = lModel.Repay(regCtx, fp, by, tm)
		case n < 13:
			op = "reject"
			tm := at()
			got, errGot = lReg.Reject(regCtx, fp, by, tm)
			want, errWant = lModel.Reject(regCtx, fp, by, tm)
		case n < 15:
			op = "expire"
			tm := at()
			got, errGot = lReg.Expire(regCtx, fp, by, tm)
			want, errWant = lModel.Expire(regCtx, fp, by, tm)
		default:
			cur, err := model.Get(regCtx, fp)
			if err != nil {
				continue
			}
			op = "put"
			r := regRewrite(rng, cur, locs, fresh)
			got, errGot = reg.Put(regCtx, r.Clone())
			want, errWant = model.Put(regCtx, r.Clone())
		}
		msg := fmt.Sprintf("step %d: %s of %s", step, op, inv.Number)
		require.Equal(t, regErrKind(errWant), regErrKind(errGot), "%s: %v / %v", msg, errWant, errGot)
		if errWant == nil {
			regRequireExact(t, want, got, msg+" returns")
		}
		stored, err := reg.Get(regCtx, fp)
		mine, merr := model.Get(regCtx, fp)
		require.Equal(t, regErrKind(merr), regErrKind(err), msg)
		if merr == nil {
			regRequireExact(t, mine, stored, msg+" then get")
			maxHistory = max(maxHistory, len(stored.History))
		}
		if step%50 == 0 {
			for _, company := range []b2bkit.CompanyID{"S0", "S1", "D3", "BANK-A", "nobody"} {
				var a, b []risk.Receivable
				for r, err := range reg.Receivables(regCtx, company) {
					require.NoError(t, err)
					a = append(a, r)
				}
				for r, err := range model.Receivables(regCtx, company) {
					require.NoError(t, err)
					b = append(b, r)
				}
				require.Len(t, a, len(b), "%s: receivables of %s", msg, company)
				for i := range b {
					regRequireExact(t, b[i], a[i], fmt.Sprintf("%s: receivables of %s [%d]", msg, company, i))
				}
			}
		}
	}
	require.Equal(t, len(model.recs), reg.Len())
	require.Greater(t, maxHistory, 8, "some history went far past the transitions a record holds in itself")
}

// regRewrite returns r changed as a host writing whole records might change it: an earlier
// transition rewritten, an instant moved to another location, an amount written at another
// exponent, the history cut short or extended by a round, the invoice retyped, a stale version.
// Some changes leave the record invalid; both registries must refuse those alike.
func regRewrite(rng *rand.Rand, r risk.Receivable, locs []*time.Location, fresh func(string) string) risk.Receivable {
	r = r.Clone()
	n := len(r.History)
	switch rng.IntN(9) {
	case 0: // rewrite an author
		r.History[rng.IntN(n)].By = fresh("auditor")
	case 1: // the same instant in another location
		i := rng.IntN(n)
		r.History[i].At = r.History[i].At.In(locs[rng.IntN(len(locs))])
	case 2: // the financed amount at another exponent
		for i := range r.History {
			if r.History[i].To == risk.StateFinanced {
				r.History[i].Amount = r.History[i].Amount.Round(6)
				r.Financed = r.History[i].Amount
			}
		}
	case 3: // a shorter history, the state restated from it
		r.History = r.History[:1+rng.IntN(n)]
		last := r.History[len(r.History)-1]
		r.State, r.Financed = last.To, decimal.Zero
		for _, s := range r.History {
			if s.To == risk.StateFinanced {
				r.Financed = s.Amount
			}
			if s.To == risk.StateOffered {
				r.Lender = s.Lender
			}
		}
	case 4: // a round rejected and offered again, written in one Put
		last := r.History[n-1]
		if last.To == risk.StateOffered || last.To == risk.StateConfirmed {
			at := last.At.Add(time.Hour)
			r.History = append(r.History,
				risk.Transition{To: risk.StateRejected, At: at, By: "bank", Lender: r.Lender},
				risk.Transition{To: risk.StateOffered, At: at, By: "seller", Lender: "BANK-B"})
			r.State, r.Lender = risk.StateOffered, "BANK-B"
		}
	case 5: // the invoice retyped, one way or another, as the same receivable
		switch rng.IntN(4) {
		case 0:
			r.Invoice.Amount = r.Invoice.Amount.Round(int32(2 + rng.IntN(3)))
		case 1:
			r.Invoice.IssuedAt = r.Invoice.IssuedAt.In(locs[rng.IntN(len(locs))])
		case 2:
			r.Invoice.Orders = append(r.Invoice.Orders, b2bkit.OrderID(fresh("PO-late")))
		default:
			r.Invoice.Orders[rng.IntN(len(r.Invoice.Orders))] = b2bkit.OrderID(fresh("PO-retyped"))
		}
	case 6: // another invoice under this fingerprint: refused
		r.Invoice.Amount = r.Invoice.Amount.Add(decimal.New(1, 0))
	case 7: // a stale version
		r.Version--
	case 8: // stored again as it is
	}
	return r
}
