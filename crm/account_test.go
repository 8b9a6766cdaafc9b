package crm_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func accounts(t *testing.T) *crm.CRM {
	t.Helper()
	c := newCRM(t, nil)
	restaurant(t, c)
	for _, a := range []crm.Account{
		{ID: "owner", Company: "A", Person: "li", Kind: crm.Owner},
		{ID: "op-chef", Company: "A", Person: "chen", Kind: crm.Operator},
		{ID: "op-buyer", Company: "A", Kind: crm.Operator},
		{ID: "op-idle", Company: "A", Kind: crm.Operator},
	} {
		_, err := c.AddAccount(ctx, a)
		require.NoError(t, err)
	}
	return c
}

func record(t *testing.T, c *crm.CRM, id string, acc crm.AccountID, at time.Time, action string) {
	t.Helper()
	require.NoError(t, c.RecordActivity(ctx, crm.Activity{ID: id, Account: acc, At: at, Action: action}))
}

func TestR5_OwnerSeesWhatOperatorsDo(t *testing.T) {
	c := accounts(t)
	record(t, c, "1", "op-chef", day(2026, 3, 2), "order")
	record(t, c, "2", "op-chef", day(2026, 3, 3), "order")
	record(t, c, "3", "op-buyer", day(2026, 3, 4), "order")
	record(t, c, "4", "op-buyer", day(2026, 3, 20), "cancel_renewal")
	record(t, c, "5", "owner", day(2026, 3, 21), "order")
	record(t, c, "6", "op-chef", day(2026, 4, 1), "order")  // outside the period
	record(t, c, "7", "op-chef", day(2026, 2, 28), "order") // before it

	d, err := c.Digest(ctx, "A", day(2026, 3, 1), day(2026, 4, 1), "cancel_renewal", "switch_supplier")
	require.NoError(t, err)
	assert.Equal(t, crm.AccountID("owner"), d.Owner)
	assert.Equal(t, 4, d.Total)
	require.Len(t, d.Operators, 3)
	byID := map[crm.AccountID]crm.OperatorSummary{}
	for _, o := range d.Operators {
		byID[o.Account] = o
	}
	assert.Equal(t, 2, byID["op-chef"].Total)
	assert.Equal(t, b2bkit.PersonID("chen"), byID["op-chef"].Person)
	assert.Equal(t, []crm.ActionCount{{Action: "order", Count: 2}}, byID["op-chef"].Actions)
	assert.Equal(t, []crm.ActionCount{{Action: "cancel_renewal", Count: 1}, {Action: "order", Count: 1}}, byID["op-buyer"].Actions)
	assert.True(t, day(2026, 3, 20).Equal(byID["op-buyer"].Last))
	assert.Equal(t, []crm.AccountID{"op-idle"}, d.Idle)
	require.Len(t, d.Alerts, 1, "the quiet renewal kill is surfaced")
	assert.Equal(t, crm.AccountID("op-buyer"), d.Alerts[0].Account)
	assert.Equal(t, b2bkit.CompanyID("A"), d.Alerts[0].Company)

	_, err = json.Marshal(d)
	require.NoError(t, err)
}

func TestR5_AccountRules(t *testing.T) {
	c := accounts(t)
	_, err := c.AddAccount(ctx, crm.Account{ID: "owner-2", Company: "A", Kind: crm.Owner})
	require.ErrorIs(t, err, b2bkit.ErrConflict, "one owner account per company")
	_, err = c.AddAccount(ctx, crm.Account{ID: "op-chef", Company: "A", Kind: crm.Operator})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	_, err = c.AddAccount(ctx, crm.Account{ID: "x", Company: "nowhere", Kind: crm.Operator})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.AddAccount(ctx, crm.Account{ID: "x", Company: "A", Person: "ghost", Kind: crm.Operator})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.AddAccount(ctx, crm.Account{ID: "", Company: "A", Kind: crm.AccountKind(5)})
	requireInvalidField(t, err, "account.id")
	requireInvalidField(t, err, "account.kind")

	err = c.RecordActivity(ctx, crm.Activity{ID: "1", Account: "nobody", At: now, Action: "order"})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	err = c.RecordActivity(ctx, crm.Activity{ID: "1", Account: "op-chef", Action: ""})
	requireInvalidField(t, err, "activity.action")
	requireInvalidField(t, err, "activity.at")
	err = c.RecordActivity(ctx, crm.Activity{ID: "1", Account: "op-chef", Company: "B", At: now, Action: "order"})
	requireInvalidField(t, err, "activity.company")
	record(t, c, "1", "op-chef", now, "order")
	err = c.RecordActivity(ctx, crm.Activity{ID: "1", Account: "op-chef", At: now, Action: "order"})
	require.ErrorIs(t, err, b2bkit.ErrConflict, "recording twice")

	_, err = c.Digest(ctx, "A", day(2026, 4, 1), day(2026, 3, 1))
	requireInvalidField(t, err, "to")
	_, err = c.Digest(ctx, "ghost", day(2026, 3, 1), day(2026, 4, 1))
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	d, err := c.Digest(ctx, "A", day(2020, 3, 1), day(2020, 4, 1))
	require.NoError(t, err)
	assert.Len(t, d.Idle, 3)
	assert.Zero(t, d.Total)
}

func TestCompanyValidateReportsEveryProblem(t *testing.T) {
	co := crm.Company{Name: "\xff", Stage: crm.Stage(9), Source: crm.SourceFollowedKeyPerson,
		Wallet: crm.Wallet{Amount: dec("-1"), Currency: "cny"},
		Stages: []crm.StageChange{{Stage: crm.Covered, At: day(2026, 2, 1)}, {Stage: crm.Target, At: day(2026, 1, 1)}}}
	err := co.Validate()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	for _, f := range []string{"id", "name", "wallet.amount", "wallet.currency", "wallet.method", "wallet.as_of",
		"stage", "stages[1].at", "source_person"} {
		assert.Contains(t, err.Error(), f+":")
	}
}

func TestCompanyJSONRoundTrip(t *testing.T) {
	c := newCRM(t, nil)
	co, err := c.AddCompany(ctx, crm.Company{ID: "A", Name: "金锅餐饮", Territory: "east", City: "Hangzhou",
		Industry: "restaurant", OwnerRep: "rep-7", AcquiredBy: "rep-3", Stage: crm.Repurchasing,
		Registration: crm.Registration{Scheme: crm.SchemeUSCC, Number: "91330100716105852F"},
		Wallet:       crm.Wallet{Amount: dec("1200000.50"), Currency: "CNY", Method: "seats x average ticket", AsOf: day(2026, 1, 1)}})
	require.NoError(t, err)
	data, err := json.Marshal(co)
	require.NoError(t, err)
	s := string(data)
	for _, want := range []string{`"amount":"1200000.5"`, `"stage":"repurchasing"`, `"source":"host"`, `"owner_rep":"rep-7"`, `"as_of":"2026-01-01T00:00:00Z"`} {
		assert.Contains(t, s, want)
	}
	var back crm.Company
	require.NoError(t, json.Unmarshal(data, &back))
	requireDecEqual(t, co.Wallet.Amount, back.Wallet.Amount)
	assert.Equal(t, co.Registration, back.Registration)
	assert.Equal(t, co.Stage, back.Stage)
	assert.Equal(t, co.Version, back.Version)
	require.NoError(t, back.Validate())
	for _, bad := range []string{`{"id":"A","name":"x","stage":"prospect"}`, `{"id":"A","color":"red"}`,
		`{"id":"A","wallet":{"amount":"1e99999","currency":"CNY","method":"m","as_of":"2026-01-01T00:00:00Z"}}`} {
		require.ErrorIs(t, json.Unmarshal([]byte(bad), &back), b2bkit.ErrInvalid, bad)
	}
}

func TestR3_OptimisticConcurrencyOnCompanies(t *testing.T) {
	c := newCRM(t, nil)
	co := addCompany(t, c, "A", crm.Covered)
	first, second := co, co
	first.OwnerRep = "rep-1"
	second.OwnerRep = "rep-2"
	_, err := c.UpdateCompany(ctx, first)
	require.NoError(t, err)
	_, err = c.UpdateCompany(ctx, second)
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	got, err := c.Company(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, "rep-1", got.OwnerRep)
	assert.Equal(t, int64(2), got.Version)
	_, err = c.AddCompany(ctx, crm.Company{ID: "A", Name: "again"})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	_, err = c.UpdateCompany(ctx, crm.Company{ID: "A", Name: "zero"})
	requireInvalidField(t, err, "version")
}

func TestEnumsAsWords(t *testing.T) {
	type enum interface {
		MarshalText() ([]byte, error)
		fmt.Stringer
	}
	for _, e := range []enum{crm.DecisionMaker, crm.Penetrating, crm.SourceFollowedKeyPerson, crm.Owner, crm.WeChat, crm.OnTimePayment} {
		b, err := e.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, e.String(), string(b))
	}
	var r crm.Role
	require.NoError(t, r.UnmarshalText([]byte("payer")))
	assert.Equal(t, crm.Payer, r)
	require.ErrorIs(t, r.UnmarshalText([]byte("boss")), b2bkit.ErrInvalid)
	var k crm.ContactKind
	require.ErrorIs(t, k.UnmarshalText([]byte("")), b2bkit.ErrInvalid)
	_, err := crm.Role(7).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Equal(t, "Role(7)", crm.Role(7).String())
}

func FuzzCompanyJSON(f *testing.F) {
	f.Add([]byte(`{"id":"A","name":"金锅","registration":{"scheme":"uscc","number":"91330100716105852F"},"stage":"repurchasing","stages":[{"stage":"repurchasing","at":"2026-01-01T00:00:00Z"}],"wallet":{"amount":"1200000","currency":"CNY","method":"m","as_of":"2026-01-01T00:00:00Z"},"source":"host","version":1}`))
	f.Add([]byte(`{"id":"B","name":"x","stage":"target","source":"followed_key_person","source_person":"li","tier_history":[{"from":"","to":"gold","at":"2026-01-01T00:00:00Z","points":"5000"}]}`))
	f.Add([]byte(`{"wallet":{"amount":1e5}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var co crm.Company
		if err := json.Unmarshal(b, &co); err != nil {
			return
		}
		if co.Validate() != nil {
			return
		}
		out, err := json.Marshal(co)
		require.NoError(t, err)
		var back crm.Company
		require.NoError(t, json.Unmarshal(out, &back), "a valid company round-trips: %s", out)
		require.NoError(t, back.Validate())
		require.True(t, co.Wallet.Amount.Equal(back.Wallet.Amount))
	})
}

func TestR5_DepartureClosesThePersonsAccountsAtTheOldCompany(t *testing.T) {
	c := accounts(t)
	at := day(2026, 2, 15)
	_, err := c.ChangeJob(ctx, "li", "B", "general manager", []crm.Role{crm.DecisionMaker}, at)
	require.NoError(t, err)
	owner, err := c.Store().Account(ctx, "owner")
	require.NoError(t, err)
	assert.True(t, at.Equal(owner.Closed), "the departed decision maker's owner account is closed at her departure")
	assert.False(t, owner.Open(at))
	assert.True(t, owner.Open(at.Add(-time.Second)), "kept in history: it was open before")
	chef, err := c.Store().Account(ctx, "op-chef")
	require.NoError(t, err)
	assert.True(t, chef.Closed.IsZero(), "other people's accounts stay open")

	// she can no longer act through it; her successor gets a new owner account
	err = c.RecordActivity(ctx, crm.Activity{ID: "late", Account: "owner", At: at.Add(time.Hour), Action: "order"})
	requireInvalidField(t, err, "activity.at")
	record(t, c, "before", "owner", at.Add(-time.Hour), "order")
	addPerson(t, c, "zhao", "赵总", "")
	startJob(t, c, "zhao", "A", "owner", at, crm.DecisionMaker)
	_, err = c.AddAccount(ctx, crm.Account{ID: "owner-2", Company: "A", Person: "zhao", Kind: crm.Owner})
	require.NoError(t, err, "the closed owner account no longer blocks a new one")
	d, err := c.Digest(ctx, "A", day(2026, 3, 1), day(2026, 4, 1))
	require.NoError(t, err)
	assert.Equal(t, crm.AccountID("owner-2"), d.Owner)

	// an end of job closes her accounts the same way, at the end
	hist, err := c.History(ctx, "chen")
	require.NoError(t, err)
	end := day(2026, 2, 20)
	_, err = c.EndJob(ctx, hist[0].ID, "chen", end)
	require.NoError(t, err)
	chef, err = c.Store().Account(ctx, "op-chef")
	require.NoError(t, err)
	assert.True(t, end.Equal(chef.Closed))
}
