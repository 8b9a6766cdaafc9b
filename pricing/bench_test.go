package pricing_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// BenchmarkQuote prices one line through the seven-step restaurant policy: contract price, volume
// break, payment (30/70 net 60), lead time, tier, guardrail, rounding.
func BenchmarkQuote(b *testing.B) {
	benchQuote(b, restaurantEngine(b))
}

// BenchmarkQuotePricesOnly is BenchmarkQuote for a host that asks only for the price
// (Options.PricesOnly): the quote carries no explanation lines.
func BenchmarkQuotePricesOnly(b *testing.B) {
	e, err := pricing.NewEngine(loadPolicy(b, "testdata/restaurant.json"), catalogSource(b), &pricing.Options{Now: fixedNow, PricesOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	benchQuote(b, e)
}

// benchQuote prices 200 bags of rice for a gold buyer on 30% down, the rest net 60, through e.
func benchQuote(b *testing.B, e *pricing.Engine) {
	r := request("RICE-25KG", "200")
	r.Buyer, r.Tier = "golden-dragon", "gold"
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Quote(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// catalog builds a 10,000-SKU price list, a seven-step policy with a contract price for every
// 100th SKU, and one buyer's requests for the whole catalog.
func catalog(b testing.TB, n int, opts pricing.Options) (*pricing.Engine, []pricing.Request) {
	p := loadPolicy(b, "testdata/restaurant.json")
	prices := make([]pricing.ListPrice, n)
	reqs := make([]pricing.Request, n)
	for i := range n {
		sku := b2bkit.SKU(fmt.Sprintf("SKU-%05d", i))
		prices[i] = pricing.ListPrice{SKU: sku, Price: dec(fmt.Sprintf("%d.%02d", 10+i%500, i%100)), Currency: "CNY",
			Cost: dec(fmt.Sprintf("%d", 8+i%500))}
		if i%100 == 0 {
			p.Steps[0].Rules = append(p.Steps[0].Rules, pricing.Rule{ID: "contract-" + string(sku), Buyer: "golden-dragon",
				SKU: sku, Price: dec(fmt.Sprintf("%d", 9+i%500))})
		}
		r := request(sku, fmt.Sprintf("%d", 1+i%2000))
		r.Buyer, r.Tier = "golden-dragon", "gold"
		r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
		reqs[i] = r
	}
	l, err := pricing.NewPriceList(prices...)
	if err != nil {
		b.Fatal(err)
	}
	opts.Now = fixedNow
	e, err := pricing.NewEngine(p, l, &opts)
	if err != nil {
		b.Fatal(err)
	}
	return e, reqs
}

func BenchmarkQuoteCatalog10k(b *testing.B) {
	e, reqs := catalog(b, 10_000, pricing.Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.QuoteMany(ctx, reqs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuoteCatalog10kOneWorker prices the same catalogue on the caller's goroutine alone
// (Options.Workers 1): BenchmarkQuoteCatalog10k splits it over GOMAXPROCS goroutines.
func BenchmarkQuoteCatalog10kOneWorker(b *testing.B) {
	e, reqs := catalog(b, 10_000, pricing.Options{Workers: 1})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.QuoteMany(ctx, reqs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuoteCatalog10kPricesOnly prices the same catalogue for a host that asks only for the
// prices (Options.PricesOnly): the quotes carry no explanation lines.
func BenchmarkQuoteCatalog10kPricesOnly(b *testing.B) {
	e, reqs := catalog(b, 10_000, pricing.Options{PricesOnly: true})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.QuoteMany(ctx, reqs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalize restates a 30/70 net-60 price for 200 units delivered in 10 days as the
// price for 1,500 units, cash on delivery, delivered tomorrow.
func BenchmarkNormalize(b *testing.B) {
	e := restaurantEngine(b)
	from := request("RICE-25KG", "200")
	from.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	to := request("RICE-25KG", "1500")
	to.Terms.DeliverBy = orderDay.AddDate(0, 0, 1)
	price := dec("115.37")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Normalize(price, from, to); err != nil {
			b.Fatal(err)
		}
	}
}

// orderOf50 builds a 50-SKU catalogue of rice, oil and noodles of several brands (weights, VAT
// rates, other price lists, a chain's contract prices) under testdata/catalogue.json — formulas,
// contracts that exclude discounts, category and brand breaks, mixed cases, a guardrail, rounding,
// an order discount, freight by weight, free goods, VAT per invoice — and a 50-line order.
func orderOf50(b *testing.B) (*pricing.Engine, pricing.OrderRequest) {
	var prices []pricing.ListPrice
	var contracts []pricing.ContractPrice
	o := order()
	for i := range 50 {
		sku := b2bkit.SKU(fmt.Sprintf("SKU-%02d", i))
		cat := []string{"rice", "oil", "noodles"}[i%3]
		brand := []string{"wuchang", "thai", "koshihikari", "golden-phoenix"}[i%4]
		lp := pricing.ListPrice{SKU: sku, Price: dec(fmt.Sprintf("%d.%02d", 20+i*3, i)), Currency: "CNY", Cost: dec(fmt.Sprintf("%d", 15+i*2)),
			TaxPercent: dec([]string{"9", "13"}[i%2]), Weight: dec(fmt.Sprintf("%d.5", 1+i%25)),
			Attributes: map[string]string{"category": cat, "brand": brand}}
		if brand == "wuchang" {
			lp.Prices = map[string]decimal.Decimal{"distributor": lp.Price.Mul(dec("0.92")).Round(2)}
		}
		prices = append(prices, lp)
		if i%7 == 0 {
			contracts = append(contracts, pricing.ContractPrice{ID: fmt.Sprintf("C-%d", i), SKU: sku, Group: "wok-chain",
				Price: lp.Price.Mul(dec("0.95")).Round(2)})
		}
		o.Lines = append(o.Lines, pricing.OrderLine{SKU: sku, Quantity: decimal.NewFromInt(int64(1 + i%40))})
	}
	l, err := pricing.NewPriceList(prices...)
	if err != nil {
		b.Fatal(err)
	}
	if err := l.SetContracts(contracts...); err != nil {
		b.Fatal(err)
	}
	e, err := pricing.NewEngine(loadPolicy(b, "testdata/catalogue.json"), l, &pricing.Options{Now: fixedNow})
	if err != nil {
		b.Fatal(err)
	}
	o.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 30)
	return e, o
}

// BenchmarkQuoteOrder50 prices a 50-line order through the catalogue policy.
func BenchmarkQuoteOrder50(b *testing.B) {
	e, o := orderOf50(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.QuoteOrder(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuoteCatalogue prices one line through the catalogue policy: a brand's formula on
// another price list, brand breaks, a tier privilege, a guardrail, rounding and VAT.
func BenchmarkQuoteCatalogue(b *testing.B) {
	e, o := orderOf50(b)
	r := pricing.Request{Buyer: o.Buyer, Group: o.Group, Tier: o.Tier, SKU: "SKU-04", Quantity: dec("30"), Terms: o.Terms}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Quote(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadPolicy20kRules loads a policy of 20,000 small tier rules (920 KB), as a platform
// with a rule per SKU of its catalogue or per customer does at start-up and on every change.
func BenchmarkLoadPolicy20kRules(b *testing.B) {
	benchLoad(b, manySmallRules(20_000))
}

// BenchmarkLoadPolicyRestaurant loads the seven-step restaurant policy of BenchmarkQuote.
func BenchmarkLoadPolicyRestaurant(b *testing.B) {
	benchLoad(b, readFile(b, "testdata/restaurant.json"))
}

// BenchmarkLoadPolicyCatalogue loads the catalogue policy of BenchmarkQuoteOrder50.
func BenchmarkLoadPolicyCatalogue(b *testing.B) {
	benchLoad(b, readFile(b, "testdata/catalogue.json"))
}

func benchLoad(b *testing.B, doc []byte) {
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pricing.LoadPolicy(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}

func readFile(b *testing.B, path string) []byte {
	doc, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkReadQuote reads back a stored quote of the restaurant policy (seven lines, an
// early-payment offer), as a host showing its quotes again does.
func BenchmarkReadQuote(b *testing.B) {
	r := request("RICE-25KG", "200")
	r.Buyer, r.Tier = "golden-dragon", "gold"
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	doc, err := json.Marshal(quote(b, restaurantEngine(b), r))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var q pricing.Quote
		if err := json.Unmarshal(doc, &q); err != nil {
			b.Fatal(err)
		}
	}
}
