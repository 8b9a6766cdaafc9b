package crmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// skipsUnchanged is a deliberately broken adapter: to save writes it drops from a batch every
// company and person that is the same as the stored one, so their versions are not bumped — the
// write skew a store (or a CRM) lets through when it skips the version bump.
type skipsUnchanged struct{ crm.Store }

func (s skipsUnchanged) Apply(ctx context.Context, b crm.Batch) error {
	same := func(a, b any) bool {
		x, err1 := json.Marshal(a)
		y, err2 := json.Marshal(b)
		return err1 == nil && err2 == nil && string(x) == string(y)
	}
	var cs []crm.Company
	for _, c := range b.Companies {
		if old, err := s.Store.Company(ctx, c.ID); err != nil || !same(old, withVersion(c, old.Version)) || old.Version != c.Version {
			cs = append(cs, c)
		}
	}
	var ps []crm.Person
	for _, p := range b.People {
		old, err := s.Store.Person(ctx, p.ID)
		q := p
		q.Version = old.Version
		if err != nil || !same(old, q) || old.Version != p.Version {
			ps = append(ps, p)
		}
	}
	b.Companies, b.People = cs, ps
	return s.Store.Apply(ctx, b)
}

// recorder is a tb that records failures instead of failing the test running it.
type recorder struct {
	mu     sync.Mutex
	failed bool
	msgs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) FailNow() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Helper() {}

// runCase runs one case of the suite on s and returns what it recorded.
func runCase(fn func(tb, crm.Store), s crm.Store) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r, s)
	}()
	<-done
	return r
}

func TestWriteSkewCasesCatchAStoreThatSkipsTheVersionBump(t *testing.T) {
	cases := []struct {
		name string
		fn   func(tb, crm.Store)
	}{
		{"UnchangedRecordClaimsItsVersion", unchangedClaims},
		{"WriteSkew/StartJob", skewStartJob},
		{"WriteSkew/ChangeJobs", skewChangeJobs},
		{"WriteSkew/Departures", skewDepartures},
		{"WriteSkew/EndJobAndChangeJob", skewEndAndChange},
		{"WriteSkew/BothEndJobs", skewBothEndJobs},
		{"WriteSkew/ImportAndStartJob", skewImportAndStartJob},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			good := runCase(tt.fn, crm.NewMemoryStore())
			require.False(t, good.failed, "a correct store passes: %s", strings.Join(good.msgs, "\n"))
			bad := runCase(tt.fn, skipsUnchanged{crm.NewMemoryStore()})
			assert.True(t, bad.failed, "the broken store must fail the case")
			t.Log(strings.Join(bad.msgs, "\n"))
		})
	}
}
