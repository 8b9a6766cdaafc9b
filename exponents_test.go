package b2bkit_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
)

// The absurd exponents of the session-14 sweep: each would make decimal's rescaling write out a
// billion digits, or overflow an int32 sum of exponents. Every test here answers at once; run with
// -timeout so that a hang shows as a failure.
var absurd = dectest.Absurd(
	dectest.Named{Name: "-7eMaxInt32", D: decimal.New(-7, math.MaxInt32)},
	dectest.Named{Name: "-7eMinInt32", D: decimal.New(-7, math.MinInt32)},
)

func TestRoundAbsurdExponentsAnswerAtOnce(t *testing.T) {
	modes := []b2bkit.RoundingMode{b2bkit.HalfUp, b2bkit.HalfEven, b2bkit.Down, b2bkit.Up}
	for _, a := range absurd {
		for _, m := range modes {
			r := b2bkit.Round(a.D, 2, m)
			if a.D.Exponent() > 0 {
				// A whole number: rounding leaves it as it stands.
				assert.Equal(t, a.D.Exponent(), r.Exponent(), "%s %s", a.Name, m)
				assert.Zero(t, a.D.Coefficient().Cmp(r.Coefficient()), "%s %s", a.Name, m)
				continue
			}
			want := decimal.New(0, -2) // far below half a cent
			if m == b2bkit.Up {
				want = decimal.New(int64(a.D.Sign()), -2)
			}
			assert.True(t, want.Equal(r), "%s %s: %s", a.Name, m, r)
			assert.Equal(t, int32(-2), r.Exponent(), "%s %s", a.Name, m)
		}
	}
	// Near misses still round digit by digit: 0.005 and 0.004999 written with 30 places, 1e19.
	for _, c := range []struct {
		d    decimal.Decimal
		want string
	}{
		{decimal.New(5, -3).Add(decimal.New(0, -30)), "0.01"},
		{decimal.New(4999, -6).Add(decimal.New(0, -30)), "0.00"},
		{decimal.New(-4999, -6).Add(decimal.New(0, -30)), "0.00"},
		{decimal.New(1, 19), "10000000000000000000.00"},
		{decimal.New(0, -1<<30), "0.00"},
	} {
		r := b2bkit.Round(c.d, 2, b2bkit.HalfUp)
		assert.Equal(t, c.want, r.StringFixed(2), c.want)
		assert.Equal(t, int32(-2), r.Exponent(), c.want)
	}
}

func TestRoundToIncrementAbsurdExponentsAreInvalid(t *testing.T) {
	for _, a := range absurd {
		_, err := b2bkit.RoundToIncrement(a.D, decimal.RequireFromString("0.05"), b2bkit.HalfUp)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
		assert.ErrorContains(t, err, "value: must have at most 18 decimal places", a.Name)
		if a.D.Sign() > 0 {
			_, err = b2bkit.RoundToIncrement(decimal.RequireFromString("2.37"), a.D, b2bkit.HalfUp)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
			assert.ErrorContains(t, err, "increment: must have at most 18 decimal places", a.Name)
		}
	}
}

func TestAllocateAbsurdExponentsAreInvalid(t *testing.T) {
	one := decimal.NewFromInt(1)
	for _, a := range absurd {
		_, err := b2bkit.Allocate(a.D, []decimal.Decimal{one, one}, 2)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
		assert.ErrorContains(t, err, "total: must have at most 18 decimal places", a.Name)
		if a.D.Sign() > 0 {
			_, err = b2bkit.Allocate(decimal.NewFromInt(100), []decimal.Decimal{one, a.D}, 2)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
			assert.ErrorContains(t, err, "weights[1]: must have at most 18 decimal places", a.Name)
		}
	}
}

func TestToMinorAbsurdExponentsAtEveryScale(t *testing.T) {
	// scale + exponent overflowed int32 and indexed the powers of ten out of range.
	for _, a := range absurd {
		for scale := int32(0); scale <= b2bkit.MaxScale; scale++ {
			_, err := b2bkit.ToMinor(a.D, scale)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s at %d", a.Name, scale)
		}
	}
}

func TestTermsAbsurdSharesAreInvalid(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range absurd {
		for _, p := range []b2bkit.PaymentTerms{
			b2bkit.DepositBalance(a.D, 30),
			{Installments: []b2bkit.Installment{{Share: a.D}}},
			{Installments: []b2bkit.Installment{{Share: decimal.New(5, -1)}, {Share: a.D, Due: b2bkit.OnDelivery}}},
		} {
			require.ErrorIs(t, p.Validate(), b2bkit.ErrInvalid, a.Name)
			_, ok := p.SplitMinor(100, nil)
			assert.False(t, ok, a.Name)
			assert.Contains(t, p.String(), "% on order", a.Name)
			terms := b2bkit.Terms{Payment: p, OrderedAt: at, DeliverBy: at.AddDate(0, 0, 5)}
			_, err := terms.Schedule(decimal.NewFromInt(100), 2)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
			assert.True(t, terms.CreditDays().IsZero(), a.Name)
		}
	}
}

func TestScheduleAbsurdTotalsAreInvalid(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	terms := b2bkit.Terms{Payment: b2bkit.DepositBalance(decimal.New(3, -1), 30), OrderedAt: at, DeliverBy: at.AddDate(0, 0, 5)}
	for _, a := range absurd {
		_, err := terms.Schedule(a.D, 2)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
		assert.ErrorContains(t, err, "total: must have at most 18 decimal places", a.Name)
		for _, l := range []b2bkit.OrderLine{{SKU: "a", Quantity: a.D, UnitPrice: decimal.NewFromInt(1)}, {SKU: "a", Quantity: decimal.NewFromInt(1), UnitPrice: a.D}} {
			o := b2bkit.Order{Terms: terms, Lines: []b2bkit.OrderLine{{SKU: "b", Quantity: decimal.NewFromInt(2), UnitPrice: decimal.NewFromInt(3)}, l}}
			_, err := o.Schedule(2)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
			assert.ErrorContains(t, err, "lines[1].", a.Name)
		}
	}
}

func TestEqualAbsurdExponentsAnswerAtOnce(t *testing.T) {
	one := decimal.NewFromInt(1)
	for _, a := range absurd {
		assert.False(t, b2bkit.Installment{Share: a.D}.Equal(b2bkit.Installment{Share: one}), a.Name)
		assert.True(t, b2bkit.Installment{Share: a.D}.Equal(b2bkit.Installment{Share: a.D}), a.Name)
		assert.False(t, b2bkit.Due{Amount: one}.Equal(b2bkit.Due{Amount: a.D}), a.Name)
		assert.False(t, b2bkit.OrderLine{Quantity: a.D, UnitPrice: one}.Equal(b2bkit.OrderLine{Quantity: one, UnitPrice: one}), a.Name)
		assert.False(t, b2bkit.OrderLine{Quantity: one, UnitPrice: one}.Equal(b2bkit.OrderLine{Quantity: one, UnitPrice: a.D}), a.Name)
		assert.False(t, b2bkit.ShipmentLine{Shipped: a.D}.Equal(b2bkit.ShipmentLine{Shipped: one}), a.Name)
		assert.False(t, b2bkit.ShipmentLine{Received: one}.Equal(b2bkit.ShipmentLine{Received: a.D}), a.Name)
		assert.False(t, b2bkit.Invoice{Amount: a.D}.Equal(b2bkit.Invoice{Amount: one}), a.Name)
		assert.False(t, b2bkit.Payment{Amount: one}.Equal(b2bkit.Payment{Amount: a.D}), a.Name)
	}
}

func TestMarshalAbsurdExponentsAreInvalid(t *testing.T) {
	for _, a := range absurd {
		for _, c := range []struct {
			v     any
			field string
		}{
			{b2bkit.JSONDecimal{Decimal: a.D}, ""},
			{b2bkit.Installment{Share: a.D}, "share"},
			{b2bkit.Due{Amount: a.D}, "amount"},
			{b2bkit.Due{Installment: b2bkit.Installment{Share: a.D}}, "installment.share"},
			{b2bkit.OrderLine{Quantity: a.D}, "quantity"},
			{b2bkit.OrderLine{UnitPrice: a.D}, "unit_price"},
			{b2bkit.ShipmentLine{Shipped: a.D}, "shipped"},
			{b2bkit.ShipmentLine{Received: a.D}, "received"},
			{b2bkit.Invoice{Amount: a.D}, "amount"},
			{b2bkit.Payment{Amount: a.D}, "amount"},
		} {
			_, err := json.Marshal(c.v)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s %T", a.Name, c.v)
			var fe *b2bkit.FieldError
			require.True(t, errors.As(err, &fe), "%s %T", a.Name, c.v)
			assert.Equal(t, c.field, fe.Field, "%s %T", a.Name, c.v)
		}
	}
}

// A zero written with an absurd exponent is a valid zero: Validate takes it, so the sums of a
// record it accepts must take it too, at once, and count it as nothing.
func TestSumsOfValidRecordsWithAbsurdZerosAnswerAtOnce(t *testing.T) {
	for _, e := range []int32{1 << 30, -1 << 30, math.MaxInt32, math.MinInt32} {
		zero := decimal.New(0, e)
		o := order()
		o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: "FREE", Quantity: decimal.NewFromInt(10), UnitPrice: zero})
		require.NoError(t, o.Validate(), "exponent %d", e)
		want := order().Total()
		assert.True(t, o.Total().Equal(want), "exponent %d: %s", e, o.Total())
		assert.True(t, o.Lines[len(o.Lines)-1].Amount().IsZero(), "exponent %d", e)

		s := b2bkit.Shipment{Lines: []b2bkit.ShipmentLine{
			{SKU: "RICE", Shipped: decimal.NewFromInt(5), Received: zero},
			{SKU: "RICE", Shipped: decimal.NewFromInt(2), Received: decimal.NewFromInt(2)},
		}}
		assert.True(t, s.Received("RICE").Equal(decimal.NewFromInt(2)), "exponent %d", e)
		assert.True(t, s.Shipped("RICE").Equal(decimal.NewFromInt(7)), "exponent %d", e)
	}
}
