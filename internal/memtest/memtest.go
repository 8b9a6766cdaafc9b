// Package memtest measures what reading a document costs, for the tests and benchmarks of b2bkit's
// loaders: bytes allocated by a call, and a benchmark's speed and allocation per byte read.
package memtest

import (
	"runtime"
	"testing"
)

// Allocated is the bytes f allocates on the heap (runtime.MemStats.TotalAlloc before and after).
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// BenchRead runs read, which decodes doc, as b's loop: MB/s is the document read per second, and
// alloc-B/B the bytes allocated per byte of it (a reader holding what it reads needs a few). A read
// that fails, first or later, fails the benchmark.
func BenchRead(b *testing.B, doc []byte, read func() error) {
	b.Helper()
	if err := read(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if err := read(); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(doc)), "alloc-B/B")
}
