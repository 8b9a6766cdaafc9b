package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
)

// A receivable is financed once (R19), and the rule survives a restart: the registry lives in a
// SQLite file, and a second process (here, a second open) sees the financing.
func ExampleOpenSQLite() {
	dir, err := os.MkdirTemp("", "b2bkit-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "platform.db")
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 10, 0, 0, 0, cst) }
	inv := b2bkit.Invoice{Number: "INV-2026-001", Seller: "steel-mill-2", Buyer: "shipyard-7", Orders: []b2bkit.OrderID{"PO-77"},
		Amount: decimal.RequireFromString("1200000.00"), Currency: "CNY", IssuedAt: day(2, 2), DueAt: day(5, 3)}

	db, err := sqlstore.OpenSQLite(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := risk.NewLedger(db.Registry(), nil)
	r, _ := ledger.Offer(ctx, inv, "bank-a", "mill-clerk", day(2, 2))
	_, _ = ledger.Confirm(ctx, r.Fingerprint, "bank-a", "yard-treasurer", day(2, 3))
	r, err = ledger.Finance(ctx, r.Fingerprint, "bank-a", decimal.RequireFromString("960000"), "bank-a-officer", day(2, 4))
	fmt.Println(r.State, r.Lender, r.Financed, err)
	db.Close()

	db, err = sqlstore.OpenSQLite(path) // the next day, another server
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	retyped := inv
	retyped.Number = "inv－２０２６－００１"
	_, err = risk.NewLedger(db.Registry(), nil).Offer(ctx, retyped, "bank-b", "mill-clerk", day(2, 6))
	fmt.Println("offered again to bank-b:", errors.Is(err, b2bkit.ErrConflict))
	got, _ := db.Registry().Get(ctx, r.Fingerprint)
	fmt.Println(got.State, got.Version, got.Invoice.DueAt.Format(time.DateOnly))
	// Output:
	// financed bank-a 960000 <nil>
	// offered again to bank-b: true
	// financed 3 2026-05-03
}
