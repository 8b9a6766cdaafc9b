package xerr_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

func TestEchoCutsHostileText(t *testing.T) {
	assert.Equal(t, "short", xerr.Echo("short"))
	assert.Equal(t, strings.Repeat("x", 32)+"...", xerr.Echo(strings.Repeat("x", 1000)))
	// An absurd exponent is written as such, never expanded.
	assert.Equal(t, "12345e1000000000", xerr.EchoDecimal(decimal.New(12345, 1_000_000_000)))
	assert.Equal(t, "123.45", xerr.EchoDecimal(decimal.New(12345, -2)))
}

func TestFieldErrorMatchesErrInvalid(t *testing.T) {
	err := xerr.Invalid("terms.share", "must be > %d", 0)
	assert.True(t, errors.Is(err, xerr.ErrInvalid))
	assert.Equal(t, "terms.share: must be > 0", err.Error())
	assert.Equal(t, "no field", xerr.Invalid("", "no field").Error())
}
