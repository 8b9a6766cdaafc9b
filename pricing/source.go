package pricing

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// A ListPrice is what the price list says about one SKU: its list price per unit, the currency, and,
// when the seller knows it, the unit cost a guardrail keeps a margin over.
type ListPrice struct {
	SKU      b2bkit.SKU
	Price    decimal.Decimal
	Currency string
	// Cost is the unit cost; zero means unknown, and then no floor applies.
	Cost decimal.Decimal
}

// Validate reports every problem: no SKU, a price that is not > 0, a negative cost, absurd numbers.
func (l ListPrice) Validate() error {
	var errs []error
	if l.SKU == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	if !checkNumber(l.Price) || l.Price.Sign() <= 0 {
		errs = append(errs, b2bkit.Invalid("price", "must be > 0 and in range"))
	}
	if !checkNumber(l.Cost) || l.Cost.Sign() < 0 {
		errs = append(errs, b2bkit.Invalid("cost", "must be >= 0 and in range"))
	}
	return errors.Join(errs...)
}

// A PriceSource gives the list price of a SKU. The host implements it over its own catalog;
// PriceList is the in-memory default. Implementations must be safe for concurrent use and pass
// pricingtest.Run.
type PriceSource interface {
	// ListPrice returns the list price of sku, or an error matching b2bkit.ErrNotFound naming the
	// SKU when the catalog does not have it. It returns ctx.Err() if ctx is done.
	ListPrice(ctx context.Context, sku b2bkit.SKU) (ListPrice, error)
}

// A BatchPriceSource is a PriceSource that also looks up many SKUs in one call. QuoteMany uses it
// when the source has it, a block of SKUs at a time: an adapter over a database answers a block with
// one query instead of one query per line. The two methods must agree (pricingtest.Run checks it): a
// type that embeds a BatchPriceSource to change its ListPrice must change ListPrices too, or
// QuoteMany will not see the change. The in-memory PriceList does not implement it: it answers one
// SKU as fast as a block.
type BatchPriceSource interface {
	PriceSource
	// ListPrices sets prices[i] to the list price of skus[i] and found[i] to whether the catalog has
	// it, for every i; prices and found are at least as long as skus. It returns an error only when
	// the lookup itself fails (ctx.Err() when ctx is done), and then the outputs mean nothing.
	ListPrices(ctx context.Context, skus []b2bkit.SKU, prices []ListPrice, found []bool) error
}

var _ PriceSource = (*PriceList)(nil)

// A PriceList is an in-memory price list, safe for concurrent use. The zero value is an empty list.
type PriceList struct {
	mu     sync.RWMutex
	prices map[b2bkit.SKU]ListPrice
}

// NewPriceList returns a price list holding prices; it fails like Set on the first bad one, and then
// holds nothing.
func NewPriceList(prices ...ListPrice) (*PriceList, error) {
	l := &PriceList{}
	if err := l.Set(prices...); err != nil {
		return nil, err
	}
	return l, nil
}

// Set stores the prices, replacing any of the same SKUs. If one is invalid it stores none of them
// and the error, matching b2bkit.ErrInvalid, names it ("prices[3].price").
func (l *PriceList) Set(prices ...ListPrice) error {
	for i, p := range prices {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("prices[%d]", i), err))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.prices == nil {
		l.prices = make(map[b2bkit.SKU]ListPrice, len(prices))
	}
	for _, p := range prices {
		l.prices[p.SKU] = p
	}
	return nil
}

// Delete removes the SKU's price; deleting an absent SKU does nothing.
func (l *PriceList) Delete(sku b2bkit.SKU) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.prices, sku)
}

// ListPrice returns the SKU's price or an error matching b2bkit.ErrNotFound.
func (l *PriceList) ListPrice(ctx context.Context, sku b2bkit.SKU) (ListPrice, error) {
	if err := ctx.Err(); err != nil {
		return ListPrice{}, err
	}
	l.mu.RLock()
	p, ok := l.prices[sku]
	l.mu.RUnlock()
	if !ok {
		return ListPrice{}, fmt.Errorf("pricing: %w", b2bkit.NotFound("sku", string(sku)))
	}
	return p, nil
}

// SKUs returns the SKUs on the list, sorted.
func (l *PriceList) SKUs() []b2bkit.SKU {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Sorted(maps.Keys(l.prices))
}
