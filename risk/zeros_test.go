package risk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
)

// zerosPadded is r with every amount, quantity and share written with up to 30 trailing zeros
// more, as a host reading numeric(38,20) columns streams them: the same values.
func zerosPadded(r featRecords, rng *rand.Rand) featRecords {
	pad := func(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, rng.IntN(31)) }
	out := r
	out.orders = slices.Clone(r.orders)
	for i := range out.orders {
		o := &out.orders[i]
		o.Lines = slices.Clone(o.Lines)
		for k := range o.Lines {
			o.Lines[k].Quantity, o.Lines[k].UnitPrice = pad(o.Lines[k].Quantity), pad(o.Lines[k].UnitPrice)
		}
		o.Terms.Payment.Installments = slices.Clone(o.Terms.Payment.Installments)
		for k := range o.Terms.Payment.Installments {
			o.Terms.Payment.Installments[k].Share = pad(o.Terms.Payment.Installments[k].Share)
		}
	}
	out.invoices = slices.Clone(r.invoices)
	for i := range out.invoices {
		out.invoices[i].Amount = pad(out.invoices[i].Amount)
	}
	out.payments = slices.Clone(r.payments)
	for i := range out.payments {
		out.payments[i].Amount = pad(out.payments[i].Amount)
	}
	out.wallets = slices.Clone(r.wallets)
	for i := range out.wallets {
		out.wallets[i].Monthly = pad(out.wallets[i].Monthly)
	}
	return out
}

// A history's trailing zeros never decide the features: the random histories of the golden test,
// every number written with up to 30 zeros more, give the same features and exposure as written
// short, or fail as they do. Property: padding never changes a result of the ToMinor-based sums.
func TestFeaturesReadTheValueNotItsTrailingZeros(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	compared := 0
	for seed := range uint64(300) {
		c := featGoldenHistory(seed)
		want, wantErr := risk.FeaturesContext(context.Background(), featBuyer, c.r.history(), c.asOf, c.opts)
		wantExp, wantExpErr := risk.ExposureAt(featBuyer, c.r.history(), decimal.New(12345, -2), c.asOf, c.opts)
		for range 3 {
			p := zerosPadded(c.r, rng)
			got, err := risk.FeaturesContext(context.Background(), featBuyer, p.history(), c.asOf, c.opts)
			if wantErr != nil {
				require.ErrorIs(t, err, b2bkit.ErrInvalid, "seed %d: short: %v", seed, wantErr)
				continue
			}
			require.NoError(t, err, "seed %d", seed)
			featRequireSame(t, want, got, seed)
			compared++
			gotExp, err := risk.ExposureAt(featBuyer, p.history(), dectest.Places(decimal.New(12345, -2), 25), c.asOf, c.opts)
			if wantExpErr != nil {
				require.Error(t, err, "seed %d", seed)
				continue
			}
			require.NoError(t, err, "seed %d", seed)
			require.Equal(t, fmt.Sprintf("%+v", wantExp), fmt.Sprintf("%+v", gotExp), "seed %d", seed) // decimals print by value
		}
	}
	require.Greater(t, compared, 300)

	// The hand-made history, every number with 20 places.
	r := featMain()
	p := zerosPadded(r, rand.New(rand.NewPCG(1, 1)))
	for i := range p.orders {
		p.orders[i].Lines[0].UnitPrice = dectest.Places(r.orders[i].Lines[0].UnitPrice, 20)
	}
	want, err := risk.Features(featBuyer, r.history(), featAsOf)
	require.NoError(t, err)
	got, err := risk.Features(featBuyer, p.history(), featAsOf)
	require.NoError(t, err)
	featRequireSame(t, want, got, 0)
}
