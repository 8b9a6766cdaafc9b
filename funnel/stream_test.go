package funnel_test

import (
	"errors"
	"iter"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

var errCursor = errors.New("cursor: connection reset")

// failing streams xs and then fails with errCursor, as a database cursor that breaks half-way.
func failing[T any](xs []T) iter.Seq2[T, error] { return failAfter(xs, errCursor) }

func TestR6_AFailingStreamFailsTheReport(t *testing.T) {
	ts, ps, ws := cityTouches(), cityPurchases(), cityWallets()
	cases := []struct {
		name    string
		touches iter.Seq2[funnel.Touch, error]
		buys    iter.Seq2[funnel.Purchase, error]
		wallets iter.Seq2[funnel.Wallet, error]
		want    string
	}{
		{"touches", failing(ts[:5]), b2bkit.Stream(ps), b2bkit.Stream(ws), "funnel: touches[5]: cursor"},
		{"purchases", b2bkit.Stream(ts), failing(ps[:9]), b2bkit.Stream(ws), "funnel: purchases[9]: cursor"},
		{"wallets", b2bkit.Stream(ts), b2bkit.Stream(ps), failing(ws[:2]), "funnel: wallets[2]: cursor"},
		{"empty then failing", b2bkit.Stream(ts), failing[funnel.Purchase](nil), nil, "funnel: purchases[0]: cursor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := funnel.Evaluate(city(), c.touches, c.buys, c.wallets, jul10)
			require.ErrorIs(t, err, errCursor)
			require.NotErrorIs(t, err, b2bkit.ErrInvalid, "a broken cursor is not bad input")
			require.ErrorContains(t, err, c.want)
			require.Zero(t, r.Targets, "no report on partial data")
		})
	}
}

// A stream that yields an error and then keeps going is stopped at the error: nothing after it is read.
func TestR6_EvaluateStopsReadingAtTheFirstStreamError(t *testing.T) {
	read := 0
	ps := func(yield func(funnel.Purchase, error) bool) {
		for i, p := range cityPurchases() {
			read++
			var err error
			if i == 3 {
				err = errCursor
			}
			if !yield(p, err) {
				return
			}
		}
	}
	_, err := funnel.Evaluate(city(), nil, ps, nil, jul10)
	require.ErrorIs(t, err, errCursor)
	require.Equal(t, 4, read)
}
