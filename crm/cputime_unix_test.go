//go:build unix

package crm_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, all threads (the collector's too). Benchmarks
// report it per op beside the wall time, which other work on a shared machine inflates.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
