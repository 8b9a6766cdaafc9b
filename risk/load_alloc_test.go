package risk_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/memtest"
	"github.com/b2bkit/b2bkit/risk"
)

// readsInProportion requires that decoding doc into a new value of into's type allocates less than
// max times doc's size.
func readsInProportion(t *testing.T, v any, into func() any, max int) {
	t.Helper()
	doc, err := json.Marshal(v)
	require.NoError(t, err)
	dst := into()
	n := memtest.Allocated(func() { err = json.Unmarshal(doc, dst) })
	require.NoError(t, err)
	require.Less(t, n, uint64(max*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}

// TestJSON_ValuesAreReadInTheDecodeOfWhatHoldsThem: feature sets, values and score results are read
// with memory in proportion to their size. Each value read itself through the strict decoder, which
// checked and decoded its bytes again with a decoder of its own, inside the values, which did the
// same inside the feature set: 47 times the document for a list of feature sets (14 now), 21 for
// results (11), 62 for a host's own features (26: a map of them is read, then kept).
func TestJSON_ValuesAreReadInTheDecodeOfWhatHoldsThem(t *testing.T) {
	fs, err := risk.Features(featBuyer, featMain().history(), featAsOf)
	require.NoError(t, err)
	card := risk.DefaultScorecard()
	res, err := card.Score(fs)
	require.NoError(t, err)
	sets, results := make([]risk.FeatureSet, 1000), make([]risk.Result, 1000)
	for i := range sets {
		sets[i], results[i] = fs, res
	}
	custom := map[risk.Feature]risk.Value{}
	for i := range 5000 {
		custom[risk.Feature(fmt.Sprintf("host_%05d", i))] = risk.NumberValue(decimal.New(int64(i), -2))
	}
	t.Run("feature sets", func(t *testing.T) { readsInProportion(t, sets, func() any { return new([]risk.FeatureSet) }, 25) })
	t.Run("results", func(t *testing.T) { readsInProportion(t, results, func() any { return new([]risk.Result) }, 15) })
	t.Run("values", func(t *testing.T) {
		readsInProportion(t, risk.ValuesOf(custom), func() any { return new(risk.Values) }, 40)
	})
}

// wideCard is a card of 40 attributes of 200 bins each, categories and numeric ranges by turns.
func wideCard() risk.Scorecard {
	card := risk.Scorecard{Name: "wide", Base: 600, Grades: risk.DefaultScorecard().Grades}
	for a := range 40 {
		missing := float64(-a)
		at := risk.Attribute{Feature: risk.Feature(fmt.Sprintf("district_%02d", a)), MissingPoints: &missing}
		for k := range 200 {
			b := risk.Bin{Points: float64(k % 50)}
			if a%2 == 0 {
				b.Categories = []string{fmt.Sprintf("c%03d", k)}
			} else {
				lo, hi := decimal.New(int64(k), -1), decimal.New(int64(k+1), -1)
				b.Min, b.Max = &lo, &hi
				if k == 0 {
					b.Min = nil
				} else if k == 199 {
					b.Max = nil
				}
			}
			at.Bins = append(at.Bins, b)
		}
		card.Attributes = append(card.Attributes, at)
	}
	return card
}

// TestLoadScorecard_ReadsAWideCardInProportion: a card of many bins is loaded with memory in
// proportion to its size. The document was decoded strictly whole, then again by the card's own
// UnmarshalJSON, each attribute again by its own, each bin and grade again by its own: 66 times
// the card for one of numeric and categorical bins.
func TestLoadScorecard_ReadsAWideCardInProportion(t *testing.T) {
	card := wideCard()
	doc, err := json.Marshal(card)
	require.NoError(t, err)
	n := memtest.Allocated(func() { _, err = risk.LoadScorecard(bytes.NewReader(doc)) })
	require.NoError(t, err)
	// About 27 times (the card validated is most of it); 61 read again at every level.
	require.Less(t, n, uint64(40*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}

// TestScorecard_ValidateBuildsAPathOnlyForAProblem: validating a card builds the path of a bin or a
// category ("attributes[3].bins[7].categories[0]") only to report a problem there. It was built for
// every bin and category checked, five allocations a bin.
func TestScorecard_ValidateBuildsAPathOnlyForAProblem(t *testing.T) {
	card := wideCard()
	var err error
	n := testing.AllocsPerRun(3, func() { err = card.Validate() })
	require.NoError(t, err)
	// The path of each attribute and the map of its categories: a few dozen an attribute.
	require.Less(t, n, float64(30*len(card.Attributes)), "%v allocations validating %d attributes", n, len(card.Attributes))
}

// TestJSON_AnswersAreReadWithTheirPartsInProportion: a limit with its calculation, a verdict with
// its exceptions and a receivable with its history are read with memory in proportion to their
// size. Each line of the calculation, exception and transition read itself through the strict
// decoder, which checked and decoded its bytes again with a decoder of its own.
func TestJSON_AnswersAreReadWithTheirPartsInProportion(t *testing.T) {
	const n = 2000
	lim := risk.Limit{Company: "BUY-1", Grade: "B", Amount: decimal.New(8_400_000, -2), Currency: "CNY", ReviewAt: featAsOf}
	v := risk.Verdict{Status: risk.Exceptions, Financeable: risk.Financeable{Ordered: decimal.New(10, 0), Amount: decimal.New(7, 0)}}
	inv := regInvoice("INV-1", "1000.00")
	r := risk.Receivable{Fingerprint: regFP(t, inv), Invoice: inv, State: risk.StateConfirmed, Lender: "BANK-A"}
	for i := range n {
		lim.Log = append(lim.Log, risk.LogLine{What: fmt.Sprintf("figure %d", i), Figure: "84000.00", Source: "feature avg_monthly_value_12m"})
		v.Exceptions = append(v.Exceptions, risk.Exception{Code: "quantity_mismatch", Record: fmt.Sprintf("order O-%d", i), Field: "lines[0].quantity",
			Want: "100", Got: "98", Message: "received less than ordered"})
	}
	for i := range n {
		r.History = append(r.History, risk.Transition{To: risk.StateConfirmed, At: featAsOf, By: fmt.Sprintf("clerk-%d", i), Lender: "BANK-A"})
	}
	t.Run("limit", func(t *testing.T) { readsInProportion(t, lim, func() any { return new(risk.Limit) }, 11) })
	t.Run("verdict", func(t *testing.T) { readsInProportion(t, v, func() any { return new(risk.Verdict) }, 11) })
	t.Run("receivable", func(t *testing.T) { readsInProportion(t, r, func() any { return new(risk.Receivable) }, 11) })
}

// TestJSON_AReceivablesInvoiceIsReadInItsDecode: a receivable's invoice is read in the receivable's
// own strict decode. Read as b2bkit.Invoice it read itself through the strict decoder, which
// checked and decoded its bytes again with a decoder of its own, for every receivable of an export.
func TestJSON_AReceivablesInvoiceIsReadInItsDecode(t *testing.T) {
	inv := regInvoice("INV-1", "1000.00")
	r := risk.Receivable{Fingerprint: regFP(t, inv), Invoice: inv, State: risk.StateConfirmed, Lender: "BANK-A", Version: 2,
		History: []risk.Transition{{To: risk.StateOffered, At: featAsOf, By: "seller", Lender: "BANK-A"},
			{To: risk.StateConfirmed, At: featAsOf, By: "debtor", Lender: "BANK-A"}}}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var got risk.Receivable
	n := testing.AllocsPerRun(20, func() { require.NoError(t, json.Unmarshal(b, &got)) })
	require.True(t, got.Equal(r))
	// 39 allocations now, 52 with a decoder of the invoice's own.
	require.Less(t, n, 46.0, "%v allocations reading a receivable", n)
}
