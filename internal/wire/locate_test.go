package wire_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A value the decoder refuses is named by its path, whatever package's document holds it:
// encoding/json alone says "cannot unmarshal string into Go struct field line.qty", not which line.
func TestDecodeStrictNamesTheValueThatDoesNotDecode(t *testing.T) {
	type line struct {
		Qty int `json:"qty"`
	}
	type order struct {
		Lines []line          `json:"lines"`
		Tags  map[string]bool `json:"tags"`
	}
	for doc, path := range map[string]string{
		`{"lines":[{"qty":1},{"qty":"x"}]}`: "lines[1].qty",
		`{"tags":{"a":true,"b":3}}`:         "tags.b",
		`{"lines":{"qty":1}}`:               "lines",
	} {
		var o order
		err := wire.DecodeStrict([]byte(doc), &o)
		require.ErrorIs(t, err, xerr.ErrInvalid, doc)
		require.ErrorContains(t, err, path+": ", doc)
	}
}
