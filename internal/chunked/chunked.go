package chunked

// chunkBits sets the size of a chunk: 1024 records.
const chunkBits = 10

const chunkLen = 1 << chunkBits

// A List is an append-only list of values kept in chunks of 1024. An append never copies what is
// stored (a slice of a million records would, as it grows), a record is a value inside its chunk,
// not an object of its own (the collector marks one object per 1024 records, not one per record),
// and a pointer to a record stays valid while others are added. The zero List is empty and ready.
type List[T any] struct {
	chunks [][]T
	n      int
}

// Add appends x and returns its slot.
func (l *List[T]) Add(x T) int {
	i := l.n
	if i>>chunkBits == len(l.chunks) {
		l.chunks = append(l.chunks, make([]T, 0, chunkLen))
	}
	k := &l.chunks[i>>chunkBits]
	*k = append(*k, x)
	l.n++
	return i
}

// At returns the record in slot i, which must be below Len.
func (l *List[T]) At(i int) *T { return &l.chunks[i>>chunkBits][i&(chunkLen-1)] }

// Len is the number of records added.
func (l *List[T]) Len() int { return l.n }
