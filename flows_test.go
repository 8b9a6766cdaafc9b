package b2bkit_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

func order() b2bkit.Order {
	return b2bkit.Order{
		ID: "PO-1", Buyer: "rest-17", Seller: "supplier-3", Currency: "CNY",
		Lines: []b2bkit.OrderLine{
			{SKU: "rice-25kg", Quantity: dec("40"), UnitPrice: dec("112.50")},
			{SKU: "oil-5l", Quantity: dec("12"), UnitPrice: dec("68.3")},
			{SKU: "rice-25kg", Quantity: dec("2"), UnitPrice: dec("112.50")},
		},
		Terms:    terms(b2bkit.DepositBalance(dec("0.3"), 30), day(2026, 4, 1), day(2026, 4, 3)),
		Channel:  b2bkit.SemiAuto,
		PlacedAt: day(2026, 4, 1),
	}
}

func shipment() b2bkit.Shipment {
	return b2bkit.Shipment{
		ID: "SH-1", Order: "PO-1", Seller: "supplier-3", Buyer: "rest-17",
		Lines: []b2bkit.ShipmentLine{
			{SKU: "rice-25kg", Shipped: dec("42"), Received: dec("41")},
			{SKU: "oil-5l", Shipped: dec("12"), Received: dec("12")},
		},
		ShippedAt: day(2026, 4, 2), ReceivedAt: day(2026, 4, 3),
	}
}

func invoice() b2bkit.Invoice {
	return b2bkit.Invoice{
		Number: "INV-88", Seller: "supplier-3", Buyer: "rest-17", Orders: []b2bkit.OrderID{"PO-1"},
		Amount: dec("5544.60"), Currency: "CNY", IssuedAt: day(2026, 4, 3), DueAt: day(2026, 5, 3),
	}
}

func payment() b2bkit.Payment {
	return b2bkit.Payment{ID: "PAY-9", Payer: "rest-17", Payee: "supplier-3", Invoice: "INV-88",
		Amount: dec("5544.60"), Currency: "CNY", PaidAt: day(2026, 5, 6)}
}

func TestR15_ATradeHasThreeFlows(t *testing.T) {
	o, s, inv, p := order(), shipment(), invoice(), payment()
	for name, err := range map[string]error{"order": o.Validate(), "shipment": s.Validate(), "invoice": inv.Validate(), "payment": p.Validate()} {
		require.NoError(t, err, name)
	}
	// Information flow: what was ordered, at what value.
	requireDecEqual(t, dec("5544.60"), o.Total()) // 42*112.50 + 12*68.3
	requireDecEqual(t, dec("42"), o.Quantity("rice-25kg"))
	// Logistics flow: what left and what arrived.
	requireDecEqual(t, dec("42"), s.Shipped("rice-25kg"))
	requireDecEqual(t, dec("41"), s.Received("rice-25kg"))
	assert.True(t, s.IsReceived())
	assert.Equal(t, 1, s.TransitDays())
	// Capital flow: what was claimed and when it was paid.
	assert.False(t, inv.IsCreditNote())
	assert.Equal(t, 3, p.DaysLate(inv))
	assert.Equal(t, 0, inv.DaysPastDue(day(2026, 5, 3)))
	// The three flows agree on the parties and the amount.
	assert.Equal(t, o.Buyer, s.Buyer)
	assert.Equal(t, o.Buyer, inv.Buyer)
	assert.Equal(t, inv.Buyer, p.Payer)
	requireDecEqual(t, o.Total(), inv.Amount)
}

func TestOrderSchedule(t *testing.T) {
	dues, err := order().Schedule(2)
	require.NoError(t, err)
	require.Len(t, dues, 2)
	requireDecEqual(t, dec("1663.38"), dues[0].Amount)
	requireDecEqual(t, dec("3881.22"), dues[1].Amount)
	assert.True(t, dues[1].Date.Equal(day(2026, 5, 3)))
}

func TestShipmentInTransit(t *testing.T) {
	s := shipment()
	s.ReceivedAt = s.ShippedAt // received the moment it left: same-day delivery
	require.NoError(t, s.Validate())
	assert.Equal(t, 0, s.TransitDays())
	s = shipment()
	s.ReceivedAt = zeroTime
	for i := range s.Lines {
		s.Lines[i].Received = decimal.Zero
	}
	require.NoError(t, s.Validate())
	assert.False(t, s.IsReceived())
	assert.Equal(t, -1, s.TransitDays())
}

func TestValidateNamesEveryBadField(t *testing.T) {
	t.Run("order", func(t *testing.T) {
		o := order()
		o.ID, o.Seller, o.Currency, o.Channel = "", o.Buyer, "cny", 0
		o.Lines[1].Quantity = decimal.Zero
		o.Lines[2].UnitPrice = dec("-1")
		o.Lines[0].SKU = ""
		o.Terms.Payment.Installments[0].Share = dec("0.2")
		requireFields(t, o.Validate(), "id", "seller", "lines[0].sku", "lines[1].quantity", "lines[2].unit_price",
			"currency", "terms.payment.installments", "channel")
		o = order()
		o.Lines = nil
		o.PlacedAt = zeroTime
		o.Buyer = ""
		requireFields(t, o.Validate(), "buyer", "lines", "placed_at")
	})
	t.Run("shipment", func(t *testing.T) {
		s := shipment()
		s.ID, s.Order = "", ""
		s.Lines[0].Received = dec("43")
		s.Lines[1].Shipped = decimal.Zero
		s.ReceivedAt = day(2026, 4, 1)
		requireFields(t, s.Validate(), "id", "order", "lines[0].received", "lines[1].shipped", "lines[1].received", "received_at")
		s = shipment()
		s.ReceivedAt = zeroTime
		requireFields(t, s.Validate(), "received_at")
	})
	t.Run("invoice", func(t *testing.T) {
		inv := invoice()
		inv.Number, inv.Amount, inv.Orders = "", decimal.Zero, []b2bkit.OrderID{""}
		inv.DueAt = day(2026, 4, 1)
		requireFields(t, inv.Validate(), "number", "orders[0]", "amount", "due_at")
		inv = invoice()
		inv.Orders, inv.Currency, inv.IssuedAt = nil, "", zeroTime
		requireFields(t, inv.Validate(), "orders", "currency", "issued_at")
	})
	t.Run("payment", func(t *testing.T) {
		p := payment()
		p.Payee, p.Amount, p.Invoice, p.PaidAt, p.ID = p.Payer, dec("-1"), "", zeroTime, ""
		requireFields(t, p.Validate(), "id", "payee", "invoice", "amount", "paid_at")
	})
}

// A quantity or amount written with an exponent beyond ±MaxScale is refused by the record's
// validation, naming the field, before anything compares or adds it: scaled to another number's
// exponent it would take minutes and gigabytes (a shipment's received quantity, compared with what
// was shipped, did), and added in int64 its exponent could wrap.
func TestValidateRefusesExponentsBeyondMaxScale(t *testing.T) {
	const insane = "must have at most 18 decimal places (trailing zeros aside) and at most 308 digits written out"
	// (5e19 is 50000000000000000000 and accepted as that is; 5e400 written out would be 401 digits.)
	for _, e := range []int32{math.MinInt32, -19, 400, math.MaxInt32} {
		bad := decimal.New(5, e)
		o := order()
		o.Lines[0].Quantity, o.Lines[1].UnitPrice = bad, bad
		requireFields(t, o.Validate(), "lines[0].quantity", "lines[1].unit_price")
		s := shipment()
		s.Lines[0].Received, s.Lines[1].Shipped = bad, bad
		requireFields(t, s.Validate(), "lines[0].received", "lines[1].shipped")
		inv := invoice()
		inv.Amount = bad
		requireFields(t, inv.Validate(), "amount")
		p := payment()
		p.Amount = bad
		requireFields(t, p.Validate(), "amount")
		assert.ErrorContains(t, p.Validate(), insane)
	}
	// At the bounds a number is as good as any other.
	for _, e := range []int32{-18, 18} {
		o := order()
		o.Lines[0].Quantity = decimal.New(5, e)
		require.NoError(t, o.Validate())
		s := shipment()
		s.Lines[0].Received, s.Lines[0].Shipped = decimal.New(5, e), decimal.New(5, e)
		require.NoError(t, s.Validate())
	}
}

func TestCreditNote(t *testing.T) {
	inv := invoice()
	inv.Amount = dec("-120.00")
	require.NoError(t, inv.Validate())
	assert.True(t, inv.IsCreditNote())
}

func TestChannelWords(t *testing.T) {
	for _, c := range b2bkit.Channels() {
		b, err := c.MarshalText()
		require.NoError(t, err)
		var back b2bkit.Channel
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, c, back)
	}
	assert.Equal(t, "semi_auto", b2bkit.SemiAuto.String())
	var c b2bkit.Channel
	require.ErrorIs(t, c.UnmarshalText([]byte("telepathy")), b2bkit.ErrInvalid)
	_, err := b2bkit.Channel(0).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestJSONRoundTripsExactly(t *testing.T) {
	roundTrip := func(t *testing.T, v any, back any) string {
		t.Helper()
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, back))
		return string(b)
	}
	t.Run("order", func(t *testing.T) {
		var back b2bkit.Order
		s := roundTrip(t, order(), &back)
		assert.True(t, order().Equal(back), s)
		assert.Contains(t, s, `"unit_price":"112.5"`)
		assert.Contains(t, s, `"channel":"semi_auto"`)
		assert.Contains(t, s, `"due":"on_order"`)
		assert.Contains(t, s, `"placed_at":"2026-04-01T09:00:00+08:00"`)
	})
	t.Run("shipment", func(t *testing.T) {
		var back b2bkit.Shipment
		roundTrip(t, shipment(), &back)
		assert.True(t, shipment().Equal(back))
	})
	t.Run("invoice", func(t *testing.T) {
		var back b2bkit.Invoice
		s := roundTrip(t, invoice(), &back)
		assert.True(t, invoice().Equal(back))
		assert.Contains(t, s, `"amount":"5544.6"`)
	})
	t.Run("payment", func(t *testing.T) {
		var back b2bkit.Payment
		roundTrip(t, payment(), &back)
		assert.True(t, payment().Equal(back))
	})
	t.Run("schedule", func(t *testing.T) {
		dues, err := order().Schedule(2)
		require.NoError(t, err)
		var back []b2bkit.Due
		roundTrip(t, dues, &back)
		require.Len(t, back, len(dues))
		for i := range dues {
			assert.True(t, dues[i].Equal(back[i]))
		}
	})
	t.Run("terms", func(t *testing.T) {
		var back b2bkit.Terms
		s := roundTrip(t, order().Terms, &back)
		assert.True(t, order().Terms.Equal(back))
		assert.JSONEq(t, `{"payment":{"installments":[{"share":"0.3","due":"on_order","days":0},`+
			`{"share":"0.7","due":"on_delivery","days":30}]},"ordered_at":"2026-04-01T09:00:00+08:00",`+
			`"deliver_by":"2026-04-03T09:00:00+08:00"}`, s)
	})
}

func TestJSONIsStrict(t *testing.T) {
	tests := []struct {
		name string
		v    any
		doc  string
	}{
		{"unknown field", &b2bkit.PaymentTerms{}, `{"installments":[],"discount":"0.1"}`},
		{"unknown installment field", &b2bkit.PaymentTerms{}, `{"installments":[{"share":"1","due":"on_order","days":0,"late_fee":1}]}`},
		{"exponent", &b2bkit.PaymentTerms{}, `{"installments":[{"share":"1e999999999","due":"on_order","days":0}]}`},
		{"bare exponent", &b2bkit.OrderLine{}, `{"sku":"x","quantity":1e9,"unit_price":"1"}`},
		{"unknown event", &b2bkit.Installment{}, `{"share":"1","due":"someday","days":0}`},
		{"unknown channel", &b2bkit.Order{}, `{"channel":"fax"}`},
		{"bad time", &b2bkit.Order{}, `{"placed_at":"yesterday"}`},
		{"wrong type", &b2bkit.Invoice{}, `{"amount":{"value":1}}`},
		{"trailing data", &b2bkit.Payment{}, `{} {}`},
		{"not json", &b2bkit.Shipment{}, `{"id":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := json.Unmarshal([]byte(tt.doc), tt.v)
			if tt.name == "trailing data" || tt.name == "not json" {
				// Syntax errors at the top level are encoding/json's own; the strict decoder wraps them.
				require.Error(t, err)
				return
			}
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
		})
	}
}

func FuzzPaymentTermsJSON(f *testing.F) {
	for _, p := range []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Net(60), b2bkit.DepositBalance(dec("0.3"), 60)} {
		b, _ := json.Marshal(p)
		f.Add(b)
	}
	f.Add([]byte(`{"installments":[{"share":"1e999999999","due":"on_order","days":-5}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p b2bkit.PaymentTerms
		if err := json.Unmarshal(b, &p); err != nil {
			return
		}
		if p.Validate() != nil {
			return
		}
		_ = p.String()
		_ = p.IsCredit()
		out, err := json.Marshal(p)
		require.NoError(t, err)
		var back b2bkit.PaymentTerms
		require.NoError(t, json.Unmarshal(out, &back))
		require.True(t, p.Equal(back))
	})
}

func FuzzOrderJSON(f *testing.F) {
	b, _ := json.Marshal(order())
	f.Add(b)
	f.Add([]byte(`{"id":"x","lines":[{"sku":"a","quantity":"-1","unit_price":"1e5"}],"terms":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var o b2bkit.Order
		if err := json.Unmarshal(b, &o); err != nil {
			return
		}
		if o.Validate() != nil {
			return
		}
		_ = o.Total()
		if _, err := o.Schedule(2); err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
		}
		out, err := json.Marshal(o)
		require.NoError(t, err)
		var back b2bkit.Order
		require.NoError(t, json.Unmarshal(out, &back))
		require.True(t, o.Equal(back))
	})
}

// A valid record validates without allocating: risk checks every record of a trade or a history,
// and a field path built for a line that is fine would be paid on every one of them.
func TestValidRecordsValidateWithoutAllocating(t *testing.T) {
	o, s, inv, p := order(), shipment(), invoice(), payment()
	require.NoError(t, o.Validate())
	require.NoError(t, s.Validate())
	require.NoError(t, inv.Validate())
	require.NoError(t, p.Validate())
	for name, validate := range map[string]func() error{
		"order": o.Validate, "shipment": s.Validate, "invoice": inv.Validate, "payment": p.Validate,
	} {
		allocs := testing.AllocsPerRun(100, func() { _ = validate() })
		assert.Zero(t, allocs, name)
	}
}
