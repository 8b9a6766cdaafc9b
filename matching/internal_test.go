package matching

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the zones TestDayClockMatchesCalendarDay loads, wherever the tests run

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
)

func TestRestateRefusesMidpoints(t *testing.T) {
	// ratio exactly 5 (c = 5e18); 0.00000000001 x 5 = 0.00000000005: a midpoint at 10 places.
	u, ok := restate(decimal.New(1, -11), 5_000_000_000_000_000_000)
	assert.False(t, ok, "got %d", u)
	// Far from a midpoint the integer path answers: 118.00 x 1.03 = 121.54.
	u, ok = restate(decimal.RequireFromString("118.00"), 1_030_000_000_000_000_000)
	require.True(t, ok)
	assert.Equal(t, int64(1_215_400_000_000), u)
	// Too many places for the integer path.
	_, ok = restate(decimal.New(1, -12), 1_000_000_000_000_000_000)
	assert.False(t, ok)
}

// TestRestateCentsMatchesRestateUnits: the split ratio gives what the 128-bit division gives for
// prices at two places, near midpoints and far from them, with small and large ratios and bounds.
func TestRestateCentsMatchesRestateUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	check := func(pc, c, e uint64) {
		t.Helper()
		want, wantOK := restateUnits(int64(pc), 2, c, e)
		got, ok := restateCents(pc, c/cents, c%cents, e)
		require.Equal(t, wantOK, ok, "pc %d, c %d, e %d", pc, c, e)
		if ok {
			require.Equal(t, want, got, "pc %d, c %d, e %d", pc, c, e)
		}
	}
	for range 200_000 {
		pc := 1 + rng.Uint64N(maxCentsPrice-1)
		if rng.IntN(2) == 0 {
			pc = 1 + rng.Uint64N(100_000)
		}
		c := rng.Uint64N(1 << 63)
		switch rng.IntN(3) {
		case 0: // near a ratio of one
			c = 900_000_000_000_000_000 + rng.Uint64N(200_000_000_000_000_000)
		case 1: // a midpoint: pc x c / 10^10 ends in exactly a half
			c = cents/2 + cents*rng.Uint64N(1<<40)
			pc = 1
		}
		check(pc, c, uint64(1+rng.IntN(255)))
	}
	check(1, cents/2, 1)               // 0.5 of a unit: a midpoint, refused
	check(maxCentsPrice-1, 1<<63-1, 1) // the product does not fit: refused by both
}

// TestDayClockMatchesCalendarDay: the remembered zone period gives the day CalendarDay gives, in
// zones with and without daylight saving, over runs of nearby times and jumps across years.
func TestDayClockMatchesCalendarDay(t *testing.T) {
	locs := []*time.Location{time.UTC, time.FixedZone("UTC-3:30", -(3*3600 + 1800))}
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "Asia/Ho_Chi_Minh", "Europe/London"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err, name)
		locs = append(locs, loc)
	}
	rng := rand.New(rand.NewPCG(17, 19))
	for _, loc := range locs {
		d := dayClock{loc: loc}
		at := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
		for range 20_000 {
			switch rng.IntN(10) {
			case 0: // a jump to anywhere from 1965 to 2045
				at = time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano() + rng.Int64N(80*365*24*int64(time.Hour))
			default: // the next time in a run, up to two days on or back
				at += rng.Int64N(4*24*int64(time.Hour)) - 2*24*int64(time.Hour)
			}
			require.Equal(t, b2bkit.CalendarDay(time.Unix(0, at).In(loc)), d.of(at), "%s at %s", loc, time.Unix(0, at).UTC())
		}
	}
}

// TestRankValuesMatchesSort: the bucketed selection gives the values a sort would, for large
// inputs (the buckets) and small ones (plain selection), repeated values, narrow and wide spans.
func TestRankValuesMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for round := range 300 {
		n := 1 + rng.IntN(20_000)
		x := make([]int64, n)
		span := int64(1) << rng.IntN(62)
		base := rng.Int64N(1 << 40)
		for i := range x {
			x[i] = base + rng.Int64N(span)
			if rng.IntN(4) == 0 {
				x[i] = base // many equal to the minimum
			}
		}
		want := slices.Sorted(slices.Values(x))
		ks := []int{nearestRank(25, n), nearestRank(50, n), nearestRank(75, n)}
		if round%3 == 0 {
			ks = []int{0, nearestRank(50, n), n - 1}
		}
		before := slices.Clone(x)
		out := make([]int64, len(ks))
		rankValues(x, ks, out, nil)
		require.Equal(t, before, x, "x is not changed")
		for i, k := range ks {
			require.Equal(t, want[k], out[i], "round %d n=%d k=%d", round, n, k)
		}
	}
}

func TestSelectRanksMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		n := 1 + rng.IntN(300)
		x := make([]int64, n)
		for i := range x {
			x[i] = rng.Int64N(int64(1 + rng.IntN(50))) // many repeats
		}
		if rng.IntN(4) == 0 {
			slices.Sort(x) // sorted input
		}
		want := slices.Sorted(slices.Values(x))
		ks := []int{0, nearestRank(25, n), nearestRank(50, n), nearestRank(75, n), n - 1}
		selectRanks(x, ks...)
		for _, k := range ks {
			require.Equal(t, want[k], x[k], "n=%d k=%d", n, k)
		}
	}
}

// TestProjectionListsStayInTimeOrder: matches arriving in any order, applied in batches of any
// size, leave every index list holding exactly its rows, in time order with equal times in append
// order — the merge of backdated rows into the sorted part loses and repeats nothing — and what a
// SKU's or a seller's list keeps beside its rows (skuRow, rowMeta) moves with them and follows the
// status changes.
func TestProjectionListsStayInTimeOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for round := range 30 {
		p := &projection{}
		n := 1 + rng.IntN(400)
		indexAt := rng.IntN(n + 1) // the buyer lists are built part way, then kept
		type proposed struct {
			seq uint64
			id  string
			at  time.Time
		}
		var open []proposed // matches still proposed, which a status change may move on
		seq := uint64(0)
		for i := 0; i < n; {
			if i >= indexAt {
				p.indexBuyers()
				p.indexSellers()
			}
			batch := 1 + rng.IntN(60)
			for ; batch > 0 && i < n; batch-- {
				at := base.Add(time.Duration(rng.IntN(50)) * time.Hour) // many equal times
				if rng.IntN(3) > 0 {
					at = base.Add(time.Duration(i) * time.Hour) // mostly in order
				}
				m := Match{ID: fmt.Sprint(i), Buyer: b2bkit.CompanyID(fmt.Sprint("B", rng.IntN(4))), Seller: b2bkit.CompanyID(fmt.Sprint("S", rng.IntN(3))),
					SKU: b2bkit.SKU(fmt.Sprint("K", rng.IntN(3))), Quantity: decimal.NewFromInt(1 + rng.Int64N(3)), UnitPrice: decimal.NewFromInt(1 + rng.Int64N(100)),
					Currency: "CNY", At: at, Subsidy: decimal.Zero, Channel: b2bkit.Manual,
					Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at}}
				seq++
				appendMatch(t, p, m, seq)
				open = append(open, proposed{seq, m.ID, at})
				i++
				if len(open) > 0 && rng.IntN(3) == 0 { // a status change, in the sorted part or not
					k := rng.IntN(len(open))
					o := open[k]
					open = slices.Delete(open, k, k+1)
					st := [...]Status{Accepted, Cancelled}[rng.IntN(2)]
					seq++
					var pd pending
					require.NoError(t, decode(&Entry{Seq: seq, Kind: StatusChanged, MatchSeq: o.seq,
						Change: StatusChange{ID: o.id, Status: st, At: o.at.Add(time.Hour), By: "test"}}, &pd))
					require.NoError(t, p.apply(&pd))
				}
			}
			p.fix()
		}
		check := func(name string, l timeList, want func(r uint32) bool) {
			var rows []uint32
			for r := range uint32(n) {
				if want(r) {
					rows = append(rows, r)
				}
			}
			slices.SortStableFunc(rows, func(a, b uint32) int { return int(p.at[a]/1e9 - p.at[b]/1e9) })
			require.Equal(t, rows, l.rows, "round %d: %s", round, name)
			require.Equal(t, len(l.rows), l.sorted)
		}
		var all []uint32
		p.allWithin(math.MinInt64, math.MaxInt64, func(r uint32) { all = append(all, r) })
		check("all", timeList{rows: all, sorted: len(all)}, func(uint32) bool { return true })
		p.indexBuyers()
		for id := range p.skus.vals {
			check("sku", p.bySKU[id], func(r uint32) bool { return p.sku[r] == uint32(id) })
		}
		for id := range p.companies.vals {
			check("buyer", list2(p.byBuyer, id), func(r uint32) bool { return p.buyer[r] == uint32(id) })
		}
		p.indexSellers()
		for id := range p.companies.vals {
			l := list2(p.bySeller, id)
			check("seller", l, func(r uint32) bool { return p.seller[r] == uint32(id) })
			require.Len(t, l.meta, len(l.rows))
			for i, r := range l.rows {
				require.Equal(t, p.metaOf(r), l.meta[i], "round %d: seller %d, row %d", round, id, r)
			}
		}
		for id := range p.skus.vals {
			l := p.bySKU[id]
			require.Len(t, l.sheet, len(l.rows))
			for i, r := range l.rows {
				require.Equal(t, p.skuRowOf(r), l.sheet[i], "round %d: SKU %d, row %d", round, id, r)
			}
		}
	}
}

func list2(ls []timeList, id int) timeList {
	if id < len(ls) {
		return ls[id]
	}
	return timeList{}
}

// TestCapIntsWorkedCases: the cap cuts the buyers above it until none is, each cut lowering the
// total; with too few buyers for the cap every buyer weighs the same.
func TestCapIntsWorkedCases(t *testing.T) {
	for _, c := range []struct {
		ws     []int64
		cap    string
		capped []bool
		equal  bool
	}{
		{[]int64{100, 1, 1}, "0.5", []bool{true, false, false}, false},    // 100 -> 2 of 4: a half
		{[]int64{100, 50, 1}, "0.4", []bool{true, true, false}, false},    // 2, 2, 1: 40%, 40%, 20%
		{[]int64{100, 100, 1}, "0.5", []bool{false, false, false}, false}, // each under a half already
		{[]int64{30, 30, 40}, "0.25", nil, true},                          // three buyers cannot each be a quarter
		{[]int64{10, 10, 10, 10}, "0.25", []bool{false, false, false, false}, false},
		{[]int64{70, 10, 10, 10}, "0.25", []bool{true, false, false, false}, false}, // 10 of 40: a quarter each
	} {
		capped, equal := capInts(c.ws, sum(c.ws), decimal.RequireFromString(c.cap), nil)
		assert.Equal(t, c.equal, equal, "%v at %s", c.ws, c.cap)
		if !c.equal {
			assert.Equal(t, c.capped, capped, "%v at %s", c.ws, c.cap)
		}
	}
}

func sum(ws []int64) int64 {
	var s int64
	for _, w := range ws {
		s += w
	}
	return s
}

// riceEngine prices RICE at 120 CNY through testdata/policy.json, its clock stopped at now.
func riceEngine(t *testing.T, now time.Time) *pricing.Engine {
	t.Helper()
	f, err := os.Open("testdata/policy.json")
	require.NoError(t, err)
	defer f.Close()
	pol, err := pricing.LoadPolicy(f)
	require.NoError(t, err)
	prices, err := pricing.NewPriceList(pricing.ListPrice{SKU: "RICE", Price: decimal.NewFromInt(120), Currency: "CNY"})
	require.NoError(t, err)
	e, err := pricing.NewEngine(pol, prices, &pricing.Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	return e
}

// TestReferencePathsAgree: the integer statistics and the decimal ones give the same reference
// for the same trades, under every combination of the rules.
func TestReferencePathsAgree(t *testing.T) {
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	e := riceEngine(t, now)
	b := NewBook(NewMemoryLog(), e, &Options{Now: func() time.Time { return now }, MeanScale: 8})
	rng := rand.New(rand.NewPCG(9, 9))
	for round := range 40 {
		p := &projection{}
		n := 1 + rng.IntN(300)
		rows := make([]uint32, n)
		buyers := 1 + rng.IntN(12)
		for i := range n {
			at := now.AddDate(0, 0, -1-rng.IntN(60))
			m := Match{ID: fmt.Sprint(i), Buyer: b2bkit.CompanyID(fmt.Sprint("B", rng.IntN(buyers))), Seller: "S", SKU: "RICE",
				Quantity: decimal.New(1+rng.Int64N(5000), -int32(rng.IntN(3))), UnitPrice: decimal.New(9000+rng.Int64N(3000), -2),
				Currency: "CNY", At: at, Subsidy: decimal.Zero, Channel: b2bkit.Manual, Status: Fulfilled,
				Terms: b2bkit.Terms{Payment: b2bkit.Net(30 * rng.IntN(3)), OrderedAt: at, DeliverBy: at.AddDate(0, 0, rng.IntN(20))}}
			if rng.IntN(15) == 0 {
				m.UnitPrice = m.UnitPrice.Mul(decimal.NewFromInt(3)) // an outlier
			}
			appendMatch(t, p, m, uint64(i+1))
			rows[i] = uint32(i)
		}
		p.fix()
		req := pricing.Request{SKU: "RICE", Quantity: decimal.NewFromInt(100), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: b2bkit.Net(30), OrderedAt: now, DeliverBy: now.AddDate(0, 0, 7)}}
		rules := ReferenceRules{Outliers: OutlierRule(round % 3)}
		if round%2 == 1 {
			rules.MaxBuyerShare = decimal.New(int64(5+rng.IntN(60)), -2)
		}
		if round%5 == 4 {
			rules.K = decimal.RequireFromString("0.5")
		}
		rules = rules.withDefaults()
		sheet, at := make([]skuRow, len(rows)), make([]uint32, len(rows))
		for i, r := range rows {
			sheet[i], at[i] = p.skuRowOf(r), uint32(i)
		}
		ints, err := referenceInts(p, newNormalizer(b, p, 0, req, new(normMemory)), rows, sheet, at, rules, &refScratch{})
		require.NoError(t, err)
		require.NotNil(t, ints)
		exact, err := referenceExact(b, p, newNormalizer(b, p, 0, req, new(normMemory)), rows, rules)
		require.NoError(t, err)
		msg := fmt.Sprintf("round %d, %+v", round, rules)
		require.Equal(t, [3]int{exact.count, int(exact.first), int(exact.last)}, [3]int{ints.count, int(ints.first), int(ints.last)}, msg)
		for i, pair := range [][2]decimal.Decimal{{exact.low, ints.low}, {exact.p25, ints.p25}, {exact.med, ints.med},
			{exact.p75, ints.p75}, {exact.high, ints.high}, {exact.volume, ints.volume},
			{exact.ex.OutlierLow, ints.ex.OutlierLow}, {exact.ex.OutlierHigh, ints.ex.OutlierHigh}, {exact.ex.TopBuyerShare, ints.ex.TopBuyerShare}} {
			require.True(t, pair[0].Equal(pair[1]), "%s: statistic %d: %s against %s", msg, i, pair[0], pair[1])
		}
		require.Zero(t, exact.mean.Cmp(ints.mean), "%s: mean %s against %s", msg, exact.mean.FloatString(12), ints.mean.FloatString(12))
		ex, in := exact.ex, ints.ex
		ex.OutlierLow, ex.OutlierHigh, ex.TopBuyerShare, in.OutlierLow, in.OutlierHigh, in.TopBuyerShare = decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
		require.Equal(t, ex, in, msg)
	}
}

// appendMatch applies a match to a projection as the log entry seq.
var ctx = context.Background()

func appendMatch(t *testing.T, p *projection, m Match, seq uint64) {
	t.Helper()
	var pd pending
	require.NoError(t, decode(&Entry{Seq: seq, Kind: MatchAppended, Match: m}, &pd))
	require.NoError(t, p.apply(&pd))
}

// TestHealthFirstOrdersAgreeWithWalkingTheBuyers: the cohorts Health finds from the first-order
// table and the window alone are the ones walking every buyer's matches finds, on random logs with
// status changes, cancelled first orders and backdated appends.
func TestHealthFirstOrdersAgreeWithWalkingTheBuyers(t *testing.T) {
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(4, 4))
	for round := range 20 {
		l := NewMemoryLog()
		b := NewBook(l, nil, &Options{Now: func() time.Time { return now }})
		for i := range 400 {
			at := now.Add(-time.Duration(1+rng.IntN(200*24)) * time.Hour)
			m := Match{ID: fmt.Sprint(i), Buyer: b2bkit.CompanyID(fmt.Sprint("B", rng.IntN(30))), Seller: "S", SKU: "K",
				Quantity: decimal.NewFromInt(1), UnitPrice: decimal.NewFromInt(10), Currency: "CNY", At: at,
				Subsidy: decimal.NewFromInt(int64(rng.IntN(2))), Channel: b2bkit.Manual, Status: Status(rng.IntN(4)),
				Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at}}
			require.NoError(t, b.Record(ctx, m))
			if m.Status == Proposed || m.Status == Accepted {
				c := StatusChange{ID: m.ID, Status: Accepted, At: at.Add(time.Hour), By: "x"}
				if m.Status == Accepted || rng.IntN(2) == 0 {
					c.Status = []Status{Fulfilled, Cancelled}[rng.IntN(2)]
					if m.Status == Proposed && c.Status == Fulfilled {
						require.NoError(t, b.SetStatus(ctx, StatusChange{ID: m.ID, Status: Accepted, At: at.Add(time.Minute), By: "x"}))
					}
				}
				require.NoError(t, b.SetStatus(ctx, c))
			}
		}
		for _, days := range []int{10, 60, 300} {
			fast, err := b.Health(ctx, time.Duration(days)*24*time.Hour)
			require.NoError(t, err)
			b.mu.Lock()
			b.proj.indexBuyers()
			saved := b.proj.lastChange
			b.proj.lastChange = math.MaxInt64 // as if the clock were before a status change: walk
			b.mu.Unlock()
			b.opts.ManualRefresh = true
			slow, err := b.Health(ctx, time.Duration(days)*24*time.Hour)
			b.opts.ManualRefresh = false
			b.mu.Lock()
			b.proj.lastChange = saved
			b.mu.Unlock()
			require.NoError(t, err)
			msg := fmt.Sprintf("round %d, %d days", round, days)
			assert.Equal(t, slow.SubsidisedBuyers.Buyers, fast.SubsidisedBuyers.Buyers, msg)
			assert.Equal(t, slow.SubsidisedBuyers.Returned, fast.SubsidisedBuyers.Returned, msg)
			assert.Equal(t, slow.OrganicBuyers.Buyers, fast.OrganicBuyers.Buyers, msg)
			assert.Equal(t, slow.OrganicBuyers.Returned, fast.OrganicBuyers.Returned, msg)
			assert.Equal(t, slow.NeverReturned, fast.NeverReturned, msg)
		}
	}
}

// TestSnapshotRefusesRowsNoLogCouldMake: a snapshot whose checksum is right but whose rows are
// impossible — a buyer selling to itself, a name out of range, a status that could not have been
// reached, a change without its time, amounts that are not amounts — is refused, naming the row.
func TestSnapshotRefusesRowsNoLogCouldMake(t *testing.T) {
	build := func() *projection {
		p := &projection{}
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		for i := range 3 {
			m := Match{ID: fmt.Sprint(i), Buyer: "B", Seller: "S", SKU: "K", Quantity: decimal.NewFromInt(2),
				UnitPrice: decimal.NewFromInt(10), Currency: "CNY", At: at, Subsidy: decimal.Zero, Channel: b2bkit.Manual,
				Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at}}
			appendMatch(t, p, m, uint64(i+1))
		}
		return p
	}
	roundTrip := func(p *projection) error {
		var buf bytes.Buffer
		require.NoError(t, (&Book{proj: p}).SaveSnapshot(&buf))
		_, err := readSnapshot(&buf)
		return err
	}
	require.NoError(t, roundTrip(build()))
	for name, spoil := range map[string]func(p *projection){
		"buyer is seller":       func(p *projection) { p.seller[1] = p.buyer[1] },
		"name out of range":     func(p *projection) { p.sku[2] = 7 },
		"sequence out of order": func(p *projection) { p.rowSeq[2] = 1 },
		"sequence past the log": func(p *projection) { p.seq = 2 },
		"status not reached":    func(p *projection) { p.flags[0] = uint8(Fulfilled) | uint8(Accepted)<<flagNowShift },
		"change without a time": func(p *projection) { p.flags[0] = uint8(Proposed) | uint8(Accepted)<<flagNowShift },
		"zero quantity":         func(p *projection) { p.qtyC[1] = 0 },
		"odd flag without odd":  func(p *projection) { p.flags[1] |= flagOddPrice },
		"lead past the limit":   func(p *projection) { p.lead[0] = b2bkit.MaxTermDays + 1 },
		"time out of range":     func(p *projection) { p.at[0] = math.MinInt64 + 1 },
		"bad currency":          func(p *projection) { p.currencies.vals[0] = "cny" },
	} {
		p := build()
		spoil(p)
		err := roundTrip(p)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
	}
}

// TestRankPriceDiffInIntegersIsDivRounds: the price difference Rank computes in integers — its
// value, its text and its float — is the one decimal's DivRound gives, halves and signs included,
// and it declines what it cannot do exactly.
func TestRankPriceDiffInIntegersIsDivRounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	cases := [][2]int64{{1, 1}, {100, 99}, {99, 100}, {5, 200_000}, {1_000_000_005, 1_000_000_000}, {3, 2}, {2, 3},
		{maxPriceUnits, 1}, {1, maxPriceUnits}, {maxPriceUnits, maxPriceUnits - 1}, {20_000, 20_001}, {12_345_000, 12_346_000}}
	for range 20_000 {
		ref := 1 + rng.Int64N([]int64{10, 1e6, 1e12, maxPriceUnits}[rng.IntN(4)])
		med := max(1, ref+rng.Int64N(ref/5+3)-ref/10-1)
		cases = append(cases, [2]int64{med, ref})
	}
	declined := 0
	for _, c := range cases {
		med, ref := c[0], c[1]
		want := priceDiff(b2bkit.FromMinor(med, priceScale), b2bkit.FromMinor(ref, priceScale))
		q, ok := priceDiffUnits(med, ref)
		if !ok {
			declined++
			continue
		}
		require.True(t, want.Equal(decimal.New(q, -2)), "%d against %d: %s, not %d hundredths", med, ref, want, q)
		require.Equal(t, signed(want), string(appendSigned2(nil, q)), "%d against %d", med, ref)
		require.Equal(t, want.InexactFloat64(), float64(q)/100, "%d against %d", med, ref)
	}
	require.Less(t, declined, 5, "only differences beyond 2^53 hundredths are declined")
	_, ok := priceDiffUnits(maxPriceUnits, 1)
	require.False(t, ok)
}

// TestRankPriceTextIsStringFixed: a median price in units, written with two places, reads as its
// decimal's StringFixed(2), halves rounded away from zero.
func TestRankPriceTextIsStringFixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	us := []int64{0, 1, 49_999_999, 50_000_000, 50_000_001, 99_999_999, 100_000_000, 1_234_550_000_000, 1_234_549_999_999, maxPriceUnits}
	for range 20_000 {
		us = append(us, rng.Int64N([]int64{1e9, 1e13, 1e16, maxPriceUnits}[rng.IntN(4)]))
	}
	for _, u := range us {
		require.Equal(t, b2bkit.FromMinor(u, priceScale).StringFixed(2), string(appendUnits2(nil, u)), "%d units", u)
	}
}
