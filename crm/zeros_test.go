package crm_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/dectest"
)

// A tier policy and the contributions it scores read the values, not their trailing zeros:
// thresholds, weights and amounts written with 20 or 30 places (numeric(38,20) columns) score and
// validate as written short.
func TestR4_TiersReadTheValueNotItsTrailingZeros(t *testing.T) {
	p := policy(t)
	at := day(2026, 6, 30)
	contribs := []crm.Contribution{
		{Company: "B", Kind: crm.Purchase, Amount: dec("30000.50"), At: day(2026, 3, 1)},
		{Company: "B", Kind: crm.OnTimePayment, Amount: dec("6"), At: day(2026, 4, 1)},
		{Company: "B", Kind: crm.Referral, At: day(2026, 5, 1)},
	}
	want, err := p.Score("B", slices.Values(contribs), at)
	require.NoError(t, err)
	for _, places := range []int32{20, 30} {
		pp := p
		pp.Levels = slices.Clone(p.Levels)
		for i := range pp.Levels {
			pp.Levels[i].MinPoints = dectest.Places(pp.Levels[i].MinPoints, places)
		}
		pp.Weights.Purchase = dectest.Places(p.Weights.Purchase, places)
		pp.Weights.Referral = dectest.Places(p.Weights.Referral, places)
		require.NoError(t, pp.Validate(), places)
		padded := slices.Clone(contribs)
		for i := range padded {
			padded[i].Amount = dectest.Places(padded[i].Amount, places)
		}
		got, err := pp.Score("B", slices.Values(padded), at)
		require.NoError(t, err, places)
		requireDecEqual(t, want.Points, got.Points)
		requireDecEqual(t, want.PurchasePoints, got.PurchasePoints)
		requireDecEqual(t, want.ContributionPoints, got.ContributionPoints)
		requireDecEqual(t, want.ToNext, got.ToNext)
		assert.Equal(t, want.Level.Name, got.Level.Name)
		assert.Equal(t, want.Next, got.Next)
	}
}
