package pricing_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// concurrencyState is one state of a price list a host keeps current while quotes run: every
// list price and contract price moved together by step (0 or 1).
func concurrencyState(step int) ([]pricing.ListPrice, []pricing.ContractPrice) {
	up := func(s string) string { return fmt.Sprintf("%s%d", s, 1+step) }
	lps := []pricing.ListPrice{
		{SKU: "RICE-25KG", Price: dec(up("120.0")), Currency: "CNY", Cost: dec("100.00")},
		{SKU: "OIL-20L", Price: dec(up("210.0")), Currency: "CNY", Cost: dec("150.00")},
		{SKU: "SALT-1KG", Price: dec(up("3.2")), Currency: "CNY"},
	}
	cps := []pricing.ContractPrice{
		{ID: "LN-OIL", SKU: "OIL-20L", Buyer: "lucky-noodle", Price: dec(up("199.0"))},
		{ID: "CHAIN-RICE", SKU: "RICE-25KG", Group: "chain", Price: dec(up("111.0"))},
	}
	return lps, cps
}

// concurrencyEngine is an engine whose base step reads the contract prices of its list.
func concurrencyEngine(t *testing.T, list *pricing.PriceList) *pricing.Engine {
	t.Helper()
	p := loadPolicy(t, "testdata/restaurant.json")
	p.Steps[0].Rules = append(p.Steps[0].Rules, pricing.Rule{ID: "contracts", Formula: "contract", Excludes: []string{"tier"}})
	e, err := pricing.NewEngine(p, list, &pricing.Options{Now: fixedNow, Workers: 2})
	require.NoError(t, err)
	return e
}

// TestConcurrentQuotesWhileTheListChanges: one Engine over one PriceList, as a service keeps them;
// goroutines quote (one request, many, an order), compare and normalise while another moves every
// price between two states with Set and SetContracts. Each answer is the one an engine over a list
// fixed in one of the states gives (the list changes a SKU's list prices in one write and its
// contract prices in another), and once the writes stop every answer is that of the last state.
// Run with -race.
func TestConcurrentQuotesWhileTheListChanges(t *testing.T) {
	var reqs []pricing.Request
	for i, sku := range []b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG", "RICE-25KG", "OIL-20L", "SALT-1KG"} {
		r := request(sku, fmt.Sprint([]int{5, 150, 2000, 12000, 40, 700}[i]))
		r.Tier = []string{"", "gold", "silver"}[i%3]
		r.Buyer = []b2bkit.CompanyID{"lucky-noodle", "golden-dragon", "lucky-noodle"}[i%3]
		r.Group = []string{"", "chain"}[i%2]
		if i%2 == 1 {
			r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 45)
		}
		reqs = append(reqs, r)
	}
	order := pricing.OrderRequest{Buyer: "lucky-noodle", Group: "chain", Terms: reqs[0].Terms,
		Lines: []pricing.OrderLine{{SKU: "RICE-25KG", Quantity: dec("300")}, {SKU: "OIL-20L", Quantity: dec("80")}}}
	// answer is everything an engine says to the requests, as text.
	answer := func(e *pricing.Engine, k int) (string, error) {
		switch k {
		case len(reqs):
			qs, err := e.QuoteMany(ctx, reqs)
			if err != nil {
				return "", err
			}
			s := ""
			for _, q := range qs {
				s += q.Explain()
			}
			return s, nil
		case len(reqs) + 1:
			oq, err := e.QuoteOrder(ctx, order)
			return fmt.Sprintf("%v %v", oq.Total, len(oq.Lines)), err
		case len(reqs) + 2:
			n, err := e.Normalize(dec("118.50"), reqs[0], reqs[3])
			return n.String(), err
		}
		q, err := e.Quote(ctx, reqs[k])
		return q.Explain(), err
	}
	const kinds = 9 // the requests, QuoteMany, QuoteOrder, Normalize
	want := make([]map[string]bool, kinds)
	var first []string    // the answers of step 0
	for step := range 4 { // list prices of step%2 and contract prices of step/2: two writes
		lps, _ := concurrencyState(step % 2)
		_, cps := concurrencyState(step / 2)
		list, err := pricing.NewPriceList(lps...)
		require.NoError(t, err)
		require.NoError(t, list.SetContracts(cps...))
		e := concurrencyEngine(t, list)
		for k := range kinds {
			if want[k] == nil {
				want[k] = map[string]bool{}
			}
			a, err := answer(e, k)
			require.NoError(t, err, "step %d, answer %d", step, k)
			want[k][a] = true
			if step == 0 {
				first = append(first, a)
			}
		}
	}
	// QuoteMany and QuoteOrder read the list once per line: a change between two lines may mix the
	// states, so only the single answers are checked against the states while the list changes.
	lps, cps := concurrencyState(0)
	list, err := pricing.NewPriceList(lps...)
	require.NoError(t, err)
	require.NoError(t, list.SetContracts(cps...))
	e := concurrencyEngine(t, list)
	const goroutines, ops = 5, 60
	errs := make([]error, goroutines+1)
	var wg sync.WaitGroup
	wg.Go(func() { // the host's writer
		for i := range 2 * ops {
			lps, cps := concurrencyState((i + 1) % 2)
			if err := list.Set(lps...); err != nil {
				errs[goroutines] = err
				return
			}
			if err := list.SetContracts(cps...); err != nil {
				errs[goroutines] = err
				return
			}
		}
	})
	for g := range goroutines {
		wg.Go(func() {
			for i := range ops {
				k := (g*5 + i) % kinds
				a, err := answer(e, k)
				if err == nil && k != len(reqs) && k != len(reqs)+1 && !want[k][a] {
					err = fmt.Errorf("answer %d is none a fixed list gives:\n%s", k, a)
				}
				if err != nil {
					errs[g] = fmt.Errorf("goroutine %d: %w", g, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	for k := range kinds { // the writer's last write is of state 0 (2*ops writes)
		a, err := answer(e, k)
		require.NoError(t, err)
		require.Equal(t, first[k], a, "answer %d after the writes", k)
	}
}
