//go:build unix

package funnel_test

import (
	"syscall"
	"time"
)

// cpuTime is the processor time the process has used, in user and system mode: on a machine shared
// with other work, a steadier measure of a benchmark than the time on the clock.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
