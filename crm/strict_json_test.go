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

// FuzzRecordJSON: the records a host reads back from its own store as JSON — spells, job changes,
// deals, audit entries, accounts and their activity — are read strictly without a panic, and what is read writes back to JSON
// that reads the same.
func FuzzRecordJSON(f *testing.F) {
	f.Add(0, []byte(`{"id":"li@A@2024-01-01T00:00:00Z","person":"li","company":"A","title":"owner","roles":["decision_maker","payer"],"start":"2024-01-01T00:00:00+08:00","version":1}`))
	f.Add(1, []byte(`{"id":"li@2026-02-15T00:00:00Z","person":"li","at":"2026-02-15T00:00:00Z","from":"A","from_stage":"repurchasing","lost_roles":["payer"],"uncovered":[],"left_incomplete":false,"to":"B","title":"gm","roles":[],"to_stage":"target","lead_created":true}`))
	f.Add(2, []byte(`{"id":"tender-1","company":"A","opened":"2026-01-01T00:00:00Z","contacts":[{"person":"li","roles":["payer"]}]}`))
	f.Add(3, []byte(`{"person":"li","at":"2026-01-01T00:00:00Z","actor":"rep-7","action":"read","what":"Person"}`))
	f.Add(1, []byte(`{"lost_roles":["boss"]}`))
	f.Add(4, []byte(`{"id":"op-1","company":"A","person":"li","kind":"operator","closed":"2026-02-01T00:00:00Z","version":2}`))
	f.Add(5, []byte(`{"id":"x1","account":"op-1","company":"A","at":"2026-01-05T08:00:00+08:00","action":"order","subject":"PO-7"}`))
	f.Fuzz(func(t *testing.T, kind int, b []byte) {
		roundTrip := func(v, back any) {
			if json.Unmarshal(b, v) != nil {
				return
			}
			out, err := json.Marshal(v)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(out, back), "what is read writes back readable: %s", out)
			again, err := json.Marshal(back)
			require.NoError(t, err)
			require.JSONEq(t, string(out), string(again))
		}
		switch uint(kind) % 6 {
		case 0:
			roundTrip(new(crm.Spell), new(crm.Spell))
		case 1:
			roundTrip(new(crm.JobChange), new(crm.JobChange))
		case 2:
			roundTrip(new(crm.Deal), new(crm.Deal))
		case 3:
			roundTrip(new(crm.AuditEntry), new(crm.AuditEntry))
		case 4:
			roundTrip(new(crm.Account), new(crm.Account))
		default:
			roundTrip(new(crm.Activity), new(crm.Activity))
		}
	})
}

// Owner and operator accounts and their activity are records a host reads back from its store like
// companies and people, and are read as strictly: a misspelt "closed" would reopen an account.
func TestR5_AccountAndActivityRecordsRefuseADuplicateOrWronglyCasedKey(t *testing.T) {
	acc, err := json.Marshal(crm.Account{ID: "op-1", Company: "A", Person: "li", Kind: crm.Operator, Closed: day(2026, 2, 1)})
	require.NoError(t, err)
	wiretest.Refuses(t, string(acc), func(doc []byte) error {
		var a crm.Account
		return json.Unmarshal(doc, &a)
	}, []wiretest.Case{
		{"duplicate", `"company":"A"`, `"company":"A","company":"B"`, "company: duplicate key"},
		{"cased", `"closed":`, `"Closed":`, "Closed: unknown field"},
		{"misspelt", `"closed":`, `"clossed":`, "clossed: unknown field"},
	})
	act, err := json.Marshal(crm.Activity{ID: "x1", Account: "op-1", Company: "A", At: day(2026, 1, 5), Action: "order"})
	require.NoError(t, err)
	wiretest.Refuses(t, string(act), func(doc []byte) error {
		var a crm.Activity
		return json.Unmarshal(doc, &a)
	}, []wiretest.Case{
		{"duplicate", `"action":"order"`, `"action":"order","action":"cancel"`, "action: duplicate key"},
		{"cased", `"account":`, `"Account":`, "Account: unknown field"},
	})
}
