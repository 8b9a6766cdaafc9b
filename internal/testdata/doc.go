// Package testdata finds the public data sets b2bkit's tests read (CDNOW, German credit): in
// $B2BKIT_TESTDATA, else in ../shared/data beside the project root, wherever the test runs from.
package testdata
