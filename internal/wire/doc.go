// Package wire holds how b2bkit reads its plain-data formats: strict JSON decoding with a size cap,
// and enum words. Every error matches ErrInvalid.
package wire
