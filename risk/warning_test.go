package risk_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// warnSet is a feature set from feature, value pairs; the value "missing" makes a missing value.
func warnSet(pairs ...string) risk.FeatureSet {
	fs := risk.FeatureSet{Company: "golden-wok", AsOf: checkNow, Currency: "CNY", Scale: 2, Values: risk.ValuesOf(nil)}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "missing" {
			fs.Values.Set(risk.Feature(pairs[i]), risk.Value{Missing: true})
			continue
		}
		fs.Values.Set(risk.Feature(pairs[i]), risk.Value{Number: dectest.Dec(pairs[i+1])})
	}
	return fs
}

// warnCase is one feature set and the warning it should raise, or none ("").
type warnCase struct {
	name             string
	set              risk.FeatureSet
	policy           *risk.WarningPolicy
	code             string
	feature          risk.Feature
	value, threshold string
	message          string
}

func warnRun(t *testing.T, cases []warnCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := risk.Warnings(tc.set, tc.policy)
			require.NoError(t, err)
			if tc.code == "" {
				assert.Empty(t, ws)
				return
			}
			require.Len(t, ws, 1, "%+v", ws)
			w := ws[0]
			assert.Equal(t, tc.code, w.Code)
			assert.Equal(t, tc.feature, w.Feature)
			dectest.RequireEqual(t, dectest.Dec(tc.value), w.Value)
			dectest.RequireEqual(t, dectest.Dec(tc.threshold), w.Threshold)
			if tc.message != "" {
				assert.Equal(t, tc.message, w.Message)
			}
		})
	}
}

func TestR21_VolumeFalling(t *testing.T) {
	warnRun(t, []warnCase{
		{name: "trend below 0.7 fires", set: warnSet("trend_3m_vs_9m", "0.62"), code: "volume_falling", feature: risk.Trend,
			value: "0.62", threshold: "0.7", message: "order volume of the last 3 months is 0.62 of the 9 before (below 0.7)"},
		{name: "trend at 0.7 does not", set: warnSet("trend_3m_vs_9m", "0.7")},
		{name: "a rising trend does not", set: warnSet("trend_3m_vs_9m", "1.3", "avg_monthly_value_3m", "10", "avg_monthly_value_12m", "100")},
		{name: "policy threshold", set: warnSet("trend_3m_vs_9m", "0.75"), policy: &risk.WarningPolicy{VolumeRatio: dectest.Dec("0.8")},
			code: "volume_falling", feature: risk.Trend, value: "0.75", threshold: "0.8"},
		// without a trend: 600 < 0.7 x 1000; 600 / 1000 = 0.6
		{name: "averages fire without a trend", set: warnSet("trend_3m_vs_9m", "missing", "avg_monthly_value_3m", "600", "avg_monthly_value_12m", "1000"),
			code: "volume_falling", feature: risk.AvgMonthlyValue3, value: "0.6", threshold: "0.7"},
		{name: "averages at 0.7 do not", set: warnSet("avg_monthly_value_3m", "700", "avg_monthly_value_12m", "1000")},
		{name: "no 12 months' value", set: warnSet("avg_monthly_value_3m", "0", "avg_monthly_value_12m", "0")},
		{name: "missing averages", set: warnSet("avg_monthly_value_3m", "1", "avg_monthly_value_12m", "missing")},
		{name: "absent", set: warnSet()},
	})
}

func TestR21_PaymentsSlipping(t *testing.T) {
	warnRun(t, []warnCase{
		{name: "9 days later fires", set: warnSet("days_late_3m", "11", "days_late_prior_9m", "2"), code: "payments_slipping",
			feature: risk.DaysLate3, value: "9", threshold: "5",
			message: "days late rose from 2 to 11 in the last 3 months (by more than 5)"},
		{name: "5 days later does not", set: warnSet("days_late_3m", "7.5", "days_late_prior_9m", "2.5")},
		{name: "5.01 days later fires", set: warnSet("days_late_3m", "7.51", "days_late_prior_9m", "2.5"), code: "payments_slipping",
			feature: risk.DaysLate3, value: "5.01", threshold: "5"},
		{name: "paying earlier does not", set: warnSet("days_late_3m", "0", "days_late_prior_9m", "20")},
		{name: "policy threshold", set: warnSet("days_late_3m", "4", "days_late_prior_9m", "1"), policy: &risk.WarningPolicy{SlippingDays: dectest.Dec("2")},
			code: "payments_slipping", feature: risk.DaysLate3, value: "3", threshold: "2"},
		{name: "missing prior", set: warnSet("days_late_3m", "30", "days_late_prior_9m", "missing")},
		{name: "absent prior", set: warnSet("days_late_3m", "30")},
	})
}

func TestR21_PenetrationFalling(t *testing.T) {
	warnRun(t, []warnCase{
		// from 0.40 to 0.30: down 0.10 of 0.40 = 25% > 20%
		{name: "a quarter down fires", set: warnSet("penetration", "0.30", "penetration_prior", "0.40"), code: "penetration_falling",
			feature: risk.Penetration, value: "0.25", threshold: "0.2",
			message: "penetration fell from 0.4 to 0.3, by 25% (more than 20%)"},
		// 0.32 is exactly 20% below 0.40: not more than 20%
		{name: "a fifth down does not", set: warnSet("penetration", "0.32", "penetration_prior", "0.40")},
		{name: "rising does not", set: warnSet("penetration", "0.5", "penetration_prior", "0.4")},
		{name: "no prior penetration", set: warnSet("penetration", "0.1", "penetration_prior", "0")},
		{name: "policy threshold", set: warnSet("penetration", "0.35", "penetration_prior", "0.40"), policy: &risk.WarningPolicy{PenetrationDrop: dectest.Dec("0.1")},
			code: "penetration_falling", feature: risk.Penetration, value: "0.125", threshold: "0.1"},
		{name: "missing without a wallet", set: warnSet("penetration", "missing", "penetration_prior", "missing")},
		{name: "absent", set: warnSet("penetration", "0.1")},
	})
}

func TestR21_KeyPersonGone(t *testing.T) {
	warnRun(t, []warnCase{
		{name: "lost fires", set: warnSet("key_person_lost", "1"), code: "key_person_gone", feature: risk.KeyPersonLost,
			value: "1", threshold: "1", message: "a key person left the buyer"},
		{name: "none lost does not", set: warnSet("key_person_lost", "0")},
		{name: "no person CRM", set: warnSet("key_person_lost", "missing")},
		{name: "absent", set: warnSet()},
	})
}

func TestR21_PastDue90(t *testing.T) {
	warnRun(t, []warnCase{
		{name: "any amount fires", set: warnSet("overdue_90_plus", "0.01"), code: "past_due_90", feature: risk.Overdue90Plus,
			value: "0.01", threshold: "0", message: "0.01 CNY unpaid 90 days or more past due (above 0)"},
		{name: "nothing does not", set: warnSet("overdue_90_plus", "0", "overdue_60_89", "5000")},
		{name: "within the policy's amount", set: warnSet("overdue_90_plus", "100"), policy: &risk.WarningPolicy{PastDueAmount: dectest.Dec("100")}},
		{name: "above the policy's amount", set: warnSet("overdue_90_plus", "100.01"), policy: &risk.WarningPolicy{PastDueAmount: dectest.Dec("100")},
			code: "past_due_90", feature: risk.Overdue90Plus, value: "100.01", threshold: "100"},
		{name: "missing", set: warnSet("overdue_90_plus", "missing")},
	})
}

func TestWarnings_MostSevereFirst(t *testing.T) {
	set := warnSet("penetration", "0.1", "penetration_prior", "0.4", "trend_3m_vs_9m", "0.5",
		"days_late_3m", "20", "days_late_prior_9m", "1", "key_person_lost", "1", "overdue_90_plus", "10")
	ws, err := risk.Warnings(set, nil)
	require.NoError(t, err)
	var got []string
	for _, w := range ws {
		got = append(got, w.Code+"/"+w.Severity.String()+"/"+w.Action.String())
	}
	assert.Equal(t, []string{
		"past_due_90/alert/cut_limit", "key_person_gone/alert/freeze_limit",
		"payments_slipping/watch/review", "volume_falling/watch/review", "penetration_falling/info/review",
	}, got)
	for i := 1; i < len(ws); i++ {
		assert.GreaterOrEqual(t, ws[i-1].Severity, ws[i].Severity)
	}

	// signs switched off are not raised; the others keep their order
	ws, err = risk.Warnings(set, &risk.WarningPolicy{Off: []string{"key_person_gone", "volume_falling"}})
	require.NoError(t, err)
	got = got[:0]
	for _, w := range ws {
		got = append(got, w.Code)
	}
	assert.Equal(t, []string{"past_due_90", "payments_slipping", "penetration_falling"}, got)

	// an empty policy is the default one
	ws2, err := risk.Warnings(set, &risk.WarningPolicy{})
	require.NoError(t, err)
	require.Len(t, ws2, 5)

	// a categorical feature of a host raises nothing
	ws, err = risk.Warnings(risk.FeatureSet{Values: risk.ValuesOf(map[risk.Feature]risk.Value{risk.KeyPersonLost: {Category: "yes"}})}, nil)
	require.NoError(t, err)
	assert.Empty(t, ws)
}

func TestWarningPolicy_Validate(t *testing.T) {
	require.NoError(t, risk.DefaultWarningPolicy().Validate())
	require.NoError(t, risk.WarningPolicy{}.Validate())
	p := risk.WarningPolicy{
		VolumeRatio: dectest.Dec("1.1"), SlippingDays: dectest.Dec("-1"), PenetrationDrop: dectest.Dec("1"),
		PastDueAmount: dectest.Dec("-5"), Off: []string{"volume_falling", "nope", "volume_falling"},
	}
	err := p.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, f := range []string{"volume_ratio", "slipping_days", "penetration_drop", "past_due_amount", "off[1]", "off[2]"} {
		assert.Contains(t, err.Error(), "warning_policy."+f+":")
	}
	assert.True(t, strings.HasPrefix(err.Error(), "risk: "))
	assert.NotContains(t, err.Error(), "off[0]")
	_, err = risk.Warnings(warnSet(), &p)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestWarningPolicy_JSON(t *testing.T) {
	p := risk.WarningPolicy{VolumeRatio: dectest.Dec("0.65"), SlippingDays: dectest.Dec("7"), PenetrationDrop: dectest.Dec("0.25"),
		PastDueAmount: dectest.Dec("500.00"), Off: []string{"key_person_gone"}}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, `{"volume_ratio":"0.65","slipping_days":"7","penetration_drop":"0.25","past_due_amount":"500","off":["key_person_gone"]}`, string(b))
	back, err := risk.LoadWarningPolicy(bytes.NewReader(b))
	require.NoError(t, err)
	dectest.RequireEqual(t, p.VolumeRatio, back.VolumeRatio)
	dectest.RequireEqual(t, p.SlippingDays, back.SlippingDays)
	dectest.RequireEqual(t, p.PenetrationDrop, back.PenetrationDrop)
	dectest.RequireEqual(t, p.PastDueAmount, back.PastDueAmount)
	assert.Equal(t, p.Off, back.Off)

	// absent thresholds are the defaults
	partial, err := risk.LoadWarningPolicy(strings.NewReader(`{"slipping_days": "3"}`))
	require.NoError(t, err)
	ws, err := risk.Warnings(warnSet("days_late_3m", "4", "days_late_prior_9m", "0", "trend_3m_vs_9m", "0.69"), &partial)
	require.NoError(t, err)
	require.Len(t, ws, 2)
	dectest.RequireEqual(t, dectest.Dec("3"), ws[0].Threshold)
	dectest.RequireEqual(t, dectest.Dec("0.7"), ws[1].Threshold)
}

func TestLoadWarningPolicy_Strict(t *testing.T) {
	for _, tc := range []struct {
		name, json, field string
	}{
		{"unknown field", `{"volume_ratio": "0.7", "volume_ratoi": "0.5"}`, "warning_policy"},
		{"exponent", `{"volume_ratio": "7e-1"}`, "warning_policy"},
		{"trailing data", `{} {}`, "warning_policy"},
		{"not an object", `[1]`, "warning_policy"},
		{"out of range", `{"volume_ratio": "2"}`, "warning_policy.volume_ratio"},
		{"unknown code", `{"off": ["volume_rising"]}`, "warning_policy.off[0]"},
		{"too large", `{"off": [` + strings.Repeat(`"past_due_90",`, 100_000) + `"past_due_90"]}`, "warning_policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := risk.LoadWarningPolicy(strings.NewReader(tc.json))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), "risk: "+tc.field)
		})
	}
}

func TestSeverityAndAction_Text(t *testing.T) {
	for _, s := range []risk.Severity{risk.Info, risk.Watch, risk.Alert} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back risk.Severity
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	for _, a := range []risk.Action{risk.Review, risk.FreezeLimit, risk.CutLimit} {
		b, err := a.MarshalText()
		require.NoError(t, err)
		var back risk.Action
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, a, back)
	}
	assert.Equal(t, "freeze_limit", risk.FreezeLimit.String())
	assert.Equal(t, "alert", risk.Alert.String())
	var s risk.Severity
	require.ErrorIs(t, s.UnmarshalText([]byte("panic")), b2bkit.ErrInvalid)
	var a risk.Action
	require.ErrorIs(t, a.UnmarshalText([]byte("cut")), b2bkit.ErrInvalid)
	_, err := risk.Action(9).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = risk.Severity(-1).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)

	b, err := json.Marshal(risk.Warning{Code: "past_due_90", Severity: risk.Alert, Action: risk.CutLimit, Value: dectest.Dec("1.5")})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"severity":"alert","action":"cut_limit"`)
}

// R21: a zero threshold means its default, in JSON too, and the near-zero figures WarningPolicy
// documents instead do what a zero would: the smallest rise in days late Features can report
// (one RatioScale step) raises payments_slipping, as does the smallest fall in penetration.
func TestR21_ZeroThresholdIsTheDefaultAndNearZeroActsAsZero(t *testing.T) {
	p, err := risk.LoadWarningPolicy(strings.NewReader(`{"slipping_days":"0","penetration_drop":"0"}`))
	require.NoError(t, err)
	ws, err := risk.Warnings(warnSet("days_late_3m", "7", "days_late_prior_9m", "1"), &p)
	require.NoError(t, err)
	require.Len(t, ws, 1)
	dectest.RequireEqual(t, dectest.Dec("5"), ws[0].Threshold) // the default, said in the warning
	ws, err = risk.Warnings(warnSet("days_late_3m", "4", "days_late_prior_9m", "1"), &p)
	require.NoError(t, err)
	assert.Empty(t, ws, "a rise of 3 days is within the default 5")

	near := risk.WarningPolicy{SlippingDays: dectest.Dec("0.00001"), PenetrationDrop: dectest.Dec("0.00001")}
	ws, err = risk.Warnings(warnSet("days_late_3m", "2.0001", "days_late_prior_9m", "2"), &near)
	require.NoError(t, err)
	require.Len(t, ws, 1)
	assert.Equal(t, "payments_slipping", ws[0].Code)
	ws, err = risk.Warnings(warnSet("days_late_3m", "2", "days_late_prior_9m", "2"), &near)
	require.NoError(t, err)
	assert.Empty(t, ws, "no rise, no warning")
	ws, err = risk.Warnings(warnSet("penetration", "0.3999", "penetration_prior", "0.4"), &near)
	require.NoError(t, err)
	require.Len(t, ws, 1)
	assert.Equal(t, "penetration_falling", ws[0].Code)
}
