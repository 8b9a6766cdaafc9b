package pricing

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// decodeStrict reads a pricing document into v: what wire.DecodeStrict checks (size, unknown
// fields, trailing data), and before it what encoding/json lets through (see checkDocument).
func decodeStrict(data []byte, v any) error {
	if err := checkDocument(data, nil); err != nil {
		return err
	}
	return wire.DecodeStrict(data, v)
}

// checkDocument rejects what encoding/json would accept in a pricing document: a key that is not
// written exactly as the field's name (encoding/json matches keys case-insensitively, with Unicode
// folding: every name here is lower-case snake_case, so any other key is unknown), a key given twice
// in one object (encoding/json keeps the last), null for an object (a band, a rule, a request,
// read as its zero value: an open band from 0) or an element of a list, a null currency (read as
// "", the price source's) and a decimal written with an exponent. Each error names the field by its path ("steps[3].rules[0].bands[2].percent").
// A document that is not JSON is left to the decoder, which reports it, and so is one over
// b2bkit.MaxJSONBytes, which wire.DecodeStrict refuses unread. When sizes is not nil (a policy, a
// step or a rule), it records the lengths of the lists of rules and refuses a list of steps, rules
// or bands longer than Validate allows, before it is decoded: an empty rule is three bytes of the
// document and 928 in memory.
func checkDocument(data []byte, sizes *listSizes) error {
	if len(data) > b2bkit.MaxJSONBytes {
		return nil
	}
	s := docScan{data: data, sizes: sizes}
	s.space()
	if s.literal("null") {
		return b2bkit.Invalid("", "null: must be an object")
	}
	s.i = 0
	return s.value(false, false, 0)
}

// listSizes are the lengths of the lists of rules in a step or policy document, found while it is
// checked, so that the decoder fills lists made to size: a rule's wire form is 464 bytes, and a list
// grown one rule at a time allocates five times the list (47 MB for 20,000 rules).
type listSizes struct {
	// own is the length of the document's own rules (a step's).
	own int
	// lists are the rules' lengths of each step of a policy's steps and order, once the list has
	// been read whole; pending while it is read.
	lists, pending [2][]int
}

// rules is a step's rules made to size, or nil.
func (z *listSizes) rules() []ruleIn {
	if z.own == 0 {
		return nil
	}
	return make([]ruleIn, 0, z.own)
}

// steps and order are a policy's steps and order steps made to size, each with its rules, or nil.
func (z *listSizes) steps() []stepJSON { return z.presize(z.lists[0]) }
func (z *listSizes) order() []stepJSON { return z.presize(z.lists[1]) }

func (z *listSizes) presize(lens []int) []stepJSON {
	if len(lens) == 0 {
		return nil
	}
	ws := make([]stepJSON, len(lens))
	for i, n := range lens {
		if n > 0 {
			ws[i].Rules = make([]ruleIn, 0, n)
		}
	}
	return ws
}

// record notes that the list at path, just read, has n elements.
func (z *listSizes) record(path []segment, n int) {
	list := func(g segment) int {
		switch {
		case !g.isKey:
		case string(g.key) == "steps":
			return 0
		case string(g.key) == "order":
			return 1
		}
		return -1
	}
	switch len(path) {
	case 1:
		if string(path[0].key) == "rules" {
			z.own = n
		} else if k := list(path[0]); k >= 0 {
			z.lists[k] = grown(z.pending[k], n)[:n]
		}
	case 3:
		k := list(path[0])
		if k < 0 || path[1].isKey || !path[2].isKey || string(path[2].key) != "rules" {
			return
		}
		i := path[1].index
		z.pending[k] = grown(z.pending[k], i+1)
		z.pending[k][i] = n
	}
}

// grown is l extended with zeros to at least n elements.
func grown(l []int, n int) []int {
	if len(l) < n {
		l = append(l, make([]int, n-len(l))...)
	}
	return l
}

// maxDepth bounds the nesting checkDocument walks; deeper documents are left to the decoder, which
// refuses them.
const maxDepth = 1000

type docScan struct {
	data []byte
	i    int
	// bad is set at the first thing that is not JSON: the scan stops and leaves it to the decoder.
	bad bool
	// path is the way down to the value being read, rendered only for an error: a path built for
	// every key and element would cost the document's depth at each, quadratic in a hostile one.
	path []segment
	// sizes, when not nil, records the lengths of the lists of rules; the lists of steps, rules and
	// bands are then held to their limits.
	sizes *listSizes
}

// A segment is one step of a path: an object key (unescaped, in the document or a copy), or an
// array index when isKey is false.
type segment struct {
	key   []byte
	index int
	isKey bool
}

// where is the path of the value being read, each key cut to what an error may echo (xerr.Echo).
func (s *docScan) where() string {
	var b strings.Builder
	for _, g := range s.path {
		switch {
		case !g.isKey:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(g.index))
			b.WriteByte(']')
		case b.Len() > 0:
			b.WriteByte('.')
			b.WriteString(xerr.Echo(string(g.key)))
		default:
			b.WriteString(xerr.Echo(string(g.key)))
		}
	}
	return b.String()
}

// stop marks the document malformed and returns nil: the decoder will say what is wrong.
func (s *docScan) stop() error {
	s.bad = true
	return nil
}

func (s *docScan) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *docScan) literal(word string) bool {
	if bytes.HasPrefix(s.data[s.i:], []byte(word)) {
		s.i += len(word)
		return true
	}
	return false
}

// value checks the value at the scan position, whose path is s.path; decimal says the value is a
// decimal field's, names that it is an object of names, not fields (SKU attributes). It returns
// nil, leaving the rest to the decoder, on malformed JSON.
func (s *docScan) value(decimal, names bool, depth int) error {
	s.space()
	if s.bad || s.i >= len(s.data) || depth > maxDepth {
		return s.stop()
	}
	start := s.i
	switch c := s.data[s.i]; {
	case c == '{':
		return s.object(names, depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		raw, ok := s.str()
		if !ok || !decimal {
			return nil
		}
		text := raw[1 : len(raw)-1]
		if !plainASCII(text) { // read as encoding/json reads it
			var t string
			if json.Unmarshal(raw, &t) != nil {
				return nil // the decoder says what is wrong
			}
			text = []byte(t)
		}
		if err := checkDecimal(text); err != nil {
			return b2bkit.InField(s.where(), err)
		}
		return nil
	default:
		for s.i < len(s.data) && bytes.IndexByte([]byte(",]} \t\n\r"), s.data[s.i]) < 0 {
			s.i++
		}
		if s.i == start {
			return s.stop()
		}
		if decimal && s.data[start] != 'n' && s.data[start] != 't' && s.data[start] != 'f' {
			if err := checkDecimal(s.data[start:s.i]); err != nil {
				return b2bkit.InField(s.where(), err)
			}
		}
		return nil
	}
}

// checkDecimal is what b2bkit.ParseDecimal says of text. A plain short decimal ("-12.50"), which it
// always takes, is not parsed: the decoder parses every decimal again, and parsed twice a policy's
// numbers cost twice what they need.
func checkDecimal(text []byte) error {
	if plainDecimal(text) {
		return nil
	}
	_, err := b2bkit.ParseDecimal(string(text))
	return err
}

// plainDecimal reports whether text is an optional minus, digits, and optionally a point and more
// digits, in at most 19 bytes: at most 19 digits and 17 places, within ParseDecimal's limits.
func plainDecimal(text []byte) bool {
	if len(text) > 19 {
		return false
	}
	if len(text) > 0 && text[0] == '-' {
		text = text[1:]
	}
	whole, frac, point := bytes.Cut(text, []byte("."))
	digits := func(b []byte) bool {
		for _, c := range b {
			if c < '0' || c > '9' {
				return false
			}
		}
		return len(b) > 0
	}
	return digits(whole) && (!point || digits(frac))
}

// plainASCII reports whether the text of a JSON string is printable ASCII without escapes: what
// encoding/json reads as the bytes themselves.
func plainASCII(text []byte) bool {
	for _, c := range text {
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// str reads a string token and returns it with its quotes.
func (s *docScan) str() ([]byte, bool) {
	start := s.i
	s.i++
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '\\':
			s.i += 2
		case '"':
			s.i++
			return s.data[start:s.i], true
		default:
			s.i++
		}
	}
	return nil, false
}

// smallObject is how many keys an object holds before its duplicates are found through a map:
// comparing each key with every one before it is quadratic in a hostile object's size.
const smallObject = 16

// object checks the object at the scan position. When names is set its keys are names (an SKU
// attribute "weight"), not fields: their values are words, whatever a field of that name holds.
func (s *docScan) object(names bool, depth int) error {
	s.i++                             // {
	var small [smallObject + 1][]byte // a small object's keys, without an allocation
	keys := small[:0]
	var seen map[string]struct{}
	for {
		s.space()
		if s.bad || s.i >= len(s.data) {
			return s.stop()
		}
		if s.data[s.i] == '}' {
			s.i++
			return nil
		}
		if s.data[s.i] == ',' {
			s.i++
			continue
		}
		if s.data[s.i] != '"' {
			return s.stop()
		}
		raw, ok := s.str()
		if !ok {
			return s.stop()
		}
		key := raw[1 : len(raw)-1]
		if bytes.IndexByte(raw, '\\') >= 0 {
			var k string
			if json.Unmarshal(raw, &k) != nil {
				return s.stop()
			}
			key = []byte(k)
		}
		s.path = append(s.path, segment{key: key, isKey: true})
		if !snakeCase(key) {
			return b2bkit.Invalid(s.where(), "unknown field: names are lower-case snake_case, matched exactly")
		}
		if seen != nil {
			if _, dup := seen[string(key)]; dup {
				return b2bkit.Invalid(s.where(), "duplicate key")
			}
			seen[string(key)] = struct{}{}
		} else {
			for _, k := range keys {
				if bytes.Equal(k, key) {
					return b2bkit.Invalid(s.where(), "duplicate key")
				}
			}
			if keys = append(keys, key); len(keys) > smallObject {
				seen = make(map[string]struct{}, 2*smallObject)
				for _, k := range keys {
					seen[string(k)] = struct{}{}
				}
			}
		}
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return s.stop()
		}
		s.i++
		if !names && string(key) == "currency" {
			if s.space(); s.literal("null") {
				// encoding/json reads it as "", which means a currency of its own: the price source's.
				return b2bkit.Invalid(s.where(), "must be a string, not null")
			}
		}
		if err := s.value(!names && decimalKey(key), !names && string(key) == "attributes", depth+1); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
	}
}

func (s *docScan) array(depth int) error {
	s.i++ // [
	limit, what := s.limit()
	for n := 0; ; n++ {
		s.space()
		if s.bad || s.i >= len(s.data) {
			return s.stop()
		}
		if s.data[s.i] == ']' {
			s.i++
			if s.sizes != nil {
				s.sizes.record(s.path, n)
			}
			return nil
		}
		if s.data[s.i] == ',' {
			s.i++
			s.space()
		}
		if n == limit {
			return b2bkit.Invalid(s.where(), "must have at most %d %s", limit, what)
		}
		s.path = append(s.path, segment{index: n})
		if s.literal("null") {
			return b2bkit.Invalid(s.where(), "null is not a value of this list")
		}
		if err := s.value(false, false, depth+1); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
	}
}

// limit is the most elements the list at the scan position may hold, and what they are, when it
// is a policy's list of steps or order steps, or a list of rules or bands in a policy, step or
// rule document (s.sizes is set); -1 when it is none of these.
func (s *docScan) limit() (int, string) {
	if s.sizes == nil || len(s.path) == 0 || !s.path[len(s.path)-1].isKey {
		return -1, ""
	}
	switch string(s.path[len(s.path)-1].key) {
	case "steps", "order":
		if len(s.path) == 1 {
			return MaxSteps, "steps"
		}
	case "rules":
		return MaxRules, "rules"
	case "bands":
		return MaxBands, "bands"
	}
	return -1, ""
}

// snakeCase reports whether key is lower-case ASCII letters, digits and underscores.
func snakeCase[T string | []byte](key T) bool {
	if len(key) == 0 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// decimalKey reports whether key is a name under which pricing documents (and the terms in them)
// carry a decimal.
func decimalKey(key []byte) bool {
	switch string(key) {
	case "price", "percent", "amount", "annual_percent", "floor_margin_percent", "max_discount_percent",
		"increment", "from", "to", "discount_percent", "quantity", "cost", "share", "list_price",
		"base_unit_price", "unit_price", "total", "before", "after", "limit", "credit_days",
		"reference_credit_days", "replaces", "figure", "net", "tax", "gross", "tax_percent", "pack_size",
		"min_quantity", "weight", "free_from", "every", "free", "subtotal", "discount", "freight", "basis":
		return true
	}
	return false
}
