package sqlstore_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/crm/crmtest"
	"github.com/b2bkit/b2bkit/sqlstore"
)

// TestR2_CRMConformance runs crm's conformance suite — versions, unique contact points,
// registrations and owner accounts, write skew between racing CRM calls — on both dialects.
func TestR2_CRMConformance(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		crmtest.Run(t, func(t *testing.T) crm.Store { return open(t).CRM() })
	})
}
