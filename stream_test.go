package b2bkit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/b2bkit/b2bkit"
)

func TestStreamYieldsEachValueAndStopsWhenAsked(t *testing.T) {
	var got []string
	for s, err := range b2bkit.Stream([]string{"a", "b", "c"}) {
		assert.NoError(t, err)
		got = append(got, s)
		if s == "b" {
			break
		}
	}
	assert.Equal(t, []string{"a", "b"}, got)
	for range b2bkit.Stream[int](nil) {
		t.Fatal("a nil slice yields nothing")
	}
}
