package funnel_test

import (
	"errors"
	"iter"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

func TestR6_TheZeroInputGivesEmptyRates(t *testing.T) {
	s, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	rs, err := s.Evaluate(funnel.Input{}, at(4, 2), allDetails(0))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	requireRate(t, 0, 20, "0", true, rs[0].Coverage, "coverage")
	require.Equal(t, 0, rs[0].Customers)
	requireDecEqual(t, "0", rs[0].Penetration.Share)
	one, err := funnel.Evaluate(city(), nil, nil, nil, at(4, 2))
	require.NoError(t, err)
	requireSameReport(t, one, rs[0])
}

func TestR6_MoreWorkersThanPartsAndBothFormsOfAmounts(t *testing.T) {
	ps := cityPurchases()
	want := evaluateCity(t, at(7, 31))
	s, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	half := len(ps) / 2
	for _, w := range []int{0, 1, 2, 64} {
		rs, err := s.Evaluate(funnel.Input{Touches: b2bkit.Stream(cityTouches()),
			Purchases:      []iter.Seq2[funnel.Purchase, error]{b2bkit.Stream(ps[:half]), nil},
			MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{b2bkit.Stream(minor(t, ps[half:]))},
			Wallets:        b2bkit.Stream(cityWallets()[:4]), MinorWallets: b2bkit.Stream(minorWallets(t, cityWallets()[4:]))},
			at(7, 31), allDetails(w))
		require.NoError(t, err, "workers %d", w)
		requireSameReport(t, want, rs[0], "workers %d", w)
	}
}

// failAfter yields xs and then an error: a cursor that fails when it is closed.
func failAfter[T any](xs []T, err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
		var zero T
		yield(zero, err)
	}
}

func TestR6_AnErrorAfterTheLastRecordFailsTheReport(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := funnel.Evaluate(city(), failAfter(cityTouches(), boom), b2bkit.Stream(cityPurchases()), b2bkit.Stream(cityWallets()), at(7, 31))
	require.ErrorIs(t, err, boom)
	_, err = funnel.Evaluate(city(), b2bkit.Stream(cityTouches()), failAfter(cityPurchases(), boom), b2bkit.Stream(cityWallets()), at(7, 31))
	require.ErrorIs(t, err, boom)
	require.ErrorContains(t, err, "purchases[27]")
	_, err = funnel.Evaluate(city(), b2bkit.Stream(cityTouches()), b2bkit.Stream(cityPurchases()), failAfter(cityWallets(), boom), at(7, 31))
	require.ErrorIs(t, err, boom)
	s, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	_, err = s.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{b2bkit.Stream(minor(t, cityPurchases())),
		failAfter(minor(t, cityPurchases()), boom)}, MinorWallets: failAfter(minorWallets(t, cityWallets()), boom)}, at(7, 31), allDetails(2))
	require.ErrorIs(t, err, boom)
	require.ErrorContains(t, err, "minor_purchases[1][27]")
}

func TestR6_APanicInOnePartWhileAnotherFailsPanicsInTheCaller(t *testing.T) {
	s, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	boom := errors.New("boom")
	for range 20 {
		started := make(chan struct{})
		panicking := func(yield func(funnel.MinorPurchase, error) bool) {
			close(started)
			panic("driver bug")
		}
		failing := func(yield func(funnel.MinorPurchase, error) bool) {
			<-started // both parts are read: one panics, the other fails
			yield(funnel.MinorPurchase{}, boom)
		}
		require.PanicsWithValue(t, "driver bug", func() {
			_, _ = s.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{failing, panicking}},
				at(7, 31), allDetails(2))
		})
	}
	// A host that recovers the panic measures again with the same set and gets the right report.
	want := evaluateCity(t, at(7, 31))
	for _, w := range []int{1, 2} {
		rs, err := s.Evaluate(funnel.Input{Touches: b2bkit.Stream(cityTouches()), Purchases: []iter.Seq2[funnel.Purchase, error]{
			b2bkit.Stream(cityPurchases()[:9]), b2bkit.Stream(cityPurchases()[9:])}, Wallets: b2bkit.Stream(cityWallets())},
			at(7, 31), allDetails(w))
		require.NoError(t, err)
		requireSameReport(t, want, rs[0])
	}
}

func TestR8_ATerritoryAndIDRepeatedAcrossASet(t *testing.T) {
	a, b := city(), city()
	b.Targets = ids("C", 11, 30)
	rs, err := funnel.EvaluateAll([]funnel.Campaign{a, b}, b2bkit.Stream(cityTouches()), b2bkit.Stream(cityPurchases()),
		b2bkit.Stream(cityWallets()), at(7, 31))
	require.NoError(t, err)
	for k, c := range []funnel.Campaign{a, b} {
		one, err := funnel.Evaluate(c, b2bkit.Stream(cityTouches()), b2bkit.Stream(cityPurchases()), b2bkit.Stream(cityWallets()), at(7, 31))
		require.NoError(t, err)
		requireSameReport(t, one, rs[k])
	}
}

func TestR6_MaxMonthsIsReportedOnAsOf(t *testing.T) {
	c := city()
	_, err := funnel.Evaluate(c, nil, nil, nil, c.Start.AddDate(101, 0, 0))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "as_of")
	_, err = funnel.Evaluate(c, nil, nil, nil, c.Start.AddDate(100, 0, 0).Add(-time.Second))
	require.NoError(t, err)
}

func TestR7_WalletsDatedAfterAsOfOrBeforeTheStart(t *testing.T) {
	ps := []funnel.Purchase{buy("C01", at(3, 5), "100", b2bkit.Manual)}
	ws := []funnel.Wallet{wallet("C01", "1000", at(1, 1)), wallet("C01", "9", at(4, 2))}
	r, err := funnel.Evaluate(city(), nil, b2bkit.Stream(ps), b2bkit.Stream(ws), at(4, 1))
	require.NoError(t, err)
	require.Equal(t, 1, r.Excluded.Wallets.AfterAsOf)
	require.Len(t, r.Penetration.Companies, 1)
	requireDecEqual(t, "1000", r.Penetration.Companies[0].Wallet)
	requireDecEqual(t, "0.1", r.Penetration.Share)
}

func TestR8_ATouchByAnotherTerritorysRepDoesNotCover(t *testing.T) {
	ts := []funnel.Touch{touch("C01", "R9", "Ningbo", at(3, 3)), touch("C02", "R1", "Hangzhou", at(3, 3))}
	r, err := funnel.Evaluate(city(), b2bkit.Stream(ts), nil, nil, at(4, 1))
	require.NoError(t, err)
	requireRate(t, 1, 20, "0.05", true, r.Coverage, "coverage")
	require.Equal(t, 1, r.Excluded.Touches.OutsideTerritory)
	require.Equal(t, 1, r.Concentration.Touches, "R9, with no touch in Hangzhou, is another team's")
	require.Equal(t, 1, r.Concentration.OtherTeams)
	require.Equal(t, 1, r.Concentration.InTerritory)
}

func TestR8_CohortsAndPlanWithOddInput(t *testing.T) {
	tab, err := funnel.Cohorts()
	require.NoError(t, err)
	require.Empty(t, tab.Rows)
	_, err = funnel.Cohorts(funnel.Report{}, funnel.Report{})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	_, err = funnel.Plan(3, []funnel.City{{Name: "A", Targets: 10}}, 0, 22)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "visits_per_rep_per_day")
	d, err := funnel.Plan(1, []funnel.City{{Name: "A", Targets: 10}, {Name: "B", Targets: 10}}, 1, 1)
	require.NoError(t, err)
	require.Equal(t, 0, d.SpreadMonths)
	require.Equal(t, 20, d.ConcentratedMonths)
}

// Every purchase is counted in the channel mix or set apart, once, in every campaign's report.
func TestR10_EveryPurchaseIsCountedOrSetApartOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := range 200 {
		cs, w := team(rng)
		s, err := funnel.NewCampaigns(cs)
		require.NoError(t, err)
		rs, err := s.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), Purchases: split(rng, w.purchases, 3),
			Wallets: b2bkit.Stream(w.wallets)}, w.asOf, &funnel.Options{Workers: 1 + rng.IntN(3)})
		require.NoError(t, err)
		for k, r := range rs {
			orders := 0
			for _, m := range r.Channels {
				orders += m.Orders()
			}
			require.Equal(t, len(w.purchases), orders+r.Excluded.Purchases.Total(), "world %d, campaign %d", n, k)
		}
	}
}

func TestR6_MaxTargetsIsReportedOnTargets(t *testing.T) {
	c := city()
	c.Targets = make([]b2bkit.CompanyID, funnel.MaxTargets+1)
	err := c.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "targets: must list at most 5000000 companies")
	require.NotContains(t, err.Error(), "targets[0]", "one error for the list, not one per target")
	_, err = funnel.NewCampaigns([]funnel.Campaign{city(), c})
	require.ErrorContains(t, err, "campaigns[1]: targets: must list at most")
}

// The minor-units path allocates nothing per record: a history twice as long costs no more
// allocations than a bounded few (buffers regrown if the collector emptied the pool).
func TestR6_MinorPurchasesAllocateNothingPerRecord(t *testing.T) {
	c := city()
	s, err := funnel.NewCampaigns([]funnel.Campaign{c})
	require.NoError(t, err)
	history := func(n int) []funnel.MinorPurchase {
		ps := make([]funnel.MinorPurchase, n)
		for i := range ps {
			ps[i] = funnel.MinorPurchase{Company: c.Targets[i%len(c.Targets)], At: at(3, 2).Add(time.Duration(i) * time.Second),
				Amount: int64(1 + i%500), Channel: b2bkit.Channel(1 + i%3)}
		}
		return ps
	}
	allocs := func(ps []funnel.MinorPurchase) float64 {
		return testing.AllocsPerRun(5, func() {
			_, err := s.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{b2bkit.Stream(ps)}},
				at(7, 31), &funnel.Options{Workers: 1})
			require.NoError(t, err)
		})
	}
	short, long := allocs(history(100_000)), allocs(history(300_000))
	t.Logf("%v allocations for 100k purchases, %v for 300k", short, long)
	require.Less(t, long-short, 100.0)
}

// Of two estimates of one date, the one read later is used: the later of one stream, and a minor
// estimate over a decimal one, whose stream is read after.
func TestR7_OfTwoEstimatesOfOneDateTheLaterReadIsUsed(t *testing.T) {
	s, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	ps := []funnel.Purchase{buy("C01", at(3, 5), "100", b2bkit.Manual), buy("C02", at(3, 5), "100", b2bkit.Manual)}
	ws := []funnel.Wallet{wallet("C01", "1000", at(3, 1)), wallet("C01", "500", at(3, 1)), wallet("C02", "1000", at(3, 1))}
	mws := []funnel.MinorWallet{{Company: "C02", Monthly: 200_0000, AsOf: at(3, 1)}}
	rs, err := s.Evaluate(funnel.Input{Purchases: []iter.Seq2[funnel.Purchase, error]{b2bkit.Stream(ps)},
		Wallets: b2bkit.Stream(ws), MinorWallets: b2bkit.Stream(mws)}, at(4, 1), allDetails(1))
	require.NoError(t, err)
	cs := rs[0].Penetration.Companies
	require.Len(t, cs, 2)
	requireDecEqual(t, "500", cs[0].Wallet)
	requireDecEqual(t, "200", cs[1].Wallet)
}
