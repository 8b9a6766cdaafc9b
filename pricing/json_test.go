package pricing_test

import (
	"encoding/json"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

func TestQuote_JSONRoundTripExplainsTheSame(t *testing.T) {
	e := restaurantEngine(t)
	r := request("RICE-25KG", "200")
	r.Buyer, r.Tier, r.Grade = "golden-dragon", "gold", "A"
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	q := quote(t, e, r)
	data, err := json.Marshal(q)
	require.NoError(t, err)
	require.Contains(t, string(data), `"unit_price":"`)
	require.Contains(t, string(data), `"kind":"payment"`)
	require.Contains(t, string(data), `"reason":"volume break for this quantity: -3%"`)

	var back pricing.Quote
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, q.Explain(), back.Explain())
	requireDecEqual(t, q.Total, back.Total)
	require.NotNil(t, back.EarlyPayment)
	requireDecEqual(t, q.EarlyPayment.Amount, back.EarlyPayment.Amount)
	require.Contains(t, string(data), `"payment":{"credit_days":"39","reference_credit_days":"0","annual_percent":"`)
	require.Contains(t, string(data), `"rounding":{"scale":2,"mode":"half_up"`)
	require.Len(t, back.Steps, len(q.Steps))
	for i, a := range q.Steps {
		b := back.Steps[i]
		require.Equal(t, a.Payment == nil, b.Payment == nil, "step %d", i)
		require.Equal(t, a.Rounding == nil, b.Rounding == nil, "step %d", i)
		if a.Payment != nil {
			requireDecEqual(t, a.Payment.CreditDays, b.Payment.CreditDays)
			requireDecEqual(t, a.Payment.AnnualPercent, b.Payment.AnnualPercent)
		}
		if a.Rounding != nil {
			require.Equal(t, a.Rounding.Scale, b.Rounding.Scale)
			require.Equal(t, a.Rounding.Mode, b.Rounding.Mode)
		}
	}

	var bad pricing.Quote
	require.ErrorIs(t, json.Unmarshal([]byte(`{"request":{},"surprise":1}`), &bad), b2bkit.ErrInvalid)

	// A line's amount is After - Before; a document that says otherwise is refused.
	var line pricing.Adjustment
	require.NoError(t, json.Unmarshal([]byte(`{"step":"tier","kind":"tier","reason":"","amount":"-2","before":"10","after":"8"}`), &line))
	requireDecEqual(t, dec("-2"), line.Amount())
	err = json.Unmarshal([]byte(`{"step":"tier","kind":"tier","reason":"","amount":"-3","before":"10","after":"8"}`), &line)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "amount")
}

func TestRequest_JSONIsStrict(t *testing.T) {
	r := request("RICE-25KG", "12.5")
	data, err := json.Marshal(r)
	require.NoError(t, err)
	require.Contains(t, string(data), `"quantity":"12.5"`)
	var back pricing.Request
	require.NoError(t, json.Unmarshal(data, &back))
	requireDecEqual(t, r.Quantity, back.Quantity)
	require.True(t, r.Terms.Equal(back.Terms))

	require.ErrorIs(t, json.Unmarshal([]byte(`{"sku":"A","quantity":"1e9999"}`), &back), b2bkit.ErrInvalid)
	require.ErrorIs(t, json.Unmarshal([]byte(`{"sku":"A","quantity":"1","qty":"2"}`), &back), b2bkit.ErrInvalid)

	lp := pricing.ListPrice{SKU: "A", Price: dec("9.90"), Currency: "CNY", Cost: dec("7")}
	data, err = json.Marshal(lp)
	require.NoError(t, err)
	require.JSONEq(t, `{"sku":"A","price":"9.9","currency":"CNY","cost":"7"}`, string(data))
	var lpBack pricing.ListPrice
	require.NoError(t, json.Unmarshal(data, &lpBack))
	requireDecEqual(t, lp.Price, lpBack.Price)
}
