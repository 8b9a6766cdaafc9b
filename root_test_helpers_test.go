package b2bkit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// requireDecEqual compares decimals by value, never by representation.
func requireDecEqual(t testing.TB, want, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	if want.Equal(got) {
		return
	}
	msg := ""
	if len(msgAndArgs) > 0 {
		if f, ok := msgAndArgs[0].(string); ok {
			msg = ": " + fmt.Sprintf(f, msgAndArgs[1:]...)
		}
	}
	require.Failf(t, "decimals differ", "want %s, got %s%s", want, got, msg)
}

var zeroTime time.Time
