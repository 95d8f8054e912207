package complaint_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"pgregory.net/rapid"
)

// Consecutive periods that cover every complaint count each exactly
// once, in the period of its receipt (the recording's time for a
// placeholder receipt before 1900, from a log written before it was
// refused), however late
// it was typed in, in whichever zone it was received, and whatever the
// month boundaries: no case is counted twice, by its receipt in one
// period and its recording in the next, nor missed between them. The
// signals date each by the same time.
func TestConsecutivePeriodsCountEachComplaintOnce(t *testing.T) {
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	rapid.Check(t, func(t *rapid.T) {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, santiago)
		n := rapid.IntRange(1, 12).Draw(t, "cases")
		var logs [][]complaint.Event
		made := make([]time.Time, n)
		for i := range n {
			id := complaint.ID(fmt.Sprintf("C-%d", i))
			rec := start.Add(time.Duration(rapid.Int64Range(0, int64(150*24*time.Hour)).Draw(t, "recorded")))
			recv := rec
			switch rapid.IntRange(0, 3).Draw(t, "receipt") {
			case 0: // at the recording
			case 1: // a placeholder of an old log
				recv = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
			default: // up to 40 days before the recording, often across a month's end
				recv = rec.Add(-time.Duration(rapid.Int64Range(0, int64(40*24*time.Hour)).Draw(t, "lag")))
				if rapid.Bool().Draw(t, "other zone") {
					recv = recv.In(time.FixedZone("", 14*3600))
				}
			}
			in := complainttest.Intake(id, recv)
			if recv.Year() < 1900 {
				// Refused for new input: written by an older system.
				in.Received = rec
			}
			c, ev, err := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, rec)
			if err != nil {
				t.Fatal(err)
			}
			ev.Command.Intake.Received = recv
			_, ev2, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdAccept}, agent, rec.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			logs = append(logs, []complaint.Event{ev, ev2})
			made[i] = rec
			if recv.Year() >= 1900 {
				made[i] = recv
			}
		}
		// Months in Santiago from two months before to two after.
		var bounds []time.Time
		for m := -2; m <= 8; m++ {
			bounds = append(bounds, time.Date(2026, time.January+time.Month(m), 1, 0, 0, 0, 0, santiago))
		}
		total := 0
		for i, log := range logs {
			seen := 0
			for k := 0; k+1 < len(bounds); k++ {
				r, err := complaint.Analyze([][]complaint.Event{log}, bounds[k], bounds[k+1], 1, nil)
				if err != nil {
					t.Fatal(err)
				}
				if r.Cases == 1 {
					seen++
					if made[i].Before(bounds[k]) || !made[i].Before(bounds[k+1]) {
						t.Fatalf("case %d made %s counted in [%s, %s)", i, made[i], bounds[k], bounds[k+1])
					}
				}
			}
			if seen != 1 {
				t.Fatalf("case %d made %s, recorded %s, counted in %d periods", i, made[i], log[0].At, seen)
			}
		}
		for k := 0; k+1 < len(bounds); k++ {
			r, err := complaint.Analyze(logs, bounds[k], bounds[k+1], 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			total += r.Cases
		}
		if total != n {
			t.Fatalf("%d cases, the periods count %d", n, total)
		}
		sig, err := complaint.Signals(logs, bounds[len(bounds)-1], 365*24*time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, log := range logs {
			s := sig[log[0].Command.Intake.Complainant]
			if s.Total != 1 || s.Recent != 1 || !s.Last.Equal(made[i]) {
				t.Fatalf("case %d made %s: signals %+v", i, made[i], s)
			}
		}
	})
}
