package funnel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// A sheet adds up one campaign's targets for its report. The cells are read in their order, the
// index's, not the target list's: every figure of a sheet is a count or a sum, and the
// lists are sorted when the sheet is closed.
type sheet struct {
	run                                                               *run
	covered, convertible, converted, repurchased, customers, existing int
	noWallet, zeroWallet, overWallet                                  int
	bands                                                             BandCounts
	spend, wallet                                                     units
	byRep                                                             []attribution
	none                                                              attribution
	handOff                                                           []HandOff
	companies                                                         []listed
}

// attribution is what the customers a rep acquired bought.
type attribution struct {
	customers, orders int
	amount, profit    units
}

// listed is a customer's share with its place on the target list.
type listed struct {
	target int32
	share  CompanyShare
}

// assemble builds the reports from the state of every target, with the details opts asks for.
func (ev *evaluation) assemble(t *tally, opts *Options) []Report {
	sheets := make([]sheet, len(ev.runs))
	for k, r := range ev.runs {
		for n := range r.reps {
			r.reps[n].id = ev.repIDs[n]
		}
		sheets[k] = sheet{run: r, byRep: make([]attribution, len(r.reps))}
	}
	var nt note
	for cell, p := range ev.s.index.posts {
		n := &nt
		if ev.notes != nil {
			n = &ev.notes[cell]
		}
		sheets[p.camp].add(&ev.s.cs[p.camp], p.target, &ev.rs[cell], t, int32(cell), &ev.es[cell], n, ev.asOf, opts)
	}
	reports := make([]Report, len(ev.runs))
	for k := range sheets {
		r := sheets[k].run
		sheets[k].close(&r.rep, &ev.s.cs[k], ev.asOf, opts)
		r.rep.assembleMix(t.mix[k], r.bounds, ev.asOf)
		reports[k] = r.rep
	}
	return reports
}

// add adds target number i of campaign c, in cell: what its touches, its purchases (in t), its
// wallet and the wallet's note (when opts.Companies) say.
func (sh *sheet) add(c *Campaign, i int32, r *reach, t *tally, cell int32, e *estimate, n *note, asOf time.Time, opts *Options) {
	run, s := sh.run, &t.bs[cell]
	if s.existing {
		sh.existing++
	}
	if r.touched&1 != 0 {
		sh.covered++
		if !s.existing { // a customer already: the campaign cannot convert it
			sh.convertible++
			if s.bought&2 != 0 {
				sh.converted++
				if s.bought&4 != 0 {
					sh.repurchased++
				}
			}
		}
	}
	acquired := r.rep >= 0 && !s.existing && (s.orders == 0 || r.firstTouch <= s.firstBuy)
	var sums buyerSums
	if s.orders > 0 {
		sums = t.sums(cell)
		sh.customers++
		a := &sh.none
		if acquired {
			a = &sh.byRep[r.rep]
		}
		a.customers++
		a.orders += int(s.orders)
		a.amount.plus(sums.spend)
		a.profit.plus(sums.profit)
		if months := run.penTo - run.penFrom + 1; run.penTo >= 1 {
			switch {
			case !e.set:
				sh.noWallet++
			case e.monthly == 0:
				sh.zeroWallet++
			default:
				w := times(e.monthly, int64(months))
				band := bandOfSums(sums.penSpend, w)
				sh.bands.add(band)
				if sums.penSpend.cmp(w) > 0 {
					sh.overWallet++
				}
				if opts.Companies {
					sh.companies = append(sh.companies, listed{i, CompanyShare{Company: c.Targets[i],
						Spend: sums.penSpend.decimal(), Wallet: w.decimal(),
						Share: fractionOf(sums.penSpend, w), Band: band, Method: n.method, WalletAsOf: n.at,
						Confidence: n.confidence}})
				}
				sh.spend.plus(sums.penSpend)
				sh.wallet.plus(w)
			}
		}
	}
	if opts.HandOff && !asOf.Before(run.bounds[3]) && (r.touched&7 != 0 || s.bought&7 != 0) {
		h := HandOff{Company: c.Targets[i], Stage: Opened, Orders: int(s.orders), Spend: sums.spend.decimal(),
			Existing: s.existing}
		switch {
		case s.bought&4 != 0 && s.bought&3 != 0:
			h.Stage = Repurchasing
		case s.bought&7 != 0:
			h.Stage = Converted
		}
		if acquired {
			h.Rep = run.reps[r.rep].id
		}
		sh.handOff = append(sh.handOff, h)
	}
}

// close writes the sheet into campaign c's report.
func (sh *sheet) close(rep *Report, c *Campaign, asOf time.Time, opts *Options) {
	run, bounds := sh.run, sh.run.bounds
	rep.Coverage = newRate(sh.covered, len(c.Targets), bounds[0], bounds[1], asOf)
	rep.Conversion = newRate(sh.converted, sh.convertible, bounds[1], bounds[2], asOf)
	rep.Repurchase = newRate(sh.repurchased, sh.converted, bounds[2], bounds[3], asOf)
	rep.Customers, rep.Existing = sh.customers, sh.existing

	pen := &rep.Penetration
	pen.Spend, pen.Wallet, pen.Share = decimal.Zero, decimal.Zero, decimal.Zero
	if run.penTo >= 1 {
		pen.Months = run.penTo - run.penFrom + 1
		pen.From, pen.To = bounds[run.penFrom-1], bounds[run.penTo]
	}
	pen.NoWallet, pen.ZeroWallet, pen.OverWallet, pen.Bands = sh.noWallet, sh.zeroWallet, sh.overWallet, sh.bands
	if opts.Companies && run.penTo >= 1 {
		slices.SortFunc(sh.companies, func(a, b listed) int { return cmp.Compare(a.target, b.target) })
		pen.Companies = make([]CompanyShare, len(sh.companies))
		for j, l := range sh.companies {
			pen.Companies[j] = l.share
		}
	}
	if sh.wallet.sign() > 0 {
		pen.Spend, pen.Wallet = sh.spend.decimal(), sh.wallet.decimal()
		pen.Share = fractionOf(sh.spend, sh.wallet)
		pen.Band = bandOfSums(sh.spend, sh.wallet)
	}

	rep.HandOffReady = !asOf.Before(bounds[3])
	if opts.HandOff && rep.HandOffReady {
		rep.HandOff = sh.handOff
		if rep.HandOff == nil {
			rep.HandOff = []HandOff{}
		}
	}
	slices.SortFunc(rep.HandOff, func(a, b HandOff) int {
		return cmp.Or(cmp.Compare(b.Stage, a.Stage), cmp.Compare(a.Company, b.Company))
	})

	toAttr := func(id b2bkit.PersonID, a attribution) RepAttribution {
		return RepAttribution{Rep: id, Customers: a.customers, Orders: a.orders,
			Amount: a.amount.decimal(), GrossProfit: a.profit.decimal()}
	}
	rep.Unattributed = toAttr("", sh.none)
	for r, a := range sh.byRep {
		if a.customers > 0 {
			rep.Reps = append(rep.Reps, toAttr(run.reps[r].id, a))
		}
	}
	slices.SortFunc(rep.Reps, func(a, b RepAttribution) int {
		return cmp.Or(b.GrossProfit.Cmp(a.GrossProfit), cmp.Compare(a.Rep, b.Rep))
	})

	// Concentration (R8).
	con := &rep.Concentration
	var thin []string
	for _, r := range run.reps {
		if r.in == 0 { // another team's rep: no touch in this territory in the window
			con.OtherTeams += r.touches
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
