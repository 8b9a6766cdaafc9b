package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/pricing"
)

// PriceList is pricing.BatchPriceSource over the database: the seller's catalogue — list prices
// with what else it says of each SKU — and contract prices (协议价) for buyers and buyer groups over
// periods. ListPrices answers a block of queries with one query that joins each SKU with the
// buyer's and the group's contract covering the day asked, so a catalog quote
// (pricing.Engine.QuoteMany) costs one query per block of lines, not one per line. Safe for
// concurrent use.
type PriceList struct {
	db *DB
}

var _ pricing.BatchPriceSource = (*PriceList)(nil)

// Prices returns the price list kept in db.
func (db *DB) Prices() *PriceList { return &PriceList{db: db} }

// priceBlock is the most SKUs or queries one statement names.
const priceBlock = 500

// priceColumns are price_list's columns in the order scanPrice reads them.
const priceColumns = `sku, price, currency, cost, tax_percent, pack_size, min_quantity, weight, other_prices, attributes`

// Set stores the prices, replacing those of the same SKUs, in one transaction. If one is invalid
// — ListPrice.Validate, a value the schema cannot keep as it is, or a contract price (those are
// kept with SetContracts) — none is stored and the error, matching b2bkit.ErrInvalid, names it
// ("prices[3].price"). A Contract with a zero price is none, as pricing.PriceList.Set has it: taken,
// and not kept.
func (l *PriceList) Set(ctx context.Context, prices ...pricing.ListPrice) (err error) {
	if err = l.ready("PriceList.Set"); err != nil {
		return
	}
	defer l.db.done("PriceList.Set", &err)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	var errs []error
	rows := make([][]any, len(prices))
	for i, p := range prices {
		var c checker
		c.text("sku", string(p.SKU))
		c.text("currency", p.Currency)
		for _, f := range []struct {
			name string
			v    decimal.Decimal
		}{{"price", p.Price}, {"cost", p.Cost}, {"tax_percent", p.TaxPercent}, {"pack_size", p.PackSize},
			{"min_quantity", p.MinQuantity}, {"weight", p.Weight}} {
			c.dec(f.name, f.v)
		}
		if !p.Contract.Price.IsZero() { // a zero price is no contract, whatever ID it names (pricing.Contract)
			c.add("contract", "contract prices are kept with SetContracts")
		}
		others := make(map[string]string, len(p.Prices))
		for name, v := range p.Prices {
			c.text("prices", name)
			c.dec("prices."+name, v)
			if decFits(v) {
				others[name] = decText(v)
			}
		}
		for name, v := range p.Attributes {
			c.text("attributes", name)
			c.text("attributes."+name, v)
		}
		err := errors.Join(p.Validate(), c.err())
		if err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("prices[%d]", i), err))
			continue
		}
		// Maps marshal with their keys sorted: the same catalogue is the same text.
		otherText, err := json.Marshal(others)
		if err != nil {
			return fmt.Errorf("sqlstore: %w", b2bkit.InField(fmt.Sprintf("prices[%d].prices", i), err))
		}
		attrs := p.Attributes
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrText, err := json.Marshal(attrs)
		if err != nil {
			return fmt.Errorf("sqlstore: %w", b2bkit.InField(fmt.Sprintf("prices[%d].attributes", i), err))
		}
		rows[i] = []any{string(p.SKU), decArg(p.Price), p.Currency, decArg(p.Cost), decArg(p.TaxPercent), decArg(p.PackSize),
			decArg(p.MinQuantity), decArg(p.Weight), string(otherText), string(attrText)}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	// A SKU given twice keeps its last price, as the in-memory list does; PostgreSQL refuses one
	// INSERT ... ON CONFLICT that would update a row twice, so only the last row of each SKU goes.
	last := make(map[b2bkit.SKU]int, len(prices))
	for i, p := range prices {
		last[p.SKU] = i
	}
	if len(last) < len(prices) {
		kept := rows[:0]
		for i, r := range rows {
			if last[prices[i].SKU] == i {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	return l.db.write(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(rows); start += priceBlock {
			block := rows[start:min(start+priceBlock, len(rows))]
			args := make([]any, 0, 10*len(block))
			for _, r := range block {
				args = append(args, r...)
			}
			_, err := tx.ExecContext(ctx, l.db.q(`INSERT INTO price_list (`+priceColumns+`) VALUES `+tuples(10, len(block))+`
ON CONFLICT (sku) DO UPDATE SET price = excluded.price, currency = excluded.currency, cost = excluded.cost,
	tax_percent = excluded.tax_percent, pack_size = excluded.pack_size, min_quantity = excluded.min_quantity,
	weight = excluded.weight, other_prices = excluded.other_prices, attributes = excluded.attributes`), args...)
			if err != nil {
				return l.db.fail(ctx, err, "price", "")
			}
		}
		return nil
	})
}

// Delete removes the SKUs' prices; deleting an absent SKU does nothing. Their contract prices stay,
// answering again if the SKU is listed again.
func (l *PriceList) Delete(ctx context.Context, skus ...b2bkit.SKU) (err error) {
	if err = l.ready("PriceList.Delete"); err != nil {
		return
	}
	defer l.db.done("PriceList.Delete", &err)
	return l.db.write(ctx, func(tx *sql.Tx) error {
		for _, sku := range skus {
			if !checkText(string(sku)) {
				continue // no SKU stored has it
			}
			if _, err := tx.ExecContext(ctx, l.db.q(`DELETE FROM price_list WHERE sku = ?`), string(sku)); err != nil {
				return l.db.fail(ctx, err, "price", string(sku))
			}
		}
		return nil
	})
}

// SetContracts stores contract prices in one transaction, replacing any with the same party (buyer
// or group), SKU and ID, as pricing.PriceList.SetContracts does. A contract that is invalid
// (matching b2bkit.ErrInvalid: ContractPrice.Validate, or a value the schema cannot keep), or whose
// period overlaps another of the same party and SKU — stored, or earlier in the call — (matching
// b2bkit.ErrConflict: the list could not say which answers) stores none of them; the error names it
// ("contracts[2]"). Writers of one party's contracts for one SKU take turns, so two servers cannot
// both store overlapping periods.
func (l *PriceList) SetContracts(ctx context.Context, contracts ...pricing.ContractPrice) (err error) {
	if err = l.ready("PriceList.SetContracts"); err != nil {
		return
	}
	defer l.db.done("PriceList.SetContracts", &err)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	var errs []error
	for i, c := range contracts {
		var ck checker
		for _, f := range [][2]string{{"id", c.ID}, {"sku", string(c.SKU)}, {"buyer", string(c.Buyer)}, {"group", c.Group}} {
			ck.text(f[0], f[1])
		}
		ck.dec("price", c.Price)
		ck.when("valid_from", c.ValidFrom)
		ck.when("valid_until", c.ValidUntil)
		if err := errors.Join(c.Validate(), ck.err()); err != nil {
			errs = append(errs, b2bkit.InField(fmt.Sprintf("contracts[%d]", i), err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	// Parties are locked in one order, so two calls naming the same ones wait instead of deadlocking.
	order := make([]int, len(contracts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(contractParty(contracts[a]), contractParty(contracts[b])) })
	return l.db.write(ctx, func(tx *sql.Tx) error {
		if l.db.dialect == Postgres {
			locked := ""
			for _, i := range order {
				if k := contractParty(contracts[i]); k != locked {
					if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, k); err != nil {
						return l.db.fail(ctx, err, "contract", contracts[i].ID)
					}
					locked = k
				}
			}
		}
		for i, c := range contracts {
			key := []any{string(c.SKU), string(c.Buyer), c.Group}
			if _, err := tx.ExecContext(ctx, l.db.q(`DELETE FROM contract_prices WHERE sku = ? AND buyer = ? AND grp = ? AND id = ?`),
				append(key, c.ID)...); err != nil {
				return l.db.fail(ctx, err, "contract", c.ID)
			}
			from, until := boundArg(c.ValidFrom), boundArg(c.ValidUntil)
			// Two periods [from, until) share an instant unless one ends before the other starts.
			var other string
			err := tx.QueryRowContext(ctx, l.db.q(`SELECT id FROM contract_prices WHERE sku = ? AND buyer = ? AND grp = ?
	AND (CAST(? AS BIGINT) IS NULL OR valid_from IS NULL OR valid_from < CAST(? AS BIGINT))
	AND (valid_until IS NULL OR CAST(? AS BIGINT) IS NULL OR CAST(? AS BIGINT) < valid_until)
	ORDER BY id LIMIT 1`), append(key, until, until, from, from)...).Scan(&other)
			switch {
			case err == nil:
				return fmt.Errorf("sqlstore: contracts[%d]: %w", i, b2bkit.Conflict("contract", c.ID,
					fmt.Sprintf("overlaps contract %s of the same party for sku %s", other, c.SKU)))
			case !errors.Is(err, sql.ErrNoRows):
				return l.db.fail(ctx, err, "contract", c.ID)
			}
			if _, err := tx.ExecContext(ctx, l.db.q(`INSERT INTO contract_prices (sku, buyer, grp, id, price, valid_from, valid_until)
VALUES (?, ?, ?, ?, ?, ?, ?)`), append(key, c.ID, decArg(c.Price), from, until)...); err != nil {
				return l.db.fail(ctx, err, "contract", c.ID)
			}
		}
		return nil
	})
}

// contractParty is the key one party's contracts for one SKU are written under, one at a time.
func contractParty(c pricing.ContractPrice) string {
	return strconv.Quote(string(c.SKU)) + " " + strconv.Quote(string(c.Buyer)) + " " + strconv.Quote(c.Group)
}

// boundArg is a period's bound as an argument: NULL when unbounded.
func boundArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// atArg is the day a query asks for as nanoseconds: an instant before (after) every storable time
// compares as the least (greatest) integer, so it falls before (after) every bounded period, as the
// in-memory list has it. The zero time is before every period with a start.
func atArg(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case !t.Before(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// ListPrice implements pricing.PriceSource.
func (l *PriceList) ListPrice(ctx context.Context, q pricing.PriceQuery) (_ pricing.ListPrice, err error) {
	if err = l.ready("PriceList.ListPrice"); err != nil {
		return
	}
	defer l.db.done("PriceList.ListPrice", &err)
	var (
		p     [1]pricing.ListPrice
		found [1]bool
	)
	if err := l.ListPrices(ctx, []pricing.PriceQuery{q}, p[:], found[:]); err != nil {
		return pricing.ListPrice{}, err
	}
	if !found[0] {
		return pricing.ListPrice{}, fmt.Errorf("sqlstore: %w", b2bkit.NotFound("sku", string(q.SKU)))
	}
	return p[0], nil
}

// ListPrices implements pricing.BatchPriceSource: one query per block of up to 500 queries.
func (l *PriceList) ListPrices(ctx context.Context, qs []pricing.PriceQuery, prices []pricing.ListPrice, found []bool) (err error) {
	if err = l.ready("PriceList.ListPrices"); err != nil {
		return
	}
	defer l.db.done("PriceList.ListPrices", &err)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	if len(prices) < len(qs) || len(found) < len(qs) {
		return fmt.Errorf("sqlstore: %w", b2bkit.Invalid("prices", "prices and found must be at least as long as the queries"))
	}
	for i := range qs {
		prices[i], found[i] = pricing.ListPrice{}, false
	}
	for start := 0; start < len(qs); start += priceBlock {
		if err := l.block(ctx, qs[start:min(start+priceBlock, len(qs))], prices[start:], found[start:]); err != nil {
			return err
		}
	}
	return nil
}

// block answers one block of queries with one query: the queries as a table (i, sku, buyer, grp,
// at) joined with the list prices by SKU and, by the primary key of contract_prices, with the
// buyer's and the group's contract covering the day. One party's periods never overlap, so each
// join finds at most one.
func (l *PriceList) block(ctx context.Context, qs []pricing.PriceQuery, prices []pricing.ListPrice, found []bool) error {
	var (
		idx                 []int
		skus, buyers, grps  []string
		ats                 []int64
		unstorable, nonzero bool
	)
	for i, q := range qs {
		switch {
		case q.SKU == "":
			continue
		case !checkText(string(q.SKU)) || !checkText(string(q.Buyer)) || !checkText(q.Group):
			unstorable = true // no SKU or party stored has it: not found, or no contract
		}
		nonzero = true
		idx, skus, buyers, grps, ats = append(idx, i), append(skus, string(q.SKU)), append(buyers, string(q.Buyer)),
			append(grps, q.Group), append(ats, atArg(q.At))
	}
	if !nonzero {
		return nil
	}
	if unstorable {
		// Ask the queries that can match one by one, with what cannot be stored left out.
		for j, i := range idx {
			if !checkText(skus[j]) {
				continue
			}
			q := qs[i]
			if !checkText(buyers[j]) {
				q.Buyer = ""
			}
			if !checkText(grps[j]) {
				q.Group = ""
			}
			if err := l.block(ctx, []pricing.PriceQuery{q}, prices[i:i+1], found[i:i+1]); err != nil {
				return err
			}
		}
		return nil
	}
	query, args := priceBlockQuery(l.db.dialect, idx, skus, buyers, grps, ats)
	rows, err := l.db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return l.db.fail(ctx, err, "", "")
	}
	defer rows.Close()
	last := -1
	for rows.Next() {
		var (
			i                int
			bID, gID         sql.NullString
			bPrice, gPrice   sql.NullString
			p                pricing.ListPrice
			price, cost      string
			tax, pack, minQ  string
			weight           string
			others, attrText string
		)
		if err := rows.Scan(&i, &p.SKU, &price, &p.Currency, &cost, &tax, &pack, &minQ, &weight, &others, &attrText,
			&bID, &bPrice, &gID, &gPrice); err != nil {
			return l.db.fail(ctx, err, "", "")
		}
		if i == last {
			continue // the first row of a query is its answer
		}
		last = i
		sku := string(p.SKU)
		for _, f := range []struct {
			column string
			text   string
			into   *decimal.Decimal
		}{{"price", price, &p.Price}, {"cost", cost, &p.Cost}, {"tax_percent", tax, &p.TaxPercent},
			{"pack_size", pack, &p.PackSize}, {"min_quantity", minQ, &p.MinQuantity}, {"weight", weight, &p.Weight}} {
			if *f.into, err = readDec("list price", sku, f.column, f.text); err != nil {
				return fmt.Errorf("sqlstore: %w", err)
			}
		}
		if p.Prices, err = readPrices(sku, others); err != nil {
			return fmt.Errorf("sqlstore: %w", err)
		}
		if attrText != "{}" {
			if err := wire.DecodeStrict([]byte(attrText), &p.Attributes); err != nil {
				return fmt.Errorf("sqlstore: %w", corrupt("list price", sku, "attributes", err))
			}
		}
		switch {
		case bID.Valid:
			p.Contract.ID = bID.String
			p.Contract.Price, err = readDec("contract price", bID.String, "price", bPrice.String)
		case gID.Valid:
			p.Contract.ID, p.Contract.Group = gID.String, qs[i].Group
			p.Contract.Price, err = readDec("contract price", gID.String, "price", gPrice.String)
		}
		if err != nil {
			return fmt.Errorf("sqlstore: %w", err)
		}
		prices[i], found[i] = p, true
	}
	return l.db.fail(ctx, rows.Err(), "", "")
}

// priceBlockQuery returns the query answering one block of queries, and its arguments: the queries
// as a table q (i, sku, buyer, grp, at) — one array per column on PostgreSQL, rows of VALUES on
// SQLite — joined with price_list by its primary key and, by the primary key's prefix (sku, buyer,
// grp) of contract_prices, with the buyer's and the group's contract covering the day.
func priceBlockQuery(d Dialect, idx []int, skus, buyers, grps []string, ats []int64) (string, []any) {
	var (
		from string
		args []any
	)
	if d == Postgres {
		from = `unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS q (i, sku, buyer, grp, at)`
		args = []any{idx, skus, buyers, grps, ats}
	} else {
		from = `(WITH q (i, sku, buyer, grp, at) AS (VALUES ` + tuples(5, len(idx)) + `) SELECT * FROM q) AS q`
		args = make([]any, 0, 5*len(idx))
		for j := range idx {
			args = append(args, idx[j], skus[j], buyers[j], grps[j], ats[j])
		}
	}
	covers := func(c string) string {
		return fmt.Sprintf(`(%[1]s.valid_from IS NULL OR %[1]s.valid_from <= q.at) AND (%[1]s.valid_until IS NULL OR q.at < %[1]s.valid_until)`, c)
	}
	return `SELECT q.i, ` + prefixed("p.", priceColumns) + `, b.id, b.price, g.id, g.price
FROM ` + from + `
JOIN price_list p ON p.sku = q.sku
LEFT JOIN contract_prices b ON b.sku = q.sku AND b.buyer = q.buyer AND b.grp = '' AND ` + covers("b") + `
LEFT JOIN contract_prices g ON g.sku = q.sku AND g.buyer = '' AND g.grp = q.grp AND ` + covers("g") + `
ORDER BY q.i, b.id, g.id`, args
}

// readPrices reads the other price lists of the SKU sku as stored: a JSON object of exact decimal
// text; nil when empty.
func readPrices(sku, text string) (map[string]decimal.Decimal, error) {
	if text == "{}" {
		return nil, nil
	}
	var raw map[string]string
	if err := wire.DecodeStrict([]byte(text), &raw); err != nil {
		return nil, corrupt("list price", sku, "other_prices", err)
	}
	out := make(map[string]decimal.Decimal, len(raw))
	for name, v := range raw {
		d, err := readDec("list price", sku, "other_prices."+name, v)
		if err != nil {
			return nil, err
		}
		out[name] = d
	}
	return out, nil
}
