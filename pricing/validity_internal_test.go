package pricing

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, wherever the tests run

	"github.com/stretchr/testify/require"
)

// Property (R27 validity): the engine's validity, worked out once per calendar day, is lastInstant
// of every instant it serves — across daylight-saving changes, including zones that change at
// midnight, in time order and out of it.
func TestProperty_ValidUntilIsLastInstant(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 7))
	for _, zone := range []string{"UTC", "Asia/Shanghai", "America/New_York", "America/Santiago", "Europe/London", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		for _, days := range []int{0, 1, 7, 30} {
			e := &Engine{policy: Policy{ValidDays: days}}
			at := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
			for range 3_000 {
				at = at.Add(time.Duration(rng.Int64N(int64(9 * time.Hour))))
				now := at
				if rng.IntN(4) == 0 { // out of order
					now = at.Add(-time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
				}
				want, got := lastInstant(now, days), e.validUntil(now)
				require.True(t, want.Equal(got), "%s +%d days at %s: %s, want %s", zone, days, now, got, want)
				require.Same(t, want.Location(), got.Location())
				require.Equal(t, want.String(), got.String())
			}
		}
	}
}

// startWalk and termsInfo.reset set a reused walk and terms analysis field by field (copying a
// whole one costs a write barrier per pointer while the collector runs): a field added to either
// type must be added there too, and this count says so.
func TestScratchResetsEveryField(t *testing.T) {
	require.Equal(t, 31, reflect.TypeFor[walk]().NumField(), "a walk field was added or removed: set it in startWalk")
	require.Equal(t, 17, reflect.TypeFor[termsInfo]().NumField(), "a termsInfo field was added or removed: set it in termsInfo.reset")
}
