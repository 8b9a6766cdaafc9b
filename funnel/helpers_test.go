package funnel_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit/internal/dectest"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

var dec = dectest.Dec // decimals are compared by value; see internal/dectest

// requireDecEqual compares got with the decimal literal want, by value.
func requireDecEqual(t testing.TB, want string, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	dectest.RequireEqual(t, dec(want), got, msgAndArgs...)
}

func requireRate(t testing.TB, num, den int, value string, complete bool, got funnel.Rate, name string) {
	t.Helper()
	require.Equal(t, num, got.Numerator, name+" numerator")
	require.Equal(t, den, got.Denominator, name+" denominator")
	requireDecEqual(t, value, got.Value, name+" value")
	require.Equal(t, complete, got.Complete, name+" complete")
}

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a local time in Shanghai: at(3, 5) is 5 March 2026, 10:00.
func at(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 10, 0, 0, 0, shanghai)
}

func ids(prefix string, from, to int) []b2bkit.CompanyID {
	var out []b2bkit.CompanyID
	for i := from; i <= to; i++ {
		out = append(out, b2bkit.CompanyID(fmt.Sprintf("%s%02d", prefix, i)))
	}
	return out
}

// city is a hand-built campaign of 20 restaurants in Hangzhou, starting 1 March 2026 (Shanghai time).
func city() funnel.Campaign {
	return funnel.Campaign{ID: "hz-2026-03", Territory: "Hangzhou", Start: time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai),
		TimeZone: "Asia/Shanghai", Targets: ids("C", 1, 20)}
}

func touch(c, rep, territory string, t time.Time) funnel.Touch {
	return funnel.Touch{Company: b2bkit.CompanyID(c), Rep: b2bkit.PersonID(rep), Territory: territory, At: t, Kind: funnel.Visit}
}

// cityTouches: R1 visits C01-C08 on 2-9 March, R2 calls C09-C15 on 2-8 March and C16 on 2 April
// (month 2: not covered). R2 also visits C17 in Shanghai (outside), R1 visits X99 in Hangzhou (not a
// target), and R1 visits C18 on 25 February (before the start).
func cityTouches() []funnel.Touch {
	var ts []funnel.Touch
	for i := 1; i <= 8; i++ {
		ts = append(ts, touch(fmt.Sprintf("C%02d", i), "R1", "Hangzhou", at(3, 1+i)))
	}
	for i := 9; i <= 15; i++ {
		t := touch(fmt.Sprintf("C%02d", i), "R2", "Hangzhou", at(3, i-7))
		t.Kind = funnel.Call
		ts = append(ts, t)
	}
	ts = append(ts,
		touch("C16", "R2", "Hangzhou", at(4, 2)),
		touch("C17", "R2", "Shanghai", at(3, 5)),
		touch("X99", "R1", "Hangzhou", at(3, 10)),
		touch("C18", "R1", "Hangzhou", at(2, 25)),
	)
	return ts
}

func buy(c string, t time.Time, amount string, ch b2bkit.Channel) funnel.Purchase {
	a := dec(amount)
	return funnel.Purchase{Company: b2bkit.CompanyID(c), At: t, Amount: a, Channel: ch,
		GrossProfit: a.Shift(-1)} // 10% margin
}

// cityPurchases, by month (M = manual, S = semi-auto, F = full-auto):
//
//	month 1 (Mar): C12 100 M, C13 100 M at 31 March 23:59:59 local (still month 1)
//	month 2 (Apr): C01 300, C02 100, C03 100, C04 500, C05 1000, C06-C08 100 each, all M;
//	               C09 100 S, C10 100 S at 1 April 00:00 local (already month 2); C16 100 M, C17 100 M
//	month 3 (May): C01 300 S, C02 100 S, C03 200 S, C04 1000 F, C05 1000 F, C06 100 M, C11 100 M (a
//	               late first order), C07 100 M on 25 May
//	month 4 (Jun): C01 400 F, C05 1001 F
//	month 5 (Jul): C01 100 M on 20 July
//	outside:       C08 100 M on 20 February (before the start: C08 is an existing customer), X99 100 M
//	               (not a target)
func cityPurchases() []funnel.Purchase {
	M, S, F := b2bkit.Manual, b2bkit.SemiAuto, b2bkit.FullAuto
	return []funnel.Purchase{
		buy("C12", at(3, 20), "100", M),
		buy("C13", time.Date(2026, 3, 31, 23, 59, 59, 0, shanghai), "100", M),
		buy("C01", at(4, 5), "300", M), buy("C02", at(4, 5), "100", M), buy("C03", at(4, 5), "100", M),
		buy("C04", at(4, 5), "500", M), buy("C05", at(4, 5), "1000", M), buy("C06", at(4, 5), "100", M),
		buy("C07", at(4, 5), "100", M), buy("C08", at(4, 5), "100", M), buy("C09", at(4, 5), "100", S),
		buy("C10", time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai), "100", S),
		buy("C16", at(4, 10), "100", M), buy("C17", at(4, 8), "100", M),
		buy("C01", at(5, 5), "300", S), buy("C02", at(5, 5), "100", S), buy("C03", at(5, 5), "200", S),
		buy("C04", at(5, 5), "1000", F), buy("C05", at(5, 5), "1000", F), buy("C06", at(5, 5), "100", M),
		buy("C11", at(5, 2), "100", M), buy("C07", at(5, 25), "100", M),
		buy("C01", at(6, 5), "400", F), buy("C05", at(6, 5), "1001", F),
		buy("C01", at(7, 20), "100", M),
		buy("C08", at(2, 20), "100", M), buy("X99", at(4, 5), "100", M),
	}
}

func wallet(c, monthly string, asOf time.Time) funnel.Wallet {
	return funnel.Wallet{Company: b2bkit.CompanyID(c), Monthly: dec(monthly), Method: "seats x avg spend", AsOf: asOf, Confidence: 0.7}
}

// cityWallets: C01-C04 spend 1000 a month on the category, C05 2000, C06 nothing; C03 had an older,
// higher estimate; C02 has a newer one dated after the July report; X99 is not a target.
func cityWallets() []funnel.Wallet {
	return []funnel.Wallet{
		wallet("C01", "1000", at(6, 1)), wallet("C02", "1000", at(6, 1)), wallet("C02", "9000", at(8, 1)),
		wallet("C03", "5000", at(3, 1)), wallet("C03", "1000", at(6, 1)), wallet("C04", "1000", at(6, 1)),
		wallet("C05", "2000", at(6, 1)), wallet("C06", "0", at(6, 1)), wallet("X99", "1000", at(6, 1)),
	}
}

func evaluateCity(t testing.TB, asOf time.Time) funnel.Report {
	t.Helper()
	r, err := funnel.Evaluate(city(), b2bkit.Stream(cityTouches()), b2bkit.Stream(cityPurchases()),
		b2bkit.Stream(cityWallets()), asOf)
	require.NoError(t, err)
	return r
}
