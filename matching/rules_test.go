package matching_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// focusMarket: A sells RICE at aPrice, carries one SKU, books 20 days ahead and cancels a third of
// its matches; B sells at 102 across ten SKUs, within 3 days, never cancelling; with market, C and
// D sell at 100, which makes 100 the reference median and B 2% dearer than it.
func focusMarket(t *testing.T, aPrice string, market bool) *matching.Book {
	b, _ := newBook(t)
	n := 0
	add := func(seller b2bkit.CompanyID, sku b2bkit.SKU, price string, lead int, status matching.Status) {
		n++
		m := match(id("M", n), 5+n%40, "B-1", seller, sku, "50", price)
		m.Terms.DeliverBy = m.Terms.OrderedAt.AddDate(0, 0, lead)
		m.Status = status
		record(t, b, m)
	}
	for i := range 6 {
		status := matching.Fulfilled
		if i%3 == 0 {
			status = matching.Cancelled
		}
		add("A", "RICE-25KG", aPrice, 20, status)
	}
	for i := range 10 {
		add("B", "RICE-25KG", "102", 3, matching.Fulfilled)
		add("B", b2bkit.SKU(id("SKU", i)), "10", 3, matching.Fulfilled)
		if market {
			add("C", "RICE-25KG", "100", 7, matching.Fulfilled)
			add("D", "RICE-25KG", "100", 7, matching.Fulfilled)
		}
	}
	return b
}

func sellers(cs []matching.Candidate) []b2bkit.CompanyID {
	var out []b2bkit.CompanyID
	for _, c := range cs {
		out = append(out, c.Seller)
	}
	return out
}

// TestR14_FocusDecidesFirst is the case of Rank's worked example: with price the focus, a seller
// 10% below the market (A) is 0.6 ahead on price of one 2% above it (B), and ranks first although
// B's better range, speed and reliability give B the higher weighted score — the score by which a
// weighted mean alone ranked them, B first. B is also clearly behind C and D, who sell at the
// market price: 2% is the clear lead on price. Where A is only 1% below B, the two are level on
// price and B's better service puts it first.
func TestR14_FocusDecidesFirst(t *testing.T) {
	rfq := matching.RFQ{Request: request("RICE-25KG", "50", b2bkit.CashOnDelivery())}
	focus := []matching.Need{matching.Price}

	cs, err := focusMarket(t, "90", true).Rank(ctx, rfq, focus)
	require.NoError(t, err)
	require.Equal(t, []b2bkit.CompanyID{"A", "C", "D", "B"}, sellers(cs))
	a, bb := find(t, cs, "A"), find(t, cs, "B")
	assert.InDelta(t, 1.0, a.Scores.Price, 1e-9, "10%% below the reference median of 100")
	assert.InDelta(t, 0.4, bb.Scores.Price, 1e-9, "2%% above it")
	assert.Less(t, a.Score, bb.Score, "on the weighted score alone B would come first")
	assert.Equal(t, "first", a.Placed)
	assert.Equal(t, "clearly behind C on price (focus), 0.40 against 0.50", bb.Placed)
	assert.Equal(t, "clearly behind A on price (focus), 0.50 against 1.00", find(t, cs, "C").Placed)

	// The same sellers without a focus: the weighted score alone decides, and B leads.
	cs, err = focusMarket(t, "90", true).Rank(ctx, rfq, nil)
	require.NoError(t, err)
	assert.Equal(t, b2bkit.CompanyID("B"), cs[0].Seller, "%v", sellers(cs))
	for i := 1; i < len(cs); i++ {
		assert.GreaterOrEqual(t, cs[i-1].Score, cs[i].Score)
	}

	// A at 101 and B at 102 alone: the median is 102, A is 1% below it, 0.05 ahead on price: level.
	cs, err = focusMarket(t, "101", false).Rank(ctx, rfq, focus)
	require.NoError(t, err)
	require.Equal(t, []b2bkit.CompanyID{"B", "A"}, sellers(cs))
	a = find(t, cs, "A")
	assert.Greater(t, a.Scores.Price, cs[0].Scores.Price)
	assert.Equal(t, "level with B on the focus (within 0.10) and after it on the score, 0.371 against 0.800", a.Placed)
}

// TestR14_SecondFocusDecidesWithinTheFirst: sellers level on price are told apart by speed, the
// second focus, before the score is consulted.
func TestR14_SecondFocusDecidesWithinTheFirst(t *testing.T) {
	rfq := matching.RFQ{Request: request("RICE-25KG", "50", b2bkit.CashOnDelivery())}
	cs, err := focusMarket(t, "100.50", true).Rank(ctx, rfq, []matching.Need{matching.Price, matching.Speed})
	require.NoError(t, err)
	// On price C and D (0.50) and A (0.475) are level, B (0.40) clearly behind; on speed A
	// (booked 20 days ahead, never within the request's 7) is clearly behind C and D.
	require.Equal(t, []b2bkit.CompanyID{"C", "D", "A", "B"}, sellers(cs))
	assert.Equal(t, "clearly behind C on speed (focus), 0.00 against 1.00", find(t, cs, "A").Placed)
}

// TestR14_SpeedIsDeliveryAgainstThePromisedDay: where the log has delivery dates (the fulfilment's
// dated status change), speed is the share of deliveries made on or before the promised day;
// without them, the share of orders booked within the request's lead time.
func TestR14_SpeedIsDeliveryAgainstThePromisedDay(t *testing.T) {
	b, _ := newBook(t)
	deliver := func(seller b2bkit.CompanyID, n, lateBy int) {
		for i := range n {
			m := match(id(string(seller), i), 30+i, "B-1", seller, "RICE-25KG", "50", "100")
			m.Status = matching.Proposed
			m.Terms.DeliverBy = m.Terms.OrderedAt.AddDate(0, 0, 5) // promised in 5 days, booked within 7
			record(t, b, m)
			require.NoError(t, b.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Accepted, At: m.At.Add(time.Hour), By: "sales"}))
			at := m.Terms.DeliverBy
			if i < lateBy {
				at = at.AddDate(0, 0, 2)
			}
			require.NoError(t, b.SetStatus(ctx, matching.StatusChange{ID: m.ID, Status: matching.Fulfilled, At: at, By: "driver-app"}))
		}
	}
	deliver("punctual", 4, 0)
	deliver("late", 4, 3)
	for i := range 4 { // fulfilled on appending: no delivery date
		m := match(id("undated", i), 30+i, "B-1", "undated", "RICE-25KG", "50", "100")
		m.Terms.DeliverBy = m.Terms.OrderedAt.AddDate(0, 0, 5)
		record(t, b, m)
	}
	cs, err := b.Rank(ctx, matching.RFQ{Request: request("RICE-25KG", "50", b2bkit.CashOnDelivery())}, []matching.Need{matching.Speed})
	require.NoError(t, err)
	punctual, late, undated := find(t, cs, "punctual"), find(t, cs, "late"), find(t, cs, "undated")
	assert.InDelta(t, 1.0, punctual.Scores.Speed, 1e-9)
	assert.Equal(t, "speed: 4 of 4 deliveries of RICE-25KG on or before the promised day (focus)", punctual.Reasons[matching.Speed])
	assert.InDelta(t, 0.25, late.Scores.Speed, 1e-9)
	assert.Contains(t, late.Reasons[matching.Speed], "1 of 4 deliveries")
	assert.InDelta(t, 1.0, undated.Scores.Speed, 1e-9, "booked within the request's 7 days")
	assert.Contains(t, undated.Reasons[matching.Speed], "(no delivery dates)")
	assert.Equal(t, b2bkit.CompanyID("late"), cs[2].Seller, "%v", sellers(cs))
}

// TestR13_RhythmOfOneIntervalIsTooFewOrders: two orders a week apart, the last three weeks ago,
// are not a weekly rhythm gone quiet: too few orders to say; a third order makes a rhythm.
func TestR13_RhythmOfOneIntervalIsTooFewOrders(t *testing.T) {
	b, _ := newBook(t)
	weekly(t, b, "newcomer", 2, 21, "50")
	r, err := b.Rhythm(ctx, "newcomer", "RICE-25KG")
	require.NoError(t, err)
	assert.Equal(t, 2, r.Orders)
	assert.True(t, r.TooFewOrders)
	assert.False(t, r.Regular)
	assert.False(t, r.Overdue, "one interval is not a rhythm to be overdue against")
	assert.True(t, r.NextExpected.IsZero())
	assert.Zero(t, r.MedianIntervalDays)
	assert.Equal(t, 21, r.SilentDays)

	record(t, b, match("newcomer-3", 35, "newcomer", "S-1", "RICE-25KG", "50", "118"))
	r, err = b.Rhythm(ctx, "newcomer", "RICE-25KG")
	require.NoError(t, err)
	assert.Equal(t, 3, r.Orders)
	assert.False(t, r.TooFewOrders)
	assert.True(t, r.Regular)
	assert.True(t, r.Overdue, "21 days silent against a weekly rhythm")
}

// referenceRulesMarket: ten trades of 50 bags at 100 to 109 from ten buyers, one odd trade at 500,
// and two subsidised trades at 80 — all on the request's terms, so no normalising moves them.
func referenceRulesMarket(t *testing.T) *matching.Book {
	b, _ := newBook(t)
	for i := range 10 {
		record(t, b, match(id("M", i), 10+i, b2bkit.CompanyID(id("B", i)), "S-1", "RICE-25KG", "50", decimal.NewFromInt(int64(100+i)).String()))
	}
	record(t, b, match("M-odd", 5, "B-odd", "S-1", "RICE-25KG", "50", "500"))
	for i := range 2 {
		m := match(id("M-sub", i), 6+i, "B-sub", "S-1", "RICE-25KG", "50", "80")
		m.Subsidy = dec("300")
		record(t, b, m)
	}
	return b
}

// TestR13_ReferenceRulesLeaveOutWhatTheySay: subsidised trades out, then outliers by IQR or MAD,
// each rule saying how many trades it left out and where its fences were.
func TestR13_ReferenceRulesLeaveOutWhatTheySay(t *testing.T) {
	b := referenceRulesMarket(t)
	req := request("RICE-25KG", "50", b2bkit.CashOnDelivery())
	tests := []struct {
		name                   string
		rules                  matching.ReferenceRules
		count, subsidised, out int
		low, high, fLo, fHi    string
	}{
		{"no rules", matching.ReferenceRules{}, 13, 0, 0, "80", "500", "0", "0"},
		{"subsidised out", matching.ReferenceRules{ExcludeSubsidised: true}, 11, 2, 0, "100", "500", "0", "0"},
		// 100..109 and 500: P25 102, P75 108, IQR 6, fences 102 - 9 and 108 + 9.
		{"iqr", matching.ReferenceRules{ExcludeSubsidised: true, Outliers: matching.IQR}, 10, 2, 1, "100", "109", "93", "117"},
		// Median 105, deviations 0 1 1 2 2 3 3 4 4 5 395: MAD 3, fences 105 -+ 3 x 1.4826 x 3.
		{"mad", matching.ReferenceRules{ExcludeSubsidised: true, Outliers: matching.MAD}, 10, 2, 1, "100", "109", "91.6566", "118.3434"},
		{"iqr with k 100 keeps it", matching.ReferenceRules{ExcludeSubsidised: true, Outliers: matching.IQR, K: dec("100")}, 11, 2, 0, "100", "500", "-498", "708"},
		// With the subsidised trades in, IQR reaches down to them.
		// With the subsidised trades in: 80 80 100..109 500, P25 101, P75 107, fences 92 and 116.
		{"iqr, subsidised in", matching.ReferenceRules{Outliers: matching.IQR}, 10, 0, 3, "100", "109", "92", "116"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := b.ReferencePriceWith(ctx, "RICE-25KG", req, 3*month, tt.rules)
			require.NoError(t, err)
			assert.Equal(t, tt.count, ref.Count)
			assert.Equal(t, tt.subsidised, ref.Excluded.Subsidised)
			assert.Equal(t, tt.out, ref.Excluded.Outliers)
			requireDecEqual(t, dec(tt.low), ref.Low, "low")
			requireDecEqual(t, dec(tt.high), ref.High, "high")
			requireDecEqual(t, dec(tt.fLo), ref.Excluded.OutlierLow, "outlier low")
			requireDecEqual(t, dec(tt.fHi), ref.Excluded.OutlierHigh, "outlier high")
			assert.Equal(t, tt.rules.Outliers, ref.Rules.Outliers, "the result declares its rules")
		})
	}
	// The book's own rules are ReferencePrice's.
	withRules := matching.NewBook(b.Log(), engine(t), &matching.Options{Now: func() time.Time { return today },
		Reference: matching.ReferenceRules{ExcludeSubsidised: true, Outliers: matching.MAD}})
	ref, err := withRules.ReferencePrice(ctx, "RICE-25KG", req, 3*month)
	require.NoError(t, err)
	assert.Equal(t, 10, ref.Count)
	requireDecEqual(t, dec("3"), ref.Rules.K, "MAD's default K, declared")
	js, err := json.Marshal(ref)
	require.NoError(t, err)
	for _, want := range []string{`"outliers":"mad"`, `"exclude_subsidised":true`, `"excluded":{"subsidised":2,"outliers":1,`} {
		assert.Contains(t, string(js), want)
	}
}

// TestR13_OneBigBuyerCannotSetTheMean: a buyer with 90% of the volume at 120 against ten buyers at
// 100 sets the volume-weighted mean at 118; capped at a quarter it weighs exactly a quarter, and the
// mean is 0.75 x 100 + 0.25 x 120 = 105. With two buyers no weighting keeps each to a quarter: they
// weigh the same.
func TestR13_OneBigBuyerCannotSetTheMean(t *testing.T) {
	b, _ := newBook(t)
	record(t, b, match("M-whale", 10, "whale", "S-1", "RICE-25KG", "900", "120"))
	for i := range 10 {
		record(t, b, match(id("M", i), 10+i, b2bkit.CompanyID(id("B", i)), "S-1", "RICE-25KG", "10", "100"))
	}
	// 900 units restate at the request's 10 units: the policy's -3% volume band is taken out.
	req := request("RICE-25KG", "10", b2bkit.CashOnDelivery())
	plain, err := b.ReferencePriceWith(ctx, "RICE-25KG", req, 3*month, matching.ReferenceRules{})
	require.NoError(t, err)
	whale := dec("120").Mul(dec("1")).DivRound(dec("0.97"), 10) // 120 / 0.97
	requireDecEqual(t, whale.Mul(dec("900")).Add(dec("10000")).DivRound(dec("1000"), 4), plain.Mean)

	capped, err := b.ReferencePriceWith(ctx, "RICE-25KG", req, 3*month, matching.ReferenceRules{MaxBuyerShare: dec("0.25")})
	require.NoError(t, err)
	requireDecEqual(t, dec("0.75").Mul(dec("100")).Add(dec("0.25").Mul(whale)).Round(4), capped.Mean)
	assert.Equal(t, 1, capped.Excluded.CappedBuyers)
	assert.Equal(t, 1, capped.Excluded.CappedTrades)
	assert.False(t, capped.Excluded.EqualWeights)
	requireDecEqual(t, dec("0.9"), capped.Excluded.TopBuyerShare)
	assert.Equal(t, 11, capped.Count, "the cap leaves no trade out")
	requireDecEqual(t, plain.Median, capped.Median, "percentiles count trades, not weights")
	requireDecEqual(t, dec("1000"), capped.Volume)

	two, _ := newBook(t)
	record(t, two, match("M-1", 10, "whale", "S-1", "RICE-25KG", "10", "120"), match("M-2", 11, "minnow", "S-1", "RICE-25KG", "10", "100"))
	eq, err := two.ReferencePriceWith(ctx, "RICE-25KG", req, 3*month, matching.ReferenceRules{MaxBuyerShare: dec("0.25")})
	require.NoError(t, err)
	assert.True(t, eq.Excluded.EqualWeights)
	requireDecEqual(t, dec("110"), eq.Mean)
}

func TestReferenceRulesValidate(t *testing.T) {
	b, _ := newBook(t)
	req := request("RICE-25KG", "50", b2bkit.CashOnDelivery())
	for field, rules := range map[string]matching.ReferenceRules{
		"rules.k":               {Outliers: matching.IQR, K: dec("-1")},
		"rules.max_buyer_share": {MaxBuyerShare: dec("1.5")},
		"rules.outliers":        {Outliers: 9},
	} {
		_, err := b.ReferencePriceWith(ctx, "RICE-25KG", req, month, rules)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, field)
		assert.ErrorContains(t, err, field)
	}
	var o matching.OutlierRule
	require.NoError(t, o.UnmarshalText([]byte("mad")))
	assert.Equal(t, matching.MAD, o)
	require.ErrorIs(t, o.UnmarshalText([]byte("zscore")), b2bkit.ErrInvalid)
}

// engineFor is an engine over the policy JSON, with RICE-25KG listed at 120.
func engineFor(t *testing.T, policy string) *pricing.Engine {
	t.Helper()
	p, err := pricing.LoadPolicy(strings.NewReader(policy))
	require.NoError(t, err)
	prices, err := pricing.NewPriceList(pricing.ListPrice{SKU: "RICE-25KG", Price: dec("120"), Currency: "CNY"})
	require.NoError(t, err)
	e, err := pricing.NewEngine(p, prices, &pricing.Options{Now: func() time.Time { return today }})
	require.NoError(t, err)
	return e
}

// TestReferenceErrorsNameTheMatch: a trade the engine cannot restate, or a currency the trades do
// not share when nobody named one, fails the reference with an error naming the match.
func TestReferenceErrorsNameTheMatch(t *testing.T) {
	// From 1,000 units two volume rules, added, take more than the whole price off: such a trade
	// cannot be restated.
	free := engineFor(t, `{"currency": "CNY", "steps": [{"kind": "base", "rules": []},
	  {"kind": "quantity", "combine": "add", "rules": [
	    {"id": "v1", "mode": "volume", "bands": [{"from": "0", "to": "1000", "percent": "0"}, {"from": "1000", "percent": "-60"}]},
	    {"id": "v2", "sku": "RICE-25KG", "mode": "volume", "bands": [{"from": "0", "to": "1000", "percent": "0"}, {"from": "1000", "percent": "-60"}]}]}]}`)
	b := matching.NewBook(matching.NewMemoryLog(), free, &matching.Options{Now: func() time.Time { return today }})
	record(t, b, match("M-ok", 3, "B-1", "S-1", "RICE-25KG", "10", "118"), match("M-bulk", 4, "B-1", "S-1", "RICE-25KG", "1000", "100"))
	_, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "10", b2bkit.CashOnDelivery()), month)
	require.Error(t, err)
	assert.ErrorContains(t, err, "match M-bulk")

	// No currency in the policy or the request: the trades must agree on one.
	any := engineFor(t, `{"steps": [{"kind": "base", "rules": []}]}`)
	b = matching.NewBook(matching.NewMemoryLog(), any, &matching.Options{Now: func() time.Time { return today }})
	usd := match("M-usd", 4, "B-1", "S-1", "RICE-25KG", "10", "16")
	usd.Currency = "USD"
	record(t, b, match("M-cny", 5, "B-1", "S-1", "RICE-25KG", "10", "118"), usd)
	r := request("RICE-25KG", "10", b2bkit.CashOnDelivery())
	r.Currency = ""
	_, err = b.ReferencePrice(ctx, "RICE-25KG", r, month)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "match M-usd")
	assert.ErrorContains(t, err, "request.currency")
	r.Currency = "USD"
	ref, err := b.ReferencePrice(ctx, "RICE-25KG", r, month)
	require.NoError(t, err)
	assert.Equal(t, 1, ref.Count)
	assert.Equal(t, "USD", ref.Currency)
}
