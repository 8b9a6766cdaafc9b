package b2bkit_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
)

// paddings are the ways a host's database writes the same number: as given, with 20 places (a
// numeric(38,20) column), with 30, and with 40 trailing zeros more.
var paddings = []struct {
	name string
	pad  func(decimal.Decimal) decimal.Decimal
}{
	{"short", func(d decimal.Decimal) decimal.Decimal { return d }},
	{"20 places", func(d decimal.Decimal) decimal.Decimal { return dectest.Places(d, 20) }},
	{"30 places", func(d decimal.Decimal) decimal.Decimal { return dectest.Places(d, 30) }},
	{"40 zeros more", func(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, 40) }},
}

// A record's trailing zeros never decide whether it is accepted: 12.34 read from numeric(38,20)
// is 12.34, and every flow and every computation on it answers as for the short form.
func TestRecordsReadTheValueNotItsTrailingZeros(t *testing.T) {
	for _, p := range paddings {
		t.Run(p.name, func(t *testing.T) {
			o := order()
			for i := range o.Lines {
				o.Lines[i].Quantity, o.Lines[i].UnitPrice = p.pad(o.Lines[i].Quantity), p.pad(o.Lines[i].UnitPrice)
			}
			o.Terms.Payment = b2bkit.DepositBalance(p.pad(dec("0.3")), 30)
			require.NoError(t, o.Validate())
			require.NoError(t, o.Terms.Validate())
			requireDecEqual(t, order().Total(), o.Total())
			requireDecEqual(t, order().Terms.CreditDays(), o.Terms.CreditDays())
			want, err := order().Schedule(2)
			require.NoError(t, err)
			got, err := o.Schedule(2)
			require.NoError(t, err)
			require.Len(t, got, len(want))
			for i := range want {
				requireDecEqual(t, want[i].Amount, got[i].Amount)
			}
			if u, ok := o.TotalMinor(2); ok {
				wantU, _ := order().TotalMinor(2)
				assert.Equal(t, wantU, u)
			}

			s := shipment()
			for i := range s.Lines {
				s.Lines[i].Shipped, s.Lines[i].Received = p.pad(s.Lines[i].Shipped), p.pad(s.Lines[i].Received)
			}
			require.NoError(t, s.Validate())
			inv := invoice()
			inv.Amount = p.pad(inv.Amount)
			require.NoError(t, inv.Validate())
			credit := invoice()
			credit.Amount = p.pad(dec("-120.00"))
			require.NoError(t, credit.Validate())
			assert.True(t, credit.IsCreditNote())
			pay := payment()
			pay.Amount = p.pad(pay.Amount)
			require.NoError(t, pay.Validate())

			requireDecEqual(t, dec("12.35"), b2bkit.Round(p.pad(dec("12.345")), 2, b2bkit.HalfUp))
			parts, err := b2bkit.Allocate(p.pad(dec("100.00")), []decimal.Decimal{p.pad(dec("1")), p.pad(dec("2"))}, 2)
			require.NoError(t, err)
			requireDecEqual(t, dec("33.33"), parts[0])
			requireDecEqual(t, dec("66.67"), parts[1])
			sum := b2bkit.NewMinorSum(2)
			require.NoError(t, sum.Add(p.pad(dec("12.34"))))
			total, err := sum.Total()
			require.NoError(t, err)
			requireDecEqual(t, dec("12.34"), total)
		})
	}
}

// Trailing zeros do not rescue a value that is bad as a value: 19 significant places are refused
// however they are written, with the same error as written short.
func TestRecordsStillRefuseNineteenPlaces(t *testing.T) {
	for _, p := range paddings {
		o := order()
		o.Lines[0].Quantity = p.pad(decimal.New(1, -19))
		err := o.Validate()
		require.ErrorIs(t, err, b2bkit.ErrInvalid, p.name)
		require.ErrorContains(t, err, "lines[0].quantity: "+"must have at most 18 decimal places", p.name)
		inv := invoice()
		inv.Amount = p.pad(dec("5544.6000000000000000001"))
		require.ErrorContains(t, inv.Validate(), "amount: must have at most 18 decimal places", p.name)
	}
}

// A whole number beyond 10^18 gets one answer however it is written: 1E19, 10E18 and
// 10000000000000000000 (and 7E30 and its 31 digits) are the same number, and every flow accepts
// and computes it as the number written out.
func TestRecordsReadAWholeNumberNotItsExponent(t *testing.T) {
	for _, v := range []string{"10000000000000000000", "7000000000000000000000000000000", "120000000000000000000000"} {
		out := dec(v)
		sig := strings.TrimRight(v, "0")
		short := decimal.New(dec(sig).IntPart(), int32(len(v)-len(sig))) // 1E19, 7E30, 12E22
		for _, form := range []decimal.Decimal{out, dectest.Pad(out, 3), short, decimal.New(short.CoefficientInt64()*10, short.Exponent()-1)} {
			name := fmt.Sprintf("%s written with exponent %d", v, form.Exponent())
			o := order()
			o.Lines[0].Quantity, o.Lines[0].UnitPrice = form, dec("1")
			require.NoError(t, o.Validate(), name)
			requireDecEqual(t, out.Add(dec("12").Mul(dec("68.3"))).Add(dec("225")), o.Total(), name)
			inv := invoice()
			inv.Amount = form
			require.NoError(t, inv.Validate(), name)
			pay := payment()
			pay.Amount = form
			require.NoError(t, pay.Validate(), name)
			s := shipment()
			s.Lines[0].Shipped, s.Lines[0].Received = form, form
			require.NoError(t, s.Validate(), name)
		}
	}
}

// ParseDecimal counts the places of the value: a numeric(38,20) column's text of 12.34 is 12.34.
func TestParseDecimalCountsPlacesWithoutTrailingZeros(t *testing.T) {
	for in, want := range map[string]string{
		"12.34000000000000000000":         "12.34",
		"-0.000000000000000001000000":     "-0.000000000000000001",
		"1000.00000000000000000000000000": "1000",
		"12.30":                           "12.30",
	} {
		got, err := b2bkit.ParseDecimal(in)
		require.NoError(t, err, in)
		requireDecEqual(t, dec(want), got, in)
		assert.GreaterOrEqual(t, got.Exponent(), int32(-b2bkit.MaxDecimalPlaces), in)
	}
	var d b2bkit.JSONDecimal
	require.NoError(t, d.UnmarshalJSON([]byte(`"12.34000000000000000000"`)))
	requireDecEqual(t, dec("12.34"), d.Decimal)
	for _, bad := range []string{"0.0000000000000000001", "0.00000000000000000010000"} {
		_, err := b2bkit.ParseDecimal(bad)
		require.ErrorContains(t, err, "more than 18 decimal places", bad)
	}
}

// ParseDecimal decides on the value, not on how it is written: leading zeros, the zeros ending a
// fraction, a missing 0 before the point and a plus sign change nothing, so "0012.50", "12.5" and
// "12.5" with 30 more zeros are one number with one answer — at MaxDecimalDigits and
// MaxDecimalPlaces too.
func TestParseDecimalPropertyOneValueOneAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	digits := func(n int, first bool) string {
		var b strings.Builder
		for i := range n {
			c := byte('0' + rng.IntN(10))
			if i == 0 && first && c == '0' {
				c = '1'
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	for range 5_000 {
		// a value of up to 45 digits before the point and 21 places: some beyond either limit
		whole, frac := digits(rng.IntN(46), true), digits(rng.IntN(22), false)
		if frac != "" {
			frac = frac[:len(frac)-1] + string(byte('1'+rng.IntN(9))) // its last place is significant
		}
		sign := []string{"", "-", "+"}[rng.IntN(3)]
		short := sign + whole
		if whole == "" {
			short += "0"
		}
		if frac != "" {
			short += "." + frac
		}
		forms := []string{short}
		for _, lead := range []int{1, 3, 40} {
			forms = append(forms, sign+strings.Repeat("0", lead)+strings.TrimPrefix(short, sign))
		}
		for _, trail := range []int{1, 5, 30} {
			dot := "."
			if frac != "" {
				dot = ""
			}
			forms = append(forms, short+dot+strings.Repeat("0", trail))
		}
		if whole == "" && frac != "" {
			forms = append(forms, sign+"."+frac)
		}
		want, wantErr := b2bkit.ParseDecimal(short)
		for _, f := range forms {
			got, err := b2bkit.ParseDecimal(f)
			if wantErr != nil {
				require.Error(t, err, "%q is refused (%v), but %q is accepted", short, wantErr, f)
				require.ErrorIs(t, err, b2bkit.ErrInvalid, f)
				continue
			}
			require.NoError(t, err, "%q is accepted, but %q is refused", short, f)
			require.True(t, got.Equal(want), "%q is %s, %q is %s", short, want, f, got)
		}
	}
}
