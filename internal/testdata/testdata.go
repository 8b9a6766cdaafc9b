package testdata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Path returns the path of the data set name, or skips tb, saying why and naming the variable
// that points at the data, when it is absent.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	dir := os.Getenv("B2BKIT_TESTDATA")
	if dir == "" {
		// This file is internal/testdata/testdata.go under the project root.
		_, self, _, ok := runtime.Caller(0)
		if !ok {
			tb.Skipf("public data set %s: cannot locate the project root (set B2BKIT_TESTDATA)", name)
		}
		dir = filepath.Join(filepath.Dir(self), "..", "..", "..", "shared", "data")
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("public data set %s not found (set B2BKIT_TESTDATA): %v", name, err)
	}
	return path
}
