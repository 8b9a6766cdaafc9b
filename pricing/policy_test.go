package pricing_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestLoadPolicy_RoundTripsThroughJSON(t *testing.T) {
	p := loadPolicy(t, "testdata/restaurant.json")
	data, err := json.Marshal(p)
	require.NoError(t, err)
	back, err := pricing.LoadPolicy(bytes.NewReader(data))
	require.NoError(t, err)
	v1, err := p.Version()
	require.NoError(t, err)
	v2, err := back.Version()
	require.NoError(t, err)
	require.Equal(t, v1, v2, "the canonical JSON, and so the version, survives a round trip")
	require.Len(t, v1, 64)
	require.Len(t, back.Steps, 7)
	requireDecEqual(t, dec("-3"), back.Steps[1].Rules[0].Bands[1].Percent)
	require.Equal(t, pricing.Approve, back.Steps[5].Rules[0].OnBreach)
}

func TestPolicy_VersionChangesWithContent(t *testing.T) {
	p := loadPolicy(t, "testdata/restaurant.json")
	v1, _ := p.Version()
	p.Steps[4].Rules[0].Percent = dec("-4")
	v2, _ := p.Version()
	require.NotEqual(t, v1, v2)
}

func TestLoadPolicy_RejectsBadDocuments(t *testing.T) {
	good, err := os.ReadFile("testdata/restaurant.json")
	require.NoError(t, err)
	cases := []struct {
		name, doc, want string
	}{
		{"unknown field", strings.Replace(string(good), `"valid_days": 7`, `"valid_days": 7, "discount": "9"`, 1), "unknown field"},
		{"unknown field in a rule", strings.Replace(string(good), `"id": "gold",`, `"id": "gold", "colour": "gold",`, 1), "unknown field"},
		{"absurd exponent", strings.Replace(string(good), `"percent": "-3"}`, `"percent": "1e999999"}`, 1), "exponent"},
		{"bare number exponent", strings.Replace(string(good), `"percent": "-3"}`, `"percent": 1e999999}`, 1), "exponent"},
		{"unknown step kind", strings.Replace(string(good), `"kind": "tier"`, `"kind": "loyalty"`, 1), "unknown step kind"},
		{"unknown combine", strings.Replace(string(good), `"kind": "tier",`, `"kind": "tier", "combine": "average",`, 1), "unknown combine"},
		{"trailing data", string(good) + "{}", "after the value"},
		{"not json", "steps: []", "json"},
		{"empty", "", "json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := pricing.LoadPolicy(strings.NewReader(c.doc))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestLoadPolicy_RejectsOversizedDocuments(t *testing.T) {
	big := `{"steps":[],"name":"` + strings.Repeat("x", b2bkit.MaxJSONBytes) + `"}`
	_, err := pricing.LoadPolicy(strings.NewReader(big))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func basePolicy(steps ...pricing.Step) pricing.Policy {
	return pricing.Policy{Currency: "CNY", Steps: append([]pricing.Step{{Kind: pricing.Base}}, steps...)}
}

func bands(fromToPct ...string) []pricing.Band {
	var out []pricing.Band
	for i := 0; i+2 < len(fromToPct)+1; i += 3 {
		b := pricing.Band{From: dec(fromToPct[i]), Percent: dec(fromToPct[i+2])}
		if fromToPct[i+1] != "" {
			b.To = dec(fromToPct[i+1])
		}
		out = append(out, b)
	}
	return out
}

func TestPolicy_ValidateNamesEveryProblem(t *testing.T) {
	cases := []struct {
		name   string
		policy pricing.Policy
		want   []string
	}{
		{"no steps", pricing.Policy{}, []string{"steps: must have at least a base step"}},
		{"base not first", pricing.Policy{Steps: []pricing.Step{{Kind: pricing.Tier}, {Kind: pricing.Base}}},
			[]string{"steps[0].kind: the first step must be base", "steps[1].kind: only the first step may be base"}},
		{"rounding not last", basePolicy(pricing.Step{Kind: pricing.Rounding}, pricing.Step{Kind: pricing.Tier}),
			[]string{"steps[1].kind: a rounding step must be the last"}},
		{"unknown kind", basePolicy(pricing.Step{Kind: 42}), []string{"steps[1].kind: unknown step kind 42"}},
		{"overlapping bands", basePolicy(pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{
			{ID: "q", Bands: bands("0", "100", "0", "50", "", "-5")}}}),
			[]string{"steps[1].rules[0].bands[1].from: overlaps bands[0]"}},
		{"gapped bands", basePolicy(pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{
			{ID: "q", Bands: bands("0", "100", "0", "200", "", "-5")}}}),
			[]string{"steps[1].rules[0].bands[1].from: leaves a gap after bands[0]"}},
		{"open band not last", basePolicy(pricing.Step{Kind: pricing.LeadTime, Rules: []pricing.Rule{
			{ID: "l", Bands: bands("0", "", "5", "2", "", "0")}}}),
			[]string{"bands[0].to: only the last band may be open"}},
		{"fractional lead days", basePolicy(pricing.Step{Kind: pricing.LeadTime, Rules: []pricing.Rule{
			{ID: "l", Bands: bands("0", "1.5", "5", "1.5", "", "0")}}}),
			[]string{"lead-time bands count whole days"}},
		{"negative rate", basePolicy(pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{
			{ID: "p", AnnualPercent: dec("-1")}}}),
			[]string{"steps[1].rules[0].annual_percent: must be >= 0"}},
		{"discount of 100%", basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
			{ID: "t", Tier: "gold", Percent: dec("-100")}}}),
			[]string{"steps[1].rules[0].percent: must be > -100"}},
		{"tie at equal specificity", basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
			{ID: "a", Tier: "gold", Percent: dec("-1")}, {ID: "b", Tier: "gold", Percent: dec("-2")}}}),
			[]string{"steps[1].rules[1]: ties with rules[0]"}},
		{"duplicate ids and missing id", basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
			{ID: "a", Tier: "gold", Percent: dec("-1")}, {ID: "a", Tier: "silver", Percent: dec("-2")},
			{Tier: "bronze", Percent: dec("-1")}}}),
			[]string{"steps[1].rules[1].id: duplicates", "steps[1].rules[2].id: must be set"}},
		{"field the kind does not read", basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
			{ID: "a", Tier: "gold", Percent: dec("-1"), AnnualPercent: dec("3")}}}),
			[]string{"steps[1].rules[0].annual_percent: is not read by a tier step"}},
		{"bad early payment", basePolicy(pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{
			{ID: "p", AnnualPercent: dec("10"), EarlyPayment: &pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 30, NetDays: 10}}}}),
			[]string{"early_payment.net_days"}},
		{"base without price", pricing.Policy{Steps: []pricing.Step{{Kind: pricing.Base, Rules: []pricing.Rule{{ID: "c"}}}}},
			[]string{"steps[0].rules[0].price: must be > 0"}},
		{"absurd number", basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
			{ID: "a", Amount: decimal.New(1, 9999)}}}),
			[]string{"steps[1].rules[0].amount: number out of range"}},
		{"rounding increment finer than scale", basePolicy(pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{
			{ID: "r", Scale: 1, Increment: dec("0.05")}}}),
			[]string{"increment: has more than scale"}},
		{"absurd rounding scale", basePolicy(pricing.Step{Kind: pricing.Rounding, Rules: []pricing.Rule{
			{ID: "r", Scale: 1 << 30, Increment: dec("0.05")}}}),
			[]string{"scale: must be between 0 and 18"}},
		{"one rule for guardrail", basePolicy(pricing.Step{Kind: pricing.Guardrail, Combine: pricing.Add}),
			[]string{"steps[1].combine: a guardrail step takes one rule"}},
		{"inverted validity", basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
			{ID: "a", Percent: dec("-1"), ValidFrom: orderDay, ValidUntil: orderDay.AddDate(0, 0, -1)}}}),
			[]string{"valid_until: must be after valid_from"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.policy.Validate()
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			for _, w := range c.want {
				require.ErrorContains(t, err, w)
			}
			require.True(t, strings.HasPrefix(err.Error(), "pricing: "), err.Error())
		})
	}
}

func TestPolicy_ValidateReportsAllProblemsAtOnce(t *testing.T) {
	p := basePolicy(
		pricing.Step{Kind: pricing.Quantity, Rules: []pricing.Rule{{ID: "q", Bands: bands("0", "100", "0", "50", "", "-5")}}},
		pricing.Step{Kind: pricing.Payment, Rules: []pricing.Rule{{ID: "p", AnnualPercent: dec("-1")}}},
		pricing.Step{Kind: 99},
	)
	err := p.Validate()
	require.ErrorContains(t, err, "steps[1].rules[0].bands[1].from")
	require.ErrorContains(t, err, "steps[2].rules[0].annual_percent")
	require.ErrorContains(t, err, "steps[3].kind")
}

func TestPolicy_RulesInDisjointValidityDoNotTie(t *testing.T) {
	p := basePolicy(pricing.Step{Kind: pricing.Tier, Rules: []pricing.Rule{
		{ID: "spring", Tier: "gold", Percent: dec("-1"), ValidUntil: orderDay},
		{ID: "summer", Tier: "gold", Percent: dec("-2"), ValidFrom: orderDay},
	}})
	require.NoError(t, p.Validate())
}

func TestNewEngine_RejectsInvalidPolicyAndNilSource(t *testing.T) {
	_, err := pricing.NewEngine(pricing.Policy{}, catalogSource(t), nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = pricing.NewEngine(basePolicy(), nil, nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "prices")
}

func TestEnums_RoundTripAsWords(t *testing.T) {
	for k := pricing.Base; k <= pricing.FreeGoods; k++ {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back pricing.StepKind
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, k, back)
	}
	var c pricing.Combine
	require.NoError(t, c.UnmarshalText([]byte("best_for_buyer")))
	require.Equal(t, pricing.BestForBuyer, c)
	require.Error(t, c.UnmarshalText([]byte("BEST")))
	_, err := pricing.StepKind(0).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Equal(t, "StepKind(0)", pricing.StepKind(0).String())
	require.Equal(t, "2/10 net 30", pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 10, NetDays: 30}.String())
	require.NoError(t, c.UnmarshalText([]byte("first")))
	require.Equal(t, pricing.First, c)
	require.Equal(t, "first", pricing.First.String())
	for _, w := range []struct {
		text string
		enc  interface {
			MarshalText() ([]byte, error)
			String() string
		}
	}{{"refuse", pricing.Refuse}, {"round_up", pricing.RoundUp}, {"line", pricing.PerLine}, {"invoice", pricing.PerInvoice},
		{"order_discount", pricing.OrderDiscount}, {"freight", pricing.Freight}, {"free_goods", pricing.FreeGoods}} {
		b, err := w.enc.MarshalText()
		require.NoError(t, err)
		require.Equal(t, w.text, string(b))
		require.Equal(t, w.text, w.enc.String())
	}
	var s pricing.Shortfall
	require.NoError(t, s.UnmarshalText([]byte("round_up")))
	require.Equal(t, pricing.RoundUp, s)
	require.ErrorIs(t, s.UnmarshalText([]byte("Round_Up")), b2bkit.ErrInvalid)
	var tr pricing.TaxRounding
	require.NoError(t, tr.UnmarshalText([]byte("invoice")))
	require.Equal(t, pricing.PerInvoice, tr)
	require.Equal(t, "Shortfall(9)", pricing.Shortfall(9).String())
}

// Every earlier rule a rule ties with, or repeats in an additive step, is named, in policy order,
// however many share its scope.
func TestPolicy_ValidateNamesEveryEarlierRuleOfTheSameScope(t *testing.T) {
	gold := func(id, pct string) pricing.Rule { return pricing.Rule{ID: id, Tier: "gold", Percent: dec(pct)} }
	silver := pricing.Rule{ID: "s", Tier: "silver", Percent: dec("-1")}
	goldA := pricing.Rule{ID: "g", Tier: "gold", Grade: "A", Percent: dec("-1")}
	for combine, want := range map[pricing.Combine][]string{
		pricing.MostSpecific: {
			`steps[1].rules[2]: ties with rules[0] ("a")`,
			`steps[1].rules[4]: ties with rules[0] ("a")`, `steps[1].rules[4]: ties with rules[2] ("b")`,
			`steps[1].rules[5]: ties with rules[0] ("a")`, `steps[1].rules[5]: ties with rules[2] ("b")`,
			`steps[1].rules[5]: ties with rules[4] ("c")`},
		pricing.Add: {
			`steps[1].rules[2]: duplicates rules[0] ("a")`,
			`steps[1].rules[5]: duplicates rules[0] ("a")`, `steps[1].rules[5]: duplicates rules[2] ("b")`},
	} {
		p := basePolicy(pricing.Step{Kind: pricing.Tier, Combine: combine, Rules: []pricing.Rule{
			gold("a", "-1"), silver, gold("b", "-1"), goldA, gold("c", "-2"), gold("d", "-1")}})
		err := p.Validate()
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		var got []string
		for _, line := range strings.Split(strings.TrimPrefix(err.Error(), "pricing: "), "\n") {
			got = append(got, line[:strings.Index(line, ")")+1])
		}
		require.Equal(t, want, got, "%s: %v", combine, err)
	}
}
