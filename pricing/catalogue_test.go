package pricing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The catalogue of testdata/catalogue.json: rice of two brands, oil sold in packs of 4, salt; a
// group contract for Thai rice.
func catalogueList(t testing.TB) *pricing.PriceList {
	t.Helper()
	l, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "RICE-WC", Price: dec("128"), Currency: "CNY", Cost: dec("100"), TaxPercent: dec("9"), Weight: dec("25"),
			Attributes: map[string]string{"category": "rice", "brand": "wuchang"}, Prices: map[string]decimal.Decimal{"distributor": dec("120")}},
		pricing.ListPrice{SKU: "RICE-TH", Price: dec("96"), Currency: "CNY", Cost: dec("80"), TaxPercent: dec("9"), Weight: dec("25"),
			Attributes: map[string]string{"category": "rice", "brand": "thai"}},
		pricing.ListPrice{SKU: "RICE-JP", Price: dec("150"), Currency: "CNY", Cost: dec("120"), TaxPercent: dec("9"), Weight: dec("10"),
			Attributes: map[string]string{"category": "rice", "brand": "koshihikari"}},
		pricing.ListPrice{SKU: "OIL-5L", Price: dec("70"), Currency: "CNY", Cost: dec("52"), TaxPercent: dec("9"), Weight: dec("4.6"),
			PackSize: dec("4"), Attributes: map[string]string{"category": "oil"}},
		pricing.ListPrice{SKU: "SALT-1KG", Price: dec("3.2"), Currency: "CNY", TaxPercent: dec("13"), Weight: dec("1")},
	)
	require.NoError(t, err)
	require.NoError(t, l.SetContracts(pricing.ContractPrice{ID: "C-88", SKU: "RICE-TH", Group: "wok-chain", Price: dec("90"),
		ValidUntil: orderDay.AddDate(0, 1, 0)}))
	return l
}

func catalogueEngine(t testing.TB) *pricing.Engine {
	t.Helper()
	e, err := pricing.NewEngine(loadPolicy(t, "testdata/catalogue.json"), catalogueList(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	return e
}

// order is an order of golden-wok, of the wok-chain group, in the gold tier, with the given
// SKU and quantity pairs, cash on delivery in 10 days.
func order(skuQty ...string) pricing.OrderRequest {
	o := pricing.OrderRequest{Buyer: "golden-wok", Group: "wok-chain", Tier: "gold", Terms: request("X", "1").Terms}
	for i := 0; i+1 < len(skuQty); i += 2 {
		o.Lines = append(o.Lines, pricing.OrderLine{SKU: b2bkit.SKU(skuQty[i]), Quantity: dec(skuQty[i+1])})
	}
	return o
}

func quoteOrder(t testing.TB, e *pricing.Engine, o pricing.OrderRequest) pricing.OrderQuote {
	t.Helper()
	q, err := e.QuoteOrder(ctx, o)
	require.NoError(t, err)
	return q
}

func lineOf(t testing.TB, q pricing.Quote, step string) pricing.Adjustment {
	t.Helper()
	for _, a := range q.Steps {
		if a.Step == step {
			return a
		}
	}
	t.Fatalf("no %s line in %s", step, q.Explain())
	return pricing.Adjustment{}
}

func hasLine(q pricing.Quote, step string) bool {
	for _, a := range q.Steps {
		if a.Step == step {
			return true
		}
	}
	return false
}

// R11: a rule for a category or a brand prices every SKU the price source says is of it, and the
// step's declared precedence says which is more specific: here a brand's breaks beat the
// category's for the brand's rice, even where the category's would give more.
func TestR11_RulesForACategoryOrBrandApplyToItsSKUs(t *testing.T) {
	e := catalogueEngine(t)
	cases := []struct {
		sku, qty, rule, percent string
	}{
		{"RICE-TH", "60", "rice-mixed-case", "-4"}, // the category's breaks
		{"RICE-JP", "60", "rice-mixed-case", "-4"}, // another brand of the category
		{"RICE-JP", "49", "rice-mixed-case", "0"},  // below the category's break
		{"RICE-WC", "60", "wuchang-breaks", "-2"},  // the brand's breaks beat the category's -4%
		{"RICE-WC", "10", "wuchang-breaks", "0"},   // the brand's rule decides even below its break
		{"OIL-5L", "60", "", ""},                   // no quantity rule for oil
		{"SALT-1KG", "60", "", ""},                 // nor for goods without attributes
	}
	for _, c := range cases {
		t.Run(c.sku+"x"+c.qty, func(t *testing.T) {
			r := request(b2bkit.SKU(c.sku), c.qty)
			q := quote(t, e, r)
			if c.rule == "" {
				require.False(t, hasLine(q, "quantity"), q.Explain())
				return
			}
			a := lineOf(t, q, "quantity")
			require.Equal(t, c.rule, a.RuleID)
			requireDecEqual(t, dec(c.percent), a.Percent)
		})
	}
}

// R11: the precedence a step declares decides which scope is the more specific: the same rules
// with the order reversed pick the other rule.
func TestR11_TheMostSpecificRuleWinsByTheDeclaredPrecedence(t *testing.T) {
	rules := []pricing.Rule{
		{ID: "by-category", Attributes: map[string]string{"category": "rice"}, Percent: dec("-5")},
		{ID: "by-brand", Attributes: map[string]string{"brand": "wuchang"}, Percent: dec("-1")},
		{ID: "by-sku", SKU: "RICE-WC", Percent: dec("-2")},
		{ID: "by-tier-and-category", Tier: "gold", Attributes: map[string]string{"category": "rice"}, Percent: dec("-7")},
	}
	cases := []struct {
		name       string
		precedence []string
		tier       string
		sku        string
		want       string
	}{
		{"sku before brand before category", []string{"sku", "brand", "category", "tier"}, "", "RICE-WC", "by-sku"},
		{"brand before sku", []string{"brand", "sku", "category", "tier"}, "", "RICE-WC", "by-brand"},
		{"category first: the category's rule beats the brand's", []string{"category", "brand", "sku", "tier"}, "", "RICE-WC", "by-category"},
		{"a tier rule for the category beats the category alone", []string{"tier", "sku", "brand", "category"}, "gold", "RICE-TH", "by-tier-and-category"},
		{"another brand falls to the category", []string{"sku", "brand", "category", "tier"}, "", "RICE-TH", "by-category"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := pricing.Policy{Currency: "CNY", Steps: []pricing.Step{{Kind: pricing.Base},
				{Kind: pricing.Tier, Precedence: c.precedence, Rules: rules}}}
			e, err := pricing.NewEngine(p, catalogueList(t), &pricing.Options{Now: fixedNow})
			require.NoError(t, err)
			r := request(b2bkit.SKU(c.sku), "1")
			r.Tier = c.tier
			require.Equal(t, c.want, lineOf(t, quote(t, e, r), "tier").RuleID)
		})
	}
}

// R25: rules scoped by attributes in a most_specific step need a declared precedence that names
// every scope the step's rules use, each once; attribute names are lower-case snake_case.
func TestR25_PrecedenceIsDeclaredForAttributeRules(t *testing.T) {
	rice := map[string]string{"category": "rice"}
	cases := []struct {
		name  string
		step  pricing.Step
		field string
	}{
		{"no precedence", pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "a", Attributes: rice, Percent: dec("-1")}}}, "steps[1].precedence"},
		{"a scope left out", pricing.Step{Kind: pricing.Tier, Precedence: []string{"category"},
			Rules: []pricing.Rule{{ID: "a", Tier: "gold", Attributes: rice, Percent: dec("-1")}}}, "steps[1].rules[0]"},
		{"a scope twice", pricing.Step{Kind: pricing.Tier, Precedence: []string{"category", "category"},
			Rules: []pricing.Rule{{ID: "a", Attributes: rice, Percent: dec("-1")}}}, "steps[1].precedence[1]"},
		{"a bad scope", pricing.Step{Kind: pricing.Tier, Precedence: []string{"Category"},
			Rules: []pricing.Rule{{ID: "a", Percent: dec("-1")}}}, "steps[1].precedence[0]"},
		{"a bad attribute name", pricing.Step{Kind: pricing.Tier, Combine: pricing.Add,
			Rules: []pricing.Rule{{ID: "a", Attributes: map[string]string{"Brand": "x"}, Percent: dec("-1")}}}, "steps[1].rules[0].attributes"},
		{"an attribute named like a scope", pricing.Step{Kind: pricing.Tier, Combine: pricing.Add,
			Rules: []pricing.Rule{{ID: "a", Attributes: map[string]string{"sku": "x"}, Percent: dec("-1")}}}, "steps[1].rules[0].attributes"},
		{"an attribute without a value", pricing.Step{Kind: pricing.Tier, Combine: pricing.Add,
			Rules: []pricing.Rule{{ID: "a", Attributes: map[string]string{"brand": ""}, Percent: dec("-1")}}}, "steps[1].rules[0].attributes.brand"},
		{"two rules for the same category tie", pricing.Step{Kind: pricing.Tier, Precedence: []string{"category"},
			Rules: []pricing.Rule{{ID: "a", Attributes: rice, Percent: dec("-1")}, {ID: "b", Attributes: rice, Percent: dec("-2")}}}, "steps[1].rules[1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := basePolicy(c.step).Validate()
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.field+":")
		})
	}
	ok := basePolicy(pricing.Step{Kind: pricing.Tier, Combine: pricing.BestForBuyer,
		Rules: []pricing.Rule{{ID: "a", Attributes: rice, Percent: dec("-1")}, {ID: "b", Attributes: rice, Percent: dec("-2")}}})
	require.NoError(t, ok.Validate(), "best_for_buyer needs no precedence")
}

// R11: a buyer's contract price lives in the host's database: the price source answers it for the
// buyer, or else its group, on the quote's own day; the quote says which contract it was.
func TestR11_ContractPricesComeFromThePriceSource(t *testing.T) {
	e := catalogueEngine(t)
	r := request("RICE-TH", "10")
	r.Buyer, r.Group = "golden-wok", "wok-chain"
	q := quote(t, e, r)
	base := lineOf(t, q, "base")
	require.Equal(t, "contracts", base.RuleID)
	requireDecEqual(t, dec("90"), base.After)
	require.NotNil(t, base.Base)
	require.Equal(t, "contract", base.Base.Formula)
	require.Equal(t, "C-88", base.Base.Contract)
	require.Equal(t, "wok-chain", base.Base.Group)
	require.Contains(t, base.Reason(), "group wok-chain's contract C-88, from the price source")

	// Another buyer, not of the group, pays the list price: no contract, no other base rule.
	r.Buyer, r.Group = "lucky-noodle", ""
	q = quote(t, e, r)
	require.Empty(t, lineOf(t, q, "base").RuleID)
	requireDecEqual(t, dec("96"), q.BaseUnitPrice)

	// The contract ends in a month: a quote made after it does not take it, even for an order
	// dated while it ran.
	late := time.Date(2026, 5, 1, 9, 0, 0, 0, shanghai)
	e2, err := pricing.NewEngine(loadPolicy(t, "testdata/catalogue.json"), catalogueList(t), &pricing.Options{Now: func() time.Time { return late }})
	require.NoError(t, err)
	r.Buyer, r.Group = "golden-wok", "wok-chain"
	q = quote(t, e2, r)
	requireDecEqual(t, dec("96"), q.BaseUnitPrice)
}

// recordingSource records what the engine asks its price source.
type recordingSource struct {
	*pricing.PriceList
	mu sync.Mutex
	qs []pricing.PriceQuery
}

func (s *recordingSource) ListPrice(ctx context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	s.mu.Lock()
	s.qs = append(s.qs, q)
	s.mu.Unlock()
	return s.PriceList.ListPrice(ctx, q)
}

// R11: the engine asks the source for the buyer, its group and the quote's date (the clock, not the
// order date), in Quote, QuoteMany and QuoteOrder alike.
func TestR11_TheSourceIsAskedForTheBuyerItsGroupAndTheQuotesDay(t *testing.T) {
	src := &recordingSource{PriceList: catalogueList(t)}
	e, err := pricing.NewEngine(loadPolicy(t, "testdata/catalogue.json"), src, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	r := request("RICE-TH", "10")
	r.Buyer, r.Group = "golden-wok", "wok-chain"
	r.Terms.OrderedAt = orderDay.AddDate(0, 0, -40) // backdated
	r.Terms.DeliverBy = orderDay.AddDate(0, 0, 1)
	_, err = e.Quote(ctx, r)
	require.NoError(t, err)
	_, err = e.QuoteMany(ctx, []pricing.Request{r})
	require.NoError(t, err)
	o := order("RICE-TH", "10")
	_, err = e.QuoteOrder(ctx, o)
	require.NoError(t, err)
	require.Len(t, src.qs, 3)
	for _, q := range src.qs {
		require.Equal(t, pricing.PriceQuery{SKU: "RICE-TH", Buyer: "golden-wok", Group: "wok-chain", At: orderDay}, q)
	}
}

// R11: a base price from a formula — cost plus a margin, another price list less a percent — says
// where each figure came from.
func TestR11_BaseFromAFormulaSaysWhereEachFigureCameFrom(t *testing.T) {
	e := catalogueEngine(t)
	cases := []struct {
		sku, rule, formula, figure, base, reason string
	}{
		{"OIL-5L", "oil-cost-plus", "cost", "52", "65", "cost 52 (from the price source) +25% = 65, replaces list price 70"},
		{"RICE-WC", "wuchang-distributor", "list:distributor", "120", "114", "price list distributor 120 (from the price source) -5% = 114, replaces list price 128"},
	}
	for _, c := range cases {
		t.Run(c.sku, func(t *testing.T) {
			q := quote(t, e, request(b2bkit.SKU(c.sku), "4"))
			a := lineOf(t, q, "base")
			require.Equal(t, c.rule, a.RuleID)
			require.NotNil(t, a.Base)
			require.Equal(t, c.formula, a.Base.Formula)
			requireDecEqual(t, dec(c.figure), a.Base.Figure)
			requireDecEqual(t, dec(c.base), q.BaseUnitPrice)
			require.Equal(t, c.reason, a.Reason())
			// The line survives JSON.
			data, err := json.Marshal(a)
			require.NoError(t, err)
			var back pricing.Adjustment
			require.NoError(t, json.Unmarshal(data, &back))
			require.Equal(t, a.Reason(), back.Reason())
		})
	}
	// A formula whose figure the source does not give does not apply: without a cost, the oil
	// falls through the access sequence to the list price.
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "OIL-5L", Price: dec("70"), Currency: "CNY", PackSize: dec("4"),
		Attributes: map[string]string{"category": "oil"}})
	require.NoError(t, err)
	e2, err := pricing.NewEngine(loadPolicy(t, "testdata/catalogue.json"), l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q := quote(t, e2, request("OIL-5L", "4"))
	require.Empty(t, lineOf(t, q, "base").RuleID)
	requireDecEqual(t, dec("70"), q.BaseUnitPrice)
}

// R11: a contract price that must not also take the volume and tier discounts excludes those
// steps, and the quote says so, naming the rule that would have applied and the one that excluded
// it: "tier skipped: contract price".
func TestR11_AContractPriceTakesNoVolumeOrTierDiscount(t *testing.T) {
	e := catalogueEngine(t)
	r := request("RICE-TH", "60")
	r.Buyer, r.Group, r.Tier = "golden-wok", "wok-chain", "gold"
	q := quote(t, e, r)
	requireDecEqual(t, dec("90.00"), q.UnitPrice)
	for _, step := range []string{"quantity", "tier"} {
		a := lineOf(t, q, step)
		require.NotNil(t, a.Excluded, step)
		require.Equal(t, pricing.Exclusion{Step: "base", RuleID: "contracts", What: "contract price"}, *a.Excluded)
		requireDecEqual(t, a.Before, a.After)
		require.True(t, strings.HasPrefix(a.Reason(), step+" skipped: contract price"), a.Reason())
	}
	require.Equal(t, "rice-mixed-case", lineOf(t, q, "quantity").RuleID, "the rule that would have applied")
	require.Equal(t, "gold", lineOf(t, q, "tier").RuleID)
	// The same rice without the contract takes both discounts.
	r.Group = ""
	q = quote(t, e, r)
	require.Nil(t, lineOf(t, q, "tier").Excluded)
	requireDecEqual(t, dec("-4"), lineOf(t, q, "quantity").Percent)
	requireLess(t, q.UnitPrice, dec("96"))
	// The quote with its skipped lines survives JSON and explains the same.
	r.Group = "wok-chain"
	q = quote(t, e, r)
	data, err := json.Marshal(q)
	require.NoError(t, err)
	var back pricing.Quote
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, q.Explain(), back.Explain())
	require.Contains(t, q.Explain(), "tier skipped: contract price (rule contracts of base) excludes it")
}

// R25: an exclusion names a later step that can be skipped.
func TestR25_ExclusionsNameALaterStepThatCanBeSkipped(t *testing.T) {
	steps := func(excludes ...string) pricing.Policy {
		return pricing.Policy{Currency: "CNY", Steps: []pricing.Step{
			{Kind: pricing.Base, Rules: []pricing.Rule{{ID: "c", SKU: "SKU-1", Price: dec("90"), Excludes: excludes}}},
			{Kind: pricing.Tier, Name: "promotion", Rules: []pricing.Rule{{ID: "t", Percent: dec("-1"), Excludes: []string{"base"}}}},
			{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("1")}}},
			{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2}}},
		}}
	}
	err := steps("promotion").Validate()
	require.ErrorContains(t, err, `steps[1].rules[0].excludes[0]: "base" names no step after this one`)
	require.NoError(t, func() error { p := steps("promotion"); p.Steps[1].Rules[0].Excludes = nil; return p.Validate() }())
	for name, want := range map[string]string{
		"guardrail": "is a guardrail step, which always applies",
		"rounding":  "is a rounding step, which always applies",
		"volume":    "names no step after this one",
	} {
		p := steps(name)
		p.Steps[1].Rules[0].Excludes = nil
		err := p.Validate()
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		require.ErrorContains(t, err, "steps[0].rules[0].excludes[0]", name)
		require.ErrorContains(t, err, want, name)
	}
}

// R11: a step that combines its rules as "first" applies the first rule, in policy order, that
// applies: a declared priority.
func TestR11_FirstAppliesTheFirstRuleThatApplies(t *testing.T) {
	p := basePolicy(pricing.Step{Kind: pricing.LeadTime, Combine: pricing.First, Rules: []pricing.Rule{
		{ID: "rush", Bands: bands("0", "3", "5")},
		{ID: "booked", Bands: bands("30", "", "-2")},
		{ID: "any", Bands: bands("0", "", "1")},
	}})
	e := engineFor(t, p)
	for lead, want := range map[int]string{1: "rush", 10: "any", 45: "booked"} {
		r := request("SKU-1", "1")
		r.Terms.DeliverBy = orderDay.AddDate(0, 0, lead)
		require.Equal(t, want, lineOf(t, quote(t, e, r), "lead_time").RuleID, lead)
	}
}

// R11: goods sold in packs and with a minimum order: a quantity that falls short is refused or
// rounded up, as the policy declares, and a rounded quote says so.
func TestR11_PacksAndMinimumsRefuseOrRoundUp(t *testing.T) {
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "OIL-5L", Price: dec("70"), Currency: "CNY", PackSize: dec("4"), MinQuantity: dec("10")})
	require.NoError(t, err)
	cases := []struct {
		name  string
		units pricing.Units
		qty   string
		want  string // the quantity priced
		err   string
	}{
		{"a whole number of packs above the minimum", pricing.Units{}, "12", "12", ""},
		{"refuse a broken pack", pricing.Units{}, "13", "", "13 is not a whole number of packs of 4"},
		{"refuse below the minimum", pricing.Units{Pack: pricing.RoundUp}, "8", "", "8 is below the minimum order quantity 10"},
		{"round a broken pack up", pricing.Units{Pack: pricing.RoundUp}, "13", "16", ""},
		{"round up to the minimum, then to a pack", pricing.Units{Pack: pricing.RoundUp, Minimum: pricing.RoundUp}, "3", "12", ""},
		{"a fraction of a pack", pricing.Units{Pack: pricing.RoundUp}, "12.5", "16", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := basePolicy()
			p.Units = c.units
			e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
			require.NoError(t, err)
			q, err := e.Quote(ctx, request("OIL-5L", c.qty))
			if c.err != "" {
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "request.quantity")
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			requireDecEqual(t, dec(c.want), q.Quantity)
			requireDecEqual(t, dec(c.qty), q.Request.Quantity, "the request is echoed as asked")
			requireDecEqual(t, q.UnitPrice.Mul(q.Quantity), q.Total)
			if c.want != c.qty {
				require.Contains(t, q.Explain(), "Quantity "+c.qty+" rounded up to "+c.want)
			}
		})
	}
}

// R11: prices with VAT (含税价) or without it (不含税价): the tax of a line at its SKU's rate, and a
// schedule of what the buyer pays.
func TestR11_PricesWithOrWithoutVAT(t *testing.T) {
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "SKU-1", Price: dec("33.33"), Currency: "CNY", TaxPercent: dec("13")})
	require.NoError(t, err)
	cases := []struct {
		name                 string
		tax                  pricing.Tax
		net, vat, gross, due string
	}{
		// 3 x 33.33 = 99.99
		{"without VAT, added", pricing.Tax{}, "99.99", "13.00", "112.99", "112.99"}, // 12.9987
		{"without VAT, rounded down", pricing.Tax{Mode: b2bkit.Down}, "99.99", "12.99", "112.98", "112.98"},
		{"with VAT, worked out", pricing.Tax{Included: true}, "88.49", "11.50", "99.99", "99.99"}, // 99.99 / 1.13 = 88.4867
		{"with VAT, net rounded up", pricing.Tax{Included: true, Mode: b2bkit.Up}, "88.49", "11.50", "99.99", "99.99"},
		{"with VAT, net rounded down", pricing.Tax{Included: true, Mode: b2bkit.Down}, "88.48", "11.51", "99.99", "99.99"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := basePolicy()
			p.Tax = &c.tax
			e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
			require.NoError(t, err)
			q := quote(t, e, request("SKU-1", "3"))
			requireDecEqual(t, dec("99.99"), q.Total)
			require.NotNil(t, q.Tax)
			requireDecEqual(t, dec(c.net), q.Tax.Net)
			requireDecEqual(t, dec(c.vat), q.Tax.Tax)
			requireDecEqual(t, dec(c.gross), q.Tax.Gross)
			require.Equal(t, c.tax.Included, q.Tax.Included)
			sum := decimal.Zero
			for _, d := range q.Schedule {
				sum = sum.Add(d.Amount)
			}
			requireDecEqual(t, dec(c.due), sum, "the schedule is what the buyer pays")
			require.Contains(t, q.Explain(), "VAT 13%")
		})
	}
}

// R11: mixed cases — a quantity break over a group of SKUs counts the units of all the order's
// lines the rule matches: 30 Thai and 30 Japanese rice make the 50-unit break together, which
// neither makes alone.
func TestR11_MixedCasesCountTheOrdersUnits(t *testing.T) {
	e := catalogueEngine(t)
	o := order("RICE-TH", "30", "RICE-JP", "30", "OIL-5L", "8")
	o.Group = "" // no contract: the Thai rice takes its breaks
	q := quoteOrder(t, e, o)
	for i := range 2 {
		a := lineOf(t, q.Lines[i].Quote, "quantity")
		require.Equal(t, "rice-mixed-case", a.RuleID)
		requireDecEqual(t, dec("-4"), a.Percent)
		require.NotNil(t, a.Mix)
		requireDecEqual(t, dec("60"), a.Mix.Quantity)
		require.Equal(t, 2, a.Mix.Lines)
		require.Contains(t, a.Reason(), "mixed quantity 60 over 2 lines")
	}
	// Alone, each line is below the break.
	alone := quote(t, e, request("RICE-TH", "30"))
	requireDecEqual(t, dec("0"), lineOf(t, alone, "quantity").Percent)
	requireLess(t, q.Lines[0].Quote.UnitPrice, alone.UnitPrice)
}

// R11: an order discount by the order's value, allocated to the lines in proportion to their
// amounts (b2bkit.Allocate), and the lines add up to the order exactly.
func TestR11_AnOrderDiscountIsAllocatedToItsLines(t *testing.T) {
	e := catalogueEngine(t)
	o := order("RICE-WC", "30", "RICE-JP", "10", "OIL-5L", "8")
	o.Group = ""
	q := quoteOrder(t, e, o)
	require.NotEmpty(t, q.Adjustments)
	d := q.Adjustments[0]
	require.Equal(t, "big-order", d.RuleID)
	requireDecEqual(t, q.Subtotal, d.Basis)
	requireDecEqual(t, dec("-2"), d.Percent)
	requireDecEqual(t, b2bkit.Round(q.Subtotal.Mul(dec("-0.02")), 2, b2bkit.HalfUp), d.Amount)
	requireDecEqual(t, d.Amount, q.Discount)
	sum := decimal.Zero
	for _, l := range q.Lines {
		sum = sum.Add(l.Discount)
		// Each line's share is within a fen of its exact share.
		exact := d.Amount.Mul(l.Quote.Total).DivRound(q.Subtotal, 6)
		require.True(t, l.Discount.Sub(exact).Abs().LessThanOrEqual(dec("0.01")), "%s vs %s", l.Discount, exact)
	}
	requireDecEqual(t, q.Discount, sum)
	requireReconciled(t, q, e.Policy().Tax)
	// A small order gets no discount: the first band is 0%.
	small := quoteOrder(t, e, order("SALT-1KG", "10"))
	requireDecEqual(t, dec("0"), small.Discount)
}

// R11: freight by weight, in bands of kilograms with a rate per kilogram, allocated by weight, and
// waived from an order value; freight by value in percent.
func TestR11_FreightByWeightOrValue(t *testing.T) {
	e := catalogueEngine(t)
	o := order("RICE-WC", "30", "OIL-5L", "8")
	o.Group = ""
	q := quoteOrder(t, e, o)
	f := q.Adjustments[1]
	require.Equal(t, pricing.Freight, f.Kind)
	requireDecEqual(t, dec("786.8"), f.Basis) // 30 x 25 + 8 x 4.6 kg
	requireDecEqual(t, dec("0.30"), f.Rate)
	requireDecEqual(t, dec("236.04"), f.Amount)
	requireDecEqual(t, dec("225.00"), q.Lines[0].Freight) // 750 kg of the 786.8
	requireDecEqual(t, dec("11.04"), q.Lines[1].Freight)
	requireReconciled(t, q, e.Policy().Tax)

	// From 20,000 of value, no freight.
	big := quoteOrder(t, e, order("RICE-JP", "200"))
	f = big.Adjustments[1]
	require.True(t, f.Waived)
	requireDecEqual(t, dec("0"), big.Freight)
	require.Contains(t, big.Explain(), "freight waived")

	// Freight by value: 1.5% below 1000, free above; and a fixed 20 on every order.
	p := basePolicy()
	p.Order = []pricing.Step{{Kind: pricing.Freight, Combine: pricing.Add, Rules: []pricing.Rule{
		{ID: "by-value", Per: "value", Bands: bands("0", "1000", "1.5", "1000", "", "0")},
		{ID: "handling", Per: "value", Amount: dec("20")},
	}}}
	e2, err := pricing.NewEngine(p, catalogueList(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q = quoteOrder(t, e2, order("RICE-TH", "5", "SALT-1KG", "10")) // 480 + 32
	requireDecEqual(t, dec("512.00"), q.Subtotal)
	requireDecEqual(t, dec("27.68"), q.Freight) // 7.68 + 20
	requireReconciled(t, q, nil)
}

// R11: free goods: one bag of salt for every 50 bags of rice of any brand, as a line of its own that
// costs nothing.
func TestR11_FreeGoods(t *testing.T) {
	e := catalogueEngine(t)
	o := order("RICE-WC", "60", "RICE-JP", "45", "OIL-5L", "4")
	q := quoteOrder(t, e, o)
	require.Len(t, q.FreeGoods, 1)
	g := q.FreeGoods[0]
	require.Equal(t, b2bkit.SKU("SALT-1KG"), g.SKU)
	requireDecEqual(t, dec("2"), g.Quantity) // 105 bags
	require.Equal(t, []int{0, 1}, g.Lines)
	require.Contains(t, q.Explain(), "Free: SALT-1KG x 2 (rule salt-with-rice, for lines 1, 2)")
	requireReconciled(t, q, e.Policy().Tax)

	// Without a free SKU, each line earns its own goods.
	p := basePolicy()
	p.Order = []pricing.Step{{Kind: pricing.FreeGoods, Combine: pricing.Add, Rules: []pricing.Rule{
		{ID: "baker's dozen", Every: dec("12"), Free: dec("1")}}}}
	e2, err := pricing.NewEngine(p, catalogueList(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q = quoteOrder(t, e2, order("RICE-TH", "25", "SALT-1KG", "11"))
	require.Len(t, q.FreeGoods, 1, "11 units of salt earn nothing")
	require.Equal(t, b2bkit.SKU("RICE-TH"), q.FreeGoods[0].SKU)
	require.Equal(t, []int{0}, q.FreeGoods[0].Lines)
	requireDecEqual(t, dec("2"), q.FreeGoods[0].Quantity)
}

// R11: an exclusion reaches the order steps too: a contract line takes no order discount, and the
// discount is shared by the other lines only.
func TestR11_AContractLineCanBeExcludedFromTheOrderDiscount(t *testing.T) {
	p := loadPolicy(t, "testdata/catalogue.json")
	p.Steps[0].Rules[0].Excludes = append(p.Steps[0].Rules[0].Excludes, "order_discount")
	e, err := pricing.NewEngine(p, catalogueList(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q := quoteOrder(t, e, order("RICE-TH", "40", "RICE-JP", "40")) // the Thai rice is the group's contract
	d := q.Adjustments[0]
	require.Equal(t, []int{1}, d.Lines)
	require.Equal(t, []int{0}, d.Excluded)
	requireDecEqual(t, dec("0"), q.Lines[0].Discount)
	requireDecEqual(t, d.Amount, q.Lines[1].Discount)
	require.Contains(t, q.Explain(), "lines 1 excluded by their rules")
	requireReconciled(t, q, p.Tax)
}

// R11: VAT per line or per invoice: per invoice, each rate's tax is rounded once on the sum of
// its lines and allocated to them; per line, each line's tax is rounded and the order's is their
// sum. Three lines of 0.05 at 9% show the difference: 3 x 0.00 per line, 0.01 per invoice.
func TestR11_VATPerLineOrPerInvoice(t *testing.T) {
	l, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "A", Price: dec("0.05"), Currency: "CNY", TaxPercent: dec("9")},
		pricing.ListPrice{SKU: "B", Price: dec("0.05"), Currency: "CNY", TaxPercent: dec("9")},
		pricing.ListPrice{SKU: "C", Price: dec("0.05"), Currency: "CNY", TaxPercent: dec("9")},
		pricing.ListPrice{SKU: "D", Price: dec("10"), Currency: "CNY", TaxPercent: dec("13")},
	)
	require.NoError(t, err)
	for _, c := range []struct {
		per        pricing.TaxRounding
		included   bool
		tax, total string
	}{
		{pricing.PerLine, false, "1.30", "11.45"},    // 0.0045 x 3 rounds to 0; 1.30 on D
		{pricing.PerInvoice, false, "1.31", "11.46"}, // 0.0135 rounds to 0.01
		{pricing.PerLine, true, "1.15", "10.15"},     // 0.05/1.09 = 0.0459 -> 0.05 net, 0 tax; 10/1.13 = 8.8496 -> 8.85 net, 1.15 tax
		{pricing.PerInvoice, true, "1.16", "10.15"},  // 0.15/1.09 = 0.1376 -> 0.14 net, 0.01 tax
	} {
		p := basePolicy()
		p.Tax = &pricing.Tax{Per: c.per, Included: c.included}
		e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
		require.NoError(t, err)
		q := quoteOrder(t, e, order("A", "1", "B", "1", "C", "1", "D", "1"))
		requireDecEqual(t, dec(c.tax), q.Tax, c.per, c.included)
		requireDecEqual(t, dec(c.total), q.Total, c.per, c.included)
		requireReconciled(t, q, p.Tax)
	}
}

// requireReconciled checks that an order quote's lines add up to the order exactly.
func requireReconciled(t testing.TB, q pricing.OrderQuote, tax *pricing.Tax) {
	t.Helper()
	sum := func(f func(pricing.OrderLineQuote) decimal.Decimal) decimal.Decimal {
		s := decimal.Zero
		for _, l := range q.Lines {
			s = s.Add(f(l))
		}
		return s
	}
	requireDecEqual(t, q.Subtotal, sum(func(l pricing.OrderLineQuote) decimal.Decimal { return l.Quote.Total }), "subtotal")
	requireDecEqual(t, q.Discount, sum(func(l pricing.OrderLineQuote) decimal.Decimal { return l.Discount }), "discount")
	requireDecEqual(t, q.Freight, sum(func(l pricing.OrderLineQuote) decimal.Decimal { return l.Freight }), "freight")
	requireDecEqual(t, q.Net, sum(func(l pricing.OrderLineQuote) decimal.Decimal { return l.Net }), "net")
	requireDecEqual(t, q.Tax, sum(func(l pricing.OrderLineQuote) decimal.Decimal { return l.Tax }), "tax")
	requireDecEqual(t, q.Total, sum(func(l pricing.OrderLineQuote) decimal.Decimal { return l.Gross }), "total")
	for i, l := range q.Lines {
		requireDecEqual(t, l.Amount, l.Quote.Total.Add(l.Discount).Add(l.Freight), "line", i)
		requireDecEqual(t, l.Gross, l.Net.Add(l.Tax), "line", i)
		if tax != nil && tax.Included {
			requireDecEqual(t, l.Gross, l.Amount, "line", i)
		} else {
			requireDecEqual(t, l.Net, l.Amount, "line", i)
		}
	}
	payable := q.Subtotal.Add(q.Discount).Add(q.Freight)
	if tax != nil && !tax.Included {
		payable = payable.Add(q.Tax)
	}
	requireDecEqual(t, payable, q.Total, "total")
	dues := decimal.Zero
	for _, d := range q.Schedule {
		dues = dues.Add(d.Amount)
	}
	requireDecEqual(t, q.Total, dues, "schedule")
}

func TestQuoteOrder_BadInputNamesTheField(t *testing.T) {
	e := catalogueEngine(t)
	cases := []struct {
		name  string
		o     pricing.OrderRequest
		err   error
		field string
	}{
		{"no lines", order(), b2bkit.ErrInvalid, "order.lines"},
		{"a zero quantity", order("RICE-TH", "0"), b2bkit.ErrInvalid, "order.lines[0].quantity"},
		{"no SKU", order("", "1"), b2bkit.ErrInvalid, "order.lines[0].sku"},
		{"an unknown SKU", order("RICE-TH", "1", "NOPE", "1"), b2bkit.ErrNotFound, "order.lines[1]"},
		{"a broken pack under a policy that rounds up is fine, not an error", order("OIL-5L", "3"), nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.QuoteOrder(ctx, c.o)
			if c.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.err)
			require.ErrorContains(t, err, c.field)
		})
	}
	o := order("RICE-TH", "1")
	o.Terms.DeliverBy = o.Terms.OrderedAt.AddDate(0, 0, -1)
	_, err := e.QuoteOrder(ctx, o)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "order.terms")
}

// R25: the order steps and the new rule fields are validated like the line steps, naming each.
func TestR25_OrderStepsAreValidated(t *testing.T) {
	p := basePolicy()
	p.Order = []pricing.Step{
		{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "t", Percent: dec("-1")}}},
		{Kind: pricing.Freight, Rules: []pricing.Rule{{ID: "f", Per: "volume", Amount: dec("-5")}}},
		{Kind: pricing.FreeGoods, Rules: []pricing.Rule{{ID: "g", Every: dec("0")}}},
		{Kind: pricing.OrderDiscount, Rules: []pricing.Rule{{ID: "d", Amount: dec("-5"), Bands: bands("0", "", "-1")}}},
	}
	p.Steps = append(p.Steps, pricing.Step{Kind: pricing.Freight, Rules: []pricing.Rule{{ID: "x", Per: "weight", Amount: dec("1")}}})
	p.Units = pricing.Units{Pack: 7}
	p.Tax = &pricing.Tax{Per: 9}
	err := p.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, field := range []string{"order[0].kind", "order[1].rules[0].per", "order[1].rules[0].amount", "order[2].rules[0].every",
		"order[2].rules[0].free", "order[3].rules[0].bands", "steps[1].kind", "units.pack", "tax.per"} {
		require.ErrorContains(t, err, field+":")
	}
	base := pricing.Policy{Steps: []pricing.Step{{Kind: pricing.Base, Rules: []pricing.Rule{
		{ID: "f", Formula: "cost", Price: dec("1")},
		{ID: "g", Formula: "list:Retail"},
		{ID: "h", Percent: dec("5")},
	}}}}
	err = base.Validate()
	for _, field := range []string{"steps[0].rules[0].formula", "steps[0].rules[1].formula", "steps[0].rules[2].percent"} {
		require.ErrorContains(t, err, field+":")
	}
}

// R25: the policy's new fields round-trip through JSON and change its version; a list price's too.
func TestR25_CataloguePolicyAndListPriceRoundTripThroughJSON(t *testing.T) {
	p := loadPolicy(t, "testdata/catalogue.json")
	data, err := json.Marshal(p)
	require.NoError(t, err)
	back, err := pricing.LoadPolicy(strings.NewReader(string(data)))
	require.NoError(t, err)
	v1, _ := p.Version()
	v2, _ := back.Version()
	require.Equal(t, v1, v2)
	require.Equal(t, "contract", back.Steps[0].Rules[0].Formula)
	require.Equal(t, []string{"quantity", "tier"}, back.Steps[0].Rules[0].Excludes)
	require.Equal(t, []string{"sku", "brand", "category"}, back.Steps[1].Precedence)
	require.True(t, back.Steps[1].Rules[0].Mix)
	require.Equal(t, pricing.RoundUp, back.Units.Pack)
	require.Equal(t, pricing.PerInvoice, back.Tax.Per)
	requireDecEqual(t, dec("0.30"), back.Order[1].Rules[0].Bands[1].Amount)
	back.Steps[1].Rules[0].Attributes["category"] = "noodles"
	v3, _ := back.Version()
	require.NotEqual(t, v1, v3)

	lp := pricing.ListPrice{SKU: "RICE-WC", Price: dec("128"), Currency: "CNY", Cost: dec("100"), TaxPercent: dec("9"), Weight: dec("25"),
		PackSize: dec("2"), MinQuantity: dec("10"), Contract: pricing.Contract{ID: "C-1", Price: dec("119"), Group: "wok-chain"},
		Attributes: map[string]string{"brand": "wuchang"}, Prices: map[string]decimal.Decimal{"distributor": dec("120")}}
	data, err = json.Marshal(lp)
	require.NoError(t, err)
	var lback pricing.ListPrice
	require.NoError(t, json.Unmarshal(data, &lback))
	require.Equal(t, lp.Contract.ID, lback.Contract.ID)
	requireDecEqual(t, lp.Contract.Price, lback.Contract.Price)
	requireDecEqual(t, lp.Prices["distributor"], lback.Prices["distributor"])
	require.Equal(t, lp.Attributes, lback.Attributes)
	requireDecEqual(t, lp.Weight, lback.Weight)
	requireDecEqual(t, lp.MinQuantity, lback.MinQuantity)
}

// A price list keeps contracts apart: a bad one or one that overlaps another of the same party and
// SKU stores none of its batch.
func TestPriceList_ContractsAreCheckedAndDoNotOverlap(t *testing.T) {
	l := catalogueList(t)
	err := l.SetContracts(pricing.ContractPrice{ID: "C-89", SKU: "RICE-TH", Group: "wok-chain", Price: dec("91"),
		ValidFrom: orderDay.AddDate(0, 0, 10)})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	require.ErrorContains(t, err, "C-88")
	err = l.SetContracts(pricing.ContractPrice{ID: "C-90", SKU: "RICE-TH", Price: dec("91")})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "contracts[0].buyer")
	err = l.Set(pricing.ListPrice{SKU: "X", Price: dec("1"), Contract: pricing.Contract{Price: dec("1")}})
	require.ErrorContains(t, err, "prices[0].contract")
	// Replacing a contract by its ID is not an overlap.
	require.NoError(t, l.SetContracts(pricing.ContractPrice{ID: "C-88", SKU: "RICE-TH", Group: "wok-chain", Price: dec("89")}))
	got, err := l.ListPrice(ctx, pricing.PriceQuery{SKU: "RICE-TH", Group: "wok-chain", At: orderDay})
	require.NoError(t, err)
	requireDecEqual(t, dec("89"), got.Contract.Price)
}

// An engine's quotes share its working memory through a pool: Quote, QuoteMany and QuoteOrder at
// once, from many goroutines, give what each gives alone (and the race detector sees no race).
func TestEngine_QuotesOrdersAndCataloguesAtOnce(t *testing.T) {
	e := catalogueEngine(t)
	r := request("RICE-TH", "60")
	r.Buyer, r.Group, r.Tier = "golden-wok", "wok-chain", "gold"
	o := order("RICE-WC", "30", "RICE-JP", "45", "OIL-5L", "9", "SALT-1KG", "3")
	wantQuote := quote(t, e, r).Explain()
	wantOrder := quoteOrder(t, e, o).Explain()
	many := []pricing.Request{r, request("OIL-5L", "4"), request("RICE-WC", "25")}
	wantMany := make([]string, len(many))
	for i, m := range many {
		wantMany[i] = quote(t, e, m).Explain()
	}
	var wg sync.WaitGroup
	errs := make(chan string, 6)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 60 {
				switch g % 3 {
				case 0:
					if q, err := e.Quote(ctx, r); err != nil || q.Explain() != wantQuote {
						errs <- fmt.Sprint("quote: ", err)
						return
					}
				case 1:
					if q, err := e.QuoteOrder(ctx, o); err != nil || q.Explain() != wantOrder {
						errs <- fmt.Sprint("order: ", err)
						return
					}
				default:
					qs, err := e.QuoteMany(ctx, many)
					if err != nil {
						errs <- fmt.Sprint("many: ", err)
						return
					}
					for i, q := range qs {
						if q.Explain() != wantMany[i] {
							errs <- fmt.Sprint("many: line ", i, " differs")
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// R11: Normalize restates a price under a category's breaks too: it asks the price source for the
// SKU's attributes when a quantity, payment or lead-time rule is scoped by them.
func TestR11_NormalizeRestatesUnderACategorysBreaks(t *testing.T) {
	e := catalogueEngine(t)
	from, to := request("RICE-TH", "10"), request("RICE-TH", "60")
	p, err := e.Normalize(dec("96"), from, to)
	require.NoError(t, err)
	requireDecEqual(t, dec("92.16"), p, "60 units take the category's -4%")
	p, err = e.NormalizeContext(ctx, dec("96"), to, from)
	require.NoError(t, err)
	requireDecEqual(t, dec("100"), p)
	_, err = e.Normalize(dec("96"), request("NOPE", "1"), to)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	require.ErrorContains(t, err, "from:")
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = e.NormalizeContext(canceled, dec("96"), from, to)
	require.ErrorIs(t, err, context.Canceled)
}

// Prices beyond what fits in 64-bit integers at 10 places (capital goods in IDR or VND) are priced
// exactly on the decimal path: the same digits as the decimal operations give.
func TestQuote_PricesBeyondIntegersAreExactToo(t *testing.T) {
	price := dec("9876543210987.6543")
	l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "TURBINE", Price: price, Currency: "IDR", Cost: dec("9000000000000")})
	require.NoError(t, err)
	p := pricing.Policy{Currency: "IDR", Tax: &pricing.Tax{}, Steps: []pricing.Step{{Kind: pricing.Base},
		{Kind: pricing.Tier, Rules: []pricing.Rule{{ID: "key-account", Percent: dec("-3.125")}}},
		{Kind: pricing.Guardrail, Rules: []pricing.Rule{{ID: "g", FloorMarginPercent: dec("1"), MaxDiscountPercent: dec("50")}}},
		{Kind: pricing.Rounding, Rules: []pricing.Rule{{ID: "r", Scale: 2, RoundingMode: b2bkit.HalfEven, Increment: dec("0.05")}}}}}
	e, err := pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q := quote(t, e, request("TURBINE", "3"))
	after := price.Add(price.Mul(dec("-0.03125")).Round(pricing.AmountScale))
	requireDecEqual(t, after, lineOf(t, q, "tier").After)
	unit, err := b2bkit.RoundToIncrement(after, dec("0.05"), b2bkit.HalfEven)
	require.NoError(t, err)
	requireDecEqual(t, unit, q.UnitPrice)
	requireDecEqual(t, b2bkit.Round(unit.Mul(dec("3")), 2, b2bkit.HalfEven), q.Total)
	requireDecEqual(t, q.Tax.Gross, q.Schedule[0].Amount)
	// A floor beyond integers is held too: a clamp lifts the price to it.
	p.Steps[1].Rules[0].Percent = dec("-20")
	p.Steps[2].Rules[0].OnBreach = pricing.Clamp
	e, err = pricing.NewEngine(p, l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q = quote(t, e, request("TURBINE", "1"))
	requireDecEqual(t, dec("9090000000000.00"), q.UnitPrice)
	require.True(t, lineOf(t, q, "guardrail").Clamped)
	// The quote, breaches and all, survives JSON.
	data, err := json.Marshal(q)
	require.NoError(t, err)
	var back pricing.Quote
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, q.Explain(), back.Explain())
	require.Len(t, back.Steps[2].Breaches, 1)
}

// R11: free goods, best for the buyer: of two rules, the one that gives more units applies.
func TestR11_FreeGoodsBestForTheBuyer(t *testing.T) {
	p := basePolicy()
	p.Order = []pricing.Step{{Kind: pricing.FreeGoods, Combine: pricing.BestForBuyer, Rules: []pricing.Rule{
		{ID: "one-in-ten", Every: dec("10"), Free: dec("1"), FreeSKU: "SALT-1KG"},
		{ID: "two-in-twelve", Every: dec("12"), Free: dec("2"), FreeSKU: "SALT-1KG"},
	}}}
	e, err := pricing.NewEngine(p, catalogueList(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	q := quoteOrder(t, e, order("RICE-TH", "25"))
	require.Len(t, q.FreeGoods, 1)
	require.Equal(t, "two-in-twelve", q.FreeGoods[0].RuleID)
	requireDecEqual(t, dec("4"), q.FreeGoods[0].Quantity)
	q = quoteOrder(t, e, order("RICE-TH", "11"))
	require.Equal(t, "one-in-ten", q.FreeGoods[0].RuleID, "12 units not reached")
}
