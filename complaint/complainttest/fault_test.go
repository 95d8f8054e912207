package complainttest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

var ctx = context.Background()

// consistent checks that the store holds a whole case: its version is
// the length of its log and the log rebuilds it.
func consistent(t *testing.T, s complaint.Store, id complaint.ID) {
	t.Helper()
	c, err := s.Get(ctx, id)
	if errors.Is(err, complaint.ErrNotFound) {
		_, err = s.Events(ctx, id)
		assert.ErrorIs(t, err, complaint.ErrNotFound, "events without a case")
		return
	}
	require.NoError(t, err)
	evs, err := s.Events(ctx, id)
	require.NoError(t, err)
	require.Len(t, evs, c.Version, "half-applied: version %d with %d events", c.Version, len(evs))
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(r, c))
}

// run takes case id through the happy path via svc, retrying each
// command after an injected fault. After every fault it checks that the
// underlying store holds no half-applied case. With lostAck it treats a
// command as done when the log already ends with its event.
func run(t *testing.T, svc *complaint.Service, inner complaint.Store, id complaint.ID, lostAck bool) {
	t.Helper()
	in := complainttest.Intake(id, complainttest.T0)
	steps := append([]complainttest.Step{{Command: complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, Actor: complainttest.Agent}}, complainttest.HappyPath()...)
	for i, s := range steps {
		at := complainttest.T0.Add(time.Duration(i) * time.Hour)
		for attempt := 0; ; attempt++ {
			require.Less(t, attempt, 20, "step %d never succeeded", i)
			var err error
			if s.Command.Kind == complaint.CmdRecord {
				_, _, err = svc.Record(ctx, *s.Command.Intake, "", s.Actor, at)
			} else {
				_, _, err = svc.Do(ctx, id, s.Command, s.Actor, at)
			}
			if err == nil {
				break
			}
			require.ErrorIs(t, err, complainttest.ErrInjected, "step %d", i)
			consistent(t, inner, id)
			if lostAck {
				evs, err := inner.Events(ctx, id)
				if err == nil && len(evs) == i+1 && evs[i].Command.Kind == s.Command.Kind {
					break
				}
			}
		}
	}
}

func reference(t *testing.T) (complaint.Case, []complaint.Event) {
	s := complaint.NewMemStore()
	run(t, &complaint.Service{Store: s}, s, "C-1", false)
	c, err := s.Get(ctx, "C-1")
	require.NoError(t, err)
	evs, err := s.Events(ctx, "C-1")
	require.NoError(t, err)
	return c, evs
}

func TestFaultRetryGivesFaultFreeResult(t *testing.T) {
	wantCase, wantEvents := reference(t)
	require.Equal(t, complaint.StateClosed, wantCase.State)
	type cfg struct {
		name            string
		failCall, every int
		lostAck         bool
	}
	var cases []cfg
	// Count the calls of a fault-free run, then fail each one in turn.
	counter := &complainttest.FaultStore{Store: complaint.NewMemStore()}
	run(t, &complaint.Service{Store: counter}, counter.Store, "C-1", false)
	require.Equal(t, 17, counter.Calls(), "record: 1 save; 8 commands: get + save")
	for n := 1; n <= counter.Calls(); n++ {
		cases = append(cases, cfg{name: fmt.Sprintf("call%d", n), failCall: n})
	}
	for _, every := range []int{3, 4, 5} {
		cases = append(cases, cfg{name: fmt.Sprintf("every%d", every), every: every})
		cases = append(cases, cfg{name: fmt.Sprintf("lostAckEvery%d", every), every: every, lostAck: true})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inner := complaint.NewMemStore()
			fs := &complainttest.FaultStore{Store: inner, FailCall: tc.failCall, FailEvery: tc.every, LoseAck: tc.lostAck}
			run(t, &complaint.Service{Store: fs}, inner, "C-1", tc.lostAck)
			assert.Positive(t, fs.Faults(), "no fault was injected")
			got, err := inner.Get(ctx, "C-1")
			require.NoError(t, err)
			evs, err := inner.Events(ctx, "C-1")
			require.NoError(t, err)
			assert.True(t, complainttest.Same(wantCase, got), "case differs from the fault-free run")
			assert.True(t, complainttest.SameEvents(wantEvents, evs), "events differ from the fault-free run")
		})
	}
}

func TestFaultStoreCounts(t *testing.T) {
	fs := &complainttest.FaultStore{Store: complaint.NewMemStore(), FailCall: 2}
	_, err := fs.Get(ctx, "x")
	assert.ErrorIs(t, err, complaint.ErrNotFound)
	_, err = fs.Events(ctx, "x")
	assert.ErrorIs(t, err, complainttest.ErrInjected)
	c, ev := complainttest.Record("x", complainttest.T0)
	assert.NoError(t, fs.Save(ctx, c, ev))
	cases, err := fs.Cases(ctx, c.Intake.Complainant)
	assert.NoError(t, err)
	assert.Len(t, cases, 1)
	assert.Equal(t, 4, fs.Calls())
	assert.Equal(t, 1, fs.Faults())
	fs.FailCall = 5
	_, err = fs.Cases(ctx, c.Intake.Complainant)
	assert.ErrorIs(t, err, complainttest.ErrInjected)
	assert.Equal(t, 2, fs.Faults())
}

func TestSameDetectsDifferences(t *testing.T) {
	a, evs := complainttest.Run("C-1", complainttest.T0, 3)
	b := a.Clone()
	assert.True(t, complainttest.Same(a, b))
	b.Updated = b.Updated.In(time.FixedZone("X", 3600))
	assert.True(t, complainttest.Same(a, b), "same instant in another zone")
	b.Handler = "someone-else"
	assert.False(t, complainttest.Same(a, b))
	assert.True(t, complainttest.SameEvents(evs, evs))
	assert.False(t, complainttest.SameEvents(evs, evs[:2]))
	other := append([]complaint.Event(nil), evs...)
	other[1] = other[1].Clone()
	other[1].Command.Note = "x"
	assert.False(t, complainttest.SameEvents(evs, other))
}

// A FaultStore over an Eraser is an Eraser: erasure reaches the wrapped
// store, counts as a call, and fails as a Save does (before the store, or
// after it with LoseAck). Over a store that cannot erase it refuses with
// errors.ErrUnsupported and changes nothing.
func TestFaultStoreErase(t *testing.T) {
	closed := func(t *testing.T) (*complaint.MemStore, complaint.Case) {
		inner := complaint.NewMemStore()
		c, evs := complainttest.Run("C-1", complainttest.T0, len(complainttest.HappyPath()))
		require.Equal(t, complaint.StateClosed, c.State)
		for i, ev := range evs {
			r, err := complaint.Rebuild(evs[:i+1])
			require.NoError(t, err)
			require.NoError(t, inner.Save(ctx, r, ev))
		}
		return inner, c
	}
	description := func(t *testing.T, s complaint.Store) string {
		c, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		return c.Intake.Description
	}
	at := complainttest.T0.Add(30 * time.Hour)
	for _, tc := range []struct {
		name            string
		failCall        int
		loseAck         bool
		wantErr, erased bool
	}{
		{name: "passes", erased: true},
		{name: "fails", failCall: 1, wantErr: true},
		{name: "losesAck", failCall: 1, loseAck: true, wantErr: true, erased: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inner, c := closed(t)
			var s complaint.Store = &complainttest.FaultStore{Store: inner, FailCall: tc.failCall, LoseAck: tc.loseAck}
			e, ok := s.(complaint.Eraser)
			require.True(t, ok, "a FaultStore over a MemStore is a complaint.Eraser")
			err := e.Erase(ctx, c.Intake.Complainant, at)
			if tc.wantErr {
				require.ErrorIs(t, err, complainttest.ErrInjected)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, 1, s.(*complainttest.FaultStore).Calls(), "the erasure is counted")
			if tc.erased {
				assert.Empty(t, description(t, inner), "the erasure reached the wrapped store")
			} else {
				assert.Equal(t, c.Intake.Description, description(t, inner), "a failed erasure changes nothing")
			}
		})
	}
	inner, c := closed(t)
	fs := &complainttest.FaultStore{Store: struct{ complaint.Store }{inner}}
	require.ErrorIs(t, fs.Erase(ctx, c.Intake.Complainant, at), errors.ErrUnsupported)
	assert.Equal(t, c.Intake.Description, description(t, inner))
}

// The conformance kit passes through a FaultStore that injects no fault,
// its Eraser subtests included; over a store that cannot erase, whose
// erasure the FaultStore refuses with errors.ErrUnsupported, it skips
// them as for any store that is not an Eraser.
func TestFaultStorePassesTheKit(t *testing.T) {
	t.Run("eraser", func(t *testing.T) {
		complainttest.TestStore(t, func(*testing.T) complaint.Store {
			return &complainttest.FaultStore{Store: complaint.NewMemStore()}
		})
	})
	t.Run("notEraser", func(t *testing.T) {
		complainttest.TestStore(t, func(*testing.T) complaint.Store {
			return &complainttest.FaultStore{Store: struct{ complaint.Store }{complaint.NewMemStore()}}
		})
	})
}
