package pricing_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
)

// TestR26_AScheduleOfOneInstallmentIsWhatTheBuyerPays checks that when all of it is due at once the
// one installment is exactly what the buyer pays — the total, or the gross with VAT — to the
// exponent, for a line and for an order.
func TestR26_AScheduleOfOneInstallmentIsWhatTheBuyerPays(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 61))
	for i := range 200 {
		e, _, _, skus := randomEngine(t, rng, 10, i)
		terms := request("X", "1").Terms
		terms.Payment = b2bkit.CashOnDelivery()
		r := pricing.Request{Buyer: "b", SKU: skus[rng.IntN(len(skus))], Quantity: dec(randomQuantity(rng)), Terms: terms}
		q, err := e.Quote(ctx, r)
		require.NoError(t, err, i)
		pays := q.Total
		if q.Tax != nil {
			pays = q.Tax.Gross
		}
		require.Len(t, q.Schedule, 1, i)
		require.True(t, pays.Equal(q.Schedule[0].Amount) && pays.Exponent() == q.Schedule[0].Amount.Exponent(), "%d: %s against %s", i, q.Schedule[0].Amount, pays)

		o := pricing.OrderRequest{Buyer: "b", Terms: terms}
		for range 1 + rng.IntN(5) {
			o.Lines = append(o.Lines, pricing.OrderLine{SKU: skus[rng.IntN(len(skus))], Quantity: dec(randomQuantity(rng))})
		}
		oq, err := e.QuoteOrder(ctx, o)
		require.NoError(t, err, i)
		require.Len(t, oq.Schedule, 1, i)
		require.True(t, oq.Total.Equal(oq.Schedule[0].Amount) && oq.Total.Exponent() == oq.Schedule[0].Amount.Exponent(), "%d: %s against %s", i, oq.Schedule[0].Amount, oq.Total)
	}
}
