package complainttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
)

// erasedTexts are the complainant's words that the erasure fixture puts
// into a case and its events; none may be read back after an erasure.
var erasedTexts = []string{
	"seam split after two wears", "photo-1", "photo-2", "full refund please",
	"not a defect: the care label says hand wash", "checked the photos", "call from the shop",
	"policy 4.2", "jacket arrived", "send the jacket in", "send the receipt", "bought another",
	"it split again, I am furious",
}

// keptTexts are the staff's business record in the same fixture, which
// an erasure keeps.
var keptTexts = []string{"new photos show the seam", "short seam allowance", "keep and repair at our cost", "offer less", "the reduced jacket was sold meanwhile", "workload", "still split", "slow"}

// runErasable records case id for complainant at start with a demand
// text and takes it along rarePath, the feedback commented: a withdrawn
// case whose events hold every erasable text.
func runErasable(t testing.TB, s complaint.Store, id complaint.ID, complainant customer.ID, start time.Time) complaint.Case {
	c, ev := RecordFor(id, complainant, start)
	c.Intake.Demand.Text = "full refund please"
	ev.Command.Intake.Demand.Text = c.Intake.Demand.Text
	require.NoError(t, s.Save(context.Background(), c, ev))
	at := start
	for i, step := range rarePath() {
		if fb := step.Command.Feedback; fb != nil {
			f := *fb
			f.Comment = "it split again, I am furious"
			step.Command.Feedback = &f
		}
		at = at.Add(time.Hour)
		next, ev, err := complaint.Apply(c, step.Command, step.Actor, at)
		require.NoError(t, err, "fixture step %d (%s)", i+1, step.Command.Kind)
		require.NoError(t, s.Save(context.Background(), next, ev))
		c = next
	}
	return c
}

// saveRejected stores case E-1 of cust-e, recorded at T0 and rejected
// an hour later, and returns the rejected case.
func saveRejected(t testing.TB, s complaint.Store) complaint.Case {
	c, ev := RecordFor("E-1", "cust-e", T0)
	require.NoError(t, s.Save(context.Background(), c, ev))
	rejected, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReject, Reply: "not a defect"}, Agent, T0.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, s.Save(context.Background(), rejected, ev))
	return rejected
}

// logsOf returns the event logs of the cases ids.
func logsOf(t testing.TB, s complaint.Store, ids ...complaint.ID) [][]complaint.Event {
	var logs [][]complaint.Event
	for _, id := range ids {
		evs, err := s.Events(context.Background(), id)
		require.NoError(t, err)
		logs = append(logs, evs)
	}
	return logs
}

// docOf is the JSON form of v, for looking for texts in it.
func docOf(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// testEraser runs the subtests of [complaint.Eraser]; they are skipped
// for a store that does not implement it, and for one whose Erase
// reports errors.ErrUnsupported (a wrapper, such as [FaultStore], over a
// store that cannot erase), asked to erase a customer without cases,
// which an Eraser does without error.
func testEraser(t *testing.T, newStore func(t *testing.T) complaint.Store) {
	ctx := context.Background()
	eraser := func(t *testing.T) complaint.Eraser {
		s := newStore(t)
		e, ok := s.(complaint.Eraser)
		if !ok {
			t.Skipf("%T is not a complaint.Eraser", s)
		}
		if err := e.Erase(ctx, "kit-probe-no-cases", T0); errors.Is(err, errors.ErrUnsupported) {
			t.Skipf("%T cannot erase: %v", s, err)
		}
		return e
	}
	erasedAt := T0.Add(90 * 24 * time.Hour)

	subtest.Run(t, "EraseBlanksComplainantTexts", func(t *testing.T) {
		// Erase blanks the complainant's words in every case and event of theirs, keeps the staff's record, rebuilds, leaves other complainants untouched, is a no-op when repeated, and changes neither Analyze nor Signals.
		s := eraser(t)
		runErasable(t, s, "E-1", "cust-e", T0)
		closed, evs := RunFor("E-2", "cust-e", T0.Add(time.Minute), len(HappyPath()))
		saveAll(t, s, evs)
		runErasable(t, s, "O-1", "cust-o", T0)
		other, err := s.Get(ctx, "O-1")
		require.NoError(t, err)
		otherEvs, err := s.Events(ctx, "O-1")
		require.NoError(t, err)
		ids := []complaint.ID{"E-1", "E-2", "O-1"}
		asOf := T0.Add(60 * 24 * time.Hour)
		reportBefore, err := complaint.Analyze(logsOf(t, s, ids...), T0.Add(-time.Hour), asOf, 100, nil)
		require.NoError(t, err)
		signalsBefore, err := complaint.Signals(logsOf(t, s, ids...), asOf, 0, nil)
		require.NoError(t, err)
		before, err := s.Cases(ctx, "cust-e")
		require.NoError(t, err)

		require.NoError(t, s.Erase(ctx, "cust-e", erasedAt))

		cases, err := s.Cases(ctx, "cust-e")
		require.NoError(t, err)
		require.Equal(t, caseIDs(before), caseIDs(cases), "listing after the erasure")
		var kept strings.Builder
		for i, c := range cases {
			assert.True(t, Same(complaint.EraseCase(before[i], erasedAt), c), "case %s is not its erased form", c.ID)
			assert.Equal(t, before[i].Version, c.Version, "case %s: version", c.ID)
			got, err := s.Get(ctx, c.ID)
			require.NoError(t, err)
			assert.True(t, Same(c, got), "case %s: Get differs from Cases", c.ID)
			evs, err := s.Events(ctx, c.ID)
			require.NoError(t, err)
			doc := docOf(t, c) + docOf(t, evs)
			for _, text := range erasedTexts {
				assert.NotContains(t, doc, text, "case %s still holds a complainant's text", c.ID)
			}
			for _, ev := range evs {
				assert.True(t, ev.Erased.Equal(erasedAt), "case %s event %d: erased %v", c.ID, ev.Seq, ev.Erased)
			}
			r, err := complaint.Rebuild(evs)
			if assert.NoError(t, err, "rebuild erased case %s", c.ID) {
				assert.True(t, Same(c, r), "case %s: rebuilt erased case differs from the stored one", c.ID)
			}
			kept.WriteString(doc)
		}
		for _, text := range keptTexts {
			assert.Contains(t, kept.String(), text, "the staff's record lost %q", text)
		}
		assert.Equal(t, "check seams", cases[1].Evaluation.Lessons, "evaluation kept")
		assert.Equal(t, closed.Feedback.CSAT, cases[1].Feedback.CSAT, "feedback scores kept")

		gotOther, err := s.Get(ctx, "O-1")
		require.NoError(t, err)
		assert.True(t, Same(other, gotOther), "another complainant's case changed")
		gotOtherEvs, err := s.Events(ctx, "O-1")
		require.NoError(t, err)
		assert.True(t, SameEvents(otherEvs, gotOtherEvs), "another complainant's events changed")

		reportAfter, err := complaint.Analyze(logsOf(t, s, ids...), T0.Add(-time.Hour), asOf, 100, nil)
		require.NoError(t, err)
		assert.Equal(t, reportBefore, reportAfter, "Analyze after the erasure")
		signalsAfter, err := complaint.Signals(logsOf(t, s, ids...), asOf, 0, nil)
		require.NoError(t, err)
		assert.Equal(t, signalsBefore, signalsAfter, "Signals after the erasure")

		// Again, later: nothing changes, the erasure time included.
		logs := logsOf(t, s, "E-1", "E-2")
		require.NoError(t, s.Erase(ctx, "cust-e", erasedAt.Add(time.Hour)))
		again, err := s.Cases(ctx, "cust-e")
		require.NoError(t, err)
		for i := range again {
			assert.True(t, Same(cases[i], again[i]), "case %s changed by a second erasure", again[i].ID)
		}
		for i, evs := range logsOf(t, s, "E-1", "E-2") {
			assert.True(t, SameEvents(logs[i], evs), "events of case %d changed by a second erasure", i+1)
		}
		require.NoError(t, s.Erase(ctx, "cust-nobody", erasedAt), "a customer without cases")
	})

	subtest.Run(t, "EraseRefusesOpenCase", func(t *testing.T) {
		// A complainant with an open case is refused with ErrOpen, and none of their cases is erased.
		s := eraser(t)
		runErasable(t, s, "E-1", "cust-e", T0)
		_, evs := RunFor("E-2", "cust-e", T0.Add(time.Minute), 3)
		saveAll(t, s, evs)
		before, err := s.Cases(ctx, "cust-e")
		require.NoError(t, err)
		beforeEvs := logsOf(t, s, "E-1", "E-2")
		err = s.Erase(ctx, "cust-e", erasedAt)
		require.ErrorIs(t, err, complaint.ErrOpen)
		assert.Contains(t, err.Error(), "E-2", "the error names the open case")
		after, err := s.Cases(ctx, "cust-e")
		require.NoError(t, err)
		for i := range after {
			assert.True(t, Same(before[i], after[i]), "case %s changed by a refused erasure", after[i].ID)
		}
		for i, evs := range logsOf(t, s, "E-1", "E-2") {
			assert.True(t, SameEvents(beforeEvs[i], evs), "events of case %d changed by a refused erasure", i+1)
		}
	})

	subtest.Run(t, "EraseRefusesTimeBeforeLastEvent", func(t *testing.T) {
		// An erasure dated zero or before the last event of one of the complainant's cases is refused with a *customer.ValidationError naming the case and the field at, and nothing is erased.
		s := eraser(t)
		runErasable(t, s, "E-1", "cust-e", T0)
		last := runErasable(t, s, "E-2", "cust-e", T0.Add(24*time.Hour))
		before, err := s.Cases(ctx, "cust-e")
		require.NoError(t, err)
		beforeEvs := logsOf(t, s, "E-1", "E-2")
		// Zero is refused on whichever case comes first; a time after
		// E-1's last event but before E-2's is refused on E-2.
		for at, name := range map[time.Time]string{{}: "E-", last.Updated.Add(-time.Second): "E-2"} {
			err := s.Erase(ctx, "cust-e", at)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve, "erasure at %v", at)
			assert.Contains(t, err.Error(), name, "the error names the case")
			require.NotEmpty(t, ve.Fields)
			assert.Equal(t, "at", ve.Fields[0].Field)
			after, err := s.Cases(ctx, "cust-e")
			require.NoError(t, err)
			for i := range after {
				assert.True(t, Same(before[i], after[i]), "case %s changed by a refused erasure", after[i].ID)
			}
			for i, evs := range logsOf(t, s, "E-1", "E-2") {
				assert.True(t, SameEvents(beforeEvs[i], evs), "events of case %d changed by a refused erasure", i+1)
			}
		}
		require.NoError(t, s.Erase(ctx, "cust-e", last.Updated), "an erasure at the instant of the last event")
	})

	subtest.Run(t, "SaveFromBeforeErasureConflicts", func(t *testing.T) {
		// A case computed from its state before the erasure cannot be saved over the erased one (ErrConflict); reloaded, it can.
		s := eraser(t)
		rejected := saveRejected(t, s)
		reopen := complaint.Command{Kind: complaint.CmdReopen, Reason: "new photos"}
		stale, staleEv, err := complaint.Apply(rejected, reopen, Supervisor, T0.Add(2*time.Hour))
		require.NoError(t, err)
		require.NoError(t, s.Erase(ctx, "cust-e", T0.Add(90*time.Minute)))
		assert.ErrorIs(t, s.Save(ctx, stale, staleEv), complaint.ErrConflict)
		got, err := s.Get(ctx, "E-1")
		require.NoError(t, err)
		assert.Equal(t, 2, got.Version)
		assert.Empty(t, got.Intake.Description, "the erased description came back")
		next, ev, err := complaint.Apply(got, reopen, Supervisor, T0.Add(2*time.Hour))
		require.NoError(t, err)
		require.NoError(t, s.Save(ctx, next, ev), "saving from the erased case")
		evs, err := s.Events(ctx, "E-1")
		require.NoError(t, err)
		r, err := complaint.Rebuild(evs)
		require.NoError(t, err)
		assert.True(t, Same(next, r), fmt.Sprintf("rebuilt %+v", r))
	})

	subtest.Run(t, "SecondErasureRefusesStaleSave", func(t *testing.T) {
		// A case erased, reopened with new words of the complainant, closed and erased again takes the time of the second erasure; a case computed before it cannot be saved (ErrConflict), so the new words do not come back; the log rebuilds the stored case and a third erasure changes nothing.
		s := eraser(t)
		_, evs := RunFor("E-1", "cust-e", T0, len(HappyPath()))
		closed := saveAll(t, s, evs)
		first := closed.Updated.Add(time.Hour)
		require.NoError(t, s.Erase(ctx, "cust-e", first))
		c, err := s.Get(ctx, "E-1")
		require.NoError(t, err)
		const comment = "split a third time, I want my money back"
		unhappy := &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1, Comment: comment}
		at := first
		for i, step := range []Step{
			{complaint.Command{Kind: complaint.CmdReopen, Reason: "split again", Feedback: unhappy, Note: "the customer called"}, Agent},
			HappyPath()[2], HappyPath()[3], HappyPath()[4], HappyPath()[5],
			{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: unhappy}, Agent},
			HappyPath()[7],
		} {
			at = at.Add(time.Hour)
			next, ev, err := complaint.Apply(c, step.Command, step.Actor, at)
			require.NoError(t, err, "step %d (%s)", i+1, step.Command.Kind)
			require.NoError(t, s.Save(ctx, next, ev), "step %d (%s)", i+1, step.Command.Kind)
			c = next
		}
		require.Equal(t, comment, c.Feedback.Comment)
		// Computed before the second erasure: it holds the new comment.
		stale, staleEv, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReopen, Reason: "new photos"}, Agent, at.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, comment, stale.Feedback.Comment)
		second := at.Add(time.Hour)
		require.NoError(t, s.Erase(ctx, "cust-e", second))
		erased, err := s.Get(ctx, "E-1")
		require.NoError(t, err)
		assert.True(t, erased.Erased.Equal(second), "the case's Erased is %v, not the time of the erasure that blanked the new words", erased.Erased)
		assert.Empty(t, erased.Feedback.Comment, "the second erasure kept the new comment")

		assert.ErrorIs(t, s.Save(ctx, stale, staleEv), complaint.ErrConflict, "a case computed before the second erasure was saved")
		got, err := s.Get(ctx, "E-1")
		require.NoError(t, err)
		assert.Equal(t, c.Version, got.Version)
		stored, err := s.Events(ctx, "E-1")
		require.NoError(t, err)
		assert.NotContains(t, docOf(t, got)+docOf(t, stored), comment, "the erased comment came back")
		for _, ev := range stored {
			want := first
			if ev.Seq > closed.Version {
				want = second
			}
			assert.True(t, ev.Erased.Equal(want), "event %d: erased %v, want %v", ev.Seq, ev.Erased, want)
		}
		r, err := complaint.Rebuild(stored)
		if assert.NoError(t, err) {
			assert.True(t, Same(got, r), "rebuilt %+v", r)
		}

		// Nothing new to erase: a third erasure changes nothing.
		require.NoError(t, s.Erase(ctx, "cust-e", second.Add(time.Hour)))
		again, err := s.Get(ctx, "E-1")
		require.NoError(t, err)
		assert.True(t, Same(got, again), "a third erasure changed the case")
		againEvs, err := s.Events(ctx, "E-1")
		require.NoError(t, err)
		assert.True(t, SameEvents(stored, againEvs), "a third erasure changed the events")

		// Reloaded, the case is saved.
		next, ev, err := complaint.Apply(again, complaint.Command{Kind: complaint.CmdReopen, Reason: "new photos"}, Agent, at.Add(2*time.Hour))
		require.NoError(t, err)
		require.NoError(t, s.Save(ctx, next, ev))
	})

	subtest.Run(t, "SaveComparesErasureInstants", func(t *testing.T) {
		// Save compares a case's Erased with the stored one as instants, to the nanosecond: the same instant in another time zone is saved, one a nanosecond off is a conflict.
		s := eraser(t)
		saveRejected(t, s)
		erasedAt := T0.Add(90*time.Minute + 123456789*time.Nanosecond)
		require.NoError(t, s.Erase(ctx, "cust-e", erasedAt.In(time.FixedZone("UTC+5:30", 5*3600+1800))))
		got, err := s.Get(ctx, "E-1")
		require.NoError(t, err)
		next, ev, err := complaint.Apply(got, complaint.Command{Kind: complaint.CmdReopen, Reason: "new photos"}, Supervisor, T0.Add(2*time.Hour))
		require.NoError(t, err)
		off := next
		off.Erased = erasedAt.Add(time.Nanosecond)
		assert.ErrorIs(t, s.Save(ctx, off, ev), complaint.ErrConflict, "Erased a nanosecond off")
		next.Erased = erasedAt.UTC()
		require.NoError(t, s.Save(ctx, next, ev), "Erased in UTC")
		accepted, ev, err := complaint.Apply(next, complaint.Command{Kind: complaint.CmdAccept}, Agent, T0.Add(3*time.Hour))
		require.NoError(t, err)
		accepted.Erased = erasedAt.In(time.FixedZone("UTC-8", -8*3600))
		require.NoError(t, s.Save(ctx, accepted, ev), "Erased in UTC-8")
	})

	subtest.Run(t, "EraseKeepsTheLastUnitsMark", func(t *testing.T) {
		// An erasure keeps the mark of a carry-out that took back the last units held (Event.LastUnits) and the case's RefundedAll: a store that rewrites its documents without them lets the reopened case refund units the customer no longer holds.
		s := eraser(t)
		c, evs, carriedOut := saveLastUnits(t, s)
		at := c.Updated.Add(time.Hour)
		require.NoError(t, s.Erase(ctx, c.Intake.Complainant, at))
		got, err := s.Get(ctx, c.ID)
		if assert.NoError(t, err) {
			assert.True(t, got.RefundedAll, "Get: RefundedAll")
			sameCase(t, complaint.EraseCase(c, at), got, "Get")
		}
		stored, err := s.Events(ctx, c.ID)
		if assert.NoError(t, err) && assert.Len(t, stored, len(evs)) {
			assert.True(t, stored[carriedOut].LastUnits, "Events: the carry-out's LastUnits")
			for i := range evs {
				evs[i] = complaint.EraseEvent(evs[i], at)
			}
			sameEvents(t, evs, stored, "Events")
		}
	})
}
