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
