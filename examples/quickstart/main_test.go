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
	// The credit section approves one order, holds one that fits only with a deposit, and warns.
	require.Regexp(t, `order PO-202603-1, .*: approve`, a.String())
	require.Regexp(t, `order PO-202603-2, .*: hold`, a.String())
	require.Regexp(t, `proposal: \d+% on order`, a.String())
	require.Contains(t, a.String(), "key_person_gone")
	// The trade-finance section catches the faked trade and refuses the second financing.
	for _, code := range []string{"payer_not_buyer", "invoiced_before_shipment", "received_less_than_invoiced"} {
		require.Contains(t, a.String(), code)
	}
	require.Contains(t, a.String(), "offered to bank-b: refused")
}
