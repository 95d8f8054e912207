package complainttest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A save that fails leaves nothing half-applied: the case is as it was
// before the command, and doing the command again gives the same result
// as a run without the fault.
func ExampleFaultStore() {
	ctx := context.Background()
	faulty := &complainttest.FaultStore{Store: complaint.NewMemStore()}
	svc := &complaint.Service{Store: faulty}

	c, _, err := svc.Record(ctx, complainttest.Intake("C-1", complainttest.T0), "", complainttest.Agent, complainttest.T0)
	if err != nil {
		panic(err)
	}
	faulty.FailCall = faulty.Calls() + 2 // the Save after the next Get
	accept := complaint.Command{Kind: complaint.CmdAccept, Note: "defect within warranty"}
	_, _, err = svc.Do(ctx, c.ID, accept, complainttest.Agent, complainttest.T0.Add(1))
	fmt.Println("first try:", errors.Is(err, complainttest.ErrInjected))

	stored, _ := faulty.Store.Get(ctx, c.ID)
	fmt.Println("stored after the fault:", stored.State, "version", stored.Version)

	c, _, err = svc.Do(ctx, c.ID, accept, complainttest.Agent, complainttest.T0.Add(1))
	fmt.Println("retry:", err, c.State, "version", c.Version)
	// Output:
	// first try: true
	// stored after the fault: recorded version 1
	// retry: <nil> accepted version 2
}
