package pricing_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// TestPricesOnly_QuotesAreTheFullOnesWithoutTheLines prices random requests under the restaurant
// and the varied policies, one by one and as a batch, with and without Options.PricesOnly: a
// prices-only quote is the full quote without its Steps, every other field (each decimal's exact
// representation, the JSON and the explanation included) the same.
func TestPricesOnly_QuotesAreTheFullOnesWithoutTheLines(t *testing.T) {
	l, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "RICE-25KG", Price: dec("120.00"), Currency: "CNY", Cost: dec("100.00")},
		pricing.ListPrice{SKU: "OIL-20L", Price: dec("210.00"), Currency: "CNY", Cost: dec("150.00")},
		pricing.ListPrice{SKU: "SALT-1KG", Price: dec("3.20"), Currency: "CNY"},
	)
	require.NoError(t, err)
	policies := []pricing.Policy{loadPolicy(t, "testdata/restaurant.json"), variedPolicy()}
	sources := []pricing.PriceSource{catalogSource(t), l}
	rng := rand.New(rand.NewPCG(3, 17))
	dump := func(q pricing.Quote) string {
		var w strings.Builder
		dumpQuote(&w, q)
		return w.String()
	}
	var approvals, breaches, offers int
	for pi, p := range policies {
		full, err := pricing.NewEngine(p, sources[pi], &pricing.Options{Now: fixedNow})
		require.NoError(t, err)
		bare, err := pricing.NewEngine(p, sources[pi], &pricing.Options{Now: fixedNow, PricesOnly: true})
		require.NoError(t, err)
		reqs := make([]pricing.Request, 1000)
		for i := range reqs {
			reqs[i] = randomRequest(rng)
			if i%3 == 0 && i > 0 {
				reqs[i].Terms = reqs[i-1].Terms
			}
		}
		wantMany, errFull := full.QuoteMany(ctx, reqs)
		gotMany, errBare := bare.QuoteMany(ctx, reqs)
		require.Equal(t, errFull == nil, errBare == nil)
		if errFull != nil {
			require.Equal(t, errFull.Error(), errBare.Error())
		}
		for i, r := range reqs {
			want, err1 := full.Quote(ctx, r)
			got, err2 := bare.Quote(ctx, r)
			if err1 != nil {
				require.EqualError(t, err2, err1.Error(), "request %d", i)
				continue
			}
			require.NoError(t, err2, "request %d", i)
			require.NotEmpty(t, want.Steps, "request %d", i)
			require.Nil(t, got.Steps, "request %d", i)
			require.Nil(t, gotMany[i].Steps, "request %d", i)
			want.Steps, wantMany[i].Steps = nil, nil
			require.Equal(t, dump(want), dump(got), "request %d (Quote)", i)
			require.Equal(t, dump(wantMany[i]), dump(gotMany[i]), "request %d (QuoteMany)", i)
			if got.NeedsApproval {
				approvals++
			}
			if len(got.Breaches) > 0 {
				breaches++
			}
			if got.EarlyPayment != nil {
				offers++
			}
		}
	}
	// The random requests reach the paths that matter: approvals, breaches, offers.
	require.Positive(t, approvals)
	require.Positive(t, breaches)
	require.Positive(t, offers)
}
