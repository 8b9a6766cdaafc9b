package pricing

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The integer factors must be exactly the decimal factors whenever the integer path answers.
func TestFactorUnits_EqualsDecimalFactor(t *testing.T) {
	f, err := os.Open("testdata/restaurant.json")
	require.NoError(t, err)
	defer f.Close()
	p, err := LoadPolicy(f)
	require.NoError(t, err)
	// Make every combination appear: the quantity step adds a graduated SKU rule, the lead step
	// compounds two rules, the payment step picks the best for the buyer.
	p.Steps[1].Combine = Add
	p.Steps[1].Rules = append(p.Steps[1].Rules, Rule{ID: "grad", SKU: "OIL-20L", Mode: Graduated, Bands: []Band{
		{From: decimal.NewFromInt(10), To: decimal.NewFromInt(300), Percent: decimal.RequireFromString("-1.25")},
		{From: decimal.NewFromInt(300), Percent: decimal.RequireFromString("-2.5")}}})
	p.Steps[2].Combine = BestForBuyer
	p.Steps[3].Combine = Compound
	p.Steps[3].Rules = append(p.Steps[3].Rules, Rule{ID: "lead2", Tier: "gold", Bands: []Band{
		{From: decimal.Zero, To: decimal.NewFromInt(7), Percent: decimal.RequireFromString("3.333")},
		{From: decimal.NewFromInt(7), Percent: decimal.Zero}}})
	l, err := NewPriceList(ListPrice{SKU: "OIL-20L", Price: decimal.NewFromInt(210)})
	require.NoError(t, err)
	e, err := NewEngine(p, l, nil)
	require.NoError(t, err)

	rng := rand.New(rand.NewPCG(31, 32))
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	answered := 0
	for i := range 5000 {
		r := Request{SKU: []b2bkit.SKU{"OIL-20L", "RICE-25KG"}[rng.IntN(2)], Buyer: "golden-dragon",
			Tier: []string{"", "gold"}[rng.IntN(2)], Grade: []string{"", "C"}[rng.IntN(2)],
			Quantity: decimal.New(1+rng.Int64N(2_000_000), -int32(rng.IntN(3))),
			Terms: b2bkit.Terms{Payment: b2bkit.DepositBalance(decimal.New(rng.Int64N(101), -2), rng.IntN(120)),
				OrderedAt: day, DeliverBy: day.AddDate(0, 0, rng.IntN(90))}}
		require.NoError(t, checkSide(&r, "r"))
		want, err := e.factor(&r, nil, "r")
		require.NoError(t, err)
		got, ok := e.factorUnits(&r, nil)
		if !ok {
			continue
		}
		answered++
		require.Truef(t, want.Equal(decimal.New(got, -FractionScale)), "%d: factor %s, units %d", i, want, got)
	}
	require.Greater(t, answered, 4000)
}
