package crm

import (
	"hash/maphash"
	"testing"

	"github.com/stretchr/testify/require"
)

// A 64-bit hash collision cannot be produced on purpose, so plant one: the hash slot of a key
// already points at a person who holds a different key.
func TestContactIndexSurvivesHashCollisions(t *testing.T) {
	people := []Person{
		{ID: "a", Contacts: []ContactPoint{{Kind: Mobile, Value: "13800000001"}}},
		{ID: "b", Contacts: []ContactPoint{{Kind: Mobile, Value: "13800000002"}}},
	}
	x := contactIndex{seed: maphash.MakeSeed(), byHash: map[uint64]int32{}}
	keyB := ContactKey(Mobile, "13800000002")
	x.byHash[maphash.String(x.seed, keyB)] = 0 // collides with a's key
	x.put(keyB, 1, people)
	require.Len(t, x.collide, 1)
	i, ok := x.get(keyB, people)
	require.True(t, ok)
	require.Equal(t, int32(1), i)
	x.remove(keyB)
	_, ok = x.get(keyB, people)
	require.False(t, ok, "the planted slot points at a person without the key")
	require.Empty(t, x.collide)
}
