package b2bkit_test

import (
	"time"

	"github.com/b2bkit/b2bkit/internal/dectest"
)

// Decimals are compared by value; the shared assertions live in internal/dectest.
var (
	dec             = dectest.Dec
	requireDecEqual = dectest.RequireEqual
)

var zeroTime time.Time
