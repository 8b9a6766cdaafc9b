package crm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

// Every method of the CRM given an already-cancelled context returns an error matching
// context.Canceled and changes nothing, whatever it would have done.
func TestR23_ACancelledContextDoesNothing(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	before := crmState(t, c)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for name, call := range crmCalls(cancelled) {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, call(c), context.Canceled)
		})
	}
	require.Equal(t, before, crmState(t, c))
}

// crmState is what a test can see of the restaurant's records: their JSON, audit trails included.
func crmState(t *testing.T, c *crm.CRM) string {
	t.Helper()
	var out []any
	for _, id := range []b2bkit.CompanyID{"A", "B"} {
		co, err := c.Store().Company(ctx, id)
		out = append(out, co, err == nil)
		deals, err := c.Store().Deals(ctx, id)
		require.NoError(t, err)
		accs, err := c.Store().Accounts(ctx, id)
		require.NoError(t, err)
		out = append(out, deals, accs)
	}
	for _, id := range []b2bkit.PersonID{"li", "li2", "chen", "wang"} {
		p, err := c.Store().Person(ctx, id)
		clear, _ := p.ClearJSON()
		out = append(out, string(clear), err == nil)
		spells, err := c.Store().Spells(ctx, crm.SpellQuery{Person: id})
		require.NoError(t, err)
		out = append(out, spells)
		for e, err := range c.Store().Audit(ctx, id) {
			require.NoError(t, err)
			out = append(out, e)
		}
	}
	for j, err := range c.Store().JobChanges(ctx, time.Time{}) {
		require.NoError(t, err)
		out = append(out, j)
	}
	b, err := json.Marshal(out)
	require.NoError(t, err)
	return string(b)
}

// An import whose context is cancelled while its rows are read stops within a few thousand rows,
// not after the last of a large import, returns an error matching context.Canceled and stores
// nothing.
func TestR3_AnImportCancelledHalfWayStopsAndStoresNothing(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	before := crmState(t, c)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const total, cancelAt = 200_000, 1_000
	read := 0
	rows := func(yield func(crm.ImportRow, error) bool) {
		for i := range total {
			read++
			if i == cancelAt {
				cancel()
			}
			row := crm.ImportRow{Key: b2bkit.PersonID(fmt.Sprintf("p%d", i)), Name: "某人",
				Job: crm.Job{Company: "A", Title: "cook", Start: day(2025, 1, 1)}}
			if !yield(row, nil) {
				return
			}
		}
	}
	_, err := c.Import(ctx, rows)
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, read, cancelAt+10_000, "rows read after the cancel")
	require.Equal(t, before, crmState(t, c))
}

// A tier evaluation whose context is cancelled while its contributions are read stops within a few
// thousand of them, returns an error matching context.Canceled and stores nothing.
func TestR4_ATierEvaluationCancelledHalfWayStopsAndStoresNothing(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	before := crmState(t, c)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const total, cancelAt = 200_000, 1_000
	read := 0
	contribs := func(yield func(crm.Contribution) bool) {
		for i := range total {
			read++
			if i == cancelAt {
				cancel()
			}
			if !yield(crm.Contribution{Company: "A", Kind: crm.Purchase, Amount: dec("100"), At: day(2026, 5, 1)}) {
				return
			}
		}
	}
	_, err := c.EvaluateTier(ctx, "A", policy(t), contribs, day(2026, 6, 30))
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, read, cancelAt+10_000, "contributions read after the cancel")
	require.Equal(t, before, crmState(t, c))
}
