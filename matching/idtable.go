package matching

// idTable finds a record's position by the hash of its ID: an open-addressing table of 8-byte
// slots, each the top 32 bits of the hash (the tag) and the position + 1 (0 is an empty slot). A
// lookup reads one slot, mostly one cache line, where a Go map reads several; the caller confirms a
// tag match against the record's own ID, so colliding hashes are only slower, never wrong.
//
// The home slot of a tag is its top bits, so growing the table needs only the tags, never the IDs.
type idTable struct {
	slots []uint64
	bits  uint // len(slots) == 1<<bits
	n     int  // slots in use
}

// idTableMaxBits caps the table: the home slot comes from a 32-bit tag.
const idTableMaxBits = 32

// home returns the first slot to look at for tag.
func (t *idTable) home(tag uint32) uint64 { return uint64(tag) >> (32 - t.bits) }

// put stores pos under tag in slot, the empty slot a lookup of tag ended on; it may grow the table.
func (t *idTable) put(tag uint32, pos uint32, slot uint64) {
	if len(t.slots) == 0 || (t.n+1)*2 > len(t.slots) && t.bits < idTableMaxBits {
		t.grow()
		slot = t.free(tag)
	}
	t.slots[slot] = uint64(tag)<<32 | uint64(pos+1)
	t.n++
}

// free returns the first empty slot on tag's probe path.
func (t *idTable) free(tag uint32) uint64 {
	mask := uint64(len(t.slots) - 1)
	i := t.home(tag)
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	return i
}

// grow doubles the table (to 64 slots at first) and puts every entry back by its tag.
func (t *idTable) grow() {
	old := t.slots
	t.bits = max(6, t.bits+1)
	t.slots = make([]uint64, 1<<t.bits)
	for _, e := range old {
		if e != 0 {
			t.slots[t.free(uint32(e>>32))] = e
		}
	}
}
