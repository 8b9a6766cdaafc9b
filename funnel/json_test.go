package funnel_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

const campaignJSON = `{"id":"hz-2026-03","territory":"Hangzhou","start":"2026-03-01T00:00:00+08:00",
"time_zone":"Asia/Shanghai","targets":["C01","C02"]}`

func TestLoadCampaign(t *testing.T) {
	c, err := funnel.LoadCampaign(strings.NewReader(campaignJSON))
	require.NoError(t, err)
	require.Equal(t, "Hangzhou", c.Territory)
	require.Equal(t, []b2bkit.CompanyID{"C01", "C02"}, c.Targets)
	require.True(t, c.Start.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)))

	out, err := json.Marshal(c)
	require.NoError(t, err)
	back, err := funnel.LoadCampaign(bytes.NewReader(out))
	require.NoError(t, err)
	require.Equal(t, c.Targets, back.Targets)
	require.True(t, c.Start.Equal(back.Start))
	require.Equal(t, c.TimeZone, back.TimeZone)
}

func TestLoadCampaignIsStrict(t *testing.T) {
	cases := map[string]string{
		"unknown field":  `{"territory":"T","start":"2026-03-01T00:00:00Z","targets":["A"],"target":["B"]}`,
		"trailing data":  `{"territory":"T","start":"2026-03-01T00:00:00Z","targets":["A"]} {}`,
		"empty targets":  `{"territory":"T","start":"2026-03-01T00:00:00Z","targets":[]}`,
		"bad time":       `{"territory":"T","start":"1 March","targets":["A"]}`,
		"bad zone":       `{"territory":"T","start":"2026-03-01T00:00:00Z","time_zone":"../../etc/passwd","targets":["A"]}`,
		"not an object":  `[]`,
		"duplicate":      `{"territory":"T","start":"2026-03-01T00:00:00Z","targets":["A","A"]}`,
		"empty document": ``,
	}
	for name, doc := range cases {
		_, err := funnel.LoadCampaign(strings.NewReader(doc))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
	}
	huge := strings.NewReader(`{"territory":"` + strings.Repeat("x", b2bkit.MaxJSONBytes) + `"}`)
	_, err := funnel.LoadCampaign(huge)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

func TestStreamRecordsRoundTripJSON(t *testing.T) {
	p := buy("C01", at(4, 5), "123.45", b2bkit.SemiAuto)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.Contains(t, string(b), `"amount":"123.45"`)
	require.Contains(t, string(b), `"channel":"semi_auto"`)
	var pb funnel.Purchase
	require.NoError(t, json.Unmarshal(b, &pb))
	require.True(t, pb.Amount.Equal(p.Amount) && pb.GrossProfit.Equal(p.GrossProfit) && pb.At.Equal(p.At))
	require.Error(t, json.Unmarshal([]byte(`{"company":"C01","amount":"1e9"}`), &pb))

	tc := touch("C01", "R1", "Hangzhou", at(3, 2))
	tc.Kind = funnel.Onboarding
	b, err = json.Marshal(tc)
	require.NoError(t, err)
	require.Contains(t, string(b), `"kind":"onboarding"`)
	var tb funnel.Touch
	require.NoError(t, json.Unmarshal(b, &tb))
	require.Equal(t, tc.Kind, tb.Kind)
	require.Error(t, json.Unmarshal([]byte(`{"company":"C01","kind":"email"}`), &tb))
	require.Error(t, json.Unmarshal([]byte(`{"company":"C01","extra":1}`), &tb))

	w := wallet("C01", "1000.5", at(6, 1))
	b, err = json.Marshal(w)
	require.NoError(t, err)
	var wb funnel.Wallet
	require.NoError(t, json.Unmarshal(b, &wb))
	require.True(t, wb.Monthly.Equal(w.Monthly))
	require.Equal(t, w.Method, wb.Method)

	// The optional fields can be left out both ways.
	b, err = json.Marshal(funnel.Touch{Company: "C01", Rep: "R1", At: at(3, 2)})
	require.NoError(t, err, "a touch without a kind is written")
	require.NotContains(t, string(b), "kind")
	require.NoError(t, json.Unmarshal(b, &tb))
	require.Zero(t, tb.Kind)
	require.NoError(t, json.Unmarshal([]byte(`{"company":"C01","monthly":"10","as_of":"2026-04-01T00:00:00Z"}`), &wb))
	require.Empty(t, wb.Method)
}

func TestReportMarshalsWithWords(t *testing.T) {
	r := evaluateCity(t, jul10)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	s := string(b)
	require.Contains(t, s, `"phase":"penetration"`)
	require.Contains(t, s, `"stage":"repurchasing"`)
	require.Contains(t, s, `"band":"safe"`)
	require.Contains(t, s, `"value":"0.75"`)
}

func FuzzLoadCampaign(f *testing.F) {
	f.Add(campaignJSON)
	f.Add(`{"territory":"T","start":"2026-03-31T00:00:00Z","targets":["A","B"]}`)
	f.Add(`{"territory":"T","start":"0001-01-01T00:00:00Z","time_zone":"Local","targets":[""]}`)
	f.Add(`{"territory":"T","start":"2026-03-01T02:00:00Z","time_zone":"America/New_York","targets":["A"]}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, doc string) {
		c, err := funnel.LoadCampaign(strings.NewReader(doc))
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		require.NoError(t, c.Validate())
		// A loaded campaign can always be evaluated at its start, and round-trips.
		loc, err := c.Location()
		require.NoError(t, err)
		y, m, d := c.Start.In(loc).Date()
		if y > 1 && y < 9000 {
			_, err = funnel.Evaluate(c, nil, nil, nil, time.Date(y, m, d, 0, 0, 0, 0, loc).AddDate(0, 1, 0))
			require.NoError(t, err)
		}
		out, err := json.Marshal(c)
		if err != nil {
			return // a time outside what RFC 3339 can write
		}
		back, err := funnel.LoadCampaign(bytes.NewReader(out))
		require.NoError(t, err)
		require.Equal(t, c.Targets, back.Targets)
	})
}

func FuzzStreamRecordsJSON(f *testing.F) {
	f.Add(`{"company":"C01","at":"2026-04-05T10:00:00+08:00","amount":"123.45","channel":"semi_auto","gross_profit":"12.3"}`)
	f.Add(`{"company":"C01","rep":"R1","territory":"Hangzhou","at":"2026-03-02T10:00:00Z","kind":"visit"}`)
	f.Add(`{"company":"C01","monthly":"1000","method":"survey","as_of":"2026-06-01T00:00:00Z","confidence":0.7}`)
	f.Add(`{"amount":1e999999999}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var p funnel.Purchase
		if json.Unmarshal([]byte(doc), &p) == nil {
			out, err := json.Marshal(p)
			if err == nil { // an unknown channel or an unwritable time cannot be written back
				var back funnel.Purchase
				require.NoError(t, json.Unmarshal(out, &back))
				require.True(t, back.Amount.Equal(p.Amount) && back.GrossProfit.Equal(p.GrossProfit))
			}
		}
		var tc funnel.Touch
		_ = json.Unmarshal([]byte(doc), &tc)
		var w funnel.Wallet
		_ = json.Unmarshal([]byte(doc), &w)
	})
}

// A platform stores its reports as JSON and reads them back for the next morning's comparison.
func TestR6_AReportRoundTripsThroughJSON(t *testing.T) {
	for _, asOf := range []time.Time{at(3, 20), at(7, 31)} {
		r := evaluateCity(t, asOf)
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var back funnel.Report
		require.NoError(t, json.Unmarshal(b, &back))
		requireSameReport(t, r, back)
	}
	var p funnel.Phase
	require.ErrorIs(t, json.Unmarshal([]byte(`"Coverage"`), &p), b2bkit.ErrInvalid)
	var s funnel.AccountStage
	require.ErrorIs(t, json.Unmarshal([]byte(`"closed"`), &s), b2bkit.ErrInvalid)
}

// A report a host caches as JSON reads back as the report, also into a Report that holds another
// one (a reused value): no band, warning or sample of the old report is left, a copy of the old
// report keeps its own lists, and a document that does not read changes nothing. Property over
// random worlds, each report decoded fresh and over every other.
func TestR6_AReportDecodedIntoAUsedValueIsTheReport(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var reports []funnel.Report
	for range 10 {
		cs, w := team(rng)
		rs, err := funnel.EvaluateAll(cs, b2bkit.Stream(w.touches), b2bkit.Stream(w.purchases), b2bkit.Stream(w.wallets), w.asOf)
		require.NoError(t, err)
		reports = append(reports, rs...)
	}
	reports = append(reports, evaluateCity(t, at(3, 2)), evaluateCity(t, at(7, 2)))
	for i, r := range reports {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var fresh funnel.Report
		require.NoError(t, json.Unmarshal(b, &fresh))
		requireSameReport(t, r, fresh, "report %d", i)
		for j, old := range reports {
			used := old
			kept := old
			oldJSON, err := json.Marshal(old)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &used))
			requireSameReport(t, r, used, "report %d over report %d", i, j)
			keptJSON, err := json.Marshal(kept)
			require.NoError(t, err)
			require.Equal(t, string(oldJSON), string(keptJSON), "report %d over report %d: the old report's lists", i, j)
		}
		before := fresh
		require.Error(t, json.Unmarshal([]byte(`{"campaign":"x","phase":"bogus"}`), &fresh))
		requireSameReport(t, before, fresh, "a failed decode changes nothing")
	}
}

// requireDecodesFresh decodes what json.Marshal writes of v into a value holding old, and checks
// that the result is v — nothing of old left, not a field v's JSON leaves out nor a list element —
// that old's lists were not written into, and that a failed decode changes nothing.
func requireDecodesFresh[T any](t *testing.T, name string, v, old T) {
	t.Helper()
	marshal := func(x T) string {
		b, err := json.Marshal(x)
		require.NoError(t, err, name)
		return string(b)
	}
	b := marshal(v)
	oldJSON := marshal(old)
	used := old
	require.NoError(t, json.Unmarshal([]byte(b), &used), name)
	require.Equal(t, b, marshal(used), "%s decoded into a used value", name)
	require.Equal(t, oldJSON, marshal(old), "%s: the old value's lists", name)
	require.Error(t, json.Unmarshal([]byte(`{"bogus":1}`), &used), name)
	require.Equal(t, b, marshal(used), "%s: a failed decode changes nothing", name)
}

// The parts of a report a host keeps on their own — a cohort table and its rows, a hand-off list
// (the service team's), the penetration, concentration and exclusions — read into a used value
// are what was written, as a Report is: plain encoding/json kept an old campaign name, rep or
// existing mark, band, warning or sample that the new JSON leaves out, and wrote into the old
// value's lists.
func TestR6_APartOfAReportDecodedIntoAUsedValueIsThatPart(t *testing.T) {
	july := evaluateCity(t, at(7, 2))
	other := city()
	other.ID, other.Territory = "", "Ningbo"
	march, err := funnel.Evaluate(other, b2bkit.Stream(cityTouches()), nil, nil, at(3, 2))
	require.NoError(t, err)
	withName, err := funnel.Cohorts(july)
	require.NoError(t, err)
	without, err := funnel.Cohorts(march)
	require.NoError(t, err)
	requireDecodesFresh(t, "cohort table", without, withName)
	requireDecodesFresh(t, "cohort row", without.Rows[0], withName.Rows[0])

	acquired := funnel.HandOff{Company: "C01", Stage: funnel.Repurchasing, Rep: "R1", Existing: true, Orders: 3, Spend: dec("700")}
	unattributed := funnel.HandOff{Company: "C02", Stage: funnel.Opened, Spend: dec("0")}
	requireDecodesFresh(t, "hand-off", unattributed, acquired)
	var list []funnel.HandOff
	require.NoError(t, json.Unmarshal(mustJSON(t, []funnel.HandOff{acquired}), &list))
	require.NoError(t, json.Unmarshal(mustJSON(t, []funnel.HandOff{unattributed}), &list))
	require.Equal(t, string(mustJSON(t, []funnel.HandOff{unattributed})), string(mustJSON(t, list)), "a hand-off list read again")

	require.NotZero(t, july.Penetration.Band)
	requireDecodesFresh(t, "penetration", march.Penetration, july.Penetration)
	thin := funnel.Concentration{Reps: []funnel.RepConcentration{{Rep: "R1", InTerritory: 1, Touches: 9, Share: dec("0.1111")}},
		InTerritory: 1, Touches: 9, Share: dec("0.1111"), SpreadThin: true, Warning: "team spread thin"}
	requireDecodesFresh(t, "concentration", funnel.Concentration{Share: dec("0")}, thin)
	requireDecodesFresh(t, "excluded counts", funnel.ExcludedCounts{NotTarget: 1}, funnel.ExcludedCounts{NotTarget: 2, Unknown: []b2bkit.CompanyID{"X99"}})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
