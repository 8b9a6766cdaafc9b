package pricing_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// R25: a step, a rule, a band or an early-payment offer decoded alone — a host keeping its rules
// one per row — is read as strictly as inside a policy, names what is wrong by its path from the
// value decoded, and replaces the value whole: nothing of the old value is left, and a document that
// fails leaves it as it was.
func TestR25_APartOfAPolicyDecodedAloneIsStrict(t *testing.T) {
	cases := []struct {
		name, doc, want string
		into            func() any
	}{
		{"unknown key in a rule", `{"id":"a","percnt":"1"}`, `percnt: unknown field`, func() any { return new(pricing.Rule) }},
		{"key in another case in a rule", `{"id":"a","Percent":"1"}`, `Percent: unknown field`, func() any { return new(pricing.Rule) }},
		{"duplicate key in a rule", `{"id":"a","id":"b"}`, `id: duplicate key`, func() any { return new(pricing.Rule) }},
		{"unknown key in a rule's band", `{"id":"a","bands":[{"from":"0","percnt":"1"}]}`, `bands[0].percnt: unknown field`,
			func() any { return new(pricing.Rule) }},
		{"duplicate key in a rule's band", `{"id":"a","bands":[{"from":"0","from":"1"}]}`, `bands[0].from: duplicate key`,
			func() any { return new(pricing.Rule) }},
		{"null band in a rule", `{"id":"a","bands":[{"from":"0"},null]}`, `bands[1]: null`, func() any { return new(pricing.Rule) }},
		{"exponent in a rule's band", `{"id":"a","bands":[{"from":"0","percent":"1e5"}]}`, `bands[0].percent: number "1e5": exponents`,
			func() any { return new(pricing.Rule) }},
		{"wrong type in a rule's band", `{"id":"a","bands":[{"from":"0","percent":true}]}`, `bands[0].percent: number "true"`,
			func() any { return new(pricing.Rule) }},
		{"unknown key in a rule's offer", `{"id":"a","early_payment":{"discount_percent":"2","within_days":10,"net_days":30,"x":1}}`,
			`early_payment.x: unknown field`, func() any { return new(pricing.Rule) }},
		{"wrong type in a rule's offer", `{"id":"a","early_payment":{"discount_percent":"2","within_days":"10","net_days":30}}`,
			`early_payment.within_days: cannot unmarshal string`, func() any { return new(pricing.Rule) }},
		{"unknown word in a rule", `{"id":"a","mode":"stepped"}`, `mode: unknown break mode "stepped"`, func() any { return new(pricing.Rule) }},
		{"unknown key in a step's rule", `{"kind":"tier","rules":[{"id":"a","percent":"1"},{"id":"b","Percent":"1"}]}`,
			`rules[1].Percent: unknown field`, func() any { return new(pricing.Step) }},
		{"null rule in a step", `{"kind":"tier","rules":[null]}`, `rules[0]: null`, func() any { return new(pricing.Step) }},
		{"wrong type in a step's band", `{"kind":"quantity","rules":[{"id":"a","bands":[{"from":"0"},{"from":{}}]}]}`,
			`rules[0].bands[1].from`, func() any { return new(pricing.Step) }},
		{"unknown key in a step's reference", `{"kind":"payment","reference":{"installments":[{"share":"1","due":"on_delivery","days":0,"x":1}]},"rules":[]}`,
			`reference.installments[0].x: unknown field`, func() any { return new(pricing.Step) }},
		{"a step that is not an object", `[]`, `must be an object`, func() any { return new(pricing.Step) }},
		{"a null step", `null`, `null`, func() any { return new(pricing.Step) }},
		{"unknown key in a band", `{"from":"0","Percent":"1"}`, `Percent: unknown field`, func() any { return new(pricing.Band) }},
		{"exponent in a band", `{"from":"1E2"}`, `from: number "1E2": exponents`, func() any { return new(pricing.Band) }},
		{"unknown key in an offer", `{"discount_percent":"2","within_days":10,"net_days":30,"net_Days":1}`, `net_Days: unknown field`,
			func() any { return new(pricing.EarlyPayment) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := json.Unmarshal([]byte(c.doc), c.into())
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.want)
			require.NotContains(t, err.Error(), "Go struct field", "a decoder's message without the path")
		})
	}

	// Decoded into a used value, a part is what the document says and nothing of the old one.
	old := pricing.Rule{ID: "old", Tier: "gold", Percent: dec("-3"), Bands: bands("0", "", "-1"),
		EarlyPayment: &pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 10, NetDays: 30}, Excludes: []string{"tier"}}
	r := old
	require.NoError(t, json.Unmarshal([]byte(`{"id":"new","bands":[{"from":"5","percent":"-2"}]}`), &r))
	requireSameJSON(t, `{"id":"new","bands":[{"from":"5","percent":"-2"}]}`, r)
	requireSameJSON(t, old, pricing.Rule{ID: "old", Tier: "gold", Percent: dec("-3"), Bands: bands("0", "", "-1"),
		EarlyPayment: &pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 10, NetDays: 30}, Excludes: []string{"tier"}})
	b := pricing.Band{From: dec("1"), To: dec("9"), Percent: dec("-1"), Amount: dec("3")}
	require.NoError(t, json.Unmarshal([]byte(`{"from":"2"}`), &b))
	requireSameJSON(t, `{"from":"2","percent":"0"}`, b)
	s := pricing.Step{Name: "old", Kind: pricing.Tier, Combine: pricing.Add, Precedence: []string{"tier"}, Rules: []pricing.Rule{old}}
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"quantity","rules":[{"id":"q","bands":[{"from":"0","percent":"-1"}]}]}`), &s))
	requireSameJSON(t, `{"kind":"quantity","rules":[{"id":"q","bands":[{"from":"0","percent":"-1"}]}]}`, s)

	// A document that fails, however deep, leaves the value as it was.
	for _, bad := range []string{`{"id":"x","bands":[{"from":"0"},{"from":"1","x":1}]}`, `{"id":"x","early_payment":{"within_days":"1"}}`,
		`{"id":"x","mode":"stepped"}`} {
		r := old
		require.Error(t, json.Unmarshal([]byte(bad), &r))
		requireSameJSON(t, old, r)
	}
	s = pricing.Step{Name: "old", Kind: pricing.Tier, Rules: []pricing.Rule{old}}
	require.Error(t, json.Unmarshal([]byte(`{"kind":"quantity","rules":[{"id":"q"},{"id":"r","bands":[null]}]}`), &s))
	requireSameJSON(t, pricing.Step{Name: "old", Kind: pricing.Tier, Rules: []pricing.Rule{old}}, s)
}

// requireSameJSON checks that got is written as want is: want a JSON document or a value.
func requireSameJSON(t *testing.T, want, got any) {
	t.Helper()
	w, ok := want.(string)
	if !ok {
		data, err := json.Marshal(want)
		require.NoError(t, err)
		w = string(data)
	}
	g, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, w, string(g))
}

// R25: a policy's lists are read as the document gives them: an empty list stays empty and a list
// left out or null stays nil, in the steps, the order steps, a step's rules and a rule's bands, so a
// step's rules are written back as they were read ("rules":[] or null) and keep the version.
func TestR25_APolicyKeepsItsEmptyListsApartFromTheAbsentOnes(t *testing.T) {
	// lists writes down which lists of p are nil (-) and which are empty (0) or not (their length).
	lists := func(p pricing.Policy) string {
		n := func(nilList bool, l int) string {
			if nilList {
				return "-"
			}
			return fmt.Sprint(l)
		}
		var b strings.Builder
		for i, steps := range [][]pricing.Step{p.Steps, p.Order} {
			fmt.Fprintf(&b, "%s%s(", []string{"steps", "order"}[i], n(steps == nil, len(steps)))
			for _, s := range steps {
				fmt.Fprintf(&b, "rules%s(", n(s.Rules == nil, len(s.Rules)))
				for _, r := range s.Rules {
					fmt.Fprintf(&b, "bands%s ", n(r.Bands == nil, len(r.Bands)))
				}
				b.WriteString(") ")
			}
			b.WriteString(") ")
		}
		return b.String()
	}
	for doc, want := range map[string]pricing.Policy{
		`{"steps":[]}`:   {Steps: []pricing.Step{}},
		`{"steps":null}`: {},
		`{"steps":[{"kind":"base","rules":[]}],"order":[]}`: {Steps: []pricing.Step{{Rules: []pricing.Rule{}}}, Order: []pricing.Step{}},
		`{"steps":[{"kind":"base","rules":null}]}`:          {Steps: []pricing.Step{{}}},
		`{"steps":[{"kind":"base"}]}`:                       {Steps: []pricing.Step{{}}},
		`{"steps":[{"kind":"base","rules":[{"id":"a","bands":[]},{"id":"b"}]},{"kind":"quantity","rules":[{"id":"q","bands":[{"from":"0"}]}]}]}`: {
			Steps: []pricing.Step{{Rules: []pricing.Rule{{Bands: []pricing.Band{}}, {}}}, {Rules: []pricing.Rule{{Bands: make([]pricing.Band, 1)}}}}},
		`{"steps":[{"kind":"base","rules":[{"id":"a"}]}],"order":[{"kind":"freight","rules":[]},{"kind":"freight"}]}`: {
			Steps: []pricing.Step{{Rules: make([]pricing.Rule, 1)}}, Order: []pricing.Step{{Rules: []pricing.Rule{}}, {}}},
	} {
		var p pricing.Policy
		require.NoError(t, json.Unmarshal([]byte(doc), &p), doc)
		require.Equal(t, lists(want), lists(p), doc)
		for _, s := range p.Steps {
			out, err := json.Marshal(s)
			require.NoError(t, err)
			require.Equal(t, s.Rules == nil, strings.Contains(string(out), `"rules":null`), "%s: %s", doc, out)
		}
	}
}

// R25: in a policy of many rules, a problem in the last rule is named by its full path, whether the
// checker or the decoder finds it.
func TestR25_AProblemInTheLastOfManyRulesNamesItsPath(t *testing.T) {
	doc := manySmallRules(5_000)
	last := `{"id":"r4999","tier":"t4999","percent":"-1"}`
	require.True(t, bytes.Contains(doc, []byte(last)))
	for bad, want := range map[string]string{
		`{"id":"r4999","tier":"t4999","percnt":"-1"}`:                       `policy.steps[1].rules[4999].percnt: unknown field`,
		`{"id":"r4999","tier":"t4999","Percent":"-1"}`:                      `policy.steps[1].rules[4999].Percent: unknown field`,
		`{"id":"r4999","tier":"t4999","percent":"-1","tier":"x"}`:           `policy.steps[1].rules[4999].tier: duplicate key`,
		`{"id":"r4999","tier":"t4999","percent":"-1e2"}`:                    `policy.steps[1].rules[4999].percent: number "-1e2": exponents`,
		`{"id":"r4999","tier":4999,"percent":"-1"}`:                         `policy.steps[1].rules[4999].tier: cannot unmarshal number`,
		`{"id":"r4999","tier":"t4999","percent":"-1","bands":[{"to":[]}]}`:  `policy.steps[1].rules[4999].bands[0].to`,
		`{"id":"r4999","tier":"t4999","percent":"-1","mode":"stepped"}`:     `policy.steps[1].rules[4999].mode: unknown break mode "stepped"`,
		`{"id":"r4999","tier":"t4999","percent":"-1","valid_from":"today"}`: `policy.steps[1].rules[4999].valid_from: parsing time`,
	} {
		t.Run(bad, func(t *testing.T) {
			_, err := pricing.LoadPolicy(bytes.NewReader(bytes.Replace(doc, []byte(last), []byte(bad), 1)))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, want)
		})
	}
	p, err := pricing.LoadPolicy(bytes.NewReader(doc))
	require.NoError(t, err)
	require.Len(t, p.Steps[1].Rules, 5_000)
	require.Equal(t, "t4999", p.Steps[1].Rules[4999].Tier)
	requireDecEqual(t, dec("-1"), p.Steps[1].Rules[4999].Percent)
}

// R25: a policy inside a host's own document (its configuration) is read as strictly as by
// LoadPolicy, its errors named from the policy.
func TestR25_APolicyInAHostsDocumentIsStrict(t *testing.T) {
	var cfg struct {
		Policies []pricing.Policy `json:"policies"`
	}
	rule := func(i int) string { return fmt.Sprintf(`{"id":"r%d","tier":"t%d","percent":"-1"}`, i, i) }
	good := `{"policies":[{"steps":[{"kind":"base","rules":[{"id":"c","price":"1"}]},{"kind":"tier","rules":[` + rule(0) + `,` + rule(1) + `]}]}]}`
	require.NoError(t, json.Unmarshal([]byte(good), &cfg))
	require.Len(t, cfg.Policies[0].Steps[1].Rules, 2)
	for bad, want := range map[string]string{
		strings.Replace(good, `"percent":"-1"}]`, `"percent":"-1","x":1}]`, 1):    `steps[1].rules[1].x: unknown field`,
		strings.Replace(good, `"percent":"-1"}]`, `"percent":"-1","id":"y"}]`, 1): `steps[1].rules[1].id: duplicate key`,
		strings.Replace(good, `"price":"1"`, `"price":1e1`, 1):                    `steps[0].rules[0].price: number "1e1": exponents`,
	} {
		err := json.Unmarshal([]byte(bad), &cfg)
		require.ErrorIs(t, err, b2bkit.ErrInvalid)
		require.ErrorContains(t, err, want)
	}
}

// LoadPolicy reads what its reader holds from where it stands, whatever size the reader says:
// a file read from the middle, a reader that says nothing of its size, a reader of more than
// b2bkit.MaxJSONBytes.
func TestLoadPolicy_ReadsWhatTheReaderHolds(t *testing.T) {
	good, err := os.ReadFile("testdata/restaurant.json")
	require.NoError(t, err)
	want, err := pricing.LoadPolicy(bytes.NewReader(good))
	require.NoError(t, err)

	path := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(path, append([]byte("header\n"), good...), 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Seek(int64(len("header\n")), io.SeekStart)
	require.NoError(t, err)
	got, err := pricing.LoadPolicy(f)
	require.NoError(t, err)
	requireSamePolicy(t, want, got)

	got, err = pricing.LoadPolicy(iotest.HalfReader(bytes.NewReader(good)))
	require.NoError(t, err)
	requireSamePolicy(t, want, got)

	big := append(bytes.Clone(good), bytes.Repeat([]byte(" "), b2bkit.MaxJSONBytes)...)
	_, err = pricing.LoadPolicy(bytes.NewReader(big))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "larger than")
}

// R25: a stored quote is read back as strictly as a policy: every line, part and breach is checked
// with the quote, a line whose amount is not after - before or a part whose amount is not its units
// at its price is named by its path, a null where an object belongs is refused, and a quote read
// into a used value keeps nothing of the old one or, when the document fails, everything.
func TestR25_AStoredQuoteIsReadStrictly(t *testing.T) {
	q := pricing.Quote{Request: request("RICE-25KG", "150"), Currency: "CNY", ListPrice: dec("10"), BaseUnitPrice: dec("10"),
		Steps: []pricing.Adjustment{
			{Step: "base", Kind: pricing.Base, Before: dec("10"), After: dec("10")},
			{Step: "quantity", Kind: pricing.Quantity, RuleID: "q", Before: dec("10"), After: dec("9"), Percent: dec("-10"),
				Mode: pricing.Graduated},
			{Step: "tier", Kind: pricing.Tier, Before: dec("9"), After: dec("9"),
				Excluded: &pricing.Exclusion{Step: "base", RuleID: "c", What: "contract price"}},
			{Step: "guardrail", Kind: pricing.Guardrail, RuleID: "g", Before: dec("9"), After: dec("9"),
				Breaches: []pricing.Breach{{Kind: pricing.BelowFloor, RuleID: "g", Limit: dec("9.5"), Price: dec("9")}}},
		},
		Quantity: dec("150"), UnitPrice: dec("9"), Total: dec("1350"),
		Bands: []pricing.BandPrice{{From: dec("0"), To: dec("100"), UnitPrice: dec("10"), Amount: dec("1000")},
			{From: dec("100"), To: dec("150"), UnitPrice: dec("7"), Amount: dec("350")}},
		Scale: 2, NeedsApproval: true, Breaches: []pricing.Breach{{Kind: pricing.BelowFloor, RuleID: "g", Limit: dec("9.5"), Price: dec("9")}},
		PolicyVersion: "v", QuotedAt: orderDay, ValidUntil: orderDay.AddDate(0, 0, 1),
		EarlyPayment: &pricing.EarlyPaymentOffer{Terms: pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 10, NetDays: 30},
			RuleID: "p", AnnualPercent: dec("37"), Amount: dec("1323"), Replaces: dec("1350"), PayBy: orderDay.AddDate(0, 0, 20)}}
	good, err := json.Marshal(q)
	require.NoError(t, err)
	doc := string(good)
	var back pricing.Quote
	require.NoError(t, json.Unmarshal(good, &back))
	requireSameJSON(t, doc, back)

	for _, c := range []struct{ old, new, want string }{
		{`"after":"9","percent":"-10"`, `"after":"8","percent":"-10"`, `steps[1].amount: must be after - before`},
		{`"unit_price":"7","amount":"350"`, `"unit_price":"7","amount":"351"`, `bands[1].amount: must be (to - from) x unit_price`},
		{`"what":"contract price"`, `"what":"contract price","x":1`, `steps[2].excluded.x: unknown field`},
		{`"breaches":[{"kind":"below_floor","rule_id":"g","limit":"9.5","price":"9"}]}`,
			`"breaches":[{"kind":"below_floor","rule_id":"g","limit":"9.5","price":"9","Price":"9"}]}`, `steps[3].breaches[0].Price: unknown field`},
		{`"kind":"below_floor"`, `"kind":"below_roof"`, `steps[3].breaches[0].kind: unknown breach "below_roof"`},
		{`"mode":"graduated"`, `"mode":"graduated","mode":"volume"`, `steps[1].mode: duplicate key`},
		{`"to":"150"`, `"to":"1.5e2"`, `bands[1].to: number "1.5e2": exponents`},
		{`{"step":"tier"`, `null,{"step":"tier"`, `steps[2]: null`},
		{`"excluded":{`, `"excluded":null,"x":{`, `steps[2].x: unknown field`},
		{doc[:strings.Index(doc, `"currency"`)], `{"request":null,`, `request: null: must be an object`},
		{`"terms":{"discount_percent":"2","within_days":10,"net_days":30}`, `"terms":null`, `early_payment.terms: null: must be an object`},
		{`"scale":2`, `"scale":"2"`, `scale: cannot unmarshal string`},
	} {
		t.Run(c.want, func(t *testing.T) {
			bad := strings.Replace(doc, c.old, c.new, 1)
			require.NotEqual(t, doc, bad, "the case changes the document")
			used := back
			err := json.Unmarshal([]byte(bad), &used)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.ErrorContains(t, err, c.want)
			requireSameJSON(t, doc, used) // as it was
		})
	}

	// Read into a used value, a quote is what its document says.
	used := back
	require.NoError(t, json.Unmarshal([]byte(`{"request":{"sku":"A","quantity":"1"},"steps":[],"unit_price":"1","total":"1","scale":0,"schedule":null,"needs_approval":false,"policy_version":"w","list_price":"1","base_unit_price":"1","quoted_at":"2026-03-02T09:00:00Z","valid_until":"2026-03-02T09:00:00Z"}`), &used))
	require.NotNil(t, used.Steps)
	require.Empty(t, used.Steps)
	require.Nil(t, used.Bands)
	require.Nil(t, used.Breaches)
	require.Nil(t, used.EarlyPayment)
	require.Equal(t, "w", used.PolicyVersion)
}

// R25: an SKU attribute may have any snake_case name, one a decimal field also has ("weight",
// "price", "from") too: its value is a word, not a number. The strict scan read the value of any
// key so named as a decimal, so a rule for {"weight": "heavy"} (or a list price with it) was
// refused: `attributes.weight: number "heavy": unexpected character 'h'`.
func TestR25_AnAttributeNamedLikeANumberIsAWord(t *testing.T) {
	doc := `{"steps":[{"kind":"base","precedence":["weight","price"],"rules":[` +
		`{"id":"heavy","price":"12","attributes":{"weight":"heavy","price":"premium"}},` +
		`{"id":"light","price":"10","attributes":{"weight":"1e3","price":"low"}}]}]}`
	p, err := pricing.LoadPolicy(strings.NewReader(doc))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"weight": "heavy", "price": "premium"}, p.Steps[0].Rules[0].Attributes)
	require.Equal(t, "1e3", p.Steps[0].Rules[1].Attributes["weight"], "a word, not a number")

	var l pricing.ListPrice
	require.NoError(t, json.Unmarshal([]byte(`{"sku":"A","price":"1","attributes":{"weight":"heavy","from":"abroad"}}`), &l))
	require.Equal(t, "heavy", l.Attributes["weight"])

	// The rule's own decimals are still read strictly beside them.
	_, err = pricing.LoadPolicy(strings.NewReader(strings.Replace(doc, `"price":"12"`, `"price":"1.2e1"`, 1)))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, `policy.steps[0].rules[0].price: number "1.2e1": exponents are not accepted`)
}
