package funnel

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// MaxMonths is the longest a campaign can be measured: asOf at most 100 years after the start.
const MaxMonths = 1200

// penetrationMonths is the length of the penetration window, in closed campaign months.
const penetrationMonths = 3

// Per-target state of one Evaluate lives in dense slices indexed through the target map, so memory
// grows with the target list, never with the streams. It is split by stream so the purchase loop, the
// hot one, touches one 64-byte line per target. Instants are offsets from the campaign start: every counted
// record lies in [start, asOf], at most MaxMonths long, well inside a time.Duration.

// reach is what the touches say about one target.
type reach struct {
	firstTouch time.Duration
	rep        int32 // acquiring rep, -1 for none
	touched    uint8 // bit k-1: touched in month k (k <= 8)
}

// buyer is what the purchases say about one target.
type buyer struct {
	firstBuy time.Duration
	spend    units // minor units, start to asOf
	profit   units
	penSpend units // minor units in the penetration window
	orders   int32
	bought   uint8 // bit k-1: ordered in month k
	existing bool  // ordered before the start: a customer already
}

// estimate is a target's latest wallet estimate.
type estimate struct {
	at         time.Time
	monthly    int64 // minor units; at.IsZero() means none
	method     string
	confidence float64
}

type repState struct {
	id          b2bkit.PersonID
	in, touches int
}

// Evaluate measures campaign c at asOf in one pass over each stream (R6-R10): the three rates over
// their calendar months, penetration, the phase and the rate to chase, the hand-off list after month 3,
// the channel mix and its shift, rep attribution and concentration. Nil streams are empty.
//
// Each stream is an iter.Seq2 whose error reports a failed read, as a database cursor's does; for
// records already in memory, b2bkit.Stream adapts a slice. The first error a stream yields stops
// Evaluate, which returns no report — never one built on part of the data — and the error wrapped
// with the stream and the position it failed at ("funnel: purchases[1534221]: <err>"), matching the
// stream's error with errors.Is.
//
// Records dated after asOf are never counted, nor are records before the start, records of companies
// not on the target list, or touches made outside the territory: those are counted in
// Report.Excluded instead; a target with an order before the start is a customer already, which the
// campaign cannot convert or acquire (Report.Existing). A record of a target that is itself wrong —
// no time, an unknown kind or channel, a negative purchase amount or one with more than MinorScale
// places, a gross profit above the amount, a negative wallet, a confidence outside [0, 1] — stops
// Evaluate with an error matching b2bkit.ErrInvalid that names it by company, time and position
// ("funnel: purchase of C-1 at 2026-04-02T10:00:00+08:00: purchases[7].amount: must be >= 0"), and
// no report is returned; so does a record without a company. A wrong record of a company that is not
// a target is set apart in Excluded (NotTarget) like any other record of it: the streams may carry
// the whole platform's records. An invalid campaign, an asOf before the start or more than MaxMonths
// after it are errors too.
//
// Memory grows with the number of targets (and of reps and months), not with the number of touches,
// purchases or wallets; each amount is read in int64 minor units at MinorScale and added in 128-bit
// sums, which do not overflow.
func Evaluate(c Campaign, touches iter.Seq2[Touch, error], purchases iter.Seq2[Purchase, error], wallets iter.Seq2[Wallet, error], asOf time.Time) (Report, error) {
	rs, err := evaluate([]Campaign{c}, false, touches, purchases, wallets, asOf)
	if err != nil {
		return Report{}, err
	}
	return rs[0], nil
}

// EvaluateAll measures every campaign of cs at asOf in one pass over each stream, so a platform that
// runs a campaign per territory reads its purchases once, not once per territory. Report k is
// exactly the report Evaluate(cs[k], ...) would return on the same streams: each record goes to the
// campaigns whose target list holds its company (a company may be on several lists), and each
// campaign's concentration (R8) sees the whole team's touches, in its territory and out of it.
//
// A stream error or a wrong record stops EvaluateAll as it stops Evaluate; a wrong record of a
// company on no list is set apart in every report. An invalid campaign, or an asOf before the start
// of one, is an error naming it ("funnel: campaigns[3]: territory: must be set"); so is an empty cs.
// Memory grows with the targets of all the campaigns; each touch and wallet costs a few steps per
// campaign, each purchase a few steps per campaign that lists its company.
func EvaluateAll(cs []Campaign, touches iter.Seq2[Touch, error], purchases iter.Seq2[Purchase, error], wallets iter.Seq2[Wallet, error], asOf time.Time) ([]Report, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("campaigns", "must list at least one campaign"))
	}
	return evaluate(cs, true, touches, purchases, wallets, asOf)
}

// A run is the state of one campaign during an evaluation.
type run struct {
	c       Campaign
	start   time.Time
	bounds  []time.Time // bounds[k-1] is the start of month k; month cur holds asOf
	unix    []int64     // month starts as Unix seconds, for a cheap month lookup
	cur     int
	penFrom int
	penTo   int
	rank    int // index of start among the evaluation's distinct starts
	rs      []reach
	bs      []buyer
	es      []estimate
	reps    []repState // by the evaluation's rep number
	mix     []mixUnits
	counted int // purchases counted
	rep     Report
}

// newRun lays out the months of campaign c, which validate accepted, up to asOf.
func newRun(c Campaign, asOf time.Time) (*run, error) {
	loc, _ := c.Location()                   // validate checked it
	sy, sm, sd, _ := startDate(c.Start, loc) // and this
	start := monthStart(sy, sm, sd, 1, loc)
	if asOf.Before(start) {
		return nil, b2bkit.Invalid("as_of", "%s is before the campaign start %s",
			asOf.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	if !asOf.Before(monthStart(sy, sm, sd, MaxMonths+1, loc)) {
		return nil, b2bkit.Invalid("as_of", "more than %d months after the start", MaxMonths)
	}
	r := &run{c: c, start: start, bounds: []time.Time{start}}
	for k := 1; ; k++ {
		r.bounds = append(r.bounds, monthStart(sy, sm, sd, k+1, loc))
		if r.cur == 0 && asOf.Before(r.bounds[k]) {
			r.cur = k
		}
		if r.cur != 0 && k >= max(r.cur, 4) {
			break
		}
	}
	r.unix = make([]int64, r.cur+1)
	for i := range r.unix {
		r.unix[i] = r.bounds[i].Unix()
	}
	r.penTo = r.cur - 1 // last closed month
	r.penFrom = max(1, r.penTo-penetrationMonths+1)
	r.rs = make([]reach, len(c.Targets))
	for i := range r.rs {
		r.rs[i].rep = -1
	}
	r.bs = make([]buyer, len(c.Targets))
	r.es = make([]estimate, len(c.Targets))
	r.mix = make([]mixUnits, r.cur)
	r.rep = Report{Campaign: c.ID, Territory: c.Territory, Start: start, AsOf: asOf, Targets: len(c.Targets),
		Month: r.cur, Phase: Phase(min(r.cur, 4))}
	return r, nil
}

// monthOf is the campaign month of t in [start, asOf]; whole-second bounds make the floor exact.
func (r *run) monthOf(t time.Time) int {
	k, found := slices.BinarySearch(r.unix, t.Unix())
	if found {
		return k + 1
	}
	return k
}

// repAt is the run's state of rep number n, growing the table as reps appear.
func (r *run) repAt(n int32) *repState {
	for int(n) >= len(r.reps) {
		r.reps = append(r.reps, repState{})
	}
	return &r.reps[n]
}

// count applies counted purchase q to target ti.
func (r *run) count(ti int32, q *counted) {
	m := r.monthOf(q.at)
	r.mix[m-1].orders[q.channel]++
	r.mix[m-1].amount[q.channel].add(q.amount)
	s := &r.bs[ti]
	if m <= 8 {
		s.bought |= 1 << (m - 1)
	}
	if off := q.at.Sub(r.start); s.orders == 0 || off < s.firstBuy {
		s.firstBuy = off
	}
	s.orders++
	s.spend.add(q.amount)
	s.profit.add(q.profit)
	if m >= r.penFrom && m <= r.penTo {
		s.penSpend.add(q.amount)
	}
	r.counted++
}

// A post says that a company is target number target of campaign camp; next chains the company's
// other campaigns (-1 ends the chain).
type post struct{ camp, target, next int32 }

// evaluate measures campaigns cs in one pass over each stream. many says whether errors name the
// campaign by position (EvaluateAll) or as "campaign" (Evaluate).
func evaluate(cs []Campaign, many bool, touches iter.Seq2[Touch, error], purchases iter.Seq2[Purchase, error], wallets iter.Seq2[Wallet, error], asOf time.Time) ([]Report, error) {
	if asOf.IsZero() {
		return nil, fmt.Errorf("funnel: %w", b2bkit.Invalid("as_of", "must be set"))
	}
	runs := make([]*run, len(cs))
	var index map[b2bkit.CompanyID]int32 // company to its first post
	var posts []post
	for k, c := range cs {
		idx, err := c.validate()
		var r *run
		if err == nil {
			r, err = newRun(c, asOf)
		} else if !many {
			err = fmt.Errorf("campaign: %w", err)
		}
		if err != nil {
			if many {
				err = b2bkit.InField(fmt.Sprintf("campaigns[%d]", k), err)
			}
			return nil, fmt.Errorf("funnel: %w", err)
		}
		runs[k] = r
		if len(cs) == 1 { // the campaign's own index is the index: post i is target i
			index = idx
			posts = make([]post, len(c.Targets))
			for i := range posts {
				posts[i] = post{camp: 0, target: int32(i), next: -1}
			}
			break
		}
		if index == nil {
			index = make(map[b2bkit.CompanyID]int32, len(c.Targets))
		}
		for i, id := range c.Targets {
			next, ok := index[id]
			if !ok {
				next = -1
			}
			index[id] = int32(len(posts))
			posts = append(posts, post{camp: int32(k), target: int32(i), next: next})
		}
	}
	// The distinct starts, sorted: a purchase's bucket says before which starts it falls.
	starts := make([]int64, 0, len(runs))
	for _, r := range runs {
		starts = append(starts, r.start.Unix())
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	for _, r := range runs {
		r.rank, _ = slices.BinarySearch(starts, r.start.Unix())
	}
	targetOf := make([]int32, len(runs)) // per record: its target number in each campaign, -1 for none
	lookup := func(company b2bkit.CompanyID) {
		for k := range targetOf {
			targetOf[k] = -1
		}
		p, ok := index[company]
		for ok && p >= 0 {
			targetOf[posts[p].camp] = posts[p].target
			p = posts[p].next
		}
	}
	stranger := func(company b2bkit.CompanyID) bool {
		_, ok := index[company]
		return company != "" && !ok
	}

	// Touches: coverage, acquisition, concentration.
	repIndex := map[b2bkit.PersonID]int32{}
	var repIDs []b2bkit.PersonID
	var err error
	i := 0
	if touches != nil {
		for t, e := range touches {
			if e != nil {
				err = streamError("touches", i, e)
				break
			}
			if e := t.validate(); e != nil {
				if !stranger(t.Company) {
					err = badRecord("touches", i, t.name(), e)
					break
				}
				for _, r := range runs { // a stranger's: set apart anyway
					r.rep.Excluded.Touches.unknown(t.Company)
				}
				i++
				continue
			}
			i++
			lookup(t.Company)
			n := int32(-1) // the rep's number, once needed
			for k, r := range runs {
				ex := &r.rep.Excluded.Touches
				if t.At.Before(r.start) {
					ex.BeforeStart++
					continue
				}
				if t.At.After(asOf) {
					ex.AfterAsOf++
					continue
				}
				ti := targetOf[k]
				if t.Territory == "" && ti < 0 { // made nobody knows where: not the team's work here
					ex.unknown(t.Company)
					continue
				}
				if n < 0 {
					var ok bool
					if n, ok = repIndex[t.Rep]; !ok {
						n = int32(len(repIDs))
						repIndex[t.Rep] = n
						repIDs = append(repIDs, t.Rep)
					}
				}
				st := r.repAt(n)
				st.touches++
				if t.Territory != "" && t.Territory != r.c.Territory {
					ex.OutsideTerritory++
					continue
				}
				st.in++
				if ti < 0 {
					ex.unknown(t.Company)
					continue
				}
				s := &r.rs[ti]
				if m := r.monthOf(t.At); m <= 8 {
					s.touched |= 1 << (m - 1)
				}
				off := t.At.Sub(r.start)
				if s.rep < 0 || off < s.firstTouch || (off == s.firstTouch && t.Rep < repIDs[s.rep]) {
					s.firstTouch, s.rep = off, n
				}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}

	// Purchases: conversion, repurchase, spend, channel mix. Purchases of [first start, asOf] that are
	// not free are applied in batches: the company lookups of a batch run back to back, so the
	// processor overlaps their cache misses instead of waiting on each in turn. The records each
	// campaign sets apart are counted by bucket of start, not campaign by campaign.
	hist := make([]int, len(starts)+1) // by bucket: records up to asOf
	free := make([]int, len(starts)+1) // of which free
	afterAsOf := 0
	sampling := true // some campaign still lists fewer than MaxSamples unknown companies
	var batch [purchaseBatch]counted
	var heads [purchaseBatch]int32
	nb := 0
	flush := func() {
		for j := range nb {
			if j > 0 && batch[j].company == batch[j-1].company { // streams sorted by company
				heads[j] = heads[j-1]
				continue
			}
			p, ok := index[batch[j].company]
			if !ok {
				p = -1
			}
			heads[j] = p
		}
		for j := range nb {
			q := &batch[j]
			for p := heads[j]; p >= 0; p = posts[p].next {
				r := runs[posts[p].camp]
				if q.at.Before(r.start) {
					r.bs[posts[p].target].existing = true
					continue
				}
				r.count(posts[p].target, q)
			}
			if sampling {
				sampling = false
				for k, r := range runs {
					ex := &r.rep.Excluded.Purchases
					if len(ex.Unknown) >= MaxSamples {
						continue
					}
					sampling = true
					if q.at.Before(r.start) || onList(heads[j], posts, k) {
						continue
					}
					ex.sample(q.company)
				}
			}
		}
		nb = 0
	}
	i = 0
	if purchases != nil {
		for p, e := range purchases {
			if e != nil {
				err = streamError("purchases", i, e)
				break
			}
			amt, gp, e := p.validate()
			if e != nil {
				if !stranger(p.Company) {
					err = badRecord("purchases", i, p.name(), e)
					break
				}
				// A stranger's: set apart anyway, after the batch, so unknown companies are listed
				// in stream order.
				flush()
				for _, r := range runs {
					r.rep.Excluded.Purchases.unknown(p.Company)
				}
				i++
				continue
			}
			i++
			if p.At.After(asOf) {
				afterAsOf++
				continue
			}
			b, found := slices.BinarySearch(starts, p.At.Unix())
			if found {
				b++
			}
			hist[b]++
			if amt == 0 {
				free[b]++
				continue
			}
			batch[nb] = counted{company: p.Company, at: p.At, amount: amt, profit: gp, channel: int8(p.Channel) - 1}
			if nb++; nb == len(batch) {
				flush()
			}
		}
		if err == nil {
			flush()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}
	for _, r := range runs {
		ex := &r.rep.Excluded.Purchases
		ex.AfterAsOf = afterAsOf
		inWindow := 0
		for b := range hist {
			if b <= r.rank {
				ex.BeforeStart += hist[b]
				continue
			}
			ex.Free += free[b]
			inWindow += hist[b] - free[b]
		}
		ex.NotTarget += inWindow - r.counted
	}

	// Wallets: each target's latest estimate not after asOf.
	i = 0
	if wallets != nil {
		for w, e := range wallets {
			if e != nil {
				err = streamError("wallets", i, e)
				break
			}
			u, e := w.validate()
			if e != nil {
				if !stranger(w.Company) {
					err = badRecord("wallets", i, w.name(), e)
					break
				}
				for _, r := range runs { // a stranger's: set apart anyway
					r.rep.Excluded.Wallets.unknown(w.Company)
				}
				i++
				continue
			}
			i++
			if w.AsOf.After(asOf) {
				for _, r := range runs {
					r.rep.Excluded.Wallets.AfterAsOf++
				}
				continue
			}
			lookup(w.Company)
			for k, r := range runs {
				ti := targetOf[k]
				if ti < 0 {
					r.rep.Excluded.Wallets.unknown(w.Company)
					continue
				}
				s := &r.es[ti]
				if s.at.IsZero() || !w.AsOf.Before(s.at) { // later in the stream wins a tie
					*s = estimate{at: w.AsOf, monthly: u, method: w.Method, confidence: w.Confidence}
				}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}

	reports := make([]Report, len(runs))
	for k, r := range runs {
		for n := range r.reps {
			r.reps[n].id = repIDs[n]
		}
		r.rep.assemble(r.c, r.rs, r.bs, r.es, r.reps, r.bounds, r.penFrom, r.penTo, asOf)
		r.rep.assembleMix(r.mix, r.bounds, asOf)
		reports[k] = r.rep
	}
	return reports, nil
}

// onList reports whether the chain of posts from head holds campaign k.
func onList(head int32, posts []post, k int) bool {
	for p := head; p >= 0; p = posts[p].next {
		if int(posts[p].camp) == k {
			return true
		}
	}
	return false
}

// badRecord names record i of a stream that is wrong in itself, by what the host can look up and by
// position: "purchase of C-1 at 2026-04-02T10:00:00+08:00: purchases[7].amount: must be >= 0".
func badRecord(stream string, i int, name string, err error) error {
	return fmt.Errorf("%s: %w", name, b2bkit.InField(fmt.Sprintf("%s[%d]", stream, i), err))
}

// streamError wraps the error a stream yielded at position i: "purchases[9]: <err>". It matches
// what the stream returned with errors.Is, and ErrInvalid only if that did.
func streamError(stream string, i int, err error) error {
	return fmt.Errorf("%s[%d]: %w", stream, i, err)
}

// purchaseBatch is how many counted purchases Evaluate looks up together.
const purchaseBatch = 256

// counted is a purchase that passed validation and falls in [start, asOf], in minor units.
type counted struct {
	company        b2bkit.CompanyID
	at             time.Time
	amount, profit int64
	channel        int8 // Channel - 1
}

// mixUnits is one month's orders and amounts per channel (Manual, SemiAuto, FullAuto).
type mixUnits struct {
	orders [3]int
	amount [3]units
}

func (rep *Report) assemble(c Campaign, rs []reach, bs []buyer, es []estimate, reps []repState, bounds []time.Time, penFrom, penTo int, asOf time.Time) {
	// The three counted rates.
	var covered, convertible, converted, repurchased, reached, customers int
	for i := range rs {
		if bs[i].orders > 0 {
			customers++
		}
		if bs[i].existing {
			rep.Existing++
		}
		if rs[i].touched&7 != 0 || bs[i].bought&7 != 0 {
			reached++
		}
		if rs[i].touched&1 == 0 {
			continue
		}
		covered++
		if bs[i].existing { // a customer already: the campaign cannot convert it
			continue
		}
		convertible++
		if bs[i].bought&2 == 0 {
			continue
		}
		converted++
		if bs[i].bought&4 != 0 {
			repurchased++
		}
	}
	rep.Coverage = newRate(covered, len(rs), bounds[0], bounds[1], asOf)
	rep.Conversion = newRate(converted, convertible, bounds[1], bounds[2], asOf)
	rep.Repurchase = newRate(repurchased, converted, bounds[2], bounds[3], asOf)

	// Penetration, attribution, hand-off.
	pen := &rep.Penetration
	pen.Spend, pen.Wallet, pen.Share = decimal.Zero, decimal.Zero, decimal.Zero
	if penTo >= 1 {
		pen.Months = penTo - penFrom + 1
		pen.From, pen.To = bounds[penFrom-1], bounds[penTo]
		pen.Companies = make([]CompanyShare, 0, customers)
	}
	var spendSum, walletSum units
	type attr struct {
		customers, orders int
		amount, profit    units
	}
	byRep := make([]attr, len(reps))
	var none attr
	rep.HandOffReady = !asOf.Before(bounds[3])
	if rep.HandOffReady {
		rep.HandOff = make([]HandOff, 0, reached)
	}
	for i := range rs {
		r, s, e := &rs[i], &bs[i], &es[i]
		id := c.Targets[i]
		acquired := r.rep >= 0 && !s.existing && (s.orders == 0 || r.firstTouch <= s.firstBuy)
		if s.orders > 0 {
			rep.Customers++
			a := &none
			if acquired {
				a = &byRep[r.rep]
			}
			a.customers++
			a.orders += int(s.orders)
			a.amount.plus(s.spend)
			a.profit.plus(s.profit)
			if pen.Months > 0 {
				switch {
				case e.at.IsZero():
					pen.NoWallet++
				case e.monthly == 0:
					pen.ZeroWallet++
				default:
					w := times(e.monthly, int64(pen.Months))
					band := bandOfSums(s.penSpend, w)
					pen.Bands.add(band)
					if s.penSpend.cmp(w) > 0 {
						pen.OverWallet++
					}
					pen.Companies = append(pen.Companies, CompanyShare{Company: id,
						Spend: s.penSpend.decimal(), Wallet: w.decimal(),
						Share: fractionOf(s.penSpend, w), Band: band, Method: e.method, WalletAsOf: e.at,
						Confidence: e.confidence})
					spendSum.plus(s.penSpend)
					walletSum.plus(w)
				}
			}
		}
		if rep.HandOffReady && (r.touched&7 != 0 || s.bought&7 != 0) {
			h := HandOff{Company: id, Stage: Opened, Orders: int(s.orders), Spend: s.spend.decimal(),
				Existing: s.existing}
			switch {
			case s.bought&4 != 0 && s.bought&3 != 0:
				h.Stage = Repurchasing
			case s.bought&7 != 0:
				h.Stage = Converted
			}
			if acquired {
				h.Rep = reps[r.rep].id
			}
			rep.HandOff = append(rep.HandOff, h)
		}
	}
	if walletSum.sign() > 0 {
		pen.Spend, pen.Wallet = spendSum.decimal(), walletSum.decimal()
		pen.Share = fractionOf(spendSum, walletSum)
		pen.Band = bandOfSums(spendSum, walletSum)
	}
	slices.SortStableFunc(rep.HandOff, func(a, b HandOff) int {
		return cmp.Or(cmp.Compare(b.Stage, a.Stage), cmp.Compare(a.Company, b.Company))
	})

	toAttr := func(id b2bkit.PersonID, a attr) RepAttribution {
		return RepAttribution{Rep: id, Customers: a.customers, Orders: a.orders,
			Amount: a.amount.decimal(), GrossProfit: a.profit.decimal()}
	}
	rep.Unattributed = toAttr("", none)
	for r, a := range byRep {
		if a.customers > 0 {
			rep.Reps = append(rep.Reps, toAttr(reps[r].id, a))
		}
	}
	slices.SortFunc(rep.Reps, func(a, b RepAttribution) int {
		return cmp.Or(b.GrossProfit.Cmp(a.GrossProfit), cmp.Compare(a.Rep, b.Rep))
	})

	// Concentration (R8).
	con := &rep.Concentration
	con.Share = decimal.Zero
	var thin []string
	for _, r := range reps {
		if r.touches == 0 { // a rep of another campaign's window
			continue
		}
		con.Reps = append(con.Reps, RepConcentration{Rep: r.id, InTerritory: r.in, Touches: r.touches,
			Share: fraction(int64(r.in), int64(r.touches))})
		con.InTerritory += r.in
		con.Touches += r.touches
		if r.in*MinConcentrationDen < r.touches*MinConcentrationNum {
			thin = append(thin, string(r.id))
		}
	}
	slices.SortFunc(con.Reps, func(a, b RepConcentration) int { return cmp.Compare(a.Rep, b.Rep) })
	slices.Sort(thin)
	con.Share = fraction(int64(con.InTerritory), int64(con.Touches))
	if con.InTerritory*MinConcentrationDen < con.Touches*MinConcentrationNum {
		con.SpreadThin = true
		con.Warning = fmt.Sprintf("team spread thin: %s%% of touches in %s, below %d%%; reps below: %s",
			percent(con.Share), c.Territory, 100*MinConcentrationNum/MinConcentrationDen, strings.Join(thin, ", "))
	}
}

// bandOfUnitsSigned bands num/den for den > 0, num >= 0.
func bandOfUnitsSigned(num, den int64) PenetrationBand {
	if num <= 0 {
		return Replaceable
	}
	return bandOfUnits(uint64(num), uint64(den))
}

func (rep *Report) assembleMix(mix []mixUnits, bounds []time.Time, asOf time.Time) {
	first, last, lastComplete := 0, 0, 0
	for k := range mix {
		m := MonthMix{Month: k + 1, From: bounds[k], To: bounds[k+1], Complete: !asOf.Before(bounds[k+1])}
		cc := func(ch int) ChannelCount {
			return ChannelCount{Orders: mix[k].orders[ch], Amount: mix[k].amount[ch].decimal()}
		}
		m.Manual, m.SemiAuto, m.FullAuto = cc(0), cc(1), cc(2)
		if m.Orders() > 0 {
			if first == 0 {
				first = k + 1
			}
			last = k + 1
			if m.Complete {
				lastComplete = k + 1
			}
		}
		rep.Channels = append(rep.Channels, m)
	}
	sh := ChannelShift{Manual: decimal.Zero, SemiAuto: decimal.Zero, FullAuto: decimal.Zero}
	if first > 0 {
		to := cmp.Or(lastComplete, last)
		a, b := rep.Channels[first-1], rep.Channels[to-1]
		sh.From, sh.To = first, to
		sh.Manual = b.Share(b2bkit.Manual).Sub(a.Share(b2bkit.Manual))
		sh.SemiAuto = b.Share(b2bkit.SemiAuto).Sub(a.Share(b2bkit.SemiAuto))
		sh.FullAuto = b.Share(b2bkit.FullAuto).Sub(a.Share(b2bkit.FullAuto))
	}
	rep.Shift = sh
}
