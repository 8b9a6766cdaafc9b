package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/shopspring/decimal"
)

// ImportResult counts what Import did.
type ImportResult struct {
	// Added is how many matches were stored.
	Added int
	// Existing is how many were stored already — an import run again, or a match given twice — and
	// were retries as Append has them (the same content, a status the stored match is or has moved
	// on from): left as they are.
	Existing int
}

// importBlock is how many matches Import writes per statement batch (PostgreSQL: per COPY).
const importBlock = 20_000

// Import loads a history of matches (a migration from another system, a replay) far faster than
// Append one by one: each match becomes an appended entry, numbered in the order given. Import is
// idempotent as Append is: a match already stored that the new one is a retry of is counted as
// Existing and left alone, one stored with other content is an error matching b2bkit.ErrConflict
// naming it. Every match is validated before its block touches the database; an invalid one is an
// error matching b2bkit.ErrInvalid naming its position. A failing stream fails the import.
//
// The import is all or nothing: one transaction under the log's write lock, written a block of
// 20,000 matches at a time — PostgreSQL's COPY, SQLite's multi-row INSERTs. On any error (a
// conflict, an invalid match, a failing stream, ctx done) it is rolled back whole, the log is left
// as it was and the result is zero. Appenders wait for the whole import (seconds per million
// matches); readers never wait, and see none of it until it commits.
func (l *MatchLog) Import(ctx context.Context, matches iter.Seq2[matching.Match, error]) (_ ImportResult, err error) {
	if err = l.ready("MatchLog.Import"); err != nil {
		return
	}
	defer l.db.done("MatchLog.Import", &err)
	if err := ctx.Err(); err != nil {
		return ImportResult{}, fmt.Errorf("sqlstore: %w", err)
	}
	// One connection holds the import's transaction.
	conn, err := l.db.sql.Conn(ctx)
	if err != nil {
		return ImportResult{}, l.db.fail(ctx, err, "", "")
	}
	defer conn.Close()
	if l.db.dialect == SQLite {
		// A block touches pages all over the index of ids: give the connection a page cache that
		// holds it (512 MiB at most, allocated as used), and take it back after.
		if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -524288"); err != nil {
			return ImportResult{}, l.db.fail(ctx, err, "", "")
		}
		defer conn.ExecContext(context.Background(), "PRAGMA cache_size = -65536") //nolint:errcheck // only a cache size
	}
	begin := "BEGIN"
	if l.db.dialect == SQLite {
		begin = "BEGIN IMMEDIATE"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return ImportResult{}, l.db.fail(ctx, err, "", "")
	}
	// The import's transaction, on a connection of its own, is rolled back unless it committed —
	// even when ctx is done or the stream panics — so the connection never goes back to the pool
	// inside it, holding the write lock.
	committed := false
	defer func() {
		if !committed {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	res, err := l.importAll(ctx, conn, matches)
	if err != nil {
		return ImportResult{}, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return ImportResult{}, l.db.fail(ctx, err, "", "")
	}
	committed = true
	return res, nil
}

// importAll writes every match of the stream in the connection's open transaction, a block at a
// time.
func (l *MatchLog) importAll(ctx context.Context, conn *sql.Conn, matches iter.Seq2[matching.Match, error]) (ImportResult, error) {
	var (
		res   ImportResult
		block = make([]matching.Match, 0, importBlock)
		i     int
	)
	if err := l.lock(ctx, conn); err != nil {
		return res, err
	}
	for m, err := range matches {
		if err != nil {
			return res, fmt.Errorf("sqlstore: import: match %d: %w", i, err)
		}
		if err := checkMatch(&m, "match"); err != nil {
			return res, fmt.Errorf("sqlstore: import: match %d: %w", i, err)
		}
		block = append(block, m)
		i++
		if len(block) == importBlock {
			if err := l.importBlock(ctx, conn, block, &res); err != nil {
				return res, err
			}
			block = block[:0]
		}
	}
	if len(block) > 0 {
		if err := l.importBlock(ctx, conn, block, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// importBlock stores one block inside a savepoint of the import's transaction. It first inserts the
// whole block, the common case of a history not imported before; if an id is stored already, it
// rolls back to the savepoint and stores the block again, leaving out (after comparing them) the
// matches stored already.
func (l *MatchLog) importBlock(ctx context.Context, conn *sql.Conn, block []matching.Match, res *ImportResult) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	first, fresh, later, again := dedupe(block)
	if _, err := conn.ExecContext(ctx, "SAVEPOINT import_block"); err != nil {
		return l.db.fail(ctx, err, "", "")
	}
	added, stored, err := l.importInto(ctx, conn, block, first, fresh, later, nil)
	if errors.Is(err, errStoredAlready) {
		if _, err := conn.ExecContext(ctx, "ROLLBACK TO SAVEPOINT import_block"); err != nil {
			return l.db.fail(ctx, err, "", "")
		}
		ids := make([]string, 0, len(first))
		for id := range first {
			ids = append(ids, id)
		}
		added, stored, err = l.importInto(ctx, conn, block, first, fresh, later, ids)
	}
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "RELEASE SAVEPOINT import_block"); err != nil {
		return l.db.fail(ctx, err, "", "")
	}
	res.Added += added
	res.Existing += again + stored
	return nil
}

// errStoredAlready says a block holds a match stored already: import it comparing.
var errStoredAlready = errors.New("a match of the block is stored already")

// importInto writes the fresh matches of block in the connection's transaction, and returns how
// many it added and how many of the ids in compare it found stored already (compared, and left
// out). With compare nil, a stored id is errStoredAlready. The later copies of an id (later) are
// checked once it is known whether the id is stored: against the stored match, or the first copy.
func (l *MatchLog) importInto(ctx context.Context, conn *sql.Conn, block []matching.Match, first map[string]int, fresh []bool, later map[string][]int, compare []string) (added, stored int, err error) {
	skip := make([]bool, len(block))
	if len(compare) > 0 {
		if stored, err = l.compareStored(ctx, conn, block, first, later, compare, skip); err != nil {
			return 0, 0, err
		}
	}
	todo := make([]*matching.Match, 0, len(block))
	for i := range block {
		if fresh[i] && !skip[i] {
			todo = append(todo, &block[i])
		}
	}
	if l.db.dialect == Postgres {
		err = l.copyMatches(ctx, conn, todo)
	} else {
		err = l.insertMatches(ctx, conn, `INSERT INTO match_log (kind, `+matchColumns+`) VALUES `, todo)
	}
	if err != nil {
		if l.db.isUnique(err) {
			if compare == nil {
				return 0, 0, errStoredAlready
			}
			return 0, 0, fmt.Errorf("sqlstore: %w", b2bkit.Conflict("match", "", "appended beside the log's lock; run the import again"))
		}
		return 0, 0, l.db.fail(ctx, err, "", "")
	}
	if err := sameAsFirst(block, first, later, skip); err != nil {
		return 0, 0, err
	}
	return len(todo), stored, nil
}

// copyMatches writes the matches as appended entries with PostgreSQL's COPY, inside the
// connection's transaction; the identity numbers them in the order given.
func (l *MatchLog) copyMatches(ctx context.Context, conn *sql.Conn, todo []*matching.Match) error {
	cols := []string{"kind", "id", "buyer", "seller", "sku", "quantity", "unit_price", "currency", "subsidy", "payment", "ordered_at",
		"ordered_off", "deliver_by", "deliver_off", "at", "at_off", "status", "mode", "channel"}
	row := make([]any, 0, 1+matchWidth)
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(ctx, pgx.Identifier{"match_log"}, cols, pgx.CopyFromSlice(len(todo), func(i int) ([]any, error) {
			// Amounts go as numerics built from the decimal's coefficient and exponent: exact,
			// with their scale, and without writing and parsing text.
			return matchArgsWith(todo[i], append(row[:0], kindAppended), numeric), nil
		}))
		return err
	})
}

// numeric is d as PostgreSQL's NUMERIC: its coefficient and exponent, exact.
func numeric(d decimal.Decimal) any {
	return pgtype.Numeric{Int: d.Coefficient(), Exp: d.Exponent(), Valid: true}
}
