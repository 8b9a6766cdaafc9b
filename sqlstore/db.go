package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
)

// A Dialect names the database engine behind a DB.
type Dialect int

const (
	// SQLite is the embedded engine (modernc.org/sqlite, pure Go): one file, one machine.
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through pgx: one database shared by many application servers.
	Postgres
)

// String returns the dialect's name: sqlite or postgres.
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// Options configure Open. The zero value and nil are the defaults.
type Options struct {
	// Now is the clock that stamps applied migrations. Nil means time.Now.
	Now func() time.Time
	// MaxConns bounds the connection pool. Zero means 16.
	MaxConns int
	// BusyTimeout is how long a SQLite writer waits for another to finish before giving up with
	// an error matching b2bkit.ErrConflict. Zero means 30 seconds. PostgreSQL writers wait for
	// row locks as long as the server lets them.
	BusyTimeout time.Duration
}

// A DB is an open database with b2bkit's schema: the handle every store of this package is made
// from. It is safe for concurrent use; Close it when done.
//
// A DB not made by Open (the zero value, a nil pointer), and a store not made from an open DB (a
// zero or nil *Registry, *MatchLog, *PriceList or *CRMStore), serve nothing: every call is an error
// matching b2bkit.ErrInvalid naming it ("sqlstore: Registry.Get: db: not made by Open").
type DB struct {
	sql      *sql.DB
	dialect  Dialect
	now      func() time.Time
	isClosed atomic.Bool // set by Close: what fails after it fails as closed
}

// OpenSQLite opens (creating it if absent) the SQLite database in the file at path and brings its
// schema up to date; see Open.
func OpenSQLite(path string) (*DB, error) {
	return Open(context.Background(), SQLite, path, nil)
}

// OpenPostgres connects to the PostgreSQL database named by dsn ("postgres://user@host/db" or
// "host=... dbname=...") and brings its schema up to date; see Open.
func OpenPostgres(dsn string) (*DB, error) {
	return Open(context.Background(), Postgres, dsn, nil)
}

// Open opens the database of dialect d at dsn — a file path for SQLite, a connection string for
// PostgreSQL — and applies the migrations it lacks, in one transaction. A schema newer than this code
// (a migration it does not know, or one recorded with other text) is an error matching
// b2bkit.ErrConflict, and the database is left as it was. A bad path (one a pool cannot share, or
// no SQLite database can be opened at) or dialect, a DSN that does not parse, or a PostgreSQL
// database whose encoding is not UTF8, is an error matching b2bkit.ErrInvalid.
func Open(ctx context.Context, d Dialect, dsn string, opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 30 * time.Second
	}
	var (
		driver string
		source string
	)
	switch d {
	case SQLite:
		if dsn == "" || dsn == ":memory:" || strings.HasPrefix(dsn, "file:") || strings.ContainsAny(dsn, "?#") {
			return nil, fmt.Errorf("sqlstore: %w", b2bkit.Invalid("path", "must be a plain file path (no \":memory:\", \"file:\", ? or #): each connection of the pool must open the same database"))
		}
		driver = "sqlite"
		// WAL: readers never wait for the writer. BEGIN IMMEDIATE (_txlock): a writer takes the
		// write lock when it starts, so two writers never both read and then fail to upgrade.
		// Statement journals in memory and a 64 MiB page cache per connection keep a bulk import
		// from spilling to temporary files.
		source = dsn + "?_pragma=busy_timeout(" + strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10) + ")" +
			"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)" +
			"&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)&_txlock=immediate"
	case Postgres:
		if dsn == "" {
			return nil, fmt.Errorf("sqlstore: %w", b2bkit.Invalid("dsn", "must be set"))
		}
		driver, source = "pgx", dsn
	default:
		return nil, fmt.Errorf("sqlstore: %w", b2bkit.Invalid("dialect", "unknown dialect %d", int(d)))
	}
	h, err := sql.Open(driver, source)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", d, err)
	}
	h.SetMaxOpenConns(o.MaxConns)
	h.SetMaxIdleConns(o.MaxConns)
	db := &DB{sql: h, dialect: d, now: o.Now}
	if err := db.migrate(ctx); err != nil {
		h.Close()
		return nil, openError(err)
	}
	return db, nil
}

// SQLite's result codes for a file that cannot be opened as a database (sqlite3.h).
const (
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// openError is the error Open returns for err, met on opening: a path SQLite cannot open as a
// database, or a PostgreSQL DSN that does not parse, is a bad argument matching b2bkit.ErrInvalid,
// with the driver's error kept as the cause; anything else is err.
func openError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqliteCantOpen || se.Code()&0xff == sqliteNotADB) {
		return fmt.Errorf("sqlstore: %w: %w", b2bkit.Invalid("path", "is not a SQLite database that can be opened"), se)
	}
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		// pgx's message leaves the password out of the DSN it quotes.
		return fmt.Errorf("sqlstore: %w: %w", b2bkit.Invalid("dsn", "does not parse"), pe)
	}
	return err
}

// ErrClosed is what every call of a store returns, wrapped, once its DB is closed: "sqlstore:
// Registry.Get: database is closed". The error also matches sql.ErrConnDone, as database/sql's own
// error for a closed database (which it does not export) does not.
var ErrClosed = fmt.Errorf("database is closed: %w", sql.ErrConnDone)

// Close closes the database. Iterators still running fail, and every call after it returns an
// error matching ErrClosed; closing it again does nothing. Close of a DB not made by Open (the zero
// value, a nil pointer) is an error matching b2bkit.ErrInvalid.
func (db *DB) Close() error {
	if err := db.ready("DB.Close"); err != nil {
		return err
	}
	db.isClosed.Store(true)
	return db.sql.Close()
}

// ready is nil if db was made by Open, and otherwise the error of call on it: a zero or nil DB,
// or a store not made from an open one, has no database to ask.
func (db *DB) ready(call string) error {
	if db == nil || db.sql == nil {
		return fmt.Errorf("sqlstore: %s: %w", call, b2bkit.Invalid("db", "not made by Open"))
	}
	return nil
}

// The ready of each store: nil if it was made from a DB made by Open (DB.Registry, ...).
func (g *Registry) ready(call string) error  { return g.dbOf().ready(call) }
func (l *MatchLog) ready(call string) error  { return l.dbOf().ready(call) }
func (l *PriceList) ready(call string) error { return l.dbOf().ready(call) }
func (s *CRMStore) ready(call string) error  { return s.dbOf().ready(call) }

// dbOf is the DB of a store, nil for a nil store.
func (g *Registry) dbOf() *DB {
	if g == nil {
		return nil
	}
	return g.db
}

func (l *MatchLog) dbOf() *DB {
	if l == nil {
		return nil
	}
	return l.db
}

func (l *PriceList) dbOf() *DB {
	if l == nil {
		return nil
	}
	return l.db
}

func (s *CRMStore) dbOf() *DB {
	if s == nil {
		return nil
	}
	return s.db
}

// failedSeq yields err alone: an iterator of a store that cannot serve.
func failedSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// dbClosedText is database/sql's error for a call on a closed *sql.DB, whose variable it does not
// export: a handle closed through SQL() is told by it.
const dbClosedText = "sql: database is closed"

// A closedError is the error of a store's call on a closed DB: it names the call and matches
// ErrClosed (so sql.ErrConnDone) and the error database/sql returned.
type closedError struct {
	call string // "Registry.Get"
	err  error
}

func (e *closedError) Error() string   { return "sqlstore: " + e.call + ": database is closed" }
func (e *closedError) Unwrap() []error { return []error{ErrClosed, e.err} }

// closed is err as a store's call returns it: on a closed DB, a failure of the database becomes
// the closedError naming call (what b2bkit's sentinels or the context say stays as it is: a bad
// argument is still that).
func (db *DB) closed(call string, err error) error {
	if err == nil || !db.isClosed.Load() && !strings.HasSuffix(err.Error(), dbClosedText) {
		return err
	}
	var named *closedError
	switch {
	case errors.As(err, &named):
		return &closedError{call: call, err: named.err} // a call made by call: the caller's is named
	case errors.Is(err, b2bkit.ErrInvalid) || errors.Is(err, b2bkit.ErrNotFound) || errors.Is(err, b2bkit.ErrConflict) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return &closedError{call: call, err: err}
}

// done is closed for a call's named error result, deferred: defer l.db.done("MatchLog.Append", &err).
func (db *DB) done(call string, err *error) { *err = db.closed(call, *err) }

// closedSeq is seq with the errors it yields passed through db.closed for call.
func closedSeq[T any](db *DB, call string, seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if !yield(v, db.closed(call, err)) {
				return
			}
		}
	}
}

// Dialect returns the engine behind db: Dialect(0), no engine, for a nil DB.
func (db *DB) Dialect() Dialect {
	if db == nil {
		return 0
	}
	return db.dialect
}

// SQL returns the database/sql handle, for the host's own tables in the same database (and for
// backups). Writing to sqlstore's tables through it bypasses every check this package makes. It is
// nil for a DB not made by Open.
func (db *DB) SQL() *sql.DB {
	if db == nil {
		return nil
	}
	return db.sql
}

// q rewrites a query written with ? placeholders for the dialect: $1, $2, ... for PostgreSQL.
func (db *DB) q(query string) string {
	if db.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// write runs fn in a read-write transaction and commits it if fn returns nil. On SQLite the
// transaction holds the write lock from its start (BEGIN IMMEDIATE); on PostgreSQL it runs at READ
// COMMITTED, where a conditional UPDATE re-reads a row another transaction changed and locks it.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(ctx, err, "", "")
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.fail(ctx, err, "", "")
	}
	return nil
}

// read runs fn in a read-only transaction over one snapshot of the database, so a record read with
// several queries is never half old, half new.
func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.sql.BeginTx(ctx, opts)
	if err != nil {
		return db.fail(ctx, err, "", "")
	}
	defer tx.Rollback() //nolint:errcheck // a read-only transaction has nothing to keep
	return fn(tx)
}

// fail turns a database error into the error a store returns: the context's error when ctx is
// done; a unique-key violation, a serialisation failure, a deadlock or a lock wait that timed out
// as a conflict of the record kind id (of the database's write lock when kind is empty; a retry
// may succeed); anything else wrapped as it is.
func (db *DB) fail(ctx context.Context, err error, kind, id string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlstore: %w", db.cause(ctx, err, kind, id))
}

// cause is fail without the package's prefix, for an error that a caller puts in its own context
// (a migration names itself) so that the message says "sqlstore:" once.
func (db *DB) cause(ctx context.Context, err error, kind, id string) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	switch db.classify(err) {
	case errUnique:
		if kind == "" {
			return b2bkit.Conflict("record", "", "a unique key is taken")
		}
		return b2bkit.Conflict(kind, id, "a unique key is taken")
	case errRetry:
		if kind == "" {
			// Lost at BEGIN or COMMIT, not over a record: the database's write lock.
			kind, id = "database", ""
		}
		return b2bkit.Conflict(kind, id, "lost a race with another writer: "+err.Error())
	}
	return err
}

type errClass int

const (
	errOther  errClass = iota
	errUnique          // a unique or primary key is already taken
	errRetry           // a lost race: serialisation failure, deadlock, lock wait timed out
)

// SQLite's result codes (sqlite3.h) the stores tell apart.
const (
	sqliteBusy             = 5
	sqliteLocked           = 6
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
)

func (db *DB) classify(err error) errClass {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return errUnique
		case "40001", "40P01", "55P03":
			return errRetry
		}
		return errOther
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqliteConstraintUnique || code == sqliteConstraintPK:
			return errUnique
		case code&0xff == sqliteBusy || code&0xff == sqliteLocked:
			return errRetry
		}
	}
	return errOther
}

// isUnique reports whether err is a unique-key violation.
func (db *DB) isUnique(err error) bool { return db.classify(err) == errUnique }
