package sqlstore

import (
	"context"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// explain returns PostgreSQL's plan for query (written with ? placeholders) with args, one line
// per node.
func explain(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.sql.QueryContext(context.Background(), "EXPLAIN "+db.q(query), args...)
	require.NoError(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		lines = append(lines, strings.TrimSpace(line))
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}

// usesIndex reports whether a plan reads index in its order (either way), the table's rows or the
// index's own.
func usesIndex(plan, index string) bool { return strings.Contains(plan, " using "+index+" on ") }

// TestR2_PostgresSearchPlansReadAnIndexInOrder: on PostgreSQL, with tables large enough that a
// sequential scan would be chosen if it were cheaper (20,000 companies and people, 220,000 log
// entries, analysed), every kind of page of a company or people search reads the index its filter
// names in name order — no sequential scan, no sort of what it read — and the match log's reads (a
// page of Since, Get, the last status of a match, the stored matches of a batch) read their
// indexes.
func TestR2_PostgresSearchPlansReadAnIndexInOrder(t *testing.T) {
	db, err := OpenPostgres(testSchema(t))
	require.NoError(t, err)
	defer db.Close()
	for _, fill := range []string{
		`INSERT INTO crm_companies (id, name, name_key, territory, city, industry, wallet_amount, wallet_currency, wallet_method,
	tier, tier_history, owner_rep, acquired_by, stage, stages, source, source_person, version)
SELECT 'co-' || lpad(g::text, 6, '0'), 'Company ' || md5(g::text), md5(g::text), 'T' || (g % 40), 'city-' || (g % 400),
	'food', 0, 'CNY', '', 'tier-' || (g % 5), '[]', 'rep-' || (g % 200), '', g % 6, '[]', 0, '', 1
FROM generate_series(1, 20000) g`,
		`INSERT INTO crm_people (id, name, name_key, merged_into, absorbed, consents, erased_at, version)
SELECT 'p-' || lpad(g::text, 6, '0'), 'Person ' || md5(g::text), md5(g::text), CASE WHEN g % 50 = 0 THEN 'p-000001' ELSE '' END,
	'[]', '[]', CASE WHEN g % 70 = 0 THEN 1 END, 1
FROM generate_series(1, 20000) g`,
		`INSERT INTO crm_contacts (person, pos, kind, value) SELECT 'p-' || lpad(g::text, 6, '0'), 0, 1, '138' || lpad(g::text, 8, '0')
FROM generate_series(1, 20000) g`,
		`INSERT INTO match_log (kind, id, buyer, seller, sku, quantity, unit_price, currency, subsidy, payment, at, at_off, status, mode, channel)
SELECT 1, 'M-' || lpad(g::text, 8, '0'), 'B-' || (g % 5000), 'S-' || (g % 300), 'SKU-' || (g % 2000), 1 + g % 500, 10.5, 'CNY', 0, '',
	g::bigint * 1000000000, 28800, 0, 0, 1
FROM generate_series(1, 200000) g`,
		`INSERT INTO match_log (kind, id, match_seq, at, at_off, status, changed_by)
SELECT 2, 'M-' || lpad((g * 7)::text, 8, '0'), g * 7, (g * 7)::bigint * 1000000000 + 1, 28800, 1, 'ops'
FROM generate_series(1, 20000) g`,
		`ANALYZE`,
	} {
		_, err := db.sql.Exec(fill)
		require.NoError(t, err)
	}

	after := "7f0e"
	for _, c := range []struct {
		q     crm.CompanyQuery
		after *string
		index string
		few   bool // the index condition leaves a handful of rows: reading them unordered and sorting them is as good
	}{
		{crm.CompanyQuery{}, nil, "crm_companies_by_name", false},
		{crm.CompanyQuery{NamePrefix: "7f"}, nil, "crm_companies_by_name", false},
		{crm.CompanyQuery{NamePrefix: "7f", After: "co-000009"}, &after, "crm_companies_by_name", false},
		{crm.CompanyQuery{City: "city-17"}, nil, "crm_companies_by_city", false},
		{crm.CompanyQuery{City: "city-17", NamePrefix: "a"}, nil, "crm_companies_by_city", true},
		{crm.CompanyQuery{Territory: "T7"}, nil, "crm_companies_by_territory", false},
		{crm.CompanyQuery{Territory: "T7", After: "co-000009"}, &after, "crm_companies_by_territory", false},
		{crm.CompanyQuery{OwnerRep: "rep-1", After: "co-000009"}, &after, "crm_companies_by_owner_rep", false},
		{crm.CompanyQuery{Tier: "tier-3"}, nil, "crm_companies_by_tier", false},
		{crm.CompanyQuery{Stages: []crm.Stage{crm.Repurchasing}}, nil, "crm_companies_by_stage", false},
	} {
		c.q.Limit = 20
		query, args, ok := companySearch(&c.q, c.after)
		require.True(t, ok)
		plan := explain(t, db, query, args...)
		assert.NotContains(t, plan, "Seq Scan", "%+v:\n%s", c.q, plan)
		if c.few {
			assert.True(t, usesIndex(plan, c.index) || strings.Contains(plan, "Bitmap Index Scan on "+c.index+" "),
				"%+v reads %s:\n%s", c.q, c.index, plan)
			continue
		}
		assert.True(t, usesIndex(plan, c.index), "%+v reads %s:\n%s", c.q, c.index, plan)
		assert.NotContains(t, plan, "Sort", "%+v:\n%s", c.q, plan)
	}
	for _, c := range []struct {
		q     crm.PersonQuery
		after *string
	}{
		{crm.PersonQuery{}, nil},
		{crm.PersonQuery{NamePrefix: "7f"}, nil},
		{crm.PersonQuery{NamePrefix: "7f", After: "p-000009"}, &after},
	} {
		c.q.Limit = 20
		query, args, ok := peopleSearch(&c.q, c.after)
		require.True(t, ok)
		plan := explain(t, db, query, args...)
		// The page is read from the index in order; only its own rows joined with their contact
		// points are sorted.
		assert.True(t, usesIndex(plan, "crm_people_listed_by_name"), "%+v:\n%s", c.q, plan)
		assert.True(t, usesIndex(plan, "crm_contacts_pkey"), "%+v:\n%s", c.q, plan)
		assert.NotContains(t, plan, "Seq Scan", "%+v:\n%s", c.q, plan)
	}

	for _, c := range []struct {
		name, query string
		args        []any
		indexes     []string
	}{
		{"since", sinceQuery, []any{150_000, sincePage}, []string{"match_log_pkey"}},
		{"get", getQuery, []any{"M-00000700"}, []string{"match_log_one_append_per_id", "match_log_changes_by_id"}},
		{"last status", lastStatusQuery, []any{"M-00000700"}, []string{"match_log_one_append_per_id", "match_log_changes_by_id"}},
		{"stored of a batch", `SELECT ` + currentColumns + ` FROM match_log m WHERE m.kind = 1 AND m.id = ANY(?)`,
			[]any{[]string{"M-00000001", "M-00000700", "M-00123456"}}, []string{"match_log_one_append_per_id", "match_log_changes_by_id"}},
	} {
		plan := explain(t, db, c.query, c.args...)
		for _, index := range c.indexes {
			assert.True(t, usesIndex(plan, index), "%s reads %s:\n%s", c.name, index, plan)
		}
		assert.NotContains(t, plan, "Seq Scan", "%s:\n%s", c.name, plan)
		assert.NotContains(t, plan, "Sort", "%s:\n%s", c.name, plan)
	}
}
