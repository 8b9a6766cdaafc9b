package b2bkit

import (
	"math"
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

// SplitMinor never panics, never splits shares Validate refuses, and splits what it accepts exactly
// as the decimal schedule does.
func FuzzSplitMinor(f *testing.F) {
	f.Add(int64(1234567), int64(3), int32(-1), int64(7), int32(-1), int64(0), int32(0), uint8(2))
	f.Add(int64(-1001), int64(3), int32(-1), int64(7), int32(-1), int64(0), int32(0), uint8(0))
	f.Add(int64(math.MaxInt64), int64(1), int32(0), int64(0), int32(0), int64(0), int32(0), uint8(4))
	f.Add(int64(math.MinInt64), int64(1), int32(0), int64(0), int32(0), int64(0), int32(0), uint8(2))
	f.Add(int64(99), int64(3333), int32(-4), int64(3333), int32(-4), int64(3334), int32(-4), uint8(2))
	f.Fuzz(func(t *testing.T, total, c1 int64, e1 int32, c2 int64, e2 int32, c3 int64, e3 int32, scale uint8) {
		var p PaymentTerms
		for _, s := range []struct {
			c int64
			e int32
		}{{c1, e1}, {c2, e2}, {c3, e3}} {
			if s.c != 0 && s.e >= -30 && s.e <= 30 {
				p.Installments = append(p.Installments, Installment{Share: decimal.New(s.c, s.e), Due: OnDelivery, Days: 30})
			}
		}
		got, ok := p.SplitMinor(total, nil)
		if !ok {
			require.Empty(t, got)
			return
		}
		require.NoError(t, p.Validate(), "SplitMinor split shares Validate refuses: %v", p)
		sc := int32(scale % 7)
		tr := Terms{Payment: p, OrderedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DeliverBy: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
		want := make([]Due, len(p.Installments))
		tr.scheduleDecimal(want, FromMinor(total, sc), sc)
		var sum decimal.Decimal
		for i, a := range got {
			require.True(t, FromMinor(a, sc).Equal(want[i].Amount), "installment %d: %d vs %s", i, a, want[i].Amount)
			sum = sum.Add(FromMinor(a, sc))
		}
		require.True(t, sum.Equal(FromMinor(total, sc)))
	})
}
