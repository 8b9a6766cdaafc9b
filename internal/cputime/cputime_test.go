//go:build unix

package cputime_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/b2bkit/b2bkit/internal/cputime"
)

// Work done between two readings shows as processor time used.
func TestUsedGrowsWithWork(t *testing.T) {
	before := cputime.Used()
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	after := cputime.Used()
	assert.Positive(t, before)
	assert.Greater(t, after, before, "work done: %d", x)
}
