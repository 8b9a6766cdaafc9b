package funnel_test

import (
	"encoding/json"
	"fmt"
	"iter"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/stretchr/testify/require"
)

// TestConcurrentEvaluateOnOneSet: a host keeps one Campaigns per process and measures it from many
// request goroutines at once, each over its own records, in parts and with workers of its own, while
// the set hands the buffers of one evaluation to the next. Every report is the one the same
// evaluation gets alone (run with -race: no evaluation may see another's buffers).
func TestConcurrentEvaluateOnOneSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 4))
	cs, _ := team(rng)
	short, err := funnel.NewCampaigns(cs)
	require.NoError(t, err)
	// The same lists under ids too long to be held in place: the set keeps their buffer too.
	long := make([]funnel.Campaign, len(cs))
	for k, c := range cs {
		long[k] = c
		long[k].Targets = nil
		for _, id := range c.Targets {
			long[k].Targets = append(long[k].Targets, longID(id))
		}
	}
	longSet, err := funnel.NewCampaigns(long)
	require.NoError(t, err)
	type job struct {
		set     *funnel.Campaigns
		w       world
		parts   int
		workers int
		minor   bool
	}
	input := func(j job) funnel.Input {
		// Half the jobs have their touches and wallets read beside the purchases.
		in := funnel.Input{Touches: b2bkit.Stream(j.w.touches), Wallets: b2bkit.Stream(j.w.wallets), Concurrent: j.parts%2 == 0}
		n := len(j.w.purchases)
		for p := range j.parts {
			part := j.w.purchases[p*n/j.parts : (p+1)*n/j.parts]
			if !j.minor {
				in.Purchases = append(in.Purchases, b2bkit.Stream(part))
				continue
			}
			in.MinorPurchases = append(in.MinorPurchases, minorOf(part))
		}
		return in
	}
	evaluate := func(j job) ([]funnel.Report, error) {
		return j.set.Evaluate(input(j), j.w.asOf, &funnel.Options{HandOff: true, Companies: true, Workers: j.workers})
	}
	text := func(rs []funnel.Report) string {
		b, err := json.Marshal(rs)
		if err != nil {
			return err.Error()
		}
		return string(b)
	}
	var jobs []job
	for k := range 24 {
		// Every world measures the same team's lists, each over its own records.
		_, w := team(rng)
		set := short
		if k%3 == 2 {
			set = longSet
			for i := range w.touches {
				w.touches[i].Company = longID(w.touches[i].Company)
			}
			for i := range w.purchases {
				w.purchases[i].Company = longID(w.purchases[i].Company)
			}
			for i := range w.wallets {
				w.wallets[i].Company = longID(w.wallets[i].Company)
			}
		}
		jobs = append(jobs, job{set: set, w: w, parts: 1 + k%3, workers: 1 + k%2, minor: k%4 == 1})
	}
	want := make([]string, len(jobs))
	for k, j := range jobs {
		rs, err := evaluate(j)
		require.NoError(t, err, "job %d alone", k)
		want[k] = text(rs)
	}
	const goroutines = 6
	got := make([][]string, goroutines)              // the reports as each evaluation returned them
	reports := make([][][]funnel.Report, goroutines) // and the reports, read again after them all
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range 3 * len(jobs) / goroutines {
				k := (g*7 + i) % len(jobs)
				r, err := evaluate(jobs[k])
				if err != nil {
					errs[g] = fmt.Errorf("job %d: %w", k, err)
					return
				}
				got[g], reports[g] = append(got[g], text(r)), append(reports[g], r)
			}
		})
	}
	wg.Wait()
	for g := range goroutines {
		require.NoError(t, errs[g])
		for i, r := range got[g] {
			k := (g*7 + i) % len(jobs)
			require.Equal(t, want[k], r, "goroutine %d, job %d", g, k)
			require.Equal(t, want[k], text(reports[g][i]), "goroutine %d, job %d, read again: a report shares no buffer", g, k)
		}
	}
}

// longID is id made longer than a company id held in place.
func longID(id b2bkit.CompanyID) b2bkit.CompanyID { return "a-restaurant-with-a-long-id-" + id }

// minorOf gives ps in minor units (the team's amounts have two places, MinorScale's).
func minorOf(ps []funnel.Purchase) iter.Seq2[funnel.MinorPurchase, error] {
	return func(yield func(funnel.MinorPurchase, error) bool) {
		for _, p := range ps {
			m := funnel.MinorPurchase{Company: p.Company, At: p.At, Amount: p.Amount.Shift(2).IntPart(),
				Channel: p.Channel, GrossProfit: p.GrossProfit.Shift(2).IntPart()}
			if !yield(m, nil) {
				return
			}
		}
	}
}
