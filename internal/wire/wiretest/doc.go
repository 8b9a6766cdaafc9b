// Package wiretest checks, in tests, that a loader refuses what strict JSON reading refuses: a
// document that differs from one it accepts by one replaced piece (a key given twice, a key in the
// wrong case) must be an error matching ErrInvalid that names the field.
package wiretest
