package funnel

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// Campaigns is a set of campaigns prepared to be measured again and again — every morning, as asOf
// moves on — over streams that may carry the whole platform's records: validated once, their target
// lists copied and indexed by company, so that an evaluation spends its time on the streams. A company
// may be on several lists. A Campaigns is safe for concurrent use. Between evaluations it keeps the
// buffers the last one read its purchases with (a few megabytes per worker), for the next.
type Campaigns struct {
	cs     []Campaign
	dates  []startDay
	index  index
	starts []int64 // the distinct start instants, Unix seconds, ascending
	rank   []int   // campaign k starts at starts[rank[k]]
	many   bool    // errors name a campaign by position

	buffers sync.Pool // of *chunkBuffers: the buffers of an evaluation's purchases, for the next
}

// A startDay is a campaign's first day: a calendar date in its zone, and the instant it begins.
type startDay struct {
	y     int
	m     time.Month
	d     int
	loc   *time.Location
	start time.Time
}

// NewCampaigns validates cs and prepares them to be measured. An invalid campaign is an error
// matching b2bkit.ErrInvalid that names the first one and lists its every problem ("funnel:
// campaigns[3]: territory: must be set"); so is an empty cs, or more than math.MaxInt32 targets in
// all.
func NewCampaigns(cs []Campaign) (*Campaigns, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("campaigns", "must list at least one campaign"))
	}
	own := slices.Clone(cs)
	for k := range own {
		own[k].Targets = slices.Clone(cs[k].Targets)
	}
	return prepare(own, true)
}

// Len is the number of campaigns in the set: 0 for a set not made by NewCampaigns (the zero
// value, a nil pointer).
func (s *Campaigns) Len() int {
	if s == nil {
		return 0
	}
	return len(s.cs)
}

// Campaign returns campaign k of the set, as given to NewCampaigns, with its own copy of the
// target list, and ok=true; for a k outside [0, Len()) — on any set, also one not made by
// NewCampaigns — it returns the zero Campaign and ok=false.
func (s *Campaigns) Campaign(k int) (c Campaign, ok bool) {
	if k < 0 || k >= s.Len() {
		return Campaign{}, false
	}
	c = s.cs[k]
	c.Targets = slices.Clone(c.Targets)
	return c, true
}

// prepare validates and indexes cs, which it keeps. many says whether errors name a campaign by
// position (campaigns[3]) or as the one campaign (campaign).
func prepare(cs []Campaign, many bool) (*Campaigns, error) {
	return prepareSeeded(cs, many, maphash.MakeSeed())
}

// prepareSeeded is prepare with the seed of the index's hash given.
func prepareSeeded(cs []Campaign, many bool, seed maphash.Seed) (*Campaigns, error) {
	s := &Campaigns{many: many, cs: cs, dates: make([]startDay, len(cs)), rank: make([]int, len(cs))}
	total := 0
	for _, c := range cs {
		total += len(c.Targets)
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("campaigns", "more than %d targets in all", math.MaxInt32))
	}
	problems := make([][]error, len(cs))
	for k, c := range cs {
		problems[k] = c.fieldProblems()
	}
	for _, p := range s.index.build(cs, seed) {
		problems[p.camp] = append(problems[p.camp], p.err)
	}
	for k, errs := range problems {
		if len(errs) > 0 {
			name := "campaign"
			if many {
				name = fmt.Sprintf("campaigns[%d]", k)
			}
			return nil, fmt.Errorf("funnel: %s: %w", name, errors.Join(errs...))
		}
	}
	for k, c := range cs {
		loc, _ := c.Location()                // fieldProblems checked it
		y, m, d, _ := startDate(c.Start, loc) // and this
		s.dates[k] = startDay{y: y, m: m, d: d, loc: loc, start: monthStart(y, m, d, 1, loc)}
		s.starts = append(s.starts, s.dates[k].start.Unix())
	}
	slices.Sort(s.starts)
	s.starts = slices.Compact(s.starts)
	for k, d := range s.dates {
		s.rank[k], _ = slices.BinarySearch(s.starts, d.start.Unix())
	}
	return s, nil
}

// A post says that a company is target number target of campaign camp. The index keeps every post;
// a post's place there is its cell: where an evaluation keeps the state of that target.
type post struct{ camp, target int32 }

// index finds the posts of a company: its targets, on one list or several.
//
// The companies are kept in the order of a hash of their id, the posts of each side by side, and a
// stream is matched against them a chunk at a time: the chunk is put in the same order (a radix sort
// on the hash) and walked along the companies, as a database joins two sorted inputs. A lookup per
// record in a map of a large list would wait on a different region of memory for every record; the
// walk reads the index, and updates the targets' state, from start to end.
type index struct {
	seed  maphash.Seed
	cos   []company          // by company, ascending by key; one more at the end closes the last
	ids   []b2bkit.CompanyID // by company: its id if it is not short (a short one is in cos), else empty
	posts []post             // by cell
}

// A company is what the walk reads of one company: its key, its id if it is short, where its posts
// start (the next company's first ends them) and the campaign of the first.
type company struct {
	key   uint32  // the top 32 bits of the hash of its id
	short shortID // its id, if it is short
	first int32
	camp  int32
}

// inlineID is the longest id held in place, in the index and in a chunk of purchases: comparing
// two of them reads neither from wherever the id's bytes were kept.
const inlineID = 16

// keyed is a record of a chunk in the order of the index: its key, its place in the chunk and, once
// matched, its company (-1 for none).
type keyed struct {
	key          uint32
	pos, company int32
}

// A listProblem is a problem of one target on campaign camp's list.
type listProblem struct {
	camp, target int32
	err          error
}

// build indexes the lists of cs and returns their problems, by campaign and target: an empty id, an
// id listed twice. Lists of a wrong length are left out: fieldProblems reports them.
func (x *index) build(cs []Campaign, seed maphash.Seed) []listProblem {
	x.seed = seed
	// Each target becomes a keyed record — its key, its place on its list (pos) and its campaign
	// (company) — sorted by key; its id in place is kept beside, in list order (from base[k] for
	// campaign k), and read back in the order of the keys.
	base := make([]int, len(cs))
	total := 0
	for k, c := range cs {
		base[k] = total
		if len(c.Targets) <= MaxTargets {
			total += len(c.Targets)
		}
	}
	var problems []listProblem
	ks, shorts := make([]keyed, 0, total), make([]shortID, total)
	for k, c := range cs {
		if len(c.Targets) > MaxTargets {
			continue
		}
		for i, id := range c.Targets {
			if id == "" {
				problems = append(problems, listProblem{int32(k), int32(i), b2bkit.Invalid(fmt.Sprintf("targets[%d]", i), "must be set")})
				continue
			}
			ks = append(ks, keyed{key: x.key(id), pos: int32(i), company: int32(k)})
			shorts[base[k]+i] = short(id)
		}
	}
	ks = radixSort(ks, make([]keyed, len(ks)), 0)
	idOf := func(e *keyed) b2bkit.CompanyID { return cs[e.company].Targets[e.pos] }
	shortOf := func(e *keyed) *shortID { return &shorts[base[e.company]+int(e.pos)] }
	// Within a run of one key the posts are in list order; two ids of one key, which is rare, are
	// put apart so that each company's posts are side by side.
	for i := 0; i < len(ks); {
		j := i + 1
		for j < len(ks) && ks[j].key == ks[i].key {
			j++
		}
		if j-i > 1 {
			slices.SortStableFunc(ks[i:j], func(a, b keyed) int { return strings.Compare(string(idOf(&a)), string(idOf(&b))) })
		}
		i = j
	}
	x.cos = make([]company, 0, len(ks)+1)
	x.ids = make([]b2bkit.CompanyID, 0, len(ks))
	x.posts = make([]post, 0, len(ks))
	for i := range ks {
		e := &ks[i]
		s := shortOf(e)
		if i == 0 || *s != *shortOf(&ks[i-1]) || s.n == 0 && idOf(e) != idOf(&ks[i-1]) { // a new company
			x.cos = append(x.cos, company{key: e.key, short: *s, first: int32(len(x.posts)), camp: e.company})
			var id b2bkit.CompanyID // a short id is compared in place: only a long one is read and kept
			if s.n == 0 {
				id = idOf(e)
			}
			x.ids = append(x.ids, id)
		} else if last := x.posts[len(x.posts)-1]; last.camp == e.company { // list order: the earlier is kept
			problems = append(problems, listProblem{e.company, e.pos, b2bkit.Invalid(fmt.Sprintf("targets[%d]", e.pos),
				"repeats targets[%d] (%s)", last.target, xerr.Echo(string(idOf(e))))})
			continue
		}
		x.posts = append(x.posts, post{e.company, e.pos})
	}
	x.cos = append(x.cos, company{key: math.MaxUint32, first: int32(len(x.posts))})
	slices.SortFunc(problems, func(a, b listProblem) int {
		return cmp.Or(cmp.Compare(a.camp, b.camp), cmp.Compare(a.target, b.target))
	})
	return problems
}

// A shortID is an id of at most inlineID bytes held in place, zero-padded: two are equal exactly when
// the ids are. A longer id has n == 0 and must be compared as a string.
type shortID struct {
	n  uint8
	id [inlineID]byte
}

// short is id in place, or n == 0 if it is longer than inlineID.
func short(id b2bkit.CompanyID) (s shortID) {
	if len(id) <= inlineID {
		s.n = uint8(copy(s.id[:], id))
	}
	return s
}

// key is the key of id in the index's order.
func (x *index) key(id b2bkit.CompanyID) uint32 {
	return uint32(maphash.String(x.seed, string(id)) >> 32)
}

// seek returns the first company at or after c whose key is not below k.
func (x *index) seek(c int, k uint32) int {
	n := len(x.ids)
	for range 4 { // the next few first: a chunk's companies follow each other closely
		if c >= n || x.cos[c].key >= k {
			return c
		}
		c++
	}
	step := 1
	for c+step < n && x.cos[c+step].key < k { // gallop, then search the last stride
		c += step
		step *= 2
	}
	for c < n && x.cos[c].key < k {
		lo, hi := c+1, min(c+step, n) // the answer is in [lo, hi]
		for lo < hi {
			if mid := int(uint(lo+hi) >> 1); x.cos[mid].key < k {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		c = lo
	}
	return c
}

// is reports whether company c's id is id.
func (x *index) is(c int32, id b2bkit.CompanyID) bool {
	if s := &x.cos[c].short; s.n > 0 {
		return int(s.n) == len(id) && string(s.id[:s.n]) == string(id)
	}
	return x.ids[c] == id
}

// isShort reports whether company c's id is the short id s, or, if s is not short, id.
func (x *index) isShort(c int32, s *shortID, id b2bkit.CompanyID) bool {
	if s.n > 0 {
		return x.cos[c].short == *s
	}
	return x.ids[c] == id
}

// matches reports whether company c's id is the short id s or, if s is not short, ids[pos]: the
// long id is read only when it is needed.
func (x *index) matches(c int32, s *shortID, ids []b2bkit.CompanyID, pos int32) bool {
	if s.n > 0 {
		return x.cos[c].short == *s
	}
	return x.ids[c] == ids[pos]
}

// find returns the company of id, or -1.
func (x *index) find(id b2bkit.CompanyID) int32 {
	k := x.key(id)
	for c := x.seek(0, k); c < len(x.ids) && x.cos[c].key == k; c++ {
		if x.is(int32(c), id) {
			return int32(c)
		}
	}
	return -1
}

// cells are the cells of company c: its posts, one per list that holds it.
func (x *index) cells(c int32) (from, to int32) { return x.cos[c].first, x.cos[c+1].first }

// radixSort sorts ks by the bits of the key from bit low up, stably, with tmp (as long as ks) as
// scratch, and returns the sorted slice: ks or tmp. Short chunks are sorted by comparison.
func radixSort(ks, tmp []keyed, low int) []keyed {
	if len(ks) < 256 {
		slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Compare(a.key>>low, b.key>>low) })
		return ks
	}
	const bits, digits = 11, 1 << 11
	var count [digits + 1]int
	for shift := low; shift < 32; shift += bits {
		clear(count[:])
		for _, e := range ks {
			count[(e.key>>shift)%digits+1]++
		}
		if count[(ks[0].key>>shift)%digits+1] == len(ks) { // one digit: nothing moves
			continue
		}
		for d := range digits {
			count[d+1] += count[d]
		}
		for _, e := range ks {
			d := (e.key >> shift) % digits
			tmp[count[d]] = e
			count[d]++
		}
		ks, tmp = tmp, ks
	}
	return ks
}

// has reports whether company c, or -1 for none, is on campaign k's list.
func (x *index) has(c int32, k int) bool {
	if c < 0 {
		return false
	}
	from, to := x.cells(c)
	for _, p := range x.posts[from:to] {
		if int(p.camp) == k {
			return true
		}
	}
	return false
}
