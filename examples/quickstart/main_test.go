package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The quickstart is the README's first command: it must run, and print the same story every time.
func TestQuickstartRuns(t *testing.T) {
	var a, b strings.Builder
	require.NoError(t, run(&a, memoryPlatform()))
	require.NoError(t, run(&b, memoryPlatform()))
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

// With -db the platform lives in SQLite: the first run tells the same story and stores it; the
// second finds it and reads it back through the same interfaces.
func TestQuickstartKeepsItsPlatformInSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "platform.db")
	var mem, first, second strings.Builder
	require.NoError(t, run(&mem, memoryPlatform()))
	require.NoError(t, runDB(&first, path))
	require.True(t, strings.HasPrefix(first.String(), mem.String()), "the story is the same on SQLite")
	require.Contains(t, first.String(), "run again with -db")
	require.NoError(t, runDB(&second, path))
	out := second.String()
	require.Contains(t, out, "read back from "+path)
	require.Contains(t, out, "job change 2026-02-15: li-na left golden-wok-restaurant for jade-garden-hotel")
	require.Contains(t, out, "missing [decision_maker]")
	require.Regexp(t, `match log: \d+ entries, the last numbered \d+; \d+ matches of rice-25kg`, out)
	// The book rebuilt from SQLite answers as the one the first run asked.
	median := regexp.MustCompile(`median (\d+\.\d\d)`).FindStringSubmatch(first.String())
	require.NotNil(t, median)
	require.Contains(t, out, "reference for 40 bags, cash on delivery, median "+median[1]+" CNY")
	require.Contains(t, out, "receivable INV-2026-001 of steel-mill-2 on shipyard-7: financed by bank-a, 960000 of 1200000, 3 steps")
}
