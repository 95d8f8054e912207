package complaint_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// aheadOf requires err to be the refusal of a now ahead of the clock for
// operation op on case id.
func aheadOf(t *testing.T, err error, id complaint.ID, op string, now, clock time.Time, maxAhead time.Duration) {
	t.Helper()
	require.ErrorIs(t, err, complaint.ErrNowAhead)
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ae *complaint.NowAheadError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, complaint.NowAheadError{Case: id, Op: op, Now: now, Clock: clock, MaxAhead: maxAhead}, *ae)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("now", customer.CodeFuture), "%v", err)
	for _, s := range []string{`complaint "` + string(id) + `": ` + op + ": now: ", now.Format(time.RFC3339Nano), clock.Format(time.RFC3339Nano), maxAhead.String()} {
		assert.Contains(t, err.Error(), s)
	}
}

// A Service wired to the host's clock refuses a command whose now is too
// far ahead of it (a machine whose clock says 2036) before it reads the
// store: the case is not stuck, and the next command at the real time
// is taken.
func TestServiceClockRefusesAFutureNow(t *testing.T) {
	ctx := context.Background()
	c, ev := complainttest.Record("C-1", t0)
	inner := complaint.NewMemStore()
	require.NoError(t, inner.Save(ctx, c, ev))
	fs := &complainttest.FaultStore{Store: inner}
	real := t0.Add(time.Hour)
	svc := complaint.Service{Store: fs, Clock: func() time.Time { return real }}
	wrong := time.Date(2036, 6, 11, 0, 0, 0, 0, time.UTC)
	calls := fs.Calls()
	for _, do := range []func() (complaint.Case, complaint.Event, error){
		func() (complaint.Case, complaint.Event, error) {
			return svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept}, agent, wrong)
		},
		func() (complaint.Case, complaint.Event, error) {
			return svc.DoRetry(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept, Key: "k"}, agent, wrong, 3)
		},
	} {
		got, gotEv, err := do()
		aheadOf(t, err, "C-1", "accept", wrong, real, complaint.DefaultMaxAhead)
		assert.Equal(t, complaint.Case{}, got)
		assert.Equal(t, complaint.Event{}, gotEv)
	}
	assert.Equal(t, calls, fs.Calls(), "the store was read or written")
	evs, err := svc.History(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 1)

	// A redelivered command is not answered with a wrong now either.
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdRecord, Intake: &c.Intake}, agent, wrong)
	aheadOf(t, err, "C-1", "record", wrong, real, complaint.DefaultMaxAhead)

	// At the real time the case goes on.
	next, _, err := svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept}, agent, real)
	require.NoError(t, err)
	assert.Equal(t, complaint.StateAccepted, next.State)

	// Record is guarded too, naming the intake's case.
	in := complainttest.Intake("C-2", t0)
	calls = fs.Calls()
	_, _, err = svc.Record(ctx, in, "", agent, wrong)
	aheadOf(t, err, "C-2", "record", wrong, real, complaint.DefaultMaxAhead)
	assert.Equal(t, calls, fs.Calls())
	_, err = inner.Get(ctx, "C-2")
	require.ErrorIs(t, err, complaint.ErrNotFound)
}

// Without a clock a future now is trusted, as before: the case is then
// stuck until the real time passes it.
func TestServiceWithoutClockTrustsAFutureNow(t *testing.T) {
	ctx := context.Background()
	c, ev := complainttest.Record("C-1", t0)
	st := complaint.NewMemStore()
	require.NoError(t, st.Save(ctx, c, ev))
	svc := complaint.Service{Store: st}
	_, _, err := svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept}, agent, time.Date(2036, 6, 11, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}, agent, t0.Add(time.Hour))
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("now", customer.CodeOrder), "%v", err)
}

// The bound: a now at exactly Clock() + MaxAhead is taken, one a
// nanosecond later refused, the case's event count unchanged; zero
// MaxAhead is DefaultMaxAhead, a negative one none.
func TestServiceClockBound(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name            string
		maxAhead, bound time.Duration
	}{
		{"default", 0, complaint.DefaultMaxAhead},
		{"an hour", time.Hour, time.Hour},
		{"none", -time.Minute, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := complaint.NewMemStore()
			clock := t0
			svc := complaint.Service{Store: st, Clock: func() time.Time { return clock }, MaxAhead: tc.maxAhead}
			in := complainttest.Intake("C-1", t0)
			over := clock.Add(tc.bound + time.Nanosecond)
			_, _, err := svc.Record(ctx, in, "", agent, over)
			aheadOf(t, err, "C-1", "record", over, clock, tc.bound)
			_, err = st.Get(ctx, "C-1")
			require.ErrorIs(t, err, complaint.ErrNotFound)
			_, _, err = svc.Record(ctx, in, "", agent, clock.Add(tc.bound))
			require.NoError(t, err)
			clock = clock.Add(tc.bound + time.Hour)
			over = clock.Add(tc.bound + time.Nanosecond)
			_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept}, agent, over)
			aheadOf(t, err, "C-1", "accept", over, clock, tc.bound)
			evs, err := st.Events(ctx, "C-1")
			require.NoError(t, err)
			assert.Len(t, evs, 1)
			_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept}, agent, clock.Add(tc.bound))
			require.NoError(t, err)
		})
	}
}

// For any clock, tolerance and now, a guarded Service refuses a command
// exactly when now is later than Clock() + MaxAhead, then touching no
// store; otherwise it does what a Service without a clock does.
func TestServiceClockProperty(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		clock := t0.Add(time.Duration(rapid.Int64Range(0, int64(800*24*time.Hour)).Draw(rt, "clock")))
		maxAhead := rapid.SampledFrom([]time.Duration{0, -1, time.Nanosecond, time.Second, time.Hour, 48 * time.Hour}).Draw(rt, "max ahead")
		bound := maxAhead
		switch {
		case maxAhead == 0:
			bound = complaint.DefaultMaxAhead
		case maxAhead < 0:
			bound = 0
		}
		lead := rapid.OneOf(
			rapid.Int64Range(-int64(bound)-2, int64(bound)+2),
			rapid.Int64Range(-int64(10*365*24*time.Hour), int64(10*365*24*time.Hour)),
		).Draw(rt, "lead")
		now := clock.Add(time.Duration(lead))
		c, ev := complainttest.Record("C-1", t0)
		var stores [2]*complainttest.FaultStore
		for i := range stores {
			stores[i] = &complainttest.FaultStore{Store: complaint.NewMemStore()}
			if err := stores[i].Store.Save(ctx, c, ev); err != nil {
				rt.Fatal(err)
			}
		}
		guarded := complaint.Service{Store: stores[0], Clock: func() time.Time { return clock }, MaxAhead: maxAhead}
		plain := complaint.Service{Store: stores[1]}
		cmd := rapid.SampledFrom([]complaint.Command{
			{Kind: complaint.CmdAccept},
			{Kind: complaint.CmdAccept, Key: "k"},
			{Kind: complaint.CmdReject, Reply: "not a fault"},
		}).Draw(rt, "command")
		gc, gev, gerr := guarded.Do(ctx, "C-1", cmd, agent, now)
		if now.After(clock.Add(bound)) {
			var ae *complaint.NowAheadError
			if !errors.As(gerr, &ae) || ae.Now != now || ae.Clock != clock || ae.MaxAhead != bound || ae.Case != "C-1" || ae.Op != cmd.Kind.String() {
				rt.Fatalf("now %v, clock %v, bound %v: got %v, want a NowAheadError", now, clock, bound, gerr)
			}
			if stores[0].Calls() != 0 {
				rt.Fatalf("refused, but the store was used %d times", stores[0].Calls())
			}
			return
		}
		pc, pev, perr := plain.Do(ctx, "C-1", cmd, agent, now)
		if (gerr == nil) != (perr == nil) || gerr != nil && gerr.Error() != perr.Error() {
			rt.Fatalf("within the bound: guarded %v, plain %v", gerr, perr)
		}
		if !reflect.DeepEqual(gc, pc) || !reflect.DeepEqual(gev, pev) {
			rt.Fatalf("within the bound the guarded service gives another case or event")
		}
	})
}
