package crm_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

// reuseCase decodes full, then sparse, into one value, as a host reading records in a loop does.
type reuseCase struct {
	name         string
	full, sparse func() ([]byte, error)
	bad          string // a document the loader refuses
	fresh        func() any
	write        func(v any) ([]byte, error)
}

func reuse[T any](name string, full, sparse T, bad string, write func(*T) ([]byte, error)) reuseCase {
	if write == nil {
		write = func(v *T) ([]byte, error) { return json.Marshal(v) }
	}
	return reuseCase{
		name:   name,
		full:   func() ([]byte, error) { return write(&full) },
		sparse: func() ([]byte, error) { return write(&sparse) },
		bad:    bad,
		fresh:  func() any { return new(T) },
		write:  func(v any) ([]byte, error) { return write(v.(*T)) },
	}
}

// A record decoded into a value that holds another — a reused struct, as hosts do in loops —
// is exactly the record: no field or slice element of the old value is left, a copy of the old value
// taken before keeps its own slices, and a decode that fails leaves the value as it was.
func TestR2_ARecordDecodedIntoAUsedValueIsTheRecord(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	t0 := time.Date(2026, 3, 1, 9, 30, 0, 0, sh)
	cases := []reuseCase{
		reuse("company",
			crm.Company{ID: "A", Name: "金锅", Territory: "east", City: "Hangzhou", Industry: "restaurant", Tier: "gold",
				Registration: crm.Registration{Scheme: crm.SchemeUSCC, Number: "91330100716105852F"},
				Wallet:       crm.Wallet{Amount: dec("120000.50"), Currency: "CNY", Method: "survey", AsOf: t0},
				TierHistory:  []crm.TierChange{{From: "", To: "silver", At: t0, Points: dec("10")}, {From: "silver", To: "gold", At: t0, Points: dec("20")}},
				OwnerRep:     "rep-1", AcquiredBy: "rep-2", Stage: crm.Repurchasing, Source: crm.SourceFollowedKeyPerson, SourcePerson: "li",
				Stages:  []crm.StageChange{{Stage: crm.Target, At: t0}, {Stage: crm.Covered, At: t0}, {Stage: crm.Repurchasing, At: t0}},
				Version: 7},
			crm.Company{ID: "B", Name: "B", Stages: []crm.StageChange{{Stage: crm.Target, At: t0}}},
			`{"id":"C","stage":"bogus"}`, nil),
		reuse("account",
			crm.Account{ID: "op-1", Company: "A", Person: "li", Kind: crm.Operator, Closed: t0, Version: 2},
			crm.Account{ID: "own-1", Company: "B", Kind: crm.Owner},
			`{"id":"x","kind":"bogus"}`, nil),
		reuse("activity",
			crm.Activity{ID: "x1", Account: "op-1", Company: "A", At: t0, Action: "order", Subject: "PO-7"},
			crm.Activity{ID: "x2", Account: "op-2", Company: "B", At: t0, Action: "cancel"},
			`{"id":"x","at":"yesterday"}`, nil),
		reuse("audit entry",
			crm.AuditEntry{Person: "li", At: t0, Actor: "rep-7", Action: crm.AuditChange, What: "ChangeContact"},
			crm.AuditEntry{Person: "wang", At: t0, What: "Person"},
			`{"person":"x","action":"bogus"}`, nil),
		reuse("deal",
			crm.Deal{ID: "d1", Company: "A", Name: "tender", Opened: t0, Closed: t0, Won: true, Version: 3,
				Contacts: []crm.DealContact{{Person: "li", Roles: []crm.Role{crm.Payer, crm.DecisionMaker}, Outside: true}, {Person: "chen", Roles: []crm.Role{crm.User}}}},
			crm.Deal{ID: "d2", Company: "B", Opened: t0, Contacts: []crm.DealContact{{Person: "wang", Roles: []crm.Role{crm.Payer}}}},
			`{"id":"x","contacts":[{"person":"p","roles":["bogus"]}]}`, nil),
		reuse("spell",
			crm.Spell{ID: "s1", Person: "li", Company: "A", Title: "owner", Roles: []crm.Role{crm.DecisionMaker, crm.Payer}, Start: t0, End: t0.Add(time.Hour), Version: 4},
			crm.Spell{ID: "s2", Person: "chen", Company: "B", Roles: []crm.Role{crm.User}, Start: t0},
			`{"id":"x","roles":["bogus"]}`, nil),
		reuse("job change",
			crm.JobChange{ID: "j1", Person: "li", At: t0, From: "A", FromTitle: "owner", FromStage: crm.Repurchasing,
				LostRoles: []crm.Role{crm.DecisionMaker, crm.Payer}, Uncovered: []crm.Role{crm.Payer}, LeftIncomplete: true,
				To: "B", Title: "gm", Roles: []crm.Role{crm.DecisionMaker, crm.User}, ToStage: crm.Covered, LeadCreated: true},
			crm.JobChange{ID: "j2", Person: "chen", At: t0, LostRoles: []crm.Role{crm.User}, Uncovered: []crm.Role{}, Roles: []crm.Role{}},
			`{"id":"x","lost_roles":["bogus"]}`, nil),
		reuse("person",
			crm.Person{ID: "li", Name: "李娜", Absorbed: []b2bkit.PersonID{"li-2", "li-3"}, DoNotContact: t0, Version: 5,
				Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "13812345678", Since: t0}, {Kind: crm.Email, Value: "li@x.cn", Since: t0, Until: t0.Add(time.Hour)}},
				Consents: []crm.Consent{{Purpose: "marketing", Source: "form", Given: t0}}},
			crm.Person{ID: "wang", Name: "王", Contacts: []crm.ContactPoint{{Kind: crm.WeChat, Value: "wang_1", Since: t0}}},
			`{"id":"x","contacts":[{"kind":"bogus"}]}`, func(p *crm.Person) ([]byte, error) { return p.ClearJSON() }),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			full, err := c.full()
			require.NoError(t, err)
			sparse, err := c.sparse()
			require.NoError(t, err)
			want := c.fresh()
			require.NoError(t, json.Unmarshal(sparse, want))
			wantJSON, err := c.write(want)
			require.NoError(t, err)

			v := c.fresh()
			require.NoError(t, json.Unmarshal(full, v))
			kept := shallowCopy(v) // a copy the host keeps of the old record, sharing its slices
			require.NoError(t, json.Unmarshal(sparse, v))
			got, err := c.write(v)
			require.NoError(t, err)
			require.JSONEq(t, string(wantJSON), string(got), "no stale field or element")
			keptJSON, err := c.write(kept)
			require.NoError(t, err)
			require.JSONEq(t, string(full), string(keptJSON), "the old value's slices are its own")

			before, err := c.write(v)
			require.NoError(t, err)
			require.Error(t, json.Unmarshal([]byte(c.bad), v))
			after, err := c.write(v)
			require.NoError(t, err)
			require.JSONEq(t, string(before), string(after), "a failed decode changes nothing")
		})
	}
}

// shallowCopy returns a pointer to a copy of *v, sharing its slices: what `old := *v` gives a host.
func shallowCopy(v any) any {
	p := reflect.New(reflect.TypeOf(v).Elem())
	p.Elem().Set(reflect.ValueOf(v).Elem())
	return p.Interface()
}

// An enum's word that does not parse leaves the value it was decoded into as it was.
func TestR2_AWordThatDoesNotParseChangesNothing(t *testing.T) {
	type textValue interface {
		UnmarshalText([]byte) error
		MarshalText() ([]byte, error)
	}
	role, stage, source, kind := crm.Payer, crm.Lost, crm.SourceFollowedKeyPerson, crm.Operator
	action, evidence, contrib, contact := crm.AuditChange, crm.SameEmail, crm.Referral, crm.WeChat
	for _, v := range []textValue{&role, &stage, &source, &kind, &action, &evidence, &contrib, &contact} {
		before, err := v.MarshalText()
		require.NoError(t, err)
		require.Error(t, v.UnmarshalText([]byte("bogus")))
		require.Error(t, v.UnmarshalText(nil))
		after, err := v.MarshalText()
		require.NoError(t, err)
		require.Equal(t, string(before), string(after), "%T", v)
	}
}
