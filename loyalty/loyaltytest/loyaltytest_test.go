package loyaltytest_test

import (
	"testing"

	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

func TestMemStore(t *testing.T) {
	loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return loyalty.NewMemStore() })
}

func TestZeroMemStore(t *testing.T) {
	loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return &loyalty.MemStore{} })
}
