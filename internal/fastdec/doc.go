// Package fastdec holds the integer helpers b2bkit's hot loops share: a decimal's coefficient as an
// int64 when it fits, and the powers of ten the integer paths scale by. Result decimals are made
// with decimal.New.
//
// Everything here goes through shopspring/decimal's public API: a money library does not read
// another module's private memory layout. Speed comes from doing the arithmetic in integers and
// making decimals only at the edges.
package fastdec
