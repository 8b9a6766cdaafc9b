package matching_test

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR12_SubsidisedBuyersThatNeverReturnShowInHealth: the platform bought three buyers with
// subsidies and only one came back; two organic buyers both came back. Health must show the
// subsidised share, the cohorts' repeat rates and name the buyers who never returned.
func TestR12_SubsidisedBuyersThatNeverReturnShowInHealth(t *testing.T) {
	b, _ := newBook(t)
	sub := func(m matching.Match, amount string) matching.Match { m.Subsidy = dec(amount); return m }
	cancelled := match("M-c", 5, "org-2", "S-1", "RICE-25KG", "10", "100")
	cancelled.Status = matching.Cancelled
	self := match("M-self", 20, "org-2", "PLATFORM", "RICE-25KG", "10", "100")
	self.Mode = matching.SelfOperated
	record(t, b,
		// An old buyer, before the window: not in a cohort.
		match("M-old", 200, "veteran", "S-1", "RICE-25KG", "10", "100"),
		match("M-old2", 10, "veteran", "S-1", "RICE-25KG", "10", "100"),
		// Subsidised newcomers.
		sub(match("M-s1", 60, "sub-1", "S-1", "RICE-25KG", "10", "100"), "50"),
		sub(match("M-s2", 50, "sub-2", "S-1", "RICE-25KG", "10", "100"), "80"),
		sub(match("M-s3", 40, "sub-3", "S-1", "RICE-25KG", "10", "100"), "30"),
		match("M-s3b", 20, "sub-3", "S-1", "RICE-25KG", "10", "100"), // came back on its own
		// Organic newcomers, both returning.
		match("M-o1", 45, "org-1", "S-1", "RICE-25KG", "10", "100"),
		match("M-o1b", 15, "org-1", "S-1", "RICE-25KG", "10", "100"),
		match("M-o2", 35, "org-2", "S-1", "RICE-25KG", "10", "100"),
		self, cancelled,
	)
	h, err := b.Health(ctx, 90*24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 10, h.Matches)
	assert.Equal(t, 9, h.Fulfilled)
	assert.Equal(t, 1, h.Cancelled)
	requireDecEqual(t, dec("0.9"), h.Conversion)
	assert.Equal(t, 3, h.Subsidised)
	requireDecEqual(t, dec("0.3"), h.SubsidisedShare)
	requireDecEqual(t, dec("160"), h.Subsidy)
	requireDecEqual(t, dec("9000"), h.Value, "cancelled matches add no value")
	requireDecEqual(t, dec("0.3333"), h.SubsidisedValueShare)

	assert.Equal(t, matching.Cohort{Buyers: 3, Returned: 1, RepeatRate: h.SubsidisedBuyers.RepeatRate}, h.SubsidisedBuyers)
	requireDecEqual(t, dec("0.3333"), h.SubsidisedBuyers.RepeatRate)
	assert.Equal(t, 2, h.OrganicBuyers.Buyers)
	assert.Equal(t, 2, h.OrganicBuyers.Returned)
	requireDecEqual(t, dec("1"), h.OrganicBuyers.RepeatRate)
	assert.Equal(t, []b2bkit.CompanyID{"sub-1", "sub-2"}, h.NeverReturned)

	// R14: the platform's own trading is one match of ten, one ninth of the value.
	assert.Equal(t, 9, h.Platform.Matches)
	assert.Equal(t, 1, h.SelfOperated.Matches)
	requireDecEqual(t, dec("1000"), h.SelfOperated.Value)
	requireDecEqual(t, dec("0.1111"), h.SelfOperated.Share)
	requireDecEqual(t, dec("0.8889"), h.Platform.Share)
}

func TestR12_HealthOfAnEmptyLog(t *testing.T) {
	b, _ := newBook(t)
	h, err := b.Health(ctx, month)
	require.NoError(t, err)
	assert.Zero(t, h.Matches)
	assert.True(t, h.Conversion.IsZero())
	_, err = b.Health(ctx, 0)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "window")
}

func TestR14_FocusOfThreeNeedsRefused(t *testing.T) {
	b, _ := newBook(t)
	record(t, b, match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118"))
	rfq := matching.RFQ{Request: request("RICE-25KG", "50", b2bkit.CashOnDelivery())}
	_, err := b.Rank(ctx, rfq, []matching.Need{matching.Selection, matching.Speed, matching.Price})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "choose at most two of selection, speed, quality, price")
	_, err = b.Rank(ctx, rfq, []matching.Need{matching.Selection, matching.Speed, matching.Quality, matching.Price})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = b.Rank(ctx, rfq, []matching.Need{matching.Price, matching.Price})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "focus[1]")
	_, err = b.Rank(ctx, rfq, []matching.Need{9})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	bad := rfq
	bad.Request.Currency = "USD"
	_, err = b.Rank(ctx, bad, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "rfq.request.currency")
	bad = rfq
	bad.Request.Quantity = decimal.Zero
	_, err = b.Rank(ctx, bad, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "rfq.request.quantity")
	for _, focus := range [][]matching.Need{nil, {matching.Price}, {matching.Speed, matching.Quality}} {
		_, err = b.Rank(ctx, rfq, focus)
		require.NoError(t, err, focus)
	}
}

// rankingMarket: "cheap" sells RICE at 105 but cancels often and only with long lead times;
// "broad" sells many SKUs at 120 quickly and reliably; the platform's own "self" is in between.
func rankingMarket(t *testing.T) *matching.Book {
	b, _ := newBook(t)
	n := 0
	add := func(seller b2bkit.CompanyID, sku b2bkit.SKU, price string, lead int, status matching.Status, mode matching.Mode) {
		n++
		m := match(id("M", n), 10+n%50, "B-1", seller, sku, "50", price)
		m.Terms.DeliverBy = m.Terms.OrderedAt.AddDate(0, 0, lead)
		m.Status, m.Mode = status, mode
		record(t, b, m)
	}
	for i := range 10 {
		status := matching.Fulfilled
		if i%2 == 0 {
			status = matching.Cancelled
		}
		add("cheap", "RICE-25KG", "105", 20, status, matching.Platform)
		add("broad", "RICE-25KG", "120", 2, matching.Fulfilled, matching.Platform)
		add("broad", b2bkit.SKU(id("SKU", i)), "10", 2, matching.Fulfilled, matching.Platform)
		add("self", "RICE-25KG", "112", 5, matching.Fulfilled, matching.SelfOperated)
	}
	return b
}

func TestR14_RankFollowsTheFocus(t *testing.T) {
	b := rankingMarket(t)
	r := request("RICE-25KG", "50", b2bkit.CashOnDelivery())
	r.Terms.DeliverBy = today.AddDate(0, 0, 3)
	rfq := matching.RFQ{Request: r}
	sellers := func(cs []matching.Candidate) []b2bkit.CompanyID {
		var out []b2bkit.CompanyID
		for _, c := range cs {
			out = append(out, c.Seller)
		}
		return out
	}
	byPrice, err := b.Rank(ctx, rfq, []matching.Need{matching.Price})
	require.NoError(t, err)
	require.Len(t, byPrice, 3)
	bySpeed, err := b.Rank(ctx, rfq, []matching.Need{matching.Selection, matching.Speed})
	require.NoError(t, err)
	assert.Equal(t, b2bkit.CompanyID("broad"), bySpeed[0].Seller, "%v", sellers(bySpeed))
	byQuality, err := b.Rank(ctx, rfq, []matching.Need{matching.Quality})
	require.NoError(t, err)
	pos := func(cs []matching.Candidate, s b2bkit.CompanyID) int {
		return slices.Index(sellers(cs), s)
	}
	assert.Less(t, pos(byPrice, "cheap"), pos(byPrice, "self"), "price focus puts the cheap seller before the platform's own")
	assert.Less(t, pos(byQuality, "self"), pos(byQuality, "cheap"), "quality focus puts the reliable seller first")

	cheap := find(t, byPrice, "cheap")
	broad := find(t, byPrice, "broad")
	self := find(t, byPrice, "self")
	assert.Greater(t, cheap.Scores.Price, self.Scores.Price)
	assert.Greater(t, self.Scores.Price, broad.Scores.Price)
	assert.InDelta(t, 0.5, cheap.Scores.Quality, 1e-9, "5 of 10 cancelled")
	assert.InDelta(t, 1.0, broad.Scores.Selection, 1e-9)
	assert.InDelta(t, 0.0, cheap.Scores.Speed, 1e-9, "never within 3 days")
	assert.Equal(t, matching.SelfOperated, self.Mode)
	requireDecEqual(t, dec("105"), cheap.MedianPrice)
	require.Len(t, cheap.Reasons, 4)
	assert.Contains(t, cheap.Reasons[matching.Price], "(focus)")
	assert.Contains(t, cheap.Reasons[matching.Quality], "5 of 10 decided matches cancelled")
	// The price focus decides first: each candidate is behind the one before on price by at
	// least the clear lead, or level with it on price and behind on the score.
	for i := 1; i < len(byPrice); i++ {
		ahead := byPrice[i-1].Scores.Price - byPrice[i].Scores.Price
		if ahead < 0.1-1e-9 {
			assert.GreaterOrEqual(t, byPrice[i-1].Score, byPrice[i].Score)
			assert.Contains(t, byPrice[i].Placed, "on the score")
		} else {
			assert.Contains(t, byPrice[i].Placed, "clearly behind")
		}
	}
	assert.Equal(t, "first", byPrice[0].Placed)
}

func find(t *testing.T, cs []matching.Candidate, seller b2bkit.CompanyID) matching.Candidate {
	t.Helper()
	for _, c := range cs {
		if c.Seller == seller {
			return c
		}
	}
	t.Fatalf("no candidate %s", seller)
	return matching.Candidate{}
}

// weekly records a buyer ordering qty every 7 days, the last order lastDaysAgo days ago.
func weekly(t *testing.T, b *matching.Book, buyer b2bkit.CompanyID, orders, lastDaysAgo int, qtys ...string) {
	for i := range orders {
		q := qtys[i%len(qtys)]
		record(t, b, match(string(buyer)+id("-M", i), lastDaysAgo+7*(orders-1-i), buyer, "S-1", "RICE-25KG", q, "118"))
	}
}

func TestR13_RhythmOfAWeeklyBuyer(t *testing.T) {
	b, _ := newBook(t)
	weekly(t, b, "lucky-noodle", 10, 3, "40", "50", "60")
	// A cancelled match and a second order on the same day do not break the rhythm.
	c := match("M-x", 3, "lucky-noodle", "S-1", "RICE-25KG", "999", "118")
	c.Status = matching.Cancelled
	same := match("M-same", 3, "lucky-noodle", "S-2", "RICE-25KG", "5", "118")
	record(t, b, c, same)
	r, err := b.Rhythm(ctx, "lucky-noodle", "RICE-25KG")
	require.NoError(t, err)
	assert.Equal(t, 10, r.Orders)
	assert.True(t, r.Regular)
	assert.InDelta(t, 7.0, r.MedianIntervalDays, 1e-9)
	requireDecEqual(t, dec("50"), r.TypicalQuantity)
	assert.Equal(t, 3, r.SilentDays)
	assert.False(t, r.Overdue)
	assert.True(t, r.NextExpected.Equal(daysAgo(3).AddDate(0, 0, 7)), "%s", r.NextExpected)
}

func TestR13_RhythmFlagsASilentBuyer(t *testing.T) {
	b, _ := newBook(t)
	weekly(t, b, "gone-quiet", 6, 20, "50")
	r, err := b.Rhythm(ctx, "gone-quiet", "RICE-25KG")
	require.NoError(t, err)
	assert.Equal(t, 20, r.SilentDays)
	assert.True(t, r.Overdue, "20 days silent against a weekly rhythm")
}

func TestRhythmErrors(t *testing.T) {
	b, _ := newBook(t)
	record(t, b, match("M-1", 3, "once", "S-1", "RICE-25KG", "50", "118"))
	r, err := b.Rhythm(ctx, "once", "RICE-25KG")
	require.NoError(t, err)
	assert.False(t, r.Regular)
	assert.True(t, r.NextExpected.IsZero())
	_, err = b.Rhythm(ctx, "stranger", "RICE-25KG")
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	assert.ErrorContains(t, err, "stranger")
	_, err = b.Rhythm(ctx, "", "")
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "buyer")
	assert.ErrorContains(t, err, "sku")
}

func TestR13_DemandFromRhythms(t *testing.T) {
	b, _ := newBook(t)
	weekly(t, b, "weekly", 8, 2, "50")   // next in 5 days, then 12, 19, 26: 4 orders in 28 days
	weekly(t, b, "overdue", 5, 10, "20") // due 3 days ago: one order today, then 7, 14, 21: 4
	record(t, b, match("M-once", 5, "once", "S-1", "RICE-25KG", "500", "118"))
	d, err := b.Demand(ctx, "RICE-25KG", 28*24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 1, d.Irregular)
	require.Len(t, d.Buyers, 2)
	assert.Equal(t, b2bkit.CompanyID("weekly"), d.Buyers[0].Buyer)
	assert.Equal(t, 4, d.Buyers[0].Orders)
	requireDecEqual(t, dec("200"), d.Buyers[0].Quantity)
	assert.Equal(t, 4, d.Buyers[1].Orders)
	requireDecEqual(t, dec("80"), d.Buyers[1].Quantity)
	assert.Equal(t, 8, d.Orders)
	requireDecEqual(t, dec("280"), d.Quantity)
	assert.True(t, d.To.Equal(d.From.AddDate(0, 0, 28)))

	_, err = b.Demand(ctx, "RICE-25KG", 0)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "horizon")
}

func TestStatusWordsRoundTrip(t *testing.T) {
	for _, s := range []matching.Status{matching.Proposed, matching.Accepted, matching.Fulfilled, matching.Cancelled} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var got matching.Status
		require.NoError(t, got.UnmarshalText(b))
		assert.Equal(t, s, got)
	}
	var s matching.Status
	require.ErrorIs(t, s.UnmarshalText([]byte("shipped")), b2bkit.ErrInvalid)
	_, err := matching.Status(7).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	var n matching.Need
	require.NoError(t, n.UnmarshalText([]byte("quality")))
	assert.Equal(t, matching.Quality, n)
	var m matching.Mode
	require.NoError(t, m.UnmarshalText([]byte("self_operated")))
	assert.Equal(t, matching.SelfOperated, m)
}

// TestR13_RhythmCountsDaysWhereTheBookSays: two orders an hour apart around midnight in Shanghai are
// two order days there and one in UTC.
func TestR13_RhythmCountsDaysWhereTheBookSays(t *testing.T) {
	for _, c := range []struct {
		loc    *time.Location
		orders int
	}{{shanghai, 3}, {time.UTC, 2}} {
		l := matching.NewMemoryLog()
		b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }, Location: c.loc})
		for i, at := range []time.Time{
			time.Date(2026, 8, 10, 12, 0, 0, 0, shanghai),
			time.Date(2026, 8, 20, 23, 30, 0, 0, shanghai),
			time.Date(2026, 8, 21, 0, 30, 0, 0, shanghai),
		} {
			m := match(id("M", i), 0, "B-1", "S-1", "RICE-25KG", "10", "118")
			m.At, m.Terms.OrderedAt, m.Terms.DeliverBy = at, at, at.AddDate(0, 0, 3)
			record(t, b, m)
		}
		r, err := b.Rhythm(ctx, "B-1", "RICE-25KG")
		require.NoError(t, err)
		assert.Equal(t, c.orders, r.Orders, c.loc.String())
	}
}

func TestBookWithoutLogOrEngineErrs(t *testing.T) {
	b := matching.NewBook(nil, nil, nil)
	m := match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118")
	require.ErrorIs(t, b.Record(ctx, m), b2bkit.ErrInvalid)
	_, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "50", b2bkit.CashOnDelivery()), month)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = b.Rank(ctx, matching.RFQ{Request: request("RICE-25KG", "50", b2bkit.CashOnDelivery())}, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = b.Rhythm(ctx, "B-1", "RICE-25KG")
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = b.Health(ctx, month)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = b.Demand(ctx, "RICE-25KG", month)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

// TestBookZeroValueErrs: a Book not made with NewBook has no log and no clock; every method says so
// with an error instead of panicking (Health, SaveSnapshot and Seq did); its snapshot is an empty one.
func TestBookZeroValueErrs(t *testing.T) {
	var b matching.Book
	assert.Equal(t, uint64(0), b.Seq())
	assert.Nil(t, b.Log())
	var buf bytes.Buffer
	require.NoError(t, b.SaveSnapshot(&buf), "an empty projection")
	require.ErrorIs(t, b.LoadSnapshot(ctx, bytes.NewReader(buf.Bytes())), b2bkit.ErrInvalid)
	require.NoError(t, matching.NewBook(matching.NewMemoryLog(), nil, nil).LoadSnapshot(ctx, &buf), "which loads as an empty book")
	require.ErrorIs(t, b.Refresh(ctx), b2bkit.ErrInvalid)
	require.ErrorIs(t, b.Record(ctx, match("M-1", 3, "B-1", "S-1", "RICE-25KG", "50", "118")), b2bkit.ErrInvalid)
	require.ErrorIs(t, b.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Accepted, By: "ops"}), b2bkit.ErrInvalid)
	for name, ask := range map[string]func() error{
		"health": func() error { _, err := b.Health(ctx, month); return err },
		"reference": func() error {
			_, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "50", b2bkit.CashOnDelivery()), month)
			return err
		},
		"rank": func() error {
			_, err := b.Rank(ctx, matching.RFQ{Request: request("RICE-25KG", "50", b2bkit.CashOnDelivery())}, nil)
			return err
		},
		"rhythm": func() error { _, err := b.Rhythm(ctx, "B-1", "RICE-25KG"); return err },
		"demand": func() error { _, err := b.Demand(ctx, "RICE-25KG", month); return err },
	} {
		var err error
		require.NotPanics(t, func() { err = ask() }, name)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		assert.ErrorContains(t, err, "book.", name)
	}
}

// TestR14_RankSellersOfCapitalGoodsPricedInBillions: sellers of goods priced in tens of billions a
// unit (VND, IDR) are ranked on price like any others, with exact medians.
func TestR14_RankSellersOfCapitalGoodsPricedInBillions(t *testing.T) {
	e := engine(t)
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprint("other log ", plain), func(t *testing.T) {
			var l matching.Log = matching.NewMemoryLog()
			if plain {
				l = plainLog{l}
			}
			b := matching.NewBook(l, e, &matching.Options{Now: func() time.Time { return today }})
			r := request("RICE-25KG", "1", b2bkit.CashOnDelivery())
			want := map[b2bkit.CompanyID]decimal.Decimal{}
			for i, s := range []struct {
				seller b2bkit.CompanyID
				price  string
			}{{"cheap", "25000000000"}, {"dear", "31000000000.50"}, {"ordinary", "119"}} {
				m := match(id("M", i), 5, "B-1", s.seller, "RICE-25KG", "1", s.price)
				record(t, b, m)
				from := pricing.Request{Buyer: m.Buyer, SKU: m.SKU, Quantity: m.Quantity, Terms: m.Terms, Currency: "CNY"}
				p, err := e.Normalize(m.UnitPrice, from, r)
				require.NoError(t, err)
				want[s.seller] = p
			}
			cs, err := b.Rank(ctx, matching.RFQ{Request: r}, []matching.Need{matching.Price})
			require.NoError(t, err)
			require.Len(t, cs, 3)
			for s, p := range want {
				requireDecEqual(t, p, find(t, cs, s).MedianPrice, string(s))
			}
			assert.Greater(t, find(t, cs, "ordinary").Scores.Price, find(t, cs, "dear").Scores.Price)
			assert.Contains(t, find(t, cs, "cheap").Reasons[matching.Price], "against the reference")
		})
	}
}

// TestR13_RecordRefusesWhatNoReferenceCouldRestate: the log takes amounts of up to 30 digits, the
// pricing engine restates fewer than 10^24. A fulfilled match beyond that, once recorded, failed
// every reference price and ranking of its SKU for good (a fulfilled match cannot be cancelled);
// Record now refuses it, naming the field, and takes everything up to the bound, which the
// reference restates.
func TestR13_RecordRefusesWhatNoReferenceCouldRestate(t *testing.T) {
	req := request("RICE-25KG", "1", b2bkit.CashOnDelivery())
	for _, c := range []struct {
		qty, price string
		field      string // refused, naming it; "" taken
	}{
		{"999999999999999999999999", "1", ""},
		{"1", "999999999999999999999999.99", ""},
		{"1", "123456789012345678.123456789012", ""},
		{"0.000000000000000001", "1", ""},
		{"1000000000000000000000000", "1", "matches[1].quantity"},
		{"1", "1000000000000000000000000", "matches[1].unit_price"},
		{"1", "123456789012345678901234567890", "matches[1].unit_price"},
	} {
		t.Run(c.qty+" x "+c.price, func(t *testing.T) {
			b, l := newBook(t)
			ok := match("M-0", 6, "B-1", "S-1", "RICE-25KG", "1", "100")
			m := match("M-1", 5, "B-1", "S-1", "RICE-25KG", c.qty, c.price)
			require.NoError(t, m.Validate(), "a match the log takes")
			err := b.Record(ctx, ok, m)
			if c.field != "" {
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				assert.ErrorContains(t, err, c.field)
				assert.Equal(t, 0, l.Len(), "nothing of the batch is stored")
				return
			}
			require.NoError(t, err)
			ref, err := b.ReferencePrice(ctx, "RICE-25KG", req, month)
			require.NoError(t, err, "the reference restates what Record took")
			assert.Equal(t, 2, ref.Count)
			_, err = b.Rank(ctx, matching.RFQ{Request: req}, []matching.Need{matching.Price})
			require.NoError(t, err)
		})
	}
	// Appended to the log directly, such a match fails the reference naming it, as documented.
	b, l := newBook(t)
	huge := match("M-huge", 5, "B-1", "S-1", "RICE-25KG", "1", "1000000000000000000000000")
	require.NoError(t, l.Append(ctx, huge))
	_, err := b.ReferencePrice(ctx, "RICE-25KG", req, month)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "match M-huge")
}

// Demand counts from today's date where the book keeps its calendar, also on a day whose midnight
// the clocks jump over: São Paulo went from 00:00 to 01:00 on 4 November 2018. Read with time.Date,
// that midnight is 23:00 on the 3rd, and the forecast began a day early: a weekly buyer due on the
// 4th fell outside a one-day horizon.
func TestR13_DemandBeginsTodayWhereTheClocksJumpOverMidnight(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	now := time.Date(2018, 11, 4, 10, 0, 0, 0, sp)
	b := matching.NewBook(matching.NewMemoryLog(), engine(t), &matching.Options{Now: func() time.Time { return now }, Location: sp})
	for i := range 6 { // weekly, the last on 28 October: due today
		at := time.Date(2018, 9, 23+7*i, 10, 0, 0, 0, sp)
		m := match(id("M", i), 0, "B-1", "S-1", "RICE-25KG", "10", "118")
		m.At, m.Terms.OrderedAt, m.Terms.DeliverBy = at, at, at.AddDate(0, 0, 3)
		record(t, b, m)
	}
	d, err := b.Demand(ctx, "RICE-25KG", 24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, "2018-11-04", d.From.Format(time.DateOnly))
	assert.Equal(t, "2018-11-05", d.To.Format(time.DateOnly))
	assert.Equal(t, 1, d.Orders, "the weekly order due today")
}
