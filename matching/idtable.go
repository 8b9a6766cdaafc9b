package matching

import "unsafe"

// idTable finds a record's position by the hash of its ID: an open-addressing table of 8-byte
// slots, each the top 32 bits of the hash (the tag) and the position + 1 (0 is an empty slot). A
// lookup reads one slot, mostly one cache line, where a Go map reads several; the caller confirms a
// tag match against the record's own ID, so colliding hashes are only slower, never wrong.
//
// The home slot of a tag is its top bits, so growing the table needs only the tags, never the IDs.
// It grows at three quarters full: linear probes stay within a cache line or two, and the table
// costs 11-21 bytes per match.
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
	if len(t.slots) == 0 || (t.n+1)*4 > len(t.slots)*3 && t.bits < idTableMaxBits {
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

// get returns the ID of n > 0 bytes at ref, sharing the arena's bytes, which never change.
func (a *idArena) get(ref uint32, n uint8) string {
	c := a.chunks[ref>>idChunkBits]
	return unsafe.String(&c[ref&(1<<idChunkBits-1)], int(n))
}
