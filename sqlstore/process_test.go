package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The environment of a child process of TestR19_TwoProcessesFinanceOneReceivable.
const (
	envChildDialect = "B2BKIT_SQLSTORE_CHILD_DIALECT"
	envChildDSN     = "B2BKIT_SQLSTORE_CHILD_DSN"
	envChildFP      = "B2BKIT_SQLSTORE_CHILD_FP"
)

// TestR19_TwoProcessesFinanceOneReceivable: two operating-system processes — this test binary run
// again — finance the same confirmed receivable in one database; exactly one wins and the other is
// told who holds it. On PostgreSQL the parent holds the receivable's row lock until both children
// have read the record and are blocked writing it (it sees them wait in pg_stat_activity), so both
// certainly race on the same version. On SQLite it holds the write lock for a moment instead.
func TestR19_TwoProcessesFinanceOneReceivable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, dialect := range []string{"postgres", "sqlite"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			var (
				dsn  string
				db   *sqlstore.DB
				err  error
				lock *sql.DB
			)
			if dialect == "postgres" {
				base, schema := freshSchema(t)
				dsn = withSearchPath(base, schema)
				db, err = sqlstore.OpenPostgres(dsn)
				require.NoError(t, err)
				lock, err = sql.Open("pgx", dsn)
			} else {
				dsn = filepath.Join(t.TempDir(), "b2bkit.db")
				db, err = sqlstore.OpenSQLite(dsn)
				require.NoError(t, err)
				lock, err = sql.Open("sqlite", dsn+"?_txlock=immediate")
			}
			require.NoError(t, err)
			t.Cleanup(func() { db.Close(); lock.Close() })

			at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
			inv := b2bkit.Invoice{Number: "INV-2026-7", Seller: "east-grain", Buyer: "golden-wok", Orders: []b2bkit.OrderID{"PO-7"},
				Amount: decimal.RequireFromString("50000.00"), Currency: "CNY", IssuedAt: at, DueAt: at.AddDate(0, 0, 60)}
			l := risk.NewLedger(db.Registry(), nil)
			r, err := l.Offer(ctx, inv, "BANK-A", "seller-clerk", at)
			require.NoError(t, err)
			_, err = l.Confirm(ctx, r.Fingerprint, "BANK-A", "debtor", at.Add(time.Hour))
			require.NoError(t, err)

			// Hold the lock the children's writes need.
			tx, err := lock.BeginTx(ctx, nil)
			require.NoError(t, err)
			if dialect == "postgres" {
				var v int64
				require.NoError(t, tx.QueryRowContext(ctx, "SELECT version FROM receivables WHERE fingerprint = $1 FOR UPDATE", r.Fingerprint.String()).Scan(&v))
			} else {
				_, err = tx.ExecContext(ctx, "UPDATE receivables SET version = version WHERE fingerprint = ?", r.Fingerprint.String())
				require.NoError(t, err)
			}

			children := make([]*exec.Cmd, 2)
			outs := make([]*bytes.Buffer, 2)
			for i := range children {
				c := exec.Command(os.Args[0], "-test.run=^TestR19_ChildProcessFinances$", "-test.count=1", "-test.v")
				c.Env = append(os.Environ(), envChildDialect+"="+dialect, envChildDSN+"="+dsn, envChildFP+"="+r.Fingerprint.String())
				outs[i] = &bytes.Buffer{}
				c.Stdout, c.Stderr = outs[i], outs[i]
				require.NoError(t, c.Start())
				children[i] = c
			}
			if dialect == "postgres" {
				waitForBlockedWriters(t, lock, 2)
			} else {
				time.Sleep(2 * time.Second) // long enough for both to read; the result holds either way
			}
			require.NoError(t, tx.Rollback())

			results := make([]string, 2)
			for i, c := range children {
				err := c.Wait()
				require.NoError(t, err, "child %d:\n%s", i, outs[i])
				results[i] = childResult(t, outs[i].String())
			}
			wins := 0
			for _, res := range results {
				switch {
				case res == "ok":
					wins++
				default:
					assert.True(t, strings.HasPrefix(res, "conflict"), "the loser is told it lost: %s", res)
					assert.Contains(t, res, "financed by lender BANK-A", "and who holds the receivable")
				}
			}
			assert.Equal(t, 1, wins, "exactly one process finances the receivable: %q", results)
			got, err := db.Registry().Get(ctx, r.Fingerprint)
			require.NoError(t, err)
			assert.Equal(t, risk.StateFinanced, got.State)
			assert.Equal(t, int64(3), got.Version, "offer, confirm, one financing")
			financings := 0
			for _, tr := range got.History {
				if tr.To == risk.StateFinanced {
					financings++
				}
			}
			assert.Equal(t, 1, financings)
		})
	}
}

// waitForBlockedWriters waits until n sessions of the database are waiting for a lock while
// updating receivables.
func waitForBlockedWriters(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var waiting int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE receivables%'`).Scan(&waiting))
		if waiting >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d writers are waiting for the lock", waiting, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// childResult finds the line "RESULT: ..." a child printed.
func childResult(t *testing.T, out string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if r, ok := strings.CutPrefix(line, "RESULT: "); ok {
			return r
		}
	}
	t.Fatalf("the child printed no result:\n%s", out)
	return ""
}

// TestR19_ChildProcessFinances is one of the processes of TestR19_TwoProcessesFinanceOneReceivable;
// run on its own it skips.
func TestR19_ChildProcessFinances(t *testing.T) {
	dialect := os.Getenv(envChildDialect)
	if dialect == "" {
		t.Skip("a child process of TestR19_TwoProcessesFinanceOneReceivable")
	}
	var (
		db  *sqlstore.DB
		err error
	)
	if dialect == "postgres" {
		db, err = sqlstore.OpenPostgres(os.Getenv(envChildDSN))
	} else {
		db, err = sqlstore.OpenSQLite(os.Getenv(envChildDSN))
	}
	require.NoError(t, err)
	defer db.Close()
	fp, err := risk.ParseFingerprint(os.Getenv(envChildFP))
	require.NoError(t, err)
	l := risk.NewLedger(db.Registry(), nil)
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	_, err = l.Finance(context.Background(), fp, "BANK-A", decimal.RequireFromString("40000"), fmt.Sprintf("officer-%d", os.Getpid()), at)
	switch {
	case err == nil:
		fmt.Println("RESULT: ok")
	case errors.Is(err, b2bkit.ErrConflict):
		fmt.Println("RESULT: conflict: " + err.Error())
	default:
		fmt.Println("RESULT: error: " + err.Error())
	}
}
