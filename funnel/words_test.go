package funnel_test

import (
	"encoding"
	"fmt"
	"testing"

	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

func TestEnumsAreWordsAndRefuseUnknownValues(t *testing.T) {
	known := []interface {
		fmt.Stringer
		encoding.TextMarshaler
	}{funnel.Visit, funnel.Call, funnel.Onboarding, funnel.CoveragePhase, funnel.PenetrationPhase,
		funnel.Opened, funnel.Converted, funnel.Repurchasing}
	words := []string{"visit", "call", "onboarding", "coverage", "penetration", "opened", "converted", "repurchasing"}
	for i, k := range known {
		text, err := k.MarshalText()
		require.NoError(t, err)
		require.Equal(t, words[i], string(text))
		require.Equal(t, words[i], k.String())
	}
	unknown := []interface {
		fmt.Stringer
		encoding.TextMarshaler
	}{funnel.TouchKind(0), funnel.Phase(7), funnel.AccountStage(-1)}
	for _, k := range unknown {
		_, err := k.MarshalText()
		require.Error(t, err)
		require.Contains(t, k.String(), "(")
	}
}

func TestBandCountsOf(t *testing.T) {
	c := funnel.BandCounts{Replaceable: 1, Marginal: 2, Safe: 3, Strong: 4}
	for i, b := range funnel.Bands() {
		require.Equal(t, i+1, c.Of(b))
	}
	require.Zero(t, c.Of(0))
}
