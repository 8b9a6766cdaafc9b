package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The quickstart is the README's first command: it must run, and print the same story every time.
func TestQuickstartRuns(t *testing.T) {
	var a, b strings.Builder
	require.NoError(t, run(&a))
	require.NoError(t, run(&b))
	require.Equal(t, a.String(), b.String())
	require.Contains(t, a.String(), "credit days: 39")
	require.Contains(t, a.String(), "2026-05-10    3723.72")
}
