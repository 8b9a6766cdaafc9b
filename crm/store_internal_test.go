package crm

import (
	"cmp"
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

// Ids whose 8-byte prefixes differ compare as the prefixes do; equal prefixes say nothing, and the
// index then compares the ids.
func TestIDPrefixOrdersAsTheIDs(t *testing.T) {
	ids := []string{"", "\x00", "a", "a\x00", "a\x00b", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgi", "p00001@2011", "p00002@2011", "\xff\xff", "公司"}
	for _, a := range ids {
		for _, b := range ids {
			pa, pb := idPrefix(a), idPrefix(b)
			if pa != pb {
				require.Equal(t, cmp.Compare(a, b), cmp.Compare(pa, pb), "%q %q", a, b)
			}
		}
	}
}
