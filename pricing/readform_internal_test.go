package pricing

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// A policy is read through plain forms of its types, so that it is checked and decoded once: each
// form names exactly the fields its type writes, and below the policy only the leaves read
// themselves — a form that read itself would check and decode its part of the document again.
func TestPolicyReadFormsNameWhatTheTypesWriteAndReadNothingAgain(t *testing.T) {
	names := func(t reflect.Type) []string { return slices.Sorted(maps.Keys(wire.Fields(t))) }
	for _, c := range []struct{ read, written reflect.Type }{
		{reflect.TypeFor[policyJSON](), reflect.TypeFor[Policy]()},
		{reflect.TypeFor[stepJSON](), reflect.TypeFor[Step]()},
		{reflect.TypeFor[ruleIn](), reflect.TypeFor[ruleJSON[Band, EarlyPayment]]()},
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
}
