package pricing_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/pricing"
)

// dumpOrder writes an order quote out to the exponent of each figure: its JSON, its explanation
// and every line's quote as dumpQuote writes it.
func dumpOrder(q pricing.OrderQuote) string {
	var w strings.Builder
	js, err := json.Marshal(q)
	if err != nil {
		fmt.Fprintf(&w, "json error %v\n", err)
	}
	w.Write(js)
	w.WriteString(q.Explain())
	for _, l := range q.Lines {
		dumpQuote(&w, l.Quote)
	}
	return w.String()
}

// TestQuoteOrder_ReusedMemoryChangesNoOrder checks that an engine that keeps an order's working
// memory for the next order gives every order, to the exponent of each figure, as an engine
// quoting for the first time does — orders of every size one after the other, longer and shorter
// than the one before, past what it keeps — and that an order it returned does not change when it
// quotes the next ones.
func TestQuoteOrder_ReusedMemoryChangesNoOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 50))
	for i := range 16 {
		warm, p, l, skus := randomEngine(t, rng, 20, i)
		var first string
		var firstQ pricing.OrderQuote
		for j := range 6 {
			o := pricing.OrderRequest{Buyer: "b", Terms: request("X", "1").Terms, Tier: []string{"", "gold"}[rng.IntN(2)]}
			o.Terms.Payment = randomPayment(rng)
			n := 1 + rng.IntN(40)
			if j == 3 && i%8 == 0 {
				n = pricing.MaxKeptOrderLines + 1 // more lines than a scratch keeps
			}
			for range n {
				o.Lines = append(o.Lines, pricing.OrderLine{SKU: skus[rng.IntN(len(skus))], Quantity: dec(randomQuantity(rng))})
			}
			got, gotErr := warm.QuoteOrder(ctx, o)
			fresh, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
			require.NoError(t, err)
			want, wantErr := fresh.QuoteOrder(ctx, o)
			if wantErr != nil {
				require.EqualError(t, gotErr, wantErr.Error(), "%d/%d", i, j)
				continue
			}
			require.NoError(t, gotErr, "%d/%d", i, j)
			require.Equal(t, dumpOrder(want), dumpOrder(got), "%d/%d", i, j)
			if first == "" {
				first, firstQ = dumpOrder(got), got
			}
		}
		if first != "" {
			require.Equal(t, first, dumpOrder(firstQ), "%d: the first order changed", i)
		}
	}
}
