package risk_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/cputime"
	"github.com/b2bkit/b2bkit/risk"
)

// regBenchSize is how many receivables the registry of BenchmarkFinance holds: a platform's
// receivables of several years.
const regBenchSize = 1_000_000

// regBench is the registry BenchmarkFinance finances from, built once per process: every
// receivable confirmed for BANK-A, ready to finance. next is the next one to finance; when all are
// financed the benchmark puts them back to confirmed, with the timer stopped.
var regBench struct {
	once sync.Once
	reg  *risk.MemoryRegistry
	fps  []risk.Fingerprint
	next int
}

func regBenchRegistry(b *testing.B) {
	regBench.once.Do(func() {
		reg := risk.NewMemoryRegistry()
		fps := make([]risk.Fingerprint, regBenchSize)
		sellers, buyers := make([]b2bkit.CompanyID, 1000), make([]b2bkit.CompanyID, 5000)
		for i := range sellers {
			sellers[i] = b2bkit.CompanyID(fmt.Sprintf("S%04d", i))
		}
		for i := range buyers {
			buyers[i] = b2bkit.CompanyID(fmt.Sprintf("D%04d", i))
		}
		orders := []b2bkit.OrderID{"PO-1"}
		for i := range fps {
			inv := b2bkit.Invoice{Number: b2bkit.InvoiceNumber(fmt.Sprintf("INV-%07d", i)), Seller: sellers[i%len(sellers)],
				Buyer: buyers[(i/len(sellers))%len(buyers)], Orders: orders, Amount: decimal.New(int64(10_000+i%90_000), -2),
				Currency: "CNY", IssuedAt: regT0, DueAt: regT0.AddDate(0, 0, 30+i%90)}
			fp, err := risk.FingerprintOf(inv)
			if err != nil {
				b.Fatal(err)
			}
			r := risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateConfirmed, Lender: "BANK-A",
				History: []risk.Transition{
					{To: risk.StateOffered, At: regAt(1), By: "seller", Lender: "BANK-A"},
					{To: risk.StateConfirmed, At: regAt(2), By: "debtor", Lender: "BANK-A"},
				}}
			if _, err := reg.Put(regCtx, r); err != nil {
				b.Fatal(err)
			}
			fps[i] = fp
		}
		regBench.reg, regBench.fps = reg, fps
		runtime.GC() // the garbage of building is not the benchmark's
	})
	if regBench.reg == nil {
		b.Fatal("the benchmark registry could not be built")
	}
}

// regBenchReset puts the financed receivables back to confirmed.
func regBenchReset(b *testing.B) {
	for _, fp := range regBench.fps[:regBench.next] {
		r, err := regBench.reg.Get(regCtx, fp)
		if err != nil {
			b.Fatal(err)
		}
		r.History, r.State, r.Financed = r.History[:2], risk.StateConfirmed, decimal.Zero
		if _, err := regBench.reg.Put(regCtx, r); err != nil {
			b.Fatal(err)
		}
	}
	regBench.next = 0
	runtime.GC() // the garbage of resetting is not the benchmark's either
}

// BenchmarkFinance finances one confirmed receivable per operation, through the Ledger's read,
// check and compare-and-swap, in a memory registry holding a million receivables. Beside the wall
// time it reports the process's CPU time per operation (cpu-ns/op), the collector's included,
// which a shared machine inflates less.
func BenchmarkFinance(b *testing.B) {
	regBenchRegistry(b)
	l := risk.NewLedger(regBench.reg, nil)
	amount := decimal.New(5000, -2)
	at := regAt(3)
	b.ReportAllocs()
	var cpu time.Duration // the CPU time of the loop, all threads, less the resets
	start := cputime.Used()
	for b.Loop() {
		if regBench.next == len(regBench.fps) {
			b.StopTimer()
			cpu += cputime.Used() - start
			regBenchReset(b)
			start = cputime.Used()
			b.StartTimer()
		}
		fp := regBench.fps[regBench.next]
		regBench.next++
		if _, err := l.Finance(regCtx, fp, "BANK-A", amount, "officer", at); err != nil {
			b.Fatal(err)
		}
	}
	cpu += cputime.Used() - start
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(regBench.reg.Len()), "receivables")
}

// BenchmarkFingerprintOf fingerprints an invoice whose number a clerk typed with dashes and
// full-width digits.
func BenchmarkFingerprintOf(b *testing.B) {
	inv := regInvoice("inv-２０２６－００１", "1200.00")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.FingerprintOf(inv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinancedOutstanding sums what lenders advanced to one seller, reading its thousand
// receivables from the memory registry of BenchmarkFinance.
func BenchmarkFinancedOutstanding(b *testing.B) {
	regBenchRegistry(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := risk.FinancedOutstanding(regCtx, regBench.reg, "S0007"); err != nil {
			b.Fatal(err)
		}
	}
}
