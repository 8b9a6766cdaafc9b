package risk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
)

// requireNamesInOrder fails unless err matches ErrInvalid and its message names each of want, in
// that order.
func requireNamesInOrder(t *testing.T, err error, want ...string) {
	t.Helper()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	msg, at := err.Error(), -1
	for _, w := range want {
		i := strings.Index(msg, w)
		require.Greater(t, i, at, "%q must come after the one before it in %q", w, msg)
		at = i
	}
}

// TestR17_ScoreNamesEveryMissingOrInvalidFeature: a feature set missing several of the card's
// features, or with several values the card cannot bin, is refused naming each of them, in the
// card's order, not only the first: a host fixes its feature pipeline in one pass. The compiled
// card says the same.
func TestR17_ScoreNamesEveryMissingOrInvalidFeature(t *testing.T) {
	values := scGoodBuyer()
	delete(values, risk.TenureMonths)
	delete(values, risk.DisputeRate)
	values[risk.OnTimeRate] = "cat:good" // a category for a numeric attribute
	fs := scFeatures(values)
	card := risk.DefaultScorecard()
	want := []string{"features.values.tenure_months: absent", "features.values.on_time_rate: has category",
		"features.values.dispute_rate: absent"}
	_, err := card.Score(fs)
	requireNamesInOrder(t, err, want...)
	compiled, err := card.Compile()
	require.NoError(t, err)
	_, err = compiled.Score(fs)
	requireNamesInOrder(t, err, want...)
}

// TestR17_LimitNamesEveryProblem: a feature set without AsOf, with a bad scale, missing both the
// volume and the credit days, graded with a grade the policy does not know, is refused naming each
// problem, in a stable order, not only the first.
func TestR17_LimitNamesEveryProblem(t *testing.T) {
	values := scGoodBuyer()
	delete(values, risk.AvgMonthlyValue12)
	delete(values, risk.UsualCreditDays)
	fs := scFeatures(values)
	fs.AsOf = time.Time{}
	fs.Scale = -1
	_, err := risk.DefaultLimitPolicy().Limit(fs, risk.Result{Grade: "Z"})
	requireNamesInOrder(t, err, "features.as_of: must be set", "features.scale: must be between",
		"result.grade: the limit policy has no limit", "features.values.avg_monthly_value_12m: absent",
		"features.values.usual_credit_days: absent")

	// Both figures out of range: each named.
	values = scGoodBuyer()
	values[risk.AvgMonthlyValue12] = "1" + strings.Repeat("0", 40)
	values[risk.UsualCreditDays] = "99999999"
	_, err = risk.DefaultLimitPolicy().Limit(scFeatures(values), risk.Result{Grade: "A"})
	requireNamesInOrder(t, err, "features.values.avg_monthly_value_12m: out of range",
		"features.values.usual_credit_days: out of range")
}
