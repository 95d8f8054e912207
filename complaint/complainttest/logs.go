package complainttest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
)

// collectLogs reads every log that ll yields for [from, to), failing t
// on an error.
func collectLogs(t testing.TB, ll complaint.LogLister, from, to time.Time) [][]complaint.Event {
	t.Helper()
	var logs [][]complaint.Event
	for log, err := range ll.Logs(context.Background(), from, to) {
		require.NoError(t, err, "logs from %s to %s", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano))
		logs = append(logs, log)
	}
	return logs
}

// logCases returns the case of each log, in order; "" for an empty log.
func logCases(logs [][]complaint.Event) []complaint.ID {
	ids := make([]complaint.ID, len(logs))
	for i, log := range logs {
		if len(log) > 0 {
			ids[i] = log[0].Case
		}
	}
	return ids
}

// sameAsEvents checks that each log is the whole log Events gives of its
// case.
func sameAsEvents(t testing.TB, s complaint.Store, logs [][]complaint.Event) {
	t.Helper()
	for i, log := range logs {
		if !assert.NotEmpty(t, log, "log %d is empty", i) {
			continue
		}
		want, err := s.Events(context.Background(), log[0].Case)
		if assert.NoError(t, err, "events of listed case %s", log[0].Case) {
			sameEvents(t, want, log, fmt.Sprintf("log of case %s", log[0].Case))
		}
	}
}

// testLogLister runs the subtests of [complaint.LogLister]; they are
// skipped for a store that does not implement it, and for one whose Logs
// yields an error matching errors.ErrUnsupported (a wrapper, such as
// [FaultStore], over a store that cannot list logs).
func testLogLister(t *testing.T, newStore func(t *testing.T) complaint.Store) {
	ctx := context.Background()
	lister := func(t *testing.T) (complaint.Store, complaint.LogLister) {
		s := newStore(t)
		ll, ok := s.(complaint.LogLister)
		if !ok {
			t.Skipf("%T is not a complaint.LogLister", s)
		}
		for _, err := range ll.Logs(ctx, T0, T0.Add(time.Hour)) {
			if errors.Is(err, errors.ErrUnsupported) {
				t.Skipf("%T cannot list logs: %v", s, err)
			}
		}
		return s, ll
	}

	subtest.Run(t, "LogsOfEmptyStoreAreNone", func(t *testing.T) {
		// An empty store yields no log and no error, for any period.
		_, ll := lister(t)
		assert.Empty(t, collectLogs(t, ll, time.Time{}, T0.AddDate(100, 0, 0)))
	})

	subtest.Run(t, "LogsOrderedByOpenedThenID", func(t *testing.T) {
		// Logs yields the cases of every complainant by the instant Opened (nanoseconds and zones count), then by ID as Go compares strings, whatever the order of the saves, each log as Events gives it.
		s, ll := lister(t)
		east := time.FixedZone("UTC+9", 9*3600)
		west := time.FixedZone("UTC-5", -5*3600)
		for i, r := range []struct {
			id     complaint.ID
			who    customer.ID
			opened time.Time
		}{
			{"K-5", "cust-x", T0.Add(2 * time.Hour)},
			{"K-7", "cust-y", T0.Add(30 * time.Minute)},
			{"Z-1", "cust-x", T0.Add(90 * time.Minute).In(west)},
			{"k-1", "cust-z", T0},
			{"K-9", "cust-x", T0.In(east)}, // the same instant as T0
			{"A-1", "cust-y", T0.Add(time.Nanosecond)},
			{"K-8", "cust-x2", T0.Add(-2 * time.Hour)},
			{"Y-0", "cust-x", T0.Add(-time.Hour)},
			{"K-10", "cust-y", T0},
		} {
			_, evs := RunFor(r.id, r.who, r.opened, i%3)
			saveAll(t, s, evs)
		}
		logs := collectLogs(t, ll, T0.Add(-24*time.Hour), T0.Add(24*time.Hour))
		assert.Equal(t, []complaint.ID{"K-8", "Y-0", "K-10", "K-9", "k-1", "A-1", "K-7", "Z-1", "K-5"}, logCases(logs))
		sameAsEvents(t, s, logs)
	})

	subtest.Run(t, "LogsOrderIDsByteByByte", func(t *testing.T) {
		// Cases opened at one instant come by ID compared byte by byte, as Go compares strings, not in a collation's order: upper case before lower case, "_" between them, a letter with a diacritic after every ASCII one, a precomposed "é" after "e" followed by a combining accent.
		s, ll := lister(t)
		ids := []complaint.ID{"a", "B", "_x", "\u00e9", "Z", "e\u0301", "\u00e4", "a b", "a-b", "ab", "A", "b"}
		for i, id := range ids {
			_, evs := RunFor(id, customer.ID(fmt.Sprintf("cust-%d", i%4)), T0, i%2)
			saveAll(t, s, evs)
		}
		_, evs := RunFor("~late", "cust-0", T0.Add(time.Nanosecond), 0)
		saveAll(t, s, evs)
		want := slices.Clone(ids)
		slices.Sort(want)
		want = append(want, "~late")
		logs := collectLogs(t, ll, T0, T0.Add(time.Hour))
		assert.Equal(t, want, logCases(logs))
		sameAsEvents(t, s, logs)
	})

	subtest.Run(t, "LogsPeriodBounds", func(t *testing.T) {
		// A case opened at from is yielded, one opened at to is not, to the nanosecond and whatever the zones of the bounds; a period whose to is not after from yields nothing.
		s, ll := lister(t)
		from, to := T0, T0.Add(24*time.Hour)
		for _, r := range []struct {
			id     complaint.ID
			opened time.Time
		}{
			{"before", from.Add(-time.Nanosecond)},
			{"at-from", from},
			{"inside", from.Add(time.Hour)},
			{"last", to.Add(-time.Nanosecond)},
			{"at-to", to},
			{"after", to.Add(time.Hour)},
		} {
			_, evs := Run(r.id, r.opened, 1)
			saveAll(t, s, evs)
		}
		want := []complaint.ID{"at-from", "inside", "last"}
		assert.Equal(t, want, logCases(collectLogs(t, ll, from, to)), "UTC bounds")
		east := time.FixedZone("UTC+14", 14*3600)
		west := time.FixedZone("UTC-12", -12*3600)
		assert.Equal(t, want, logCases(collectLogs(t, ll, from.In(east), to.In(west))), "bounds in other zones")
		assert.Equal(t, []complaint.ID{"before", "at-from", "inside", "last", "at-to", "after"},
			logCases(collectLogs(t, ll, time.Time{}, to.AddDate(1000, 0, 0))), "from the zero time, to far ahead")
		assert.Equal(t, []complaint.ID{"at-to"}, logCases(collectLogs(t, ll, to, to.Add(time.Nanosecond))), "one nanosecond")
		assert.Empty(t, collectLogs(t, ll, from, from), "to equal to from")
		assert.Empty(t, collectLogs(t, ll, to, from), "to before from")
		assert.Empty(t, collectLogs(t, ll, to.In(east), to.In(west)), "the same instant in two zones")
	})

	subtest.Run(t, "LogsAreWhole", func(t *testing.T) {
		// Each log holds every event of its case, those after to included, ordered by Seq, every field kept, also after a case left its complainant.
		s, ll := lister(t)
		_, evs := RunFor("W-1", "cust-a", T0, len(HappyPath()))
		saveAll(t, s, evs)
		rare := rarePath()
		log := []complaint.Event{}
		c, ev := RecordFor("W-2", "cust-b", T0.Add(time.Minute))
		log = append(log, ev)
		require.NoError(t, s.Save(ctx, c, ev))
		for i, step := range rare {
			var err error
			c, ev, err = complaint.Apply(c, exactTexts(step.Command), step.Actor, T0.Add(time.Duration(i+2)*time.Hour))
			require.NoError(t, err, "step %d", i)
			require.NoError(t, s.Save(ctx, c, ev), "save step %d", i)
			log = append(log, ev)
		}
		logs := collectLogs(t, ll, T0, T0.Add(time.Hour))
		require.Equal(t, []complaint.ID{"W-1", "W-2"}, logCases(logs))
		sameEvents(t, evs, logs[0], "log of W-1")
		sameEvents(t, log, logs[1], "log of W-2")
		for i, ev := range logs[1] {
			assert.Equal(t, i+1, ev.Seq, "W-2 event %d", i+1)
		}
	})

	subtest.Run(t, "LogsResultIsACopy", func(t *testing.T) {
		// Changing the logs yielded changes nothing stored nor the next logs.
		s, ll := lister(t)
		_, evs := Run("A", T0, 2)
		saveAll(t, s, evs)
		logs := collectLogs(t, ll, T0, T0.Add(time.Hour))
		require.Len(t, logs, 1)
		logs[0][0].Command.Intake.Attachments[0] = "changed"
		logs[0][0].Command.Note = "changed"
		logs[0][1].Seq = 99
		logs[0] = logs[0][:1]
		again := collectLogs(t, ll, T0, T0.Add(time.Hour))
		require.Len(t, again, 1)
		sameEvents(t, evs, again[0], "logs after changing the ones yielded")
		stored, err := s.Events(ctx, "A")
		require.NoError(t, err)
		sameEvents(t, evs, stored, "events after changing the logs yielded")
	})

	subtest.Run(t, "LogsStopEarly", func(t *testing.T) {
		// A loop that stops after the first log gets no more, and stopping early, many times over, leaves the store working: nothing is held.
		s, ll := lister(t)
		for i := range 3 {
			_, evs := Run(complaint.ID(fmt.Sprintf("S-%d", i)), T0.Add(time.Duration(i)*time.Minute), 1)
			saveAll(t, s, evs)
		}
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		for round := range 20 {
			n := 0
			for log, err := range ll.Logs(tctx, T0, T0.Add(time.Hour)) {
				require.NoError(t, err, "round %d", round)
				n++
				assert.Equal(t, complaint.ID("S-0"), log[0].Case)
				break
			}
			require.Equal(t, 1, n, "round %d", round)
		}
		_, evs := Run("S-3", T0.Add(3*time.Minute), 0)
		saveAll(t, s, evs)
		got, err := s.Get(tctx, "S-0")
		require.NoError(t, err)
		assert.Equal(t, 2, got.Version)
		assert.Equal(t, []complaint.ID{"S-0", "S-1", "S-2", "S-3"}, logCases(collectLogs(t, ll, T0, T0.Add(time.Hour))))
	})

	subtest.Run(t, "LogsWithContextDone", func(t *testing.T) {
		// With a cancelled context Logs yields one error matching context.Canceled, with a nil log, and nothing else.
		s, ll := lister(t)
		_, evs := Run("A", T0, 1)
		saveAll(t, s, evs)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		n := 0
		for log, err := range ll.Logs(cancelled, T0, T0.Add(time.Hour)) {
			n++
			assert.Nil(t, log)
			assert.ErrorIs(t, err, context.Canceled)
		}
		assert.Equal(t, 1, n, "elements yielded")
	})

	subtest.Run(t, "LogsAreASnapshot", func(t *testing.T) {
		// A Save made by the loop's body while Logs runs changes nothing yielded: no later event of a case still to come, no new case.
		s, ll := lister(t)
		_, a := Run("A", T0, 1)
		_, b := Run("B", T0.Add(time.Minute), 3)
		saveAll(t, s, a)
		saveAll(t, s, b[:2])
		var logs [][]complaint.Event
		for log, err := range ll.Logs(ctx, T0, T0.Add(time.Hour)) {
			require.NoError(t, err)
			if len(logs) == 0 {
				saveFrom(t, s, b[:3], 2)
				_, c := Run("C", T0.Add(2*time.Minute), 0)
				saveAll(t, s, c)
			}
			logs = append(logs, log)
		}
		require.Equal(t, []complaint.ID{"A", "B"}, logCases(logs), "a case saved during the iteration was yielded")
		sameEvents(t, b[:2], logs[1], "log of B, saved to during the iteration")
		assert.Equal(t, []complaint.ID{"A", "B", "C"}, logCases(collectLogs(t, ll, T0, T0.Add(time.Hour))))
	})

	subtest.Run(t, "ConcurrentSavesLogConsistently", func(t *testing.T) {
		// Logs read while a writer advances case A, then B, in turn, one version at a time: each log is a prefix of its case's log, and the logs are of one instant, so B is never ahead of A nor two behind.
		s, ll := lister(t)
		_, a := Run("A", T0, len(HappyPath()))
		_, b := Run("B", T0.Add(time.Minute), len(HappyPath()))
		saveAll(t, s, a[:1])
		saveAll(t, s, b[:1])
		var wg sync.WaitGroup
		done := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			for i := 1; i < len(a); i++ {
				for _, evs := range [][]complaint.Event{a, b} {
					c, err := complaint.Rebuild(evs[:i+1])
					if !assert.NoError(t, err) {
						return
					}
					if !assert.NoError(t, s.Save(ctx, c, evs[i]), "save %s version %d", c.ID, c.Version) {
						return
					}
				}
			}
		}()
		for reading := true; reading; {
			select {
			case <-done:
				reading = false
			default:
			}
			var logs [][]complaint.Event
			for log, err := range ll.Logs(ctx, T0, T0.Add(time.Hour)) {
				if !assert.NoError(t, err) {
					break
				}
				logs = append(logs, log)
			}
			if !assert.Equal(t, []complaint.ID{"A", "B"}, logCases(logs)) {
				break
			}
			na, nb := len(logs[0]), len(logs[1])
			if !SameEvents(a[:min(na, len(a))], logs[0]) || !SameEvents(b[:min(nb, len(b))], logs[1]) {
				assert.Fail(t, "logs during saves", "a log is not a prefix of its case's log (A %d events, B %d)", na, nb)
				break
			}
			if nb > na || na > nb+1 {
				assert.Fail(t, "logs during saves", "not one instant: A at version %d, B at version %d, but B is saved right after A", na, nb)
				break
			}
		}
		wg.Wait()
		logs := collectLogs(t, ll, T0, T0.Add(time.Hour))
		require.Len(t, logs, 2)
		sameEvents(t, a, logs[0], "log of A")
		sameEvents(t, b, logs[1], "log of B")
	})

	subtest.Run(t, "LogsMatchTheListings", func(t *testing.T) {
		// The logs of every case opened in a period are the cases that Cases lists, of every complainant, in that period, with their events, also after an erasure and a case moved to another complainant.
		s, ll := lister(t)
		for i, who := range []customer.ID{"cust-a", "cust-b", "cust-a", "cust-c", "cust-b"} {
			_, evs := RunFor(complaint.ID(fmt.Sprintf("L-%d", 5-i)), who, T0.Add(time.Duration(i%3)*time.Hour), len(HappyPath()))
			saveAll(t, s, evs)
		}
		if e, ok := s.(complaint.Eraser); ok {
			if err := e.Erase(ctx, "cust-a", T0.AddDate(0, 0, 30)); err != nil && !errors.Is(err, errors.ErrUnsupported) {
				require.NoError(t, err)
			}
		}
		var listed []complaint.Case
		for _, who := range []customer.ID{"cust-a", "cust-b", "cust-c"} {
			cs, err := s.Cases(ctx, who)
			require.NoError(t, err)
			listed = append(listed, cs...)
		}
		slices.SortFunc(listed, listingOrder)
		logs := collectLogs(t, ll, T0, T0.Add(3*time.Hour))
		assert.Equal(t, caseIDs(listed), logCases(logs))
		sameAsEvents(t, s, logs)
		for i, log := range logs {
			if i < len(listed) {
				r, err := complaint.Rebuild(log)
				if assert.NoError(t, err, "rebuild %s", log[0].Case) {
					sameCase(t, listed[i], r, fmt.Sprintf("case %s rebuilt from its log", log[0].Case))
				}
			}
		}
	})

	subtest.Run(t, "LogsKeepTheLastUnitsMark", func(t *testing.T) {
		// A log keeps the mark of a carry-out that took back the last units held (Event.LastUnits), from which Rebuild gives the case's RefundedAll.
		s, ll := lister(t)
		c, evs, carriedOut := saveLastUnits(t, s)
		logs := collectLogs(t, ll, T0, T0.Add(time.Hour))
		require.Equal(t, []complaint.ID{c.ID}, logCases(logs))
		if assert.Len(t, logs[0], len(evs)) {
			assert.True(t, logs[0][carriedOut].LastUnits, "the carry-out's LastUnits")
			sameEvents(t, evs, logs[0], "log")
		}
		r, err := complaint.Rebuild(logs[0])
		if assert.NoError(t, err) {
			assert.True(t, r.RefundedAll, "RefundedAll of the case rebuilt from its log")
		}
	})
}
