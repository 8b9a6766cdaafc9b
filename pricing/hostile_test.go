package pricing_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/cputime"
	"github.com/b2bkit/b2bkit/internal/memtest"
	"github.com/b2bkit/b2bkit/pricing"
	"github.com/stretchr/testify/require"
)

// policyWithAttributes is a policy whose one base rule has n attributes.
func policyWithAttributes(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"steps":[{"kind":"base","rules":[{"id":"a","price":"1","attributes":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%07d":"v"`, i)
	}
	b.WriteString(`}}]}]}`)
	return b.Bytes()
}

// TestHostile_ManyKeysInOneObjectAreCheckedInLinearTime: a partner's policy whose rule carries
// hundreds of thousands of attributes (one object with many keys) is read in time proportional to
// its size. The duplicate-key check compared each key with every earlier one: 400,000 keys took
// minutes. Processor time, not the clock, is compared, of a document and one four times its size.
func TestHostile_ManyKeysInOneObjectAreCheckedInLinearTime(t *testing.T) {
	cost := func(n int) int64 {
		doc := policyWithAttributes(n)
		start := cputime.Used()
		_, err := pricing.LoadPolicy(bytes.NewReader(doc))
		used := cputime.Used() - start
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
		}
		return max(int64(used), 1)
	}
	cost(1000) // warm up
	small, large := cost(25_000), cost(100_000)
	if small == 1 {
		t.Skip("the system does not report processor time")
	}
	// Linear reading costs about 4 times as much; comparing each key with all before it costs 16.
	require.Less(t, large, 10*small, "100,000 keys cost %v, 25,000 keys %v", time.Duration(large), time.Duration(small))
}

// TestHostile_AHugeKeyIsNotEchoed: an error about a key names it by at most a short prefix, so a
// 3 MB key does not become a 3 MB error message in the host's logs.
func TestHostile_AHugeKeyIsNotEchoed(t *testing.T) {
	key := strings.Repeat("k", 3<<20)
	for name, doc := range map[string]string{
		"duplicate": `{"name":"a","` + key + `":1,"` + key + `":1}`,
		"not snake": `{"name":"a","` + key + `X":1}`,
		"nested":    `{"steps":[{"kind":"base","rules":[{"id":"a","attributes":{"` + key + `":"v","` + key + `":"v"}}]}]}`,
	} {
		_, err := pricing.LoadPolicy(strings.NewReader(doc))
		require.ErrorIs(t, err, b2bkit.ErrInvalid, name)
		require.Less(t, len(err.Error()), 300, "%s: %.300s", name, err)
	}
}

// TestHostile_ALongPathIsNotCopiedForEveryKey: the path naming a value is built only for an error.
// It was built for every key and list element, so a document with a long key holding an object of
// many keys allocated the key's length once per key: 64 KB times 2,000 keys is 128 MB for a
// document of 84 KB.
func TestHostile_ALongPathIsNotCopiedForEveryKey(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"` + strings.Repeat("k", 64<<10) + `":{`)
	for i := range 2000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":[1,2]`, i)
	}
	b.WriteString(`}}`)
	doc := b.Bytes()
	var err error
	n := memtest.Allocated(func() { _, err = pricing.LoadPolicy(bytes.NewReader(doc)) })
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Less(t, n, uint64(40*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}

// manySmallRules is a policy of a base step and a tier step of n small rules, one per tier: the
// shape of a platform's policy with a rule per SKU or per customer.
func manySmallRules(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"name":"many","currency":"CNY","steps":[{"kind":"base","rules":[{"id":"contract","buyer":"b","sku":"s","price":"1"}]},{"kind":"tier","rules":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"r%d","tier":"t%d","percent":"-1"}`, i, i)
	}
	b.WriteString(`]}]}`)
	return b.Bytes()
}

// TestHostile_ManySmallRulesAllocateInProportion: a policy of many small rules is read with memory
// in proportion to its size. Each rule decoded itself through the strict decoder, which worked out
// the json names of the rule's 35 fields again for every rule, in maps: 9 KB a rule of 45 bytes,
// 376 times the document in all; then, each level of the policy checking and decoding its part of
// the document again, and validation making a map per rule, 167 times.
func TestHostile_ManySmallRulesAllocateInProportion(t *testing.T) {
	doc := manySmallRules(20_000)
	var err error
	n := memtest.Allocated(func() { _, err = pricing.LoadPolicy(bytes.NewReader(doc)) })
	require.NoError(t, err)
	// About 29 times the document now: the rules' read form and the rules themselves, 464 bytes
	// each, are two thirds of it.
	require.Less(t, n, uint64(44*len(doc)), "allocated %d bytes reading %d", n, len(doc))
}

// TestHostile_AListOverItsLimitIsRefusedUnread: a policy whose list of steps, rules or bands is
// longer than Validate allows is refused when it is read, naming the list, before anything is
// decoded: 300,000 empty rules, three bytes each in the document, were decoded to 928 bytes each
// (their read form and the rules) only for Validate to refuse them, 310 times the document.
func TestHostile_AListOverItsLimitIsRefusedUnread(t *testing.T) {
	many := func(prefix, suffix string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for i := range 300_000 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{}`)
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	for _, c := range []struct {
		name string
		doc  []byte
		want string
	}{
		{"steps", many(`{"steps":[`, `]}`), "policy.steps: must have at most 64 steps"},
		{"order steps", many(`{"steps":[{"kind":"base"}],"order":[`, `]}`), "policy.order: must have at most 64 steps"},
		{"rules", many(`{"steps":[{"kind":"base","rules":[`, `]}]}`), "policy.steps[0].rules: must have at most 100000 rules"},
		{"bands", many(`{"steps":[{"kind":"base"},{"kind":"quantity","rules":[{"id":"q","bands":[`, `]}]}]}`),
			"policy.steps[1].rules[0].bands: must have at most 256 bands"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			n := memtest.Allocated(func() { _, err = pricing.LoadPolicy(bytes.NewReader(c.doc)) })
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.Less(t, n, uint64(3*len(c.doc)), "allocated %d bytes reading %d", n, len(c.doc))
			require.ErrorContains(t, err, c.want)
		})
	}
	// A step or a rule read alone bounds its lists too, and a list at its limit is read.
	var s pricing.Step
	err := json.Unmarshal(many(`{"kind":"tier","rules":[`, `]}`), &s)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "rules: must have at most 100000 rules")
	bands := func(n int) []byte {
		return []byte(`{"id":"q","bands":[` + strings.TrimSuffix(strings.Repeat(`{"from":"0"},`, n), ",") + `]}`)
	}
	var r pricing.Rule
	require.NoError(t, json.Unmarshal(bands(pricing.MaxBands), &r))
	require.Len(t, r.Bands, pricing.MaxBands)
	err = json.Unmarshal(bands(pricing.MaxBands+1), &r)
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, "bands: must have at most 256 bands")
	require.Len(t, r.Bands, pricing.MaxBands, "as it was")
}
