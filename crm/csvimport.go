package crm

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// The columns of a people CSV, as ReadPeopleCSV reads them.
var csvColumns = [...]string{"key", "name", "mobile", "email", "wechat", "company", "title", "roles", "start", "end"}

// The positions of the columns in csvColumns.
const (
	colKey = iota
	colName
	colMobile
	colEmail
	colWeChat
	colCompany
	colTitle
	colRoles
	colStart
	colEnd
)

// MaxCSVLine bounds a line of a people CSV.
const MaxCSVLine = 64 << 10

// ReadPeopleCSV reads a people import from CSV, one ImportRow per record, for Import. The first
// line is a header naming the columns, in any order and case: key (required), name, mobile, email,
// wechat, company, title, roles, start, end. Roles are words (decision_maker) separated by "|",
// ";" or blanks; start and end are dates (2024-01-31, midnight in loc, nil meaning UTC; where loc
// skips that midnight, the instant its clocks jumped, when the day began) or RFC 3339 times. Empty
// cells are unset.
//
// A record that cannot be read yields a *RowError naming its line and column, and reading goes on,
// so Import reports every bad line at once; a header that cannot be used, a line longer than
// MaxCSVLine or a failing reader end the rows with an error matching b2bkit.ErrInvalid (or the
// reader's error). Errors never repeat a cell's value.
func ReadPeopleCSV(r io.Reader, loc *time.Location) iter.Seq2[ImportRow, error] {
	if loc == nil {
		loc = time.UTC
	}
	return func(yield func(ImportRow, error) bool) {
		if r == nil {
			yield(ImportRow{}, wrap(b2bkit.Invalid("csv", "no reader")))
			return
		}
		cr := csv.NewReader(&lineLimit{r: r})
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		head, err := cr.Read()
		if err != nil {
			if err == io.EOF {
				err = b2bkit.Invalid("header", "the CSV is empty")
			}
			yield(ImportRow{}, csvError(err))
			return
		}
		var col [len(csvColumns)]int // the record's field of each column, plus one; 0 means absent
		for i, h := range head {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
			c := slices.Index(csvColumns[:], h)
			switch {
			case c < 0:
				yield(ImportRow{}, b2bkit.Invalid("header", "unknown column %q (want %s)", xerr.Echo(h), strings.Join(csvColumns[:], ", ")))
				return
			case col[c] != 0:
				yield(ImportRow{}, b2bkit.Invalid("header", "column %q repeated", h))
				return
			}
			col[c] = i + 1
		}
		if col[colKey] == 0 {
			yield(ImportRow{}, b2bkit.Invalid("header", "the key column is required"))
			return
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, errLineTooLong) {
				if !yield(ImportRow{}, &RowError{Line: pe.StartLine, Field: "csv", Problem: pe.Err.Error()}) {
					return
				}
				continue
			}
			if err != nil {
				yield(ImportRow{}, csvError(err))
				return
			}
			line, _ := cr.FieldPos(0)
			row, bad := csvRow(rec, &col, len(head), line, loc)
			if bad != nil {
				if !yield(ImportRow{}, bad) {
					return
				}
				continue
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

// csvRow turns one record into a row, or the first problem found in it.
func csvRow(rec []string, col *[len(csvColumns)]int, width, line int, loc *time.Location) (ImportRow, *RowError) {
	if len(rec) != width {
		return ImportRow{}, &RowError{Line: line, Field: "csv", Problem: fmt.Sprintf("has %d fields, the header %d", len(rec), width)}
	}
	cell := func(c int) string {
		if i := col[c]; i > 0 {
			return strings.TrimSpace(rec[i-1])
		}
		return ""
	}
	row := ImportRow{Line: line, Key: b2bkit.PersonID(cell(colKey)), Name: cell(colName)}
	for _, c := range [...]struct {
		col  int
		kind ContactKind
	}{{colMobile, Mobile}, {colEmail, Email}, {colWeChat, WeChat}} {
		if v := cell(c.col); v != "" {
			row.Contacts = append(row.Contacts, ContactPoint{Kind: c.kind, Value: v})
		}
	}
	row.Job = Job{Company: b2bkit.CompanyID(cell(colCompany)), Title: cell(colTitle)}
	for _, w := range strings.FieldsFunc(cell(colRoles), func(r rune) bool { return r == '|' || r == ';' || r == ' ' || r == ',' }) {
		var r Role
		if err := r.UnmarshalText([]byte(w)); err != nil {
			return ImportRow{}, &RowError{Line: line, Field: "roles", Problem: err.Error()}
		}
		row.Job.Roles = append(row.Job.Roles, r)
	}
	for _, f := range [...]struct {
		col int
		t   *time.Time
	}{{colStart, &row.Job.Start}, {colEnd, &row.Job.End}} {
		v := cell(f.col)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err == nil {
			t = b2bkit.DayStart(t.Year(), t.Month(), t.Day(), loc)
		} else {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return ImportRow{}, &RowError{Line: line, Field: csvColumns[f.col], Problem: "must be a date (2024-01-31) or an RFC 3339 time"}
			}
		}
		*f.t = t
	}
	return row, nil
}

func csvError(err error) error {
	if errors.Is(err, b2bkit.ErrInvalid) {
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, errLineTooLong) {
			return b2bkit.Invalid("csv", "line %d: longer than %d bytes", pe.StartLine, MaxCSVLine)
		}
		return b2bkit.Invalid("csv", "line %d: %v", pe.StartLine, pe.Err)
	}
	return err
}

var errLineTooLong = b2bkit.Invalid("csv", "a line is longer than %d bytes", MaxCSVLine)

// lineLimit fails a read once a line grows past MaxCSVLine, so a file without line breaks cannot
// make the CSV reader hold it all.
type lineLimit struct {
	r io.Reader
	n int // bytes since the last line break
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.n = 0
			continue
		}
		l.n++
		if l.n > MaxCSVLine {
			return i, errLineTooLong
		}
	}
	return n, err
}
