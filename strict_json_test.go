package b2bkit_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

// Payment terms with an installment's share given twice, or "Share" for share, are refused: the
// terms set the price, so they are read as written or not at all.
func TestR11_PaymentTermsRefuseADuplicateOrWronglyCasedKey(t *testing.T) {
	var p b2bkit.PaymentTerms
	require.NoError(t, json.Unmarshal([]byte(`{"installments":[{"share":"1","due":"on_order","days":0}]}`), &p))
	for name, c := range map[string][2]string{
		"duplicate share":        {`{"installments":[{"share":"0.1","share":"1","due":"on_order","days":0}]}`, "share: duplicate key"},
		"duplicate installments": {`{"installments":[],"installments":[{"share":"1","due":"on_order","days":0}]}`, "installments: duplicate key"},
		"cased share":            {`{"installments":[{"Share":"1","due":"on_order","days":0}]}`, "Share: unknown field"},
		"cased installments":     {`{"Installments":[{"share":"1","due":"on_order","days":0}]}`, "Installments: unknown field"},
	} {
		t.Run(name, func(t *testing.T) {
			var p b2bkit.PaymentTerms
			err := json.Unmarshal([]byte(c[0]), &p)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), c[1])
		})
	}
}

// A host decodes records in a loop into one reused value, or into a copy of a record it keeps. The
// decoded value is the document and nothing else — no field the document leaves out keeps the old
// value — and the slices of the old value are not written: a record sharing them (the copy kept)
// is unchanged. A document refused leaves the receiver as it was. (Order, Shipment, Terms and
// PaymentTerms decoded into the value itself, so encoding/json overwrote the kept copy's lines and
// installments in place and left fields the document did not name.)
func TestJSONDecodesIntoAUsedValueAsIntoANewOne(t *testing.T) {
	// small has one line and one installment where the used values have more, and leaves out every
	// field it can.
	type kase struct {
		name  string
		small string
		check func(t *testing.T, small string)
	}
	decodeOver := func(t *testing.T, used, fresh any, small string) {
		t.Helper()
		require.NoError(t, json.Unmarshal([]byte(small), fresh))
		require.NoError(t, json.Unmarshal([]byte(small), used))
	}
	tests := []kase{
		{"order", `{"id":"PO-2","lines":[{"sku":"salt","quantity":"1","unit_price":"2"}]}`, func(t *testing.T, small string) {
			kept := order()
			used, fresh := kept, b2bkit.Order{}
			decodeOver(t, &used, &fresh, small)
			assert.True(t, fresh.Equal(used), "%+v", used)
			assert.True(t, order().Equal(kept), "the kept copy changed: %+v", kept)
		}},
		{"order terms", `{"id":"PO-2","terms":{"payment":{"installments":[{"share":"1","due":"on_order","days":0}]}}}`, func(t *testing.T, small string) {
			kept := order()
			used, fresh := kept, b2bkit.Order{}
			decodeOver(t, &used, &fresh, small)
			assert.True(t, fresh.Equal(used), "%+v", used)
			assert.True(t, order().Equal(kept), "the kept copy changed: %+v", kept)
		}},
		{"shipment", `{"id":"SH-2","lines":[{"sku":"salt","shipped":"1","received":"0"}]}`, func(t *testing.T, small string) {
			kept := shipment()
			used, fresh := kept, b2bkit.Shipment{}
			decodeOver(t, &used, &fresh, small)
			assert.True(t, fresh.Equal(used), "%+v", used)
			assert.False(t, used.IsReceived())
			assert.True(t, shipment().Equal(kept), "the kept copy changed: %+v", kept)
		}},
		{"terms", `{"payment":{"installments":[{"share":"1","due":"on_order","days":0}]}}`, func(t *testing.T, small string) {
			kept := order().Terms
			used, fresh := kept, b2bkit.Terms{}
			decodeOver(t, &used, &fresh, small)
			assert.True(t, fresh.Equal(used), "%+v", used)
			assert.True(t, order().Terms.Equal(kept), "the kept copy changed: %+v", kept)
		}},
		{"payment terms", `{"installments":[{"share":"1","due":"on_order","days":0}]}`, func(t *testing.T, small string) {
			kept := order().Terms.Payment
			used, fresh := kept, b2bkit.PaymentTerms{}
			decodeOver(t, &used, &fresh, small)
			assert.True(t, fresh.Equal(used), "%v", used)
			assert.True(t, order().Terms.Payment.Equal(kept), "the kept copy changed: %v", kept)
		}},
		{"payment terms without installments", `{}`, func(t *testing.T, small string) {
			used, fresh := order().Terms.Payment, b2bkit.PaymentTerms{}
			decodeOver(t, &used, &fresh, small)
			assert.Nil(t, used.Installments)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, tt.small) })
	}

	// A refused document changes nothing, though its first fields were good.
	refused := map[string]struct {
		doc  string
		into func() (any, func() bool)
	}{
		"order": {`{"id":"PO-9","buyer":"X","lines":[{"sku":"q","quantity":"1e5","unit_price":"1"}]}`, func() (any, func() bool) {
			o := order()
			return &o, func() bool { return order().Equal(o) }
		}},
		"shipment": {`{"id":"SH-9","lines":[{"sku":"q","shipped":"x","received":"1"}]}`, func() (any, func() bool) {
			s := shipment()
			return &s, func() bool { return shipment().Equal(s) }
		}},
		"terms": {`{"ordered_at":"2030-01-01T00:00:00Z","payment":{"installments":[{"share":"1","due":"never","days":0}]}}`, func() (any, func() bool) {
			tm := order().Terms
			return &tm, func() bool { return order().Terms.Equal(tm) }
		}},
		"payment terms": {`{"installments":[{"share":"1","due":"on_order","days":0},{"share":"1","due":"never","days":0}]}`, func() (any, func() bool) {
			p := order().Terms.Payment
			return &p, func() bool { return order().Terms.Payment.Equal(p) }
		}},
	}
	for name, c := range refused {
		t.Run("refused "+name, func(t *testing.T) {
			v, unchanged := c.into()
			require.ErrorIs(t, json.Unmarshal([]byte(c.doc), v), b2bkit.ErrInvalid)
			assert.True(t, unchanged(), "%+v", v)
		})
	}
}
