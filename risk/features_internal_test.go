package risk

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
)

// featRandDecimal is a decimal of every shape the fast paths tell apart: zero, small, around 18 and
// 19 digits and the int64 bounds, beyond an int64, negative, with exponents from -20 to 20.
func featRandDecimal(rng *rand.Rand) decimal.Decimal {
	exp := int32(rng.IntN(41) - 20)
	var c big.Int
	switch rng.IntN(8) {
	case 0:
		c.SetInt64(0)
	case 1:
		c.SetInt64(rng.Int64N(1000))
	case 2: // 17 to 20 digits
		c.Exp(big.NewInt(10), big.NewInt(int64(16+rng.IntN(4))), nil)
		c.Add(&c, big.NewInt(rng.Int64N(1e16)))
	case 3: // around 10^18 and 2^63
		bounds := []int64{1e18 - 1, 1e18, 1e18 + 1, 1<<63 - 1}
		c.SetInt64(bounds[rng.IntN(len(bounds))])
	case 4: // just beyond an int64
		c.SetUint64(1<<63 + uint64(rng.IntN(3)))
	case 5: // far beyond
		c.Exp(big.NewInt(7), big.NewInt(int64(30+rng.IntN(30))), nil)
	default:
		c.SetInt64(rng.Int64())
	}
	if rng.IntN(3) == 0 {
		c.Neg(&c)
	}
	return decimal.NewFromBigInt(&c, exp)
}

// featTotalMinor is Order.TotalMinor, units and ok, on orders with quantities and prices of every
// shape (zero, negative, over 18 digits, factors beyond 2^31, exponents from -20 to 20), with up to
// five lines or none, at every scale including the invalid ones; and whenever it answers, the
// answer is the decimal total rounded HalfUp.
func TestFeatTotalMinorIsOrderTotalMinor(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	answered := 0
	for k := range 40000 {
		o := b2bkit.Order{Lines: make([]b2bkit.OrderLine, rng.IntN(6))}
		for i := range o.Lines {
			var q, p decimal.Decimal
			switch k % 4 {
			case 0: // shapes an order mostly has
				q = decimal.New(1+rng.Int64N(1000), -int32(rng.IntN(3)))
				p = decimal.New(rng.Int64N(1_000_000), -int32(rng.IntN(4)))
			case 1: // factors beyond 2^31
				q = decimal.New(1+rng.Int64N(1<<40), -int32(rng.IntN(7)))
				p = decimal.New(rng.Int64N(1<<36), -int32(rng.IntN(9)))
			default:
				q, p = featRandDecimal(rng), featRandDecimal(rng)
			}
			o.Lines[i] = b2bkit.OrderLine{SKU: "s", Quantity: q, UnitPrice: p}
		}
		scale := int32(rng.IntN(b2bkit.MaxScale+3) - 1)
		want, wantOK := o.TotalMinor(scale)
		got, ok := featTotalMinor(&o, scale)
		require.Equal(t, wantOK, ok, "%v at scale %d", o.Lines, scale)
		require.Equal(t, want, got, "%v at scale %d", o.Lines, scale)
		if ok {
			answered++
			exact, err := b2bkit.ToMinor(b2bkit.Round(o.Total(), scale, b2bkit.HalfUp), scale)
			require.NoError(t, err)
			require.Equal(t, exact, got, "%v at scale %d", o.Lines, scale)
		}
	}
	require.Greater(t, answered, 10000, "the integer path must answer for most orders")
}

// after is time.Time.After(asOf) for instants on either side of asOf, at the second and the
// nanosecond, in any location, with and without monotonic clock readings on either side.
func TestFeatAfterIsTimeAfter(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	shanghai := time.FixedZone("CST", 8*3600)
	now := time.Now() // a monotonic reading
	for k := range 20000 {
		var asOf time.Time
		switch k % 3 {
		case 0:
			asOf = time.Date(2026, time.June, 15, 12, 0, 0, rng.IntN(3), time.UTC)
		case 1:
			asOf = now.Add(time.Duration(rng.IntN(5)-2) * time.Second)
		default:
			asOf = now.Round(0).In(shanghai)
		}
		var tm time.Time
		off := time.Duration(rng.IntN(5)-2)*time.Second + time.Duration(rng.IntN(5)-2)
		switch rng.IntN(3) {
		case 0:
			tm = asOf.Round(0).Add(off)
		case 1:
			tm = now.Add(off) // monotonic when now's is
		default:
			tm = asOf.Add(off).In(shanghai)
		}
		p := newFeatProjection("b", asOf, featConfig{scale: 2, keyDays: 90, loc: time.UTC}, false)
		require.Equal(t, tm.After(asOf), p.after(tm, tm.Unix()), "%v after %v", tm, asOf)
	}
}

// featAddID adds up the same sums, keys in the same order, as featTally.add, whether the ids share
// a prefix, end alike or differ in length, and once the tally has turned into a map.
func TestFeatAddIDIsTallyAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 29))
	for n := range 60 {
		var fast featSellers
		var ref featTally[b2bkit.CompanyID]
		for range 200 {
			ids := []b2bkit.CompanyID{"seller-1", "seller-2", "seller-11", "beller-1", "s", "", "x-1", "seller-21"}
			id := ids[rng.IntN(len(ids))]
			if rng.IntN(4) == 0 {
				id = b2bkit.CompanyID("c" + string(rune('a'+rng.IntN(n/2+1))))
			}
			units := rng.Int64N(1000)
			require.Equal(t, ref.add(id, units), featAddID(&fast, id, units))
		}
		require.Equal(t, ref.keys, fast.keys)
		require.Equal(t, ref.sums, fast.sums)
	}
}

// The usual credit days worked out from the 128-bit credit sum, in integers or (with negative
// credit days, or orders whose terms are read in decimals) in decimals, are those worked out in
// decimals order by order: each order's credit days times its value, over the total value.
func TestFeatUsualCreditDaysIsTheDecimalAverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 43))
	asOf := time.Date(2026, time.June, 15, 12, 0, 0, 0, time.UTC)
	for round := range 3000 {
		p := newFeatProjection("b", asOf, featConfig{scale: 2, keyDays: 90, loc: time.UTC}, false)
		sum := decimal.Zero
		n := 1 + rng.IntN(20)
		large := rng.IntN(4) == 0 // values near the int64 bound
		for range n {
			units := rng.Int64N(1_000_000)
			if large {
				units = rng.Int64N(math.MaxInt64 / int64(n))
			}
			limit := int64(10_000) * int64(fastdec.Pow10(featShareScale)) // 10^4 days, beyond MaxTermDays
			cu := rng.Int64N(limit) - limit/2
			switch {
			case round%3 == 0:
				cu = max(cu, 0) // no negative credit days: the integer path
			case rng.IntN(10) == 0:
				cu = 0
			}
			if round%7 == 0 && rng.IntN(3) == 0 {
				// An order whose terms are read in decimals, as addOrder adds it.
				days := decimal.New(rng.Int64N(2000)-500, -int32(rng.IntN(4)))
				p.creditDec = p.creditDec.Add(b2bkit.FromMinor(units, 2).Mul(days))
				sum = sum.Add(b2bkit.FromMinor(units, 2).Mul(days))
			} else {
				p.addCredit(cu, units)
				sum = sum.Add(b2bkit.FromMinor(cu, featShareScale).Mul(b2bkit.FromMinor(units, 2)))
			}
			var ok bool
			p.total12, ok = checked.Add(p.total12, units)
			require.True(t, ok)
		}
		if p.total12 == 0 {
			continue
		}
		want := featRatio(sum, b2bkit.FromMinor(p.total12, 2))
		got := p.usualCreditDays()
		require.True(t, want.Equal(got), "round %d: %s, want %s", round, got, want)
		require.Equal(t, want.Exponent(), got.Exponent(), "round %d", round)
	}
}

// Whatever the order payments come in — in date order, shuffled, several on a day, three or more
// against one invoice — each invoice's paid amount and the day it was paid in full are those of
// its payments taken in date order, worked out here from the list of them.
func TestFeatSettleIsPaymentsInDateOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 37))
	asOf := time.Date(2026, time.June, 15, 12, 0, 0, 0, time.UTC)
	for round := range 300 {
		p := newFeatProjection("b", asOf, featConfig{scale: 2, keyDays: 90, loc: time.UTC}, false)
		n := 1 + rng.IntN(8)
		for k := range n {
			p.numbers = append(p.numbers, b2bkit.InvoiceNumber(string(rune('a'+k))))
			p.invoices = append(p.invoices, featInvoice{units: 1 + rng.Int64N(500), fullDay: featNever, lastDay: featNever})
		}
		type payment struct {
			inv   int
			day   int
			units int64
		}
		var pays []payment
		for range rng.IntN(4 * n) {
			pays = append(pays, payment{inv: rng.IntN(n), day: rng.IntN(10), units: 1 + rng.Int64N(300)})
		}
		if round%2 == 0 { // half the rounds in date order, the others as they come
			slices.SortStableFunc(pays, func(a, b payment) int { return a.day - b.day })
		}
		for i, pay := range pays {
			paidAt := asOf.AddDate(0, 0, -30+pay.day)
			require.NoError(t, p.addPayment(i, &b2bkit.Payment{Invoice: p.numbers[pay.inv], Currency: "CNY",
				Amount: decimal.New(pay.units, -2), PaidAt: paidAt}, paidAt.Unix()))
		}
		p.settle()
		for k, inv := range p.invoices {
			var mine []payment
			for _, pay := range pays {
				if pay.inv == k {
					mine = append(mine, pay)
				}
			}
			slices.SortStableFunc(mine, func(a, b payment) int { return a.day - b.day })
			var paid int64
			full := int32(featNever)
			for _, pay := range mine {
				paid += pay.units
				if full == featNever && paid >= inv.units {
					at := asOf.AddDate(0, 0, -30+pay.day)
					full = featDay(at.In(p.cfg.loc))
				}
			}
			require.Equal(t, paid, inv.paid, "round %d invoice %d", round, k)
			require.Equal(t, full, inv.fullDay, "round %d invoice %d", round, k)
		}
	}
}

// featMulNonNeg is checked.Mul, product and ok, for factors >= 0 of every size, around 2^31,
// 2^32 and 2^63 included.
func TestFeatMulNonNegIsCheckedMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 43))
	edges := []int64{0, 1, 2, 1<<31 - 1, 1 << 31, 1<<32 + 1, 3037000499, 3037000500, 1 << 62, math.MaxInt64}
	pick := func() int64 {
		if rng.IntN(2) == 0 {
			return edges[rng.IntN(len(edges))]
		}
		return rng.Int64N(math.MaxInt64) >> rng.IntN(63)
	}
	for range 20000 {
		a, b := pick(), pick()
		want, wantOK := checked.Mul(a, b)
		got, ok := featMulNonNeg(a, b)
		require.Equal(t, wantOK, ok, "%d x %d", a, b)
		if ok {
			require.Equal(t, want, got, "%d x %d", a, b)
		}
	}
}

// monthNear, whatever month it last answered, answers as monthAt does (and month, from the time):
// for records in date order, shuffled, before the window, after asOf's day and on the bounds.
func TestFeatMonthNearIsMonthAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 53))
	shanghai := time.FixedZone("CST", 8*3600)
	for round := range 200 {
		asOf := time.Date(2024+rng.IntN(4), time.Month(1+rng.IntN(12)), 1+rng.IntN(31), rng.IntN(24), 0, 0, 0, time.UTC)
		p := newFeatProjection("b", asOf, featConfig{scale: 2, keyDays: 90, loc: shanghai}, false)
		var us []int64
		for k := range p.bounds {
			us = append(us, p.bounds[k]-1, p.bounds[k], p.bounds[k]+1)
		}
		for range 200 {
			us = append(us, p.bounds[0]+rng.Int64N(p.bounds[featWindow]-p.bounds[0]+400*86400)-200*86400)
		}
		if round%2 == 0 {
			slices.Sort(us)
		} else {
			rng.Shuffle(len(us), func(a, b int) { us[a], us[b] = us[b], us[a] })
		}
		var near featNear
		for _, u := range us {
			want := p.monthAt(u)
			require.Equal(t, want, p.month(time.Unix(u, int64(rng.IntN(1e9))).In(shanghai)), "%d", u)
			require.Equal(t, want, p.monthNear(u, &near), "round %d, %d after %+v", round, u, near)
		}
	}
}

// addPlaced keeps as the first order the time time.Time.Before finds earliest, order by order,
// whether the orders come in date order or not, within a second of each other or not, and with
// monotonic clock readings or without.
func TestFeatAddPlacedIsEarliestByBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(59, 61))
	now := time.Now() // a monotonic reading
	for round := range 300 {
		p := newFeatProjection("b", now, featConfig{scale: 2, keyDays: 90, loc: time.UTC}, false)
		var first time.Time
		for n := range 30 {
			tm := now.Add(time.Duration(rng.IntN(7)-3)*time.Second + time.Duration(rng.IntN(5)-2))
			if round%3 != 0 && rng.IntN(2) == 0 {
				tm = tm.Round(0) // without a monotonic reading
			}
			if round%4 == 0 {
				tm = now.Add(time.Duration(n) * time.Second).Round(0) // in date order
			}
			if n == 0 || tm.Before(first) {
				first = tm
			}
			p.addPlaced(tm, tm.Unix())
			require.Equal(t, n+1, p.orders)
			require.True(t, first == p.first, "round %d order %d: %v, want %v", round, n, p.first, first)
		}
	}
}

// scaled, when it answers, gives the minor units units gives and the sign of the amount, which
// addInvoice and addPayment read from it instead of asking the amount.
func TestFeatScaledIsUnitsWithSign(t *testing.T) {
	rng := rand.New(rand.NewPCG(67, 71))
	p := newFeatProjection("b", time.Date(2026, time.June, 15, 0, 0, 0, 0, time.UTC), featConfig{scale: 2, keyDays: 90, loc: time.UTC}, false)
	answered := 0
	for range 20000 {
		d := featRandDecimal(rng)
		if rng.IntN(2) == 0 {
			d = decimal.NewFromBigInt(d.Coefficient(), -2)
		}
		c, ok := p.scaled(d)
		if !ok {
			continue
		}
		answered++
		u, err := p.units("amount", d)
		require.NoError(t, err, "%s", d)
		require.Equal(t, u, c, "%s", d)
		require.Equal(t, d.Sign(), cmp.Compare(c, 0), "%s", d)
	}
	require.Greater(t, answered, 5000)
}

// featNumberLess orders invoice numbers as its definition does — shorter first, then byte by byte
// — on runs of numbers a host gives out and on drawn ones, equal and empty ones included.
func TestFeatNumberLessIsShorterThenBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 53))
	less := func(a, b b2bkit.InvoiceNumber) bool { return len(a) < len(b) || len(a) == len(b) && a < b }
	var ns []b2bkit.InvoiceNumber
	for k := range 300 {
		ns = append(ns, b2bkit.InvoiceNumber(fmt.Sprint("I", k)), b2bkit.InvoiceNumber(fmt.Sprintf("INV-%04d", k)))
	}
	for range 300 {
		b := make([]byte, rng.IntN(4))
		for i := range b {
			b[i] = byte('0' + rng.IntN(3))
		}
		ns = append(ns, b2bkit.InvoiceNumber(b))
	}
	for i, a := range ns {
		for _, b := range []b2bkit.InvoiceNumber{ns[max(i-1, 0)], ns[min(i+1, len(ns)-1)], ns[rng.IntN(len(ns))], a} {
			require.Equal(t, less(a, b), featNumberLess(a, b), "%q < %q", a, b)
			require.Equal(t, less(b, a), featNumberLess(b, a), "%q < %q", b, a)
		}
	}
}

// featMonthsBefore is how the bounds of the months were worked out before featDayAfter and
// featMonthsBack: the first instant (midnight in loc) of the day n whole months before the day
// after y-m-d, the day of month clamped to the length of its month, read from time.Date.
func featMonthsBefore(y int, m time.Month, d, n int, loc *time.Location) time.Time {
	y, m, d = time.Date(y, m, d+1, 12, 0, 0, 0, time.UTC).Date() // the day after, normalised
	first := time.Date(y, m-time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	days := first.AddDate(0, 1, -1).Day()
	y, m, _ = first.Date()
	return time.Date(y, m, min(d, days), 0, 0, 0, 0, loc)
}

// The bounds of the window's months are those time.Date's normalising gives, on every day of
// years around leap years and centuries (before year 0 too), in zones with summer time.
func TestFeatBoundsAreTimeDatesMonths(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	locs := []*time.Location{time.UTC, ny, time.FixedZone("x", -5*3600-1800)}
	for _, year := range []int{-401, -1, 0, 1, 1900, 1999, 2000, 2024, 2026, 2100} {
		for day := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() == year; day = day.AddDate(0, 0, 1) {
			loc := locs[day.YearDay()%len(locs)]
			asOf := time.Date(day.Year(), day.Month(), day.Day(), 23, 30, 0, 0, loc)
			p := newFeatProjection("c", asOf, featConfig{scale: 2, keyDays: 90, loc: loc}, false)
			for k := range p.bounds {
				want := featMonthsBefore(day.Year(), day.Month(), day.Day(), featWindow-k, loc).Unix()
				require.Equal(t, want, p.bounds[k], "%s, bound %d", day.Format(time.DateOnly), k)
			}
		}
	}
}

// featLate's weighted days are exact whether units x days fits an int64, or the sum of them does, or
// neither: the average is the one worked out in big integers.
func TestFeatLateIsExactBeyondInt64(t *testing.T) {
	rng := rand.New(rand.NewPCG(59, 61))
	for range 2000 {
		var l featLate
		num, den := new(big.Int), new(big.Int)
		for range 1 + rng.IntN(6) {
			units := 1 + rng.Int64N(1_000_000)
			if rng.IntN(3) == 0 {
				units = 1 + rng.Int64N(math.MaxInt64/8)
			}
			days := rng.IntN(4000)
			if den.Add(den, big.NewInt(units)); !den.IsInt64() {
				break // the projection checks the invoices' total fits
			}
			if !l.add(units, days) {
				l.addDec(units, days)
			}
			num.Add(num, new(big.Int).Mul(big.NewInt(units), big.NewInt(int64(days))))
		}
		v := l.value()
		require.False(t, v.Missing)
		want := decimal.NewFromBigInt(num, 0).DivRound(decimal.NewFromBigInt(den, 0), RatioScale) // half away from zero: up, as both are > 0
		require.True(t, want.Equal(v.Number), "%s != %s", want, v.Number)
	}
}

// The Herfindahl index is the same in 64-bit, 128-bit and big integers, for totals on either side
// of 2^32 and 2^62, one seller or many, equal shares and one seller with all but a unit.
func TestFeatConcentrationIsTheBigIntegersOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(67, 71))
	for k := range 20000 {
		sums := make([]int64, 1+rng.IntN(12))
		limit := int64(1) << uint(1+rng.IntN(62))
		for i := range sums {
			sums[i] = rng.Int64N(limit/int64(len(sums)) + 1)
			if k%7 == 0 {
				sums[i] = limit / int64(len(sums)) // equal shares
			}
		}
		if k%11 == 0 && len(sums) > 1 {
			sums[0], sums[1] = limit-1-limit/2, 1 // one seller with nearly all
		}
		var total int64
		for _, u := range sums {
			total += u
		}
		if total <= 0 {
			continue
		}
		want := featConcentrationBig(sums, total)
		require.True(t, want.Equal(featConcentration(sums, total)), "%v", sums)
		if total < 1<<62 {
			require.True(t, want.Equal(featConcentration128(sums, total)), "%v", sums)
		}
	}
}
