package b2bkit_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

var shanghai = time.FixedZone("CST", 8*3600)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, shanghai) }

func terms(p b2bkit.PaymentTerms, ordered, deliver time.Time) b2bkit.Terms {
	return b2bkit.Terms{Payment: p, OrderedAt: ordered, DeliverBy: deliver}
}

func TestR11_CreditDaysOfDepositAndBalance(t *testing.T) {
	// 30% on order, 70% 60 days after delivery, delivered 10 days after the order:
	// 0.3*(-10) + 0.7*60 = 39.
	tr := terms(b2bkit.DepositBalance(dec("0.3"), 60), day(2026, 3, 1), day(2026, 3, 11))
	require.NoError(t, tr.Validate())
	assert.Equal(t, 10, tr.LeadDays())
	requireDecEqual(t, dec("39"), tr.CreditDays())
}

func TestCreditDays(t *testing.T) {
	ordered, delivered := day(2026, 3, 1), day(2026, 3, 21) // 20-day lead
	tests := []struct {
		name string
		p    b2bkit.PaymentTerms
		want string
	}{
		{"cash on delivery", b2bkit.CashOnDelivery(), "0"},
		{"prepaid is paid a lead time before delivery", b2bkit.Prepaid(), "-20"},
		{"net 60", b2bkit.Net(60), "60"},
		{"half on order, half net 30", b2bkit.DepositBalance(dec("0.5"), 30), "5"},
		{"deposit paid 5 days after order", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
			{Share: dec("0.2"), Due: b2bkit.OnOrder, Days: 5},
			{Share: dec("0.8"), Due: b2bkit.OnDelivery, Days: 45},
		}}, "33"}, // 0.2*(5-20) + 0.8*45
		{"shares finer than the fast path", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
			{Share: dec("0.3333333333333"), Due: b2bkit.OnOrder},
			{Share: dec("0.6666666666667"), Due: b2bkit.OnDelivery, Days: 30},
		}}, "13.333333333335"}, // -6.666666666666 + 20.000000000001
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireDecEqual(t, dec(tt.want), terms(tt.p, ordered, delivered).CreditDays())
		})
	}
}

// TestR16_TermsAreCreditWhenMoneyFallsDueAfterDelivery: an installment counted from the order is
// credit when it falls after the delivery date, which only the terms' dates tell.
func TestR16_TermsAreCreditWhenMoneyFallsDueAfterDelivery(t *testing.T) {
	ordered := time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC)
	onOrder := func(days int) b2bkit.PaymentTerms {
		return b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dec("1"), Due: b2bkit.OnOrder, Days: days}}}
	}
	tests := []struct {
		name   string
		p      b2bkit.PaymentTerms
		lead   int
		credit bool
	}{
		{"60 days after the order, delivered in 10", onOrder(60), 10, true},
		{"60 days after the order, delivered in 60", onOrder(60), 60, false},
		{"60 days after the order, delivered in 70", onOrder(60), 70, false},
		{"prepaid", b2bkit.Prepaid(), 10, false},
		{"cash on delivery", b2bkit.CashOnDelivery(), 10, false},
		{"net 30", b2bkit.Net(30), 10, true},
		{"deposit, the rest on delivery", b2bkit.DepositBalance(dec("0.3"), 0), 10, false},
		{"deposit, the rest 11 days after the order", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
			{Share: dec("0.3"), Due: b2bkit.OnOrder}, {Share: dec("0.7"), Due: b2bkit.OnOrder, Days: 11}}}, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.p.Validate())
			tr := terms(tt.p, ordered, ordered.AddDate(0, 0, tt.lead))
			assert.Equal(t, tt.credit, tr.IsCredit())
			if !tt.credit {
				assert.LessOrEqual(t, tr.CreditDays().Sign(), 0, "nothing after delivery, yet %s credit days", tr.CreditDays())
			}
		})
	}
}

func TestR16_OnlyTermsWithACreditPeriodHaveAFinancialSide(t *testing.T) {
	tests := []struct {
		name    string
		p       b2bkit.PaymentTerms
		credit  bool
		cashAll bool
	}{
		{"cash against goods", b2bkit.CashOnDelivery(), false, true},
		{"prepaid", b2bkit.Prepaid(), false, false},
		{"net 30", b2bkit.Net(30), true, false},
		{"deposit and balance on delivery", b2bkit.DepositBalance(dec("0.3"), 0), false, false},
		{"deposit and balance 60 days after", b2bkit.DepositBalance(dec("0.3"), 60), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.p.Validate())
			assert.Equal(t, tt.credit, tt.p.IsCredit())
			assert.Equal(t, tt.cashAll, tt.p.IsCashAgainstGoods())
		})
	}
}

func TestDepositBalanceEdges(t *testing.T) {
	assert.True(t, b2bkit.DepositBalance(decimal.Zero, 30).Equal(b2bkit.Net(30)))
	assert.True(t, b2bkit.DepositBalance(dec("1"), 30).Equal(b2bkit.Prepaid()))
	require.ErrorIs(t, b2bkit.DepositBalance(dec("1.2"), 30).Validate(), b2bkit.ErrInvalid)
	require.ErrorIs(t, b2bkit.DepositBalance(dec("-0.2"), 30).Validate(), b2bkit.ErrInvalid)
}

func TestPaymentTermsString(t *testing.T) {
	tests := []struct {
		p    b2bkit.PaymentTerms
		want string
	}{
		{b2bkit.DepositBalance(dec("0.3"), 60), "30% on order, 70% 60 days after delivery"},
		{b2bkit.CashOnDelivery(), "100% on delivery"},
		{b2bkit.Prepaid(), "100% on order"},
		{b2bkit.Net(1), "100% 1 day after delivery"},
		{b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
			{Share: dec("0.125"), Due: b2bkit.OnOrder, Days: 7},
			{Share: dec("0.875"), Due: b2bkit.OnDelivery},
		}}, "12.5% 7 days after order, 87.5% on delivery"},
		{b2bkit.PaymentTerms{}, "no installments"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.p.String())
	}
}

func TestPaymentTermsValidate(t *testing.T) {
	in := func(share string, due b2bkit.DueEvent, days int) b2bkit.Installment {
		return b2bkit.Installment{Share: dec(share), Due: due, Days: days}
	}
	tests := []struct {
		name   string
		p      b2bkit.PaymentTerms
		fields []string
	}{
		{"empty", b2bkit.PaymentTerms{}, []string{"installments"}},
		{"zero share", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{in("1", b2bkit.OnOrder, 0), in("0", b2bkit.OnDelivery, 0)}},
			[]string{"installments[1].share"}},
		{"negative share and bad sum", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{in("1.5", b2bkit.OnOrder, 0), in("-0.4", b2bkit.OnDelivery, 0)}},
			[]string{"installments[1].share", "installments"}},
		{"shares short of one", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{in("0.3", b2bkit.OnOrder, 0), in("0.6", b2bkit.OnDelivery, 30)}},
			[]string{"installments"}},
		{"negative days", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{in("1", b2bkit.OnDelivery, -1)}},
			[]string{"installments[0].days"}},
		{"days beyond ten years", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{in("1", b2bkit.OnDelivery, b2bkit.MaxTermDays+1)}},
			[]string{"installments[0].days"}},
		{"unknown event", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{in("1", b2bkit.DueEvent(7), 0)}},
			[]string{"installments[0].due"}},
		{"too many", b2bkit.PaymentTerms{Installments: make([]b2bkit.Installment, b2bkit.MaxInstallments+1)},
			[]string{"installments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireFields(t, tt.p.Validate(), tt.fields...)
		})
	}
}

// requireFields checks that err matches ErrInvalid and names exactly the given fields, in order.
func requireFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	var got []string
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case *b2bkit.FieldError:
			got = append(got, x.Field)
		case interface{ Unwrap() []error }:
			for _, y := range x.Unwrap() {
				walk(y)
			}
		default:
			t.Fatalf("not a FieldError: %T %v", e, e)
		}
	}
	walk(err)
	require.Equal(t, fields, got, "%v", err)
}

func TestTermsValidate(t *testing.T) {
	bad := b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dec("0"), Due: b2bkit.OnOrder}, {Share: dec("1"), Due: b2bkit.OnDelivery}}}
	tests := []struct {
		name   string
		tr     b2bkit.Terms
		fields []string
	}{
		{"delivery before order", terms(b2bkit.CashOnDelivery(), day(2026, 3, 2), day(2026, 3, 1)), []string{"deliver_by"}},
		{"no dates", b2bkit.Terms{Payment: b2bkit.CashOnDelivery()}, []string{"ordered_at", "deliver_by"}},
		{"nested payment field", terms(bad, day(2026, 3, 1), day(2026, 3, 2)), []string{"payment.installments[0].share"}},
		{"lead beyond ten years", terms(b2bkit.CashOnDelivery(), day(2026, 3, 1), day(2040, 3, 1)), []string{"deliver_by"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireFields(t, tt.tr.Validate(), tt.fields...)
		})
	}
	err := terms(bad, day(2026, 3, 1), day(2026, 3, 2)).Validate()
	assert.EqualError(t, err, "payment.installments[0].share: must be > 0")
	// Same-day delivery is allowed.
	require.NoError(t, terms(b2bkit.Prepaid(), day(2026, 3, 1), day(2026, 3, 1)).Validate())
}

func TestLeadDaysCountsCalendarDaysInTheOrdersLocation(t *testing.T) {
	late := time.Date(2026, 3, 1, 23, 30, 0, 0, shanghai)
	early := time.Date(2026, 3, 2, 0, 30, 0, 0, shanghai)
	assert.Equal(t, 1, terms(b2bkit.CashOnDelivery(), late, early).LeadDays())
	// The same instants read in UTC fall on one date: the location the caller gives decides.
	assert.Equal(t, 0, terms(b2bkit.CashOnDelivery(), late.UTC(), early.UTC()).LeadDays())
	// A delivery expressed in another zone is read in the order's.
	assert.Equal(t, 1, terms(b2bkit.CashOnDelivery(), late, early.UTC()).LeadDays())
	// Across a month and a leap day.
	assert.Equal(t, 2, b2bkit.DaysBetween(day(2028, 2, 28), day(2028, 3, 1)))
	assert.Equal(t, -2, b2bkit.DaysBetween(day(2028, 3, 1), day(2028, 2, 28)))
}

func TestScheduleAmountsAndDates(t *testing.T) {
	tr := terms(b2bkit.DepositBalance(dec("0.3"), 60), day(2026, 3, 1), day(2026, 3, 11))
	dues, err := tr.Schedule(dec("1000.01"), 2)
	require.NoError(t, err)
	require.Len(t, dues, 2)
	requireDecEqual(t, dec("300.00"), dues[0].Amount) // 300.003 rounds to 300.00
	requireDecEqual(t, dec("700.01"), dues[1].Amount) // the remainder
	assert.True(t, dues[0].Date.Equal(day(2026, 3, 1)))
	assert.True(t, dues[1].Date.Equal(day(2026, 5, 10)))
	assert.Equal(t, b2bkit.OnDelivery, dues[1].Installment.Due)
}

func TestScheduleRejectsBadInput(t *testing.T) {
	ok := terms(b2bkit.Net(30), day(2026, 3, 1), day(2026, 3, 2))
	_, err := ok.Schedule(dec("10.005"), 2)
	requireFields(t, err, "total")
	_, err = ok.Schedule(dec("10"), -1)
	requireFields(t, err, "scale")
	_, err = terms(b2bkit.PaymentTerms{}, day(2026, 3, 1), day(2026, 3, 2)).Schedule(dec("10"), 2)
	requireFields(t, err, "payment.installments")
}

// Property: the amounts of a schedule sum exactly to the total, each within one minor unit of its
// exact share, and the last installment takes the remainder.
func TestScheduleSumsExactlyAndStaysWithinOneMinorUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 3000; n++ {
		k := 1 + rng.IntN(6)
		weights := make([]decimal.Decimal, k)
		for i := range weights {
			weights[i] = decimal.NewFromInt(1 + rng.Int64N(1000))
		}
		// Shares that sum to exactly 1: allocate 1 at 4 places, drop zero parts.
		shares, err := b2bkit.Allocate(decimal.NewFromInt(1), weights, 4)
		require.NoError(t, err)
		var p b2bkit.PaymentTerms
		for _, s := range shares {
			if s.Sign() > 0 {
				p.Installments = append(p.Installments, b2bkit.Installment{Share: s, Due: b2bkit.DueEvent(rng.IntN(2)), Days: rng.IntN(120)})
			}
		}
		scale := int32(rng.IntN(4))
		total := decimal.New(rng.Int64N(20_000_000_000)-10_000_000_000, -scale)
		tr := terms(p, day(2026, 1, 1), day(2026, 1, 1+rng.IntN(28)))
		dues, err := tr.Schedule(total, scale)
		require.NoError(t, err, "case %d", n)
		require.Len(t, dues, len(p.Installments))
		sum := decimal.Zero
		unit := decimal.New(1, -scale)
		for i, d := range dues {
			sum = sum.Add(d.Amount)
			exact := total.Mul(d.Installment.Share)
			require.True(t, d.Amount.Sub(exact).Abs().LessThanOrEqual(unit), "case %d installment %d: %s vs exact %s", n, i, d.Amount, exact)
		}
		requireDecEqual(t, total, sum, "case %d", n)

		// SplitMinor is the same split in minor units.
		units, err := b2bkit.ToMinor(total, scale)
		require.NoError(t, err)
		split, ok := p.SplitMinor(units, nil)
		require.True(t, ok, "case %d", n)
		require.Len(t, split, len(dues))
		for i, d := range dues {
			requireDecEqual(t, d.Amount, b2bkit.FromMinor(split[i], scale), "case %d installment %d", n, i)
		}
	}
}

func TestSplitMinorRefusesWhatItCannotSplit(t *testing.T) {
	share := func(s string) b2bkit.Installment { return b2bkit.Installment{Share: dec(s), Due: b2bkit.OnDelivery} }
	tests := []struct {
		name  string
		p     b2bkit.PaymentTerms
		total int64
	}{
		{"no installments", b2bkit.PaymentTerms{}, 100},
		{"shares sum to less than 1", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{share("0.3"), share("0.6")}}, 100},
		{"shares sum to more than 1", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{share("0.5"), share("0.6")}}, 100},
		{"a zero share", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{share("0"), share("1")}}, 100},
		{"a negative share", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{share("-0.5"), share("1.5")}}, 100},
		{"shares too fine", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{share("0.0000000000001"), share("0.9999999999999")}}, 100},
		{"the one total without a magnitude", b2bkit.CashOnDelivery(), math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []int64{7}
			got, ok := tt.p.SplitMinor(tt.total, dst)
			require.False(t, ok)
			require.Equal(t, []int64{7}, got, "nothing appended")
		})
	}
	got, ok := b2bkit.CashOnDelivery().SplitMinor(math.MaxInt64, nil)
	require.True(t, ok)
	require.Equal(t, []int64{math.MaxInt64}, got)
	got, ok = b2bkit.DepositBalance(dec("0.3"), 60).SplitMinor(-1001, []int64{5})
	require.True(t, ok)
	require.Equal(t, []int64{5, -300, -701}, got, "appended after what dst held; half up away from zero")
}

// CalendarDay counts the calendar date on the local wall clock, before 1970 too.
func TestCalendarDayMatchesTheCalendar(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	zones := []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800), time.FixedZone("HST", -10*3600)}
	for n := 0; n < 5000; n++ {
		at := time.Unix(rng.Int64N(8_000_000_000)-4_000_000_000, 0).In(zones[rng.IntN(len(zones))])
		y, m, d := at.Date()
		want := int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
		require.Equal(t, want, b2bkit.CalendarDay(at), "%s", at)
	}
}

// DaysBetween counts calendar dates in a's location, across zones, DST changes and times before 1970.
func TestDaysBetweenAcrossZones(t *testing.T) {
	var zones []*time.Location
	for _, name := range []string{"UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham"} {
		z, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no time zone database: %v", err)
		}
		zones = append(zones, z)
	}
	zones = append(zones, time.FixedZone("west", -11*3600-1800))
	date := func(t time.Time) time.Time { y, m, d := t.Date(); return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	rng := rand.New(rand.NewPCG(13, 14))
	for range 5000 {
		a := time.Unix(rng.Int64N(6_000_000_000)-2_000_000_000, rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))])
		b := a.Add(time.Duration(rng.Int64N(int64(b2bkit.MaxTermDays) * 86400e9))).In(zones[rng.IntN(len(zones))])
		want := int(date(b.In(a.Location())).Sub(date(a)).Hours() / 24)
		require.Equal(t, want, b2bkit.DaysBetween(a, b), "%s .. %s", a, b)
	}
}

func TestDueDateCountsFromTheInstallmentsEvent(t *testing.T) {
	tr := terms(b2bkit.DepositBalance(dec("0.3"), 60), day(2026, 3, 1), day(2026, 3, 11))
	ins := tr.Payment.Installments
	assert.True(t, tr.DueDate(ins[0]).Equal(day(2026, 3, 1)), "the deposit: on the order date")
	assert.True(t, tr.DueDate(ins[1]).Equal(day(2026, 5, 10)), "the balance: 60 days after delivery")
	dues, err := tr.Schedule(dec("100"), 2)
	require.NoError(t, err)
	for i, d := range dues {
		assert.True(t, d.Date.Equal(tr.DueDate(ins[i])), "Schedule's dates are DueDate's")
	}
}

// A share with an absurd exponent, given from Go code (JSON refuses exponents), is refused at once,
// naming the installment, instead of summing a number of a billion digits.
func TestR26_AbsurdShareExponentIsRefusedNotSummed(t *testing.T) {
	for _, share := range []decimal.Decimal{decimal.New(1, -999_999_999), decimal.New(3, 1_000_000_000), decimal.New(1, -65)} {
		p := b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
			{Share: decimal.RequireFromString("0.5"), Due: b2bkit.OnOrder},
			{Share: share, Due: b2bkit.OnDelivery, Days: 30},
		}}
		err := p.Validate()
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		assert.Contains(t, err.Error(), "installments[1].share")
		assert.Less(t, len(err.Error()), 200)
	}
	// A share with many places that still sums to one is accepted.
	ok := b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
		{Share: decimal.New(5, -1).Add(decimal.New(1, -40)), Due: b2bkit.OnOrder},
		{Share: decimal.New(5, -1).Sub(decimal.New(1, -40)), Due: b2bkit.OnDelivery, Days: 30},
	}}
	require.NoError(t, ok.Validate())
}

// TestTermsValidateLeadLimitIsCalendarDays: near the MaxTermDays limit, in zones with and without
// daylight saving and across the date line, Validate refuses a delivery exactly when it falls more
// than MaxTermDays calendar days after the order, read in the order's location — whichever way
// Validate gets there.
func TestTermsValidateLeadLimitIsCalendarDays(t *testing.T) {
	var zones []*time.Location
	for _, name := range []string{"America/New_York", "Pacific/Apia", "Australia/Lord_Howe", "Asia/Shanghai"} {
		if loc, err := time.LoadLocation(name); err == nil {
			zones = append(zones, loc)
		}
	}
	zones = append(zones, time.UTC, shanghai, time.FixedZone("", -11*3600), time.FixedZone("", 14*3600))
	rng := rand.New(rand.NewPCG(7, 12))
	checked := map[bool]int{}
	for range 20_000 {
		from, to := zones[rng.IntN(len(zones))], zones[rng.IntN(len(zones))]
		ordered := time.Date(2005+rng.IntN(20), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), 0, 0, from)
		lead := time.Duration(b2bkit.MaxTermDays-5)*24*time.Hour + time.Duration(rng.Int64N(int64(10*24*time.Hour)))
		deliver := ordered.Add(lead).In(to)
		over := b2bkit.DaysBetween(ordered, deliver) > b2bkit.MaxTermDays
		checked[over]++
		err := terms(b2bkit.CashOnDelivery(), ordered, deliver).Validate()
		if over {
			requireFields(t, err, "deliver_by")
		} else {
			require.NoError(t, err, "%s -> %s", ordered, deliver)
		}
	}
	require.Positive(t, checked[true])
	require.Positive(t, checked[false])
}

// A due date keeps its calendar-day meaning in zones whose clocks jump at midnight: São Paulo moved
// from 00:00 to 01:00 on 4 November 2018, so an order dated at midnight on 4 October with 31 days
// to pay fell due on 3 November at 23:00 (AddDate normalises the missing 00:00 back to the day
// before). It is due on 4 November, at the first instant of it there is (01:00); days that have the
// wall-clock time keep it. The same holds across DST in New York and Berlin, whose clocks jump at
// night but not across a date.
func TestAddDaysKeepsTheCalendarDayAcrossADSTChange(t *testing.T) {
	var zones []*time.Location
	for _, name := range []string{"America/Sao_Paulo", "America/New_York", "Europe/Berlin", "America/Havana", "Asia/Beirut", "Australia/Lord_Howe"} {
		z, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no time zone database: %v", err)
		}
		zones = append(zones, z)
	}
	sp := zones[0]
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, sp) }

	got := b2bkit.AddDays(at(2018, 10, 4, 0, 0), 31)
	assert.Equal(t, "2018-11-04T01:00:00-02:00", got.Format(time.RFC3339), "the first instant of 4 November")
	got = b2bkit.AddDays(at(2018, 11, 3, 0, 30), 1)
	assert.Equal(t, "2018-11-04T01:30:00-02:00", got.Format(time.RFC3339))
	got = b2bkit.AddDays(at(2018, 11, 5, 0, 30), -1)
	assert.Equal(t, "2018-11-04T01:30:00-02:00", got.Format(time.RFC3339), "backwards too")
	got = b2bkit.AddDays(at(2018, 10, 4, 9, 0), 31)
	assert.Equal(t, "2018-11-04T09:00:00-02:00", got.Format(time.RFC3339), "a wall-clock time the day has is kept")

	// Terms.Schedule, Order.Schedule and DueDate give those dates.
	tr := terms(b2bkit.DepositBalance(dec("0.3"), 31), at(2018, 10, 1, 0, 0), at(2018, 10, 4, 0, 0))
	dues, err := tr.Schedule(dec("100"), 2)
	require.NoError(t, err)
	assert.Equal(t, "2018-10-01", dues[0].Date.Format(time.DateOnly))
	assert.Equal(t, "2018-11-04", dues[1].Date.Format(time.DateOnly), "the balance: 31 days after delivery")
	o := b2bkit.Order{ID: "PO-1", Buyer: "B", Seller: "S", Currency: "BRL", Terms: tr,
		Lines: []b2bkit.OrderLine{{SKU: "rice", Quantity: dec("1"), UnitPrice: dec("100")}}}
	odues, err := o.Schedule(2)
	require.NoError(t, err)
	assert.Equal(t, "2018-11-04", odues[1].Date.Format(time.DateOnly))

	// Every hour of 2018 (São Paulo jumped in February and November), in every zone, moved by days that cross the changes.
	for _, z := range zones {
		for h := 0; h < 366*24; h++ {
			from := time.Date(2018, 1, 1, h, 0, 0, 0, z)
			for _, days := range []int{-40, -1, 1, 7, 31, 60, 90} {
				got := b2bkit.AddDays(from, days)
				require.Equal(t, days, b2bkit.DaysBetween(from, got), "%s + %d days = %s", from, days, got)
				if want := from.AddDate(0, 0, days); b2bkit.CalendarDay(want)-b2bkit.CalendarDay(from) == days {
					require.True(t, want.Equal(got), "%s + %d days: %s, not %s", from, days, got, want)
				}
			}
		}
	}
}

// DayStart is the first instant of a date: midnight where the zone has one, when the clocks
// jumped where they jump over midnight (São Paulo, 4 November 2018), the next date's start for a
// date skipped whole (Apia, 30 December 2011), the first of two midnights where the clocks go back
// after one (Havana, 4 November 2018). Over every date of 2017-2019 in zones that jump at and near
// midnight, it is on the date and the instant before it is not.
func TestDayStartIsTheFirstInstantOfTheDate(t *testing.T) {
	load := func(name string) *time.Location {
		z, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no time zone database: %v", err)
		}
		return z
	}
	cases := []struct {
		zone string
		y    int
		m    time.Month
		d    int
		want string
	}{
		{"America/Sao_Paulo", 2018, 11, 4, "2018-11-04T01:00:00-02:00"},
		{"America/Sao_Paulo", 2018, 11, 3, "2018-11-03T00:00:00-03:00"},
		{"America/New_York", 2018, 3, 11, "2018-03-11T00:00:00-05:00"},
		{"America/Havana", 2018, 11, 4, "2018-11-04T00:00:00-04:00"},
		{"Pacific/Apia", 2011, 12, 30, "2011-12-31T00:00:00+14:00"},
		{"Asia/Shanghai", 2026, 2, 29, "2026-03-01T00:00:00+08:00"}, // normalised as time.Date does
		{"UTC", 1969, 12, 31, "1969-12-31T00:00:00Z"},
	}
	for _, c := range cases {
		got := b2bkit.DayStart(c.y, c.m, c.d, load(c.zone))
		assert.Equal(t, c.want, got.Format(time.RFC3339), "%s %d-%02d-%02d", c.zone, c.y, c.m, c.d)
	}
	for _, name := range []string{"America/Sao_Paulo", "America/Havana", "America/Santiago", "Asia/Beirut", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia"} {
		z := load(name)
		for d := 0; d < 3*365; d++ {
			day := time.Date(2017, 1, 1+d, 0, 0, 0, 0, time.UTC)
			want := b2bkit.CalendarDay(day)
			got := b2bkit.DayStart(day.Year(), day.Month(), day.Day(), z)
			if got.Location() != z {
				t.Fatalf("%s %s: in %s", name, day.Format(time.DateOnly), got.Location())
			}
			before := b2bkit.CalendarDay(got.Add(-time.Nanosecond))
			require.True(t, b2bkit.CalendarDay(got) == want && before < want || b2bkit.CalendarDay(got) > want && before < want,
				"%s %s: %s", name, day.Format(time.DateOnly), got.Format(time.RFC3339Nano))
		}
	}
}
