// Package complainttest is the conformance kit of [complaint.Store]: a
// caller runs [TestStore] against their own adapter (SQL, document
// store…) and knows it keeps the contract, including under concurrency.
// A panic of the adapter fails the check it happens in; the other checks
// still run. It also provides fixtures and a fault-injecting store
// wrapper, [FaultStore].
package complainttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
	"pgregory.net/rapid"
)

// T0 is the time the fixtures start at.
var T0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Same reports whether two cases are equal up to the representation of
// their times (instants are compared, not zones) and amounts (compared by
// their text form): what a database round trip may change.
func Same(a, b complaint.Case) bool {
	ja, erra := json.Marshal(normCase(a))
	jb, errb := json.Marshal(normCase(b))
	return erra == nil && errb == nil && string(ja) == string(jb)
}

// SameEvents is [Same] for event logs.
func SameEvents(a, b []complaint.Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ja, erra := json.Marshal(normEvent(a[i]))
		jb, errb := json.Marshal(normEvent(b[i]))
		if erra != nil || errb != nil || string(ja) != string(jb) {
			return false
		}
	}
	return true
}

// diffJSON lists the paths at which the JSON forms of want and got
// differ, with both values, as "intake.attachments[0]: got "x", want
// "y"", so that a failure names the field an adapter lost.
func diffJSON(want, got any) []string {
	var w, g any
	jw, errw := json.Marshal(want)
	jg, errg := json.Marshal(got)
	if errw != nil || errg != nil || json.Unmarshal(jw, &w) != nil || json.Unmarshal(jg, &g) != nil {
		return []string{fmt.Sprintf("cannot compare: %v, %v", errw, errg)}
	}
	var out []string
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		wm, wok := w.(map[string]any)
		gm, gok := g.(map[string]any)
		if wok && gok {
			keys := map[string]bool{}
			for k := range wm {
				keys[k] = true
			}
			for k := range gm {
				keys[k] = true
			}
			sorted := make([]string, 0, len(keys))
			for k := range keys {
				sorted = append(sorted, k)
			}
			slices.Sort(sorted)
			for _, k := range sorted {
				walk(strings.TrimPrefix(path+"."+k, "."), wm[k], gm[k])
			}
			return
		}
		ws, wok := w.([]any)
		gs, gok := g.([]any)
		if wok && gok && len(ws) == len(gs) {
			for i := range ws {
				walk(fmt.Sprintf("%s[%d]", path, i), ws[i], gs[i])
			}
			return
		}
		bw, _ := json.Marshal(w)
		bg, _ := json.Marshal(g)
		if string(bw) != string(bg) {
			if path == "" {
				path = "(whole value)"
			}
			out = append(out, fmt.Sprintf("%s: got %s, want %s", path, bg, bw))
		}
	}
	walk("", w, g)
	return out
}

// sameCase reports, under what, every field in which got differs from
// want as [Same] compares them.
func sameCase(t testing.TB, want, got complaint.Case, what string) bool {
	t.Helper()
	diffs := diffJSON(normCase(want), normCase(got))
	for _, d := range diffs {
		assert.Fail(t, "case differs", "%s: %s", what, d)
	}
	return len(diffs) == 0
}

// sameEvents reports, under what, every field in which the events got
// differ from want as [SameEvents] compares them.
func sameEvents(t testing.TB, want, got []complaint.Event, what string) bool {
	t.Helper()
	if len(want) != len(got) {
		assert.Fail(t, "events differ", "%s: %d events, want %d", what, len(got), len(want))
		return false
	}
	ok := true
	for i := range want {
		for _, d := range diffJSON(normEvent(want[i]), normEvent(got[i])) {
			assert.Fail(t, "event differs", "%s: event %d: %s", what, i+1, d)
			ok = false
		}
	}
	return ok
}

// rarePath returns the steps that take a recorded case through the
// commands and fields the happy path leaves out: a rejection with its
// reply, reopenings, a reassignment, a send-back, a revision of an
// approved resolution, an approval by a supervisor whose department is
// given (the case's), an unsatisfied
// feedback, waits with their reasons, a resumption, an escalation and a
// withdrawal, with notes, idempotency keys, and a carry-out that records
// the loss and a pay deduction.
func rarePath() []Step {
	h := HappyPath()
	carry := h[5]
	ex := *carry.Command.Execution
	ex.Loss = money("60.00")
	ex.Accountability = append([]complaint.Accountability{{Staff: "qc-2", Action: complaint.ActionPayDeduction, Deduction: money("15.00")}}, ex.Accountability...)
	carry.Command.Execution = &ex
	carry.Command.Key = "queue-msg-11"
	return []Step{
		{complaint.Command{Kind: complaint.CmdReject, Reply: "not a defect: the care label says hand wash", Note: "checked the photos"}, Agent},
		{complaint.Command{Kind: complaint.CmdReopen, Reason: "new photos show the seam", Note: "call from the shop"}, Supervisor},
		h[0], h[1],
		{complaint.Command{Kind: complaint.CmdReassign, Key: "queue-msg-7", Assignment: &complaint.Assignment{Department: "returns", Handler: Handler.ID}, Reason: "workload"}, Supervisor},
		h[2], h[3],
		{complaint.Command{Kind: complaint.CmdSendBack, Reason: "offer less", Note: "policy 4.2"}, Supervisor},
		h[3], h[4],
		{complaint.Command{Kind: complaint.CmdRevise, Reason: "the reduced jacket was sold meanwhile"}, Handler},
		h[3], {h[4].Command, complaint.Actor{ID: Supervisor.ID, Role: Supervisor.Role, Department: "returns"}}, carry,
		{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}, Agent},
		{complaint.Command{Kind: complaint.CmdReopen, Reason: "still split"}, Agent},
		{complaint.Command{Kind: complaint.CmdWait, Reason: "send the jacket in"}, Handler},
		{complaint.Command{Kind: complaint.CmdResume, Note: "jacket arrived"}, Agent},
		{complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, Agent},
		{complaint.Command{Kind: complaint.CmdWait, Reason: "send the receipt"}, Handler},
		{complaint.Command{Kind: complaint.CmdWithdraw, Reason: "bought another"}, Agent},
	}
}

// exactText returns s framed by white space and made longer than a
// 255-character text column, with characters outside ASCII: a store that
// trims, truncates or re-encodes texts does not give it back.
func exactText(s string) string {
	return "  " + s + strings.Repeat(" – ✓", 100) + " \n"
}

// exactTexts returns cmd with its note, reason, reply and feedback comment
// replaced by texts that only a store keeping texts exactly gives back
// (see exactText). It shares no pointer with cmd.
func exactTexts(cmd complaint.Command) complaint.Command {
	cmd.Note = exactText(cmd.Note)
	if cmd.Reason != "" {
		cmd.Reason = exactText(cmd.Reason)
	}
	if cmd.Reply != "" {
		cmd.Reply = exactText(cmd.Reply)
	}
	if cmd.Feedback != nil {
		fb := *cmd.Feedback
		fb.Comment = exactText("还是坏的")
		cmd.Feedback = &fb
	}
	return cmd
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func normCase(c complaint.Case) complaint.Case {
	c = c.Clone()
	c.Opened, c.Updated, c.Decided = utc(c.Opened), utc(c.Updated), utc(c.Decided)
	c.CarriedOut, c.Closed, c.Approved = utc(c.CarriedOut), utc(c.Closed), utc(c.Approved)
	c.Intake.Received = utc(c.Intake.Received)
	return c
}

func normEvent(e complaint.Event) complaint.Event {
	e = e.Clone()
	e.At, e.RevisedApproved = utc(e.At), utc(e.RevisedApproved)
	if e.Command.Intake != nil {
		e.Command.Intake.Received = utc(e.Command.Intake.Received)
	}
	return e
}

// save stores each event of evs with the case rebuilt up to it.
func saveAll(t testing.TB, s complaint.Store, evs []complaint.Event) complaint.Case {
	t.Helper()
	var c complaint.Case
	for i := range evs {
		var err error
		c, err = complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, s.Save(context.Background(), c, evs[i]), "save event %d", i+1)
	}
	return c
}

// saveFrom stores the events evs[from:], each with the case rebuilt up to
// it; the case must be stored at version from.
func saveFrom(t testing.TB, s complaint.Store, evs []complaint.Event, from int) {
	t.Helper()
	for i := from; i < len(evs); i++ {
		c, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, s.Save(context.Background(), c, evs[i]), "save event %d", i+1)
	}
}

// caseIDs returns the IDs of cases, in their order.
func caseIDs(cases []complaint.Case) []complaint.ID {
	ids := make([]complaint.ID, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return ids
}

// sameAsGet checks that each listed case is the case Get returns.
func sameAsGet(t testing.TB, s complaint.Store, listed []complaint.Case) {
	t.Helper()
	for _, c := range listed {
		got, err := s.Get(context.Background(), c.ID)
		if assert.NoError(t, err, "get listed case %s", c.ID) {
			assert.True(t, Same(got, c), "listed case %s differs from Get's: listed version %d, Get version %d", c.ID, c.Version, got.Version)
		}
	}
}

// listingOrder compares cases a and b as a listing orders them: by
// Opened, then ID.
func listingOrder(a, b complaint.Case) int {
	if d := a.Opened.Compare(b.Opened); d != 0 {
		return d
	}
	return strings.Compare(string(a.ID), string(b.ID))
}

// listingProblem describes what is wrong with cases as the listing of
// customer who, or returns "".
func listingProblem(cases []complaint.Case, who customer.ID) string {
	for i, c := range cases {
		if c.Intake.Complainant != who {
			return fmt.Sprintf("case %s of customer %q is listed", c.ID, c.Intake.Complainant)
		}
		if i > 0 && listingOrder(cases[i-1], c) >= 0 {
			return fmt.Sprintf("case %s (opened %s) is listed after case %s (opened %s)",
				c.ID, c.Opened.Format(time.RFC3339Nano), cases[i-1].ID, cases[i-1].Opened.Format(time.RFC3339Nano))
		}
	}
	return ""
}

// saveLastUnits saves to s case L-1, recorded at T0 and taken along
// [HappyPath] to closed with a refund of one unit whose carry-out is
// marked as taking back the last units held ([complaint.Event].LastUnits,
// as [complaint.MarkLastUnits] marks it when no unit is left) and sets
// RefundedAll. It returns the case, its events and the index of the
// carry-out among them.
func saveLastUnits(t *testing.T, s complaint.Store) (complaint.Case, []complaint.Event, int) {
	t.Helper()
	ctx := context.Background()
	c, ev := Record("L-1", T0)
	require.NoError(t, s.Save(ctx, c, ev), "save version 1")
	evs := []complaint.Event{ev}
	steps := HappyPath()
	steps[3].Command.Proposal = &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: money("40.00"), Units: 1, Detail: "the belt back"}
	carriedOut := 0
	for i, step := range steps {
		next, ev, err := complaint.Apply(c, step.Command, step.Actor, T0.Add(time.Duration(i+1)*time.Hour))
		require.NoError(t, err, "fixture step %d (%s)", i+1, step.Command.Kind)
		if step.Command.Kind == complaint.CmdCarryOut {
			next.RefundedAll, ev.LastUnits = true, true
			carriedOut = len(evs)
		}
		require.NoError(t, s.Save(ctx, next, ev), "save version %d (%s)", next.Version, step.Command.Kind)
		c, evs = next, append(evs, ev)
	}
	rebuilt, err := complaint.Rebuild(evs)
	require.NoError(t, err, "fixture log")
	require.True(t, rebuilt.RefundedAll, "fixture log")
	return c, evs, carriedOut
}

// TestStore runs the conformance tests of [complaint.Store] against the
// stores newStore returns; each call must return a new, empty store. The
// subtests check every obligation of the Store documentation, of the
// [complaint.Eraser] documentation for a store that is one (skipped for
// one whose Erase reports errors.ErrUnsupported), and of the
// [complaint.LogLister] documentation for a store that is one (skipped
// for one whose Logs yields errors.ErrUnsupported).
func TestStore(t *testing.T, newStore func(t *testing.T) complaint.Store) {
	ctx := context.Background()

	subtest.Run(t, "GetMissingReturnsErrNotFound", func(t *testing.T) {
		// Get on an unknown ID returns an error matching ErrNotFound.
		_, err := newStore(t).Get(ctx, "nope")
		assert.ErrorIs(t, err, complaint.ErrNotFound)
	})

	subtest.Run(t, "EventsMissingReturnsErrNotFound", func(t *testing.T) {
		// Events on an unknown ID returns an error matching ErrNotFound.
		_, err := newStore(t).Events(ctx, "nope")
		assert.ErrorIs(t, err, complaint.ErrNotFound)
	})

	subtest.Run(t, "SaveThenGetAndEvents", func(t *testing.T) {
		// Get returns the last saved case; Events all events in Seq order.
		s := newStore(t)
		want, evs := Run("C-1", T0, len(HappyPath()))
		saveAll(t, s, evs)
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		assert.True(t, Same(want, got), "stored case differs:\nwant %+v\ngot  %+v", want, got)
		gotEvs, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		assert.True(t, SameEvents(evs, gotEvs), "stored events differ")
		for i, ev := range gotEvs {
			assert.Equal(t, i+1, ev.Seq)
		}
	})

	subtest.Run(t, "RebuildFromEventsEqualsStoredCase", func(t *testing.T) {
		// The stored events rebuild the stored case exactly.
		s := newStore(t)
		_, evs := Run("C-1", T0, 5)
		saveAll(t, s, evs)
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		gotEvs, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		r, err := complaint.Rebuild(gotEvs)
		require.NoError(t, err)
		assert.True(t, Same(r, got))
	})

	subtest.Run(t, "SaveExistingAsNewConflicts", func(t *testing.T) {
		// Saving version 1 of a case that exists returns ErrConflict and stores nothing.
		s := newStore(t)
		c, ev := Record("C-1", T0)
		require.NoError(t, s.Save(ctx, c, ev))
		c2 := c.Clone()
		c2.Intake.Description = "other"
		ev2 := ev.Clone()
		ev2.Command.Intake.Description = "other"
		assert.ErrorIs(t, s.Save(ctx, c2, ev2), complaint.ErrConflict)
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		assert.True(t, Same(c, got))
	})

	subtest.Run(t, "SaveStaleOrSkippedVersionConflicts", func(t *testing.T) {
		// Save succeeds only over version c.Version-1: a stale or a skipping save gets ErrConflict and stores nothing.
		s := newStore(t)
		_, evs := Run("C-1", T0, 3)
		saveAll(t, s, evs[:2])
		c4, err := complaint.Rebuild(evs[:4])
		require.NoError(t, err)
		assert.ErrorIs(t, s.Save(ctx, c4, evs[3]), complaint.ErrConflict, "skipping version 3")
		c2, err := complaint.Rebuild(evs[:2])
		require.NoError(t, err)
		assert.ErrorIs(t, s.Save(ctx, c2, evs[1]), complaint.ErrConflict, "saving version 2 again")
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		assert.Equal(t, 2, got.Version)
		gotEvs, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		assert.Len(t, gotEvs, 2)
	})

	subtest.Run(t, "SaveMismatchedEventIsRejected", func(t *testing.T) {
		// An event of another case, or with Seq ≠ Version, is rejected with ErrMismatch and nothing is stored.
		s := newStore(t)
		c, ev := Record("C-1", T0)
		other := ev.Clone()
		other.Case = "C-2"
		assert.ErrorIs(t, s.Save(ctx, c, other), complaint.ErrMismatch)
		bad := ev.Clone()
		bad.Seq = 2
		assert.ErrorIs(t, s.Save(ctx, c, bad), complaint.ErrMismatch)
		_, err := s.Get(ctx, "C-1")
		assert.ErrorIs(t, err, complaint.ErrNotFound)
		_, err = s.Get(ctx, "C-2")
		assert.ErrorIs(t, err, complaint.ErrNotFound)
	})

	subtest.Run(t, "SaveDoesNotRetainArguments", func(t *testing.T) {
		// Changing the saved case's or event's slices afterwards changes nothing stored.
		s := newStore(t)
		c, ev := Record("C-1", T0)
		require.NoError(t, s.Save(ctx, c, ev))
		c.Intake.Attachments[0] = "changed"
		ev.Command.Intake.Attachments[0] = "changed"
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		assert.Equal(t, "photo-1", got.Intake.Attachments[0])
		evs, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		assert.Equal(t, "photo-1", evs[0].Command.Intake.Attachments[0])
	})

	subtest.Run(t, "ResultsAreCopies", func(t *testing.T) {
		// Changing what Get and Events return changes nothing stored.
		s := newStore(t)
		c, ev := Record("C-1", T0)
		require.NoError(t, s.Save(ctx, c, ev))
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		got.Intake.Attachments[0] = "changed"
		evs, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		evs[0].Command.Intake.Attachments[0] = "changed"
		evs[0].Seq = 99
		got, err = s.Get(ctx, "C-1")
		require.NoError(t, err)
		assert.Equal(t, "photo-1", got.Intake.Attachments[0])
		evs, err = s.Events(ctx, "C-1")
		require.NoError(t, err)
		assert.Equal(t, "photo-1", evs[0].Command.Intake.Attachments[0])
		assert.Equal(t, 1, evs[0].Seq)
	})

	subtest.Run(t, "CasesAreIndependent", func(t *testing.T) {
		// Saving one case does not change another.
		s := newStore(t)
		_, a := Run("A", T0, 2)
		_, b := Run("B", T0, 4)
		saveAll(t, s, a)
		saveAll(t, s, b)
		ga, err := s.Get(ctx, "A")
		require.NoError(t, err)
		gb, err := s.Get(ctx, "B")
		require.NoError(t, err)
		assert.Equal(t, 3, ga.Version)
		assert.Equal(t, 5, gb.Version)
	})

	subtest.Run(t, "ConcurrentSaveOneWinnerPerVersion", func(t *testing.T) {
		// Of many concurrent saves of the same version exactly one succeeds; the others get ErrConflict.
		s := newStore(t)
		c, ev := Record("C-1", T0)
		require.NoError(t, s.Save(ctx, c, ev))
		const writers = 16
		for round := 0; round < 5; round++ {
			base, err := s.Get(ctx, "C-1")
			require.NoError(t, err)
			var wg sync.WaitGroup
			errs := make([]error, writers)
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cmd := complaint.Command{Kind: complaint.CmdEscalate, Reason: fmt.Sprintf("writer %d", w)}
					next, ev, err := complaint.Apply(base, cmd, Agent, T0.Add(time.Hour))
					if err != nil {
						errs[w] = err
						return
					}
					errs[w] = s.Save(ctx, next, ev)
				}()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				if err == nil {
					wins++
				} else {
					assert.ErrorIs(t, err, complaint.ErrConflict)
				}
			}
			assert.Equal(t, 1, wins, "round %d", round)
		}
		evs, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		assert.Len(t, evs, 6)
	})

	subtest.Run(t, "ConcurrentServiceNoLostEvent", func(t *testing.T) {
		// Many goroutines acting on the same cases through a Service with retries: every accepted command is in the log once, versions have no gap.
		s := newStore(t)
		svc := &complaint.Service{Store: s}
		ids := []complaint.ID{"C-1", "C-2", "C-3"}
		for _, id := range ids {
			in := Intake(id, T0)
			_, _, err := svc.Record(ctx, in, "", Agent, T0)
			require.NoError(t, err)
		}
		const workers, each = 8, 6
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := map[complaint.ID]map[int]string{}
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					id := ids[(w+i)%len(ids)]
					reason := fmt.Sprintf("w%d-%d", w, i)
					for {
						_, ev, err := svc.Do(ctx, id, complaint.Command{Kind: complaint.CmdEscalate, Reason: reason}, Agent, T0.Add(time.Hour))
						if errors.Is(err, complaint.ErrConflict) {
							continue
						}
						if !assert.NoError(t, err) {
							return
						}
						mu.Lock()
						if won[id] == nil {
							won[id] = map[int]string{}
						}
						_, dup := won[id][ev.Seq]
						assert.False(t, dup, "two winners for %s version %d", id, ev.Seq)
						won[id][ev.Seq] = reason
						mu.Unlock()
						break
					}
				}
			}()
		}
		wg.Wait()
		total := 0
		for _, id := range ids {
			evs, err := s.Events(ctx, id)
			require.NoError(t, err)
			c, err := s.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, len(evs), c.Version)
			r, err := complaint.Rebuild(evs)
			require.NoError(t, err, "log of %s", id)
			assert.True(t, Same(r, c))
			for _, ev := range evs[1:] {
				assert.Equal(t, won[id][ev.Seq], ev.Command.Reason, "%s event %d", id, ev.Seq)
			}
			total += len(evs) - 1
		}
		assert.Equal(t, workers*each, total, "escalations stored")
	})

	subtest.Run(t, "EveryFieldRoundTrips", func(t *testing.T) {
		// Every version of a case taken through rejection, reopenings, reassignment, send-back, revision, waits, resumption, escalation and withdrawal comes back from Get as saved, with nanoseconds, and its events from Events: no field the happy path leaves empty is lost, and every text comes back exactly, white space around it and a length beyond a short text column included.
		s := newStore(t)
		east := time.FixedZone("UTC+9", 9*3600)
		in := intakeFor("R-1", "cust-r", T0.Add(123456789*time.Nanosecond).In(east))
		in.Description = " Naht gerissen – zweimal getragen ✓\n" + strings.Repeat("缝线开裂, seam split. ", 5000) + "\t "
		in.Demand.Text = " 退款 refund "
		c, ev, err := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in, Note: exactText("by phone")}, Agent, in.Received)
		require.NoError(t, err, "fixture intake")
		evs := []complaint.Event{ev}
		require.NoError(t, s.Save(ctx, c, ev), "save version 1")
		at := c.Opened
		for i, step := range rarePath() {
			step.Command = exactTexts(step.Command)
			at = at.Add(time.Hour + 1001*time.Nanosecond)
			next, ev, err := complaint.Apply(c, step.Command, step.Actor, at)
			require.NoError(t, err, "fixture step %d (%s)", i+1, step.Command.Kind)
			require.NoError(t, s.Save(ctx, next, ev), "save version %d (%s)", next.Version, step.Command.Kind)
			c, evs = next, append(evs, ev)
			got, err := s.Get(ctx, "R-1")
			if assert.NoError(t, err, "get after %s", step.Command.Kind) {
				sameCase(t, c, got, fmt.Sprintf("Get after saving version %d (%s)", c.Version, step.Command.Kind))
			}
		}
		got, err := s.Events(ctx, "R-1")
		if assert.NoError(t, err) {
			sameEvents(t, evs, got, "Events")
		}
		listed, err := s.Cases(ctx, "cust-r")
		if assert.NoError(t, err) && assert.Len(t, listed, 1, "Cases") {
			sameCase(t, c, listed[0], "Cases")
		}
	})

	subtest.Run(t, "RefundOfTheLastUnitsRoundTrips", func(t *testing.T) {
		// A refund carried out that took the last units held
		// (complaint.MarkLastUnits) keeps its mark on the event and
		// RefundedAll on the case: a store that dropped either would let
		// the reopened case refund units the customer no longer holds.
		s := newStore(t)
		c, evs, carriedOut := saveLastUnits(t, s)
		got, err := s.Get(ctx, c.ID)
		if assert.NoError(t, err) {
			assert.True(t, got.RefundedAll, "Get: RefundedAll")
			sameCase(t, c, got, "Get")
		}
		stored, err := s.Events(ctx, c.ID)
		if assert.NoError(t, err) && assert.Len(t, stored, len(evs)) {
			assert.True(t, stored[carriedOut].LastUnits, "Events: the carry-out's LastUnits")
			sameEvents(t, evs, stored, "Events")
		}
	})

	subtest.Run(t, "CaseIDsAreExact", func(t *testing.T) {
		// Case IDs are compared exactly: IDs differing in case or by spaces are other cases, each with its own version and events.
		s := newStore(t)
		ids := []complaint.ID{"C-1", "c-1", "C-1 ", " C-1"}
		want := map[complaint.ID]complaint.Case{}
		for i, id := range ids {
			c, evs := RunFor(id, customer.ID(fmt.Sprintf("cust-%d", i)), T0.Add(time.Duration(i)*time.Minute), i)
			want[id] = c
			for j := range evs {
				r, err := complaint.Rebuild(evs[:j+1])
				require.NoError(t, err)
				if !assert.NoError(t, s.Save(ctx, r, evs[j]), "save case %q version %d beside cases %q: IDs differing in case or spaces are other cases", id, j+1, ids[:i]) {
					break
				}
			}
		}
		for _, id := range ids {
			got, err := s.Get(ctx, id)
			if assert.NoError(t, err, "Get(%q)", id) {
				sameCase(t, want[id], got, fmt.Sprintf("Get(%q)", id))
			}
			evs, err := s.Events(ctx, id)
			if assert.NoError(t, err, "Events(%q)", id) {
				assert.Len(t, evs, want[id].Version, "Events(%q)", id)
			}
		}
		for _, id := range []complaint.ID{"C-", "C-1  ", "C-10"} {
			_, err := s.Get(ctx, id)
			assert.ErrorIs(t, err, complaint.ErrNotFound, "Get(%q) beside cases %q", id, ids)
		}
	})

	subtest.Run(t, "NoSharedPointers", func(t *testing.T) {
		// Save keeps no pointer or slice of the case or event it was given, and what Get, Events and Cases return shares none with the store: changing the finding, proposal, execution, feedback or assignment of either changes nothing stored.
		s := newStore(t)
		want, wantEvs := Run("C-1", T0, 7)
		_, evs := Run("C-1", T0, 7)
		c := saveAll(t, s, evs)
		// scribble changes what c points to; a case without the
		// pointers (a broken store's) is left for the other checks.
		scribble := func(c *complaint.Case) {
			if len(c.Intake.Attachments) > 0 {
				c.Intake.Attachments[0] = "changed"
			}
			if c.Finding != nil {
				c.Finding.Detail = "changed"
			}
			if c.Proposal != nil {
				c.Proposal.Detail = "changed"
			}
			if c.Execution != nil && len(c.Execution.Accountability) > 0 {
				c.Execution.Accountability[0].Staff = "changed"
			}
			if c.Feedback != nil {
				c.Feedback.CSAT = 1
			}
		}
		scribbleCmd := func(cmd *complaint.Command) {
			switch {
			case cmd.Intake != nil:
				cmd.Intake.Description = "changed"
			case cmd.Assignment != nil:
				cmd.Assignment.Department = "changed"
			case cmd.Finding != nil:
				cmd.Finding.Detail = "changed"
			case cmd.Proposal != nil:
				cmd.Proposal.Detail = "changed"
			case cmd.Execution != nil && len(cmd.Execution.Accountability) > 0:
				cmd.Execution.Accountability[0].Staff = "changed"
			case cmd.Feedback != nil:
				cmd.Feedback.CSAT = 1
			}
		}
		check := func(what string) {
			t.Helper()
			got, err := s.Get(ctx, "C-1")
			if assert.NoError(t, err) {
				sameCase(t, want, got, what+": Get")
			}
			gotEvs, err := s.Events(ctx, "C-1")
			if assert.NoError(t, err) {
				sameEvents(t, wantEvs, gotEvs, what+": Events")
			}
		}
		scribble(&c)
		for i := range evs {
			scribbleCmd(&evs[i].Command)
		}
		check("after changing the arguments of Save")
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		scribble(&got)
		check("after changing the case Get returned")
		gotEvs, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		for i := range gotEvs {
			scribbleCmd(&gotEvs[i].Command)
		}
		check("after changing the events Events returned")
		listed, err := s.Cases(ctx, "cust-C-1")
		require.NoError(t, err)
		require.Len(t, listed, 1)
		scribble(&listed[0])
		check("after changing the case Cases returned")
	})

	subtest.Run(t, "CasesOfCustomerWithoutCasesIsEmpty", func(t *testing.T) {
		// Cases of a customer without cases, known or not, is empty with a nil error (not ErrNotFound), also beside other customers' cases and for a prefix of their IDs.
		s := newStore(t)
		got, err := s.Cases(ctx, "nobody")
		require.NoError(t, err, "empty store")
		assert.Empty(t, got, "empty store")
		_, evs := RunFor("C-1", "cust-a", T0, 1)
		saveAll(t, s, evs)
		for _, who := range []customer.ID{"nobody", "cust-", "cust-a ", "CUST-A", ""} {
			got, err := s.Cases(ctx, who)
			require.NoError(t, err, "customer %q", who)
			assert.Empty(t, got, "customer %q", who)
		}
		got, err = s.Cases(ctx, "cust-a")
		require.NoError(t, err)
		assert.Equal(t, []complaint.ID{"C-1"}, caseIDs(got))
	})

	subtest.Run(t, "CasesOrderedByOpenedThenID", func(t *testing.T) {
		// Cases lists only the customer's cases, by the instant Opened (nanoseconds and zones count), then by ID as Go compares strings, whatever the order of the saves.
		s := newStore(t)
		east := time.FixedZone("UTC+9", 9*3600)
		west := time.FixedZone("UTC-5", -5*3600)
		type rec struct {
			id     complaint.ID
			who    customer.ID
			opened time.Time
		}
		recs := []rec{
			{"K-5", "cust-x", T0.Add(2 * time.Hour)},
			{"K-7", "cust-y", T0.Add(30 * time.Minute)},
			{"Z-1", "cust-x", T0.Add(90 * time.Minute).In(west)}, // 05:30 on the local clock
			{"k-1", "cust-x", T0},
			{"K-9", "cust-x", T0.In(east)}, // the same instant as T0
			{"A-1", "cust-x", T0.Add(time.Nanosecond)},
			{"K-8", "cust-x2", T0.Add(-2 * time.Hour)},
			{"Y-0", "cust-x", T0.Add(-time.Hour)},
			{"K-10", "cust-x", T0},
		}
		for _, r := range recs {
			c, ev := RecordFor(r.id, r.who, r.opened)
			require.NoError(t, s.Save(ctx, c, ev), "save %s", r.id)
		}
		got, err := s.Cases(ctx, "cust-x")
		require.NoError(t, err)
		assert.Equal(t, []complaint.ID{"Y-0", "K-10", "K-9", "k-1", "A-1", "Z-1", "K-5"}, caseIDs(got))
		sameAsGet(t, s, got)
		got, err = s.Cases(ctx, "cust-y")
		require.NoError(t, err)
		assert.Equal(t, []complaint.ID{"K-7"}, caseIDs(got))
	})

	subtest.Run(t, "CasesReturnCurrentState", func(t *testing.T) {
		// Each listed case is the last saved version, as Get returns it.
		s := newStore(t)
		a, aEvs := RunFor("A", "cust-x", T0, 4)
		b, bEvs := RunFor("B", "cust-x", T0.Add(time.Minute), 2)
		saveAll(t, s, aEvs[:1])
		saveAll(t, s, bEvs)
		got, err := s.Cases(ctx, "cust-x")
		require.NoError(t, err)
		require.Equal(t, []complaint.ID{"A", "B"}, caseIDs(got))
		assert.Equal(t, 1, got[0].Version)
		assert.Equal(t, complaint.StateRecorded, got[0].State)
		assert.True(t, Same(b, got[1]), "case B differs from its last saved version")
		saveFrom(t, s, aEvs, 1)
		got, err = s.Cases(ctx, "cust-x")
		require.NoError(t, err)
		require.Equal(t, []complaint.ID{"A", "B"}, caseIDs(got))
		assert.True(t, Same(a, got[0]), "case A: listed version %d in %s, last saved version %d in %s", got[0].Version, got[0].State, a.Version, a.State)
		assert.True(t, Same(b, got[1]))
		sameAsGet(t, s, got)
	})

	subtest.Run(t, "CasesFollowTheCurrentComplainant", func(t *testing.T) {
		// A case is listed under the Intake.Complainant of its current version: when a saved version names another customer, it moves to that customer's listing, in its place there.
		s := newStore(t)
		_, evs := RunFor("A", "cust-x", T0, 0)
		saveAll(t, s, evs)
		_, evs = RunFor("B", "cust-y", T0.Add(-time.Hour), 0)
		saveAll(t, s, evs)
		_, evs = RunFor("C", "cust-y", T0.Add(time.Hour), 0)
		saveAll(t, s, evs)
		c, err := s.Get(ctx, "A")
		require.NoError(t, err)
		next, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdAccept}, Agent, T0.Add(2*time.Hour))
		require.NoError(t, err)
		next.Intake.Complainant = "cust-y"
		require.NoError(t, s.Save(ctx, next, ev))
		got, err := s.Cases(ctx, "cust-x")
		require.NoError(t, err)
		assert.Empty(t, got, "the case is still listed under its former customer")
		got, err = s.Cases(ctx, "cust-y")
		require.NoError(t, err)
		assert.Equal(t, []complaint.ID{"B", "A", "C"}, caseIDs(got))
		sameAsGet(t, s, got)
	})

	subtest.Run(t, "CasesResultIsACopy", func(t *testing.T) {
		// Changing what Cases returns (its order, its cases, their slices) changes nothing stored nor the next listing.
		s := newStore(t)
		_, evs := RunFor("A", "cust-x", T0, 1)
		saveAll(t, s, evs)
		_, evs = RunFor("B", "cust-x", T0.Add(time.Hour), 0)
		saveAll(t, s, evs)
		got, err := s.Cases(ctx, "cust-x")
		require.NoError(t, err)
		require.Len(t, got, 2)
		got[0].Intake.Attachments[0] = "changed"
		got[0].Version = 99
		got[0].State = complaint.StateClosed
		got[0], got[1] = got[1], got[0]
		got[1].ID = "X"
		again, err := s.Cases(ctx, "cust-x")
		require.NoError(t, err)
		require.Equal(t, []complaint.ID{"A", "B"}, caseIDs(again))
		assert.Equal(t, "photo-1", again[0].Intake.Attachments[0])
		assert.Equal(t, 2, again[0].Version)
		assert.Equal(t, complaint.StateAccepted, again[0].State)
		stored, err := s.Get(ctx, "A")
		require.NoError(t, err)
		assert.Equal(t, "photo-1", stored.Intake.Attachments[0])
		assert.Equal(t, 2, stored.Version)
	})

	subtest.Run(t, "RejectedSaveChangesNoListing", func(t *testing.T) {
		// A Save that fails (the ID taken by another customer's case, a skipped or stale version, a mismatched event) adds, moves or changes no case in any listing.
		s := newStore(t)
		_, evs := RunFor("C-1", "cust-x", T0, 1)
		saveAll(t, s, evs[:1])
		v1, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		saveFrom(t, s, evs, 1)
		want, err := s.Get(ctx, "C-1")
		require.NoError(t, err)

		taken, ev := RecordFor("C-1", "cust-y", T0.Add(-time.Hour))
		assert.ErrorIs(t, s.Save(ctx, taken, ev), complaint.ErrConflict, "the ID is another customer's case")
		skipping, skEvs := RunFor("D-1", "cust-y", T0, 1)
		assert.ErrorIs(t, s.Save(ctx, skipping, skEvs[1]), complaint.ErrConflict, "version 2 of a case never recorded")
		rec, ev := RecordFor("E-1", "cust-y", T0)
		bad := ev.Clone()
		bad.Seq = 2
		assert.ErrorIs(t, s.Save(ctx, rec, bad), complaint.ErrMismatch, "an event of another version")
		stale, ev, err := complaint.Apply(v1, complaint.Command{Kind: complaint.CmdEscalate, Reason: "stale"}, Agent, T0.Add(time.Hour))
		require.NoError(t, err)
		stale.Intake.Complainant = "cust-y"
		stale.Opened = T0.Add(-2 * time.Hour)
		assert.ErrorIs(t, s.Save(ctx, stale, ev), complaint.ErrConflict, "a stale version that names another customer")

		got, err := s.Cases(ctx, "cust-y")
		require.NoError(t, err)
		assert.Empty(t, caseIDs(got), "a refused save is listed")
		got, err = s.Cases(ctx, "cust-x")
		require.NoError(t, err)
		require.Equal(t, []complaint.ID{"C-1"}, caseIDs(got), "the stored case's listing changed")
		assert.True(t, Same(want, got[0]), "the listed case is not the stored one")
	})

	subtest.Run(t, "ConcurrentSavesListCorrectly", func(t *testing.T) {
		// Cases of several customers saved concurrently, read meanwhile: every listing holds only the customer's cases, in order, and at the end exactly all of them, each at its last version.
		s := newStore(t)
		customers := []customer.ID{"cust-a", "cust-b", "cust-c", "cust-d"}
		const perCustomer, steps = 4, 2
		want := map[customer.ID][]complaint.Case{}
		var logs [][]complaint.Event
		for _, who := range customers {
			for j := range perCustomer {
				// Later IDs open earlier, so that ID order is not listing order.
				id := complaint.ID(fmt.Sprintf("%s/%d", who, j))
				c, evs := RunFor(id, who, T0.Add(time.Duration(perCustomer-j)*time.Minute), steps)
				want[who] = append([]complaint.Case{c}, want[who]...)
				logs = append(logs, evs)
			}
		}
		var writers, readers sync.WaitGroup
		done := make(chan struct{})
		for _, evs := range logs {
			writers.Add(1)
			go func() {
				defer writers.Done()
				for i := range evs {
					c, err := complaint.Rebuild(evs[:i+1])
					if !assert.NoError(t, err) {
						return
					}
					if !assert.NoError(t, s.Save(ctx, c, evs[i]), "save %s version %d", c.ID, c.Version) {
						return
					}
				}
			}()
		}
		for _, who := range customers {
			readers.Add(1)
			go func() {
				defer readers.Done()
				for {
					got, err := s.Cases(ctx, who)
					if !assert.NoError(t, err) {
						return
					}
					if problem := listingProblem(got, who); problem != "" {
						assert.Fail(t, "listing during saves", "customer %s: %s", who, problem)
						return
					}
					select {
					case <-done:
						return
					default:
					}
				}
			}()
		}
		writers.Wait()
		close(done)
		readers.Wait()
		for _, who := range customers {
			got, err := s.Cases(ctx, who)
			require.NoError(t, err)
			require.Equal(t, caseIDs(want[who]), caseIDs(got), "customer %s", who)
			for i := range got {
				assert.True(t, Same(want[who][i], got[i]), "case %s: listed version %d, last saved %d", got[i].ID, got[i].Version, want[who][i].Version)
			}
		}
	})

	testOddIDs(t, newStore)
	testEraser(t, newStore)
	testLogLister(t, newStore)

	subtest.Run(t, "ModelBased", func(t *testing.T) {
		// A random sequence of records (by a few customers, at a few instants), transitions, stale saves, reads, listings and, for a complaint.LogLister, logs of periods keeps the store equal to a model map of event logs.
		rapid.Check(t, func(rt *rapid.T) {
			m := &storeMachine{store: newStore(t), logs: map[complaint.ID][]complaint.Event{}}
			rt.Repeat(map[string]func(*rapid.T){
				"":        m.check,
				"record":  m.record,
				"advance": m.advance,
				"stale":   m.stale,
				"get":     m.get,
				"cases":   m.cases,
				"logs":    m.logsOf,
			})
		})
	})
}

// storeMachine is the model-based test of a Store: the model is the map
// of each case's event log.
type storeMachine struct {
	store complaint.Store
	logs  map[complaint.ID][]complaint.Event
}

var (
	machineIDs       = []complaint.ID{"M-1", "M-2", "M-3", "M-4", "M-5"}
	machineCustomers = []customer.ID{"cust-a", "cust-b", "cust-c"}
)

func (m *storeMachine) record(t *rapid.T) {
	id := rapid.SampledFrom(machineIDs).Draw(t, "id")
	who := rapid.SampledFrom(machineCustomers).Draw(t, "complainant")
	// Few instants, so that cases often open at the same one.
	at := T0.Add(time.Duration(rapid.IntRange(0, 2).Draw(t, "hour")) * time.Hour)
	c, ev := RecordFor(id, who, at)
	err := m.store.Save(context.Background(), c, ev)
	if _, exists := m.logs[id]; exists {
		if !errors.Is(err, complaint.ErrConflict) {
			t.Fatalf("recording existing %s: got %v, want ErrConflict", id, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("recording %s: %v", id, err)
	}
	m.logs[id] = []complaint.Event{ev}
}

func (m *storeMachine) existing(t *rapid.T) complaint.ID {
	if len(m.logs) == 0 {
		t.Skip("no case yet")
	}
	var ids []complaint.ID
	for _, id := range machineIDs {
		if _, ok := m.logs[id]; ok {
			ids = append(ids, id)
		}
	}
	return rapid.SampledFrom(ids).Draw(t, "existing")
}

func (m *storeMachine) advance(t *rapid.T) {
	id := m.existing(t)
	log := m.logs[id]
	c, err := complaint.Rebuild(log)
	if err != nil {
		t.Fatalf("model log: %v", err)
	}
	steps := HappyPath()
	step := Step{complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, Agent}
	k := 0
	for _, ev := range log[1:] {
		if ev.Command.Kind != complaint.CmdEscalate {
			k++
		}
	}
	if k < len(steps) && rapid.Bool().Draw(t, "forward") {
		step = steps[k]
	}
	if !c.Open() {
		t.Skip("case closed")
	}
	next, ev, err := complaint.Apply(c, step.Command, step.Actor, c.Updated.Add(time.Hour))
	if err != nil {
		t.Fatalf("apply %s: %v", step.Command.Kind, err)
	}
	if err := m.store.Save(context.Background(), next, ev); err != nil {
		t.Fatalf("save %s v%d: %v", id, next.Version, err)
	}
	m.logs[id] = append(log, ev)
}

func (m *storeMachine) stale(t *rapid.T) {
	id := m.existing(t)
	log := m.logs[id]
	k := rapid.IntRange(0, len(log)-1).Draw(t, "behind")
	c, err := complaint.Rebuild(log[:k+1])
	if err != nil {
		t.Fatalf("model log: %v", err)
	}
	if !c.Open() || k == len(log)-1 {
		t.Skip("not stale or not open")
	}
	next, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "stale"}, Agent, c.Updated)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if err := m.store.Save(context.Background(), next, ev); !errors.Is(err, complaint.ErrConflict) {
		t.Fatalf("stale save of %s v%d over v%d: got %v, want ErrConflict", id, next.Version, len(log), err)
	}
}

func (m *storeMachine) get(t *rapid.T) {
	id := rapid.SampledFrom(machineIDs).Draw(t, "id")
	_, err := m.store.Get(context.Background(), id)
	if _, ok := m.logs[id]; !ok && !errors.Is(err, complaint.ErrNotFound) {
		t.Fatalf("get missing %s: got %v, want ErrNotFound", id, err)
	}
}

// listing returns the model's listing of customer who: the current
// cases whose complainant is who, by Opened, then ID.
func (m *storeMachine) listing(t *rapid.T, who customer.ID) []complaint.Case {
	var out []complaint.Case
	for _, log := range m.logs {
		c, err := complaint.Rebuild(log)
		if err != nil {
			t.Fatalf("model log: %v", err)
		}
		if c.Intake.Complainant == who {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, listingOrder)
	return out
}

// checkCases compares the store's listing of who with the model's.
func (m *storeMachine) checkCases(t *rapid.T, who customer.ID) {
	got, err := m.store.Cases(context.Background(), who)
	if err != nil {
		t.Fatalf("cases of %s: %v", who, err)
	}
	want := m.listing(t, who)
	if !slices.Equal(caseIDs(want), caseIDs(got)) {
		t.Fatalf("cases of %s: store lists %v, model %v", who, caseIDs(got), caseIDs(want))
	}
	for i := range want {
		if !Same(want[i], got[i]) {
			t.Fatalf("cases of %s: %s listed at version %d in %s, model version %d in %s", who, got[i].ID, got[i].Version, got[i].State, want[i].Version, want[i].State)
		}
	}
}

func (m *storeMachine) cases(t *rapid.T) {
	m.checkCases(t, rapid.SampledFrom(append([]customer.ID{"cust-z"}, machineCustomers...)).Draw(t, "customer"))
}

// logsOf compares the logs a [complaint.LogLister] yields for a period
// of hours with the model's: the logs of the cases opened in it, by
// Opened, then ID. It does nothing for a store that is not one.
func (m *storeMachine) logsOf(t *rapid.T) {
	ll, ok := m.store.(complaint.LogLister)
	if !ok {
		return
	}
	from := T0.Add(time.Duration(rapid.IntRange(-1, 3).Draw(t, "from")) * time.Hour)
	to := from.Add(time.Duration(rapid.IntRange(0, 3).Draw(t, "hours")) * time.Hour)
	var want [][]complaint.Event
	for _, log := range m.logs {
		if at := log[0].At; !at.Before(from) && at.Before(to) {
			want = append(want, log)
		}
	}
	slices.SortFunc(want, func(a, b []complaint.Event) int {
		if d := a[0].At.Compare(b[0].At); d != 0 {
			return d
		}
		return strings.Compare(string(a[0].Case), string(b[0].Case))
	})
	var got [][]complaint.Event
	for log, err := range ll.Logs(context.Background(), from, to) {
		if errors.Is(err, errors.ErrUnsupported) {
			return
		}
		if err != nil {
			t.Fatalf("logs from %s to %s: %v", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
		}
		got = append(got, log)
	}
	if !slices.Equal(logCases(want), logCases(got)) {
		t.Fatalf("logs from %s to %s: store yields %v, model %v", from.Format(time.RFC3339), to.Format(time.RFC3339), logCases(got), logCases(want))
	}
	for i := range want {
		if !SameEvents(want[i], got[i]) {
			t.Fatalf("log of %s: store yields %d events, model %d", want[i][0].Case, len(got[i]), len(want[i]))
		}
	}
}

func (m *storeMachine) check(t *rapid.T) {
	for id, log := range m.logs {
		got, err := m.store.Get(context.Background(), id)
		if err != nil {
			t.Fatalf("get %s: %v", id, err)
		}
		want, err := complaint.Rebuild(log)
		if err != nil {
			t.Fatalf("model log: %v", err)
		}
		if !Same(want, got) {
			t.Fatalf("case %s: store has version %d in %s, model version %d in %s", id, got.Version, got.State, want.Version, want.State)
		}
		evs, err := m.store.Events(context.Background(), id)
		if err != nil {
			t.Fatalf("events %s: %v", id, err)
		}
		if !SameEvents(log, evs) {
			t.Fatalf("events of %s: store has %d, model %d", id, len(evs), len(log))
		}
	}
	for _, who := range machineCustomers {
		m.checkCases(t, who)
	}
}
