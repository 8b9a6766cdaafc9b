package matching_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
)

// A logged match read back with its subsidy given twice, or "Subsidy" for subsidy, is refused: the
// log must say what was matched, not the last of two figures.
func TestR13_MatchRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	b, err := json.Marshal(matchingtest.Sample("M-1", daysAgo(3)))
	require.NoError(t, err)
	load := func(doc []byte) error {
		var m matching.Match
		return json.Unmarshal(doc, &m)
	}
	wiretest.Refuses(t, string(b), load, []wiretest.Case{
		{"duplicate", `"subsidy":"50"`, `"subsidy":"0","subsidy":"50"`, "subsidy: duplicate key"},
		{"duplicate price", `"unit_price":"118"`, `"unit_price":"118","unit_price":"1"`, "unit_price: duplicate key"},
		{"cased", `"subsidy":"50"`, `"Subsidy":"50"`, "Subsidy: unknown field"},
		{"upper case", `"unit_price":"118"`, `"UNIT_PRICE":"118"`, "UNIT_PRICE: unknown field"},
	})
}

// TestR25_ReferenceRulesRefuseAnUnknownDuplicateOrWronglyCasedKey: rules read from a config file
// that misspells "outliers", writes it twice or in another case are refused, naming the key —
// not loaded as the zero value, which would quietly turn outlier rejection off.
func TestR25_ReferenceRulesRefuseAnUnknownDuplicateOrWronglyCasedKey(t *testing.T) {
	want := matching.ReferenceRules{ExcludeSubsidised: true, Outliers: matching.MAD, K: dec("2.5"), MaxBuyerShare: dec("0.25")}
	b, err := json.Marshal(want)
	require.NoError(t, err)
	var got matching.ReferenceRules
	require.NoError(t, json.Unmarshal(b, &got))
	require.Equal(t, want.Outliers, got.Outliers)
	require.True(t, got.ExcludeSubsidised)
	requireDecEqual(t, want.K, got.K)
	requireDecEqual(t, want.MaxBuyerShare, got.MaxBuyerShare)
	load := func(doc []byte) error {
		var r matching.ReferenceRules
		return json.Unmarshal(doc, &r)
	}
	wiretest.Refuses(t, string(b), load, []wiretest.Case{
		{"misspelt", `"outliers":"mad"`, `"outlier":"mad"`, "outlier: unknown field"},
		{"duplicate", `"outliers":"mad"`, `"outliers":"none","outliers":"mad"`, "outliers: duplicate key"},
		{"cased", `"outliers":"mad"`, `"Outliers":"mad"`, "Outliers: unknown field"},
		{"unknown rule", `"outliers":"mad"`, `"outliers":"zscore"`, "outliers"},
		{"exponent", `"k":"2.5"`, `"k":"1e400"`, "exponents are not accepted"},
	})
	// Inside a result, the rules read back as they were declared.
	ref := matching.Reference{Rules: want}
	js, err := json.Marshal(ref)
	require.NoError(t, err)
	var back matching.Reference
	require.NoError(t, json.Unmarshal(js, &back))
	require.Equal(t, matching.MAD, back.Rules.Outliers)
}

// FuzzReferenceRulesJSON: any document is refused as invalid input or read as rules that write
// out and read back as themselves; nothing panics.
func FuzzReferenceRulesJSON(f *testing.F) {
	f.Add([]byte(`{"exclude_subsidised":true,"outliers":"mad","k":"2.5","max_buyer_share":"0.25"}`))
	f.Add([]byte(`{"outliers":"iqr","k":1.5}`))
	f.Add([]byte(`{"outlier":"iqr"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var r matching.ReferenceRules
		if err := json.Unmarshal(doc, &r); err != nil {
			return
		}
		b, err := json.Marshal(r)
		if r.Validate() != nil && err != nil {
			return // an unknown rule does not write out
		}
		require.NoError(t, err)
		var back matching.ReferenceRules
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		require.Equal(t, r.Outliers, back.Outliers)
		require.Equal(t, r.ExcludeSubsidised, back.ExcludeSubsidised)
		require.True(t, r.K.Equal(back.K) && r.MaxBuyerShare.Equal(back.MaxBuyerShare), "%s", b)
	})
}

// TestR13_StatusChangeRefusesAnUnknownDuplicateOrWronglyCasedKey: a status change from a driver's
// app or an ERP that misspells "status" (read as proposed), gives it twice (the last one wins) or
// writes it in another case is refused, naming the key.
func TestR13_StatusChangeRefusesAnUnknownDuplicateOrWronglyCasedKey(t *testing.T) {
	want := matching.StatusChange{ID: "M-1", Status: matching.Fulfilled, At: daysAgo(2), By: "driver-app"}
	b, err := json.Marshal(want)
	require.NoError(t, err)
	var got matching.StatusChange
	require.NoError(t, json.Unmarshal(b, &got))
	require.True(t, got.Equal(want), "%+v", got)
	load := func(doc []byte) error {
		var c matching.StatusChange
		return json.Unmarshal(doc, &c)
	}
	wiretest.Refuses(t, string(b), load, []wiretest.Case{
		{"misspelt", `"status":"fulfilled"`, `"stauts":"fulfilled"`, "stauts: unknown field"},
		{"duplicate", `"status":"fulfilled"`, `"status":"fulfilled","status":"cancelled"`, "status: duplicate key"},
		{"cased", `"by":"driver-app"`, `"By":"driver-app"`, "By: unknown field"},
		{"unknown status", `"status":"fulfilled"`, `"status":"delivered"`, "unknown status"},
	})
}

// FuzzStatusChangeJSON: any document is refused or read as a change that writes out and reads back
// as itself; nothing panics.
func FuzzStatusChangeJSON(f *testing.F) {
	f.Add([]byte(`{"id":"M-1","status":"fulfilled","at":"2026-08-30T10:00:00+08:00","by":"driver-app"}`))
	f.Add([]byte(`{"id":"M-1","status":"fulfilled","status":"cancelled"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var c matching.StatusChange
		if err := json.Unmarshal(doc, &c); err != nil {
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			return // a time json cannot write (a year past 9999)
		}
		var back matching.StatusChange
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		require.True(t, back.Equal(c), "%s", b)
	})
}
