// Package pricingtest is the conformance suite for pricing.PriceSource, in the spirit of
// testing/fstest: a host that keeps its catalog in its own database runs Run against its adapter, and
// the in-memory pricing.PriceList passes it first.
package pricingtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
)

// Run checks that the sources newSource returns behave as pricing.PriceSource documents. newSource
// must return a fresh source holding exactly the given prices.
func Run(t *testing.T, newSource func(t *testing.T, prices []pricing.ListPrice) pricing.PriceSource) {
	t.Helper()
	prices := []pricing.ListPrice{
		{SKU: "RICE-25KG", Price: decimal.RequireFromString("120.00"), Currency: "CNY", Cost: decimal.RequireFromString("100.00")},
		{SKU: "OIL-20L", Price: decimal.RequireFromString("210.5"), Currency: "CNY"},
		{SKU: "SALT-1KG", Price: decimal.RequireFromString("3.2"), Currency: "CNY", Cost: decimal.RequireFromString("1.125")},
	}
	t.Run("ReturnsWhatItHolds", func(t *testing.T) {
		s := newSource(t, prices)
		for _, want := range prices {
			got, err := s.ListPrice(context.Background(), want.SKU)
			if err != nil {
				t.Fatalf("ListPrice(%q): %v", want.SKU, err)
			}
			if err := samePrice(want, got); err != nil {
				t.Errorf("ListPrice(%q): %v", want.SKU, err)
			}
		}
	})
	t.Run("UnknownSKUIsNotFound", func(t *testing.T) {
		s := newSource(t, prices)
		_, err := s.ListPrice(context.Background(), "NO-SUCH-SKU")
		if !errors.Is(err, b2bkit.ErrNotFound) {
			t.Fatalf("ListPrice(unknown): got %v, want an error matching b2bkit.ErrNotFound", err)
		}
	})
	t.Run("EmptySourceFindsNothing", func(t *testing.T) {
		s := newSource(t, nil)
		_, err := s.ListPrice(context.Background(), prices[0].SKU)
		if !errors.Is(err, b2bkit.ErrNotFound) {
			t.Fatalf("ListPrice on an empty source: got %v, want b2bkit.ErrNotFound", err)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		s := newSource(t, prices)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.ListPrice(ctx, prices[0].SKU)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ListPrice with a canceled context: got %v, want context.Canceled", err)
		}
	})
	t.Run("BatchAgreesWithSingle", func(t *testing.T) {
		s, ok := newSource(t, prices).(pricing.BatchPriceSource)
		if !ok {
			t.Skip("not a pricing.BatchPriceSource")
		}
		skus := []b2bkit.SKU{"OIL-20L", "NO-SUCH-SKU", "RICE-25KG", "OIL-20L", "", "SALT-1KG"}
		got := make([]pricing.ListPrice, len(skus)+1)
		found := make([]bool, len(skus)+1)
		if err := s.ListPrices(context.Background(), skus, got, found); err != nil {
			t.Fatalf("ListPrices: %v", err)
		}
		for i, sku := range skus {
			want, err := s.ListPrice(context.Background(), sku)
			switch {
			case err == nil && !found[i]:
				t.Errorf("ListPrices: %q not found; ListPrice finds it", sku)
			case err != nil && found[i]:
				t.Errorf("ListPrices: %q found; ListPrice says %v", sku, err)
			case err == nil:
				if err := samePrice(want, got[i]); err != nil {
					t.Errorf("ListPrices[%d] (%q): %v", i, sku, err)
				}
			}
		}
		if err := s.ListPrices(context.Background(), nil, nil, nil); err != nil {
			t.Errorf("ListPrices of no SKUs: %v", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.ListPrices(ctx, skus, got, found); !errors.Is(err, context.Canceled) {
			t.Errorf("ListPrices with a canceled context: got %v, want context.Canceled", err)
		}
	})
	t.Run("ConcurrentReaders", func(t *testing.T) {
		s := newSource(t, prices)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 200 {
					want := prices[(g+i)%len(prices)]
					got, err := s.ListPrice(context.Background(), want.SKU)
					if err == nil {
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

func samePrice(want, got pricing.ListPrice) error {
	switch {
	case got.SKU != want.SKU:
		return fmt.Errorf("sku %q, want %q", got.SKU, want.SKU)
	case !got.Price.Equal(want.Price):
		return fmt.Errorf("price %s, want %s", got.Price, want.Price)
	case got.Currency != want.Currency:
		return fmt.Errorf("currency %q, want %q", got.Currency, want.Currency)
	case !got.Cost.Equal(want.Cost):
		return fmt.Errorf("cost %s, want %s", got.Cost, want.Cost)
	}
	return nil
}
