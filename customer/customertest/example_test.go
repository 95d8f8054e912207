package customertest_test

import (
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
)

// An adapter's test runs both kits: each check is a named subtest given a
// new, empty store, and every broken promise is reported, not only the
// first. Here the adapter is the package's own MemStore.
func Example() {
	// In a _test.go file of the adapter's package:
	_ = func(t *testing.T) {
		customertest.TestStore(t, func(t *testing.T) customer.Directory { return customer.NewMemStore() })
		customertest.TestHistoryStore(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, s
		})
	}
}
