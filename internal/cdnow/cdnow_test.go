package cdnow

import (
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

// Each layout is read line by line into manual purchases; a line that cannot be read ends the
// stream with an error naming it.
func TestLayouts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
		return path
	}
	cases := []struct {
		name    string
		stream  iter.Seq2[funnel.Purchase, error]
		ids     []b2bkit.CompanyID
		amounts []string
		err     string
	}{
		{"master", Master(write("m.txt", "id date cds dollars\n00001 19970101 1 11.77\n00002 19970112 2 0.00\n")),
			[]b2bkit.CompanyID{"00001", "00002"}, []string{"11.77", "0"}, ""},
		{"sample", Sample(write("s.txt", "4 00001 19970101 2 29.33\r\n18 00020 19970312 1 12.99\r\n")),
			[]b2bkit.CompanyID{"1", "20"}, []string{"29.33", "12.99"}, ""},
		{"short line", Master(write("bad.txt", "id date cds dollars\n00001 19970101 1 11.77\n00002 19970112\n")),
			[]b2bkit.CompanyID{"00001"}, []string{"11.77"}, `line "00002 19970112": want 4 fields`},
		{"bad date", Sample(write("date.txt", "4 00001 1997-01-01 2 29.33\n")), nil, nil, "1997-01-01"},
		{"bad amount", Sample(write("amount.txt", "4 00001 19970101 2 lots\n")), nil, nil, "lots"},
		{"no file", Master(filepath.Join(dir, "absent.txt")), nil, nil, "absent.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ids []b2bkit.CompanyID
			var amounts []string
			var err error
			for p, e := range c.stream {
				if e != nil {
					err = e
					continue
				}
				require.Equal(t, b2bkit.Manual, p.Channel)
				require.Equal(t, 1997, p.At.Year())
				require.Equal(t, time.UTC, p.At.Location())
				ids, amounts = append(ids, p.Company), append(amounts, p.Amount.String())
			}
			require.Equal(t, c.ids, ids)
			require.Equal(t, c.amounts, amounts)
			if c.err == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, c.err)
			}
		})
	}
}

// FuzzParse: a line is read or refused with an error, never half-read, and never panics.
func FuzzParse(f *testing.F) {
	f.Add("00001 19970101 1 11.77", false)
	f.Add("4 00001 19970101 2 29.33", true)
	f.Add("x 99999999 1 -1e9", false)
	f.Fuzz(func(t *testing.T, line string, sample bool) {
		l := layout{fields: 4, id: 0, day: 1, amount: 3}
		if sample {
			l = layout{fields: 5, id: 1, day: 2, amount: 4, trim: true}
		}
		p, err := parse(line, l)
		if err != nil {
			require.Equal(t, funnel.Purchase{}, p)
			return
		}
		require.False(t, p.At.IsZero())
		require.Equal(t, b2bkit.Manual, p.Channel)
	})
}
