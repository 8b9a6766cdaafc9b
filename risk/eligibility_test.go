package risk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestR16_CashAgainstGoodsNotFinanceable(t *testing.T) {
	cases := []struct {
		name     string
		terms    b2bkit.PaymentTerms
		eligible bool
		code     risk.Code
	}{
		{"cash against goods", b2bkit.CashOnDelivery(), false, risk.CodeCashAgainstGoods},
		{"prepaid", b2bkit.Prepaid(), false, risk.CodePrepaid},
		{"deposit, rest on delivery", b2bkit.DepositBalance(dectest.Dec("0.3"), 0), false, risk.CodeNoCreditPeriod},
		{"net 60", b2bkit.Net(60), true, risk.CodeCreditTerms},
		{"deposit, rest 45 days after delivery", b2bkit.DepositBalance(dectest.Dec("0.3"), 45), true, risk.CodeCreditTerms},
		// verifyCleanTrade's order is delivered 7 days after it is placed.
		{"due 30 days after the order: after delivery", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dectest.Dec("1"), Due: b2bkit.OnOrder, Days: 30}}},
			true, risk.CodeCreditTerms},
		{"due 2 days after the order: before delivery", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dectest.Dec("1"), Due: b2bkit.OnOrder, Days: 2}}},
			false, risk.CodePrepaid},
		{"shares not summing to one", b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dectest.Dec("0.5"), Due: b2bkit.OnDelivery, Days: 30}}},
			false, risk.CodeInvalidTerms},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := verifyCleanTrade()
			tr.Order.Terms.Payment = c.terms
			e := risk.ReceivableEligibility(tr)
			require.Equal(t, c.eligible, e.Eligible, e.Reason)
			require.Equal(t, c.code, e.Code)
			require.NotEmpty(t, e.Reason)
			if !c.eligible {
				require.Equal(t, "order.terms.payment", e.Field)
			}
		})
	}
	e := risk.ReceivableEligibility(verifyCleanTrade())
	require.Contains(t, e.Reason, "30.0 days")
}

// eligibilityChain is the platform P buying 100 RICE from S-1 on day 0 and reselling them to B-1 on
// day 2.
func eligibilityChain() []risk.Trade {
	buy := verifyCleanTrade()
	buy.Order.ID, buy.Order.Buyer = "PO-1", "P"
	buy.Order.Lines = buy.Order.Lines[:1]
	sell := verifyCleanTrade()
	sell.Order.ID, sell.Order.Seller, sell.Order.PlacedAt = "SO-1", "P", verifyDay(2)
	sell.Order.Lines = []b2bkit.OrderLine{{SKU: "RICE", Quantity: dectest.Dec("100"), UnitPrice: dectest.Dec("13.10")}}
	for _, tr := range []*risk.Trade{&buy, &sell} {
		tr.Shipments, tr.Invoices, tr.Payments = nil, nil, nil // a chain is judged on its orders
	}
	return []risk.Trade{buy, sell}
}

func TestR20_ChainNeedsTwoLinkedTrades(t *testing.T) {
	cases := []struct {
		name   string
		change func(links []risk.Trade) []risk.Trade
		tol    risk.Tolerances
		code   risk.Code
		field  string
	}{
		{"a purchase and its resale", func(l []risk.Trade) []risk.Trade { return l }, risk.Tolerances{}, risk.CodeChainLinked, ""},
		{"three links", func(l []risk.Trade) []risk.Trade {
			third := l[1]
			third.Order.ID, third.Order.Seller, third.Order.Buyer = "SO-2", "B-1", "C-1"
			return append(l, third)
		}, risk.Tolerances{}, risk.CodeChainLinked, ""},
		{"one trade", func(l []risk.Trade) []risk.Trade { return l[:1] }, risk.Tolerances{}, risk.CodeChainTooShort, "links"},
		{"no trade", func([]risk.Trade) []risk.Trade { return nil }, risk.Tolerances{}, risk.CodeChainTooShort, "links"},
		{"resold by someone else", func(l []risk.Trade) []risk.Trade { l[1].Order.Seller = "Q"; return l }, risk.Tolerances{},
			risk.CodeChainNotLinked, "links[1].order.seller"},
		{"other goods resold", func(l []risk.Trade) []risk.Trade { l[1].Order.Lines[0].SKU = "OIL"; return l }, risk.Tolerances{},
			risk.CodeChainGoodsMismatch, "links[1].order.lines[0].sku"},
		{"goods bought not resold", func(l []risk.Trade) []risk.Trade {
			l[0].Order.Lines = append(l[0].Order.Lines, b2bkit.OrderLine{SKU: "OIL", Quantity: dectest.Dec("1"), UnitPrice: dectest.Dec("80")})
			return l
		}, risk.Tolerances{}, risk.CodeChainGoodsMismatch, "links[1].order.lines"},
		{"more resold than bought", func(l []risk.Trade) []risk.Trade { l[1].Order.Lines[0].Quantity = dectest.Dec("103"); return l },
			risk.Tolerances{}, risk.CodeChainQuantityMismatch, "links[1].order.lines[0].quantity"},
		{"less resold than bought", func(l []risk.Trade) []risk.Trade { l[1].Order.Lines[0].Quantity = dectest.Dec("97"); return l },
			risk.Tolerances{}, risk.CodeChainQuantityMismatch, "links[1].order.lines[0].quantity"},
		{"quantities within tolerance", func(l []risk.Trade) []risk.Trade { l[1].Order.Lines[0].Quantity = dectest.Dec("97"); return l },
			risk.Tolerances{Quantity: risk.Tolerance{Relative: dectest.Dec("0.03")}}, risk.CodeChainLinked, ""},
		{"quantities beyond tolerance", func(l []risk.Trade) []risk.Trade { l[1].Order.Lines[0].Quantity = dectest.Dec("97"); return l },
			risk.Tolerances{Quantity: risk.Tolerance{Relative: dectest.Dec("0.02")}}, risk.CodeChainQuantityMismatch, "links[1].order.lines[0].quantity"},
		{"resold before bought", func(l []risk.Trade) []risk.Trade { l[1].Order.PlacedAt = verifyDay(-1); return l },
			risk.Tolerances{}, risk.CodeChainDatesOutOfOrder, "links[1].order.placed_at"},
		{"resold a day early, within tolerance", func(l []risk.Trade) []risk.Trade { l[1].Order.PlacedAt = verifyDay(-1); return l },
			risk.Tolerances{Days: 1}, risk.CodeChainLinked, ""},
		{"sold back to the first seller", func(l []risk.Trade) []risk.Trade { l[1].Order.Buyer = "S-1"; return l },
			risk.Tolerances{}, risk.CodeChainCircular, "links[1].order.buyer"},
		{"the first failure is the answer", func(l []risk.Trade) []risk.Trade {
			l[1].Order.Seller, l[1].Order.PlacedAt = "Q", verifyDay(-5)
			return l
		}, risk.Tolerances{}, risk.CodeChainNotLinked, "links[1].order.seller"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := risk.ChainEligibility(c.change(eligibilityChain()), c.tol)
			require.NoError(t, err)
			require.Equal(t, c.code, e.Code, e.Reason)
			require.Equal(t, c.code == risk.CodeChainLinked, e.Eligible)
			require.Equal(t, c.field, e.Field)
			require.NotEmpty(t, e.Reason)
		})
	}
	e, err := risk.ChainEligibility(eligibilityChain(), risk.Tolerances{})
	require.NoError(t, err)
	require.Equal(t, "2 linked trades: S-1 -> P -> B-1", e.Reason)
}

func TestChainEligibility_BadInputIsAnError(t *testing.T) {
	links := eligibilityChain()
	links[1].Order.Lines[0].Quantity = decimal.Zero
	_, err := risk.ChainEligibility(links, risk.Tolerances{})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Contains(t, err.Error(), "links[1].order.lines[0].quantity: must be > 0")
	require.True(t, strings.HasPrefix(err.Error(), "risk: "))

	_, err = risk.ChainEligibility(eligibilityChain(), risk.Tolerances{Days: -2})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Contains(t, err.Error(), "tolerances.days")
}

// eligibilityValuer is a Valuer that returns ref (or err) and counts its calls.
type eligibilityValuer struct {
	ref   matching.Reference
	err   error
	calls int
}

func (v *eligibilityValuer) ReferencePrice(_ context.Context, sku b2bkit.SKU, r pricing.Request, window time.Duration) (matching.Reference, error) {
	v.calls++
	ref := v.ref
	ref.SKU, ref.Request = sku, r
	return ref, v.err
}

// eligibilityDeepMarket: 40 trades of 2000 units in 30 days at a median of 118.50, mean 119: the
// goods are valued at 118.50 and 500 units sell in ceil(500 x 30 / 2000) = 8 days.
func eligibilityDeepMarket() matching.Reference {
	return matching.Reference{Currency: "CNY", Count: 40, Volume: dectest.Dec("2000"), Median: dectest.Dec("118.50"),
		Mean: dectest.Dec("119"), P25: dectest.Dec("117"), P75: dectest.Dec("120")}
}

var eligibilityNow = time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)

func eligibilityGoods() risk.GoodsRequest {
	return risk.GoodsRequest{
		Borrower: "lucky-noodle", SKU: "RICE-25KG", Quantity: dectest.Dec("500"), Window: 30 * 24 * time.Hour,
		Request: pricing.Request{Quantity: dectest.Dec("50"), Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: eligibilityNow, DeliverBy: eligibilityNow.AddDate(0, 0, 7)}},
		Custody: risk.Custody{Kind: risk.CustodyWarehouseReceipt, Holder: "north-port-warehouse", Receipt: "WR-2026-0042", Verified: true,
			Until: eligibilityNow.AddDate(0, 3, 0)},
	}
}

func eligibilityOpts() *risk.GoodsOptions {
	return &risk.GoodsOptions{Now: func() time.Time { return eligibilityNow }}
}

func TestR20_GoodsChecksStopAtFirstFailure(t *testing.T) {
	thin := eligibilityDeepMarket()
	thin.Count, thin.Thin = 3, true
	slow := eligibilityDeepMarket()
	slow.Volume = dectest.Dec("100") // 500 x 30 / 100 = 150 days, beyond the default's 90
	badCustody := func(g *risk.GoodsRequest) { g.Custody.Verified = false }
	cases := []struct {
		name   string
		ref    matching.Reference
		change func(*risk.GoodsRequest)
		failed risk.GoodsStep
		code   risk.Code
	}{
		// Every later check would fail too: the first failure is the one reported, and the later
		// figures were never worked out.
		{"valuation fails before bad custody and illiquidity", func() matching.Reference { r := slow; r.Count, r.Thin = 3, true; return r }(),
			badCustody, risk.GoodsValuation, risk.CodeThinMarket},
		{"custody fails before illiquidity", slow, badCustody, risk.GoodsCustody, risk.CodeCustodyNotVerified},
		{"liquidity fails last", slow, func(*risk.GoodsRequest) {}, risk.GoodsLiquidity, risk.CodeIlliquid},
		{"thin market flag", thin, func(*risk.GoodsRequest) {}, risk.GoodsValuation, risk.CodeThinMarket},
		{"fewer trades than the schedule's minimum", func() matching.Reference { r := eligibilityDeepMarket(); r.Count = 4; return r }(),
			func(*risk.GoodsRequest) {}, risk.GoodsValuation, risk.CodeThinMarket},
		{"no price", func() matching.Reference {
			r := eligibilityDeepMarket()
			r.Median, r.Mean = decimal.Zero, decimal.Zero
			return r
		}(), func(*risk.GoodsRequest) {}, risk.GoodsValuation, risk.CodeNoPrice},
		{"no custody", eligibilityDeepMarket(), func(g *risk.GoodsRequest) { g.Custody = risk.Custody{} }, risk.GoodsCustody, risk.CodeCustodyMissing},
		{"no holder", eligibilityDeepMarket(), func(g *risk.GoodsRequest) { g.Custody.Holder = "" }, risk.GoodsCustody, risk.CodeCustodyNoHolder},
		{"receipt without number", eligibilityDeepMarket(), func(g *risk.GoodsRequest) { g.Custody.Receipt = "" }, risk.GoodsCustody, risk.CodeCustodyNoReceipt},
		{"pledge kept by the borrower", eligibilityDeepMarket(), func(g *risk.GoodsRequest) {
			g.Custody.Kind, g.Custody.Holder = risk.CustodyPledge, "lucky-noodle"
		}, risk.GoodsCustody, risk.CodeCustodyHeldByBorrower},
		{"expired", eligibilityDeepMarket(), func(g *risk.GoodsRequest) { g.Custody.Until = eligibilityNow }, risk.GoodsCustody, risk.CodeCustodyExpired},
		{"no volume", func() matching.Reference { r := eligibilityDeepMarket(); r.Volume = decimal.Zero; return r }(),
			func(*risk.GoodsRequest) {}, risk.GoodsLiquidity, risk.CodeIlliquid},
		{"a verified warehouse receipt the borrower holds", eligibilityDeepMarket(), func(g *risk.GoodsRequest) { g.Custody.Holder = "lucky-noodle" },
			0, risk.CodeGoodsEligible},
		{"title, open-ended", eligibilityDeepMarket(), func(g *risk.GoodsRequest) {
			g.Custody = risk.Custody{Kind: risk.CustodyTitle, Holder: "platform-trading", Verified: true}
		}, 0, risk.CodeGoodsEligible},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &eligibilityValuer{ref: c.ref}
			g := eligibilityGoods()
			c.change(&g)
			d, err := risk.GoodsEligibility(context.Background(), v, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
			require.NoError(t, err)
			require.Equal(t, 1, v.calls, "valuation and liquidity read one reference")
			require.Equal(t, c.failed, d.Failed, d.Reason)
			require.Equal(t, c.code, d.Code)
			require.Equal(t, c.failed == 0, d.Eligible)
			require.NotEmpty(t, d.Reason)
			if c.failed != 0 && c.failed < risk.GoodsLiquidity {
				require.Zero(t, d.DaysToSell, "liquidity was not looked at")
			}
			if c.failed == risk.GoodsValuation {
				dectest.RequireEqual(t, decimal.Zero, d.Value)
			}
			if c.failed != 0 {
				dectest.RequireEqual(t, decimal.Zero, d.Advance)
			}
		})
	}
}

func TestR20_GoodsAdvance(t *testing.T) {
	v := &eligibilityValuer{ref: eligibilityDeepMarket()}
	d, err := risk.GoodsEligibility(context.Background(), v, eligibilityGoods(), risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.NoError(t, err)
	require.True(t, d.Eligible, d.Reason)
	dectest.RequireEqual(t, dectest.Dec("118.50"), d.UnitValue) // the median, below the mean of 119
	dectest.RequireEqual(t, dectest.Dec("59250"), d.Value)      // 118.50 x 500
	require.Equal(t, 8, d.DaysToSell)                           // ceil(500 / (2000 / 30)) = ceil(7.5)
	dectest.RequireEqual(t, dectest.Dec("0.20"), d.Haircut)     // 8 days: the 30-day step
	dectest.RequireEqual(t, dectest.Dec("47400"), d.Advance)    // 59250 x 0.8
	require.Equal(t, b2bkit.SKU("RICE-25KG"), d.Reference.SKU)
	require.Equal(t, b2bkit.SKU("RICE-25KG"), d.Reference.Request.SKU) // the request's SKU defaults to the goods'
	require.NotEmpty(t, d.Log)

	// The mean below the median values the goods; an odd advance is rounded down.
	ref := eligibilityDeepMarket()
	ref.Mean = dectest.Dec("118.3333")
	v = &eligibilityValuer{ref: ref}
	g := eligibilityGoods()
	g.Quantity = dectest.Dec("7")
	d, err = risk.GoodsEligibility(context.Background(), v, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.NoError(t, err)
	require.Equal(t, 1, d.DaysToSell)                         // ceil(7 x 30 / 2000)
	dectest.RequireEqual(t, dectest.Dec("828.3331"), d.Value) // 118.3333 x 7
	dectest.RequireEqual(t, dectest.Dec("745.49"), d.Advance) // 745.49979 rounded down
	dectest.RequireEqual(t, dectest.Dec("0.10"), d.Haircut)
}

func TestGoodsEligibility_BadInputIsAnError(t *testing.T) {
	cases := []struct {
		name   string
		change func(*risk.GoodsRequest, *risk.HaircutSchedule)
		field  string
	}{
		{"no borrower", func(g *risk.GoodsRequest, _ *risk.HaircutSchedule) { g.Borrower = "" }, "goods.borrower: must be set"},
		{"no sku", func(g *risk.GoodsRequest, _ *risk.HaircutSchedule) { g.SKU = "" }, "goods.sku: must be set"},
		{"zero quantity", func(g *risk.GoodsRequest, _ *risk.HaircutSchedule) { g.Quantity = decimal.Zero }, "goods.quantity: must be > 0"},
		{"absurd quantity", func(g *risk.GoodsRequest, _ *risk.HaircutSchedule) { g.Quantity = decimal.New(1, 400) }, "goods.quantity: out of range"},
		{"an hour's window", func(g *risk.GoodsRequest, _ *risk.HaircutSchedule) { g.Window = time.Hour }, "goods.window"},
		{"bad schedule", func(_ *risk.GoodsRequest, s *risk.HaircutSchedule) { s.Steps[1].MaxDays = 3 }, "schedule.steps[1].max_days"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &eligibilityValuer{ref: eligibilityDeepMarket()}
			g, s := eligibilityGoods(), risk.DefaultHaircutSchedule()
			c.change(&g, &s)
			_, err := risk.GoodsEligibility(context.Background(), v, g, s, eligibilityOpts())
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.Contains(t, err.Error(), c.field)
			require.Zero(t, v.calls, "bad input never reaches the valuer")
		})
	}
	_, err := risk.GoodsEligibility(context.Background(), nil, eligibilityGoods(), risk.DefaultHaircutSchedule(), nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)

	// The valuer's own error comes back wrapped, sentinel intact.
	v := &eligibilityValuer{err: fmt.Errorf("matching: %w", b2bkit.Invalid("request.currency", "must be CNY"))}
	_, err = risk.GoodsEligibility(context.Background(), v, eligibilityGoods(), risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Contains(t, err.Error(), "request.currency")
	require.Equal(t, 1, v.calls)
	v = &eligibilityValuer{err: context.Canceled}
	_, err = risk.GoodsEligibility(context.Background(), v, eligibilityGoods(), risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.True(t, errors.Is(err, context.Canceled))
}

// eligibilityBook is a match book over an in-memory log with 8 fulfilled matches of 50 RICE-25KG each,
// cash on delivery, in the 24 days before now, at 116 to 122.
func eligibilityBook(t testing.TB, now time.Time) *matching.Book {
	t.Helper()
	p, err := pricing.LoadPolicy(strings.NewReader(`{"currency": "CNY", "steps": [{"kind": "base", "rules": []}]}`))
	require.NoError(t, err)
	prices, err := pricing.NewPriceList(pricing.ListPrice{SKU: "RICE-25KG", Price: dectest.Dec("120"), Currency: "CNY"})
	require.NoError(t, err)
	e, err := pricing.NewEngine(p, prices, nil)
	require.NoError(t, err)
	book := matching.NewBook(matching.NewMemoryLog(), e, &matching.Options{Now: func() time.Time { return now }})
	for i, price := range []string{"118", "121", "117.50", "119", "120", "116", "122", "118.50"} {
		at := now.AddDate(0, 0, -3*(i+1))
		m := matching.Match{ID: fmt.Sprint("M-", i), Buyer: "lucky-noodle", Seller: "golden-grain", SKU: "RICE-25KG",
			Quantity: dectest.Dec("50"), UnitPrice: dectest.Dec(price), Currency: "CNY",
			Terms: b2bkit.Terms{Payment: b2bkit.CashOnDelivery(), OrderedAt: at, DeliverBy: at.AddDate(0, 0, 7)},
			At:    at, Status: matching.Fulfilled, Channel: b2bkit.SemiAuto}
		require.NoError(t, book.Record(context.Background(), m))
	}
	return book
}

func TestR20_GoodsValuedFromTheMatchBook(t *testing.T) {
	book := eligibilityBook(t, eligibilityNow)
	g := eligibilityGoods()
	g.Borrower, g.Quantity = "golden-grain", dectest.Dec("20")
	d, err := risk.GoodsEligibility(context.Background(), book, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.NoError(t, err)
	require.True(t, d.Eligible, d.Reason)
	require.Equal(t, 8, d.Reference.Count)
	dectest.RequireEqual(t, dectest.Dec("400"), d.Reference.Volume)
	// Sorted prices 116, 117.50, 118, 118.50, 119, 120, 121, 122: the nearest-rank median is the 4th,
	// 118.50; the mean of equal quantities is 952 / 8 = 119. The lower, 118.50, values 20 units at 2370.
	dectest.RequireEqual(t, dectest.Dec("118.50"), d.UnitValue)
	dectest.RequireEqual(t, dectest.Dec("2370"), d.Value)
	require.Equal(t, 2, d.DaysToSell) // ceil(20 x 30 / 400) = ceil(1.5)
	dectest.RequireEqual(t, dectest.Dec("2133"), d.Advance)

	// A week's window holds only two matches: thin.
	g.Window = 7 * 24 * time.Hour
	d, err = risk.GoodsEligibility(context.Background(), book, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.NoError(t, err)
	require.Equal(t, risk.GoodsValuation, d.Failed)
	require.Equal(t, risk.CodeThinMarket, d.Code)
	require.Equal(t, 2, d.Reference.Count)

	// 3000 units at 400 a month take 225 days: beyond the schedule.
	g.Window, g.Quantity = 30*24*time.Hour, dectest.Dec("3000")
	d, err = risk.GoodsEligibility(context.Background(), book, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.NoError(t, err)
	require.Equal(t, risk.GoodsLiquidity, d.Failed)

	// The book's own validation errors come back.
	g.Request.Currency = "USD"
	_, err = risk.GoodsEligibility(context.Background(), book, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Contains(t, err.Error(), "request.currency")
}

func TestHaircutSchedule_Validate(t *testing.T) {
	require.NoError(t, risk.DefaultHaircutSchedule().Validate())
	step := func(days int, cut string) risk.HaircutStep {
		return risk.HaircutStep{MaxDays: days, Haircut: dectest.Dec(cut)}
	}
	cases := []struct {
		name   string
		s      risk.HaircutSchedule
		fields []string
	}{
		{"no steps", risk.HaircutSchedule{}, []string{"steps: must have at least one step"}},
		{"days not increasing, haircut falling", risk.HaircutSchedule{Steps: []risk.HaircutStep{step(30, "0.2"), step(30, "0.1")}},
			[]string{"steps[1].max_days", "steps[1].haircut"}},
		{"haircut of one, zero days, negative trades", risk.HaircutSchedule{Steps: []risk.HaircutStep{step(0, "1")}, MinTrades: -1},
			[]string{"steps[0].max_days", "steps[0].haircut", "min_trades"}},
		{"negative haircut, ten years and a day", risk.HaircutSchedule{Steps: []risk.HaircutStep{step(3651, "-0.1")}},
			[]string{"steps[0].max_days", "steps[0].haircut"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Validate()
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.True(t, strings.HasPrefix(err.Error(), "risk: "))
			for _, f := range c.fields {
				require.Contains(t, err.Error(), f)
			}
		})
	}
}

func TestHaircutSchedule_JSON(t *testing.T) {
	b, err := json.Marshal(risk.DefaultHaircutSchedule())
	require.NoError(t, err)
	require.JSONEq(t, `{"steps":[{"max_days":7,"haircut":"0.1"},{"max_days":30,"haircut":"0.2"},{"max_days":90,"haircut":"0.35"}],"min_trades":5}`, string(b))
	s, err := risk.LoadHaircutSchedule(strings.NewReader(string(b)))
	require.NoError(t, err)
	require.Len(t, s.Steps, 3)
	dectest.RequireEqual(t, dectest.Dec("0.35"), s.Steps[2].Haircut)
	require.Equal(t, 5, s.MinTrades)
	for _, bad := range []string{
		`{"steps":[{"max_days":7,"haircut":"0.1","cap":1}]}`,
		`{"steps":[{"max_days":7,"haircut":"0.1"}],"min_trade":5}`,
		`{"steps":[{"max_days":7,"haircut":"1e3"}]}`,
		`{"steps":[]}`,
		`{"steps":[{"max_days":7,"haircut":"0.1"}]} {}`,
	} {
		_, err := risk.LoadHaircutSchedule(strings.NewReader(bad))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, bad)
	}
}

func TestCustodyKind_Words(t *testing.T) {
	for _, k := range []risk.CustodyKind{risk.CustodyWarehouseReceipt, risk.CustodyPledge, risk.CustodyTitle} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back risk.CustodyKind
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, k, back)
	}
	require.Equal(t, "warehouse_receipt", risk.CustodyWarehouseReceipt.String())
	_, err := risk.CustodyKind(9).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	var k risk.CustodyKind
	require.ErrorIs(t, k.UnmarshalText([]byte("promise")), b2bkit.ErrInvalid)
	require.Equal(t, "custody", risk.GoodsCustody.String())
	require.Equal(t, "none", risk.GoodsStep(0).String())
}
