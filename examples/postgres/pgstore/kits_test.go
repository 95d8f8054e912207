package pgstore_test

import (
	"testing"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// The library's conformance kits, each against a new schema per store.

func TestCustomerDirectoryKit(t *testing.T) {
	testDSN(t)
	t.Parallel()
	customertest.TestStore(t, func(t *testing.T) customer.Directory { return newDB(t).Customers() })
}

func TestCustomerHistoryKit(t *testing.T) {
	testDSN(t)
	t.Parallel()
	customertest.TestHistoryStore(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
		s := newDB(t).Customers()
		return s, s
	})
}

func TestCustomerHistoryConflicts(t *testing.T) {
	testDSN(t)
	t.Parallel()
	customertest.TestHistoryConflicts(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
		s := newDB(t).Customers()
		return s, s
	})
}

func TestComplaintStoreKit(t *testing.T) {
	testDSN(t)
	t.Parallel()
	complainttest.TestStore(t, func(t *testing.T) complaint.Store { return newDB(t).Complaints() })
}

func TestLoyaltyStoreKit(t *testing.T) {
	testDSN(t)
	t.Parallel()
	loyaltytest.TestStore(t, func(t *testing.T) loyalty.Store { return newDB(t).Loyalty() })
}
