package crmtest_test

import (
	"testing"

	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/crm/crmtest"
)

func TestMemoryStore(t *testing.T) {
	crmtest.Run(t, func(*testing.T) crm.Store { return crm.NewMemoryStore() })
}
