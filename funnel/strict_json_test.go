package funnel_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
)

// A campaign given its territory twice, or "Territory" for territory, would be read silently by
// encoding/json; LoadCampaign refuses both, naming the key.
func TestR8_CampaignRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	load := func(doc []byte) error {
		_, err := funnel.LoadCampaign(bytes.NewReader(doc))
		return err
	}
	wiretest.Refuses(t, campaignJSON, load, []wiretest.Case{
		{"duplicate", `"territory":"Hangzhou"`, `"territory":"Ningbo","territory":"Hangzhou"`, "territory: duplicate key"},
		{"duplicate targets", `"targets":["C01","C02"]`, `"targets":["C09"],"targets":["C01","C02"]`, "targets: duplicate key"},
		{"cased", `"territory":"Hangzhou"`, `"Territory":"Hangzhou"`, "Territory: unknown field"},
		{"cased by upper case", `"time_zone"`, `"TIME_ZONE"`, "TIME_ZONE: unknown field"},
	})
}

// A purchase record with its amount given twice is refused, not read as the last amount.
func TestR10_PurchaseRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	b, err := json.Marshal(buy("C01", at(4, 5), "123.45", b2bkit.SemiAuto))
	require.NoError(t, err)
	load := func(doc []byte) error {
		var p funnel.Purchase
		return json.Unmarshal(doc, &p)
	}
	wiretest.Refuses(t, string(b), load, []wiretest.Case{
		{"duplicate", `"amount":"123.45"`, `"amount":"1","amount":"123.45"`, "amount: duplicate key"},
		{"cased", `"amount":"123.45"`, `"Amount":"123.45"`, "Amount: unknown field"},
	})
}

// Touches and wallets are read as strictly as purchases.
func TestR7_TouchAndWalletRefuseADuplicateOrWronglyCasedKey(t *testing.T) {
	b, err := json.Marshal(touch("C01", "R1", "Hangzhou", at(3, 2)))
	require.NoError(t, err)
	wiretest.Refuses(t, string(b), func(doc []byte) error {
		var x funnel.Touch
		return json.Unmarshal(doc, &x)
	}, []wiretest.Case{
		{"duplicate", `"rep":"R1"`, `"rep":"R2","rep":"R1"`, "rep: duplicate key"},
		{"cased", `"territory":"Hangzhou"`, `"Territory":"Hangzhou"`, "Territory: unknown field"},
	})
	b, err = json.Marshal(wallet("C01", "1000", at(6, 1)))
	require.NoError(t, err)
	wiretest.Refuses(t, string(b), func(doc []byte) error {
		var x funnel.Wallet
		return json.Unmarshal(doc, &x)
	}, []wiretest.Case{
		{"duplicate", `"monthly":"1000"`, `"monthly":"1","monthly":"1000"`, "monthly: duplicate key"},
		{"cased", `"as_of"`, `"As_Of"`, "As_Of: unknown field"},
	})
}
