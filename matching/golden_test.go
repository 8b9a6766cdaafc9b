package matching_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/matching"
)

// goldenAnswers is where TestBookAnswersStayAsTheyWere keeps the answers the book gave before its
// projection was last reorganised for speed, each as the first 16 hex digits of the SHA-256 of its
// JSON (answers are json.Marshal's, so equal answers hash alike). B2BKIT_WRITE_GOLDEN=1 writes it
// afresh: only from a version whose answers are known good.
const goldenAnswers = "testdata/answers.golden.json"

// TestBookAnswersStayAsTheyWere: every question — reference prices under each rule, Rank with its
// reasons and placings, Demand, Rhythm, Health — asked of a year of a small market with backdated
// batches and dated status changes, today and as of a past date, gets the very answer the book
// gave before its projection was laid out for speed (skuRow lists, subsidy bits, integer reasons).
func TestBookAnswersStayAsTheyWere(t *testing.T) {
	got := map[string]map[string]string{}
	for _, seed := range []uint64{21, 5} {
		l := matching.NewMemoryLog()
		randomPlay(seed, 1500).apply(t, matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return today }}))
		for _, clock := range []time.Time{today, today.AddDate(0, 0, -40)} {
			b := matching.NewBook(l, engine(t), &matching.Options{Now: func() time.Time { return clock }})
			run := map[string]string{}
			for k, v := range answers(t, b) {
				sum := sha256.Sum256([]byte(v))
				run[k] = hex.EncodeToString(sum[:8])
			}
			got[string(rune('a'+seed%26))+clock.Format(time.DateOnly)] = run
		}
	}
	if os.Getenv("B2BKIT_WRITE_GOLDEN") == "1" {
		js, err := json.MarshalIndent(got, "", "\t")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(goldenAnswers, js, 0o644))
		return
	}
	js, err := os.ReadFile(goldenAnswers)
	require.NoError(t, err)
	var want map[string]map[string]string
	require.NoError(t, json.Unmarshal(js, &want))
	require.Len(t, got, len(want))
	for run, answers := range want {
		require.Len(t, got[run], len(answers), run)
		for k, v := range answers {
			require.Equal(t, v, got[run][k], "%s: %s", run, k)
		}
	}
}
