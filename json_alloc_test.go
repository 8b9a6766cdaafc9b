package b2bkit_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/memtest"
)

// TestJSON_NestedPartsAreReadOnceInProportion: an order of many lines, a shipment of many lines,
// terms of many installments and a schedule of many dues are read with memory in proportion to
// their size. Each line, installment and due decoded itself through the strict decoder, which
// checked and decoded its bytes again with a decoder of its own, as Terms and PaymentTerms did
// their installments: 34 times the document for an order, each level of nesting reading its bytes
// once more.
func TestJSON_NestedPartsAreReadOnceInProportion(t *testing.T) {
	const n = 5000
	o := order()
	s := shipment()
	var p b2bkit.PaymentTerms
	var dues []b2bkit.Due
	for i := range n {
		o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: b2bkit.SKU(fmt.Sprintf("SKU-%05d", i)), Quantity: decimal.New(int64(1+i), 0),
			UnitPrice: decimal.New(int64(100+i), -2)})
		s.Lines = append(s.Lines, b2bkit.ShipmentLine{SKU: b2bkit.SKU(fmt.Sprintf("SKU-%05d", i)), Shipped: decimal.New(int64(1+i), 0),
			Received: decimal.New(int64(i), 0)})
		in := b2bkit.Installment{Share: decimal.New(2, -4), Due: b2bkit.OnDelivery, Days: i % 90}
		p.Installments = append(p.Installments, in)
		dues = append(dues, b2bkit.Due{Installment: in, Amount: decimal.New(int64(1000+i), -2), Date: day(2026, 4, 1)})
	}
	tm := o.Terms
	tm.Payment = p
	for _, c := range []struct {
		name string
		v    any
		into func() any
	}{
		{"order", o, func() any { return new(b2bkit.Order) }},
		{"shipment", s, func() any { return new(b2bkit.Shipment) }},
		{"terms", tm, func() any { return new(b2bkit.Terms) }},
		{"payment terms", p, func() any { return new(b2bkit.PaymentTerms) }},
		{"dues", dues, func() any { return new([]b2bkit.Due) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := json.Marshal(c.v)
			require.NoError(t, err)
			into := c.into()
			n := memtest.Allocated(func() { err = json.Unmarshal(doc, into) })
			require.NoError(t, err)
			require.Less(t, n, uint64(20*len(doc)), "allocated %d bytes reading %d", n, len(doc))
		})
	}
}

// TestJSONDecimal_AQuotedDecimalIsReadWithoutADecoder: a decimal string is read as the decimal it
// spells, as ParseDecimal reads it, not through a JSON decoder of its own for each value: an
// order's every quantity and price made one, more than half of what reading an order allocated.
func TestJSONDecimal_AQuotedDecimalIsReadWithoutADecoder(t *testing.T) {
	plain := testing.AllocsPerRun(100, func() { _, _ = b2bkit.ParseDecimal("112.50") })
	for _, doc := range [][]byte{[]byte(`"112.50"`), []byte(`112.50`)} {
		var d b2bkit.JSONDecimal
		n := testing.AllocsPerRun(100, func() { require.NoError(t, d.UnmarshalJSON(doc)) })
		require.LessOrEqual(t, n, plain+1, "%s: %v allocations, ParseDecimal %v", doc, n, plain)
	}
}
