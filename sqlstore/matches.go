package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
)

// MatchLog is matching.Log over the database: the durable record of the platform's matching
// (R12-R13), one table of entries numbered by seq — each match appended, each dated change of a
// match's status — with a unique index on the match id.
//
// Every write draws its numbers and commits under the log's write lock (PostgreSQL: the table's
// EXCLUSIVE lock, which readers do not wait for; SQLite: its one writer), so numbers become visible
// in increasing order and a reader that resumes Since from the last number it saw misses nothing,
// as the durability contract of matching.Log asks. Append compares a match stored under the same id
// exactly — decimals by value, times by instant — so a retry is a no-op and other content is
// b2bkit.ErrConflict. Since reads the log a page at a time over the primary key, streaming each
// page, so a replay of millions of entries never holds them in memory nor one snapshot open. Import
// loads a history in bulk. Safe for concurrent use.
type MatchLog struct {
	db *DB
}

var _ matching.Log = (*MatchLog)(nil)

// Matches returns the match log kept in db.
func (db *DB) Matches() *MatchLog { return &MatchLog{db: db} }

// The kinds of entry as stored.
const (
	kindAppended = 1
	kindChanged  = 2
)

// matchColumns are the columns of an appended match as written and read, in this order.
const matchColumns = `id, buyer, seller, sku, quantity, unit_price, currency, subsidy, payment, ordered_at, ordered_off,
	deliver_by, deliver_off, at, at_off, status, mode, channel`

// matchWidth is the number of matchColumns.
const matchWidth = 18

// currentColumns are matchColumns of the appended entry m with status as the match's status now:
// that of its last change (found by the index of changes), or the one it was appended with.
const currentColumns = `m.id, m.buyer, m.seller, m.sku, m.quantity, m.unit_price, m.currency, m.subsidy, m.payment,
	m.ordered_at, m.ordered_off, m.deliver_by, m.deliver_off, m.at, m.at_off,
	coalesce((SELECT c.status FROM match_log c WHERE c.kind = 2 AND c.id = m.id ORDER BY c.seq DESC LIMIT 1), m.status),
	m.mode, m.channel`

// appendRows is how many matches one multi-row INSERT of Append carries.
const appendRows = 50

// lock takes the log's write lock inside tx: writers draw numbers and commit one at a time. On
// SQLite the transaction holds the database's write lock from its start already.
func (l *MatchLog) lock(ctx context.Context, tx interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) error {
	if l.db.dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE match_log IN EXCLUSIVE MODE`); err != nil {
		return l.db.fail(ctx, err, "", "")
	}
	return nil
}

// Append implements matching.Log: one transaction under the log's write lock that reads the stored
// matches of the batch's ids, compares them, and inserts the new ones in the order given.
func (l *MatchLog) Append(ctx context.Context, ms ...matching.Match) (err error) {
	if err = l.ready("MatchLog.Append"); err != nil {
		return
	}
	defer l.db.done("MatchLog.Append", &err)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	for i := range ms {
		if err := checkMatch(&ms[i], batchField(i, len(ms))); err != nil {
			return err
		}
	}
	if len(ms) == 0 {
		return nil
	}
	first, fresh, later, _ := dedupe(ms)
	return l.db.write(ctx, func(tx *sql.Tx) error {
		if err := l.lock(ctx, tx); err != nil {
			return err
		}
		ids := make([]string, 0, len(first))
		for id := range first {
			ids = append(ids, id)
		}
		skip := make([]bool, len(ms))
		if _, err := l.compareStored(ctx, tx, ms, first, later, ids, skip); err != nil {
			return err
		}
		if err := sameAsFirst(ms, first, later, skip); err != nil {
			return err
		}
		todo := make([]*matching.Match, 0, len(ms))
		for i := range ms {
			if fresh[i] && !skip[i] {
				todo = append(todo, &ms[i])
			}
		}
		err := l.insertMatches(ctx, tx, `INSERT INTO match_log (kind, `+matchColumns+`) VALUES `, todo)
		if err != nil && l.db.isUnique(err) {
			// The lock makes this unreachable unless something writes around it.
			return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("match", "", "appended beside the log's lock"))
		}
		return l.db.fail(ctx, err, "match", "")
	})
}

// batchField is how an error names the i-th of n appended matches, as matching's logs do.
func batchField(i, n int) string {
	if n == 1 {
		return "match"
	}
	return fmt.Sprintf("matches[%d]", i)
}

// checkMatch validates m as the log does and checks that every value can be stored as it is; the
// error names m as field.
func checkMatch(m *matching.Match, field string) error {
	err := m.Validate()
	if err == nil {
		if checkText(m.ID) && checkText(string(m.Buyer)) && checkText(string(m.Seller)) && checkText(string(m.SKU)) &&
			checkText(m.Currency) && decFits(m.Quantity) && decFits(m.UnitPrice) && decFits(m.Subsidy) && sharesFit(m.Terms.Payment) {
			return nil
		}
		var c checker
		c.text("id", m.ID)
		c.text("buyer", string(m.Buyer))
		c.text("seller", string(m.Seller))
		c.text("sku", string(m.SKU))
		c.text("currency", m.Currency)
		c.dec("quantity", m.Quantity)
		c.dec("unit_price", m.UnitPrice)
		c.dec("subsidy", m.Subsidy)
		for i, in := range m.Terms.Payment.Installments {
			c.dec(fmt.Sprintf("terms.payment.installments[%d].share", i), in.Share)
		}
		err = c.err()
	}
	return fmt.Errorf("sqlstore: matching: %w", b2bkit.InField(field, err))
}

func sharesFit(p b2bkit.PaymentTerms) bool {
	for _, in := range p.Installments {
		if !decFits(in.Share) {
			return false
		}
	}
	return true
}

// sameMatch returns nil when appending m over stored is a retry — the same content and a status the
// stored one is or has moved on from — and a conflict naming the match otherwise.
func sameMatch(m, stored *matching.Match) error {
	probe := *m
	probe.Status = stored.Status
	if !probe.Equal(*stored) {
		return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("match", m.ID, "stored with other content"))
	}
	if a, s := m.Status, stored.Status; a != s && !a.CanBecome(s) && !(a == matching.Proposed && s == matching.Fulfilled) {
		return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("match", m.ID,
			fmt.Sprintf("stored as %s, which cannot have been %s; SetStatus moves a status", s, a)))
	}
	return nil
}

// dedupe finds the first occurrence of each id in ms: first maps an id to it, fresh marks it, and
// later lists the later occurrences of each id given more than once (nil when none is), again
// counting them. Each later occurrence must be a retry, as matching.MemoryLog has it: of the match
// as stored when its id is (compareStored checks it), else of the first occurrence (sameAsFirst).
func dedupe(ms []matching.Match) (first map[string]int, fresh []bool, later map[string][]int, again int) {
	first = make(map[string]int, len(ms))
	fresh = make([]bool, len(ms))
	for i := range ms {
		if _, dup := first[ms[i].ID]; dup {
			if later == nil {
				later = map[string][]int{}
			}
			later[ms[i].ID] = append(later[ms[i].ID], i)
			again++
			continue
		}
		first[ms[i].ID] = i
		fresh[i] = true
	}
	return first, fresh, later, again
}

// sameAsFirst checks that the later occurrences of every id not found stored (skip unmarked) are
// retries of its first occurrence in ms, in the order of ms.
func sameAsFirst(ms []matching.Match, first map[string]int, later map[string][]int, skip []bool) error {
	if len(later) == 0 {
		return nil
	}
	for i := range ms {
		j, ok := first[ms[i].ID]
		if !ok || j == i || skip[j] {
			continue
		}
		if err := sameMatch(&ms[i], &ms[j]); err != nil {
			return err
		}
	}
	return nil
}

// A querier runs queries: a transaction or a connection.
type querier interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	PrepareContext(context.Context, string) (*sql.Stmt, error)
}

// compareStored reads the matches among ids that are stored, as they stand, compares each with the
// first of block under its id (first) and the later ones (later), marks the first in skip and
// returns how many there were.
func (l *MatchLog) compareStored(ctx context.Context, q querier, block []matching.Match, first map[string]int, later map[string][]int, ids []string, skip []bool) (int, error) {
	n := 0
	for start := 0; start < len(ids); start += priceBlock {
		part := ids[start:min(start+priceBlock, len(ids))]
		var (
			query = `SELECT ` + currentColumns + ` FROM match_log m WHERE m.kind = 1 AND m.id `
			args  []any
		)
		if l.db.dialect == Postgres {
			query, args = query+`= ANY($1)`, []any{part}
		} else {
			query, args = query+`IN (`+placeholders(len(part))+`)`, make([]any, len(part))
			for i, id := range part {
				args[i] = id
			}
		}
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return 0, l.db.fail(ctx, err, "", "")
		}
		var r matchReader
		for rows.Next() {
			stored, err := r.scan(rows.Scan)
			if err != nil {
				rows.Close()
				return 0, l.db.fail(ctx, err, "", "")
			}
			i := first[stored.ID]
			if err := sameMatch(&block[i], &stored); err != nil {
				rows.Close()
				return 0, err
			}
			for _, j := range later[stored.ID] {
				if err := sameMatch(&block[j], &stored); err != nil {
					rows.Close()
					return 0, err
				}
			}
			skip[i] = true
			n++
		}
		if err := rows.Close(); err != nil {
			return 0, l.db.fail(ctx, err, "", "")
		}
		if err := rows.Err(); err != nil {
			return 0, l.db.fail(ctx, err, "", "")
		}
	}
	return n, nil
}

// insertMatches writes the matches as appended entries, in their order, with multi-row INSERTs
// beginning with insert (the statement up to VALUES, naming kind and then matchColumns). More than
// one full statement's worth goes through one prepared statement, parsed once.
func (l *MatchLog) insertMatches(ctx context.Context, q querier, insert string, todo []*matching.Match) error {
	var full *sql.Stmt
	if len(todo) > appendRows {
		var err error
		if full, err = q.PrepareContext(ctx, l.db.q(insert+tuples(1+matchWidth, appendRows))); err != nil {
			return err
		}
		defer full.Close()
	}
	args := make([]any, 0, appendRows*(1+matchWidth))
	for start := 0; start < len(todo); start += appendRows {
		part := todo[start:min(start+appendRows, len(todo))]
		args = args[:0]
		for _, m := range part {
			args = matchArgs(m, append(args, kindAppended))
		}
		var err error
		if len(part) == appendRows && full != nil {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = q.ExecContext(ctx, l.db.q(insert+tuples(1+matchWidth, len(part))), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// matchArgs appends m's column values, in matchColumns order, to args.
func matchArgs(m *matching.Match, args []any) []any { return matchArgsWith(m, args, decArg) }

// matchArgsWith is matchArgs with the decimals written by dec.
func matchArgsWith(m *matching.Match, args []any, dec func(decimal.Decimal) any) []any {
	ordered, orderedOff := timeArgs(m.Terms.OrderedAt)
	deliver, deliverOff := timeArgs(m.Terms.DeliverBy)
	at, atOff := timeArgs(m.At)
	return append(args, m.ID, string(m.Buyer), string(m.Seller), string(m.SKU), dec(m.Quantity), dec(m.UnitPrice),
		m.Currency, dec(m.Subsidy), paymentText(m.Terms.Payment), ordered, orderedOff, deliver, deliverOff, at, atOff,
		int(m.Status), int(m.Mode), int(m.Channel))
}

// paymentText writes a payment schedule as its installments, "share/event/days" separated by
// semicolons: "0.3/on_order/0;0.7/on_delivery/30".
func paymentText(p b2bkit.PaymentTerms) string {
	var b strings.Builder
	for i, in := range p.Installments {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(decText(in.Share))
		b.WriteByte('/')
		b.WriteString(in.Due.String())
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(in.Days))
	}
	return b.String()
}

// parsePayment reads what paymentText writes.
func parsePayment(s string) (b2bkit.PaymentTerms, error) {
	if s == "" {
		return b2bkit.PaymentTerms{}, nil
	}
	parts := strings.Split(s, ";")
	p := b2bkit.PaymentTerms{Installments: make([]b2bkit.Installment, len(parts))}
	for i, part := range parts {
		share, rest, ok1 := strings.Cut(part, "/")
		event, days, ok2 := strings.Cut(rest, "/")
		if !ok1 || !ok2 {
			return b2bkit.PaymentTerms{}, fmt.Errorf("installment %q: want share/event/days", part)
		}
		in := &p.Installments[i]
		var err error
		if in.Share, err = b2bkit.ParseDecimal(share); err != nil {
			return b2bkit.PaymentTerms{}, fmt.Errorf("installment %q: share: %w", part, err)
		}
		if err := in.Due.UnmarshalText([]byte(event)); err != nil {
			return b2bkit.PaymentTerms{}, fmt.Errorf("installment %q: %w", part, err)
		}
		if in.Days, err = strconv.Atoi(days); err != nil {
			return b2bkit.PaymentTerms{}, fmt.Errorf("installment %q: days: %w", part, err)
		}
	}
	return p, nil
}

// SetStatus implements matching.Log: one transaction under the log's write lock that reads the
// match's appended entry and its last change with one query, decides as matching's logs do, and
// inserts the change.
func (l *MatchLog) SetStatus(ctx context.Context, c matching.StatusChange) (err error) {
	if err = l.ready("MatchLog.SetStatus"); err != nil {
		return
	}
	defer l.db.done("MatchLog.SetStatus", &err)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("sqlstore: matching: %w", err)
	}
	if !checkText(c.By) {
		var ck checker
		ck.text("change.by", c.By)
		return fmt.Errorf("sqlstore: matching: %w", ck.err())
	}
	if !checkText(c.ID) {
		return fmt.Errorf("sqlstore: %w", b2bkit.NotFound("match", c.ID)) // no match has such an id
	}
	return l.db.write(ctx, func(tx *sql.Tx) error {
		if err := l.lock(ctx, tx); err != nil {
			return err
		}
		var (
			matchSeq         int64
			appended         int
			at               stamp
			last             sql.NullInt64
			lastAt           stamp
			lastBy           sql.NullString
			z                zones
			lastChange       *matching.StatusChange
			lastStatus       matching.Status
			lastStatusSetAt  time.Time
			appendedStatusAt time.Time
		)
		err := tx.QueryRowContext(ctx, l.db.q(lastStatusQuery), c.ID).Scan(&matchSeq, &appended, &at.ns, &at.off, &last, &lastAt.ns, &lastAt.off, &lastBy)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("sqlstore: %w", b2bkit.NotFound("match", c.ID))
		case err != nil:
			return l.db.fail(ctx, err, "match", c.ID)
		}
		appendedStatusAt = z.time(at)
		lastStatus, lastStatusSetAt = matching.Status(appended), appendedStatusAt
		if last.Valid {
			lastChange = &matching.StatusChange{ID: c.ID, Status: matching.Status(last.Int64), At: z.time(lastAt), By: lastBy.String}
			lastStatus, lastStatusSetAt = lastChange.Status, lastChange.At
		}
		if err := matching.CheckChange(c, lastStatus, lastStatusSetAt, lastChange); err != nil {
			return fmt.Errorf("sqlstore: %w", err)
		}
		if lastChange != nil && lastChange.Equal(c) {
			return nil // a retry
		}
		changeAt, changeOff := timeArgs(c.At)
		_, err = tx.ExecContext(ctx, l.db.q(`INSERT INTO match_log (kind, id, match_seq, at, at_off, status, changed_by)
VALUES (2, ?, ?, ?, ?, ?, ?)`), c.ID, matchSeq, changeAt, changeOff, int(c.Status), c.By)
		return l.db.fail(ctx, err, "match", c.ID)
	})
}

// lastStatusQuery reads, for the match with one id, its appended entry's number, status and time
// and its last change's status, time and author (NULL when none): two lookups of indexes on id.
const lastStatusQuery = `SELECT a.seq, a.status, a.at, a.at_off, c.status, c.at, c.at_off, c.changed_by
FROM match_log a LEFT JOIN match_log c
	ON c.seq = (SELECT max(x.seq) FROM match_log x WHERE x.kind = 2 AND x.id = a.id)
WHERE a.kind = 1 AND a.id = ?`

// getQuery reads the match with one id as it stands now.
const getQuery = `SELECT ` + currentColumns + ` FROM match_log m WHERE m.kind = 1 AND m.id = ?`

// sinceQuery reads one page of entries after a number (its arguments: the number, the page's size),
// over the primary key.
const sinceQuery = `SELECT seq, kind, match_seq, changed_by, ` + matchColumns + ` FROM match_log WHERE seq > ? ORDER BY seq LIMIT ?`

// Get implements matching.Log: one query over the unique index of ids, the status read from the
// match's last change.
func (l *MatchLog) Get(ctx context.Context, id string) (_ matching.Match, err error) {
	if err = l.ready("MatchLog.Get"); err != nil {
		return
	}
	defer l.db.done("MatchLog.Get", &err)
	if err := ctx.Err(); err != nil {
		return matching.Match{}, fmt.Errorf("sqlstore: %w", err)
	}
	if !checkText(id) {
		return matching.Match{}, fmt.Errorf("sqlstore: %w", b2bkit.NotFound("match", id))
	}
	var r matchReader
	m, err := r.scan(l.db.sql.QueryRowContext(ctx, l.db.q(getQuery), id).Scan)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return matching.Match{}, fmt.Errorf("sqlstore: %w", b2bkit.NotFound("match", id))
	case err != nil:
		return matching.Match{}, l.db.fail(ctx, err, "match", id)
	}
	return m, nil
}

// sincePage is how many entries one query of Since reads.
const sincePage = 4096

// Since implements matching.Log: pages of entries by the primary key (seq > the last one yielded,
// ORDER BY seq LIMIT 4096), each streamed as the caller consumes it. The log's write lock makes
// numbers visible in order, so a page never misses an entry a later page would have to go back for.
func (l *MatchLog) Since(ctx context.Context, seq uint64) iter.Seq2[matching.Entry, error] {
	if err := l.ready("MatchLog.Since"); err != nil {
		return failedSeq[matching.Entry](err)
	}
	return closedSeq(l.db, "MatchLog.Since", func(yield func(matching.Entry, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(matching.Entry{}, fmt.Errorf("sqlstore: %w", err))
			return
		}
		if seq >= math.MaxInt64 {
			return // beyond every number a BIGINT holds
		}
		query := l.db.q(sinceQuery)
		var r matchReader
		after := int64(seq)
		for {
			n, done, err := l.sincePage(ctx, query, after, &r, func(e matching.Entry) bool {
				after = int64(e.Seq)
				return yield(e, nil)
			})
			if err != nil {
				yield(matching.Entry{}, err)
				return
			}
			if done || n < sincePage {
				return
			}
		}
	})
}

// sincePage reads one page of entries after seq after, giving each to yield; done is set when
// yield asked to stop.
func (l *MatchLog) sincePage(ctx context.Context, query string, after int64, r *matchReader, yield func(matching.Entry) bool) (n int, done bool, err error) {
	rows, err := l.db.sql.QueryContext(ctx, query, after, sincePage)
	if err != nil {
		return 0, false, l.db.fail(ctx, err, "", "")
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e        matching.Entry
			s        int64
			kind     int
			matchSeq sql.NullInt64
			by       sql.NullString
		)
		m, err := r.scanEntry(rows.Scan, &s, &kind, &matchSeq, &by)
		if err != nil {
			return n, false, l.db.fail(ctx, err, "", "")
		}
		n++
		e.Seq = uint64(s)
		switch kind {
		case kindAppended:
			e.Kind, e.Match = matching.MatchAppended, m
		case kindChanged:
			e.Kind, e.MatchSeq = matching.StatusChanged, uint64(matchSeq.Int64)
			e.Change = matching.StatusChange{ID: m.ID, Status: m.Status, At: m.At, By: by.String}
		default:
			return n, false, fmt.Errorf("sqlstore: %w", corrupt("entry", strconv.FormatInt(s, 10), "kind", fmt.Errorf("unknown kind %d", kind)))
		}
		if !yield(e) {
			return n, true, nil
		}
	}
	return n, false, l.db.fail(ctx, rows.Err(), "", "")
}

// A matchReader reads match rows, remembering the last payment schedule and zone it decoded:
// the matches of a replay mostly share them.
type matchReader struct {
	z                    zones
	buyer, seller, sku   sql.NullString
	qty, price, subsidy  sql.NullString
	currency             sql.NullString
	payment              sql.NullString
	lastPayment          string
	mode, channel        sql.NullInt64
	terms                b2bkit.PaymentTerms
	haveTerms            bool
	ordered, deliver, at stamp
}

// scan reads a row of matchColumns.
func (r *matchReader) scan(scan func(...any) error) (matching.Match, error) {
	return r.scanEntry(scan)
}

// scanEntry reads a row of the columns in lead followed by matchColumns, where a status change
// leaves the match's own columns NULL: it then returns the id, the time and the status only.
func (r *matchReader) scanEntry(scan func(...any) error, lead ...any) (matching.Match, error) {
	var (
		m      matching.Match
		status int
	)
	dest := append(lead, &m.ID, &r.buyer, &r.seller, &r.sku, &r.qty, &r.price, &r.currency, &r.subsidy, &r.payment,
		&r.ordered.ns, &r.ordered.off, &r.deliver.ns, &r.deliver.off, &r.at.ns, &r.at.off, &status, &r.mode, &r.channel)
	if err := scan(dest...); err != nil {
		return matching.Match{}, err
	}
	m.At, m.Status = r.z.time(r.at), matching.Status(status)
	if !r.buyer.Valid {
		return m, nil // a status change
	}
	m.Buyer, m.Seller, m.SKU, m.Currency = b2bkit.CompanyID(r.buyer.String), b2bkit.CompanyID(r.seller.String),
		b2bkit.SKU(r.sku.String), r.currency.String
	for _, f := range [3]struct {
		column, text string
		into         *decimal.Decimal
	}{{"quantity", r.qty.String, &m.Quantity}, {"unit_price", r.price.String, &m.UnitPrice}, {"subsidy", r.subsidy.String, &m.Subsidy}} {
		d, err := readDec("match", m.ID, f.column, f.text)
		if err != nil {
			return matching.Match{}, err
		}
		*f.into = d
	}
	if r.payment.String != r.lastPayment || !r.haveTerms {
		t, err := parsePayment(r.payment.String)
		if err != nil {
			return matching.Match{}, corrupt("match", m.ID, "payment", err)
		}
		r.terms, r.lastPayment, r.haveTerms = t, r.payment.String, true
	}
	// Each match gets its own installments: a caller changing one changes no other.
	m.Terms.Payment = b2bkit.PaymentTerms{Installments: append([]b2bkit.Installment(nil), r.terms.Installments...)}
	m.Terms.OrderedAt, m.Terms.DeliverBy = r.z.time(r.ordered), r.z.time(r.deliver)
	m.Mode, m.Channel = matching.Mode(r.mode.Int64), b2bkit.Channel(r.channel.Int64)
	return m, nil
}
