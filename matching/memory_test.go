package matching_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryLogConformance(t *testing.T) {
	matchingtest.Run(t, func(*testing.T) matching.Log { return matching.NewMemoryLog() })
}

func TestZeroMemoryLogConformance(t *testing.T) {
	matchingtest.Run(t, func(*testing.T) matching.Log { return new(matching.MemoryLog) })
}

// FuzzMemoryLogKeepsMatch: a valid match read from JSON comes back from a MemoryLog as it went in,
// down to how its amounts and times are written, next to a second match sharing its names, amounts
// and terms.
func FuzzMemoryLogKeepsMatch(f *testing.F) {
	good, _ := json.Marshal(matchingtest.Sample("M-1", daysAgo(3)))
	f.Add(good)
	f.Add([]byte(`{"id":"M-2","buyer":"B","seller":"S","sku":"X","quantity":"1.50","unit_price":"99999999999999999999.5",` +
		`"currency":"INR","terms":{"payment":{"installments":[{"share":"0.30","due":"on_order","days":0},` +
		`{"share":"0.70","due":"on_delivery","days":30}]},"ordered_at":"2026-03-01T10:00:00+05:30",` +
		`"deliver_by":"2026-03-05T10:00:00-03:30"},"at":"2026-03-01T10:00:00.123456789+05:45","status":"accepted",` +
		`"subsidy":"0","mode":"self_operated","channel":"full_auto"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m matching.Match
		if json.Unmarshal(data, &m) != nil || m.Validate() != nil {
			return
		}
		l := matching.NewMemoryLog()
		require.NoError(t, l.Append(ctx, m))
		twin := m
		twin.ID += "-twin"
		require.NoError(t, l.Append(ctx, twin))
		for _, want := range []matching.Match{m, twin} {
			got, err := l.Get(ctx, want.ID)
			require.NoError(t, err)
			require.True(t, got.Equal(want))
			wantJSON, err := json.Marshal(want)
			require.NoError(t, err)
			gotJSON, err := json.Marshal(got)
			require.NoError(t, err)
			require.JSONEq(t, string(wantJSON), string(gotJSON))
		}
		require.NoError(t, l.Append(ctx, m), "idempotent")
	})
}

// TestMemoryLogBackdatedAppendCostsNothingExtra: the log is in commit order, not time order, so a
// match backdated by years is appended like any other: at the end, numbered next.
func TestMemoryLogBackdatedAppendCostsNothingExtra(t *testing.T) {
	l := matching.NewMemoryLog()
	for i := range 1000 {
		require.NoError(t, l.Append(ctx, match(id("M", i), 1000-i, "B-1", "S-1", "RICE-25KG", "1", "100")))
	}
	old := match("M-old", 3000, "B-1", "S-1", "RICE-25KG", "1", "100")
	require.NoError(t, l.Append(ctx, old))
	es := matchingtest.Entries(t, l, 1000)
	require.Len(t, es, 1)
	assert.Equal(t, uint64(1001), es[0].Seq)
	assert.Equal(t, "M-old", es[0].Match.ID)
	assert.Equal(t, 1001, l.Len())
}

// TestMemoryLogKnowsEveryIDLength: IDs of every length up to MaxIDLen are each their own match, found again, and retried idempotently; an
// ID that is another's prefix, or the same bytes with a zero byte added, is a different match.
func TestMemoryLogKnowsEveryIDLength(t *testing.T) {
	l := matching.NewMemoryLog()
	var ids []string
	for n := 1; n <= matching.MaxIDLen; n++ {
		ids = append(ids, strings.Repeat("x", n), strings.Repeat("x", n-1)+"\x00")
	}
	for i, id := range ids {
		m := match(id, 1+i%300, "B-1", "S-1", "RICE-25KG", "1", "100")
		m.Status = matching.Proposed
		require.NoError(t, l.Append(ctx, m))
		require.NoError(t, l.Append(ctx, m), "a retry of %q", id)
		other := m
		other.Quantity = dec("2")
		require.ErrorIs(t, l.Append(ctx, other), b2bkit.ErrConflict, "%q holds other content", id)
	}
	assert.Equal(t, len(ids), l.Len())
	for _, id := range ids {
		got, err := l.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, id, got.ID)
		require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: id, Status: matching.Accepted, At: got.At.Add(time.Hour), By: "ops"}), "%q", id)
		got, err = l.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, matching.Accepted, got.Status, "%q", id)
	}
	_, err := l.Get(ctx, strings.Repeat("x", 200))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
}

// TestMemoryLogFailedBatchLeavesIDsAsTheyWere: a batch maps each new ID as it meets it, so a later
// copy in the batch finds it, and a retried one is found where it is stored. When the batch then
// fails, every ID keeps the match it had — a retried one is not moved to the batch's positions — and
// the new ones are unknown again, for IDs of every kind of key (short, middle, long): appended anew
// they come back in order, each with its own content.
func TestMemoryLogFailedBatchLeavesIDsAsTheyWere(t *testing.T) {
	for _, n := range []int{3, 15, 16, 39, 40, matching.MaxIDLen} {
		name := func(s string) string { return s + strings.Repeat("x", n-len(s)) }
		l := matching.NewMemoryLog()
		a := match(name("A"), 2, "B-1", "S-1", "RICE-25KG", "1", "100")
		b := match(name("B"), 2, "B-1", "S-1", "RICE-25KG", "2", "100")
		require.NoError(t, l.Append(ctx, a, b))
		c := match(name("C"), 1, "B-1", "S-1", "RICE-25KG", "3", "100")
		d := match(name("D"), 1, "B-1", "S-1", "RICE-25KG", "4", "100")
		clash := c
		clash.Quantity = dec("5")
		err := l.Append(ctx, c, b, d, a, clash)
		require.ErrorIs(t, err, b2bkit.ErrConflict, "length %d", n)
		assert.ErrorContains(t, err, c.ID)
		assert.Equal(t, 2, l.Len(), "length %d", n)
		for _, want := range []matching.Match{a, b} {
			got, err := l.Get(ctx, want.ID)
			require.NoError(t, err)
			assert.True(t, got.Equal(want), "length %d: %s", n, want.ID)
		}
		for _, gone := range []string{c.ID, d.ID} {
			_, err := l.Get(ctx, gone)
			require.ErrorIs(t, err, b2bkit.ErrNotFound, "length %d: %s", n, gone)
		}
		require.NoError(t, l.Append(ctx, d, a, c, d))
		es := matchingtest.Entries(t, l, 0)
		require.Len(t, es, 4, "length %d", n)
		for i, want := range []matching.Match{a, b, d, c} {
			assert.True(t, es[i].Match.Equal(want), "length %d: entry %d", n, i)
			got, err := l.Get(ctx, want.ID)
			require.NoError(t, err)
			assert.True(t, got.Equal(want), "length %d: %s", n, want.ID)
		}
	}
}

// TestMemoryLogSchedulesAreEachTheirOwn: the schedules a log stores and those Since hands out are
// cut from shared blocks; growing or editing one leaves its neighbours and the log as they were.
func TestMemoryLogSchedulesAreEachTheirOwn(t *testing.T) {
	l := matching.NewMemoryLog()
	for i := range 40 {
		m := match(id("M", i), 1, "B-1", "S-1", "RICE-25KG", "1", "100")
		m.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), i)
		require.NoError(t, l.Append(ctx, m))
	}
	es := matchingtest.Entries(t, l, 0)
	require.Len(t, es, 40)
	for _, e := range es {
		ins := e.Match.Terms.Payment.Installments
		require.Len(t, ins, 2)
		ins[1].Days = -1
		_ = append(ins, b2bkit.Installment{Share: dec("0.5"), Days: -2})
	}
	for i, e := range matchingtest.Entries(t, l, 0) {
		want := b2bkit.DepositBalance(dec("0.3"), i)
		assert.True(t, e.Match.Terms.Payment.Equal(want), "%d: %+v", i, e.Match.Terms.Payment)
	}
	for i, e := range es {
		assert.Equal(t, -1, e.Match.Terms.Payment.Installments[1].Days, "%d", i)
		if i+1 < len(es) {
			assert.Equal(t, 0, es[i+1].Match.Terms.Payment.Installments[0].Days, "%d's neighbour", i)
		}
	}
}

// TestMemoryLogSinceMergesMatchesAndChanges: the log keeps matches and status changes apart, in
// chunks; read from any number — inside a chunk, at its edge, past the end — Since yields every
// later entry once, in number order, each match and change as committed.
func TestMemoryLogSinceMergesMatchesAndChanges(t *testing.T) {
	l := matching.NewMemoryLog()
	for i := range 2600 {
		m := match(id("M", i), 1+i%200, "B-1", "S-1", "RICE-25KG", "1", "100")
		m.Status = matching.Proposed
		require.NoError(t, l.Append(ctx, m))
		if i%3 == 0 {
			require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Accepted, At: m.At.Add(time.Hour), By: "ops"}))
		}
	}
	all := matchingtest.Entries(t, l, 0)
	require.Len(t, all, 2600+867)
	bySeq := map[uint64]matching.Entry{}
	for i, e := range all {
		assert.Equal(t, uint64(i+1), e.Seq, "numbered from 1 without gaps")
		bySeq[e.Seq] = e
		if e.Kind == matching.StatusChanged {
			appended := bySeq[e.MatchSeq]
			assert.Equal(t, matching.MatchAppended, appended.Kind, "%d", e.Seq)
			assert.Equal(t, e.Change.ID, appended.Match.ID, "%d", e.Seq)
		}
	}
	for _, from := range []uint64{0, 1, 1023, 1024, 1025, 2047, 2048, 3000, 3466, 3467, 5000} {
		got := matchingtest.Entries(t, l, from)
		want := all[min(int(from), len(all)):]
		require.Len(t, got, len(want), "from %d", from)
		for i := range want {
			require.Equal(t, want[i].Seq, got[i].Seq, "from %d", from)
			require.Equal(t, want[i].Kind, got[i].Kind)
			require.True(t, want[i].Match.Equal(got[i].Match))
			require.True(t, want[i].Change.Equal(got[i].Change))
		}
	}
}

// TestMemoryLogHandsBackEachMatchAsGiven: the log holds a match compactly — names and schedules
// once, times as nanoseconds and a location — and must still hand back what was appended: every
// amount and share written as given (118.00 stays 118.00, 0.30 apart from 0.3), each time the
// same instant in its own location, however many zones and fixed offsets the matches mix.
func TestMemoryLogHandsBackEachMatchAsGiven(t *testing.T) {
	l := matching.NewMemoryLog()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	zones := []*time.Location{time.UTC, tokyo, time.FixedZone("", -5*3600), time.FixedZone("CST", 8*3600)}
	var want []matching.Match
	for i := range 60 {
		m := match(id("M", i), 1+i%20, b2bkit.CompanyID(id("B", i%7)), b2bkit.CompanyID(id("S", i%3)), b2bkit.SKU(id("SKU", i%5)),
			[]string{"10", "10.0", "25.500"}[i%3], []string{"118.00", "118", "99.9900"}[i%3])
		// Each time in a zone of its own, with nanoseconds; a parsed offset is a new *time.Location.
		at := m.At.Add(time.Duration(i) * time.Nanosecond)
		m.At = at.In(zones[i%4])
		m.Terms.OrderedAt = at.Add(-time.Hour).In(zones[(i+1)%4])
		m.Terms.DeliverBy = at.AddDate(0, 0, 3).In(time.FixedZone("", (i%5)*3600))
		m.Terms.Payment = b2bkit.DepositBalance(dec([]string{"0.3", "0.30", "0.25"}[i%3]), 30+(i/3)%2)
		m.Subsidy = dec([]string{"0", "5.00", "0.000"}[i%3])
		m.Currency = []string{"CNY", "USD"}[i%2]
		m.Channel = b2bkit.Channel(1 + i%3)
		m.Mode = matching.Mode(i % 2)
		require.NoError(t, l.Append(ctx, m), "%d", i)
		want = append(want, m)
	}
	same := func(t *testing.T, i int, got matching.Match) {
		t.Helper()
		m := want[i]
		require.True(t, got.Equal(m), "%d: got %+v", i, got)
		for k, d := range [][2]decimal.Decimal{{got.Quantity, m.Quantity}, {got.UnitPrice, m.UnitPrice}, {got.Subsidy, m.Subsidy}} {
			assert.Equal(t, d[1].String(), d[0].String(), "%d: amount %d", i, k)
			assert.Equal(t, d[1].Exponent(), d[0].Exponent(), "%d: amount %d written as given", i, k)
		}
		for k, in := range got.Terms.Payment.Installments {
			assert.Equal(t, m.Terms.Payment.Installments[k].Share.Exponent(), in.Share.Exponent(), "%d: share %d written as given", i, k)
		}
		for k, ts := range [][2]time.Time{{got.At, m.At}, {got.Terms.OrderedAt, m.Terms.OrderedAt}, {got.Terms.DeliverBy, m.Terms.DeliverBy}} {
			assert.True(t, ts[0].Equal(ts[1]), "%d: time %d", i, k)
			assert.Same(t, ts[1].Location(), ts[0].Location(), "%d: time %d in its own location", i, k)
			assert.Equal(t, ts[1].String(), ts[0].String(), "%d: time %d", i, k)
		}
	}
	for i := range want {
		got, err := l.Get(ctx, want[i].ID)
		require.NoError(t, err)
		same(t, i, got)
		got.Terms.Payment.Installments[0].Days = 99 // the caller's own copy
	}
	for i, e := range matchingtest.Entries(t, l, 0) {
		same(t, i, e.Match)
	}
}
