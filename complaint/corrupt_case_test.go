package complaint_test

import (
	"testing"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// A case that no log of events leads to, as a damaged store may give it
// back, is refused as it is, not moved to a state the workflow has no
// way to: a waiting case without the state it resumes to, or a case in
// an unknown state.
func TestApplyRefusesACaseNoLogLeadsTo(t *testing.T) {
	c, _ := reach(3) // assigned
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: "photos"}, handler, hours(4))

	lost := c.Clone()
	lost.ResumeTo = 0
	invalid(t, lost, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(5), "case.resume_to", customer.CodeRequired)

	loop := c.Clone()
	loop.ResumeTo = complaint.StateWaiting
	invalid(t, loop, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(5), "case.resume_to", customer.CodeRequired)

	unknown := c.Clone()
	unknown.State = complaint.State(99)
	invalid(t, unknown, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(5), "case.state", customer.CodeUnknown)

	// The case as the log left it resumes as usual.
	do(t, c, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(5))
}
