package matching_test

import (
	"encoding/csv"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
)

// TestReferencePrice_PeerRows writes the rows BenchmarkReferencePriceBusySKU's plain reference
// price is made of — the busy SKU's fulfilled trades in the 90-day window of the million-match log,
// each unit price restated to the request by the pricing engine — to the CSV file named by
// B2BKIT_PEER_CSV, for timing a SQL engine's mean and median over the same rows (see the DuckDB
// peer described in issue 12). It checks the rows first: their count, volume-weighted mean and
// nearest-rank median are the reference price's. Without the variable it is skipped: it builds the
// million-match log.
func TestReferencePrice_PeerRows(t *testing.T) {
	path := os.Getenv("B2BKIT_PEER_CSV")
	if path == "" {
		t.Skip("set B2BKIT_PEER_CSV to a file to write the busy SKU's rows to")
	}
	l := millionLog(t)
	e := engine(t)
	r := request("HOT", "100", b2bkit.Net(30))
	book := matching.NewBook(l, e, &matching.Options{Now: func() time.Time { return today }})
	ref, err := book.ReferencePrice(ctx, "HOT", r, 90*24*time.Hour)
	require.NoError(t, err)

	type row struct {
		m          matching.Match
		normalised decimal.Decimal
	}
	var rows []row
	for en, err := range l.Since(ctx, 0) {
		require.NoError(t, err)
		if en.Kind != matching.MatchAppended || en.Match.SKU != "HOT" || en.Match.At.Before(ref.From) || !en.Match.At.Before(ref.To) {
			continue
		}
		m, err := l.Get(ctx, en.Match.ID) // the status as it stands
		require.NoError(t, err)
		if m.Status != matching.Fulfilled {
			continue
		}
		from := pricing.Request{Buyer: m.Buyer, SKU: m.SKU, Quantity: m.Quantity, Terms: m.Terms, Currency: m.Currency}
		x, err := e.Normalize(m.UnitPrice, from, r)
		require.NoError(t, err)
		rows = append(rows, row{m, x})
	}
	require.Len(t, rows, ref.Count)
	sum, vol := decimal.Zero, decimal.Zero
	prices := make([]decimal.Decimal, len(rows))
	for i, x := range rows {
		sum = sum.Add(x.normalised.Mul(x.m.Quantity))
		vol = vol.Add(x.m.Quantity)
		prices[i] = x.normalised
	}
	slices.SortFunc(prices, decimal.Decimal.Cmp)
	requireDecEqual(t, ref.Volume, vol)
	requireDecEqual(t, ref.Mean, sum.DivRound(vol, 4))
	requireDecEqual(t, ref.Median, prices[(50*len(prices)+99)/100-1])

	f, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(f)
	require.NoError(t, w.Write([]string{"id", "buyer", "seller", "at", "quantity", "unit_price", "normalised_price", "subsidy"}))
	for _, x := range rows {
		require.NoError(t, w.Write([]string{x.m.ID, string(x.m.Buyer), string(x.m.Seller), x.m.At.UTC().Format(time.RFC3339Nano),
			x.m.Quantity.String(), x.m.UnitPrice.String(), x.normalised.String(), x.m.Subsidy.String()}))
	}
	w.Flush()
	require.NoError(t, w.Error())
	require.NoError(t, f.Close())
	t.Logf("%d rows to %s; reference: mean %s, median %s", len(rows), path, ref.Mean, ref.Median)
}
