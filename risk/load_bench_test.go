package risk_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/memtest"
	"github.com/b2bkit/b2bkit/risk"
)

// benchAnswers are the answers of a credit check of the busy buyer of BenchmarkFeatures, as a host
// keeps them for its audit trail: the feature set, the score and the limit.
func benchAnswers(b *testing.B) (risk.FeatureSet, risk.Result, risk.Limit) {
	b.Helper()
	fs, err := risk.Features(featBuyer, featBenchHistory().history(), featAsOf)
	if err != nil {
		b.Fatal(err)
	}
	res, err := risk.DefaultScorecard().Score(fs)
	if err != nil {
		b.Fatal(err)
	}
	lim, err := risk.DefaultLimitPolicy().Limit(fs, res)
	if err != nil {
		b.Fatal(err)
	}
	return fs, res, lim
}

// listOf is n copies of v as one JSON list.
func listOf[T any](b *testing.B, v T, n int) []byte {
	b.Helper()
	all := make([]T, n)
	for i := range all {
		all[i] = v
	}
	doc, err := json.Marshal(all)
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkReadAnswers5k reads back 5,000 credit checks' answers, each kind as one JSON list: the
// audit trail of a day of a busy platform.
func BenchmarkReadAnswers5k(b *testing.B) {
	fs, res, lim := benchAnswers(b)
	b.Run("feature sets", func(b *testing.B) {
		doc := listOf(b, fs, 5000)
		memtest.BenchRead(b, doc, func() error {
			var v []risk.FeatureSet
			return json.Unmarshal(doc, &v)
		})
	})
	b.Run("results", func(b *testing.B) {
		doc := listOf(b, res, 5000)
		memtest.BenchRead(b, doc, func() error {
			var v []risk.Result
			return json.Unmarshal(doc, &v)
		})
	})
	b.Run("limits", func(b *testing.B) {
		doc := listOf(b, lim, 5000)
		memtest.BenchRead(b, doc, func() error {
			var v []risk.Limit
			return json.Unmarshal(doc, &v)
		})
	})
}

// BenchmarkReadReceivables10k reads 10,000 receivables of the registry, each financed (four
// transitions), as a host's export of it holds them.
func BenchmarkReadReceivables10k(b *testing.B) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	rs := make([]risk.Receivable, 10_000)
	for i := range rs {
		inv := b2bkit.Invoice{Number: b2bkit.InvoiceNumber(fmt.Sprintf("INV-%07d", i)), Seller: b2bkit.CompanyID(fmt.Sprintf("S%04d", i%1000)),
			Buyer: b2bkit.CompanyID(fmt.Sprintf("D%04d", i%5000)), Orders: []b2bkit.OrderID{"PO-1"}, Amount: decimal.New(int64(10_000+i), -2),
			Currency: "CNY", IssuedAt: t0, DueAt: t0.AddDate(0, 0, 30+i%90)}
		fp, err := risk.FingerprintOf(inv)
		if err != nil {
			b.Fatal(err)
		}
		amount := decimal.New(int64(8_000+i), -2)
		rs[i] = risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateFinanced, Lender: "BANK-A", Financed: amount, Version: 3,
			History: []risk.Transition{
				{To: risk.StateOffered, At: t0.Add(time.Hour), By: "seller", Lender: "BANK-A"},
				{To: risk.StateConfirmed, At: t0.Add(2 * time.Hour), By: "debtor", Lender: "BANK-A"},
				{To: risk.StateFinanced, At: t0.Add(3 * time.Hour), By: "officer", Lender: "BANK-A", Amount: amount},
			}}
	}
	doc, err := json.Marshal(rs)
	if err != nil {
		b.Fatal(err)
	}
	memtest.BenchRead(b, doc, func() error {
		var v []risk.Receivable
		return json.Unmarshal(doc, &v)
	})
}

// BenchmarkLoadScorecard60x250 loads a card of 60 attributes of 250 categorical bins each (about 0.5 MB,
// within the 1 MiB a configuration may have): a card scoring a buyer's city, district and trade.
func BenchmarkLoadScorecard60x250(b *testing.B) {
	card := risk.Scorecard{Name: "wide", Base: 600, Grades: risk.DefaultScorecard().Grades}
	for a := range 60 {
		missing := float64(-a)
		at := risk.Attribute{Feature: risk.Feature(fmt.Sprintf("district_%02d", a)), MissingPoints: &missing}
		for k := range 250 {
			at.Bins = append(at.Bins, risk.Bin{Categories: []string{fmt.Sprintf("c%03d", k)}, Points: float64(k % 50)})
		}
		card.Attributes = append(card.Attributes, at)
	}
	doc, err := json.Marshal(card)
	if err != nil {
		b.Fatal(err)
	}
	memtest.BenchRead(b, doc, func() error {
		_, err := risk.LoadScorecard(bytes.NewReader(doc))
		return err
	})
}
