package funnel_test

import (
	"bytes"
	"encoding/json"
	"iter"
	"testing"

	"github.com/b2bkit/b2bkit/funnel"
	"github.com/b2bkit/b2bkit/internal/memtest"
)

// jsonOf is the records of seq as one JSON list.
func jsonOf[T any](b *testing.B, seq iter.Seq2[T, error]) []byte {
	b.Helper()
	var all []T
	for v, err := range seq {
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, v)
	}
	doc, err := json.Marshal(all)
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkLoadCampaign100k loads a campaign of 100,000 targets (about 1.8 MB).
func BenchmarkLoadCampaign100k(b *testing.B) {
	c, _, _, _, _ := bigCity(100_000, 1)
	doc, err := json.Marshal(c)
	if err != nil {
		b.Fatal(err)
	}
	memtest.BenchRead(b, doc, func() error {
		_, err := funnel.LoadCampaign(bytes.NewReader(doc))
		return err
	})
}

// BenchmarkReadStreams100k reads the touches, purchases and wallets of a campaign of 100,000
// targets from JSON lists, as a host that keeps them as JSON feeds Evaluate: 100,000 of each.
func BenchmarkReadStreams100k(b *testing.B) {
	_, ts, ps, ws, _ := bigCity(100_000, 100_000)
	b.Run("touches", func(b *testing.B) {
		doc := jsonOf(b, ts)
		memtest.BenchRead(b, doc, func() error {
			var v []funnel.Touch
			return json.Unmarshal(doc, &v)
		})
	})
	b.Run("purchases", func(b *testing.B) {
		doc := jsonOf(b, ps)
		memtest.BenchRead(b, doc, func() error {
			var v []funnel.Purchase
			return json.Unmarshal(doc, &v)
		})
	})
	b.Run("wallets", func(b *testing.B) {
		doc := jsonOf(b, ws)
		memtest.BenchRead(b, doc, func() error {
			var v []funnel.Wallet
			return json.Unmarshal(doc, &v)
		})
	})
}

// BenchmarkReadReport20k reads back the report of a campaign of 20,000 targets after month 3
// (about 5.4 MB): every customer's penetration and every account's hand-off.
func BenchmarkReadReport20k(b *testing.B) {
	c, ts, ps, ws, asOf := bigCity(20_000, 100_000)
	r, err := funnel.Evaluate(c, ts, ps, ws, asOf)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := json.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	memtest.BenchRead(b, doc, func() error {
		var back funnel.Report
		return json.Unmarshal(doc, &back)
	})
}

// BenchmarkReadCohortTable10k reads a cohort table of 10,000 campaigns (about 7 MB): every territory
// and start month of a national platform over years.
func BenchmarkReadCohortTable10k(b *testing.B) {
	c, ts, ps, ws, asOf := bigCity(1000, 5000)
	r, err := funnel.Evaluate(c, ts, ps, ws, asOf)
	if err != nil {
		b.Fatal(err)
	}
	table, err := funnel.Cohorts(r)
	if err != nil {
		b.Fatal(err)
	}
	for len(table.Rows) < 10_000 {
		table.Rows = append(table.Rows, table.Rows[0])
	}
	doc, err := json.Marshal(table)
	if err != nil {
		b.Fatal(err)
	}
	memtest.BenchRead(b, doc, func() error {
		var back funnel.CohortTable
		return json.Unmarshal(doc, &back)
	})
}
