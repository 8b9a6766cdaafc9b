// Package cdnow reads the public CDNOW purchase logs that b2bkit's tests run (see
// internal/testdata for where they are found) as streams of funnel purchases, one line at a time,
// never holding a file in memory, as a host streams rows from a cursor: a line that cannot be read
// ends the stream with an error naming it. The logs have no channel: every order is manual.
package cdnow
