package risk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// verifyFuzzDec makes a decimal of v with 0 to 7 places.
func verifyFuzzDec(v int64, places uint8) decimal.Decimal { return decimal.New(v, -int32(places%8)) }

func FuzzVerifyTrade(f *testing.F) {
	f.Add(int64(100), int64(1250), int64(60), int64(60), int64(40), int64(40), int64(125000), int64(0), int64(100000), uint8(2), "B-1", "RICE", "CNY", int8(2), int8(6), int8(20))
	f.Add(int64(100), int64(1250), int64(60), int64(50), int64(50), int64(0), int64(200000), int64(-1000), int64(500), uint8(1), "X-9", "RICE", "CNY", int8(-3), int8(1), int8(0))
	f.Add(int64(7), int64(3), int64(1), int64(1), int64(9), int64(9), int64(21), int64(-22), int64(21), uint8(0), "S-1", "OIL", "USD", int8(0), int8(0), int8(0))
	f.Add(int64(-1), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(7), "", "", "", int8(0), int8(0), int8(0))
	f.Fuzz(func(t *testing.T, qty, price, ship1, recv1, ship2, recv2, inv1, inv2, pay int64, places uint8,
		payer, sku2, payCurrency string, shipDay, invDay, payDay int8) {
		tr := verifyCleanTrade()
		d := func(v int64) decimal.Decimal { return verifyFuzzDec(v, places) }
		tr.Order.Lines = []b2bkit.OrderLine{{SKU: "RICE", Quantity: d(qty), UnitPrice: d(price)}}
		tr.Shipments[0].ShippedAt = verifyDay(int(shipDay))
		tr.Shipments[0].ReceivedAt = verifyDay(int(shipDay) + 1)
		tr.Shipments[0].Lines = []b2bkit.ShipmentLine{{SKU: "RICE", Shipped: d(ship1), Received: d(recv1)}}
		tr.Shipments[1].Lines = []b2bkit.ShipmentLine{{SKU: b2bkit.SKU(sku2), Shipped: d(ship2), Received: d(recv2)}}
		tr.Invoices = []b2bkit.Invoice{verifyInvoice("INV-1", "1", int(invDay))}
		tr.Invoices[0].Amount = d(inv1)
		if inv2 != 0 {
			tr.Invoices = append(tr.Invoices, verifyInvoice("INV-2", "1", int(invDay)+1))
			tr.Invoices[1].Amount = d(inv2)
		}
		tr.Payments[0].Amount = d(pay)
		tr.Payments[0].Payer = b2bkit.CompanyID(payer)
		tr.Payments[0].Currency = payCurrency
		tr.Payments[0].PaidAt = verifyDay(int(payDay))

		v := risk.VerifyTrade(tr, risk.Tolerances{})
		verr := tr.Validate()
		if (v.Status == risk.Invalid) != (v.Err != nil) || (v.Err != nil) != (verr != nil) {
			t.Fatalf("status %v, err %v, Validate %v", v.Status, v.Err, verr)
		}
		if v.Err != nil {
			if !errors.Is(v.Err, b2bkit.ErrInvalid) || !strings.HasPrefix(v.Err.Error(), "risk: ") || len(v.Exceptions) > 0 {
				t.Fatalf("bad invalid verdict: %v %+v", v.Err, v.Exceptions)
			}
			return
		}
		// What VerifyTrade accepted, every record's own Validate accepts.
		if err := tr.Order.Validate(); err != nil {
			t.Fatalf("accepted an invalid order: %v", err)
		}
		for _, s := range tr.Shipments {
			if err := s.Validate(); err != nil {
				t.Fatalf("accepted an invalid shipment: %v", err)
			}
		}
		switch v.Status {
		case risk.Consistent:
			if len(v.Exceptions) > 0 {
				t.Fatalf("consistent with exceptions: %+v", v.Exceptions)
			}
		case risk.Exceptions:
			if len(v.Exceptions) == 0 {
				t.Fatal("exceptions without any")
			}
		case risk.NotATrade:
			if !v.Has(risk.CodeNoShipment) && !v.Has(risk.CodeNothingReceived) && !v.Has(risk.CodeUnrelatedParty) {
				t.Fatalf("not a trade without a reason: %+v", v.Exceptions)
			}
		default:
			t.Fatalf("status %v", v.Status)
		}
		for _, e := range v.Exceptions {
			if e.Code == "" || e.Record == "" || e.Message == "" {
				t.Fatalf("incomplete exception %+v", e)
			}
		}
		fin := v.Financeable
		if fin.Amount.Sign() < 0 {
			t.Fatalf("negative amount %s", fin.Amount)
		}
		for _, part := range []decimal.Decimal{fin.Ordered, fin.Received, fin.Invoiced, fin.Unpaid} {
			if fin.Amount.Cmp(part) > 0 {
				t.Fatalf("amount %s above a part: %+v", fin.Amount, fin)
			}
		}
		if v.Status != risk.Consistent && !fin.Amount.IsZero() {
			t.Fatalf("amount %s on a %v trade", fin.Amount, v.Status)
		}
	})
}

func FuzzLoadTolerances(f *testing.F) {
	f.Add([]byte(`{"quantity":{"absolute":"0.5","relative":"0"},"amount":{"absolute":"0.01","relative":"0.02"},"days":2}`))
	f.Add([]byte(`{"days": 1}`))
	f.Add([]byte(`{"amount": {"relative": 0.5}}`))
	f.Add([]byte(`{"quantity": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tol, err := risk.LoadTolerances(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := tol.Validate(); err != nil {
			t.Fatalf("loaded invalid tolerances: %v", err)
		}
		b, err := json.Marshal(tol)
		if err != nil {
			t.Fatal(err)
		}
		back, err := risk.LoadTolerances(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("cannot read back %s: %v", b, err)
		}
		b2, _ := json.Marshal(back)
		if !bytes.Equal(b, b2) {
			t.Fatalf("round trip changed %s into %s", b, b2)
		}
	})
}

func FuzzLoadHaircutSchedule(f *testing.F) {
	f.Add([]byte(`{"steps":[{"max_days":7,"haircut":"0.1"},{"max_days":30,"haircut":"0.2"}],"min_trades":5}`))
	f.Add([]byte(`{"steps":[{"max_days":7,"haircut":0.1}]}`))
	f.Add([]byte(`{"steps":null,"min_trades":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := risk.LoadHaircutSchedule(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("loaded an invalid schedule: %v", err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := risk.LoadHaircutSchedule(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("cannot read back %s: %v", b, err)
		}
		b2, _ := json.Marshal(back)
		if !bytes.Equal(b, b2) {
			t.Fatalf("round trip changed %s into %s", b, b2)
		}
	})
}

func FuzzGoodsEligibility(f *testing.F) {
	f.Add(int64(500), uint8(0), int64(2000), int64(11850), int64(11900), 40, false, uint8(1), true, 30)
	f.Add(int64(7), uint8(3), int64(1), int64(1), int64(0), 0, true, uint8(0), false, 1)
	f.Fuzz(func(t *testing.T, qty int64, places uint8, volume, median, mean int64, count int, thin bool, kind uint8, verified bool, windowDays int) {
		v := &eligibilityValuer{ref: matching.Reference{Currency: "CNY", Count: count, Thin: thin,
			Volume: verifyFuzzDec(volume, places), Median: decimal.New(median, -2), Mean: decimal.New(mean, -2)}}
		g := eligibilityGoods()
		g.Quantity = verifyFuzzDec(qty, places)
		g.Window = time.Duration(windowDays) * 24 * time.Hour
		g.Custody.Kind = risk.CustodyKind(kind)
		g.Custody.Verified = verified
		d, err := risk.GoodsEligibility(context.Background(), v, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) || v.calls != 0 {
				t.Fatalf("error %v after %d calls", err, v.calls)
			}
			return
		}
		if v.calls != 1 {
			t.Fatalf("%d calls to the valuer", v.calls)
		}
		if d.Eligible != (d.Failed == 0) || d.Code == "" || d.Reason == "" {
			t.Fatalf("inconsistent decision %+v", d)
		}
		if d.Advance.Sign() < 0 || d.Advance.Cmp(d.Value) > 0 {
			t.Fatalf("advance %s outside [0, value %s]", d.Advance, d.Value)
		}
		if d.Eligible && (d.DaysToSell < 0 || d.DaysToSell > 90) {
			t.Fatalf("eligible after %d days to sell", d.DaysToSell)
		}
	})
}
