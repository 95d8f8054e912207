package complaint_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// Service.Cases lists what its Store lists and passes the store's errors
// on; the zero MemStore lists nothing.
func TestServiceCases(t *testing.T) {
	ctx := context.Background()
	var zero complaint.MemStore
	got, err := zero.Cases(ctx, "cust-a")
	require.NoError(t, err)
	assert.Empty(t, got)

	mem := complaint.NewMemStore()
	faulty := &complainttest.FaultStore{Store: mem}
	svc := &complaint.Service{Store: faulty}
	for i, r := range []struct {
		id  complaint.ID
		who customer.ID
		h   float64
	}{{"C-3", "cust-a", 0}, {"C-1", "cust-b", 1}, {"C-2", "cust-a", 2}, {"C-4", "cust-a", 0}} {
		in := complainttest.Intake(r.id, hours(r.h))
		in.Complainant = r.who
		_, _, err := svc.Record(ctx, in, "", agent, hours(r.h))
		require.NoError(t, err, "record %d", i)
	}
	_, _, err = svc.Do(ctx, "C-2", complaint.Command{Kind: complaint.CmdAccept}, agent, hours(3))
	require.NoError(t, err)

	got, err = svc.Cases(ctx, "cust-a")
	require.NoError(t, err)
	var ids []complaint.ID
	for _, c := range got {
		ids = append(ids, c.ID)
		assert.Equal(t, customer.ID("cust-a"), c.Intake.Complainant)
	}
	assert.Equal(t, []complaint.ID{"C-3", "C-4", "C-2"}, ids, "by Opened, then ID")
	assert.Equal(t, complaint.StateAccepted, got[2].State, "the current state")
	direct, err := mem.Cases(ctx, "cust-a")
	require.NoError(t, err)
	assert.Equal(t, direct, got)

	faulty.FailCall = faulty.Calls() + 1
	_, err = svc.Cases(ctx, "cust-a")
	assert.ErrorIs(t, err, complainttest.ErrInjected)
}

// A service desk looks up a customer's complaint history: every case of
// the customer, oldest first, each in its current state.
func ExampleService_Cases() {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	agent := complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	record := func(id complaint.ID, who customer.ID, at time.Time, what string) {
		_, _, err := svc.Record(ctx, complaint.Intake{
			ID: id, Complainant: who, Channel: complaint.ChannelWeb, Received: at,
			Subject:  complaint.Subject{Kind: complaint.SubjectService},
			Category: complaint.CategoryOther, Severity: complaint.SeverityLow, Currency: "EUR",
			Demand: complaint.Demand{Kind: complaint.ResolutionApology}, Description: what,
		}, "", agent, at)
		if err != nil {
			panic(err)
		}
	}
	record("C-12", "CUST-0042", t0.Add(48*time.Hour), "parcel left in the rain")
	record("C-07", "CUST-0042", t0, "rude hotline")
	record("C-09", "CUST-0077", t0.Add(24*time.Hour), "wrong colour")
	if _, _, err := svc.Do(ctx, "C-07", complaint.Command{Kind: complaint.CmdAccept}, agent, t0.Add(time.Hour)); err != nil {
		panic(err)
	}

	cases, err := svc.Cases(ctx, "CUST-0042")
	if err != nil {
		panic(err)
	}
	for _, c := range cases {
		fmt.Println(c.ID, c.Opened.Format(time.DateOnly), c.State, "-", c.Intake.Description)
	}
	none, err := svc.Cases(ctx, "CUST-0099")
	fmt.Println("CUST-0099:", len(none), "cases, error", err)
	// Output:
	// C-07 2026-03-02 accepted - rude hotline
	// C-12 2026-03-04 recorded - parcel left in the rain
	// CUST-0099: 0 cases, error <nil>
}

// BenchmarkMemStoreCases lists one customer's three cases in stores of
// 300 and 30 000 cases: the store reads its per-customer index rather
// than every case, so the time hardly grows with the store.
func BenchmarkMemStoreCases(b *testing.B) {
	ctx := context.Background()
	for _, customers := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("customers=%d", customers), func(b *testing.B) {
			s := complaint.NewMemStore()
			for i := range customers * 3 {
				who := customer.ID(fmt.Sprintf("cust-%d", i%customers))
				c, ev := complainttest.RecordFor(complaint.ID(fmt.Sprintf("C-%d", i)), who, t0.Add(time.Duration(i)*time.Minute))
				if err := s.Save(ctx, c, ev); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				cases, err := s.Cases(ctx, "cust-7")
				if err != nil || len(cases) != 3 {
					b.Fatal(len(cases), err)
				}
			}
		})
	}
}
