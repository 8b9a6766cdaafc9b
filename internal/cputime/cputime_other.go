//go:build !unix

package cputime

import "time"

// Used is zero here: the processor time is not read on this system, and benchmarks report none.
func Used() time.Duration { return 0 }
