package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/dectest"
)

// The store reads the value, not its trailing zeros: matches whose quantity, price, subsidy and
// shares carry 20 or 30 places (read by the host from numeric(38,20) columns) are appended to the
// SQLite log directly, stored as the values they are and read back equal.
func TestMatchesStoreTheValueNotItsTrailingZeros(t *testing.T) {
	ms := history(20)
	for i := range ms {
		places := int32(20 + 10*(i%2))
		m := &ms[i]
		m.Quantity, m.UnitPrice, m.Subsidy = dectest.Places(m.Quantity, places), dectest.Places(m.UnitPrice, places), dectest.Places(m.Subsidy, places)
		ins := slices.Clone(m.Terms.Payment.Installments)
		for k := range ins {
			ins[k].Share = dectest.Places(ins[k].Share, places)
		}
		m.Terms.Payment.Installments = ins
	}
	l := openSQLite(t).Matches()
	require.NoError(t, l.Append(context.Background(), ms...))
	got := appended(t, l)
	require.Len(t, got, len(ms))
	for i := range ms {
		require.True(t, ms[i].Equal(got[i]), "%s", ms[i].ID)
	}
}
