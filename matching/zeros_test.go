package matching_test

import (
	"context"
	"encoding/json"
	"iter"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
)

// padder writes every decimal of a match or a request with up to 30 trailing zeros more, a random
// count each: the same values, as a numeric column of a high scale returns them.
type padder struct{ rng *rand.Rand }

func (p padder) dec(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, p.rng.IntN(31)) }

func (p padder) terms(t b2bkit.Terms) b2bkit.Terms {
	ins := slices.Clone(t.Payment.Installments)
	for i := range ins {
		ins[i].Share = p.dec(ins[i].Share)
	}
	t.Payment.Installments = ins
	return t
}

func (p padder) match(m matching.Match) matching.Match {
	m.Quantity, m.UnitPrice, m.Subsidy = p.dec(m.Quantity), p.dec(m.UnitPrice), p.dec(m.Subsidy)
	m.Terms = p.terms(m.Terms)
	return m
}

func (p padder) request(r pricing.Request) pricing.Request {
	r.Quantity, r.Terms = p.dec(r.Quantity), p.terms(r.Terms)
	return r
}

// paddingLog is a log whose adapter reads amounts back from numeric(38,20)-like columns: every
// decimal of every match it returns carries trailing zeros.
type paddingLog struct {
	matching.Log
	p padder
}

func (l paddingLog) Since(ctx context.Context, seq uint64) iter.Seq2[matching.Entry, error] {
	return func(yield func(matching.Entry, error) bool) {
		for e, err := range l.Log.Since(ctx, seq) {
			if err == nil && e.Kind == matching.MatchAppended {
				e.Match = l.p.match(e.Match)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

func (l paddingLog) Get(ctx context.Context, id string) (matching.Match, error) {
	m, err := l.Log.Get(ctx, id)
	return l.p.match(m), err
}

// A match's trailing zeros never decide whether it is accepted or what the book answers: a year of
// matching written with up to 30 zeros more on every quantity, price, subsidy and share — recorded
// through the book, appended to the log directly, or read back padded by the log's adapter — gives
// every answer the short year gives, and so does a request written padded.
func TestMatchesReadTheValueNotItsTrailingZeros(t *testing.T) {
	pl := randomPlay(33, 600)
	padded := pl
	padded.matches = slices.Clone(pl.matches)
	p := padder{rand.New(rand.NewPCG(5, 8))}
	for i := range padded.matches {
		padded.matches[i] = p.match(padded.matches[i])
		require.NoError(t, padded.matches[i].Validate(), "%+v", padded.matches[i])
	}
	// Thirty places on all of them at least once, whatever the draw.
	m := p.match(pl.matches[0])
	m.Quantity, m.UnitPrice = dectest.Places(pl.matches[0].Quantity, 30), dectest.Places(pl.matches[0].UnitPrice, 30)
	require.NoError(t, m.Validate())

	newBookOn := func(l matching.Log) *matching.Book {
		return matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }})
	}
	short := newBookOn(matching.NewMemoryLog())
	pl.apply(t, short)
	recorded := newBookOn(matching.NewMemoryLog())
	padded.apply(t, recorded)
	direct := matching.NewMemoryLog()
	for _, m := range padded.matches {
		require.NoError(t, direct.Append(ctx, m), m.ID)
	}
	for _, cs := range padded.changes {
		for _, c := range cs {
			require.NoError(t, direct.SetStatus(ctx, c))
		}
	}
	readPadded := matching.NewMemoryLog()
	pl.apply(t, newBookOn(readPadded))
	books := map[string]*matching.Book{
		"recorded padded": recorded, "appended padded": newBookOn(direct),
		"read back padded": newBookOn(paddingLog{readPadded, padder{rand.New(rand.NewPCG(6, 9))}}),
	}
	want := answers(t, short)
	for name, b := range books {
		got := answers(t, b)
		require.Len(t, got, len(want), name)
		for k := range want {
			require.JSONEq(t, dectest.JSONByValue(t, want[k]), dectest.JSONByValue(t, got[k]), "%s: %s", name, k)
		}
	}

	// A request written padded asks the same question.
	for s := range 6 {
		sku := b2bkit.SKU(id("SKU", s))
		for _, pay := range []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Net(45), b2bkit.DepositBalance(dec("0.3"), 30)} {
			req := request(sku, "700", pay)
			wantRef, err := short.ReferencePrice(ctx, sku, req, 180*24*time.Hour)
			require.NoError(t, err)
			wantRank, err := short.Rank(ctx, matching.RFQ{Request: req}, nil)
			require.NoError(t, err)
			for range 5 {
				preq := p.request(req)
				gotRef, err := short.ReferencePrice(ctx, sku, preq, 180*24*time.Hour)
				require.NoError(t, err, "%s %s", sku, pay)
				js1, _ := json.Marshal(wantRef)
				js2, _ := json.Marshal(gotRef)
				require.JSONEq(t, dectest.JSONByValue(t, string(js1)), dectest.JSONByValue(t, string(js2)), "%s %s", sku, pay)
				gotRank, err := short.Rank(ctx, matching.RFQ{Request: preq}, nil)
				require.NoError(t, err)
				js1, _ = json.Marshal(wantRank)
				js2, _ = json.Marshal(gotRank)
				require.JSONEq(t, dectest.JSONByValue(t, string(js1)), dectest.JSONByValue(t, string(js2)), "%s %s", sku, pay)
			}
		}
	}
	// Reference rules written padded are the same rules.
	req := request("SKU-00001", "20", b2bkit.CashOnDelivery())
	rules := matching.ReferenceRules{Outliers: matching.MAD, K: dec("2.5"), MaxBuyerShare: dec("0.3")}
	wantRef, err := short.ReferencePriceWith(ctx, "SKU-00001", req, 180*24*time.Hour, rules)
	require.NoError(t, err)
	rules.K, rules.MaxBuyerShare = dectest.Places(rules.K, 30), dectest.Places(rules.MaxBuyerShare, 30)
	gotRef, err := short.ReferencePriceWith(ctx, "SKU-00001", req, 180*24*time.Hour, rules)
	require.NoError(t, err)
	requireDecEqual(t, wantRef.Median, gotRef.Median)
	requireDecEqual(t, wantRef.Mean, gotRef.Mean)
	require.Equal(t, wantRef.Excluded, gotRef.Excluded)
	// Within 18 places, too: 2.5 written 2.500000000000 has 2 significant digits, not 13.
	rules.K, rules.MaxBuyerShare = dec("2.500000000000"), dec("0.300000000000")
	require.NoError(t, rules.Validate())
	gotRef, err = short.ReferencePriceWith(ctx, "SKU-00001", req, 180*24*time.Hour, rules)
	require.NoError(t, err)
	requireDecEqual(t, wantRef.Mean, gotRef.Mean)
	require.Equal(t, wantRef.Excluded, gotRef.Excluded)
}

// Trailing zeros do not rescue a value bad as a value: 19 significant places are refused however
// they are written.
func TestMatchesStillRefuseNineteenPlaces(t *testing.T) {
	m := match("M-1", 3, "B-1", "S-1", "RICE-25KG", "10", "120")
	for _, k := range []int{0, 5, 30} {
		m.UnitPrice = dectest.Pad(dec("120.0000000000000000001"), k)
		require.ErrorContains(t, m.Validate(), "unit_price: out of range", k)
		require.ErrorContains(t, matching.NewMemoryLog().Append(ctx, m), "unit_price: out of range", k)
	}
}
