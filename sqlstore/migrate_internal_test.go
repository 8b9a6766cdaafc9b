package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oldSchema opens a new database of dialect d at dsn with the migrations for which keep is true
// applied, as code before the others would have left it, and hands it to fill.
func oldSchema(t *testing.T, d Dialect, dsn string, keep func(migration) bool, fill func(db *DB)) {
	t.Helper()
	all, err := migrations(d)
	require.NoError(t, err)
	var before []migration
	for _, m := range all {
		if keep(m) {
			before = append(before, m)
		}
	}
	driver := map[Dialect]string{SQLite: "sqlite", Postgres: "pgx"}[d]
	h, err := sql.Open(driver, dsn)
	require.NoError(t, err)
	defer h.Close()
	db := &DB{sql: h, dialect: d, now: time.Now}
	require.NoError(t, db.applyMigrations(context.Background(), before))
	fill(db)
}

// oldCRM applies every migration but crm's from the second on (the one that brings search) to a new database,
// and stores two companies and a person with a contact point as the code before it did: with no
// name key.
func oldCRM(t *testing.T, d Dialect, dsn string) {
	t.Helper()
	ctx := context.Background()
	oldSchema(t, d, dsn, func(m migration) bool { return m.store != "crm" || m.version < 2 }, func(db *DB) {
		for _, c := range [][2]string{{"w", "Golden  Wok"}, {"k", "金锅餐厅"}} {
			_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO crm_companies (id, name, territory, city, industry, wallet_amount,
	wallet_currency, wallet_method, tier, tier_history, owner_rep, acquired_by, stage, stages, source, source_person, version)
VALUES (?, ?, '', '', '', '0', '', '', '', '[]', '', '', 0, '[]', 0, '', 1)`), c[0], c[1])
			require.NoError(t, err)
		}
		_, err := db.sql.ExecContext(ctx, `INSERT INTO crm_people (id, name, merged_into, absorbed, version) VALUES ('p', 'Li Na', '', '[]', 1)`)
		require.NoError(t, err)
		_, err = db.sql.ExecContext(ctx, `INSERT INTO crm_contacts (person, pos, kind, value) VALUES ('p', 0, 1, '13812345678')`)
		require.NoError(t, err)
	})
}

// TestR2_SearchFindsRecordsStoredBeforeIt: opening a database whose CRM was stored before search
// existed fills the name keys of what is stored, so the old records are found.
func TestR2_SearchFindsRecordsStoredBeforeIt(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, db *DB) {
		list, err := db.CRM().SearchCompanies(ctx, crm.CompanyQuery{NamePrefix: "golden w", Limit: 10})
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, b2bkit.CompanyID("w"), list[0].ID)
		list, err = db.CRM().SearchCompanies(ctx, crm.CompanyQuery{NamePrefix: "金", Limit: 10})
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, b2bkit.CompanyID("k"), list[0].ID)
		people, err := db.CRM().SearchPeople(ctx, crm.PersonQuery{NamePrefix: "li n", Limit: 10})
		require.NoError(t, err)
		require.Len(t, people, 1)
		assert.Empty(t, people[0].Consents, "no consents recorded before")
		require.Len(t, people[0].Contacts, 1, "her contact point, kept through the migrations")
		assert.Equal(t, "13812345678", people[0].Contacts[0].Value)
		p, err := db.CRM().PersonByContact(ctx, crm.ContactKey(crm.Mobile, "13812345678"))
		require.NoError(t, err)
		assert.Equal(t, b2bkit.PersonID("p"), p.ID)
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		oldCRM(t, SQLite, path)
		db, err := OpenSQLite(path)
		require.NoError(t, err)
		defer db.Close()
		check(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testSchema(t)
		oldCRM(t, Postgres, dsn)
		db, err := OpenPostgres(dsn)
		require.NoError(t, err)
		defer db.Close()
		check(t, db)
	})
}

// testSchema returns the DSN of a new schema in the PostgreSQL test database (see helpers_test.go
// of the black-box tests), dropped after the test, or skips naming the variable.
func testSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("B2BKIT_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("PostgreSQL tests skipped: set B2BKIT_POSTGRES_DSN to the DSN of a throwaway database")
	}
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := " "
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep = "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + sep + "search_path=" + schema
}

// TestR2_SearchPagesReadAnIndexInOrder: SQLite's plan for a page of each kind of company search
// reads an index in name order — no scan of the table, no sort of what it read.
func TestR2_SearchPagesReadAnIndexInOrder(t *testing.T) {
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	defer db.Close()
	after := "golden wok"
	for _, c := range []struct {
		q     crm.CompanyQuery
		after *string
		index string
	}{
		{crm.CompanyQuery{}, nil, "crm_companies_by_name"},
		{crm.CompanyQuery{NamePrefix: "Gold"}, nil, "crm_companies_by_name"},
		{crm.CompanyQuery{NamePrefix: "Gold", After: "w"}, &after, "crm_companies_by_name"},
		{crm.CompanyQuery{City: "Hangzhou"}, nil, "crm_companies_by_city"},
		{crm.CompanyQuery{OwnerRep: "rep-1", After: "w"}, &after, "crm_companies_by_owner_rep"},
		{crm.CompanyQuery{Stages: []crm.Stage{crm.Repurchasing}}, nil, "crm_companies_by_stage"},
	} {
		c.q.Limit = 20
		query, args, ok := companySearch(&c.q, c.after)
		require.True(t, ok)
		text := strings.Join(sqlitePlan(t, db, query, args...), "; ")
		assert.Contains(t, text, "USING INDEX "+c.index, "%+v: %s", c.q, text)
		assert.NotContains(t, text, "TEMP B-TREE", "%+v: %s", c.q, text)
	}
	for _, c := range []struct {
		q     crm.PersonQuery
		after *string
	}{{crm.PersonQuery{}, nil}, {crm.PersonQuery{NamePrefix: "Li"}, nil}, {crm.PersonQuery{NamePrefix: "Li", After: "p"}, &after}} {
		c.q.Limit = 20
		query, args, ok := peopleSearch(&c.q, c.after)
		require.True(t, ok)
		text := strings.Join(sqlitePlan(t, db, query, args...), "; ")
		// The page is read from the index of listed people in order; its contact points by the
		// primary key of crm_contacts.
		assert.Contains(t, text, "USING INDEX crm_people_listed_by_name", "%+v: %s", c.q, text)
		assert.Contains(t, text, "SEARCH c USING INDEX sqlite_autoindex_crm_contacts_1 (person=?)", "%+v: %s", c.q, text)
		assert.NotContains(t, text+";", "SCAN c;", "%+v: %s", c.q, text)
	}
}

// TestR2_SearchWithValuesNoRecordHolds: a filter or prefix holding what no stored value can hold (a
// NUL byte) selects nothing, on the way to the database or not.
func TestR2_SearchWithValuesNoRecordHolds(t *testing.T) {
	ctx := context.Background()
	bothDialects(t, func(t *testing.T, db *DB) {
		require.NoError(t, db.CRM().Apply(ctx, crm.Batch{Companies: []crm.Company{{ID: "a", Name: "a", City: "x"}}}))
		for _, q := range []crm.CompanyQuery{{NamePrefix: "a\x00"}, {City: "x\x00"}} {
			q.Limit = 5
			list, err := db.CRM().SearchCompanies(ctx, q)
			require.NoError(t, err)
			assert.Empty(t, list)
		}
		_, err := db.CRM().SearchCompanies(ctx, crm.CompanyQuery{After: "a\x00", Limit: 5})
		require.ErrorIs(t, err, b2bkit.ErrNotFound)
		for e, err := range db.CRM().Audit(ctx, "a\x00") {
			t.Errorf("an entry under an id no record can have: %v %v", e, err)
		}
		deals, err := db.CRM().Deals(ctx, "a\x00")
		require.NoError(t, err)
		assert.Empty(t, deals)
	})
}

// TestPrefixEnd: the least key above every key with a prefix raises its last byte below 0xff.
func TestPrefixEnd(t *testing.T) {
	assert.Equal(t, "b", mustEnd(t, "a"))
	assert.Equal(t, "b", mustEnd(t, "a\xff"))
	_, bounded := prefixEnd("\xff\xff")
	assert.False(t, bounded)
}

func mustEnd(t *testing.T, key string) string {
	t.Helper()
	end, ok := prefixEnd(key)
	require.True(t, ok)
	return end
}

// bothDialects runs fn on a new SQLite database and, when B2BKIT_POSTGRES_DSN is set, on a new
// PostgreSQL schema.
func bothDialects(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := OpenSQLite(filepath.Join(t.TempDir(), "b2bkit.db"))
		require.NoError(t, err)
		defer db.Close()
		fn(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		db, err := OpenPostgres(testSchema(t))
		require.NoError(t, err)
		defer db.Close()
		fn(t, db)
	})
}

// TestR13_MatchesStoredBeforeTheLogBecomeItsFirstEntries: opening a database whose matches were
// stored before the log had numbered entries turns them into appended entries in their order,
// with the status they had; the log goes on numbering after them.
func TestR13_MatchesStoredBeforeTheLogBecomeItsFirstEntries(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 6, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	old := []matching.Match{matchingtest.Sample("M-2", at), matchingtest.Sample("M-1", at.Add(-time.Hour))}
	old[1].Status = matching.Accepted
	run := func(t *testing.T, d Dialect, dsn string, open func() (*DB, error)) {
		oldSchema(t, d, dsn, func(m migration) bool { return m.store != "matches" || m.version < 2 }, func(db *DB) {
			for _, m := range old {
				_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO matches (`+matchColumns+`) VALUES (`+placeholders(matchWidth)+`)`), matchArgs(&m, nil)...)
				require.NoError(t, err)
			}
		})
		db, err := open()
		require.NoError(t, err)
		defer db.Close()
		l := db.Matches()
		require.NoError(t, l.Append(ctx, matchingtest.Sample("M-3", at)))
		var got []matching.Entry
		for e, err := range l.Since(ctx, 0) {
			require.NoError(t, err)
			got = append(got, e)
		}
		require.Len(t, got, 3)
		for i, m := range append(old, matchingtest.Sample("M-3", at)) {
			assert.Equal(t, matching.MatchAppended, got[i].Kind)
			assert.True(t, got[i].Match.Equal(m), "entry %d: %+v", i, got[i].Match)
			if i > 0 {
				assert.Greater(t, got[i].Seq, got[i-1].Seq)
			}
		}
		require.NoError(t, l.SetStatus(ctx, matching.StatusChange{ID: "M-1", Status: matching.Fulfilled, At: at, By: "ops"}),
			"accepted before, it may be fulfilled now")
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		run(t, SQLite, path, func() (*DB, error) { return OpenSQLite(path) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testSchema(t)
		run(t, Postgres, dsn, func() (*DB, error) { return OpenPostgres(dsn) })
	})
}
