//go:build !unix

package risk_test

import "time"

// regCPUTime is not measured here; the benchmarks then report no CPU time.
func regCPUTime() time.Duration { return 0 }
