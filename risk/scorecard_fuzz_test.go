package risk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
)

// FuzzLoadScorecard: any document either loads into a card that validates, scores without panicking
// and re-loads from its own JSON to the same JSON, or fails with ErrInvalid; it never panics.
func FuzzLoadScorecard(f *testing.F) {
	def, err := json.Marshal(risk.DefaultScorecard())
	if err != nil {
		f.Fatal(err)
	}
	small, err := json.Marshal(scSmallCard())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add(small)
	f.Add([]byte(`{"name":"x","base":1,"attributes":[{"feature":"a","missing_points":0,"bins":[{"points":1}]}],"grades":[{"grade":"A","min_score":0}]}`))
	f.Add([]byte(`{"name":"x","base":1,"attributes":[{"feature":"a","missing_points":0,"bins":[{"max":"1e3","points":1},{"min":"1000"}]}],"grades":[{"grade":"A","min_score":0}]}`))
	f.Add([]byte(`{"name":"x","base":1e400}`))
	f.Add([]byte(`[]`))
	fs := scFeatures(scGoodBuyer())
	fs.Values.Set("industry", risk.Value{Category: "food"})
	f.Fuzz(func(t *testing.T, data []byte) {
		card, err := risk.LoadScorecard(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := card.Validate(); err != nil {
			t.Fatalf("loaded card does not validate: %v", err)
		}
		if r, err := card.Score(fs); err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("score error does not match ErrInvalid: %v", err)
			}
		} else if r.Grade == "" {
			t.Fatalf("a valid card graded nothing")
		}
		cc, err := card.Compile()
		if err != nil {
			t.Fatalf("a loaded card does not compile: %v", err)
		}
		scRequireSameScore(t, card, cc, fs)
		out, err := json.Marshal(card)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := risk.LoadScorecard(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-load of %s: %v", out, err)
		}
		again, err := json.Marshal(back)
		if err != nil {
			t.Fatalf("marshal again: %v", err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("round trip changed the card:\n%s\n%s", out, again)
		}
	})
}

// FuzzLoadLimitPolicy: any document either loads into a policy that validates, limits a buyer
// without panicking and re-loads from its own JSON to the same JSON, or fails with ErrInvalid.
func FuzzLoadLimitPolicy(f *testing.F) {
	def, err := json.Marshal(risk.DefaultLimitPolicy())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add([]byte(`{"grades":[{"grade":"A","multiple":"1","cap":"10"}],"step":"0.01","review_days":1}`))
	f.Add([]byte(`{"grades":[{"grade":"A","multiple":"1","cap":"10"}],"step":"0","review_days":1,"currency":"usd"}`))
	f.Add([]byte(`{"grades":[{"grade":"A"}],"step":"1"}`))
	f.Add([]byte(`null`))
	fs := lmFeatures("84000.00", "45")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := risk.LoadLimitPolicy(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("loaded policy does not validate: %v", err)
		}
		for _, g := range p.Grades {
			l, err := p.Limit(fs, risk.Result{Grade: g.Grade})
			if err != nil {
				if !errors.Is(err, b2bkit.ErrInvalid) {
					t.Fatalf("limit error does not match ErrInvalid: %v", err)
				}
				continue
			}
			if l.Amount.IsNegative() || l.Amount.GreaterThan(g.Cap) {
				t.Fatalf("limit %s outside [0, cap %s]", l.Amount, g.Cap)
			}
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := risk.LoadLimitPolicy(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-load of %s: %v", out, err)
		}
		again, err := json.Marshal(back)
		if err != nil {
			t.Fatalf("marshal again: %v", err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("round trip changed the policy:\n%s\n%s", out, again)
		}
	})
}
