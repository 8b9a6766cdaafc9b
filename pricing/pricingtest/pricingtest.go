// Package pricingtest is the conformance suite for pricing.PriceSource, in the spirit of
// testing/fstest: a host that keeps its catalogue and contract prices in its own database runs Run
// against its adapter, and the in-memory pricing.PriceList passes it first.
package pricingtest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// A Catalog is what a source under test must hold: list prices (with their attributes, other price
// lists, VAT rates, packs, minimums and weights) and contract prices for buyers and buyer groups.
// A list price's Contract with a zero Price is no contract (see pricing.ListPrice), whatever ID or
// group it names: the source holds the price and answers the contracts it was given, if any.
type Catalog struct {
	Prices    []pricing.ListPrice
	Contracts []pricing.ContractPrice
}

// Run checks that the sources newSource returns behave as pricing.PriceSource documents. newSource
// must return a fresh source holding exactly the given catalogue.
func Run(t *testing.T, newSource func(t *testing.T, c Catalog) pricing.PriceSource) {
	t.Helper()
	d := decimal.RequireFromString
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	april := march.AddDate(0, 1, 0)
	cat := Catalog{
		Prices: []pricing.ListPrice{
			{SKU: "RICE-25KG", Price: d("120.00"), Currency: "CNY", Cost: d("100.00"),
				Attributes: map[string]string{"category": "rice", "brand": "wuchang"}, TaxPercent: d("9"),
				PackSize: d("1"), MinQuantity: d("10"), Weight: d("25"),
				Prices: map[string]decimal.Decimal{"distributor": d("108.5"), "retail": d("139")}},
			{SKU: "OIL-20L", Price: d("210.5"), Currency: "CNY", Attributes: map[string]string{"category": "oil"},
				TaxPercent: d("9"), PackSize: d("4"), Weight: d("18.4")},
			{SKU: "SALT-1KG", Price: d("3.2"), Currency: "CNY", Cost: d("1.125"), TaxPercent: d("13")},
		},
		Contracts: []pricing.ContractPrice{
			{ID: "C-1", SKU: "RICE-25KG", Buyer: "golden-wok", Price: d("112.00")},
			{ID: "C-2", SKU: "RICE-25KG", Group: "wok-chain", Price: d("115.00")},
			{ID: "C-3", SKU: "OIL-20L", Group: "wok-chain", Price: d("199.9"), ValidFrom: march, ValidUntil: april},
			{ID: "C-4", SKU: "OIL-20L", Group: "wok-chain", Price: d("205"), ValidFrom: april},
			{ID: "C-5", SKU: "OIL-20L", Buyer: "golden-wok", Price: d("190"), ValidUntil: march},
		},
	}
	ctx := context.Background()
	ask := func(sku b2bkit.SKU) pricing.PriceQuery { return pricing.PriceQuery{SKU: sku, At: march} }
	t.Run("ReturnsWhatItHolds", func(t *testing.T) {
		s := newSource(t, cat)
		for _, want := range cat.Prices {
			got, err := s.ListPrice(ctx, ask(want.SKU))
			if err != nil {
				t.Fatalf("ListPrice(%q): %v", want.SKU, err)
			}
			if err := samePrice(want, got); err != nil {
				t.Errorf("ListPrice(%q): %v", want.SKU, err)
			}
		}
	})
	t.Run("UnknownSKUIsNotFound", func(t *testing.T) {
		s := newSource(t, cat)
		_, err := s.ListPrice(ctx, ask("NO-SUCH-SKU"))
		if !errors.Is(err, b2bkit.ErrNotFound) {
			t.Fatalf("ListPrice(unknown): got %v, want an error matching b2bkit.ErrNotFound", err)
		}
	})
	t.Run("EmptySourceFindsNothing", func(t *testing.T) {
		s := newSource(t, Catalog{})
		_, err := s.ListPrice(ctx, ask(cat.Prices[0].SKU))
		if !errors.Is(err, b2bkit.ErrNotFound) {
			t.Fatalf("ListPrice on an empty source: got %v, want b2bkit.ErrNotFound", err)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		s := newSource(t, cat)
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.ListPrice(ctx, ask(cat.Prices[0].SKU))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ListPrice with a canceled context: got %v, want context.Canceled", err)
		}
	})
	t.Run("ContractPrices", func(t *testing.T) {
		s := newSource(t, cat)
		for _, c := range []struct {
			name  string
			q     pricing.PriceQuery
			id    string
			price string
			group string
		}{
			{"buyer's own", pricing.PriceQuery{SKU: "RICE-25KG", Buyer: "golden-wok", At: march}, "C-1", "112", ""},
			{"buyer's own beats its group's", pricing.PriceQuery{SKU: "RICE-25KG", Buyer: "golden-wok", Group: "wok-chain", At: march}, "C-1", "112", ""},
			{"group's when the buyer has none", pricing.PriceQuery{SKU: "RICE-25KG", Buyer: "jade-wok", Group: "wok-chain", At: march}, "C-2", "115", "wok-chain"},
			{"no contract for another buyer", pricing.PriceQuery{SKU: "RICE-25KG", Buyer: "lucky-noodle", At: march}, "", "0", ""},
			{"no buyer, no contract", pricing.PriceQuery{SKU: "RICE-25KG", At: march}, "", "0", ""},
			{"valid from its first day", pricing.PriceQuery{SKU: "OIL-20L", Group: "wok-chain", At: march}, "C-3", "199.9", "wok-chain"},
			{"not on its last day's end", pricing.PriceQuery{SKU: "OIL-20L", Group: "wok-chain", At: april}, "C-4", "205", "wok-chain"},
			{"not before it starts", pricing.PriceQuery{SKU: "OIL-20L", Group: "wok-chain", At: march.Add(-time.Nanosecond)}, "", "0", ""},
			{"the buyer's own while it is valid", pricing.PriceQuery{SKU: "OIL-20L", Buyer: "golden-wok", Group: "wok-chain", At: march.Add(-time.Nanosecond)}, "C-5", "190", ""},
			{"its group's once the buyer's has ended", pricing.PriceQuery{SKU: "OIL-20L", Buyer: "golden-wok", Group: "wok-chain", At: march}, "C-3", "199.9", "wok-chain"},
			{"the contract is the buyer's, not the SKU's", pricing.PriceQuery{SKU: "SALT-1KG", Buyer: "golden-wok", Group: "wok-chain", At: march}, "", "0", ""},
		} {
			got, err := s.ListPrice(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: ListPrice: %v", c.name, err)
			}
			if got.Contract.ID != c.id || !got.Contract.Price.Equal(d(c.price)) || got.Contract.Group != c.group {
				t.Errorf("%s: contract %+v, want id %q price %s group %q", c.name, got.Contract, c.id, c.price, c.group)
			}
			if !got.Price.Equal(priceOf(cat, c.q.SKU)) {
				t.Errorf("%s: list price %s changed with the contract", c.name, got.Price)
			}
		}
	})
	t.Run("ContractWithoutPriceIsNone", func(t *testing.T) {
		// A Contract's zero Price means there is none, so a list price carrying an ID or a group
		// with it is taken (it carries no contract) and the ID is never answered as a contract.
		for _, contracts := range [][]pricing.ContractPrice{nil, cat.Contracts} {
			stray := cat.Prices[2]
			stray.Contract = pricing.Contract{ID: "C-STRAY", Group: "wok-chain"}
			s := newSource(t, Catalog{Prices: []pricing.ListPrice{cat.Prices[0], stray}, Contracts: contracts})
			for _, q := range []pricing.PriceQuery{ask(stray.SKU), {SKU: stray.SKU, Buyer: "golden-wok", Group: "wok-chain", At: march}} {
				got, err := s.ListPrice(ctx, q)
				if err != nil {
					t.Fatalf("ListPrice(%+v): %v", q, err)
				}
				if err := samePrice(cat.Prices[2], got); err != nil {
					t.Errorf("ListPrice(%+v) with %d contracts: %v", q, len(contracts), err)
				}
			}
		}
	})
	t.Run("BatchAgreesWithSingle", func(t *testing.T) {
		s, ok := newSource(t, cat).(pricing.BatchPriceSource)
		if !ok {
			t.Skip("not a pricing.BatchPriceSource")
		}
		qs := []pricing.PriceQuery{{SKU: "OIL-20L", Group: "wok-chain", At: april}, ask("NO-SUCH-SKU"),
			{SKU: "RICE-25KG", Buyer: "golden-wok", At: march}, ask("OIL-20L"), ask(""),
			{SKU: "RICE-25KG", Buyer: "jade-wok", Group: "wok-chain", At: march}, ask("SALT-1KG")}
		got := make([]pricing.ListPrice, len(qs)+1)
		found := make([]bool, len(qs)+1)
		if err := s.ListPrices(ctx, qs, got, found); err != nil {
			t.Fatalf("ListPrices: %v", err)
		}
		for i, q := range qs {
			want, err := s.ListPrice(ctx, q)
			switch {
			case err == nil && !found[i]:
				t.Errorf("ListPrices: %q not found; ListPrice finds it", q.SKU)
			case err != nil && found[i]:
				t.Errorf("ListPrices: %q found; ListPrice says %v", q.SKU, err)
			case err == nil:
				if err := samePrice(want, got[i]); err != nil {
					t.Errorf("ListPrices[%d] (%q): %v", i, q.SKU, err)
				}
			}
		}
		if err := s.ListPrices(ctx, nil, nil, nil); err != nil {
			t.Errorf("ListPrices of no SKUs: %v", err)
		}
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.ListPrices(ctx, qs, got, found); !errors.Is(err, context.Canceled) {
			t.Errorf("ListPrices with a canceled context: got %v, want context.Canceled", err)
		}
	})
	t.Run("ConcurrentReaders", func(t *testing.T) {
		s := newSource(t, cat)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 200 {
					want := cat.Prices[(g+i)%len(cat.Prices)]
					q := ask(want.SKU)
					if i%2 == 0 {
						q.Buyer, q.Group = "golden-wok", "wok-chain"
					}
					got, err := s.ListPrice(ctx, q)
					if err == nil {
						got.Contract = pricing.Contract{}
						err = samePrice(want, got)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

func priceOf(c Catalog, sku b2bkit.SKU) decimal.Decimal {
	for _, p := range c.Prices {
		if p.SKU == sku {
			return p.Price
		}
	}
	return decimal.Zero
}

// samePrice compares everything a ListPrice holds, decimals by value.
func samePrice(want, got pricing.ListPrice) error {
	eq := func(a, b decimal.Decimal) bool { return a.Equal(b) }
	switch {
	case got.SKU != want.SKU:
		return fmt.Errorf("sku %q, want %q", got.SKU, want.SKU)
	case !got.Price.Equal(want.Price):
		return fmt.Errorf("price %s, want %s", got.Price, want.Price)
	case got.Currency != want.Currency:
		return fmt.Errorf("currency %q, want %q", got.Currency, want.Currency)
	case !got.Cost.Equal(want.Cost):
		return fmt.Errorf("cost %s, want %s", got.Cost, want.Cost)
	case got.Contract.ID != want.Contract.ID || !got.Contract.Price.Equal(want.Contract.Price) || got.Contract.Group != want.Contract.Group:
		return fmt.Errorf("contract %+v, want %+v", got.Contract, want.Contract)
	case !maps.EqualFunc(got.Prices, want.Prices, eq):
		return fmt.Errorf("prices %v, want %v", got.Prices, want.Prices)
	case !maps.Equal(got.Attributes, want.Attributes):
		return fmt.Errorf("attributes %v, want %v", got.Attributes, want.Attributes)
	case !got.TaxPercent.Equal(want.TaxPercent):
		return fmt.Errorf("tax percent %s, want %s", got.TaxPercent, want.TaxPercent)
	case !got.PackSize.Equal(want.PackSize) || !got.MinQuantity.Equal(want.MinQuantity):
		return fmt.Errorf("pack %s, minimum %s; want %s, %s", got.PackSize, got.MinQuantity, want.PackSize, want.MinQuantity)
	case !got.Weight.Equal(want.Weight):
		return fmt.Errorf("weight %s, want %s", got.Weight, want.Weight)
	}
	return nil
}
