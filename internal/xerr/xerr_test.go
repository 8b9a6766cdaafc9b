package xerr_test

import (
	"errors"
	"math"
	"strconv"
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

func TestSaneExponentIsMaxScaleEitherWay(t *testing.T) {
	for e, want := range map[int32]bool{math.MinInt32: false, -19: false, -18: true, 0: true, 18: true, 19: false, math.MaxInt32: false} {
		assert.Equal(t, want, xerr.SaneExponent(decimal.New(7, e)), "exponent %d", e)
	}
	assert.Contains(t, xerr.InsaneExponent, strconv.Itoa(xerr.MaxExponent))
}
