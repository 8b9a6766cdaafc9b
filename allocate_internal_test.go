package b2bkit

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The 64-bit fast path and the exact decimal path must agree part for part.
func TestAllocatePathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 2000; n++ {
		scale := int32(rng.IntN(5))
		total := decimal.New(rng.Int64N(2_000_000_000_000)-1_000_000_000_000, -scale)
		ws := make([]decimal.Decimal, 1+rng.IntN(12))
		sum := decimal.Zero
		for i := range ws {
			ws[i] = decimal.New(rng.Int64N(1_000_000), -int32(rng.IntN(6)))
			sum = sum.Add(ws[i])
		}
		if n%3 == 0 {
			total = total.Neg()
		}
		if sum.IsZero() {
			continue
		}
		fast, ok := allocateMinor(total, ws, scale)
		require.True(t, ok)
		slow := allocateDecimal(total, ws, sum, scale)
		for i := range fast {
			require.True(t, fast[i].Equal(slow[i]), "case %d part %d: fast %s slow %s", n, i, fast[i], slow[i])
		}
	}
}

// The 64-bit schedule and the exact decimal schedule must agree installment for installment.
func TestSchedulePathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := 0; n < 2000; n++ {
		k := 1 + rng.IntN(6)
		ws := make([]decimal.Decimal, k)
		for i := range ws {
			ws[i] = decimal.NewFromInt(1 + rng.Int64N(1000))
		}
		shares, err := Allocate(decimal.NewFromInt(1), ws, int32(2+rng.IntN(6)))
		require.NoError(t, err)
		var p PaymentTerms
		for _, s := range shares {
			if s.Sign() > 0 {
				p.Installments = append(p.Installments, Installment{Share: s, Due: DueEvent(rng.IntN(2)), Days: rng.IntN(100)})
			}
		}
		lead := rng.IntN(60)
		tr := Terms{Payment: p, OrderedAt: at, DeliverBy: at.AddDate(0, 0, lead)}
		scale := int32(rng.IntN(4))
		total := decimal.New(rng.Int64N(2_000_000_000_000)-1_000_000_000_000, -scale)
		fast := make([]Due, len(p.Installments))
		slow := make([]Due, len(p.Installments))
		require.True(t, tr.scheduleMinor(fast, total, scale))
		tr.scheduleDecimal(slow, total, scale)
		for i := range fast {
			require.True(t, fast[i].Amount.Equal(slow[i].Amount), "case %d installment %d: fast %s slow %s", n, i, fast[i].Amount, slow[i].Amount)
		}
		days := tr.CreditDays()
		exact := decimal.Zero
		for _, in := range p.Installments {
			days := in.Days
			if in.Due == OnOrder {
				days -= lead
			}
			exact = exact.Add(in.Share.Mul(decimal.NewFromInt(int64(days))))
		}
		require.True(t, days.Equal(exact), "case %d: credit days %s, exact %s", n, days, exact)
	}
}

// The fast paths of Validate may only accept terms that the full checks accept, and must accept the
// common ones.
func TestValidateFastPathsAcceptOnlyValidTerms(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	accepted := 0
	for i := range 20000 {
		var ins []Installment
		for range 1 + rng.IntN(3) {
			share := decimal.New(rng.Int64N(120)-5, -int32(rng.IntN(3)))
			ins = append(ins, Installment{Share: share, Due: DueEvent(rng.IntN(3)), Days: rng.IntN(4000) - 100})
		}
		if rng.IntN(2) == 0 {
			ins = DepositBalance(decimal.New(rng.Int64N(101), -2), rng.IntN(4000)).Installments
		}
		if rng.IntN(50) == 0 {
			ins = nil
		}
		tm := Terms{Payment: PaymentTerms{Installments: ins}, OrderedAt: day, DeliverBy: day.AddDate(0, 0, rng.IntN(4000)-10)}
		if rng.IntN(50) == 0 {
			tm.OrderedAt = time.Time{}
		}
		if tm.plainlyValid() {
			accepted++
			require.NoErrorf(t, tm.validate(), "%d: %+v", i, tm)
		}
		if tm.Payment.plainlyValid() {
			require.NoErrorf(t, tm.Payment.validate(), "%d: %+v", i, tm.Payment)
		}
		require.Equal(t, tm.validate() == nil, tm.Validate() == nil, i)
		require.Equal(t, tm.Payment.validate() == nil, tm.Payment.Validate() == nil, i)
	}
	require.Greater(t, accepted, 1000, "the fast path should accept the common valid terms")
}
