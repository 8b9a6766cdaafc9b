package risk_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
	"github.com/b2bkit/b2bkit/risk"
)

func strictJSONOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func loadScorecard(b []byte) error {
	_, err := risk.LoadScorecard(bytes.NewReader(b))
	return err
}

// A scorecard given "base" twice would take the last without a word (encoding/json's default).
func TestR17_ScorecardRefusesADuplicateKey(t *testing.T) {
	wiretest.Refuses(t, strictJSONOf(t, scSmallCard()), loadScorecard, []wiretest.Case{
		{"at the top", `"base":100`, `"base":600,"base":100`, "scorecard.base: duplicate key"},
		{"in a bin", `"points":-40`, `"points":-40,"points":40`, "scorecard.attributes[0].bins[0].points: duplicate key"},
		{"in a grade", `"min_score":120`, `"min_score":0,"min_score":120`, "scorecard.grades[0].min_score: duplicate key"},
	})
}

// encoding/json would read "BASE" or "Base" as base.
func TestR17_ScorecardRefusesAWronglyCasedKey(t *testing.T) {
	wiretest.Refuses(t, strictJSONOf(t, scSmallCard()), loadScorecard, []wiretest.Case{
		{"at the top", `"base":100`, `"BASE":100`, "scorecard.BASE: unknown field"},
		{"beside the right one", `"base":100`, `"base":100,"Base":600`, "scorecard.Base: unknown field"},
		// A bin reads itself (UnmarshalJSON), so its own decoding names the key, without the path above it.
		{"in a bin", `"points":-40`, `"Points":-40`, "Points: unknown field"},
	})
}

// A feature given twice in a buyer's values is refused, by whatever reads the JSON.
func TestR17_ValuesRefuseADuplicateFeature(t *testing.T) {
	var v risk.Values
	require.NoError(t, json.Unmarshal([]byte(`{"on_time_rate":{"number":"0.9"},"x_custom":{"number":"1"}}`), &v))
	err := json.Unmarshal([]byte(`{"on_time_rate":{"number":"0.9"},"on_time_rate":{"number":"0.1"}}`), &v)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Contains(t, err.Error(), "on_time_rate: duplicate key")
	err = json.Unmarshal([]byte(`{"x_custom":{"number":"1","number":"2"}}`), &v)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func loadLimitPolicy(b []byte) error {
	_, err := risk.LoadLimitPolicy(bytes.NewReader(b))
	return err
}

func TestR25_LimitPolicyRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	wiretest.Refuses(t, strictJSONOf(t, risk.DefaultLimitPolicy()), loadLimitPolicy, []wiretest.Case{
		{"duplicate at the top", `"review_days":90`, `"review_days":1,"review_days":90`, "review_days: duplicate key"},
		{"duplicate in a grade", `"cap":"2000000"`, `"cap":"2000000","cap":"9"`, "cap: duplicate key"},
		{"cased at the top", `"review_days":90`, `"Review_Days":90`, "Review_Days: unknown field"},
		{"cased in a grade", `"cap":"2000000"`, `"CAP":"2000000"`, "CAP: unknown field"},
	})
}

func loadWarningPolicy(b []byte) error {
	_, err := risk.LoadWarningPolicy(bytes.NewReader(b))
	return err
}

func TestR21_WarningPolicyRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	wiretest.Refuses(t, strictJSONOf(t, risk.DefaultWarningPolicy()), loadWarningPolicy, []wiretest.Case{
		{"duplicate", `"volume_ratio":"0.7"`, `"volume_ratio":"0.1","volume_ratio":"0.7"`, "volume_ratio: duplicate key"},
		{"cased", `"volume_ratio":"0.7"`, `"Volume_Ratio":"0.7"`, "Volume_Ratio: unknown field"},
	})
}

func loadHaircutSchedule(b []byte) error {
	_, err := risk.LoadHaircutSchedule(bytes.NewReader(b))
	return err
}

func TestR25_HaircutScheduleRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	wiretest.Refuses(t, strictJSONOf(t, risk.DefaultHaircutSchedule()), loadHaircutSchedule, []wiretest.Case{
		{"duplicate at the top", `"min_trades":5`, `"min_trades":1,"min_trades":5`, "min_trades: duplicate key"},
		{"duplicate in a step", `"haircut":"0.1"`, `"haircut":"0","haircut":"0.1"`, "haircut: duplicate key"},
		{"cased in a step", `"haircut":"0.1"`, `"HAIRCUT":"0.1"`, "HAIRCUT: unknown field"},
	})
}

func loadTolerances(b []byte) error {
	_, err := risk.LoadTolerances(bytes.NewReader(b))
	return err
}

func TestR18_TolerancesRefuseADuplicateOrWronglyCasedKey(t *testing.T) {
	wiretest.Refuses(t, strictJSONOf(t, risk.Tolerances{}), loadTolerances, []wiretest.Case{
		{"duplicate at the top", `"days":0`, `"days":9,"days":0`, "days: duplicate key"},
		{"duplicate in a tolerance", `"relative":"0"`, `"relative":"0.5","relative":"0"`, "relative: duplicate key"},
		{"cased in a tolerance", `"absolute":"0"`, `"Absolute":"0"`, "Absolute: unknown field"},
	})
}

// A receivable record read back from the host's store with a state given twice is refused, not
// read as the last.
func TestR19_ReceivableRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	l, reg := regLedger()
	fp := regOfferConfirm(t, l, regInvoice("INV-1", "1000.00"), "BANK-A")
	r, err := reg.Get(regCtx, fp)
	require.NoError(t, err)
	load := func(b []byte) error {
		var x risk.Receivable
		return json.Unmarshal(b, &x)
	}
	wiretest.Refuses(t, strictJSONOf(t, r), load, []wiretest.Case{
		{"duplicate state", `"state":"confirmed"`, `"state":"offered","state":"confirmed"`, "state: duplicate key"},
		{"duplicate in the log", `"to":"confirmed"`, `"to":"confirmed","to":"offered"`, "to: duplicate key"},
		{"cased state", `"state":"confirmed"`, `"State":"confirmed"`, "State: unknown field"},
	})
}

// A stored score result is read as written: a grade given twice, or "Grade" for grade, is refused.
func TestR17_ResultRefusesADuplicateOrWronglyCasedKey(t *testing.T) {
	good := strictJSONOf(t, risk.Result{Grade: "B", Score: 655})
	load := func(b []byte) error {
		var r risk.Result
		return json.Unmarshal(b, &r)
	}
	wiretest.Refuses(t, good, load, []wiretest.Case{
		{"duplicate", `"grade":"B"`, `"grade":"A","grade":"B"`, "grade: duplicate key"},
		{"cased", `"grade":"B"`, `"GRADE":"B"`, "GRADE: unknown field"},
	})
}
