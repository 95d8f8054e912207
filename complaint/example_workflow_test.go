package complaint_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// A follow-up visit after the close: within the reopen window the
// customer's feedback is recorded on the closed case, which stays closed;
// feedback that shows the customer is not satisfied lets them reopen it.
// Outside the window the closed case takes no feedback.
func ExampleApply_followUpFeedback() {
	c, events := complainttest.Run("K-3", complainttest.T0, len(complainttest.HappyPath()))
	closed := events[len(events)-1].At
	p := complaint.Policy{ReopenWindow: 30 * 24 * time.Hour}
	customerActor := complaint.Actor{ID: "cust-K-3", Role: complaint.RoleCustomer}

	visit := complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 4, Expected: 8, CSAT: 2, Comment: "the seam split again"}}
	after, ev, err := p.Apply(c, visit, complainttest.Agent, closed.Add(7*24*time.Hour))
	fmt.Println(ev.Command.Kind, ev.From, "→", ev.To, err)
	fmt.Println("satisfied:", after.Feedback.Satisfied())

	after, ev, err = p.Apply(after, complaint.Command{Kind: complaint.CmdReopen, Reason: "seam split again"}, customerActor, closed.Add(8*24*time.Hour))
	fmt.Println(ev.Command.Kind, ev.From, "→", ev.To, err)

	_, _, err = p.Apply(c, visit, complainttest.Agent, closed.Add(40*24*time.Hour))
	fmt.Println("after the window:", err)
	// Output:
	// record-feedback closed → closed <nil>
	// satisfied: false
	// reopen closed → assigned <nil>
	// after the window: complaint "K-3": record-feedback in state closed: refused by guard: within the reopen window
}

// A case that waits for the customer may change its owner, a handler on
// leave, without resuming: it goes on waiting, and it resumes to the step
// it left, with the new handler.
func ExampleApply_reassignWhileWaiting() {
	c, _ := complainttest.Run("K-4", complainttest.T0, 2) // assigned to handler-1
	c, _, _ = complaint.Apply(c, complaint.Command{Kind: complaint.CmdWait, Reason: "receipt photo"}, complainttest.Handler, complainttest.T0.Add(3*time.Hour))
	fmt.Println(c.State, "permits", complaint.Permitted(c))

	move := complaint.Command{Kind: complaint.CmdReassign, Reason: "handler on leave", Assignment: &complaint.Assignment{Department: "quality", Handler: "handler-2"}}
	c, ev, err := complaint.Apply(c, move, complainttest.Supervisor, complainttest.T0.Add(4*time.Hour))
	fmt.Println(ev.Command.Kind, ev.From, "→", ev.To, c.Handler, err)

	_, _, err = complaint.Apply(c, move, complainttest.Supervisor, complainttest.T0.Add(5*time.Hour))
	fmt.Println("same owner again:", err)

	c, _, _ = complaint.Apply(c, complaint.Command{Kind: complaint.CmdResume}, complainttest.Agent, complainttest.T0.Add(6*time.Hour))
	fmt.Println(c.State, c.Handler)
	// Output:
	// waiting permits [reassign resume escalate withdraw]
	// reassign waiting → waiting handler-2 <nil>
	// same owner again: complaint "K-4": reassign in state waiting: refused by guard: assignment differs from the case's department and handler
	// assigned handler-2
}

// The share of a period's cases that breached a service level: of two
// cases recorded the same day, one is closed the same day and the other
// still waits for its acceptance ten days on.
func ExampleReport() {
	_, closed := complainttest.Run("K-5", complainttest.T0, len(complainttest.HappyPath()))
	_, open := complainttest.Run("K-6", complainttest.T0, 0)
	asOf := complainttest.T0.Add(10 * 24 * time.Hour)
	r, err := complaint.Analyze([][]complaint.Event{closed, open}, complainttest.T0, asOf, 0, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d cases, %d breached (%d breaches), breach rate %.0f%%\n", r.Cases, r.Breached, r.Breaches, 100*r.BreachRate)
	// Output:
	// 2 cases, 1 breached (1 breaches), breach rate 50%
}

// A policy is checked before it is used: Validate lists every fault,
// each naming its field, and Apply refuses a policy with any, leaving the
// case as it was.
func ExamplePolicy_Validate() {
	desk := complaint.DefaultPolicy()
	desk.ApprovingDepartments = []string{"Customer Service", "customer  service", " "}
	desk.ApprovalThresholds["eur"] = decimal.NewFromInt(100)
	desk.FeedbackWait = -time.Hour
	fmt.Println(desk.Validate())

	c, _ := complainttest.Run("K-7", complainttest.T0, 4) // proposed
	after, _, err := desk.Apply(c, complaint.Command{Kind: complaint.CmdApprove}, complainttest.Supervisor, complainttest.T0.Add(5*time.Hour))
	fmt.Println(after.State, errors.Is(err, customer.ErrInvalid))

	desk.ApprovingDepartments = desk.ApprovingDepartments[:1]
	delete(desk.ApprovalThresholds, "eur")
	desk.FeedbackWait = 0 // a case closes only with the customer's feedback
	fmt.Println(desk.Validate())
	// Output:
	// complaint: policy: approval_thresholds["eur"]: "eur" is not a known ISO 4217 currency code; approving_departments[1]: names the department of approving_departments[0] ("Customer Service") again; approving_departments[2]: is blank (1 characters of white space only); feedback_wait: is negative (-1h0m0s); zero closes a case only with feedback
	// proposed true
	// <nil>
}
