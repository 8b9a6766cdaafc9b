package b2bkit_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// requireDecEqual compares decimals by value, never by representation.
func requireDecEqual(t testing.TB, want, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	require.Truef(t, want.Equal(got), "want %s, got %s %v", want, got, msgAndArgs)
}
