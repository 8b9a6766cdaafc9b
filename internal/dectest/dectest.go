package dectest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Dec parses a decimal literal written in a test; a malformed literal is a bug in the test and panics.
func Dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Pad is d written with k more trailing zeros: the same value, as a numeric column of a higher
// scale returns it (12.34 from numeric(38,20) is Pad(12.34, 18)).
func Pad(d decimal.Decimal, k int) decimal.Decimal {
	c := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	return decimal.NewFromBigInt(c, d.Exponent()-int32(k))
}

// Places is d written with exactly places decimal places, places being at least d's own.
func Places(d decimal.Decimal, places int32) decimal.Decimal {
	return Pad(d, int(places+d.Exponent()))
}

// TrimZeros is d written without trailing zeros, a whole number with a positive exponent: 118.00
// as 118, 100 as 1E2, 1200.50 as 1200.5.
func TrimZeros(d decimal.Decimal) decimal.Decimal {
	c, e := d.Coefficient(), d.Exponent()
	if c.Sign() == 0 {
		return decimal.New(0, 0)
	}
	ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
	for {
		if q.QuoRem(c, ten, r); r.Sign() != 0 {
			return decimal.NewFromBigInt(c, e)
		}
		c, e = new(big.Int).Set(q), e+1
	}
}

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

// JSONByValue is the JSON of v (a document already, when v is a string or json.RawMessage) with
// every string that reads as a decimal written as its value, so 12.3 and 12.30 compare equal: a test
// asks whether two answers' values agree, not how they are written.
func JSONByValue(t testing.TB, v any) string {
	t.Helper()
	var js []byte
	switch x := v.(type) {
	case string:
		js = []byte(x)
	case json.RawMessage:
		js = x
	default:
		var err error
		js, err = json.Marshal(v)
		require.NoError(t, err)
	}
	var doc any
	require.NoError(t, json.Unmarshal(js, &doc))
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			if d, err := decimal.NewFromString(x); err == nil {
				return d.String()
			}
		}
		return v
	}
	out, err := json.Marshal(walk(doc))
	require.NoError(t, err)
	return string(out)
}

// A Named is a decimal and the name a test reports it by.
type Named struct {
	Name string
	D    decimal.Decimal
}

// Absurd are numbers written with exponents near ±2³¹ — 1e2^30, 1e-2^30, 1eMaxInt32, 1eMinInt32 —
// and then the extra ones a test adds. Each is a legal shopspring value that decimal's own Cmp,
// Add or String would rescale by a billion digits, and whose exponent wraps an int32 sum. A test
// feeds each where a caller's decimal enters and requires an answer at once: run it with -timeout,
// so that a hang shows as a failure.
func Absurd(extra ...Named) []Named {
	return append([]Named{
		{"1e2^30", decimal.New(1, 1<<30)},
		{"1e-2^30", decimal.New(1, -1<<30)},
		{"1eMaxInt32", decimal.New(1, math.MaxInt32)},
		{"1eMinInt32", decimal.New(1, math.MinInt32)},
	}, extra...)
}

// AbsurdSigned is Absurd with a negative number and zeros written with absurd exponents, then the
// extra ones a test adds. A zero among them is an ordinary value, 0, that decimal's own Cmp or Add
// would still rescale: validation must read it as 0, at once.
func AbsurdSigned(extra ...Named) []Named {
	return Absurd(append([]Named{
		{"-3e2^30", decimal.New(-3, 1<<30)},
		{"0e2^30", decimal.New(0, 1<<30)},
		{"0e-2^30", decimal.New(0, -1<<30)},
		{"0eMaxInt32", decimal.New(0, math.MaxInt32)},
	}, extra...)...)
}
