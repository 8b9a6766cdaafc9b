package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigrationsAppliedOnceAndRecorded: opening a database twice applies every store's migrations
// once, records them, and keeps what was stored.
func TestMigrationsAppliedOnceAndRecorded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b2bkit.db")
	db, err := sqlstore.OpenSQLite(path)
	require.NoError(t, err)
	require.NoError(t, db.Matches().Append(ctx, history(1)[0]))
	require.NoError(t, db.Close())
	db, err = sqlstore.OpenSQLite(path)
	require.NoError(t, err)
	defer db.Close()
	var applied []string
	rows, err := db.SQL().QueryContext(ctx, `SELECT store, version FROM sqlstore_migrations ORDER BY store, version`)
	require.NoError(t, err)
	for rows.Next() {
		var (
			s string
			v int
		)
		require.NoError(t, rows.Scan(&s, &v))
		applied = append(applied, fmt.Sprintf("%s/%d", s, v))
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"crm/1", "crm/2", "matches/1", "matches/2", "prices/1", "prices/2", "registry/1"}, applied,
		"every migration of every store, each applied once")
	_, err = db.Matches().Get(ctx, history(1)[0].ID)
	require.NoError(t, err, "what was stored is still there")
}

// TestMigrationsRefuseANewerSchema: a database migrated by newer code (a version this code does not
// know), or recorded from other text than this code's, is refused, on both dialects.
func TestMigrationsRefuseANewerSchema(t *testing.T) {
	for _, c := range []struct {
		name, change, want string
	}{
		{"newer version", `INSERT INTO sqlstore_migrations (store, version, name, checksum, applied_at) VALUES ('matches', 99, 'future', 'x', 0)`, "newer than this code knows"},
		{"unknown store", `INSERT INTO sqlstore_migrations (store, version, name, checksum, applied_at) VALUES ('contracts', 1, 'init', 'x', 0)`, "newer than this code knows"},
		{"other text", `UPDATE sqlstore_migrations SET checksum = 'edited' WHERE store = 'crm'`, "other text"},
	} {
		t.Run(c.name+"/sqlite", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "b2bkit.db")
			db, err := sqlstore.OpenSQLite(path)
			require.NoError(t, err)
			_, err = db.SQL().Exec(c.change)
			require.NoError(t, err)
			require.NoError(t, db.Close())
			_, err = sqlstore.OpenSQLite(path)
			require.ErrorIs(t, err, b2bkit.ErrConflict)
			assert.ErrorContains(t, err, c.want)
		})
		t.Run(c.name+"/postgres", func(t *testing.T) {
			base, schema := freshSchema(t)
			dsn := withSearchPath(base, schema)
			db, err := sqlstore.OpenPostgres(dsn)
			require.NoError(t, err)
			_, err = db.SQL().Exec(c.change)
			require.NoError(t, err)
			require.NoError(t, db.Close())
			_, err = sqlstore.OpenPostgres(dsn)
			require.ErrorIs(t, err, b2bkit.ErrConflict)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

// TestOpenRefusesBadArguments: paths a pool cannot share and unknown dialects are bad input.
func TestOpenRefusesBadArguments(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:x.db", "x.db?mode=ro"} {
		_, err := sqlstore.OpenSQLite(path)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "%q", path)
	}
	_, err := sqlstore.OpenPostgres("")
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	_, err = sqlstore.Open(context.Background(), sqlstore.Dialect(9), "x", nil)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
}

// TestOpenSaysAPathOrDSNThatCannotBeOpenedIsInvalid: a path that is no SQLite database — in a
// directory that does not exist, a directory, a file of something else — and a PostgreSQL DSN that
// does not parse are bad arguments, as Open's doc says: errors matching b2bkit.ErrInvalid naming
// path or dsn, the driver's error kept as the cause, a password in the DSN never echoed. Before,
// they were the drivers' errors alone ("unable to open database file (14)").
func TestOpenSaysAPathOrDSNThatCannotBeOpenedIsInvalid(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte(strings.Repeat("not a database ", 100)), 0o600))
	for _, path := range []string{filepath.Join(dir, "no", "such", "dir", "b2bkit.db"), dir, text} {
		_, err := sqlstore.OpenSQLite(path)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "%q", path)
		assert.ErrorContains(t, err, "path", "%q", path)
	}
	for _, dsn := range []string{"postgres://app:s3cret@%zz/db", "host=127.0.0.1 port=notaport password=s3cret"} {
		_, err := sqlstore.OpenPostgres(dsn)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, "%q", dsn)
		assert.ErrorContains(t, err, "dsn", "%q", dsn)
		assert.NotContains(t, err.Error(), "s3cret")
	}
}

// TestR24_AFailingMigrationSaysSoOnce: a migration the database refuses (here a table of the same
// name is already there, not made by sqlstore) is an error naming the migration, with the package's
// prefix once, and the database is left without a half-applied schema.
func TestR24_AFailingMigrationSaysSoOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b2bkit.db")
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = raw.Exec(`CREATE TABLE crm_companies (x INTEGER)`)
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	_, err = sqlstore.OpenSQLite(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "migration crm/001_crm: ")
	assert.Equal(t, 1, strings.Count(err.Error(), "sqlstore:"), "the prefix once: %v", err)

	raw, err = sql.Open("sqlite", path)
	require.NoError(t, err)
	defer raw.Close()
	var tables int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'crm_%'`).Scan(&tables))
	assert.Equal(t, 1, tables, "only the table that was there before: the migration's transaction rolled back")
}
