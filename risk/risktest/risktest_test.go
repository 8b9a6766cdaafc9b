package risktest_test

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/risktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryRegistry(t *testing.T) {
	risktest.Run(t, func(*testing.T) risk.Registry { return risk.NewMemoryRegistry() })
}

// The zero MemoryRegistry is an empty registry ready to use, as the zero sync.Map is: its first
// Put panicked on a nil map.
func TestZeroMemoryRegistry(t *testing.T) {
	risktest.Run(t, func(*testing.T) risk.Registry { return new(risk.MemoryRegistry) })
}

// The suite bites: registries with one bug each fail the checks that bug breaks, and the same
// registry without the bug passes them all (so the failures come from the bug, not the fake).
func TestSuiteCatchesBrokenRegistries(t *testing.T) {
	tests := []struct {
		name string
		bug  bug
		// mustFail are the checks the bug must fail.
		mustFail []string
	}{
		{"PutIgnoresVersions", ignoreVersions, []string{
			"StaleVersionConflictsAndStoresNothing", "ConcurrentPutsOneWins",
			"ConcurrentFinanceSameLender", "ConcurrentOffersManyLenders",
		}},
		{"PutDropsHistory", dropHistory, []string{
			"StateMachine", "RejectExpireAndOfferAgain", "DoubleFinancingRefusedNamingHolder",
			"ConcurrentFinanceSameLender", "ConcurrentFinanceManyLenders", "ConcurrentOffersManyLenders",
		}},
		{"ReturnsStoredSlices", shareSlices, []string{"ReturnsCopies"}},
		{"IndexesSellerOnly", sellerOnly, []string{"ReceivablesByCompany"}},
		{"PutSkipsValidate", noValidate, []string{"InvalidRecordRejected"}},
		{"StoresTimesInUTC", utcTimes, []string{"DueDateKeepsItsCalendarDay"}},
		{"StoresWallClockAndZoneName", wallClock, []string{"TimesAcrossADSTChangeAreTheSameInstants"}},
		{"ComparesAmountsAsWritten", amountsAsWritten, []string{"AmountsWrittenOtherwiseAreTheSameAmounts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range risktest.Checks() {
				if !slices.Contains(tt.mustFail, c.Name) {
					continue
				}
				failed, logs := runCheck(t, c, newFake(tt.bug))
				assert.True(t, failed, "check %s passed a registry whose %s", c.Name, tt.name)
				if failed {
					t.Logf("%s fails as it must: %s", c.Name, first(logs))
				}
			}
		})
	}
	t.Run("NoBug", func(t *testing.T) {
		for _, c := range risktest.Checks() {
			failed, logs := runCheck(t, c, newFake(0))
			assert.False(t, failed, "check %s failed a correct registry: %v", c.Name, logs)
		}
	})
}

func first(logs []string) string {
	if len(logs) == 0 {
		return ""
	}
	return logs[0]
}

// runCheck runs c against reg with a recorder in place of t, on a goroutine of its own so that a
// FailNow ends the check, not the test, and reports whether the check failed and what it said.
func runCheck(t *testing.T, c risktest.Check, reg risk.Registry) (bool, []string) {
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(rec, reg)
	}()
	<-done
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.failed, rec.logs
}

// A recorder is a testing.TB that records failures instead of failing the test it wraps.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	logs   []string
}

func (r *recorder) Helper() {}

func (r *recorder) Log(args ...any) { r.log(fmt.Sprint(args...)) }

func (r *recorder) Logf(format string, args ...any) { r.log(fmt.Sprintf(format, args...)) }

func (r *recorder) log(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, s)
}

func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) Error(args ...any)                 { r.Log(args...); r.Fail() }
func (r *recorder) Errorf(format string, args ...any) { r.Logf(format, args...); r.Fail() }
func (r *recorder) FailNow()                          { r.Fail(); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }
func (r *recorder) SkipNow()                          { r.Fail(); runtime.Goexit() } // a check never skips
func (r *recorder) Skip(args ...any)                  { r.Error(args...); runtime.Goexit() }
func (r *recorder) Skipf(format string, args ...any)  { r.Errorf(format, args...); runtime.Goexit() }

// A bug is what a fake registry gets wrong.
type bug int

const (
	ignoreVersions   bug = 1 << iota // Put stores whatever version it is given: the last writer wins
	dropHistory                      // Put keeps only the last transition
	shareSlices                      // Get returns the stored slices
	sellerOnly                       // Receivables finds a company as seller only
	noValidate                       // Put stores invalid records
	utcTimes                         // Get gives times back in UTC, as a timestamp column without zone would
	amountsAsWritten                 // Put refuses to change the invoice, comparing its amount by exponent
	wallClock                        // Get reads times back from their wall clock and zone name, as a timestamp column beside a zone column would
)

// fake is a plain map registry with one bug switched on, written apart from MemoryRegistry so that
// the bugs are not simulated around it.
type fake struct {
	bug     bug
	mu      sync.Mutex
	records map[risk.Fingerprint]risk.Receivable
}

func newFake(b bug) *fake { return &fake{bug: b, records: map[risk.Fingerprint]risk.Receivable{}} }

func (f *fake) Get(ctx context.Context, fp risk.Fingerprint) (risk.Receivable, error) {
	if err := ctx.Err(); err != nil {
		return risk.Receivable{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.records[fp]
	if !ok {
		return risk.Receivable{}, b2bkit.NotFound("receivable", fp.String())
	}
	if f.bug&shareSlices != 0 {
		return r, nil
	}
	r = r.Clone()
	if f.bug&utcTimes != 0 {
		r.Invoice.DueAt, r.Invoice.IssuedAt = r.Invoice.DueAt.UTC(), r.Invoice.IssuedAt.UTC()
	}
	if f.bug&wallClock != 0 {
		for i := range r.History {
			at := r.History[i].At
			r.History[i].At = time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), at.Minute(), at.Second(), at.Nanosecond(), at.Location())
		}
	}
	return r, nil
}

func (f *fake) Put(ctx context.Context, r risk.Receivable) (risk.Receivable, error) {
	if err := ctx.Err(); err != nil {
		return risk.Receivable{}, err
	}
	if f.bug&noValidate == 0 {
		if err := r.Validate(); err != nil {
			return risk.Receivable{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	old, ok := f.records[r.Fingerprint]
	if f.bug&ignoreVersions == 0 && (!ok && r.Version != 0 || ok && old.Version != r.Version) {
		return risk.Receivable{}, b2bkit.Conflict("receivable", r.Fingerprint.String(), "stale version")
	}
	if f.bug&amountsAsWritten != 0 && ok && old.Invoice.Amount.Exponent() != r.Invoice.Amount.Exponent() {
		return risk.Receivable{}, b2bkit.Conflict("receivable", r.Fingerprint.String(), "the invoice never changes")
	}
	r = r.Clone()
	r.Version++
	if f.bug&dropHistory != 0 && len(r.History) > 1 {
		r.History = r.History[len(r.History)-1:]
	}
	f.records[r.Fingerprint] = r
	if f.bug&shareSlices != 0 {
		return r, nil
	}
	return r.Clone(), nil
}

func (f *fake) Receivables(ctx context.Context, company b2bkit.CompanyID) iter.Seq2[risk.Receivable, error] {
	return func(yield func(risk.Receivable, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(risk.Receivable{}, err)
			return
		}
		f.mu.Lock()
		var list []risk.Receivable
		for _, r := range f.records {
			if r.Invoice.Seller == company || r.Invoice.Buyer == company && f.bug&sellerOnly == 0 {
				list = append(list, r.Clone())
			}
		}
		f.mu.Unlock()
		slices.SortFunc(list, func(a, b risk.Receivable) int { return bytes.Compare(a.Fingerprint[:], b.Fingerprint[:]) })
		for _, r := range list {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func TestRunChecksHaveUniqueNames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range risktest.Checks() {
		require.False(t, seen[c.Name], c.Name)
		seen[c.Name] = true
		require.NotNil(t, c.Run, c.Name)
	}
	require.GreaterOrEqual(t, len(seen), 12)
}
