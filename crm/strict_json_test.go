package crm_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

// strictCases checks that load accepts good and refuses good with each old replaced by new, as
// ErrInvalid whose message holds want.
func strictCases(t *testing.T, good string, load func(string) error, cases [][4]string) {
	t.Helper()
	require.NoError(t, load(good))
	for _, c := range cases {
		name, old, repl, want := c[0], c[1], c[2], c[3]
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(good, old, repl, 1)
			require.NotEqual(t, good, doc, "the case must change the document")
			err := load(doc)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), want)
		})
	}
}

// A tier policy given a level's min_points twice would take the last without a word.
func TestR4_TierPolicyRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	load := func(doc string) error {
		_, err := crm.LoadTierPolicy(strings.NewReader(doc))
		return err
	}
	strictCases(t, policyJSON, load, [][4]string{
		{"duplicate at the top", `"window_days": 365`, `"window_days": 30, "window_days": 365`, "tier_policy.window_days: duplicate key"},
		{"duplicate in a level", `"min_points": "5000"`, `"min_points": "1", "min_points": "5000"`, "tier_policy.levels[2].min_points: duplicate key"},
		{"duplicate weight", `"review": "20"`, `"review": "20", "review": "0"`, "tier_policy.weights.review: duplicate key"},
		{"cased at the top", `"window_days": 365`, `"Window_Days": 365`, "tier_policy.Window_Days: unknown field"},
		{"cased weight", `"referral": "500"`, `"REFERRAL": "500"`, "tier_policy.weights.REFERRAL: unknown field"},
	})
}

// A company record read back from the host's store with a key given twice is refused.
func TestR2_CompanyRecordRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	b, err := json.Marshal(crm.Company{ID: "A", Name: "金锅餐饮", Territory: "east", City: "Hangzhou"})
	require.NoError(t, err)
	load := func(doc string) error {
		var c crm.Company
		return json.Unmarshal([]byte(doc), &c)
	}
	strictCases(t, string(b), load, [][4]string{
		{"duplicate", `"city":"Hangzhou"`, `"city":"Hangzhou","city":"Ningbo"`, "city: duplicate key"},
		{"cased", `"city":"Hangzhou"`, `"City":"Hangzhou"`, "City: unknown field"},
	})
}
