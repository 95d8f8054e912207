package complaint_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// Population-wide reports from one read of the store: the March
// analytics and every complainant's signals for the churn risk (which
// takes them as risk.ComplaintsAsOf{AsOf: asOf, Signals: signals}), with
// Service.Logs, without a call per customer or per case. A letter of
// 31 March typed in on 2 April is a March complaint, recorded late.
func ExampleService_Logs() {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	april := march.AddDate(0, 1, 0)
	record := func(id complaint.ID, who customer.ID, received, typedIn time.Time, steps int) {
		in := complainttest.Intake(id, received)
		in.Complainant = who
		if _, _, err := svc.Record(ctx, in, "", complainttest.Agent, typedIn); err != nil {
			fmt.Println(err)
		}
		for i, s := range complainttest.HappyPath()[:steps] {
			if _, _, err := svc.Do(ctx, id, s.Command, s.Actor, typedIn.Add(time.Duration(i+1)*time.Hour)); err != nil {
				fmt.Println(err)
			}
		}
	}
	record("C-1", "cust-anna", march.AddDate(0, -1, 3), march.AddDate(0, -1, 3), 8) // February, closed
	record("C-2", "cust-anna", march.AddDate(0, 0, 9), march.AddDate(0, 0, 9), 3)
	record("C-3", "cust-ben", march.AddDate(0, 0, 20), march.AddDate(0, 0, 20), 8)
	record("C-4", "cust-ben", april.Add(-time.Hour), april.AddDate(0, 0, 1), 0) // typed in late
	now := april.AddDate(0, 0, 3)

	// Every case opened since 1 March, those typed in after March included.
	logs, err := svc.Logs(ctx, march, now.Add(time.Nanosecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := complaint.Analyze(logs, march, april, 2000, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("March: %d complaints (%d typed in late), %.1f per 1,000 orders, %d resolved\n",
		report.Cases, report.RecordedLate, report.RatePer1000, report.Resolved)

	// Every complainant's signals as of asOf, from every case recorded up
	// to then: Logs(ctx, time.Time{}, asOf.Add(time.Nanosecond)) and
	// complaint.Signals in one call.
	asOf := now
	signals, err := svc.Signals(ctx, asOf, 0, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, who := range []customer.ID{"cust-anna", "cust-ben", "cust-carl"} {
		s := signals[who]
		fmt.Printf("%s: %d cases, %d recent, %d unresolved\n", who, s.Total, s.Recent, s.Unresolved)
	}

	// A Store that cannot list logs says so.
	plain := &complaint.Service{Store: struct{ complaint.Store }{svc.Store}}
	_, err = plain.Logs(ctx, march, now)
	fmt.Println(err)
	// Output:
	// March: 3 complaints (1 typed in late), 1.5 per 1,000 orders, 1 resolved
	// cust-anna: 2 cases, 2 recent, 1 unresolved
	// cust-ben: 2 cases, 2 recent, 1 unresolved
	// cust-carl: 0 cases, 0 recent, 0 unresolved
	// complaint: logs of the cases opened from 2026-03-01T00:00:00Z to 2026-04-04T00:00:00Z: the Store struct { complaint.Store } is not a complaint.LogLister: unsupported operation
}
