package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

// The CRM's daily tools on the database: searches served by the name-key indexes a page at a time,
// deals, and the audit trail of personal data.

// SearchCompanies implements crm.Store: one indexed query per page. A name prefix is a range of
// name_key; the page starts after the (name_key, id) of company q.After as it is stored now; each
// filter has an index on (field, name_key, id), so the database reads only the page's rows.
func (s *CRMStore) SearchCompanies(ctx context.Context, q crm.CompanyQuery) (_ []crm.Company, err error) {
	if err = s.ready("CRMStore.SearchCompanies"); err != nil {
		return
	}
	defer s.db.done("CRMStore.SearchCompanies", &err)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", b2bkit.InField("query", err))
	}
	out := make([]crm.Company, 0, min(q.Limit, 64))
	err = s.db.read(ctx, func(tx *sql.Tx) error {
		after, err := s.afterKey(ctx, tx, `SELECT name_key FROM crm_companies WHERE id = ?`, "company", string(q.After))
		if err != nil {
			return err
		}
		query, args, ok := companySearch(&q, after)
		if !ok {
			return nil
		}
		rows, err := tx.QueryContext(ctx, s.db.q(query), args...)
		if err != nil {
			return s.db.fail(ctx, err, "", "")
		}
		defer rows.Close()
		var z zones
		for rows.Next() {
			c, err := scanCompany(rows, &z)
			if err != nil {
				return s.db.fail(ctx, err, "", "")
			}
			out = append(out, c)
		}
		return s.db.fail(ctx, rows.Err(), "", "")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// companySearch returns the query of one page of q, continuing after the company with name key
// after (and id q.After) when after is set; ok is false when nothing stored can match.
func companySearch(q *crm.CompanyQuery, after *string) (query string, args []any, ok bool) {
	var where []string
	if after != nil {
		where, args = append(where, "(name_key, id) > (?, ?)"), append(args, *after, string(q.After))
	}
	// A value that cannot be stored (not UTF-8, a NUL) is held by no company.
	for _, f := range []struct{ col, v string }{{"city", q.City}, {"territory", q.Territory}, {"tier", q.Tier}, {"owner_rep", q.OwnerRep}} {
		if f.v == "" {
			continue
		}
		if !checkText(f.v) {
			return "", nil, false
		}
		where, args = append(where, f.col+" = ?"), append(args, f.v)
	}
	if len(q.Stages) > 0 {
		stages := make([]string, len(q.Stages))
		for i, st := range q.Stages {
			stages[i] = strconv.Itoa(int(st)) // a valid stage: a small integer
		}
		where = append(where, "stage IN ("+strings.Join(stages, ", ")+")")
	}
	cond, cargs, ok := namePrefix(q.NamePrefix)
	if !ok {
		return "", nil, false
	}
	where, args = append(where, cond...), append(args, cargs...)
	query = `SELECT ` + companyColumns + ` FROM crm_companies`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	return query + ` ORDER BY name_key, id LIMIT ?`, append(args, q.Limit), true
}

// SearchPeople implements crm.Store: one query per page over the index of listed people (neither
// merged nor erased) by (name_key, id), joined with the page's contact points.
func (s *CRMStore) SearchPeople(ctx context.Context, q crm.PersonQuery) (_ []crm.Person, err error) {
	if err = s.ready("CRMStore.SearchPeople"); err != nil {
		return
	}
	defer s.db.done("CRMStore.SearchPeople", &err)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", b2bkit.InField("query", err))
	}
	out := make([]crm.Person, 0, min(q.Limit, 64))
	err = s.db.read(ctx, func(tx *sql.Tx) error {
		after, err := s.afterKey(ctx, tx, `SELECT name_key FROM crm_people WHERE id = ? AND `+listedPeople, "person", string(q.After))
		if err != nil {
			return err
		}
		query, args, ok := peopleSearch(&q, after)
		if !ok {
			return nil
		}
		rows, err := tx.QueryContext(ctx, s.db.q(query), args...)
		if err != nil {
			return s.db.fail(ctx, err, "", "")
		}
		defer rows.Close()
		var z zones
		for rows.Next() {
			var (
				kind         sql.NullInt64
				value        sql.NullString
				since, until stamp
			)
			p, err := scanPerson(rows.Scan, &z, &kind, &value, &since.ns, &since.off, &until.ns, &until.off)
			if err != nil {
				return s.db.fail(ctx, err, "", "")
			}
			if n := len(out); n == 0 || out[n-1].ID != p.ID {
				out = append(out, p)
			}
			if kind.Valid { // a person without contact points joins one row of NULLs
				last := &out[len(out)-1]
				last.Contacts = append(last.Contacts, contactPoint(kind, value, since, until, &z))
			}
		}
		return s.db.fail(ctx, rows.Err(), "", "")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listedPeople is the condition of the people a search lists: neither merged nor erased, as the
// partial index crm_people_listed_by_name holds them.
const listedPeople = `merged_into = '' AND erased_at IS NULL`

// peopleSearch returns the query of one page of q — the page's people by (name_key, id) joined
// with their contact points — continuing after the person with name key after (and id q.After)
// when after is set; ok is false when nothing stored can match.
func peopleSearch(q *crm.PersonQuery, after *string) (query string, args []any, ok bool) {
	where := []string{listedPeople}
	if after != nil {
		where, args = append(where, "(name_key, id) > (?, ?)"), append(args, *after, string(q.After))
	}
	cond, cargs, ok := namePrefix(q.NamePrefix)
	if !ok {
		return "", nil, false
	}
	where, args = append(where, cond...), append(args, cargs...)
	page := `SELECT ` + personColumns + `, name_key FROM crm_people WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY name_key, id LIMIT ?`
	return `SELECT ` + prefixed("p.", personColumns) + `,
	c.kind, c.value, c.since, c.since_off, c.until, c.until_off
FROM (` + page + `) p LEFT JOIN crm_contacts c ON c.person = p.id ORDER BY p.name_key, p.id, c.pos`, append(args, q.Limit), true
}

// afterKey returns the name key query (one id argument) reads for the record of kind a page
// continues after: nil for the first page (no id), NotFound when no such record is listed (an id
// that cannot be stored names none).
func (s *CRMStore) afterKey(ctx context.Context, tx *sql.Tx, query, kind, id string) (*string, error) {
	if id == "" {
		return nil, nil // the first page
	}
	var key string
	err := sql.ErrNoRows // an id no record can hold is not looked for
	if checkText(id) {
		err = tx.QueryRowContext(ctx, s.db.q(query), id).Scan(&key)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("sqlstore: %w", b2bkit.NotFound(kind, id))
	case err != nil:
		return nil, s.db.fail(ctx, err, "", id)
	}
	return &key, nil
}

// namePrefix returns the conditions that select the name keys starting with the key of a typed
// prefix: the range [key, key with its last byte raised by one), which an index on name_key reads
// as one range because both databases compare the column as bytes. ok is false when no stored key
// can start with it (it holds a NUL, which no stored name does).
func namePrefix(prefix string) (where []string, args []any, ok bool) {
	key := crm.NameKey(prefix)
	if key == "" {
		return nil, nil, true
	}
	// A blank typed at the end is kept, as CompanyQuery.NamePrefix says: "li " finds "Li Na", not
	// "Liang". (Full-width forms fold to no other blank, so the rune itself tells.)
	if r, _ := utf8.DecodeLastRuneInString(prefix); unicode.IsSpace(r) {
		key += " "
	}
	if !checkText(key) {
		return nil, nil, false
	}
	where, args = []string{"name_key >= ?"}, []any{key}
	if end, bounded := prefixEnd(key); bounded {
		where, args = append(where, "name_key < ?"), append(args, end)
	}
	return where, args, true
}

// prefixEnd returns the least string above every string starting with key: key with its last byte
// below 0xff raised by one and what follows cut. bounded is false when there is none (all 0xff).
func prefixEnd(key string) (string, bool) {
	b := []byte(key)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// prefixed writes each column of a comma-separated list with prefix before it.
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

const dealColumns = `id, company, name, opened, opened_off, closed, closed_off, won, contacts, version`

// Deal implements crm.Store.
func (s *CRMStore) Deal(ctx context.Context, id crm.DealID) (_ crm.Deal, err error) {
	if err = s.ready("CRMStore.Deal"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Deal", &err)
	return one(ctx, s.db, "deal", `SELECT `+dealColumns+` FROM crm_deals WHERE id = ?`, string(id), scanDeal)
}

// Deals implements crm.Store: one query over the company's index.
func (s *CRMStore) Deals(ctx context.Context, company b2bkit.CompanyID) (_ []crm.Deal, err error) {
	if err = s.ready("CRMStore.Deals"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Deals", &err)
	return list(ctx, s.db, "deal", dealsQuery, []any{string(company)}, scanDeal)
}

// dealsQuery reads a company's deals (its one argument) by id, over the index on (company, id).
const dealsQuery = `SELECT ` + dealColumns + ` FROM crm_deals WHERE company = ? ORDER BY id`

func scanDeal(rows *sql.Rows, z *zones) (crm.Deal, error) {
	var (
		d              crm.Deal
		opened, closed stamp
		contacts       string
	)
	if err := rows.Scan(&d.ID, &d.Company, &d.Name, &opened.ns, &opened.off, &closed.ns, &closed.off, &d.Won, &contacts, &d.Version); err != nil {
		return crm.Deal{}, err
	}
	d.Opened, d.Closed = z.time(opened), z.time(closed)
	if err := readJSON([]byte(contacts), &d.Contacts); err != nil {
		return crm.Deal{}, corrupt("deal", string(d.ID), "contacts", err)
	}
	return d, nil
}

// Audit implements crm.Store: one query over the person's index, streamed in the order stored.
func (s *CRMStore) Audit(ctx context.Context, person b2bkit.PersonID) iter.Seq2[crm.AuditEntry, error] {
	if err := s.ready("CRMStore.Audit"); err != nil {
		return failedSeq[crm.AuditEntry](err)
	}
	return closedSeq(s.db, "CRMStore.Audit", func(yield func(crm.AuditEntry, error) bool) {
		stream(ctx, s.db, auditQuery, []any{string(person)}, func(rows *sql.Rows, z *zones) (crm.AuditEntry, error) {
			var (
				e      crm.AuditEntry
				at     stamp
				action int
			)
			err := rows.Scan(&e.Person, &at.ns, &at.off, &e.Actor, &action, &e.What)
			e.At, e.Action = z.time(at), crm.AuditAction(action)
			return e, err
		}, yield)
	})
}

// auditQuery reads a person's audit trail (its one argument) in the order stored, over the index on
// (person, seq).
const auditQuery = `SELECT person, at, at_off, actor, action, what FROM crm_audit WHERE person = ? ORDER BY seq`

func (w *crmWriter) deals(list []crm.Deal) error {
	for _, d := range list {
		contacts, err := json.Marshal(orEmpty(d.Contacts))
		if err != nil {
			return fmt.Errorf("sqlstore: %w", b2bkit.InField("deal.contacts", err))
		}
		opened, openedOff := timeArgs(d.Opened)
		closed, closedOff := timeArgs(d.Closed)
		err = w.versioned("deal", "crm_deals", string(d.ID), d.Version,
			`INSERT INTO crm_deals (id, name, opened, opened_off, closed, closed_off, won, contacts, company, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO NOTHING`,
			// The company is a condition, not a column set: a deal never moves.
			`UPDATE crm_deals SET name = ?, opened = ?, opened_off = ?, closed = ?, closed_off = ?, won = ?, contacts = ?,
	version = version + 1 WHERE company = ? AND id = ? AND version = ?`,
			[]any{string(d.ID), d.Name, opened, openedOff, closed, closedOff, d.Won, string(contacts), string(d.Company)}, "")
		if err == nil {
			continue
		}
		if d.Version != 0 && errors.Is(err, b2bkit.ErrConflict) {
			var company string
			qerr := w.tx.QueryRowContext(w.ctx, w.s.db.q(`SELECT company FROM crm_deals WHERE id = ?`), string(d.ID)).Scan(&company)
			if qerr == nil && company != string(d.Company) {
				return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("deal", string(d.ID), "a deal cannot move to another company"))
			}
		}
		return err
	}
	return nil
}

// audit appends the batch's audit entries in its order, as the batch's last step: seq grows with
// every insert. On PostgreSQL it first takes the trail's write lock (the table's EXCLUSIVE lock,
// which readers do not wait for), so entries are numbered and committed one batch at a time and a
// reader following the trail by seq never sees a number before a smaller one commits. Taken last,
// the lock is held only while the entries are inserted and the batch commits, and a batch holding
// it waits for no row another batch holds.
func (w *crmWriter) audit(list []crm.AuditEntry) error {
	if len(list) > 0 && w.s.db.dialect == Postgres {
		if _, err := w.tx.ExecContext(w.ctx, `LOCK TABLE crm_audit IN EXCLUSIVE MODE`); err != nil {
			return w.s.db.fail(w.ctx, err, "audit entry", "")
		}
	}
	for _, e := range list {
		at, atOff := timeArgs(e.At)
		if _, err := w.exec(`INSERT INTO crm_audit (person, at, at_off, actor, action, what) VALUES (?, ?, ?, ?, ?, ?)`,
			string(e.Person), at, atOff, e.Actor, int(e.Action), e.What); err != nil {
			return w.s.db.fail(w.ctx, err, "audit entry", "")
		}
	}
	return nil
}

func checkDeal(d *crm.Deal) error {
	var c checker
	for _, f := range [][2]string{{"id", string(d.ID)}, {"company", string(d.Company)}, {"name", d.Name}} {
		c.text(f[0], f[1])
	}
	c.when("opened", d.Opened)
	c.when("closed", d.Closed)
	for i, dc := range d.Contacts {
		c.text(fmt.Sprintf("contacts[%d].person", i), string(dc.Person))
	}
	return c.err()
}

func checkAudit(e *crm.AuditEntry) error {
	var c checker
	for _, f := range [][2]string{{"person", string(e.Person)}, {"actor", e.Actor}, {"what", e.What}} {
		c.text(f[0], f[1])
	}
	c.when("at", e.At)
	return c.err()
}

// fillNameKeys writes crm.NameKey of every stored company's and person's name into name_key: the
// rows stored before the column came (migration crm/002), a block of ids at a time.
func (db *DB) fillNameKeys(ctx context.Context, tx *sql.Tx) error {
	for _, table := range []string{"crm_companies", "crm_people"} {
		after := ""
		for {
			rows, err := tx.QueryContext(ctx, db.q(`SELECT id, name FROM `+table+` WHERE id > ? ORDER BY id LIMIT 1000`), after)
			if err != nil {
				return db.cause(ctx, err, "", "")
			}
			var ids, names []string
			for rows.Next() {
				var id, name string
				if err := rows.Scan(&id, &name); err != nil {
					rows.Close()
					return db.cause(ctx, err, "", "")
				}
				ids, names = append(ids, id), append(names, name)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return db.cause(ctx, err, "", "")
			}
			if len(ids) == 0 {
				break
			}
			for i, id := range ids {
				if _, err := tx.ExecContext(ctx, db.q(`UPDATE `+table+` SET name_key = ? WHERE id = ?`), crm.NameKey(names[i]), id); err != nil {
					return db.cause(ctx, err, "", id)
				}
			}
			after = ids[len(ids)-1]
		}
	}
	return nil
}
