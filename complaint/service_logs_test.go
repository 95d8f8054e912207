package complaint_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// saveRun stores the events of a case recorded at start for who, with
// its first n happy-path steps.
func saveRun(t *testing.T, s complaint.Store, id complaint.ID, who customer.ID, start time.Time, n int) []complaint.Event {
	t.Helper()
	_, evs := complainttest.RunFor(id, who, start, n)
	for i := range evs {
		c, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, s.Save(context.Background(), c, evs[i]))
	}
	return evs
}

func logIDs(logs [][]complaint.Event) []complaint.ID {
	var ids []complaint.ID
	for _, log := range logs {
		ids = append(ids, log[0].Case)
	}
	return ids
}

// Service.Logs reads the logs of every case opened in [from, to), of
// every complainant, whole, by Opened then ID, in one call to the store.
func TestServiceLogs(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	faulty := &complainttest.FaultStore{Store: mem}
	svc := &complaint.Service{Store: faulty}
	b := saveRun(t, mem, "B", "cust-x", hours(0), 3)
	saveRun(t, mem, "A", "cust-y", hours(-1), 1)
	a2 := saveRun(t, mem, "A2", "cust-z", hours(0), 8)
	saveRun(t, mem, "C", "cust-x", hours(2), 0)

	calls := faulty.Calls()
	logs, err := svc.Logs(ctx, hours(0), hours(2))
	require.NoError(t, err)
	assert.Equal(t, 1, faulty.Calls()-calls, "one call to the store")
	assert.Equal(t, []complaint.ID{"A2", "B"}, logIDs(logs), "opened in [0h, 2h), by Opened then ID")
	assert.True(t, complainttest.SameEvents(a2, logs[0]), "the whole log, events after to included")
	assert.True(t, complainttest.SameEvents(b, logs[1]))

	logs, err = svc.Logs(ctx, time.Time{}, hours(2).Add(time.Nanosecond))
	require.NoError(t, err)
	assert.Equal(t, []complaint.ID{"A", "A2", "B", "C"}, logIDs(logs))

	logs, err = svc.Logs(ctx, hours(3), hours(4))
	require.NoError(t, err)
	assert.NotNil(t, logs, "an empty result, not nil")
	assert.Empty(t, logs)
}

// Bad inputs of Service.Logs: a period whose end is not after its start,
// a Store that cannot list logs, no Store; each is an error that says
// so, and none reads the store. A failing store's error is passed on.
func TestServiceLogsErrors(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	saveRun(t, mem, "A", "cust-y", hours(0), 1)
	faulty := &complainttest.FaultStore{Store: mem}
	svc := &complaint.Service{Store: faulty}
	for _, p := range []struct {
		name     string
		from, to time.Time
	}{
		{"to before from", hours(2), hours(1)},
		{"empty period", hours(1), hours(1)},
		{"the same instant in another zone", hours(1), hours(1).In(time.FixedZone("UTC+9", 9*3600))},
		{"both zero", time.Time{}, time.Time{}},
	} {
		logs, err := svc.Logs(ctx, p.from, p.to)
		assert.ErrorIs(t, err, complaint.ErrPeriod, p.name)
		assert.ErrorContains(t, err, "to is not after from", p.name)
		assert.Nil(t, logs, p.name)
	}
	assert.Zero(t, faulty.Calls(), "a bad period reads nothing")

	hidden := &complaint.Service{Store: struct{ complaint.Store }{mem}}
	logs, err := hidden.Logs(ctx, hours(0), hours(1))
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	assert.ErrorContains(t, err, "not a complaint.LogLister")
	assert.Nil(t, logs)

	var none complaint.Service
	_, err = none.Logs(ctx, hours(0), hours(1))
	assert.EqualError(t, err, "complaint: the Service has no Store")

	faulty.FailCall = faulty.Calls() + 1
	logs, err = svc.Logs(ctx, hours(0), hours(1))
	assert.ErrorIs(t, err, complainttest.ErrInjected)
	assert.Nil(t, logs)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	logs, err = svc.Logs(cancelled, hours(0), hours(1))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, logs)
}

// Analyze and Signals give from Service.Logs what they give from the
// logs read one customer and one case at a time.
func TestServiceLogsFeedAnalyzeAndSignals(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	var all [][]complaint.Event
	for _, r := range []struct {
		id  complaint.ID
		who customer.ID
		h   float64
		n   int
	}{{"K-1", "cust-a", -30, 8}, {"K-2", "cust-a", 1, 3}, {"K-3", "cust-b", 2, 6}, {"K-4", "cust-c", 30, 1}, {"K-5", "cust-b", 50, 0}} {
		all = append(all, saveRun(t, mem, r.id, r.who, hours(r.h), r.n))
	}
	from, to, now := hours(0), hours(48), hours(60)
	logs, err := svc.Logs(ctx, from, now.Add(time.Nanosecond))
	require.NoError(t, err)
	got, err := complaint.Analyze(logs, from, to, 100, nil)
	require.NoError(t, err)
	want, err := complaint.Analyze(all, from, to, 100, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	asOf := hours(40)
	logs, err = svc.Logs(ctx, time.Time{}, asOf.Add(time.Nanosecond))
	require.NoError(t, err)
	gotSig, err := complaint.Signals(logs, asOf, 0, nil)
	require.NoError(t, err)
	wantSig, err := complaint.Signals(all, asOf, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, wantSig, gotSig)
}

// The documented recipe for Analyze, Logs from the period's start to the
// time of the report included, gives the report of the per-case reads
// also when a complaint made in the period is typed in at the very
// instant the report runs (here the period's end): it counts, recorded
// late, as it does from the per-case reads.
func TestServiceLogsAnalyzeRecipeIncludesNow(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	from, to := hours(0), hours(48)
	now := to // the report runs at the period's end
	var all [][]complaint.Event
	all = append(all, saveRun(t, mem, "K-1", "cust-a", hours(-5), 3))
	all = append(all, saveRun(t, mem, "K-2", "cust-b", hours(3), 2))
	in := complainttest.Intake("K-3", hours(47)) // made in the period
	in.Complainant = "cust-c"
	_, ev, err := svc.Record(ctx, in, "", complainttest.Agent, now) // typed in as the report runs
	require.NoError(t, err)
	all = append(all, []complaint.Event{ev})

	want, err := complaint.Analyze(all, from, to, 100, nil)
	require.NoError(t, err)
	require.Equal(t, 2, want.Cases)
	require.Equal(t, 1, want.RecordedLate)

	logs, err := svc.Logs(ctx, from, now.Add(time.Nanosecond))
	require.NoError(t, err)
	got, err := complaint.Analyze(logs, from, to, 100, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// Service.Signals is Signals over the logs of every case recorded up to
// asOf included, read in one call to the store; a case recorded at asOf
// counts, one recorded after it does not; the errors of Logs are its
// errors.
func TestServiceSignals(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	faulty := &complainttest.FaultStore{Store: mem}
	svc := &complaint.Service{Store: faulty}
	saveRun(t, mem, "A", "cust-x", hours(-48), 8)
	saveRun(t, mem, "B", "cust-x", hours(0), 3)
	saveRun(t, mem, "C", "cust-y", hours(2), 0)
	saveRun(t, mem, "D", "cust-z", hours(2).Add(time.Nanosecond), 0)

	asOf := hours(2)
	calls := faulty.Calls()
	got, err := svc.Signals(ctx, asOf, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, faulty.Calls()-calls, "one call to the store")
	logs, err := svc.Logs(ctx, time.Time{}, asOf.Add(time.Nanosecond))
	require.NoError(t, err)
	want, err := complaint.Signals(logs, asOf, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, 2, got["cust-x"].Total)
	assert.Equal(t, 1, got["cust-y"].Total, "a case recorded at asOf counts")
	assert.NotContains(t, got, customer.ID("cust-z"), "a case recorded after asOf does not")

	assert.Equal(t, 2, got["cust-x"].Recent, "both within the default window")
	window, err := svc.Signals(ctx, asOf, 3*time.Hour, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, window["cust-x"].Recent, "the window is passed on: of A (48 h before) and B (2 h before), only B is within 3 h")

	var none complaint.Service
	_, err = none.Signals(ctx, asOf, 0, nil)
	assert.EqualError(t, err, "complaint: the Service has no Store")
	hidden := &complaint.Service{Store: struct{ complaint.Store }{mem}}
	_, err = hidden.Signals(ctx, asOf, 0, nil)
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	faulty.FailCall = faulty.Calls() + 1
	sig, err := svc.Signals(ctx, asOf, 0, nil)
	assert.ErrorIs(t, err, complainttest.ErrInjected)
	assert.Nil(t, sig)
}
