package b2bkit_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

func TestFieldErrorNamesTheField(t *testing.T) {
	err := b2bkit.Invalid("share", "must be > 0")
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.EqualError(t, err, "share: must be > 0")
	assert.EqualError(t, b2bkit.Invalid("days", "must be between %d and %d", 0, 10), "days: must be between 0 and 10")
}

func TestInFieldPrefixesNestedPaths(t *testing.T) {
	inner := errors.Join(b2bkit.Invalid("installments[1].share", "must be > 0"), b2bkit.Invalid("", "empty"))
	err := b2bkit.InField("terms", b2bkit.InField("payment", inner))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.EqualError(t, err, "terms.payment.installments[1].share: must be > 0\nterms.payment: empty")
	assert.EqualError(t, b2bkit.InField("lines", b2bkit.Invalid("[3]", "bad")), "lines[3]: bad")
	assert.Nil(t, b2bkit.InField("x", nil))
	other := b2bkit.InField("prices", b2bkit.NotFound("sku", "rice"))
	require.ErrorIs(t, other, b2bkit.ErrNotFound)
	assert.EqualError(t, other, "prices: sku rice: not found")
}

func TestRecordErrors(t *testing.T) {
	nf := b2bkit.NotFound("company", "C-1")
	require.ErrorIs(t, nf, b2bkit.ErrNotFound)
	assert.EqualError(t, nf, "company C-1: not found")
	c := b2bkit.Conflict("match", "M-7", "stored with other content")
	require.ErrorIs(t, c, b2bkit.ErrConflict)
	require.NotErrorIs(t, c, b2bkit.ErrNotFound)
	assert.EqualError(t, c, "match M-7: stored with other content: conflict")
	wrapped := fmt.Errorf("crm: %w", nf)
	var re *b2bkit.RecordError
	require.ErrorAs(t, wrapped, &re)
	assert.Equal(t, "C-1", re.ID)
}
