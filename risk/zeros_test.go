package risk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
)

// zerosPadded is r with every amount, quantity and share written with up to 30 trailing zeros
// more, as a host reading numeric(38,20) columns streams them: the same values.
func zerosPadded(r featRecords, rng *rand.Rand) featRecords {
	pad := func(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, rng.IntN(31)) }
	out := r
	out.orders = slices.Clone(r.orders)
	for i := range out.orders {
		o := &out.orders[i]
		o.Lines = slices.Clone(o.Lines)
		for k := range o.Lines {
			o.Lines[k].Quantity, o.Lines[k].UnitPrice = pad(o.Lines[k].Quantity), pad(o.Lines[k].UnitPrice)
		}
		o.Terms.Payment.Installments = slices.Clone(o.Terms.Payment.Installments)
		for k := range o.Terms.Payment.Installments {
			o.Terms.Payment.Installments[k].Share = pad(o.Terms.Payment.Installments[k].Share)
		}
	}
	out.invoices = slices.Clone(r.invoices)
	for i := range out.invoices {
		out.invoices[i].Amount = pad(out.invoices[i].Amount)
	}
	out.payments = slices.Clone(r.payments)
	for i := range out.payments {
		out.payments[i].Amount = pad(out.payments[i].Amount)
	}
	out.wallets = slices.Clone(r.wallets)
	for i := range out.wallets {
		out.wallets[i].Monthly = pad(out.wallets[i].Monthly)
	}
	return out
}

// A history's trailing zeros never decide the features: the random histories of the golden test,
// every number written with up to 30 zeros more, give the same features and exposure as written
// short, or fail as they do. Property: padding never changes a result of the ToMinor-based sums.
func TestFeaturesReadTheValueNotItsTrailingZeros(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	compared := 0
	for seed := range uint64(300) {
		c := featGoldenHistory(seed)
		want, wantErr := risk.FeaturesContext(context.Background(), featBuyer, c.r.history(), c.asOf, c.opts)
		wantExp, wantExpErr := risk.ExposureAt(featBuyer, c.r.history(), decimal.New(12345, -2), c.asOf, c.opts)
		for range 3 {
			p := zerosPadded(c.r, rng)
			got, err := risk.FeaturesContext(context.Background(), featBuyer, p.history(), c.asOf, c.opts)
			if wantErr != nil {
				require.ErrorIs(t, err, b2bkit.ErrInvalid, "seed %d: short: %v", seed, wantErr)
				continue
			}
			require.NoError(t, err, "seed %d", seed)
			featRequireSame(t, want, got, seed)
			compared++
			gotExp, err := risk.ExposureAt(featBuyer, p.history(), dectest.Places(decimal.New(12345, -2), 25), c.asOf, c.opts)
			if wantExpErr != nil {
				require.Error(t, err, "seed %d", seed)
				continue
			}
			require.NoError(t, err, "seed %d", seed)
			require.Equal(t, fmt.Sprintf("%+v", wantExp), fmt.Sprintf("%+v", gotExp), "seed %d", seed) // decimals print by value
		}
	}
	require.Greater(t, compared, 300)

	// The hand-made history, every number with 20 places.
	r := featMain()
	p := zerosPadded(r, rand.New(rand.NewPCG(1, 1)))
	for i := range p.orders {
		p.orders[i].Lines[0].UnitPrice = dectest.Places(r.orders[i].Lines[0].UnitPrice, 20)
	}
	want, err := risk.Features(featBuyer, r.history(), featAsOf)
	require.NoError(t, err)
	got, err := risk.Features(featBuyer, p.history(), featAsOf)
	require.NoError(t, err)
	featRequireSame(t, want, got, 0)
}

// padTrade is t with every decimal of its records written to places decimal places.
func padTrade(t risk.Trade, places int32) risk.Trade {
	pad := func(d decimal.Decimal) decimal.Decimal { return dectest.Places(d, max(places, -d.Exponent())) }
	o := t.Order
	o.Lines = slices.Clone(o.Lines)
	for i := range o.Lines {
		o.Lines[i].Quantity, o.Lines[i].UnitPrice = pad(o.Lines[i].Quantity), pad(o.Lines[i].UnitPrice)
	}
	o.Terms.Payment.Installments = slices.Clone(o.Terms.Payment.Installments)
	for i := range o.Terms.Payment.Installments {
		o.Terms.Payment.Installments[i].Share = pad(o.Terms.Payment.Installments[i].Share)
	}
	t.Order = o
	t.Shipments = slices.Clone(t.Shipments)
	for i := range t.Shipments {
		s := &t.Shipments[i]
		s.Lines = slices.Clone(s.Lines)
		for k := range s.Lines {
			s.Lines[k].Shipped, s.Lines[k].Received = pad(s.Lines[k].Shipped), pad(s.Lines[k].Received)
		}
	}
	t.Invoices = slices.Clone(t.Invoices)
	for i := range t.Invoices {
		t.Invoices[i].Amount = pad(t.Invoices[i].Amount)
	}
	t.Payments = slices.Clone(t.Payments)
	for i := range t.Payments {
		t.Payments[i].Amount = pad(t.Payments[i].Amount)
	}
	return t
}

// The other entry points of risk read values too: a trade, an order to check, goods to finance, an
// invoice to fingerprint or finance, written with 20 or 30 places, answer as written short — and
// an invoice written padded is the same receivable, so it cannot be financed twice (R19).
func TestRiskEntryPointsReadTheValueNotItsTrailingZeros(t *testing.T) {
	for _, places := range []int32{20, 30} {
		pad := func(d decimal.Decimal) decimal.Decimal { return dectest.Places(d, places) }
		tr := verifyCleanTrade()
		ptr := padTrade(tr, places)
		require.Equal(t, fmt.Sprintf("%+v", risk.VerifyTrade(tr, risk.Tolerances{})),
			fmt.Sprintf("%+v", risk.VerifyTrade(ptr, risk.Tolerances{})), places)
		require.NoError(t, ptr.Validate(), places)
		require.Equal(t, fmt.Sprintf("%+v", risk.ReceivableEligibility(tr)), fmt.Sprintf("%+v", risk.ReceivableEligibility(ptr)), places)
		chain := eligibilityChain()
		wantChain, err := risk.ChainEligibility(chain, risk.Tolerances{})
		require.NoError(t, err)
		gotChain, err := risk.ChainEligibility([]risk.Trade{padTrade(chain[0], places), padTrade(chain[1], places)}, risk.Tolerances{})
		require.NoError(t, err, places)
		require.Equal(t, fmt.Sprintf("%+v", wantChain), fmt.Sprintf("%+v", gotChain), places)

		o := checkOrder(b2bkit.DepositBalance(dectest.Dec("0.3"), 30), "rice", "10", "100.50", "oil", "2", "80")
		po := padTrade(risk.Trade{Order: o}, places).Order
		wantAdded, err := risk.CreditAdded(o, 2)
		require.NoError(t, err)
		gotAdded, err := risk.CreditAdded(po, 2)
		require.NoError(t, err, places)
		dectest.RequireEqual(t, wantAdded, gotAdded)
		in := checkInput(o, "5000", "1200")
		want, err := risk.CheckOrder(context.Background(), in, nil)
		require.NoError(t, err)
		in.Order = po
		in.Limit.Amount, in.Exposure.Total = pad(in.Limit.Amount), pad(in.Exposure.Total)
		got, err := risk.CheckOrder(context.Background(), in, nil)
		require.NoError(t, err, places)
		require.Equal(t, fmt.Sprintf("%+v", want), fmt.Sprintf("%+v", got), places)

		v := &eligibilityValuer{ref: eligibilityDeepMarket()}
		wantG, err := risk.GoodsEligibility(context.Background(), v, eligibilityGoods(), risk.DefaultHaircutSchedule(), eligibilityOpts())
		require.NoError(t, err)
		g := eligibilityGoods()
		g.Quantity, g.Request.Quantity = pad(g.Quantity), pad(g.Request.Quantity)
		gotG, err := risk.GoodsEligibility(context.Background(), v, g, risk.DefaultHaircutSchedule(), eligibilityOpts())
		require.NoError(t, err, places)
		require.Equal(t, fmt.Sprintf("%+v", wantG), fmt.Sprintf("%+v", gotG), places)

		inv := regInvoice("INV-2026-001", "1200.00")
		pinv := inv
		pinv.Amount = pad(inv.Amount)
		require.Equal(t, regFP(t, inv), regFP(t, pinv), places)
		l, _ := regLedger()
		fp := regOfferConfirm(t, l, inv, "BANK")
		fin, err := l.Finance(context.Background(), fp, "BANK", pad(dectest.Dec("1000")), "ops", regAt(1001))
		require.NoError(t, err, places)
		dectest.RequireEqual(t, dectest.Dec("1000"), fin.Financed)
		// A registry adapter reading its amounts back from numeric(38,20) columns holds a valid receivable.
		back := fin.Clone()
		back.Invoice.Amount, back.Financed = pad(back.Invoice.Amount), pad(back.Financed)
		for i := range back.History {
			if !back.History[i].Amount.IsZero() {
				back.History[i].Amount = pad(back.History[i].Amount)
			}
		}
		require.NoError(t, back.Validate(), places)
		_, err = l.Offer(context.Background(), pinv, "BANK-2", "ops", regAt(1002))
		require.ErrorIs(t, err, b2bkit.ErrConflict, "the padded invoice is the same receivable")
	}
}

// padCard is c with every bin bound written to places decimal places.
func padCard(c risk.Scorecard, places int32) risk.Scorecard {
	out := c
	out.Attributes = slices.Clone(c.Attributes)
	for i := range out.Attributes {
		a := &out.Attributes[i]
		a.Bins = slices.Clone(a.Bins)
		for k := range a.Bins {
			for _, p := range []**decimal.Decimal{&a.Bins[k].Min, &a.Bins[k].Max} {
				if *p != nil {
					d := dectest.Places(**p, max(places, -(*p).Exponent()))
					*p = &d
				}
			}
		}
	}
	return out
}

// padFeatures is fs with every number written to places decimal places.
func padFeatures(fs risk.FeatureSet, places int32) risk.FeatureSet {
	out := fs
	out.Values = fs.Values.Clone()
	for f, v := range fs.Values.All() {
		if !v.Missing && v.Category == "" {
			v.Number = dectest.Places(v.Number, max(places, -v.Number.Exponent()))
			out.Values.Set(f, v)
		}
	}
	return out
}

// A scorecard's bounds, a limit policy's figures and the features they read are values: written
// with 20 or 30 places they validate, score, compile and set limits as written short.
func TestScoresAndLimitsReadTheValueNotItsTrailingZeros(t *testing.T) {
	card := risk.DefaultScorecard()
	fs := scFeatures(scGoodBuyer())
	want, err := card.Score(fs)
	require.NoError(t, err)
	policy := risk.DefaultLimitPolicy()
	wantLim, err := policy.Limit(fs, want)
	require.NoError(t, err)
	for _, places := range []int32{20, 30} {
		pc, pfs := padCard(card, places), padFeatures(fs, places)
		require.NoError(t, pc.Validate(), places)
		for name, c := range map[string]risk.Scorecard{"padded card": pc, "short card": card} {
			got, err := c.Score(pfs)
			require.NoError(t, err, "%s, %d", name, places)
			require.Equal(t, resultText(want), resultText(got), "%s, %d", name, places)
		}
		cc, err := pc.Compile()
		require.NoError(t, err, places)
		got, err := cc.Score(pfs)
		require.NoError(t, err, places)
		require.Equal(t, resultText(want), resultText(got), places)

		pp := policy
		pp.Step = dectest.Places(policy.Step, places)
		pp.Grades = slices.Clone(policy.Grades)
		for i := range pp.Grades {
			pp.Grades[i].Multiple = dectest.Places(pp.Grades[i].Multiple, places)
			pp.Grades[i].Cap = dectest.Places(pp.Grades[i].Cap, places)
		}
		require.NoError(t, pp.Validate(), places)
		gotLim, err := pp.Limit(pfs, want)
		require.NoError(t, err, places)
		require.Equal(t, fmt.Sprintf("%+v", wantLim), fmt.Sprintf("%+v", gotLim), places)
	}
}

// resultText is what a result says, decimals by value.
func resultText(r risk.Result) string {
	v := func(x risk.Value) string { return fmt.Sprint(x.Number.String(), "|", x.Category, "|", x.Missing) }
	out := fmt.Sprint(r.Score, r.Grade)
	for _, p := range r.Points() {
		out += fmt.Sprint(";", p.Feature, v(p.Value), p.Bin, p.Points)
	}
	for _, x := range r.Reasons() {
		out += fmt.Sprint(";", x.Code, x.Feature, v(x.Value), x.Points, x.Best, x.Lost)
	}
	return out
}
