package funnel_test

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
)

// territories is the synthetic campaign of the SQL peers (../shared/peers/funnel): a team working
// `territories` territories of one city, each with its own campaign, all starting on 1 January 2026
// (UTC) and measured on 1 July. Target i is in territory i mod territories. The records are drawn
// from the peers' seeds in the peers' order, so at the peers' size (10 territories, 100k targets, 2M
// purchases) they are the peers' records and the reports must give the peers' answers.
//
// Purchases are kept compact, as a column store keeps them: the buyer ids side by side in one
// string, in the order of the rows, and the other columns as integers. The streams build the records
// as a cursor would, without allocating, so a benchmark times Evaluate and not a slice of 2M structs
// or a table of ids visited at random.
type territories struct {
	campaigns []funnel.Campaign
	ids       []b2bkit.CompanyID // target i's id
	touches   []funnel.Touch
	buys      []row
	buyers    string  // the buyer ids of the rows, idWidth bytes each
	monthly   []int64 // target i's monthly wallet, whole units
	start     time.Time
	asOf      time.Time
}

// idWidth is the length of every generated id: C and seven digits.
const idWidth = 8

// row is one purchase as stored: the buyer's number, minutes after the start, cents, Channel - 1.
type row struct {
	company, minute, cents int32
	channel                int8
}

func newTerritories(nTerritories, targets, purchases int) *territories {
	rng := rand.New(rand.NewPCG(7, 11))
	w := &territories{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	w.asOf = w.start.AddDate(0, 6, 0)
	w.campaigns = make([]funnel.Campaign, nTerritories)
	for k := range w.campaigns {
		w.campaigns[k] = funnel.Campaign{ID: fmt.Sprintf("T%02d", k), Territory: fmt.Sprintf("T%02d", k), Start: w.start}
	}
	w.ids = make([]b2bkit.CompanyID, targets)
	for i := range w.ids {
		w.ids[i] = b2bkit.CompanyID(fmt.Sprintf("C%07d", i))
		c := &w.campaigns[i%nTerritories]
		c.Targets = append(c.Targets, w.ids[i])
	}
	reps := make([]b2bkit.PersonID, 100)
	for i := range reps {
		reps[i] = b2bkit.PersonID(fmt.Sprintf("R%03d", i))
	}
	// Seven in ten targets visited in January, one in ten called in February; the touches carry no
	// territory: the target list fixes it.
	month2 := w.start.AddDate(0, 1, 0)
	for i, id := range w.ids {
		if rng.Float64() < 0.7 {
			w.touches = append(w.touches, funnel.Touch{Company: id, Rep: reps[i%100],
				At: w.start.Add(time.Duration(rng.IntN(31*24)) * time.Hour), Kind: funnel.Visit})
		}
		if rng.Float64() < 0.1 {
			w.touches = append(w.touches, funnel.Touch{Company: id, Rep: reps[i%100],
				At: month2.Add(time.Duration(rng.IntN(28*24)) * time.Hour), Kind: funnel.Call})
		}
	}
	// Purchases over 181 days, by the first 60% of the targets, 50.00 to 5049.99 each.
	w.buys = make([]row, purchases)
	for i := range w.buys {
		c := rng.IntN(targets * 6 / 10)
		minute := rng.IntN(181 * 24 * 60)
		units := 50 + rng.IntN(5000)
		cents := rng.IntN(100)
		w.buys[i] = row{company: int32(c), minute: int32(minute), cents: int32(units*100 + cents), channel: int8(rng.IntN(3))}
	}
	var col strings.Builder
	col.Grow(purchases * idWidth)
	for _, b := range w.buys {
		col.WriteString(string(w.ids[b.company]))
	}
	w.buyers = col.String()
	w.monthly = make([]int64, targets)
	for i := range w.monthly {
		w.monthly[i] = int64(20_000 + rng.IntN(200_000))
	}
	return w
}

// at is when row b was placed.
func (w *territories) at(b row) time.Time { return w.start.Add(time.Duration(b.minute) * time.Minute) }

// buyer is the buyer of row i.
func (w *territories) buyer(i int) b2bkit.CompanyID {
	return b2bkit.CompanyID(w.buyers[i*idWidth : (i+1)*idWidth])
}

// minorPurchases streams rows [from, to) with their amounts in minor units, as a host reading integer
// columns does: nothing is allocated per row.
func (w *territories) minorPurchases(from, to int) iter.Seq2[funnel.MinorPurchase, error] {
	return func(yield func(funnel.MinorPurchase, error) bool) {
		for i := from; i < to; i++ {
			b := w.buys[i]
			p := funnel.MinorPurchase{Company: w.buyer(i), At: w.at(b), Amount: int64(b.cents) * 100,
				Channel: b2bkit.Channel(b.channel + 1)}
			if !yield(p, nil) {
				return
			}
		}
	}
}

// parts splits the purchases into n streams of about the same length, in order.
func (w *territories) parts(n int) []iter.Seq2[funnel.MinorPurchase, error] {
	ps := make([]iter.Seq2[funnel.MinorPurchase, error], n)
	for k := range ps {
		ps[k] = w.minorPurchases(k*len(w.buys)/n, (k+1)*len(w.buys)/n)
	}
	return ps
}

// purchases streams every row as a Purchase with a decimal amount, made per row as a database
// driver that reads numerics makes it.
func (w *territories) purchases() iter.Seq2[funnel.Purchase, error] {
	return func(yield func(funnel.Purchase, error) bool) {
		for i, b := range w.buys {
			p := funnel.Purchase{Company: w.buyer(i), At: w.at(b), Amount: decimal.New(int64(b.cents), -2),
				Channel: b2bkit.Channel(b.channel + 1)}
			if !yield(p, nil) {
				return
			}
		}
	}
}

// wallets streams one estimate per target, dated at the start, with a decimal amount.
func (w *territories) wallets() iter.Seq2[funnel.Wallet, error] {
	return func(yield func(funnel.Wallet, error) bool) {
		for i, m := range w.monthly {
			if !yield(funnel.Wallet{Company: w.ids[i], Monthly: decimal.NewFromInt(m), AsOf: w.start}, nil) {
				return
			}
		}
	}
}

// minorWallets streams the same estimates in minor units.
func (w *territories) minorWallets() iter.Seq2[funnel.MinorWallet, error] {
	return func(yield func(funnel.MinorWallet, error) bool) {
		for i, m := range w.monthly {
			if !yield(funnel.MinorWallet{Company: w.ids[i], Monthly: m * 10_000, AsOf: w.start}, nil) {
				return
			}
		}
	}
}
