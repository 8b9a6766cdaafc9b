// Package sqlstore keeps b2bkit's state in a real database: the receivables registry (risk.Registry),
// the two CRMs (crm.Store), the catalogue with contract prices (pricing.PriceSource and
// BatchPriceSource) and the match log (matching.Log), on SQLite — embedded, pure Go, the default for
// one process — and on PostgreSQL, the engine a platform grows into when several application
// servers share one database.
//
// # Opening
//
// OpenSQLite(path) and OpenPostgres(dsn) open a database and bring its schema up to date: the
// migrations are embedded in the binary, applied on open inside one transaction, and recorded in the
// table sqlstore_migrations, one row per store and version. A database whose schema is newer than
// the code knows is refused (ErrConflict), and so is one whose recorded migration differs from the
// code's text: an old binary never writes into a schema it does not understand.
//
// # What the database does
//
// The invariants the interfaces promise are kept by the database, not by a lock in Go, so they hold
// across processes:
//
//   - risk.Registry.Put is a conditional UPDATE on the stored version inside a transaction (in
//     PostgreSQL the updated row stays locked until commit), and a partial unique index allows one
//     financing transition per receivable (R19): of two servers financing one invoice, one wins.
//   - crm.Store.Apply is one transaction; each versioned record (company, person, spell, account,
//     deal) is written by a conditional UPDATE (or an INSERT for version 0) and a stale version is
//     ErrConflict; unique indexes hold one person per contact point, one company per
//     registration, one open owner account per company. Audit entries are appended in the same
//     transaction, so a change and its entry go together, as the batch's last step under the
//     trail's write lock (PostgreSQL's table lock in EXCLUSIVE mode; SQLite's one writer): the
//     numbers in crm_audit.seq become visible in increasing order, so a host exporting the trail
//     by number (through SQL) misses no entry. A batch that fails half-way leaves
//     nothing. SearchCompanies and SearchPeople are one indexed query per page: a name_key column
//     holds crm.NameKey of the name, a prefix is a byte range of it, a page continues after the
//     (name_key, id) of the last record, and each filter has an index on (field, name_key, id).
//   - matching.Log is one table of entries numbered by seq — matches appended, dated status
//     changes — with a unique index on the match id. Writers draw their numbers and commit under
//     the log's write lock (PostgreSQL's table lock in EXCLUSIVE mode, which readers do not wait
//     for; SQLite's one writer), so numbers become visible in order and a reader resuming Since
//     from the last number it saw misses nothing. A match stored under the same id is compared
//     with the new one exactly (decimals by value, times by instant): a retry is a no-op, other
//     content ErrConflict. Since reads pages over the primary key, streamed.
//   - pricing.BatchPriceSource.ListPrices answers a block of queries with one query that joins the
//     list prices with the buyer's and the group's contract prices covering the day asked; one
//     party's contract periods for a SKU never overlap (writers take turns per party and SKU).
//
// # Values
//
// Decimals are stored exactly: NUMERIC in PostgreSQL, canonical text in SQLite ("118.50", the scale
// kept, never REAL). Times are stored as UTC nanoseconds since 1970 with the UTC offset they were
// given in, so they come back as the same instant on the same calendar day (a fingerprint's due
// date reads its day there), alike on SQLite and PostgreSQL (an integer column, not TIMESTAMPTZ,
// which would keep the instant alone). They come back in a fixed zone of that offset: unlike the
// in-memory stores, which return the *time.Location given, the location's name and its
// daylight-saving rules are not kept, nor a monotonic clock reading, so compare times with Equal. Every record is validated before any SQL runs, and a value the schema
// could not keep as given — a decimal beyond b2bkit.MaxDecimalDigits digits or
// b2bkit.MaxDecimalPlaces places, counted without the trailing zeros of its fraction (12.34 written
// with 20 places, as read from a numeric(38,20) column, is stored as 12.34), a time outside the years 1678..2261, text that is not UTF-8 or
// holds a NUL byte — is an error matching b2bkit.ErrInvalid naming the field, not silent loss.
//
// # SQLite
//
// SQLite runs in WAL mode with a busy timeout; writers take the write lock at BEGIN (BEGIN
// IMMEDIATE), so concurrent writers queue instead of failing, and readers never wait for them.
//
// # Bulk import
//
// MatchLog.Import loads a history of matches all or nothing: one transaction under the log's write
// lock, written in blocks of 20,000 (PostgreSQL's COPY, SQLite's multi-row INSERTs through one
// prepared statement). An import that fails leaves the log as it was; Import is idempotent like
// Append, so it is fixed and simply run again.
package sqlstore
