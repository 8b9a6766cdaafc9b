package crm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
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

// cancelOnLastRead is a store that cancels its context once the last read a duplicates search makes
// is done: the company stream has ended (DuplicateCompanies), the spells of company last are read
// (DuplicatePeople). What is left is the comparison of the names.
type cancelOnLastRead struct {
	crm.Store
	last   b2bkit.CompanyID
	cancel context.CancelFunc
}

func (s cancelOnLastRead) Companies(ctx context.Context) iter.Seq2[crm.Company, error] {
	return func(yield func(crm.Company, error) bool) {
		for co, err := range s.Store.Companies(ctx) {
			if !yield(co, err) {
				return
			}
		}
		s.cancel()
	}
}

func (s cancelOnLastRead) Spells(ctx context.Context, q crm.SpellQuery) ([]crm.Spell, error) {
	out, err := s.Store.Spells(ctx, q)
	if q.Company == s.last {
		s.cancel()
	}
	return out, err
}

// A duplicates search whose context is cancelled after the store is read, while the names are
// compared, stops with an error matching context.Canceled instead of comparing to the end.
func TestR23_ADuplicatesSearchCancelledWhileComparingNamesStops(t *testing.T) {
	const n = 5_000 // names one digit apart: tens of thousands of comparisons; company Z is read last
	m := crm.NewMemoryStore()
	b := crm.Batch{Companies: []crm.Company{{ID: "Z", Name: "Z", City: "杭州", Stage: crm.Target}}}
	for i := range n {
		id := b2bkit.PersonID(fmt.Sprintf("p%05d", i))
		start := day(2025, 1, 1)
		b.People = append(b.People, crm.Person{ID: id, Name: fmt.Sprintf("Wang Xiaoming %04d", i)})
		b.Spells = append(b.Spells, crm.Spell{ID: crm.SpellID(fmt.Sprintf("%s@Z@%s", id, start.Format(time.RFC3339Nano))),
			Person: id, Company: "Z", Title: "cook", Start: start})
		b.Companies = append(b.Companies, crm.Company{ID: b2bkit.CompanyID(fmt.Sprintf("C%05d", i)),
			Name: fmt.Sprintf("杭州鸿运餐饮%04d有限公司", i), City: "杭州", Stage: crm.Target})
	}
	require.NoError(t, m.Apply(ctx, b))
	for name, search := range map[string]func(*crm.CRM, context.Context) error{
		"DuplicatePeople":    func(c *crm.CRM, ctx context.Context) error { _, err := c.DuplicatePeople(ctx); return err },
		"DuplicateCompanies": func(c *crm.CRM, ctx context.Context) error { _, err := c.DuplicateCompanies(ctx); return err },
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, search(crm.New(m, nil), ctx), "uncancelled, it runs")
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			c := crm.New(cancelOnLastRead{Store: m, last: "Z", cancel: cancel}, nil)
			require.ErrorIs(t, search(c, ctx), context.Canceled)
		})
	}
}
