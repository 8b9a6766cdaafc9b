package pricing_test

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/pricing"
)

// TestQuote_WhatItKeepsPerTermsAndScopeChangesNoQuote checks that an engine that has quoted
// before — on the same terms and for the same buyers, from several goroutines at once, so that it
// reuses what it worked out from the terms and the buyer's scope — gives every quote, to the
// exponent of each figure, as an engine quoting for the first time does, under a policy with
// dated rules (nothing kept per scope) and one without.
func TestQuote_WhatItKeepsPerTermsAndScopeChangesNoQuote(t *testing.T) {
	dump := func(q pricing.Quote) string {
		var w strings.Builder
		dumpQuote(&w, q)
		return w.String()
	}
	rng := rand.New(rand.NewPCG(11, 23))
	// Few terms and scopes, each asked for many times.
	pool := make([]pricing.Request, 12)
	for i := range pool {
		pool[i] = randomRequest(rng)
	}
	reqs := make([]pricing.Request, 300)
	for i := range reqs {
		reqs[i] = randomRequest(rng)
		p := pool[rng.IntN(len(pool))]
		reqs[i].Terms, reqs[i].Buyer, reqs[i].Tier, reqs[i].Grade = p.Terms, p.Buyer, p.Tier, p.Grade
	}
	var offers int
	for _, p := range []pricing.Policy{loadPolicy(t, "testdata/restaurant.json"), variedPolicy()} {
		warm, err := pricing.NewEngine(p, catalogSource(t), &pricing.Options{Now: fixedNow})
		require.NoError(t, err)
		got := make([]string, len(reqs))
		gotErr := make([]error, len(reqs))
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := g; i < len(reqs); i += 4 {
					for range 2 { // the second time from what the first kept
						q, err := warm.Quote(ctx, reqs[i])
						got[i], gotErr[i] = dump(q), err
					}
				}
			})
		}
		wg.Wait()
		for i, r := range reqs {
			fresh, err := pricing.NewEngine(p, catalogSource(t), &pricing.Options{Now: fixedNow})
			require.NoError(t, err)
			want, err := fresh.Quote(ctx, r)
			if err != nil {
				require.EqualError(t, gotErr[i], err.Error(), "request %d", i)
				continue
			}
			require.NoError(t, gotErr[i], "request %d", i)
			require.Equal(t, dump(want), got[i], "request %d", i)
			if want.EarlyPayment != nil {
				offers++
			}
		}
	}
	require.Positive(t, offers) // the offers, which keep the most per terms, are among them
}
