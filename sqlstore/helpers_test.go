package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/stretchr/testify/require"
)

// envPostgres names the environment variable holding the DSN of a PostgreSQL database the tests
// may use (each test in a schema of its own, dropped after). Without it the PostgreSQL tests skip;
// the SQLite ones always run.
const envPostgres = "B2BKIT_POSTGRES_DSN"

// A backend opens a new, empty database of one dialect for a test.
type backend struct {
	name string
	open func(t testing.TB) *sqlstore.DB
}

// backends are the dialects every conformance test runs on.
var backends = []backend{{"sqlite", openSQLite}, {"postgres", openPostgres}}

// forEach runs fn as a subtest per dialect.
func forEach(t *testing.T, fn func(t *testing.T, open func(t testing.TB) *sqlstore.DB)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open) })
	}
}

// openSQLite opens a new SQLite database in a temporary directory.
func openSQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.OpenSQLite(filepath.Join(t.TempDir(), "b2bkit.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresDSN returns the DSN of the test database, or skips the test naming the variable.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envPostgres)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to the DSN of a throwaway database (e.g. postgres://postgres@127.0.0.1:5432/b2bkit_test?sslmode=disable)", envPostgres)
	}
	return dsn
}

// openPostgres opens the test database in a new schema of its own, dropped when the test ends.
func openPostgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	dsn, schema := freshSchema(t)
	db, err := sqlstore.OpenPostgres(withSearchPath(dsn, schema))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// freshSchema creates an empty schema in the test database and returns the DSN and its name.
func freshSchema(t testing.TB) (string, string) {
	t.Helper()
	dsn := postgresDSN(t)
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	return dsn, schema
}

// withSearchPath adds search_path=schema to a DSN in URL or keyword form.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}
