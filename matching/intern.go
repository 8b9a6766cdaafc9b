package matching

import (
	"encoding/binary"
	"slices"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/fastdec"
)

// names interns strings: each once, referred to by number.
type names struct {
	index map[string]uint32
	vals  []string
}

func (n *names) id(s string) uint32 {
	if i, ok := n.index[s]; ok {
		return i
	}
	if n.index == nil {
		n.index = make(map[string]uint32)
	}
	i := uint32(len(n.vals))
	n.index[s] = i
	n.vals = append(n.vals, s)
	return i
}

func (n *names) lookup(s string) (uint32, bool) {
	i, ok := n.index[s]
	return i, ok
}

// schedules interns payment schedules as they are written: each once, referred to by number. A
// platform trades on a handful of schedules, so a log or a book holds each once, not once a match.
// An interned schedule is never changed; its installments are the interner's own copy.
type schedules struct {
	index map[string]uint32
	list  []b2bkit.PaymentTerms
	key   []byte
	last  uint32 // the schedule id returned last, + 1 (0: none yet)
}

// id returns the number of the schedule ins, interning a copy of it if it is new.
func (s *schedules) id(ins []b2bkit.Installment) uint32 {
	if s.last > 0 && sameInstallments(s.list[s.last-1].Installments, ins) {
		return s.last - 1 // the previous match's: schedules repeat
	}
	k := s.key[:0]
	for _, in := range ins {
		if c, ok := fastdec.Int64(in.Share); ok {
			k = binary.AppendVarint(k, c)
			k = binary.AppendVarint(k, int64(in.Share.Exponent()))
		} else {
			k = append(k, 0xff)
			k = append(k, in.Share.String()...)
			k = append(k, 0xff)
		}
		k = binary.AppendVarint(k, int64(in.Due))
		k = binary.AppendVarint(k, int64(in.Days))
	}
	s.key = k
	i, ok := s.index[string(k)]
	if !ok {
		if s.index == nil {
			s.index = make(map[string]uint32)
		}
		i = uint32(len(s.list))
		s.index[string(k)] = i
		s.list = append(s.list, b2bkit.PaymentTerms{Installments: slices.Clip(slices.Clone(ins))})
	}
	s.last = i + 1
	return i
}

// sameInstallments reports whether two schedules are written alike, installment by installment: the
// same due events and days, and shares equal with the same exponent. schedules.id reuses the
// previous schedule only for one written alike, as its intern key also keeps 0.3 and 0.30 apart.
func sameInstallments(a, b []b2bkit.Installment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Due != b[i].Due || a[i].Days != b[i].Days || a[i].Share.Exponent() != b[i].Share.Exponent() || !a[i].Share.Equal(b[i].Share) {
			return false
		}
	}
	return true
}
