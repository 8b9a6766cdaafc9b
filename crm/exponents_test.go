package crm_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/dectest"
)

// absurd would make decimal's rescaling write a billion digits. Run with -timeout: a hang
// shows as a failure.
var absurd = dectest.Absurd()

// TestAbsurdExponentsInCompaniesAreInvalid: a wallet estimate or a tier change's points with an
// absurd exponent is refused naming it, by AddCompany and UpdateCompany; the wallet was stored
// (and its JSON then wrote a billion digits), and UpdateCompany hung comparing the tier history.
func TestAbsurdExponentsInCompaniesAreInvalid(t *testing.T) {
	for _, a := range absurd {
		c := newCRM(t, nil)
		_, err := c.AddCompany(ctx, crm.Company{ID: "W", Name: "W", Stage: crm.Target,
			Wallet: crm.Wallet{Amount: a.D, Currency: "CNY", Method: "estimate", AsOf: now}})
		requireInvalidField(t, err, "wallet.amount")

		_, err = c.AddCompany(ctx, crm.Company{ID: "T", Name: "T", Stage: crm.Target, Tier: "gold",
			TierHistory: []crm.TierChange{{To: "gold", At: now, Points: a.D}}})
		requireInvalidField(t, err, "tier_history[0].points")

		addCompany(t, c, "A", crm.Repurchasing)
		res, err := c.EvaluateTier(ctx, "A", policy(t), slices.Values([]crm.Contribution{
			{Company: "A", Kind: crm.Referral, At: now}}), now)
		require.NoError(t, err)
		co := res.Company
		co.TierHistory = slices.Clone(co.TierHistory)
		co.TierHistory[0].Points = a.D
		_, err = c.UpdateCompany(ctx, co)
		requireInvalidField(t, err, "tier_history")
	}
}

func TestAbsurdExponentsAreNotWrittenAsJSON(t *testing.T) {
	for _, a := range absurd {
		p := policy(t)
		p.Levels = slices.Clone(p.Levels)
		lvl := p
		lvl.Levels[2].MinPoints = a.D
		w := policy(t)
		w.Weights.Referral = a.D
		for _, c := range []struct {
			v     any
			field string
		}{
			{crm.Wallet{Amount: a.D}, "amount"},
			{crm.TierChange{Points: a.D}, "points"},
			// A company is written by encoding/json, which names the type (crm.Wallet) around the field.
			{crm.Company{ID: "A", Wallet: crm.Wallet{Amount: a.D}}, "amount"},
			{crm.Company{ID: "A", TierHistory: []crm.TierChange{{}, {Points: a.D}}}, "points"},
			{lvl, "tier_policy.levels[2].min_points"},
			{w, "tier_policy.weights.referral"},
		} {
			_, err := json.Marshal(c.v)
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s %T", a.Name, c.v)
			var fe *b2bkit.FieldError
			require.True(t, errors.As(err, &fe), "%s %T", a.Name, c.v)
			assert.Equal(t, c.field, fe.Field, "%s %T", a.Name, c.v)
		}
	}
}
