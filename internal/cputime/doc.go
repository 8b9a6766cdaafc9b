// Package cputime reads the processor time the process has used, for benchmarks to report per
// operation beside the time on the clock: on a machine shared with other work, the clock counts the
// waiting too, and the processor time (the collector's threads included) does not.
package cputime
