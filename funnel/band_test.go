package funnel_test

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestR7_BandsAreExactAtTheBoundaries(t *testing.T) {
	cases := []struct {
		share string
		want  funnel.PenetrationBand
	}{
		{"-0.2", funnel.Replaceable},
		{"0", funnel.Replaceable},
		{"0.05", funnel.Replaceable},
		{"0.099999999999999999", funnel.Replaceable},
		{"0.1", funnel.Marginal},
		{"0.10", funnel.Marginal},
		{"0.3333", funnel.Marginal},
		{"0.333333333333333333", funnel.Marginal}, // 18 threes: still below one third
		{"0.3333333333333333333333333333", funnel.Marginal},
		{"0.3334", funnel.Safe},
		{"0.5", funnel.Safe},
		{"0.5000000000000000000001", funnel.Strong},
		{"0.500000000000000001", funnel.Strong},
		{"0.8", funnel.Strong},
		{"1", funnel.Strong},
		{"1.5", funnel.Strong},
		{"100", funnel.Strong},
	}
	for _, c := range cases {
		require.Equal(t, c.want, funnel.Band(dec(c.share)), c.share)
	}
	require.Equal(t, funnel.Strong, funnel.Band(decimal.New(5, 3)), "5000 with a positive exponent")
}

func TestR7_BandOfDecidesOnTheExactFraction(t *testing.T) {
	require.Equal(t, funnel.Safe, funnel.BandOf(dec("1000"), dec("3000"))) // 1/3
	require.Equal(t, funnel.Marginal, funnel.BandOf(dec("999.99"), dec("3000")))
	require.Equal(t, funnel.Marginal, funnel.BandOf(dec("300"), dec("3000"))) // 1/10
	require.Equal(t, funnel.Safe, funnel.BandOf(dec("1"), dec("2")))
	require.Equal(t, funnel.Replaceable, funnel.BandOf(decimal.Zero, dec("2")))
	require.False(t, funnel.BandOf(dec("1"), decimal.Zero).Valid(), "no wallet, no band")
}

// referenceBand bands with big.Rat: the obvious, slow definition.
func referenceBand(share decimal.Decimal) funnel.PenetrationBand { return ratBand(share.Rat()) }

// ratBand bands an exact fraction.
func ratBand(r *big.Rat) funnel.PenetrationBand {
	switch {
	case r.Cmp(big.NewRat(1, 10)) < 0:
		return funnel.Replaceable
	case r.Cmp(big.NewRat(1, 3)) < 0:
		return funnel.Marginal
	case r.Cmp(big.NewRat(1, 2)) > 0:
		return funnel.Strong
	default:
		return funnel.Safe
	}
}

func TestR7_BandMatchesExactRationalsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 5000 {
		var share decimal.Decimal
		switch rng.IntN(3) {
		case 0: // anywhere
			share = decimal.New(rng.Int64N(2_000_000)-100_000, -int32(rng.IntN(8)))
		case 1: // long coefficients near the boundaries: k/den rounded at 18-20 places
			den := []int64{10, 3, 2}[rng.IntN(3)]
			places := int32(15 + rng.IntN(8))
			share = decimal.NewFromInt(1).DivRound(decimal.NewFromInt(den), places).Add(decimal.New(rng.Int64N(3)-1, -places))
		default: // exactly at a boundary, in some representation
			share = []decimal.Decimal{dec("0.1"), dec("0.5"), dec("0.50"), decimal.New(1, -1)}[rng.IntN(4)]
		}
		require.Equal(t, referenceBand(share), funnel.Band(share), share.String())
		require.Equal(t, referenceBand(share), funnel.BandOf(share, decimal.NewFromInt(1)), share.String())
	}
}

func TestBandWordsRoundTrip(t *testing.T) {
	for _, b := range funnel.Bands() {
		text, err := b.MarshalText()
		require.NoError(t, err)
		var back funnel.PenetrationBand
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, b, back)
	}
	var b funnel.PenetrationBand
	require.Error(t, b.UnmarshalText([]byte("great")))
	_, err := funnel.PenetrationBand(9).MarshalText()
	require.Error(t, err)
	require.Equal(t, "PenetrationBand(9)", funnel.PenetrationBand(9).String())
}

// A share or a wallet written with an exponent in the billions is absurd, but it is input: it
// must be banded at once, not by writing out its digits (which hung before).
func TestR7_BandOfAbsurdExponentsAnswerAtOnce(t *testing.T) {
	require.Equal(t, funnel.Strong, funnel.Band(decimal.New(1, 1<<30)))
	require.Equal(t, funnel.Strong, funnel.BandOf(decimal.New(1, 1<<30), decimal.NewFromInt(1)))
	require.Equal(t, funnel.Replaceable, funnel.Band(decimal.New(1, -1<<30)))
	require.Equal(t, funnel.Replaceable, funnel.BandOf(decimal.New(1, -1<<30), decimal.NewFromInt(1)))
	require.Equal(t, funnel.Replaceable, funnel.BandOf(decimal.NewFromInt(1), decimal.New(1, 1<<30)))
	require.Equal(t, funnel.Strong, funnel.BandOf(decimal.NewFromInt(1), decimal.New(1, -1<<30)))
	require.Equal(t, funnel.Safe, funnel.BandOf(decimal.New(4, 1<<30), decimal.New(1, 1<<30+1)), "0.4 at a huge scale")
}

// BandOf agrees with big.Rat when spend and wallet are written at different scales, around the
// digit-count shortcut's edges (ratios near 1/100, 1/10 and 10).
func TestR7_BandOfAcrossScalesMatchesExactRationalsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	for range 20000 {
		spend := decimal.New(rng.Int64N(100_000)+1, int32(rng.IntN(16)-8))
		wallet := decimal.New(rng.Int64N(100_000)+1, int32(rng.IntN(16)-8))
		want := ratBand(new(big.Rat).Quo(spend.Rat(), wallet.Rat()))
		require.Equal(t, want, funnel.BandOf(spend, wallet), "%s / %s", spend, wallet)
	}
}
