package dectest

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Dec parses a decimal literal written in a test; a malformed literal is a bug in the test and panics.
func Dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// RequireEqual stops the test unless got equals want by value (2.50 equals 2.5).
func RequireEqual(t testing.TB, want, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	if !want.Equal(got) {
		require.Failf(t, "decimals differ", "want %s, got %s%s", want, got, message(msgAndArgs))
	}
}

// RequireLess stops the test unless a < b.
func RequireLess(t testing.TB, a, b decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	if !a.LessThan(b) {
		require.Failf(t, "decimal not less", "want %s < %s%s", a, b, message(msgAndArgs))
	}
}

// message renders testify-style msgAndArgs: a format string and its arguments.
func message(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	if f, ok := msgAndArgs[0].(string); ok {
		return ": " + fmt.Sprintf(f, msgAndArgs[1:]...)
	}
	return ": " + fmt.Sprint(msgAndArgs...)
}
