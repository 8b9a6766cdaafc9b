package b2bkit_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

// Payment terms with an installment's share given twice, or "Share" for share, are refused: the
// terms set the price, so they are read as written or not at all.
func TestR11_PaymentTermsRefuseADuplicateOrWronglyCasedKey(t *testing.T) {
	var p b2bkit.PaymentTerms
	require.NoError(t, json.Unmarshal([]byte(`{"installments":[{"share":"1","due":"on_order","days":0}]}`), &p))
	for name, c := range map[string][2]string{
		"duplicate share":        {`{"installments":[{"share":"0.1","share":"1","due":"on_order","days":0}]}`, "share: duplicate key"},
		"duplicate installments": {`{"installments":[],"installments":[{"share":"1","due":"on_order","days":0}]}`, "installments: duplicate key"},
		"cased share":            {`{"installments":[{"Share":"1","due":"on_order","days":0}]}`, "Share: unknown field"},
		"cased installments":     {`{"Installments":[{"share":"1","due":"on_order","days":0}]}`, "Installments: unknown field"},
	} {
		t.Run(name, func(t *testing.T) {
			var p b2bkit.PaymentTerms
			err := json.Unmarshal([]byte(c[0]), &p)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), c[1])
		})
	}
}
