// Package chunked holds List, the append-only list the in-memory stores keep their records in.
package chunked
