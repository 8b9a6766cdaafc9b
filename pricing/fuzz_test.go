package pricing_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// FuzzLoadPolicy: any document either loads into a policy that validates and re-loads to the same
// version, or fails with ErrInvalid; it never panics.
func FuzzLoadPolicy(f *testing.F) {
	good, err := os.ReadFile("testdata/restaurant.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	catalogue, err := os.ReadFile("testdata/catalogue.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(catalogue)
	f.Add([]byte(`{"steps":[{"kind":"base","rules":[]}]}`))
	f.Add([]byte(`{"steps":[{"kind":"base","rules":[]},{"kind":"quantity","rules":[{"id":"q","bands":[{"from":"0","to":"1e9","percent":"-1"}]}]}]}`))
	f.Add([]byte(`{"steps":[{"kind":"base","rules":[{"id":"c","price":"1.5"}]},{"kind":"rounding","rules":[{"id":"r","scale":99}]}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := pricing.LoadPolicy(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("loaded policy does not validate: %v", err)
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := pricing.LoadPolicy(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-load of %s: %v", out, err)
		}
		v1, _ := p.Version()
		v2, _ := back.Version()
		if v1 != v2 {
			t.Fatalf("version changed on round trip")
		}
	})
}

// FuzzQuote: any request either quotes with a schedule summing to the total, or fails with one of
// the sentinels; it never panics.
func FuzzQuote(f *testing.F) {
	e := restaurantEngine(f)
	f.Add("RICE-25KG", "100", "golden-dragon", "gold", "C", "0.3", 60, 10, int64(0))
	f.Add("OIL-20L", "0.001", "x", "", "", "1", 0, 0, int64(3600))
	f.Add("SALT-1KG", "-5", "", "silver", "A", "0", 3000, -4, int64(-86400))
	f.Add("NOPE", "1e999999", "", "", "", "2", -1, 99999, int64(1))
	f.Fuzz(func(t *testing.T, sku, qty, buyer, tier, grade, deposit string, balanceDays, lead int, offset int64) {
		q, err := decimal.NewFromString(qty)
		if err != nil {
			return
		}
		d, err := decimal.NewFromString(deposit)
		if err != nil {
			return
		}
		r := pricing.Request{Buyer: b2bkit.CompanyID(buyer), SKU: b2bkit.SKU(sku), Quantity: q, Tier: tier, Grade: grade,
			Terms: b2bkit.Terms{Payment: b2bkit.DepositBalance(d, balanceDays), OrderedAt: orderDay.Add(time.Duration(offset) * time.Second),
				DeliverBy: orderDay.AddDate(0, 0, lead)}}
		got, err := e.Quote(ctx, r)
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) && !errors.Is(err, b2bkit.ErrNotFound) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		sum := decimal.Zero
		for _, due := range got.Schedule {
			sum = sum.Add(due.Amount)
		}
		if !sum.Equal(got.Total) {
			t.Fatalf("schedule sums to %s, total %s", sum, got.Total)
		}
		if got.UnitPrice.Sign() <= 0 {
			t.Fatalf("unit price %s", got.UnitPrice)
		}
		_ = got.Explain()
	})
}
