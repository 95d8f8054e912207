package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint"
)

// A carried-out case cannot be withdrawn: the money or goods went to the
// customer and the case must still be evaluated and closed. Waiting for
// the customer must not open a way around that rule, while a case
// waiting from an earlier step may still be withdrawn.
func TestWithdrawWaitingAfterCarryOut(t *testing.T) {
	carried, _ := reach(6)
	withdraw := complaint.Command{Kind: complaint.CmdWithdraw, Reason: "no longer interested"}
	refused(t, nil, carried, withdraw, complainant, hours(8))

	waiting, _ := do(t, carried, complaint.Command{Kind: complaint.CmdWait, Reason: "asked for the receipt"}, handler, hours(8))
	refused(t, nil, waiting, withdraw, complainant, hours(9), "case waits from a step before the carry-out")
	refused(t, nil, waiting, withdraw, manager, hours(9), "case waits from a step before the carry-out")

	// The waiting case goes on as a carried-out case.
	resumed, _ := do(t, waiting, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(10))
	assert.Equal(t, complaint.StateCarriedOut, resumed.State)

	// Waiting from an earlier step, the customer may still withdraw.
	approved, _ := reach(5)
	w, _ := do(t, approved, complaint.Command{Kind: complaint.CmdWait, Reason: "asked for the bank account"}, handler, hours(7))
	gone, _ := do(t, w, withdraw, complainant, hours(8))
	assert.Equal(t, complaint.StateWithdrawn, gone.State)
}
