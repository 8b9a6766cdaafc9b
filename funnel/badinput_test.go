package funnel_test

import (
	"iter"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestBadInput_CampaignIsRejectedWithEveryProblem(t *testing.T) {
	c := funnel.Campaign{TimeZone: "Mars/Olympus", Targets: []b2bkit.CompanyID{"A", "", "A"}}
	err := c.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, want := range []string{"territory: must be set", "start: must be set", "time_zone: unknown", "targets[1]: must be set",
		"targets[2]: repeats targets[0]"} {
		require.ErrorContains(t, err, want)
	}
	_, err = funnel.Evaluate(c, nil, nil, nil, jul10)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestBadInput_EmptyTargetListIsAnError(t *testing.T) {
	c := city()
	c.Targets = nil
	_, err := funnel.Evaluate(c, nil, nil, nil, jul10)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "targets: must list at least one company")
}

func TestBadInput_AsOfBeforeStartIsAnError(t *testing.T) {
	_, err := funnel.Evaluate(city(), nil, nil, nil, time.Date(2026, 2, 28, 23, 59, 59, 0, shanghai))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "as_of")
	_, err = funnel.Evaluate(city(), nil, nil, nil, time.Time{})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = funnel.Evaluate(city(), nil, nil, nil, time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	// asOf exactly at the start is fine: nothing has happened yet.
	r, err := funnel.Evaluate(city(), b2bkit.Stream(cityTouches()), b2bkit.Stream(cityPurchases()), nil, city().Start)
	require.NoError(t, err)
	requireRate(t, 0, 20, "0", false, r.Coverage, "coverage")
	requireRate(t, 0, 0, "0", false, r.Conversion, "conversion")
}

func TestBadInput_PurchasesBeforeTheCampaignAreReportedApart(t *testing.T) {
	ps := []funnel.Purchase{buy("X1", at(2, 1), "100", b2bkit.Manual), buy("C01", at(2, 1), "100", b2bkit.Manual),
		buy("C01", at(4, 2), "100", b2bkit.Manual)}
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2))}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), nil, jul10)
	require.NoError(t, err)
	require.Equal(t, 2, r.Excluded.Purchases.BeforeStart)
	require.Zero(t, r.Excluded.Purchases.NotTarget, "a stranger's purchase before the start is only before the start")
	require.Empty(t, r.Excluded.Purchases.Unknown)
	require.Equal(t, 1, r.Unattributed.Orders, "only the order after the start is counted")
}

// TestR6_AnExistingCustomerIsNotAConversion: a company that had ordered before the start was already
// a customer; its orders in months 2 and 3 are not the campaign's conversion or repurchase, and no rep
// acquired it (R10). It is counted apart in Report.Existing and flagged in the hand-off (R9).
func TestR6_AnExistingCustomerIsNotAConversion(t *testing.T) {
	M := b2bkit.Manual
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2)), touch("C02", "R1", "Hangzhou", at(3, 2)),
		touch("C03", "R1", "Hangzhou", at(3, 3))}
	ps := []funnel.Purchase{
		buy("C01", at(2, 1), "100", M), // C01: a customer already, in February
		buy("C01", at(4, 2), "100", M), buy("C01", at(5, 2), "100", M),
		buy("C02", at(4, 2), "100", M), buy("C02", at(5, 2), "100", M), // C02: a real conversion
		buy("C04", at(1, 5), "100", M), // C04: a customer already, not touched, no order since
	}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), nil, jul10)
	require.NoError(t, err)
	requireRate(t, 3, 20, "0.15", true, r.Coverage, "coverage: reaching an existing customer is reaching it")
	requireRate(t, 1, 2, "0.5", true, r.Conversion, "conversion: C02 of C02 and C03; C01 is apart")
	requireRate(t, 1, 1, "1", true, r.Repurchase, "repurchase: C02 only")
	require.Equal(t, 2, r.Existing, "C01 and C04")
	require.Equal(t, 2, r.Customers, "C01 and C02 ordered since the start")
	require.Len(t, r.Reps, 1)
	require.Equal(t, 1, r.Reps[0].Customers, "R1 acquired C02, not C01")
	require.Equal(t, 1, r.Unattributed.Customers)
	requireDecEqual(t, "200", r.Unattributed.Amount)
	require.Len(t, r.HandOff, 3)
	for _, h := range r.HandOff {
		require.Equal(t, h.Company == "C01", h.Existing, h.Company)
		if h.Company == "C01" {
			require.Empty(t, h.Rep)
		}
	}
}

func TestBadInput_UnknownCompaniesAreReportedApart(t *testing.T) {
	var ps []funnel.Purchase
	for _, id := range ids("Z", 1, 15) {
		ps = append(ps, buy(string(id), at(4, 2), "1", b2bkit.Manual), buy(string(id), at(4, 3), "1", b2bkit.Manual))
	}
	r, err := funnel.Evaluate(city(), nil, b2bkit.Stream(ps), nil, jul10)
	require.NoError(t, err)
	require.Equal(t, 30, r.Excluded.Purchases.NotTarget)
	require.Equal(t, 30, r.Excluded.Purchases.Total())
	require.Len(t, r.Excluded.Purchases.Unknown, funnel.MaxSamples)
	require.Equal(t, ids("Z", 1, 10), r.Excluded.Purchases.Unknown)
	require.Equal(t, 0, r.Customers)
	require.Equal(t, 0, r.Channels[1].Orders(), "orders of unknown companies are not in the mix")
}

func TestBadInput_WalletOfZeroIsNotDividedBy(t *testing.T) {
	ps := []funnel.Purchase{buy("C01", at(4, 2), "100", b2bkit.Manual)}
	ws := []funnel.Wallet{wallet("C01", "0", at(4, 1))}
	r, err := funnel.Evaluate(city(), nil, b2bkit.Stream(ps), b2bkit.Stream(ws), jul10)
	require.NoError(t, err)
	require.Equal(t, 1, r.Penetration.ZeroWallet)
	require.Empty(t, r.Penetration.Companies)
	require.False(t, r.Penetration.Band.Valid())
}

func TestBadInput_SpendAboveWalletIsFlagged(t *testing.T) {
	ps := []funnel.Purchase{buy("C01", at(6, 2), "5000", b2bkit.Manual)}
	ws := []funnel.Wallet{wallet("C01", "100", at(4, 1))}
	r, err := funnel.Evaluate(city(), nil, b2bkit.Stream(ps), b2bkit.Stream(ws), jul10)
	require.NoError(t, err)
	require.Equal(t, 1, r.Penetration.OverWallet)
	require.Equal(t, funnel.Strong, r.Penetration.Companies[0].Band)
	requireDecEqual(t, "16.6667", r.Penetration.Companies[0].Share) // 5000/300
}

func TestBadInput_RecordsThatAreWrongStopEvaluate(t *testing.T) {
	good := buy("C01", at(4, 2), "100", b2bkit.Manual)
	goodT := touch("C01", "R1", "Hangzhou", at(3, 2))
	goodW := wallet("C01", "100", at(4, 1))
	p := func(f func(*funnel.Purchase)) []funnel.Purchase { x := good; f(&x); return []funnel.Purchase{good, x} }
	tc := func(f func(*funnel.Touch)) []funnel.Touch { x := goodT; f(&x); return []funnel.Touch{goodT, x} }
	w := func(f func(*funnel.Wallet)) []funnel.Wallet { x := goodW; f(&x); return []funnel.Wallet{goodW, x} }
	cases := []struct {
		name    string
		touches []funnel.Touch
		buys    []funnel.Purchase
		wallets []funnel.Wallet
		want    string
	}{
		{"negative amount", nil, p(func(x *funnel.Purchase) { x.Amount = dec("-5"); x.GrossProfit = dec("-6") }), nil, "purchases[1].amount: must be >= 0"},
		{"negative amount, no profit", nil, p(func(x *funnel.Purchase) { x.Amount = dec("-5"); x.GrossProfit = decimal.Zero }), nil, "purchases[1].amount: must be >= 0"},
		{"too many places", nil, p(func(x *funnel.Purchase) { x.Amount = dec("100.00001") }), nil, "purchases[1].amount"},
		{"huge amount", nil, p(func(x *funnel.Purchase) { x.Amount = dec("1e30") }), nil, "purchases[1].amount"},
		{"profit above amount", nil, p(func(x *funnel.Purchase) { x.GrossProfit = dec("101") }), nil, "purchases[1].gross_profit"},
		{"no channel", nil, p(func(x *funnel.Purchase) { x.Channel = 0 }), nil, "purchases[1].channel"},
		{"no company", nil, p(func(x *funnel.Purchase) { x.Company = "" }), nil, "purchases[1].company"},
		{"no time", nil, p(func(x *funnel.Purchase) { x.At = time.Time{} }), nil, "purchases[1].at"},
		{"touch kind", tc(func(x *funnel.Touch) { x.Kind = 9 }), nil, nil, "touches[1].kind"},
		{"touch rep", tc(func(x *funnel.Touch) { x.Rep = "" }), nil, nil, "touches[1].rep"},
		{"negative wallet", nil, nil, w(func(x *funnel.Wallet) { x.Monthly = dec("-1") }), "wallets[1].monthly: must be >= 0"},
		{"wallet date", nil, nil, w(func(x *funnel.Wallet) { x.AsOf = time.Time{} }), "wallets[1].as_of"},
		{"confidence NaN", nil, nil, w(func(x *funnel.Wallet) { x.Confidence = math.NaN() }), "wallets[1].confidence"},
		{"confidence > 1", nil, nil, w(func(x *funnel.Wallet) { x.Confidence = 1.5 }), "wallets[1].confidence"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := funnel.Evaluate(city(), b2bkit.Stream(c.touches), b2bkit.Stream(c.buys), b2bkit.Stream(c.wallets), jul10)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.want)
			require.ErrorContains(t, err, "funnel: ")
			require.Zero(t, r.Targets, "no half-written report")
			if c.buys != nil {
				require.Equal(t, 1, strings.Count(err.Error(), "purchases[1]"), "one problem, not a second spurious one: %v", err)
			}
			// The record is named by what the host can look up, not only by its position.
			var company string
			var when time.Time
			switch {
			case c.touches != nil:
				company, when = string(c.touches[1].Company), c.touches[1].At
			case c.buys != nil:
				company, when = string(c.buys[1].Company), c.buys[1].At
			default:
				company, when = string(c.wallets[1].Company), c.wallets[1].AsOf
			}
			if company != "" {
				require.ErrorContains(t, err, "of "+company)
			}
			if !when.IsZero() {
				require.ErrorContains(t, err, when.Format(time.RFC3339))
			}
		})
	}
}

// TestBadInput_AMalformedRecordOfAStrangerIsSetApart: the streams may carry the whole platform's
// records; a malformed one of a company that is not a target would be set apart anyway, so it is
// counted in Excluded.NotTarget and does not abort the report.
func TestBadInput_AMalformedRecordOfAStrangerIsSetApart(t *testing.T) {
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2)), {Company: "X1", Territory: "Hangzhou", At: at(3, 2)}}
	ps := []funnel.Purchase{buy("C01", at(4, 2), "100", b2bkit.Manual),
		{Company: "X1", At: at(4, 2), Amount: dec("-5")},
		{Company: "X2", At: at(4, 2), Amount: dec("0.00001"), Channel: b2bkit.Manual},
		{Company: "X3", At: at(4, 2), Amount: dec("1e30"), Channel: b2bkit.Manual}}
	ws := []funnel.Wallet{wallet("C01", "100", at(4, 1)), {Company: "X1", Monthly: dec("-1")}}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), b2bkit.Stream(ws), jul10)
	require.NoError(t, err)
	require.Equal(t, 1, r.Excluded.Touches.NotTarget)
	require.Equal(t, 3, r.Excluded.Purchases.NotTarget)
	require.Equal(t, []b2bkit.CompanyID{"X1", "X2", "X3"}, r.Excluded.Purchases.Unknown)
	require.Equal(t, 1, r.Excluded.Wallets.NotTarget)
	requireRate(t, 1, 1, "1", true, r.Conversion, "conversion")
	require.Equal(t, 1, r.Concentration.Touches, "a malformed touch is not the team's work")

	// The same record of a target stops Evaluate.
	ps[1].Company = "C02"
	_, err = funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), b2bkit.Stream(ws), jul10)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "purchases[1].amount")
}

func TestBadInput_FreeSamplesAreNotOrders(t *testing.T) {
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2))}
	ps := []funnel.Purchase{{Company: "C01", At: at(4, 2), Amount: decimal.Zero, Channel: b2bkit.Manual, GrossProfit: dec("-30")}}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), nil, jul10)
	require.NoError(t, err)
	require.Equal(t, 1, r.Excluded.Purchases.Free)
	requireRate(t, 0, 1, "0", true, r.Conversion, "a free sample converts nobody")
	require.Zero(t, r.Customers)
	require.Zero(t, r.Channels[1].Orders())
}

// TestR7_SumsHaveTheHeadroomOfLargeCurrencies: in VND or IDR a few hundred thousand customers add up
// to more than an int64 holds at MinorScale (about 9.2e14). Sums are exact far beyond that: each
// company's spend, the month's mix, the reps' totals and penetration.
func TestR7_SumsHaveTheHeadroomOfLargeCurrencies(t *testing.T) {
	big := "900000000000000" // 9e14 at scale 4 is 9e18 minor units, just under MaxInt64
	var ps []funnel.Purchase
	for i := range 10 {
		ps = append(ps,
			funnel.Purchase{Company: "C01", At: at(4, 2+i), Amount: dec(big), GrossProfit: dec("-" + big), Channel: b2bkit.Manual},
			funnel.Purchase{Company: "C02", At: at(5, 2+i), Amount: dec(big), GrossProfit: dec(big), Channel: b2bkit.Manual})
	}
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2)), touch("C02", "R1", "Hangzhou", at(3, 2))}
	ws := []funnel.Wallet{wallet("C01", big, at(3, 2)), wallet("C02", "1", at(3, 2))}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), b2bkit.Stream(ws), jul10)
	require.NoError(t, err)
	requireDecEqual(t, "9000000000000000", r.Channels[1].Manual.Amount)
	require.Len(t, r.Reps, 1)
	requireDecEqual(t, "18000000000000000", r.Reps[0].Amount)
	requireDecEqual(t, "0", r.Reps[0].GrossProfit)
	require.Len(t, r.HandOff, 2)
	requireDecEqual(t, "9000000000000000", r.HandOff[0].Spend)
	p := r.Penetration
	require.Len(t, p.Companies, 2)
	requireDecEqual(t, "2700000000000000", p.Companies[0].Wallet) // three months of 9e14
	requireDecEqual(t, "3.3333", p.Companies[0].Share)
	requireDecEqual(t, "3", p.Companies[1].Wallet)
	requireDecEqual(t, "3000000000000000", p.Companies[1].Share)
	require.Equal(t, funnel.Strong, p.Companies[1].Band)
	requireDecEqual(t, "18000000000000000", p.Spend)
	requireDecEqual(t, "2700000000000003", p.Wallet)
	requireDecEqual(t, "6.6667", p.Share)
	require.Equal(t, funnel.Strong, p.Band)
}

// TestR7_SumsKeepTheirHeadroomAcrossParts: each part of the purchases is added up on its own and the
// parts' sums are added at the end; a target whose spend passes an int64 only once the parts are
// added keeps every unit, as when it passes one within a part.
func TestR7_SumsKeepTheirHeadroomAcrossParts(t *testing.T) {
	const big = 9_000_000_000_000_000_000 // minor units, just under MaxInt64
	var ps []funnel.MinorPurchase
	for i := range 4 {
		ps = append(ps,
			funnel.MinorPurchase{Company: "C01", At: at(4, 2+i), Amount: big, GrossProfit: -big, Channel: b2bkit.Manual},
			funnel.MinorPurchase{Company: "C02", At: at(5, 2+i), Amount: big, GrossProfit: big, Channel: b2bkit.Manual})
	}
	ts := []funnel.Touch{touch("C01", "R1", "Hangzhou", at(3, 2)), touch("C02", "R1", "Hangzhou", at(3, 2))}
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	opts := &funnel.Options{HandOff: true, Workers: 2}
	whole, err := set.Evaluate(funnel.Input{Touches: b2bkit.Stream(ts), MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{
		b2bkit.Stream(ps)}}, jul10, opts)
	require.NoError(t, err)
	for _, split := range []int{1, 2, 4, 7} {
		// Each part waits for the other to start, so that two workers read them into two tallies.
		started := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
		meet := func(p int, recs []funnel.MinorPurchase) iter.Seq2[funnel.MinorPurchase, error] {
			return func(yield func(funnel.MinorPurchase, error) bool) {
				close(started[p])
				<-started[1-p]
				for _, r := range recs {
					if !yield(r, nil) {
						return
					}
				}
			}
		}
		parts, err := set.Evaluate(funnel.Input{Touches: b2bkit.Stream(ts), MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{
			meet(0, ps[:split]), meet(1, ps[split:])}}, jul10, opts)
		require.NoError(t, err)
		for _, r := range []funnel.Report{whole[0], parts[0]} {
			require.Len(t, r.Reps, 1)
			requireDecEqual(t, "7200000000000000", r.Reps[0].Amount) // 8 orders of 9e14
			requireDecEqual(t, "0", r.Reps[0].GrossProfit)
			require.Len(t, r.HandOff, 2)
			requireDecEqual(t, "3600000000000000", r.HandOff[0].Spend)
			requireDecEqual(t, "3600000000000000", r.HandOff[1].Spend)
			requireDecEqual(t, "3600000000000000", r.Channels[1].Manual.Amount)
			requireDecEqual(t, "3600000000000000", r.Channels[2].Manual.Amount)
		}
	}
}

// A single amount still has to fit an int64 at MinorScale; one that does not is refused naming it.
func TestBadInput_AnAmountBeyondMinorUnitsNamesItsRecord(t *testing.T) {
	ps := []funnel.Purchase{buy("C01", at(4, 2), "100", b2bkit.Manual),
		{Company: "C01", At: at(4, 3), Amount: dec("1000000000000000"), Channel: b2bkit.Manual}}
	_, err := funnel.Evaluate(city(), nil, b2bkit.Stream(ps), nil, jul10)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "purchases[1].amount")
	require.ErrorContains(t, err, "does not fit")
}

// TestR6_TheRatesNeedOnlyTheFieldsTheyUse: a host that does not record where a touch was made, its
// kind, or how a wallet was estimated still gets every rate. A touch of a target without a territory
// is in the campaign's territory (the target list fixes it); one of another company, whose place is
// unknown, is set apart and left out of concentration.
func TestR6_TheRatesNeedOnlyTheFieldsTheyUse(t *testing.T) {
	ts := []funnel.Touch{{Company: "C01", Rep: "R1", At: at(3, 2)}, {Company: "C02", Rep: "R1", At: at(3, 3)},
		{Company: "X1", Rep: "R1", At: at(3, 3)}, touch("C03", "R2", "Ningbo", at(3, 4))}
	ps := []funnel.Purchase{buy("C01", at(4, 2), "100", b2bkit.Manual), buy("C01", at(5, 2), "100", b2bkit.Manual)}
	ws := []funnel.Wallet{{Company: "C01", Monthly: dec("1000"), AsOf: at(4, 1)}}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), b2bkit.Stream(ps), b2bkit.Stream(ws), jul10)
	require.NoError(t, err)
	requireRate(t, 2, 20, "0.1", true, r.Coverage, "coverage")
	requireRate(t, 1, 2, "0.5", true, r.Conversion, "conversion")
	requireRate(t, 1, 1, "1", true, r.Repurchase, "repurchase")
	require.Len(t, r.Penetration.Companies, 1)
	requireDecEqual(t, "0.0667", r.Penetration.Companies[0].Share) // 200 of 3000
	require.Empty(t, r.Penetration.Companies[0].Method)
	require.Equal(t, 1, r.Excluded.Touches.NotTarget)
	require.Equal(t, 1, r.Excluded.Touches.OutsideTerritory)
	require.Equal(t, 2, r.Concentration.InTerritory)
	require.Equal(t, 2, r.Concentration.Touches, "R1's two touches of targets")
	require.Equal(t, 1, r.Concentration.OtherTeams, "R2's only touch was in Ningbo: another team's")
	require.Equal(t, b2bkit.PersonID("R1"), r.Reps[0].Rep)

	// A kind or a confidence that is given must still be one that exists.
	ts[0].Kind = 9
	_, err = funnel.Evaluate(city(), b2bkit.Stream(ts), nil, nil, jul10)
	require.ErrorContains(t, err, "touches[0].kind")
	ws[0].Confidence = 2
	_, err = funnel.Evaluate(city(), nil, nil, b2bkit.Stream(ws), jul10)
	require.ErrorContains(t, err, "wallets[0].confidence")
}
