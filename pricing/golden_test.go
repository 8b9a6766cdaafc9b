package pricing_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/quotes.golden from the current code")

// variedPolicy exercises what the restaurant policy does not: graduated breaks compounded with a
// volume rule, a payment step adding rules against a deposit reference, best-for-buyer lead-time
// bands, a fixed tier privilege, a clamping guardrail and half-even rounding to an increment.
func variedPolicy() pricing.Policy {
	dep := b2bkit.DepositBalance(dec("0.2"), 15)
	return pricing.Policy{Name: "varied", Currency: "CNY", ValidDays: 3, Steps: []pricing.Step{
		{Kind: pricing.Base, Combine: pricing.BestForBuyer, Rules: []pricing.Rule{
			{ID: "c1", Buyer: "golden-dragon", SKU: "RICE-25KG", Price: dec("117.35")},
			{ID: "c2", Tier: "gold", SKU: "RICE-25KG", Price: dec("116.9")},
		}},
		{Kind: pricing.Quantity, Combine: pricing.Compound, Rules: []pricing.Rule{
			{ID: "grad", Mode: pricing.Graduated, Bands: bands("0", "50", "0", "50", "500", "-2.5", "500", "", "-4.75")},
			{ID: "vol-gold", Tier: "gold", Bands: bands("0", "1000", "-0.3", "1000", "", "-1.1")},
		}},
		{Kind: pricing.Payment, Combine: pricing.Add, Reference: &dep, Rules: []pricing.Rule{
			{ID: "p-all", AnnualPercent: dec("9.5"), EarlyPayment: &pricing.EarlyPayment{DiscountPercent: dec("1.5"), WithinDays: 7, NetDays: 45}},
			{ID: "p-c", Grade: "C", AnnualPercent: dec("6.25")},
		}},
		{Kind: pricing.LeadTime, Combine: pricing.BestForBuyer, Rules: []pricing.Rule{
			{ID: "l1", Bands: bands("0", "3", "7.5", "3", "45", "0", "45", "", "-1.25")},
			{ID: "l2", Tier: "silver", Bands: bands("0", "10", "3", "10", "", "-2")},
		}},
		{Kind: pricing.Tier, Rules: []pricing.Rule{
			{ID: "gold", Tier: "gold", Percent: dec("-2.5")},
			{ID: "silver", Tier: "silver", Amount: dec("-1.37")},
		}},
		{Kind: pricing.Guardrail, Rules: []pricing.Rule{
			{ID: "g", FloorMarginPercent: dec("12"), MaxDiscountPercent: dec("9"), OnBreach: pricing.Clamp},
		}},
		{Kind: pricing.Rounding, Rules: []pricing.Rule{
			{ID: "r", Scale: 2, RoundingMode: b2bkit.HalfEven, Increment: dec("0.05")},
		}},
	}}
}

// dumpQuote writes every field of a quote, decimals as coefficient and exponent, so that a change
// of representation (not only of value) shows, followed by its JSON and its explanation.
func dumpQuote(w *strings.Builder, q pricing.Quote) {
	d := func(name string, x decimal.Decimal) { fmt.Fprintf(w, "%s=%se%d ", name, x.Coefficient(), x.Exponent()) }
	d("list", q.ListPrice)
	d("base", q.BaseUnitPrice)
	d("unit", q.UnitPrice)
	d("total", q.Total)
	fmt.Fprintf(w, "scale=%d approval=%v cur=%s\n", q.Scale, q.NeedsApproval, q.Currency)
	for _, a := range q.Steps {
		fmt.Fprintf(w, "%s %s %s ", a.Step, a.Kind, a.RuleID)
		var pay pricing.PaymentBasis
		if a.Payment != nil {
			pay = *a.Payment
		}
		var rnd pricing.RoundingBasis
		if a.Rounding != nil {
			rnd = *a.Rounding
		}
		for i, x := range []decimal.Decimal{a.Amount(), a.Before, a.After, a.Percent, pay.CreditDays, pay.ReferenceCreditDays,
			pay.AnnualPercent, rnd.Increment} {
			d(fmt.Sprint(i), x)
		}
		fmt.Fprintf(w, "%v %d %s %v %d %s\n", a.Mode, a.LeadDays, a.Tier, a.Clamped, rnd.Scale, rnd.Mode)
		for _, b := range a.Breaches {
			fmt.Fprintf(w, "  %s %s ", b.Kind, b.RuleID)
			d("limit", b.Limit)
			d("price", b.Price)
			w.WriteString("\n")
		}
	}
	for _, p := range q.Bands {
		w.WriteString("band ")
		for i, x := range []decimal.Decimal{p.From, p.To, p.UnitPrice, p.Amount} {
			d(fmt.Sprint(i), x)
		}
		w.WriteString("\n")
	}
	for _, s := range q.Schedule {
		fmt.Fprintf(w, "due %s ", s.Date)
		d("amount", s.Amount)
		w.WriteString("\n")
	}
	if ep := q.EarlyPayment; ep != nil {
		fmt.Fprintf(w, "early %s %s ", ep.RuleID, ep.PayBy)
		d("annual", ep.AnnualPercent)
		d("amount", ep.Amount)
		w.WriteString("\n")
	}
	for _, b := range q.Breaches {
		fmt.Fprintf(w, "breach %s %s ", b.Kind, b.RuleID)
		d("limit", b.Limit)
		d("price", b.Price)
		w.WriteString("\n")
	}
	js, err := json.Marshal(q)
	if err != nil {
		fmt.Fprintf(w, "json error %v\n", err)
	}
	w.Write(js)
	w.WriteString(q.Explain())
}

// goldenQuotes prices random requests under the restaurant and the varied policies, one by one
// and as one batch, and returns a short digest of each quote's full dump (or its error).
func goldenQuotes(t *testing.T) []string {
	l, err := pricing.NewPriceList(
		pricing.ListPrice{SKU: "RICE-25KG", Price: dec("120.00"), Currency: "CNY", Cost: dec("100.00")},
		pricing.ListPrice{SKU: "OIL-20L", Price: dec("210.00"), Currency: "CNY", Cost: dec("150.00")},
		pricing.ListPrice{SKU: "SALT-1KG", Price: dec("3.20"), Currency: "CNY"},
	)
	require.NoError(t, err)
	varied, err := pricing.NewEngine(variedPolicy(), l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	var out []string
	digest := func(q pricing.Quote, err error) {
		var w strings.Builder
		if err != nil {
			fmt.Fprintf(&w, "error %v", err)
		} else {
			dumpQuote(&w, q)
		}
		sum := sha256.Sum256([]byte(w.String()))
		out = append(out, hex.EncodeToString(sum[:8]))
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for _, e := range []*pricing.Engine{restaurantEngine(t), varied} {
		reqs := make([]pricing.Request, 1500)
		for i := range reqs {
			reqs[i] = randomRequest(rng)
			if i%3 == 0 && i > 0 {
				reqs[i].Terms = reqs[i-1].Terms // runs of equal terms, as in a catalog
			}
			digest(e.Quote(ctx, reqs[i]))
		}
		qs, err := e.QuoteMany(ctx, reqs)
		require.NoError(t, err)
		for _, q := range qs {
			digest(q, nil)
		}
	}
	return out
}

// TestQuotes_SameAsBeforeTheFastPaths pins 6,000 quotes (every field, the exact representation of
// every decimal, the JSON and the explanation) to what the engine gave before its integer fast
// paths: the fast paths must change nothing but speed. Regenerate only for an intended change of
// behaviour, with -update.
func TestQuotes_SameAsBeforeTheFastPaths(t *testing.T) {
	got := goldenQuotes(t)
	const path = "testdata/quotes.golden"
	if *updateGolden {
		require.NoError(t, os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644))
	}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	require.NoError(t, sc.Err())
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i], got[i], "quote %d differs from the pinned one", i)
	}
}

// TestNormalize_SameAsBeforeTheFastPaths pins 4,000 normalised prices (value and representation,
// or the error) under the restaurant and the varied policies to what Normalize gave before the
// payment step's integer path.
func TestNormalize_SameAsBeforeTheFastPaths(t *testing.T) {
	l := catalogSource(t)
	varied, err := pricing.NewEngine(variedPolicy(), l, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(13, 17))
	var got []string
	for _, e := range []*pricing.Engine{restaurantEngine(t), varied} {
		for range 2000 {
			from, to := randomRequest(rng), randomRequest(rng)
			price := decimal.New(int64(1+rng.IntN(1_000_000)), -int32(rng.IntN(5)))
			p, err := e.Normalize(price, from, to)
			if err != nil {
				got = append(got, "error "+err.Error())
				continue
			}
			got = append(got, fmt.Sprintf("%se%d", p.Coefficient(), p.Exponent()))
		}
	}
	const path = "testdata/normalize.golden"
	if *updateGolden {
		require.NoError(t, os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644))
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i], got[i], "normalised price %d differs from the pinned one", i)
	}
}

// TestQuoteMany_QuotesWithMoreLinesThanSteps: a step that adds many rules makes more lines than
// QuoteMany keeps room for per quote; such quotes, and the ones after them, come out as Quote
// makes them, lines that did not apply leaving no trace.
func TestQuoteMany_QuotesWithMoreLinesThanSteps(t *testing.T) {
	var tiers, leads []pricing.Rule
	for i := range 30 {
		tiers = append(tiers, pricing.Rule{ID: fmt.Sprintf("t%d", i), Percent: decimal.New(-int64(1+i), -2)})
		leads = append(leads, pricing.Rule{ID: fmt.Sprintf("l%d", i), Bands: bands(fmt.Sprint(i), "", "0.5")})
	}
	p := basePolicy(
		pricing.Step{Kind: pricing.LeadTime, Combine: pricing.Compound, Rules: leads},
		pricing.Step{Kind: pricing.Tier, Combine: pricing.Add, Rules: tiers},
	)
	e := engineFor(t, p)
	var reqs []pricing.Request
	for i := range 200 {
		r := request("SKU-1", fmt.Sprint(1+i))
		r.Terms.DeliverBy = orderDay.AddDate(0, 0, i%40)
		reqs = append(reqs, r)
	}
	many, err := e.QuoteMany(ctx, reqs)
	require.NoError(t, err)
	for i, r := range reqs {
		one := quote(t, e, r)
		var a, b strings.Builder
		dumpQuote(&a, one)
		dumpQuote(&b, many[i])
		require.Equal(t, a.String(), b.String(), i)
		require.Len(t, many[i].Steps, 2+30+min(30, i%40+1), i) // base, tiers, leads that apply, rounding
	}
}

// TestQuoteMany_SharedWorkIsNotSharedMemory: lines with the same terms and totals share the work of
// their schedule, yet each quote owns its schedule, lines and breaches: changing one quote changes
// no other.
func TestQuoteMany_SharedWorkIsNotSharedMemory(t *testing.T) {
	e := restaurantEngine(t)
	reqs := make([]pricing.Request, 600)
	for i := range reqs {
		r := request([]b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG"}[i%3], fmt.Sprint(1+i%7))
		r.Buyer, r.Tier = "golden-dragon", "gold"
		r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
		reqs[i] = r
	}
	many, err := e.QuoteMany(ctx, reqs)
	require.NoError(t, err)
	for i, r := range reqs {
		var a, b strings.Builder
		dumpQuote(&a, quote(t, e, r))
		dumpQuote(&b, many[i])
		require.Equal(t, a.String(), b.String(), i)
	}
	first, twin := many[0], many[21] // same SKU, quantity and terms
	requireDecEqual(t, first.Total, twin.Total)
	wantDue, wantLine := twin.Schedule[0].Amount, twin.Steps[0].After
	wantBreach := len(twin.Breaches)
	first.Schedule[0].Amount = dec("-1")
	first.Steps[0].After = dec("-1")
	first.Breaches = append(first.Breaches[:0], pricing.Breach{RuleID: "changed"})
	requireDecEqual(t, wantDue, twin.Schedule[0].Amount)
	requireDecEqual(t, wantLine, twin.Steps[0].After)
	require.Len(t, twin.Breaches, wantBreach)
	if wantBreach > 0 {
		require.NotEqual(t, "changed", twin.Breaches[0].RuleID)
	}
	// Growing one quote's slices must not write into the next quote's memory either.
	many[1].Steps = append(many[1].Steps, pricing.Adjustment{RuleID: "appended"})
	many[1].Schedule = append(many[1].Schedule, b2bkit.Due{})
	require.NotEqual(t, "appended", many[2].Steps[0].RuleID)
	var a, b strings.Builder
	dumpQuote(&a, quote(t, e, reqs[2]))
	dumpQuote(&b, many[2])
	require.Equal(t, a.String(), b.String())
}

// FuzzQuoteMany: a batch of random lines, some sharing terms and totals, quotes exactly as each
// line does alone, or fails where the first failing line fails; it never panics.
func FuzzQuoteMany(f *testing.F) {
	e := restaurantEngine(f)
	f.Add(uint64(1), uint64(2), 5)
	f.Add(uint64(7), uint64(0), 40)
	f.Fuzz(func(t *testing.T, s1, s2 uint64, n int) {
		n = min(max(n, 1), 64)
		rng := rand.New(rand.NewPCG(s1, s2))
		reqs := make([]pricing.Request, n)
		for i := range reqs {
			reqs[i] = randomRequest(rng)
			switch rng.IntN(4) {
			case 0:
				if i > 0 {
					reqs[i] = reqs[i-1]
				}
			case 1:
				if i > 0 {
					reqs[i].Terms = reqs[i-1].Terms
				}
			case 2:
				reqs[i].Quantity = decimal.New(rng.Int64N(5)-1, -int32(rng.IntN(3)))
			}
		}
		many, err := e.QuoteMany(ctx, reqs)
		var lines pricing.LineErrors
		if err != nil && !errors.As(err, &lines) {
			t.Fatalf("batch failed as a whole: %v", err)
		}
		for i, r := range reqs {
			one, oneErr := e.Quote(ctx, r)
			var lineErr error
			if lines != nil {
				lineErr = lines[i]
			}
			if (oneErr != nil) != (lineErr != nil) {
				t.Fatalf("line %d: alone %v, in the batch %v", i, oneErr, lineErr)
			}
			if oneErr != nil {
				if !strings.Contains(lineErr.Error(), fmt.Sprintf("requests[%d]", i)) {
					t.Fatalf("line %d's error does not name it: %v", i, lineErr)
				}
				continue
			}
			var a, b strings.Builder
			dumpQuote(&a, one)
			dumpQuote(&b, many[i])
			if a.String() != b.String() {
				t.Fatalf("line %d differs:\n%s\n%s", i, a.String(), b.String())
			}
		}
	})
}
