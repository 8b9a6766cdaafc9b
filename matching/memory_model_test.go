package matching_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
)

// modelLog is the plainest log there is, for MemoryLog's chunked store to be compared against: every
// entry as given, in a slice, and the matches by ID in a map.
type modelLog struct {
	entries []matching.Entry
	byID    map[string]int // ID -> index in entries of its MatchAppended entry
	status  map[string]matching.Status
}

// TestMemoryLogKeepsExactlyWhatWasAppended: reading a match back from MemoryLog through Since and Get
// gives exactly what was appended — the same strings, exponents, instants and location pointers —
// over random appends (backdated, in batches, with retries and conflicts), status changes, odd
// exponents (in schedules too), coefficients beyond int64, fresh fixed zones and IDs up to MaxIDLen
// bytes, as a plain model of the log says.
func TestMemoryLogKeepsExactlyWhatWasAppended(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			l := matching.NewMemoryLog()
			model := &modelLog{byID: map[string]int{}, status: map[string]matching.Status{}}
			var ids []string
			var seq uint64
			for step := range 3000 {
				switch op := rng.IntN(10); {
				case op < 5 || len(ids) == 0: // a batch of fresh matches, some repeated inside it
					batch := make([]matching.Match, 1+rng.IntN(4))
					for k := range batch {
						if k > 0 && rng.IntN(5) == 0 {
							batch[k] = batch[rng.IntN(k)]
							continue
						}
						batch[k] = randomMatch(rng, fmt.Sprintf("%d-%d", step, k))
					}
					require.NoError(t, l.Append(ctx, batch...))
					for _, m := range batch {
						if _, ok := model.byID[m.ID]; ok {
							continue
						}
						seq++
						model.byID[m.ID] = len(model.entries)
						model.status[m.ID] = m.Status
						model.entries = append(model.entries, matching.Entry{Seq: seq, Kind: matching.MatchAppended, Match: m})
					}
					for _, m := range batch {
						if _, seen := model.status[m.ID]; seen && !contains(ids, m.ID) {
							ids = append(ids, m.ID)
						}
					}
				case op < 7: // a retry of a stored match, or other content under its ID
					id := ids[rng.IntN(len(ids))]
					m := model.entries[model.byID[id]].Match
					if rng.IntN(2) == 0 {
						require.NoError(t, l.Append(ctx, m), "a retry")
					} else {
						m.UnitPrice = m.UnitPrice.Add(decimal.New(1, -2))
						require.ErrorIs(t, l.Append(ctx, m), b2bkit.ErrConflict)
					}
				default: // a status change, allowed or not
					id := ids[rng.IntN(len(ids))]
					at := model.entries[model.byID[id]].Match.At.Add(time.Duration(rng.IntN(100)) * time.Hour)
					c := matching.StatusChange{ID: id, Status: matching.Status(rng.IntN(4)), At: at, By: "op"}
					err := l.SetStatus(ctx, c)
					if model.status[id].CanBecome(c.Status) && lastChangeAt(model, id).Compare(at) <= 0 {
						require.NoError(t, err)
						seq++
						model.status[id] = c.Status
						model.entries = append(model.entries, matching.Entry{Seq: seq, Kind: matching.StatusChanged, Change: c, MatchSeq: model.entries[model.byID[id]].Seq})
					} else {
						require.Error(t, err)
					}
				}
			}
			require.Equal(t, len(model.byID), l.Len())
			for _, from := range []int{0, 1, len(model.entries) / 2, len(model.entries) - 1, len(model.entries)} {
				var got []matching.Entry
				after := uint64(0)
				if from > 0 {
					after = model.entries[from-1].Seq
				}
				for e, err := range l.Since(ctx, after) {
					require.NoError(t, err)
					got = append(got, e)
				}
				require.Len(t, got, len(model.entries)-from)
				for k, e := range got {
					want := model.entries[from+k]
					require.Equal(t, want.Seq, e.Seq)
					require.Equal(t, want.Kind, e.Kind)
					require.Equal(t, want.MatchSeq, e.MatchSeq)
					if want.Kind == matching.MatchAppended {
						requireExactly(t, want.Match, e.Match)
					} else {
						require.True(t, want.Change.Equal(e.Change))
					}
				}
			}
			for _, id := range ids {
				got, err := l.Get(ctx, id)
				require.NoError(t, err)
				want := model.entries[model.byID[id]].Match
				want.Status = model.status[id]
				requireExactly(t, want, got)
			}
		})
	}
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// lastChangeAt is when the model's match id last changed status: its At when it never did.
func lastChangeAt(model *modelLog, id string) time.Time {
	at := model.entries[model.byID[id]].Match.At
	for _, e := range model.entries {
		if e.Kind == matching.StatusChanged && e.Change.ID == id {
			at = e.Change.At
		}
	}
	return at
}

// requireExactly fails unless got is want down to how it is written: the strings, each decimal's
// value and exponent, each time's instant and location, the installments.
func requireExactly(t *testing.T, want, got matching.Match) {
	t.Helper()
	require.True(t, want.Equal(got), "%+v\n%+v", want, got)
	for i, pair := range [][2]decimal.Decimal{{want.Quantity, got.Quantity}, {want.UnitPrice, got.UnitPrice}, {want.Subsidy, got.Subsidy}} {
		require.Equal(t, pair[0].String(), pair[1].String(), "amount %d", i)
		require.Equal(t, pair[0].Exponent(), pair[1].Exponent(), "amount %d", i)
	}
	for i, pair := range [][2]time.Time{{want.At, got.At}, {want.Terms.OrderedAt, got.Terms.OrderedAt}, {want.Terms.DeliverBy, got.Terms.DeliverBy}} {
		require.True(t, pair[0].Equal(pair[1]), "time %d", i)
		require.Same(t, pair[0].Location(), pair[1].Location(), "time %d", i)
		require.Equal(t, pair[0].Format(time.RFC3339Nano), pair[1].Format(time.RFC3339Nano), "time %d", i)
	}
	require.Len(t, got.Terms.Payment.Installments, len(want.Terms.Payment.Installments))
	for i, in := range want.Terms.Payment.Installments {
		g := got.Terms.Payment.Installments[i]
		require.Equal(t, in.Share.String(), g.Share.String())
		require.Equal(t, in.Share.Exponent(), g.Share.Exponent())
		require.Equal(t, in.Due, g.Due)
		require.Equal(t, in.Days, g.Days)
	}
}

var modelZones = []*time.Location{time.UTC, time.Local, time.FixedZone("IST", 5*3600+1800), time.FixedZone("", -3*3600-1800)}

// randomMatch is a valid match with the odd cases a packed store could get wrong.
func randomMatch(rng *rand.Rand, id string) matching.Match {
	name := func(prefix string) string {
		switch rng.IntN(4) {
		case 0:
			return prefix + strings.Repeat("x", matching.MaxIDLen-len(prefix)) // the longest
		case 1:
			return prefix + "中文-" + fmt.Sprint(rng.IntN(50))
		}
		return prefix + fmt.Sprint(rng.IntN(20))
	}
	amount := func(zero bool) decimal.Decimal {
		switch rng.IntN(5) {
		case 0: // beyond int64
			d, _ := decimal.NewFromString("98765432109876543210.5")
			return d.Add(decimal.New(rng.Int64N(1000), 0))
		case 1: // trailing zeros kept
			return decimal.New(rng.Int64N(100)*100+1, int32(-rng.IntN(6)))
		case 2:
			if zero {
				return decimal.New(0, int32(rng.IntN(3)))
			}
			return decimal.New(1, int32(rng.IntN(5)))
		}
		return decimal.New(1+rng.Int64N(1e6), int32(-rng.IntN(4)))
	}
	loc := modelZones[rng.IntN(len(modelZones))]
	if rng.IntN(4) == 0 {
		loc = time.FixedZone("", (rng.IntN(25)-12)*3600) // a fresh zone, as each parsed RFC 3339 offset is
	}
	at := time.Date(2020+rng.IntN(7), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(1e9), loc)
	if rng.IntN(5) == 0 {
		at = time.Date(1901, 1, 1, 0, 0, 0, 1, time.UTC) // long backdated
	}
	pays := []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Net(30), b2bkit.DepositBalance(decimal.RequireFromString("0.30"), 45),
		b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 45), // equal to the one before but for the exponents
		{Installments: []b2bkit.Installment{{Share: decimal.RequireFromString("1.0"), Due: b2bkit.OnDelivery}}}}
	buyer := name("B-")
	return matching.Match{
		ID: name("M-" + id + "-"), Buyer: b2bkit.CompanyID(buyer), Seller: b2bkit.CompanyID(name("S-")), SKU: b2bkit.SKU(name("SKU-")),
		Quantity: amount(false), UnitPrice: amount(false), Currency: []string{"CNY", "VND", "USD"}[rng.IntN(3)],
		Terms: b2bkit.Terms{Payment: pays[rng.IntN(len(pays))], OrderedAt: at,
			DeliverBy: at.In(modelZones[rng.IntN(len(modelZones))]).Add(time.Duration(rng.IntN(3000)) * time.Hour)},
		At: at, Status: matching.Status(rng.IntN(3)), Subsidy: amount(true),
		Mode: matching.Mode(rng.IntN(2)), Channel: []b2bkit.Channel{b2bkit.Manual, b2bkit.SemiAuto, b2bkit.FullAuto}[rng.IntN(3)],
	}
}
