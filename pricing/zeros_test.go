package pricing_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/pricing"
)

// padder writes a decimal with up to 30 trailing zeros more, a random count each time: the same
// value, as a numeric column of a high scale returns it.
type padder struct{ rng *rand.Rand }

func (p padder) dec(d decimal.Decimal) decimal.Decimal { return dectest.Pad(d, p.rng.IntN(31)) }

func (p padder) payment(pay b2bkit.PaymentTerms) b2bkit.PaymentTerms {
	pay.Installments = slices.Clone(pay.Installments)
	for i := range pay.Installments {
		pay.Installments[i].Share = p.dec(pay.Installments[i].Share)
	}
	return pay
}

func (p padder) request(r pricing.Request) pricing.Request {
	r.Quantity, r.Terms.Payment = p.dec(r.Quantity), p.payment(r.Terms.Payment)
	return r
}

// paddingSource is a price source whose adapter reads prices back from numeric(38,20)-like columns.
type paddingSource struct {
	src pricing.PriceSource
	p   padder
}

func (s paddingSource) ListPrice(ctx context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	l, err := s.src.ListPrice(ctx, q)
	p := s.p
	l.Price, l.Cost, l.Contract.Price, l.TaxPercent = p.dec(l.Price), p.dec(l.Cost), p.dec(l.Contract.Price), p.dec(l.TaxPercent)
	l.PackSize, l.MinQuantity, l.Weight = p.dec(l.PackSize), p.dec(l.MinQuantity), p.dec(l.Weight)
	if l.Prices != nil {
		l.Prices = maps.Clone(l.Prices)
		for k, v := range l.Prices {
			l.Prices[k] = p.dec(v)
		}
	}
	return l, err
}

// A quote reads the values, not their trailing zeros: a request whose quantity and shares, or a
// price source whose prices, carry up to 30 zeros more (12.34 from numeric(38,20)) is priced as the
// short one by Quote, QuoteMany, QuoteOrder, Compare and Normalize. Property over random requests.
func TestQuotesReadTheValueNotItsTrailingZeros(t *testing.T) {
	short := restaurantEngine(t)
	p := padder{rand.New(rand.NewPCG(1, 2))}
	padSrc, err := pricing.NewEngine(loadPolicy(t, "testdata/restaurant.json"), paddingSource{catalogSource(t), p}, &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	pays := []b2bkit.PaymentTerms{b2bkit.CashOnDelivery(), b2bkit.Net(60), b2bkit.DepositBalance(dec("0.3"), 60), b2bkit.Prepaid()}
	for i := range 300 {
		r := request([]b2bkit.SKU{"RICE-25KG", "OIL-20L", "SALT-1KG"}[rng.IntN(3)], fmt.Sprintf("%d.%d", 1+rng.IntN(900), rng.IntN(10)))
		r.Buyer, r.Tier = []b2bkit.CompanyID{"golden-dragon", "lucky-noodle"}[rng.IntN(2)], []string{"", "gold"}[rng.IntN(2)]
		r.Terms.Payment = pays[rng.IntN(len(pays))]
		r.Terms.DeliverBy = orderDay.AddDate(0, 0, 1+rng.IntN(60))
		want, err := short.Quote(ctx, r)
		require.NoError(t, err)
		pr := p.request(r)
		if i == 0 {
			pr.Quantity = dectest.Places(r.Quantity, 30)
		}
		name := fmt.Sprintf("%s x %s", r.SKU, r.Quantity)
		got, err := short.Quote(ctx, pr)
		require.NoError(t, err, name)
		require.JSONEq(t, dectest.JSONByValue(t, want), dectest.JSONByValue(t, got), name)
		require.NoError(t, pr.Validate(), name)
		got, err = padSrc.Quote(ctx, r)
		require.NoError(t, err, name)
		require.JSONEq(t, dectest.JSONByValue(t, want), dectest.JSONByValue(t, got), "padded source: %s", name)

		many, err := short.QuoteMany(ctx, []pricing.Request{pr, r})
		require.NoError(t, err, name)
		require.JSONEq(t, dectest.JSONByValue(t, want), dectest.JSONByValue(t, many[0]), name)

		o := pricing.OrderRequest{Buyer: r.Buyer, Tier: r.Tier, Terms: r.Terms, Lines: []pricing.OrderLine{{SKU: r.SKU, Quantity: r.Quantity}, {SKU: "SALT-1KG", Quantity: dec("10")}}}
		wantOrder, err := short.QuoteOrder(ctx, o)
		require.NoError(t, err, name)
		o.Terms.Payment = p.payment(o.Terms.Payment)
		o.Lines = []pricing.OrderLine{{SKU: r.SKU, Quantity: p.dec(r.Quantity)}, {SKU: "SALT-1KG", Quantity: p.dec(dec("10"))}}
		gotOrder, err := short.QuoteOrder(ctx, o)
		require.NoError(t, err, name)
		require.JSONEq(t, dectest.JSONByValue(t, wantOrder), dectest.JSONByValue(t, gotOrder), name)

		to := request("RICE-25KG", "20")
		wantN, err := short.Normalize(want.UnitPrice, r, to)
		require.NoError(t, err, name)
		gotN, err := short.Normalize(p.dec(want.UnitPrice), pr, p.request(to))
		require.NoError(t, err, name)
		requireDecEqual(t, wantN, gotN, name)

		alt := []pricing.Alternative{{Label: "more", Quantity: r.Quantity.Add(dec("100"))}}
		wantC, err := short.Compare(ctx, r, alt)
		require.NoError(t, err, name)
		alt[0].Quantity = p.dec(alt[0].Quantity)
		gotC, err := short.Compare(ctx, pr, alt)
		require.NoError(t, err, name)
		require.JSONEq(t, dectest.JSONByValue(t, wantC), dectest.JSONByValue(t, gotC), name)
	}
	// A list price written padded is a valid one.
	l := pricing.ListPrice{SKU: "RICE-25KG", Price: dectest.Places(dec("120"), 30), Currency: "CNY", Cost: dectest.Places(dec("100"), 20)}
	require.NoError(t, l.Validate())
	_, err = pricing.NewPriceList(l)
	require.NoError(t, err)
}

// Trailing zeros do not rescue a quantity bad as a value: 19 significant places are refused.
func TestQuotesStillRefuseNineteenPlaces(t *testing.T) {
	for _, k := range []int{0, 5, 30} {
		r := request("RICE-25KG", "20")
		r.Quantity = dectest.Pad(dec("20.0000000000000000001"), k)
		_, err := restaurantEngine(t).Quote(ctx, r)
		require.ErrorContains(t, err, "request.quantity: out of range", k)
	}
}

// padPolicy is p with every number written to places decimal places, as a host building its policy
// from numeric(38,20) columns has it.
func padPolicy(p pricing.Policy, places int32) pricing.Policy {
	pad := func(d *decimal.Decimal) { *d = dectest.Places(*d, max(places, -d.Exponent())) }
	out := p
	for _, steps := range []*[]pricing.Step{&out.Steps, &out.Order} {
		*steps = slices.Clone(*steps)
		for i := range *steps {
			s := &(*steps)[i]
			if s.Reference != nil {
				ref := b2bkit.PaymentTerms{Installments: slices.Clone(s.Reference.Installments)}
				for k := range ref.Installments {
					pad(&ref.Installments[k].Share)
				}
				s.Reference = &ref
			}
			s.Rules = slices.Clone(s.Rules)
			for j := range s.Rules {
				r := &s.Rules[j]
				for _, d := range []*decimal.Decimal{&r.Price, &r.Percent, &r.Amount, &r.AnnualPercent,
					&r.FloorMarginPercent, &r.MaxDiscountPercent, &r.Increment, &r.FreeFrom, &r.Every, &r.Free} {
					pad(d)
				}
				r.Bands = slices.Clone(r.Bands)
				for k := range r.Bands {
					b := &r.Bands[k]
					pad(&b.From)
					pad(&b.To)
					pad(&b.Percent)
					pad(&b.Amount)
				}
				if r.EarlyPayment != nil {
					ep := *r.EarlyPayment
					pad(&ep.DiscountPercent)
					r.EarlyPayment = &ep
				}
			}
		}
	}
	return out
}

// A policy's numbers are read as values: the restaurant policy with every number written to 20 or
// 30 places validates and quotes as written short.
func TestPolicyReadsTheValueNotItsTrailingZeros(t *testing.T) {
	p := loadPolicy(t, "testdata/restaurant.json")
	short, err := pricing.NewEngine(p, catalogSource(t), &pricing.Options{Now: fixedNow})
	require.NoError(t, err)
	for _, places := range []int32{20, 30} {
		pp := padPolicy(p, places)
		require.NoError(t, pp.Validate(), places)
		e, err := pricing.NewEngine(pp, catalogSource(t), &pricing.Options{Now: fixedNow})
		require.NoError(t, err, places)
		for _, qty := range []string{"1", "20", "200", "999.5"} {
			r := request("RICE-25KG", qty)
			r.Buyer, r.Tier = "golden-dragon", "gold"
			r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
			wantQ, err := short.Quote(ctx, r)
			require.NoError(t, err)
			gotQ, err := e.Quote(ctx, r)
			require.NoError(t, err, places)
			wantQ.PolicyVersion, gotQ.PolicyVersion = "", "" // a hash of the policy as written
			require.JSONEq(t, dectest.JSONByValue(t, wantQ), dectest.JSONByValue(t, gotQ), "%d places, %s", places, qty)
		}
	}
}
