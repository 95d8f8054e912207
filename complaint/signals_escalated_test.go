package complaint_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// A case counts as escalated when a person escalated it within the
// window up to the instant: once however often, whatever its state now,
// not for an automated job's escalation, not before the escalation
// happened, and no longer once the escalation is older than the window.
func TestSignalsCountEscalatedCases(t *testing.T) {
	hp := complainttest.HappyPath()
	escalate := func(a complaint.Actor, reason string) complainttest.Step {
		return complainttest.Step{Command: complaint.Command{Kind: complaint.CmdEscalate, Reason: reason}, Actor: a}
	}
	in := func(id complaint.ID) complaint.Intake {
		in := complainttest.Intake(id, t0)
		in.Complainant = "cust-X"
		return in
	}
	// Accepted at hour 1, escalated by hand at hours 2 and 3, still open.
	twice := script(t, in("C-1"), t0, hp[0], escalate(agent, "asks for a manager"), escalate(supervisor, "threatens to post a review"))
	// Escalated at hour 2 by the SLA job only.
	auto := script(t, in("C-2"), t0, hp[0], escalate(system, "step overdue"))
	// Escalated by hand at hour 3, then resolved and closed.
	settled := script(t, in("C-3"), t0, append(append(hp[:2:2], escalate(agent, "asks for a manager")), hp[2:]...)...)
	// Never escalated.
	calm := script(t, in("C-4"), t0, hp...)

	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name string
		logs [][]complaint.Event
		asOf time.Time
		want int
	}{
		{"before the escalation", [][]complaint.Event{twice}, at(1), 0},
		{"at the escalation", [][]complaint.Event{twice}, at(2), 1},
		{"escalated twice counts once", [][]complaint.Event{twice}, at(20), 1},
		{"by the SLA job", [][]complaint.Event{auto}, at(20), 0},
		{"escalated, then closed", [][]complaint.Event{settled}, at(20), 1},
		{"not escalated", [][]complaint.Event{calm}, at(20), 0},
		{"all together", [][]complaint.Event{twice, auto, settled, calm}, at(20), 2},
		// Last escalated at hour 3: within the default 90-day window
		// until it ends.
		{"escalated within the window", [][]complaint.Event{twice}, at(3 + 90*24 - 1), 1},
		{"escalated before the window", [][]complaint.Event{twice}, at(3 + 90*24), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := complaint.Signals(tc.logs, tc.asOf, 0, nil)
			require.NoError(t, err)
			s := sig["cust-X"]
			assert.Equal(t, tc.want, s.Escalated)
			assert.LessOrEqual(t, s.Escalated, s.Total)
		})
	}

	// The escalation by hand comes before any deadline is missed: the
	// signals tell it apart from a case that is merely open.
	sig, err := complaint.Signals([][]complaint.Event{twice}, at(3), 0, nil)
	require.NoError(t, err)
	assert.Equal(t, customer.ComplaintSignals{Total: 1, Recent: 1, Window: complaint.DefaultSignalWindow, Unresolved: 1, Escalated: 1,
		MaxSeverity: int(twice[0].Command.Intake.Severity), Last: t0}, sig["cust-X"])

	// A shorter window: escalated at hours 2 and 3, counted while the
	// later one is within the last 24 hours.
	for h, want := range map[int]int{26: 1, 27: 0} {
		sig, err := complaint.Signals([][]complaint.Event{twice}, at(h), 24*time.Hour, nil)
		require.NoError(t, err)
		assert.Equal(t, want, sig["cust-X"].Escalated, "as of hour %d", h)
	}
}

// Signals as of an instant depend only on the events up to it: the
// escalations, and every other count, are those of the logs cut at the
// instant, and the escalated count is the number of cases with an
// escalation by a non-system actor in the window.
func TestPropertySignalsIgnoreLaterEvents(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var logs, cut [][]complaint.Event
		asOf := t0.Add(time.Duration(rapid.IntRange(0, 60*24).Draw(t, "as-of hour")) * time.Hour)
		window := rapid.SampledFrom([]time.Duration{0, time.Hour, 7 * 24 * time.Hour}).Draw(t, "window")
		from := asOf.Add(-window)
		if window == 0 {
			from = asOf.Add(-complaint.DefaultSignalWindow)
		}
		want := 0
		for i := range rapid.IntRange(1, 4).Draw(t, "cases") {
			id := complaint.ID(fmt.Sprintf("C-%d", i+1))
			at := t0.Add(time.Duration(rapid.IntRange(0, 30*24).Draw(t, "recorded hour")) * time.Hour)
			c, ev := complainttest.RecordFor(id, "cust-X", at)
			evs := []complaint.Event{ev}
			actors := []complaint.Actor{agent, handler, supervisor, manager, system}
			for range rapid.IntRange(0, 15).Draw(t, "steps") {
				at = at.Add(time.Duration(rapid.IntRange(1, 24*5).Draw(t, "gap hours")) * time.Hour)
				cmd := complaint.Command{Kind: complaint.CmdEscalate, Reason: "pressed"}
				if rapid.Bool().Draw(t, "other command") {
					cmd, _ = drawCommand(t, c)
				}
				next, ev, err := complaint.Apply(c, cmd, rapid.SampledFrom(actors).Draw(t, "actor"), at)
				if err != nil {
					continue
				}
				c, evs = next, append(evs, ev)
			}
			logs = append(logs, evs)
			var upTo []complaint.Event
			escalated := false
			for _, ev := range evs {
				if ev.At.After(asOf) {
					break
				}
				upTo = append(upTo, ev)
				escalated = escalated || ev.Command.Kind == complaint.CmdEscalate && ev.Actor.Role != complaint.RoleSystem && ev.At.After(from)
			}
			if len(upTo) > 0 {
				cut = append(cut, upTo)
			}
			if escalated {
				want++
			}
		}
		got, err := complaint.Signals(logs, asOf, window, nil)
		if err != nil {
			t.Fatalf("signals: %v", err)
		}
		again, err := complaint.Signals(cut, asOf, window, nil)
		if err != nil {
			t.Fatalf("signals of the cut logs: %v", err)
		}
		if got["cust-X"] != again["cust-X"] {
			t.Fatalf("as of %s: %+v, from the logs cut there %+v", asOf.Format(time.RFC3339), got["cust-X"], again["cust-X"])
		}
		if got["cust-X"].Escalated != want {
			t.Fatalf("escalated %d, want %d", got["cust-X"].Escalated, want)
		}
	})
}
