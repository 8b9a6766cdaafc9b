package funnel_test

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

// allDetails asks Campaigns.Evaluate for everything Evaluate and EvaluateAll build.
func allDetails(workers int) *funnel.Options {
	return &funnel.Options{HandOff: true, Companies: true, Workers: workers}
}

// minor converts purchases to minor units, as a host that keeps integers reads them.
func minor(t testing.TB, ps []funnel.Purchase) []funnel.MinorPurchase {
	t.Helper()
	out := make([]funnel.MinorPurchase, len(ps))
	for i, p := range ps {
		a, err := b2bkit.ToMinor(p.Amount, funnel.MinorScale)
		require.NoError(t, err)
		g, err := b2bkit.ToMinor(p.GrossProfit, funnel.MinorScale)
		require.NoError(t, err)
		out[i] = funnel.MinorPurchase{Company: p.Company, At: p.At, Amount: a, Channel: p.Channel, GrossProfit: g}
	}
	return out
}

func minorWallets(t testing.TB, ws []funnel.Wallet) []funnel.MinorWallet {
	t.Helper()
	out := make([]funnel.MinorWallet, len(ws))
	for i, w := range ws {
		m, err := b2bkit.ToMinor(w.Monthly, funnel.MinorScale)
		require.NoError(t, err)
		out[i] = funnel.MinorWallet{Company: w.Company, Monthly: m, Method: w.Method, AsOf: w.AsOf, Confidence: w.Confidence}
	}
	return out
}

// split cuts xs into n streams at random places, in order; some may be empty.
func split[T any](rng *rand.Rand, xs []T, n int) []iter.Seq2[T, error] {
	cuts := []int{0}
	for range n - 1 {
		cuts = append(cuts, rng.IntN(len(xs)+1))
	}
	cuts = append(cuts, len(xs))
	for i := 1; i < len(cuts); i++ { // keep them in order
		cuts[i] = max(cuts[i], cuts[i-1])
	}
	parts := make([]iter.Seq2[T, error], n)
	for k := range parts {
		parts[k] = b2bkit.Stream(xs[cuts[k]:cuts[k+1]])
	}
	return parts
}

// longIDs gives every company of a world an id longer than the index holds in place.
func longIDs(cs []funnel.Campaign, w world) ([]funnel.Campaign, world) {
	long := func(id b2bkit.CompanyID) b2bkit.CompanyID { return "restaurant-of-the-district-" + id }
	for k := range cs {
		targets := make([]b2bkit.CompanyID, len(cs[k].Targets))
		for i, id := range cs[k].Targets {
			targets[i] = long(id)
		}
		cs[k].Targets = targets
	}
	for i := range w.touches {
		w.touches[i].Company = long(w.touches[i].Company)
	}
	for i := range w.purchases {
		w.purchases[i].Company = long(w.purchases[i].Company)
	}
	for i := range w.wallets {
		w.wallets[i].Company = long(w.wallets[i].Company)
	}
	return cs, w
}

// TestR6_TheFastPathGivesTheReferenceReport: the same records, given in minor units, split into
// parts read at the same time, give Campaigns.Evaluate exactly the reports EvaluateAll gives on
// decimals in one stream — every rate, every company's share, every hand-off, every count set
// apart and every unknown company listed, in order.
func TestR6_TheFastPathGivesTheReferenceReport(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := range 300 {
		cs, w := team(rng)
		if n%3 == 0 {
			cs, w = longIDs(cs, w)
		}
		want, err := funnel.EvaluateAll(cs, b2bkit.Stream(w.touches), b2bkit.Stream(w.purchases), b2bkit.Stream(w.wallets), w.asOf)
		require.NoError(t, err)
		set, err := funnel.NewCampaigns(cs)
		require.NoError(t, err)
		parts := 1 + rng.IntN(4)
		in := funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: split(rng, minor(t, w.purchases), parts),
			MinorWallets: b2bkit.Stream(minorWallets(t, w.wallets))}
		if n%4 == 1 { // decimals and minor units together, as one stream
			cut := rng.IntN(len(w.purchases) + 1)
			in.Purchases = []iter.Seq2[funnel.Purchase, error]{b2bkit.Stream(w.purchases[:cut])}
			in.MinorPurchases = split(rng, minor(t, w.purchases[cut:]), parts)
			in.Wallets, in.MinorWallets = b2bkit.Stream(w.wallets), nil
		}
		in.Concurrent = n%2 == 0 // the touches and wallets read beside the purchases, or in turn
		got, err := set.Evaluate(in, w.asOf, allDetails(rng.IntN(4)))
		require.NoError(t, err)
		require.Len(t, got, len(want))
		for k := range want {
			requireSameReport(t, want[k], got[k], "world %d, campaign %s, %d parts, concurrent %t", n, cs[k].ID, parts, in.Concurrent)
		}
	}
}

// TestR6_TheFastPathGivesTheReferenceReportAtScale compares the paths where the index is large:
// thousands of companies, purchases that share buckets of the hash, parts on several goroutines.
func TestR6_TheFastPathGivesTheReferenceReportAtScale(t *testing.T) {
	w := newTerritories(4, 12_000, 150_000)
	want, err := funnel.EvaluateAll(w.campaigns, b2bkit.Stream(w.touches), w.purchases(), w.wallets(), w.asOf)
	require.NoError(t, err)
	set, err := funnel.NewCampaigns(w.campaigns)
	require.NoError(t, err)
	for _, parts := range []int{1, 3} {
		for _, concurrent := range []bool{false, true} {
			got, err := set.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: w.parts(parts),
				MinorWallets: w.minorWallets(), Concurrent: concurrent}, w.asOf, allDetails(parts+1))
			require.NoError(t, err)
			for k := range want {
				require.Len(t, got[k].Penetration.Companies, len(want[k].Penetration.Companies))
				requireSameReport(t, want[k], got[k], "campaign %d, %d parts, concurrent %t", k, parts, concurrent)
			}
		}
	}
}

// TestR6_ReportsWithoutDetailsKeepEveryFigure: without the per-company lists a report has every
// rate, count and total of the full one, and nil lists.
func TestR6_ReportsWithoutDetailsKeepEveryFigure(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	in := funnel.Input{Touches: b2bkit.Stream(cityTouches()), Purchases: []iter.Seq2[funnel.Purchase, error]{b2bkit.Stream(cityPurchases())},
		Wallets: b2bkit.Stream(cityWallets())}
	full, err := set.Evaluate(in, jul10, allDetails(1))
	require.NoError(t, err)
	bare, err := set.Evaluate(in, jul10, nil)
	require.NoError(t, err)
	require.NotEmpty(t, full[0].HandOff)
	require.NotEmpty(t, full[0].Penetration.Companies)
	require.Nil(t, bare[0].HandOff)
	require.Nil(t, bare[0].Penetration.Companies)
	require.True(t, bare[0].HandOffReady)
	f, b := full[0], bare[0]
	f.HandOff, f.Penetration.Companies = nil, nil
	requireSameReport(t, f, b)

	handOffOnly, err := set.Evaluate(in, jul10, &funnel.Options{HandOff: true})
	require.NoError(t, err)
	require.Len(t, handOffOnly[0].HandOff, len(full[0].HandOff))
	require.Nil(t, handOffOnly[0].Penetration.Companies)
}

// endless streams valid purchases of company c until it is stopped, and counts what it yielded.
func endless(c b2bkit.CompanyID, yielded *int) iter.Seq2[funnel.MinorPurchase, error] {
	return func(yield func(funnel.MinorPurchase, error) bool) {
		for *yielded < 50_000_000 { // a stream nobody stops would end here, failing the test
			*yielded++
			if !yield(funnel.MinorPurchase{Company: c, At: at(4, 2), Amount: 10_000, Channel: b2bkit.Manual}, nil) {
				return
			}
		}
	}
}

// TestR6_AFailingPartFailsTheReport: a part that fails half-way fails the whole report, names the
// part and the position, stops the parts still being read, and no report is returned.
func TestR6_AFailingPartFailsTheReport(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	ps := minor(t, cityPurchases())

	reports, err := set.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{
		b2bkit.Stream(ps[:10]), failing(ps[10:14]), b2bkit.Stream(ps[14:])}}, jul10, &funnel.Options{Workers: 2})
	require.ErrorIs(t, err, errCursor)
	require.NotErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "funnel: minor_purchases[1][4]: cursor")
	require.Nil(t, reports)

	// One part is sequence: the name is the stream's alone, as in Evaluate.
	_, err = set.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{failing(ps[:3])}}, jul10, nil)
	require.ErrorContains(t, err, "funnel: minor_purchases[3]: cursor")
	_, err = set.Evaluate(funnel.Input{Purchases: []iter.Seq2[funnel.Purchase, error]{b2bkit.Stream(cityPurchases()), failing(cityPurchases()[:2])}}, jul10, nil)
	require.ErrorContains(t, err, "funnel: purchases[1][2]: cursor")

	// A part still being read when another fails is stopped, not read to its end.
	yielded := 0
	_, err = set.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{
		endless("C01", &yielded), failing(ps[:5])}}, jul10, &funnel.Options{Workers: 2})
	require.ErrorIs(t, err, errCursor)
	require.Less(t, yielded, 50_000_000)

	// The touches and wallets still fail the report as in Evaluate.
	_, err = set.Evaluate(funnel.Input{Touches: failing(cityTouches()[:3]), MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{b2bkit.Stream(ps)}}, jul10, nil)
	require.ErrorContains(t, err, "funnel: touches[3]: cursor")
	_, err = set.Evaluate(funnel.Input{MinorWallets: failing(minorWallets(t, cityWallets())[:1])}, jul10, nil)
	require.ErrorContains(t, err, "funnel: minor_wallets[1]: cursor")
}

// TestR6_ConcurrentStreamsFailAsStreamsInTurn: with Input.Concurrent a failing touch or wallet
// stream fails the report as it does read in turn, naming the stream; the streams still being read
// are stopped; of several that fail, the error is that of the first in the order they are read in
// turn — touches, purchases, wallets.
func TestR6_ConcurrentStreamsFailAsStreamsInTurn(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	ps, ws := minor(t, cityPurchases()), minorWallets(t, cityWallets())
	parts := func(p ...iter.Seq2[funnel.MinorPurchase, error]) []iter.Seq2[funnel.MinorPurchase, error] { return p }
	opts := &funnel.Options{Workers: 2}
	cases := []struct {
		name string
		in   funnel.Input
		want string
	}{
		{"touches", funnel.Input{Touches: failing(cityTouches()[:3]), MinorPurchases: parts(b2bkit.Stream(ps)),
			MinorWallets: b2bkit.Stream(ws)}, "funnel: touches[3]: cursor"},
		{"wallets", funnel.Input{Touches: b2bkit.Stream(cityTouches()), MinorPurchases: parts(b2bkit.Stream(ps)),
			MinorWallets: failing(ws[:2])}, "funnel: minor_wallets[2]: cursor"},
		{"touches before purchases", funnel.Input{Touches: failing[funnel.Touch](nil), MinorPurchases: parts(failing[funnel.MinorPurchase](nil))},
			"funnel: touches[0]: cursor"},
	}
	// The wallets fail once the purchases have: both fail, whatever the timing.
	purchasesFailed := make(chan struct{})
	cases = append(cases, struct {
		name string
		in   funnel.Input
		want string
	}{"purchases before wallets", funnel.Input{
		MinorPurchases: parts(func(yield func(funnel.MinorPurchase, error) bool) {
			close(purchasesFailed)
			yield(funnel.MinorPurchase{}, errCursor)
		}),
		MinorWallets: func(yield func(funnel.MinorWallet, error) bool) {
			<-purchasesFailed
			yield(funnel.MinorWallet{}, errCursor)
		}}, "funnel: minor_purchases[0]: cursor"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Concurrent = true
			rs, err := set.Evaluate(c.in, jul10, opts)
			require.ErrorIs(t, err, errCursor)
			require.EqualError(t, err, c.want+": connection reset")
			require.Nil(t, rs)
		})
	}

	// A touch stream still being read when a part fails is stopped, not read to its end.
	var touched int
	endlessTouches := func(yield func(funnel.Touch, error) bool) {
		for touched < 50_000_000 { // a stream nobody stops would end here, failing the test
			touched++
			if !yield(funnel.Touch{Company: "C01", Rep: "rep-1", At: at(2, 3)}, nil) {
				return
			}
		}
	}
	_, err = set.Evaluate(funnel.Input{Touches: endlessTouches, MinorPurchases: parts(failing(ps[:5])), Concurrent: true}, jul10, opts)
	require.ErrorContains(t, err, "funnel: minor_purchases[5]: cursor")
	require.Less(t, touched, 50_000_000)

	// A wallet stream that panics on a worker's goroutine panics on the caller's.
	boom := func(yield func(funnel.MinorWallet, error) bool) { panic("cursor exploded") }
	require.PanicsWithValue(t, "cursor exploded", func() {
		_, _ = set.Evaluate(funnel.Input{MinorPurchases: parts(b2bkit.Stream(ps)), MinorWallets: boom, Concurrent: true}, jul10, opts)
	})
}

// TestR6_ConcurrentStreamsAreReadAtTheSameTime: with Input.Concurrent and two workers, the touches
// are still being read when the purchases begin — the stream here waits to see the first purchase
// read before it yields — and without it they are read first. (The wait has a limit so that a
// library that reads in turn fails the test instead of hanging it.)
func TestR6_ConcurrentStreamsAreReadAtTheSameTime(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	for _, concurrent := range []bool{false, true} {
		started := make(chan struct{})
		var once sync.Once
		purchases := func(yield func(funnel.MinorPurchase, error) bool) {
			once.Do(func() { close(started) })
			for p, err := range b2bkit.Stream(minor(t, cityPurchases())) {
				if !yield(p, err) {
					return
				}
			}
		}
		sawPurchases := false
		touches := func(yield func(funnel.Touch, error) bool) {
			select {
			case <-started:
				sawPurchases = true
			case <-time.After(map[bool]time.Duration{false: 0, true: time.Minute}[concurrent]):
			}
			for tc, err := range b2bkit.Stream(cityTouches()) {
				if !yield(tc, err) {
					return
				}
			}
		}
		in := funnel.Input{Touches: touches, MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{purchases},
			MinorWallets: b2bkit.Stream(minorWallets(t, cityWallets())), Concurrent: concurrent}
		got, err := set.Evaluate(in, jul10, &funnel.Options{Workers: 2})
		require.NoError(t, err)
		require.Equal(t, concurrent, sawPurchases, "concurrent %t", concurrent)
		want, err := funnel.EvaluateAll([]funnel.Campaign{city()}, b2bkit.Stream(cityTouches()), b2bkit.Stream(cityPurchases()), b2bkit.Stream(cityWallets()), jul10)
		require.NoError(t, err)
		f := want[0]
		f.HandOff, f.Penetration.Companies = nil, nil
		requireSameReport(t, f, got[0])
	}
}

// A stream that panics on a worker's goroutine panics on the caller's, where it can be recovered.
func TestR6_APanickingPartPanicsInTheCaller(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	boom := func(yield func(funnel.MinorPurchase, error) bool) { panic("cursor exploded") }
	ps := b2bkit.Stream(minor(t, cityPurchases()))
	require.PanicsWithValue(t, "cursor exploded", func() {
		_, _ = set.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{ps, boom}}, jul10, &funnel.Options{Workers: 2})
	})
}

// TestBadInput_MinorRecordsAreCheckedLikeDecimalOnes: a wrong record in minor units stops the
// evaluation, naming the record, the part and the field; one of a company on no list is set apart.
func TestBadInput_MinorRecordsAreCheckedLikeDecimalOnes(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	good := funnel.MinorPurchase{Company: "C01", At: at(4, 2), Amount: 1_000_000, Channel: b2bkit.Manual}
	cases := []struct {
		name   string
		change func(*funnel.MinorPurchase)
		want   []string
	}{
		{"negative amount", func(p *funnel.MinorPurchase) { p.Amount = -1 }, []string{"minor_purchases[1].amount: must be >= 0"}},
		{"profit above amount", func(p *funnel.MinorPurchase) { p.GrossProfit = p.Amount + 1 }, []string{"gross_profit: must not exceed amount"}},
		{"no channel", func(p *funnel.MinorPurchase) { p.Channel = 0 }, []string{"channel"}},
		{"no time", func(p *funnel.MinorPurchase) { p.At = time.Time{} }, []string{"at: must be set"}},
		{"every problem", func(p *funnel.MinorPurchase) { p.Amount, p.Channel = -5, 7 }, []string{"amount", "channel"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := good
			c.change(&bad)
			_, err := set.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{
				b2bkit.Stream([]funnel.MinorPurchase{good, bad})}}, jul10, nil)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, "purchase of C01")
			for _, w := range c.want {
				require.ErrorContains(t, err, w)
			}
			stranger := bad
			stranger.Company = "X42"
			rs, err := set.Evaluate(funnel.Input{MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{
				b2bkit.Stream([]funnel.MinorPurchase{good, stranger})}}, jul10, nil)
			require.NoError(t, err)
			require.Equal(t, 1, rs[0].Excluded.Purchases.NotTarget)
			require.Equal(t, []b2bkit.CompanyID{"X42"}, rs[0].Excluded.Purchases.Unknown)
		})
	}
	_, err = set.Evaluate(funnel.Input{MinorWallets: b2bkit.Stream([]funnel.MinorWallet{{Company: "C01", Monthly: -1, AsOf: at(4, 1)}})}, jul10, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "wallet of C01")
	require.ErrorContains(t, err, "minor_wallets[0].monthly: must be >= 0")
}

func TestBadInput_NewCampaignsNamesTheCampaign(t *testing.T) {
	_, err := funnel.NewCampaigns(nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)

	twice := city()
	twice.Targets = append(twice.Targets, "C03", "", "C05")
	nb := city()
	nb.ID, nb.Territory = "nb", "Ningbo" // the same companies on another list: allowed
	_, err = funnel.NewCampaigns([]funnel.Campaign{nb, twice})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "funnel: campaigns[1]: ")
	require.ErrorContains(t, err, "targets[20]: repeats targets[2] (C03)")
	require.ErrorContains(t, err, "targets[21]: must be set")
	require.ErrorContains(t, err, "targets[22]: repeats targets[4] (C05)")

	set, err := funnel.NewCampaigns([]funnel.Campaign{city(), nb})
	require.NoError(t, err)
	require.Equal(t, 2, set.Len())
	c, ok := set.Campaign(1)
	require.True(t, ok)
	c.Targets[0] = "changed"
	c, _ = set.Campaign(1)
	require.Equal(t, b2bkit.CompanyID("C01"), c.Targets[0], "the set keeps its own lists")

	_, err = set.Evaluate(funnel.Input{}, time.Time{}, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "as_of: must be set")
	_, err = set.Evaluate(funnel.Input{}, city().Start.AddDate(0, 0, -1), nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "campaigns[0].as_of")
}

// A set is measured by many goroutines at once, each with its own streams, with the same reports.
func TestR8_ACampaignSetIsSafeForConcurrentUse(t *testing.T) {
	set, err := funnel.NewCampaigns([]funnel.Campaign{city()})
	require.NoError(t, err)
	in := func() funnel.Input {
		return funnel.Input{Touches: b2bkit.Stream(cityTouches()), MinorPurchases: []iter.Seq2[funnel.MinorPurchase, error]{
			b2bkit.Stream(minor(t, cityPurchases()))}, Wallets: b2bkit.Stream(cityWallets())}
	}
	want, err := set.Evaluate(in(), jul10, allDetails(1))
	require.NoError(t, err)
	var wg sync.WaitGroup
	got := make([][]funnel.Report, 8)
	errs := make([]error, 8)
	for g := range got {
		wg.Go(func() { got[g], errs[g] = set.Evaluate(in(), jul10, allDetails(2)) })
	}
	wg.Wait()
	for g := range got {
		require.NoError(t, errs[g])
		requireSameReport(t, want[0], got[g][0])
	}
}

// TestR6_TenTerritoriesGiveTheSQLPeersAnswer runs the SQL peers' synthetic campaign
// (../shared/peers/funnel) at a fifth of its size and checks every territory against what
// funnel.sql answered on the same records in DuckDB and PostgreSQL.
func TestR6_TenTerritoriesGiveTheSQLPeersAnswer(t *testing.T) {
	w := newTerritories(10, 20_000, 400_000)
	set, err := funnel.NewCampaigns(w.campaigns)
	require.NoError(t, err)
	rs, err := set.Evaluate(funnel.Input{Touches: b2bkit.Stream(w.touches), MinorPurchases: w.parts(2),
		MinorWallets: w.minorWallets()}, w.asOf, nil)
	require.NoError(t, err)
	var got []string
	for _, r := range rs {
		got = append(got, peerLine(r))
	}
	require.Equal(t, peersAnswer20k, strings.Join(got, "\n"))
}

// peerLine writes a report as funnel.sql writes a territory: targets, covered, converted,
// repurchased, customers, penetration, and the customers in each band.
func peerLine(r funnel.Report) string {
	b := r.Penetration.Bands
	return fmt.Sprintf("%s,%d,%d,%d,%d,%d,%s,%d,%d,%d,%d", r.Territory, r.Targets, r.Coverage.Numerator,
		r.Conversion.Numerator, r.Repurchase.Numerator, r.Customers, r.Penetration.Share.String(),
		b.Replaceable, b.Marginal, b.Safe, b.Strong)
}

// peersAnswer20k is what funnel.sql answers, in DuckDB and in PostgreSQL, on the records of
// `go run gen.go -targets 20000 -purchases 400000`.
const peersAnswer20k = `T00,2000,1417,833,829,1200,0.119,452,604,91,53
T01,2000,1405,836,835,1200,0.1181,470,585,81,64
T02,2000,1410,837,836,1200,0.1187,485,561,93,61
T03,2000,1388,843,840,1200,0.1199,447,616,87,50
T04,2000,1394,830,830,1200,0.1207,458,600,81,61
T05,2000,1401,837,835,1200,0.117,485,572,92,51
T06,2000,1387,810,808,1200,0.1205,439,628,93,40
T07,2000,1369,802,798,1200,0.1187,462,605,88,45
T08,2000,1401,834,832,1200,0.1183,467,598,72,63
T09,2000,1403,842,839,1200,0.1181,455,618,84,43`

// A record in minor units is the decimal record scaled by 10^MinorScale, both ways.
func TestMinorRecordsAreTheDecimalOnes(t *testing.T) {
	ps := cityPurchases()
	for i, p := range minor(t, ps) {
		back := p.Purchase()
		requireDecEqual(t, ps[i].Amount.String(), back.Amount, "amount %d", i)
		requireDecEqual(t, ps[i].GrossProfit.String(), back.GrossProfit, "gross profit %d", i)
		require.Equal(t, ps[i].Company, back.Company)
		require.True(t, ps[i].At.Equal(back.At))
		require.Equal(t, ps[i].Channel, back.Channel)
	}
	ws := cityWallets()
	for i, w := range minorWallets(t, ws) {
		back := w.Wallet()
		requireDecEqual(t, ws[i].Monthly.String(), back.Monthly, "monthly %d", i)
		require.Equal(t, ws[i].Method, back.Method)
		require.True(t, ws[i].AsOf.Equal(back.AsOf))
		require.Equal(t, ws[i].Confidence, back.Confidence)
	}
	requireDecEqual(t, "12.3456", funnel.MinorPurchase{Amount: 123456}.Purchase().Amount)
}

// TestR7_LongAndShortIDsInOneLongStream: a company whose id is too long to be held in place buys a
// few times early, before the chunk of purchases has grown, and again after it has grown, between
// a short one's purchases: each company's spend is its own, on one part or several.
func TestR7_LongAndShortIDsInOneLongStream(t *testing.T) {
	long := b2bkit.CompanyID(strings.Repeat("restaurant-", 4) + "1")
	c := city()
	c.Targets = []b2bkit.CompanyID{"C01", long}
	var ps []funnel.MinorPurchase
	for i := range 9000 {
		p := funnel.MinorPurchase{Company: "C01", At: at(4, 2).Add(time.Duration(i) * time.Second), Amount: 10_000, Channel: b2bkit.Manual}
		if i >= 500 && i < 510 || i >= 6000 && i%2 == 1 {
			p.Company, p.Amount = long, 20_000
		}
		ps = append(ps, p)
	}
	ws := []funnel.MinorWallet{{Company: "C01", Monthly: 1_000_000_000, AsOf: at(3, 1)}, {Company: long, Monthly: 1_000_000_000, AsOf: at(3, 1)}}
	set, err := funnel.NewCampaigns([]funnel.Campaign{c})
	require.NoError(t, err)
	for _, parts := range []int{1, 2} {
		in := funnel.Input{MinorWallets: b2bkit.Stream(ws)}
		for k := range parts {
			in.MinorPurchases = append(in.MinorPurchases, b2bkit.Stream(ps[k*len(ps)/parts:(k+1)*len(ps)/parts]))
		}
		rs, err := set.Evaluate(in, jul10, allDetails(parts))
		require.NoError(t, err)
		spend := map[b2bkit.CompanyID]string{}
		for _, s := range rs[0].Penetration.Companies {
			spend[s.Company] = s.Spend.String()
		}
		require.Equal(t, map[b2bkit.CompanyID]string{"C01": "7490", long: "3020"}, spend, "%d parts", parts)
	}
}
