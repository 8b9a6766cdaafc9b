package b2bkit_test

import (
	"fmt"
	"time"
	_ "time/tzdata" // the zone of ExampleDayStart, wherever the tests run

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
)

// Split a freight bill of 100.00 over three orders by weight: the parts sum exactly to the total and
// the leftover fen goes to the largest remainder.
func ExampleAllocate() {
	weights := []decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(1), decimal.NewFromInt(1)}
	parts, err := b2bkit.Allocate(decimal.RequireFromString("100.00"), weights, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(parts)
	// Output: [33.34 33.33 33.33]
}

// 30% deposit on order, the balance 60 days after delivery.
func ExampleDepositBalance() {
	p := b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60)
	fmt.Println(p)
	fmt.Println("credit:", p.IsCredit())
	// Output:
	// 30% on order, 70% 60 days after delivery
	// credit: true
}

// The payment schedule of a 12,345.67 order, ordered on 1 March for delivery on the 11th.
func ExampleTerms_Schedule() {
	cst := time.FixedZone("CST", 8*3600)
	t := b2bkit.Terms{
		Payment:   b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60),
		OrderedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, cst),
		DeliverBy: time.Date(2026, 3, 11, 10, 0, 0, 0, cst),
	}
	dues, err := t.Schedule(decimal.RequireFromString("12345.67"), 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range dues {
		fmt.Println(d.Date.Format("2006-01-02"), d.Amount.StringFixed(2))
	}
	fmt.Println("lead days:", t.LeadDays(), "credit days:", t.CreditDays())
	// Output:
	// 2026-03-01 3703.70
	// 2026-05-10 8641.97
	// lead days: 10 credit days: 39
}

func ExamplePaymentTerms_SplitMinor() {
	// 12,345.67 in fen, 30% on order and 70% sixty days after delivery.
	amounts, ok := b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60).SplitMinor(1234567, nil)
	fmt.Println(amounts, ok)
	// Output:
	// [370370 864197] true
}

// A validation error names the field by its JSON path and matches ErrInvalid.
func ExampleFieldError() {
	t := b2bkit.Terms{
		Payment:   b2bkit.DepositBalance(decimal.RequireFromString("1.2"), 30),
		OrderedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		DeliverBy: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	fmt.Println(t.Validate())
	// Output:
	// payment.installments[1].share: must be > 0
	// deliver_by: must not be before ordered_at
}

// A campaign or a report that starts "on 4 November 2018" in São Paulo starts when that day did:
// the clocks went from 00:00 to 01:00 that night, and time.Date gives the missing midnight as an
// hour of the 3rd.
func ExampleDayStart() {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(time.Date(2018, 11, 4, 0, 0, 0, 0, sp).Format(time.RFC3339))
	fmt.Println(b2bkit.DayStart(2018, 11, 4, sp).Format(time.RFC3339))
	fmt.Println(b2bkit.DayStart(2018, 11, 5, sp).Format(time.RFC3339))
	// Output:
	// 2018-11-03T23:00:00-03:00
	// 2018-11-04T01:00:00-02:00
	// 2018-11-05T00:00:00-02:00
}
