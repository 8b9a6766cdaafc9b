package crm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// An idSet that outgrows its few ids moves them to a map and still finds every repeat.
func TestIDSetFindsRepeatsPastTheFew(t *testing.T) {
	s := idSet{}
	for i := range 3 * fewIDs {
		require.False(t, s.add(string(rune('a'+i))), "first time %d", i)
	}
	for i := range 3 * fewIDs {
		require.True(t, s.add(string(rune('a'+i))), "again %d", i)
	}
	s.clear()
	require.False(t, s.add("a"), "cleared")
	require.True(t, s.add("a"))
}
