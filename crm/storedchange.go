package crm

import (
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
)

// A storedChange is a JobChange as a MemoryStore keeps it, for half a million of them to cost the
// collector little: its six strings are one string and its three role lists one array, so a
// change holds 3 pointers instead of 10 and is one object (its text) besides its chunk's share.
type storedChange struct {
	// text is ID, Person, From, FromTitle, To and Title, one after another; ends are where the
	// first five end.
	text string
	ends [5]uint32
	at   time.Time
	// roles is LostRoles, Uncovered and Roles, one after another, nLost and nUncovered long the
	// first two; bit i of nils is set when list i was nil rather than empty.
	roles              []Role
	nLost, nUncovered  uint32
	nils               uint8
	leftIncomplete     bool
	leadCreated        bool
	fromStage, toStage Stage
}

// storeChange returns the stored form of j.
func storeChange(j *JobChange) storedChange {
	parts := [...]string{j.ID, string(j.Person), string(j.From), j.FromTitle, string(j.To), j.Title}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	var b strings.Builder
	b.Grow(n)
	sc := storedChange{at: j.At, leftIncomplete: j.LeftIncomplete, leadCreated: j.LeadCreated,
		fromStage: j.FromStage, toStage: j.ToStage, nLost: uint32(len(j.LostRoles)), nUncovered: uint32(len(j.Uncovered))}
	for i, p := range parts {
		b.WriteString(p)
		if i < len(sc.ends) {
			sc.ends[i] = uint32(b.Len())
		}
	}
	sc.text = b.String()
	if r := len(j.LostRoles) + len(j.Uncovered) + len(j.Roles); r > 0 {
		sc.roles = make([]Role, 0, r)
		sc.roles = append(append(append(sc.roles, j.LostRoles...), j.Uncovered...), j.Roles...)
	}
	for i, rs := range [...][]Role{j.LostRoles, j.Uncovered, j.Roles} {
		if rs == nil {
			sc.nils |= 1 << i
		}
	}
	return sc
}

// id returns the change's ID, sharing the stored text.
func (sc *storedChange) id() string { return sc.text[:sc.ends[0]] }

// change returns the JobChange: its strings share the stored text (strings do not change), its
// role lists are a new array.
func (sc *storedChange) change() JobChange {
	t, e := sc.text, sc.ends
	j := JobChange{ID: t[:e[0]], Person: b2bkit.PersonID(t[e[0]:e[1]]), At: sc.at,
		From: b2bkit.CompanyID(t[e[1]:e[2]]), FromTitle: t[e[2]:e[3]], FromStage: sc.fromStage,
		LeftIncomplete: sc.leftIncomplete, To: b2bkit.CompanyID(t[e[3]:e[4]]), Title: t[e[4]:],
		ToStage: sc.toStage, LeadCreated: sc.leadCreated}
	all := slices.Clone(sc.roles)
	a, b := sc.nLost, sc.nLost+sc.nUncovered
	j.LostRoles = rolesOf(all[:a:a], sc.nils&1 != 0)
	j.Uncovered = rolesOf(all[a:b:b], sc.nils&2 != 0)
	j.Roles = rolesOf(all[b:len(all):len(all)], sc.nils&4 != 0)
	return j
}

// rolesOf returns rs, or nil when the stored list was nil.
func rolesOf(rs []Role, wasNil bool) []Role {
	if wasNil {
		return nil
	}
	if rs == nil {
		return []Role{}
	}
	return rs
}
