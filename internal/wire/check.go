package wire

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/b2bkit/b2bkit/internal/xerr"
)

// checkKeys refuses what encoding/json lets through in a document decoded into a value of type t: a
// key given twice in one object (encoding/json keeps the last, so a credit card loaded with
// {"base": 600, "base": 500} would silently take 500), and a key that is not written exactly as the
// json name of a struct field (encoding/json matches names case-insensitively, with Unicode folding).
// It walks the document alongside t; below a type that reads itself (json.Unmarshaler,
// encoding.TextUnmarshaler), an interface or json.RawMessage it still refuses duplicate keys, and
// the type's own decoding is left to check its names. Errors name the field by its path
// ("steps[3].rules[0].percent"). A document that is not JSON is left to the decoder, which reports it.
// end is where the value ends, when the walk read it whole; loose says an object or a list was read
// as an interface, which may hold a struct the walk did not see.
func checkKeys(data []byte, t reflect.Type) (end int, loose bool, err error) {
	c := checker{data: data}
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	err = c.value(t, 0)
	return c.i, c.loose, err
}

// maxDepth is encoding/json's nesting limit: a deeper document is refused by the decoder, so the
// walk stops there.
const maxDepth = 10000

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

type checker struct {
	data []byte
	i    int
	// shapes are, for this call only, the types objects and lists were read as: what guide makes
	// of each and a struct's fields, worked out once per type rather than once per value (a
	// document of 20,000 rules looked up every key among the rule's 32 fields by reflection).
	shapes []shape
	// path is the way down to the value being read, rendered only for an error.
	path []segment
	// loose is set when an object or a list is read as an interface (see checkKeys).
	loose bool
}

// A shape is what steers the reading of an object or a list declared as a type.
type shape struct {
	declared reflect.Type
	guide    reflect.Type // guide(declared)
	loose    bool         // declared is an interface, or unknown
	// A struct's fields by exact json name: listed when it embeds nothing (as most wire types),
	// else in names, built by structFields.
	flat  []namedField
	names map[string]reflect.Type
	elem  reflect.Type // a list's or map's elements
}

// A namedField is a struct field encoding/json reads under name.
type namedField struct {
	name string
	typ  reflect.Type
}

// shapeOf is the shape of objects and lists declared as t, by its index in c.shapes.
func (c *checker) shapeOf(t reflect.Type) int {
	for i := range c.shapes {
		if c.shapes[i].declared == t {
			return i
		}
	}
	sh := shape{declared: t, guide: guide(t)}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	sh.loose = t == nil || t.Kind() == reflect.Interface
	if g := sh.guide; g != nil {
		switch g.Kind() {
		case reflect.Struct:
			if embedsNothing(g) {
				sh.flat = flatFields(g)
			} else {
				sh.names = structFields(g)
			}
		case reflect.Slice, reflect.Array, reflect.Map:
			sh.elem = g.Elem()
		}
	}
	if c.shapes == nil {
		c.shapes = make([]shape, 0, 4) // most documents have a few
	}
	c.shapes = append(c.shapes, sh)
	return len(c.shapes) - 1
}

// field is the type of the struct field named key exactly, if there is one.
func (sh *shape) field(key []byte) (reflect.Type, bool) {
	if sh.names != nil {
		t, ok := sh.names[string(key)]
		return t, ok
	}
	for _, f := range sh.flat {
		if f.name == string(key) {
			return f.typ, true
		}
	}
	return nil, false
}

// A segment is one step of a path: an object key, or an array index when key is nil.
type segment struct {
	key   []byte
	index int
}

func (c *checker) where() string {
	var b strings.Builder
	for _, s := range c.path {
		switch {
		case s.key == nil:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case b.Len() > 0:
			b.WriteByte('.')
			b.WriteString(xerr.Echo(string(s.key))) // a hostile key is named by its start
		default:
			b.WriteString(xerr.Echo(string(s.key)))
		}
	}
	return b.String()
}

func (c *checker) space() {
	for c.i < len(c.data) {
		switch c.data[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// guide is the type that steers the reading of a value declared as t: t without its pointers, or nil
// where the type reads itself or holds anything.
func guide(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	p := reflect.PointerTo(t)
	if t.Implements(jsonUnmarshaler) || p.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || p.Implements(textUnmarshaler) {
		return nil
	}
	return t
}

// value checks the value at the read position, declared as t (nil: unguided). On malformed JSON it
// returns errStop, leaving the decoder to report it.
func (c *checker) value(t reflect.Type, depth int) error {
	c.space()
	if c.i >= len(c.data) {
		return errStop
	}
	switch c.data[c.i] {
	case '{':
		if depth >= maxDepth {
			return errStop
		}
		si := c.shapeOf(t)
		c.loose = c.loose || c.shapes[si].loose
		return c.object(si, depth)
	case '[':
		if depth >= maxDepth {
			return errStop
		}
		si := c.shapeOf(t)
		c.loose = c.loose || c.shapes[si].loose
		var elem reflect.Type
		if g := c.shapes[si].guide; g != nil && (g.Kind() == reflect.Slice || g.Kind() == reflect.Array) {
			elem = g.Elem()
		}
		return c.array(elem, depth)
	case '"':
		if _, ok := c.str(); !ok {
			return errStop
		}
		return nil
	default:
		start := c.i
		for c.i < len(c.data) && strings.IndexByte(",]} \t\n\r:{[\"", c.data[c.i]) < 0 {
			c.i++
		}
		if c.i == start {
			return errStop
		}
		return nil
	}
}

// errStop ends the walk at malformed JSON; DecodeStrict then lets the decoder say what is wrong.
var errStop = xerr.Invalid("", "json: malformed document")

// str reads a string token and returns it with its quotes.
func (c *checker) str() ([]byte, bool) {
	start := c.i
	c.i++
	for c.i < len(c.data) {
		switch c.data[c.i] {
		case '\\':
			c.i += 2
		case '"':
			c.i++
			return c.data[start:c.i], true
		default:
			c.i++
		}
	}
	return nil, false
}

// key reads an object key as encoding/json sees it: unescaped, invalid UTF-8 replaced.
func (c *checker) key() ([]byte, bool) {
	if c.i >= len(c.data) || c.data[c.i] != '"' {
		return nil, false
	}
	raw, ok := c.str()
	if !ok {
		return nil, false
	}
	k := raw[1 : len(raw)-1]
	if bytes.IndexByte(k, '\\') >= 0 || !utf8.Valid(k) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		k = []byte(s)
	}
	return k, true
}

// smallObject is how many keys an object holds before its duplicates are found through a map.
const smallObject = 16

func (c *checker) object(si int, depth int) error {
	c.i++               // {
	var st reflect.Type // a struct whose fields the keys must name
	var elem reflect.Type
	if t := c.shapes[si].guide; t != nil {
		switch t.Kind() {
		case reflect.Struct:
			st = t
		case reflect.Map:
			elem = c.shapes[si].elem
		}
	}
	var small [smallObject + 1][]byte // a small object's keys, without an allocation
	seen := small[:0]
	var seenMap map[string]struct{}
	c.space()
	if c.i < len(c.data) && c.data[c.i] == '}' {
		c.i++
		return nil
	}
	for {
		c.space()
		k, ok := c.key()
		if !ok {
			return errStop
		}
		c.path = append(c.path, segment{key: k})
		if seenMap != nil {
			if _, dup := seenMap[string(k)]; dup {
				return xerr.Invalid(c.where(), "duplicate key")
			}
			seenMap[string(k)] = struct{}{}
		} else {
			for _, s := range seen {
				if bytes.Equal(s, k) {
					return xerr.Invalid(c.where(), "duplicate key")
				}
			}
			seen = append(seen, k)
			if len(seen) > smallObject {
				seenMap = make(map[string]struct{}, 2*smallObject)
				for _, s := range seen {
					seenMap[string(s)] = struct{}{}
				}
			}
		}
		vt := elem
		if st != nil {
			ft, exact := c.shapes[si].field(k) // by index: reading a value may add shapes
			if !exact {
				return c.unknown(structFields(st), k)
			}
			vt = ft
		}
		c.space()
		if c.i >= len(c.data) || c.data[c.i] != ':' {
			return errStop
		}
		c.i++
		if err := c.value(vt, depth+1); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]
		if done, err := c.after('}'); done || err != nil {
			return err
		}
	}
}

// after reads what follows a member of an object or an element of a list: a comma (more to come)
// or end, which closes it (done); anything else is malformed.
func (c *checker) after(end byte) (done bool, err error) {
	c.space()
	if c.i >= len(c.data) {
		return false, errStop
	}
	switch c.data[c.i] {
	case ',':
		c.i++
		return false, nil
	case end:
		c.i++
		return true, nil
	}
	return false, errStop
}

// unknown is the error for a key of a struct that is not a field's exact json name.
func (c *checker) unknown(names map[string]reflect.Type, k []byte) error {
	for name := range names {
		if strings.EqualFold(name, string(k)) {
			return xerr.Invalid(c.where(), "unknown field: keys are matched exactly, the field is %q", name)
		}
	}
	return xerr.Invalid(c.where(), "unknown field")
}

func (c *checker) array(elem reflect.Type, depth int) error {
	c.i++ // [
	c.space()
	if c.i < len(c.data) && c.data[c.i] == ']' {
		c.i++
		return nil
	}
	for n := 0; ; n++ {
		c.path = append(c.path, segment{index: n})
		if err := c.value(elem, depth+1); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]
		if done, err := c.after(']'); done || err != nil {
			return err
		}
	}
}

// structFields is the fields encoding/json decodes into a struct of type t, by exact json name, with
// its rules: exported fields only (and the exported fields of embedded structs, exported or not),
// "-" skipped, a tag's name over the Go name, and of fields sharing a name the shallowest, then the
// one tagged, winning; a tie hides them all.
func structFields(t reflect.Type) map[string]reflect.Type {
	type candidate struct {
		typ    reflect.Type
		depth  int
		tagged bool
	}
	found := map[string][]candidate{}
	visited := map[reflect.Type]bool{}
	level := map[reflect.Type]int{t: 1} // types at this depth, with how often they are embedded there
	for depth := 0; len(level) > 0; depth++ {
		next := map[reflect.Type]int{}
		for st, times := range level {
			if visited[st] {
				continue
			}
			visited[st] = true
			for i := range st.NumField() {
				sf := st.Field(i)
				ft := sf.Type
				if sf.Anonymous {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				if name != "" && !validTag(name) {
					name = ""
				}
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next[ft] += times
					continue
				}
				tagged := name != ""
				if !tagged {
					name = sf.Name
				}
				for range times {
					found[name] = append(found[name], candidate{typ: sf.Type, depth: depth, tagged: tagged})
				}
			}
		}
		level = next
	}
	fields := make(map[string]reflect.Type, len(found))
	for name, cs := range found {
		least := cs[0].depth
		for _, f := range cs {
			least = min(least, f.depth)
		}
		var tagged, untagged []candidate
		for _, f := range cs {
			switch {
			case f.depth != least:
			case f.tagged:
				tagged = append(tagged, f)
			default:
				untagged = append(untagged, f)
			}
		}
		switch {
		case len(tagged) == 1:
			fields[name] = tagged[0].typ
		case len(tagged) == 0 && len(untagged) == 1:
			fields[name] = untagged[0].typ
		}
	}
	return fields
}

// embedsNothing reports whether struct type t has no embedded field, as most wire types have not.
func embedsNothing(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).Anonymous {
			return false
		}
	}
	return true
}

// flatFields is structFields(t) for a struct t that embeds nothing, listed: of the exported fields
// named alike (by their tag, else their Go name), the one tagged, or the only one; a tie hides them.
func flatFields(t reflect.Type) []namedField {
	type candidate struct {
		namedField
		tagged bool
	}
	var buf [64]candidate // on the stack for all but the widest structs
	all := buf[:0]
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		tagged := name != "" && validTag(name)
		if !tagged {
			name = sf.Name
		}
		all = append(all, candidate{namedField{name, sf.Type}, tagged})
	}
	fields := make([]namedField, 0, len(all))
	for _, f := range all {
		tagged, untagged := 0, 0
		for _, g := range all {
			switch {
			case g.name != f.name:
			case g.tagged:
				tagged++
			default:
				untagged++
			}
		}
		if f.tagged && tagged == 1 || tagged == 0 && untagged == 1 {
			fields = append(fields, f.namedField)
		}
	}
	return fields
}

// validTag is encoding/json's rule for a tag name it honours; any other is replaced by the Go name.
func validTag(s string) bool {
	for _, r := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r):
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			return false
		}
	}
	return true
}

// Fields is the fields encoding/json decodes into a struct of type t, by exact json name, by its
// rules (see structFields): what a walk of a document and its type, such as one that locates a
// value the decoder refused, reads a struct's members by.
func Fields(t reflect.Type) map[string]reflect.Type {
	return structFields(t)
}
