package complaint_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A command carried by a queue may arrive twice. With an idempotency key
// the second delivery applies nothing: it returns the event of the first,
// and the audit trail holds one event. The key used for another command
// is refused.
func ExampleService_Do_idempotencyKey() {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	c, _, err := svc.Record(ctx, complainttest.Intake("C-1", complainttest.T0), "", complainttest.Agent, complainttest.T0)
	if err != nil {
		fmt.Println(err)
		return
	}
	accept := complaint.Command{Kind: complaint.CmdAccept, Note: "defect within warranty", Key: "msg-4711"}
	for range 2 {
		_, ev, err := svc.Do(ctx, c.ID, accept, complainttest.Agent, complainttest.T0.Add(1))
		fmt.Println("event", ev.Seq, ev.To, err)
	}
	events, _ := svc.History(ctx, c.ID)
	fmt.Println("events:", len(events))

	reject := complaint.Command{Kind: complaint.CmdReject, Reply: "outside warranty", Key: "msg-4711"}
	_, _, err = svc.Do(ctx, c.ID, reject, complainttest.Agent, complainttest.T0.Add(2))
	fmt.Println("key reused:", errors.Is(err, complaint.ErrKeyReused))
	// Output:
	// event 2 accepted <nil>
	// event 2 accepted <nil>
	// events: 2
	// key reused: true
}
