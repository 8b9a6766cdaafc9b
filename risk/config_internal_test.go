package risk

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConfigFloat_ANumberIsReadWithoutADecoder: a number of a configuration (a bin's points, a
// card's base) is read as strconv reads it, not through a JSON decoder of its own for each value,
// which allocated several times for every bin of a card; anything else is still refused by name.
func TestConfigFloat_ANumberIsReadWithoutADecoder(t *testing.T) {
	for _, raw := range []json.RawMessage{json.RawMessage(`-40`), json.RawMessage(`12.5`), json.RawMessage(`0`)} {
		n := testing.AllocsPerRun(100, func() {
			_, err := configFloat("points", raw)
			require.NoError(t, err)
		})
		require.Zero(t, n, "%s", raw)
	}
	for raw, want := range map[string]float64{`-0`: 0, `1E2`: 100, `2.5e-1`: 0.25, `1e-400`: 0} {
		got, err := configFloat("points", json.RawMessage(raw))
		require.NoError(t, err, raw)
		require.Equal(t, want, got, raw)
	}
	for _, raw := range []string{`1e400`, `"1"`, `null`, `01`, `1.`, `.5`, `+1`, `0x10`, `Inf`, `NaN`, `1_000`, `[1]`} {
		_, err := configFloat("points", json.RawMessage(raw))
		require.Error(t, err, raw)
	}
}
