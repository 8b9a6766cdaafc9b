package risk_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lmFeatures is a feature set with the two features a limit reads; "-" is missing.
func lmFeatures(volume, days string) risk.FeatureSet {
	return scFeatures(map[risk.Feature]string{risk.AvgMonthlyValue12: volume, risk.UsualCreditDays: days})
}

// lmLine returns the figure of the log line about what, failing the test when there is none.
func lmLine(t *testing.T, l risk.Limit, what string) risk.LogLine {
	t.Helper()
	for _, line := range l.Log {
		if line.What == what {
			return line
		}
	}
	require.Failf(t, "no log line", "no line %q in %+v", what, l.Log)
	return risk.LogLine{}
}

func TestR17_LimitByHand(t *testing.T) {
	p := risk.DefaultLimitPolicy() // A 2 / 2,000,000; B 1.5 / 1,000,000; C 1 / 500,000; D 0.5 / 100,000; E 0 / 0; step 1000
	tests := []struct {
		name         string
		grade        risk.Grade
		volume, days string
		want         string
		months       string
	}{
		// 1.5 x 84000 x 1.5 = 189000
		{"B, net 45", "B", "84000.00", "45", "189000.00", "1.5000"},
		// 2 x 84000 x 1.5 = 252000
		{"A, net 45", "A", "84000.00", "45", "252000.00", "1.5000"},
		// 1 x 84000 x 1.5 = 126000
		{"C, net 45", "C", "84000.00", "45", "126000.00", "1.5000"},
		// 0.5 x 84000 x 1.5 = 63000
		{"D, net 45", "D", "84000.00", "45", "63000.00", "1.5000"},
		{"worst grade gets nothing", "E", "84000.00", "45", "0.00", "1.5000"},
		// 20 days = 0.6667 months: 1 x 123456.78 x 0.6667 = 82308.635226, down to 82000
		{"rounded down to the step", "C", "123456.78", "20", "82000.00", "0.6667"},
		// 1.5 x 999999.99 x 1 = 1499999.985 > cap 1,000,000
		{"capped", "B", "999999.99", "30", "1000000.00", "1.0000"},
		// 2 x 5,000,000 x 3 = 30,000,000 > cap 2,000,000
		{"capped, A", "A", "5000000", "90", "2000000.00", "3.0000"},
		// 0.5 x 1500 x 1 = 750: below one step
		{"below one step", "D", "1500.00", "30", "0.00", "1.0000"},
		// cash on delivery and prepaid give no credit period (R16)
		{"cash on delivery", "A", "84000.00", "0", "0.00", "0.0000"},
		{"prepaid", "A", "84000.00", "-3", "0.00", "-0.1000"},
		// weighted days with places: 37.5 / 30 = 1.25; 1.5 x 40000 x 1.25 = 75000
		{"fractional days", "B", "40000.00", "37.5", "75000.00", "1.2500"},
		// no orders in a year: volume 0
		{"zero volume", "A", "0.00", "30", "0.00", "1.0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := p.Limit(lmFeatures(tt.volume, tt.days), risk.Result{Grade: tt.grade, Score: 650})
			require.NoError(t, err)
			dectest.RequireEqual(t, dectest.Dec(tt.want), l.Amount)
			assert.Equal(t, tt.grade, l.Grade)
			assert.Equal(t, "CNY", l.Currency)
			assert.Equal(t, b2bkit.CompanyID("B-1"), l.Company)
			assert.True(t, l.ReviewAt.Equal(scAsOf.AddDate(0, 0, 90)), "review at %s", l.ReviewAt)
			assert.Equal(t, tt.months, lmLine(t, l, "credit months").Figure)
			assert.Equal(t, tt.want+" CNY", lmLine(t, l, "limit").Figure)
			assert.GreaterOrEqual(t, len(l.Log), 8)
			for _, line := range l.Log {
				assert.NotEmpty(t, line.Source, "line %q says where it comes from", line.What)
			}
		})
	}
}

func TestR17_LimitLogOnePerFigure(t *testing.T) {
	l, err := risk.DefaultLimitPolicy().Limit(lmFeatures("84000.00", "45"), risk.Result{Grade: "B", Score: 655})
	require.NoError(t, err)
	var whats []string
	for _, line := range l.Log {
		whats = append(whats, line.What)
	}
	assert.Equal(t, []string{"grade", "multiple", "average monthly volume (12m)", "usual credit days", "credit months",
		"raw limit", "cap", "limit", "review date"}, whats)
	assert.Equal(t, "B", lmLine(t, l, "grade").Figure)
	assert.Contains(t, lmLine(t, l, "grade").Source, "655")
	assert.Equal(t, "1.5", lmLine(t, l, "multiple").Figure)
	assert.Equal(t, "84000.00", lmLine(t, l, "average monthly volume (12m)").Figure)
	assert.Equal(t, "feature avg_monthly_value_12m", lmLine(t, l, "average monthly volume (12m)").Source)
	assert.Equal(t, "45", lmLine(t, l, "usual credit days").Figure)
	dectest.RequireEqual(t, dectest.Dec("189000"), dectest.Dec(lmLine(t, l, "raw limit").Figure))
	assert.Equal(t, "1000000", lmLine(t, l, "cap").Figure)
	assert.Equal(t, "2027-02-25", lmLine(t, l, "review date").Figure)
}

func TestR17_LimitMissingFiguresGiveZeroWithAReason(t *testing.T) {
	p := risk.DefaultLimitPolicy()
	tests := []struct {
		name, volume, days, why string
	}{
		{"volume missing", "-", "45", "average monthly volume is missing"},
		{"credit days missing", "84000.00", "-", "usual credit days are missing"},
		{"both missing", "-", "-", "average monthly volume is missing"},
		{"no credit period", "84000.00", "0", "no credit period (R16)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := p.Limit(lmFeatures(tt.volume, tt.days), risk.Result{Grade: "A"})
			require.NoError(t, err)
			assert.True(t, l.Amount.IsZero())
			assert.Contains(t, lmLine(t, l, "limit").Source, tt.why)
			assert.False(t, l.ReviewAt.IsZero())
		})
	}
}

func TestR17_LimitErrors(t *testing.T) {
	p := risk.DefaultLimitPolicy()
	good := lmFeatures("84000.00", "45")
	tests := []struct {
		name  string
		p     risk.LimitPolicy
		fs    risk.FeatureSet
		grade risk.Grade
		want  string
	}{
		{"unknown grade", p, good, "Z", `result.grade: the limit policy has no limit for grade "Z"`},
		{"no grade", p, good, "", `result.grade`},
		{"volume absent", p, scFeatures(map[risk.Feature]string{risk.UsualCreditDays: "45"}), "A", "features.values.avg_monthly_value_12m: absent"},
		{"days absent", p, scFeatures(map[risk.Feature]string{risk.AvgMonthlyValue12: "1"}), "A", "features.values.usual_credit_days: absent"},
		{"absurd volume", p, scFeatures(map[risk.Feature]string{risk.AvgMonthlyValue12: "1", risk.UsualCreditDays: "45"}), "A", ""},
		{"absurd days", p, lmFeatures("84000", "99999999"), "A", "features.values.usual_credit_days: out of range"},
		{"another currency", p, func() risk.FeatureSet { f := good; f.Currency = "USD"; return f }(), "A", "features.currency"},
		{"no as of", p, func() risk.FeatureSet { f := good; f.AsOf = time.Time{}; return f }(), "A", "features.as_of"},
		{"bad scale", p, func() risk.FeatureSet { f := good; f.Scale = 40; return f }(), "A", "features.scale"},
		{"invalid policy", risk.LimitPolicy{}, good, "A", "limit_policy.step"},
	}
	// A volume with an absurd exponent, as a Go caller could build.
	tests[4].fs.Values.Set(risk.AvgMonthlyValue12, risk.Value{Number: decimal.New(1, 100000)})
	tests[4].want = "features.values.avg_monthly_value_12m: out of range"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Limit(tt.fs, risk.Result{Grade: tt.grade})
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "risk: "), err.Error())
		})
	}
}

func TestR17_LimitNeverExceedsCapNorGoesNegative(t *testing.T) {
	p := risk.DefaultLimitPolicy()
	caps := map[risk.Grade]decimal.Decimal{}
	for _, g := range p.Grades {
		caps[g.Grade] = g.Cap
	}
	volumes := []string{"0", "0.01", "999.99", "84000.00", "1234567.89", "-500.00", "99999999999.99"}
	days := []string{"-30", "0", "1", "7", "29.99", "30", "45", "60", "90", "180"}
	for g, c := range caps {
		for _, v := range volumes {
			for _, d := range days {
				l, err := p.Limit(lmFeatures(v, d), risk.Result{Grade: g})
				require.NoError(t, err)
				require.False(t, l.Amount.IsNegative(), "%s %s %s", g, v, d)
				require.True(t, l.Amount.LessThanOrEqual(c), "%s %s %s: %s over cap %s", g, v, d, l.Amount, c)
				_, rem := l.Amount.QuoRem(p.Step, 0)
				require.True(t, rem.IsZero(), "%s is a multiple of the step", l.Amount)
			}
		}
	}
}

func TestR17_LimitNeverDecreasesWithVolume(t *testing.T) {
	p := risk.DefaultLimitPolicy()
	prev := decimal.Zero
	for v := int64(0); v <= 3_000_000; v += 7919 {
		l, err := p.Limit(lmFeatures(decimal.New(v, 0).String(), "45"), risk.Result{Grade: "B"})
		require.NoError(t, err)
		require.True(t, l.Amount.GreaterThanOrEqual(prev), "volume %d: %s < %s", v, l.Amount, prev)
		prev = l.Amount
	}
	dectest.RequireEqual(t, dectest.Dec("1000000"), prev, "reaches the cap")
}

func TestR25_LimitPolicyValidateReportsEveryProblem(t *testing.T) {
	p := risk.LimitPolicy{
		Grades: []risk.GradeLimit{
			{Grade: "A", Multiple: dectest.Dec("-1"), Cap: dectest.Dec("100")},
			{Grade: "A", Multiple: dectest.Dec("1"), Cap: dectest.Dec("-5")},
			{Grade: "", Multiple: decimal.New(1, 1000), Cap: dectest.Dec("0")},
		},
		Step:       dectest.Dec("0"),
		ReviewDays: 0,
		Currency:   "rmb",
	}
	fields := scErrFields(t, p.Validate())
	assert.ElementsMatch(t, []string{
		"limit_policy.grades[0].multiple",
		"limit_policy.grades[1].grade",
		"limit_policy.grades[1].cap",
		"limit_policy.grades[2].grade",
		"limit_policy.grades[2].multiple",
		"limit_policy.step",
		"limit_policy.review_days",
		"limit_policy.currency",
	}, fields)

	fields = scErrFields(t, risk.LimitPolicy{Step: dectest.Dec("1000"), ReviewDays: 9999}.Validate())
	assert.ElementsMatch(t, []string{"limit_policy.grades", "limit_policy.review_days"}, fields)
}

func TestR25_LimitPolicyValidateFor(t *testing.T) {
	card := risk.DefaultScorecard()
	require.NoError(t, risk.DefaultLimitPolicy().ValidateFor(card))

	p := risk.DefaultLimitPolicy()
	p.Grades = p.Grades[1:] // no A
	p.Grades[len(p.Grades)-1].Multiple = dectest.Dec("0.1")
	p.Grades[len(p.Grades)-1].Cap = dectest.Dec("1000") // E gets credit
	p.Grades = append(p.Grades, risk.GradeLimit{Grade: "F", Multiple: decimal.Zero, Cap: decimal.Zero})
	p.Currency = "USD"
	err := p.ValidateFor(card)
	fields := scErrFields(t, err)
	assert.ElementsMatch(t, []string{"limit_policy.grades", "limit_policy.grades[3]", "limit_policy.grades[4].grade",
		"limit_policy.currency"}, fields)
	assert.Contains(t, err.Error(), "no limit for grade A")
	assert.Contains(t, err.Error(), "F is not a grade")
	assert.Contains(t, err.Error(), "grade E is the worst")
}

func TestR25_LimitPolicyJSONRoundTripAndStrict(t *testing.T) {
	p := risk.DefaultLimitPolicy()
	data, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"multiple":"1.5"`)
	assert.Contains(t, string(data), `"step":"1000"`)
	back, err := risk.LoadLimitPolicy(bytes.NewReader(data))
	require.NoError(t, err)
	require.Len(t, back.Grades, len(p.Grades))
	for i := range p.Grades {
		assert.Equal(t, p.Grades[i].Grade, back.Grades[i].Grade)
		dectest.RequireEqual(t, p.Grades[i].Multiple, back.Grades[i].Multiple)
		dectest.RequireEqual(t, p.Grades[i].Cap, back.Grades[i].Cap)
	}
	dectest.RequireEqual(t, p.Step, back.Step)
	assert.Equal(t, p.ReviewDays, back.ReviewDays)
	assert.Equal(t, p.Currency, back.Currency)

	tests := []struct{ name, doc, want string }{
		{"unknown field", strings.Replace(string(data), `"review_days"`, `"reveiw_days":1,"review_days"`, 1), "unknown field"},
		{"unknown field in a grade", strings.Replace(string(data), `"cap":"0"`, `"cap":"0","floor":"1"`, 1), "unknown field"},
		{"no step", strings.Replace(string(data), `"step":"1000",`, ``, 1), "limit_policy.step: must be set"},
		{"no cap", strings.Replace(string(data), `,"cap":"0"`, ``, 1), "limit_policy.grades[4].cap: must be set"},
		{"exponent", strings.Replace(string(data), `"step":"1000"`, `"step":"1e3"`, 1), "exponents"},
		{"invalid", strings.Replace(string(data), `"review_days":90`, `"review_days":-1`, 1), "limit_policy.review_days"},
		{"too large", `{"currency":"` + strings.Repeat("C", 1<<20) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEqual(t, string(data), tt.doc, "the test must change the document")
			_, err := risk.LoadLimitPolicy(strings.NewReader(tt.doc))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestR17_TheWorstGradeGetsNoCreditWhateverThePolicySays: a buyer a card grades worst gets a limit
// of zero, saying why, even under a policy that gives that grade credit (one ValidateFor would
// refuse); the grade above it, and a Result that was not scored (which cannot know its card), get
// the policy's figures.
func TestR17_TheWorstGradeGetsNoCreditWhateverThePolicySays(t *testing.T) {
	generous := risk.DefaultLimitPolicy()
	generous.Grades[4] = risk.GradeLimit{Grade: "E", Multiple: decimal.New(3, 0), Cap: decimal.New(300_000, 0)}
	card := risk.DefaultScorecard()
	require.Error(t, generous.ValidateFor(card), "the policy is one ValidateFor refuses")
	fs := scBenchFeatures() // 84000.00 a month, net 45: E would get 3 x 84000 x 1.5 = 378000, capped at 300000

	for _, worst := range []risk.Grade{"E", "D"} {
		// Bands that put this buyer's score in worst: everything at or above 0 is D, unless E is the
		// only band at 0.
		c := card
		c.Grades = []risk.GradeBand{{"A", 1e9}, {"B", 1e9 - 1}, {"C", 1e9 - 2}, {"D", 0}, {"E", -1e9}}
		if worst == "E" {
			c.Grades[3].MinScore = 1e9 - 3
		}
		compiled, err := c.Compile()
		require.NoError(t, err)
		plain, err := c.Score(fs)
		require.NoError(t, err)
		fast, err := compiled.Score(fs)
		require.NoError(t, err)
		for _, r := range []risk.Result{plain, fast} {
			require.Equal(t, worst, r.Grade)
			l, err := generous.Limit(fs, r)
			require.NoError(t, err)
			if worst == "E" {
				assert.True(t, l.Amount.IsZero(), "the worst grade got %s", l.Amount)
				assert.Contains(t, lmLine(t, l, "limit").Source, "E is the worst grade of the scorecard")
			} else {
				dectest.RequireEqual(t, dectest.Dec("63000"), l.Amount) // D: 0.5 x 84000 x 1.5
			}
		}
	}

	// Not scored: the policy's figures for the grade, as a host building a Result gets them.
	l, err := generous.Limit(fs, risk.Result{Grade: "E", Score: 100})
	require.NoError(t, err)
	dectest.RequireEqual(t, dectest.Dec("300000"), l.Amount)
}
