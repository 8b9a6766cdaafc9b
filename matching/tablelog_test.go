package matching_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"sort"
	"sync"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
)

// tableLog is a Log written the way a SQL adapter would be, to show the contract can be kept
// without MemoryLog: one table of rows (sequence number, kind, match ID, the match's sequence
// number, the record as JSON), a unique index on the match ID, and sequence numbers drawn from a
// counter under the same lock as the insert — starting at 1000 and stepping by 3, since a database
// sequence leaves gaps. Every read decodes the JSON again, as a database hands back fresh values.
type tableLog struct {
	mu      sync.Mutex
	rows    []tableRow
	byID    map[string]int // unique index: match ID -> row that appended it
	lastChg map[string]int // match ID -> row of its last status change
	next    uint64
}

type tableRow struct {
	seq, matchSeq uint64
	kind          matching.EntryKind
	id            string
	doc           []byte
}

func newTableLog() *tableLog {
	return &tableLog{byID: map[string]int{}, lastChg: map[string]int{}, next: 1000}
}

var _ matching.Log = (*tableLog)(nil)

func (l *tableLog) decodeMatch(i int) matching.Match {
	var m matching.Match
	if err := json.Unmarshal(l.rows[i].doc, &m); err != nil {
		panic(err) // the table holds only what it encoded
	}
	return m
}

func (l *tableLog) decodeChange(i int) matching.StatusChange {
	var c matching.StatusChange
	if err := json.Unmarshal(l.rows[i].doc, &c); err != nil {
		panic(err)
	}
	return c
}

func (l *tableLog) current(id string) matching.Match {
	m := l.decodeMatch(l.byID[id])
	if i, ok := l.lastChg[id]; ok {
		m.Status = l.decodeChange(i).Status
	}
	return m
}

// reached reports whether a match appended as s may since have moved to t.
func reached(s, t matching.Status) bool {
	return s == t || s.CanBecome(t) || s == matching.Proposed && t == matching.Fulfilled
}

func (l *tableLog) Append(ctx context.Context, ms ...matching.Match) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, m := range ms {
		if err := m.Validate(); err != nil {
			f := "match"
			if len(ms) > 1 {
				f = fmt.Sprintf("matches[%d]", i)
			}
			return fmt.Errorf("tablelog: %w", b2bkit.InField(f, err))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// One transaction: check every match, then insert the new ones.
	seen := map[string]matching.Match{}
	var fresh []matching.Match
	for _, m := range ms {
		stored, ok := seen[m.ID]
		if _, inTable := l.byID[m.ID]; inTable {
			stored, ok = l.current(m.ID), true
		}
		if ok {
			probe := m
			probe.Status = stored.Status
			if !probe.Equal(stored) {
				return fmt.Errorf("tablelog: %w", b2bkit.Conflict("match", m.ID, "stored with other content"))
			}
			if !reached(m.Status, stored.Status) {
				return fmt.Errorf("tablelog: %w", b2bkit.Conflict("match", m.ID, "stored as "+stored.Status.String()))
			}
			continue
		}
		seen[m.ID] = m
		fresh = append(fresh, m)
	}
	for _, m := range fresh {
		doc, err := json.Marshal(m)
		if err != nil {
			return err
		}
		l.byID[m.ID] = len(l.rows)
		l.rows = append(l.rows, tableRow{seq: l.next, kind: matching.MatchAppended, id: m.ID, doc: doc})
		l.next += 3
	}
	return nil
}

func (l *tableLog) SetStatus(ctx context.Context, c matching.StatusChange) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("tablelog: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byID[c.ID]
	if !ok {
		return fmt.Errorf("tablelog: %w", b2bkit.NotFound("match", c.ID))
	}
	m := l.decodeMatch(i)
	status, since := m.Status, m.At
	var last *matching.StatusChange
	if j, ok := l.lastChg[c.ID]; ok {
		lc := l.decodeChange(j)
		last, status, since = &lc, lc.Status, lc.At
	}
	conflict := func(why string) error {
		return fmt.Errorf("tablelog: %w", b2bkit.Conflict("match", c.ID, "is "+status.String()+": "+why))
	}
	switch {
	case c.Status == status && last != nil && last.Equal(c):
		return nil
	case c.Status == status:
		return conflict("set otherwise")
	case !status.CanBecome(c.Status):
		return conflict("cannot become " + c.Status.String())
	case c.At.Before(since):
		return conflict("dated before its last status")
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	l.lastChg[c.ID] = len(l.rows)
	l.rows = append(l.rows, tableRow{seq: l.next, kind: matching.StatusChanged, id: c.ID, matchSeq: l.rows[i].seq, doc: doc})
	l.next += 3
	return nil
}

func (l *tableLog) Get(ctx context.Context, id string) (matching.Match, error) {
	if err := ctx.Err(); err != nil {
		return matching.Match{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.byID[id]; !ok {
		return matching.Match{}, fmt.Errorf("tablelog: %w", b2bkit.NotFound("match", id))
	}
	return l.current(id), nil
}

// Since reads a page of rows at a time, as a cursor over "WHERE seq > $1 ORDER BY seq LIMIT 100".
func (l *tableLog) Since(ctx context.Context, seq uint64) iter.Seq2[matching.Entry, error] {
	return func(yield func(matching.Entry, error) bool) {
		for {
			if err := ctx.Err(); err != nil {
				yield(matching.Entry{}, err)
				return
			}
			var page []matching.Entry
			l.mu.Lock()
			start := sort.Search(len(l.rows), func(i int) bool { return l.rows[i].seq > seq }) // the index on seq
			for i := start; i < len(l.rows) && len(page) < 100; i++ {
				if r := l.rows[i]; true {
					e := matching.Entry{Seq: r.seq, Kind: r.kind, MatchSeq: r.matchSeq}
					if r.kind == matching.MatchAppended {
						e.Match = l.decodeMatch(i)
					} else {
						e.Change = l.decodeChange(i)
					}
					page = append(page, e)
				}
			}
			l.mu.Unlock()
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
				seq = e.Seq
			}
			if len(page) < 100 {
				return
			}
		}
	}
}

func TestTableLogConformance(t *testing.T) {
	matchingtest.Run(t, func(*testing.T) matching.Log { return newTableLog() })
}
