package matching_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
)

// A logged match read back with its subsidy given twice, or "Subsidy" for subsidy, is refused: the
// log must say what was matched, not the last of two figures.
func TestR13_MatchRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	b, err := json.Marshal(matchingtest.Sample("M-1", daysAgo(3)))
	require.NoError(t, err)
	good := string(b)
	var m matching.Match
	require.NoError(t, json.Unmarshal(b, &m))
	for name, c := range map[string][3]string{
		"duplicate":       {`"subsidy":"50"`, `"subsidy":"0","subsidy":"50"`, "subsidy: duplicate key"},
		"duplicate price": {`"unit_price":"118"`, `"unit_price":"118","unit_price":"1"`, "unit_price: duplicate key"},
		"cased":           {`"subsidy":"50"`, `"Subsidy":"50"`, "Subsidy: unknown field"},
		"upper case":      {`"unit_price":"118"`, `"UNIT_PRICE":"118"`, "UNIT_PRICE: unknown field"},
	} {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(good, c[0], c[1], 1)
			require.NotEqual(t, good, doc)
			var m matching.Match
			err := json.Unmarshal([]byte(doc), &m)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), c[2])
		})
	}
}
