package risk_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/risk"
)

// outputDocs are risk's answers as a host keeps them for its audit trail, each in full (times in
// zones with DST, slices filled) and as a small document leaving out every field it can.
func outputDocs(t *testing.T) []struct {
	name   string
	full   any
	small  string
	figure string // a decimal of small, to be written with an absurd exponent
} {
	t.Helper()
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := time.Date(2026, 3, 8, 1, 30, 0, 0, ny) // the night New York moves its clocks on
	log := []risk.LogLine{{What: "grade", Figure: "B", Source: "scorecard"}, {What: "limit", Figure: "84000.00", Source: "policy"}}
	fs := risk.FeatureSet{Company: "BUY-1", AsOf: at, Currency: "CNY", Scale: 2,
		Values: risk.ValuesOf(map[risk.Feature]risk.Value{risk.OnTimeRate: risk.NumberValue(dectest.Dec("0.9700"))})}
	return []struct {
		name   string
		full   any
		small  string
		figure string
	}{
		{"feature set", fs, `{"company":"BUY-2","as_of":"2026-01-01T00:00:00Z","scale":0,"values":null}`, ""},
		{"limit", risk.Limit{Company: "BUY-1", Grade: "B", Amount: dectest.Dec("84000.00"), Currency: "CNY", ReviewAt: at.AddDate(0, 3, 0), Log: log},
			`{"company":"BUY-2","grade":"C","amount":"1","review_at":"2026-01-01T00:00:00Z","log":[{"what":"x","figure":"1","source":"y"}]}`, `"amount":"1"`},
		{"exposure", risk.Exposure{Company: "BUY-1", Currency: "CNY", AsOf: time.Date(2026, 2, 21, 23, 30, 0, 0, sp),
			Unpaid: dectest.Dec("100.00"), Uninvoiced: dectest.Dec("20.00"), Financed: dectest.Dec("3.00"), Total: dectest.Dec("123.00")},
			`{"company":"BUY-2","as_of":"2026-01-01T00:00:00Z","total":"0"}`, `"total":"0"`},
		{"eligibility", risk.Eligibility{Eligible: false, Code: risk.CodePrepaid, Reason: "prepaid", Field: "order.terms"},
			`{"eligible":true,"code":"credit_terms","reason":"credit"}`, ""},
		{"verdict", risk.Verdict{Status: risk.Exceptions,
			Exceptions:  []risk.Exception{{Code: "x", Record: "order O-1", Field: "payer", Want: "B-1", Got: "X-9", Message: "m"}, {Code: "y"}},
			Financeable: risk.Financeable{Ordered: dectest.Dec("10"), Received: dectest.Dec("9"), Invoiced: dectest.Dec("8"), Unpaid: dectest.Dec("7")}},
			`{"status":"consistent","financeable":{"ordered":"1","received":"1","invoiced":"1","unpaid":"1","amount":"1"}}`, `"unpaid":"1"`},
		{"warning", risk.Warning{Code: "past_due_90", Severity: risk.Alert, Action: risk.CutLimit, Feature: risk.DaysPastDue,
			Value: dectest.Dec("91"), Threshold: dectest.Dec("90"), Message: "m"},
			`{"code":"volume_falling","severity":"info","action":"review","feature":"trend_3m_vs_9m","value":"0.5","threshold":"0.7"}`, `"value":"0.5"`},
		{"goods decision", risk.GoodsDecision{Eligible: true, Code: risk.CodeGoodsEligible, Reason: "ok",
			Reference: matching.Reference{SKU: "rice", Currency: "CNY", From: at.AddDate(0, -1, 0), To: at, Count: 9, Volume: dectest.Dec("90")},
			UnitValue: dectest.Dec("5"), Value: dectest.Dec("50"), DaysToSell: 3, Haircut: dectest.Dec("0.1"), Advance: dectest.Dec("45"), Log: log},
			`{"eligible":false,"failed":"valuation","code":"thin_market","reason":"thin","log":[{"what":"x","figure":"1","source":"y"}]}`, ""},
	}
}

// A host stores risk's answers as JSON for its audit trail and reads them back, in a loop into one
// reused value or into a copy of an answer it keeps. What is written reads back as it was (the
// same instants at the same offsets); a document read into a used value is the document and
// nothing else (no field it leaves out keeps the old value), and the old value's slices are not
// written, so an answer sharing them is unchanged. A refused document changes nothing.
func TestOutputDocumentsReadBackIntoAUsedValueAsIntoANewOne(t *testing.T) {
	for _, d := range outputDocs(t) {
		t.Run(d.name, func(t *testing.T) {
			typ := reflect.TypeOf(d.full)
			want, err := json.Marshal(d.full)
			require.NoError(t, err)

			back := reflect.New(typ)
			require.NoError(t, json.Unmarshal(want, back.Interface()), "round trip")
			got, err := json.Marshal(back.Elem().Interface())
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(got), "round trip")

			fresh := reflect.New(typ)
			require.NoError(t, json.Unmarshal([]byte(d.small), fresh.Interface()), "into a new value")
			used := reflect.New(typ)
			used.Elem().Set(reflect.ValueOf(d.full)) // shares the full answer's slices
			require.NoError(t, json.Unmarshal([]byte(d.small), used.Interface()), "into a used value")
			wantSmall, err := json.Marshal(fresh.Elem().Interface())
			require.NoError(t, err)
			gotSmall, err := json.Marshal(used.Elem().Interface())
			require.NoError(t, err)
			assert.JSONEq(t, string(wantSmall), string(gotSmall), "a used value holds the document and nothing else")
			kept, err := json.Marshal(d.full)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(kept), "the answer kept is unchanged")

			used.Elem().Set(reflect.ValueOf(d.full))
			bad := d.small[:len(d.small)-1] + `,"unknown":1}`
			require.ErrorIs(t, json.Unmarshal([]byte(bad), used.Interface()), b2bkit.ErrInvalid, "an unknown field")
			gotBad, err := json.Marshal(used.Elem().Interface())
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(gotBad), "a refused document changes nothing")

			if d.figure == "" {
				return
			}
			require.Contains(t, d.small, d.figure)
			key := d.figure[:strings.Index(d.figure, ":")+1]
			for _, v := range []string{`"1e999999999"`, `1e5`, `null`} {
				doc := strings.Replace(d.small, d.figure, key+v, 1)
				err := json.Unmarshal([]byte(doc), reflect.New(typ).Interface())
				require.ErrorIs(t, err, b2bkit.ErrInvalid, doc)
				assert.ErrorContains(t, err, strings.Trim(key, `":`), doc)
			}
		})
	}
}
