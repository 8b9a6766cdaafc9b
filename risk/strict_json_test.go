package risk_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
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
		// A bin reads itself (UnmarshalJSON); the card and its attributes name its place.
		{"in a bin", `"points":-40`, `"Points":-40`, "scorecard.attributes[0].bins[0].Points: unknown field"},
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

// R25: a configuration document names the field of every problem, in a bin too, and refuses null
// where encoding/json would read it as an absent value, a zero or a policy of defaults. Before,
// an unknown key in a bin was "scorecard.x", a bad decimal "limit_policy: number \"x\"", a null
// point or base 0 and a null warning threshold a document without a field.
func TestR25_ConfigJSONNamesTheFieldAndRefusesNull(t *testing.T) {
	card := strictJSONOf(t, scSmallCard())
	wiretest.Refuses(t, card, loadScorecard, []wiretest.Case{
		{"unknown key in a bin", `"points":-40`, `"points":-40,"x":1`, "scorecard.attributes[0].bins[0].x: unknown field"},
		{"null points", `"points":-40`, `"points":null`, "scorecard.attributes[0].bins[0].points: must be a number, not null"},
		{"points a string", `"points":-40`, `"points":"-40"`, "scorecard.attributes[0].bins[0].points: must be a number"},
		{"null base", `"base":100`, `"base":null`, "scorecard.base: must be a number, not null"},
		{"null min score", `"min_score":90`, `"min_score":null`, "scorecard.grades[1].min_score: must be a number, not null"},
		{"unknown key in a grade", `"min_score":90`, `"min_score":90,"Grade":"X"`, "scorecard.grades[1].Grade: unknown field"},
		{"null bound", `"max":"0.7"`, `"max":null`, "scorecard.attributes[0].bins[0].max: must be a decimal, not null"},
		{"bad bound", `"min":"0.95"`, `"min":"0.9x5"`, "scorecard.attributes[0].bins[2].min: "},
	})
	policy := strictJSONOf(t, risk.DefaultLimitPolicy())
	wiretest.Refuses(t, policy, loadLimitPolicy, []wiretest.Case{
		{"bad step", `"step":"1000"`, `"step":"x"`, "limit_policy.step: "},
		{"null step", `"step":"1000"`, `"step":null`, "limit_policy.step: must be a decimal, not null"},
		{"bad cap", `"cap":"0"`, `"cap":"0x"`, "limit_policy.grades[4].cap: "},
		{"null multiple", `"multiple":"2"`, `"multiple":null`, "limit_policy.grades[0].multiple: must be a decimal, not null"},
	})
	warn := strictJSONOf(t, risk.DefaultWarningPolicy())
	wiretest.Refuses(t, warn, loadWarningPolicy, []wiretest.Case{
		{"bad ratio", `"volume_ratio":"0.7"`, `"volume_ratio":"x"`, "warning_policy.volume_ratio: "},
		{"null ratio", `"volume_ratio":"0.7"`, `"volume_ratio":null`, "warning_policy.volume_ratio: must be a decimal, not null"},
		{"null amount", `"past_due_amount":"0"`, `"past_due_amount":null`, "warning_policy.past_due_amount: must be a decimal, not null"},
	})
	for name, load := range map[string]func([]byte) error{"scorecard": loadScorecard, "limit_policy": loadLimitPolicy, "warning_policy": loadWarningPolicy} {
		err := load([]byte(" null\n"))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		assert.EqualError(t, err, "risk: "+name+": must be a JSON object, not null")
	}
}

// A decimal written with an exponent, as a string or a bare number, is refused naming its field's
// whole path, in every risk document (R26).
func TestR26_RiskDocumentsNameADecimalWithAnExponent(t *testing.T) {
	t.Run("scorecard", func(t *testing.T) {
		wiretest.Refuses(t, strictJSONOf(t, risk.DefaultScorecard()), loadScorecard, []wiretest.Case{
			{"string", `"max":"3"`, `"max":"3e0"`, `scorecard.attributes[0].bins[0].max: number "3e0": exponents are not accepted`},
			{"bare", `"min":"6"`, `"min":6E0`, `scorecard.attributes[0].bins[2].min: number "6E0": exponents are not accepted`},
		})
	})
	t.Run("limit policy", func(t *testing.T) {
		wiretest.Refuses(t, strictJSONOf(t, risk.DefaultLimitPolicy()), loadLimitPolicy, []wiretest.Case{
			{"string", `"cap":"2000000"`, `"cap":"2e6"`, `limit_policy.grades[0].cap: number "2e6": exponents are not accepted`},
			{"bare", `"step":"1000"`, `"step":1E-2`, `limit_policy.step: number "1E-2": exponents are not accepted`},
		})
	})
	t.Run("warning policy", func(t *testing.T) {
		wiretest.Refuses(t, strictJSONOf(t, risk.DefaultWarningPolicy()), loadWarningPolicy, []wiretest.Case{
			{"bare", `"volume_ratio":"0.7"`, `"volume_ratio":7e-1`, `warning_policy.volume_ratio: number "7e-1": exponents are not accepted`},
		})
	})
}

// R25: a null currency read as "" (no currency: a card that bins money unchecked, a policy that
// says none) where the other fields refuse null; so did a null version or reason code. Each is
// refused naming its field; an absent currency still means none.
func TestR25_ConfigRefusesANullCurrency(t *testing.T) {
	card := strictJSONOf(t, risk.DefaultScorecard())
	wiretest.Refuses(t, card, loadScorecard, []wiretest.Case{
		{"null currency", `"currency":"CNY"`, `"currency":null`, "scorecard.currency: must be a string, not null"},
		{"currency a number", `"currency":"CNY"`, `"currency":156`, "scorecard.currency: must be a string"},
		{"null version", `"version":"2026-11"`, `"version":null`, "scorecard.version: must be a string, not null"},
		{"null code", `"code":"R_TENURE"`, `"code":null`, "scorecard.attributes[0].code: must be a string, not null"},
	})
	require.NoError(t, loadScorecard([]byte(strings.Replace(card, `"currency":"CNY",`, ``, 1))), "no currency")
	policy := strictJSONOf(t, risk.DefaultLimitPolicy())
	require.Contains(t, policy, `"currency":"CNY"`)
	wiretest.Refuses(t, policy, loadLimitPolicy, []wiretest.Case{
		{"null currency", `"currency":"CNY"`, `"currency":null`, "limit_policy.currency: must be a string, not null"},
		{"currency a list", `"currency":"CNY"`, `"currency":["CNY"]`, "limit_policy.currency: must be a string"},
	})
	require.NoError(t, loadLimitPolicy([]byte(strings.Replace(policy, `,"currency":"CNY"`, ``, 1))), "no currency")
}

// R26: a feature value read from JSON took its number through shopspring's reader, which accepts
// exponents ("1e3", and up to 1e-10000, which make adding or comparing slow) where every other
// decimal of the package is read through b2bkit.ParseDecimal; it is refused naming the feature.
func TestR26_ValuesRefuseANumberWithAnExponent(t *testing.T) {
	for doc, want := range map[string]string{
		`{"tenure_months":{"number":"1e3"}}`:      `tenure_months.number: number "1e3": exponents are not accepted`,
		`{"tenure_months":{"number":1E-9999}}`:    `tenure_months.number: number "1E-9999": exponents are not accepted`,
		`{"x_custom":{"number":null}}`:            `x_custom.number: must be a decimal, not null`,
		`{"on_time_rate":{"number":"0.9","n":1}}`: `on_time_rate.n: unknown field`,
	} {
		var v risk.Values
		err := json.Unmarshal([]byte(doc), &v)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, doc)
		assert.ErrorContains(t, err, want, doc)
	}
	var v risk.Values
	require.NoError(t, json.Unmarshal([]byte(`{"tenure_months":{"number":"30"},"industry":{"number":"0","category":"food"},"trend_3m_vs_9m":{"missing":true}}`), &v))
	got, ok := v.Get(risk.TenureMonths)
	require.True(t, ok)
	assert.True(t, got.Number.Equal(decimal.NewFromInt(30)))
	got, _ = v.Get(risk.Trend)
	assert.True(t, got.Missing)
}
