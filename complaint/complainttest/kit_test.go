package complainttest_test

import (
	"testing"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

func TestMemStore(t *testing.T) {
	complainttest.TestStore(t, func(*testing.T) complaint.Store { return complaint.NewMemStore() })
}
