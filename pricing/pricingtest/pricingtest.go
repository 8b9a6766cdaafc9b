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
