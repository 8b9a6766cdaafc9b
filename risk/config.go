package risk

import (
	"fmt"
	"io"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// maxConfigBytes bounds a configuration document (a scorecard, a limit, warning or haircut policy,
// tolerances): far more than any real one needs, little enough to read without worry.
const maxConfigBytes = 1 << 20

// loadValidated reads a configuration document of type T with loadConfig and validates it: the one
// shape of every LoadXxx of the package.
func loadValidated[T interface{ Validate() error }](r io.Reader, what string) (T, error) {
	var v T
	if err := loadConfig(r, what, &v); err != nil {
		var zero T
		return zero, err
	}
	if err := v.Validate(); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// loadConfig reads one JSON document of at most maxConfigBytes into v, strictly (unknown fields and
// trailing data rejected), naming what it reads in its errors ("scorecard.attributes[0]...").
func loadConfig(r io.Reader, what string, v any) error {
	if r == nil {
		return fmt.Errorf("risk: %w", b2bkit.Invalid(what, "no reader"))
	}
	data, err := io.ReadAll(io.LimitReader(r, maxConfigBytes+1))
	if err != nil {
		return fmt.Errorf("risk: %w", b2bkit.Invalid(what, "read: %v", err))
	}
	if len(data) > maxConfigBytes {
		return fmt.Errorf("risk: %w", b2bkit.Invalid(what, "document larger than %d bytes", maxConfigBytes))
	}
	if err := wire.DecodeStrict(data, v); err != nil {
		return fmt.Errorf("risk: %w", b2bkit.InField(what, err))
	}
	return nil
}
