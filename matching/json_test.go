package matching_test

import (
	"encoding/json"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMatchJSONRoundTrip(t *testing.T) {
	m := matchingtest.Sample("M-1", daysAgo(3))
	m.Mode, m.Status = matching.SelfOperated, matching.Fulfilled
	b, err := json.Marshal(m)
	require.NoError(t, err)
	s := string(b)
	for _, want := range []string{`"id":"M-1"`, `"quantity":"100"`, `"unit_price":"118"`, `"subsidy":"50"`,
		`"status":"fulfilled"`, `"mode":"self_operated"`, `"channel":"semi_auto"`, `"at":"2026-08-29T10:00:00+08:00"`,
		`"due":"on_order"`} {
		assert.Contains(t, s, want)
	}
	var got matching.Match
	require.NoError(t, json.Unmarshal(b, &got))
	assert.True(t, got.Equal(m), "%s", s)
}

func TestMatchJSONIsStrict(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field": `{"id":"M-1","colour":"red"}`,
		"exponent":      `{"id":"M-1","quantity":"1e9"}`,
		"bad status":    `{"id":"M-1","status":"shipped"}`,
		"bad mode":      `{"id":"M-1","mode":"pirate"}`,
		"not an object": `[1,2]`,
	} {
		t.Run(name, func(t *testing.T) {
			var m matching.Match
			require.ErrorIs(t, json.Unmarshal([]byte(doc), &m), b2bkit.ErrInvalid)
		})
	}
}

// FuzzMatchJSON: reading any bytes never panics, and a match that reads and validates writes back to
// the same match.
func FuzzMatchJSON(f *testing.F) {
	good, _ := json.Marshal(matchingtest.Sample("M-1", daysAgo(3)))
	f.Add(good)
	f.Add([]byte(`{"id":"M-1","quantity":"-0.5","unit_price":"1e3"}`))
	f.Add([]byte(`{"terms":{"payment":{"installments":[{"share":"1","due":"on_delivery","days":99999}]}}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m matching.Match
		if err := json.Unmarshal(data, &m); err != nil {
			return
		}
		if m.Validate() != nil {
			return
		}
		out, err := json.Marshal(m)
		require.NoError(t, err)
		var back matching.Match
		require.NoError(t, json.Unmarshal(out, &back))
		require.True(t, back.Equal(m), "%s", out)
	})
}

// TestMatchJSON_TermsAreReadInTheMatchsDecode: a match's terms are read in the match's own strict
// decode. Read as b2bkit.Terms they read themselves through the strict decoder, which checked and
// decoded their bytes again with a decoder of their own, for every match of a log read back.
func TestMatchJSON_TermsAreReadInTheMatchsDecode(t *testing.T) {
	m := matchingtest.Sample("M-1", daysAgo(3))
	m.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 30)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var got matching.Match
	n := testing.AllocsPerRun(20, func() { require.NoError(t, json.Unmarshal(b, &got)) })
	require.True(t, got.Equal(m))
	// 49 allocations now, 65 with a decoder of the terms' own.
	require.Less(t, n, 57.0, "%v allocations reading a match", n)
}
