package matching

// idTable finds a record's position by the hash of its ID: an open-addressing table of 8-byte
// slots, each the top 32 bits of the hash (the tag) and the position + 1. The caller confirms a tag
// match against the record's own ID, so colliding hashes are only slower, never wrong.
//
// Beside the slots, ctrl holds one byte per slot: 0 when empty, else h2 of the tag. ctrl is an
// eighth the size of the slots and mostly stays in cache, so a new ID, the common case, is known
// to be new from ctrl alone. The slots of new IDs are written in batches (pend holds them until
// then): single writes to a large table each wait on memory, a batch of them overlaps the waits.
//
// The home slot of a tag is its top bits, so growing the table needs only the tags, never the IDs.
// It grows at three quarters full: linear probes stay short, and the table costs 12-24 bytes per
// match.
type idTable struct {
	slots []uint64
	ctrl  []uint8
	pend  []pendSlot
	bits  uint // len(slots) == len(ctrl) == 1<<bits
	n     int  // slots in use
}

// A pendSlot is a slot's value not yet written to it.
type pendSlot struct{ i, e uint64 }

// pendMax is how many slot writes wait to be done together.
const pendMax = 256

// peek reads the ctrl byte of tag's home slot, for Append to start reading it early.
func (t *idTable) peek(tag uint32) uint8 {
	if len(t.ctrl) == 0 {
		return 0
	}
	return t.ctrl[t.home(tag)]
}

// h2 is the ctrl byte of a tag.
func h2(tag uint32) uint8 { return 0x80 | uint8(tag&0x7f) }

// slot returns the value of slot i, which ctrl says is in use.
func (t *idTable) slot(i uint64) uint64 {
	if e := t.slots[i]; e != 0 {
		return e
	}
	for _, p := range t.pend {
		if p.i == i {
			return p.e
		}
	}
	return 0 // not reached: ctrl and pend agree
}

// flush writes the pending slots.
func (t *idTable) flush() {
	for _, p := range t.pend {
		t.slots[p.i] = p.e
	}
	t.pend = t.pend[:0]
}

// idTableMaxBits caps the table: the home slot comes from a 32-bit tag.
const idTableMaxBits = 32

// home returns the first slot to look at for tag.
func (t *idTable) home(tag uint32) uint64 { return uint64(tag) >> (32 - t.bits) }

// put stores pos under tag in slot, the empty slot a lookup of tag ended on; it may grow the table.
func (t *idTable) put(tag uint32, pos uint32, slot uint64) {
	if len(t.slots) == 0 || (t.n+1)*4 > len(t.slots)*3 && t.bits < idTableMaxBits {
		t.grow()
		slot = t.free(tag)
	}
	t.ctrl[slot] = h2(tag)
	t.pend = append(t.pend, pendSlot{slot, uint64(tag)<<32 | uint64(pos+1)})
	t.n++
	if len(t.pend) >= pendMax {
		t.flush()
	}
}

// free returns the first empty slot on tag's probe path.
func (t *idTable) free(tag uint32) uint64 {
	mask := uint64(len(t.slots) - 1)
	i := t.home(tag)
	for t.ctrl[i] != 0 {
		i = (i + 1) & mask
	}
	return i
}

// grow doubles the table (to 64 slots at first) and puts every entry back by its tag.
func (t *idTable) grow() {
	t.flush()
	old := t.slots
	t.bits = max(6, t.bits+1)
	t.slots, t.ctrl = make([]uint64, 1<<t.bits), make([]uint8, 1<<t.bits)
	for _, e := range old {
		if e != 0 {
			tag := uint32(e >> 32)
			i := t.free(tag)
			t.slots[i], t.ctrl[i] = e, h2(tag)
		}
	}
}

// idArena keeps the bytes of the stored IDs back to back in fixed chunks, so a record refers to its
// ID by a 32-bit reference instead of holding a string: records hold no pointers, which the garbage
// collector then never scans, and IDs cost no allocation each. Bytes once written never change.
type idArena struct {
	chunks [][]byte
}

const idChunkBits = 16 // a chunk holds 64 KiB of IDs; a reference is chunk << 16 | offset

// fits reports whether an ID of n bytes can still be added.
func (a *idArena) fits(n int) bool {
	k := len(a.chunks)
	return k < 1<<(32-idChunkBits) || len(a.chunks[k-1])+n <= cap(a.chunks[k-1])
}

// add copies s in and returns its reference; s is at most MaxIDLen bytes and fits.
func (a *idArena) add(s string) uint32 {
	k := len(a.chunks)
	if k == 0 || len(a.chunks[k-1])+len(s) > cap(a.chunks[k-1]) {
		a.chunks = append(a.chunks, make([]byte, 0, 1<<idChunkBits))
		k++
	}
	c := &a.chunks[k-1]
	off := len(*c)
	*c = append(*c, s...)
	return uint32(k-1)<<idChunkBits | uint32(off)
}

// get returns the ID of n > 0 bytes at ref, as a string of its own.
func (a *idArena) get(ref uint32, n uint8) string {
	c := a.chunks[ref>>idChunkBits]
	off := int(ref & (1<<idChunkBits - 1))
	return string(c[off : off+int(n)])
}

// is reports whether the ID of n bytes at ref is id, without building a string.
func (a *idArena) is(ref uint32, n uint8, id string) bool {
	c := a.chunks[ref>>idChunkBits]
	off := int(ref & (1<<idChunkBits - 1))
	return string(c[off:off+int(n)]) == id // compared in place: the conversion does not allocate
}
