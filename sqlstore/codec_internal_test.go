package sqlstore

import (
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// FuzzDecimalText: a decimal that fits is written as text that reads back to the same value with
// the same scale; one that does not fit is refused before anything is written.
func FuzzDecimalText(f *testing.F) {
	for _, s := range []string{"118.00", "-0.5", "0", "1e30", "1e-18", "123456789012345678901234567890.1234567891", "5e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := decimal.NewFromString(s)
		if err != nil || d.Exponent() < -1000 || d.Exponent() > 1000 || len(s) > 200 {
			return
		}
		if !decFits(d) {
			return
		}
		text := decText(d)
		back, err := b2bkit.ParseDecimal(text)
		if err != nil {
			t.Fatalf("%s written as %q does not read back: %v", s, text, err)
		}
		if !back.Equal(d) {
			t.Fatalf("%s written as %q reads back as %s", s, text, back)
		}
		if d.Exponent() < 0 && back.Exponent() != d.Exponent() {
			t.Fatalf("%s written as %q loses its scale: exponent %d, want %d", s, text, back.Exponent(), d.Exponent())
		}
	})
}

// FuzzPaymentText: stored payment text that parses is written back the same way, and what
// paymentText writes always parses.
func FuzzPaymentText(f *testing.F) {
	for _, s := range []string{"1/on_delivery/0", "0.3/on_order/0;0.7/on_delivery/60", "", "x", "1/later/2", "0.5/on_order/-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePayment(s)
		if err != nil {
			return
		}
		again, err := parsePayment(paymentText(p))
		if err != nil {
			t.Fatalf("%q parsed, but its text %q does not: %v", s, paymentText(p), err)
		}
		if !again.Equal(p) {
			t.Fatalf("%q: %v, written and read again: %v", s, p, again)
		}
	})
}

// FuzzParseRoles: stored role text that parses is written back the same way.
func FuzzParseRoles(f *testing.F) {
	for _, s := range []string{"", "user", "decision_maker,payer", "nobody", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := parseRoles(s)
		if err != nil {
			return
		}
		if got := roleWords(rs); got != s {
			t.Fatalf("%q reads as %v, written back as %q", s, rs, got)
		}
	})
}
