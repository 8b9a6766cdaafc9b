package funnel_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"iter"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/internal/dectest"
)

// absurd would make decimal's rescaling write a billion digits, or wrap an int32 sum of
// exponents. Run with -timeout: a hang shows as a failure.
var absurd = dectest.Absurd(
	dectest.Named{Name: "-3eMaxInt32", D: decimal.New(-3, math.MaxInt32)},
	dectest.Named{Name: "-3eMinInt32", D: decimal.New(-3, math.MinInt32)},
)

// TestAbsurdExponentsInInputsAreInvalid: every decimal of a purchase or a wallet estimate, given an
// absurd exponent, is an error naming its field, through Evaluate and Campaigns.Evaluate alike.
// 1eMaxInt32 and 1eMinInt32 panicked (MinorScale + exponent wrapped in int32 in b2bkit.ToMinor).
func TestAbsurdExponentsInInputsAreInvalid(t *testing.T) {
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2))}
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	for _, a := range absurd {
		for _, c := range []struct {
			field string
			ps    []funnel.Purchase
			ws    []funnel.Wallet
		}{
			{"amount", []funnel.Purchase{{Company: "C01", At: at(4, 2), Amount: a.D, GrossProfit: decimal.Zero, Channel: b2bkit.Manual}}, nil},
			{"gross_profit", []funnel.Purchase{{Company: "C01", At: at(4, 2), Amount: dec("100"), GrossProfit: a.D, Channel: b2bkit.Manual}}, nil},
			{"monthly", nil, []funnel.Wallet{{Company: "C01", Monthly: a.D, AsOf: at(6, 1)}}},
		} {
			if a.D.Sign() < 0 && c.field == "amount" || c.field == "monthly" && a.D.Sign() < 0 {
				continue // "must be >= 0" says it first
			}
			_, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(c.ps), b2bkit.Stream(c.ws), jul10)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s %s", a.Name, c.field)
			assert.ErrorContains(t, err, c.field, "%s %s", a.Name, c.field)
			in := funnel.Input{Touches: b2bkit.Stream(ts), Purchases: []iter.Seq2[funnel.Purchase, error]{b2bkit.Stream(c.ps)},
				Wallets: b2bkit.Stream(c.ws)}
			_, err = set.Evaluate(in, jul10, &funnel.Options{Companies: true, HandOff: true, Workers: 1})
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s %s", a.Name, c.field)
			assert.ErrorContains(t, err, c.field, "%s %s", a.Name, c.field)
		}
	}
}

func TestAbsurdExponentsAreNotWrittenAsJSON(t *testing.T) {
	for _, a := range absurd {
		for _, c := range []struct {
			v     any
			field string
		}{
			{funnel.Purchase{Amount: a.D}, "amount"},
			{funnel.Purchase{GrossProfit: a.D}, "gross_profit"},
			{funnel.Wallet{Monthly: a.D}, "monthly"},
		} {
			_, err := json.Marshal(c.v)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s %T", a.Name, c.v)
			var fe *b2bkit.FieldError
			require.True(t, errors.As(err, &fe), "%s %T", a.Name, c.v)
			assert.Equal(t, c.field, fe.Field, "%s %T", a.Name, c.v)
		}
	}
}

// TestAbsurdRatesAreWrittenShort: a report built or read back by a host (decimal reads "1e999999999"
// from JSON) still prints at once.
func TestAbsurdRatesAreWrittenShort(t *testing.T) {
	for _, a := range absurd {
		r := funnel.Rate{Numerator: 1, Denominator: 2, Value: a.D, Complete: true}
		assert.Contains(t, r.String(), "1/2 = ", a.Name)
		assert.Less(t, len(r.String()), 100, a.Name)
		table := funnel.CohortTable{Rows: []funnel.CohortRow{{Territory: "T", Coverage: r, Conversion: r, Repurchase: r, Penetration: a.D}}}
		var b bytes.Buffer
		_, err := table.WriteTo(&b)
		require.NoError(t, err, a.Name)
		assert.Less(t, b.Len(), 1000, a.Name)
	}
}
