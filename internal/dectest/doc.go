// Package dectest holds the decimal assertions every b2bkit test uses: decimals are compared by
// value with Equal/Cmp, never by representation (so never with ==, reflect.DeepEqual or testify's
// Equal on values that hold them).
package dectest
