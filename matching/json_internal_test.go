package matching

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// TestTermsInReadsAsTerms: a match's terms, read through termsIn in the match's own decode, are what
// b2bkit.Terms reads from the same document, and a document it refuses termsIn refuses with the same
// message; termsIn names b2bkit's fields, no more and no fewer.
func TestTermsInReadsAsTerms(t *testing.T) {
	names := func(t reflect.Type) []string { return slices.Sorted(maps.Keys(wire.Fields(t))) }
	in := reflect.TypeFor[termsIn]()
	pay, _ := in.FieldByName("Payment")
	ins, _ := pay.Type.FieldByName("Installments")
	for _, c := range [][2]reflect.Type{{reflect.TypeFor[b2bkit.Terms](), in}, {reflect.TypeFor[b2bkit.PaymentTerms](), pay.Type},
		{reflect.TypeFor[b2bkit.Installment](), ins.Type.Elem()}} {
		require.Equal(t, names(c[0]), names(c[1]), "%v", c[0])
	}
	const at = `"ordered_at":"2026-03-01T10:00:00+08:00","deliver_by":"2026-03-05T10:00:00+08:00"`
	for _, doc := range []string{
		`{"payment":{"installments":[{"share":"0.3","due":"on_order","days":0},{"share":"0.7","due":"on_delivery","days":30}]},` + at + `}`,
		`{"payment":{"installments":[]}}`, `{"payment":{"installments":null}}`, `{"payment":{}}`, `{}`, `null`,
		`{"payment":null,` + at + `}`, `{"payment":{"installments":[null]}}`,
		`{"payment":{"installments":[{"share":"1e1","due":"on_order","days":0}]}}`,
		`{"payment":{"installments":[{"share":"1","due":"never","days":0}]}}`,
		`{"payment":{"installments":[{"share":"1","due":"on_order","days":"0"}]}}`,
		`{"payment":{"installments":[{"Share":"1","due":"on_order","days":0}]}}`,
		`{"payment":{"installments":[{"share":"1","share":"1","due":"on_order","days":0}]}}`,
		`{"payment":{"installments":{}}}`, `{"payment":[]}`, `{"ordered_at":"tomorrow"}`, `{"Payment":{}}`, `{"x":1}`, `[]`,
	} {
		var want b2bkit.Terms
		wantErr := json.Unmarshal([]byte(doc), &want)
		var w termsIn
		gotErr := wire.DecodeStrict([]byte(doc), &w)
		require.Equal(t, fmt.Sprint(wantErr), fmt.Sprint(gotErr), doc)
		if wantErr == nil {
			got := w.value()
			require.True(t, want.Equal(got), "%s: %+v, b2bkit read %+v", doc, got, want)
			require.Equal(t, want.Payment.Installments == nil, got.Payment.Installments == nil, doc)
		}
	}
}
