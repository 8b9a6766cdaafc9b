package matching_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/matching/matchingtest"
)

func TestMemoryLogConformance(t *testing.T) {
	matchingtest.Run(t, func(*testing.T) matching.Log { return matching.NewMemoryLog() })
}

func TestZeroMemoryLogConformance(t *testing.T) {
	matchingtest.Run(t, func(*testing.T) matching.Log { return new(matching.MemoryLog) })
}
