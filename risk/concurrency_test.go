package risk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/stretchr/testify/require"
)

// TestR19_ConcurrentLedgerFinancesOnce: one Ledger over one MemoryRegistry, as a service keeps them,
// and goroutines offering, confirming, financing, repaying, rejecting and expiring a few receivables
// for three lenders at once, each step signed with its own author, while others list the
// receivables. After: every step that returned nil is in its receivable's history exactly once and
// nothing else is; the version counts them; no receivable was financed twice; every history is a
// valid life. Run with -race.
func TestR19_ConcurrentLedgerFinancesOnce(t *testing.T) {
	reg := risk.NewMemoryRegistry()
	l := risk.NewLedger(reg, nil)
	lenders := []b2bkit.CompanyID{"BANK-A", "BANK-B", "BANK-C"}
	var invs []b2bkit.Invoice
	var fps []risk.Fingerprint
	for i := range 6 {
		inv := regInvoice(fmt.Sprintf("INV-%d", i), "1000.00")
		invs, fps = append(invs, inv), append(fps, regFP(t, inv))
	}
	const goroutines, ops = 6, 150
	var clock atomic.Int64 // steps are dated in the order they are drawn: a later one may still lose
	var mu sync.Mutex
	done := map[risk.Fingerprint]map[string]risk.ReceivableState{} // the steps that returned nil, by author
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 15))
			for i := range ops {
				k := rng.IntN(len(fps))
				fp, lender, by := fps[k], lenders[rng.IntN(len(lenders))], fmt.Sprintf("g%d-%d", g, i)
				at := regAt(int(clock.Add(1)))
				var r risk.Receivable
				var err error
				switch op := rng.IntN(8); op {
				case 0, 1:
					r, err = l.Offer(regCtx, invs[k], lender, by, at)
				case 2, 3:
					r, err = l.Confirm(regCtx, fp, lender, by, at)
				case 4:
					r, err = l.Finance(regCtx, fp, lender, dectest.Dec("800"), by, at)
				case 5:
					r, err = l.Repay(regCtx, fp, by, at)
				case 6:
					r, err = l.Reject(regCtx, fp, by, at)
				default:
					for rc, err := range reg.Receivables(regCtx, "DEBTOR") {
						if err == nil {
							err = rc.Validate()
						}
						if err != nil {
							errs[g] = fmt.Errorf("listing: %w", err)
							return
						}
					}
					continue
				}
				if err != nil {
					if !errors.Is(err, b2bkit.ErrConflict) && !errors.Is(err, b2bkit.ErrInvalid) && !errors.Is(err, b2bkit.ErrNotFound) {
						errs[g] = fmt.Errorf("%s: %w", by, err)
						return
					}
					continue
				}
				last := r.History[len(r.History)-1]
				if last.By != by {
					errs[g] = fmt.Errorf("%s returned a receivable whose last step is %s's", by, last.By)
					return
				}
				mu.Lock()
				if done[fp] == nil {
					done[fp] = map[string]risk.ReceivableState{}
				}
				done[fp][by] = last.To
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	steps := 0
	for k, fp := range fps {
		r, err := reg.Get(regCtx, fp)
		if len(done[fp]) == 0 {
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "receivable %d: no step succeeded", k)
			continue
		}
		require.NoError(t, err)
		require.NoError(t, r.Validate())
		require.Len(t, r.History, len(done[fp]), "receivable %d: every step that succeeded, once", k)
		require.EqualValues(t, len(r.History), r.Version, "receivable %d", k)
		financed := 0
		for _, tr := range r.History {
			to, ok := done[fp][tr.By]
			require.True(t, ok, "receivable %d: %s's step succeeded", k, tr.By)
			require.Equal(t, to, tr.To)
			if tr.To == risk.StateFinanced {
				financed++
			}
		}
		require.LessOrEqual(t, financed, 1, "receivable %d financed twice", k)
		steps += len(r.History)
	}
	require.Positive(t, steps)
}

// TestR19_ConcurrentSameStepExactlyOneSucceeds: many callers taking the same step at once — offering
// one new invoice to different lenders, then financing it for the lender it was confirmed to —
// get exactly one nil between them; the others learn of the conflict.
func TestR19_ConcurrentSameStepExactlyOneSucceeds(t *testing.T) {
	for round := range 20 {
		reg := risk.NewMemoryRegistry()
		l := risk.NewLedger(reg, nil)
		inv := regInvoice(fmt.Sprintf("INV-%d", round), "1000.00")
		fp := regFP(t, inv)
		const callers = 8
		race := func(step func(k int) error) (won int) {
			errs := make([]error, callers)
			var wg sync.WaitGroup
			for k := range callers {
				wg.Go(func() { errs[k] = step(k) })
			}
			wg.Wait()
			for _, err := range errs {
				if err == nil {
					won++
					continue
				}
				require.ErrorIs(t, err, b2bkit.ErrConflict)
			}
			return won
		}
		require.Equal(t, 1, race(func(k int) error {
			_, err := l.Offer(regCtx, inv, b2bkit.CompanyID(fmt.Sprintf("BANK-%d", k)), "seller", regAt(1))
			return err
		}), "round %d: offers", round)
		r, err := reg.Get(regCtx, fp)
		require.NoError(t, err)
		_, err = l.Confirm(regCtx, fp, r.Lender, "debtor", regAt(2))
		require.NoError(t, err)
		require.Equal(t, 1, race(func(k int) error {
			_, err := l.Finance(regCtx, fp, r.Lender, dectest.Dec(fmt.Sprintf("%d", 500+k)), fmt.Sprintf("officer-%d", k), regAt(3))
			return err
		}), "round %d: financings", round)
		r, err = reg.Get(regCtx, fp)
		require.NoError(t, err)
		require.Equal(t, risk.StateFinanced, r.State)
		require.Len(t, r.History, 3)
	}
}

// TestR17_ConcurrentCompiledScorecard: one compiled card scoring from many goroutines at once, the
// results read (points and reasons, built when asked) on those goroutines, gives each buyer the
// result it gets alone.
func TestR17_ConcurrentCompiledScorecard(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 15))
	card := scRandomCard(rng)
	cc, err := card.Compile()
	require.NoError(t, err)
	var buyers []risk.FeatureSet
	var want []string
	for range 40 {
		fs := scFeatures(nil)
		for _, a := range card.Attributes {
			fs.Values.Set(a.Feature, scRandomValue(rng, a))
		}
		buyers, want = append(buyers, fs), append(want, scoredText(cc, fs))
	}
	scored := 0
	for _, w := range want {
		if !strings.HasPrefix(w, "error: ") {
			scored++
		}
	}
	require.Positive(t, scored, "some buyers are scored, not only refused")
	const goroutines = 6
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range 5 * len(buyers) {
				k := (g*11 + i) % len(buyers)
				// The same buyers on every goroutine: reads share their values.
				if got := scoredText(cc, buyers[k]); got != want[k] {
					errs[g] = fmt.Errorf("buyer %d scored %s, alone %s", k, got, want[k])
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
}

// scoredText is what cc says of fs, as text: its result with points and reasons, or its error.
func scoredText(cc *risk.CompiledScorecard, fs risk.FeatureSet) string {
	r, err := cc.Score(fs)
	if err != nil {
		return "error: " + err.Error()
	}
	j, err := json.Marshal(r)
	if err != nil {
		return "json error: " + err.Error()
	}
	return fmt.Sprint(string(j), r.Points(), r.Reasons())
}
