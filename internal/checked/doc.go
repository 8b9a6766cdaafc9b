// Package checked holds integer arithmetic that reports overflow instead of wrapping, for the loops
// that add money in minor units.
package checked
