package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR24_AWriterThatGaveUpWaitingSaysOnWhat: a SQLite writer that waited Options.BusyTimeout for
// another process's write lock gives up with an error matching b2bkit.ErrConflict that names what
// it lost, the database's write lock, once with the package's prefix. Before, the lock lost at
// BEGIN named no record: "sqlstore: : lost a race with another writer: ...".
func TestR24_AWriterThatGaveUpWaitingSaysOnWhat(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b2bkit.db")
	db, err := sqlstore.Open(ctx, sqlstore.SQLite, path, &sqlstore.Options{BusyTimeout: 50 * time.Millisecond})
	require.NoError(t, err)
	defer db.Close()
	other, err := sql.Open("sqlite", path+"?_txlock=immediate")
	require.NoError(t, err)
	defer other.Close()
	tx, err := other.Begin()
	require.NoError(t, err)
	defer tx.Rollback() //nolint:errcheck // the other process only holds the lock
	for _, err := range []error{
		db.Matches().Append(ctx, matchingtest.Sample("M-1", epoch)),
		db.CRM().Apply(ctx, crm.Batch{Companies: []crm.Company{{ID: "A", Name: "A", Stage: crm.Target}}}),
	} {
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.NotContains(t, err.Error(), ": :", "names what was lost")
		assert.Contains(t, err.Error(), "sqlstore: database: lost a race with another writer")
	}
}
