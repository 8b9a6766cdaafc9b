package clv

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/chunked"
)

// MaxLine is the longest line ReadCSV accepts, in bytes; MaxCustomers the most rows.
const (
	MaxLine      = 4096
	MaxCustomers = 50_000_000
)

// ReadCSV loads histories already summarised elsewhere (a SQL query, another tool) as a Summary in
// unit u: a header naming the columns id, frequency, recency and t (any case, any order), with an
// optional repeat_spend, then one customer per line — the layout of the published CDNOW summary
// ("ID,frequency,recency,T"). Fields may be quoted but a record stays on one line; CRLF line ends
// and a byte order mark at the start (a spreadsheet's "CSV UTF-8") are accepted. Each history is
// checked as the models read it (a count >= 0, 0 <= recency <= t, finite numbers, a recency only
// with a repeat purchase), IDs must be set and distinct, and lines and rows are bounded (MaxLine,
// MaxCustomers): anything else is an error matching b2bkit.ErrInvalid naming the line. The
// customers come back sorted by ID.
func ReadCSV(r io.Reader, u Unit) (Summary, error) {
	if r == nil {
		return Summary{}, fmt.Errorf("clv: csv: %w", b2bkit.Invalid("", "no reader"))
	}
	if !u.Valid() {
		return Summary{}, fmt.Errorf("clv: csv: %w", b2bkit.Invalid("unit", "must be weeks or days"))
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), MaxLine)
	line := 0
	fail := func(err error) (Summary, error) {
		return Summary{}, fmt.Errorf("clv: csv: line %d: %w", line, err)
	}
	// Each line is parsed alone, so that a quote cannot carry a record over to the next line, by
	// one CSV reader fed a line at a time: a reader made for each line made a buffer of 4 KB for
	// each, 178 times a file of short lines.
	var text bytes.Reader
	lines := bufio.NewReaderSize(&text, 4096) // csv.NewReader's own size: it reads through this one
	cr := csv.NewReader(lines)
	cr.FieldsPerRecord = -1 // each line is a file of one record
	cr.ReuseRecord = true
	var cols map[string]int
	// The customers are kept in chunks and copied out once, at the end: a slice grown one customer
	// at a time copies them again and again (five times the final slice, for a large file).
	var customers chunked.List[Customer]
	seen := map[b2bkit.CompanyID]bool{}
	for sc.Scan() {
		line++
		b := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\uFEFF")) // a spreadsheet's byte order mark
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		text.Reset(b)
		lines.Reset(&text)
		fields, err := cr.Read()
		if err != nil {
			// Parsed again by a reader of its own, the line is named as a file of one line, as
			// it was: the reader that has read the lines before counts them.
			if _, again := csv.NewReader(bytes.NewReader(b)).Read(); again != nil {
				err = again
			}
			return fail(b2bkit.Invalid("", "malformed record: %v", err))
		}
		if cols == nil {
			if cols, err = header(fields); err != nil {
				return fail(err)
			}
			continue
		}
		if len(fields) != len(cols) {
			return fail(b2bkit.Invalid("", "want %d fields, got %d", len(cols), len(fields)))
		}
		if customers.Len() == MaxCustomers {
			return fail(b2bkit.Invalid("", "more than %d customers", MaxCustomers))
		}
		c, err := row(fields, cols)
		if err != nil {
			return fail(err)
		}
		if seen[c.ID] {
			return fail(b2bkit.Invalid("id", "%s repeated", quote(string(c.ID))))
		}
		seen[c.ID] = true
		customers.Add(c)
	}
	if err := sc.Err(); err != nil {
		line++
		if errors.Is(err, bufio.ErrTooLong) {
			return fail(b2bkit.Invalid("", "longer than %d bytes", MaxLine))
		}
		return Summary{}, fmt.Errorf("clv: csv: reading: %w", err)
	}
	if cols == nil {
		return Summary{}, fmt.Errorf("clv: csv: %w", b2bkit.Invalid("", "no header: want id,frequency,recency,t"))
	}
	s := Summary{Unit: u}
	if n := customers.Len(); n > 0 {
		s.Customers = make([]Customer, n)
		for i := range s.Customers {
			s.Customers[i] = *customers.At(i)
		}
	}
	slices.SortFunc(s.Customers, func(a, b Customer) int { return cmp.Compare(a.ID, b.ID) })
	return s, nil
}

// header maps the column names to their positions.
func header(fields []string) (map[string]int, error) {
	cols := make(map[string]int, len(fields))
	for i, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f))
		switch name {
		case "id", "frequency", "recency", "t", "repeat_spend":
		default:
			return nil, b2bkit.Invalid("header", "unknown column %s", quote(f))
		}
		if _, dup := cols[name]; dup {
			return nil, b2bkit.Invalid("header", "column %s repeated", name)
		}
		cols[name] = i
	}
	for _, need := range []string{"id", "frequency", "recency", "t"} {
		if _, ok := cols[need]; !ok {
			return nil, b2bkit.Invalid("header", "column %s missing", need)
		}
	}
	return cols, nil
}

// row reads one customer.
func row(fields []string, cols map[string]int) (Customer, error) {
	get := func(name string) string { return strings.TrimSpace(fields[cols[name]]) }
	c := Customer{ID: b2bkit.CompanyID(get("id"))}
	if c.ID == "" {
		return Customer{}, b2bkit.Invalid("id", "must be set")
	}
	var err error
	if c.Frequency, err = strconv.Atoi(get("frequency")); err != nil {
		return Customer{}, b2bkit.Invalid("frequency", "not a whole number: %s", quote(get("frequency")))
	}
	if c.Recency, err = strconv.ParseFloat(get("recency"), 64); err != nil {
		return Customer{}, b2bkit.Invalid("recency", "not a number: %s", quote(get("recency")))
	}
	if c.T, err = strconv.ParseFloat(get("t"), 64); err != nil {
		return Customer{}, b2bkit.Invalid("t", "not a number: %s", quote(get("t")))
	}
	if _, ok := cols["repeat_spend"]; ok {
		if c.RepeatSpend, err = b2bkit.ParseDecimal(get("repeat_spend")); err != nil {
			return Customer{}, b2bkit.InField("repeat_spend", err)
		}
	}
	if err := c.validate(); err != nil {
		return Customer{}, err
	}
	return c, nil
}
