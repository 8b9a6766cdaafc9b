package funnel_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
)

// A campaign given its territory twice, or "Territory" for territory, would be read silently by
// encoding/json; LoadCampaign refuses both, naming the key.
func TestR8_CampaignRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	_, err := funnel.LoadCampaign(strings.NewReader(campaignJSON))
	require.NoError(t, err)
	for name, c := range map[string][3]string{
		"duplicate":           {`"territory":"Hangzhou"`, `"territory":"Ningbo","territory":"Hangzhou"`, "territory: duplicate key"},
		"duplicate targets":   {`"targets":["C01","C02"]`, `"targets":["C09"],"targets":["C01","C02"]`, "targets: duplicate key"},
		"cased":               {`"territory":"Hangzhou"`, `"Territory":"Hangzhou"`, "Territory: unknown field"},
		"cased by upper case": {`"time_zone"`, `"TIME_ZONE"`, "TIME_ZONE: unknown field"},
	} {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(campaignJSON, c[0], c[1], 1)
			require.NotEqual(t, campaignJSON, doc)
			_, err := funnel.LoadCampaign(strings.NewReader(doc))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), c[2])
		})
	}
}

// A purchase record with its amount given twice is refused, not read as the last amount.
func TestR10_PurchaseRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	b, err := json.Marshal(buy("C01", at(4, 5), "123.45", b2bkit.SemiAuto))
	require.NoError(t, err)
	good := string(b)
	var p funnel.Purchase
	require.NoError(t, json.Unmarshal(b, &p))
	for name, c := range map[string][3]string{
		"duplicate": {`"amount":"123.45"`, `"amount":"1","amount":"123.45"`, "amount: duplicate key"},
		"cased":     {`"amount":"123.45"`, `"Amount":"123.45"`, "Amount: unknown field"},
	} {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(good, c[0], c[1], 1)
			require.NotEqual(t, good, doc)
			var p funnel.Purchase
			err := json.Unmarshal([]byte(doc), &p)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), c[2])
		})
	}
}
