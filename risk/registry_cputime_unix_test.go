//go:build unix

package risk_test

import (
	"syscall"
	"time"
)

// regCPUTime is the CPU time the process has used, all threads (the collector's too), for the
// registry's benchmarks to report per op beside the wall time, which other work on a shared
// machine inflates.
func regCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
