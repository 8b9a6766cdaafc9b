package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/b2bkit/b2bkit"
)

// The schema is versioned per store, so each store's tables evolve on their own: migrations/<store>/
// holds NNN_name.<dialect>.sql, applied in NNN order and recorded in sqlstore_migrations with a
// checksum of their text.
//
//go:embed migrations
var migrationFiles embed.FS

// A migration is one embedded schema change of one store.
type migration struct {
	store   string
	version int
	name    string
	sql     string
	sum     string
}

// migrations returns the embedded migrations of dialect d, ordered by store, then version.
func migrations(d Dialect) ([]migration, error) {
	var out []migration
	err := fs.WalkDir(migrationFiles, "migrations", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		base := path.Base(p)
		suffix := "." + d.String() + ".sql"
		if !strings.HasSuffix(base, suffix) {
			return nil
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(base, suffix), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return fmt.Errorf("sqlstore: migration %s: want NNN_name%s", p, suffix)
		}
		b, err := migrationFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out = append(out, migration{store: path.Base(path.Dir(p)), version: v, name: name, sql: string(b), sum: hex.EncodeToString(sum[:])})
		return nil
	})
	slices.SortFunc(out, func(a, b migration) int {
		if c := strings.Compare(a.store, b.store); c != 0 {
			return c
		}
		return a.version - b.version
	})
	return out, err
}

// migrateLock is the PostgreSQL advisory lock that serialises servers migrating one database.
const migrateLock = 0x62326b6974 // "b2kit"

// migrate applies the embedded migrations the database lacks, all in one transaction, after
// checking that what is recorded is what this code knows.
func (db *DB) migrate(ctx context.Context) error {
	if db.dialect == Postgres {
		var enc string
		if err := db.sql.QueryRowContext(ctx, "SHOW server_encoding").Scan(&enc); err != nil {
			return db.fail(ctx, err, "", "")
		}
		if !strings.EqualFold(enc, "UTF8") {
			return fmt.Errorf("sqlstore: %w", b2bkit.Invalid("dsn", "the database's encoding is %s; sqlstore needs UTF8 (createdb -E UTF8 -T template0)", enc))
		}
	}
	all, err := migrations(db.dialect)
	if err != nil {
		return err
	}
	return db.applyMigrations(ctx, all)
}

// applyMigrations applies those of the migrations all that the database lacks, in one transaction,
// after checking that what is recorded is among them.
func (db *DB) applyMigrations(ctx context.Context, all []migration) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if db.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLock)); err != nil {
				return db.fail(ctx, err, "", "")
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS sqlstore_migrations (
	store      TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	name       TEXT    NOT NULL,
	checksum   TEXT    NOT NULL,
	applied_at BIGINT  NOT NULL,
	PRIMARY KEY (store, version)
)`); err != nil {
			return db.fail(ctx, err, "", "")
		}
		applied, err := db.applied(ctx, tx)
		if err != nil {
			return err
		}
		known := map[string]migration{}
		for _, m := range all {
			known[m.store+"/"+strconv.Itoa(m.version)] = m
		}
		for _, a := range applied {
			m, ok := known[a.store+"/"+strconv.Itoa(a.version)]
			switch {
			case !ok:
				return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("schema", a.store,
					fmt.Sprintf("version %d (%s) is newer than this code knows; upgrade the code", a.version, a.name)))
			case m.sum != a.sum:
				return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("schema", a.store,
					fmt.Sprintf("version %d (%s) was applied from other text than this code's", a.version, a.name)))
			}
			delete(known, a.store+"/"+strconv.Itoa(a.version))
		}
		for _, m := range all {
			if _, todo := known[m.store+"/"+strconv.Itoa(m.version)]; !todo {
				continue
			}
			for _, stmt := range statements(m.sql) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("sqlstore: migration %s/%03d_%s: %w", m.store, m.version, m.name, db.cause(ctx, err, "", ""))
				}
			}
			if err := db.afterMigration(ctx, tx, m); err != nil {
				return fmt.Errorf("sqlstore: migration %s/%03d_%s: %w", m.store, m.version, m.name, err)
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO sqlstore_migrations (store, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)`),
				m.store, m.version, m.name, m.sum, db.now().UnixNano()); err != nil {
				return db.fail(ctx, err, "", "")
			}
		}
		return nil
	})
}

type appliedMigration struct {
	store   string
	version int
	name    string
	sum     string
}

func (db *DB) applied(ctx context.Context, tx *sql.Tx) ([]appliedMigration, error) {
	rows, err := tx.QueryContext(ctx, `SELECT store, version, name, checksum FROM sqlstore_migrations ORDER BY store, version`)
	if err != nil {
		return nil, db.fail(ctx, err, "", "")
	}
	defer rows.Close()
	var out []appliedMigration
	for rows.Next() {
		var a appliedMigration
		if err := rows.Scan(&a.store, &a.version, &a.name, &a.sum); err != nil {
			return nil, db.fail(ctx, err, "", "")
		}
		out = append(out, a)
	}
	return out, db.fail(ctx, rows.Err(), "", "")
}

// statements splits a migration into its statements: each ends with a semicolon at the end of a
// line. Lines starting with -- are comments.
func statements(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// afterMigration runs what a migration needs done in Go, in its transaction: values SQL cannot
// compute, such as crm's name keys for the rows stored before their column.
func (db *DB) afterMigration(ctx context.Context, tx *sql.Tx, m migration) error {
	switch {
	case m.store == "crm" && m.version == 2:
		return db.fillNameKeys(ctx, tx)
	}
	return nil
}
