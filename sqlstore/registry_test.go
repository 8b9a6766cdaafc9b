package sqlstore_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/risk"
	"github.com/b2bkit/b2bkit/risk/risktest"
	"github.com/b2bkit/b2bkit/sqlstore"
)

// TestR19_RegistryConformance runs risk's conformance suite — versions, copies, the company index
// and 64 goroutines racing to finance one receivable — on both dialects.
func TestR19_RegistryConformance(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		risktest.Run(t, func(t *testing.T) risk.Registry { return open(t).Registry() })
	})
}
