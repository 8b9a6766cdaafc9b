package dectest_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/internal/dectest"
)

// recorder is a testing.TB that records a failure instead of stopping the real test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Logf(string, ...any)   {}
func (r *recorder) Name() string          { return "recorder" }
func (r *recorder) Cleanup(func())        {}
func (r *recorder) Setenv(string, string) {}
func (r *recorder) Skipf(string, ...any)  {}
func (r *recorder) TempDir() string       { return "" }
func (r *recorder) Log(...any)            {}
func (r *recorder) Error(...any)          { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }
func (r *recorder) Fail()                 { r.failed = true }
func (r *recorder) Failed() bool          { return r.failed }

func TestAssertionsFailWhenTheyShould(t *testing.T) {
	tests := []struct {
		name string
		run  func(testing.TB)
		fail bool
	}{
		{"equal by value", func(tb testing.TB) { dectest.RequireEqual(tb, dectest.Dec("2.5"), dectest.Dec("2.50")) }, false},
		{"unequal", func(tb testing.TB) { dectest.RequireEqual(tb, dectest.Dec("2.5"), dectest.Dec("2.51"), "line %d", 3) }, true},
		{"less", func(tb testing.TB) { dectest.RequireLess(tb, dectest.Dec("1"), dectest.Dec("2")) }, false},
		{"not less", func(tb testing.TB) { dectest.RequireLess(tb, dectest.Dec("2"), dectest.Dec("2")) }, true},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		tt.run(r)
		if r.failed != tt.fail {
			t.Errorf("%s: failed = %v, want %v", tt.name, r.failed, tt.fail)
		}
	}
}
