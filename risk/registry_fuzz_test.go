package risk_test

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// regRetype writes s as a careless clerk might: ASCII letters lower-cased, printable ASCII in
// full-width forms (every other one), spaces as ideographic spaces, a dash inserted. Only ASCII is
// changed, since upper-casing is not the inverse of lower-casing for every other script.
func regRetype(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == ' ':
			b.WriteRune('\u3000')
			continue
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		}
		if r > ' ' && r < 0x7f && i%2 == 0 {
			r += 0xFEE0
		}
		b.WriteRune(r)
		if i == 1 {
			b.WriteString("－")
		}
	}
	return b.String()
}

func FuzzNormalizeInvoiceNumber(f *testing.F) {
	for _, s := range []string{"INV-2026-001", "inv-２０２６－００１", "发票 No. ４２", "A\xffB", "ß-ǆ", "", "\u200b", "İı"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := risk.NormalizeInvoiceNumber(s)
		if again := risk.NormalizeInvoiceNumber(n); again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, again)
		}
		if !utf8.ValidString(n) {
			t.Fatalf("%q normalised to invalid UTF-8 %q", s, n)
		}
		if strings.ContainsAny(n, " -\t\u3000") {
			t.Fatalf("%q normalised to %q, which keeps a space or dash", s, n)
		}
		if utf8.ValidString(s) {
			if v := risk.NormalizeInvoiceNumber(regRetype(s)); v != n {
				t.Fatalf("retyped %q (%q) normalised to %q, not %q", s, regRetype(s), v, n)
			}
		}
	})
}

func FuzzFingerprintOf(f *testing.F) {
	f.Add("INV-2026-001", "SELLER", "DEBTOR", "CNY", "1200.00", int64(1777593600), int32(8*3600), uint8(1))
	f.Add("inv－１", "S", "D", "USD", "-5", int64(0), int32(0), uint8(0))
	f.Add("", "", "", "", "0", int64(-1), int32(-5*3600), uint8(3))
	f.Fuzz(func(t *testing.T, number, seller, buyer, currency, amount string, due int64, offset int32, zeros uint8) {
		d, err := b2bkit.ParseDecimal(amount)
		if err != nil {
			return
		}
		loc := time.FixedZone("Z", int(offset%(18*3600)))
		dueAt := time.Unix(due%(1<<40), 0).In(loc)
		inv := b2bkit.Invoice{Number: b2bkit.InvoiceNumber(number), Seller: b2bkit.CompanyID(seller), Buyer: b2bkit.CompanyID(buyer),
			Orders: []b2bkit.OrderID{"PO"}, Amount: d, Currency: currency, IssuedAt: dueAt.AddDate(0, 0, -30), DueAt: dueAt}
		fp, err := risk.FingerprintOf(inv)
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) || !strings.HasPrefix(err.Error(), "risk: invoice.") {
				t.Fatalf("error %q does not match ErrInvalid naming an invoice field", err)
			}
			if !fp.IsZero() {
				t.Fatal("an error with a fingerprint")
			}
			return
		}
		// the same invoice retyped, the amount with more trailing zeros, due later that day
		variant := inv
		variant.Number = b2bkit.InvoiceNumber(regRetype(number))
		coef := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(zeros%20)), nil))
		variant.Amount = decimal.NewFromBigInt(coef, d.Exponent()-int32(zeros%20))
		y, m, dd := dueAt.Date()
		variant.DueAt = time.Date(y, m, dd, 23, 59, 59, 0, loc)
		variant.IssuedAt = variant.DueAt.AddDate(0, 0, -1)
		got, err := risk.FingerprintOf(variant)
		if err != nil {
			t.Fatalf("variant of a valid invoice refused: %v", err)
		}
		if got != fp {
			t.Fatalf("variant %q %s %s of %q %s %s has another fingerprint", variant.Number, variant.Amount, variant.DueAt, number, d, dueAt)
		}
		// one minor unit more is another receivable
		other := inv
		other.Amount = d.Add(decimal.New(1, d.Exponent()))
		if ofp, err := risk.FingerprintOf(other); err == nil && ofp == fp {
			t.Fatalf("%s and %s share a fingerprint", d, other.Amount)
		}
	})
}

func FuzzReceivableJSON(f *testing.F) {
	l, reg := regLedger()
	fp := regOfferConfirm(f, l, regInvoice("INV-1", "1000"), "BANK-A")
	if _, err := l.Finance(regCtx, fp, "BANK-A", decimal.RequireFromString("800.5"), "officer", regAt(3)); err != nil {
		f.Fatal(err)
	}
	r, err := reg.Get(regCtx, fp)
	if err != nil {
		f.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"state":"repaid","history":[{"to":"offered"}]}`))
	f.Add([]byte(`{"financed":"1e99999"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var x risk.Receivable
		if err := json.Unmarshal(data, &x); err != nil {
			return
		}
		if err := x.Validate(); err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("validate: %v does not match ErrInvalid", err)
			}
			return
		}
		out, err := json.Marshal(x)
		if err != nil {
			t.Fatalf("a valid receivable does not marshal: %v", err)
		}
		var back risk.Receivable
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("a marshalled receivable does not read back: %v\n%s", err, out)
		}
		if !x.Equal(back) {
			t.Fatalf("round trip changed the receivable:\n%s", out)
		}
	})
}
