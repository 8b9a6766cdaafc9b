// Package xerr holds what every b2bkit package needs to report bad input, below the root package so
// that internal helpers can report it too: the three sentinels, the FieldError that names the field,
// and the rule for echoing untrusted text in a message. The root package re-exports the sentinels and
// FieldError under the same values, so errors.Is and errors.As see one identity.
package xerr
