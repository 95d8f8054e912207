package complaint_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// The churn risk consumes what Signals computes: whatever the workflows
// of a customer's cases (random commands by random actors at random
// times, refused ones dropped), the instant and the window, the signals
// of every complainant pass risk.Signals.Validate, so a risk computed
// from complaint.Signals never fails on its input.
func TestPropertySignalsValidateInRisk(t *testing.T) {
	who := []customer.ID{"cust-A", "cust-B"}
	rapid.Check(t, func(t *rapid.T) {
		var logs [][]complaint.Event
		end := t0
		for i := range rapid.IntRange(1, 5).Draw(t, "cases") {
			id := complaint.ID(fmt.Sprintf("C-%d", i+1))
			complainant := rapid.SampledFrom(who).Draw(t, "complainant")
			at := t0.Add(time.Duration(rapid.IntRange(0, 400*24).Draw(t, "recorded hour")) * time.Hour)
			c, ev := complainttest.RecordFor(id, complainant, at)
			evs := []complaint.Event{ev}
			self := complaint.Actor{ID: complaint.ActorID(complainant), Role: complaint.RoleCustomer}
			actors := []complaint.Actor{agent, handler, handler2, supervisor, manager, system, self}
			for range rapid.IntRange(0, 25).Draw(t, "steps") {
				at = at.Add(time.Duration(rapid.IntRange(1, 24*20).Draw(t, "gap hours")) * time.Hour)
				cmd, _ := drawCommand(t, c)
				next, ev, err := complaint.Apply(c, cmd, rapid.SampledFrom(actors).Draw(t, "actor"), at)
				if err != nil {
					continue
				}
				c, evs = next, append(evs, ev)
			}
			if at.After(end) {
				end = at
			}
			logs = append(logs, evs)
		}
		span := int(end.Sub(t0)/time.Hour) + 48
		asOf := t0.Add(time.Duration(rapid.IntRange(-48, span).Draw(t, "as-of hour")) * time.Hour)
		window := rapid.SampledFrom([]time.Duration{0, time.Hour, 7 * 24 * time.Hour, 90 * 24 * time.Hour, 3650 * 24 * time.Hour}).Draw(t, "window")
		var sla *complaint.SLAPolicy
		if rapid.Bool().Draw(t, "sla") {
			sla = complaint.DefaultSLA()
		}
		sig, err := complaint.Signals(logs, asOf, window, sla)
		if err != nil {
			t.Fatalf("signals: %v", err)
		}
		for id, cs := range sig {
			s := risk.Signals{Customer: id, AsOf: asOf, PurchaseDays: 1, Complaints: cs}
			if err := s.Validate(); err != nil {
				t.Fatalf("signals of %s as of %s: %+v: %v", id, asOf.Format(time.RFC3339), cs, err)
			}
		}
	})
}
