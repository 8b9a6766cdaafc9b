package matching

import (
	"encoding/binary"
	"hash/maphash"
)

// nameTable interns the names of a log (buyers, sellers, SKUs, currencies): vals holds each name
// once, by id, and slots find the id of a name. A slot keeps names of up to 16 bytes inline, so a
// lookup compares words in the one slot it reads instead of following a pointer to the name; a
// longer name keeps its hash there and is confirmed against vals.
type nameTable struct {
	vals  []string
	slots []nameSlot
	bits  uint // len(slots) == 1<<bits
}

// A nameSlot is empty when meta is 0; else meta is the name's length << 32 | id + 1, and k is the
// name's bytes (up to 16) or, for longer names, its hash and zero.
type nameSlot struct {
	k    [2]uint64
	meta uint64
}

const inlineName = 16

// nameKey is what a slot holds for s.
func nameKey(s string, h uint64) (k [2]uint64, meta uint64) {
	if len(s) > inlineName {
		return [2]uint64{h, 0}, uint64(len(s)) << 32
	}
	var b [inlineName]byte
	copy(b[:], s)
	return [2]uint64{binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])}, uint64(len(s)) << 32
}

// find returns the id of s, or the empty slot where s would go.
func (t *nameTable) find(seed maphash.Seed, s string) (id uint32, found bool, slot uint64, h uint64) {
	if len(t.slots) == 0 {
		return 0, false, 0, 0
	}
	return t.findHashed(s, maphash.String(seed, s))
}

// peek reads the first slot of hash h and returns a word of it, for Append to start reading it
// early.
func (t *nameTable) peek(h uint64) uint64 {
	if len(t.slots) == 0 {
		return 0
	}
	return t.slots[h>>(64-t.bits)].meta
}

// findHashed is find for s with the hash h.
func (t *nameTable) findHashed(s string, h uint64) (id uint32, found bool, slot uint64, _ uint64) {
	k, meta := nameKey(s, h)
	mask := uint64(len(t.slots) - 1)
	for i := h >> (64 - t.bits); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.meta == 0 {
			return 0, false, i, h
		}
		if sl.meta>>32 == meta>>32 && sl.k == k {
			id := uint32(sl.meta) - 1
			if len(s) <= inlineName || t.vals[id] == s {
				return id, true, i, h
			}
		}
	}
}

// idHashed interns s, whose hash is h, and returns its id.
func (t *nameTable) idHashed(seed maphash.Seed, s string, h uint64) uint32 {
	var (
		id    uint32
		found bool
		slot  uint64
	)
	if len(t.slots) > 0 {
		id, found, slot, _ = t.findHashed(s, h)
	}
	if found {
		return id
	}
	id = uint32(len(t.vals))
	t.vals = append(t.vals, s)
	if len(t.vals)*4 > len(t.slots)*3 {
		t.grow(seed) // puts s too
		return id
	}
	k, meta := nameKey(s, h)
	t.slots[slot] = nameSlot{k, meta | uint64(id+1)}
	return id
}

// grow doubles the slots (to 64 at first) and puts every name back.
func (t *nameTable) grow(seed maphash.Seed) {
	t.bits = max(6, t.bits+1)
	t.slots = make([]nameSlot, 1<<t.bits)
	mask := uint64(len(t.slots) - 1)
	for id, s := range t.vals {
		h := maphash.String(seed, s)
		k, meta := nameKey(s, h)
		i := h >> (64 - t.bits)
		for t.slots[i].meta != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = nameSlot{k, meta | uint64(id+1)}
	}
}
