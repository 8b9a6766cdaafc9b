package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// CRMStore is crm.Store over the database: the company CRM and the key-person CRM (R2). Apply is one
// transaction in which every versioned record is written by a conditional UPDATE on its version (an
// INSERT for version 0), so a stale version is b2bkit.ErrConflict and a batch that fails half-way
// leaves nothing; unique indexes hold one person per contact point, one company per registration and
// one open owner account per company, across every process sharing the database. Safe for
// concurrent use.
type CRMStore struct {
	db *DB
}

var _ crm.Store = (*CRMStore)(nil)

// CRM returns the CRM store kept in db.
func (db *DB) CRM() *CRMStore { return &CRMStore{db: db} }

const companyColumns = `id, name, reg_scheme, reg_number, territory, city, industry, wallet_amount, wallet_currency,
	wallet_method, wallet_as_of, wallet_as_of_off, tier, tier_history, owner_rep, acquired_by, stage, stages, source,
	source_person, version`

// Company implements crm.Store.
func (s *CRMStore) Company(ctx context.Context, id b2bkit.CompanyID) (_ crm.Company, err error) {
	if err = s.ready("CRMStore.Company"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Company", &err)
	return one(ctx, s.db, "company", `SELECT `+companyColumns+` FROM crm_companies WHERE id = ?`, string(id), scanCompany)
}

// Companies implements crm.Store. It streams one query.
func (s *CRMStore) Companies(ctx context.Context) iter.Seq2[crm.Company, error] {
	if err := s.ready("CRMStore.Companies"); err != nil {
		return failedSeq[crm.Company](err)
	}
	return closedSeq(s.db, "CRMStore.Companies", func(yield func(crm.Company, error) bool) {
		stream(ctx, s.db, `SELECT `+companyColumns+` FROM crm_companies ORDER BY id`, nil, scanCompany, yield)
	})
}

func scanCompany(rows *sql.Rows, z *zones) (crm.Company, error) {
	var (
		c                   crm.Company
		scheme, number      sql.NullString
		amount, tiers, stgs string
		asOf                stamp
		stage, source       int
	)
	if err := rows.Scan(&c.ID, &c.Name, &scheme, &number, &c.Territory, &c.City, &c.Industry, &amount, &c.Wallet.Currency,
		&c.Wallet.Method, &asOf.ns, &asOf.off, &c.Tier, &tiers, &c.OwnerRep, &c.AcquiredBy, &stage, &stgs, &source,
		&c.SourcePerson, &c.Version); err != nil {
		return crm.Company{}, err
	}
	c.Registration = crm.Registration{Scheme: scheme.String, Number: number.String}
	var err error
	if c.Wallet.Amount, err = readDec("company", string(c.ID), "wallet_amount", amount); err != nil {
		return crm.Company{}, err
	}
	c.Wallet.AsOf, c.Stage, c.Source = z.time(asOf), crm.Stage(stage), crm.Source(source)
	if err := readJSON([]byte(tiers), &c.TierHistory); err != nil {
		return crm.Company{}, corrupt("company", string(c.ID), "tier_history", err)
	}
	if err := readJSON([]byte(stgs), &c.Stages); err != nil {
		return crm.Company{}, corrupt("company", string(c.ID), "stages", err)
	}
	return c, nil
}

const personColumns = `id, name, merged_into, absorbed, erased_at, erased_off, consents, do_not_contact, do_not_contact_off, version`

// Person implements crm.Store.
func (s *CRMStore) Person(ctx context.Context, id b2bkit.PersonID) (_ crm.Person, err error) {
	if err = s.ready("CRMStore.Person"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Person", &err)
	if !checkText(string(id)) {
		return notFound[crm.Person](ctx, "person", string(id)) // no person has an id that cannot be stored
	}
	var p crm.Person
	err = s.db.read(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = s.person(ctx, tx, string(id))
		return err
	})
	if err != nil {
		return crm.Person{}, err
	}
	if p.ID == "" {
		return crm.Person{}, fmt.Errorf("sqlstore: %w", b2bkit.NotFound("person", string(id)))
	}
	return p, nil
}

// errNoContact is the error for an unknown contact point; it never names the contact point, which
// is personal data.
var errNoContact = fmt.Errorf("sqlstore: %w", &b2bkit.RecordError{Kind: "person", Problem: "no person has this contact point", Err: b2bkit.ErrNotFound})

// PersonByContact implements crm.Store.
func (s *CRMStore) PersonByContact(ctx context.Context, key string) (_ crm.Person, err error) {
	if err = s.ready("CRMStore.PersonByContact"); err != nil {
		return
	}
	defer s.db.done("CRMStore.PersonByContact", &err)
	word, value, ok := strings.Cut(key, ":")
	var kind crm.ContactKind
	if !ok || kind.UnmarshalText([]byte(word)) != nil || !checkText(value) {
		if err := ctx.Err(); err != nil {
			return crm.Person{}, fmt.Errorf("sqlstore: %w", err)
		}
		return crm.Person{}, errNoContact
	}
	var p crm.Person
	err = s.db.read(ctx, func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, s.db.q(`SELECT person FROM crm_contacts WHERE kind = ? AND value = ?`), int(kind), value).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return s.db.fail(ctx, err, "person", "")
		}
		p, err = s.person(ctx, tx, id)
		return err
	})
	if err != nil {
		return crm.Person{}, err
	}
	if p.ID == "" {
		return crm.Person{}, errNoContact
	}
	return p, nil
}

// person reads the person with id and her contact points inside tx; a zero Person when absent.
func (s *CRMStore) person(ctx context.Context, tx *sql.Tx, id string) (crm.Person, error) {
	var z zones
	p, err := scanPerson(tx.QueryRowContext(ctx, s.db.q(`SELECT `+personColumns+` FROM crm_people WHERE id = ?`), id).Scan, &z)
	if errors.Is(err, sql.ErrNoRows) {
		return crm.Person{}, nil
	}
	if err != nil {
		return crm.Person{}, s.db.fail(ctx, err, "person", id)
	}
	rows, err := tx.QueryContext(ctx, s.db.q(`SELECT kind, value, since, since_off, until, until_off FROM crm_contacts WHERE person = ? ORDER BY pos`), id)
	if err != nil {
		return crm.Person{}, s.db.fail(ctx, err, "person", id)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind         sql.NullInt64
			value        sql.NullString
			since, until stamp
		)
		if err := rows.Scan(&kind, &value, &since.ns, &since.off, &until.ns, &until.off); err != nil {
			return crm.Person{}, s.db.fail(ctx, err, "person", id)
		}
		p.Contacts = append(p.Contacts, contactPoint(kind, value, since, until, &z))
	}
	if err := rows.Err(); err != nil {
		return crm.Person{}, s.db.fail(ctx, err, "person", id)
	}
	return p, nil
}

// scanPerson reads the personColumns of one row, and into extra the columns after them.
func scanPerson(scan func(...any) error, z *zones, extra ...any) (crm.Person, error) {
	var (
		p                  crm.Person
		absorbed, consents string
		erased, dnc        stamp
	)
	dest := append([]any{&p.ID, &p.Name, &p.MergedInto, &absorbed, &erased.ns, &erased.off, &consents, &dnc.ns, &dnc.off,
		&p.Version}, extra...)
	if err := scan(dest...); err != nil {
		return crm.Person{}, err
	}
	p.ErasedAt, p.DoNotContact = z.time(erased), z.time(dnc)
	if err := readJSON([]byte(absorbed), &p.Absorbed); err != nil {
		return crm.Person{}, corrupt("person", string(p.ID), "absorbed", err)
	}
	if err := readJSON([]byte(consents), &p.Consents); err != nil {
		return crm.Person{}, corrupt("person", string(p.ID), "consents", err)
	}
	return p, nil
}

// contactPoint builds a contact point from its columns.
func contactPoint(kind sql.NullInt64, value sql.NullString, since, until stamp, z *zones) crm.ContactPoint {
	return crm.ContactPoint{Kind: crm.ContactKind(kind.Int64), Value: value.String, Since: z.time(since), Until: z.time(until)}
}

// Spells implements crm.Store: one query over the person's or the company's index.
func (s *CRMStore) Spells(ctx context.Context, q crm.SpellQuery) (_ []crm.Spell, err error) {
	if err = s.ready("CRMStore.Spells"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Spells", &err)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	query, args, err := spellsQuery(&q)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return list(ctx, s.db, "spell", query, args, scanSpell)
}

// spellsQuery returns the query of Spells for q: the spells of the person, the company or both,
// those active at q.ActiveAt when set, by (start_at, id) — the order of the index on (person,
// start_at, id) and of the one on (company, start_at, id).
func spellsQuery(q *crm.SpellQuery) (string, []any, error) {
	if q.Person == "" && q.Company == "" {
		return "", nil, b2bkit.Invalid("spells", "name a person, a company or both")
	}
	var (
		where []string
		args  []any
	)
	if q.Person != "" {
		where, args = append(where, "person = ?"), append(args, string(q.Person))
	}
	if q.Company != "" {
		where, args = append(where, "company = ?"), append(args, string(q.Company))
	}
	if !q.ActiveAt.IsZero() {
		if !timeFits(q.ActiveAt) {
			return "", nil, b2bkit.Invalid("spells.active_at", "is outside the years 1678 to 2261")
		}
		at := nsArg(q.ActiveAt)
		where, args = append(where, "start_at <= ? AND (end_at IS NULL OR end_at > ?)"), append(args, at, at)
	}
	return `SELECT id, person, company, title, roles, start_at, start_off, end_at, end_off, version
FROM crm_spells WHERE ` + strings.Join(where, " AND ") + ` ORDER BY start_at, id`, args, nil
}

func scanSpell(rows *sql.Rows, z *zones) (crm.Spell, error) {
	var (
		sp         crm.Spell
		roles      string
		start, end stamp
	)
	if err := rows.Scan(&sp.ID, &sp.Person, &sp.Company, &sp.Title, &roles, &start.ns, &start.off, &end.ns, &end.off, &sp.Version); err != nil {
		return crm.Spell{}, err
	}
	var err error
	if sp.Roles, err = parseRoles(roles); err != nil {
		return crm.Spell{}, corrupt("spell", string(sp.ID), "roles", err)
	}
	sp.Start, sp.End = z.time(start), z.time(end)
	return sp, nil
}

// JobChanges implements crm.Store. It streams one query over the index by time.
func (s *CRMStore) JobChanges(ctx context.Context, since time.Time) iter.Seq2[crm.JobChange, error] {
	if err := s.ready("CRMStore.JobChanges"); err != nil {
		return failedSeq[crm.JobChange](err)
	}
	return closedSeq(s.db, "CRMStore.JobChanges", func(yield func(crm.JobChange, error) bool) {
		query, args := `SELECT id, person, at, at_off, from_company, from_title, from_stage, lost_roles, uncovered,
	left_incomplete, to_company, title, roles, to_stage, lead_created FROM crm_job_changes`, []any(nil)
		if !since.IsZero() {
			if !timeFits(since) {
				yield(crm.JobChange{}, fmt.Errorf("sqlstore: %w", b2bkit.Invalid("since", "is outside the years 1678 to 2261")))
				return
			}
			query, args = query+` WHERE at >= ?`, []any{nsArg(since)}
		}
		stream(ctx, s.db, query+` ORDER BY at, id`, args, scanJobChange, yield)
	})
}

func scanJobChange(rows *sql.Rows, z *zones) (crm.JobChange, error) {
	var (
		j                      crm.JobChange
		at                     stamp
		from, to               int
		lost, uncovered, roles string
	)
	if err := rows.Scan(&j.ID, &j.Person, &at.ns, &at.off, &j.From, &j.FromTitle, &from, &lost, &uncovered,
		&j.LeftIncomplete, &j.To, &j.Title, &roles, &to, &j.LeadCreated); err != nil {
		return crm.JobChange{}, err
	}
	j.At, j.FromStage, j.ToStage = z.time(at), crm.Stage(from), crm.Stage(to)
	var err error
	if j.LostRoles, err = parseRoles(lost); err != nil {
		return crm.JobChange{}, corrupt("job change", j.ID, "lost_roles", err)
	}
	if j.Uncovered, err = parseRoles(uncovered); err != nil {
		return crm.JobChange{}, corrupt("job change", j.ID, "uncovered", err)
	}
	if j.Roles, err = parseRoles(roles); err != nil {
		return crm.JobChange{}, corrupt("job change", j.ID, "roles", err)
	}
	return j, nil
}

const accountColumns = `id, company, person, kind, closed, closed_off, version`

// Account implements crm.Store.
func (s *CRMStore) Account(ctx context.Context, id crm.AccountID) (_ crm.Account, err error) {
	if err = s.ready("CRMStore.Account"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Account", &err)
	return one(ctx, s.db, "account", `SELECT `+accountColumns+` FROM crm_accounts WHERE id = ?`, string(id), scanAccount)
}

// Accounts implements crm.Store: one query over the company's index.
func (s *CRMStore) Accounts(ctx context.Context, company b2bkit.CompanyID) (_ []crm.Account, err error) {
	if err = s.ready("CRMStore.Accounts"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Accounts", &err)
	return list(ctx, s.db, "account", accountsQuery, []any{string(company)}, scanAccount)
}

// accountsQuery reads a company's accounts (its one argument) by id, over the index on (company, id).
const accountsQuery = `SELECT ` + accountColumns + ` FROM crm_accounts WHERE company = ? ORDER BY id`

func scanAccount(rows *sql.Rows, z *zones) (crm.Account, error) {
	var (
		a      crm.Account
		kind   int
		closed stamp
	)
	if err := rows.Scan(&a.ID, &a.Company, &a.Person, &kind, &closed.ns, &closed.off, &a.Version); err != nil {
		return crm.Account{}, err
	}
	a.Kind, a.Closed = crm.AccountKind(kind), z.time(closed)
	return a, nil
}

// Activities implements crm.Store. It streams one query over the company's index by time.
func (s *CRMStore) Activities(ctx context.Context, company b2bkit.CompanyID, from, to time.Time) iter.Seq2[crm.Activity, error] {
	if err := s.ready("CRMStore.Activities"); err != nil {
		return failedSeq[crm.Activity](err)
	}
	return closedSeq(s.db, "CRMStore.Activities", func(yield func(crm.Activity, error) bool) {
		query, args, err := activitiesQuery(company, from, to)
		if err != nil {
			yield(crm.Activity{}, fmt.Errorf("sqlstore: %w", err))
			return
		}
		stream(ctx, s.db, query, args, func(rows *sql.Rows, z *zones) (crm.Activity, error) {
			var (
				a  crm.Activity
				at stamp
			)
			err := rows.Scan(&a.ID, &a.Account, &a.Company, &at.ns, &at.off, &a.Action, &a.Subject)
			a.At = z.time(at)
			return a, err
		}, yield)
	})
}

// activitiesQuery returns the query of Activities: the company's activities in [from, to) by (at,
// id), the order of the index on (company, at, id).
func activitiesQuery(company b2bkit.CompanyID, from, to time.Time) (string, []any, error) {
	query, args := `SELECT id, account, company, at, at_off, action, subject FROM crm_activities WHERE company = ?`, []any{string(company)}
	if !from.IsZero() {
		if !timeFits(from) {
			return "", nil, b2bkit.Invalid("from", "is outside the years 1678 to 2261")
		}
		query, args = query+` AND at >= ?`, append(args, nsArg(from))
	}
	if !to.IsZero() {
		if !timeFits(to) {
			return "", nil, b2bkit.Invalid("to", "is outside the years 1678 to 2261")
		}
		query, args = query+` AND at < ?`, append(args, nsArg(to))
	} else {
		query += ` AND 1 = 0` // before a zero end: nothing, as the in-memory store
	}
	return query + ` ORDER BY at, id`, args, nil
}

// Apply implements crm.Store: one transaction, all of the batch or nothing.
func (s *CRMStore) Apply(ctx context.Context, b crm.Batch) (err error) {
	if err = s.ready("CRMStore.Apply"); err != nil {
		return
	}
	defer s.db.done("CRMStore.Apply", &err)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	if err := checkBatch(&b); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	// Rows are written in id order within each table, and tables in one order, so two batches
	// touching the same rows wait for each other instead of deadlocking.
	companies := sortedBy(b.Companies, func(c crm.Company) string { return string(c.ID) })
	people := sortedBy(b.People, func(p crm.Person) string { return string(p.ID) })
	spells := sortedBy(b.Spells, func(sp crm.Spell) string { return string(sp.ID) })
	accounts := sortedBy(b.Accounts, func(a crm.Account) string { return string(a.ID) })
	deals := sortedBy(b.Deals, func(d crm.Deal) string { return string(d.ID) })
	// Accounts that end up an open owner go last, so one batch can close the old owner account
	// before the new one takes the company's one open-owner slot.
	slices.SortStableFunc(accounts, func(a, c crm.Account) int { return cmp.Compare(openOwner(a), openOwner(c)) })
	return s.db.write(ctx, func(tx *sql.Tx) error {
		w := crmWriter{s: s, tx: tx, ctx: ctx}
		// The first step that fails ends the batch: the transaction is rolled back whole.
		for _, step := range []func() error{
			func() error { return w.companies(companies) }, func() error { return w.people(people) },
			func() error { return w.spells(spells) }, func() error { return w.accounts(accounts) },
			func() error { return w.jobChanges(b.JobChanges) }, func() error { return w.activities(b.Activities) },
			func() error { return w.deals(deals) }, func() error { return w.audit(b.Audit) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
}

func openOwner(a crm.Account) int {
	if a.Kind == crm.Owner && a.Closed.IsZero() {
		return 1
	}
	return 0
}

// A crmWriter writes one batch inside its transaction.
type crmWriter struct {
	s   *CRMStore
	tx  *sql.Tx
	ctx context.Context
}

// exec runs one statement and returns the rows it changed.
func (w *crmWriter) exec(query string, args ...any) (int64, error) {
	res, err := w.tx.ExecContext(w.ctx, w.s.db.q(query), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// versioned writes one versioned record: an INSERT for version 0, a conditional UPDATE otherwise.
// insertSQL must end "ON CONFLICT (id) DO NOTHING"; updateSQL must end "WHERE id = ? AND version = ?"
// with the id and version as its last arguments. A unique violation other than the id is explained
// by taken.
func (w *crmWriter) versioned(kind, table, id string, version int64, insertSQL, updateSQL string, args []any, taken string) error {
	var (
		n   int64
		err error
	)
	if version == 0 {
		n, err = w.exec(insertSQL, args...)
	} else {
		n, err = w.exec(updateSQL, append(args[1:len(args):len(args)], id, version)...)
	}
	switch {
	case err != nil && w.s.db.isUnique(err) && taken != "":
		return fmt.Errorf("sqlstore: %w", b2bkit.Conflict(kind, id, taken))
	case err != nil:
		return w.s.db.fail(w.ctx, err, kind, id)
	case n == 1:
		return nil
	}
	var stored int64
	err = w.tx.QueryRowContext(w.ctx, w.s.db.q(`SELECT version FROM `+table+` WHERE id = ?`), id).Scan(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return w.s.db.fail(w.ctx, err, kind, id)
	}
	return fmt.Errorf("sqlstore: %w", staleVersion(kind, id, version, stored))
}

func (w *crmWriter) companies(list []crm.Company) error {
	if len(list) > 1 {
		// A batch may move a registration from one company to another: free every registration
		// the batch rewrites first, claiming each row at its version.
		for _, c := range list {
			if c.Version == 0 {
				continue
			}
			n, err := w.exec(`UPDATE crm_companies SET reg_scheme = NULL, reg_number = NULL WHERE id = ? AND version = ?`, string(c.ID), c.Version)
			if err != nil {
				return w.s.db.fail(w.ctx, err, "company", string(c.ID))
			}
			if n != 1 {
				var stored int64
				err := w.tx.QueryRowContext(w.ctx, w.s.db.q(`SELECT version FROM crm_companies WHERE id = ?`), string(c.ID)).Scan(&stored)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return w.s.db.fail(w.ctx, err, "company", string(c.ID))
				}
				return fmt.Errorf("sqlstore: %w", staleVersion("company", string(c.ID), c.Version, stored))
			}
		}
	}
	for _, c := range list {
		tiers, err := json.Marshal(orEmpty(c.TierHistory))
		if err != nil {
			return fmt.Errorf("sqlstore: %w", b2bkit.InField("company.tier_history", err))
		}
		stages, err := json.Marshal(orEmpty(c.Stages))
		if err != nil {
			return fmt.Errorf("sqlstore: %w", b2bkit.InField("company.stages", err))
		}
		asOf, asOfOff := timeArgs(c.Wallet.AsOf)
		args := []any{string(c.ID), c.Name, nullText(c.Registration.Scheme), nullText(c.Registration.Number), c.Territory, c.City,
			c.Industry, decArg(c.Wallet.Amount), c.Wallet.Currency, c.Wallet.Method, asOf, asOfOff, c.Tier, string(tiers),
			c.OwnerRep, c.AcquiredBy, int(c.Stage), string(stages), int(c.Source), string(c.SourcePerson), crm.NameKey(c.Name)}
		err = w.versioned("company", "crm_companies", string(c.ID), c.Version,
			`INSERT INTO crm_companies (`+companyColumns+`, name_key) VALUES (`+placeholders(20)+`, 1, ?) ON CONFLICT (id) DO NOTHING`,
			`UPDATE crm_companies SET name = ?, reg_scheme = ?, reg_number = ?, territory = ?, city = ?, industry = ?,
	wallet_amount = ?, wallet_currency = ?, wallet_method = ?, wallet_as_of = ?, wallet_as_of_off = ?, tier = ?,
	tier_history = ?, owner_rep = ?, acquired_by = ?, stage = ?, stages = ?, source = ?, source_person = ?,
	name_key = ?, version = version + 1 WHERE id = ? AND version = ?`, args,
			fmt.Sprintf("registration %s %s already belongs to another company", c.Registration.Scheme, c.Registration.Number))
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *crmWriter) people(list []crm.Person) error {
	for _, p := range list {
		absorbed, err := json.Marshal(orEmpty(p.Absorbed))
		if err != nil {
			return fmt.Errorf("sqlstore: %w", b2bkit.InField("person.absorbed", err))
		}
		consents, err := json.Marshal(orEmpty(p.Consents))
		if err != nil {
			return fmt.Errorf("sqlstore: %w", b2bkit.InField("person.consents", err))
		}
		erased, erasedOff := timeArgs(p.ErasedAt)
		dnc, dncOff := timeArgs(p.DoNotContact)
		err = w.versioned("person", "crm_people", string(p.ID), p.Version,
			`INSERT INTO crm_people (`+personColumns+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (id) DO NOTHING`,
			`UPDATE crm_people SET name = ?, merged_into = ?, absorbed = ?, erased_at = ?, erased_off = ?, consents = ?,
	do_not_contact = ?, do_not_contact_off = ?, name_key = ?, version = version + 1 WHERE id = ? AND version = ?`,
			[]any{string(p.ID), p.Name, string(p.MergedInto), string(absorbed), erased, erasedOff, string(consents), dnc, dncOff,
				crm.NameKey(p.Name)}, "")
		if err != nil {
			return err
		}
	}
	// Contact points: all the batch's people let go of theirs first, so one batch can move a
	// contact point from one person to another; then each takes hers, and the unique index refuses
	// one another person holds.
	for _, p := range list {
		if p.Version == 0 {
			continue
		}
		if _, err := w.exec(`DELETE FROM crm_contacts WHERE person = ?`, string(p.ID)); err != nil {
			return w.s.db.fail(w.ctx, err, "person", string(p.ID))
		}
	}
	for _, p := range list {
		for i, c := range p.Contacts {
			since, sinceOff := timeArgs(c.Since)
			until, untilOff := timeArgs(c.Until)
			_, err := w.exec(`INSERT INTO crm_contacts (person, pos, kind, value, since, since_off, until, until_off)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, string(p.ID), i, int(c.Kind), c.Value, since, sinceOff, until, untilOff)
			if err != nil && w.s.db.isUnique(err) {
				return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("person", string(p.ID), fmt.Sprintf("a %s contact point already belongs to another person", c.Kind)))
			}
			if err != nil {
				return w.s.db.fail(w.ctx, err, "person", string(p.ID))
			}
		}
	}
	return nil
}

func (w *crmWriter) spells(list []crm.Spell) error {
	for _, sp := range list {
		start, startOff := timeArgs(sp.Start)
		end, endOff := timeArgs(sp.End)
		err := w.versioned("spell", "crm_spells", string(sp.ID), sp.Version,
			`INSERT INTO crm_spells (id, person, company, title, roles, start_at, start_off, end_at, end_off, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO NOTHING`,
			`UPDATE crm_spells SET person = ?, company = ?, title = ?, roles = ?, start_at = ?, start_off = ?, end_at = ?, end_off = ?,
	version = version + 1 WHERE id = ? AND version = ?`,
			[]any{string(sp.ID), string(sp.Person), string(sp.Company), sp.Title, roleWords(sp.Roles), start, startOff, end, endOff}, "")
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *crmWriter) accounts(list []crm.Account) error {
	for _, a := range list {
		closed, closedOff := timeArgs(a.Closed)
		taken := fmt.Sprintf("company %s already has an open owner account", a.Company)
		err := w.versioned("account", "crm_accounts", string(a.ID), a.Version,
			`INSERT INTO crm_accounts (id, person, kind, closed, closed_off, company, version) VALUES (?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (id) DO NOTHING`,
			// The company is a condition, not a column set: an account never moves.
			`UPDATE crm_accounts SET person = ?, kind = ?, closed = ?, closed_off = ?, version = version + 1
WHERE company = ? AND id = ? AND version = ?`,
			[]any{string(a.ID), string(a.Person), int(a.Kind), closed, closedOff, string(a.Company)}, taken)
		if err == nil || a.Version == 0 || !errors.Is(err, b2bkit.ErrConflict) || strings.Contains(err.Error(), taken) {
			if err != nil {
				return err
			}
			continue
		}
		var company string
		if qerr := w.tx.QueryRowContext(w.ctx, w.s.db.q(`SELECT company FROM crm_accounts WHERE id = ?`), string(a.ID)).Scan(&company); qerr == nil && company != string(a.Company) {
			return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("account", string(a.ID), "an account cannot move to another company"))
		}
		return err
	}
	return nil
}

func (w *crmWriter) jobChanges(list []crm.JobChange) error {
	for _, j := range list {
		at, atOff := timeArgs(j.At)
		n, err := w.exec(`INSERT INTO crm_job_changes (id, person, at, at_off, from_company, from_title, from_stage,
	lost_roles, uncovered, left_incomplete, to_company, title, roles, to_stage, lead_created)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			j.ID, string(j.Person), at, atOff, string(j.From), j.FromTitle, int(j.FromStage), roleWords(j.LostRoles),
			roleWords(j.Uncovered), j.LeftIncomplete, string(j.To), j.Title, roleWords(j.Roles), int(j.ToStage), j.LeadCreated)
		if err != nil {
			return w.s.db.fail(w.ctx, err, "job change", j.ID)
		}
		if n != 1 {
			return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("job change", j.ID, "already recorded"))
		}
	}
	return nil
}

func (w *crmWriter) activities(list []crm.Activity) error {
	for _, a := range list {
		at, atOff := timeArgs(a.At)
		n, err := w.exec(`INSERT INTO crm_activities (id, account, company, at, at_off, action, subject)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, a.ID, string(a.Account), string(a.Company), at, atOff, a.Action, a.Subject)
		if err != nil {
			return w.s.db.fail(w.ctx, err, "activity", a.ID)
		}
		if n != 1 {
			return fmt.Errorf("sqlstore: %w", b2bkit.Conflict("activity", a.ID, "already recorded"))
		}
	}
	return nil
}

// checkBatch validates every record as the CRM's in-memory store does — each record's Validate, no
// id twice in the batch — and that every value can be stored as it is.
func checkBatch(b *crm.Batch) error {
	var errs []error
	seen := map[string]bool{}
	check := func(kind string, i int, id string, err error) {
		if err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("%s[%d]", kind, i), err))
		}
		if seen[id] {
			errs = append(errs, b2bkit.Invalid(fmt.Sprintf("%s[%d].id", kind, i), "repeats an id of this batch"))
		}
		seen[id] = true
	}
	for i, c := range b.Companies {
		check("companies", i, string(c.ID), errors.Join(c.Validate(), checkCompany(&c)))
	}
	clear(seen)
	for i, p := range b.People {
		check("people", i, string(p.ID), errors.Join(p.Validate(), checkPerson(&p)))
	}
	clear(seen)
	for i, sp := range b.Spells {
		var c checker
		for _, f := range [][2]string{{"id", string(sp.ID)}, {"person", string(sp.Person)}, {"company", string(sp.Company)}, {"title", sp.Title}} {
			c.text(f[0], f[1])
		}
		c.when("start", sp.Start)
		c.when("end", sp.End)
		check("spells", i, string(sp.ID), errors.Join(sp.Validate(), c.err()))
	}
	clear(seen)
	for i, a := range b.Accounts {
		var c checker
		c.text("id", string(a.ID))
		c.text("company", string(a.Company))
		c.text("person", string(a.Person))
		c.when("closed", a.Closed)
		check("accounts", i, string(a.ID), errors.Join(a.Validate(), c.err()))
	}
	clear(seen)
	for i, j := range b.JobChanges {
		var c checker
		if j.ID == "" || j.Person == "" || j.At.IsZero() {
			c.add("", "a job change needs an id, a person and a time")
		}
		for _, f := range [][2]string{{"id", j.ID}, {"person", string(j.Person)}, {"from", string(j.From)}, {"from_title", j.FromTitle},
			{"to", string(j.To)}, {"title", j.Title}} {
			c.text(f[0], f[1])
		}
		c.when("at", j.At)
		// The stages are kept as small integers: one no stage has would not round-trip (and is
		// beyond PostgreSQL's SMALLINT when large).
		if !j.FromStage.Valid() {
			c.add("from_stage", "unknown stage %d", int(j.FromStage))
		}
		if !j.ToStage.Valid() {
			c.add("to_stage", "unknown stage %d", int(j.ToStage))
		}
		for _, rs := range [][]crm.Role{j.LostRoles, j.Uncovered, j.Roles} {
			for _, r := range rs {
				if !r.Valid() {
					c.add("roles", "unknown role %d", int(r))
				}
			}
		}
		check("job_changes", i, j.ID, c.err())
	}
	clear(seen)
	for i, a := range b.Activities {
		var c checker
		for _, f := range [][2]string{{"id", a.ID}, {"account", string(a.Account)}, {"company", string(a.Company)}, {"action", a.Action}, {"subject", a.Subject}} {
			c.text(f[0], f[1])
		}
		c.when("at", a.At)
		check("activities", i, a.ID, errors.Join(a.Validate(), c.err()))
	}
	clear(seen)
	for i, d := range b.Deals {
		check("deals", i, string(d.ID), errors.Join(d.Validate(), checkDeal(&d)))
	}
	for i, e := range b.Audit {
		if err := errors.Join(e.Validate(), checkAudit(&e)); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("audit[%d]", i), err))
		}
	}
	return errors.Join(errs...)
}

func checkCompany(co *crm.Company) error {
	var c checker
	for _, f := range [][2]string{{"id", string(co.ID)}, {"name", co.Name}, {"registration.scheme", co.Registration.Scheme},
		{"registration.number", co.Registration.Number}, {"territory", co.Territory}, {"city", co.City}, {"industry", co.Industry},
		{"wallet.currency", co.Wallet.Currency}, {"wallet.method", co.Wallet.Method}, {"tier", co.Tier}, {"owner_rep", co.OwnerRep},
		{"acquired_by", co.AcquiredBy}, {"source_person", string(co.SourcePerson)}} {
		c.text(f[0], f[1])
	}
	c.dec("wallet.amount", co.Wallet.Amount)
	c.when("wallet.as_of", co.Wallet.AsOf)
	for i, t := range co.TierHistory {
		f := fmt.Sprintf("tier_history[%d]", i)
		c.text(f+".from", t.From)
		c.text(f+".to", t.To)
		c.dec(f+".points", t.Points)
		c.when(f+".at", t.At)
	}
	for i, s := range co.Stages {
		c.when(fmt.Sprintf("stages[%d].at", i), s.At)
	}
	return c.err()
}

func checkPerson(p *crm.Person) error {
	var c checker
	c.text("id", string(p.ID))
	c.text("name", p.Name)
	c.text("merged_into", string(p.MergedInto))
	for i, a := range p.Absorbed {
		c.text(fmt.Sprintf("absorbed[%d]", i), string(a))
	}
	c.when("erased_at", p.ErasedAt)
	c.when("do_not_contact", p.DoNotContact)
	for i, cs := range p.Consents {
		f := fmt.Sprintf("consents[%d]", i)
		c.text(f+".purpose", cs.Purpose)
		c.text(f+".source", cs.Source)
		c.when(f+".given", cs.Given)
		c.when(f+".withdrawn", cs.Withdrawn)
	}
	for i, ct := range p.Contacts {
		f := fmt.Sprintf("contacts[%d]", i)
		c.when(f+".since", ct.Since)
		c.when(f+".until", ct.Until)
	}
	return c.err()
}

// roleWords writes roles as their words, comma-separated ("decision_maker,payer").
func roleWords(rs []crm.Role) string {
	w := make([]string, len(rs))
	for i, r := range rs {
		w[i] = r.String()
	}
	return strings.Join(w, ",")
}

// parseRoles reads what roleWords writes; "" is no roles (nil).
func parseRoles(s string) ([]crm.Role, error) {
	if s == "" {
		return nil, nil
	}
	words := strings.Split(s, ",")
	out := make([]crm.Role, len(words))
	for i, w := range words {
		if err := out[i].UnmarshalText([]byte(w)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readJSON decodes a stored JSON list; an empty list is nil. It reads as strictly as b2bkit reads
// any document (wire.DecodeStrict): a list changed behind the store's back into one it never writes
// — a key twice, a key in another case, a field it does not know — is refused, not half-read.
func readJSON[T any](b []byte, into *[]T) error {
	if string(b) == "[]" || string(b) == "null" {
		*into = nil
		return nil
	}
	return wire.DecodeStrict(b, into)
}

// orEmpty makes a nil list an empty one, so it is stored as [].
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// sortedBy returns a copy of list sorted by key.
func sortedBy[T any](list []T, key func(T) string) []T {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return out
}

// stream runs one query and yields each row read by scan; a failing query or row yields the error
// once and stops. The rows are read as the caller consumes them, never all at once.
func stream[T any](ctx context.Context, db *DB, query string, args []any, scan func(*sql.Rows, *zones) (T, error), yield func(T, error) bool) {
	var zero T
	if err := ctx.Err(); err != nil {
		yield(zero, fmt.Errorf("sqlstore: %w", err))
		return
	}
	if !storable(args) {
		return // no record holds text that cannot be stored
	}
	rows, err := db.sql.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		yield(zero, db.fail(ctx, err, "", ""))
		return
	}
	defer rows.Close()
	var z zones
	for rows.Next() {
		v, err := scan(rows, &z)
		if err != nil {
			yield(zero, db.fail(ctx, err, "", ""))
			return
		}
		if !yield(v, nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		yield(zero, db.fail(ctx, err, "", ""))
	}
}

// one reads the record of kind with id that query (taking id as its one argument) selects, with
// scan: ErrNotFound naming kind and id when there is none — or when id holds text no record can
// have (not UTF-8, a NUL), which is never sent to the database.
func one[T any](ctx context.Context, db *DB, kind, query, id string, scan func(*sql.Rows, *zones) (T, error)) (T, error) {
	if !checkText(id) {
		return notFound[T](ctx, kind, id)
	}
	found, err := list(ctx, db, kind, query, []any{id}, scan)
	if err != nil {
		var zero T
		return zero, err
	}
	if len(found) == 0 {
		return notFound[T](ctx, kind, id)
	}
	return found[0], nil
}

// notFound is the answer for a record of kind with id that is not stored: ctx's error when ctx
// is done, ErrNotFound naming the record otherwise.
func notFound[T any](ctx context.Context, kind, id string) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("sqlstore: %w", err)
	}
	return zero, fmt.Errorf("sqlstore: %w", b2bkit.NotFound(kind, id))
}

// list reads every record of kind that query selects with args, with scan, in the query's order:
// an empty list when there is none — or when an argument is text no record can hold, which is
// never sent to the database. An error names kind (and the record, when scan names it).
func list[T any](ctx context.Context, db *DB, kind, query string, args []any, scan func(*sql.Rows, *zones) (T, error)) ([]T, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	out := []T{}
	if !storable(args) {
		return out, nil
	}
	rows, err := db.sql.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, db.fail(ctx, err, kind, "")
	}
	defer rows.Close()
	var z zones
	for rows.Next() {
		v, err := scan(rows, &z)
		if err != nil {
			return nil, db.fail(ctx, err, kind, "")
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, db.fail(ctx, err, kind, "")
	}
	return out, nil
}

// storable reports whether every text argument of a query is text a column can hold.
func storable(args []any) bool {
	for _, a := range args {
		if s, ok := a.(string); ok && !checkText(s) {
			return false
		}
	}
	return true
}
