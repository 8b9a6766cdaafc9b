package b2bkit

import "iter"

// Stream yields each of xs with a nil error: an in-memory source for the functions that read their
// inputs as streams (risk.History, funnel.Evaluate), which a host otherwise feeds from a database
// cursor that can fail half-way.
func Stream[T any](xs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}
