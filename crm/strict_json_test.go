package crm_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
)

// A tier policy given a level's min_points twice would take the last without a word.
func TestR4_TierPolicyRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	load := func(doc []byte) error {
		_, err := crm.LoadTierPolicy(bytes.NewReader(doc))
		return err
	}
	wiretest.Refuses(t, policyJSON, load, []wiretest.Case{
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
	load := func(doc []byte) error {
		var c crm.Company
		return json.Unmarshal(doc, &c)
	}
	wiretest.Refuses(t, string(b), load, []wiretest.Case{
		{"duplicate", `"city":"Hangzhou"`, `"city":"Hangzhou","city":"Ningbo"`, "city: duplicate key"},
		{"cased", `"city":"Hangzhou"`, `"City":"Hangzhou"`, "City: unknown field"},
	})
}
