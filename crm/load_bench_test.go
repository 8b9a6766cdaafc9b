package crm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/memtest"
)

// benchCompany is a customer with a wallet estimate, two tier changes and two stages.
func benchCompany(i int) crm.Company {
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	return crm.Company{ID: b2bkit.CompanyID(fmt.Sprintf("C%06d", i)), Name: fmt.Sprintf("Restaurant %d", i), Territory: "Hangzhou-Xihu",
		City: "Hangzhou", Industry: "restaurant", Wallet: crm.Wallet{Amount: decimal.NewFromInt(1_200_000), Currency: "CNY", Method: "seats x average ticket", AsOf: at},
		Tier: "gold", TierHistory: []crm.TierChange{{To: "silver", At: at, Points: decimal.NewFromInt(120)},
			{From: "silver", To: "gold", At: at.AddDate(0, 3, 0), Points: decimal.NewFromInt(310)}},
		OwnerRep: "rep-7", AcquiredBy: "rep-3", Stage: crm.Repurchasing,
		Stages: []crm.StageChange{{Stage: crm.Converted, At: at}, {Stage: crm.Repurchasing, At: at.AddDate(0, 1, 0)}}, Version: 4}
}

// BenchmarkReadRecords20k reads 20,000 companies and 20,000 people (in the clear) from JSON lists,
// as a host that keeps the CRM's records as JSON, or exports them, reads them back.
func BenchmarkReadRecords20k(b *testing.B) {
	b.Run("companies", func(b *testing.B) {
		cs := make([]crm.Company, 20_000)
		for i := range cs {
			cs[i] = benchCompany(i)
		}
		doc, err := json.Marshal(cs)
		if err != nil {
			b.Fatal(err)
		}
		memtest.BenchRead(b, doc, func() error {
			var v []crm.Company
			return json.Unmarshal(doc, &v)
		})
	})
	b.Run("people", func(b *testing.B) {
		at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
		raw := make([]json.RawMessage, 20_000)
		for i := range raw {
			p := crm.Person{ID: b2bkit.PersonID(fmt.Sprintf("p%06d", i)), Name: "Li Na", Version: 2,
				Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: fmt.Sprintf("138%08d", i), Since: at}, {Kind: crm.Email, Value: fmt.Sprintf("li%d@example.com", i), Since: at}}}
			var err error
			if raw[i], err = p.ClearJSON(); err != nil {
				b.Fatal(err)
			}
		}
		doc, err := json.Marshal(raw)
		if err != nil {
			b.Fatal(err)
		}
		memtest.BenchRead(b, doc, func() error {
			var v []crm.Person
			return json.Unmarshal(doc, &v)
		})
	})
}

// benchPeopleCSV is a people import of n rows at 1,000 companies C00000-C00999.
func benchPeopleCSV(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("key,name,mobile,email,company,title,roles,start\n")
	for i := range n {
		fmt.Fprintf(&buf, "k%06d,Li Na,138%08d,li%d@example.com,C%05d,buyer,decision_maker|payer,2024-01-31\n", i, i, i, i%1000)
	}
	return buf.Bytes()
}

// BenchmarkReadPeopleCSV100k reads a people import of 100,000 rows (about 9 MB).
func BenchmarkReadPeopleCSV100k(b *testing.B) {
	doc := benchPeopleCSV(100_000)
	memtest.BenchRead(b, doc, func() error {
		for _, err := range crm.ReadPeopleCSV(bytes.NewReader(doc), nil) {
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkImportCSV20k imports 20,000 people with their jobs at 1,000 companies from CSV into an
// empty in-memory CRM: the import a platform runs when it moves from another system.
func BenchmarkImportCSV20k(b *testing.B) {
	doc := benchPeopleCSV(20_000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		c := newCRM(b, nil)
		for i := range 1000 {
			addCompany(b, c, b2bkit.CompanyID(fmt.Sprintf("C%05d", i)), crm.Target)
		}
		b.StartTimer()
		if _, err := c.Import(ctx, crm.ReadPeopleCSV(bytes.NewReader(doc), nil)); err != nil {
			b.Fatal(err)
		}
	}
}
