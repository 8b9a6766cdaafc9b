package risk_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
)

// A seller offers an invoice to BANK-A, the debtor confirms it (确权) and BANK-A finances it. The
// same invoice, its number retyped in full-width characters, is then brought to BANK-B: the
// registry knows it by its fingerprint and refuses, naming the lender that financed it.
func ExampleLedger_Finance() {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, cst) }
	reg := risk.NewMemoryRegistry()
	ledger := risk.NewLedger(reg, nil)

	inv := b2bkit.Invoice{Number: "INV-2026-001", Seller: "STEEL-MILL", Buyer: "SHIPYARD", Orders: []b2bkit.OrderID{"PO-7"},
		Amount: decimal.RequireFromString("1200000.00"), Currency: "CNY", IssuedAt: day(2), DueAt: day(2).AddDate(0, 0, 90)}
	r, err := ledger.Offer(ctx, inv, "BANK-A", "mill-clerk", day(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := ledger.Confirm(ctx, r.Fingerprint, "BANK-A", "yard-treasurer", day(3)); err != nil {
		fmt.Println(err)
		return
	}
	r, err = ledger.Finance(ctx, r.Fingerprint, "BANK-A", decimal.RequireFromString("960000"), "bank-a-officer", day(4))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s by %s: %s of %s\n", r.State, r.Lender, r.Financed, r.Invoice.Amount)

	retyped := inv
	retyped.Number = "inv－２０２６－００１"
	_, err = ledger.Offer(ctx, retyped, "BANK-B", "mill-clerk", day(5))
	fmt.Println("conflict:", errors.Is(err, b2bkit.ErrConflict))
	fmt.Println(strings.Replace(err.Error(), r.Fingerprint.String(), r.Fingerprint.String()[:8]+"…", 1))

	out, _ := risk.FinancedOutstanding(ctx, reg, "STEEL-MILL")
	fmt.Println("STEEL-MILL owes BANK-A until SHIPYARD pays:", out)
	// Output:
	// financed by BANK-A: 960000 of 1200000
	// conflict: true
	// risk: receivable f50ee0a6…: financed by lender BANK-A: conflict
	// STEEL-MILL owes BANK-A until SHIPYARD pays: 960000
}
