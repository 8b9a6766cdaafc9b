package pricing

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// A policy (and a quote) is read through plain forms of its types, so that it is checked and
// decoded once: each form names exactly the fields its type writes, and below the policy only the
// leaves read themselves — a form that read itself would check and decode its part of the
// document again.
func TestPolicyReadFormsNameWhatTheTypesWriteAndReadNothingAgain(t *testing.T) {
	names := func(t reflect.Type) []string { return slices.Sorted(maps.Keys(wire.Fields(t))) }
	for _, c := range []struct{ read, written reflect.Type }{
		{reflect.TypeFor[policyJSON](), reflect.TypeFor[Policy]()},
		{reflect.TypeFor[stepJSON](), reflect.TypeFor[Step]()},
		{reflect.TypeFor[ruleIn](), reflect.TypeFor[ruleJSON[Band, EarlyPayment]]()},
		{reflect.TypeFor[quoteIn](), reflect.TypeFor[quoteJSON]()},
		{reflect.TypeFor[adjustmentIn](), reflect.TypeFor[adjustmentJSON[Breach, Exclusion]]()},
	} {
		require.Equal(t, names(c.written), names(c.read), "%s reads what %s writes", c.read, c.written)
	}

	leaves := map[reflect.Type]bool{ // read by themselves, alone: no part of a policy below them
		reflect.TypeFor[b2bkit.JSONDecimal]():  true,
		reflect.TypeFor[time.Time]():           true,
		reflect.TypeFor[b2bkit.PaymentTerms](): true, // a step's reference terms: the root's, once a step
	}
	reader := reflect.TypeFor[json.Unmarshaler]()
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if seen[typ] {
			return
		}
		seen[typ] = true
		if reflect.PointerTo(typ).Implements(reader) {
			require.True(t, leaves[typ], "%s (%s) reads itself", path, typ)
			return
		}
		if typ.Kind() == reflect.Struct {
			for name, ft := range wire.Fields(typ) {
				walk(ft, path+"."+name)
			}
		}
	}
	walk(reflect.TypeFor[policyJSON](), "policy")
	walk(reflect.TypeFor[stepJSON](), "step")
	walk(reflect.TypeFor[ruleIn](), "rule")

	// A quote's lists (lines, parts, breaches) are read with it; what it holds once reads itself.
	for _, once := range []reflect.Type{reflect.TypeFor[Request](), reflect.TypeFor[LineTax](),
		reflect.TypeFor[EarlyPaymentOffer](), reflect.TypeFor[b2bkit.Due]()} {
		leaves[once] = true
	}
	walk(reflect.TypeFor[quoteIn](), "quote")
}

// The checker parses only the decimals that are not plainly well formed: every text plainDecimal
// lets through, ParseDecimal takes.
func TestPlainDecimalsAreDecimals(t *testing.T) {
	for _, text := range []string{"0", "-0", "12.50", "-1234567890.1234567", "1234567890123456789", "-123456789012345678",
		"0.00000000000000001", "007"} {
		require.True(t, plainDecimal([]byte(text)), text)
	}
	for _, text := range []string{"", "-", ".5", "5.", "1e5", "+1", "1.2.3", "--1", " 1", "12345678901234567890", "0.000000000000000001",
		"1_000", "١٢"} {
		require.False(t, plainDecimal([]byte(text)), text)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "-0123456789.e+ "
	for range 200_000 {
		b := make([]byte, rng.IntN(22))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if plainDecimal(b) {
			_, err := b2bkit.ParseDecimal(string(b))
			require.NoError(t, err, "%q", b)
		}
	}
}
