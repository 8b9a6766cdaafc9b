package pricing_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/pricing"
)

// A catalogue with lines QuoteMany cannot price: every 97th SKU is not in the list, every 131st
// quantity is zero.
func catalogWithBadLines(t *testing.T, n int, opts pricing.Options) (*pricing.Engine, []pricing.Request) {
	e, reqs := catalog(t, n, opts)
	for i := range reqs {
		switch {
		case i%97 == 5:
			reqs[i].SKU = b2bkit.SKU(fmt.Sprintf("NOPE-%d", i))
		case i%131 == 7:
			reqs[i].Quantity = dec("0")
		}
	}
	return e, reqs
}

// TestQuoteMany_OnManyGoroutinesIsTheSame: a catalogue priced in runs on several goroutines gets
// the quotes one goroutine gives, each at its own place, and the same line errors at the same places.
func TestQuoteMany_OnManyGoroutinesIsTheSame(t *testing.T) {
	const n = 3 * pricing.MinRunPerWorker
	one, reqs := catalogWithBadLines(t, n, pricing.Options{Workers: 1})
	want, wantErr := one.QuoteMany(ctx, reqs)
	var wantLines pricing.LineErrors
	require.ErrorAs(t, wantErr, &wantLines)
	for _, w := range []int{0, 2, 3, 8} {
		t.Run(fmt.Sprint("workers=", w), func(t *testing.T) {
			e, _ := catalogWithBadLines(t, n, pricing.Options{Workers: w})
			got, err := e.QuoteMany(ctx, reqs)
			var lines pricing.LineErrors
			require.ErrorAs(t, err, &lines)
			require.Len(t, lines, n)
			require.Len(t, got, n)
			bad := 0
			for i := range reqs {
				if wantLines[i] != nil {
					bad++
					require.EqualError(t, lines[i], wantLines[i].Error(), "requests[%d]", i)
					continue
				}
				require.NoError(t, lines[i], "requests[%d]", i)
			}
			assert.Equal(t, n/97+n/131+2, bad, "the bad lines, and only they, failed")
			assert.JSONEq(t, dectest.JSONByValue(t, want), dectest.JSONByValue(t, got))
		})
	}
}

// failingAt is a price source that fails, or panics, when asked for one SKU.
type failingAt struct {
	*pricing.PriceList
	sku   b2bkit.SKU
	err   error
	panic bool
}

func (f failingAt) ListPrice(ctx context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	if q.SKU == f.sku {
		if f.panic {
			panic(f.err)
		}
		return pricing.ListPrice{}, f.err
	}
	return f.PriceList.ListPrice(ctx, q)
}

// TestQuoteMany_OnManyGoroutinesStopsOnTheSourcesFailure: a source that fails in a later run stops
// the whole batch with its own error, not the cancellation the other runs saw; one that panics
// panics on the caller's goroutine; a context done stops it with the context's error.
func TestQuoteMany_OnManyGoroutinesStopsOnTheSourcesFailure(t *testing.T) {
	const n = 4 * pricing.MinRunPerWorker
	_, reqs := catalog(t, n, pricing.Options{})
	list := func() *pricing.PriceList {
		var prices []pricing.ListPrice
		for _, r := range reqs {
			prices = append(prices, pricing.ListPrice{SKU: r.SKU, Price: dec("10.00"), Currency: "CNY"})
		}
		l, err := pricing.NewPriceList(prices...)
		require.NoError(t, err)
		return l
	}()
	boom := errors.New("catalog down")
	last := reqs[n-3].SKU // in the last run
	engine := func(src pricing.PriceSource) *pricing.Engine {
		e, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), src, &pricing.Options{Now: fixedNow, Workers: 4})
		require.NoError(t, err)
		return e
	}

	quotes, err := engine(failingAt{PriceList: list, sku: last, err: boom}).QuoteMany(ctx, reqs)
	require.ErrorIs(t, err, boom)
	assert.NotErrorIs(t, err, context.Canceled)
	assert.ErrorContains(t, err, fmt.Sprintf("requests[%d]", n-3))
	var lines pricing.LineErrors
	assert.False(t, errors.As(err, &lines), "a failing source is not one line's problem")
	assert.Nil(t, quotes)

	e := engine(failingAt{PriceList: list, sku: last, err: boom, panic: true})
	assert.PanicsWithValue(t, boom, func() { _, _ = e.QuoteMany(ctx, reqs) })

	done, cancel := context.WithCancel(ctx)
	cancel()
	quotes, err = engine(list).QuoteMany(done, reqs)
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, quotes)
}

func TestNewEngine_RefusesNegativeWorkers(t *testing.T) {
	_, err := pricing.NewEngine(basePolicy(), catalogSource(t), &pricing.Options{Workers: -1})
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, "options.workers")
}
