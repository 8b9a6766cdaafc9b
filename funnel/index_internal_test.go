package funnel

import (
	"fmt"
	"hash/maphash"
	"iter"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/stretchr/testify/require"
)

// TestR6_TheIndexTellsApartIdsOfOneKey: the index orders companies by 32 bits of a hash of their
// id, and a chunk of purchases by 22 of them. Ids that share a key, or a bucket of keys, and
// strangers whose key is a target's, must each still be told apart by the id itself.
func TestR6_TheIndexTellsApartIdsOfOneKey(t *testing.T) {
	seed := maphash.MakeSeed()
	x := index{seed: seed}
	id := func(i int) b2bkit.CompanyID {
		if i%2 == 0 {
			return b2bkit.CompanyID(fmt.Sprintf("C%08d", i))
		}
		return b2bkit.CompanyID(fmt.Sprintf("restaurant-of-the-district-%08d", i)) // compared as strings
	}
	byKey := map[uint32]b2bkit.CompanyID{}
	var targets []b2bkit.CompanyID
	var pairs [][2]b2bkit.CompanyID
	i := 0
	for ; len(pairs) < 3; i++ {
		c := id(i)
		if o, ok := byKey[x.key(c)]; ok {
			pairs = append(pairs, [2]b2bkit.CompanyID{o, c})
		} else {
			byKey[x.key(c)] = c
		}
		targets = append(targets, c)
	}
	var strangers []b2bkit.CompanyID // not targets, but of a target's key
	for ; len(strangers) < 2; i++ {
		if c := id(i); byKey[x.key(c)] != "" {
			strangers = append(strangers, c)
		}
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	c := Campaign{Territory: "T", Start: start, Targets: targets}
	s, err := prepareSeeded([]Campaign{c}, true, seed)
	require.NoError(t, err)
	for i, target := range targets {
		co := s.index.find(target)
		require.GreaterOrEqual(t, co, int32(0), "target %d", i)
		first := s.index.posts[s.index.cos[co].first]
		require.Equal(t, target, s.cs[first.camp].Targets[first.target])
	}
	for _, c := range strangers {
		require.Equal(t, int32(-1), s.index.find(c))
	}

	// Purchases of the pairs, of a few thousand other targets and of the strangers, in random order.
	rng := rand.New(rand.NewPCG(1, 2))
	buyers := append([]b2bkit.CompanyID{}, strangers...)
	for _, p := range pairs {
		buyers = append(buyers, p[0], p[1])
	}
	for range 1000 {
		buyers = append(buyers, targets[rng.IntN(len(targets))])
	}
	inBucket := map[uint32][]b2bkit.CompanyID{} // and every target that shares its bucket of keys
	for _, c := range targets {
		inBucket[x.key(c)>>bucketLow] = append(inBucket[x.key(c)>>bucketLow], c)
	}
	shared := 0
	for _, cs := range inBucket {
		if len(cs) > 1 {
			buyers = append(buyers, cs...)
			shared++
		}
	}
	require.Greater(t, shared, 100)
	want := map[b2bkit.CompanyID]int64{}
	var ps []MinorPurchase
	var ws []MinorWallet
	for j, b := range buyers {
		for k := range 1 + j%4 {
			amount := int64(1+j) * 10_000
			ps = append(ps, MinorPurchase{Company: b, At: start.AddDate(0, 1, k), Amount: amount, Channel: b2bkit.Manual})
			want[b] += amount
		}
		ws = append(ws, MinorWallet{Company: b, Monthly: 1_000_000_000, AsOf: start})
	}
	rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	half := len(ps) / 2
	rs, err := s.Evaluate(Input{MinorPurchases: []iter.Seq2[MinorPurchase, error]{b2bkit.Stream(ps[:half]), b2bkit.Stream(ps[half:])},
		MinorWallets: b2bkit.Stream(ws)}, start.AddDate(0, 4, 0), &Options{Companies: true, Workers: 2})
	require.NoError(t, err)
	r := rs[0]
	got := map[b2bkit.CompanyID]int64{}
	for _, cs := range r.Penetration.Companies {
		got[cs.Company] = cs.Spend.Shift(MinorScale).IntPart()
	}
	for _, c := range strangers {
		require.NotContains(t, got, c)
		delete(want, c)
	}
	require.Equal(t, want, got)
	require.Equal(t, len(want), r.Customers)
	strangerBuys := 0
	for _, p := range ps {
		if p.Company == strangers[0] || p.Company == strangers[1] {
			strangerBuys++
		}
	}
	require.Equal(t, strangerBuys, r.Excluded.Purchases.NotTarget)
	require.Subset(t, r.Excluded.Purchases.Unknown, strangers)
}

// TestRadixSortIsStable checks the sort the index and the chunks use against a stable sort by
// comparison, over the bits each sorts by.
func TestRadixSortIsStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 255, 256, 5000} {
		for _, low := range []int{0, bucketLow} {
			ks := make([]keyed, n)
			for i := range ks {
				ks[i] = keyed{key: rng.Uint32() >> uint(rng.IntN(24)), pos: int32(i)}
			}
			want := append([]keyed{}, ks...)
			for i := 1; i < len(want); i++ { // insertion sort: stable
				for j := i; j > 0 && want[j].key>>low < want[j-1].key>>low; j-- {
					want[j], want[j-1] = want[j-1], want[j]
				}
			}
			require.Equal(t, want, radixSort(ks, make([]keyed, n), low), "n %d, low %d", n, low)
		}
	}
}

// TestR6_MonthInIsMonthOf: the purchase loop finds an instant's campaign month in one step of
// run.steps; it must be the month monthOf finds by the bounds, at every bound and a second either
// side, for starts at the end of a month, across daylight saving and over years.
func TestR6_MonthInIsMonthOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		zone  string
		start time.Time
		years int
	}{
		{"UTC", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"Asia/Shanghai", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), 2},
		{"America/New_York", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), 3},
		{"Australia/Lord_Howe", time.Date(2025, 10, 5, 0, 0, 0, 0, time.UTC), 1},
		{"Pacific/Apia", time.Date(2011, 12, 29, 0, 0, 0, 0, time.UTC), 1},
		{"Europe/Berlin", time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC), 30},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			s, err := prepare([]Campaign{{Territory: "T", Start: tc.start, TimeZone: tc.zone, Targets: []b2bkit.CompanyID{"C1"}}}, false)
			require.NoError(t, err)
			asOf := s.dates[0].start.AddDate(tc.years, 0, 0)
			r, err := s.newRun(0, asOf)
			require.NoError(t, err)
			require.NotNil(t, r.steps, "every month is longer than a step")
			last := asOf.Unix()
			check := func(sec int64) {
				if sec >= r.startSec && sec <= last {
					require.Equal(t, r.monthOf(sec), r.monthIn(sec), "at %d", sec)
				}
			}
			for _, b := range r.unix {
				check(b - 1)
				check(b)
				check(b + 1)
			}
			check(last)
			for range 10_000 {
				check(r.startSec + rng.Int64N(last-r.startSec+1))
			}
		})
	}
}
