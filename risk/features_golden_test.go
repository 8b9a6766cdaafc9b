package risk_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/risk"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/features_golden.txt from the code as it stands")

// featGoldenFile holds, for each seed of featGoldenHistory, a digest of the features, the exposure
// and any error, as the implementation before the fast paths of session 9 computed them.
const featGoldenFile = "testdata/features_golden.txt"

// TestR17_FeaturesSameAsBeforeOnRandomHistories holds Features and ExposureAt, on 600 drawn
// histories (every kind of terms, locations with summer time, sellers beyond the short list,
// invoices out of order, split and disordered payments, bad records), to what they gave before the
// projection was reworked for speed: every value and its exponent, every missing mark, every error
// text.
func TestR17_FeaturesSameAsBeforeOnRandomHistories(t *testing.T) {
	const seeds = 600
	got := make([]string, seeds)
	for seed := range uint64(seeds) {
		got[seed] = featGoldenDigest(featGoldenHistory(seed))
	}
	if *updateGolden {
		var b strings.Builder
		for seed, d := range got {
			fmt.Fprintf(&b, "%d %s\n", seed, d)
		}
		require.NoError(t, os.WriteFile(featGoldenFile, []byte(b.String()), 0o644))
		return
	}
	f, err := os.Open(featGoldenFile)
	require.NoError(t, err)
	defer f.Close()
	want := map[int]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var seed int
		var d string
		_, err := fmt.Sscan(sc.Text(), &seed, &d)
		require.NoError(t, err)
		want[seed] = d
	}
	require.NoError(t, sc.Err())
	require.Len(t, want, seeds)
	for seed, d := range got {
		require.Equal(t, want[seed], d, "seed %d: %s", seed, featGoldenText(featGoldenHistory(uint64(seed))))
	}
}

// featGoldenCase is one drawn history and how it is read.
type featGoldenCase struct {
	r    featRecords
	asOf time.Time
	opts *risk.FeatureOptions
}

// featGoldenText is everything the features and the exposure of c say, one line each.
func featGoldenText(c featGoldenCase) string {
	var b strings.Builder
	fs, err := risk.FeaturesContext(context.Background(), featBuyer, c.r.history(), c.asOf, c.opts)
	if err != nil {
		fmt.Fprintf(&b, "features error: %v\n", err)
	} else {
		fmt.Fprintf(&b, "currency %s scale %d\n", fs.Currency, fs.Scale)
		var lines []string
		for f, v := range fs.Values.All() {
			if v.Missing {
				lines = append(lines, fmt.Sprintf("%s missing", f))
			} else {
				lines = append(lines, fmt.Sprintf("%s %s e%d %q", f, v.Number.String(), v.Number.Exponent(), v.Category))
			}
		}
		slices.Sort(lines)
		b.WriteString(strings.Join(lines, "\n"))
		b.WriteString("\n")
	}
	e, err := risk.ExposureAt(featBuyer, c.r.history(), decimal.New(12345, -2), c.asOf, c.opts)
	if err != nil {
		fmt.Fprintf(&b, "exposure error: %v\n", err)
	} else {
		fmt.Fprintf(&b, "exposure %+v\n", e)
	}
	return b.String()
}

func featGoldenDigest(c featGoldenCase) string {
	sum := sha256.Sum256([]byte(featGoldenText(c)))
	return hex.EncodeToString(sum[:12])
}

// featGoldenHistory draws a history of up to 150 orders with their invoices and payments.
func featGoldenHistory(seed uint64) featGoldenCase {
	rng := rand.New(rand.NewPCG(seed, 2026))
	ny, _ := time.LoadLocation("America/New_York")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	locs := []*time.Location{time.UTC, ny, sh, time.FixedZone("x", -5*3600-1800)}
	pick := func() *time.Location { return locs[rng.IntN(len(locs))] }
	asOf := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(31), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(3)*500_000_000, pick())
	c := featGoldenCase{asOf: asOf}
	if rng.IntN(3) == 0 {
		c.opts = &risk.FeatureOptions{Location: pick(), KeyPersonDays: rng.IntN(3) * 60}
	}
	if rng.IntN(8) == 0 {
		if c.opts == nil {
			c.opts = &risk.FeatureOptions{}
		}
		c.opts.Scale = int32(1 + rng.IntN(4))
	}
	// at is an instant around asOf: mostly the 30 months before it, some after.
	at := func() time.Time {
		secs := rng.Int64N(30*31*86400) - 30*86400
		if rng.IntN(12) == 0 {
			secs = -rng.Int64N(86400) // asOf's day, after it too
		}
		return asOf.Add(-time.Duration(secs) * time.Second).In(pick())
	}
	dec := func(maxExp int) decimal.Decimal {
		n := rng.Int64N(100_000) + 1
		switch rng.IntN(20000) {
		case 0:
			n = rng.Int64N(1<<62) + 1 // the order's value overflows
		case 1, 2, 3, 4:
			n = rng.Int64N(1<<40) + 1
		}
		return decimal.New(n, -int32(rng.IntN(maxExp+1)))
	}
	share := func() decimal.Decimal {
		if rng.IntN(10) == 0 {
			return decimal.New(1+rng.Int64N(9_999_999_999_999), -14) // beyond featShareScale
		}
		return decimal.New(1+rng.Int64N(99), -2)
	}
	terms := func() b2bkit.PaymentTerms {
		switch rng.IntN(7) {
		case 0:
			return b2bkit.CashOnDelivery()
		case 1:
			return b2bkit.Prepaid()
		case 2:
			return b2bkit.DepositBalance(share(), rng.IntN(120))
		case 3:
			s := decimal.New(int64(1+rng.IntN(3)), -1)
			return b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
				{Share: s, Due: b2bkit.OnOrder, Days: rng.IntN(5)},
				{Share: s, Due: b2bkit.OnDelivery, Days: rng.IntN(30)},
				{Share: decimal.New(1, 0).Sub(s).Sub(s), Due: b2bkit.OnDelivery, Days: 30 + rng.IntN(60)}}}
		default:
			return b2bkit.Net(rng.IntN(91))
		}
	}
	nSellers := 3 + rng.IntN(4)
	if rng.IntN(4) == 0 {
		nSellers = 30 // beyond the short list
	}
	var r featRecords
	for k := range rng.IntN(150) {
		placed := at()
		o := featOrder(b2bkit.OrderID(fmt.Sprint("O", k)), b2bkit.CompanyID(fmt.Sprintf("s-%d", rng.IntN(nSellers))), placed, "1", terms())
		if rng.IntN(15) == 0 {
			o.Buyer = "jade-garden"
		}
		o.Terms.OrderedAt = placed.In(pick())
		o.Terms.DeliverBy = placed.Add(time.Duration(rng.Int64N(12*86400)) * time.Second)
		if rng.IntN(500) == 0 {
			o.Terms.DeliverBy = placed.AddDate(0, 0, b2bkit.MaxTermDays-2+rng.IntN(4))
		}
		o.Lines = o.Lines[:0]
		for l := range 1 + rng.IntN(4) {
			o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: b2bkit.SKU(fmt.Sprint("K", l)), Quantity: dec(3), UnitPrice: dec(4)})
		}
		r.orders = append(r.orders, o)
	}
	if rng.IntN(3) == 0 { // not in date order
		rng.Shuffle(len(r.orders), func(i, j int) { r.orders[i], r.orders[j] = r.orders[j], r.orders[i] })
	}
	var numbers []b2bkit.InvoiceNumber
	for k, o := range r.orders {
		if rng.IntN(5) == 0 {
			continue
		}
		issued := o.PlacedAt.Add(time.Duration(rng.IntN(5*86400)) * time.Second)
		inv := featInvoice(b2bkit.InvoiceNumber(fmt.Sprint("I", k)), o.ID, "1", issued, issued.AddDate(0, 0, rng.IntN(70)))
		inv.Buyer = o.Buyer
		inv.Amount = b2bkit.Round(o.Total(), 2, b2bkit.HalfUp)
		if inv.Amount.IsZero() {
			inv.Amount = decimal.New(1, -2)
		}
		if rng.IntN(12) == 0 {
			inv.Amount = decimal.New(-1-rng.Int64N(5000), -2) // a credit note
		}
		r.invoices = append(r.invoices, inv)
		numbers = append(numbers, inv.Number)
	}
	if rng.IntN(4) == 0 {
		rng.Shuffle(len(r.invoices), func(i, j int) { r.invoices[i], r.invoices[j] = r.invoices[j], r.invoices[i] })
	}
	for k, inv := range r.invoices {
		for n := range rng.IntN(4) {
			p := featPayment(b2bkit.PaymentID(fmt.Sprint("P", k, "-", n)), inv.Number, "1", inv.DueAt.AddDate(0, 0, rng.IntN(60)-25).In(pick()))
			p.Amount = inv.Amount.Abs()
			if n > 0 || rng.IntN(4) == 0 {
				p.Amount = decimal.New(1+rng.Int64N(max(1, p.Amount.CoefficientInt64())), -2)
			}
			r.payments = append(r.payments, p)
		}
	}
	if len(numbers) > 0 && rng.IntN(3) == 0 {
		r.payments = append(r.payments, featPayment("PX", "NOPE", "5.00", asOf.Add(-time.Hour)))
	}
	if rng.IntN(3) == 0 {
		rng.Shuffle(len(r.payments), func(i, j int) { r.payments[i], r.payments[j] = r.payments[j], r.payments[i] })
	}
	for range rng.IntN(3) {
		r.wallets = append(r.wallets, risk.Wallet{Company: featBuyer, Monthly: dec(2), AsOf: at()})
	}
	if rng.IntN(2) == 0 {
		r.people = featChanges{{Person: "li", At: asOf.AddDate(0, 0, -rng.IntN(200)), From: featBuyer, LostRoles: []crm.Role{crm.Payer}}}
	}
	// Now and then one bad record, anywhere.
	switch rng.IntN(40) {
	case 0:
		if len(r.orders) > 0 {
			r.orders[rng.IntN(len(r.orders))].Lines[0].Quantity = decimal.New(-1, 0)
		}
	case 1:
		if len(r.orders) > 0 {
			r.orders[rng.IntN(len(r.orders))].Lines[0].UnitPrice = decimal.New(-5, -2)
		}
	case 2:
		if len(r.invoices) > 0 {
			r.invoices[rng.IntN(len(r.invoices))].Amount = decimal.Zero
		}
	case 3:
		if len(r.payments) > 0 {
			r.payments[rng.IntN(len(r.payments))].Currency = "USD"
		}
	case 4:
		if len(r.orders) > 0 {
			o := &r.orders[rng.IntN(len(r.orders))]
			o.Terms.DeliverBy = o.Terms.OrderedAt.Add(-time.Hour)
		}
	case 5:
		if len(r.invoices) > 1 {
			r.invoices[1].Number = r.invoices[0].Number
		}
	case 6:
		if len(r.orders) > 0 {
			r.orders[rng.IntN(len(r.orders))].Seller = ""
		}
	case 7:
		if len(r.orders) > 0 {
			r.orders[rng.IntN(len(r.orders))].Lines[0].Quantity = decimal.New(1, -30)
		}
	}
	c.r = r
	return c
}
