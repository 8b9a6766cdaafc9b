package risk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// featPos and featKnown are two spellings of one list: a feature's position must be where
// featKnown puts it, or Values.All would name a value by another feature.
func TestFeatPosIsTheOrderOfFeatKnown(t *testing.T) {
	seen := map[Feature]bool{}
	for i, f := range featKnown() {
		assert.Equal(t, i, featPos(f), "%s", f)
		assert.False(t, seen[f], "%s listed twice", f)
		seen[f] = true
	}
	for _, f := range []Feature{"", "host_feature", "TENURE_MONTHS", TenureMonths + " "} {
		assert.Equal(t, -1, featPos(f), "%q", f)
	}
}
