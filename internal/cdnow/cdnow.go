package cdnow

import (
	"bufio"
	"fmt"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
)

// Master streams CDNOW_master.txt: a header, then customer id, YYYYMMDD, CDs, dollars.
func Master(path string) iter.Seq2[funnel.Purchase, error] {
	return read(path, layout{header: true, fields: 4, id: 0, day: 1, amount: 3})
}

// Sample streams CDNOW_sample.txt — master id, sample id, YYYYMMDD, CDs, dollars; no header, CRLF
// line ends — as purchases of the sample id without its leading zeros.
func Sample(path string) iter.Seq2[funnel.Purchase, error] {
	return read(path, layout{fields: 5, id: 1, day: 2, amount: 4, trim: true})
}

// A layout says where a log keeps what a purchase needs.
type layout struct {
	header          bool // the first line names the columns
	fields          int
	id, day, amount int  // columns
	trim            bool // the id's leading zeros are not part of it
}

func read(path string, l layout) iter.Seq2[funnel.Purchase, error] {
	return func(yield func(funnel.Purchase, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(funnel.Purchase{}, err)
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		if l.header {
			sc.Scan()
		}
		for sc.Scan() {
			p, err := parse(sc.Text(), l)
			if !yield(p, err) || err != nil {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(funnel.Purchase{}, err)
		}
	}
}

// parse reads one line.
func parse(line string, l layout) (funnel.Purchase, error) {
	fields := strings.Fields(line)
	if len(fields) != l.fields {
		return funnel.Purchase{}, fmt.Errorf("line %q: want %d fields", line, l.fields)
	}
	day, err := time.Parse("20060102", fields[l.day])
	if err != nil {
		return funnel.Purchase{}, fmt.Errorf("line %q: %w", line, err)
	}
	amount, err := b2bkit.ParseDecimal(fields[l.amount])
	if err != nil {
		return funnel.Purchase{}, fmt.Errorf("line %q: %w", line, err)
	}
	id := fields[l.id]
	if l.trim {
		id = strings.TrimLeft(id, "0")
	}
	return funnel.Purchase{Company: b2bkit.CompanyID(id), At: day, Amount: amount, Channel: b2bkit.Manual}, nil
}
