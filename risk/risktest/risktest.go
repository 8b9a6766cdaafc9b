// Package risktest is the conformance suite for risk.Registry, in the spirit of testing/fstest: a
// host that keeps receivables in its own database runs Run against its adapter, and the adapter is
// fit for supply-chain finance when every check passes. risk.MemoryRegistry passes it first.
//
// The suite checks the store's contract (not found, round trips, versions, copies, the company
// index) and then tries to break the one-financing rule (R19) through risk.Ledger: skipped states,
// double financing, retyped invoice numbers, and 64 goroutines racing to finance one receivable.
// The races are run in lockstep — every racer has read the record before any writes — so a store
// whose Put does not check versions atomically fails every time, not once in a while.
package risktest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
)

// A Check is one conformance check. It gets a new, empty registry and reports through t; it calls
// only the methods of testing.TB, from the goroutine it runs on, so a test may run it with a
// recorder of its own to see that a broken registry fails it.
type Check struct {
	// Name is the subtest's name.
	Name string
	// Run runs the check against reg.
	Run func(t testing.TB, reg risk.Registry)
}

// Checks returns the suite's checks in the order Run runs them.
func Checks() []Check {
	return []Check{
		{"NotFound", notFound},
		{"PutGetRoundTrip", putGet},
		{"DueDateKeepsItsCalendarDay", dueDate},
		{"TimesAcrossADSTChangeAreTheSameInstants", dstTimes},
		{"StaleVersionConflictsAndStoresNothing", staleVersion},
		{"InvalidRecordRejected", invalidRecord},
		{"ReturnsCopies", returnsCopies},
		{"CancelledContext", cancelled},
		{"StateMachine", stateMachine},
		{"RejectExpireAndOfferAgain", offerAgain},
		{"SkippingStatesRefused", skipping},
		{"DoubleFinancingRefusedNamingHolder", doubleFinancing},
		{"RetypedNumberIsSameReceivable", retyped},
		{"AmountsWrittenOtherwiseAreTheSameAmounts", amountsByValue},
		{"ReceivablesByCompany", byCompany},
		{"ConcurrentPutsOneWins", concurrentPuts},
		{"ConcurrentFinanceSameLender", concurrentFinanceSame},
		{"ConcurrentFinanceManyLenders", concurrentFinanceMany},
		{"ConcurrentOffersManyLenders", concurrentOffers},
	}
}

// Run runs every check as a subtest, each against its own registry from newRegistry, which must
// return a new, empty registry for every call.
func Run(t *testing.T, newRegistry func(t *testing.T) risk.Registry) {
	t.Helper()
	for _, c := range Checks() {
		t.Run(c.Name, func(t *testing.T) { c.Run(t, newRegistry(t)) })
	}
}

// Racers is how many goroutines the concurrent checks race.
const Racers = 64

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
)

func at(hours int) time.Time { return t0.Add(time.Duration(hours) * time.Hour) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// invoice is a valid invoice of seller on buyer, due 60 days after t0.
func invoice(number, seller, buyer, amount string) b2bkit.Invoice {
	return b2bkit.Invoice{
		Number: b2bkit.InvoiceNumber(number), Seller: b2bkit.CompanyID(seller), Buyer: b2bkit.CompanyID(buyer),
		Orders: []b2bkit.OrderID{"PO-" + b2bkit.OrderID(number)}, Amount: dec(amount), Currency: "CNY",
		IssuedAt: t0, DueAt: t0.AddDate(0, 0, 60),
	}
}

// offered is a receivable ready to Put: the invoice offered to lender.
func offered(t testing.TB, inv b2bkit.Invoice, lender string) risk.Receivable {
	t.Helper()
	fp, err := risk.FingerprintOf(inv)
	require.NoError(t, err)
	return risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateOffered, Lender: b2bkit.CompanyID(lender),
		History: []risk.Transition{{To: risk.StateOffered, At: t0, By: "clerk-1", Lender: b2bkit.CompanyID(lender)}}}
}

func ledger(reg risk.Registry) *risk.Ledger {
	return risk.NewLedger(reg, &risk.LedgerOptions{Now: func() time.Time { return at(100) }})
}

func fingerprint(t testing.TB, inv b2bkit.Invoice) risk.Fingerprint {
	t.Helper()
	fp, err := risk.FingerprintOf(inv)
	require.NoError(t, err)
	return fp
}

// confirmed offers inv to lender and has the debtor confirm it.
func confirmed(t testing.TB, l *risk.Ledger, inv b2bkit.Invoice, lender string) risk.Fingerprint {
	t.Helper()
	r, err := l.Offer(ctx, inv, b2bkit.CompanyID(lender), "seller-clerk", at(1))
	require.NoError(t, err)
	_, err = l.Confirm(ctx, r.Fingerprint, b2bkit.CompanyID(lender), "debtor-treasurer", at(2))
	require.NoError(t, err)
	return r.Fingerprint
}

func get(t testing.TB, reg risk.Registry, fp risk.Fingerprint) risk.Receivable {
	t.Helper()
	r, err := reg.Get(ctx, fp)
	require.NoError(t, err)
	return r
}

// requireSame stops the test unless got is want, decimals by value and times by instant.
func requireSame(t testing.TB, want, got risk.Receivable, msg string) {
	t.Helper()
	if !want.Equal(got) {
		require.Failf(t, "receivables differ", "%s:\nwant %+v\n got %+v", msg, want, got)
	}
}

// states lists the states of a history.
func states(r risk.Receivable) []risk.ReceivableState {
	out := make([]risk.ReceivableState, len(r.History))
	for i, tr := range r.History {
		out[i] = tr.To
	}
	return out
}

func count(r risk.Receivable, s risk.ReceivableState) int {
	n := 0
	for _, tr := range r.History {
		if tr.To == s {
			n++
		}
	}
	return n
}

func notFound(t testing.TB, reg risk.Registry) {
	fp := fingerprint(t, invoice("INV-1", "SELLER", "DEBTOR", "100"))
	_, err := reg.Get(ctx, fp)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	for r, err := range reg.Receivables(ctx, "SELLER") {
		require.NoError(t, err)
		require.Failf(t, "unexpected receivable", "an empty registry yielded %s", r.Fingerprint)
	}
	_, err = ledger(reg).Confirm(ctx, fp, "BANK-A", "x", at(1))
	require.ErrorIs(t, err, b2bkit.ErrNotFound, "confirming what was never offered")
}

func putGet(t testing.TB, reg risk.Registry) {
	r := offered(t, invoice("INV-1", "SELLER", "DEBTOR", "1200.50"), "BANK-A")
	stored, err := reg.Put(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, int64(1), stored.Version, "stored with version 1")
	got := get(t, reg, r.Fingerprint)
	requireSame(t, stored, got, "get returns what put stored")
	assert.True(t, got.Invoice.Amount.Equal(dec("1200.5")), "amount %s", got.Invoice.Amount)
	assert.True(t, got.Invoice.DueAt.Equal(r.Invoice.DueAt))
	assert.Equal(t, []b2bkit.OrderID{"PO-INV-1"}, got.Invoice.Orders)
	require.NoError(t, got.Validate())

	// an update at the stored version is stored whole, with the next version
	next := got
	next.State = risk.StateConfirmed
	next.History = append(next.History, risk.Transition{To: risk.StateConfirmed, At: at(1), By: "debtor", Lender: "BANK-A"})
	stored, err = reg.Put(ctx, next)
	require.NoError(t, err)
	assert.Equal(t, int64(2), stored.Version)
	got = get(t, reg, r.Fingerprint)
	requireSame(t, stored, got, "the update")
	assert.Equal(t, []risk.ReceivableState{risk.StateOffered, risk.StateConfirmed}, states(got))
}

// dueDate: 07:30 in Beijing is 23:30 UTC the day before. The fingerprint reads the due date in
// DueAt's location, so a store that gives it back in UTC makes the record another receivable.
func dueDate(t testing.TB, reg risk.Registry) {
	inv := invoice("INV-1", "SELLER", "DEBTOR", "100")
	inv.DueAt = time.Date(2026, 5, 1, 7, 30, 0, 0, time.FixedZone("CST", 8*3600))
	r, err := ledger(reg).Offer(ctx, inv, "BANK-A", "seller", at(1))
	require.NoError(t, err)
	got := get(t, reg, r.Fingerprint)
	assert.True(t, inv.DueAt.Equal(got.Invoice.DueAt), "the same instant")
	y, m, d := got.Invoice.DueAt.Date()
	assert.Equal(t, "2026-05-01", fmt.Sprintf("%04d-%02d-%02d", y, m, d), "the same calendar date in its location")
	require.NoError(t, got.Validate(), "the record read back still has its fingerprint")
	_, err = ledger(reg).Confirm(ctx, r.Fingerprint, "BANK-A", "debtor", at(2))
	require.NoError(t, err)
}

// dstTimes: an invoice due on the day São Paulo's clocks jumped at midnight (4 November 2018 began
// at 01:00) keeps its date; a history offered at time.Now() (with a monotonic clock reading), then
// confirmed and financed at the two instants New York calls 01:30 on the night its clocks go back,
// an hour apart, comes back as those instants, in order. A store that keeps a wall-clock time and a
// zone name gives both as one.
func dstTimes(t testing.TB, reg risk.Registry) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	inv := invoice("INV-1", "SELLER", "DEBTOR", "100")
	inv.IssuedAt = time.Date(2018, 10, 4, 0, 0, 0, 0, sp)
	inv.DueAt = time.Date(2018, 11, 4, 1, 0, 0, 0, sp)
	now := time.Now()
	// The first Sunday of November of next year, when New York's 01:00-02:00 comes twice.
	back := time.Date(now.Year()+1, time.November, 1, 12, 0, 0, 0, ny)
	for back.Weekday() != time.Sunday {
		back = back.AddDate(0, 0, 1)
	}
	first := time.Date(back.Year(), back.Month(), back.Day(), 5, 30, 0, 0, time.UTC).In(ny) // 01:30 EDT
	second := first.Add(time.Hour)                                                          // 01:30 EST
	require.Equal(t, first.Format("15:04"), second.Format("15:04"), "the same wall-clock time")

	l := ledger(reg)
	r, err := l.Offer(ctx, inv, "BANK-A", "seller", now)
	require.NoError(t, err)
	_, err = l.Confirm(ctx, r.Fingerprint, "BANK-A", "debtor", first)
	require.NoError(t, err)
	_, err = l.Finance(ctx, r.Fingerprint, "BANK-A", dec("80"), "bank", second)
	require.NoError(t, err)
	got := get(t, reg, r.Fingerprint)
	require.NoError(t, got.Validate(), "the record read back still has its fingerprint")
	y, m, d := got.Invoice.DueAt.Date()
	assert.Equal(t, "2018-11-04", fmt.Sprintf("%04d-%02d-%02d", y, m, d), "the due date in its location")
	assert.True(t, inv.DueAt.Equal(got.Invoice.DueAt), "the same due instant")
	require.Len(t, got.History, 3)
	for i, want := range []time.Time{now, first, second} {
		assert.True(t, want.Equal(got.History[i].At), "history[%d].at: %s, not %s", i, got.History[i].At, want)
	}
}

func staleVersion(t testing.TB, reg risk.Registry) {
	r := offered(t, invoice("INV-1", "SELLER", "DEBTOR", "100"), "BANK-A")
	first, err := reg.Put(ctx, r)
	require.NoError(t, err)

	again := r.Clone() // a second creation of the same fingerprint
	again.Lender, again.History[0].Lender = "BANK-B", "BANK-B"
	_, err = reg.Put(ctx, again)
	require.ErrorIs(t, err, b2bkit.ErrConflict, "creating over a stored record")
	for _, v := range []int64{2, 7} {
		stale := first
		stale.Version = v
		_, err = reg.Put(ctx, stale)
		require.ErrorIs(t, err, b2bkit.ErrConflict, "version %d", v)
	}
	requireSame(t, first, get(t, reg, r.Fingerprint), "nothing of a conflicting put is stored")

	other := offered(t, invoice("INV-2", "SELLER", "DEBTOR", "100"), "BANK-A")
	other.Version = 3
	_, err = reg.Put(ctx, other)
	require.ErrorIs(t, err, b2bkit.ErrConflict, "an update of nothing")
	_, err = reg.Get(ctx, other.Fingerprint)
	require.ErrorIs(t, err, b2bkit.ErrNotFound, "an update of nothing stores nothing")

	// the current version succeeds, once
	cur := get(t, reg, r.Fingerprint)
	cur.State = risk.StateRejected
	cur.History = append(cur.History, risk.Transition{To: risk.StateRejected, At: at(1), By: "bank", Lender: "BANK-A"})
	_, err = reg.Put(ctx, cur)
	require.NoError(t, err)
	_, err = reg.Put(ctx, cur)
	require.ErrorIs(t, err, b2bkit.ErrConflict, "the same version twice")
	assert.Equal(t, int64(2), get(t, reg, r.Fingerprint).Version)
}

func invalidRecord(t testing.TB, reg risk.Registry) {
	good := offered(t, invoice("INV-1", "SELLER", "DEBTOR", "100"), "BANK-A")
	bad := map[string]func(r *risk.Receivable){
		"fingerprint":   func(r *risk.Receivable) { r.Fingerprint[0] ^= 1 },
		"history":       func(r *risk.Receivable) { r.History = nil },
		"state":         func(r *risk.Receivable) { r.State = risk.StateFinanced },
		"invoice":       func(r *risk.Receivable) { r.Invoice.Amount = dec("-100") },
		"history[0].by": func(r *risk.Receivable) { r.History[0].By = "" },
		// A number written with an absurd exponent must be refused, not compared: scaled to
		// another's exponent it takes minutes and gigabytes.
		"financed":       func(r *risk.Receivable) { r.Financed = decimal.New(1, math.MinInt32) },
		"invoice.amount": func(r *risk.Receivable) { r.Invoice.Amount = decimal.New(1, 1<<30) },
	}
	for _, name := range slices.Sorted(maps.Keys(bad)) {
		r := good.Clone()
		bad[name](&r)
		_, err := reg.Put(ctx, r)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		assert.ErrorContains(t, err, name)
		_, err = reg.Get(ctx, r.Fingerprint)
		require.ErrorIs(t, err, b2bkit.ErrNotFound, "%s: nothing stored", name)
	}
}

func returnsCopies(t testing.TB, reg risk.Registry) {
	r := offered(t, invoice("INV-1", "SELLER", "DEBTOR", "100"), "BANK-A")
	stored, err := reg.Put(ctx, r)
	require.NoError(t, err)
	r.History[0].By = "changed by caller" // the caller's slice is not the store's
	stored.History[0].By = "changed too"
	stored.Invoice.Orders[0] = "PO-X"
	got := get(t, reg, r.Fingerprint)
	assert.Equal(t, "clerk-1", got.History[0].By)
	assert.Equal(t, b2bkit.OrderID("PO-INV-1"), got.Invoice.Orders[0])
	got.History[0].By = "changed"
	for x, err := range reg.Receivables(ctx, "SELLER") {
		require.NoError(t, err)
		assert.Equal(t, "clerk-1", x.History[0].By)
		x.History[0].By = "changed"
	}
	assert.Equal(t, "clerk-1", get(t, reg, r.Fingerprint).History[0].By)
}

func cancelled(t testing.TB, reg risk.Registry) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	r := offered(t, invoice("INV-1", "SELLER", "DEBTOR", "100"), "BANK-A")
	_, err := reg.Put(c, r)
	require.ErrorIs(t, err, context.Canceled)
	_, err = reg.Get(c, r.Fingerprint)
	require.ErrorIs(t, err, context.Canceled)
	_, err = reg.Get(ctx, r.Fingerprint)
	require.ErrorIs(t, err, b2bkit.ErrNotFound, "a cancelled put stores nothing")
	_, err = reg.Put(ctx, r)
	require.NoError(t, err)
	n := 0
	for _, err := range reg.Receivables(c, "SELLER") {
		require.ErrorIs(t, err, context.Canceled)
		n++
	}
	assert.Equal(t, 1, n, "a cancelled stream yields the error once")
}

func stateMachine(t testing.TB, reg risk.Registry) {
	l := ledger(reg)
	inv := invoice("INV-2026-001", "SELLER", "DEBTOR", "1200.00")
	steps := []struct {
		want risk.ReceivableState
		do   func(fp risk.Fingerprint) (risk.Receivable, error)
	}{
		{risk.StateOffered, func(risk.Fingerprint) (risk.Receivable, error) {
			return l.Offer(ctx, inv, "BANK-A", "seller-clerk", at(1))
		}},
		{risk.StateConfirmed, func(fp risk.Fingerprint) (risk.Receivable, error) {
			return l.Confirm(ctx, fp, "BANK-A", "debtor-treasurer", at(2))
		}},
		{risk.StateFinanced, func(fp risk.Fingerprint) (risk.Receivable, error) {
			return l.Finance(ctx, fp, "BANK-A", dec("960.00"), "bank-officer", at(3))
		}},
		{risk.StateRepaid, func(fp risk.Fingerprint) (risk.Receivable, error) { return l.Repay(ctx, fp, "bank-system", at(4)) }},
	}
	fp := fingerprint(t, inv)
	var want []risk.ReceivableState
	for i, s := range steps {
		r, err := s.do(fp)
		require.NoError(t, err, "step %d", i)
		want = append(want, s.want)
		got := get(t, reg, fp)
		requireSame(t, r, got, "the ledger returns what is stored")
		assert.Equal(t, s.want, got.State)
		assert.Equal(t, int64(i+1), got.Version, "one write per step")
		assert.Equal(t, want, states(got), "every transition is kept")
		assert.Equal(t, b2bkit.CompanyID("BANK-A"), got.Lender)
		require.NoError(t, got.Validate())
	}
	r := get(t, reg, fp)
	require.Len(t, r.History, 4)
	for i, by := range []string{"seller-clerk", "debtor-treasurer", "bank-officer", "bank-system"} {
		assert.Equal(t, by, r.History[i].By, "transition %d is attributed", i)
		assert.True(t, at(i+1).Equal(r.History[i].At), "transition %d is dated", i)
		assert.Equal(t, b2bkit.CompanyID("BANK-A"), r.History[i].Lender)
	}
	assert.True(t, r.History[2].Amount.Equal(dec("960")), "financed amount %s", r.History[2].Amount)
	assert.True(t, r.Financed.Equal(dec("960")), "financed %s", r.Financed)

	// a zero time takes the ledger's clock
	inv2 := invoice("INV-2026-002", "SELLER", "DEBTOR", "10")
	r2, err := l.Offer(ctx, inv2, "BANK-A", "seller-clerk", time.Time{})
	require.NoError(t, err)
	assert.True(t, at(100).Equal(r2.History[0].At))
}

func offerAgain(t testing.TB, reg risk.Registry) {
	l := ledger(reg)
	inv := invoice("INV-1", "SELLER", "DEBTOR", "500")
	r, err := l.Offer(ctx, inv, "BANK-A", "seller", at(1))
	require.NoError(t, err)
	fp := r.Fingerprint
	_, err = l.Reject(ctx, fp, "bank-a-officer", at(2))
	require.NoError(t, err)
	_, err = l.Confirm(ctx, fp, "BANK-A", "debtor", at(3))
	require.ErrorIs(t, err, b2bkit.ErrConflict, "a rejected offer is not confirmed")
	_, err = l.Offer(ctx, inv, "BANK-B", "seller", at(3))
	require.NoError(t, err, "offered again to another lender")
	_, err = l.Confirm(ctx, fp, "BANK-B", "debtor", at(4))
	require.NoError(t, err)
	_, err = l.Expire(ctx, fp, "expiry-job", at(5))
	require.NoError(t, err)
	_, err = l.Offer(ctx, inv, "BANK-C", "seller", at(6))
	require.NoError(t, err)
	got := get(t, reg, fp)
	assert.Equal(t, []risk.ReceivableState{risk.StateOffered, risk.StateRejected, risk.StateOffered, risk.StateConfirmed,
		risk.StateExpired, risk.StateOffered}, states(got))
	assert.Equal(t, []b2bkit.CompanyID{"BANK-A", "BANK-A", "BANK-B", "BANK-B", "BANK-B", "BANK-C"},
		[]b2bkit.CompanyID{got.History[0].Lender, got.History[1].Lender, got.History[2].Lender,
			got.History[3].Lender, got.History[4].Lender, got.History[5].Lender})
	assert.Equal(t, b2bkit.CompanyID("BANK-C"), got.Lender)
	require.NoError(t, got.Validate())
}

func skipping(t testing.TB, reg risk.Registry) {
	l := ledger(reg)
	inv := invoice("INV-1", "SELLER", "DEBTOR", "500")
	r, err := l.Offer(ctx, inv, "BANK-A", "seller", at(1))
	require.NoError(t, err)
	fp := r.Fingerprint
	_, err = l.Finance(ctx, fp, "BANK-A", dec("400"), "bank", at(2))
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "offered -> financed")
	assert.ErrorContains(t, err, "transition")
	assert.ErrorContains(t, err, "offered -> financed")
	_, err = l.Repay(ctx, fp, "bank", at(2))
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "offered -> repaid")
	assert.ErrorContains(t, err, "offered -> repaid")
	_, err = l.Confirm(ctx, fp, "BANK-A", "debtor", at(2))
	require.NoError(t, err)
	_, err = l.Repay(ctx, fp, "bank", at(3))
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "repaid before financed")
	assert.ErrorContains(t, err, "confirmed -> repaid")
	got := get(t, reg, fp)
	assert.Equal(t, int64(2), got.Version, "refused steps store nothing")
	assert.Equal(t, []risk.ReceivableState{risk.StateOffered, risk.StateConfirmed}, states(got))

	_, err = l.Finance(ctx, fp, "BANK-A", dec("500.01"), "bank", at(3))
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "more than the invoice")
	_, err = l.Finance(ctx, fp, "BANK-A", dec("400"), "bank", at(0))
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "before the last transition")
	_, err = l.Finance(ctx, fp, "BANK-A", dec("400"), "", at(3))
	require.ErrorIs(t, err, b2bkit.ErrInvalid, "nobody")
	assert.Equal(t, int64(2), get(t, reg, fp).Version)
}

func doubleFinancing(t testing.TB, reg risk.Registry) {
	l := ledger(reg)
	inv := invoice("INV-1", "SELLER", "DEBTOR", "1000")
	fp := confirmed(t, l, inv, "BANK-A")
	_, err := l.Finance(ctx, fp, "BANK-A", dec("800"), "officer-a", at(3))
	require.NoError(t, err)

	holder := "financed by lender BANK-A"
	attempts := map[string]func() error{
		"finance for another lender": func() error {
			_, err := l.Finance(ctx, fp, "BANK-B", dec("800"), "officer-b", at(4))
			return err
		},
		"finance again for the same lender": func() error {
			_, err := l.Finance(ctx, fp, "BANK-A", dec("800"), "officer-a", at(4))
			return err
		},
		"confirm for another lender": func() error {
			_, err := l.Confirm(ctx, fp, "BANK-B", "debtor", at(4))
			return err
		},
		"offer to another lender": func() error {
			_, err := l.Offer(ctx, inv, "BANK-B", "seller", at(4))
			return err
		},
		"reject after financing": func() error {
			_, err := l.Reject(ctx, fp, "debtor", at(4))
			return err
		},
	}
	for _, name := range slices.Sorted(maps.Keys(attempts)) {
		err := attempts[name]()
		require.ErrorIs(t, err, b2bkit.ErrConflict, name)
		assert.ErrorContains(t, err, holder, name)
		assert.ErrorContains(t, err, fp.String(), name)
	}
	// repaid: done for good
	_, err = l.Repay(ctx, fp, "bank", at(5))
	require.NoError(t, err)
	for _, lender := range []b2bkit.CompanyID{"BANK-A", "BANK-B"} {
		_, err = l.Offer(ctx, inv, lender, "seller", at(6))
		require.ErrorIs(t, err, b2bkit.ErrConflict, "a repaid receivable offered again to %s", lender)
		assert.ErrorContains(t, err, "repaid")
		_, err = l.Finance(ctx, fp, lender, dec("800"), "officer", at(6))
		require.ErrorIs(t, err, b2bkit.ErrConflict, "a repaid receivable financed again by %s", lender)
	}
	got := get(t, reg, fp)
	assert.Equal(t, 1, count(got, risk.StateFinanced), "financed once")
	assert.Equal(t, []risk.ReceivableState{risk.StateOffered, risk.StateConfirmed, risk.StateFinanced, risk.StateRepaid}, states(got))
}

func retyped(t testing.TB, reg risk.Registry) {
	l := ledger(reg)
	inv := invoice("INV-2026-001", "SELLER", "DEBTOR", "1200.00")
	fp := confirmed(t, l, inv, "BANK-A")
	_, err := l.Finance(ctx, fp, "BANK-A", dec("1000"), "officer", at(3))
	require.NoError(t, err)

	for _, number := range []string{"inv-２０２６－００１", "ＩＮＶ　２０２６　００１", "Inv2026001", " INV–2026–001 "} {
		variant := inv
		variant.Number = b2bkit.InvoiceNumber(number)
		variant.Amount = dec("1200.0") // the same amount, written otherwise
		variant.DueAt = inv.DueAt.Add(5 * time.Hour)
		assert.Equal(t, fp, fingerprint(t, variant), "%q", number)
		_, err := l.Offer(ctx, variant, "BANK-B", "seller", at(4))
		require.ErrorIs(t, err, b2bkit.ErrConflict, "%q offered to another lender", number)
		assert.ErrorContains(t, err, "financed by lender BANK-A")
	}
	got := get(t, reg, fp)
	assert.Equal(t, int64(3), got.Version)
	assert.Equal(t, b2bkit.InvoiceNumber("INV-2026-001"), got.Invoice.Number, "the number as first offered")
}

// amountsByValue: an amount is its value, however it is written. A record put back at its version
// with its amounts written otherwise — 1200.50 as 1200.5000 or 1200.5, 960.00 as 9.6E2, as a host's
// database or JSON may give them — is an update like any other, not a conflict or an invalid
// fingerprint, and Get returns the same values; a stale version is a conflict whatever the
// amounts look like. A store that compares amounts as written fails it.
func amountsByValue(t testing.TB, reg risk.Registry) {
	l := ledger(reg)
	fp := confirmed(t, l, invoice("INV-1", "SELLER", "DEBTOR", "1200.50"), "BANK-A")
	cur, err := l.Finance(ctx, fp, "BANK-A", dec("960.00"), "officer", at(3))
	require.NoError(t, err)
	for _, form := range []struct {
		name  string
		write func(decimal.Decimal) decimal.Decimal
	}{{"trailing zeros added", func(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, 2) }}, {"trailing zeros dropped", dectest.TrimZeros}} {
		r := cur.Clone()
		r.Invoice.Amount, r.Financed = form.write(r.Invoice.Amount), form.write(r.Financed)
		for i := range r.History {
			r.History[i].Amount = form.write(r.History[i].Amount)
		}
		stale := r.Clone()
		stale.Version--
		_, err := reg.Put(ctx, stale)
		require.ErrorIs(t, err, b2bkit.ErrConflict, "%s: a stale version", form.name)
		cur, err = reg.Put(ctx, r)
		require.NoError(t, err, "%s: the same amounts at the stored version", form.name)
		assert.Equal(t, r.Version+1, cur.Version, form.name)
		got := get(t, reg, fp)
		requireSame(t, cur, got, form.name)
		assert.True(t, got.Invoice.Amount.Equal(dec("1200.5")) && got.Financed.Equal(dec("960")), "%s: %s, %s", form.name, got.Invoice.Amount, got.Financed)
		require.NoError(t, got.Validate(), form.name)
	}
	_, err = l.Repay(ctx, fp, "bank-system", at(4))
	require.NoError(t, err, "the ledger goes on")
}

func byCompany(t testing.TB, reg risk.Registry) {
	l := ledger(reg)
	invs := []b2bkit.Invoice{
		invoice("A-1", "S1", "D1", "100"),
		invoice("A-2", "S1", "D2", "200"),
		invoice("A-3", "S2", "D1", "300"),
		invoice("A-4", "D1", "S2", "400"), // D1 as a seller
		invoice("A-5", "S2", "D2", "500"),
	}
	for _, inv := range invs {
		_, err := l.Offer(ctx, inv, "BANK-A", "seller", at(1))
		require.NoError(t, err)
	}
	numbers := func(company b2bkit.CompanyID) []string {
		var out []string
		var fps []risk.Fingerprint
		for r, err := range reg.Receivables(ctx, company) {
			require.NoError(t, err)
			out = append(out, string(r.Invoice.Number))
			fps = append(fps, r.Fingerprint)
		}
		assert.True(t, slices.IsSortedFunc(fps, func(a, b risk.Fingerprint) int { return strings.Compare(a.String(), b.String()) }),
			"%s: by fingerprint", company)
		slices.Sort(out)
		return out
	}
	assert.Equal(t, []string{"A-1", "A-3", "A-4"}, numbers("D1"), "as debtor and as seller")
	assert.Equal(t, []string{"A-1", "A-2"}, numbers("S1"))
	assert.Equal(t, []string{"A-3", "A-4", "A-5"}, numbers("S2"))
	assert.Empty(t, numbers("BANK-A"), "the lender is not a party")
	n := 0
	for range reg.Receivables(ctx, "D1") {
		n++
		break
	}
	assert.Equal(t, 1, n, "stopping early works")

	// what is financed and not repaid, by borrower (the seller): A-1 (S1's), A-3 (S2's, repaid) and
	// A-4 (D1's own, as a seller) financed
	for _, inv := range []b2bkit.Invoice{invs[0], invs[2], invs[3]} {
		fp := fingerprint(t, inv)
		_, err := l.Confirm(ctx, fp, "BANK-A", "debtor", at(2))
		require.NoError(t, err)
		_, err = l.Finance(ctx, fp, "BANK-A", inv.Amount.Sub(dec("0.50")), "officer", at(3))
		require.NoError(t, err)
	}
	_, err := l.Repay(ctx, fingerprint(t, invs[2]), "bank", at(4))
	require.NoError(t, err)
	out, err := risk.FinancedOutstanding(ctx, reg, "D1")
	require.NoError(t, err)
	assert.True(t, out.Equal(dec("399.50")), "financed outstanding of D1: %s", out)
	out, err = risk.FinancedOutstanding(ctx, reg, "S1")
	require.NoError(t, err)
	assert.True(t, out.Equal(dec("99.50")), "financed outstanding of S1: %s", out)
	out, err = risk.FinancedOutstanding(ctx, reg, "S2")
	require.NoError(t, err)
	assert.True(t, out.IsZero(), "S2's receivable was repaid: %s", out)
}

func concurrentPuts(t testing.TB, reg risk.Registry) {
	r := offered(t, invoice("INV-1", "SELLER", "DEBTOR", "100"), "BANK-A")
	first, err := reg.Put(ctx, r)
	require.NoError(t, err)
	var (
		wg   sync.WaitGroup
		read sync.WaitGroup
		errs = make([]error, Racers)
	)
	read.Add(Racers)
	for i := range Racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cur, err := reg.Get(ctx, r.Fingerprint)
			read.Done()
			if err != nil {
				errs[i] = err
				return
			}
			read.Wait() // every racer holds version 1 before anyone writes
			cur.State = risk.StateRejected
			cur.History = append(cur.History, risk.Transition{To: risk.StateRejected, At: at(1), By: fmt.Sprintf("racer-%d", i), Lender: "BANK-A"})
			_, errs[i] = reg.Put(ctx, cur)
		}()
	}
	wg.Wait()
	winner := requireOneWinner(t, errs)
	got := get(t, reg, r.Fingerprint)
	assert.Equal(t, first.Version+1, got.Version)
	require.Len(t, got.History, 2)
	assert.Equal(t, fmt.Sprintf("racer-%d", winner), got.History[1].By, "the winner's write is the one stored")
}

// requireOneWinner stops the test unless exactly one error is nil and every other matches
// b2bkit.ErrConflict; it returns the winner's index.
func requireOneWinner(t testing.TB, errs []error) int {
	t.Helper()
	winner, wins := -1, 0
	for i, err := range errs {
		switch {
		case err == nil:
			winner = i
			wins++
		case !errors.Is(err, b2bkit.ErrConflict):
			require.Failf(t, "racer failed", "racer %d: %v", i, err)
		}
	}
	require.Equal(t, 1, wins, "exactly one racer wins")
	return winner
}

// lockstep is a Registry whose first n Gets each wait until all n have been made, so n racers all
// read the same version before any of them writes. After that it passes calls through.
type lockstep struct {
	risk.Registry
	mu      sync.Mutex
	n, seen int
	all     chan struct{}
}

func newLockstep(reg risk.Registry, n int) *lockstep {
	return &lockstep{Registry: reg, n: n, all: make(chan struct{})}
}

func (l *lockstep) Get(ctx context.Context, fp risk.Fingerprint) (risk.Receivable, error) {
	r, err := l.Registry.Get(ctx, fp)
	l.mu.Lock()
	l.seen++
	k := l.seen
	if k == l.n {
		close(l.all)
	}
	l.mu.Unlock()
	if k <= l.n {
		select {
		case <-l.all:
		case <-time.After(30 * time.Second): // a racer that never reads must not hang the suite
		}
	}
	return r, err
}

// race runs do(i) for i in [0, Racers) at once, each through a ledger over a lockstep view of reg.
func race(reg risk.Registry, do func(l *risk.Ledger, i int) error) []error {
	l := ledger(newLockstep(reg, Racers))
	errs := make([]error, Racers)
	var wg sync.WaitGroup
	for i := range Racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = do(l, i)
		}()
	}
	wg.Wait()
	return errs
}

// requireFinancedOnce stops the test unless the stored record is whole: valid, financed by lender,
// with exactly the transitions want and exactly one financing.
func requireFinancedOnce(t testing.TB, reg risk.Registry, fp risk.Fingerprint, lender b2bkit.CompanyID, want []risk.ReceivableState) {
	t.Helper()
	got := get(t, reg, fp)
	require.NoError(t, got.Validate(), "the stored record is whole")
	assert.Equal(t, risk.StateFinanced, got.State)
	assert.Equal(t, lender, got.Lender)
	assert.Equal(t, 1, count(got, risk.StateFinanced), "exactly one financing is stored")
	assert.Equal(t, want, states(got))
	assert.Equal(t, int64(len(want)), got.Version, "one write per transition")
}

func concurrentFinanceSame(t testing.TB, reg risk.Registry) {
	inv := invoice("INV-1", "SELLER", "DEBTOR", "1000")
	fp := confirmed(t, ledger(reg), inv, "BANK-A")
	errs := race(reg, func(l *risk.Ledger, i int) error {
		_, err := l.Finance(ctx, fp, "BANK-A", dec("900"), fmt.Sprintf("officer-%d", i), at(3))
		return err
	})
	requireOneWinner(t, errs)
	for i, err := range errs {
		if err != nil {
			assert.ErrorContains(t, err, "financed by lender BANK-A", "racer %d learns the holder", i)
		}
	}
	requireFinancedOnce(t, reg, fp, "BANK-A", []risk.ReceivableState{risk.StateOffered, risk.StateConfirmed, risk.StateFinanced})
}

func concurrentFinanceMany(t testing.TB, reg risk.Registry) {
	inv := invoice("INV-1", "SELLER", "DEBTOR", "1000")
	fp := confirmed(t, ledger(reg), inv, "BANK-00")
	errs := race(reg, func(l *risk.Ledger, i int) error {
		_, err := l.Finance(ctx, fp, b2bkit.CompanyID(fmt.Sprintf("BANK-%02d", i)), dec("900"), "officer", at(3))
		return err
	})
	assert.Equal(t, 0, requireOneWinner(t, errs), "the lender the debtor confirmed to wins")
	for i, err := range errs[1:] {
		assert.ErrorContains(t, err, "BANK-00", "racer %d learns the holder", i+1)
	}
	requireFinancedOnce(t, reg, fp, "BANK-00", []risk.ReceivableState{risk.StateOffered, risk.StateConfirmed, risk.StateFinanced})
}

func concurrentOffers(t testing.TB, reg risk.Registry) {
	inv := invoice("INV-1", "SELLER", "DEBTOR", "1000")
	fp := fingerprint(t, inv)
	errs := race(reg, func(l *risk.Ledger, i int) error {
		lender := b2bkit.CompanyID(fmt.Sprintf("BANK-%02d", i))
		if _, err := l.Offer(ctx, inv, lender, "seller", at(1)); err != nil {
			return err
		}
		if _, err := l.Confirm(ctx, fp, lender, "debtor", at(2)); err != nil {
			return err
		}
		_, err := l.Finance(ctx, fp, lender, dec("900"), "officer", at(3))
		return err
	})
	winner := requireOneWinner(t, errs)
	lender := b2bkit.CompanyID(fmt.Sprintf("BANK-%02d", winner))
	for i, err := range errs {
		if err != nil {
			assert.ErrorContains(t, err, string(lender), "racer %d learns the holder", i)
		}
	}
	requireFinancedOnce(t, reg, fp, lender, []risk.ReceivableState{risk.StateOffered, risk.StateConfirmed, risk.StateFinanced})
}
