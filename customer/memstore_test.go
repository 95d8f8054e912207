package customer_test

import (
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
)

func TestMemStoreConformance(t *testing.T) {
	customertest.TestStore(t, func(*testing.T) customer.Directory { return customer.NewMemStore() })
}

func TestMemStoreHistoryConformance(t *testing.T) {
	customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
		s := customer.NewMemStore()
		return s, s
	})
}
