package risk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
)

// A Decision is the host's to keep (an audit trail) and the order the host's to change: neither
// writes the other. AsPlaced.Payment held the order's own installments, so renegotiating the order's
// terms in place rewrote the decision kept, and editing the decision rewrote the order.
func TestADecisionSharesNothingWithTheOrderChecked(t *testing.T) {
	terms := checkTerms(t, "0.3", "order", 0, "0.7", "delivery", 30)
	in := checkInput(checkOrder(terms, "rice", "10", "100.50"), "5000", "0")
	d, err := risk.CheckOrder(context.Background(), in, nil)
	require.NoError(t, err)
	require.Len(t, d.AsPlaced.Payment.Installments, 2)

	in.Order.Terms.Payment.Installments[0].Share = dectest.Dec("0.5") // the order renegotiated in place
	dectest.RequireEqual(t, dectest.Dec("0.3"), d.AsPlaced.Payment.Installments[0].Share, "the decision kept")

	d.AsPlaced.Payment.Installments[1].Days = 90 // the decision edited
	assert.Equal(t, 30, terms.Installments[1].Days, "the order")
}
