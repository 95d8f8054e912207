// Package complainttest is the conformance kit of [complaint.Store]: a
// caller runs [TestStore] against their own adapter (SQL, document
// store…) and knows it keeps the contract, including under concurrency.
// It also provides fixtures and a fault-injecting store wrapper,
// [FaultStore].
package complainttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
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

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func normCase(c complaint.Case) complaint.Case {
	c = c.Clone()
	c.Opened, c.Updated, c.Decided = utc(c.Opened), utc(c.Updated), utc(c.Decided)
	c.CarriedOut, c.Closed = utc(c.CarriedOut), utc(c.Closed)
	c.Intake.Received = utc(c.Intake.Received)
	return c
}

func normEvent(e complaint.Event) complaint.Event {
	e = e.Clone()
	e.At = utc(e.At)
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

// TestStore runs the conformance tests of [complaint.Store] against the
// stores newStore returns; each call must return a new, empty store. The
// subtests check every obligation of the Store documentation.
func TestStore(t *testing.T, newStore func(t *testing.T) complaint.Store) {
	ctx := context.Background()

	t.Run("GetMissingReturnsErrNotFound", func(t *testing.T) {
		// Get on an unknown ID returns an error matching ErrNotFound.
		_, err := newStore(t).Get(ctx, "nope")
		assert.ErrorIs(t, err, complaint.ErrNotFound)
	})

	t.Run("EventsMissingReturnsErrNotFound", func(t *testing.T) {
		// Events on an unknown ID returns an error matching ErrNotFound.
		_, err := newStore(t).Events(ctx, "nope")
		assert.ErrorIs(t, err, complaint.ErrNotFound)
	})

	t.Run("SaveThenGetAndEvents", func(t *testing.T) {
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

	t.Run("RebuildFromEventsEqualsStoredCase", func(t *testing.T) {
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

	t.Run("SaveExistingAsNewConflicts", func(t *testing.T) {
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

	t.Run("SaveStaleOrSkippedVersionConflicts", func(t *testing.T) {
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

	t.Run("SaveMismatchedEventIsRejected", func(t *testing.T) {
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

	t.Run("SaveDoesNotRetainArguments", func(t *testing.T) {
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

	t.Run("ResultsAreCopies", func(t *testing.T) {
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

	t.Run("CasesAreIndependent", func(t *testing.T) {
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

	t.Run("ConcurrentSaveOneWinnerPerVersion", func(t *testing.T) {
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

	t.Run("ConcurrentServiceNoLostEvent", func(t *testing.T) {
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

	t.Run("ModelBased", func(t *testing.T) {
		// A random sequence of records, transitions, stale saves and reads keeps the store equal to a model map of event logs.
		rapid.Check(t, func(rt *rapid.T) {
			m := &storeMachine{store: newStore(t), logs: map[complaint.ID][]complaint.Event{}}
			rt.Repeat(map[string]func(*rapid.T){
				"":        m.check,
				"record":  m.record,
				"advance": m.advance,
				"stale":   m.stale,
				"get":     m.get,
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

var machineIDs = []complaint.ID{"M-1", "M-2", "M-3", "M-4"}

func (m *storeMachine) record(t *rapid.T) {
	id := rapid.SampledFrom(machineIDs).Draw(t, "id")
	c, ev := Record(id, T0)
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
}
