package risk

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
)

// The plain shapes a type is read through name the fields it is written with, no more and no fewer:
// a field added to FeatureSet and not to featureSetIn would be refused as unknown in every set read
// back.
func TestWireShapesNameTheTypesFields(t *testing.T) {
	wiretest.SameNames(t, [][2]any{{FeatureSet{}, featureSetIn{}}, {valueJSON{}, valueIn{}}, {resultJSON{}, resultIn{}},
		{AttributePoints{}, attributePointsIn{}}, {Reason{}, reasonIn{}}, {Limit{}, limitIn{}}, {Verdict{}, verdictIn{}},
		{Financeable{}, financeableIn{}}, {GoodsDecision{}, goodsDecisionIn{}}, {receivableJSON{}, receivableIn{}},
		{scorecardIn{}, Scorecard{}}, {attributeIn{}, Attribute{}}, {gradeBandIn{}, GradeBand{}}, {binOutJSON{}, binIn{}}})
}

// TestInvoiceInReadsAsInvoice: a receivable's invoice, read through invoiceIn in the receivable's own
// decode, is what b2bkit.Invoice reads from the same document, and a document it refuses invoiceIn
// refuses with the same message.
func TestInvoiceInReadsAsInvoice(t *testing.T) {
	inv := b2bkit.Invoice{Number: "INV-1", Seller: "S", Buyer: "B", Orders: []b2bkit.OrderID{"PO-1", "PO-2"},
		Amount: decimal.New(123450, -2), Currency: "CNY", IssuedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		DueAt: time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC)}
	full, err := json.Marshal(inv)
	require.NoError(t, err)
	var written map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(full, &written))
	require.Equal(t, slices.Sorted(maps.Keys(written)), slices.Sorted(maps.Keys(wire.Fields(reflect.TypeFor[invoiceIn]()))))
	for _, doc := range []string{string(full), `{}`, `null`, `{"orders":null}`, `{"orders":[]}`, `{"amount":"1e3"}`, `{"amount":null}`,
		`{"amount":7.5}`, `{"Amount":"1"}`, `{"amount":"1","amount":"2"}`, `{"orders":"PO-1"}`, `{"due_at":"soon"}`, `{"x":1}`, `[]`} {
		var want b2bkit.Invoice
		wantErr := json.Unmarshal([]byte(doc), &want)
		var w invoiceIn
		gotErr := wire.DecodeStrict([]byte(doc), &w)
		require.Equal(t, fmt.Sprint(wantErr), fmt.Sprint(gotErr), doc)
		if wantErr == nil {
			got := w.value()
			require.True(t, want.Equal(got), "%s: %+v, b2bkit read %+v", doc, got, want)
			require.Equal(t, want.Orders == nil, got.Orders == nil, doc)
		}
	}
}
