package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/risktest"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestR19_RegistryConformance runs risk's conformance suite — versions, copies, the company index
// and 64 goroutines racing to finance one receivable — on both dialects.
func TestR19_RegistryConformance(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		risktest.Run(t, func(t *testing.T) risk.Registry { return open(t).Registry() })
	})
}

// TestR19_InvoiceOverManyOrdersIsStoredWhole: a receivable whose invoice covers more orders than one
// statement may carry arguments for (12,000 orders, 36,000 arguments, beyond SQLite's 32,766) is
// stored and read back with every order in its place, on both dialects; Receivables of a company
// named by text no record can hold yields nothing.
func TestR19_InvoiceOverManyOrdersIsStoredWhole(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		reg := open(t).Registry()
		at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
		inv := b2bkit.Invoice{Number: "INV-1", Seller: "S", Buyer: "B", Amount: decimal.RequireFromString("120000.00"), Currency: "CNY",
			IssuedAt: at, DueAt: at.AddDate(0, 0, 60)}
		for i := range 12_000 {
			inv.Orders = append(inv.Orders, b2bkit.OrderID(fmt.Sprintf("PO-%05d", i)))
		}
		fp, err := risk.FingerprintOf(inv)
		require.NoError(t, err)
		r := risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateOffered, Lender: "BANK",
			History: []risk.Transition{{To: risk.StateOffered, At: at, By: "clerk", Lender: "BANK"}}}
		stored, err := reg.Put(ctx, r)
		require.NoError(t, err)
		got, err := reg.Get(ctx, fp)
		require.NoError(t, err)
		require.Equal(t, inv.Orders, got.Invoice.Orders)
		// Written again at its version, it keeps them.
		_, err = reg.Put(ctx, stored)
		require.NoError(t, err)
		got, err = reg.Get(ctx, fp)
		require.NoError(t, err)
		require.Equal(t, inv.Orders, got.Invoice.Orders)
		for r, err := range reg.Receivables(ctx, "S\x00") {
			t.Errorf("a receivable of a company no record can name: %v %v", r.Fingerprint, err)
		}
	})
}

// TestR19_ReceivableWithALongHistoryIsStoredWhole: a receivable offered again and again — each
// offer expiring, as when it is put to lender after lender — has a history longer than one
// statement may carry arguments for (8,201 transitions, 65,608 arguments, beyond SQLite's 32,766
// and PostgreSQL's 65,535); it is stored and read back whole, as an invoice over many orders is
// (TestR19_InvoiceOverManyOrdersIsStoredWhole), on both dialects. Before, its Put failed with "too many SQL variables".
func TestR19_ReceivableWithALongHistoryIsStoredWhole(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		reg := open(t).Registry()
		at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
		inv := b2bkit.Invoice{Number: "INV-1", Seller: "S", Buyer: "B", Orders: []b2bkit.OrderID{"PO-1"},
			Amount: decimal.RequireFromString("120000.00"), Currency: "CNY", IssuedAt: at, DueAt: at.AddDate(0, 0, 60)}
		fp, err := risk.FingerprintOf(inv)
		require.NoError(t, err)
		r := risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateOffered, Lender: "BANK-4100"}
		for i := range 4_100 {
			lender := b2bkit.CompanyID(fmt.Sprintf("BANK-%d", i))
			r.History = append(r.History,
				risk.Transition{To: risk.StateOffered, At: at.Add(time.Duration(2*i) * time.Minute), By: "clerk", Lender: lender},
				risk.Transition{To: risk.StateExpired, At: at.Add(time.Duration(2*i+1) * time.Minute), By: "system", Lender: lender})
		}
		r.History = append(r.History, risk.Transition{To: risk.StateOffered, At: at.AddDate(0, 0, 30), By: "clerk", Lender: "BANK-4100"})
		require.NoError(t, r.Validate())
		stored, err := reg.Put(ctx, r)
		require.NoError(t, err)
		got, err := reg.Get(ctx, fp)
		require.NoError(t, err)
		require.Len(t, got.History, len(r.History))
		for i, want := range r.History {
			g := got.History[i]
			require.True(t, g.To == want.To && g.At.Equal(want.At) && g.By == want.By && g.Lender == want.Lender, "transition %d: %+v", i, g)
		}
		// Written again at its version, it keeps them.
		_, err = reg.Put(ctx, stored)
		require.NoError(t, err)
		got, err = reg.Get(ctx, fp)
		require.NoError(t, err)
		require.Len(t, got.History, len(r.History))
	})
}
